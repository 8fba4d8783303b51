/**
 * Test harness for the live collectors: real SDK clients (static dummy credentials,
 * never sent anywhere) whose `send` is replaced by aws-sdk-client-mock, one instance per
 * region, and responses shaped as in the AWS API references (IAM, CloudTrail, CloudWatch
 * Logs, CloudWatch, Resource Groups Tagging, STS).
 */
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetInsightSelectorsCommand, GetTrailStatusCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeHubCommand, InvalidAccessException, SecurityHubClient } from '@aws-sdk/client-securityhub';
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetsCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListAccountAliasesCommand,
  ListRolesCommand,
  ListSAMLProvidersCommand,
  ListVirtualMFADevicesCommand,
  type GetAccountAuthorizationDetailsCommandInput,
  type UserDetail,
} from '@aws-sdk/client-iam';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as S3ControlGetPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { DescribeContinuousBackupsCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { DescribeRegionsCommand, DescribeSnapshotsCommand, EC2Client, GetEbsEncryptionByDefaultCommand } from '@aws-sdk/client-ec2';
import { BackupClient, ListProtectedResourcesCommand } from '@aws-sdk/client-backup';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { CollectorClients } from '../../../lib/collectors';

export const ACCOUNT_ID = '111122223333';
export const HOME = 'eu-west-3';
export const OTHER = 'us-east-1';
export const NOW = new Date('2026-02-10T08:00:00Z');
const DUMMY_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStub = AwsStub<any, any, any>;

export interface MockedAccount {
  clients: CollectorClients;
  iam: AnyStub;
  sts: AnyStub;
  cloudTrail: Record<string, AnyStub>;
  logs: Record<string, AnyStub>;
  cloudWatch: Record<string, AnyStub>;
  tagging: Record<string, AnyStub>;
  guardDuty: Record<string, AnyStub>;
  securityHub: Record<string, AnyStub>;
  eventBridge: Record<string, AnyStub>;
  ssoAdmin: Record<string, AnyStub>;
  s3: Record<string, AnyStub>;
  s3Control: Record<string, AnyStub>;
  dynamoDb: Record<string, AnyStub>;
  rds: Record<string, AnyStub>;
  ec2: Record<string, AnyStub>;
  backup: Record<string, AnyStub>;
  /** Every stub, for call accounting. */
  all(): AnyStub[];
}

/** Clients for `regions`, each mocked; asking for another region is a test failure. */
export function mockedAccount(regions: string[] = [HOME, OTHER]): MockedAccount {
  const config = (region: string) => ({ region, credentials: DUMMY_CREDENTIALS });
  const iam = new IAMClient(config('us-east-1'));
  const sts = new STSClient(config(HOME));
  const make = <C extends object>(ctor: new (c: ReturnType<typeof config>) => C) => {
    const instances = Object.fromEntries(regions.map((r) => [r, new ctor(config(r))]));
    const stubs = Object.fromEntries(regions.map((r) => [r, mockClient(instances[r] as never) as AnyStub]));
    const get = (region: string): C => {
      const c = instances[region];
      if (!c) throw new Error(`test asked for a client in unmocked region ${region}`);
      return c;
    };
    return { get, stubs };
  };
  const ct = make(CloudTrailClient);
  const logs = make(CloudWatchLogsClient);
  const cw = make(CloudWatchClient);
  const tag = make(ResourceGroupsTaggingAPIClient);
  const gd = make(GuardDutyClient);
  const sh = make(SecurityHubClient);
  const eb = make(EventBridgeClient);
  const sso = make(SSOAdminClient);
  const s3 = make(S3Client);
  const s3c = make(S3ControlClient);
  const ddb = make(DynamoDBClient);
  const rds = make(RDSClient);
  const ec2 = make(EC2Client);
  const bk = make(BackupClient);
  const mocked: MockedAccount = {
    clients: { iam, sts, cloudTrail: ct.get, cloudWatchLogs: logs.get, cloudWatch: cw.get, tagging: tag.get, guardDuty: gd.get, securityHub: sh.get, eventBridge: eb.get, ssoAdmin: sso.get, s3: s3.get, s3Control: s3c.get, dynamoDb: ddb.get, rds: rds.get, ec2: ec2.get, backup: bk.get },
    iam: mockClient(iam) as AnyStub,
    sts: mockClient(sts) as AnyStub,
    cloudTrail: ct.stubs,
    logs: logs.stubs,
    cloudWatch: cw.stubs,
    tagging: tag.stubs,
    guardDuty: gd.stubs,
    securityHub: sh.stubs,
    eventBridge: eb.stubs,
    ssoAdmin: sso.stubs,
    s3: s3.stubs,
    s3Control: s3c.stubs,
    dynamoDb: ddb.stubs,
    rds: rds.stubs,
    ec2: ec2.stubs,
    backup: bk.stubs,
    all: () => [
      mocked.iam,
      mocked.sts,
      ...Object.values(mocked.cloudTrail),
      ...Object.values(mocked.logs),
      ...Object.values(mocked.cloudWatch),
      ...Object.values(mocked.tagging),
      ...Object.values(mocked.guardDuty),
      ...Object.values(mocked.securityHub),
      ...Object.values(mocked.eventBridge),
      ...Object.values(mocked.ssoAdmin),
      ...Object.values(mocked.s3),
      ...Object.values(mocked.s3Control),
      ...Object.values(mocked.dynamoDb),
      ...Object.values(mocked.rds),
      ...Object.values(mocked.ec2),
      ...Object.values(mocked.backup),
    ],
  };
  return mocked;
}

const SERVICE_OF: Record<string, string> = {
  IAMClient: 'iam',
  STSClient: 'sts',
  CloudTrailClient: 'cloudtrail',
  CloudWatchLogsClient: 'logs',
  CloudWatchClient: 'cloudwatch',
  ResourceGroupsTaggingAPIClient: 'tag',
  OrganizationsClient: 'organizations',
  GuardDutyClient: 'guardduty',
  SecurityHubClient: 'securityhub',
  EventBridgeClient: 'events',
  SSOAdminClient: 'sso',
  S3Client: 's3',
  S3ControlClient: 's3control',
  DynamoDBClient: 'dynamodb',
  RDSClient: 'rds',
  EC2Client: 'ec2',
  BackupClient: 'backup',
};

/** What the code actually sent, per `service:Operation`, read from the mocks' call history. */
export function sentOperations(stubs: AnyStub[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const stub of stubs) {
    for (const c of stub.calls()) {
      const command = c.args[0] as { constructor: { name: string } };
      const client = (c.thisValue as { constructor: { name: string } }).constructor.name;
      const op = `${SERVICE_OF[client] ?? client}:${command.constructor.name.replace(/Command$/, '')}`;
      counts[op] = (counts[op] ?? 0) + 1;
    }
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

// ------------------------------------------------------------------ response data

export const CREDENTIAL_REPORT_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

export const ROOT_ROW = `<root_account>,arn:aws:iam::${ACCOUNT_ID}:root,2019-03-12T09:12:45+00:00,not_supported,2026-01-20T10:01:02+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;

export function userName(i: number): string {
  return `adviser-${String(i).padStart(5, '0')}`;
}

/** A console user without MFA, with one active key, as the credential report prints it. */
export function userRow(i: number): string {
  return `${userName(i)},arn:aws:iam::${ACCOUNT_ID}:user/${userName(i)},2024-06-01T08:00:00+00:00,true,2026-02-09T17:30:00+00:00,2024-06-01T08:05:00+00:00,N/A,false,true,2024-06-01T08:06:00+00:00,2026-02-08T11:00:00+00:00,eu-west-3,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
}

export function credentialReportCsv(users: number): string {
  return [CREDENTIAL_REPORT_HEADER, ROOT_ROW, ...Array.from({ length: users }, (_, i) => userRow(i))].join('\n');
}

/** What IAM sends: the CSV base64-encoded on the wire; the SDK hands over the decoded bytes. */
export function credentialReportContent(csv: string): Uint8Array {
  const base64OnTheWire = Buffer.from(csv, 'utf-8').toString('base64');
  return new Uint8Array(Buffer.from(base64OnTheWire, 'base64'));
}

const enc = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

export const ADMIN_DOC = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
export const TRUST_DOC = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function userDetail(i: number): UserDetail {
  return {
    Path: '/',
    UserName: userName(i),
    UserId: `AIDA${String(i).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT_ID}:user/${userName(i)}`,
    CreateDate: new Date('2024-06-01T08:00:00Z'),
    GroupList: ['advisers'],
    AttachedManagedPolicies: [],
    UserPolicyList: [
      {
        PolicyName: 'read-cases',
        PolicyDocument: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::cases/*' }] }),
      },
    ],
    Tags: [],
  };
}

/**
 * A GetAccountAuthorizationDetails fake that honours `MaxItems` and `Marker` like IAM:
 * users, then one group, one role and two managed policies (two versions each), with
 * URL-encoded documents.
 */
export function authorizationDetailsPager(users: number) {
  const entries: Array<{ kind: 'user' | 'group' | 'role' | 'policy'; index: number }> = [
    ...Array.from({ length: users }, (_, i) => ({ kind: 'user' as const, index: i })),
    { kind: 'group', index: 0 },
    { kind: 'role', index: 0 },
    { kind: 'policy', index: 0 },
    { kind: 'policy', index: 1 },
  ];
  return (input: GetAccountAuthorizationDetailsCommandInput) => {
    const start = input.Marker ? Number(Buffer.from(input.Marker, 'base64').toString()) : 0;
    const size = input.MaxItems ?? 100;
    const slice = entries.slice(start, start + size);
    const next = start + size;
    return {
      UserDetailList: slice.filter((e) => e.kind === 'user').map((e) => userDetail(e.index)),
      GroupDetailList: slice
        .filter((e) => e.kind === 'group')
        .map(() => ({
          Path: '/',
          GroupName: 'advisers',
          GroupId: 'AGPA00000000000000001',
          Arn: `arn:aws:iam::${ACCOUNT_ID}:group/advisers`,
          CreateDate: new Date('2024-06-01T08:00:00Z'),
          GroupPolicyList: [],
          AttachedManagedPolicies: [{ PolicyName: 'CaseReader', PolicyArn: `arn:aws:iam::${ACCOUNT_ID}:policy/CaseReader` }],
        })),
      RoleDetailList: slice
        .filter((e) => e.kind === 'role')
        .map(() => ({
          Path: '/',
          RoleName: 'ops-admin',
          RoleId: 'AROA00000000000000001',
          Arn: `arn:aws:iam::${ACCOUNT_ID}:role/ops-admin`,
          CreateDate: new Date('2023-01-01T00:00:00Z'),
          AssumeRolePolicyDocument: enc(TRUST_DOC),
          InstanceProfileList: [],
          RolePolicyList: [],
          AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
          RoleLastUsed: { LastUsedDate: new Date('2026-02-01T00:00:00Z'), Region: HOME },
          Tags: [],
        })),
      Policies: slice
        .filter((e) => e.kind === 'policy')
        .map((e) =>
          e.index === 0
            ? {
                PolicyName: 'AdministratorAccess',
                PolicyId: 'ANPAIWMBCKSKIEE64ZLYK',
                Arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
                Path: '/',
                DefaultVersionId: 'v1',
                AttachmentCount: 1,
                PermissionsBoundaryUsageCount: 0,
                IsAttachable: true,
                CreateDate: new Date('2015-02-06T18:39:46Z'),
                UpdateDate: new Date('2015-02-06T18:39:46Z'),
                PolicyVersionList: [{ Document: enc(ADMIN_DOC), VersionId: 'v1', IsDefaultVersion: true, CreateDate: new Date('2015-02-06T18:39:46Z') }],
              }
            : {
                PolicyName: 'CaseReader',
                PolicyId: 'ANPA00000000000000002',
                Arn: `arn:aws:iam::${ACCOUNT_ID}:policy/CaseReader`,
                Path: '/',
                DefaultVersionId: 'v2',
                AttachmentCount: 1,
                IsAttachable: true,
                PolicyVersionList: [
                  { Document: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }), VersionId: 'v1', IsDefaultVersion: false },
                  { Document: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }), VersionId: 'v2', IsDefaultVersion: true },
                ],
              },
        ),
      IsTruncated: next < entries.length,
      ...(next < entries.length ? { Marker: Buffer.from(String(next)).toString('base64') } : {}),
    };
  };
}

export const TRAIL_ARN = `arn:aws:cloudtrail:${OTHER}:${ACCOUNT_ID}:trail/management-events`;
export const LOG_GROUP_ARN = `arn:aws:logs:${OTHER}:${ACCOUNT_ID}:log-group:CloudTrail/management-events:*`;

/** A healthy account: every call answers as AWS documents it. The trail's home is OTHER. */
export function mockHealthyAccount(m: MockedAccount, users = 3): void {
  m.sts.on(GetCallerIdentityCommand).resolves({
    UserId: 'AIDASAMPLEUSERID',
    Account: ACCOUNT_ID,
    Arn: `arn:aws:iam::${ACCOUNT_ID}:user/auditor`,
  });
  m.iam.on(GetAccountPasswordPolicyCommand).resolves({
    PasswordPolicy: {
      MinimumPasswordLength: 8,
      RequireSymbols: false,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      ExpirePasswords: false,
      HardExpiry: false,
    },
  });
  m.iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  m.iam.on(GetCredentialReportCommand).resolves({
    Content: credentialReportContent(credentialReportCsv(users)),
    ReportFormat: 'text/csv',
    GeneratedTime: new Date(NOW.getTime() - 30 * 60 * 1000),
  });
  m.iam.on(GetAccountSummaryCommand).resolves({
    SummaryMap: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, Users: users, Groups: 1, Roles: 1, Policies: 1, MFADevices: 1, MFADevicesInUse: 1 },
  });
  // AssignmentStatus defaults to Any (what the collector asks and `aws iam list-virtual-mfa-devices` gets).
  m.iam
    .on(ListVirtualMFADevicesCommand)
    .resolvesOnce({
      VirtualMFADevices: [
        {
          SerialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/root-account-mfa-device`,
          User: { Arn: `arn:aws:iam::${ACCOUNT_ID}:root`, UserId: ACCOUNT_ID, UserName: '', Path: '', CreateDate: new Date('2019-03-12T09:12:45Z') },
          EnableDate: new Date('2019-03-12T09:20:00Z'),
        },
      ],
      IsTruncated: true,
      Marker: 'page-2',
    })
    .resolvesOnce({ VirtualMFADevices: [{ SerialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/unassigned` }], IsTruncated: false });
  m.iam.on(ListAccountAliasesCommand).resolves({ AccountAliases: ['example-corp-prod'], IsTruncated: false });
  m.iam.on(GetAccountAuthorizationDetailsCommand).callsFake(authorizationDetailsPager(users));

  // CloudTrail: asked in HOME, the multi-region trail lives in OTHER (a shadow trail here).
  for (const region of Object.keys(m.cloudTrail)) {
    m.cloudTrail[region]!.on(DescribeTrailsCommand).resolves({
      trailList: [
        {
          Name: 'management-events',
          S3BucketName: 'example-cloudtrail-logs',
          IncludeGlobalServiceEvents: true,
          IsMultiRegionTrail: true,
          HomeRegion: OTHER,
          TrailARN: TRAIL_ARN,
          LogFileValidationEnabled: true,
          CloudWatchLogsLogGroupArn: LOG_GROUP_ARN,
          CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/CloudTrail_CloudWatchLogs_Role`,
          KmsKeyId: `arn:aws:kms:${OTHER}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
          HasCustomEventSelectors: true,
          HasInsightSelectors: true,
          IsOrganizationTrail: false,
        },
      ],
    });
  }
  m.cloudTrail[OTHER]!.on(GetTrailStatusCommand).resolves({
    IsLogging: true,
    LatestDeliveryTime: new Date('2026-02-10T07:55:00Z'),
    StartLoggingTime: new Date('2023-01-01T00:00:00Z'),
    LatestCloudWatchLogsDeliveryTime: new Date('2026-02-10T07:56:00Z'),
  });
  m.cloudTrail[OTHER]!.on(GetEventSelectorsCommand).resolves({
    TrailARN: TRAIL_ARN,
    AdvancedEventSelectors: [
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'S3 data events on personal data',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::cases/'] },
        ],
      },
    ],
  });
  m.cloudTrail[OTHER]!.on(GetInsightSelectorsCommand).resolves({ TrailARN: TRAIL_ARN, InsightSelectors: [{ InsightType: 'ApiErrorRateInsight', EventCategories: ['Management'] }] });
  // Event history of password-policy changes (IAM events are recorded in us-east-1 = OTHER), two pages.
  m.cloudTrail[OTHER]!.on(LookupEventsCommand, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UpdateAccountPasswordPolicy' }] })
    .resolvesOnce({
      Events: [
        {
          EventId: '3a8e5c1d-4f2b-4d6e-9a7c-0b1d2e3f4a5b',
          EventName: 'UpdateAccountPasswordPolicy',
          ReadOnly: 'false',
          AccessKeyId: 'ASIAEXAMPLEKEYID',
          EventTime: new Date('2026-01-05T10:15:00Z'),
          EventSource: 'iam.amazonaws.com',
          Username: 'it.admin',
          Resources: [],
          CloudTrailEvent: '{"eventVersion":"1.09","eventName":"UpdateAccountPasswordPolicy","eventSource":"iam.amazonaws.com"}',
        },
      ],
      NextToken: 'history-page-2',
    })
    .resolvesOnce({ Events: [] });
  m.logs[OTHER]!.on(DescribeLogGroupsCommand)
    .resolvesOnce({
      logGroups: [
        {
          logGroupName: 'CloudTrail/management-events',
          creationTime: 1672531200000,
          retentionInDays: 365,
          metricFilterCount: 1,
          arn: LOG_GROUP_ARN,
          storedBytes: 123456789,
        },
      ],
      nextToken: 'logs-page-2',
    })
    .resolvesOnce({
      logGroups: [{ logGroupName: 'CloudTrail/management-events-old', retentionInDays: 30, arn: `arn:aws:logs:${OTHER}:${ACCOUNT_ID}:log-group:CloudTrail/management-events-old:*` }],
    });
  m.logs[OTHER]!.on(DescribeMetricFiltersCommand).resolves({
    metricFilters: [
      {
        filterName: 'UnauthorizedAPICalls',
        filterPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
        metricTransformations: [{ metricName: 'UnauthorizedAPICalls', metricNamespace: 'CloudTrailMetrics', metricValue: '1' }],
        creationTime: 1672531200000,
        logGroupName: 'CloudTrail/management-events',
      },
    ],
  });
  for (const region of Object.keys(m.cloudWatch)) {
    m.cloudWatch[region]!.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  }
  m.cloudWatch[OTHER]!.on(DescribeAlarmsCommand)
    .resolvesOnce({
      MetricAlarms: [
        {
          AlarmName: 'unauthorized-api-calls',
          AlarmArn: `arn:aws:cloudwatch:${OTHER}:${ACCOUNT_ID}:alarm:unauthorized-api-calls`,
          ActionsEnabled: true,
          AlarmActions: [`arn:aws:sns:${OTHER}:${ACCOUNT_ID}:security-alerts`],
          MetricName: 'UnauthorizedAPICalls',
          Namespace: 'CloudTrailMetrics',
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 5,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          StateValue: 'OK',
        },
      ],
      NextToken: 'alarms-page-2',
    })
    .resolvesOnce({ MetricAlarms: [{ AlarmName: 'root-usage', MetricName: 'RootUsage', Namespace: 'CloudTrailMetrics', ActionsEnabled: true, AlarmActions: [] }] });
  // Threat detection in HOME: GuardDuty on with S3 protection, Security Hub not subscribed,
  // EventBridge: a scheduled rule (no targets read) and a GuardDuty route to SNS, on two pages.
  m.guardDuty[HOME]!.on(ListDetectorsCommand).resolves({ DetectorIds: ['12abc34d567e8fa901bc2d34e56789f0'] });
  m.guardDuty[HOME]!.on(GetDetectorCommand).resolves({
    CreatedAt: '2024-05-01T10:00:00.000Z',
    FindingPublishingFrequency: 'FIFTEEN_MINUTES',
    ServiceRole: `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`,
    Status: 'ENABLED',
    UpdatedAt: '2025-11-01T10:00:00.000Z',
    DataSources: { CloudTrail: { Status: 'ENABLED' }, DNSLogs: { Status: 'ENABLED' }, FlowLogs: { Status: 'ENABLED' }, S3Logs: { Status: 'ENABLED' } },
    Features: [
      { Name: 'CLOUD_TRAIL', Status: 'ENABLED' },
      { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
    ],
  });
  m.securityHub[HOME]!.on(DescribeHubCommand).rejects(
    new InvalidAccessException({ message: `Account ${ACCOUNT_ID} is not subscribed to AWS Security Hub`, $metadata: { httpStatusCode: 401 }, Code: 'InvalidAccessException' }),
  );
  m.eventBridge[HOME]!.on(ListRulesCommand)
    .resolvesOnce({
      Rules: [{ Name: 'nightly-report', Arn: `arn:aws:events:${HOME}:${ACCOUNT_ID}:rule/nightly-report`, State: 'ENABLED', ScheduleExpression: 'cron(0 2 * * ? *)', EventBusName: 'default' }],
      NextToken: 'rules-page-2',
    })
    .resolvesOnce({
      Rules: [
        {
          Name: 'guardduty-to-security',
          Arn: `arn:aws:events:${HOME}:${ACCOUNT_ID}:rule/guardduty-to-security`,
          State: 'ENABLED',
          EventPattern: '{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}',
          EventBusName: 'default',
        },
      ],
    });
  m.eventBridge[HOME]!.on(ListTargetsByRuleCommand, { Rule: 'guardduty-to-security' }).resolves({
    Targets: [{ Id: 'security-alerts', Arn: `arn:aws:sns:${HOME}:${ACCOUNT_ID}:security-alerts` }],
  });
  mockFederation(m);
  mockTrailBucket(m);
  for (const region of Object.keys(m.tagging)) {
    m.tagging[region]!.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
  }
  mockDataStores(m);
  m.tagging[HOME]!.on(GetResourcesCommand, { TagFilters: [{ Key: 'data-classification', Values: ['personal', 'personal-data', 'pii'] }] })
    .resolvesOnce({
      ResourceTagMappingList: [{ ResourceARN: 'arn:aws:s3:::cases', Tags: [{ Key: 'data-classification', Value: 'personal' }] }],
      PaginationToken: 'tags-page-2',
    })
    .resolvesOnce({
      ResourceTagMappingList: [{ ResourceARN: `arn:aws:dynamodb:${HOME}:${ACCOUNT_ID}:table/jobseekers`, Tags: [{ Key: 'data-classification', Value: 'personal' }] }],
      PaginationToken: '',
    });
}

export const SSO_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1111222233334444';
export const PS_READER = 'arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-aaaabbbbccccdddd';
export const PS_ADMIN = 'arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-eeeeffff00001111';

/**
 * Federated sign-in as the IAM and sso-admin API references show it: one SAML provider, ListRoles on
 * two pages (MaxSessionDuration, URL-encoded trust documents), an Identity Center instance in HOME
 * whose two permission sets come on two ListPermissionSets pages — a case reader (inline policy,
 * 8 h) and an administrator set (AdministratorAccess, the one-hour default). No instance elsewhere.
 */
export function mockFederation(m: MockedAccount): void {
  m.iam.on(ListSAMLProvidersCommand).resolves({
    SAMLProviderList: [{ Arn: `arn:aws:iam::${ACCOUNT_ID}:saml-provider/corporate-idp`, ValidUntil: new Date('2030-01-01T00:00:00Z'), CreateDate: new Date('2024-01-15T09:00:00Z') }],
  });
  m.iam
    .on(ListRolesCommand)
    .resolvesOnce({
      Roles: [
        {
          Path: '/',
          RoleName: 'ops-admin',
          RoleId: 'AROA00000000000000001',
          Arn: `arn:aws:iam::${ACCOUNT_ID}:role/ops-admin`,
          CreateDate: new Date('2023-01-01T00:00:00Z'),
          AssumeRolePolicyDocument: enc(TRUST_DOC),
          MaxSessionDuration: 3600,
        },
      ],
      IsTruncated: true,
      Marker: 'roles-page-2',
    })
    .resolvesOnce({ Roles: [], IsTruncated: false });
  for (const region of Object.keys(m.ssoAdmin)) m.ssoAdmin[region]!.on(ListInstancesCommand).resolves({ Instances: [] });
  const sso = m.ssoAdmin[HOME]!;
  sso.on(ListInstancesCommand).resolves({
    Instances: [{ InstanceArn: SSO_INSTANCE_ARN, IdentityStoreId: 'd-1234567890', OwnerAccountId: ACCOUNT_ID, Status: 'ACTIVE', CreatedDate: new Date('2024-01-15T09:00:00Z') }],
  });
  sso
    .on(ListPermissionSetsCommand)
    .resolvesOnce({ PermissionSets: [PS_READER], NextToken: 'ps-page-2' })
    .resolvesOnce({ PermissionSets: [PS_ADMIN] });
  sso.on(DescribePermissionSetCommand, { PermissionSetArn: PS_READER }).resolves({
    PermissionSet: { Name: 'CaseReader', PermissionSetArn: PS_READER, Description: 'Read case files', CreatedDate: new Date('2024-02-01T10:00:00Z'), SessionDuration: 'PT8H' },
  });
  sso.on(DescribePermissionSetCommand, { PermissionSetArn: PS_ADMIN }).resolves({
    PermissionSet: { Name: 'Administrator', PermissionSetArn: PS_ADMIN, CreatedDate: new Date('2024-02-01T10:00:00Z'), SessionDuration: 'PT1H' },
  });
  sso.on(ListManagedPoliciesInPermissionSetCommand, { PermissionSetArn: PS_READER }).resolves({ AttachedManagedPolicies: [] });
  sso.on(ListManagedPoliciesInPermissionSetCommand, { PermissionSetArn: PS_ADMIN }).resolves({
    AttachedManagedPolicies: [{ Name: 'AdministratorAccess', Arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
  });
  sso.on(GetInlinePolicyForPermissionSetCommand, { PermissionSetArn: PS_READER }).resolves({
    InlinePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::cases/*' }] }),
  });
  // No inline policy: the field is absent.
  sso.on(GetInlinePolicyForPermissionSetCommand, { PermissionSetArn: PS_ADMIN }).resolves({});
  sso.on(ListCustomerManagedPolicyReferencesInPermissionSetCommand).resolves({ CustomerManagedPolicyReferences: [] });
}

/**
 * The trail bucket as the S3 API reference shows it: ListBuckets on two pages (ContinuationToken),
 * the CloudTrail bucket policy (service principal, AWS's documented template), Object Lock in
 * COMPLIANCE mode for 400 days, and a lifecycle rule expiring log files after 400 days.
 */
export function mockTrailBucket(m: MockedAccount): void {
  const s3 = m.s3[HOME]!;
  s3.on(ListBucketsCommand)
    .resolvesOnce({ Buckets: [{ Name: 'example-app-assets', CreationDate: new Date('2023-01-01T00:00:00Z'), BucketRegion: HOME }], Owner: { ID: 'abc123' }, ContinuationToken: 'buckets-page-2' })
    .resolvesOnce({ Buckets: [{ Name: 'example-cloudtrail-logs', CreationDate: new Date('2023-01-01T00:00:00Z') }], Owner: { ID: 'abc123' } });
  s3.on(GetBucketPolicyCommand, { Bucket: 'example-cloudtrail-logs' }).resolves({
    Policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::example-cloudtrail-logs' },
        {
          Sid: 'AWSCloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::example-cloudtrail-logs/AWSLogs/${ACCOUNT_ID}/*`,
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN } },
        },
      ],
    }),
  });
  s3.on(GetObjectLockConfigurationCommand, { Bucket: 'example-cloudtrail-logs' }).resolves({
    ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } } },
  });
  s3.on(GetBucketLifecycleConfigurationCommand, { Bucket: 'example-cloudtrail-logs' }).resolves({
    Rules: [{ ID: 'expire-logs', Status: 'Enabled', Filter: { Prefix: 'AWSLogs/' }, Expiration: { Days: 400 } }],
  });
}

