/**
 * The ONE configuration schema of the deployed collector.
 *
 * Cloud teams write it in `cdk.json` under the context key `art32`; the CDK constructs
 * parse it at synth (a bad key fails synth with the key's path in the message), derive
 * each Lambda's environment from it, and the handlers parse that environment with the
 * schemas below, so a key the construct sets and the key a handler reads can't drift.
 */
import { z } from 'zod';

/** The cdk.json context key that holds the configuration. */
export const CONFIG_CONTEXT_KEY = 'art32';

const AccountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');
/** S3 bucket names: 3-63 characters of lowercase letters, digits, dots and hyphens. */
const S3BucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name is 3-63 lowercase letters, digits, dots and hyphens');
const Email = z.email('expected an email address');
/** IAM role names: 1-64 characters of `\w+=,.@-` (IAM CreateRole). */
const RoleName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name is 1-64 characters of letters, digits and +=,.@_-');
const IamArn = z
  .string()
  .regex(/^arn:aws[\w-]*:(iam|sts)::\d{12}:[\w+=,.@/:-]+$/, 'expected an IAM role/user ARN (arn:aws:iam::<account>:role/<name>)');

/**
 * An EventBridge Scheduler expression. Scheduler cron has six fields
 * (minutes hours day-of-month month day-of-week year) and one of day-of-month /
 * day-of-week must be `?`.
 */
export const ScheduleExpression = z
  .string()
  .regex(/^(cron\((\S+ ){5}\S+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/, 'expected cron(m h dom mon dow year) or rate(n unit)');

/** IANA time zone, validated against the runtime's own list so a typo fails at synth. */
export const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as Europe/Paris' },
);

export const Schedule = z
  .object({
    expression: ScheduleExpression,
    timeZone: TimeZone.default('Europe/Paris'),
  })
  .strict();
export type Schedule = z.infer<typeof Schedule>;

/** Which accounts one run covers: a fixed list, or every ACTIVE account of the organisation. */
export const AccountsConfig = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('list'), ids: z.array(AccountId).min(1, 'list at least one account id') }).strict(),
  z
    .object({
      mode: z.literal('organization'),
      /** Accounts of the organisation to leave out (e.g. a suspended sandbox). */
      excludeIds: z.array(AccountId).default([]),
    })
    .strict(),
]);
export type AccountsConfig = z.infer<typeof AccountsConfig>;

export const ReportConfig = z
  .object({
    /** Who receives the weekly email. */
    recipients: z.array(Email).min(1, 'list at least one recipient'),
    /** The From address; it must belong to a verified SES identity. */
    sender: Email,
    /**
     * The verified SES identity that covers `sender` (the address itself or its domain).
     * The report function may send from this identity only. Default: the sender address.
     */
    identity: z.string().min(3).optional(),
    schedule: Schedule.default({ expression: 'cron(0 8 ? * MON *)', timeZone: 'Europe/Paris' }),
    /**
     * Name people (IAM users, role sessions, federated users) by stable pseudonyms in the email:
     * the stack creates a KMS HMAC key that only the report function and `pseudonymResolvers`
     * may compute with (docs/activity.md, infra/constructs/pseudonym-key.ts). Default false.
     */
    pseudonymise: z.boolean().default(false),
    /**
     * Who may resolve a pseudonym (`art32 pseudonym resolve --kms-key-id`): existing IAM role or
     * user ARNs, e.g. the DPO's. Each resolution is a kms:GenerateMac call logged by CloudTrail.
     */
    pseudonymResolvers: z.array(IamArn).default([]),
  })
  .strict()
  .superRefine((report, ctx) => {
    if (report.pseudonymResolvers.length > 0 && !report.pseudonymise) {
      ctx.addIssue({ code: 'custom', path: ['pseudonymResolvers'], message: 'resolvers of pseudonyms need "pseudonymise": true (the email names people in clear otherwise)' });
    }
  });
export type ReportConfig = z.infer<typeof ReportConfig>;

export const DEFAULT_DAILY_SCHEDULE = { expression: 'cron(0 6 * * ? *)', timeZone: 'Europe/Paris' } as const;

