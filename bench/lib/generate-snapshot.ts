/**
 * Deterministic generator of a large, realistic `AccountSnapshot` input for benchmarks:
 * users in groups, roles with boundaries, managed and inline policies mixing scoped grants,
 * service wildcards, `s3:Get*`-style reads, conditions, NotAction/NotResource, Deny and a
 * few admins, plus a credential-report row for every user. Same options → same snapshot
 * (seeded PRNG), so timings compare across runs and machines.
 */
import type { AccountSnapshotInput, PolicyDocument, PolicyStatement } from '../../lib/snapshot';

export interface GenerateOptions {
  users?: number;
  roles?: number;
  policies?: number;
  groups?: number;
  seed?: number;
  accountId?: string;
  collectedAt?: string;
}

/** mulberry32: tiny, fast, good enough for shaping test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES: Record<string, string[]> = {
  s3: ['GetObject', 'PutObject', 'ListBucket', 'DeleteObject', 'GetBucketPolicy', 'GetObjectAcl', 'ListAllMyBuckets'],
  dynamodb: ['GetItem', 'PutItem', 'Query', 'Scan', 'UpdateItem', 'DescribeTable', 'BatchGetItem', 'DeleteItem'],
  ec2: ['DescribeInstances', 'StartInstances', 'StopInstances', 'RunInstances', 'DescribeVpcs', 'CreateTags'],
  lambda: ['InvokeFunction', 'GetFunction', 'UpdateFunctionCode', 'ListFunctions', 'CreateFunction'],
  logs: ['CreateLogStream', 'PutLogEvents', 'DescribeLogGroups', 'GetLogEvents', 'FilterLogEvents'],
  sqs: ['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'],
  sns: ['Publish', 'Subscribe', 'ListTopics'],
  kms: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey'],
  iam: ['GetRole', 'PassRole', 'ListRoles', 'GetUser', 'CreateAccessKey', 'AttachRolePolicy'],
  cloudwatch: ['PutMetricData', 'GetMetricData', 'DescribeAlarms'],
  athena: ['StartQueryExecution', 'GetQueryResults', 'GetQueryExecution'],
  'rds-data': ['ExecuteStatement', 'BatchExecuteStatement'],
  secretsmanager: ['GetSecretValue', 'DescribeSecret'],
  states: ['StartExecution', 'DescribeExecution'],
  ecr: ['GetAuthorizationToken', 'BatchGetImage', 'GetDownloadUrlForLayer'],
};
const SERVICE_NAMES = Object.keys(SERVICES);

const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

export function generateSnapshot(options: GenerateOptions = {}): AccountSnapshotInput {
  const users = options.users ?? 10_000;
  const roles = options.roles ?? 5_000;
  const policyCount = options.policies ?? 20_000;
  const groupCount = options.groups ?? 200;
  const account = options.accountId ?? '210987654321';
  const collectedAt = options.collectedAt ?? '2026-02-01T06:00:00.000Z';
  const now = Date.parse(collectedAt);
  const rand = prng(options.seed ?? 32);
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number): boolean => rand() < p;
  const isoDaysAgo = (d: number): string => new Date(now - d * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');

  const resourceFor = (service: string): string => {
    switch (service) {
      case 's3':
        return `arn:aws:s3:::bucket-${int(300)}/*`;
      case 'dynamodb':
        return `arn:aws:dynamodb:eu-west-3:${account}:table/table-${int(300)}`;
      case 'lambda':
        return `arn:aws:lambda:eu-west-3:${account}:function:fn-${int(500)}`;
      default:
        return `arn:aws:${service}:eu-west-3:${account}:*`;
    }
  };

  /** One statement of a realistic kind; `kind` drawn from the mix below. */
  const statement = (): PolicyStatement => {
    const service = pick(SERVICE_NAMES);
    const verbs = SERVICES[service]!;
    const actions = Array.from({ length: 1 + int(5) }, () => `${service}:${pick(verbs)}`);
    const r = rand();
    if (r < 0.6) return { Effect: 'Allow', Action: actions, Resource: Array.from({ length: 1 + int(3) }, () => resourceFor(service)) };
    if (r < 0.72) return { Effect: 'Allow', Action: `${service}:*`, Resource: '*' };
    if (r < 0.8) return { Effect: 'Allow', Action: [`${service}:Get*`, `${service}:List*`, `${service}:Describe*`], Resource: '*' };
    if (r < 0.87)
      return { Effect: 'Allow', Action: actions, Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-3' } } };
    if (r < 0.91) return { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: resourceFor(service) };
    if (r < 0.94) return { Effect: 'Allow', Action: actions, NotResource: resourceFor(service) };
    if (r < 0.995) return { Effect: 'Deny', Action: actions, Resource: resourceFor(service) };
    return { Effect: 'Allow', Action: '*', Resource: '*' };
  };
  const document = (): PolicyDocument => ({ Version: '2012-10-17', Statement: Array.from({ length: 1 + int(4) }, statement) });

  const policies = Array.from({ length: policyCount }, (_, i) => ({
    PolicyName: `policy-${i}`,
    PolicyId: `ANPA${String(i).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${account}:policy/team-${i % 50}/policy-${i}`,
    Path: `/team-${i % 50}/`,
    DefaultVersionId: 'v1',
    AttachmentCount: 0,
    IsAttachable: true,
    Document: document(),
  }));
  policies.push({
    PolicyName: 'AdministratorAccess',
    PolicyId: 'ANPAIWMBCKSKIEE64ZLYK',
    Arn: ADMIN_ARN,
    Path: '/',
    DefaultVersionId: 'v1',
    AttachmentCount: 0,
    IsAttachable: true,
    Document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  });
  const attach = (n: number) =>
    Array.from({ length: n }, () => {
      const p = chance(0.002) ? policies[policies.length - 1]! : policies[int(policyCount)]!;
      return { PolicyName: p.PolicyName, PolicyArn: p.Arn };
    });

  const groups = Array.from({ length: groupCount }, (_, i) => ({
    GroupName: `group-${i}`,
    GroupId: `AGPA${String(i).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${account}:group/group-${i}`,
    Path: '/',
    CreateDate: isoDaysAgo(1000),
    AttachedManagedPolicies: attach(2 + int(4)),
    GroupPolicyList: chance(0.3) ? [{ PolicyName: `group-${i}-inline`, PolicyDocument: document() }] : [],
  }));

  const userList = Array.from({ length: users }, (_, i) => ({
    UserName: `user-${i}`,
    UserId: `AIDA${String(i).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${account}:user/staff/user-${i}`,
    Path: '/staff/',
    CreateDate: isoDaysAgo(30 + int(900)),
    GroupList: Array.from({ length: int(4) }, () => `group-${int(groupCount)}`),
    AttachedManagedPolicies: attach(int(3)),
    UserPolicyList: chance(0.3) ? [{ PolicyName: `user-${i}-inline`, PolicyDocument: document() }] : [],
    ...(chance(0.05) ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: policies[int(policyCount)]!.Arn } } : {}),
    Tags: [{ Key: 'team', Value: `team-${i % 50}` }],
  }));

  const roleList = Array.from({ length: roles }, (_, i) => ({
    RoleName: `role-${i}`,
    RoleId: `AROA${String(i).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${account}:role/service/role-${i}`,
    Path: '/service/',
    CreateDate: isoDaysAgo(30 + int(900)),
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow' as const, Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    AttachedManagedPolicies: attach(1 + int(4)),
    RolePolicyList: chance(0.5) ? [{ PolicyName: `role-${i}-inline`, PolicyDocument: document() }] : [],
    ...(chance(0.1) ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: policies[int(policyCount)]!.Arn } } : {}),
    RoleLastUsed: chance(0.7) ? { LastUsedDate: isoDaysAgo(int(200)), Region: 'eu-west-3' } : {},
  }));

  const date = (maxDays: number): string => (chance(0.1) ? 'no_information' : isoDaysAgo(int(maxDays)));
  const rows = userList.map((u) => {
    const console = chance(0.6);
    const key1 = chance(0.5);
    const key2 = key1 && chance(0.1);
    return {
      user: u.UserName,
      arn: u.Arn,
      user_creation_time: u.CreateDate,
      password_enabled: console,
      password_last_used: console ? date(200) : 'N/A',
      password_last_changed: console ? isoDaysAgo(int(400)) : 'N/A',
      password_next_rotation: 'N/A',
      mfa_active: console && chance(0.8),
      access_key_1_active: key1,
      access_key_1_last_rotated: key1 ? isoDaysAgo(int(500)) : 'N/A',
      access_key_1_last_used_date: key1 ? (chance(0.15) ? 'N/A' : isoDaysAgo(int(200))) : 'N/A',
      access_key_2_active: key2,
      access_key_2_last_rotated: key2 ? isoDaysAgo(int(500)) : 'N/A',
      access_key_2_last_used_date: key2 ? isoDaysAgo(int(200)) : 'N/A',
      cert_1_active: false,
      cert_2_active: false,
    };
  });
  rows.unshift({
    user: '<root_account>',
    arn: `arn:aws:iam::${account}:root`,
    user_creation_time: isoDaysAgo(2000),
    password_enabled: 'not_supported' as unknown as boolean,
    password_last_used: isoDaysAgo(300),
    password_last_changed: 'not_supported',
    password_next_rotation: 'not_supported',
    mfa_active: true,
    access_key_1_active: false,
    access_key_1_last_rotated: 'N/A',
    access_key_1_last_used_date: 'N/A',
    access_key_2_active: false,
    access_key_2_last_rotated: 'N/A',
    access_key_2_last_used_date: 'N/A',
    cert_1_active: false,
    cert_2_active: false,
  });

  const trailArn = `arn:aws:cloudtrail:eu-west-3:${account}:trail/org-trail`;
  const logGroupArn = `arn:aws:logs:eu-west-3:${account}:log-group:CloudTrail/org-trail:*`;
  return {
    schemaVersion: 1,
    account: { id: account, alias: 'bench' },
    collectedAt,
    source: { kind: 'scenario', name: 'bench-generated', toolVersion: 'bench' },
    passwordPolicy: {
      MinimumPasswordLength: 12,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      ExpirePasswords: false,
    },
    credentialReport: { GeneratedTime: collectedAt, rows },
    accountSummary: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, Users: users, Roles: roles, Policies: policyCount, Groups: groupCount },
    virtualMfaDevices: userList
      .filter(() => chance(0.3))
      .map((u) => ({ SerialNumber: `arn:aws:iam::${account}:mfa/${u.UserName}`, User: { Arn: u.Arn, UserName: u.UserName } })),
    authorizationDetails: { UserDetailList: userList, GroupDetailList: groups, RoleDetailList: roleList, Policies: policies },
    trails: [
      {
        Name: 'org-trail',
        TrailARN: trailArn,
        HomeRegion: 'eu-west-3',
        S3BucketName: 'org-trail-logs',
        IsMultiRegionTrail: true,
        LogFileValidationEnabled: true,
        KmsKeyId: `arn:aws:kms:eu-west-3:${account}:key/0000aaaa-11bb-22cc-33dd-444455556666`,
        CloudWatchLogsLogGroupArn: logGroupArn,
        Status: { IsLogging: true },
        EventSelectors: [
          { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] },
        ],
      },
    ],
    logGroups: [
      {
        logGroupName: 'CloudTrail/org-trail',
        arn: logGroupArn,
        retentionInDays: 365,
        metricFilters: [
          {
            filterName: 'unauthorized-calls',
            filterPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
            metricTransformations: [{ metricName: 'UnauthorizedCalls', metricNamespace: 'CloudTrailMetrics' }],
          },
        ],
      },
    ],
    metricAlarms: [
      { AlarmName: 'unauthorized-calls', MetricName: 'UnauthorizedCalls', Namespace: 'CloudTrailMetrics', AlarmActions: [`arn:aws:sns:eu-west-3:${account}:security`] },
    ],
    personalDataStores: Array.from({ length: 50 }, (_, i) => ({
      ResourceARN: i % 2 ? `arn:aws:s3:::bucket-${i}` : `arn:aws:dynamodb:eu-west-3:${account}:table/table-${i}`,
      Tags: [{ Key: 'data-classification', Value: 'personal' }],
    })),
    collectionErrors: [],
  };
}
