/**
 * One statement object per distinct statement of a resolution (lib/policy/document.ts
 * `ClauseTable.sharedStatement`): statements equal in effect, condition flag and clauses are
 * one object, across policies and lists; any difference (effect, condition, a clause's texts or
 * kind) gives another object, and a statement with an `iam:PassedToService` condition is never
 * shared. Consumers must answer exactly as with one object per statement: the breadth
 * calculator (lib/breadth/effective.ts gives statements slots per list it folds), the
 * per-statement memos of lib/policy/evaluate.ts (`typeCoverage`, `removalCoverage`), the
 * decision functions and every rule. The reference is the same code with `sharedStatement`
 * replaced by a copy per call (one object per normalised statement, as before sharing).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSnapshot } from '../../../bench/lib/generate-snapshot';
import { analyzeBreadth, BreadthCalculator, loadCatalog } from '../../../lib/breadth';
import { ClauseTable, normalizeStatement, type NormalizedStatement } from '../../../lib/policy/document';
import { decide, decideMany, decideManyShared, grantingPoliciesForAny, resolvePrincipals, type Principal } from '../../../lib/policy/principals';
import { RULES, evaluateRules } from '../../../lib/rules';
import { parseSnapshot, type AuthorizationDetails, type PolicyStatement } from '../../../lib/snapshot';
import { details, type Stmt } from '../breadth/helpers';

/** Make every `sharedStatement` call return a new object with the shared one's content (the reference). */
function unshared(): void {
  const original = ClauseTable.prototype.sharedStatement;
  vi.spyOn(ClauseTable.prototype, 'sharedStatement').mockImplementation(function (this: ClauseTable, ...args: Parameters<typeof original>) {
    return { ...original.apply(this, args) };
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

// A small pool so that equal statements come up often; case variants, conditions (one with
// iam:PassedToService), NotAction, NotResource, Deny.
const ACTION = fc.constantFrom('s3:GetObject', 's3:getobject', 'S3:*', 'iam:PassRole', 'iam:*', 'ec2:RunInstances', '*', 'kms:Decrypt', 's3:Get*', 'lambda:CreateFunction');
const RESOURCE = fc.constantFrom('*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::b', 'arn:aws:iam::111122223333:role/r', 'arn:aws:kms:eu-west-1:111122223333:key/k');
const CONDITION = fc.constantFrom(
  undefined,
  {},
  { Bool: { 'aws:SecureTransport': 'true' } },
  { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
  { StringLike: { 'iam:PassedToService': ['ec2.amazonaws.com'] } },
);
const clause = <T>(text: fc.Arbitrary<T>) => fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }));
const STATEMENT: fc.Arbitrary<Stmt> = fc
  .record({
    effect: fc.constantFrom('Allow' as const, 'Allow' as const, 'Deny' as const),
    notAction: fc.boolean(),
    action: clause(ACTION),
    notResource: fc.boolean(),
    resource: clause(RESOURCE),
    condition: CONDITION,
  })
  .map(({ effect, notAction, action, notResource, resource, condition }) => ({
    Effect: effect,
    ...(notAction ? { NotAction: action } : { Action: action }),
    ...(notResource && resource !== '*' ? { NotResource: resource } : { Resource: resource }),
    ...(condition === undefined ? {} : { Condition: condition }),
  }));
/**
 * A statement and a near twin that differs in one thing only (effect, condition, a clause's
 * kind or texts): a key that left that thing out would make the two one object.
 */
const TWINS: fc.Arbitrary<Stmt[]> = fc
  .tuple(STATEMENT, fc.constantFrom('effect', 'condition', 'kind-action', 'kind-resource', 'action', 'resource'), ACTION, RESOURCE)
  .map(([s, what, action, resource]) => {
    const twin: Record<string, unknown> = { ...s };
    const move = (from: string, to: string) => {
      twin[to] = twin[from];
      delete twin[from];
    };
    if (what === 'effect') twin.Effect = s.Effect === 'Allow' ? 'Deny' : 'Allow';
    else if (what === 'condition') {
      if (s.Condition === undefined) twin.Condition = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
      else delete twin.Condition;
    } else if (what === 'kind-action') move(s.Action !== undefined ? 'Action' : 'NotAction', s.Action !== undefined ? 'NotAction' : 'Action');
    else if (what === 'kind-resource') move(s.Resource !== undefined ? 'Resource' : 'NotResource', s.Resource !== undefined ? 'NotResource' : 'Resource');
    else if (what === 'action') twin[s.Action !== undefined ? 'Action' : 'NotAction'] = [action, 'sts:AssumeRole'];
    else twin[s.Resource !== undefined ? 'Resource' : 'NotResource'] = [resource, 'arn:aws:s3:::other'];
    return [s, twin as unknown as Stmt];
  });
// Few statements per pool (and their twins), drawn several times: most documents repeat statements of others.
const POOL = fc.array(TWINS, { minLength: 1, maxLength: 4 }).map((pairs) => pairs.flat());
const NAMES = ['p0', 'p1', 'p2', 'p3', 'p4'];

const arbDetails: fc.Arbitrary<AuthorizationDetails> = POOL.chain((pool) => {
  const stmts = fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 4 });
  const inline = fc.array(stmts, { maxLength: 2 });
  const managed = fc.subarray(NAMES, { maxLength: 3 });
  return fc
    .record({
      policies: fc.tuple(...NAMES.map(() => stmts)),
      groups: fc.array(fc.record({ inline, managed }), { minLength: 2, maxLength: 2 }),
      users: fc.array(fc.record({ inline, managed, groups: fc.subarray(['g0', 'g1']), boundary: fc.option(fc.constantFrom(...NAMES), { nil: undefined }) }), { maxLength: 6 }),
      roles: fc.array(fc.record({ inline, managed, boundary: fc.option(fc.constantFrom(...NAMES), { nil: undefined }) }), { maxLength: 6 }),
    })
    .map(({ policies, groups, users, roles }) =>
      details({
        policies: Object.fromEntries(NAMES.map((n, i) => [n, policies[i]!])),
        groups: groups.map((g, i) => ({ name: `g${i}`, ...g })),
        users: users.map((u, i) => ({ name: `u${i}`, ...u })),
        roles: roles.map((r, i) => ({ name: `r${i}`, ...r })),
      }),
    );
});

