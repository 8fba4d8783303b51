/**
 * logging.automated-analysis — a multi-region logging trail delivers to CloudWatch Logs,
 * its log group has metric filters, and an alarm with actions watches a metric those
 * filters produce (by default including a filter on AccessDenied/UnauthorizedOperation).
 */
import { z } from 'zod';
import { requireSection, type LogGroup, type MetricAlarm, type Trail } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { findLogGroup, statusNotCollected, trailCandidates } from '../support/trails';

export const AutomatedAnalysisParameters = z.object({
  /** Require an alarmed filter on authorization failures (France Travail: an account with 69% errors went unnoticed). */
  requireUnauthorizedCallsFilter: z.boolean().default(true),
  /** Patterns that identify an authorization-failure filter (case-insensitive substrings). */
  unauthorizedPatterns: z.array(z.string()).default(['AccessDenied', 'UnauthorizedOperation']),
});

type Filter = LogGroup['metricFilters'][number];

const metricKey = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? ''}\u0000${name ?? ''}`;

/** Alarms that would notify someone: actions enabled (default true) and at least one action. */
function alarmedMetrics(alarms: readonly MetricAlarm[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of alarms) {
    if (a.ActionsEnabled === false || a.AlarmActions.length === 0) continue;
    const key = metricKey(a.Namespace, a.MetricName);
    out.set(key, [...(out.get(key) ?? []), a.AlarmName]);
  }
  return out;
}

const alarmsFor = (f: Filter, alarmed: Map<string, string[]>): string[] =>
  f.metricTransformations.flatMap((m) => alarmed.get(metricKey(m.metricNamespace, m.metricName)) ?? []);

export default defineRule({
  id: 'logging.automated-analysis',
  title: 'Trail logs are analysed automatically with alarms',
  area: 'logging',
  severity: 'high',
  rationale:
    'The CNIL logging recommendation (délibération n° 2021-122) recommends analysing logs automatically, with alerts on abnormal ' +
    'behaviour that are then treated: logs nobody reads protect nothing. In SAN-2026-003 (France Travail) the public summaries ' +
    'state that logging could not detect abnormal behaviour; the CNIL rapporteur\'s findings, as quoted in Legal Watch No. 91, ' +
    'cite a 69 % error rate and about 9 GB extracted on 6 February 2024. CloudTrail covers the AWS layer, not application logs. ' +
    'Delivering the trail to CloudWatch Logs with metric filters and alarms that notify someone is the minimal AWS-native setup.',
  remediation: {
    console:
      'CloudTrail console → Trails → <trail> → CloudWatch Logs → Edit: enabled, log group + role. CloudWatch console → Log groups → ' +
      '<group> → Metric filters → Create (pattern { ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }) → Create alarm with an SNS action.',
    cli:
      'aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <log group arn> --cloud-watch-logs-role-arn <role arn> && ' +
      'aws logs put-metric-filter --log-group-name <group> --filter-name unauthorized-calls --filter-pattern \'{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }\' ' +
      '--metric-transformations metricName=UnauthorizedCalls,metricNamespace=CloudTrailMetrics,metricValue=1 && ' +
      'aws cloudwatch put-metric-alarm --alarm-name unauthorized-calls --namespace CloudTrailMetrics --metric-name UnauthorizedCalls --statistic Sum ' +
      '--period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns topic arn>',
  },
  references: [REF.cnil2021_122, REF.cnilGuide16, REF.gdpr32_1_b, REF.cnilSan2026_003, REF.cnilSan2026_003Rapporteur],
  sections: ['trails', 'logGroups', 'metricAlarms'],
  parameters: AutomatedAnalysisParameters,
  evaluate(snapshot, params) {
    const { qualifying: trails, unknownStatus } = trailCandidates(requireSection(snapshot, 'trails'));
    const groups = requireSection(snapshot, 'logGroups');
    const alarmed = alarmedMetrics(requireSection(snapshot, 'metricAlarms'));
    const isUnauthorizedFilter = (f: Filter): boolean =>
      params.unauthorizedPatterns.some((p) => (f.filterPattern ?? '').toLowerCase().includes(p.toLowerCase()));

    const judgeTrail = (t: Trail) => {
      const groupArn = t.CloudWatchLogsLogGroupArn;
      const group = groupArn ? findLogGroup(groups, groupArn) : undefined;
      const filters = group?.metricFilters ?? [];
      const alarmedFilters = filters.filter((f) => alarmsFor(f, alarmed).length > 0);
      return {
        trail: t,
        fact: {
          TrailARN: t.TrailARN,
          CloudWatchLogsLogGroupArn: groupArn ?? null,
          logGroupCollected: group !== undefined,
          metricFilters: filters.map((f) => f.filterName),
          alarmedFilters: alarmedFilters.map((f) => ({ filter: f.filterName, alarms: alarmsFor(f, alarmed) })),
          unauthorizedCallsAlarm: alarmedFilters.some(isUnauthorizedFilter),
        },
        groupMissing: groupArn !== undefined && group === undefined,
      };
    };
    const analysed = (p: ReturnType<typeof judgeTrail>): boolean =>
      p.fact.alarmedFilters.length > 0 && (!params.requireUnauthorizedCallsFilter || p.fact.unauthorizedCallsAlarm);
    const perTrail = trails.map(judgeTrail);
    const perUnknown = unknownStatus.map(judgeTrail);
    const observed = { qualifyingTrails: perTrail.map((p) => p.fact), statusNotCollected: perUnknown.map((p) => p.fact) };
    const threshold = params;
    const ok = perTrail.filter(analysed);
    if (ok.length > 0) {
      return {
        status: 'PASS',
        message: `Trail ${ok[0]!.trail.Name} is analysed: ${ok[0]!.fact.alarmedFilters.length} metric filter(s) with alarms that notify.`,
        observed,
        threshold,
        resources: ok.map((p) => p.trail.TrailARN),
      };
    }
    // A trail that may be logging and is (or may be) analysed makes a FAIL unverified.
    const undecided = perUnknown.filter((p) => analysed(p) || p.groupMissing).map((p) => p.trail);
    if (undecided.length > 0) {
      return statusNotCollected(undecided, 'no trail known to be logging is analysed, and this one may be logging with alarmed metric filters', observed, threshold);
    }
    if (trails.length === 0) {
      const unknownText = unknownStatus.length
        ? ` (the status of ${unknownStatus.map((t) => t.Name).join(', ')} was not collected, but no alarmed metric filter watches its logs either)`
        : '';
      return { status: 'FAIL', message: `No multi-region logging trail${unknownText}: there is nothing analysed.`, observed, threshold, resources: unknownStatus.map((t) => t.TrailARN) };
    }
    const missing = perTrail.filter((p) => p.groupMissing);
    if (missing.length > 0) {
      return {
        status: 'ERROR',
        message: `The log group(s) ${missing.map((p) => p.fact.CloudWatchLogsLogGroupArn).join(', ')} were not collected: cannot see their metric filters.`,
        observed,
        threshold,
        resources: missing.map((p) => p.trail.TrailARN),
      };
    }
    const reasons = perTrail.map((p) =>
      !p.fact.CloudWatchLogsLogGroupArn
        ? `${p.trail.Name}: not delivered to CloudWatch Logs`
        : p.fact.metricFilters.length === 0
          ? `${p.trail.Name}: log group has no metric filter`
          : p.fact.alarmedFilters.length === 0
            ? `${p.trail.Name}: no alarm with actions on its filters' metrics`
            : `${p.trail.Name}: no alarmed filter on ${params.unauthorizedPatterns.join('/')}`,
    );
    return { status: 'FAIL', message: `Trail logs are not analysed automatically (${reasons.join('; ')}).`, observed, threshold, resources: perTrail.map((p) => p.trail.TrailARN) };
  },
});
