/**
 * auth.root-usage — the root user is not used for everyday work, and its use would raise an
 * alert: last use from the credential report's `<root_account>` row (password and keys), and a
 * metric filter on a logging multi-region trail's log group whose pattern really matches a root
 * sign-in / root API call, watched by an alarm that notifies.
 */
import { z } from 'zod';
import { ROOT_REPORT_USER, requireSection, type ReportDate } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { alarmedDetectors, judgeFilters } from '../support/alarmed-filters';
import { ROOT_USAGE } from '../support/sample-events';
import { daysSince, reportDate } from '../support/time';
import { findLogGroup, trailCandidates } from '../support/trails';

export const RootUsageParameters = z.object({
  /** Root use within this many days is reported (recent use should be a documented break-glass event). */
  recentDays: z.number().int().positive().default(90),
});

export default defineRule({
  id: 'auth.root-usage',
  title: 'Root user unused, and its use alarmed',
  area: 'auth',
  severity: 'high',
  rationale:
    'The root user can do everything, including closing the account and erasing logs; no IAM policy in the account restricts it (service control policies can, in an AWS ' +
    'Organizations member account only). It should be used ' +
    'only for the few tasks that require it, and each use should reach someone who can tell a legitimate use from an intrusion. ' +
    'The CNIL security guide recommends non-privileged accounts for routine work and specific measures for administrators (fiche 9) and ' +
    'for active analysis of traces (fiche 16).',
  remediation: {
    console:
      'Stop using root (create named admin access through IAM Identity Center or a role with MFA). CloudWatch console → Log groups → <trail group> → ' +
      'Metric filters → Create: pattern { $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" } → Create alarm with an SNS action.',
    cli:
      'aws logs put-metric-filter --log-group-name <trail group> --filter-name root-usage --filter-pattern \'{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }\' ' +
      '--metric-transformations metricName=RootUsage,metricNamespace=CloudTrailMetrics,metricValue=1 && aws cloudwatch put-metric-alarm --alarm-name root-usage ' +
      '--namespace CloudTrailMetrics --metric-name RootUsage --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns topic arn>',
  },
  references: [REF.gdpr32_1_b, REF.cnilGuide9, REF.cnilGuide16, REF.awsRootUsage],
  sections: ['credentialReport', 'trails', 'logGroups', 'metricAlarms'],
  parameters: RootUsageParameters,
  evaluate(snapshot, params) {
    const report = requireSection(snapshot, 'credentialReport');
    const root = report.rows.find((r) => r.user === ROOT_REPORT_USER);
    const threshold = params;
    if (!root) {
      return {
        status: 'ERROR',
        message: 'The credential report was collected but has no <root_account> row: root use cannot be verified.',
        observed: { rootRowPresent: false, rows: report.rows.length },
        threshold,
        resources: [],
      };
    }
    const now = new Date(snapshot.collectedAt);
    const uses: [string, ReportDate][] = [
      ['password', root.password_last_used],
      ['access_key_1', root.access_key_1_last_used_date],
      ['access_key_2', root.access_key_2_last_used_date],
    ];
    const used = uses
      .map(([what, d]) => ({ what, date: reportDate(d) }))
      .filter((u): u is { what: string; date: Date } => u.date !== undefined)
      .map((u) => ({ credential: u.what, lastUsed: u.date.toISOString(), daysAgo: daysSince(u.date, now) }));
    const recent = used.filter((u) => u.daysAgo <= params.recentDays);

    // The alarm: a filter on the log group of a multi-region logging trail (root sign-ins are global events).
    const { qualifying, unknownStatus } = trailCandidates(requireSection(snapshot, 'trails'));
    const groups = requireSection(snapshot, 'logGroups');
    const delivered = qualifying.filter((t) => t.CloudWatchLogsLogGroupArn);
    const found = delivered.map((t) => findLogGroup(groups, t.CloudWatchLogsLogGroupArn!));
    const missingGroups = delivered.filter((_, i) => found[i] === undefined).map((t) => t.CloudWatchLogsLogGroupArn!);
    const verdicts = judgeFilters(found.filter((g) => g !== undefined), requireSection(snapshot, 'metricAlarms'), ROOT_USAGE);
    const alarmed = alarmedDetectors(verdicts);
    const alarmKnown = alarmed.length > 0 || (missingGroups.length === 0 && unknownStatus.length === 0);
    const observed = {
      rootLastUsed: used,
      usedWithinDays: recent,
      rootUsageAlarms: alarmed.map((v) => ({ logGroup: v.logGroup, filter: v.filter, pattern: v.pattern, alarms: v.alarms })),
      filtersNotMatchingRootUsage: verdicts.filter((v) => !v.detects).map((v) => ({ logGroup: v.logGroup, filter: v.filter, ...(v.unparseable ? { unparseable: v.unparseable } : {}) })),
      logGroupsNotCollected: missingGroups,
      trailsWithUnknownStatus: unknownStatus.map((t) => t.TrailARN),
    };
    const rootArn = root.arn;
    const usedText = recent.map((u) => `${u.credential} ${u.daysAgo} days ago`).join(', ');
    if (!alarmKnown) {
      return {
        status: 'ERROR',
        message:
          `No alarm on root use was found, but ${missingGroups.length ? `the log group(s) ${missingGroups.join(', ')} were not collected` : `the status of trail(s) ${unknownStatus.map((t) => t.Name).join(', ')} was not collected`}` +
          `${recent.length ? `; root was used (${usedText})` : ''}.`,
        observed,
        threshold,
        resources: [rootArn],
      };
    }
    if (alarmed.length === 0) {
      return {
        status: recent.length > 0 ? 'FAIL' : 'WARN',
        message: recent.length
          ? `Root was used within ${params.recentDays} days (${usedText}) and no alarm watches root use.`
          : `Root was not used within ${params.recentDays} days, but no alarm would report its use (no metric filter matching a root sign-in with an alarm that notifies).`,
        observed,
        threshold,
        resources: [rootArn],
      };
    }
    if (recent.length > 0) {
      return {
        status: 'WARN',
        message: `Root was used within ${params.recentDays} days (${usedText}); alarm ${alarmed[0]!.alarms[0]!.name} watches root use: confirm each use was a documented break-glass event.`,
        observed,
        threshold,
        resources: [rootArn],
      };
    }
    return {
      status: 'PASS',
      message: `Root was not used within ${params.recentDays} days, and filter ${alarmed[0]!.filter} with alarm ${alarmed[0]!.alarms[0]!.name} would report its use.`,
      observed,
      threshold,
      resources: [rootArn],
    };
  },
});
