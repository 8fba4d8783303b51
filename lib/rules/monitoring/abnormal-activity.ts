/**
 * monitoring.abnormal-activity — reads the CloudTrail activity aggregates and flags the
 * France Travail signals per principal: a high error (access denied) rate, bulk data
 * reads in a day, work outside working hours, and robust outliers against peers
 * (median / MAD) and against the principal's own history when the evidence store has it.
 *
 * What an empty or partial window means (never a PASS on data not read):
 * - coverage below `minCoverage` (a source stopped early) or, with no events, any file
 *   error or truncation → ERROR;
 * - no events and a complete LookupEvents read among the sources → PASS (CloudTrail
 *   answered for the whole window: no management activity);
 * - no events from log files only → WARN (the files may not cover the window);
 * - signals over a threshold → FAIL; outliers only → WARN; nothing flagged but the read
 *   was partial (file errors, truncation, principal cap) → WARN; otherwise PASS.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { defineRule, type RuleOutcome } from '../types';
import { REF } from '../support/references';
import { sectionMetrics, type OutlierMetric, type PrincipalMetrics, type WorkingHours } from '../../activity/metrics';
import { modifiedZScore, robustBaseline, type RobustBaseline } from '../../activity/stats';
import type { ActivityBaselines } from '../../activity/baselines';
import type { ActivitySection } from '../../activity/schema';

const Parameters = z.object({
  /** Error rate at or above which a principal is flagged (with at least `minCallsForErrorRate` calls). */
  maxErrorRate: z.number().min(0).max(1).default(0.2),
  minCallsForErrorRate: z.number().int().positive().default(100),
  /** Which errors make the rate: only access-denied codes (default), or any errorCode. */
  errorKind: z.enum(['access-denied', 'any']).default('access-denied'),
  /** Bytes read per day above which a principal is flagged (decimal: 1 GB = 10^9). */
  maxDataReadBytesPerDay: z.number().positive().default(1e9),
  /** Records (data-read events / items) per day above which a principal is flagged. */
  maxDataReadRecordsPerDay: z.number().int().positive().default(100_000),
  /** Share of calls outside working hours above which a principal is flagged. */
  maxOffHoursShare: z.number().min(0).max(1).default(0.3),
  minCallsForOffHours: z.number().int().nonnegative().default(50),
  /** Working hours, local to the activity section's time zone: [start, end). */
  workdayStartHour: z.number().int().min(0).max(23).default(8),
  workdayEndHour: z.number().int().min(1).max(24).default(19),
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  workingDays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
  /** Modified z-score above which a value is an outlier (Iglewicz & Hoaglin: 3.5). */
  outlierZScore: z.number().positive().default(3.5),
  /** Peers (same identity type) needed before comparing a principal with them. */
  minPeers: z.number().int().min(3).default(8),
  /** Previous values needed before comparing a principal with its own history. */
  minHistory: z.number().int().min(3).default(5),
  /** Values below these floors are never outliers (a jump from 2 to 20 calls is noise). */
  outlierFloors: z
    .object({
      calls: z.number().nonnegative().default(100),
      errorRate: z.number().nonnegative().default(0.05),
      dataReadBytesPerDay: z.number().nonnegative().default(100e6),
      dataReadRecordsPerDay: z.number().nonnegative().default(1000),
      offHoursShare: z.number().nonnegative().default(0.1),
      distinctResources: z.number().nonnegative().default(100),
    })
    .prefault({}),
  /** Share of the window a truncated read must cover to be judged at all. */
  minCoverage: z.number().min(0).max(1).default(0.5),
  /** Principals whose metrics the finding lists (flagged ones first, then busiest). */
  maxListedMetrics: z.number().int().nonnegative().default(200),
});
type Parameters = z.infer<typeof Parameters>;

type Reason = 'threshold' | 'peers' | 'history';

