import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasBit, newBitset, wordsFor, type Bitset } from '../../../lib/breadth/bitset';
import { ACCESS_LEVELS, loadCatalog } from '../../../lib/breadth/catalog';
import { BreadthCalculator, type BaseResult, type EffectivePermissions } from '../../../lib/breadth/effective';
import { resolvePrincipals } from '../../../lib/policy/principals';
import { allow, deny, details, type Stmt } from './helpers';
import { breadthCounts, breadthCountsRow, COUNT_ADMIN_EQUIVALENT, COUNT_CONDITIONAL, COUNT_FIELDS, COUNT_LEVELS, COUNT_ON_ALL, COUNT_PM_ON_ALL, COUNT_SENSITIVE, COUNT_SERVICES, COUNT_UNCONDITIONAL, DataReadInterning, DataReadSets, distribution, type BreadthCounts, type DataReadLists } from '../../../lib/breadth/metrics';

const catalog = loadCatalog();
const words = wordsFor(catalog.size);

/** Effective permissions from explicit words (full, partial or empty), listed in the order given. */
function effective(parts: { w: number; granted: number; conditional: number; onAll: boolean; conditionalOnAll?: number }[]): EffectivePermissions {
  const eff = { granted: newBitset(catalog.size), conditional: newBitset(catalog.size), grantedOnAll: newBitset(catalog.size), conditionalOnAll: newBitset(catalog.size), nonZeroWords: new Int32Array(words), nonZeroCount: 0 };
  const seen = new Set<number>();
  for (const { w, granted, conditional, onAll, conditionalOnAll = 0 } of parts) {
    // Only catalog actions (the last word may be partial); each word once.
    const inCatalog = w === words - 1 && catalog.size % 32 ? (1 << catalog.size % 32) - 1 : -1;
    const g = granted & inCatalog;
    const c = conditional & inCatalog & ~g;
    if (seen.has(w) || (g | c) === 0) continue;
    seen.add(w);
    eff.granted[w] = g;
    eff.conditional[w] = c;
    if (onAll) {
      eff.grantedOnAll[w] = g;
      eff.conditionalOnAll[w] = c;
    }
    // A conditional Allow on * beside a scoped unconditional one: on every resource, under a condition.
    eff.conditionalOnAll[w]! |= conditionalOnAll & inCatalog & (g | c) & ~eff.grantedOnAll[w]!;
    eff.nonZeroWords[eff.nonZeroCount++] = w;
  }
  return eff;
}

/** Reference counts, action by action. */
function naive(eff: EffectivePermissions) {
  const any = (b: Bitset, c: Bitset, id: number) => hasBit(b, id) || hasBit(c, id);
  const services = catalog.services.filter((r) => {
    for (let id = r.start; id < r.end; id++) if (any(eff.granted, eff.conditional, id)) return true;
    return false;
  }).length;
  const byLevel = Object.fromEntries(ACCESS_LEVELS.map((level, l) => [level, catalog.names.filter((_, id) => any(eff.granted, eff.conditional, id) && hasBit(catalog.levelMasks[l]!, id)).length]));
  const total = catalog.names.filter((_, id) => any(eff.granted, eff.conditional, id)).length;
  const onAll = catalog.names.filter((_, id) => any(eff.grantedOnAll, eff.conditionalOnAll, id)).length;
  const dataReadOnAll = catalog.names.filter((_, id) => any(eff.grantedOnAll, eff.conditionalOnAll, id) && hasBit(catalog.dataReadMask, id));
  // Permission changes: Permissions management minus the read-only verbs; sensitive adds data reads, writes, tagging.
  const level = (name: string, id: number) => hasBit(catalog.levelMasks[ACCESS_LEVELS.indexOf(name as (typeof ACCESS_LEVELS)[number])]!, id);
  const change = (id: number) => level('Permissions management', id) && !/^(get|list|describe|view|search)/i.test(catalog.names[id]!.split(':')[1]!);
  const ids = catalog.names.map((_, id) => id);
  const sensitive = ids.filter((id) => any(eff.granted, eff.conditional, id) && (hasBit(catalog.dataReadMask, id) || level('Write', id) || level('Tagging', id) || change(id))).length;
  const permissionsManagementOnAll = ids.filter((id) => any(eff.grantedOnAll, eff.conditionalOnAll, id) && change(id)).length;
  const unconditional = ids.filter((id) => hasBit(eff.granted, id)).length;
  return { services, byLevel, total, unconditional, conditional: total - unconditional, sensitive, onAllResources: onAll, permissionsManagementOnAll, dataReadOnAll };
}

