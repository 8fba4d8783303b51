/**
 * The `activity` section of an `AccountSnapshot`: CloudTrail events aggregated per
 * principal over a window. Evidence keeps these aggregates, never raw events.
 *
 * This module imports nothing but zod, so `lib/snapshot/schema.ts` can embed it without
 * an import cycle.
 */
import { z } from 'zod';

const IsoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO-8601 date' });
const Count = z.number().int().nonnegative();

/**
 * A count of distinct values. Exact up to a small cap; above it a HyperLogLog estimate
 * (≈3% standard error), flagged `exact: false`, so memory per principal stays bounded.
 */
export const DistinctCount = z.object({ count: Count, exact: z.boolean() });
export type DistinctCount = z.infer<typeof DistinctCount>;

/**
 * Successful data-read events (S3 GetObject, DynamoDB Scan/Query/GetItem, …).
 * `records` = items the events read where CloudTrail says how many (BatchGetItem keys),
 * otherwise one per event: CloudTrail logs no row counts.
 */
export const DataReads = z.object({
  events: Count,
  /** Sum of `additionalEventData.bytesTransferredOut` (S3 data events). */
  bytes: z.number().nonnegative(),
  records: Count,
});
export type DataReads = z.infer<typeof DataReads>;

export const PrincipalActivity = z.object({
  /**
   * The principal key: the IAM user / root / federated ARN; for an assumed role the
   * session ARN `arn:aws:sts::<acct>:assumed-role/<role>/<session>` (role + session name,
   * so each person behind a shared SSO role is judged on their own); for AWS services
   * `service:<invokedBy>`.
   */
  principal: z.string(),
  /** `userIdentity.type`: IAMUser, AssumedRole, Root, FederatedUser, AWSService, … */
  identityType: z.string(),
  /** For assumed roles: the role ARN (`sessionContext.sessionIssuer.arn`), to group peers. */
  role: z.string().optional(),
  calls: Count,
  /** Events with an `errorCode`. */
  errors: Count,
  /** Errors whose code means "not allowed" (AccessDenied, UnauthorizedOperation, …). */
  deniedErrors: Count,
  /** Errors by `errorCode` (at most 50 codes; the rest under `(other)`). */
  errorsByCode: z.record(z.string(), Count),
  distinctResources: DistinctCount,
  distinctSourceIps: DistinctCount,
  distinctUserAgents: DistinctCount,
  dataReads: DataReads,
  /** Data reads per local calendar day (`YYYY-MM-DD` in the section's time zone). */
  dataReadsByDay: z.record(z.string(), DataReads),
  /** Calls per local hour of day (0–23) in the section's time zone. */
  hourHistogram: z.array(Count).length(24),
  /** Calls per ISO weekday (index 0 = Monday … 6 = Sunday) and local hour. */
  weekHourHistogram: z.array(z.array(Count).length(24)).length(7),
  firstEventTime: IsoDate,
  lastEventTime: IsoDate,
});
export type PrincipalActivity = z.infer<typeof PrincipalActivity>;

export const ACTIVITY_SOURCE_KINDS = ['lookup-events', 'log-directory', 's3-prefix', 'synthetic'] as const;

export const ActivitySourceRecord = z.object({
  kind: z.enum(ACTIVITY_SOURCE_KINDS),
  /** Directory, `s3://bucket/prefix`, `cloudtrail:LookupEvents@region`, or a scenario label. */
  location: z.string(),
  /**
   * True only when the source read everything it had for the window: every page of
   * LookupEvents, or every listed file without error.
   */
  complete: z.boolean(),
  eventsRead: Count,
  filesRead: Count.optional(),
  /** Files skipped because their delivery time in the name is outside the window. */
  filesSkipped: Count.optional(),
  apiCalls: Count.optional(),
  /** Why the source stopped early, when it did. */
  truncation: z
    .object({
      reason: z.string(),
      message: z.string(),
      /** Events before this time (and after window start) were not read. */
      coveredFrom: IsoDate.optional(),
    })
    .optional(),
});
export type ActivitySourceRecord = z.infer<typeof ActivitySourceRecord>;

export const FILE_ERROR_CODES = ['InvalidGzip', 'InvalidJson', 'NotCloudTrail', 'TooLarge', 'ReadFailed', 'InvalidRecords'] as const;
export const ActivityFileError = z.object({
  file: z.string(),
  code: z.enum(FILE_ERROR_CODES),
  message: z.string(),
});
export type ActivityFileError = z.infer<typeof ActivityFileError>;

export const ActivitySection = z.object({
  window: z.object({ start: IsoDate, end: IsoDate }),
  /** IANA time zone of the hour histograms and days (e.g. `Europe/Paris`). */
  timeZone: z.string(),
  sources: z.array(ActivitySourceRecord),
  /** True when any source stopped before reading its whole window. */
  truncated: z.boolean(),
  /** Share of the window actually read (1 = all of it), from the sources' truncation points. */
  coverage: z.number().min(0).max(1),
  /** First 100 file errors (the count has them all). */
  fileErrors: z.array(ActivityFileError),
  fileErrorCount: Count,
  totals: z.object({
    /** Events inside the window, counted per principal. */
    events: Count,
    /** Well-formed events outside the window (ignored). */
    outsideWindow: Count,
    /** Records without a usable `eventTime` (ignored, reported). */
    malformedRecords: Count,
    principals: Count,
    /** Events of principals beyond `principalLimit` (counted, not aggregated). */
    overflowEvents: Count,
    principalLimit: Count,
  }),
  principals: z.array(PrincipalActivity),
});
export type ActivitySection = z.infer<typeof ActivitySection>;
