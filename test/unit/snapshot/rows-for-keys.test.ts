import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ROOT_REPORT_USER, credentialReportRow, rowsForKeys, type CredentialReportRow } from '../../../lib/snapshot';

const row = (user: string, arn: string, mark = 0): CredentialReportRow =>
  credentialReportRow({ user, arn, user_creation_time: `2020-01-0${1 + (mark % 9)}T00:00:00+00:00` });

/** What the rules did before: a Map of every row (root skipped when asked), looked up per key. */
function viaMap(rows: readonly CredentialReportRow[], keys: readonly string[], by: 'arn' | 'user', skipRoot: boolean): (CredentialReportRow | undefined)[] {
  const m = new Map<string, CredentialReportRow>();
  for (const r of rows) if (!skipRoot || r.user !== ROOT_REPORT_USER) m.set(by === 'arn' ? r.arn : r.user, r);
  return keys.map((k) => m.get(k));
}

describe('rowsForKeys', () => {
  it('returns the last row of each key, undefined when absent, and skips the root row when asked', () => {
    const a1 = row('a', 'arn:aws:iam::1:user/a', 1);
    const a2 = row('a', 'arn:aws:iam::1:user/a', 2);
    const root = row(ROOT_REPORT_USER, 'arn:aws:iam::1:root');
    const rows = [a1, root, a2];
    expect(rowsForKeys(rows, ['arn:aws:iam::1:user/a', 'arn:aws:iam::1:user/b', 'arn:aws:iam::1:user/a'], 'arn')).toEqual([a2, undefined, a2]);
    expect(rowsForKeys(rows, ['arn:aws:iam::1:root'], 'arn', true)).toEqual([undefined]);
    expect(rowsForKeys(rows, ['arn:aws:iam::1:root'], 'arn')[0]).toBe(root);
    expect(rowsForKeys(rows, [ROOT_REPORT_USER, 'a'], 'user', true)).toEqual([undefined, a2]);
    expect(rowsForKeys(rows, [], 'user')).toEqual([]);
  });

  it('agrees with a map of every row (property)', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd', ROOT_REPORT_USER);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, name), { maxLength: 12 }),
        fc.array(name, { maxLength: 6 }),
        fc.constantFrom<'arn' | 'user'>('arn', 'user'),
        fc.boolean(),
        (pairs, wanted, by, skipRoot) => {
          const rows = pairs.map(([u, a], i) => row(u, `arn:${a}`, i));
          const keys = wanted.map((k) => (by === 'arn' ? `arn:${k}` : k));
          const got = rowsForKeys(rows, keys, by, skipRoot);
          const want = viaMap(rows, keys, by, skipRoot);
          expect(got.length).toBe(want.length);
          for (let i = 0; i < got.length; i++) expect(got[i]).toBe(want[i]);
        },
      ),
    );
  });
});
