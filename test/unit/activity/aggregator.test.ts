import { describe, expect, it } from 'vitest';
import { ActivityAggregator, ActivitySection, DistinctCounter, LocalCalendar, hash53, isDeniedError, parseEventTime, principalOf, InvalidTimeZoneError } from '../../../lib/activity';
import { aggregate, iamUserRecord, officeTime, WINDOW, ACCOUNT } from './helpers';

describe('ActivityAggregator', () => {
  it('counts calls, errors by code, data reads and bytes per principal', () => {
    const section = aggregate([
      iamUserRecord({ time: officeTime(0), bytesOut: 1000, resource: 'arn:aws:s3:::b/1' }),
      iamUserRecord({ time: officeTime(1), bytesOut: 500, resource: 'arn:aws:s3:::b/2' }),
      iamUserRecord({ time: officeTime(2), errorCode: 'AccessDenied', bytesOut: 0, resource: 'arn:aws:s3:::b/3' }),
      iamUserRecord({ time: officeTime(3), eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', errorCode: 'Client.UnauthorizedOperation' }),
      iamUserRecord({ time: officeTime(4), eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', errorCode: 'RequestLimitExceeded' }),
      iamUserRecord({ time: officeTime(5), eventSource: 'dynamodb.amazonaws.com', eventName: 'Scan', ip: '198.51.100.1', agent: 'boto3' }),
      iamUserRecord({ user: 'bob', time: officeTime(6) }),
    ]);
    expect(ActivitySection.parse(section)).toEqual(section);
    expect(section.totals).toMatchObject({ events: 7, principals: 2, outsideWindow: 0, malformedRecords: 0 });
    const alice = section.principals.find((p) => p.principal === `arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(alice).toMatchObject({
      identityType: 'IAMUser',
      calls: 6,
      errors: 3,
      deniedErrors: 2,
      errorsByCode: { AccessDenied: 1, 'Client.UnauthorizedOperation': 1, RequestLimitExceeded: 1 },
      // the denied GetObject read nothing; Scan counts as a read without bytes
      dataReads: { events: 3, bytes: 1500, records: 3 },
      dataReadsByDay: { '2026-01-21': { events: 3, bytes: 1500, records: 3 } },
      distinctSourceIps: { count: 2, exact: true },
      distinctUserAgents: { count: 2, exact: true },
    });
    // three object ARNs, plus the bucket/key fallback (arn:aws:s3:::b/k) for events without resources
    expect(alice?.distinctResources).toEqual({ count: 4, exact: true });
    expect(alice?.hourHistogram[10]).toBe(6); // 09:00Z = 10:00 in Paris (CET)
    expect(alice?.weekHourHistogram[2]?.[10]).toBe(6); // Wednesday
    expect(alice?.firstEventTime).toBe(officeTime(0));
    expect(alice?.lastEventTime).toBe(officeTime(5));
  });

  it('keeps every principal apart as the table grows past its first allocation', () => {
    // 300 principals: the flat per-principal arrays are reallocated several times (64 → 512).
    const records = Array.from({ length: 300 }, (_, u) =>
      Array.from({ length: (u % 5) + 1 }, (_, i) => iamUserRecord({ user: `u${u}`, time: officeTime(u + i * 60), ip: `198.51.100.${i}`, resource: `arn:aws:s3:::b/${u}/${i}` })),
    ).flat();
    const section = aggregate(records.reverse());
    expect(section.totals).toMatchObject({ events: records.length, principals: 300 });
    for (const u of [0, 63, 64, 65, 299]) {
      const p = section.principals.find((x) => x.principal === `arn:aws:iam::${ACCOUNT}:user/u${u}`);
      const n = (u % 5) + 1;
      expect(p).toMatchObject({ calls: n, distinctSourceIps: { count: n, exact: true }, distinctResources: { count: n, exact: true }, distinctUserAgents: { count: 1 } });
      expect(p?.firstEventTime).toBe(officeTime(u));
      expect(p?.lastEventTime).toBe(officeTime(u + (n - 1) * 60));
      expect(p?.hourHistogram.reduce((a, b) => a + b, 0)).toBe(n);
      expect(p?.weekHourHistogram.flat().reduce((a, b) => a + b, 0)).toBe(n);
    }
  });

  it('ignores events outside the window and counts records without a usable eventTime as malformed', () => {
    const section = aggregate([
      iamUserRecord({ time: '2026-01-21T05:59:59Z' }),
      iamUserRecord({ time: WINDOW.start.toISOString() }),
      iamUserRecord({ time: WINDOW.end.toISOString() }), // end is exclusive
      { eventName: 'GetObject' },
      'not an object',
      iamUserRecord({ time: 'yesterday' }),
    ]);
    expect(section.totals).toMatchObject({ events: 1, outsideWindow: 2, malformedRecords: 3 });
  });

  it('caps principals and counts the events of the rest as overflow', () => {
    const aggregator = new ActivityAggregator({ window: WINDOW, maxPrincipals: 2 });
    for (const user of ['a', 'b', 'c', 'c', 'a']) aggregator.add(iamUserRecord({ user, time: officeTime() }));
    const section = aggregator.finish();
    expect(section.totals).toMatchObject({ events: 3, principals: 2, overflowEvents: 2, principalLimit: 2 });
  });

  it('refuses an empty or inverted window and an unknown time zone', () => {
    expect(() => new ActivityAggregator({ window: { start: WINDOW.end, end: WINDOW.start } })).toThrow(/invalid activity window/);
    expect(() => new ActivityAggregator({ window: WINDOW, timeZone: 'Mars/Olympus' })).toThrow(InvalidTimeZoneError);
  });
});

describe('principal keys', () => {
  it('keys assumed roles by role and session name, and keeps the role to group peers', () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/Adviser`;
    expect(
      principalOf({ type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Adviser/jane@example.org`, sessionContext: { sessionIssuer: { arn: role } } }),
    ).toEqual({ key: `arn:aws:sts::${ACCOUNT}:assumed-role/Adviser/jane@example.org`, identityType: 'AssumedRole', role });
    expect(principalOf({ type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root` }).key).toBe(`arn:aws:iam::${ACCOUNT}:root`);
    expect(principalOf({ type: 'AWSService', invokedBy: 'lambda.amazonaws.com' }).key).toBe('service:lambda.amazonaws.com');
    expect(principalOf({ type: 'AWSAccount', principalId: 'AIDAX', accountId: '444455556666' }).key).toBe('AWSAccount:AIDAX');
    expect(principalOf(undefined).key).toBe('unknown');
  });

  it('recognises access-denied codes across services', () => {
    for (const code of ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation']) expect(isDeniedError(code)).toBe(true);
    for (const code of ['ThrottlingException', 'NoSuchKey', 'ValidationException']) expect(isDeniedError(code)).toBe(false);
  });
});

describe('off-hours in Europe/Paris across daylight-saving changes', () => {
  const calendar = new LocalCalendar('Europe/Paris');

  it('maps the same UTC time to different local hours before and after the March change', () => {
    expect(calendar.at(Date.parse('2026-03-27T06:30:00Z'))).toEqual({ hour: 7, weekday: 4, date: '2026-03-27' }); // CET, Friday 07:30
    expect(calendar.at(Date.parse('2026-03-30T06:30:00Z'))).toEqual({ hour: 8, weekday: 0, date: '2026-03-30' }); // CEST, Monday 08:30
    // Sunday 29 March: 01:30Z is 03:30 local, the hour 02:xx does not exist
    expect(calendar.at(Date.parse('2026-03-29T00:30:00Z')).hour).toBe(1);
    expect(calendar.at(Date.parse('2026-03-29T01:30:00Z')).hour).toBe(3);
  });

  it('maps the same UTC time to different local hours before and after the October change', () => {
    expect(calendar.at(Date.parse('2026-10-23T06:30:00Z')).hour).toBe(8); // CEST
    expect(calendar.at(Date.parse('2026-10-26T06:30:00Z')).hour).toBe(7); // CET
    // Sunday 25 October: 00:30Z and 01:30Z are both 02:30 local (the hour repeats)
    expect(calendar.at(Date.parse('2026-10-25T00:30:00Z')).hour).toBe(2);
    expect(calendar.at(Date.parse('2026-10-25T01:30:00Z')).hour).toBe(2);
  });

  it('gives, from its per-quarter-hour cache, the hour, weekday and date Intl gives for every minute of both change days', () => {
    const intl = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', weekday: 'short' });
    const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    const cached = new LocalCalendar('Europe/Paris');
    let checked = 0;
    for (const day of ['2026-03-28T22:00:00Z', '2026-10-24T22:00:00Z']) {
      // Forward then backward over the same minutes, so the answers come from the cache too.
      const minutes = Array.from({ length: 26 * 60 }, (_, m) => Date.parse(day) + m * 60_000);
      for (const t of [...minutes, ...minutes.reverse()]) {
        const parts = Object.fromEntries(intl.formatToParts(t).map((p) => [p.type, p.value]));
        expect(cached.at(t), new Date(t).toISOString()).toEqual({
          hour: Number(parts.hour),
          weekday: weekdays.indexOf(parts.weekday ?? ''),
          date: `${parts.year}-${parts.month}-${parts.day}`,
        });
        checked += 1;
      }
    }
    expect(checked).toBe(4 * 26 * 60);
  });

  it('fills the histograms with local hours across the March change', () => {
    const window = { start: new Date('2026-03-26T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') };
    const section = aggregate(
      [iamUserRecord({ time: '2026-03-27T06:30:00Z' }), iamUserRecord({ time: '2026-03-30T06:30:00Z' })],
      window,
    );
    const p = section.principals[0];
    expect(p?.weekHourHistogram[4]?.[7]).toBe(1); // Friday 07h: before 08:00, off hours
    expect(p?.weekHourHistogram[0]?.[8]).toBe(1); // Monday 08h: working hours
    // In UTC both are hour 6.
    const utc = aggregate([iamUserRecord({ time: '2026-03-27T06:30:00Z' }), iamUserRecord({ time: '2026-03-30T06:30:00Z' })], window, 'UTC');
    expect(utc.principals[0]?.hourHistogram[6]).toBe(2);
  });
});

describe('DistinctCounter', () => {
  it('is exact up to its cap, then estimates within a few percent with bounded memory', () => {
    const small = new DistinctCounter(256);
    for (let i = 0; i < 200; i++) small.add(`arn:aws:s3:::b/${i % 100}`);
    expect(small.result()).toEqual({ count: 100, exact: true });

    const large = new DistinctCounter(256);
    for (let i = 0; i < 100_000; i++) large.add(`arn:aws:s3:::bucket/object-${i}`);
    const { count, exact } = large.result();
    expect(exact).toBe(false);
    expect(Math.abs(count - 100_000) / 100_000).toBeLessThan(0.1);
  });
});

describe('DistinctCounter.add (hashing and table probe inlined)', () => {
  const values = Array.from({ length: 1000 }, (_, i) => `arn:aws:s3:::bucket/dossiers/${(i * 7919) % 600}.pdf`);

  it('holds exactly the hash53 of each distinct value below its cap', () => {
    const counter = new DistinctCounter(1000);
    for (const v of values) counter.add(v);
    const partial = counter.toPartial();
    expect('hashes' in partial && [...partial.hashes].sort()).toEqual([...new Set(values.map((v) => hash53(v)))].sort());
  });

  it('ends with the same sketch registers as hashes merged one by one, across the switch to the sketch', () => {
    for (const limit of [16, 256]) {
      const added = new DistinctCounter(limit);
      for (const v of values) added.add(v);
      const merged = DistinctCounter.fromPartial({ hashes: values.map((v) => hash53(v)) }, limit);
      expect(added.isExact).toBe(false);
      expect(added.toPartial()).toEqual(merged.toPartial());
      expect(added.result()).toEqual(merged.result());
    }
  });
});

describe('parseEventTime', () => {
  it('reads CloudTrail times digit by digit exactly as Date.parse, and hands other forms to Date.parse', () => {
    for (const text of ['2026-01-21T09:05:07Z', '2026-01-22T00:00:00Z', '2024-02-29T23:59:59Z', '2026-03-29T01:30:00Z', '2026-01-21T09:05:07.123Z', '2026-01-21T10:05:07+01:00', '2026-02-30T09:00:00Z' /* V8 rolls it over to 2 March */]) {
      expect(parseEventTime(text)).toBe(Date.parse(text));
    }
    for (const text of ['2026-13-01T09:00:00Z', '2026-01-21T24:00:01Z', '2026-01-2xT09:00:00Z', 'yesterday', '']) {
      expect(parseEventTime(text)).toBeNaN();
    }
  });
});
