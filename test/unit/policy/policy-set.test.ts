/**
 * The per-policy-set caches (lib/policy/principals.ts PolicySet, decideMany memo,
 * analyzeBreadth per-set results): a cache hit must give what a fresh computation gives,
 * principals share a set whatever the order their policies come in, and anything that can
 * change a result (a boundary, a different document) keeps them apart.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeBreadth } from '../../../lib/breadth/analyze';
import { loadCatalog } from '../../../lib/breadth/catalog';
import { BreadthCalculator } from '../../../lib/breadth/effective';
import { assessAdmin } from '../../../lib/policy/admin';
import { breadthCounts } from '../../../lib/breadth/metrics';
import { decide, decideMany, decideManyShared, grantingPoliciesForAny, resolvePrincipals, type Principal } from '../../../lib/policy/principals';
import type { AuthorizationDetails } from '../../../lib/snapshot';
import { allow, deny, details, doc, input, policyArn, userArn, type Stmt } from '../breadth/helpers';

const PROBES = ['s3:*', 'dynamodb:*', 's3:GetObject', 'dynamodb:Scan', 'iam:PassRole', 'ec2:RunInstances', 'kms:Decrypt'];

const POLICIES: Record<string, Stmt[]> = {
  data: [allow(['s3:*', 'dynamodb:Scan']), deny('dynamodb:Scan', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
  compute: [allow(['ec2:RunInstances', 'iam:PassRole'], 'arn:aws:iam::111122223333:role/app-*')],
  keys: [allow('kms:Decrypt', '*', { Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-3.amazonaws.com' } } })],
  limit: [allow(['s3:*', 'ec2:*'])],
  selfKeys: [allow('iam:CreateAccessKey', userArn('alice'))],
};

const byName = (ps: Principal[], name: string): Principal => ps.find((p) => p.name === name)!;

function account() {
  return details({
    users: [
      { name: 'alice', managed: ['data', 'compute', 'selfKeys'] },
      // Same policies, other order, one of them twice and one through a group.
      { name: 'bob', managed: ['compute', 'selfKeys', 'data', 'compute'] },
      { name: 'carol', managed: ['selfKeys', 'compute'], groups: ['analysts'] },
      // Same policies plus a boundary: must not share.
      { name: 'dave', managed: ['data', 'compute', 'selfKeys'], boundary: 'limit' },
    ],
    groups: [{ name: 'analysts', managed: ['data'] }],
    roles: [
      // Identical inline documents (as stacks stamped from one template produce) share a set.
      { name: 'worker-a', inline: [POLICIES.data!, POLICIES.keys!] },
      { name: 'worker-b', inline: [POLICIES.keys!, POLICIES.data!] },
      // Same text but one statement differs: its own set.
      { name: 'worker-c', inline: [POLICIES.data!, [allow('kms:Decrypt')]] },
    ],
    policies: POLICIES,
  });
}

describe('PolicySet', () => {
  const ps = resolvePrincipals(account());

  it('is shared by principals with the same policies in any order, duplicates and group inheritance included', () => {
    expect(byName(ps, 'bob').policySet).toBe(byName(ps, 'alice').policySet);
    expect(byName(ps, 'carol').policySet).toBe(byName(ps, 'alice').policySet);
    expect(byName(ps, 'alice').policySet.lists).toHaveLength(3);
  });

  it('is shared by roles whose inline documents are identical', () => {
    expect(byName(ps, 'worker-b').policySet).toBe(byName(ps, 'worker-a').policySet);
    expect(byName(ps, 'worker-c').policySet).not.toBe(byName(ps, 'worker-a').policySet);
  });

  it('differs when the boundary differs', () => {
    expect(byName(ps, 'dave').policySet).not.toBe(byName(ps, 'alice').policySet);
    expect(byName(ps, 'dave').policySet.key).not.toBe(byName(ps, 'alice').policySet.key);
  });
});

describe('resolution shared by attachment signature', () => {
  // Principals without inline policies share one resolution per (managed ARN and name in order,
  // groups in order, boundary): anything else that differs must keep them apart. Names and ARNs
  // are drawn from tiny pools so that principals collide often: the same ARN under two names, an
  // ARN the snapshot lacks (as a policy or a boundary), a group the snapshot lacks, the same
  // policy as a boundary and as an attachment.
  const NAMES = ['data', 'compute', 'keys', 'gone'];
  const GROUPS = ['analysts', 'ops', 'ghost'];
  const arbAttached = fc.array(fc.record({ arn: fc.constantFrom(...NAMES), name: fc.constantFrom('data', 'compute', 'alias') }), { maxLength: 3 });
  const arbPrincipal = fc.record({
    managed: arbAttached,
    groups: fc.subarray(GROUPS, { maxLength: 2 }).chain((g) => fc.shuffledSubarray(g, { minLength: g.length, maxLength: g.length })),
    boundary: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  });
  const build = (principals: { managed: { arn: string; name: string }[]; groups: string[]; boundary: string | undefined }[]): AuthorizationDetails => ({
    UserDetailList: principals.map((p, i) => ({
      UserName: `u${i}`,
      Arn: userArn(`u${i}`),
      GroupList: p.groups,
      UserPolicyList: [],
      AttachedManagedPolicies: p.managed.map((m) => ({ PolicyName: m.name, PolicyArn: policyArn(m.arn) })),
      ...(p.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: policyArn(p.boundary) } } : {}),
    })),
    RoleDetailList: [],
    GroupDetailList: [
      { GroupName: 'analysts', Arn: 'arn:aws:iam::111122223333:group/analysts', GroupPolicyList: [], AttachedManagedPolicies: [{ PolicyName: 'data', PolicyArn: policyArn('data') }] },
      { GroupName: 'ops', Arn: 'arn:aws:iam::111122223333:group/ops', GroupPolicyList: [{ PolicyName: 'ops-inline', PolicyDocument: doc([allow('ec2:*')]) }], AttachedManagedPolicies: [{ PolicyName: 'gone', PolicyArn: policyArn('gone') }] },
    ],
    Policies: ['data', 'compute', 'keys'].map((n) => ({ PolicyName: n, Arn: policyArn(n), DefaultVersionId: 'v1', Document: doc([POLICIES[n]![0]!]) })),
  });
  // Clause-array ids are local to a resolution (see ClauseTable): contents only.
  const contents = (k: string, v: unknown) => (k === 'actionsId' || k === 'resourcesId' ? undefined : v);
  const view = (p: Principal) => ({
    policies: p.policies.map((x) => [x.origin, x.name, x.id, x.via ?? '', JSON.stringify(x.statements, contents)]),
    unresolved: p.unresolvedPolicies,
    boundary: JSON.stringify(p.boundary ?? null, contents),
  });

  it('gives every principal what resolving it alone gives', () => {
    fc.assert(
      fc.property(fc.array(arbPrincipal, { minLength: 2, maxLength: 12 }), (principals) => {
        const together = resolvePrincipals(build(principals));
        principals.forEach((p, i) => expect(view(together[i]!)).toEqual(view(resolvePrincipals(build([p]))[0]!)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('admin shortcut at resolution', () => {
  it('names AdministratorAccess by its ARN even when its collected document grants less (direct, through a group, or inline lookalike)', () => {
    const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const d: AuthorizationDetails = {
      UserDetailList: [
        { UserName: 'direct', Arn: userArn('direct'), GroupList: [], UserPolicyList: [], AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN }] },
        { UserName: 'grouped', Arn: userArn('grouped'), GroupList: ['admins'], UserPolicyList: [], AttachedManagedPolicies: [] },
        { UserName: 'inline', Arn: userArn('inline'), GroupList: [], UserPolicyList: [{ PolicyName: 'AdministratorAccess', PolicyDocument: doc([allow('s3:GetObject')]) }], AttachedManagedPolicies: [] },
      ],
      RoleDetailList: [],
      GroupDetailList: [{ GroupName: 'admins', Arn: 'arn:aws:iam::111122223333:group/admins', GroupPolicyList: [], AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN }] }],
      Policies: [{ PolicyName: 'AdministratorAccess', Arn: ADMIN, DefaultVersionId: 'v1', Document: doc([allow('s3:GetObject')]) }],
    };
    const [direct, grouped, inline] = resolvePrincipals(d);
    expect(assessAdmin(direct!).via).toEqual(['AdministratorAccess']);
    expect(assessAdmin(grouped!).via).toEqual(['AdministratorAccess (via group admins)']);
    expect(assessAdmin(inline!).via).toEqual([]);
  });
});

describe('admin memo (assessAdmin)', () => {
  it('a principal sharing the policies array but not the unresolved list is assessed on its own, before and after a memo hit', () => {
    const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const d: AuthorizationDetails = {
      UserDetailList: [{ UserName: 'u', Arn: userArn('u'), GroupList: [], UserPolicyList: [{ PolicyName: 'near', PolicyDocument: doc([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]) }], AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN }] }],
      RoleDetailList: [],
      GroupDetailList: [],
      Policies: [],
    };
    const [u] = resolvePrincipals(d);
    expect(u!.unresolvedPolicies).toEqual([ADMIN]);
    const collected: Principal = { ...u!, unresolvedPolicies: [] };
    for (let round = 0; round < 2; round++) {
      expect(assessAdmin(u!).admin).toBe(true);
      expect(assessAdmin(u!).via).toEqual(['AdministratorAccess (document not collected)']);
      expect(assessAdmin(collected).admin).toBe(false);
      expect(assessAdmin(collected).nearAdminVia).toEqual(['near']);
    }
  });
});

describe('decideMany per policy set', () => {
  it('a cache hit gives the decisions a fresh computation gives', () => {
    const ps = resolvePrincipals(account());
    // Fill the cache through alice, then read it through bob and carol.
    const first = decideMany(byName(ps, 'alice'), PROBES);
    for (const name of ['bob', 'carol']) {
      const p = byName(ps, name);
      expect(decideMany(p, PROBES)).toEqual(first);
      // decide() walks the principal's own policy list (no per-set memo).
      expect(decideMany(p, PROBES)).toEqual(PROBES.map((a) => decide(p, a)));
    }
    // A separate resolution (fresh sets, empty caches) agrees too.
    const fresh = resolvePrincipals(account());
    expect(decideMany(byName(fresh, 'carol'), PROBES)).toEqual(first);
    expect(first).toEqual(['allowed', 'not-allowed', 'allowed', 'conditional', 'not-allowed', 'not-allowed', 'not-allowed']);
  });

  it('keeps principals with a different boundary apart', () => {
    const ps = resolvePrincipals(account());
    const alice = decideMany(byName(ps, 'alice'), PROBES);
    const dave = decideMany(byName(ps, 'dave'), PROBES);
    expect(dave).toEqual(PROBES.map((a) => decide(byName(ps, 'dave'), a)));
    // The boundary allows s3 and ec2 only: dynamodb:Scan is no longer reachable.
    expect(alice[PROBES.indexOf('dynamodb:Scan')]).toBe('conditional');
    expect(dave[PROBES.indexOf('dynamodb:Scan')]).toBe('not-allowed');
  });

  it("answers a resolved set's questions from its resolution's rows as a hand-built set's from its own memos", () => {
    const ps = resolvePrincipals(account());
    // The same principals with plain policy-set objects: the per-list WeakMap memos answer for them.
    const plain = resolvePrincipals(account()).map((p) => ({ ...p, policySet: { key: p.policySet.key, lists: p.policySet.lists, ...(p.policySet.boundary ? { boundary: p.policySet.boundary } : {}) } }));
    const probeSets = [PROBES, ['iam:CreateAccessKey'], ['ec2:RunInstances', 'iam:PassRole']];
    for (const [i, p] of ps.entries()) {
      const q = plain[i]!;
      for (const probes of probeSets) {
        for (const resource of ['*', 'arn:aws:s3:::b/k', 'arn:aws:iam::111122223333:role/app-x', userArn('alice')]) {
          expect([...decideManyShared(p, probes, resource)]).toEqual([...decideManyShared(q, probes, resource)]);
          expect(grantingPoliciesForAny(p, probes, resource)).toEqual(grantingPoliciesForAny(q, probes, resource));
        }
      }
    }
  });

  it('hands each caller its own array', () => {
    const ps = resolvePrincipals(account());
    const a = decideMany(byName(ps, 'alice'), PROBES);
    a[0] = 'denied';
    expect(decideMany(byName(ps, 'bob'), PROBES)[0]).toBe('allowed');
  });
});

describe('analyzeBreadth per policy set', () => {
  const catalog = loadCatalog();

  it('gives every principal of a shared set the counts a fresh computation gives', () => {
    const d = account();
    const analysis = analyzeBreadth(input(d), catalog);
    const fresh = new BreadthCalculator(catalog);
    for (const p of resolvePrincipals(d)) {
      const counts = breadthCounts(catalog, fresh.compute(p));
      expect(analysis.principals.find((x) => x.name === p.name)).toMatchObject(counts);
    }
    const alice = analysis.principals.find((x) => x.name === 'alice')!;
    const bob = analysis.principals.find((x) => x.name === 'bob')!;
    expect(bob.total).toBe(alice.total);
    // Shared counts are one frozen object per set: no caller can change another principal's numbers.
    expect(bob.byLevel).toBe(alice.byLevel);
    expect(Object.isFrozen(alice.byLevel)).toBe(true);
    expect(Object.isFrozen(alice.dataReadOnAll)).toBe(true);
    expect(() => (alice.dataReadOnAll as string[]).push('s3:GetObject')).toThrow(TypeError);
    expect(() => ((alice.byLevel as Record<string, number>).Read = 0)).toThrow(TypeError);
    expect(bob.total).toBe(alice.total);
  });

  it('keeps the per-principal part of escalation paths per principal', () => {
    const analysis = analyzeBreadth(input(account()), catalog);
    const paths = (name: string) => analysis.principals.find((x) => x.name === name)!.escalations.map((e) => e.path);
    // Same policy set; the access-key grant names alice herself, so only for bob it reaches another user.
    expect(paths('alice')).not.toContain('create-access-key');
    expect(paths('bob')).toContain('create-access-key');
    expect(paths('carol')).toContain('create-access-key');
    expect(analysis.principals.find((x) => x.name === 'carol')!.escalations.find((e) => e.path === 'passrole-ec2')!.grants[0]!.policies).toEqual(['compute']);
  });

  it('does not share across a different boundary', () => {
    const analysis = analyzeBreadth(input(account()), catalog);
    const total = (name: string) => analysis.principals.find((x) => x.name === name)!.total;
    expect(total('dave')).toBeLessThan(total('alice'));
  });
});
