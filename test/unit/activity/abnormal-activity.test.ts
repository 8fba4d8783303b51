import { describe, expect, it } from 'vitest';
import rule, { detectActivitySignals } from '../../../lib/rules/monitoring/abnormal-activity';
import { evaluateRule } from '../../../lib/rules/engine';
import { baselinesFromFindings, baselinesFromSections, sectionMetrics, type ActivitySection } from '../../../lib/activity';
import { franceTravailActivity } from '../../../lib/scenarios/activity/france-travail';
import { compliantActivity } from '../../../lib/scenarios/activity/compliant';
import { parseSnapshot } from '../../../lib/snapshot';
import type { EvaluationContext } from '../../../lib/rules/types';
import { aggregate, iamUserRecord, officeTime, userCalls, ACCOUNT } from './helpers';

const NOW = '2026-01-22T06:00:00.000Z';

function snapshot(activity: ActivitySection | undefined) {
  return parseSnapshot({
    schemaVersion: 1,
    account: { id: ACCOUNT },
    collectedAt: NOW,
    source: { kind: 'scenario', name: 'test', toolVersion: '0' },
    ...(activity ? { activity } : {}),
  });
}

function judge(activity: ActivitySection | undefined, params: Record<string, unknown> = {}, context: EvaluationContext = {}) {
  return evaluateRule(rule, snapshot(activity), params, context);
}

/** `n` peers with ordinary days (`calls` each, office hours, no errors). */
function peers(n: number, calls = 200): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => userCalls(`peer-${i}`, calls + i)).flat();
}

describe('monitoring.abnormal-activity thresholds', () => {
  it('error rate: 19.9% passes, 20.0% fails (1,000 calls)', () => {
    expect(judge(aggregate(userCalls('u', 1000, 199))).status).toBe('PASS');
    const fail = judge(aggregate(userCalls('u', 1000, 200)));
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toContain(`arn:aws:iam::${ACCOUNT}:user/u: access-denied rate 20.0% (200 of 1000 calls)`);
    expect(fail.resources).toEqual([`arn:aws:iam::${ACCOUNT}:user/u`]);
  });

  it('error rate needs at least 100 calls: 99 calls pass, 100 fail (50% denied)', () => {
    expect(judge(aggregate(userCalls('u', 99, 50))).status).toBe('PASS');
    expect(judge(aggregate(userCalls('u', 100, 50))).status).toBe('FAIL');
  });

  it('errorKind "any" counts every error code, the default only access denials', () => {
    const throttled = userCalls('u', 100, 0).map((r, i) => (i < 30 ? { ...r, errorCode: 'ThrottlingException' } : r));
    expect(judge(aggregate(throttled)).status).toBe('PASS');
    expect(judge(aggregate(throttled), { errorKind: 'any' }).status).toBe('FAIL');
  });

  it('bytes read per day: exactly 1 GB passes, one byte more fails', () => {
    const reads = (bytes: number) => [iamUserRecord({ time: officeTime(0), bytesOut: bytes / 2 }), iamUserRecord({ time: officeTime(1), bytesOut: bytes / 2 })];
    expect(judge(aggregate(reads(1e9))).status).toBe('PASS');
    const fail = judge(aggregate([...reads(1e9), iamUserRecord({ time: officeTime(2), bytesOut: 1 })]));
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toMatch(/data read per day 1\.0 GB; threshold > 1\.0 GB/);
    expect(judge(aggregate(reads(3e9)), { maxDataReadBytesPerDay: 5e9 }).status).toBe('PASS');
  });

  it('records read per day: at the limit passes, above it fails', () => {
    expect(judge(aggregate(userCalls('u', 10)), { maxDataReadRecordsPerDay: 10 }).status).toBe('PASS');
    expect(judge(aggregate(userCalls('u', 11)), { maxDataReadRecordsPerDay: 10 }).status).toBe('FAIL');
  });

  it('uses the busiest local day when the window spans several days', () => {
    const window = { start: new Date('2026-01-19T00:00:00Z'), end: new Date('2026-01-23T00:00:00Z') };
    const section = aggregate(
      [
        iamUserRecord({ time: '2026-01-19T10:00:00Z', bytesOut: 0.8e9 }),
        iamUserRecord({ time: '2026-01-20T10:00:00Z', bytesOut: 0.8e9 }),
      ],
      window,
    );
    expect(sectionMetrics(section)[0]?.dataReadBytesPerDay).toBe(0.8e9);
    expect(judge(section).status).toBe('PASS');
  });

  it('off-hours share: 30% passes, 31% fails (Paris working hours 08–19, Monday–Friday)', () => {
    const day = (offHours: number) =>
      Array.from({ length: 100 }, (_, i) =>
        // 21:00 Paris = 20:00Z on a Wednesday is off hours; 10:00 Paris is not
        iamUserRecord({ time: i < offHours ? '2026-01-21T20:00:00Z' : officeTime(i) }),
      );
    expect(judge(aggregate(day(30))).status).toBe('PASS');
    const fail = judge(aggregate(day(31)));
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toContain('share of calls off working hours 31.0%');
    // Working until 22:00 makes the same day normal.
    expect(judge(aggregate(day(31)), { workdayEndHour: 22 }).status).toBe('PASS');
  });
});