export interface ActivitySignal {
  principal: string;
  metric: OutlierMetric;
  value: number;
  reasons: Reason[];
  threshold?: number;
  peerBaseline?: { median: number; mad: number; n: number; zScore: number };
  historyBaseline?: { median: number; mad: number; n: number; zScore: number };
  description: string;
}

const OUTLIER_FLOOR_KEY: Record<OutlierMetric, keyof Parameters['outlierFloors']> = {
  calls: 'calls',
  errorRate: 'errorRate',
  deniedErrorRate: 'errorRate',
  dataReadBytesPerDay: 'dataReadBytesPerDay',
  dataReadRecordsPerDay: 'dataReadRecordsPerDay',
  offHoursShare: 'offHoursShare',
  distinctResources: 'distinctResources',
};

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}
function formatValue(metric: OutlierMetric, v: number): string {
  if (metric === 'errorRate' || metric === 'deniedErrorRate' || metric === 'offHoursShare') return percent(v);
  if (metric === 'dataReadBytesPerDay') return bytes(v);
  return String(Math.round(v));
}
const METRIC_LABEL: Record<OutlierMetric, string> = {
  calls: 'calls',
  errorRate: 'error rate',
  deniedErrorRate: 'access-denied rate',
  dataReadBytesPerDay: 'data read per day',
  dataReadRecordsPerDay: 'records read per day',
  offHoursShare: 'share of calls off working hours',
  distinctResources: 'distinct resources',
};

/** The metrics this rule compares, given which error rate it judges. */
function judgedMetrics(p: Parameters): OutlierMetric[] {
  return ['calls', p.errorKind === 'any' ? 'errorRate' : 'deniedErrorRate', 'dataReadBytesPerDay', 'dataReadRecordsPerDay', 'offHoursShare', 'distinctResources'];
}

/** Whether a value is meaningful for a metric: enough calls behind a rate. */
function eligible(metric: OutlierMetric, m: PrincipalMetrics, p: Parameters): boolean {
  if (metric === 'errorRate' || metric === 'deniedErrorRate') return m.calls >= p.minCallsForErrorRate;
  if (metric === 'offHoursShare') return m.calls >= p.minCallsForOffHours;
  return true;
}

function thresholdOf(metric: OutlierMetric, m: PrincipalMetrics, p: Parameters): number | undefined {
  const value = m[metric];
  switch (metric) {
    case 'errorRate':
    case 'deniedErrorRate':
      return m.calls >= p.minCallsForErrorRate && value >= p.maxErrorRate ? p.maxErrorRate : undefined;
    case 'dataReadBytesPerDay':
      return value > p.maxDataReadBytesPerDay ? p.maxDataReadBytesPerDay : undefined;
    case 'dataReadRecordsPerDay':
      return value > p.maxDataReadRecordsPerDay ? p.maxDataReadRecordsPerDay : undefined;
    case 'offHoursShare':
      return m.calls >= p.minCallsForOffHours && value > p.maxOffHoursShare ? p.maxOffHoursShare : undefined;
    default:
      return undefined;
  }
}

function describe(signal: Omit<ActivitySignal, 'description'>, m: PrincipalMetrics, p: Parameters): string {
  const { metric, value } = signal;
  const parts: string[] = [];
  if (metric === 'errorRate' || metric === 'deniedErrorRate') {
    const n = metric === 'errorRate' ? m.errors : m.deniedErrors;
    parts.push(`${METRIC_LABEL[metric]} ${percent(value)} (${n} of ${m.calls} calls)`);
  } else {
    parts.push(`${METRIC_LABEL[metric]} ${formatValue(metric, value)}`);
  }
  if (signal.threshold !== undefined) {
    const over = metric === 'errorRate' || metric === 'deniedErrorRate' ? `≥ ${percent(signal.threshold)} over ≥ ${p.minCallsForErrorRate} calls` : `> ${formatValue(metric, signal.threshold)}`;
    parts.push(`threshold ${over}`);
  }
  if (signal.peerBaseline) {
    parts.push(`peer median ${formatValue(metric, signal.peerBaseline.median)} over ${signal.peerBaseline.n} principals${Number.isFinite(signal.peerBaseline.zScore) ? `, modified z ${signal.peerBaseline.zScore.toFixed(1)}` : ''}`);
  }
  if (signal.historyBaseline) {
    parts.push(`own median ${formatValue(metric, signal.historyBaseline.median)} over ${signal.historyBaseline.n} previous runs${Number.isFinite(signal.historyBaseline.zScore) ? `, modified z ${signal.historyBaseline.zScore.toFixed(1)}` : ''}`);
  }
  return `${signal.principal}: ${parts.join('; ')}`;
}

