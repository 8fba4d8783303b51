/**
 * logging.automated-analysis — something analyses the account's activity automatically AND its
 * alerts reach someone. Accepted analyses (the finding says which satisfied it):
 * - CloudWatch Logs metric filters on a multi-region logging trail's log group whose PATTERN
 *   matches sample CloudTrail records of authorization failures (lib/rules/support/sample-events.ts;
 *   a pattern that matches nothing, or everything, does not count), watched by an alarm with actions;
 * - GuardDuty enabled (with S3 protection when personal-data buckets are tagged), its findings
 *   routed by an enabled EventBridge rule with a target;
 * - CloudTrail Insights (ApiErrorRateInsight / ApiCallRateInsight) on a logging trail, its events
 *   routed by an EventBridge rule on aws.cloudtrail with a target;
 * - Security Hub enabled, its findings routed by an EventBridge rule on aws.securityhub with a target.
 * Analysis without routing is not a PASS: CNIL délibération 2021-122 asks for alerts that are treated.
 */
import { z } from 'zod';
import { requireSection, type AccountSnapshot, type EventRulesSection, type LogGroup, type Trail } from '../../snapshot';
import { defineRule, type RuleOutcome } from '../types';
import { REF } from '../support/references';
import { alarmedDetectors, judgeFilters, type FilterVerdict } from '../support/alarmed-filters';
import { ROOT_USAGE, UNAUTHORIZED_CALLS } from '../support/sample-events';
import { findLogGroup, statusNotCollected, trailCandidates } from '../support/trails';
import { PersonalDataEventsParameters, personalDataStores } from './personal-data-events';

export const AutomatedAnalysisParameters = z.object({
  /**
   * Metric filters count only when their pattern catches authorization failures (SAN-2026-003: the
   * rapporteur's 69 % error rate, as quoted in Legal Watch No. 91). When false, a filter catching root use counts too.
   */
  requireUnauthorizedCallsFilter: z.boolean().default(true),
  /** GuardDuty counts only with S3 protection when S3 buckets are tagged as personal data. */
  requireGuardDutyS3Protection: z.boolean().default(true),
});

interface Mechanism {
  kind: 'metric-filters' | 'guardduty' | 'cloudtrail-insights' | 'security-hub';
  /** What was found active. */
  detail: string;
  /** Where alerts go (alarm actions or EventBridge targets); empty = not routed. */
  routes: string[];
}

const S3_ARN = /^arn:[^:]+:s3:::[^/]+$/;

/** Enabled EventBridge rules whose pattern's `source` names `source`, with their targets. */
function routesFor(rules: EventRulesSection | undefined, source: string): string[] {
  if (!rules) return [];
  const out: string[] = [];
  for (const r of rules.rules) {
    if (r.State !== 'ENABLED' || !r.EventPattern || !r.Targets?.length) continue;
    try {
      const src = (JSON.parse(r.EventPattern) as { source?: unknown }).source;
      if (Array.isArray(src) && src.includes(source)) out.push(...r.Targets.map((t) => `${r.Name} → ${t.Arn}`));
    } catch {
      // An unreadable pattern routes nothing.
    }
  }
  return out;
}

function guardDutyMechanism(snapshot: AccountSnapshot, requireS3: boolean): { mechanism?: Mechanism; note?: string } {
  const gd = snapshot.guardDuty;
  if (!gd) return {};
  const enabled = gd.detectors.filter((d) => d.Status === 'ENABLED');
  if (enabled.length === 0) return { note: 'GuardDuty not enabled' };
  const taggedBuckets = snapshot.personalDataStores
    ? personalDataStores(snapshot.personalDataStores, PersonalDataEventsParameters.parse({})).filter((s) => S3_ARN.test(s.ResourceARN))
    : [];
  const s3On = enabled.some(
    (d) => d.Features?.some((f) => f.Name === 'S3_DATA_EVENTS' && f.Status === 'ENABLED') || d.DataSources?.S3Logs?.Status === 'ENABLED',
  );
  if (requireS3 && taggedBuckets.length > 0 && !s3On) {
    return { note: `GuardDuty enabled without S3 protection while ${taggedBuckets.length} personal-data bucket(s) are tagged` };
  }
  return { mechanism: { kind: 'guardduty', detail: `GuardDuty detector ${enabled[0]!.DetectorId} enabled${s3On ? ' with S3 protection' : ''}`, routes: routesFor(snapshot.eventRules, 'aws.guardduty') } };
}

