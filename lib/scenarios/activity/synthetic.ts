/**
 * Deterministic synthetic CloudTrail records for the bundled scenarios and the benchmark.
 * Records have the shape trails write (see the CloudTrail "record contents" reference and
 * the S3 data-event examples), and they are aggregated through the same path as real log
 * files: serialised as `{"Records":[…]}` files and parsed by `ingestLogText`.
 */
import { ActivityAggregator, DEFAULT_TIME_ZONE } from '../../activity/aggregator';
import { ingestLogText } from '../../activity/log-files';
import { LocalCalendar } from '../../activity/time-zone';
import type { ActivitySection } from '../../activity/schema';

export { seededRandom } from '../../support/random';

export const DAY_MS = 86_400_000;
const QUARTER_MS = 15 * 60 * 1000;

/**
 * Start times of the quarter hours of the window that fall in office hours
 * (09:00–17:00 local, Monday–Friday): when the synthetic advisers work.
 */
export function officeQuarters(start: Date, end: Date, timeZone = DEFAULT_TIME_ZONE): number[] {
  const calendar = new LocalCalendar(timeZone);
  const quarters: number[] = [];
  for (let t = Math.ceil(start.getTime() / QUARTER_MS) * QUARTER_MS; t + QUARTER_MS <= end.getTime(); t += QUARTER_MS) {
    const slot = calendar.at(t);
    if (slot.weekday < 5 && slot.hour >= 9 && slot.hour < 17) quarters.push(t);
  }
  return quarters;
}

/**
 * The 24 h a scenario's activity covers: the last 24 h before `now`, or, when those hold no
 * office hours (a weekend, a Monday before 9:00), the 24 h before that, and so on — so the
 * bundled scenarios show a working day of logs whatever day the demo runs. The section states
 * its window; nothing downstream assumes it ends at the collection time.
 */
export function scenarioWindow(now: Date, timeZone = DEFAULT_TIME_ZONE): { start: Date; end: Date; quarters: number[] } {
  let end = now;
  for (let step = 0; step < 4; step++) {
    const start = new Date(end.getTime() - DAY_MS);
    const quarters = officeQuarters(start, end, timeZone);
    if (quarters.length > 0) return { start, end, quarters };
    end = start;
  }
  // Unreachable with office hours on weekdays: four consecutive days always include one.
  return { start: new Date(now.getTime() - DAY_MS), end: now, quarters: [] };
}

/** A CloudTrail-shaped record; only the fields we fill. */
export type SyntheticRecord = Record<string, unknown>;

export interface SessionPrincipal {
  account: string;
  roleName: string;
  sessionName: string;
  sourceIp: string;
  userAgent: string;
}

function identity(p: SessionPrincipal): Record<string, unknown> {
  const roleArn = `arn:aws:iam::${p.account}:role/aws-reserved/sso.amazonaws.com/eu-west-3/${p.roleName}`;
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEADVISER01:${p.sessionName}`,
    arn: `arn:aws:sts::${p.account}:assumed-role/${p.roleName}/${p.sessionName}`,
    accountId: p.account,
    accessKeyId: 'ASIAEXAMPLEKEY000001',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEADVISER01', arn: roleArn, accountId: p.account, userName: p.roleName },
      attributes: { creationDate: '2026-01-01T00:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

function eventId(random: () => number): string {
  const hex = (n: number): string => Math.floor(random() * 16 ** n).toString(16).padStart(n, '0');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
}

const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** An S3 GetObject data event (successful with `bytesTransferredOut`, or denied). */
export function s3GetObject(
  p: SessionPrincipal,
  time: number,
  bucket: string,
  key: string,
  bytesOut: number,
  random: () => number,
  errorCode?: string,
): SyntheticRecord {
  return {
    eventVersion: '1.09',
    userIdentity: identity(p),
    eventTime: isoSeconds(time),
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'eu-west-3',
    sourceIPAddress: p.sourceIp,
    userAgent: p.userAgent,
    ...(errorCode ? { errorCode, errorMessage: 'Access Denied' } : {}),
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.eu-west-3.amazonaws.com`, key },
    responseElements: null,
    additionalEventData: errorCode
      ? { bytesTransferredIn: 0, bytesTransferredOut: 0 }
      : { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'EXAMPLE', bytesTransferredOut: bytesOut },
    requestID: eventId(random).slice(0, 16).toUpperCase(),
    eventID: eventId(random),
    readOnly: true,
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      { accountId: p.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: p.account,
    eventCategory: 'Data',
  };
}