export const DATA_TABLE_ARN = `arn:aws:dynamodb:${HOME}:${ACCOUNT_ID}:table/jobseekers`;
export const DATA_DB_ARN = `arn:aws:rds:${HOME}:${ACCOUNT_ID}:db:cases-db`;
const PERSONAL = [{ Key: 'data-classification', Value: 'personal' }];
/** An S3 error as the SDK raises it (name = AWS error code). */
export function s3Error(name: string, message: string, status = 404): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/**
 * The data stores (#17 data.* rules) as the API references show them: two enabled Regions
 * (DescribeRegions), the account-level Block Public Access on, the two buckets of ListBuckets (one
 * without BucketRegion → GetBucketLocation), S3's documented "none" errors, DynamoDB ListTables on
 * two pages (one table without SSEDescription = AWS owned key), an encrypted RDS instance with a
 * private manual snapshot, EBS encryption by default on, an AWS Backup recovery point.
 */
export function mockDataStores(m: MockedAccount): void {
  m.ec2[HOME]!.on(DescribeRegionsCommand).resolves({
    Regions: [
      { Endpoint: `ec2.${HOME}.amazonaws.com`, RegionName: HOME, OptInStatus: 'opt-in-not-required' },
      { Endpoint: `ec2.${OTHER}.amazonaws.com`, RegionName: OTHER, OptInStatus: 'opt-in-not-required' },
    ],
  });
  m.s3Control[HOME]!.on(S3ControlGetPublicAccessBlockCommand).resolves({
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
  });
  const s3 = m.s3[HOME]!;
  s3.on(GetBucketLocationCommand, { Bucket: 'example-cloudtrail-logs' }).resolves({ LocationConstraint: 'eu-west-3' });
  s3.on(GetPublicAccessBlockCommand, { Bucket: 'example-app-assets' }).resolves({
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
  });
  s3.on(GetPublicAccessBlockCommand, { Bucket: 'example-cloudtrail-logs' }).rejects(s3Error('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found'));
  s3.on(GetBucketPolicyStatusCommand, { Bucket: 'example-app-assets' }).rejects(s3Error('NoSuchBucketPolicy', 'The bucket policy does not exist'));
  s3.on(GetBucketPolicyStatusCommand, { Bucket: 'example-cloudtrail-logs' }).resolves({ PolicyStatus: { IsPublic: false } });
  s3.on(GetBucketPolicyCommand, { Bucket: 'example-app-assets' }).rejects(s3Error('NoSuchBucketPolicy', 'The bucket policy does not exist'));
  s3.on(GetBucketAclCommand).resolves({
    Owner: { ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' },
    Grants: [{ Grantee: { Type: 'CanonicalUser', ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, Permission: 'FULL_CONTROL' }],
  });
  s3.on(GetBucketEncryptionCommand, { Bucket: 'example-app-assets' }).resolves({
    ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: `arn:aws:kms:${HOME}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab` }, BucketKeyEnabled: true }] },
  });
  s3.on(GetBucketEncryptionCommand, { Bucket: 'example-cloudtrail-logs' }).resolves({
    ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
  });
  s3.on(GetBucketVersioningCommand, { Bucket: 'example-app-assets' }).resolves({ Status: 'Enabled', MFADelete: 'Disabled' });
  s3.on(GetBucketVersioningCommand, { Bucket: 'example-cloudtrail-logs' }).resolves({}); // never enabled: no Status
  m.tagging[HOME]!.on(GetResourcesCommand, { ResourceTypeFilters: ['s3:bucket', 'dynamodb:table'] })
    .resolvesOnce({ ResourceTagMappingList: [{ ResourceARN: 'arn:aws:s3:::example-app-assets', Tags: PERSONAL }], PaginationToken: 'data-tags-2' })
    .resolves({ ResourceTagMappingList: [{ ResourceARN: DATA_TABLE_ARN, Tags: PERSONAL }], PaginationToken: '' });
  const ddb = m.dynamoDb[HOME]!;
  ddb.on(ListTablesCommand).resolvesOnce({ TableNames: ['jobseekers'], LastEvaluatedTableName: 'jobseekers' }).resolves({ TableNames: ['sessions'] });
  ddb.on(DescribeTableCommand, { TableName: 'jobseekers' }).resolves({
    Table: { TableName: 'jobseekers', TableArn: DATA_TABLE_ARN, TableStatus: 'ACTIVE', SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: `arn:aws:kms:${HOME}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab` } },
  });
  ddb.on(DescribeTableCommand, { TableName: 'sessions' }).resolves({ Table: { TableName: 'sessions', TableArn: `arn:aws:dynamodb:${HOME}:${ACCOUNT_ID}:table/sessions`, TableStatus: 'ACTIVE' } });
  ddb.on(DescribeContinuousBackupsCommand, { TableName: 'jobseekers' }).resolves({
    ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED', EarliestRestorableDateTime: new Date('2026-01-01T00:00:00Z') } },
  });
  ddb.on(DescribeContinuousBackupsCommand, { TableName: 'sessions' }).resolves({ ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } } });
  m.dynamoDb[OTHER]!.on(ListTablesCommand).resolves({ TableNames: [] });
  const rds = m.rds[HOME]!;
  rds.on(DescribeDBInstancesCommand).resolves({
    DBInstances: [
      { DBInstanceIdentifier: 'cases-db', DBInstanceArn: DATA_DB_ARN, Engine: 'postgres', StorageEncrypted: true, KmsKeyId: `arn:aws:kms:${HOME}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, PubliclyAccessible: false, BackupRetentionPeriod: 7, TagList: PERSONAL },
    ],
  });
  rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 'cases-db-before-upgrade', DBInstanceIdentifier: 'cases-db', SnapshotType: 'manual', TagList: [] }] });
  rds.on(DescribeDBSnapshotAttributesCommand).resolves({ DBSnapshotAttributesResult: { DBSnapshotIdentifier: 'cases-db-before-upgrade', DBSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: [] }] } });
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ DBClusterSnapshotIdentifier: 'reporting-final', DBClusterIdentifier: 'reporting', SnapshotType: 'manual', TagList: [] }] });
  rds.on(DescribeDBClusterSnapshotAttributesCommand).resolves({
    DBClusterSnapshotAttributesResult: { DBClusterSnapshotIdentifier: 'reporting-final', DBClusterSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: ['444455556666'] }] },
  });
  for (const region of [HOME, OTHER]) {
    m.ec2[region]!.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: true, SseType: 'sse-ebs' });
    m.ec2[region]!.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    m.backup[region]!.on(ListProtectedResourcesCommand).resolves({ Results: [] });
  }
  m.rds[OTHER]!.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
  m.rds[OTHER]!.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  m.rds[OTHER]!.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
  m.rds[OTHER]!.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
  m.backup[HOME]!.on(ListProtectedResourcesCommand).resolves({ Results: [{ ResourceArn: DATA_TABLE_ARN, ResourceType: 'DynamoDB', LastBackupTime: new Date('2026-02-09T05:00:00Z') }] });
}
