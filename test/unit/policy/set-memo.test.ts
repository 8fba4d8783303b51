/**
 * lib/policy/set-memo.ts: `PerPolicySet` keeps one answer per policy set whether its slots are
 * made by the constructor (a sample set of the resolution) or on first use, and falls back to a
 * Map for sets of another resolution or built by hand; `objectList` is an empty, ordinary array.
 */
import { describe, expect, it } from 'vitest';
import { resolvePrincipals, type PolicySet } from '../../../lib/policy/principals';
import { PerPolicySet, objectList } from '../../../lib/policy/set-memo';
import { details } from '../breadth/helpers';

const account = () =>
  resolvePrincipals(
    details({
      roles: [
        { name: 'a', managed: ['p0'] },
        { name: 'b', managed: ['p1'] },
        { name: 'c', managed: ['p0'] },
      ],
      policies: { p0: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }], p1: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] },
    }),
  );

describe('PerPolicySet', () => {
  for (const presized of [false, true]) {
    it(`keeps one answer per set (${presized ? 'slots made by the constructor' : 'slots made on first use'})`, () => {
      const principals = account();
      const other = account();
      const memo = new PerPolicySet<string>(presized ? principals[1]!.policySet : undefined);
      expect(memo.get(principals[0]!.policySet)).toBeUndefined();
      memo.set(principals[0]!.policySet, 'p0');
      memo.set(principals[1]!.policySet, 'p1');
      // Role c has role a's policies: the same set.
      expect(memo.get(principals[2]!.policySet)).toBe('p0');
      expect(memo.get(principals[1]!.policySet)).toBe('p1');
      // Another resolution's sets and hand-built sets: kept apart.
      expect(memo.get(other[0]!.policySet)).toBeUndefined();
      memo.set(other[0]!.policySet, 'other');
      const byHand: PolicySet = { key: 'hand', lists: principals[0]!.policySet.lists };
      memo.set(byHand, 'hand');
      expect([memo.get(other[0]!.policySet), memo.get(byHand), memo.get(principals[0]!.policySet)]).toEqual(['other', 'hand', 'p0']);
    });
  }
});

describe('objectList', () => {
  it('is a new, empty, ordinary array each time', () => {
    const a = objectList<{ n: number }>();
    const b = objectList<{ n: number }>();
    expect(a).toEqual([]);
    expect(a).not.toBe(b);
    a.push({ n: 1 });
    expect(a).toEqual([{ n: 1 }]);
    expect(Array.isArray(a) && b.length === 0).toBe(true);
  });
});
