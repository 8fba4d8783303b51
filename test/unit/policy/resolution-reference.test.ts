/**
 * Principal resolution (lib/policy/principals.ts resolvePrincipals) against a plain reference
 * written with Maps and JSON texts: the managed policy of an ARN is the last one of the snapshot
 * with that ARN (a missing ARN, or one without a document, is unresolved), inline documents with
 * the same JSON text share one statement list, and principals share a policy set exactly when
 * their distinct lists and boundary are the same. Resolution finds policies, inline documents,
 * sets and signatures through typed-array hash indexes (sampled string hashes, JSON hashes):
 * ARNs are drawn so that some differ only in characters the sampled hash skips (equal hashes,
 * different texts), and one larger account makes every index and id array grow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeStatement } from '../../../lib/policy/document';
import { assessAdmin } from '../../../lib/policy/admin';
import { ADMINISTRATOR_ACCESS_ARN, adminFactsOf, namedInAdminAssessment } from '../../../lib/policy/admin-facts';
import { resolvePrincipals, resolvedWithoutAdminPolicy, type Principal } from '../../../lib/policy/principals';
import type { AuthorizationDetails, PolicyDocument } from '../../../lib/snapshot';
import { allow, deny, doc, type Stmt } from '../breadth/helpers';

// Same length, same last twelve characters, same characters at the sampled positions (n/8, n/4,
// n/2, 3n/4): only characters elsewhere tell these ARNs apart, so their sampled hashes are equal.
const COLLIDING = ['arn:aws:iam::111122223333:policy/team/shared-x', 'arn:aws:iam::111922223333:policy/team/shared-x', 'arn:aws:iam::111122223333:polisy/team/shared-x'];
const ARNS = [...COLLIDING, 'arn:aws:iam::111122223333:policy/data', 'arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::111122223333:policy/gone'];
const STATEMENTS: Stmt[] = [allow('s3:GetObject'), allow(['s3:*', 'ec2:RunInstances'], 'arn:aws:s3:::b/*'), deny('iam:*'), allow('*'), allow('kms:Decrypt', '*', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } })];
const GROUPS = ['g0', 'g1', 'g2', 'ghost'];

const arbDoc: fc.Arbitrary<PolicyDocument> = fc.array(fc.constantFrom(...STATEMENTS), { minLength: 1, maxLength: 3 }).map(doc);
const arbAttached = fc.array(fc.record({ PolicyArn: fc.constantFrom(...ARNS), PolicyName: fc.constantFrom('a', 'b') }), { maxLength: 3 });
const arbInline = fc.array(fc.record({ PolicyName: fc.constantFrom('i', 'j'), PolicyDocument: arbDoc }), { maxLength: 2 });
const arbBoundary = fc.option(fc.constantFrom(...ARNS), { nil: undefined });

const arbDetails: fc.Arbitrary<AuthorizationDetails> = fc
  .record({
    // Some ARNs twice (the last one counts), some absent; one policy may lack its document.
    policies: fc.array(fc.record({ arn: fc.constantFrom(...ARNS.slice(0, 5)), doc: arbDoc, missingDoc: fc.boolean() }), { maxLength: 8 }),
    groups: fc.array(fc.record({ inline: arbInline, managed: arbAttached }), { minLength: 3, maxLength: 3 }),
    users: fc.array(fc.record({ inline: arbInline, managed: arbAttached, groups: fc.subarray(GROUPS), boundary: arbBoundary }), { maxLength: 10 }),
    roles: fc.array(fc.record({ inline: arbInline, managed: arbAttached, boundary: arbBoundary }), { maxLength: 10 }),
  })
  .map(({ policies, groups, users, roles }) => build(policies, groups, users, roles));

interface Spec {
  inline: { PolicyName: string; PolicyDocument: PolicyDocument }[];
  managed: { PolicyArn: string; PolicyName: string }[];
  groups?: string[];
  boundary?: string;
}

function build(policies: { arn: string; doc: PolicyDocument; missingDoc?: boolean }[], groups: Spec[], users: Spec[], roles: Spec[]): AuthorizationDetails {
  const boundary = (arn: string | undefined) => (arn ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn } } : {});
  return {
    Policies: policies.map((p, i) => ({ PolicyName: `p${i}`, Arn: p.arn, DefaultVersionId: 'v1', Document: (p.missingDoc && i % 3 === 0 ? undefined : p.doc) as PolicyDocument })),
    GroupDetailList: groups.map((g, i) => ({ GroupName: `g${i}`, Arn: `arn:aws:iam::111122223333:group/g${i}`, GroupPolicyList: g.inline, AttachedManagedPolicies: g.managed })),
    UserDetailList: users.map((u, i) => ({ UserName: `u${i}`, Arn: `arn:aws:iam::111122223333:user/u${i}`, GroupList: u.groups ?? [], UserPolicyList: u.inline, AttachedManagedPolicies: u.managed, ...boundary(u.boundary) })),
    RoleDetailList: roles.map((r, i) => ({ RoleName: `r${i}`, Arn: `arn:aws:iam::111122223333:role/r${i}`, RolePolicyList: r.inline, AttachedManagedPolicies: r.managed, ...boundary(r.boundary) })),
  };
}

interface RefPolicy {
  origin: string;
  name: string;
  id: string;
  via?: string;
  /** Identity of the statement list: `m<position>` for a managed policy, `i<JSON>` for an inline document. */
  list: string;
  doc: PolicyDocument;
}

