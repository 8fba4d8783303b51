import { describe, expect, it } from 'vitest';
import { ActivityAggregator, ActivitySection, DistinctCounter, type ActivityPartial, type AggregatorOptions } from '../../../lib/activity';
import { ACCOUNT, iamUserRecord, officeTime, WINDOW } from './helpers';

/** Feed `records` to a fresh aggregator. */
function fed(records: unknown[], options: Partial<AggregatorOptions> = {}): ActivityAggregator {
  const aggregator = new ActivityAggregator({ window: WINDOW, ...options });
  for (const r of records) aggregator.add(r);
  return aggregator;
}

/** A day of several users: reads with bytes, denials, other errors, off-hours, other days' edges, junk. */
function mixedRecords(): unknown[] {
  const records: unknown[] = [];
  const users = ['alice', 'bob', 'carol', 'dave'];
  for (let i = 0; i < 400; i++) {
    const user = users[i % users.length] as string;
    const minutes = (i * 37) % 1300 - 200; // 05:40Z … 02:40Z next day: crosses the local midnight
    records.push(
      iamUserRecord({
        user,
        time: officeTime(minutes),
        ...(i % 9 === 0 ? { errorCode: 'AccessDenied' } : i % 13 === 0 ? { errorCode: `Code${i % 5}` } : {}),
        ...(i % 3 === 0 ? { eventSource: 'dynamodb.amazonaws.com', eventName: 'Query' } : { bytesOut: 1000 + i }),
        resource: `arn:aws:s3:::b/${user}/${i % 40}`,
        ip: `203.0.113.${i % 7}`,
        agent: i % 2 ? 'aws-cli/2.15.0' : 'boto3/1.34',
      }),
    );
  }
  records.push(iamUserRecord({ time: '2026-01-21T05:00:00Z' }), { eventName: 'no time' }, 'junk');
  return records;
}

