/**
 * `retainedCopy` (lib/policy/document.ts): the array-literal copies of a resolution's long-lived
 * arrays must hold exactly what `slice(0, n)` gives, for every length a literal case covers and
 * past them, read from a reused buffer with stale entries after `n`; and `statementsOf` must give
 * the same statements in the same order as normalising each one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClauseTable, normalizeStatement, retainedCopy, statementsOf } from '../../../lib/policy/document';
import type { PolicyStatement } from '../../../lib/snapshot';

describe('retainedCopy', () => {
  it('equals slice(0, n) for n = 0 … 40 on a buffer with stale entries', () => {
    const buffer = Array.from({ length: 48 }, (_, i) => ({ i }));
    for (let n = 0; n <= 40; n++) {
      const copy = retainedCopy(buffer, n);
      expect(copy).toEqual(buffer.slice(0, n));
      expect(copy.length).toBe(n);
      for (let i = 0; i < n; i++) expect(copy[i]).toBe(buffer[i]);
      expect(copy).not.toBe(buffer);
    }
  });

  it('returns a new array each call (callers own it)', () => {
    const buffer = ['a', 'b', 'c'];
    const one = retainedCopy(buffer, 2);
    const two = retainedCopy(buffer, 2);
    expect(one).not.toBe(two);
    buffer[0] = 'z';
    expect(one).toEqual(['a', 'b']);
  });

  it('statementsOf keeps every statement in order, with and without a clause table, across documents of any length', () => {
    const statement = fc.record({
      Effect: fc.constantFrom('Allow' as const, 'Deny' as const),
      Action: fc.array(fc.constantFrom('s3:GetObject', 'S3:getobject', 'ec2:*', 'iam:PassRole', '*'), { minLength: 1, maxLength: 4 }),
      Resource: fc.oneof(fc.constant('*'), fc.array(fc.constantFrom('arn:aws:s3:::a/*', 'arn:aws:s3:::b', '*'), { minLength: 1, maxLength: 3 })),
    });
    fc.assert(
      fc.property(fc.array(fc.array(statement, { minLength: 0, maxLength: 20 }), { minLength: 1, maxLength: 6 }), (docs) => {
        const table = new ClauseTable();
        for (const doc of docs) {
          const list = doc as PolicyStatement[];
          const shared = statementsOf({ Statement: list }, table);
          const plain = statementsOf({ Statement: list });
          expect(shared.length).toBe(list.length);
          expect(plain).toEqual(list.map((s) => normalizeStatement(s)));
          for (let i = 0; i < list.length; i++) {
            const own = normalizeStatement(list[i]!, table);
            // The table hands out one object per distinct statement: the same object again.
            expect(shared[i]).toBe(own);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