/** Timeout of the collect-account function; the activity call budget is checked against it. */
export const COLLECT_ACCOUNT_TIMEOUT_SECONDS = 600;
/** CloudTrail LookupEvents: 2 calls per second per account and region, so 0.5 s a call. */
const LOOKUP_EVENTS_SECONDS_PER_CALL = 0.5;
/**
 * At most half the function's timeout paced LookupEvents calls (300 s): the rest is for the
 * throttle backoffs, the other sections (the credential report alone may wait 2 min, in
 * parallel), evaluation and the evidence write.
 */
export const MAX_ACTIVITY_CALLS = Math.floor((COLLECT_ACCOUNT_TIMEOUT_SECONDS * 0.5) / LOOKUP_EVENTS_SECONDS_PER_CALL);

/**
 * What the scheduled collection reads of each account's CloudTrail for
 * `monitoring.abnormal-activity`: LookupEvents (management events) over `windowHours` before
 * the run, within `maxCalls` (50 events a call, 0.5 s a call); the trail's log files in S3
 * (`s3`: data events too, read by the run's own Distributed Map); or nothing (`none`: the
 * rule then reports ERROR, not verified).
 */
export const ActivityConfig = z.discriminatedUnion('source', [
  z
    .object({
      source: z.literal('lookup-events'),
      windowHours: z.number().positive().max(90 * 24, 'LookupEvents keeps 90 days (2160 hours)').default(24),
      maxCalls: z
        .number()
        .int()
        .min(1)
        .max(MAX_ACTIVITY_CALLS, `at most ${MAX_ACTIVITY_CALLS} calls: ${MAX_ACTIVITY_CALLS} × ${LOOKUP_EVENTS_SECONDS_PER_CALL} s is half the ${COLLECT_ACCOUNT_TIMEOUT_SECONDS} s timeout of the collect-account function`)
        .default(300),
      timeZone: TimeZone.default('Europe/Paris'),
    })
    .strict(),
  z.object({ source: z.literal('none') }).strict(),
  /**
   * The trail's log files in S3 (an organisation trail's bucket, usually in a log-archive
   * account): each run lists the window's objects of every account (lister Lambda), reads them
   * in batches (a Distributed Map of worker Lambdas, each returning a mergeable partial) and each
   * account's evaluation merges its partials. Data events included: bytes read per principal.
   * The grants to give in the log-archive account are in docs/deploy.md.
   */
  z
    .object({
      source: z.literal('s3'),
      bucket: S3BucketName,
      /** Key prefix of the trail (its S3KeyPrefix), without `AWSLogs/`. Default: none. */
      prefix: z
        .string()
        .regex(/^([\w!.*'()-]+\/)*[\w!.*'()-]*$/, 'a key prefix such as "org-trail" or "logs/org-trail" (no leading slash, no "AWSLogs/")')
        .max(200)
        .default(''),
      /** The account that owns the bucket: reads are refused unless the bucket is that account's (s3:ResourceAccount). */
      bucketAccount: AccountId,
      /** The KMS key of the trail's log files (SSE-KMS), if any: decrypt is granted through S3 only. */
      kmsKeyArn: z
        .string()
        .regex(/^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, 'expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)')
        .optional(),
      /** Organisation id of an organisation trail (`AWSLogs/o-…/`); absent = discovered in the bucket. */
      organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'an organisation id looks like o-abcd123456').optional(),
      /** Hours before the run to read. Default 24. */
      windowHours: z.number().positive().max(7 * 24, 'at most 168 hours (a week) of log files per run').default(24),
      timeZone: TimeZone.default('Europe/Paris'),
      /** Batches of log files read at once (worker Lambdas). */
      readConcurrency: z.number().int().min(1).max(1000).default(40),
      /** Fixed names of the lister's and the workers' roles: the log-archive bucket and key policies name them by ARN. */
      listerRoleName: RoleName.default('art32-activity-log-lister'),
      readerRoleName: RoleName.default('art32-activity-log-reader'),
    })
    .strict(),
]);
export type ActivityConfig = z.infer<typeof ActivityConfig>;
export const DEFAULT_ACTIVITY_CONFIG = { source: 'lookup-events', windowHours: 24, maxCalls: 300, timeZone: 'Europe/Paris' } as const;

/**
 * Who may read the evidence as an auditor (the `art32-auditor` role of the collector stack):
 * read-only on the evidence table and its indexes, the evidence key through DynamoDB only,
 * MFA required; principals of other accounts also need the ExternalId. Or (and) an output
 * with the same policy for an IAM Identity Center permission set.
 */