function baselineSummary(b: RobustBaseline, z: number): { median: number; mad: number; n: number; zScore: number } {
  return { median: b.median, mad: b.mad, n: b.n, zScore: Number.isFinite(z) ? Math.round(z * 100) / 100 : z };
}

/** Detect signals for every principal. Exported for the CLI and tests. */
export function detectActivitySignals(metrics: PrincipalMetrics[], p: Parameters, history: ActivityBaselines = {}): ActivitySignal[] {
  const compared = judgedMetrics(p);
  // Peer groups: same identity type; AWS services are not people and are not compared.
  const groups = new Map<string, PrincipalMetrics[]>();
  for (const m of metrics) {
    if (m.identityType === 'AWSService') continue;
    const group = groups.get(m.identityType) ?? [];
    group.push(m);
    groups.set(m.identityType, group);
  }
  const peerBaselines = new Map<string, Map<OutlierMetric, RobustBaseline>>();
  for (const [type, members] of groups) {
    if (members.length < p.minPeers) continue;
    const perMetric = new Map<OutlierMetric, RobustBaseline>();
    for (const metric of compared) {
      const values = members.filter((m) => eligible(metric, m, p)).map((m) => m[metric]);
      if (values.length >= p.minPeers) perMetric.set(metric, robustBaseline(values));
    }
    peerBaselines.set(type, perMetric);
  }

  const signals: ActivitySignal[] = [];
  for (const m of metrics) {
    for (const metric of compared) {
      const value = m[metric];
      const reasons: Reason[] = [];
      const signal: Omit<ActivitySignal, 'description'> = { principal: m.principal, metric, value, reasons };
      const threshold = thresholdOf(metric, m, p);
      if (threshold !== undefined) {
        reasons.push('threshold');
        signal.threshold = threshold;
      }
      const floor = p.outlierFloors[OUTLIER_FLOOR_KEY[metric]];
      const candidate = eligible(metric, m, p) && value >= floor;
      const peers = peerBaselines.get(m.identityType)?.get(metric);
      if (peers) {
        const z = modifiedZScore(value, peers);
        if (candidate && z > p.outlierZScore) reasons.push('peers');
        // A threshold signal names its peer baseline too, so the reader sees how far off it is.
        if (reasons.includes('peers') || threshold !== undefined) signal.peerBaseline = baselineSummary(peers, z);
      }
      const past = history[m.principal]?.[metric];
      if (past && past.length >= p.minHistory) {
        const own = robustBaseline(past);
        const z = modifiedZScore(value, own);
        if (candidate && z > p.outlierZScore) {
          reasons.push('history');
          signal.historyBaseline = baselineSummary(own, z);
        } else if (threshold !== undefined) signal.historyBaseline = baselineSummary(own, z);
      }
      if (reasons.length > 0) signals.push({ ...signal, description: describe(signal, m, p) });
    }
  }
  return signals;
}

