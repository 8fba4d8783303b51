/**
 * `compliant`: an account where every rule passes, each for the reason the rule looks for
 * (not because data is missing or empty): 14-character 4-class passwords, hardware root
 * MFA, MFA for every console user, a multi-region trail with validation, KMS and CloudWatch
 * Logs analysed by an alarmed AccessDenied filter, 1-year retention, data events on the
 * personal-data stores, scoped roles, and one allow-listed break-glass admin role.
 */
import { SNAPSHOT_SCHEMA_VERSION } from '../snapshot';
import { TOOL_VERSION } from '../version';
import { compliantActivity } from './activity/compliant';
import { AWS_MANAGED, allow, daysAgo, policy, reportRow, rootRow, trust, type Scenario } from './build';

const ACCOUNT = '444455556666';
const REGION = 'eu-west-3';
const iam = (kind: string, name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`;
const BUCKET = `jobseeker-documents-${ACCOUNT}`;
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/jobseeker-profiles`;
const LOG_GROUP = 'cloudtrail/organization-trail';
const LOG_GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}:*`;
const KMS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/2f7c1a9e-4b3d-4e8a-9c61-5d0e8f3b7a12`;
const ALERTS_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:security-alerts`;

const consoleUsers = ['n.bernard', 'c.petit', 's.roux'];

const requireMfa = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };

export const compliant: Scenario = {
  name: 'compliant',
  title: 'Well-configured account: every rule passes for the right reason',
  description:
    'A 14-character password policy with 4 classes, hardware MFA on root and MFA for every console user, a logging multi-region trail ' +
    'with log file validation, KMS encryption and CloudWatch Logs delivery analysed by an alarmed AccessDenied filter (365-day retention), ' +
    'data events on the personal-data bucket and table, scoped roles, and one break-glass admin role declared in the account parameters.',
  parameters: {
    'access.admin-principals': { breakGlassRoles: ['BreakGlass'] },
    'access.unused-roles': { breakGlassRoles: ['BreakGlass'] },
    'logging.log-tamper-access': { logAdmins: ['BreakGlass'] },
  },
  snapshot(now) {
    return {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      account: { id: ACCOUNT, alias: 'agency-compliant-prod' },
      collectedAt: now.toISOString(),
      source: { kind: 'scenario', name: 'compliant', toolVersion: TOOL_VERSION },
      passwordPolicy: {
        MinimumPasswordLength: 14,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true,
        ExpirePasswords: false,
        PasswordReusePrevention: 24,
        HardExpiry: false,
      },
      credentialReport: {
        GeneratedTime: daysAgo(now, 0.02),
        rows: [
          rootRow(now, ACCOUNT, { mfa_active: true, password_last_used: daysAgo(now, 160) }),
          ...consoleUsers.map((name, i) =>
            reportRow(now, {
              user: name,
              arn: iam('user', name),
              user_creation_time: daysAgo(now, 300 + i * 20),
              password_enabled: true,
              password_last_used: daysAgo(now, 1 + i * 3),
              // Reset after the policy was raised to 14 characters (60 days ago).
              password_last_changed: daysAgo(now, 30 + i),
              mfa_active: true,
            }),
          ),
          // A reporting integration with one key, rotated monthly and used every day.
          reportRow(now, {
            user: 'ci-reporting',
            arn: iam('user', 'ci-reporting'),
            user_creation_time: daysAgo(now, 600),
            access_key_1_active: true,
            access_key_1_last_rotated: daysAgo(now, 25),
            access_key_1_last_used_date: daysAgo(now, 0.3),
          }),
        ],
      },
      accountSummary: {
        Users: consoleUsers.length + 1,
        Groups: 1,
        Roles: 3,
        Policies: 0,
        MFADevices: consoleUsers.length,
        MFADevicesInUse: consoleUsers.length + 1,
        AccountMFAEnabled: 1,
        AccountAccessKeysPresent: 0,
        AccountSigningCertificatesPresent: 0,
        UsersQuota: 5000,
        GroupsQuota: 300,
        RolesQuota: 1000,
      },
      // Users enrolled virtual MFA; root's device is a hardware key, so it is not listed here.
      virtualMfaDevices: consoleUsers.map((name) => ({
        SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/${name}`,
        EnableDate: daysAgo(now, 280),
        User: { Arn: iam('user', name), UserName: name },
      })),
      authorizationDetails: {
        UserDetailList: [
          ...consoleUsers.map((name) => ({
            UserName: name,
            Arn: iam('user', name),
            Path: '/advisers/',
            CreateDate: daysAgo(now, 300),
            GroupList: ['Advisers'],
            AttachedManagedPolicies: [],
            UserPolicyList: [],
          })),
          {
            UserName: 'ci-reporting',
            Arn: iam('user', 'ci-reporting'),
            Path: '/integrations/',
            CreateDate: daysAgo(now, 600),
            GroupList: [],
            AttachedManagedPolicies: [],
            UserPolicyList: [
              {
                PolicyName: 'read-reporting-metrics',
                PolicyDocument: policy(allow(['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'], '*')),
              },
            ],
          },
        ],
        GroupDetailList: [
          {
            GroupName: 'Advisers',
            Arn: iam('group', 'Advisers'),
            Path: '/',
            AttachedManagedPolicies: [],
            GroupPolicyList: [{ PolicyName: 'assume-adviser-role-with-mfa', PolicyDocument: policy(allow('sts:AssumeRole', iam('role', 'adviser'), requireMfa)) }],
          },
        ],
        RoleDetailList: [
          {
            RoleName: 'adviser',
            Arn: iam('role', 'adviser'),
            Path: '/',
            CreateDate: daysAgo(now, 500),
            AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, requireMfa),
            AttachedManagedPolicies: [],
            // Case files of the adviser's own agency prefix and the profile table, nothing else.
            RolePolicyList: [
              {
                PolicyName: 'case-files',
                PolicyDocument: policy(
                  allow(['s3:GetObject', 's3:PutObject'], `arn:aws:s3:::${BUCKET}/cases/*`),
                  allow('s3:ListBucket', `arn:aws:s3:::${BUCKET}`, { Condition: { StringLike: { 's3:prefix': ['cases/*'] } } }),
                  allow(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], TABLE_ARN),
                ),
              },
            ],
            RoleLastUsed: { LastUsedDate: daysAgo(now, 0.1), Region: REGION },
          },
          {
            RoleName: 'BreakGlass',
            Arn: iam('role', 'BreakGlass'),
            Path: '/',
            CreateDate: daysAgo(now, 700),
            AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, requireMfa),
            AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: AWS_MANAGED.AdministratorAccess.Arn }],
            RolePolicyList: [],
            RoleLastUsed: { LastUsedDate: daysAgo(now, 120), Region: REGION },
          },
          {
            RoleName: 'CloudTrailToCloudWatchLogs',
            Arn: iam('role', 'CloudTrailToCloudWatchLogs'),
            Path: '/service-role/',
            CreateDate: daysAgo(now, 700),
            AssumeRolePolicyDocument: trust({ Service: 'cloudtrail.amazonaws.com' }),
            AttachedManagedPolicies: [],
            RolePolicyList: [
              {
                PolicyName: 'deliver-to-log-group',
                PolicyDocument: policy(allow(['logs:CreateLogStream', 'logs:PutLogEvents'], `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}:log-stream:*`)),
              },
            ],
            RoleLastUsed: { LastUsedDate: daysAgo(now, 0.01), Region: REGION },
          },
        ],
        Policies: [AWS_MANAGED.AdministratorAccess],
      },
      trails: [
        {
          Name: 'organization-trail',
          TrailARN: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/organization-trail`,
          HomeRegion: REGION,
          S3BucketName: `cloudtrail-logs-${ACCOUNT}`,
          IsMultiRegionTrail: true,
          IsOrganizationTrail: false,
          IncludeGlobalServiceEvents: true,
          LogFileValidationEnabled: true,
          KmsKeyId: KMS_KEY,
          CloudWatchLogsLogGroupArn: LOG_GROUP_ARN,
          CloudWatchLogsRoleArn: iam('role', 'CloudTrailToCloudWatchLogs'),
          HasCustomEventSelectors: true,
          HasInsightSelectors: false,
          InsightSelectors: [],
          Status: {
            IsLogging: true,
            LatestDeliveryTime: daysAgo(now, 0.01),
            LatestDigestDeliveryTime: daysAgo(now, 0.03),
            LatestCloudWatchLogsDeliveryTime: daysAgo(now, 0.01),
          },
          AdvancedEventSelectors: [
            { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
            {
              Name: 'Personal data: S3 objects',
              FieldSelectors: [
                { Field: 'eventCategory', Equals: ['Data'] },
                { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
                { Field: 'resources.ARN', StartsWith: [`arn:aws:s3:::${BUCKET}/`] },
              ],
            },
            {
              Name: 'Personal data: DynamoDB items',
              FieldSelectors: [
                { Field: 'eventCategory', Equals: ['Data'] },
                { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] },
                { Field: 'resources.ARN', Equals: [TABLE_ARN] },
              ],
            },
          ],
        },
      ],
      logGroups: [
        {
          logGroupName: LOG_GROUP,
          arn: LOG_GROUP_ARN,
          retentionInDays: 365,
          kmsKeyId: KMS_KEY,
          metricFilters: [
            {
              filterName: 'unauthorized-api-calls',
              filterPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
              metricTransformations: [{ metricName: 'UnauthorizedAPICalls', metricNamespace: 'CloudTrailMetrics', metricValue: '1' }],
            },
            {
              filterName: 'console-signin-without-mfa',
              filterPattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
              metricTransformations: [{ metricName: 'ConsoleSigninWithoutMFA', metricNamespace: 'CloudTrailMetrics', metricValue: '1' }],
            },
            {
              filterName: 'root-usage',
              filterPattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
              metricTransformations: [{ metricName: 'RootUsage', metricNamespace: 'CloudTrailMetrics', metricValue: '1' }],
            },
          ],
        },
      ],
      metricAlarms: [
        {
          AlarmName: 'unauthorized-api-calls',
          AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:unauthorized-api-calls`,
          MetricName: 'UnauthorizedAPICalls',
          Namespace: 'CloudTrailMetrics',
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 5,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          ActionsEnabled: true,
          AlarmActions: [ALERTS_TOPIC],
        },
        {
          AlarmName: 'root-usage',
          MetricName: 'RootUsage',
          Namespace: 'CloudTrailMetrics',
          ActionsEnabled: true,
          AlarmActions: [ALERTS_TOPIC],
        },
        {
          AlarmName: 'console-signin-without-mfa',
          MetricName: 'ConsoleSigninWithoutMFA',
          Namespace: 'CloudTrailMetrics',
          ActionsEnabled: true,
          AlarmActions: [ALERTS_TOPIC],
        },
      ],
      personalDataStores: [
        { ResourceARN: `arn:aws:s3:::${BUCKET}`, Tags: [{ Key: 'data-classification', Value: 'personal' }, { Key: 'owner', Value: 'case-management' }] },
        { ResourceARN: TABLE_ARN, Tags: [{ Key: 'data-classification', Value: 'personal' }] },
      ],
      // The data stores (#17): Block Public Access on for the account, every personal-data store encrypted with the
      // KMS key, TLS-only bucket policy, versioning / PITR / automated backups plus a daily AWS Backup, all in Paris.
      // The trail bucket is classified by the controller as security logs (judged by the logging.* rules).
      dataStores: {
        regions: ['eu-west-1', REGION, 'us-east-1'],
        accountPublicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
        buckets: [
          {
            Name: `cloudtrail-logs-${ACCOUNT}`,
            Region: REGION,
            Tags: [{ Key: 'data-classification', Value: 'security-logs' }],
            PublicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
            PolicyStatus: { IsPublic: false },
            AclGrants: [{ Grantee: { Type: 'CanonicalUser', ID: 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f' }, Permission: 'FULL_CONTROL' }],
            Encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KMS_KEY }, BucketKeyEnabled: true }] },
            Versioning: { Status: 'Enabled' },
          },
          {
            Name: BUCKET,
            Region: REGION,
            Tags: [{ Key: 'data-classification', Value: 'personal' }, { Key: 'owner', Value: 'case-management' }],
            PublicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
            PolicyStatus: { IsPublic: false },
            Policy: policy({
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            AclGrants: [{ Grantee: { Type: 'CanonicalUser', ID: 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f' }, Permission: 'FULL_CONTROL' }],
            Encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KMS_KEY }, BucketKeyEnabled: true }] },
            Versioning: { Status: 'Enabled', MFADelete: 'Disabled' },
          },
        ],
        tables: [
          {
            TableName: 'jobseeker-profiles',
            TableArn: TABLE_ARN,
            Region: REGION,
            Tags: [{ Key: 'data-classification', Value: 'personal' }],
            SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: KMS_KEY },
            PointInTimeRecoveryStatus: 'ENABLED',
          },
        ],
        databases: [
          {
            kind: 'cluster',
            Identifier: 'case-management',
            Arn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:case-management`,
            Region: REGION,
            Engine: 'aurora-postgresql',
            StorageEncrypted: true,
            KmsKeyId: KMS_KEY,
            BackupRetentionPeriod: 14,
            TagList: [{ Key: 'data-classification', Value: 'personal' }],
          },
          {
            kind: 'instance',
            Identifier: 'case-management-1',
            Arn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:case-management-1`,
            Region: REGION,
            Engine: 'aurora-postgresql',
            StorageEncrypted: true,
            KmsKeyId: KMS_KEY,
            PubliclyAccessible: false,
            BackupRetentionPeriod: 14,
            TagList: [{ Key: 'data-classification', Value: 'personal' }],
            DBClusterIdentifier: 'case-management',
          },
        ],
        ebsEncryptionByDefault: { 'eu-west-1': true, [REGION]: true, 'us-east-1': true },
        publicSnapshots: [],
        backupProtected: [
          { ResourceArn: TABLE_ARN, ResourceType: 'DynamoDB', LastBackupTime: daysAgo(now, 1) },
          { ResourceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:case-management`, ResourceType: 'Aurora', LastBackupTime: daysAgo(now, 1) },
        ],
        unread: [],
      },
      // Synthetic CloudTrail day, aggregated through the same path as trail log files.
      // GuardDuty with S3 protection, its findings routed to the security topic (a second analysis besides the metric filters).
      guardDuty: {
        region: REGION,
        detectors: [
          {
            DetectorId: '6cc0f3e2a1b94d7f8e5a2c1d0b9e8f7a',
            Status: 'ENABLED',
            Features: [
              { Name: 'CLOUD_TRAIL', Status: 'ENABLED' },
              { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
            ],
          },
        ],
      },
      securityHub: { region: REGION, enabled: false },
      eventRules: {
        region: REGION,
        rules: [
          {
            Name: 'guardduty-findings-to-security',
            Arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/guardduty-findings-to-security`,
            State: 'ENABLED',
            EventPattern: '{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}',
            Targets: [{ Id: 'security-alerts', Arn: ALERTS_TOPIC }],
          },
        ],
      },
      passwordPolicyChanges: {
        since: daysAgo(now, 90),
        events: [{ EventName: 'UpdateAccountPasswordPolicy', EventTime: daysAgo(now, 60), Username: 'n.bernard', EventId: '0b6e2f8a-3d1c-4e5f-8a7b-9c2d4e6f8a01' }],
      },
      // The trail bucket keeps every log file under Object Lock (COMPLIANCE, 365 days) and expires it after 365 days.
      trailBuckets: [
        {
          Name: `cloudtrail-logs-${ACCOUNT}`,
          inAccount: true,
          Policy: policy({
            Sid: 'AWSCloudTrailWrite',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::cloudtrail-logs-${ACCOUNT}/AWSLogs/${ACCOUNT}/*`,
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
          }),
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
          LifecycleRules: [{ ID: 'expire-after-a-year', Status: 'Enabled', Filter: { Prefix: 'AWSLogs/' }, Expiration: { Days: 365 } }],
        },
      ],
      // The organisation's IAM Identity Center lives in this (management) account; no permission set is
      // provisioned here. The administrator set keeps AWS's one-hour default session.
      samlFederation: { providers: [], roleSessions: [] },
      identityCenter: {
        regions: [REGION],
        instances: [
          {
            InstanceArn: 'arn:aws:sso:::instance/ssoins-6804a1c2e5b3f7d9',
            region: REGION,
            IdentityStoreId: 'd-8067a3c1e2',
            OwnerAccountId: ACCOUNT,
            Status: 'ACTIVE',
            permissionSets: [
              {
                Name: 'CaseWorker',
                PermissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-6804a1c2e5b3f7d9/ps-2b7c9d1e3f5a6b80',
                SessionDuration: 'PT8H',
                AttachedManagedPolicies: [],
                InlinePolicy: policy(allow(['dynamodb:GetItem', 'dynamodb:Query'], TABLE_ARN)),
                CustomerManagedPolicyReferences: [],
              },
              {
                Name: 'Administrator',
                PermissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-6804a1c2e5b3f7d9/ps-9e1f3a5b7c9d0e2f',
                SessionDuration: 'PT1H',
                AttachedManagedPolicies: [{ Name: 'AdministratorAccess', Arn: AWS_MANAGED.AdministratorAccess.Arn }],
                CustomerManagedPolicyReferences: [],
              },
            ],
          },
        ],
      },
      activity: compliantActivity(ACCOUNT, now),
      collectionErrors: [],
    };
  },
};