export const AuditorsConfig = z
  .object({
    /** IAM role or user ARNs trusted to assume the auditor role (same or other accounts). */
    principals: z.array(IamArn).default([]),
    /** Accounts trusted as a whole (their administrators delegate with IAM; MFA still required). */
    accounts: z.array(AccountId).default([]),
    /**
     * Required when a trusted principal or account is not the collector account: the
     * confused-deputy guard of cross-account trust (given to the audit firm, not a secret).
     */
    externalId: z
      .string()
      .regex(/^[\w+=,.@:/-]{2,1224}$/, 'an ExternalId is 2-1224 characters of letters, digits and +=,.@:/-')
      .optional(),
    roleName: RoleName.default('art32-auditor'),
    /** Also output the role's policy as JSON for an IAM Identity Center permission set. */
    identityCenterPermissionSet: z.boolean().default(false),
  })
  .strict()
  .refine((a) => a.principals.length + a.accounts.length > 0 || a.identityCenterPermissionSet, {
    message: 'list at least one trusted principal or account, or set identityCenterPermissionSet',
  });
export type AuditorsConfig = z.infer<typeof AuditorsConfig>;

/** The account an ARN belongs to (IamArn guarantees the shape). */
export function arnAccount(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/**
 * Where the deployed pipeline publishes each sealed run besides the evidence table (a
 * PublishFindings step after FinalizeRun, with its own role: the sealer never gets these grants).
 */
export const IntegrationsConfig = z
  .object({
    /** `art32 Finding Changed` / `art32 Run Completed` events on the collector account's default bus. */
    events: z.boolean().default(true),
    /** Import findings into the collector account's Security Hub (it must be enabled there). */
    securityHub: z.boolean().default(false),
  })
  .strict();
export type IntegrationsConfig = z.infer<typeof IntegrationsConfig>;

/**
 * The optional guardrails (Art32Guardrails stack): an Organizations service control policy that
 * denies the protection-undoing calls on the evidence table, keys and anchor bucket to all but
 * break-glass, deployed in the organization's management account.
 */
export const GuardrailsConfig = z
  .object({
    /** The organization's management account (SCPs are created there). */
    managementAccountId: AccountId,
    /** Roots (r-…), OUs (ou-…) or account ids the SCP is attached to: at least the collector account's. */
    targetIds: z
      .array(z.string().regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/, 'a root (r-…), an OU (ou-…) or a 12-digit account id'))
      .min(1),
  })
  .strict();
export type GuardrailsConfig = z.infer<typeof GuardrailsConfig>;

/** 3 years + 1 day: CNIL délibération n° 2021-122 admits up to 3 years of log retention for documented internal control. */
export const DEFAULT_ANCHOR_RETENTION_DAYS = 1096;

/**
 * The WORM anchor bucket (S3 Object Lock, compliance mode) that every seal is copied to.
 * Deployed by its own stack (Art32Anchors), ideally in a separate log-archive account.
 */
export const AnchorsConfig = z
  .object({
    /** Account of the anchor bucket (a log-archive account); default: the collector account. */
    accountId: AccountId.optional(),
    /** Bucket name; default `art32-anchors-<account>-<region>`. */
    bucketName: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name is 3-63 characters of a-z 0-9 . -')
      .optional(),
    /**
     * Days each anchor stays locked (compliance mode: nobody, root included, can shorten it).
     * Default 1096 (3 years + 1 day), the internal-control period of CNIL délibération n° 2021-122.
     */
    retentionDays: z.number().int().min(1).max(36500).default(DEFAULT_ANCHOR_RETENTION_DAYS),
    /**
     * Who is told when the anchor bucket's lock, policy, versioning or lifecycle is changed, when
     * the bucket lives in another account than the collector (its stack then has its own alarm
     * topic there); default: `alarmEmail`. In the collector's account the collector's alarm covers it.
     */
    alarmEmail: Email.optional(),
  })
  .strict();
export type AnchorsConfig = z.infer<typeof AnchorsConfig>;

