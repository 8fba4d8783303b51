import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyzeBreadth, readUsage } from '../../../lib/breadth/analyze';
import { credentialReportRow } from '../../../lib/snapshot/credential-report';
import { details, userArn } from './helpers';

const dates = ['N/A', 'no_information', '2026-01-30T00:00:00Z', '2025-12-01T00:00:00Z', 'not-a-date'] as const;

/**
 * Users and roles, and a credential report whose rows may repeat an ARN (the last one counts),
 * name a user under another ARN (read by name) or be missing; roles with and without last use.
 */
const arbitraryAccount = fc.record({
  users: fc.integer({ min: 0, max: 6 }),
  roles: fc.array(fc.option(fc.constantFrom('2026-01-20T00:00:00Z', ''), { nil: undefined }), { maxLength: 5 }),
  rows: fc.option(
    fc.array(fc.record({ user: fc.nat(7), byName: fc.boolean(), password: fc.constantFrom(...dates), key1: fc.constantFrom(...dates), created: fc.constantFrom('2025-01-01T00:00:00Z', 'N/A') }), { maxLength: 10 }),
    { nil: undefined },
  ),
  asked: fc.array(fc.nat(), { maxLength: 14 }),
});

describe('readUsage', () => {
  it('reads what each principal reads alone', () => {
    fc.assert(
      fc.property(arbitraryAccount, ({ users, roles, rows, asked }) => {
        const input = () => ({
          authorizationDetails: details({
            users: Array.from({ length: users }, (_, i) => ({ name: `u${i}` })),
            roles: roles.map((lastUsed, i) => ({ name: `r${i}`, ...(lastUsed !== undefined ? { lastUsed } : {}) })),
          }),
          credentialReport: rows && {
            GeneratedTime: '2026-01-31T00:00:00Z',
            rows: rows.map((r) =>
              credentialReportRow({ user: `u${r.user}`, arn: r.byName ? `${userArn(`u${r.user}`)}-old` : userArn(`u${r.user}`), user_creation_time: r.created, password_last_used: r.password, access_key_1_last_used_date: r.key1 } as Parameters<typeof credentialReportRow>[0]),
            ),
          },
          collectedAt: '2026-02-01T00:00:00Z',
        });
        const alone = analyzeBreadth(input()).principals;
        const together = analyzeBreadth(input()).principals;
        if (!together.length) return;
        readUsage(asked.map((i) => together[i % together.length]!));
        const facts = (ps: typeof alone) => ps.map((p) => [p.key, p.usage, p.lastUsed, p.idleDays]);
        expect(facts(together)).toEqual(facts(alone));
      }),
      { numRuns: 300 },
    );
  });
});