const compared = (c: ReturnType<typeof breadthCounts>) => ({
  services: c.services,
  byLevel: c.byLevel,
  total: c.total,
  unconditional: c.unconditional,
  conditional: c.conditional,
  sensitive: c.sensitive,
  onAllResources: c.onAllResources,
  permissionsManagementOnAll: c.permissionsManagementOnAll,
  dataReadOnAll: c.dataReadOnAll,
});

const word = fc.oneof(fc.constant(-1), fc.constant(0), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const parts = fc.array(
  fc.record({ w: fc.integer({ min: 0, max: words - 1 }), granted: word, conditional: word, onAll: fc.boolean() }),
  { maxLength: 80 },
);

// Stretches of consecutive words granted in full (NotAction grants make most of a set such).
const runs = fc.array(
  fc.record({ start: fc.integer({ min: 0, max: words - 1 }), length: fc.integer({ min: 1, max: 40 }), onAll: fc.boolean(), conditionalOnAll: fc.constantFrom(0, 0, 1, -1) }).map(({ start, length, onAll, conditionalOnAll }) =>
    Array.from({ length: Math.min(length, words - start) }, (_, i) => ({ w: start + i, granted: -1, conditional: 0, onAll, conditionalOnAll: i === 0 ? conditionalOnAll : 0 })),
  ),
  { maxLength: 6 },
).map((list) => list.flat());

/** breadthCounts' numbers as breadthCountsRow writes them (COUNT_* fields). */
function rowOf(counts: BreadthCounts): Int32Array {
  const row = new Int32Array(COUNT_FIELDS);
  ACCESS_LEVELS.forEach((level, f) => (row[COUNT_LEVELS + f] = counts.byLevel[level]));
  row[COUNT_SENSITIVE] = counts.sensitive;
  row[COUNT_UNCONDITIONAL] = counts.unconditional;
  row[COUNT_CONDITIONAL] = counts.conditional;
  row[COUNT_ON_ALL] = counts.onAllResources;
  row[COUNT_PM_ON_ALL] = counts.permissionsManagementOnAll;
  row[COUNT_SERVICES] = counts.services;
  row[COUNT_ADMIN_EQUIVALENT] = counts.adminEquivalent ? 1 : 0;
  return row;
}

describe('breadthCounts', () => {
  it('breadthCountsRow writes breadthCounts\' numbers and a list id whose names are its interned data reads (one id per interned array), kept after the interning is dropped', () => {
    // Words holding data-read actions (the catalog has few: random words rarely hit them), in any order, repeated sets.
    const dataWords = [...new Set(catalog.names.map((_, id) => id).filter((id) => hasBit(catalog.dataReadMask, id)).map((id) => id >>> 5))];
    const dataParts = fc.array(fc.record({ w: fc.constantFrom(...dataWords), granted: word, conditional: word, onAll: fc.boolean() }), { maxLength: 12 });
    const sets = fc.array(fc.tuple(dataParts, parts.map((ps) => ps.slice(0, 10)), fc.boolean()), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(sets, fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 16 }), (made, repeats) => {
        const effs = made.map(([d, o, ascending]) => effective(ascending ? [...d, ...o].sort((a, b) => a.w - b.w) : [...d, ...o]));
        const order = [...effs.keys(), ...repeats.filter((k) => k < effs.length)];
        const lists: DataReadLists = new Map();
        const ids = new DataReadSets(catalog, 2);
        let interning: DataReadInterning | undefined = new DataReadInterning(2);
        const b = new Int32Array(COUNT_FIELDS);
        const arrays: (readonly string[])[] = [];
        const got: number[] = [];
        for (const k of order) {
          const counts = breadthCounts(catalog, effs[k]!, lists);
          const x = counts.dataReadOnAll;
          const id = breadthCountsRow(catalog, effs[k]!, ids, interning, b, 0, false);
          expect(b).toEqual(rowOf(counts));
          expect(ids.names(catalog, id)).toEqual(x);
          expect(x).toEqual(naive(effs[k]!).dataReadOnAll);
          arrays.push(x);
          got.push(id);
        }
        // Equal ids exactly for the same interned array; ids dense in first-seen order.
        for (let i = 0; i < got.length; i++) for (let j = 0; j < got.length; j++) expect(got[i] === got[j], `${i} ${j}`).toBe(arrays[i] === arrays[j]);
        expect(ids.count).toBe(new Set(arrays).size);
        interning = undefined;
        got.forEach((id, i) => expect(ids.names(catalog, id)).toEqual(arrays[i]));
      }),
      { numRuns: 80 },
    );
  });

  it('counts one service for every service of the catalog granted alone, whole or by its first, last or boundary actions (the per-word service table)', () => {
    // Every range boundary of the catalog's services, word-aligned or not: built action by action.
    const setOf = (ids: number[], ascending: boolean) => {
      const bits = newBitset(catalog.size);
      for (const id of ids) bits[id >>> 5]! |= 1 << (id & 31);
      const ws = [...new Set(ids.map((id) => id >>> 5))].sort((a, b) => (ascending ? a - b : b - a));
      return effective(ws.map((w) => ({ w, granted: bits[w]!, conditional: 0, onAll: false })));
    };
    catalog.services.forEach((range, si) => {
      if (range.end === range.start) return;
      const all = Array.from({ length: range.end - range.start }, (_, k) => range.start + k);
      const ends = [range.start, range.end - 1, ...all.filter((id) => (id & 31) === 0 || (id & 31) === 31)];
      for (const ids of [all, ends, [range.start], [range.end - 1]]) {
        for (const ascending of [true, false]) expect(breadthCounts(catalog, setOf(ids, ascending)).services, `${range.prefix} (${si})`).toBe(1);
      }
      // With the next service's first action: two services (the pair sharing a word or not).
      const next = catalog.services[si + 1];
      if (next && next.end > next.start) expect(breadthCounts(catalog, setOf([range.end - 1, next.start], true)).services, range.prefix).toBe(2);
    });
  });

  it('counts services, levels, totals and data reads like an action-by-action count, whatever the order of the words', () => {
    fc.assert(
      fc.property(parts, (ps) => {
        const ascending = effective([...ps].sort((a, b) => a.w - b.w));
        const expected = naive(ascending);
        const mixed = effective(ps);
        for (const eff of [ascending, mixed]) {
          const counts = breadthCounts(catalog, eff);
          expect(compared(counts)).toEqual(expected);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('counts runs of full words (on every resource or not) among other words like an action-by-action count', () => {
    fc.assert(
      fc.property(runs, parts, (full, others) => {
        const ps = [...full, ...others].sort((a, b) => a.w - b.w);
        const eff = effective(ps);
        const counts = breadthCounts(catalog, eff);
        expect(compared(counts)).toEqual(naive(eff));
      }),
      { numRuns: 60 },
    );
  });

  it('counts a set computed over a base result (base counts adjusted on the touched words) like an action-by-action count, with the same interned data reads', () => {
    const changes = fc.array(fc.record({ w: fc.integer({ min: 0, max: words - 1 }), granted: word, conditional: word, onAll: fc.boolean(), remove: fc.boolean() }), { maxLength: 40 });
    const untouched = fc.array(fc.integer({ min: 0, max: words - 1 }), { maxLength: 10 });
    fc.assert(
      fc.property(runs, parts, changes, untouched, (full, others, changed, extra) => {
        const baseParts = [...full, ...others].sort((a, b) => a.w - b.w);
        const baseEff = effective(baseParts);
        const base: BaseResult = { granted: baseEff.granted, conditional: baseEff.conditional, grantedOnAll: baseEff.grantedOnAll, conditionalOnAll: baseEff.conditionalOnAll, nonZero: baseEff.nonZeroWords, count: baseEff.nonZeroCount };
        // The set: the base with the changed words replaced (stable sort: a change comes before the base's word), or emptied.
        const result = effective([...changed.filter((c) => !c.remove), ...baseParts].sort((a, b) => a.w - b.w));
        for (const c of changed) {
          if (!c.remove || changed.some((d) => d.w === c.w && !d.remove)) continue;
          result.granted[c.w] = 0;
          result.conditional[c.w] = 0;
          result.grantedOnAll[c.w] = 0;
          result.conditionalOnAll[c.w] = 0;
        }
        const touched = Int32Array.from(new Set([...changed.map((c) => c.w), ...extra])).sort();
        const over = { ...result, base, touched, touchedCount: touched.length };
        const lists: DataReadLists = new Map();
        const plain = breadthCounts(catalog, result, lists);
        const counts = breadthCounts(catalog, over, lists);
        expect(compared(counts)).toEqual(naive(result));
        expect(counts.dataReadOnAll).toBe(plain.dataReadOnAll);
        expect(counts.adminEquivalent).toBe(plain.adminEquivalent);
      }),
      { numRuns: 80 },
    );
  });

  it('over a base granting nearly everything on every resource, decides adminEquivalent as computed without the base (grantedOnAll adjusted on the touched words)', () => {
    // The catalog's every word granted unconditionally, on every resource but the first three words;
    // the set: some words taken off every resource, made conditional or given back on every resource,
    // around the ADMIN_TOLERANCE threshold (1% of the catalog: a few words).
    const all = Array.from({ length: words }, (_, w) => ({ w, granted: -1, conditional: 0, onAll: w >= 3 }));
    const edits = fc.array(fc.record({ w: fc.integer({ min: 0, max: words - 1 }), conditional: fc.boolean(), onAll: fc.boolean() }), { maxLength: 14 });
    fc.assert(
      fc.property(edits, (changed) => {
        const baseEff = effective(all);
        const base: BaseResult = { granted: baseEff.granted, conditional: baseEff.conditional, grantedOnAll: baseEff.grantedOnAll, conditionalOnAll: baseEff.conditionalOnAll, nonZero: baseEff.nonZeroWords, count: baseEff.nonZeroCount };
        const result = effective(all);
        for (const c of changed) {
          result.granted[c.w] = c.conditional ? 0 : result.granted[c.w]!;
          result.conditional[c.w] = c.conditional ? base.granted[c.w]! : 0;
          result.grantedOnAll[c.w] = c.onAll && !c.conditional ? base.granted[c.w]! : 0;
          result.conditionalOnAll[c.w] = c.onAll && c.conditional ? base.granted[c.w]! : 0;
        }
        const touched = Int32Array.from(new Set(changed.map((c) => c.w))).sort();
        const over = { ...result, base, touched, touchedCount: touched.length };
        const plain = breadthCounts(catalog, result);
        const counts = breadthCounts(catalog, over);
        expect(counts.adminEquivalent).toBe(plain.adminEquivalent);
        expect(compared(counts)).toEqual(naive(result));
      }),
      { numRuns: 60 },
    );
  });

  /** A managed policy's `NotAction` grants (1–2 statements): what makes the calculator compute sets over a shared base. */
  const sharedNotActionGrants = fc.array(
    fc.constantFrom<Stmt>(
      { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' },
      { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
      { Effect: 'Allow', NotAction: ['s3:*', 'ec2:*'], NotResource: 'arn:aws:s3:::b/*' },
      { Effect: 'Deny', NotAction: ['s3:*', 'iam:*'], Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ),
    { minLength: 1, maxLength: 2 },
  );

  it('sets the calculator computes over a base result differ from it on their touched words only, and count as computed without it', () => {
    const shared = sharedNotActionGrants;
    const own = fc.array(
      fc.constantFrom<Stmt>(deny('s3:GetObject'), deny('dynamodb:*'), allow('iam:PassRole'), allow('iam:*User*'), deny('ec2:Describe*', 'arn:aws:ec2:*:*:instance/i-1'), { Effect: 'Deny', Action: ['rds:*'], Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }),
      { minLength: 1, maxLength: 3 },
    );
    let over = 0;
    fc.assert(
      fc.property(shared, fc.array(own, { minLength: 3, maxLength: 5 }), (sharedStatements, inlines) => {
        const d = details({ roles: inlines.map((inline, k) => ({ name: `r${k}`, managed: ['S'], inline: [inline] })), policies: { S: sharedStatements } });
        const calc = new BreadthCalculator(catalog);
        const lists: DataReadLists = new Map();
        for (const p of resolvePrincipals(d)) {
          const eff = calc.computeSet(p.policySet);
          if (eff.base) {
            over += 1;
            const touched = new Set(eff.touched!.subarray(0, eff.touchedCount));
            for (let w = 0; w < words; w++) {
              if (touched.has(w)) continue;
              for (const key of ['granted', 'conditional', 'grantedOnAll', 'conditionalOnAll'] as const) expect(eff[key][w]).toBe(eff.base[key][w]);
            }
          }
          const copy = (b: Bitset) => Uint32Array.from(b);
          const plain: EffectivePermissions = { granted: copy(eff.granted), conditional: copy(eff.conditional), grantedOnAll: copy(eff.grantedOnAll), conditionalOnAll: copy(eff.conditionalOnAll), nonZeroWords: eff.nonZeroWords.slice(), nonZeroCount: eff.nonZeroCount };
          const counts = breadthCounts(catalog, eff, lists);
          const expected = breadthCounts(catalog, plain, lists);
          expect(counts).toEqual(expected);
          expect(counts.dataReadOnAll).toBe(expected.dataReadOnAll);
        }
      }),
      { numRuns: 40 },
    );
    // The property is about the base path: most runs took it.
    expect(over).toBeGreaterThan(40);
  });

  it('writes the same row and list id for a set over a base counted over it or word by word (breadthCountsRow overBase), breadthCounts\' numbers and data reads', () => {
    // An analysis counts its first COUNT_OVER_BASE_AFTER sets over a base word by word, the rest over their base.
    const shared = sharedNotActionGrants;
    const own = fc.array(
      fc.constantFrom<Stmt>(deny('s3:GetObject'), deny('dynamodb:*'), allow('iam:PassRole'), allow('s3:GetObject'), deny('ec2:Describe*', 'arn:aws:ec2:*:*:instance/i-1'), { Effect: 'Deny', Action: ['rds:*'], Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }),
      { minLength: 1, maxLength: 3 },
    );
    let over = 0;
    fc.assert(
      fc.property(shared, fc.array(own, { minLength: 3, maxLength: 5 }), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), (sharedStatements, inlines, firstOverBase) => {
        const d = details({ roles: inlines.map((inline, k) => ({ name: `r${k}`, managed: ['S'], inline: [inline] })), policies: { S: sharedStatements } });
        const calc = new BreadthCalculator(catalog);
        const ids = new DataReadSets(catalog, 2);
        const interning = new DataReadInterning(2);
        const a = new Int32Array(COUNT_FIELDS);
        const b = new Int32Array(COUNT_FIELDS);
        resolvePrincipals(d).forEach((p, i) => {
          const eff = calc.computeSet(p.policySet);
          if (eff.base) over += 1;
          // Either way first (the list id is made by the first, found by the second).
          const first = firstOverBase[i % 5]!;
          const x = breadthCountsRow(catalog, eff, ids, interning, a, 0, first);
          const y = breadthCountsRow(catalog, eff, ids, interning, b, 0, !first);
          expect(b).toEqual(a);
          expect(y).toBe(x);
          const counts = breadthCounts(catalog, eff);
          expect(a).toEqual(rowOf(counts));
          expect(ids.names(catalog, x)).toEqual(counts.dataReadOnAll);
        });
      }),
      { numRuns: 40 },
    );
    expect(over).toBeGreaterThan(40);
  });

  it('counts sets met in any order whose masks share some arrays and not others (the signed views kept for the last two) like an action-by-action count', () => {
    // e1 and e2 share their granted arrays (equal by construction: the conditional bits are the
    // granted's complement) but not their conditional ones; e3 shares nothing. Met in a random order,
    // so views kept for one are asked for by another.
    const picks = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 12 });
    fc.assert(
      fc.property(parts, parts, picks, (ps, others, order) => {
        const e1 = effective(ps);
        const plain = effective(ps.map((q) => ({ ...q, conditional: 0 })));
        const e2: EffectivePermissions = { ...plain, granted: e1.granted, grantedOnAll: e1.grantedOnAll };
        const e3 = effective(others);
        const sets = [e1, e2, e3];
        const expected = sets.map((e) => naive(e));
        for (const k of order) expect(compared(breadthCounts(catalog, sets[k]!))).toEqual(expected[k]);
      }),
      { numRuns: 60 },
    );
  });

  it('counts a service spanning several full words once', () => {
    const wide = catalog.services.find((r) => (r.end >>> 5) - (r.start >>> 5) >= 2)!;
    const ps = [];
    for (let w = wide.start >>> 5; w <= (wide.end - 1) >>> 5; w++) ps.push({ w, granted: -1, conditional: 0, onAll: true });
    const eff = effective(ps);
    expect(breadthCounts(catalog, eff).services).toBe(naive(eff).services);
  });
});

describe('distribution', () => {
  /** As first written: sort the values, then sort the absolute deviations from the median. */
  const reference = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const median = (xs: number[]) => (xs.length === 0 ? 0 : xs.length % 2 ? xs[xs.length >> 1]! : (xs[(xs.length >> 1) - 1]! + xs[xs.length >> 1]!) / 2);
    const med = median(sorted);
    const p90 = sorted.length ? sorted[Math.min(sorted.length, Math.max(1, Math.ceil(0.9 * sorted.length))) - 1]! : 0;
    return { count: sorted.length, median: med, p90, max: sorted.length ? sorted[sorted.length - 1]! : 0, mad: median(sorted.map((v) => Math.abs(v - med)).sort((a, b) => a - b)) };
  };
  it('gives the sorted answer, for values in any order and in descending order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 60 }), fc.boolean(), (values, descending) => {
        const input = descending ? [...values].sort((a, b) => b - a) : values;
        expect(distribution(input)).toEqual(reference(values));
      }),
      { numRuns: 500 },
    );
  });
});
