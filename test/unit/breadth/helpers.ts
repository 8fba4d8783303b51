/** Builders for GetAccountAuthorizationDetails-shaped inputs in breadth tests. */
import type { AuthorizationDetails, PolicyStatement } from '../../../lib/snapshot';

export const ACCOUNT = '111122223333';

export type Stmt = PolicyStatement;

export const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<Stmt> = {}): Stmt => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
export const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<Stmt> = {}): Stmt => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...extra,
});
export const doc = (statements: Stmt[]) => ({ Version: '2012-10-17', Statement: statements });

export interface RoleSpec {
  name: string;
  inline?: Stmt[][];
  managed?: string[];
  boundary?: string;
  lastUsed?: string;
  path?: string;
}
export interface UserSpec {
  name: string;
  inline?: Stmt[][];
  managed?: string[];
  groups?: string[];
  boundary?: string;
}
export interface GroupSpec {
  name: string;
  inline?: Stmt[][];
  managed?: string[];
}

export const roleArn = (name: string, path = '/'): string => `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
export const userArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`;
export const policyArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

export function details(spec: {
  roles?: RoleSpec[];
  users?: UserSpec[];
  groups?: GroupSpec[];
  policies?: Record<string, Stmt[]>;
}): AuthorizationDetails {
  const inline = (list: Stmt[][] | undefined) => (list ?? []).map((s, i) => ({ PolicyName: `inline-${i}`, PolicyDocument: doc(s) }));
  const attached = (list: string[] | undefined) => (list ?? []).map((n) => ({ PolicyName: n, PolicyArn: policyArn(n) }));
  const boundary = (name: string | undefined) =>
    name ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: policyArn(name) } } : {};
  return {
    RoleDetailList: (spec.roles ?? []).map((r) => ({
      RoleName: r.name,
      Arn: roleArn(r.name, r.path),
      Path: r.path ?? '/',
      RolePolicyList: inline(r.inline),
      AttachedManagedPolicies: attached(r.managed),
      ...boundary(r.boundary),
      ...(r.lastUsed ? { RoleLastUsed: { LastUsedDate: r.lastUsed } } : {}),
    })),
    UserDetailList: (spec.users ?? []).map((u) => ({
      UserName: u.name,
      Arn: userArn(u.name),
      GroupList: u.groups ?? [],
      UserPolicyList: inline(u.inline),
      AttachedManagedPolicies: attached(u.managed),
      ...boundary(u.boundary),
    })),
    GroupDetailList: (spec.groups ?? []).map((g) => ({
      GroupName: g.name,
      Arn: `arn:aws:iam::${ACCOUNT}:group/${g.name}`,
      GroupPolicyList: inline(g.inline),
      AttachedManagedPolicies: attached(g.managed),
    })),
    Policies: Object.entries(spec.policies ?? {}).map(([name, statements]) => ({
      PolicyName: name,
      Arn: policyArn(name),
      DefaultVersionId: 'v1',
      Document: doc(statements),
    })),
  };
}

export const input = (d: AuthorizationDetails, collectedAt = '2026-01-31T00:00:00Z') => ({ authorizationDetails: d, collectedAt });
