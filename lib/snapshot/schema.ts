/**
 * The `AccountSnapshot`: everything one evaluation run needs from one AWS account,
 * gathered once ("collect once, evaluate many").
 *
 * Conventions:
 * - Sections keep AWS's own field names (PascalCase as the APIs and the AWS CLI print
 *   them; the credential report keeps its CSV column names), so an auditor can map any
 *   observed value back to the AWS documentation.
 * - A section that is `undefined` (absent from the JSON) was **not collected**; rules
 *   that need it yield `ERROR`, never `PASS`. Why it is missing is in `collectionErrors`.
 * - `passwordPolicy: null` is different from absent: it means IAM answered
 *   `NoSuchEntity` — the account has no custom policy and the AWS default applies.
 * - Policy documents are always decoded JSON objects here, whatever the source printed.
 */
import { parseStrictIsoDate } from '../support/strict-date';
import { z } from 'zod';
import { ActivitySection } from '../activity/schema';

export const SNAPSHOT_SCHEMA_VERSION = 1;

/** The sections a rule can depend on. */
export const SECTION_NAMES = [
  'passwordPolicy',
  'credentialReport',
  'accountSummary',
  'virtualMfaDevices',
  'authorizationDetails',
  'trails',
  'logGroups',
  'metricAlarms',
  'personalDataStores',
  'activity',
  'passwordPolicyChanges',
  'guardDuty',
  'securityHub',
  'eventRules',
  'samlFederation',
  'identityCenter',
  'trailBuckets',
  'dataStores',
] as const;
export const SectionName = z.enum(SECTION_NAMES);
export type SectionName = z.infer<typeof SectionName>;

/** Strict: an impossible day (2026-02-30) is refused, not rolled over as `Date.parse` does. */
const IsoDate = z.string().refine((s) => parseStrictIsoDate(s) !== undefined, { message: 'expected a valid ISO-8601 date' });

// ---------------------------------------------------------------- policy documents

const StringOrList = z.union([z.string(), z.array(z.string())]);

