/**
 * lib/policy/granting.ts names the policies that grant a rule's probes on every resource with the
 * probe list's lookups done once: it must name exactly what `grantingPoliciesForAny(p, probes, '*',
 * mask)` names (lib/policy/principals.ts), in the same order, for principals of one resolution
 * (answers by local list id), with groups (labels "via group"), boundaries and any mask.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OnAllProbes } from '../../../lib/policy/evaluate';
import { grantingPoliciesOnAll } from '../../../lib/policy/granting';
import { grantingPoliciesForAny, resolvePrincipals, type AppliedPolicy, type Principal } from '../../../lib/policy/principals';
import { arbStatementFrom } from './arbitraries';
import { details } from '../breadth/helpers';

const PROBES = ['s3:*', 'dynamodb:*', 's3:GetObject', 'dynamodb:Scan', 'dynamodb:Query', 'secretsmanager:GetSecretValue'];
const ACTION_PATTERNS = ['s3:*', 's3:Get*', 'dynamodb:*', 'dynamodb:Scan', '*', 'secretsmanager:GetSecretValue', 'iam:PassRole', 'S3:GETOBJECT'];
const RESOURCE_PATTERNS = ['*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::*/*', 'arn:aws:s3:::*', 'arn:aws:dynamodb:*:*:table/*', 'arn:aws:dynamodb:eu-west-3:111122223333:table/t'];

const arbStatement = arbStatementFrom({ actions: ACTION_PATTERNS, resources: RESOURCE_PATTERNS }, { notActionOneIn: 4 });
const arbPolicy = fc.array(arbStatement, { minLength: 1, maxLength: 3 });
const NAMES = ['p0', 'p1', 'p2'];
const arbAccount = fc.record({
  policies: fc.tuple(arbPolicy, arbPolicy, arbPolicy),
  users: fc.array(
    fc.record({ managed: fc.subarray(NAMES, { maxLength: 3 }), inline: fc.array(arbPolicy, { maxLength: 1 }), groups: fc.subarray(['g0', 'g1'], { maxLength: 2 }), boundary: fc.option(fc.constantFrom(...NAMES), { nil: undefined }) }),
    { minLength: 1, maxLength: 5 },
  ),
  mask: fc.array(fc.boolean(), { minLength: PROBES.length, maxLength: PROBES.length }),
});

describe('grantingPoliciesOnAll', () => {
  it('names what grantingPoliciesForAny names on *, in order (property)', () => {
    fc.assert(
      fc.property(arbAccount, (a) => {
        const d = details({
          users: a.users.map((u, i) => ({ name: `u${i}`, managed: u.managed, inline: u.inline, groups: u.groups, ...(u.boundary ? { boundary: u.boundary } : {}) })),
          groups: [
            { name: 'g0', managed: ['p0'] },
            { name: 'g1', inline: [a.policies[2]!] },
          ],
          policies: Object.fromEntries(NAMES.map((n, i) => [n, a.policies[i]!])),
        });
        const probes = new OnAllProbes(PROBES);
        const labels = new Map<AppliedPolicy, string>();
        for (const p of resolvePrincipals(d)) {
          expect(grantingPoliciesOnAll(p, probes, a.mask, labels)).toEqual(grantingPoliciesForAny(p, PROBES, '*', a.mask));
          expect(grantingPoliciesOnAll(p, probes, a.mask)).toEqual(grantingPoliciesForAny(p, PROBES, '*', a.mask));
          expect(grantingPoliciesOnAll(p, probes)).toEqual(grantingPoliciesForAny(p, PROBES, '*'));
          // A principal built by hand (no resolution rows): the lists' own memos.
          const byHand: Principal = { ...p, policySet: { key: 'hand', lists: p.policySet.lists } };
          expect(grantingPoliciesOnAll(byHand, probes, a.mask)).toEqual(grantingPoliciesForAny(byHand, PROBES, '*', a.mask));
        }
      }),
      { numRuns: 150 },
    );
  }, 240_000);
});
