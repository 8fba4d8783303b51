/**
 * What art32 reads from one CloudTrail record (the JSON that trails write in `Records`
 * and that LookupEvents returns as `CloudTrailEvent`), and how it classifies it.
 * Field names are CloudTrail's own (see the "CloudTrail record contents" reference).
 */
import type { Pick } from './scanner';

export interface CloudTrailUserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  userName?: string;
  invokedBy?: string;
  sessionContext?: { sessionIssuer?: { type?: string; arn?: string; userName?: string } };
  onBehalfOf?: { userId?: string; identityStoreArn?: string };
}

export interface CloudTrailRecord {
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  userIdentity?: CloudTrailUserIdentity;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown> | null;
  resources?: Array<{ ARN?: string; type?: string; accountId?: string }>;
  eventCategory?: string;
  readOnly?: boolean;
}

/**
 * The parts of a record that `ActivityAggregator.add` and the functions below read, so
 * that log files are read into just these (`scanner/`, `record-digest.ts`). A field read
 * but not picked would read as absent: a test feeds the same varied records through this
 * path and through `JSON.parse` and compares the sections.
 */
export const RECORD_PICK = {
  fields: {
    eventTime: true,
    eventSource: true,
    eventName: true,
    sourceIPAddress: true,
    userAgent: true,
    errorCode: true,
    userIdentity: {
      fields: {
        type: true,
        principalId: true,
        arn: true,
        accountId: true,
        invokedBy: true,
        sessionContext: { fields: { sessionIssuer: { fields: { arn: true } } } },
        onBehalfOf: { fields: { userId: true } },
      },
    },
    requestParameters: { fields: { bucketName: true, key: true, tableName: true, requestItems: true, transactItems: true } },
    responseElements: { fields: { count: true, Count: true } },
    additionalEventData: { fields: { bytesTransferredOut: true } },
    resources: { items: { fields: { ARN: true } } },
  },
} as const satisfies Pick;

export interface PrincipalIdentity {
  key: string;
  identityType: string;
  role?: string;
}

/**
 * The principal key of an event. Decision: assumed roles are keyed by their session ARN
 * (role + session name) because behind one SSO or shared role stand many people, and the
 * France Travail signals were per person; the role ARN is kept to group peers.
 * Roles assumed with random session names (SDK defaults) therefore split into several
 * principals — the aggregator caps how many it keeps.
 */
export function principalOf(record: CloudTrailUserIdentity | undefined): PrincipalIdentity {
  // Log files are read as they come: a field that is not a string counts as absent.
  const identity = typeof record === 'object' && record !== null ? record : undefined;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const type = text(identity?.type) ?? 'Unknown';
  if (!identity) return { key: 'unknown', identityType: type };
  const arn = text(identity.arn);
  const principalId = text(identity.principalId);
  if (type === 'AWSService') return { key: `service:${text(identity.invokedBy) ?? principalId ?? 'unknown'}`, identityType: type };
  if (type === 'AssumedRole') {
    const role = text(identity.sessionContext?.sessionIssuer?.arn);
    return { key: arn ?? `${role ?? 'assumed-role'}#${principalId ?? 'unknown'}`, identityType: type, ...(role ? { role } : {}) };
  }
  if (arn) return { key: arn, identityType: type };
  const userId = text(identity.onBehalfOf?.userId);
  if (type === 'IdentityCenterUser' && userId) return { key: `identity-center:${userId}`, identityType: type };
  const id = principalId ?? text(identity.accountId) ?? 'unknown';
  return { key: `${type}:${id}`, identityType: type };
}

const DIGIT_0 = 48;

/** Day start (UTC ms) of the last `YYYY-MM-DD` seen: consecutive events share their day. */
let lastDayKey = -1;
let lastDayMs = NaN;

/**
 * Milliseconds of a CloudTrail `eventTime`. CloudTrail writes `YYYY-MM-DDTHH:MM:SSZ`; that
 * form is read digit by digit (Date.parse costs ~0.3 µs, a third of the aggregation),
 * anything else goes through `Date.parse`. NaN when it is not a date.
 */
export function parseEventTime(text: string): number {
  if (text.length !== 20 || text.charCodeAt(19) !== 90 /* Z */ || text.charCodeAt(10) !== 84 /* T */) return Date.parse(text);
  // digitAt(text, i) spelled out rather than through a closure over `text`: the closure was
  // allocated per event (~60 bytes of garbage each).
  const dayKey =
    digitAt(text, 0) * 10_000_000 +
    digitAt(text, 1) * 1_000_000 +
    digitAt(text, 2) * 100_000 +
    digitAt(text, 3) * 10_000 +
    digitAt(text, 5) * 1000 +
    digitAt(text, 6) * 100 +
    digitAt(text, 8) * 10 +
    digitAt(text, 9);
  const hour = digitAt(text, 11) * 10 + digitAt(text, 12);
  const minute = digitAt(text, 14) * 10 + digitAt(text, 15);
  const second = digitAt(text, 17) * 10 + digitAt(text, 18);
  const separators = text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58;
  if (!separators || !(hour < 24 && minute < 60 && second < 60)) return Date.parse(text);
  if (dayKey !== lastDayKey) {
    const year = Math.floor(dayKey / 10_000);
    const month = Math.floor(dayKey / 100) % 100;
    const day = dayKey % 100;
    const ms = Date.UTC(year, month - 1, day);
    // Date.UTC rolls 2026-02-30 over to March: leave such strings to Date.parse, so that both paths agree.
    if (Number.isNaN(ms) || new Date(ms).getUTCDate() !== day || month < 1 || month > 12) return Date.parse(text);
    lastDayKey = dayKey;
    lastDayMs = ms;
  }
  return lastDayMs + hour * 3_600_000 + minute * 60_000 + second * 1000;
}