function sourceSummary(section: ActivitySection): Record<string, unknown>[] {
  return section.sources.map((s) => ({
    kind: s.kind,
    location: s.location,
    complete: s.complete,
    eventsRead: s.eventsRead,
    ...(s.filesRead !== undefined ? { filesRead: s.filesRead } : {}),
    ...(s.apiCalls !== undefined ? { apiCalls: s.apiCalls } : {}),
    ...(s.truncation ? { truncation: s.truncation } : {}),
  }));
}

export function judgeActivity(section: ActivitySection, p: Parameters, history?: ActivityBaselines): RuleOutcome {
  const hours: WorkingHours = { startHour: p.workdayStartHour, endHour: p.workdayEndHour, days: p.workingDays };
  const window = `${section.window.start} – ${section.window.end}`;
  const base = {
    window: section.window,
    timeZone: section.timeZone,
    events: section.totals.events,
    principals: section.totals.principals,
    coverage: section.coverage,
    truncated: section.truncated,
    sources: sourceSummary(section),
    fileErrorCount: section.fileErrorCount,
    fileErrors: section.fileErrors.slice(0, 10),
    overflowEvents: section.totals.overflowEvents,
    malformedRecords: section.totals.malformedRecords,
  };
  const partial = section.truncated || section.fileErrorCount > 0 || section.totals.overflowEvents > 0 || section.sources.some((s) => !s.complete);
  const partialWhy = [
    section.truncated ? `read ${percent(section.coverage)} of the window (${section.sources.map((s) => s.truncation?.message).filter(Boolean).join('; ')})` : '',
    section.fileErrorCount > 0 ? `${section.fileErrorCount} unreadable log file(s), e.g. ${section.fileErrors[0]?.message ?? ''}` : '',
    section.totals.overflowEvents > 0 ? `${section.totals.overflowEvents} events of principals beyond the cap of ${section.totals.principalLimit} not aggregated` : '',
    section.sources.length === 0 ? 'no source was read' : '',
  ].filter(Boolean);

  if (section.sources.length === 0 || section.coverage < p.minCoverage) {
    return {
      status: 'ERROR',
      message: `Activity not judged: ${partialWhy.join('; ') || 'no source was read'} (minimum coverage ${percent(p.minCoverage)}).`,
      observed: base,
      threshold: { minCoverage: p.minCoverage },
      resources: [],
    };
  }
  if (section.totals.events === 0) {
    const lookupComplete = section.sources.some((s) => s.kind === 'lookup-events' && s.complete);
    if (partial && !lookupComplete) {
      return { status: 'ERROR', message: `No activity could be read for ${window}: ${partialWhy.join('; ')}.`, observed: base, threshold: { minCoverage: p.minCoverage }, resources: [] };
    }
    if (lookupComplete && !partial) {
      return { status: 'PASS', message: `CloudTrail LookupEvents was read completely for ${window} and holds no event: no activity to judge.`, observed: base, threshold: {}, resources: [] };
    }
    return {
      status: 'WARN',
      message: `No event in ${window}: ${lookupComplete ? partialWhy.join('; ') : 'the log files read hold no event in the window; check that they cover it (trail delivering, right prefix)'}.`,
      observed: base,
      threshold: {},
      resources: [],
    };
  }

  const metrics = sectionMetrics(section, hours);
  const signals = detectActivitySignals(metrics, p, history);
  const flagged = [...new Set(signals.map((s) => s.principal))];
  const flaggedSet = new Set(flagged);
  const listed = [...metrics]
    .sort((a, b) => Number(flaggedSet.has(b.principal)) - Number(flaggedSet.has(a.principal)) || b.calls - a.calls)
    .slice(0, p.maxListedMetrics);
  const observed = {
    ...base,
    signals: signals.slice(0, 100).map(({ description: _d, ...s }) => s),
    signalCount: signals.length,
    flaggedPrincipals: flagged,
    historyPrincipals: history ? Object.keys(history).length : 0,
    metrics: listed,
    metricsListed: listed.length,
  };
  const thresholds = { ...p, timeZone: section.timeZone };
  const hard = signals.filter((s) => s.reasons.includes('threshold'));
  const shown = (list: ActivitySignal[]): string => list.slice(0, 6).map((s) => s.description).join(' | ') + (list.length > 6 ? ` | … ${list.length - 6} more` : '');
  const partialNote = partial ? ` Partial read: ${partialWhy.join('; ')}.` : '';
  if (hard.length > 0) {
    const principals = new Set(hard.map((s) => s.principal)).size;
    const others = signals.length - hard.length;
    return {
      status: 'FAIL',
      message: `${principals} principal(s) over an abnormal-activity threshold in ${window} (${section.timeZone}): ${shown(hard)}${others > 0 ? ` (+${others} outlier signal(s))` : ''}.${partialNote}`,
      observed,
      threshold: thresholds,
      resources: flagged,
    };
  }
  if (signals.length > 0) {
    return {
      status: 'WARN',
      message: `${flagged.length} principal(s) are statistical outliers in ${window} (${section.timeZone}), under the hard thresholds: ${shown(signals)}.${partialNote}`,
      observed,
      threshold: thresholds,
      resources: flagged,
    };
  }
  if (partial) {
    return {
      status: 'WARN',
      message: `No abnormal activity among ${metrics.length} principal(s) in what was read, but the read was partial: ${partialWhy.join('; ')}.`,
      observed,
      threshold: thresholds,
      resources: [],
    };
  }
  return {
    status: 'PASS',
    message: `${section.totals.events} events of ${metrics.length} principal(s) in ${window}: no error rate ≥ ${percent(p.maxErrorRate)}, no read > ${bytes(p.maxDataReadBytesPerDay)} or ${p.maxDataReadRecordsPerDay} records a day, no off-hours share > ${percent(p.maxOffHoursShare)}, no outlier (modified z > ${p.outlierZScore}).`,
    observed,
    threshold: thresholds,
    resources: metrics.map((m) => m.principal).slice(0, p.maxListedMetrics),
  };
}

