/**
 * Tiny builders for hand-made snapshots: each test states only the facts it judges, and
 * every snapshot goes through the real zod schema (so tests never feed a shape the
 * collectors could not produce).
 */
import {
  credentialReportRow,
  parseSnapshot,
  type AccountSnapshot,
  type AccountSnapshotInput,
  type CredentialReportRow,
  type PolicyDocument,
  type Trail,
} from '../../../lib/snapshot';

export const ACCOUNT = '111122223333';
export const NOW = '2026-02-01T12:00:00Z';

export function snapshot(sections: Partial<AccountSnapshotInput> = {}): AccountSnapshot {
  return parseSnapshot({
    schemaVersion: 1,
    account: { id: ACCOUNT },
    collectedAt: NOW,
    source: { kind: 'scenario', name: 'unit-test', toolVersion: '0.0.0' },
    ...sections,
  });
}

/** ISO date `days` before NOW. */
export const daysAgo = (days: number): string => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

/** A credential-report row for an IAM user with nothing enabled; override what the test needs. */
export function row(user: string, overrides: Partial<CredentialReportRow> = {}): CredentialReportRow {
  return credentialReportRow({
    user,
    arn: user === '<root_account>' ? `arn:aws:iam::${ACCOUNT}:root` : `arn:aws:iam::${ACCOUNT}:user/${user}`,
    user_creation_time: daysAgo(400),
    ...overrides,
  });
}

export const report = (...rows: CredentialReportRow[]) => ({ GeneratedTime: NOW, rows });

export const allow = (action: string | string[], resource: string | string[] = '*', extra: Record<string, unknown> = {}): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...extra }],
});

export const doc = (...Statement: PolicyDocument['Statement'][]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: Statement.flat(),
});

export function user(name: string, opts: { inline?: PolicyDocument[]; managed?: string[]; groups?: string[]; boundary?: string } = {}) {
  return {
    UserName: name,
    Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    GroupList: opts.groups ?? [],
    AttachedManagedPolicies: (opts.managed ?? []).map((arn) => ({ PolicyName: arn.split('/').pop()!, PolicyArn: arn })),
    UserPolicyList: (opts.inline ?? []).map((d, i) => ({ PolicyName: `${name}-inline-${i}`, PolicyDocument: d })),
    ...(opts.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: opts.boundary } } : {}),
  };
}

export function role(name: string, opts: { inline?: PolicyDocument[]; managed?: string[]; boundary?: string } = {}) {
  return {
    RoleName: name,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    AttachedManagedPolicies: (opts.managed ?? []).map((arn) => ({ PolicyName: arn.split('/').pop()!, PolicyArn: arn })),
    RolePolicyList: (opts.inline ?? []).map((d, i) => ({ PolicyName: `${name}-inline-${i}`, PolicyDocument: d })),
    ...(opts.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: opts.boundary } } : {}),
  };
}

export function group(name: string, opts: { inline?: PolicyDocument[]; managed?: string[] } = {}) {
  return {
    GroupName: name,
    Arn: `arn:aws:iam::${ACCOUNT}:group/${name}`,
    AttachedManagedPolicies: (opts.managed ?? []).map((arn) => ({ PolicyName: arn.split('/').pop()!, PolicyArn: arn })),
    GroupPolicyList: (opts.inline ?? []).map((d, i) => ({ PolicyName: `${name}-inline-${i}`, PolicyDocument: d })),
  };
}

export const managed = (arn: string, document: PolicyDocument) => ({ PolicyName: arn.split('/').pop()!, Arn: arn, Document: document });

export const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
export const adminPolicy = () => managed(ADMIN_ARN, allow('*'));

export function authz(parts: {
  users?: ReturnType<typeof user>[];
  roles?: ReturnType<typeof role>[];
  groups?: ReturnType<typeof group>[];
  policies?: ReturnType<typeof managed>[];
}) {
  return {
    UserDetailList: parts.users ?? [],
    RoleDetailList: parts.roles ?? [],
    GroupDetailList: parts.groups ?? [],
    Policies: parts.policies ?? [],
  };
}

/** A multi-region trail logging all management events, fully protected; override to break it. */
export function trail(name: string, overrides: Partial<Trail> & Record<string, unknown> = {}): Trail {
  return {
    Name: name,
    TrailARN: `arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/${name}`,
    HomeRegion: 'eu-west-3',
    S3BucketName: `${name}-logs`,
    IsMultiRegionTrail: true,
    LogFileValidationEnabled: true,
    KmsKeyId: `arn:aws:kms:eu-west-3:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    Status: { IsLogging: true },
    EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }],
    ...overrides,
  } as Trail;
}

export const logGroupArn = (name: string): string => `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:${name}:*`;
