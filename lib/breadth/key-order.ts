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
 * Compare two keys by their primary ranks, character by character: the collator's answer when
 * they differ at the primary level; 0 when they are equal at that level or a character is
 * outside the table (the caller then asks the collator).
 */
function comparePrimary(a: string, b: string, ranks: Uint16Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    const rx = x <= LAST ? ranks[x]! : 0;
    const ry = y <= LAST ? ranks[y]! : 0;
    if (rx === 0 || ry === 0) return 0;
    if (rx !== ry) return rx - ry;
  }
  if (a.length === b.length) return 0;
  // A prefix sorts first, unless the longer key's rest holds a character outside the table.
  const longer = a.length > b.length ? a : b;
  for (let i = n; i < longer.length; i++) {
    const c = longer.charCodeAt(i);
    if (c > LAST || ranks[c] === 0) return 0;
  }
  return a.length - b.length;
}

/**
 * Positions 0…n−1 ordered by total (descending), then by key as `collator.compare` orders them
 * (the primary ranks deciding where they differ); equal totals and keys keep their positions' order
 * (a stable sort's answer).
 *
 * Totals are action counts (small non-negative integers): the positions are bucketed by total in one
 * counting pass (stable, descending), and only the runs of equal totals are sorted by key. Sorting all
 * of them with a comparator asked it ~200,000 times for 15,000 principals (pessimistic mix: 14,020
 * policy sets, totals mostly distinct), most pairs decided by the totals alone. Totals outside a range
 * a counting pass suits (negative, or far above the count) take the comparator sort.
 */
export function orderByTotalThenKey(totals: Int32Array, keys: readonly string[], collator: Intl.Collator): number[] {
  const n = keys.length;
  const byKey = new ByKey(keys, ranksOf(collator), collator);
  const max = maxTotal(totals, n);
  if (max < 0 || max > 4 * n + 65_536) return comparatorOrder(totals, n, (i, j) => byKey.compare(i, j));
  // starts[b]: the first position of bucket b = max − total in the order (descending totals), then its next free position.
  const starts = new Int32Array(max + 2);
  bucketSizes(totals, n, max, starts);
  prefixSums(starts);
  const order = new Array<number>(n);
  bucketed(totals, n, max, starts, order);
  sortRuns(order, totals, byKey);
  return order;
}

/**
 * Positions compared by their keys. An object, not a closure per analysis: the sort's call sites
 * recorded the first analysis's closure as their target and deoptimised on the next one's (measured,
 * bench/evaluate --pessimistic --trace-deopt: "wrong call target" in sortRuns and sortRun).
 */
class ByKey {
  public constructor(
    private readonly keys: readonly string[],
    private readonly ranks: Uint16Array | null,
    private readonly collator: Intl.Collator,
  ) {}

  public compare(i: number, j: number): number {
    const a = this.keys[i]!;
    const b = this.keys[j]!;
    return (this.ranks ? comparePrimary(a, b, this.ranks) : 0) || this.collator.compare(a, b);
  }
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

/** Positions by descending total, ascending within a total. */
function bucketed(totals: Int32Array, n: number, max: number, starts: Int32Array, order: number[]): void {
  for (let i = 0; i < n; i++) order[starts[max - totals[i]!]!++] = i;
}

/** Each run of one total sorted by key (its positions ascend: a stable sort keeps equal keys so). */
function sortRuns(order: number[], totals: Int32Array, byKey: ByKey): void {
  for (let start = 0; start < order.length; ) {
    const t = totals[order[start]!]!;
    let end = start + 1;
    while (end < order.length && totals[order[end]!] === t) end++;
    if (end - start > 1) sortRun(order, start, end, byKey);
    start = end;
  }
}

/**
 * order[start, end) sorted by `compare` (stable): a short run in place by insertion (no copy: the
 * pessimistic mix has ~15 principals per total, and a slice per run was 0.8 MB per analysis), a long
 * one by the built-in sort of a copy.
 */
function sortRun(order: number[], start: number, end: number, byKey: ByKey): void {
  if (end - start <= INSERTION_RUN) {
    for (let k = start + 1; k < end; k++) {
      const x = order[k]!;
      let j = k - 1;
      while (j >= start && byKey.compare(order[j]!, x) > 0) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
    return;
  }
  const run = order.slice(start, end).sort((i, j) => byKey.compare(i, j));
  for (let k = 0; k < run.length; k++) order[start + k] = run[k]!;
}
const INSERTION_RUN = 24;

/** The whole order by one comparator sort (totals a counting pass does not suit). */
function comparatorOrder(totals: Int32Array, n: number, byKey: (i: number, j: number) => number): number[] {
  const order: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((i, j) => totals[j]! - totals[i]! || byKey(i, j));
}