describe('ActivityAggregator.merge', () => {
  it('merge(a, b) equals one aggregate of a ∪ b, for any split (exact below the distinct cap)', () => {
    const records = mixedRecords();
    const union = fed(records).finish();
    expect(ActivitySection.parse(union)).toEqual(union);
    expect(union.principals.every((p) => p.distinctResources.exact)).toBe(true);

    for (const split of [
      (_: unknown, i: number) => i < 150, // halves in order
      (_: unknown, i: number) => i % 2 === 0, // interleaved: every principal in both parts
      (_: unknown, i: number) => i % 4 === 1, // one part has a single user
    ]) {
      const a = fed(records.filter(split));
      const b = fed(records.filter((r, i) => !split(r, i)));
      a.merge(b);
      expect(a.finish()).toEqual(union);
    }
  });

  it('merges the sketches above the cap into the sketch of the union, within the stated error', () => {
    // 3,000 distinct objects for one user, 1,000 of them in both parts; cap 64 so both parts are sketches.
    const resource = (i: number) => iamUserRecord({ time: officeTime(i % 300), resource: `arn:aws:s3:::bucket/object-${i}` });
    const partA = Array.from({ length: 2000 }, (_, i) => resource(i));
    const partB = Array.from({ length: 2000 }, (_, i) => resource(i + 1000));
    const options = { exactDistinctLimit: 64 };
    const union = fed([...partA, ...partB], options).finish();
    const a = fed(partA, options);
    a.merge(fed(partB, options));
    const merged = a.finish();

    expect(merged).toEqual(union); // register-wise maximum = the union's sketch, bit for bit
    const { count, exact } = merged.principals[0]?.distinctResources ?? { count: 0, exact: true };
    expect(exact).toBe(false);
    // HyperLogLog with 1,024 registers: ≈3.25% standard error; allow three of them.
    expect(Math.abs(count - 3000) / 3000).toBeLessThan(3 * 0.0325);
    // The user's calls are exact whatever the sketch does.
    expect(merged.principals[0]?.calls).toBe(4000);
  });

  it('merges an exact counter into a sketch and a sketch into an exact counter', () => {
    const many = new DistinctCounter(8);
    const few = new DistinctCounter(8);
    for (let i = 0; i < 100; i++) many.add(`v${i}`);
    for (let i = 95; i < 100; i++) few.add(`v${i}`);
    const all = new DistinctCounter(8);
    for (let i = 0; i < 100; i++) all.add(`v${i}`);

    const left = DistinctCounter.fromPartial(few.toPartial(), 8);
    left.merge(many);
    const right = DistinctCounter.fromPartial(many.toPartial(), 8);
    right.merge(few);
    expect(left.result()).toEqual(all.result());
    expect(right.result()).toEqual(all.result());
    // Below the cap, the union of two exact sets stays exact.
    const small = DistinctCounter.fromPartial(few.toPartial(), 8);
    small.merge(DistinctCounter.fromPartial({ hashes: [] }, 8));
    expect(small.result()).toEqual({ count: 5, exact: true });
  });

  it('survives the trip through postMessage (structured clone of the partial)', () => {
    const records = mixedRecords();
    const union = fed(records).finish();
    const a = fed(records.slice(0, 200));
    const partial: ActivityPartial = structuredClone(fed(records.slice(200)).toPartial());
    a.mergePartial(partial);
    expect(a.finish()).toEqual(union);
  });

  it('keeps overflow accounting right when the merged principals exceed the cap', () => {
    const calls = (user: string, n: number) => Array.from({ length: n }, (_, i) => iamUserRecord({ user, time: officeTime(i) }));
    const partA = [...calls('a', 3), ...calls('b', 2)];
    const partB = [...calls('c', 4), ...calls('a', 1), ...calls('d', 5)];
    const union = fed([...partA, ...partB], { maxPrincipals: 2 }).finish();
    const a = fed(partA, { maxPrincipals: 2 });
    a.merge(fed(partB, { maxPrincipals: 2 }));
    const merged = a.finish();

    expect(merged.totals.principals).toBe(2);
    expect(merged.totals.events + merged.totals.overflowEvents).toBe(15);
    expect(merged.totals.events + merged.totals.overflowEvents).toBe(union.totals.events + union.totals.overflowEvents);
    // In this order the kept principals are the same as one pass: a and b.
    expect(merged.principals.map((p) => [p.principal.split('/').pop(), p.calls])).toEqual([
      ['a', 4],
      ['b', 2],
    ]);
    expect(merged.totals).toEqual(union.totals);
  });

  it('caps error codes at 50 named codes plus (other), and keeps every error counted', () => {
    const codes = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => iamUserRecord({ time: officeTime(i), errorCode: `Error${from + i}` }));
    const a = fed(codes(0, 40));
    a.merge(fed(codes(30, 80)));
    const p = a.finish().principals[0];
    expect(p?.errors).toBe(90);
    expect(Object.keys(p?.errorsByCode ?? {})).toHaveLength(51);
    expect(Object.values(p?.errorsByCode ?? {}).reduce((x, y) => x + y, 0)).toBe(90);
    expect(p?.errorsByCode['(other)']).toBe(30);
    expect(p?.errorsByCode.Error35).toBe(2);
  });

  it('appends file errors and sources', () => {
    const a = fed([]);
    const b = fed([iamUserRecord({ time: officeTime() })]);
    b.addFileError({ file: 'x.json.gz', code: 'InvalidGzip', message: 'x.json.gz: corrupt' });
    b.addSource({ kind: 'log-directory', location: 'part-b', complete: false, eventsRead: 1, filesRead: 1 });
    a.addSource({ kind: 'log-directory', location: 'part-a', complete: true, eventsRead: 0, filesRead: 1 });
    a.merge(b);
    const section = a.finish();
    expect(section.fileErrorCount).toBe(1);
    expect(section.fileErrors[0]?.file).toBe('x.json.gz');
    expect(section.sources.map((s) => s.location)).toEqual(['part-a', 'part-b']);
    expect(section.principals[0]?.principal).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`);
  });

  it('refuses to mix aggregates of another window, time zone or distinct cap', () => {
    const a = fed([]);
    expect(() => a.merge(new ActivityAggregator({ window: { start: WINDOW.start, end: new Date(WINDOW.end.getTime() + 1) } }))).toThrow(/window/);
    expect(() => a.merge(new ActivityAggregator({ window: WINDOW, timeZone: 'UTC' }))).toThrow(/time zone UTC/);
    expect(() => a.merge(new ActivityAggregator({ window: WINDOW, exactDistinctLimit: 10 }))).toThrow(/distinct/);
  });
});