/** The reference resolution of every principal: policies, unresolved items, boundary, and the key of its set. */
function reference(d: AuthorizationDetails) {
  const byArn = new Map<string, number>();
  d.Policies.forEach((p, i) => byArn.set(p.Arn, i));
  const managedAt = (arn: string): number | undefined => {
    const at = byArn.get(arn);
    return at === undefined || d.Policies[at]!.Document === undefined ? undefined : at;
  };
  const groups = new Map(d.GroupDetailList.map((g) => [g.GroupName, g]));
  const resolve = (arn: string, inline: readonly { PolicyName: string; PolicyDocument: PolicyDocument }[], managed: readonly { PolicyArn: string; PolicyName: string }[], groupNames: readonly string[], boundaryArn: string | undefined) => {
    const policies: RefPolicy[] = [];
    const unresolved: string[] = [];
    for (const p of inline) policies.push({ origin: 'inline', name: p.PolicyName, id: `${arn}#${p.PolicyName}`, list: `i${JSON.stringify(p.PolicyDocument)}`, doc: p.PolicyDocument });
    const attach = (origin: string, list: readonly { PolicyArn: string; PolicyName: string }[], via?: string) => {
      for (const a of list) {
        const at = managedAt(a.PolicyArn);
        if (at === undefined) unresolved.push(a.PolicyArn);
        else policies.push({ origin, name: a.PolicyName, id: a.PolicyArn, ...(via ? { via } : {}), list: `m${at}`, doc: d.Policies[at]!.Document });
      }
    };
    attach('managed', managed);
    for (const name of groupNames) {
      const g = groups.get(name);
      if (!g) {
        unresolved.push(`group:${name}`);
        continue;
      }
      for (const p of g.GroupPolicyList) policies.push({ origin: 'group-inline', name: p.PolicyName, id: `${g.Arn}#${p.PolicyName}`, via: name, list: `i${JSON.stringify(p.PolicyDocument)}`, doc: p.PolicyDocument });
      attach('group-managed', g.AttachedManagedPolicies, name);
    }
    let boundary: { list: string; doc: PolicyDocument } | undefined;
    if (boundaryArn) {
      const at = managedAt(boundaryArn);
      if (at === undefined) unresolved.push(boundaryArn);
      else boundary = { list: `m${at}`, doc: d.Policies[at]!.Document };
    }
    const setKey = `${[...new Set(policies.map((p) => p.list))].sort().join('\n')}\n|${boundary?.list ?? ''}`;
    return { policies, unresolved, boundary, setKey };
  };
  return [
    ...d.UserDetailList.map((u) => resolve(u.Arn, u.UserPolicyList, u.AttachedManagedPolicies, u.GroupList, u.PermissionsBoundary?.PermissionsBoundaryArn)),
    ...d.RoleDetailList.map((r) => resolve(r.Arn, r.RolePolicyList, r.AttachedManagedPolicies, [], r.PermissionsBoundary?.PermissionsBoundaryArn)),
  ];
}