describe('monitoring.abnormal-activity outliers', () => {
  it('flags a principal far above its peers (modified z-score > 3.5) as WARN with the baseline', () => {
    const result = judge(aggregate([...peers(10), ...userCalls('busy', 1000)]));
    expect(result.status).toBe('WARN');
    expect(result.resources).toEqual([`arn:aws:iam::${ACCOUNT}:user/busy`]);
    expect(result.message).toMatch(/user\/busy: calls 1000; peer median 20\d over 11 principals, modified z \d+/);
    const signal = (result.observed.signals as Array<Record<string, unknown>>).find((s) => s.metric === 'calls');
    expect(signal).toMatchObject({ value: 1000, reasons: ['peers'], peerBaseline: { n: 11 } });
  });

  it('does not flag ordinary spread, values under the floor, or too few peers', () => {
    expect(judge(aggregate([...peers(10), ...userCalls('slightly-busy', 212)])).status).toBe('PASS');
    // 60 calls vs ~10 is far off, but under the 100-call floor
    expect(judge(aggregate([...peers(10, 10), ...userCalls('small', 60)])).status).toBe('PASS');
    // with 5 principals there is no peer baseline (minPeers 8)
    expect(judge(aggregate([...peers(4), ...userCalls('busy', 1000)])).status).toBe('PASS');
  });

  it('computes the modified z-score against median and MAD', () => {
    const metrics = sectionMetrics(aggregate([...peers(10), ...userCalls('busy', 1000)]));
    const params = rule.parameters.parse({});
    const [signal] = detectActivitySignals(metrics, params).filter((s) => s.metric === 'calls');
    // calls: 200..209 and 1000 → median 205, MAD 3 → z = 0.6745 × 795 / 3
    expect(signal?.peerBaseline).toMatchObject({ median: 205, mad: 3 });
    expect(signal?.peerBaseline?.zScore).toBeCloseTo((0.6745 * 795) / 3, 1);
  });

  it('flags a principal far above its own history', () => {
    const principal = `arn:aws:iam::${ACCOUNT}:user/u`;
    const history = { [principal]: { calls: [300, 310, 290, 305, 295] } };
    const result = judge(aggregate(userCalls('u', 900)), {}, { activityBaselines: history });
    expect(result.status).toBe('WARN');
    expect(result.message).toContain('own median 300 over 5 previous runs');
    // too short a history is not a baseline
    expect(judge(aggregate(userCalls('u', 900)), {}, { activityBaselines: { [principal]: { calls: [300, 310] } } }).status).toBe('PASS');
  });

  it('builds baselines from earlier sections and from earlier findings', () => {
    const sections = [aggregate(userCalls('u', 100)), aggregate(userCalls('u', 120))];
    const principal = `arn:aws:iam::${ACCOUNT}:user/u`;
    expect(baselinesFromSections(sections)[principal]?.calls).toEqual([100, 120]);
    const observed = sections.map((s) => judge(s).observed);
    expect(baselinesFromFindings(observed)[principal]?.calls).toEqual([100, 120]);
  });
});

describe('monitoring.abnormal-activity: missing, partial and empty data', () => {
  it('is an ERROR when the activity section was not collected', () => {
    const result = judge(undefined);
    expect(result.status).toBe('ERROR');
    expect(result.message).toContain('missing activity');
  });

  it('is an ERROR when a truncated read covers less than half the window', () => {
    const section = aggregate(userCalls('u', 10));
    section.sources[0] = { ...section.sources[0]!, complete: false, truncation: { reason: 'call-budget', message: 'stopped after 500 calls', coveredFrom: NOW } };
    section.truncated = true;
    section.coverage = 0.2;
    const result = judge(section);
    expect(result.status).toBe('ERROR');
    expect(result.message).toContain('stopped after 500 calls');
  });

  it('is at most a WARN when the read was partial but nothing is flagged', () => {
    const section = aggregate(userCalls('u', 10));
    section.fileErrorCount = 1;
    section.fileErrors = [{ file: 'x.json.gz', code: 'InvalidGzip', message: 'x.json.gz: gzip data is corrupt or truncated' }];
    const result = judge(section);
    expect(result.status).toBe('WARN');
    expect(result.message).toContain('x.json.gz');
  });

  it('an empty window: PASS only after a complete LookupEvents read, WARN from log files, ERROR when reading failed', () => {
    const empty = aggregate([]);
    expect(judge(empty).status).toBe('WARN');
    expect(judge({ ...empty, sources: [{ kind: 'lookup-events', location: 'cloudtrail', complete: true, eventsRead: 0, apiCalls: 1 }] }).status).toBe('PASS');
    expect(judge({ ...empty, fileErrorCount: 2, sources: [{ ...empty.sources[0]!, complete: false }] }).status).toBe('ERROR');
    expect(judge({ ...empty, sources: [] }).status).toBe('ERROR');
  });
});

describe('bundled scenarios', () => {
  const now = new Date(NOW);

  it('france-travail shows both signals with their numbers', () => {
    const result = judge(franceTravailActivity(ACCOUNT, now));
    expect(result.status).toBe('FAIL');
    expect(result.message).toMatch(/adviser-41@agency\.example: access-denied rate 69\.0% \(690 of 1000 calls\)/);
    expect(result.message).toMatch(/adviser-42@agency\.example: data read per day 9\.\d GB; threshold > 1\.0 GB/);
    expect(result.resources).toHaveLength(2);
  });

  it('compliant shows none', () => {
    const section = compliantActivity(ACCOUNT, now);
    expect(section.totals.principals).toBe(40);
    const result = judge(section);
    expect(result.status).toBe('PASS');
    expect(result.resources).toHaveLength(40);
  });

  it('are deterministic', () => {
    expect(franceTravailActivity(ACCOUNT, now)).toEqual(franceTravailActivity(ACCOUNT, now));
  });
});
