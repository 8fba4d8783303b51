/**
 * The `activity` section of a live snapshot: CloudTrail read over a window before the
 * collection time and aggregated per principal by lib/activity, so that the
 * `monitoring.abnormal-activity` rule judges live accounts as it judges scenarios.
 *
 * Two sources, chosen by the caller (nothing is read unless asked: LookupEvents costs
 * up to `maxCalls` × 0.5 s, and log files live in another account's bucket):
 * - `lookup-events`: CloudTrail LookupEvents in the collection region (management events
 *   only), ≤ 2 calls/s, within a call budget; a budget or a throttle that stops the read
 *   early is recorded in the section (`truncation`, `coverage`), and the rule judges the
 *   coverage.
 * - `s3`: the trail's log files under an `s3://bucket/prefix` (data events too), through
 *   `CollectorClients.s3LogReader`: the CLI's reads the prefix; the deployed collector's merges
 *   the partials its run's log workers wrote (lib/activity/scheduled/merge-partials.ts).
 *
 * A source that read nothing at all (AccessDenied on the first call, throttled out before
 * the first page, listing denied) leaves the section absent with a collection error on
 * `activity`: the rule says ERROR with that reason, and the other sections are untouched.
 */
import { ActivityAggregator, DEFAULT_TIME_ZONE } from '../activity/aggregator';
import { readLookupEvents } from '../activity/lookup-events';
import type { Clock } from '../activity/rate-limit';
import type { ActivitySection, ActivitySourceRecord } from '../activity/schema';
import type { CollectionError } from '../snapshot';
import type { SectionContext, SectionResult } from './types';
import { DEFAULT_ACTIVITY_MAX_CALLS } from '../activity/defaults';

/** Default window: the 24 hours before the collection time. */
export const DEFAULT_ACTIVITY_WINDOW_HOURS = 24;
/** Default LookupEvents budget of a live collection: 300 calls ≈ 15,000 events, ≈ 2.5 min at 2 calls/s. */
export { DEFAULT_ACTIVITY_MAX_CALLS };
/** CloudTrail's documented LookupEvents limit: 2 calls per second per account and region. */
export const LOOKUP_EVENTS_CALLS_PER_SECOND = 2;
/** LookupEvents looks back 90 days at most. */
export const MAX_ACTIVITY_WINDOW_HOURS = 90 * 24;

interface ActivityCommon {
  /** Hours before the collection time to read. Default 24, at most 2,160 (90 days). */
  windowHours?: number;
  /** IANA zone of the hour histograms and local days. Default Europe/Paris. */
  timeZone?: string;
}

/** What `collectAccount({ activity })` reads; absent = no activity section (as before). */
export type ActivityCollection =
  | (ActivityCommon & {
      source: 'lookup-events';
      /** LookupEvents calls at most (50 events each), retries included. Default 300. */
      maxCalls?: number;
    })
  | (ActivityCommon & {
      source: 's3';
      /** `s3://bucket/prefix` of the trail's log files (e.g. `…/AWSLogs/<account>/CloudTrail/<region>/`). */
      uri: string;
    });

/**
 * Reads CloudTrail log files under an S3 URI into the aggregator. Provided by the CLI's
 * clients (lib/collectors/s3-log-reader.ts), or by the collect Lambda as the merge of its
 * run's partials (activity source `s3`).
 */
export type S3LogReader = (uri: string, aggregator: ActivityAggregator) => Promise<ActivitySourceRecord>;

/** Check an activity request before any call; a bad one is the caller's mistake, not AWS's. */
export function validateActivityCollection(spec: ActivityCollection): void {
  const hours = spec.windowHours ?? DEFAULT_ACTIVITY_WINDOW_HOURS;
  if (!(hours > 0 && hours <= MAX_ACTIVITY_WINDOW_HOURS)) {
    throw new RangeError(`activity windowHours must be more than 0 and at most ${MAX_ACTIVITY_WINDOW_HOURS} (90 days), got ${hours}`);
  }
  if (spec.source === 'lookup-events' && spec.maxCalls !== undefined && !(Number.isInteger(spec.maxCalls) && spec.maxCalls >= 1)) {
    throw new RangeError(`activity maxCalls must be a positive integer, got ${spec.maxCalls}`);
  }
  if (spec.source === 's3' && !/^s3:\/\/[^/]+/.test(spec.uri)) {
    throw new RangeError(`activity uri must look like s3://bucket/prefix, got "${spec.uri}"`);
  }
}

/** Read the window ending at `end` and aggregate it; see the module comment for failures. */
export async function collectActivity(ctx: SectionContext, spec: ActivityCollection, end: Date): Promise<SectionResult<ActivitySection>> {
  validateActivityCollection(spec);
  const hours = spec.windowHours ?? DEFAULT_ACTIVITY_WINDOW_HOURS;
  const aggregator = new ActivityAggregator({
    window: { start: new Date(end.getTime() - hours * 3_600_000), end },
    timeZone: spec.timeZone ?? DEFAULT_TIME_ZONE,
  });

  let source: ActivitySourceRecord;
  let operation: string;
  if (spec.source === 'lookup-events') {
    operation = 'cloudtrail:LookupEvents';
    // A client without SDK retries (maxAttempts 1): readLookupEvents paces, retries and
    // counts every call itself, so the budget is a budget of real calls.
    const client = ctx.clients.activityCloudTrail?.(ctx.region) ?? ctx.clients.cloudTrail(ctx.region);
    const clock: Clock = { now: () => ctx.clock().getTime(), sleep: ctx.sleep };
    source = await readLookupEvents(client, aggregator, {
      maxCalls: spec.maxCalls ?? DEFAULT_ACTIVITY_MAX_CALLS,
      callsPerSecond: LOOKUP_EVENTS_CALLS_PER_SECOND,
      clock,
      location: `cloudtrail:LookupEvents@${ctx.region}`,
    });
  } else {
    operation = 's3:ListBucket';
    const reader = ctx.clients.s3LogReader;
    if (!reader) {
      return failed({
        section: 'activity',
        operation: 'collect:activity',
        code: 'NotConfigured',
        message: `no S3 log reader to read ${spec.uri}: S3 log files are read by the CLI (--activity s3://…) or by the deployed run's log workers (cdk.json activity.source s3)`,
      });
    }
    source = await reader(spec.uri, aggregator);
  }

  const reason = source.truncation?.reason;
  const readNothing = !source.complete && source.eventsRead === 0 && (source.filesRead ?? 0) === 0;
  // Nothing read because AWS refused (not because a budget was spent): no section to judge.
  if (readNothing && reason && reason !== 'call-budget' && reason !== 'list-budget') {
    return failed({
      section: 'activity',
      operation,
      code: reason,
      message: source.truncation?.message ?? `${operation} read nothing`,
      region: ctx.region,
    });
  }
  return { value: aggregator.finish(), errors: [] };
}

function failed(error: CollectionError): SectionResult<ActivitySection> {
  return { errors: [error] };
}