// Clause-array ids are local to a resolution: contents only.
const content = (k: string, v: unknown) => (k === 'actionsId' || k === 'resourcesId' ? undefined : v);
const statementsText = (document: PolicyDocument) => JSON.stringify((Array.isArray(document.Statement) ? document.Statement : [document.Statement]).map((s) => normalizeStatement(s)), content);

function check(d: AuthorizationDetails): void {
  const got = resolvePrincipals(d);
  const want = reference(d);
  expect(got).toHaveLength(want.length);
  const listOf = new Map<string, unknown>();
  const setOf = new Map<string, Principal['policySet']>();
  got.forEach((p: Principal, i) => {
    const w = want[i]!;
    expect(p.policies.map((x) => [x.origin, x.name, x.id, x.via])).toEqual(w.policies.map((x) => [x.origin, x.name, x.id, x.via]));
    expect(p.unresolvedPolicies).toEqual(w.unresolved);
    p.policies.forEach((x, j) => {
      expect(JSON.stringify(x.statements, content)).toBe(statementsText(w.policies[j]!.doc));
      // Equal list identities, one statement array; different ones, different arrays.
      const seen = listOf.get(w.policies[j]!.list);
      if (seen === undefined) listOf.set(w.policies[j]!.list, x.statements);
      else expect(x.statements).toBe(seen);
    });
    expect(p.boundary === undefined).toBe(w.boundary === undefined);
    if (w.boundary) expect(JSON.stringify(p.boundary, content)).toBe(statementsText(w.boundary.doc));
    const seenSet = setOf.get(w.setKey);
    if (seenSet === undefined) setOf.set(w.setKey, p.policySet);
    else expect(p.policySet).toBe(seenSet);
  });
  // As many distinct arrays and sets as distinct identities (no two identities share one).
  expect(new Set(listOf.values()).size).toBe(listOf.size);
  expect(new Set(setOf.values()).size).toBe(setOf.size);
  checkAdminFree(got);
}

/**
 * `resolvedWithoutAdminPolicy` (kept per policy set, plus the principal's unresolved list) against
 * its definition read from the principal's own policies: none named by an admin assessment
 * (`namedInAdminAssessment` of its id and list facts) and AdministratorAccess not unresolved. When
 * it says true, the full assessment names nothing. A copy with a hand-built set says false.
 */
function checkAdminFree(principals: readonly Principal[]): void {
  for (const p of principals) {
    const want = !p.unresolvedPolicies.includes(ADMINISTRATOR_ACCESS_ARN) && !p.policies.some((x) => namedInAdminAssessment(x.id, adminFactsOf(x.statements)));
    expect(resolvedWithoutAdminPolicy(p), p.arn).toBe(want);
    const byHand: Principal = { ...p, policySet: { key: 'hand', lists: p.policySet.lists, ...(p.policySet.boundary ? { boundary: p.policySet.boundary } : {}) } };
    expect(resolvedWithoutAdminPolicy(byHand)).toBe(false);
    if (want) expect(assessAdmin(byHand)).toEqual({ admin: false, conditional: false, via: [], nearAdminVia: [] });
  }
}

