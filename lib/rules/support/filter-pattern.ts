/**
 * CloudWatch Logs filter patterns, evaluated against a log event, so a rule can tell a metric
 * filter that really catches an event (an AccessDenied call, a root sign-in) from one whose
 * name only says so. Syntax as documented in "Filter pattern syntax for metric filters,
 * subscription filters, filter log events, and Live Tail" (Amazon CloudWatch Logs User Guide):
 *
 * - JSON patterns `{ SELECTOR OP VALUE }` with `&&`, `||` and parentheses; selectors `$.a.b`,
 *   `$.a[0]`, `$.a.*` is not supported (reported as unparseable); operators `=`, `!=` on strings
 *   (quoted or bare, `*` wildcard anywhere) and `=`, `!=`, `<`, `<=`, `>`, `>=` on numbers;
 *   `IS NULL`, `NOT EXISTS`, `IS TRUE`, `IS FALSE`.
 * - Term patterns: space-separated terms that must all appear (case-sensitive), `-term`
 *   excluded, `?term` any-of; `""` (empty) matches every event.
 *
 * A pattern this module cannot parse matches nothing: an unreadable filter never counts as
 * analysis (`parseFilterPattern` says why).
 */

type Json = unknown;

type Condition =
  | { kind: 'cmp'; path: (string | number)[]; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: string | number; quoted: boolean }
  | { kind: 'null'; path: (string | number)[] }
  | { kind: 'notExists'; path: (string | number)[] }
  | { kind: 'bool'; path: (string | number)[]; value: boolean }
  | { kind: 'and' | 'or'; left: Condition; right: Condition };

export type CompiledPattern =
  | { ok: true; kind: 'json'; condition: Condition }
  | { ok: true; kind: 'terms'; all: string[]; none: string[]; any: string[] }
  | { ok: false; error: string };

class PatternError extends Error {}

