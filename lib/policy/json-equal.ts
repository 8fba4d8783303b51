/**
 * "Same JSON text" without building the text: `JsonTexts` numbers values by their
 * `JSON.stringify` text (equal texts, equal ids), reading each value once. Principal resolution
 * shares one statement list per distinct inline document, and access.cross-account-trust reads
 * each distinct trust policy once: stringifying thousands of documents to use the text as a Map
 * key allocated megabytes of strings, kept alive (and copied by the young-generation collector)
 * until the evaluation ended.
 *
 * Follows SerializeJSONProperty (ECMA-262 25.5.2.2) without replacer or indentation: `toJSON`
 * is called with the property key, boxed primitives are unwrapped, non-finite numbers are
 * `null`, `undefined` / functions / symbols are left out of objects and are `null` in arrays,
 * object keys are compared in `Object.keys` order. A BigInt throws as `JSON.stringify` does.
 */
import { IdIndex } from './document';

const enum Kind {
  /** Serialises to nothing (`undefined`, a function, a symbol). */
  Absent,
  Null,
  True,
  False,
  Number,
  String,
  Array,
  Object,
}

/**
 * The value `JSON.stringify` serialises for `v` found under `key` (an array index as a number,
 * turned into its text only for a `toJSON` call), after `toJSON` and unwrapping. Primitives,
 * arrays and plain objects (everything in a parsed document) return early: the boxed-primitive
 * checks walk the prototype chain four times per object.
 */
function jsonValue(v: unknown, key: string | number): unknown {
  if ((typeof v !== 'object' && typeof v !== 'bigint') || v === null) return v;
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') v = (toJSON as (k: string) => unknown).call(v, typeof key === 'number' ? String(key) : key);
  if (typeof v === 'object' && v !== null) {
    if (Array.isArray(v)) return v;
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return v;
    if (v instanceof Number) return Number(v);
    if (v instanceof String) return String(v);
    if (v instanceof Boolean) return v.valueOf();
    if (typeof BigInt === 'function' && v instanceof BigInt) return v.valueOf();
  }
  return v;
}

function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'string':
      return Kind.String;
    case 'number':
      return Number.isFinite(v) ? Kind.Number : Kind.Null;
    case 'boolean':
      return v ? Kind.True : Kind.False;
    case 'object':
      return v === null ? Kind.Null : Array.isArray(v) ? Kind.Array : Kind.Object;
    case 'bigint':
      // JSON.stringify's own TypeError.
      return JSON.stringify(v) as never;
    default:
      // undefined, function, symbol.
      return Kind.Absent;
  }
}

/** The kind written for `v` as an array element: what serialises to nothing is written `null` there. */
const elementKind = (v: unknown): Kind => {
  const kind = kindOf(v);
  return kind === Kind.Absent ? Kind.Null : kind;
};

/** Ends an object's keys and values in a `JsonTexts` token list (a key's token is its id, 0 or more). */
const OBJECT_END = -1;

/** A copy of `a` with room for at least `n` entries. */
function grownTokens(a: Int32Array, n: number) {
  const b = new Int32Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}

/** The key's id in `ids`: its insertion index, given on first sight. */
function denseId<K>(ids: Map<K, number>, key: K): number {
  let id = ids.get(key);
  if (id === undefined) {
    id = ids.size;
    ids.set(key, id);
  }
  return id;
}

/**
 * Dense ids (0, 1, 2… in first-seen order) of the JSON texts of the values given: `idOf(a) ===
 * idOf(b)` exactly when `JSON.stringify(a) === JSON.stringify(b)`, without building the texts
 * and without reading either value twice. A value is written as a list of integer tokens that
 * reads back unambiguously (each value its kind, then: a number's or a string's id in this
 * table, an array's length and elements, an object's written keys' ids each followed by its
 * value and then `OBJECT_END`), kept in one typed array per table and looked up by a hash of
 * the tokens; strings and numbers are numbered through Maps, so no character is read in
 * JavaScript (a character-by-character hash of each text, then a second walk of both documents on
 * each hash match, did). Numbers are keyed as Map keys are (`-0` is `0`, as in
 * the text); what is not finite is `null`, as in the text.
 */
export class JsonTexts {
  private readonly strings = new Map<string, number>();
  private readonly numbers = new Map<number, number>();
  /** The value being read. */
  private tokens = new Int32Array(256);
  private top = 0;
  /** Every distinct text's tokens, one after the other; per id where they start and how many. */
  private records = new Int32Array(4096);
  private recordsTop = 0;
  private starts = new Int32Array(256);
  private lengths = new Int32Array(256);
  private readonly index = new IdIndex();
  private count = 0;

  /** How many distinct texts the table has numbered. */
  public get size(): number {
    return this.count;
  }

  public idOf(v: unknown): number {
    this.top = 0;
    this.value(v, '', false);
    const n = this.top;
    const t = this.tokens;
    let h = Math.imul(n + 1, 0x9e3779b1);
    for (let i = 0; i < n; i++) h = Math.imul(h ^ t[i]!, 0x01000193);
    const index = this.index;
    index.first(h);
    for (let id = index.next(); id >= 0; id = index.next()) {
      if (this.lengths[id] !== n) continue;
      const records = this.records;
      const at = this.starts[id]!;
      let same = true;
      for (let i = 0; i < n && same; i++) same = records[at + i] === t[i];
      if (same) return id;
    }
    const free = index.free;
    const id = this.count++;
    if (this.starts.length <= id) {
      this.starts = grownTokens(this.starts, id + 1);
      this.lengths = grownTokens(this.lengths, id + 1);
    }
    const at = this.recordsTop;
    if (this.records.length < at + n) this.records = grownTokens(this.records, at + n);
    this.records.set(t.subarray(0, n), at);
    this.recordsTop = at + n;
    this.starts[id] = at;
    this.lengths[id] = n;
    index.insert(free, h, id);
    return id;
  }

  private push(token: number): void {
    if (this.top === this.tokens.length) this.tokens = grownTokens(this.tokens, this.top + 1);
    this.tokens[this.top++] = token;
  }

  private stringId(s: string): number {
    return denseId(this.strings, s);
  }

  private numberId(x: number): number {
    return denseId(this.numbers, x);
  }

  private value(raw: unknown, key: string | number, inArray: boolean): void {
    const v = jsonValue(raw, key);
    this.converted(v, inArray ? elementKind(v) : kindOf(v));
  }

  /**
   * The tokens of a converted value `v` of kind `kind`. An object's values are converted once:
   * the conversion that tells whether a key is written is the one tokenised.
   */
  private converted(v: unknown, kind: Kind): void {
    this.push(kind);
    switch (kind) {
      case Kind.Number:
        this.push(this.numberId(v as number));
        return;
      case Kind.String:
        this.push(this.stringId(v as string));
        return;
      case Kind.Array: {
        const a = v as readonly unknown[];
        this.push(a.length);
        for (let i = 0; i < a.length; i++) this.value(a[i], i, true);
        return;
      }
      case Kind.Object: {
        const o = v as Record<string, unknown>;
        for (const k in o) {
          if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
          const e = jsonValue(o[k], k);
          const ek = kindOf(e);
          if (ek === Kind.Absent) continue;
          this.push(this.stringId(k));
          this.converted(e, ek);
        }
        this.push(OBJECT_END);
        return;
      }
      default:
    }
  }
}
