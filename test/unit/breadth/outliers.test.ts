import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountOutliers, type PrincipalBreadth } from '../../../lib/breadth/analyze';
import { distribution } from '../../../lib/breadth/metrics';

/** The simple version (as accountOutliers and modifiedZScores were written first: filtered and mapped arrays). */
function simple(principals: PrincipalBreadth[], options: { zScore: number; minActions: number }) {
  const peers = principals.filter((p) => !p.serviceLinked && !p.admin);
  const values = peers.map((p) => p.sensitive);
  const d = distribution(values);
  let scores: number[];
  if (d.mad > 0) scores = values.map((v) => (0.6745 * (v - d.median)) / d.mad);
  else {
    const meanAd = values.reduce((sum, v) => sum + Math.abs(v - d.median), 0) / (values.length || 1);
    scores = meanAd === 0 ? values.map(() => 0) : values.map((v) => (v - d.median) / (1.253314 * meanAd));
  }
  const outliers = [];
  const zScoreOf = new Map<PrincipalBreadth, number>();
  for (let i = 0; i < peers.length; i++) {
    const p = peers[i]!;
    const zScore = Math.round(scores[i]! * 100) / 100;
    if (zScore > options.zScore && p.sensitive >= options.minActions) {
      outliers.push({ key: p.key, total: p.total, sensitive: p.sensitive, zScore });
      zScoreOf.set(p, zScore);
    }
  }
  return { distribution: distribution(peers.map((p) => p.total)), outliers, zScoreOf };
}

describe('accountOutliers (peers in typed arrays)', () => {
  it('gives the simple version\'s distribution, outliers and z-scores', () => {
    // Counts clustered (MAD 0 often: the mean-deviation branch) or spread, a few very wide principals.
    const count = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3_000 }), fc.constantFrom(0, 10, 10, 10, 20_000));
    const principal = fc.record({ sensitive: count, extra: count, serviceLinked: fc.boolean(), admin: fc.boolean() });
    fc.assert(
      fc.property(fc.array(principal, { maxLength: 60 }), fc.constantFrom(0, 1, 3.5), fc.constantFrom(0, 5, 100), (rows, zScore, minActions) => {
        const principals = rows.map((r, i) => ({ key: `role/r${i}`, total: r.sensitive + r.extra, sensitive: r.sensitive, serviceLinked: r.serviceLinked && i % 3 === 0, admin: r.admin && i % 4 === 0 }) as PrincipalBreadth);
        const got = accountOutliers(principals, { zScore, minActions });
        const want = simple(principals, { zScore, minActions });
        expect(got.distribution).toEqual(want.distribution);
        expect(got.outliers).toEqual(want.outliers);
        expect([...got.zScoreOf]).toEqual([...want.zScoreOf]);
      }),
      { numRuns: 400 },
    );
  });
});
