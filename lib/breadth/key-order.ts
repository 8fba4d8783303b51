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
 * (the primary ranks deciding where they differ).
 */
export function orderByTotalThenKey(totals: Int32Array, keys: readonly string[], collator: Intl.Collator): number[] {
  const n = keys.length;
  const ranks = ranksOf(collator);
  const order: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => {
    const d = totals[j]! - totals[i]!;
    if (d !== 0) return d;
    const a = keys[i]!;
    const b = keys[j]!;
    return (ranks ? comparePrimary(a, b, ranks) : 0) || collator.compare(a, b);
  });
  return order;
}