/** A DynamoDB GetItem data event. */
export function dynamoGetItem(p: SessionPrincipal, time: number, table: string, random: () => number, errorCode?: string): SyntheticRecord {
  return {
    eventVersion: '1.09',
    userIdentity: identity(p),
    eventTime: isoSeconds(time),
    eventSource: 'dynamodb.amazonaws.com',
    eventName: 'GetItem',
    awsRegion: 'eu-west-3',
    sourceIPAddress: p.sourceIp,
    userAgent: p.userAgent,
    ...(errorCode ? { errorCode, errorMessage: `User is not authorized to perform: dynamodb:GetItem on resource: ${table}` } : {}),
    requestParameters: { tableName: table, key: { id: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, consistentRead: false },
    responseElements: null,
    requestID: eventId(random).slice(0, 16).toUpperCase(),
    eventID: eventId(random),
    readOnly: true,
    resources: [{ accountId: p.account, type: 'AWS::DynamoDB::Table', ARN: `arn:aws:dynamodb:eu-west-3:${p.account}:table/${table}` }],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: p.account,
    eventCategory: 'Data',
  };
}

/** A management read event (e.g. `DescribeTable`, `ListBuckets`). */
export function managementRead(p: SessionPrincipal, time: number, source: string, name: string, random: () => number, errorCode?: string): SyntheticRecord {
  return {
    eventVersion: '1.09',
    userIdentity: identity(p),
    eventTime: isoSeconds(time),
    eventSource: source,
    eventName: name,
    awsRegion: 'eu-west-3',
    sourceIPAddress: p.sourceIp,
    userAgent: p.userAgent,
    ...(errorCode ? { errorCode, errorMessage: 'You are not authorized to perform this operation.' } : {}),
    requestParameters: null,
    responseElements: null,
    requestID: eventId(random).slice(0, 16).toUpperCase(),
    eventID: eventId(random),
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: p.account,
    eventCategory: 'Management',
  };
}

export interface AdviserDayOptions {
  principal: SessionPrincipal;
  quarters: number[];
  calls: number;
  /** Probability that one call is denied. */
  deniedShare: number;
  bucket: string;
  table: string;
  random: () => number;
}

/** A normal adviser's day: file and record look-ups, a few console reads, rare denials. */
export function adviserDay(o: AdviserDayOptions): SyntheticRecord[] {
  const records: SyntheticRecord[] = [];
  if (o.quarters.length === 0) return records;
  for (let i = 0; i < o.calls; i++) {
    const time = (o.quarters[Math.floor(o.random() * o.quarters.length)] as number) + Math.floor(o.random() * QUARTER_MS);
    const denied = o.random() < o.deniedShare ? 'AccessDenied' : undefined;
    const pick = o.random();
    const folder = `dossiers/${Math.floor(o.random() * 30)}`;
    if (pick < 0.45) records.push(dynamoGetItem(o.principal, time, o.table, o.random, denied ? 'AccessDeniedException' : undefined));
    else if (pick < 0.85) records.push(s3GetObject(o.principal, time, o.bucket, `${folder}/piece-${Math.floor(o.random() * 50)}.pdf`, 20_000 + Math.floor(o.random() * 180_000), o.random, denied));
    else records.push(managementRead(o.principal, time, 'dynamodb.amazonaws.com', 'DescribeTable', o.random, denied ? 'AccessDeniedException' : undefined));
  }
  return records;
}

/**
 * Aggregate records through the log-file path (as `{"Records":[…]}` files of up to 1,000
 * records, like the files a trail delivers) into an activity section.
 */
export function aggregateSynthetic(records: SyntheticRecord[], options: { start: Date; end: Date; label: string; timeZone?: string }): ActivitySection {
  const aggregator = new ActivityAggregator({ window: { start: options.start, end: options.end }, timeZone: options.timeZone });
  records.sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
  let files = 0;
  for (let i = 0; i < records.length; i += 1000) {
    files += 1;
    ingestLogText(JSON.stringify({ Records: records.slice(i, i + 1000) }), `${options.label}/file-${files}.json`, aggregator);
  }
  aggregator.addSource({ kind: 'synthetic', location: options.label, complete: true, eventsRead: records.length, filesRead: files });
  return aggregator.finish();
}
