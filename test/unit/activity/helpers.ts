/** Hand-built CloudTrail records for the activity tests (shapes from the CloudTrail record reference). */
import { ActivityAggregator, type ActivitySection } from '../../../lib/activity';

export const ACCOUNT = '111122223333';

export interface RecordInput {
  user?: string;
  time: string;
  eventSource?: string;
  eventName?: string;
  errorCode?: string;
  bytesOut?: number;
  resource?: string;
  ip?: string;
  agent?: string;
}

export function iamUserRecord(r: RecordInput): Record<string, unknown> {
  const user = r.user ?? 'alice';
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, userName: user },
    eventTime: r.time,
    eventSource: r.eventSource ?? 's3.amazonaws.com',
    eventName: r.eventName ?? 'GetObject',
    awsRegion: 'eu-west-3',
    sourceIPAddress: r.ip ?? '203.0.113.5',
    userAgent: r.agent ?? 'aws-cli/2.15.0',
    ...(r.errorCode ? { errorCode: r.errorCode, errorMessage: 'denied' } : {}),
    requestParameters: { bucketName: 'b', key: 'k' },
    responseElements: null,
    additionalEventData: r.bytesOut !== undefined ? { bytesTransferredOut: r.bytesOut } : undefined,
    resources: r.resource ? [{ type: 'AWS::S3::Object', ARN: r.resource }] : undefined,
    eventCategory: 'Data',
  };
}

export const WINDOW = { start: new Date('2026-01-21T06:00:00Z'), end: new Date('2026-01-22T06:00:00Z') };

/** Wednesday 21 January 2026, 10:00 Paris (09:00 UTC) plus `minutes`. */
export function officeTime(minutes = 0): string {
  return new Date(Date.parse('2026-01-21T09:00:00Z') + minutes * 60_000).toISOString();
}

export function aggregate(records: unknown[], window = WINDOW, timeZone?: string): ActivitySection {
  const aggregator = new ActivityAggregator({ window, ...(timeZone ? { timeZone } : {}) });
  for (const r of records) aggregator.add(r);
  aggregator.addSource({ kind: 'log-directory', location: 'test', complete: true, eventsRead: records.length, filesRead: 1 });
  return aggregator.finish();
}

/** `n` calls of one user, `errors` of them denied, in office hours. */
export function userCalls(user: string, n: number, errors = 0, extra: Partial<RecordInput> = {}): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) =>
    iamUserRecord({ user, time: officeTime(i % 400), ...(i < errors ? { errorCode: 'AccessDenied' } : {}), ...extra }),
  );
}