export const PolicyStatement = z
  .object({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Action: StringOrList.optional(),
    NotAction: StringOrList.optional(),
    Resource: StringOrList.optional(),
    NotResource: StringOrList.optional(),
    Principal: z.unknown().optional(),
    NotPrincipal: z.unknown().optional(),
    Condition: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
export type PolicyStatement = z.infer<typeof PolicyStatement>;

export const PolicyDocument = z
  .object({
    Version: z.string().optional(),
    Id: z.string().optional(),
    Statement: z.union([PolicyStatement, z.array(PolicyStatement)]),
  })
  .passthrough();
export type PolicyDocument = z.infer<typeof PolicyDocument>;

// ---------------------------------------------------------------- IAM: password policy

/** GetAccountPasswordPolicy → PasswordPolicy. */
export const PasswordPolicy = z
  .object({
    MinimumPasswordLength: z.number().int().nonnegative().optional(),
    RequireSymbols: z.boolean().optional(),
    RequireNumbers: z.boolean().optional(),
    RequireUppercaseCharacters: z.boolean().optional(),
    RequireLowercaseCharacters: z.boolean().optional(),
    AllowUsersToChangePassword: z.boolean().optional(),
    ExpirePasswords: z.boolean().optional(),
    MaxPasswordAge: z.number().int().optional(),
    PasswordReusePrevention: z.number().int().optional(),
    HardExpiry: z.boolean().optional(),
  })
  .passthrough();
export type PasswordPolicy = z.infer<typeof PasswordPolicy>;

// ---------------------------------------------------------------- IAM: credential report

/**
 * A date column of the credential report. AWS writes an ISO date, or one of:
 * `N/A` (not applicable: no password / no key), `no_information` (never used since
 * IAM started tracking), `not_supported` (the root row's password columns).
 */
export const ReportMarker = z.enum(['N/A', 'no_information', 'not_supported']);
export const ReportDate = z.union([ReportMarker, IsoDate]);
export type ReportDate = z.infer<typeof ReportDate>;

/** `true`/`false`, or `not_supported` (root's password_enabled). */
export const ReportBool = z.union([z.boolean(), z.literal('not_supported')]);

export const CredentialReportRow = z.object({
  user: z.string(),
  arn: z.string(),
  user_creation_time: ReportDate,
  password_enabled: ReportBool,
  password_last_used: ReportDate,
  password_last_changed: ReportDate,
  password_next_rotation: ReportDate,
  mfa_active: z.boolean(),
  access_key_1_active: z.boolean(),
  access_key_1_last_rotated: ReportDate,
  access_key_1_last_used_date: ReportDate,
  access_key_2_active: z.boolean(),
  access_key_2_last_rotated: ReportDate,
  access_key_2_last_used_date: ReportDate,
  cert_1_active: z.boolean(),
  cert_2_active: z.boolean(),
});
export type CredentialReportRow = z.infer<typeof CredentialReportRow>;

export const CredentialReport = z.object({
  GeneratedTime: IsoDate,
  rows: z.array(CredentialReportRow),
});
export type CredentialReport = z.infer<typeof CredentialReport>;

/** The root user's row in the credential report is named `<root_account>`. */
export const ROOT_REPORT_USER = '<root_account>';

// ---------------------------------------------------------------- IAM: summary, MFA devices

/** GetAccountSummary → SummaryMap (AccountMFAEnabled, AccountAccessKeysPresent, Users, …). */
export const AccountSummary = z.record(z.string(), z.number());
export type AccountSummary = z.infer<typeof AccountSummary>;

/** ListVirtualMFADevices → VirtualMFADevices (AssignmentStatus=Any). */
export const VirtualMfaDevice = z
  .object({
    SerialNumber: z.string(),
    User: z.object({ Arn: z.string(), UserName: z.string().optional(), UserId: z.string().optional() }).passthrough().optional(),
    EnableDate: IsoDate.optional(),
  })
  .passthrough();
export type VirtualMfaDevice = z.infer<typeof VirtualMfaDevice>;

// ---------------------------------------------------------------- IAM: authorization details

export const AttachedPolicy = z.object({ PolicyName: z.string(), PolicyArn: z.string() }).passthrough();
export const InlinePolicy = z.object({ PolicyName: z.string(), PolicyDocument }).passthrough();
export const PermissionsBoundary = z
  .object({ PermissionsBoundaryType: z.string().optional(), PermissionsBoundaryArn: z.string() })
  .passthrough();
export const Tag = z.object({ Key: z.string(), Value: z.string() });

export const UserDetail = z
  .object({
    UserName: z.string(),
    UserId: z.string().optional(),
    Arn: z.string(),
    Path: z.string().optional(),
    CreateDate: IsoDate.optional(),
    GroupList: z.array(z.string()).default([]),
    AttachedManagedPolicies: z.array(AttachedPolicy).default([]),
    UserPolicyList: z.array(InlinePolicy).default([]),
    PermissionsBoundary: PermissionsBoundary.optional(),
    Tags: z.array(Tag).optional(),
  })
  .passthrough();
export type UserDetail = z.infer<typeof UserDetail>;

export const GroupDetail = z
  .object({
    GroupName: z.string(),
    GroupId: z.string().optional(),
    Arn: z.string(),
    Path: z.string().optional(),
    CreateDate: IsoDate.optional(),
    AttachedManagedPolicies: z.array(AttachedPolicy).default([]),
    GroupPolicyList: z.array(InlinePolicy).default([]),
  })
  .passthrough();
export type GroupDetail = z.infer<typeof GroupDetail>;

export const RoleDetail = z
  .object({
    RoleName: z.string(),
    RoleId: z.string().optional(),
    Arn: z.string(),
    Path: z.string().optional(),
    CreateDate: IsoDate.optional(),
    AssumeRolePolicyDocument: PolicyDocument.optional(),
    AttachedManagedPolicies: z.array(AttachedPolicy).default([]),
    RolePolicyList: z.array(InlinePolicy).default([]),
    PermissionsBoundary: PermissionsBoundary.optional(),
    RoleLastUsed: z.object({ LastUsedDate: IsoDate.optional(), Region: z.string().optional() }).passthrough().optional(),
    Tags: z.array(Tag).optional(),
  })
  .passthrough();
export type RoleDetail = z.infer<typeof RoleDetail>;

/** A managed policy with its default version's document (decoded). */
export const ManagedPolicyDetail = z
  .object({
    PolicyName: z.string(),
    PolicyId: z.string().optional(),
    Arn: z.string(),
    Path: z.string().optional(),
    DefaultVersionId: z.string().optional(),
    AttachmentCount: z.number().int().optional(),
    IsAttachable: z.boolean().optional(),
    /** The default version's document. */
    Document: PolicyDocument,
  })
  .passthrough();
export type ManagedPolicyDetail = z.infer<typeof ManagedPolicyDetail>;

export const AuthorizationDetails = z.object({
  UserDetailList: z.array(UserDetail),
  GroupDetailList: z.array(GroupDetail),
  RoleDetailList: z.array(RoleDetail),
  Policies: z.array(ManagedPolicyDetail),
  /**
   * Items of the response that could not be read (e.g. a managed policy without PolicyName)
   * and were left out, each with where it was and why. One malformed item never discards the
   * rest: principals that attach a left-out policy or group list it as unresolved, and the
   * access rules that depend on it say so.
   */
  unresolvedItems: z.array(z.object({ path: z.string(), reason: z.string() })).optional(),
});
export type AuthorizationDetails = z.infer<typeof AuthorizationDetails>;

// ---------------------------------------------------------------- CloudTrail

export const TrailStatus = z
  .object({
    IsLogging: z.boolean(),
    LatestDeliveryTime: IsoDate.optional(),
    LatestDeliveryError: z.string().optional(),
    LatestCloudWatchLogsDeliveryTime: IsoDate.optional(),
    LatestCloudWatchLogsDeliveryError: z.string().optional(),
    LatestDigestDeliveryTime: IsoDate.optional(),
    LatestDigestDeliveryError: z.string().optional(),
    StartLoggingTime: IsoDate.optional(),
    StopLoggingTime: IsoDate.optional(),
  })
  .passthrough();

export const EventSelector = z
  .object({
    ReadWriteType: z.enum(['ReadOnly', 'WriteOnly', 'All']).optional(),
    IncludeManagementEvents: z.boolean().optional(),
    DataResources: z.array(z.object({ Type: z.string(), Values: z.array(z.string()).optional() }).passthrough()).optional(),
    ExcludeManagementEventSources: z.array(z.string()).optional(),
  })
  .passthrough();
export type EventSelector = z.infer<typeof EventSelector>;

export const AdvancedFieldSelector = z
  .object({
    Field: z.string(),
    Equals: z.array(z.string()).optional(),
    StartsWith: z.array(z.string()).optional(),
    EndsWith: z.array(z.string()).optional(),
    NotEquals: z.array(z.string()).optional(),
    NotStartsWith: z.array(z.string()).optional(),
    NotEndsWith: z.array(z.string()).optional(),
  })
  .passthrough();
export const AdvancedEventSelector = z
  .object({ Name: z.string().optional(), FieldSelectors: z.array(AdvancedFieldSelector) })
  .passthrough();
export type AdvancedEventSelector = z.infer<typeof AdvancedEventSelector>;

/** DescribeTrails entry + GetTrailStatus + GetEventSelectors, merged per trail. */
export const Trail = z
  .object({
    Name: z.string(),
    TrailARN: z.string(),
    HomeRegion: z.string(),
    S3BucketName: z.string().optional(),
    IsMultiRegionTrail: z.boolean().default(false),
    IsOrganizationTrail: z.boolean().optional(),
    IncludeGlobalServiceEvents: z.boolean().optional(),
    LogFileValidationEnabled: z.boolean().default(false),
    KmsKeyId: z.string().optional(),
    CloudWatchLogsLogGroupArn: z.string().optional(),
    CloudWatchLogsRoleArn: z.string().optional(),
    HasCustomEventSelectors: z.boolean().optional(),
    HasInsightSelectors: z.boolean().optional(),
    /**
     * GetInsightSelectors (only asked when HasInsightSelectors is true; `[]` when DescribeTrails
     * says there are none). Absent = not collected.
     */
    InsightSelectors: z.array(z.object({ InsightType: z.string(), EventCategories: z.array(z.string()).optional() }).passthrough()).optional(),
    /** GetTrailStatus; absent when it could not be read (see collectionErrors). */
    Status: TrailStatus.optional(),
    /** GetEventSelectors: basic selectors (absent when advanced ones are used). */
    EventSelectors: z.array(EventSelector).optional(),
    /** GetEventSelectors: advanced selectors. */
    AdvancedEventSelectors: z.array(AdvancedEventSelector).optional(),
  })
  .passthrough();
export type Trail = z.infer<typeof Trail>;

// ---------------------------------------------------------------- CloudWatch Logs / alarms

export const MetricFilter = z
  .object({
    filterName: z.string(),
    filterPattern: z.string().optional(),
    metricTransformations: z
      .array(z.object({ metricName: z.string(), metricNamespace: z.string() }).passthrough())
      .default([]),
  })
  .passthrough();

/** A CloudWatch Logs log group that a trail delivers to (DescribeLogGroups + DescribeMetricFilters). */
export const LogGroup = z
  .object({
    logGroupName: z.string(),
    arn: z.string().optional(),
    /** Absent = never expire (CloudWatch Logs' default). */
    retentionInDays: z.number().int().positive().optional(),
    kmsKeyId: z.string().optional(),
    metricFilters: z.array(MetricFilter).default([]),
  })
  .passthrough();
export type LogGroup = z.infer<typeof LogGroup>;

/** CloudWatch DescribeAlarms → MetricAlarms (only the fields rules judge). */
export const MetricAlarm = z
  .object({
    AlarmName: z.string(),
    MetricName: z.string().optional(),
    Namespace: z.string().optional(),
    ActionsEnabled: z.boolean().optional(),
    AlarmActions: z.array(z.string()).default([]),
  })
  .passthrough();
export type MetricAlarm = z.infer<typeof MetricAlarm>;

// ---------------------------------------------------------------- data stores

/** A data store found through its tags (Resource Groups Tagging API GetResources). */
export const TaggedResource = z.object({ ResourceARN: z.string(), Tags: z.array(Tag).default([]) }).passthrough();
export type TaggedResource = z.infer<typeof TaggedResource>;

/**
 * The account's data stores and their protection (#17: data.public-exposure, data.encryption-at-rest,
 * data.backups, data.location), collected once for the four rules. Conventions as everywhere: a field
 * that is ABSENT was not read (the reason is in `unread` / `collectionErrors`), `null` is AWS's own
 * "none" answer (NoSuchPublicAccessBlockConfiguration, ServerSideEncryptionConfigurationNotFoundError,
 * NoSuchBucketPolicy), and AWS field names are kept.
 */
export const PublicAccessBlock = z
  .object({
    BlockPublicAcls: z.boolean().optional(),
    IgnorePublicAcls: z.boolean().optional(),
    BlockPublicPolicy: z.boolean().optional(),
    RestrictPublicBuckets: z.boolean().optional(),
  })
  .passthrough();
export type PublicAccessBlock = z.infer<typeof PublicAccessBlock>;

export const AclGrant = z
  .object({
    Grantee: z.object({ Type: z.string().optional(), URI: z.string().optional(), ID: z.string().optional() }).passthrough().optional(),
    Permission: z.string().optional(),
  })
  .passthrough();

export const SseRule = z
  .object({
    ApplyServerSideEncryptionByDefault: z.object({ SSEAlgorithm: z.string(), KMSMasterKeyID: z.string().optional() }).passthrough().optional(),
    BucketKeyEnabled: z.boolean().optional(),
  })
  .passthrough();

export const DataBucket = z
  .object({
    Name: z.string(),
    /** ListBuckets' BucketRegion (or GetBucketLocation); absent = not known. */
    Region: z.string().optional(),
    /** Tags from the Tagging API in the bucket's region ([] = none); absent = not read. */
    Tags: z.array(Tag).optional(),
    PublicAccessBlock: PublicAccessBlock.nullable().optional(),
    /** GetBucketPolicyStatus: S3's own judgement of the bucket policy (null = no policy). */
    PolicyStatus: z.object({ IsPublic: z.boolean().optional() }).passthrough().nullable().optional(),
    Policy: PolicyDocument.nullable().optional(),
    AclGrants: z.array(AclGrant).optional(),
    /** GetBucketEncryption rules (null = no default encryption configured). */
    Encryption: z.object({ Rules: z.array(SseRule).default([]) }).passthrough().nullable().optional(),
    /** GetBucketVersioning: `Status` absent = never enabled. */
    Versioning: z.object({ Status: z.string().optional(), MFADelete: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
export type DataBucket = z.infer<typeof DataBucket>;

export const DataTable = z
  .object({
    TableName: z.string(),
    TableArn: z.string(),
    Region: z.string(),
    Tags: z.array(Tag).optional(),
    /** DescribeTable's SSEDescription: null = absent from the answer (AWS owned key, the default). */
    SSEDescription: z.object({ Status: z.string().optional(), SSEType: z.string().optional(), KMSMasterKeyArn: z.string().optional() }).passthrough().nullable().optional(),
    /** DescribeContinuousBackups: PointInTimeRecoveryDescription.PointInTimeRecoveryStatus. */
    PointInTimeRecoveryStatus: z.string().optional(),
  })
  .passthrough();
export type DataTable = z.infer<typeof DataTable>;

/** An RDS DB instance (not part of a cluster) or DB cluster, as DescribeDBInstances / DescribeDBClusters print it. */
export const DataDatabase = z
  .object({
    kind: z.enum(['instance', 'cluster']),
    Identifier: z.string(),
    Arn: z.string(),
    Region: z.string(),
    Engine: z.string().optional(),
    StorageEncrypted: z.boolean().optional(),
    KmsKeyId: z.string().optional(),
    /** Instances only (a cluster's instances carry it). */
    PubliclyAccessible: z.boolean().optional(),
    BackupRetentionPeriod: z.number().int().optional(),
    TagList: z.array(Tag).optional(),
    /** An instance that belongs to a cluster: the cluster carries storage encryption and backups. */
    DBClusterIdentifier: z.string().optional(),
  })
  .passthrough();
export type DataDatabase = z.infer<typeof DataDatabase>;

/** A snapshot anyone can restore: an EBS snapshot with createVolumePermission `all`, an RDS manual snapshot with restore `all`. */
export const PublicSnapshot = z.object({
  kind: z.enum(['ebs', 'rds', 'rds-cluster']),
  Id: z.string(),
  Region: z.string(),
  /** The volume / DB instance / DB cluster it was taken from. */
  Source: z.string().optional(),
  Tags: z.array(Tag).optional(),
});
export type PublicSnapshot = z.infer<typeof PublicSnapshot>;

/** Something that could not be read: rules never PASS what depends on it. */
export const DataStoresUnread = z.object({
  what: z.enum(['regions', 'accountPublicAccessBlock', 'buckets', 'bucketDetail', 'tags', 'tables', 'databases', 'ebsDefaultEncryption', 'snapshots', 'backups']),
  region: z.string().optional(),
  /** The store concerned (bucket name, table ARN…), when it is one. */
  item: z.string().optional(),
  operation: z.string(),
  code: z.string(),
});
export type DataStoresUnread = z.infer<typeof DataStoresUnread>;

export const DataStoresSection = z.object({
  /** The regions read (enabled regions, or the configured list). */
  regions: z.array(z.string()),
  /** S3 Control GetPublicAccessBlock for the account (null = none configured); absent = not read. */
  accountPublicAccessBlock: PublicAccessBlock.nullable().optional(),
  buckets: z.array(DataBucket).default([]),
  tables: z.array(DataTable).default([]),
  databases: z.array(DataDatabase).default([]),
  /** EC2 GetEbsEncryptionByDefault per region read. */
  ebsEncryptionByDefault: z.record(z.string(), z.boolean()).default({}),
  publicSnapshots: z.array(PublicSnapshot).default([]),
  /** AWS Backup ListProtectedResources: resources with at least one recovery point, and the last backup time. */
  backupProtected: z.array(z.object({ ResourceArn: z.string(), ResourceType: z.string().optional(), LastBackupTime: IsoDate.optional() }).passthrough()).default([]),
  unread: z.array(DataStoresUnread).default([]),
});
export type DataStoresSection = z.infer<typeof DataStoresSection>;

// ---------------------------------------------------------------- CloudTrail event history

/**
 * CloudTrail LookupEvents for `UpdateAccountPasswordPolicy` (IAM events are recorded in
 * us-east-1). Event history covers 90 days: `since` is the start of the window searched, so
 * "no event" means "not changed since `since`", never "never changed".
 */
export const PasswordPolicyChanges = z.object({
  since: IsoDate,
  events: z.array(
    z
      .object({
        EventName: z.string(),
        EventTime: IsoDate,
        Username: z.string().optional(),
        EventId: z.string().optional(),
      })
      .passthrough(),
  ),
});
export type PasswordPolicyChanges = z.infer<typeof PasswordPolicyChanges>;

// ---------------------------------------------------------------- threat detection and alert routing

const EnabledState = z.enum(['ENABLED', 'DISABLED']);

/** GuardDuty ListDetectors + GetDetector, in the collection region (one detector per region). */
export const GuardDutySection = z.object({
  region: z.string(),
  detectors: z.array(
    z
      .object({
        DetectorId: z.string(),
        Status: EnabledState,
        Features: z.array(z.object({ Name: z.string(), Status: EnabledState.optional() }).passthrough()).optional(),
        DataSources: z.object({ S3Logs: z.object({ Status: EnabledState }).passthrough().optional() }).passthrough().optional(),
      })
      .passthrough(),
  ),
});
export type GuardDutySection = z.infer<typeof GuardDutySection>;

/** Security Hub DescribeHub in the collection region (`InvalidAccessException` = not enabled). */
export const SecurityHubSection = z.object({ region: z.string(), enabled: z.boolean(), HubArn: z.string().optional() });
export type SecurityHubSection = z.infer<typeof SecurityHubSection>;

/**
 * EventBridge ListRules (default bus) in the collection region, with ListTargetsByRule for the
 * enabled rules whose pattern names a security source (GuardDuty, Security Hub, CloudTrail);
 * `Targets` absent = not read (the rule is not a security route).
 */
export const EventRulesSection = z.object({
  region: z.string(),
  rules: z.array(
    z
      .object({
        Name: z.string(),
        Arn: z.string().optional(),
        State: z.string().optional(),
        EventPattern: z.string().optional(),
        Targets: z.array(z.object({ Id: z.string(), Arn: z.string() }).passthrough()).optional(),
      })
      .passthrough(),
  ),
});
export type EventRulesSection = z.infer<typeof EventRulesSection>;

// ---------------------------------------------------------------- federated sign-in (#17)

/**
 * IAM ListSAMLProviders, and ListRoles' `MaxSessionDuration` (which GetAccountAuthorizationDetails
 * does not return) for the roles whose trust policy names a SAML provider — IAM Identity Center's
 * `AWSReservedSSO_*` roles included. One call plus ListRoles pages: never one call per role.
 */
export const SamlFederationSection = z.object({
  providers: z.array(z.object({ Arn: z.string(), ValidUntil: IsoDate.optional(), CreateDate: IsoDate.optional() }).passthrough()),
  roleSessions: z.array(
    z.object({ RoleName: z.string(), Arn: z.string(), MaxSessionDuration: z.number().int().positive().optional() }).passthrough(),
  ),
});
export type SamlFederationSection = z.infer<typeof SamlFederationSection>;

/** One IAM Identity Center permission set with what decides its rights (sso-admin APIs). */
export const PermissionSet = z
  .object({
    Name: z.string(),
    PermissionSetArn: z.string(),
    /** ISO-8601 duration, e.g. `PT8H` (DescribePermissionSet). Absent = not returned. */
    SessionDuration: z.string().optional(),
    /** ListManagedPoliciesInPermissionSet. */
    AttachedManagedPolicies: z.array(z.object({ Name: z.string().optional(), Arn: z.string() }).passthrough()).default([]),
    /** GetInlinePolicyForPermissionSet (absent when the permission set has none). */
    InlinePolicy: PolicyDocument.optional(),
    /** ListCustomerManagedPolicyReferencesInPermissionSet: policies that must exist by name in each account. */
    CustomerManagedPolicyReferences: z.array(z.object({ Name: z.string(), Path: z.string().optional() }).passthrough()).default([]),
  })
  .passthrough();
export type PermissionSet = z.infer<typeof PermissionSet>;

/**
 * IAM Identity Center instances visible from this account (sso-admin ListInstances) in the regions
 * asked: the collection region and any region an `AWSReservedSSO_*` role path names. An
 * organisation instance is visible only from its management (or delegated administrator) account:
 * from a member account `instances` is empty and permission sets cannot be read there.
 */
export const IdentityCenterSection = z.object({
  regions: z.array(z.string()),
  instances: z.array(
    z
      .object({
        InstanceArn: z.string(),
        region: z.string(),
        IdentityStoreId: z.string().optional(),
        OwnerAccountId: z.string().optional(),
        Status: z.string().optional(),
        permissionSets: z.array(PermissionSet),
      })
      .passthrough(),
  ),
});
export type IdentityCenterSection = z.infer<typeof IdentityCenterSection>;

// ---------------------------------------------------------------- trail buckets (#17)

/**
 * The S3 bucket of each trail, as far as this account can read it: whether this account owns it
 * (S3 ListBuckets lists it; otherwise it belongs to another account — a log archive), and for an
 * owned bucket its policy, Object Lock configuration and lifecycle rules. `null` = S3 answered
 * "none" (NoSuchBucketPolicy, ObjectLockConfigurationNotFoundError, NoSuchLifecycleConfiguration);
 * absent = not read (a bucket of another account, or an error named in `collectionErrors`).
 */
export const TrailBucket = z
  .object({
    Name: z.string(),
    inAccount: z.boolean(),
    Policy: PolicyDocument.nullable().optional(),
    ObjectLockConfiguration: z
      .object({
        ObjectLockEnabled: z.string().optional(),
        Rule: z
          .object({ DefaultRetention: z.object({ Mode: z.string().optional(), Days: z.number().int().optional(), Years: z.number().int().optional() }).passthrough().optional() })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .nullable()
      .optional(),
    LifecycleRules: z
      .array(
        z
          .object({
            ID: z.string().optional(),
            Status: z.string(),
            Prefix: z.string().optional(),
            Filter: z.unknown().optional(),
            Expiration: z.object({ Days: z.number().int().optional(), Date: z.string().optional() }).passthrough().optional(),
            NoncurrentVersionExpiration: z.object({ NoncurrentDays: z.number().int().optional() }).passthrough().optional(),
          })
          .passthrough(),
      )
      .nullable()
      .optional(),
  })
  .passthrough();
export type TrailBucket = z.infer<typeof TrailBucket>;

// ---------------------------------------------------------------- activity (CloudTrail events)

/**
 * Aggregated CloudTrail activity per principal over a window (window, time zone, sources
 * read, truncation, file errors, per-principal aggregates). The shape is owned by
 * lib/activity/schema.ts.
 */
export { ActivitySection } from '../activity/schema';

// ---------------------------------------------------------------- snapshot

export const CollectionError = z.object({
  section: SectionName,
  /** The AWS operation or the file that failed, e.g. `cloudtrail:DescribeTrails` or `trails.json`. */
  operation: z.string(),
  /** AWS error name (`AccessDenied`, `ThrottlingException`, …) or a local code (`FileMissing`, `InvalidJson`). */
  code: z.string(),
  message: z.string(),
  region: z.string().optional(),
});
export type CollectionError = z.infer<typeof CollectionError>;

export const SnapshotSource = z.object({
  kind: z.enum(['live', 'export', 'scenario']),
  /** Scenario name, export directory, or `profile@region` for live collection. */
  name: z.string(),
  toolVersion: z.string(),
});
export type SnapshotSource = z.infer<typeof SnapshotSource>;

export const AccountSnapshot = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  account: z.object({
    id: z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits'),
    alias: z.string().optional(),
  }),
  /** When the facts were read. Rules use this as "now" (they never read the clock). */
  collectedAt: IsoDate,
  source: SnapshotSource,
  passwordPolicy: PasswordPolicy.nullable().optional(),
  credentialReport: CredentialReport.optional(),
  accountSummary: AccountSummary.optional(),
  virtualMfaDevices: z.array(VirtualMfaDevice).optional(),
  authorizationDetails: AuthorizationDetails.optional(),
  trails: z.array(Trail).optional(),
  logGroups: z.array(LogGroup).optional(),
  metricAlarms: z.array(MetricAlarm).optional(),
  personalDataStores: z.array(TaggedResource).optional(),
  activity: ActivitySection.optional(),
  passwordPolicyChanges: PasswordPolicyChanges.optional(),
  guardDuty: GuardDutySection.optional(),
  securityHub: SecurityHubSection.optional(),
  eventRules: EventRulesSection.optional(),
  samlFederation: SamlFederationSection.optional(),
  identityCenter: IdentityCenterSection.optional(),
  trailBuckets: z.array(TrailBucket).optional(),
  dataStores: DataStoresSection.optional(),
  collectionErrors: z.array(CollectionError).default([]),
  /** API calls made per operation (live collection), e.g. `{ "iam:GetAccountAuthorizationDetails": 3 }`. */
  apiCalls: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type AccountSnapshot = z.infer<typeof AccountSnapshot>;
export type AccountSnapshotInput = z.input<typeof AccountSnapshot>;

/** Parse and validate a snapshot; throws a `SnapshotValidationError` naming each bad path. */
export function parseSnapshot(input: unknown, origin = 'snapshot'): AccountSnapshot {
  const result = AccountSnapshot.safeParse(input);
  if (!result.success) {
    throw new SnapshotValidationError(origin, result.error);
  }
  return result.data;
}

export class SnapshotValidationError extends Error {
  public readonly issues: string[];
  public constructor(origin: string, error: z.ZodError) {
    const issues = error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    super(`${origin} is not a valid account snapshot:\n  - ${issues.slice(0, 20).join('\n  - ')}`);
    this.name = 'SnapshotValidationError';
    this.issues = issues;
  }
}