/** Parse a filter pattern; `{ ok: false, error }` when it is outside the supported syntax. */
export function parseFilterPattern(pattern: string): CompiledPattern {
  try {
    const text = pattern.trim();
    if (text.startsWith('{')) {
      if (!text.endsWith('}')) throw new PatternError('JSON pattern does not end with }');
      const parser = new JsonPatternParser(text.slice(1, -1));
      const condition = parser.parseOr();
      parser.end();
      return { ok: true, kind: 'json', condition };
    }
    if (text.startsWith('[')) throw new PatternError('space-delimited patterns ([w1, w2, …]) are not evaluated');
    return { ok: true, ...termPattern(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Does `pattern` match the log event (a CloudTrail record as JSON)? Unparseable patterns match nothing. */
export function filterPatternMatches(pattern: string | CompiledPattern, event: Record<string, Json>): boolean {
  const compiled = typeof pattern === 'string' ? parseFilterPattern(pattern) : pattern;
  if (!compiled.ok) return false;
  if (compiled.kind === 'terms') {
    const text = JSON.stringify(event);
    if (compiled.none.some((t) => text.includes(t))) return false;
    if (!compiled.all.every((t) => text.includes(t))) return false;
    return compiled.any.length === 0 || compiled.any.some((t) => text.includes(t));
  }
  return evaluate(compiled.condition, event);
}

function termPattern(text: string): { kind: 'terms'; all: string[]; none: string[]; any: string[] } {
  const all: string[] = [];
  const none: string[] = [];
  const any: string[] = [];
  const tokens = text.match(/[-?]?"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  for (const raw of tokens) {
    const sign = raw[0] === '-' || raw[0] === '?' ? raw[0] : '';
    let term = sign ? raw.slice(1) : raw;
    if (term.startsWith('"')) term = term.slice(1, -1).replace(/\\(.)/g, '$1');
    if (term === '') continue;
    (sign === '-' ? none : sign === '?' ? any : all).push(term);
  }
  return { kind: 'terms', all, none, any };
}

class JsonPatternParser {
  private pos = 0;
  public constructor(private readonly src: string) {}

  public end(): void {
    this.ws();
    if (this.pos !== this.src.length) throw new PatternError(`unexpected "${this.src.slice(this.pos, this.pos + 10)}"`);
  }

  public parseOr(): Condition {
    let left = this.parseAnd();
    while (this.eat('||')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Condition {
    let left = this.parseAtom();
    while (this.eat('&&')) left = { kind: 'and', left, right: this.parseAtom() };
    return left;
  }

  private parseAtom(): Condition {
    if (this.eat('(')) {
      const inner = this.parseOr();
      if (!this.eat(')')) throw new PatternError('missing )');
      return inner;
    }
    const path = this.selector();
    this.ws();
    const rest = this.src.slice(this.pos);
    const keyword = /^(IS\s+NULL|NOT\s+EXISTS|IS\s+TRUE|IS\s+FALSE)\b/i.exec(rest);
    if (keyword) {
      this.pos += keyword[0].length;
      const k = keyword[1]!.toUpperCase().replace(/\s+/g, ' ');
      if (k === 'IS NULL') return { kind: 'null', path };
      if (k === 'NOT EXISTS') return { kind: 'notExists', path };
      return { kind: 'bool', path, value: k === 'IS TRUE' };
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(rest)?.[1] as '=' | '!=' | '<' | '<=' | '>' | '>=' | undefined;
    if (!op) throw new PatternError(`expected an operator after $.${path.join('.')}`);
    this.pos += op.length;
    this.ws();
    const { value, quoted } = this.literal();
    if ((op === '<' || op === '<=' || op === '>' || op === '>=') && typeof value !== 'number') {
      throw new PatternError(`${op} needs a number`);
    }
    return { kind: 'cmp', path, op, value, quoted };
  }

  private selector(): (string | number)[] {
    this.ws();
    if (!this.src.startsWith('$', this.pos)) throw new PatternError('expected a $. selector');
    this.pos += 1;
    const path: (string | number)[] = [];
    for (;;) {
      if (this.src[this.pos] === '.') {
        const m = /^\.([A-Za-z0-9_@-]+)/.exec(this.src.slice(this.pos));
        if (!m) throw new PatternError('unsupported selector');
        path.push(m[1]!);
        this.pos += m[0].length;
      } else if (this.src[this.pos] === '[') {
        const m = /^\[(\d+)\]/.exec(this.src.slice(this.pos));
        if (!m) throw new PatternError('unsupported array selector');
        path.push(Number(m[1]));
        this.pos += m[0].length;
      } else break;
    }
    if (path.length === 0) throw new PatternError('empty selector');
    return path;
  }

  private literal(): { value: string | number; quoted: boolean } {
    if (this.src[this.pos] === '"') {
      let out = '';
      this.pos += 1;
      while (this.pos < this.src.length && this.src[this.pos] !== '"') {
        if (this.src[this.pos] === '\\') this.pos += 1;
        out += this.src[this.pos] ?? '';
        this.pos += 1;
      }
      if (this.src[this.pos] !== '"') throw new PatternError('unterminated string');
      this.pos += 1;
      return { value: out, quoted: true };
    }
    const m = /^[^\s()&|]+/.exec(this.src.slice(this.pos));
    if (!m) throw new PatternError('expected a value');
    this.pos += m[0].length;
    const n = Number(m[0]);
    return { value: /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(m[0]) && !Number.isNaN(n) ? n : m[0], quoted: false };
  }

  private eat(token: string): boolean {
    this.ws();
    if (this.src.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  private ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos += 1;
  }
}

const MISSING = Symbol('missing');

function select(event: Json, path: (string | number)[]): Json | typeof MISSING {
  let cur: Json = event;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return MISSING;
    const next = (cur as Record<string | number, Json>)[key];
    if (next === undefined) return MISSING;
    cur = next;
  }
  return cur;
}

/** `*` matches any run of characters; everything else literally (no regex built from the pattern). */
export function globMatches(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = value.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

function evaluate(c: Condition, event: Json): boolean {
  switch (c.kind) {
    case 'and':
      return evaluate(c.left, event) && evaluate(c.right, event);
    case 'or':
      return evaluate(c.left, event) || evaluate(c.right, event);
    case 'null':
      return select(event, c.path) === null;
    case 'notExists':
      return select(event, c.path) === MISSING;
    case 'bool':
      return select(event, c.path) === c.value;
    case 'cmp': {
      const v = select(event, c.path);
      // A missing field satisfies neither = nor != (CloudWatch Logs: the condition needs the field).
      if (v === MISSING || v === null || typeof v === 'object') return false;
      if (typeof c.value === 'number' && !c.quoted) {
        const n = typeof v === 'number' ? v : Number(v);
        if (Number.isNaN(n)) return c.op === '!=';
        switch (c.op) {
          case '=':
            return n === c.value;
          case '!=':
            return n !== c.value;
          case '<':
            return n < c.value;
          case '<=':
            return n <= c.value;
          case '>':
            return n > c.value;
          default:
            return n >= c.value;
        }
      }
      const matched = globMatches(String(c.value), String(v));
      return c.op === '=' ? matched : !matched;
    }
  }
}
