/**
 * lib/policy/evaluate.ts `listTypeFlagsMany` builds the flag row of a resolution's list from two
 * bit masks per statement (`rowByMasks`: the actions its action clause covers, those whose every
 * resource type its resource clause covers, kept per clause id) when no clause covers some types of
 * an action only; other lists, and lists met without a resolution, are built statement by action
 * with per-type arrays. Both must give the same answers: every principal of a resolution is asked
 * again as a principal built by hand (same statement lists, no resolution rows), for the decisions
 * on `*` and the policies named as granting them, with probe lists whose coverage is all-or-nothing
 * (the data probes) and one with many types per action (mixed coverage: the per-type build).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OnAllProbes } from '../../../lib/policy/evaluate';
import { grantingPoliciesOnAll } from '../../../lib/policy/granting';
import { decideManyShared, resolvePrincipals, type Principal } from '../../../lib/policy/principals';
import { arbStatementFrom } from './arbitraries';
import { details } from '../breadth/helpers';

const ACCOUNT = '111122223333';
const DATA_PROBES = ['s3:*', 'dynamodb:*', 's3:GetObject', 'dynamodb:Scan', 'dynamodb:Query', 'secretsmanager:GetSecretValue', 'rds-data:ExecuteStatement'];
const OTHER_ORDER = ['dynamodb:Scan', 's3:GetObject', 'iam:PassRole'];
const WIDE = ['s3:*', 'iam:*', '*:*', 's3:Get*'];
const ACTION_PATTERNS = ['s3:*', 's3:Get*', 'dynamodb:*', 'dynamodb:Scan', '*', 'secretsmanager:GetSecretValue', 'iam:PassRole', 'S3:GETOBJECT', 'rds-data:*'];
const RESOURCE_PATTERNS = ['*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::*/*', 'arn:aws:s3:::*', 'arn:aws:dynamodb:*:*:table/*', `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/t`, `arn:aws:iam::${ACCOUNT}:role/app-*`];

const arbStatement = arbStatementFrom({ actions: ACTION_PATTERNS, resources: RESOURCE_PATTERNS }, { notActionOneIn: 4 });
const arbPolicy = fc.array(arbStatement, { minLength: 1, maxLength: 4 });
const NAMES = ['p0', 'p1', 'p2'];
const arbAccount = fc.record({
  policies: fc.tuple(arbPolicy, arbPolicy, arbPolicy),
  roles: fc.array(fc.record({ managed: fc.subarray(NAMES, { maxLength: 3 }), inline: fc.array(arbPolicy, { maxLength: 2 }), boundary: fc.option(fc.constantFrom(...NAMES), { nil: undefined }) }), {
    minLength: 1,
    maxLength: 6,
  }),
  mask: fc.array(fc.boolean(), { minLength: DATA_PROBES.length, maxLength: DATA_PROBES.length }),
});

describe('flag rows from clause masks (rowByMasks)', () => {
  it('give the answers of the per-type build: decisions on * and granting policies, resolved vs built by hand (property)', () => {
    fc.assert(
      fc.property(arbAccount, (a) => {
        const d = details({
          roles: a.roles.map((r, i) => ({ name: `r${i}`, managed: r.managed, inline: r.inline, ...(r.boundary ? { boundary: r.boundary } : {}) })),
          policies: Object.fromEntries(NAMES.map((n, i) => [n, a.policies[i]!])),
        });
        const probes = new OnAllProbes(DATA_PROBES);
        for (const p of resolvePrincipals(d)) {
          const byHand: Principal = { ...p, policySet: { key: 'hand', lists: p.policySet.lists, ...(p.policySet.boundary ? { boundary: p.policySet.boundary } : {}) } };
          for (const list of [DATA_PROBES, OTHER_ORDER, WIDE]) expect({ list, d: [...decideManyShared(p, list, '*')] }).toEqual({ list, d: [...decideManyShared(byHand, list, '*')] });
          expect(grantingPoliciesOnAll(p, probes, a.mask)).toEqual(grantingPoliciesOnAll(byHand, probes, a.mask));
          expect(grantingPoliciesOnAll(p, probes)).toEqual(grantingPoliciesOnAll(byHand, probes));
        }
      }),
      { numRuns: 200 },
    );
  }, 240_000);
});