export const Art32Config = z
  .object({
    /**
     * Region of the collector stack (table, functions, schedules, SES identity). A literal
     * region keeps synth offline (no lookups) and is required by the CMK-encrypted TableV2.
     */
    region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'expected an AWS region such as eu-west-3').default('eu-west-3'),
    accounts: AccountsConfig,
    /**
     * Account that runs the collector stack; the member-account role trusts only the
     * collector role in this account. Required to synthesise the member stack.
     */
    collectorAccountId: AccountId.optional(),
    /** Name of the read-only role the member stack creates in every collected account. */
    memberRoleName: RoleName.default('art32-member-readonly'),
    /** Fixed name of the collect-account Lambda's role, so member accounts can trust it by ARN. */
    collectorRoleName: RoleName.default('art32-collector'),
    /**
     * Fixed name of the sealing function's role (FinalizeRun): the signing key policy and the
     * anchor bucket policy (possibly in another account) name it by ARN.
     */
    sealerRoleName: RoleName.default('art32-sealer'),
    /** The anchor bucket (WORM copy of every seal). */
    anchors: AnchorsConfig.default({ retentionDays: DEFAULT_ANCHOR_RETENTION_DAYS }),
    /** Organizations SCP guarding the evidence protections (absent = not deployed). */
    guardrails: GuardrailsConfig.optional(),
    /**
     * ExternalId required by the member role's trust policy (confused-deputy guard;
     * not a secret). STS accepts 2-1224 characters of `\w+=,.@:/-`.
     */
    externalId: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'an ExternalId is 2-1224 characters of letters, digits and +=,.@:/-'),
    schedule: Schedule.default(DEFAULT_DAILY_SCHEDULE),
    /**
     * Accounts collected at once (child executions of the Distributed Map). Bounded by the
     * region's Lambda concurrency (1,000 by default, shared with every other function).
     */
    mapConcurrency: z.number().int().min(1).max(500).default(5),
    /**
     * Percentage of account child executions that may fail (could not start, or failed past
     * every Catch: a collection failure is recorded, not a child failure) before the fan-out
     * stops starting new ones. Default 100: never stop. Lower it to stop early when every
     * account fails the same way; the run still finalizes (unreached accounts are UNRECORDED).
     */
    mapToleratedFailurePercentage: z.number().min(0).max(100).default(100),
    /** Weekly compliance email; absent = no report function. */
    report: ReportConfig.optional(),
    /**
     * The only principal that may delete or update evidence items or delete the table
     * (the table's resource policy denies everyone else). Default: nobody.
     */
    breakGlassPrincipalArn: IamArn.nullable().default(null),
    /**
     * Email subscribed to the alarm topic (confirm the subscription email). Required: an alarm
     * nobody receives is a silent failure. Opt out only explicitly with `"alarms": "none"`.
     */
    alarmEmail: Email.optional(),
    /** `"none"`: deploy without an alarm subscription (alarms and topic still exist; subscribe the topic yourself). */
    alarms: z.literal('none').optional(),
    tableName: z
      .string()
      .regex(/^[\w.-]{3,255}$/, 'a DynamoDB table name is 3-255 characters of letters, digits and _.-')
      .default('art32-evidence'),
    /** CloudTrail activity read in each account (default: LookupEvents, 24 h, 300 calls). */
    activity: ActivityConfig.default(DEFAULT_ACTIVITY_CONFIG),
    /** Days of Lambda / state machine logs kept in CloudWatch Logs. */
    logRetentionDays: z.number().int().positive().default(365),
    /** Read-only, MFA-only auditor role (absent = none). */
    auditors: AuditorsConfig.optional(),
    /** EventBridge events (default on) and Security Hub import (default off) of each sealed run. */
    integrations: IntegrationsConfig.default({ events: true, securityHub: false }),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.alarmEmail === undefined && config.alarms !== 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['alarmEmail'],
        message: 'required: the email that receives the alarms (failed accounts, no sealed run in 26 h, failed runs, report not delivered); or set "alarms": "none" to deploy without a subscription',
      });
    }
    if (config.alarmEmail !== undefined && config.alarms === 'none') {
      ctx.addIssue({ code: 'custom', path: ['alarms'], message: '"none" contradicts alarmEmail: keep one of them' });
    }
    const auditors = config.auditors;
    if (!auditors || auditors.externalId !== undefined) return;
    const foreign = [...auditors.principals.map(arnAccount), ...auditors.accounts].filter((account) => account !== config.collectorAccountId);
    if (foreign.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['auditors', 'externalId'],
        message: `required: ${[...new Set(foreign)].join(', ')} ${config.collectorAccountId ? `is not the collector account ${config.collectorAccountId}` : 'cannot be checked against collectorAccountId (not set)'}, and cross-account trust needs an ExternalId`,
      });
    }
  });
