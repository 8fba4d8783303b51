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

// Decision flags of one statement list for one (action, resource), OR-ed across policies.
const ALLOW = 1;
const CONDITIONAL_ALLOW = 2;
const DENY = 4;
const CONDITIONAL_DENY = 8;

/**
 * Per statement-list memo of decision flags. Managed policies are resolved once per
 * snapshot and their statement arrays are shared by every principal they are attached
 * to, so 15,000 principals asking about the same action reuse one computation per policy.
 */
const flagMemo = new WeakMap<readonly NormalizedStatement[], Map<string, number>>();

const memoKey = (action: string, resource: string): string => `${action.toLowerCase()}\u0000${resource}`;

function flagsOf(statements: readonly NormalizedStatement[], action: string, resource: string, key = memoKey(action, resource)): number {
  let memo = flagMemo.get(statements);
  if (!memo) {
    memo = new Map();
    flagMemo.set(statements, memo);
  }
  const cached = memo.get(key);
  if (cached !== undefined) return cached;
  let flags = 0;
  for (const s of statements) {
    if (!statementCoversAction(s, action) || !statementCoversResource(s, resource)) continue;
    if (s.effect === 'Deny') flags |= s.conditional ? CONDITIONAL_DENY : DENY;
    else flags |= s.conditional ? CONDITIONAL_ALLOW : ALLOW;
  }
  memo.set(key, flags);
  return flags;
}

function fromFlags(flags: number): Decision {
  if (flags & DENY) return 'denied';
  if (flags & ALLOW) return flags & CONDITIONAL_DENY ? 'conditional' : 'allowed';
  if (flags & CONDITIONAL_ALLOW) return 'conditional';
  return 'not-allowed';
}

function decideStatements(statements: readonly NormalizedStatement[], action: string, resource: string): Decision {
  return fromFlags(flagsOf(statements, action, resource));
}

const RANK: Record<Decision, number> = { denied: 0, 'not-allowed': 1, conditional: 2, allowed: 3 };

/**
 * Static decision for one action on one resource (`*` = every resource) from the
 * principal's identity policies, intersected with its permissions boundary.
 * SCPs, resource policies and session policies are out of scope.
 */
export function decide(p: Principal, action: string, resource = '*'): Decision {
  let flags = 0;
  const key = memoKey(action, resource);
  for (const policy of p.policies) flags |= flagsOf(policy.statements, action, resource, key);
  const identity = fromFlags(flags);
  if (!p.boundary || identity === 'denied' || identity === 'not-allowed') return identity;
  const bounded = decideStatements(p.boundary, action, resource);
  if (bounded === 'denied') return 'denied';
  if (bounded === 'not-allowed') return 'not-allowed';
  return RANK[bounded] < RANK[identity] ? bounded : identity;
}

/**
 * Flags of one statement list for a whole list of actions at once, memoised per list of
 * actions: rules that probe the same dozen actions on 15,000 principals pay one memo
 * lookup per policy instead of one per policy and action.
 */
const manyMemo = new WeakMap<readonly NormalizedStatement[], Map<string, Uint8Array>>();

function flagsOfMany(statements: readonly NormalizedStatement[], actions: readonly string[], resource: string, key: string): Uint8Array {
  let memo = manyMemo.get(statements);
  if (!memo) {
    memo = new Map();
    manyMemo.set(statements, memo);
  }
  let flags = memo.get(key);
  if (!flags) {
    flags = new Uint8Array(actions.length);
    for (const st of statements) {
      if (!statementCoversResource(st, resource)) continue;
      const bit = st.effect === 'Deny' ? (st.conditional ? CONDITIONAL_DENY : DENY) : st.conditional ? CONDITIONAL_ALLOW : ALLOW;
      for (let i = 0; i < actions.length; i += 1) if (statementCoversAction(st, actions[i]!)) flags[i]! |= bit;
    }
    memo.set(key, flags);
  }
  return flags;
}

/** Memo keys per action list (callers reuse one list for thousands of principals). */
const actionListKeys = new WeakMap<readonly string[], string>();

function manyKey(actions: readonly string[], resource: string): string {
  let k = actionListKeys.get(actions);
  if (k === undefined) {
    k = actions.join(',').toLowerCase();
    actionListKeys.set(actions, k);
  }
  return resource === '*' ? k : `${k}\u0000${resource}`;
}

/**
 * Policies of the principal whose Allow statements cover at least one of `actions` on
 * `resource` (only the actions whose index is true in `mask`, when given).
 */
export function grantingPoliciesForAny(p: Principal, actions: readonly string[], resource = '*', mask?: readonly boolean[]): string[] {
  const key = manyKey(actions, resource);
  return p.policies
    .filter((pol) =>
      flagsOfMany(pol.statements, actions, resource, key).some((f, i) => (mask === undefined || mask[i] === true) && (f & (ALLOW | CONDITIONAL_ALLOW)) !== 0),
    )
    .map((pol) => (pol.via ? `${pol.name} (via group ${pol.via})` : pol.name));
}

/** `decide` for several actions on one resource; same semantics, one pass over the policies. */
export function decideMany(p: Principal, actions: readonly string[], resource = '*'): Decision[] {
  const key = manyKey(actions, resource);
  const acc = new Uint8Array(actions.length);
  for (const policy of p.policies) {
    const f = flagsOfMany(policy.statements, actions, resource, key);
    for (let i = 0; i < acc.length; i += 1) acc[i]! |= f[i]!;
  }
  const bounded = p.boundary ? flagsOfMany(p.boundary, actions, resource, key) : undefined;
  const out: Decision[] = new Array<Decision>(actions.length);
  for (let i = 0; i < actions.length; i += 1) {
    const identity = fromFlags(acc[i]!);
    if (!bounded || identity === 'denied' || identity === 'not-allowed') {
      out[i] = identity;
      continue;
    }
    const b = fromFlags(bounded[i]!);
    out[i] = b === 'denied' || b === 'not-allowed' ? b : RANK[b] < RANK[identity] ? b : identity;
  }
  return out;
}

const principalMemo = new WeakMap<AuthorizationDetails, Principal[]>();

/**
 * `resolvePrincipals`, computed once per authorization-details object: several rules of
 * one evaluation (admin, data access, breadth, escalation) share the same resolution.
 * Callers must not mutate the returned principals.
 */
export function principalsOf(details: AuthorizationDetails): Principal[] {
  let principals = principalMemo.get(details);
  if (!principals) {
    principals = resolvePrincipals(details);
    principalMemo.set(details, principals);
  }
  return principals;
}

/** Policies of the principal whose Allow statements cover `action` on `resource`. */
export function grantingPolicies(p: Principal, action: string, resource = '*'): string[] {
  const key = memoKey(action, resource);
  return p.policies
    .filter((pol) => (flagsOf(pol.statements, action, resource, key) & (ALLOW | CONDITIONAL_ALLOW)) !== 0)
    .map((pol) => (pol.via ? `${pol.name} (via group ${pol.via})` : pol.name));
}