export default defineRule({
  id: 'logging.automated-analysis',
  title: 'Activity is analysed automatically and alerts reach someone',
  area: 'logging',
  severity: 'high',
  rationale:
    'The CNIL logging recommendation (délibération n° 2021-122) recommends analysing logs automatically, with alerts on abnormal ' +
    'behaviour that are then treated: logs nobody reads protect nothing. In SAN-2026-003 (France Travail) the public summaries ' +
    'state that logging could not detect abnormal behaviour; the CNIL rapporteur\'s findings, as quoted in Legal Watch No. 91, ' +
    'cite a 69 % error rate and about 9 GB extracted on 6 February 2024. CloudTrail covers the AWS layer, not application logs. ' +
    'On AWS, CloudWatch metric filters with alarms, GuardDuty, CloudTrail Insights (ApiErrorRateInsight detects an error-rate surge) or ' +
    'Security Hub analyse activity; each counts only when its alerts are routed to someone (alarm action, EventBridge target).',
  remediation: {
    console:
      'GuardDuty console → Get started → Enable (and S3 Protection); EventBridge console → Rules → Create: pattern {"source":["aws.guardduty"]} → target: the security SNS topic. ' +
      'Or: CloudTrail → Trails → <trail> → Insights events → ApiErrorRateInsight, with an EventBridge rule on {"source":["aws.cloudtrail"],"detail-type":["AWS Insight via CloudTrail"]}. ' +
      'Or: CloudWatch → Log groups → <trail group> → Metric filters → Create (pattern { ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }) → Create alarm with an SNS action.',
    cli:
      'aws guardduty create-detector --enable --features Name=S3_DATA_EVENTS,Status=ENABLED && aws events put-rule --name guardduty-findings --event-pattern \'{"source":["aws.guardduty"]}\' && ' +
      'aws events put-targets --rule guardduty-findings --targets Id=security,Arn=<sns topic arn>; or aws cloudtrail put-insight-selectors --trail-name <trail> --insight-selectors InsightType=ApiErrorRateInsight; ' +
      'or aws logs put-metric-filter --log-group-name <group> --filter-name unauthorized-calls --filter-pattern \'{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }\' ' +
      '--metric-transformations metricName=UnauthorizedCalls,metricNamespace=CloudTrailMetrics,metricValue=1 && aws cloudwatch put-metric-alarm --alarm-name unauthorized-calls --namespace CloudTrailMetrics ' +
      '--metric-name UnauthorizedCalls --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns topic arn>',
  },
  references: [REF.cnil2021_122, REF.cnilGuide16, REF.gdpr32_1_b, REF.cnilSan2026_003, REF.cnilSan2026_003Rapporteur],
  sections: ['trails', 'logGroups', 'metricAlarms'],
  parameters: AutomatedAnalysisParameters,
  evaluate(snapshot, params): RuleOutcome {
    const { qualifying, unknownStatus } = trailCandidates(requireSection(snapshot, 'trails'));
    const groups = requireSection(snapshot, 'logGroups');
    const alarms = requireSection(snapshot, 'metricAlarms');
    const samples = params.requireUnauthorizedCallsFilter ? UNAUTHORIZED_CALLS : [...UNAUTHORIZED_CALLS, ...ROOT_USAGE];

    // 1. Metric filters on the qualifying trails' log groups.
    const groupOf = (t: Trail): LogGroup | undefined => (t.CloudWatchLogsLogGroupArn ? findLogGroup(groups, t.CloudWatchLogsLogGroupArn) : undefined);
    const perTrail = qualifying.map((t) => {
      const group = groupOf(t);
      const verdicts: FilterVerdict[] = group ? judgeFilters([group], alarms, samples) : [];
      return { trail: t, group, verdicts, groupMissing: t.CloudWatchLogsLogGroupArn !== undefined && group === undefined };
    });
    const mechanisms: Mechanism[] = [];
    const notes: string[] = [];
    for (const p of perTrail) {
      for (const v of alarmedDetectors(p.verdicts)) {
        mechanisms.push({ kind: 'metric-filters', detail: `metric filter ${v.filter} on ${v.logGroup} (trail ${p.trail.Name})`, routes: v.alarms.map((a) => `alarm ${a.name} → ${a.actions.join(', ')}`) });
      }
    }
    // 2. GuardDuty; 3. CloudTrail Insights; 4. Security Hub.
    const gd = guardDutyMechanism(snapshot, params.requireGuardDutyS3Protection);
    if (gd.mechanism) mechanisms.push(gd.mechanism);
    if (gd.note) notes.push(gd.note);
    for (const t of qualifying) {
      const types = (t.InsightSelectors ?? []).map((i) => i.InsightType).filter((i) => i === 'ApiErrorRateInsight' || i === 'ApiCallRateInsight');
      if (types.length > 0) mechanisms.push({ kind: 'cloudtrail-insights', detail: `CloudTrail Insights ${types.join(' + ')} on trail ${t.Name}`, routes: routesFor(snapshot.eventRules, 'aws.cloudtrail') });
    }
    if (snapshot.securityHub?.enabled) mechanisms.push({ kind: 'security-hub', detail: 'Security Hub enabled', routes: routesFor(snapshot.eventRules, 'aws.securityhub') });
    else if (snapshot.securityHub) notes.push('Security Hub not enabled');

    const routed = mechanisms.filter((m) => m.routes.length > 0);
    const notCollected = [
      ...(snapshot.guardDuty ? [] : ['guardDuty']),
      ...(snapshot.securityHub ? [] : ['securityHub']),
      ...(snapshot.eventRules ? [] : ['eventRules']),
      ...(qualifying.some((t) => t.InsightSelectors === undefined) ? ['trails.InsightSelectors'] : []),
    ];
    const observed = {
      satisfiedBy: routed.map((m) => ({ kind: m.kind, detail: m.detail, routes: m.routes })),
      activeButNotRouted: mechanisms.filter((m) => m.routes.length === 0).map((m) => ({ kind: m.kind, detail: m.detail })),
      metricFilters: perTrail.map((p) => ({
        TrailARN: p.trail.TrailARN,
        CloudWatchLogsLogGroupArn: p.trail.CloudWatchLogsLogGroupArn ?? null,
        logGroupCollected: p.group !== undefined,
        filters: p.verdicts.map((v) => ({ filter: v.filter, matchesSampleEvents: v.detects, alarms: v.alarms.map((a) => a.name), ...(v.unparseable ? { unparseable: v.unparseable } : {}) })),
      })),
      notes,
      notCollected,
      statusNotCollected: unknownStatus.map((t) => t.TrailARN),
    };
    const threshold = params;
    if (routed.length > 0) {
      return {
        status: 'PASS',
        message: `Activity is analysed with routed alerts: ${routed.map((m) => `${m.detail} (${m.routes[0]}${m.routes.length > 1 ? ', …' : ''})`).join('; ')}.`,
        observed,
        threshold,
        resources: [...new Set(routed.flatMap((m) => (m.kind === 'metric-filters' || m.kind === 'cloudtrail-insights' ? qualifying.map((t) => t.TrailARN) : [])))],
      };
    }
    // Not proven: is something we could not read possibly analysing?
    const unknownAnalysed = unknownStatus.filter((t) => {
      const g = groupOf(t);
      return (t.CloudWatchLogsLogGroupArn !== undefined && g === undefined) || (g !== undefined && alarmedDetectors(judgeFilters([g], alarms, samples)).length > 0) || (t.InsightSelectors ?? []).length > 0;
    });
    if (unknownAnalysed.length > 0) {
      return statusNotCollected(unknownAnalysed, 'no trail known to be logging is analysed, and this one may be logging with alarmed metric filters or Insights', observed, threshold);
    }
    const missingGroups = perTrail.filter((p) => p.groupMissing);
    if (missingGroups.length > 0) {
      return {
        status: 'ERROR',
        message: `The log group(s) ${missingGroups.map((p) => p.trail.CloudWatchLogsLogGroupArn).join(', ')} were not collected: cannot see their metric filters.`,
        observed,
        threshold,
        resources: missingGroups.map((p) => p.trail.TrailARN),
      };
    }
    if (mechanisms.length > 0) {
      return {
        status: 'FAIL',
        message: `Analysis is on but its alerts reach nobody: ${mechanisms.map((m) => m.detail).join('; ')} — no alarm action or EventBridge rule with a target routes them.`,
        observed,
        threshold,
        resources: qualifying.map((t) => t.TrailARN),
      };
    }
    if (notCollected.length > 0) {
      return {
        status: 'ERROR',
        message: `No analysis found among what was collected, but ${notCollected.join(', ')} ${notCollected.length > 1 ? 'were' : 'was'} not collected: GuardDuty, Insights or Security Hub may analyse activity.`,
        observed,
        threshold,
        resources: [],
      };
    }
    const reasons = perTrail.map((p) =>
      !p.trail.CloudWatchLogsLogGroupArn
        ? `${p.trail.Name}: not delivered to CloudWatch Logs`
        : p.verdicts.length === 0
          ? `${p.trail.Name}: log group has no metric filter`
          : p.verdicts.some((v) => v.detects)
            ? `${p.trail.Name}: no alarm with actions on the filters that match authorization failures`
            : `${p.trail.Name}: no metric filter pattern matches an authorization failure (${p.verdicts.map((v) => v.filter).join(', ')})`,
    );
    return {
      status: 'FAIL',
      message: `Activity is not analysed automatically (${[qualifying.length === 0 ? 'no multi-region logging trail' : '', ...reasons, ...notes].filter(Boolean).join('; ')}; no CloudTrail Insights).`,
      observed,
      threshold,
      resources: qualifying.map((t) => t.TrailARN),
    };
  },
});
