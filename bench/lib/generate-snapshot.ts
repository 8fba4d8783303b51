/**
 * Deterministic generator of a large `AccountSnapshot` input for benchmarks: users in
 * groups, roles with boundaries, managed and inline policies mixing scoped grants, service
 * wildcards, `s3:Get*`-style reads, conditions, NotAction/NotResource, Deny and a few
 * admins, plus a credential-report row for every user. Same options → same snapshot
 * (seeded PRNG), so timings compare across runs and machines.
 *
 * Two mixes (`mix`):
 * - `realistic` (default): what large accounts look like. Most users get their permissions
 *   only through their team's groups, so many principals share identical policy sets; roles
 *   come from a few hundred stack templates (same managed policies, often the same inline
 *   policy) plus role-specific policies; most statements are resource-scoped; NotAction
 *   grants are rare (a PowerUserAccess-like group and a handful of policies); boundaries come
 *   from a few standard boundary policies. Still there: service wildcards and read-only
 *   `Get*`/`List*` on `*`, conditional grants, NotResource, Deny, inline policies, and a tail
 *   of broad principals (admins, power users, full-access roles).
 * - `pessimistic`: the original mix, unchanged (same snapshot for the same seed): every
 *   principal draws random policies from the whole pool, 4% of statements are NotAction,
 *   so about a third of the principals hold one and almost no two principals share a set.
 */
import { credentialReportRow, type AccountSnapshotInput, type CredentialReportRow, type PolicyDocument, type PolicyStatement } from '../../lib/snapshot';
import { seededRandom } from '../../lib/support/random';

export interface GenerateOptions {
  users?: number;
  roles?: number;
  policies?: number;
  groups?: number;
  seed?: number;
  accountId?: string;
  collectedAt?: string;
  /** Policy mix: `realistic` (default) or `pessimistic` (the original, worst-case mix). */
  mix?: 'realistic' | 'pessimistic';
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
  const rand = seededRandom(options.seed ?? 32);
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

  /** The original mix (see the file header): kept as it was so its numbers stay comparable. */
  function pessimisticIam() {
    /** One statement of the pessimistic kind; `kind` drawn from the mix below. */
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
    return { policies, groups, userList, roleList };
  }