export type Art32Config = z.infer<typeof Art32Config>;
export type Art32ConfigInput = z.input<typeof Art32Config>;

/** Thrown when the configuration is invalid; the message names each bad key. */
export class ConfigError extends Error {
  public readonly issues: string[];
  public constructor(origin: string, issues: string[]) {
    super(`invalid ${origin}:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

function describeIssues(error: z.ZodError, prefix: string): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    // zod reports unknown keys on the parent object; name them so a typo is obvious.
    if (issue.code === 'unrecognized_keys') {
      return `${issue.keys.map((k) => [path, k].filter(Boolean).join('.')).join(', ')}: unknown key`;
    }
    return `${path || '(root)'}: ${issue.message}`;
  });
}

/** Parse the configuration (e.g. the `art32` cdk.json context value). */
export function parseConfig(input: unknown, origin = `cdk.json context "${CONFIG_CONTEXT_KEY}"`): Art32Config {
  const result = Art32Config.safeParse(input);
  if (!result.success) throw new ConfigError(origin, describeIssues(result.error, CONFIG_CONTEXT_KEY));
  return result.data;
}

// ---------------------------------------------------------------- Lambda environments

/** Environment every function gets (Powertools reads these itself). */
const CommonEnv = z.object({
  POWERTOOLS_SERVICE_NAME: z.string().min(1),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1),
});

const csvItems = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);
const AccountIdList = z.string().transform(csvItems).pipe(z.array(AccountId));
/** A number written in an environment variable. */
const decimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected a number')
  .transform(Number);
const EmailList = z.string().transform(csvItems).pipe(z.array(Email).min(1, 'list at least one recipient'));

export const ListAccountsEnv = CommonEnv.extend({
  /** The evidence table: ListAccounts takes the run lock there (lib/evidence/run-lock.ts). */
  TABLE_NAME: z.string().min(3),
  ACCOUNTS_MODE: z.enum(['list', 'organization']),
  /** Comma-separated ids: the accounts (list mode) or the exclusions (organisation mode). */
  ACCOUNT_IDS: AccountIdList,
  /** The run work bucket: the account list is written there and the state carries its key (lib/run/account-list.ts). */
  WORK_BUCKET: z.string().min(3).optional(),
});
export type ListAccountsEnv = z.infer<typeof ListAccountsEnv>;

export const CollectAccountEnv = CommonEnv.extend({
  TABLE_NAME: z.string().min(3),
  MEMBER_ROLE_NAME: RoleName,
  EXTERNAL_ID: z.string().min(2),
  /** aws, aws-cn, aws-us-gov: the member role ARN is built in the collector's partition. */
  AWS_PARTITION_NAME: z.string().regex(/^aws[\w-]*$/),
  /** `lookup-events`, `s3` (merge the run's log-file partials) or `none`; absent = none (a function deployed before this setting). */
  ACTIVITY_SOURCE: z.enum(['lookup-events', 's3', 'none']).default('none'),
  /** `s3`: the run work bucket holding the listing and partials of the trail's log files. */
  ACTIVITY_WORK_BUCKET: S3BucketName.optional(),
  /** `s3`: the trail's `s3://bucket/prefix` (the source's location in the evidence). */
  ACTIVITY_TRAIL_URI: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/).optional(),
  ACTIVITY_WINDOW_HOURS: decimal.pipe(z.number().positive().max(90 * 24)).optional(),
  ACTIVITY_MAX_CALLS: decimal.pipe(z.number().int().min(1).max(MAX_ACTIVITY_CALLS)).optional(),
  ACTIVITY_TIME_ZONE: TimeZone.optional(),
});
export type CollectAccountEnv = z.infer<typeof CollectAccountEnv>;