describe('resolvePrincipals against a plain reference', () => {
  it('resolves policies, unresolved items, boundaries, shared lists and shared sets as the reference does', () => {
    fc.assert(fc.property(arbDetails, check), { numRuns: 400 });
  });

  it('keeps each principal\'s tags as the snapshot lists them (an empty list without)', () => {
    const d = build([], [], [{ inline: [], managed: [] }, { inline: [], managed: [] }], []);
    d.UserDetailList[0]!.Tags = [{ Key: 'team', Value: 'a' }, { Key: 'env', Value: 'prod' }];
    const [tagged, untagged] = resolvePrincipals(d);
    expect(tagged!.tags).toEqual([{ Key: 'team', Value: 'a' }, { Key: 'env', Value: 'prod' }]);
    expect(untagged!.tags).toEqual([]);
  });

  it('does the same on an account large enough to grow every index (thousands of principals, lists and sets)', () => {
    // Deterministic: 3,000 managed policies with distinct documents, 700 distinct inline documents,
    // 2,500 users and roles with up to four attachments each.
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const docOf = (k: number) => doc([allow(`svc${k % 97}:Act${k}`, `arn:aws:s3:::bucket-${k}/*`)]);
    const arn = (k: number) => `arn:aws:iam::111122223333:policy/team-${k % 40}/policy-${k}`;
    const policies = Array.from({ length: 3000 }, (_, k) => ({ arn: arn(k), doc: docOf(k) }));
    const attached = () => Array.from({ length: rand(5) }, () => ({ PolicyArn: rand(50) === 0 ? arn(5000 + rand(3)) : arn(rand(3000)), PolicyName: rand(20) === 0 ? 'alias' : 'p' }));
    const inline = () => Array.from({ length: rand(2) }, () => ({ PolicyName: 'i', PolicyDocument: docOf(10_000 + rand(700)) }));
    const groups = Array.from({ length: 30 }, () => ({ inline: inline(), managed: attached() }));
    const users = Array.from({ length: 1500 }, () => ({ inline: rand(4) === 0 ? inline() : [], managed: attached(), groups: [`g${rand(31)}`], ...(rand(10) === 0 ? { boundary: arn(rand(3000)) } : {}) }));
    const roles = Array.from({ length: 1000 }, () => ({ inline: inline(), managed: attached(), ...(rand(10) === 0 ? { boundary: arn(rand(3000)) } : {}) }));
    check(build(policies, groups, users, roles));
  });

  it('does the same with more statement lists than managed policies and principals (the per-list arrays grow)', () => {
    // Resolution sizes its per-list arrays for one list per managed policy and one per principal:
    // principals and groups with many distinct inline documents, some of them admin grants, go past that.
    const docOf = (k: number) => doc([k % 7 === 0 ? allow('*') : allow(`svc${k % 13}:Act${k}`, `arn:aws:s3:::bucket-${k}/*`)]);
    const arn = (k: number) => `arn:aws:iam::111122223333:policy/p-${k}`;
    const policies = Array.from({ length: 5 }, (_, k) => ({ arn: arn(k), doc: docOf(900 + k) }));
    const inline = (from: number, n: number) => Array.from({ length: n }, (_, j) => ({ PolicyName: `i${j}`, PolicyDocument: docOf(from + j) }));
    const groups = Array.from({ length: 3 }, (_, g) => ({ inline: inline(500 + 20 * g, 15), managed: [{ PolicyArn: arn(g), PolicyName: 'p' }] }));
    // Principals without inline policies share resolutions by signature: the first ones make the
    // codes of every managed policy before the arrays grow, the last ones read them after.
    const users = Array.from({ length: 9 }, (_, u) => ({ inline: u < 5 ? [] : inline(40 * u, 30), managed: [{ PolicyArn: arn(u % 5), PolicyName: 'p' }], groups: [`g${u % 3}`] }));
    const roles = Array.from({ length: 6 }, (_, r) => ({ inline: r < 3 ? inline(400 + 40 * r, 25) : [], managed: [{ PolicyArn: arn(r % 5), PolicyName: 'p' }], boundary: arn((r + 1) % 5) }));
    check(build(policies, groups, users, roles));
  });
});