  /** The realistic mix (see the file header). */
  function realisticIam() {
    const CONDITION = { StringEquals: { 'aws:RequestedRegion': 'eu-west-3' } };
    const statement = (): PolicyStatement => {
      const service = pick(SERVICE_NAMES);
      const verbs = SERVICES[service]!;
      const actions = Array.from({ length: 1 + int(5) }, () => `${service}:${pick(verbs)}`);
      const scoped = (): string[] => Array.from({ length: 1 + int(3) }, () => resourceFor(service));
      const r = rand();
      if (r < 0.73) return { Effect: 'Allow', Action: actions, Resource: scoped() };
      if (r < 0.8) return { Effect: 'Allow', Action: [`${service}:Get*`, `${service}:List*`, `${service}:Describe*`], Resource: '*' };
      if (r < 0.83) return { Effect: 'Allow', Action: `${service}:*`, Resource: '*' };
      if (r < 0.89) return { Effect: 'Allow', Action: actions, Resource: '*', Condition: CONDITION };
      if (r < 0.91) return { Effect: 'Allow', Action: actions, NotResource: resourceFor(service) };
      if (r < 0.95) return { Effect: 'Deny', Action: actions, Resource: scoped() };
      if (r < 0.96) return { Effect: 'Deny', Action: actions, Resource: '*', ...(chance(0.5) ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } } : {}) };
      if (r < 0.9615) return { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: chance(0.5) ? '*' : resourceFor(service) };
      if (r < 0.9617) return { Effect: 'Allow', Action: '*', Resource: '*' };
      return { Effect: 'Allow', Action: actions, Resource: scoped() };
    };
    const document = (): PolicyDocument => ({ Version: '2012-10-17', Statement: Array.from({ length: 1 + int(4) }, statement) });
    const managed = (name: string, arn: string, doc: PolicyDocument) => ({
      PolicyName: name,
      PolicyId: `ANPA${name.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 17).padEnd(17, '0')}`,
      Arn: arn,
      Path: '/',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      IsAttachable: true,
      Document: doc,
    });
    const policies = Array.from({ length: policyCount }, (_, i) => ({
      ...managed(`policy-${i}`, `arn:aws:iam::${account}:policy/team-${i % 50}/policy-${i}`, document()),
      PolicyId: `ANPA${String(i).padStart(17, '0')}`,
      Path: `/team-${i % 50}/`,
    }));
    const pool = () => policies[int(policyCount)]!;
    // The broad tail: AWS managed policies as large accounts attach them.
    const awsManaged = (name: string, doc: PolicyDocument) => {
      const p = managed(name, `arn:aws:iam::aws:policy/${name}`, doc);
      policies.push(p);
      return p;
    };
    const admin = awsManaged('AdministratorAccess', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const powerUser = awsManaged('PowerUserAccess', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
        { Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization'], Resource: '*' },
      ],
    });
    const readOnly = awsManaged('ReadOnlyAccess', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: SERVICE_NAMES.flatMap((svc) => [`${svc}:Get*`, `${svc}:List*`, `${svc}:Describe*`]), Resource: '*' }],
    });
    const s3Full = awsManaged('AmazonS3FullAccess', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }] });
    const ddbFull = awsManaged('AmazonDynamoDBFullAccess', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['dynamodb:*', 'cloudwatch:DeleteAlarms', 'iam:PassRole'], Resource: '*' }],
    });
    // Permissions boundaries: a few standard ones, as organisations define them.
    const boundaries = [
      ['s3', 'dynamodb', 'lambda', 'logs', 'sqs', 'sns'],
      ['ec2', 'logs', 'cloudwatch', 'ecr'],
      ['s3', 'athena', 'logs', 'kms'],
      ['lambda', 'states', 'logs', 'sqs', 'sns', 'dynamodb', 'secretsmanager'],
      ['s3', 'dynamodb', 'ec2', 'lambda', 'logs', 'sqs', 'sns', 'kms', 'iam', 'cloudwatch'],
    ].map((services, i) => {
      const p = managed(`boundary-${i}`, `arn:aws:iam::${account}:policy/boundaries/boundary-${i}`, {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: services.map((svc) => `${svc}:*`), Resource: '*', ...(i === 3 ? { Condition: CONDITION } : {}) },
            { Effect: 'Deny', Action: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:DeletePermissionsBoundary'], Resource: '*' },
          ],
        });
      policies.push(p);
      return p;
    });
    const boundary = () => ({ PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: pick(boundaries).Arn } });
    const ref = (p: { PolicyName: string; Arn: string }) => ({ PolicyName: p.PolicyName, PolicyArn: p.Arn });
    const fromPool = (n: number) => Array.from({ length: n }, () => ref(pool()));

    // Groups: three per team (0..149), then job-function groups (150..) with skewed popularity.
    const FUNCTION_GROUPS = 150;
    const groups = Array.from({ length: groupCount }, (_, i) => {
      const special = i === FUNCTION_GROUPS ? [admin] : i === FUNCTION_GROUPS + 1 ? [powerUser] : i === FUNCTION_GROUPS + 2 ? [readOnly] : i === FUNCTION_GROUPS + 3 ? [s3Full, ddbFull] : [];
      return {
        GroupName: i === FUNCTION_GROUPS ? 'admins' : `group-${i}`,
        GroupId: `AGPA${String(i).padStart(17, '0')}`,
        Arn: `arn:aws:iam::${account}:group/${i === FUNCTION_GROUPS ? 'admins' : `group-${i}`}`,
        Path: '/',
        CreateDate: isoDaysAgo(1000),
        AttachedManagedPolicies: special.length ? special.map(ref) : fromPool(2 + int(4)),
        GroupPolicyList: !special.length && chance(0.3) ? [{ PolicyName: `group-${i}-inline`, PolicyDocument: document() }] : [],
      };
    });
    const teamGroupCount = Array.from({ length: 50 }, () => 1 + int(3));
    const userList = Array.from({ length: users }, (_, i) => {
      const team = i % 50;
      const groupList = Array.from({ length: teamGroupCount[team]! }, (_, k) => groups[(team * 3 + k) % FUNCTION_GROUPS]!.GroupName);
      if (chance(0.002)) groupList.push('admins');
      else if (chance(0.015)) groupList.push(groups[FUNCTION_GROUPS + 1]!.GroupName);
      if (chance(0.35)) groupList.push(groups[FUNCTION_GROUPS + 2 + Math.floor((groupCount - FUNCTION_GROUPS - 2) * rand() ** 3)]!.GroupName);
      return {
        UserName: `user-${i}`,
        UserId: `AIDA${String(i).padStart(17, '0')}`,
        Arn: `arn:aws:iam::${account}:user/staff/user-${i}`,
        Path: '/staff/',
        CreateDate: isoDaysAgo(30 + int(900)),
        GroupList: groupList,
        AttachedManagedPolicies: chance(0.1) ? fromPool(1 + int(2)) : [],
        UserPolicyList: chance(0.05) ? [{ PolicyName: `user-${i}-inline`, PolicyDocument: document() }] : [],
        ...(chance(0.05) ? boundary() : {}),
        Tags: [{ Key: 'team', Value: `team-${team}` }],
      };
    });

    // Roles: stamped out of stack templates (same managed policies, often the same inline policy).
    const templates = Array.from({ length: 400 }, (_, t) => ({ name: `stack-${t}`, managed: fromPool(1 + int(3)), inline: chance(0.6) ? document() : undefined }));
    const roleList = Array.from({ length: roles }, (_, i) => {
      const t = templates[Math.floor(templates.length * rand() ** 2)]!;
      const attached = [...t.managed];
      if (chance(0.5)) attached.push(...fromPool(1 + int(2)));
      if (chance(0.003)) attached.push(ref(admin));
      else if (chance(0.01)) attached.push(ref(powerUser));
      if (chance(0.02)) attached.push(ref(s3Full));
      if (chance(0.02)) attached.push(ref(ddbFull));
      const inline =
        t.inline && chance(0.7) ? [{ PolicyName: `${t.name}-inline`, PolicyDocument: t.inline }] : chance(0.3) ? [{ PolicyName: `role-${i}-inline`, PolicyDocument: document() }] : [];
      return {
        RoleName: `role-${i}`,
        RoleId: `AROA${String(i).padStart(17, '0')}`,
        Arn: `arn:aws:iam::${account}:role/service/role-${i}`,
        Path: '/service/',
        CreateDate: isoDaysAgo(30 + int(900)),
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow' as const, Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        AttachedManagedPolicies: attached,
        RolePolicyList: inline,
        ...(chance(0.1) ? boundary() : {}),
        RoleLastUsed: chance(0.7) ? { LastUsedDate: isoDaysAgo(int(200)), Region: 'eu-west-3' } : {},
      };
    });
    return { policies, groups, userList, roleList };
  }

  const { policies, groups, userList, roleList } = options.mix === 'pessimistic' ? pessimisticIam() : realisticIam();

  const date = (maxDays: number): string => (chance(0.1) ? 'no_information' : isoDaysAgo(int(maxDays)));
  const rows: CredentialReportRow[] = userList.map((u) => {
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
  rows.unshift(
    credentialReportRow({
      user: '<root_account>',
      arn: `arn:aws:iam::${account}:root`,
      user_creation_time: isoDaysAgo(2000),
      password_enabled: 'not_supported',
      password_last_used: isoDaysAgo(300),
      password_last_changed: 'not_supported',
      password_next_rotation: 'not_supported',
      mfa_active: true,
    }),
  );

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

export interface MixStats {
  principals: number;
  /** Principals with an Allow statement using NotAction (own, managed or through a group). */
  withNotAction: number;
  /** Principals with AdministratorAccess or an Allow of `*` (before Deny/boundaries). */
  withStarGrant: number;
  withBoundary: number;
  withInline: number;
  /** Distinct sets of (managed policy ARNs, inline policy contents, boundary) among principals. */
  distinctPolicySets: number;
  /** Managed policies attached to at least one user, group or role. */
  attachedPolicies: number;
  policies: number;
  /** Share of all statements (managed + inline, attached or not) that are NotAction grants. */
  notActionStatementShare: number;
}

/** Facts about a generated snapshot's mix, printed by the benches so readers can judge how realistic it is. */
export function describeMix(input: AccountSnapshotInput): MixStats {
  const d = input.authorizationDetails!;
  const statementsOf = (doc: PolicyDocument): PolicyStatement[] => (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]);
  const docByArn = new Map(d.Policies!.map((p) => [p.Arn, p.Document as PolicyDocument]));
  const groups = new Map(d.GroupDetailList!.map((g) => [g.GroupName, g]));
  const notAction = (doc: PolicyDocument | undefined) => (doc ? statementsOf(doc).some((s) => s.Effect === 'Allow' && s.NotAction !== undefined) : false);
  const star = (doc: PolicyDocument | undefined) =>
    doc ? statementsOf(doc).some((s) => s.Effect === 'Allow' && [s.Action ?? []].flat().some((a) => a === '*' || a === '*:*')) : false;
  const attached = new Set<string>();
  const sets = new Set<string>();
  let withNotAction = 0;
  let withStarGrant = 0;
  let withBoundary = 0;
  let withInline = 0;
  const principals = [
    ...d.UserDetailList!.map((u) => ({
      managed: [...(u.AttachedManagedPolicies ?? []), ...(u.GroupList ?? []).flatMap((g) => groups.get(g)?.AttachedManagedPolicies ?? [])].map((a) => a.PolicyArn),
      inline: [...(u.UserPolicyList ?? []), ...(u.GroupList ?? []).flatMap((g) => groups.get(g)?.GroupPolicyList ?? [])].map((p) => p.PolicyDocument as PolicyDocument),
      boundary: u.PermissionsBoundary?.PermissionsBoundaryArn,
    })),
    ...d.RoleDetailList!.map((r) => ({
      managed: (r.AttachedManagedPolicies ?? []).map((a) => a.PolicyArn),
      inline: (r.RolePolicyList ?? []).map((p) => p.PolicyDocument as PolicyDocument),
      boundary: r.PermissionsBoundary?.PermissionsBoundaryArn,
    })),
  ];
  for (const p of principals) {
    p.managed.forEach((a) => attached.add(a));
    const docs = [...p.managed.map((a) => docByArn.get(a)), ...p.inline];
    if (docs.some(notAction)) withNotAction += 1;
    if (docs.some(star) || p.managed.includes('arn:aws:iam::aws:policy/AdministratorAccess')) withStarGrant += 1;
    if (p.boundary) withBoundary += 1;
    if (p.inline.length) withInline += 1;
    sets.add(JSON.stringify([[...new Set(p.managed)].sort(), p.inline.map((x) => JSON.stringify(x)).sort(), p.boundary ?? '']));
  }
  const all = [...docByArn.values(), ...principals.flatMap((p) => p.inline)].flatMap(statementsOf);
  return {
    principals: principals.length,
    withNotAction,
    withStarGrant,
    withBoundary,
    withInline,
    distinctPolicySets: sets.size,
    attachedPolicies: [...attached].filter((a) => docByArn.has(a)).length,
    policies: docByArn.size,
    notActionStatementShare: all.filter((s) => s.Effect === 'Allow' && s.NotAction !== undefined).length / all.length,
  };
}

/** One line for bench output. */
export function formatMix(m: MixStats): string {
  const pct = (n: number) => `${((100 * n) / m.principals).toFixed(1)}%`;
  return (
    `${m.principals} principals: ${pct(m.withNotAction)} with a NotAction grant, ${pct(m.withStarGrant)} with a * grant or AdministratorAccess, ` +
    `${pct(m.withBoundary)} with a boundary, ${pct(m.withInline)} with inline policies (own or group); ${m.distinctPolicySets} distinct policy sets ` +
    `(${(m.principals / m.distinctPolicySets).toFixed(1)} principals per set); ${m.attachedPolicies} of ${m.policies} managed policies attached; ` +
    `${(m.notActionStatementShare * 100).toFixed(1)}% of statements are NotAction grants`
  );
}
