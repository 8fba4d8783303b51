import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byTotalThenKeyInto } from '../../../lib/breadth/key-order';

/** The order byTotalThenKeyInto gives the positions themselves (its items: 0…n−1). */
function orderByTotalThenKey(totals: Int32Array, keys: readonly string[], collator: Intl.Collator): number[] {
  const order = new Array<number>(keys.length);
  byTotalThenKeyInto(totals, keys, collator, keys.map((_, i) => i), order);
  return order;
}

/** The order the analysis has always had: total descending, then `collator.compare` of the keys (a stable sort). */
function expected(totals: readonly number[], keys: readonly string[], collator: Intl.Collator): number[] {
  return keys.map((_, i) => i).sort((i, j) => totals[j]! - totals[i]! || collator.compare(keys[i]!, keys[j]!));
}

// Printable ASCII with extra weight on what tells keys apart at the primary level only by case,
// punctuation or length (prefixes); a few characters outside the table (accents, a non-Latin letter).
const asciiChar = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const trickyChar = fc.constantFrom('a', 'A', 'b', 'B', 'z', 'Z', '-', '_', '.', '/', '0', '9', '@', '+', '=', ',', ' ');
const outside = fc.constantFrom('é', 'É', 'ß', 'ø', 'Ж', '\u0301', 'ﬁ');
const key = (chars: fc.Arbitrary<string>) => fc.array(chars, { minLength: 0, maxLength: 8 }).map((cs) => cs.join(''));
const keys = (chars: fc.Arbitrary<string>) =>
  fc.array(
    fc.tuple(fc.constantFrom('user/', 'role/', 'User/', ''), key(chars), fc.integer({ min: 0, max: 3 })),
    { minLength: 0, maxLength: 60 },
  );

describe('byTotalThenKeyInto', () => {
  for (const [name, collator] of [
    ['the default collator', new Intl.Collator()],
    ['an English collator', new Intl.Collator('en')],
    ['a Czech collator (contraction ch: no shortcut)', new Intl.Collator('cs')],
    ['a collator ignoring punctuation (no shortcut)', new Intl.Collator('en', { ignorePunctuation: true })],
  ] as const) {
    it(`orders like total then ${name} (ASCII keys, ties on total)`, () => {
      fc.assert(
        fc.property(keys(fc.oneof(asciiChar, trickyChar, trickyChar)), (rows) => {
          const ks = rows.map(([prefix, k]) => prefix + k);
          const totals = rows.map(([, , t]) => t);
          expect(orderByTotalThenKey(Int32Array.from(totals), ks, collator)).toEqual(expected(totals, ks, collator));
        }),
        { numRuns: 300 },
      );
    });
    it(`orders like total then ${name} (keys with characters outside the table)`, () => {
      fc.assert(
        fc.property(keys(fc.oneof(trickyChar, outside)), (rows) => {
          const ks = rows.map(([prefix, k]) => prefix + k);
          const totals = rows.map(([, , t]) => t);
          expect(orderByTotalThenKey(Int32Array.from(totals), ks, collator)).toEqual(expected(totals, ks, collator));
        }),
        { numRuns: 200 },
      );
    });
  }

  it('leaves a locale with contractions to the collator (Czech: ch sorts after h)', () => {
    const ks = ['user/cha', 'user/ha', 'user/ia', 'user/ca', 'user/Cha', 'user/chb'];
    const totals = ks.map(() => 1);
    const collator = new Intl.Collator('cs');
    expect(orderByTotalThenKey(Int32Array.from(totals), ks, collator).map((i) => ks[i])).toEqual(['user/ca', 'user/ha', 'user/cha', 'user/Cha', 'user/chb', 'user/ia']);
  });

  it('orders principal-like keys differing only in case, punctuation or length', () => {
    const ks = ['user/app-1', 'user/App-1', 'user/app_1', 'user/app1', 'user/app-10', 'role/app-1', 'user/app-1a', 'user/app.1', 'user/APP-1', 'user/app'];
    const totals = ks.map(() => 5);
    const collator = new Intl.Collator();
    expect(orderByTotalThenKey(Int32Array.from(totals), ks, collator)).toEqual(expected(totals, ks, collator));
  });
});