/** The trail's log files of one run: where they are, the window, where the work goes. */
const ActivityLogsEnv = CommonEnv.extend({
  /** The run work bucket (listing manifests, partial aggregates; expired after a few days). */
  WORK_BUCKET: S3BucketName,
  TRAIL_BUCKET: S3BucketName,
  /** The trail's key prefix with its trailing slash, or empty. */
  TRAIL_PREFIX: z.string().max(201).default(''),
  /** The bucket owner: every request carries it as ExpectedBucketOwner. */
  TRAIL_BUCKET_ACCOUNT: AccountId,
  ACTIVITY_WINDOW_HOURS: decimal.pipe(z.number().positive().max(7 * 24)),
  ACTIVITY_TIME_ZONE: TimeZone,
});

export const ListActivityLogsEnv = ActivityLogsEnv.extend({
  TRAIL_ORGANIZATION_ID: z.string().regex(/^o-[a-z0-9]{10,32}$/).optional(),
});
export type ListActivityLogsEnv = z.infer<typeof ListActivityLogsEnv>;

export const ReadActivityLogsEnv = ActivityLogsEnv;
export type ReadActivityLogsEnv = z.infer<typeof ReadActivityLogsEnv>;

export const FinalizeRunEnv = CommonEnv.extend({
  TABLE_NAME: z.string().min(3),
  /** The manifest signing key (KMS, ECC_NIST_P256 SIGN_VERIFY): FinalizeRun is the sealer. */
  SIGNING_KEY_ID: z.string().min(1),
  /** Where each seal is anchored: s3://bucket/prefix (Object Lock, compliance mode). */
  ANCHORS_URL: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'expected s3://bucket[/prefix]'),
});
export type FinalizeRunEnv = z.infer<typeof FinalizeRunEnv>;

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
export const PublishFindingsEnv = CommonEnv.extend({
  TABLE_NAME: z.string().min(3),
  PUBLISH_EVENTS: flag.default(false),
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  PUBLISH_SECURITY_HUB: flag.default(false),
  AWS_PARTITION_NAME: z.string().regex(/^aws[\w-]*$/).default('aws'),
});
export type PublishFindingsEnv = z.infer<typeof PublishFindingsEnv>;

export const SendReportEnv = CommonEnv.extend({
  TABLE_NAME: z.string().min(3),
  REPORT_SENDER: Email,
  REPORT_RECIPIENTS: EmailList,
  /**
   * The manifest signing key (the sealer's KMS key): the report reads its PUBLIC key
   * (kms:GetPublicKey only) and checks every manifest signature before it calls evidence intact.
   */
  SIGNING_KEY_ID: z.string().min(1),
  /** The KMS HMAC key of `report.pseudonymise`: set = people are named by pseudonyms (kms:GenerateMac). */
  PSEUDONYM_KEY_ID: z.string().min(1).optional(),
});
export type SendReportEnv = z.infer<typeof SendReportEnv>;

/** Parse a handler's environment; a missing or bad variable names itself. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, fn: string): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(`environment of the ${fn} function`, describeIssues(result.error, ''));
  return result.data;
}

// The builders below are what the constructs call: they derive each environment from
// the config and validate it with the handler's own schema before it reaches a template.

export const SERVICE_NAME = 'art32';
export const METRICS_NAMESPACE = 'Art32';

/** A function's Powertools service name: the `service` dimension of its metrics (the alarms name it). */
export function serviceName(fn: string): string {
  return `${SERVICE_NAME}-${fn}`;
}

const common = (fn: string): z.input<typeof CommonEnv> => ({
  POWERTOOLS_SERVICE_NAME: serviceName(fn),
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
});

function checked<S extends z.ZodType>(schema: S, env: Record<string, string>, fn: string): Record<string, string> {
  parseEnv(schema, env, fn);
  return env;
}

/** `tableName` may be a CDK token (an opaque non-empty string here). */
export function listAccountsEnvironment(config: Art32Config, tableName: string, workBucket?: string): Record<string, string> {
  const ids = config.accounts.mode === 'list' ? config.accounts.ids : config.accounts.excludeIds;
  return checked(
    ListAccountsEnv,
    { ...common('list-accounts'), TABLE_NAME: tableName, ACCOUNTS_MODE: config.accounts.mode, ACCOUNT_IDS: ids.join(','), ...(workBucket ? { WORK_BUCKET: workBucket } : {}) },
    'list-accounts',
  );
}

