/**
 * `france-travail`: an account set up the way the CNIL found France Travail's systems in its
 * January 2026 sanction (SAN-2026-003): short passwords, advisers without MFA, an adviser
 * role that can read every store, admins everywhere, and logs nobody analyses.
 * Ordinary AWS-shaped data: no rule may know this scenario by name or account id.
 */
import { SNAPSHOT_SCHEMA_VERSION } from '../snapshot';
import { TOOL_VERSION } from '../version';
import { franceTravailActivity } from './activity/france-travail';
import { AWS_MANAGED, allow, daysAgo, policy, reportRow, rootRow, trust, type Scenario } from './build';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-3';
const iam = (kind: string, name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`;

const advisers = ['adviser.martin', 'adviser.dubois', 'adviser.leroy', 'adviser.moreau', 'adviser.garcia'];

export const franceTravail: Scenario = {
  name: 'france-travail',
  title: 'Employment agency, as sanctioned by the CNIL in January 2026',
  description:
    '8-character passwords with 3 character classes and no compensating control; advisers log in to the console without MFA; ' +
    'root has no MFA and an access key; a single-region trail without validation, encryption or analysis; an adviser role with ' +
    's3:* and dynamodb:* on every resource; two IAM users with AdministratorAccess and access keys; stale keys and an unused role; a personal-data bucket whose reads are not logged; ' +
    'a trail that stopped delivering to S3; passwords older than the last password-policy change; root used days ago with no alarm; advisers and IT administrators sign in through IAM Identity Center with 12-hour sessions; ' +
    'a partner export bucket of job-seeker data readable by everyone, no backups, an unencrypted analytics copy in us-east-1.',
  parameters: {},
  snapshot(now) {
    return {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      account: { id: ACCOUNT, alias: 'employment-agency-prod' },
      collectedAt: now.toISOString(),
      source: { kind: 'scenario', name: 'france-travail', toolVersion: TOOL_VERSION },
      passwordPolicy: {
        MinimumPasswordLength: 8,
        RequireSymbols: false,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true,
        ExpirePasswords: true,
        MaxPasswordAge: 90,
        PasswordReusePrevention: 3,
        HardExpiry: false,
      },
      credentialReport: {
        GeneratedTime: daysAgo(now, 0.02),
        rows: [
          rootRow(now, ACCOUNT, {
            mfa_active: false,
            password_last_used: daysAgo(now, 12),
            access_key_1_active: true,
            access_key_1_last_rotated: daysAgo(now, 910),
            access_key_1_last_used_date: daysAgo(now, 30),
          }),
          // Advisers: console passwords used daily, only one of them with MFA.
          ...advisers.map((name, i) =>
            reportRow(now, {
              user: name,
              arn: iam('user', name),
              user_creation_time: daysAgo(now, 400 + i * 30),
              password_enabled: true,
              password_last_used: daysAgo(now, 0.5 + i),
              password_last_changed: daysAgo(now, 60 + i),
              password_next_rotation: daysAgo(now, -(30 - i)),
              mfa_active: name === 'adviser.moreau',
            }),
          ),
          // A former adviser whose account was never removed.
          reportRow(now, {
            user: 'former.adviser',
            arn: iam('user', 'former.adviser'),
            user_creation_time: daysAgo(now, 900),
            password_enabled: true,
            password_last_used: daysAgo(now, 240),
            password_last_changed: daysAgo(now, 330),
            password_next_rotation: daysAgo(now, 240),
            mfa_active: false,
          }),
          // Two administrators as IAM users.
          reportRow(now, {
            user: 'it.admin',
            arn: iam('user', 'it.admin'),
            user_creation_time: daysAgo(now, 1200),
            password_enabled: true,
            password_last_used: daysAgo(now, 1),
            password_last_changed: daysAgo(now, 80),
            password_next_rotation: daysAgo(now, -10),
            mfa_active: true,
            access_key_1_active: true,
            access_key_1_last_rotated: daysAgo(now, 400),
            access_key_1_last_used_date: daysAgo(now, 2),
          }),
          reportRow(now, {
            user: 'ops.deploy',
            arn: iam('user', 'ops.deploy'),
            user_creation_time: daysAgo(now, 1000),
            access_key_1_active: true,
            access_key_1_last_rotated: daysAgo(now, 720),
            access_key_1_last_used_date: daysAgo(now, 150),
            access_key_2_active: true,
            access_key_2_last_rotated: daysAgo(now, 200),
            access_key_2_last_used_date: 'N/A',
          }),
          reportRow(now, {
            user: 'legacy.export',
            arn: iam('user', 'legacy.export'),
            user_creation_time: daysAgo(now, 1400),
            access_key_1_active: true,
            access_key_1_last_rotated: daysAgo(now, 1300),
            access_key_1_last_used_date: daysAgo(now, 3),
          }),
        ],
      },
      accountSummary: {
        Users: advisers.length + 4,
        Groups: 2,
        Roles: 3,
        Policies: 1,
        MFADevices: 2,
        MFADevicesInUse: 2,
        AccountMFAEnabled: 0,
        AccountAccessKeysPresent: 1,
        AccountSigningCertificatesPresent: 0,
        UsersQuota: 5000,
        GroupsQuota: 300,
        RolesQuota: 1000,
      },
      virtualMfaDevices: [
        { SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/adviser.moreau`, EnableDate: daysAgo(now, 300), User: { Arn: iam('user', 'adviser.moreau'), UserName: 'adviser.moreau' } },
        { SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/it.admin`, EnableDate: daysAgo(now, 1100), User: { Arn: iam('user', 'it.admin'), UserName: 'it.admin' } },
        // An unassigned device left over from an abandoned enrolment.
        { SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/adviser.dubois` },
      ],
      authorizationDetails: {
        UserDetailList: [
          ...[...advisers, 'former.adviser'].map((name) => ({
            UserName: name,
            UserId: `AIDA${name.replace(/\W/g, '').toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
            Arn: iam('user', name),
            Path: '/advisers/',
            CreateDate: daysAgo(now, 400),
            GroupList: ['Advisers'],
            AttachedManagedPolicies: [],
            UserPolicyList: [],
          })),
          {
            UserName: 'it.admin',
            Arn: iam('user', 'it.admin'),
            Path: '/',
            CreateDate: daysAgo(now, 1200),
            GroupList: ['IT'],
            AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: AWS_MANAGED.AdministratorAccess.Arn }],
            UserPolicyList: [],
          },
          {
            UserName: 'ops.deploy',
            Arn: iam('user', 'ops.deploy'),
            Path: '/',
            CreateDate: daysAgo(now, 1000),
            GroupList: [],
            AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: AWS_MANAGED.AdministratorAccess.Arn }],
            UserPolicyList: [],
          },
          {
            UserName: 'legacy.export',
            Arn: iam('user', 'legacy.export'),
            Path: '/',
            CreateDate: daysAgo(now, 1400),
            GroupList: [],
            AttachedManagedPolicies: [],
            UserPolicyList: [
              {
                PolicyName: 'nightly-export',
                PolicyDocument: policy(allow(['s3:GetObject', 's3:ListBucket'], ['arn:aws:s3:::jobseeker-documents', 'arn:aws:s3:::jobseeker-documents/*'])),
              },
              {
                // Meant to let the export job rotate its own key; written for every user, so
                // whoever holds this key can mint keys for any user (ops.deploy included).
                PolicyName: 'rotate-access-key',
                PolicyDocument: policy(allow(['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:UpdateAccessKey'], `arn:aws:iam::${ACCOUNT}:user/*`)),
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
            GroupPolicyList: [{ PolicyName: 'assume-adviser-role', PolicyDocument: policy(allow('sts:AssumeRole', iam('role', 'adviser'))) }],
          },
          { GroupName: 'IT', Arn: iam('group', 'IT'), Path: '/', AttachedManagedPolicies: [], GroupPolicyList: [] },
        ],
        RoleDetailList: [
          {
            RoleName: 'adviser',
            Arn: iam('role', 'adviser'),
            Path: '/',
            CreateDate: daysAgo(now, 800),
            AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }),
            AttachedManagedPolicies: [],
            // "Advisers need the case files": every bucket and every table, every action.
            RolePolicyList: [{ PolicyName: 'adviser-data-access', PolicyDocument: policy(allow(['s3:*', 'dynamodb:*'], '*')) }],
            RoleLastUsed: { LastUsedDate: daysAgo(now, 0.1), Region: REGION },
          },
          {
            // Advisers sign in through IAM Identity Center (organisation instance in this account).
            RoleName: 'AWSReservedSSO_AdviserAccess_4f2a9c1d7e3b5a60',
            Arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-3/AWSReservedSSO_AdviserAccess_4f2a9c1d7e3b5a60`,
            Path: '/aws-reserved/sso.amazonaws.com/eu-west-3/',
            CreateDate: daysAgo(now, 600),
            AssumeRolePolicyDocument: trust(
              { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/AWSSSO_7d3e1f9a2b4c6d80_DO_NOT_DELETE` },
              { Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'], Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } },
            ),
            AttachedManagedPolicies: [],
            RolePolicyList: [{ PolicyName: 'AwsSSOInlinePolicy', PolicyDocument: policy(allow(['dynamodb:GetItem', 'dynamodb:Query'], `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/jobseeker-profiles`)) }],
            RoleLastUsed: { LastUsedDate: daysAgo(now, 0.2), Region: REGION },
          },
          {
            RoleName: 'reporting-lambda',
            Arn: iam('role', 'reporting-lambda'),
            Path: '/service-role/',
            CreateDate: daysAgo(now, 500),
            AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }),
            AttachedManagedPolicies: [],
            RolePolicyList: [
              {
                PolicyName: 'logs',
                PolicyDocument: policy(allow(['logs:CreateLogStream', 'logs:PutLogEvents'], `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/reporting:*`)),
              },
            ],
          },
        ],
        Policies: [AWS_MANAGED.AdministratorAccess],
      },
      trails: [
        {
          Name: 'management-events',
          TrailARN: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management-events`,
          HomeRegion: REGION,
          S3BucketName: `cloudtrail-logs-${ACCOUNT}`,
          IsMultiRegionTrail: false,
          IsOrganizationTrail: false,
          IncludeGlobalServiceEvents: true,
          LogFileValidationEnabled: false,
          HasCustomEventSelectors: false,
          HasInsightSelectors: false,
          InsightSelectors: [],
          // "Logging", but the bucket policy was tightened 9 days ago without the CloudTrail grant: nothing reached S3 since.
          Status: { IsLogging: true, LatestDeliveryTime: daysAgo(now, 9), LatestDeliveryError: 'AccessDenied', StartLoggingTime: daysAgo(now, 800) },
          EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }],
        },
      ],
      logGroups: [{ logGroupName: '/aws/lambda/reporting', arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/reporting:*`, metricFilters: [] }],
      metricAlarms: [],
      personalDataStores: [
        { ResourceARN: 'arn:aws:s3:::jobseeker-documents', Tags: [{ Key: 'data-classification', Value: 'personal' }] },
        { ResourceARN: 'arn:aws:s3:::jobseeker-exports', Tags: [{ Key: 'data-classification', Value: 'personal' }, { Key: 'purpose', Value: 'partner-exchange' }] },
        { ResourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/jobseeker-profiles`, Tags: [{ Key: 'data-classification', Value: 'personal' }] },
      ],
      // The data stores (#17): a partner export bucket readable by everyone through its ACL, no Block Public Access,
      // SSE-S3 only and no TLS-only policy, no versioning, no PITR, no AWS Backup; an unencrypted analytics
      // database holding a copy of job-seeker data in us-east-1; EBS encryption by default never turned on.
      dataStores: {
        regions: [REGION, 'us-east-1'],
        accountPublicAccessBlock: null,
        buckets: [
          {
            Name: `cloudtrail-logs-${ACCOUNT}`,
            Region: REGION,
            Tags: [],
            PublicAccessBlock: null,
            PolicyStatus: null,
            Policy: null,
            AclGrants: [{ Grantee: { Type: 'CanonicalUser', ID: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9' }, Permission: 'FULL_CONTROL' }],
            Encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
            Versioning: {},
          },
          {
            Name: 'jobseeker-documents',
            Region: REGION,
            Tags: [{ Key: 'data-classification', Value: 'personal' }],
            PublicAccessBlock: null,
            PolicyStatus: null,
            Policy: null,
            AclGrants: [{ Grantee: { Type: 'CanonicalUser', ID: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9' }, Permission: 'FULL_CONTROL' }],
            Encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
            Versioning: {},
          },
          {
            Name: 'jobseeker-exports',
            Region: REGION,
            Tags: [{ Key: 'data-classification', Value: 'personal' }, { Key: 'purpose', Value: 'partner-exchange' }],
            PublicAccessBlock: null,
            PolicyStatus: null,
            Policy: null,
            AclGrants: [
              { Grantee: { Type: 'CanonicalUser', ID: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9' }, Permission: 'FULL_CONTROL' },
              { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' },
            ],
            Encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
            Versioning: { Status: 'Suspended' },
          },
        ],
        tables: [
          {
            TableName: 'jobseeker-profiles',
            TableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/jobseeker-profiles`,
            Region: REGION,
            Tags: [{ Key: 'data-classification', Value: 'personal' }],
            SSEDescription: null,
            PointInTimeRecoveryStatus: 'DISABLED',
          },
        ],
        databases: [
          {
            kind: 'instance',
            Identifier: 'jobseeker-analytics',
            Arn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:jobseeker-analytics`,
            Region: 'us-east-1',
            Engine: 'postgres',
            StorageEncrypted: false,
            PubliclyAccessible: false,
            BackupRetentionPeriod: 1,
            TagList: [{ Key: 'data-classification', Value: 'personal' }],
          },
        ],
        ebsEncryptionByDefault: { [REGION]: false, 'us-east-1': false },
        publicSnapshots: [],
        backupProtected: [],
        unread: [],
      },
      // No GuardDuty, no Security Hub, no EventBridge rule: nothing analyses activity.
      guardDuty: { region: REGION, detectors: [] },
      securityHub: { region: REGION, enabled: false },
      eventRules: { region: REGION, rules: [] },
      // The policy got password reuse prevention 20 days ago; the advisers' passwords are older and were never reset.
      passwordPolicyChanges: {
        since: daysAgo(now, 90),
        events: [{ EventName: 'UpdateAccountPasswordPolicy', EventTime: daysAgo(now, 20), Username: 'it.admin', EventId: '6f1d3a52-8c4e-4b7a-9f21-0d3c5e7a9b10' }],
      },
      // The trail bucket sits in this account, without Object Lock or lifecycle: whoever can delete objects can erase the logs.
      trailBuckets: [{ Name: `cloudtrail-logs-${ACCOUNT}`, inAccount: true, Policy: null, ObjectLockConfiguration: null, LifecycleRules: null }],
      // The identity provider behind Identity Center; its roles keep AWS's session figures.
      samlFederation: {
        providers: [{ Arn: `arn:aws:iam::${ACCOUNT}:saml-provider/AWSSSO_7d3e1f9a2b4c6d80_DO_NOT_DELETE`, CreateDate: daysAgo(now, 600) }],
        roleSessions: [
          {
            RoleName: 'AWSReservedSSO_AdviserAccess_4f2a9c1d7e3b5a60',
            Arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-3/AWSReservedSSO_AdviserAccess_4f2a9c1d7e3b5a60`,
            MaxSessionDuration: 43200,
          },
        ],
      },
      // Permission sets of the organisation: advisers and IT administrators both get 12-hour sessions.
      identityCenter: {
        regions: [REGION],
        instances: [
          {
            InstanceArn: 'arn:aws:sso:::instance/ssoins-7d3e1f9a2b4c6d80',
            region: REGION,
            IdentityStoreId: 'd-9a67c2e5f1',
            OwnerAccountId: ACCOUNT,
            Status: 'ACTIVE',
            permissionSets: [
              {
                Name: 'AdviserAccess',
                PermissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-7d3e1f9a2b4c6d80/ps-1a3c5e7f9b2d4f60',
                SessionDuration: 'PT12H',
                AttachedManagedPolicies: [],
                InlinePolicy: policy(allow(['dynamodb:GetItem', 'dynamodb:Query'], `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/jobseeker-profiles`)),
                CustomerManagedPolicyReferences: [],
              },
              {
                Name: 'ITAdministrator',
                PermissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-7d3e1f9a2b4c6d80/ps-8b0d2f4a6c8e0a13',
                SessionDuration: 'PT12H',
                AttachedManagedPolicies: [{ Name: 'AdministratorAccess', Arn: AWS_MANAGED.AdministratorAccess.Arn }],
                CustomerManagedPolicyReferences: [],
              },
            ],
          },
        ],
      },
      // Synthetic CloudTrail day, aggregated through the same path as trail log files.
      activity: franceTravailActivity(ACCOUNT, now),
      collectionErrors: [],
    };
  },
};
