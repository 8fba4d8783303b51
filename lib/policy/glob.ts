/**
 * IAM wildcard matching (`*` any run of characters, `?` exactly one), without building a
 * regular expression from policy text.
 *
 * Why: a pattern such as `s3:*********z` turned into `^s3:.*.*.*.*.*.*.*.*.*z$` makes a
 * backtracking regex engine explore every split of the value (146 s for one 4-principal
 * account). Here consecutive `*` are collapsed and the pattern is cut at its `*` into
 * literal segments (`?` inside a segment matches any one character); the first segment
 * must be a prefix, the last a suffix, and the middle ones are found left to right, each at
 * its leftmost position. Leftmost placement is always safe for `*`-separated segments (a
 * later placement only leaves less room for the rest), so there is no backtracking: the
 * work is at most |value| × |longest segment| character comparisons, and patterns are
 * bounded (`MAX_PATTERN_LENGTH`), so it is linear in the value for a given pattern.
 *
 * Case: actions are compared case-insensitively (IAM action names are), resource ARNs as
 * given by the caller (callers lower-case both sides when they want that).
 */

/** Longest pattern accepted (IAM policies are at most 10,240 characters for a role's inline policies). */
export const MAX_PATTERN_LENGTH = 2048;

export class PatternTooLongError extends Error {
  public constructor(length: number) {
    super(`pattern of ${length} characters exceeds ${MAX_PATTERN_LENGTH}`);
    this.name = 'PatternTooLongError';
  }
}

/** A pattern compiled into its `*`-separated segments. */
export interface Glob {
  /** The normalised pattern text (consecutive `*` collapsed). */
  text: string;
  /** `*` alone (after collapsing): matches everything. */
  any: boolean;
  /** No wildcard at all: compare `text` for equality. */
  literal: boolean;
  /** Segments between stars; `segments[0]` is anchored at the start unless `leadingStar`. */
  segments: string[];
  leadingStar: boolean;
  trailingStar: boolean;
  /** Some segment holds a `?`. */
  hasQuestion: boolean;
}

/** Collapse runs of `*` (they mean the same as one). */
export function normalizeGlob(pattern: string): string {
  return pattern.includes('**') ? pattern.replace(/\*{2,}/g, '*') : pattern;
}

export function compileGlob(pattern: string): Glob {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new PatternTooLongError(pattern.length);
  const text = normalizeGlob(pattern);
  const hasQuestion = text.includes('?');
  if (text === '*') return { text, any: true, literal: false, segments: [], leadingStar: true, trailingStar: true, hasQuestion: false };
  if (!text.includes('*') && !hasQuestion) return { text, any: false, literal: true, segments: [text], leadingStar: false, trailingStar: false, hasQuestion: false };
  return {
    text,
    any: false,
    literal: false,
    segments: text.split('*'),
    leadingStar: text.startsWith('*'),
    trailingStar: text.endsWith('*'),
    hasQuestion,
  };
}

/** Work counter for tests: character comparisons made by `globMatch` since the last reset. */
export const globWork = { steps: 0 };

/** Does `segment` (literal characters and `?`) match `value` at `at`? */
function segmentAt(segment: string, value: string, at: number): boolean {
  if (at + segment.length > value.length) return false;
  for (let i = 0; i < segment.length; i++) {
    globWork.steps += 1;
    const c = segment.charCodeAt(i);
    if (c !== 63 /* ? */ && c !== value.charCodeAt(at + i)) return false;
  }
  return true;
}

/** Leftmost position ≥ `from` where `segment` matches, or -1. */
function findSegment(segment: string, value: string, from: number, hasQuestion: boolean): number {
  if (!hasQuestion) {
    globWork.steps += 1;
    return value.indexOf(segment, from);
  }
  for (let at = from; at + segment.length <= value.length; at++) if (segmentAt(segment, value, at)) return at;
  return -1;
}

/** Match a compiled glob against a value (exact case). */
export function globMatch(g: Glob, value: string): boolean {
  if (g.any) return true;
  if (g.literal) return g.text === value;
  const segs = g.segments;
  const last = segs.length - 1;
  // No `*`, only `?`: one segment, anchored at both ends.
  if (last === 0) return segs[0]!.length === value.length && segmentAt(segs[0]!, value, 0);
  // Anchored first and last segments (empty when the pattern starts/ends with `*`).
  const head = segs[0]!;
  const tail = segs[last]!;
  if (head.length + tail.length > value.length) return false;
  if (!segmentAt(head, value, 0)) return false;
  if (!segmentAt(tail, value, value.length - tail.length)) return false;
  let pos = head.length;
  const end = value.length - tail.length;
  for (let i = 1; i < last; i++) {
    const seg = segs[i]!;
    if (seg.length === 0) continue;
    const at = findSegment(seg, value, pos, g.hasQuestion);
    if (at < 0 || at + seg.length > end) return false;
    pos = at + seg.length;
  }
  return true;
}

const cache = new Map<string, Glob>();
const CACHE_LIMIT = 50_000;

/** `compileGlob`, memoised by pattern text (policies repeat the same few thousand patterns). */
export function glob(pattern: string): Glob {
  let g = cache.get(pattern);
  if (!g) {
    g = compileGlob(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, g);
  }
  return g;
}