/**
 * `parseEventTime` of the ASCII text in `bytes[start, end)` when it is CloudTrail's
 * `YYYY-MM-DDTHH:MM:SSZ` form (or with milliseconds, `…SS.sssZ`) naming a real date and
 * time after 1970; NaN for anything else, which the caller then hands to `parseEventTime`
 * as a string, so both paths agree.
 */
export function eventTimeOfBytes(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  let millis = 0;
  if (length === 24) {
    if (bytes[start + 19] !== 46 /* . */ || bytes[start + 23] !== 90) return NaN;
    millis = byteDigit(bytes, start + 20) * 100 + byteDigit(bytes, start + 21) * 10 + byteDigit(bytes, start + 22);
  } else if (length !== 20 || bytes[start + 19] !== 90 /* Z */) return NaN;
  if (bytes[start + 10] !== 84 /* T */ || bytes[start + 4] !== 45 || bytes[start + 7] !== 45 || bytes[start + 13] !== 58 || bytes[start + 16] !== 58) return NaN;
  const year = byteDigit(bytes, start) * 1000 + byteDigit(bytes, start + 1) * 100 + byteDigit(bytes, start + 2) * 10 + byteDigit(bytes, start + 3);
  const month = byteDigit(bytes, start + 5) * 10 + byteDigit(bytes, start + 6);
  const day = byteDigit(bytes, start + 8) * 10 + byteDigit(bytes, start + 9);
  const hour = byteDigit(bytes, start + 11) * 10 + byteDigit(bytes, start + 12);
  const minute = byteDigit(bytes, start + 14) * 10 + byteDigit(bytes, start + 15);
  const second = byteDigit(bytes, start + 17) * 10 + byteDigit(bytes, start + 18);
  // NaN digits fail these comparisons too.
  if (!(year >= 1970 && month >= 1 && month <= 12 && day >= 1 && hour < 24 && minute < 60 && second < 60 && millis >= 0)) return NaN;
  const dayKey = year * 10_000 + month * 100 + day;
  if (dayKey !== lastDayKey) {
    const ms = Date.UTC(year, month - 1, day);
    if (Number.isNaN(ms) || new Date(ms).getUTCDate() !== day) return NaN;
    lastDayKey = dayKey;
    lastDayMs = ms;
  }
  return lastDayMs + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
}

function byteDigit(bytes: Uint8Array, i: number): number {
  const v = (bytes[i] as number) - DIGIT_0;
  return v >= 0 && v <= 9 ? v : NaN;
}

/** The decimal digit at `i`, NaN when it is not one (NaN then fails every range check). */
function digitAt(text: string, i: number): number {
  const v = text.charCodeAt(i) - DIGIT_0;
  return v >= 0 && v <= 9 ? v : NaN;
}

/** Error codes that mean "the caller was not allowed", across services' spellings. */
const DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
  'UnauthorizedAccess',
  'UnauthorizedException',
  'AuthorizationError',
  'Forbidden',
  'ForbiddenException',
  'NotAuthorized',
  'NotAuthorizedException',
]);
const DENIED_PATTERN = /AccessDenied|Unauthori[sz]ed|Forbidden/i;

export function isDeniedError(code: string): boolean {
  return DENIED_CODES.has(code) || DENIED_PATTERN.test(code);
}

/**
 * Data-read events: `eventSource` → event names that read stored data. Only successful
 * ones count (a denied GetObject read nothing).
 */
export const DEFAULT_DATA_READ_EVENTS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['s3.amazonaws.com', new Set(['GetObject', 'SelectObjectContent', 'GetObjectTorrent'])],
  ['dynamodb.amazonaws.com', new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems'])],
  ['athena.amazonaws.com', new Set(['GetQueryResults'])],
  ['redshift-data.amazonaws.com', new Set(['GetStatementResult'])],
  ['rds-data.amazonaws.com', new Set(['ExecuteStatement'])],
]);

/** Bytes an event transferred out, where CloudTrail records it (S3 data events). */
export function bytesOut(record: CloudTrailRecord): number {
  const value = record.additionalEventData?.bytesTransferredOut;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * Records an event read: the keys of a BatchGetItem / TransactGetItems when the request
 * lists them, a `count` in the response when present, otherwise one.
 */
export function recordsRead(record: CloudTrailRecord): number {
  const count = record.responseElements?.count ?? record.responseElements?.Count;
  if (typeof count === 'number' && Number.isInteger(count) && count >= 0) return count;
  const items = record.requestParameters?.requestItems;
  if (Array.isArray(items)) {
    let keys = 0;
    for (const item of items) {
      const k = (item as { keys?: unknown } | null)?.keys;
      keys += Array.isArray(k) ? k.length : 1;
    }
    return Math.max(keys, 1);
  }
  if (Array.isArray(record.requestParameters?.transactItems)) return Math.max(record.requestParameters.transactItems.length, 1);
  return 1;
}

/** The resources an event touched: `resources[].ARN`, else the S3 bucket/key of the request. */
export function resourcesOf(record: CloudTrailRecord, sink: { add(id: string): void }): void {
  let any = false;
  if (Array.isArray(record.resources)) {
    for (const r of record.resources) {
      if (r && typeof r.ARN === 'string') {
        sink.add(r.ARN);
        any = true;
      }
    }
  }
  if (any) return;
  const rp = record.requestParameters;
  if (rp && typeof rp.bucketName === 'string') {
    sink.add(typeof rp.key === 'string' ? `arn:aws:s3:::${rp.bucketName}/${rp.key}` : `arn:aws:s3:::${rp.bucketName}`);
  } else if (rp && typeof rp.tableName === 'string') {
    sink.add(`dynamodb:${rp.tableName}`);
  }
}
