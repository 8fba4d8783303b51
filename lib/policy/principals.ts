/**
 * Resolves IAM principals (users and roles) with every identity policy that applies to
 * them, from one GetAccountAuthorizationDetails result: a user gets its inline and
 * managed policies plus those of each group it belongs to; a role its inline and
 * managed policies. Permission boundaries are kept apart (they only restrict).
 */
import type { AuthorizationDetails, PolicyDocument } from '../snapshot';
import {
  statementsOf,
  statementCoversAction,
  statementCoversResource,
  type NormalizedStatement,
} from './document';

export type PolicyOrigin = 'inline' | 'managed' | 'group-inline' | 'group-managed';

export interface AppliedPolicy {
  origin: PolicyOrigin;
  name: string;
  /** Managed policy ARN, or for inline policies `<principal arn>#<policy name>`. */
  id: string;
  /** Group the policy comes from, for group-* origins. */
  via?: string;
  statements: NormalizedStatement[];
}

export interface Principal {
  type: 'user' | 'role';
  name: string;
  arn: string;
  policies: AppliedPolicy[];
  /** Statements of the permissions boundary, when one is set and resolvable. */
  boundary?: NormalizedStatement[];
  /** Managed policies attached but absent from the snapshot (cannot be judged). */
  unresolvedPolicies: string[];
  /** Role last used / user creation facts are left to the rules that need them. */
  tags: Record<string, string>;
}

export type Decision = 'allowed' | 'conditional' | 'denied' | 'not-allowed';

interface Indexes {
  managed: Map<string, NormalizedStatement[]>;
  groups: Map<string, AuthorizationDetails['GroupDetailList'][number]>;
}

function buildIndexes(details: AuthorizationDetails): Indexes {
  const managed = new Map<string, NormalizedStatement[]>();
  for (const p of details.Policies) managed.set(p.Arn, statementsOf(p.Document));
  const groups = new Map(details.GroupDetailList.map((g) => [g.GroupName, g]));
  return { managed, groups };
}

function inline(origin: PolicyOrigin, ownerArn: string, name: string, doc: PolicyDocument, via?: string): AppliedPolicy {
  return { origin, name, id: `${ownerArn}#${name}`, ...(via ? { via } : {}), statements: statementsOf(doc) };
}

function attachManaged(
  idx: Indexes,
  origin: 'managed' | 'group-managed',
  attached: { PolicyName: string; PolicyArn: string }[],
  out: AppliedPolicy[],
  unresolved: string[],
  via?: string,
): void {
  for (const a of attached) {
    const statements = idx.managed.get(a.PolicyArn);
    if (statements) out.push({ origin, name: a.PolicyName, id: a.PolicyArn, ...(via ? { via } : {}), statements });
    else unresolved.push(a.PolicyArn);
  }
}

const tagMap = (tags: { Key: string; Value: string }[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

/** All users and roles of the account, with the policies that apply to each. */
export function resolvePrincipals(details: AuthorizationDetails): Principal[] {
  const idx = buildIndexes(details);
  const principals: Principal[] = [];
  for (const u of details.UserDetailList) {
    const policies: AppliedPolicy[] = [];
    const unresolved: string[] = [];
    for (const p of u.UserPolicyList) policies.push(inline('inline', u.Arn, p.PolicyName, p.PolicyDocument));
    attachManaged(idx, 'managed', u.AttachedManagedPolicies, policies, unresolved);
    for (const groupName of u.GroupList) {
      const g = idx.groups.get(groupName);
      if (!g) continue;
      for (const p of g.GroupPolicyList) policies.push(inline('group-inline', g.Arn, p.PolicyName, p.PolicyDocument, groupName));
      attachManaged(idx, 'group-managed', g.AttachedManagedPolicies, policies, unresolved, groupName);
    }
    principals.push({
      type: 'user',
      name: u.UserName,
      arn: u.Arn,
      policies,
      ...boundaryOf(idx, u.PermissionsBoundary?.PermissionsBoundaryArn, unresolved),
      unresolvedPolicies: unresolved,
      tags: tagMap(u.Tags),
    });
  }
  for (const r of details.RoleDetailList) {
    const policies: AppliedPolicy[] = [];
    const unresolved: string[] = [];
    for (const p of r.RolePolicyList) policies.push(inline('inline', r.Arn, p.PolicyName, p.PolicyDocument));
    attachManaged(idx, 'managed', r.AttachedManagedPolicies, policies, unresolved);
    principals.push({
      type: 'role',
      name: r.RoleName,
      arn: r.Arn,
      policies,
      ...boundaryOf(idx, r.PermissionsBoundary?.PermissionsBoundaryArn, unresolved),
      unresolvedPolicies: unresolved,
      tags: tagMap(r.Tags),
    });
  }
  return principals;
}

function boundaryOf(idx: Indexes, arn: string | undefined, unresolved: string[]): { boundary?: NormalizedStatement[] } {
  if (!arn) return {};
  const statements = idx.managed.get(arn);
  if (!statements) {
    unresolved.push(arn);
    return {};
  }
  return { boundary: statements };
}

function decideStatements(statements: Iterable<NormalizedStatement>, action: string, resource: string): Decision {
  let allow = false;
  let conditionalAllow = false;
  let conditionalDeny = false;
  for (const s of statements) {
    if (!statementCoversAction(s, action) || !statementCoversResource(s, resource)) continue;
    if (s.effect === 'Deny') {
      if (!s.conditional) return 'denied';
      conditionalDeny = true;
    } else if (s.conditional) conditionalAllow = true;
    else allow = true;
  }
  if (allow) return conditionalDeny ? 'conditional' : 'allowed';
  if (conditionalAllow) return 'conditional';
  return 'not-allowed';
}

function* allStatements(p: Principal): Iterable<NormalizedStatement> {
  for (const policy of p.policies) yield* policy.statements;
}

const RANK: Record<Decision, number> = { denied: 0, 'not-allowed': 1, conditional: 2, allowed: 3 };

/**
 * Static decision for one action on one resource (`*` = every resource) from the
 * principal's identity policies, intersected with its permissions boundary.
 * SCPs, resource policies and session policies are out of scope.
 */
export function decide(p: Principal, action: string, resource = '*'): Decision {
  const identity = decideStatements(allStatements(p), action, resource);
  if (!p.boundary || identity === 'denied' || identity === 'not-allowed') return identity;
  const bounded = decideStatements(p.boundary, action, resource);
  if (bounded === 'denied') return 'denied';
  if (bounded === 'not-allowed') return 'not-allowed';
  return RANK[bounded] < RANK[identity] ? bounded : identity;
}

/** Policies of the principal whose Allow statements cover `action` on `resource`. */
export function grantingPolicies(p: Principal, action: string, resource = '*'): string[] {
  return p.policies
    .filter((pol) =>
      pol.statements.some((s) => s.effect === 'Allow' && statementCoversAction(s, action) && statementCoversResource(s, resource)),
    )
    .map((pol) => (pol.via ? `${pol.name} (via group ${pol.via})` : pol.name));
}