describe('byTotalThenKeyInto, totals bucketed by a counting pass', () => {
  const collator = new Intl.Collator();
  // Totals spread as action counts are (up to the catalog's size), with ties and repeated keys; negative
  // or huge totals take the comparator sort: the same order either way.
  const total = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 20_000 }), fc.constantFrom(0, 1, 17_000, 17_001));
  const odd = fc.constantFrom(-1, -5, 2 ** 30, 2_000_000);
  for (const [name, totalsOf] of [
    ['action counts', total],
    ['with a negative or huge total (comparator sort)', fc.oneof(total, total, total, odd)],
  ] as const) {
    it(`orders like the comparator sort (${name})`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.constantFrom('user/', 'role/'), key(trickyChar), totalsOf), { minLength: 0, maxLength: 80 }), (rows) => {
          const ks = rows.map(([prefix, k]) => prefix + k);
          const totals = rows.map(([, , t]) => t);
          expect(orderByTotalThenKey(Int32Array.from(totals), ks, collator)).toEqual(expected(totals, ks, collator));
        }),
        { numRuns: 400 },
      );
    });
    it(`places the items themselves in that order (byTotalThenKeyInto, ${name})`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.constantFrom('user/', 'role/'), key(trickyChar), totalsOf), { minLength: 0, maxLength: 80 }), (rows) => {
          const ks = rows.map(([prefix, k]) => prefix + k);
          const totals = rows.map(([, , t]) => t);
          // Distinct objects (equal keys and totals too): the stable order tells them apart.
          const items = ks.map((k, i) => ({ k, i }));
          const out = new Array<{ k: string; i: number }>(items.length).fill(undefined as never);
          byTotalThenKeyInto(Int32Array.from(totals), ks, collator, items, out);
          expect(out.map((x) => x.i)).toEqual(expected(totals, ks, collator));
          expect(out.every((x) => x === items[x.i])).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('byTotalThenKeyInto, keys in name order (as principals come: users, then roles)', () => {
  // One sort by key, then totals bucketed in that order: long ascending stretches of keys, many equal
  // totals, neighbours sharing long starts (user/app-0102, user/app-0103) that may hold a character
  // outside the table or a control character (the collator decides those pairs).
  const start = fc.array(fc.oneof(trickyChar, trickyChar, trickyChar, fc.constantFrom('é', '\u0301', '\t', '\u0000')), { minLength: 0, maxLength: 6 }).map((cs) => cs.join(''));
  const names = fc.tuple(start, fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 4 })).map(([prefix, count, shuffles]) => {
    const ks: string[] = [];
    for (let i = 0; i < count; i++) ks.push(`${i % 3 === 0 ? 'role' : 'user'}/${prefix}${String(i).padStart(i % 7 === 0 ? 2 : 4, '0')}${i % 11 === 0 ? 'A' : 'a'}`);
    // Name order per type (as resolution lists them), with a few keys out of place.
    const collator = new Intl.Collator();
    const sorted = [...ks.filter((k) => k.startsWith('user/')).sort(collator.compare), ...ks.filter((k) => k.startsWith('role/')).sort(collator.compare)];
    for (let s = 0; s < shuffles && sorted.length > 1; s++) {
      const a = (s * 7919) % sorted.length;
      const b = (s * 104_729 + 1) % sorted.length;
      [sorted[a], sorted[b]] = [sorted[b]!, sorted[a]!];
    }
    return sorted;
  });
  for (const [name, collator] of [
    ['the default collator', new Intl.Collator()],
    ['a Czech collator (no shortcut)', new Intl.Collator('cs')],
  ] as const) {
    it(`orders like total then ${name}`, () => {
      fc.assert(
        fc.property(names, fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 300, maxLength: 300 }), (ks, ts) => {
          const totals = ks.map((_, i) => ts[i]!);
          expect(orderByTotalThenKey(Int32Array.from(totals), ks, collator)).toEqual(expected(totals, ks, collator));
        }),
        { numRuns: 150 },
      );
    });
  }
});