/**
 * Does every string pattern `inner` matches also match `outer`? Sound, not complete:
 * `inner`'s `*` is treated as a symbol only a `*` of `outer` can absorb, its `?` as one
 * only `?` or `*` can. A `true` is always right; a `false` may miss an exotic inclusion
 * (callers then keep the wider reading, never a narrower one).
 */
export function globCovers(outer: string, inner: string): boolean {
  const o = normalizeGlob(outer);
  const n = normalizeGlob(inner);
  if (o === '*') return true;
  if (o.length > MAX_PATTERN_LENGTH || n.length > MAX_PATTERN_LENGTH) return false;
  // A pattern covers itself (the table below says so too, along its diagonal): a statement's own
  // resource asked against the same text is the most frequent question (a cold realistic
  // analysis: 645 of 1,544 asks), answered without the table's two arrays.
  if (o === n) return true;
  if (!literalEndsAgree(o, n)) return false;
  return coversByTable(o, n);
}

/**
 * `globCovers` of two collapsed patterns within the length bound, by the table alone (no
 * shortcut): dynamic programming over (outer position, inner position), O(|outer| × |inner|).
 * Exported for the test that checks `globCovers`' shortcuts against it.
 */
export function coversByTable(o: string, n: string): boolean {
  let prev = new Uint8Array(n.length + 1);
  let cur = new Uint8Array(n.length + 1);
  prev[0] = 1;
  for (let j = 1; j <= n.length; j++) prev[j] = 0;
  for (let i = 1; i <= o.length; i++) {
    const oc = o[i - 1]!;
    cur.fill(0);
    if (oc === '*') {
      // `*` absorbs nothing (prev[j]) or one more symbol of inner (cur[j - 1]).
      cur[0] = prev[0]!;
      for (let j = 1; j <= n.length; j++) cur[j] = prev[j]! | cur[j - 1]!;
    } else {
      for (let j = 1; j <= n.length; j++) {
        const ic = n[j - 1]!;
        const ok = ic === '*' ? false : oc === '?' ? true : ic !== '?' && ic === oc;
        cur[j] = ok ? prev[j - 1]! : 0;
      }
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n.length] === 1;
}

/** Does `s` hold a wildcard (`*` or `?`)? The one spelling of that check (catalog, coverage, escalation, calculator). */
export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

/** Index of the first `*` or `?` in `s` (`s.length` when it has none): two native searches, no character loop. */
export function firstWildcard(s: string): number {
  const star = s.indexOf('*');
  const question = s.indexOf('?');
  return star < 0 ? (question < 0 ? s.length : question) : question < 0 ? star : Math.min(star, question);
}

/**
 * Does `inner` begin with `outer`'s literal head (the characters before its first wildcard) and
 * end with its literal tail (after its last one)? A literal of `outer` only absorbs the same
 * literal of `inner`, so `globCovers` is false otherwise; this answers the usual pair (two ARNs
 * that differ in a bucket or table name) in a few comparisons instead of the quadratic table.
 * Native searches and comparisons: the character loops this replaces deoptimised the compiled
 * `globCovers` in a cold analysis (no type feedback yet for the tail comparison).
 */
function literalEndsAgree(o: string, n: string): boolean {
  const head = firstWildcard(o);
  // A literal `outer` covers only the same text (each of its characters absorbs that character
  // alone): not a table's answer. Two table names of which one starts with the other (`table-12`,
  // `table-123`) were 5 table walks of ~60 × 60 cells in a cold realistic analysis, enough for
  // coversByTable to be compiled (3 ms of traced compile time).
  if (head === o.length) return n === o;
  if (!n.startsWith(o.slice(0, head))) return false;
  return n.endsWith(o.slice(Math.max(o.lastIndexOf('*'), o.lastIndexOf('?')) + 1));
}

/**
 * Can some string match both patterns? (Used for `NotResource` denies: the action survives
 * only where an allowed resource can fall inside the listed ones.) DP over both patterns.
 */
export function globsOverlap(a: string, b: string): boolean {
  const x = normalizeGlob(a);
  const y = normalizeGlob(b);
  if (x === '*' || y === '*') return true;
  if (x.length > MAX_PATTERN_LENGTH || y.length > MAX_PATTERN_LENGTH) return true;
  // reach[i][j]: x[0..i) and y[0..j) can produce a common string.
  const w = y.length + 1;
  const reach = new Uint8Array((x.length + 1) * w);
  reach[0] = 1;
  for (let i = 0; i <= x.length; i++) {
    for (let j = 0; j <= y.length; j++) {
      if (!reach[i * w + j]) continue;
      const xc = x[i];
      const yc = y[j];
      if (xc === '*') {
        reach[(i + 1) * w + j] = 1; // star matches empty
        if (j < y.length) reach[i * w + j + 1] = 1; // star eats one more of y's output
      }
      if (yc === '*') {
        reach[i * w + j + 1] = 1;
        if (i < x.length) reach[(i + 1) * w + j] = 1;
      }
      if (xc !== undefined && yc !== undefined && xc !== '*' && yc !== '*' && (xc === '?' || yc === '?' || xc === yc)) reach[(i + 1) * w + j + 1] = 1;
    }
  }
  return reach[x.length * w + y.length] === 1;
}