/** `tableName` and `partition` may be CDK tokens; they are opaque non-empty strings here. */
export function collectAccountEnvironment(config: Art32Config, tableName: string, partition: string, workBucket?: string): Record<string, string> {
  return {
    ...common('collect-account'),
    TABLE_NAME: tableName,
    MEMBER_ROLE_NAME: config.memberRoleName,
    EXTERNAL_ID: config.externalId,
    AWS_PARTITION_NAME: partition,
    ...activityEnvironment(config.activity, workBucket),
  };
}

/** The trail's `s3://bucket/prefix/`. */
export function trailUri(activity: Extract<ActivityConfig, { source: 's3' }>): string {
  return `s3://${activity.bucket}/${trailPrefix(activity)}`;
}

/** The trail's key prefix with a trailing slash (`''` when none). */
export function trailPrefix(activity: Extract<ActivityConfig, { source: 's3' }>): string {
  return activity.prefix === '' || activity.prefix.endsWith('/') ? activity.prefix : `${activity.prefix}/`;
}

/** The lister's and the workers' environment (`workBucket` may be a CDK token). */
export function activityLogsEnvironment(fn: 'list-activity-logs' | 'read-activity-logs', activity: Extract<ActivityConfig, { source: 's3' }>, workBucket: string): Record<string, string> {
  return {
    ...common(fn),
    WORK_BUCKET: workBucket,
    TRAIL_BUCKET: activity.bucket,
    TRAIL_PREFIX: trailPrefix(activity),
    TRAIL_BUCKET_ACCOUNT: activity.bucketAccount,
    ACTIVITY_WINDOW_HOURS: String(activity.windowHours),
    ACTIVITY_TIME_ZONE: activity.timeZone,
    ...(fn === 'list-activity-logs' && activity.organizationId ? { TRAIL_ORGANIZATION_ID: activity.organizationId } : {}),
  };
}

function activityEnvironment(activity: ActivityConfig, workBucket?: string): Record<string, string> {
  if (activity.source === 'none') return { ACTIVITY_SOURCE: 'none' };
  if (activity.source === 's3') {
    if (workBucket === undefined) throw new Error('activity source s3 needs the run work bucket');
    return {
      ACTIVITY_SOURCE: 's3',
      ACTIVITY_WORK_BUCKET: workBucket,
      ACTIVITY_TRAIL_URI: trailUri(activity),
      ACTIVITY_WINDOW_HOURS: String(activity.windowHours),
      ACTIVITY_TIME_ZONE: activity.timeZone,
    };
  }
  return {
    ACTIVITY_SOURCE: 'lookup-events',
    ACTIVITY_WINDOW_HOURS: String(activity.windowHours),
    ACTIVITY_MAX_CALLS: String(activity.maxCalls),
    ACTIVITY_TIME_ZONE: activity.timeZone,
  };
}

/** `signingKeyId` and `anchorsUrl` may be CDK tokens. */
export function finalizeRunEnvironment(tableName: string, signingKeyId: string, anchorsUrl: string): Record<string, string> {
  return { ...common('finalize-run'), TABLE_NAME: tableName, SIGNING_KEY_ID: signingKeyId, ANCHORS_URL: anchorsUrl };
}

/** `tableName` and `partition` may be CDK tokens. */
export function publishFindingsEnvironment(integrations: IntegrationsConfig, tableName: string, partition: string): Record<string, string> {
  return {
    ...common('publish-findings'),
    TABLE_NAME: tableName,
    PUBLISH_EVENTS: String(integrations.events),
    EVENT_BUS_NAME: 'default',
    PUBLISH_SECURITY_HUB: String(integrations.securityHub),
    AWS_PARTITION_NAME: partition,
  };
}

/** `tableName`, `signingKeyId` and `pseudonymKeyId` (the HMAC key of `report.pseudonymise`, when on) may be CDK tokens. */
export function sendReportEnvironment(report: ReportConfig, tableName: string, signingKeyId: string, pseudonymKeyId?: string): Record<string, string> {
  return checked(
    SendReportEnv,
    {
      ...common('send-report'),
      TABLE_NAME: tableName,
      REPORT_SENDER: report.sender,
      REPORT_RECIPIENTS: report.recipients.join(','),
      SIGNING_KEY_ID: signingKeyId,
      ...(pseudonymKeyId !== undefined ? { PSEUDONYM_KEY_ID: pseudonymKeyId } : {}),
    },
    'send-report',
  );
}
