import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityAggregator, RateLimiter, readLookupEvents, type Clock } from '../../../lib/activity';
import { iamUserRecord, officeTime, WINDOW } from './helpers';

/** A virtual clock: sleeping advances time instantly; every call's time is recorded. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** One LookupEvents entry as the API returns it: summary fields plus the full record as a JSON string. */
function lookupEvent(minutes: number, user = 'alice') {
  const record = iamUserRecord({ user, time: officeTime(minutes), eventSource: 'iam.amazonaws.com', eventName: 'ListUsers' });
  return {
    EventId: `id-${minutes}`,
    EventName: 'ListUsers',
    ReadOnly: 'true',
    EventTime: new Date(officeTime(minutes)),
    EventSource: 'iam.amazonaws.com',
    Username: user,
    Resources: [],
    CloudTrailEvent: JSON.stringify(record),
  };
}

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });

describe('readLookupEvents', () => {
  const cloudtrail = mockClient(CloudTrailClient);
  afterEach(() => cloudtrail.reset());

  it('follows NextToken, retries a ThrottlingException, and spaces calls to ≤ 2 per second', async () => {
    const clock = fakeClock();
    const callTimes: number[] = [];
    let page = 0;
    cloudtrail.on(LookupEventsCommand).callsFake(async (input: { NextToken?: string }) => {
      callTimes.push(clock.now());
      page += 1;
      if (page === 2) throw throttled();
      if (!input.NextToken) return { Events: [lookupEvent(30), lookupEvent(20)], NextToken: 'token-1' };
      return { Events: [lookupEvent(10, 'bob')] };
    });
    const aggregator = new ActivityAggregator({ window: WINDOW });
    const source = await readLookupEvents(new CloudTrailClient({ region: 'eu-west-3' }), aggregator, { clock, backoffMs: 1000 });
    const section = aggregator.finish();

    expect(source).toMatchObject({ kind: 'lookup-events', complete: true, apiCalls: 3, eventsRead: 3 });
    expect(source.truncation).toBeUndefined();
    expect(section.totals.events).toBe(3);
    expect(section.coverage).toBe(1);
    const calls = cloudtrail.commandCalls(LookupEventsCommand);
    expect(calls.map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'token-1', 'token-1']);
    expect(calls[0]?.args[0].input).toMatchObject({ StartTime: WINDOW.start, EndTime: WINDOW.end, MaxResults: 50 });
    // rate limit: consecutive calls at least 500 ms apart; the throttle added a 1 s backoff
    for (let i = 1; i < callTimes.length; i++) expect((callTimes[i] as number) - (callTimes[i - 1] as number)).toBeGreaterThanOrEqual(500);
    expect(clock.sleeps).toContain(1000);
  });

  it('stops at the call budget and records how far back it got', async () => {
    const clock = fakeClock();
    let minute = 600;
    cloudtrail.on(LookupEventsCommand).callsFake(async () => {
      minute -= 10;
      return { Events: [lookupEvent(minute)], NextToken: 'more' };
    });
    const aggregator = new ActivityAggregator({ window: WINDOW });
    const source = await readLookupEvents(new CloudTrailClient({ region: 'eu-west-3' }), aggregator, { clock, maxCalls: 3 });
    const section = aggregator.finish();
    expect(source.complete).toBe(false);
    expect(source.apiCalls).toBe(3);
    expect(source.truncation).toMatchObject({ reason: 'call-budget', coveredFrom: officeTime(570) });
    expect(section.truncated).toBe(true);
    // covered: from 09:00Z + 570 min to the window end (06:00Z next day) out of 24 h
    expect(section.coverage).toBeCloseTo((24 * 60 - 180 - 570) / (24 * 60), 5);
  });

  it('gives up after repeated throttling and says so', async () => {
    const clock = fakeClock();
    cloudtrail.on(LookupEventsCommand).rejects(throttled());
    const aggregator = new ActivityAggregator({ window: WINDOW });
    const source = await readLookupEvents(new CloudTrailClient({ region: 'eu-west-3' }), aggregator, { clock, maxThrottleRetries: 2, backoffMs: 100 });
    expect(source).toMatchObject({ complete: false, apiCalls: 3, truncation: { reason: 'ThrottlingException' } });
    expect(clock.sleeps.filter((s) => s === 100 || s === 200)).toEqual([100, 200]);
    expect(aggregator.finish().coverage).toBe(0);
  });

  it('reads an empty window completely in one call', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    const aggregator = new ActivityAggregator({ window: WINDOW });
    const source = await readLookupEvents(new CloudTrailClient({ region: 'eu-west-3' }), aggregator, { clock: fakeClock() });
    expect(source).toMatchObject({ complete: true, apiCalls: 1, eventsRead: 0 });
  });
});

describe('RateLimiter', () => {
  it('lets the first call through and spaces the next ones', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(2, clock);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter.acquire();
      times.push(clock.now());
    }
    expect(times.map((t) => t - (times[0] as number))).toEqual([0, 500, 1000, 1500, 2000]);
  });
});