// Clause ids are local to a resolution: contents only.
const content = (s: NormalizedStatement) => JSON.stringify({ ...s, actionsId: undefined, resourcesId: undefined });
const statementsOfPrincipal = (p: Principal) => [...p.policies.flatMap((x) => x.statements), ...(p.boundary ?? [])];

const PROBES = ['s3:GetObject', 's3:PutObject', 'iam:PassRole', 'iam:CreateUser', 'ec2:RunInstances', 'kms:Decrypt', 'lambda:CreateFunction'];
const PROBE_RESOURCES = ['*', 'arn:aws:s3:::b/x', 'arn:aws:iam::111122223333:role/r'];

/** What the decision functions answer for every principal (answers only, no object identities). */
function decisions(principals: readonly Principal[]) {
  return principals.map((p) => ({
    one: PROBE_RESOURCES.flatMap((r) => PROBES.map((a) => decide(p, a, r))),
    many: PROBE_RESOURCES.map((r) => decideMany(p, PROBES, r)),
    shared: PROBE_RESOURCES.map((r) => [...decideManyShared(p, PROBES, r)]),
    granting: PROBE_RESOURCES.map((r) => grantingPoliciesForAny(p, PROBES, r)),
  }));
}

/** The breadth calculator's effective permissions of every principal's set, in one calculator (as the analysis does). */
function effective(principals: readonly Principal[]) {
  const calculator = new BreadthCalculator(loadCatalog());
  return principals.map((p) => {
    const e = calculator.computeSet(p.policySet);
    const words = (b: ArrayLike<number>) => Array.from(b);
    return [words(e.granted), words(e.conditional), words(e.grantedOnAll), words(e.conditionalOnAll)];
  });
}

