/**
 * A cheap stand-in for most of a collator's comparisons of principal keys (`user/<name>`,
 * `role/<name>`: IAM names are printable ASCII). Sorting 15,000 principals asks the collator
 * ~80,000 times (principals of one total are ordered by key); most of those pairs differ at the
 * primary level (letters regardless of case, digits, punctuation), which comparing the keys'
 * characters by their primary ranks decides exactly. Only pairs equal at that level (keys
 * differing in case alone) still go to the collator.
 *
 * Exact by construction: the primary ranks of the printable ASCII characters are read from the
 * collator itself (a `sensitivity: 'base'` collator of the same locale), and the shortcut is used
 * only for locales known to have no contraction or expansion among those characters (English and
 * the root locale) and with punctuation not ignored. Anything else (another locale, a key with a
 * character outside the table) falls back to the collator for every pair.
 */

const FIRST = 0x20;
const LAST = 0x7e;

/** Per printable ASCII character: its primary rank, from 1 (0: not in the table); null when the shortcut does not apply. */
function primaryRanks(collator: Intl.Collator): Uint16Array | null {
  const options = collator.resolvedOptions();
  const locale = options.locale;
  if (!(locale === 'en' || locale.startsWith('en-') || locale === 'und') || options.ignorePunctuation || options.numeric || options.collation !== 'default' || options.usage !== 'sort') return null;
  const base = new Intl.Collator(locale, { sensitivity: 'base', usage: 'sort', ignorePunctuation: false, numeric: false });
  const chars: string[] = [];
  for (let c = FIRST; c <= LAST; c++) chars.push(String.fromCharCode(c));
  // An ignorable character (primary weight none) cannot be ranked.
  if (chars.some((ch) => base.compare(ch, '') === 0)) return null;
  chars.sort(base.compare);
  const ranks = new Uint16Array(LAST + 1);
  let rank = 1;
  for (let i = 0; i < chars.length; i++) {
    if (i > 0 && base.compare(chars[i - 1]!, chars[i]!) !== 0) rank += 1;
    ranks[chars[i]!.charCodeAt(0)] = rank;
  }
  return ranks;
}

const ranksByCollator = new WeakMap<Intl.Collator, Uint16Array | null>();

function ranksOf(collator: Intl.Collator): Uint16Array | null {
  let ranks = ranksByCollator.get(collator);
  if (ranks === undefined) {
    ranks = primaryRanks(collator);
    ranksByCollator.set(collator, ranks);
  }
  return ranks;
}

/**
 * `items` (one per position 0…n−1) into `out`, ordered by total (descending), then by key as
 * `collator.compare` orders them (the primary ranks deciding where they differ); equal totals and keys
 * keep their positions' order (a stable sort's answer). `out` has room for every item (an object list
 * born with object elements: see analyze's undefinedSlots).
 *
 * Totals are action counts (small non-negative integers): the positions are sorted by key once (a
 * stable sort), then bucketed by total in one counting pass in that order (stable, descending): each
 * bucket is in key order. Sorting all of them with a comparator by total then key asked it ~200,000
 * times for 15,000 principals (pessimistic mix: 14,020 policy sets, totals mostly distinct), most pairs
 * decided by the totals alone. Totals outside a range a counting pass suits (negative, or far above the
 * count) take the comparator sort.
 *
 * One sort by key, not a sort of each run of equal totals after bucketing: principals come in name
 * order (users, then roles), so the one sort finds long ascending stretches and asks fewer pairs (cold
 * realistic analysis: 29,181 comparisons, not 49,457), and its comparator is the only code here that
 * gets hot, compiled once (the run sorts' loops were compiled on stack replacement with the comparator
 * inlined, then again whole, and the comparator on its own: sortRuns, sortRun, compare, comparePrimary).
 *
 * The counting pass places the items themselves, not positions a second loop then reads the items
 * by: that loop ran once per analysis over 15,000 principals and was compiled on stack replacement
 * in every cold run (analyze's inOrder: 5 ms of TurboFan time traced, cold realistic analysis).
 */
export function byTotalThenKeyInto<T>(totals: Int32Array, keys: readonly string[], collator: Intl.Collator, items: readonly T[], out: T[]): void {
  const n = keys.length;
  const max = maxTotal(totals, n);
  sortKeys = keys;
  sortRanks = ranksOf(collator);
  sortCollator = collator;
  let inKeyOrder: number[];
  try {
    if (max < 0 || max > 4 * n + 65_536) {
      picked(comparatorOrder(totals, n), items, out);
      return;
    }
    inKeyOrder = positions(n).sort(byKeyAt);
  } finally {
    // The keys are the analysis's: not kept past the sort.
    sortKeys = NO_KEYS;
    sortRanks = null;
    sortCollator = undefined;
  }
  // starts[b]: the first position of bucket b = max − total in the order (descending totals), then its next free position.
  const starts = new Int32Array(max + 2);
  bucketSizes(totals, n, max, starts);
  prefixSums(starts);
  bucketed(totals, inKeyOrder, max, starts, items, out);
}

