/**
 * Live input: CloudTrail `LookupEvents` over the window, paginated with NextToken,
 * rate-limited client side (default 2 calls/s), bounded by a call budget, retrying
 * ThrottlingException with backoff. When it stops early the source records why and how
 * far back it got (`coveredFrom`): the section is never silently partial.
 *
 * LookupEvents returns management events only (no S3/DynamoDB data events) from the last
 * 90 days, newest first, up to 50 per page.
 */
import { LookupEventsCommand, type CloudTrailClient, type Event as LookupEvent } from '@aws-sdk/client-cloudtrail';
import type { ActivityAggregator } from './aggregator';
import { RateLimiter, systemClock, type Clock } from './rate-limit';
import type { ActivitySourceRecord } from './schema';

export interface LookupEventsOptions {
  /** Maximum LookupEvents calls, retries included. Default 500 (25,000 events). */
  maxCalls?: number;
  /** Default 2 (the documented per-account, per-region limit). */
  callsPerSecond?: number;
  /** Retries of one page on ThrottlingException. Default 5. */
  maxThrottleRetries?: number;
  /** Initial backoff after a throttle; doubles each retry. Default 1,000 ms. */
  backoffMs?: number;
  clock?: Clock;
  /** Shown in the source record, e.g. `cloudtrail:LookupEvents@eu-west-3`. */
  location?: string;
}

const THROTTLE_CODES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);

/** Turn one LookupEvents entry into a CloudTrail record (its `CloudTrailEvent` JSON). */
export function recordOfLookupEvent(event: LookupEvent): unknown {
  if (event.CloudTrailEvent) {
    try {
      return JSON.parse(event.CloudTrailEvent);
    } catch {
      // fall through to the summary fields
    }
  }
  return {
    eventTime: event.EventTime?.toISOString(),
    eventName: event.EventName,
    eventSource: event.EventSource,
    userIdentity: event.Username ? { type: 'Unknown', principalId: event.Username } : undefined,
  };
}

export async function readLookupEvents(
  client: CloudTrailClient,
  aggregator: ActivityAggregator,
  options: LookupEventsOptions = {},
): Promise<ActivitySourceRecord> {
  const clock = options.clock ?? systemClock;
  const limiter = new RateLimiter(options.callsPerSecond ?? 2, clock);
  const maxCalls = options.maxCalls ?? 500;
  const maxRetries = options.maxThrottleRetries ?? 5;
  const backoffMs = options.backoffMs ?? 1000;
  const { start, end } = aggregator.window;
  const location = options.location ?? 'cloudtrail:LookupEvents';

  let calls = 0;
  let eventsRead = 0;
  let oldest: number | undefined;
  let token: string | undefined;
  let truncation: ActivitySourceRecord['truncation'];
  const coveredFrom = (): string => new Date(oldest ?? end.getTime()).toISOString();

  pages: do {
    let retries = 0;
    for (;;) {
      if (calls >= maxCalls) {
        truncation = {
          reason: 'call-budget',
          message: `stopped after ${calls} LookupEvents calls (maxCalls): events before ${coveredFrom()} were not read`,
          coveredFrom: coveredFrom(),
        };
        break pages;
      }
      await limiter.acquire();
      calls += 1;
      try {
        const page = await client.send(new LookupEventsCommand({ StartTime: start, EndTime: end, MaxResults: 50, NextToken: token }));
        for (const event of page.Events ?? []) {
          aggregator.add(recordOfLookupEvent(event));
          eventsRead += 1;
          const t = event.EventTime?.getTime();
          if (t !== undefined && (oldest === undefined || t < oldest)) oldest = t;
        }
        token = page.NextToken;
        break;
      } catch (error) {
        const code = (error as { name?: string }).name ?? 'Error';
        if (THROTTLE_CODES.has(code) && retries < maxRetries) {
          await clock.sleep(backoffMs * 2 ** retries);
          retries += 1;
          continue;
        }
        truncation = {
          reason: code,
          message: `LookupEvents failed (${code}: ${error instanceof Error ? error.message : String(error)}): events before ${coveredFrom()} were not read`,
          coveredFrom: coveredFrom(),
        };
        break pages;
      }
    }
  } while (token);

  const source: ActivitySourceRecord = {
    kind: 'lookup-events',
    location,
    complete: truncation === undefined,
    eventsRead,
    apiCalls: calls,
    ...(truncation ? { truncation } : {}),
  };
  aggregator.addSource(source);
  return source;
}