describe('statements shared within a resolution', () => {
  it('are one object per distinct content, never one with iam:PassedToService, and read as normalised alone', () => {
    fc.assert(
      fc.property(arbDetails, (d) => {
        const principals = resolvePrincipals(d);
        const byContent = new Map<string, NormalizedStatement>();
        const objects = new Set<NormalizedStatement>();
        for (const p of principals) {
          for (const s of statementsOfPrincipal(p)) {
            objects.add(s);
            if (s.passedToService !== undefined) continue;
            const key = content(s);
            const seen = byContent.get(key);
            if (seen === undefined) byContent.set(key, s);
            else expect(s).toBe(seen);
          }
          // Each list reads as its document normalised without a table.
          for (const x of p.policies) {
            const raw = rawStatements(d, p, x.id);
            expect(x.statements.map(content)).toEqual(raw.map((s) => content(normalizeStatement(s))));
          }
        }
        // Different contents, different objects (passedToService ones each their own).
        const shared = [...objects].filter((s) => s.passedToService === undefined);
        expect(shared).toHaveLength(byContent.size);
      }),
      { numRuns: 300 },
    );
  });

  it('give the breadth calculator and the decision functions the answers of one object per statement', () => {
    fc.assert(
      fc.property(arbDetails, (d) => {
        const got = resolvePrincipals(d);
        const gotEffective = effective(got);
        const gotDecisions = decisions(got);
        unshared();
        const want = resolvePrincipals(structuredClone(d));
        vi.restoreAllMocks();
        // The reference really has one object per statement occurrence in its distinct lists.
        const lists = new Set(want.flatMap((p) => [...p.policySet.lists, ...(p.boundary ? [p.boundary] : [])]));
        const occurrences = [...lists].reduce((n, l) => n + l.length, 0);
        expect(new Set([...lists].flatMap((l) => [...l])).size).toBe(occurrences);
        expect(gotEffective).toEqual(effective(want));
        expect(gotDecisions).toEqual(decisions(want));
      }),
      { numRuns: 40 },
    );
  });

  it('leave the whole breadth analysis unchanged (random accounts)', () => {
    const input = (d: AuthorizationDetails) => ({ authorizationDetails: d, collectedAt: '2026-02-01T06:00:00.000Z' });
    fc.assert(
      fc.property(arbDetails, (d) => {
        const got = analyzeBreadth(input(structuredClone(d)));
        unshared();
        const want = analyzeBreadth(input(structuredClone(d)));
        vi.restoreAllMocks();
        expect(got).toEqual(want);
      }),
      { numRuns: 25 },
    );
  });

  it('leave every rule finding unchanged on generated accounts of both mixes', () => {
    for (const mix of ['realistic', 'pessimistic'] as const) {
      const raw = generateSnapshot({ users: 400, roles: 200, policies: 600, mix, seed: 7 });
      const got = evaluateRules(RULES, parseSnapshot(raw, 'shared'));
      const sharedCount = countDistinct(parseSnapshot(raw, 'count'));
      unshared();
      const want = evaluateRules(RULES, parseSnapshot(raw, 'unshared'));
      vi.restoreAllMocks();
      expect(got).toEqual(want);
      // The accounts do repeat statements (sharing happens).
      expect(sharedCount.objects).toBeLessThan(sharedCount.occurrences);
    }
  });
});

/** The raw statements of a principal's applied policy by its id (managed ARN or `<owner>#<name>`). */
function rawStatements(d: AuthorizationDetails, p: Principal, id: string): PolicyStatement[] {
  const list = (s: PolicyStatement | PolicyStatement[]) => (Array.isArray(s) ? s : [s]);
  const managed = d.Policies.find((x) => x.Arn === id);
  if (managed?.Document) return list(managed.Document.Statement);
  const [owner, name] = id.split('#');
  const inline = [
    ...d.UserDetailList.filter((u) => u.Arn === owner).flatMap((u) => u.UserPolicyList),
    ...d.RoleDetailList.filter((r) => r.Arn === owner).flatMap((r) => r.RolePolicyList),
    ...d.GroupDetailList.filter((g) => g.Arn === owner).flatMap((g) => g.GroupPolicyList),
  ].find((x) => x.PolicyName === name);
  expect(inline, `${p.arn}: ${id}`).toBeDefined();
  return list(inline!.PolicyDocument.Statement);
}

function countDistinct(snapshot: ReturnType<typeof parseSnapshot>) {
  const principals = resolvePrincipals(snapshot.authorizationDetails!);
  const objects = new Set<NormalizedStatement>();
  let occurrences = 0;
  for (const l of new Set(principals.flatMap((p) => p.policies.map((x) => x.statements))))
    for (const s of l) {
      objects.add(s);
      occurrences++;
    }
  return { objects: objects.size, occurrences };
}