// One loop per function, first in it and last (this runs once per analysis over thousands of positions:
// a loop compiled while it runs, on stack replacement, took code after it with no type feedback yet;
// and V8 then compiles the whole function for the next analysis with the feedback it has, none for code
// run before the loop in the first call: measured, bench/evaluate --pessimistic --trace-deopt, run 2:
// "Insufficient type feedback" at bytecode 6 of bucketSizes and bucketed when they made their arrays).

/** The largest total, or -1 when one is negative. */
function maxTotal(totals: Int32Array, n: number): number {
  let max = 0;
  let negative = false;
  for (let i = 0; i < n; i++) {
    const t = totals[i]!;
    if (t > max) max = t;
    if (t < 0) negative = true;
  }
  return negative ? -1 : max;
}

/** Per bucket b = max − total, its size at b + 1. */
function bucketSizes(totals: Int32Array, n: number, max: number, starts: Int32Array): void {
  for (let i = 0; i < n; i++) starts[max - totals[i]! + 1]! += 1;
}

function prefixSums(starts: Int32Array): void {
  for (let b = 1; b < starts.length; b++) starts[b]! += starts[b - 1]!;
}

/**
 * The keys the sorts compare (positions into them), set around the sorts: the comparator is one module
 * function reading them, not a closure per call (a closure's optimised code is specialised to its
 * context and was compiled again for the next analysis's closure: measured, cold.mts RUNS=3
 * --trace-opt, the sort's closure compiled in runs 1 and 2).
 */
const NO_KEYS: readonly string[] = [];
let sortKeys = NO_KEYS;
let sortRanks: Uint16Array | null = null;
let sortCollator: Intl.Collator | undefined;

/**
 * Compare keys i and j: by their primary ranks, character by character, where they differ at the
 * primary level (the collator's answer); by the collator when they are equal at that level or a
 * character is outside the table. One function, the primary comparison written in it, not a call:
 * the sort's comparator and the function it called were both compiled (cold realistic analysis,
 * --trace-opt: comparePrimary and the comparator; the positions sorted stably, 29,181 comparisons).
 */
function byKeyAt(i: number, j: number): number {
  const a = sortKeys[i]!;
  const b = sortKeys[j]!;
  const ranks = sortRanks;
  if (ranks !== null) {
    primary: {
      const n = Math.min(a.length, b.length);
      for (let k = 0; k < n; k++) {
        const x = a.charCodeAt(k);
        const y = b.charCodeAt(k);
        // Equal characters have equal ranks when in the table (every printable ASCII character is one:
        // primaryRanks), so only their range is checked: most compared keys share a long start (the
        // keys come in name order: neighbours such as user/user-1234 and user/user-1235).
        if (x === y) {
          if (x > LAST || x < FIRST) break primary;
          continue;
        }
        const rx = x <= LAST ? ranks[x]! : 0;
        const ry = y <= LAST ? ranks[y]! : 0;
        if (rx === 0 || ry === 0) break primary;
        if (rx !== ry) return rx - ry;
      }
      if (a.length === b.length) break primary;
      // A prefix sorts first, unless the longer key's rest holds a character outside the table.
      const longer = a.length > b.length ? a : b;
      for (let k = n; k < longer.length; k++) {
        const c = longer.charCodeAt(k);
        if (c > LAST || ranks[c] === 0) break primary;
      }
      return a.length - b.length;
    }
  }
  return sortCollator!.compare(a, b);
}

/** 0…n−1 (the loop alone in its function: see above). */
function positions(n: number): number[] {
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** The positions' items, taken in key order, into their total's bucket: descending totals, each bucket in key order. */
function bucketed<T>(totals: Int32Array, inKeyOrder: readonly number[], max: number, starts: Int32Array, items: readonly T[], out: T[]): void {
  for (let k = 0; k < inKeyOrder.length; k++) {
    const i = inKeyOrder[k]!;
    out[starts[max - totals[i]!]!++] = items[i]!;
  }
}

/** out[k] = items[order[k]] (comparatorOrder's answer: totals a counting pass does not suit). */
function picked<T>(order: readonly number[], items: readonly T[], out: T[]): void {
  for (let k = 0; k < order.length; k++) out[k] = items[order[k]!]!;
}

/** The whole order by one comparator sort (totals a counting pass does not suit; the keys set for byKeyAt). */
function comparatorOrder(totals: Int32Array, n: number): number[] {
  const order: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((i, j) => totals[j]! - totals[i]! || byKeyAt(i, j));
}