export default defineRule({
  id: 'monitoring.abnormal-activity',
  title: 'CloudTrail activity is analysed for abnormal behaviour per principal',
  area: 'monitoring',
  severity: 'high',
  rationale:
    'The CNIL logging recommendation (délibération n° 2021-122) recommends analysing logs automatically with alerts on abnormal ' +
    'behaviour. In SAN-2026-003 (France Travail) the CNIL rapporteur\'s findings, as quoted in Legal Watch No. 91, cite about 9 GB ' +
    'extracted on 6 February 2024 and a 69 % error rate on the abused accounts; the public summaries say the logging could not detect ' +
    'abnormal behaviour. This rule reads ' +
    'the CloudTrail aggregates of each principal — error (access denied) rate, data read per day, off-hours work, outliers against peers ' +
    'and against the principal\'s own history — so such accounts are named the day it happens.',
  remediation: {
    console:
      'Review each named principal in CloudTrail → Event history (filter by user name) and, for data events, Athena/CloudTrail Lake over the trail\'s S3 logs; ' +
      'suspend or rotate credentials of hijacked accounts; add CloudWatch metric filters and alarms on AccessDenied rates and bulk GetObject volume.',
    cli:
      'aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=<user> --start-time <start>; ' +
      'node bin/art32.mjs activity --s3 s3://<trail-bucket>/AWSLogs/<account>/CloudTrail/ --window 24h; ' +
      'aws iam update-access-key --user-name <user> --access-key-id <key> --status Inactive',
  },
  references: [REF.cnil2021_122, REF.gdpr32_1_b, REF.cnilGuide16, REF.cnilSan2026_003, REF.cnilSan2026_003Rapporteur],
  sections: ['activity'],
  parameters: Parameters,
  evaluate(snapshot, params, context) {
    return judgeActivity(requireSection(snapshot, 'activity'), params, context.activityBaselines);
  },
});
