/**
 * Statements normalised by a principal resolution may carry resolution-local ids of their shared
 * clause arrays (`actionsId`, `resourcesId`: lib/policy/document.ts); lib/policy/evaluate.ts
 * (`listTypeFlagsMany`) and lib/policy/targets.ts then keep action masks and resource coverages
 * per id. The answers must be the ones given without ids: here ids are stamped on a resolution's
 * statements as resolution would give them (equal contents of one kind, one id; `actions` and
 * `notActions` never share), and every answer is compared with an unstamped resolution of the same
 * account.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideOnAll } from '../../../lib/policy/evaluate';
import { decideManyShared, resolvePrincipals, type Principal } from '../../../lib/policy/principals';
import type { NormalizedStatement } from '../../../lib/policy/document';
import { TargetDecisions, type DecisionTarget } from '../../../lib/policy/targets';
import { arbStatementFrom } from './arbitraries';
import { details } from '../breadth/helpers';

const ACCOUNT = '111122223333';
const PROBES = ['s3:*', 'dynamodb:*', 's3:GetObject', 'dynamodb:Scan', 's3:PutObject', 'iam:PassRole', '*:*'];
/** A second probe list (other memo slot, other bit order): answers kept per id must not leak between lists. */
const PROBES2 = ['dynamodb:Scan', 's3:GetObject', 'iam:PassRole'];
const TARGETS: DecisionTarget[] = [
  { actions: ['s3:DeleteObject', 's3:PutObject'], resource: 'arn:aws:s3:::b/k' },
  { actions: ['s3:PutBucketPolicy', 's3:DeleteBucket'], resource: 'arn:aws:s3:::b' },
  { actions: ['dynamodb:Scan'], resource: `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/t` },
];
const ACTION_PATTERNS = ['s3:*', 's3:Get*', 's3:Put*', 's3:Delete*', 'dynamodb:*', 'dynamodb:Scan', '*', 'iam:PassRole', 'S3:GETOBJECT'];
const RESOURCE_PATTERNS = ['*', 'arn:aws:s3:::b', 'arn:aws:s3:::b/*', 'arn:aws:s3:::*/*', 'arn:aws:s3:::*', 'arn:aws:dynamodb:*:*:table/*', `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/t`, `arn:aws:iam::${ACCOUNT}:role/app-*`];

// Few patterns per clause, drawn from small pools: statements often repeat a clause.
const arbStatement = arbStatementFrom({ actions: ACTION_PATTERNS, resources: RESOURCE_PATTERNS });
const arbPolicy = fc.array(arbStatement, { minLength: 1, maxLength: 4 });
const NAMES = ['p0', 'p1', 'p2'];
const arbAccount = fc.record({
  policies: fc.tuple(arbPolicy, arbPolicy, arbPolicy),
  roles: fc.array(fc.record({ managed: fc.subarray(NAMES, { maxLength: 3 }), inline: fc.array(arbPolicy, { maxLength: 1 }), boundary: fc.option(fc.constantFrom(...NAMES), { nil: undefined }) }), {
    minLength: 1,
    maxLength: 5,
  }),
});

type Stamped = NormalizedStatement & { actionsId?: number; resourcesId?: number };

/** Stamps clause ids on every statement of the principals' sets, by kind and content, dense from 0. */
function stampIds(principals: readonly Principal[]): void {
  const actionIds = new Map<string, number>();
  const resourceIds = new Map<string, number>();
  const idOf = (m: Map<string, number>, key: string) => m.get(key) ?? m.set(key, m.size).get(key)!;
  for (const p of principals)
    for (const list of [...p.policySet.lists, ...(p.policySet.boundary ? [p.policySet.boundary] : [])])
      for (const s of list as Stamped[]) {
        const a = s.actions ? `A${JSON.stringify(s.actions)}` : s.notActions ? `N${JSON.stringify(s.notActions)}` : undefined;
        const r = s.resources ? `R${JSON.stringify(s.resources)}` : s.notResources ? `N${JSON.stringify(s.notResources)}` : undefined;
        s.actionsId = a === undefined ? -1 : idOf(actionIds, a);
        s.resourcesId = r === undefined ? -1 : idOf(resourceIds, r);
      }
}

describe('answers with clause ids', () => {
  it('are the answers without them: decideManyShared on * for two probe lists and TargetDecisions (property)', () => {
    fc.assert(
      fc.property(arbAccount, (a) => {
        const d = () =>
          details({
            roles: a.roles.map((r, i) => ({ name: `r${i}`, managed: r.managed, inline: r.inline, ...(r.boundary ? { boundary: r.boundary } : {}) })),
            policies: Object.fromEntries(NAMES.map((n, i) => [n, a.policies[i]!])),
          });
        const stamped = resolvePrincipals(d());
        stampIds(stamped);
        const plain = resolvePrincipals(d());
        const withIds = new TargetDecisions(TARGETS);
        const without = new TargetDecisions(TARGETS);
        stamped.forEach((p, i) => {
          const q = plain[i]!;
          expect([...decideManyShared(p, PROBES, '*')]).toEqual([...decideManyShared(q, PROBES, '*')]);
          expect([...decideManyShared(p, PROBES, '*')]).toEqual(PROBES.map((x) => decideOnAll(q.policySet.lists, q.policySet.boundary, x)));
          expect([...decideManyShared(p, PROBES2, '*')]).toEqual(PROBES2.map((x) => decideOnAll(q.policySet.lists, q.policySet.boundary, x)));
          expect(withIds.decide(p).map((x) => [...x])).toEqual(without.decide(q).map((x) => [...x]));
        });
      }),
      { numRuns: 150 },
    );
  }, 240_000);
});

describe("a resolution's clause counts", () => {
  it('bound every clause id its statements carry, and count no more arrays than the ids name (property)', () => {
    // ResolutionMemo.actionsCount / resourcesCount size per-id rows once (lib/breadth/effective.ts).
    fc.assert(
      fc.property(arbAccount, (a) => {
        const principals = resolvePrincipals(
          details({
            roles: a.roles.map((r, i) => ({ name: `r${i}`, managed: r.managed, inline: r.inline, ...(r.boundary ? { boundary: r.boundary } : {}) })),
            policies: Object.fromEntries(NAMES.map((n, i) => [n, a.policies[i]!])),
          }),
        );
        const resourceArrays = new Map<number, unknown>();
        const actionArrays = new Map<number, unknown>();
        for (const p of principals) {
          const memo = (p.policySet as { memo?: { actionsCount: number; resourcesCount: number } }).memo!;
          for (const list of [...p.policySet.lists, ...(p.policySet.boundary ? [p.policySet.boundary] : [])])
            for (const s of list) {
              expect(s.actionsId).toBeLessThan(memo.actionsCount);
              expect(s.resourcesId).toBeLessThan(memo.resourcesCount);
              if (s.resourcesId! >= 0) expect(resourceArrays.get(s.resourcesId!) ?? resourceArrays.set(s.resourcesId!, s.resources ?? s.notResources).get(s.resourcesId!)).toBe(s.resources ?? s.notResources);
              if (s.actionsId! >= 0) expect(actionArrays.get(s.actionsId!) ?? actionArrays.set(s.actionsId!, s.actions ?? s.notActions).get(s.actionsId!)).toBe(s.actions ?? s.notActions);
            }
        }
        const memo = principals.length ? (principals[0]!.policySet as { memo?: { resourcesCount: number } }).memo : undefined;
        // Every id below the count is one array (the accounts here attach all they define, or nothing uses it).
        if (memo) expect(resourceArrays.size).toBeLessThanOrEqual(memo.resourcesCount);
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
