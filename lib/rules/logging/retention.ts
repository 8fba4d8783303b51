/**
 * logging.retention — the trail's CloudWatch Logs group keeps logs at least 6 months and,
 * unless a longer period is documented, not more than 1 year (CNIL délibération 2021-122).
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { findLogGroup, statusNotCollected, trailCandidates } from '../support/trails';

export const RetentionParameters = z
  .object({
    /** Shortest acceptable retention (CNIL: 6 months ≈ 183 days). */
    minimumDays: z.number().int().positive().default(183),
    /** Longest retention without a documented reason (CNIL: 1 year). */
    maximumDays: z.number().int().positive().default(365),
    /** A longer period documented for internal control (CNIL: up to 3 years), or null. */
    declaredRetentionDays: z.number().int().positive().max(1095).nullable().default(null),
  });

export default defineRule({
  id: 'logging.retention',
  title: 'Log retention between 6 months and 1 year (or a declared period)',
  area: 'logging',
  severity: 'medium',
  rationale:
    'Logs must live long enough to investigate a breach discovered months later (CNIL: 6 months minimum) and not longer than ' +
    'needed, because they are personal data (1 year as the standard case, up to 3 years for a documented internal control). ' +
    'CloudWatch Logs keeps logs forever unless a retention is set.',
  remediation: {
    console: 'CloudWatch console → Log groups → <group> → Actions → Edit retention setting → 1 year (365 days) or 6 months (180 is below 183: choose 365 or a documented period).',
    cli: 'aws logs put-retention-policy --log-group-name <group> --retention-in-days 365',
  },
  references: [REF.cnil2021_122, REF.cnilGuide16, REF.gdpr5_1_f],
  sections: ['trails', 'logGroups'],
  parameters: RetentionParameters,
  evaluate(snapshot, params) {
    const trails = requireSection(snapshot, 'trails');
    const groups = requireSection(snapshot, 'logGroups');
    const maxDays = Math.max(params.maximumDays, params.declaredRetentionDays ?? 0);
    const threshold = { ...params, effectiveMaximumDays: maxDays };
    // The multi-region trails' logs are the ones to retain; without any (logging or maybe
    // logging), fall back to whichever trail is logging.
    const multiRegion = trailCandidates(trails);
    const { trails: all, qualifying: candidates, unknownStatus } =
      multiRegion.qualifying.length > 0 || multiRegion.unknownStatus.length > 0 ? multiRegion : trailCandidates(trails, () => true);
    if (candidates.length === 0) {
      const observed = { trails: all.map((t) => t.TrailARN) };
      if (unknownStatus.length > 0) return statusNotCollected(unknownStatus, "cannot tell which trail's logs must be retained", observed, threshold);
      return { status: 'FAIL', message: 'No trail is logging: no log is retained at all.', observed, threshold, resources: [] };
    }
    const delivered = candidates.filter((t) => t.CloudWatchLogsLogGroupArn);
    if (delivered.length === 0) {
      return {
        status: 'ERROR',
        message:
          `Trail(s) ${candidates.map((t) => t.Name).join(', ')} deliver only to S3: the bucket lifecycle (the retention) is not collected, ` +
          'so retention cannot be judged. Check it with: aws s3api get-bucket-lifecycle-configuration --bucket <trail bucket>.',
        observed: { trails: candidates.map((t) => ({ TrailARN: t.TrailARN, S3BucketName: t.S3BucketName ?? null })) },
        threshold,
        resources: candidates.map((t) => t.TrailARN),
      };
    }
    const facts = delivered.map((t) => {
      const g = findLogGroup(groups, t.CloudWatchLogsLogGroupArn!);
      return {
        TrailARN: t.TrailARN,
        logGroup: g?.logGroupName ?? t.CloudWatchLogsLogGroupArn!,
        collected: g !== undefined,
        // Absent retention = never expire.
        retentionInDays: g ? (g.retentionInDays ?? 'never expire') : 'not collected',
        days: g ? (g.retentionInDays ?? Number.POSITIVE_INFINITY) : undefined,
      };
    });
    const observed = { logGroups: facts.map(({ days: _days, ...f }) => f) };
    const known = facts.filter((f) => f.days !== undefined);
    if (known.length === 0) {
      return { status: 'ERROR', message: `The trail log group(s) were not collected: ${facts.map((f) => f.logGroup).join(', ')}.`, observed, threshold, resources: [] };
    }
    const missing = facts.filter((f) => f.days === undefined);
    const tooLong = known.filter((f) => f.days! > maxDays);
    // One copy kept 6 months is enough, but every copy kept too long is a problem: an
    // uncollected log group may be either, so only "too long" is certain without it.
    if (missing.length > 0 && tooLong.length === 0) {
      return {
        status: 'ERROR',
        message:
          `The log group(s) ${missing.map((f) => f.logGroup).join(', ')} of a logging trail were not collected: their retention is unknown ` +
          `(collected: ${known.map((f) => `${f.retentionInDays} days in ${f.logGroup}`).join(', ')}).`,
        observed,
        threshold,
        resources: missing.map((f) => f.logGroup),
      };
    }
    const missingText = missing.length ? ` The log group(s) ${missing.map((f) => f.logGroup).join(', ')} were not collected.` : '';
    const longEnough = known.filter((f) => f.days! >= params.minimumDays);
    if (longEnough.length === 0) {
      return {
        status: 'FAIL',
        message: `Trail logs are kept ${known.map((f) => `${f.retentionInDays} days in ${f.logGroup}`).join(', ')}: under ${params.minimumDays} days (6 months).`,
        observed,
        threshold,
        resources: known.map((f) => f.logGroup),
      };
    }
    if (tooLong.length > 0) {
      return {
        status: 'WARN',
        message: `Trail logs are kept ${tooLong.map((f) => `${f.retentionInDays === 'never expire' ? 'forever' : `${f.retentionInDays} days`} in ${f.logGroup}`).join(', ')}: longer than ${maxDays} days${params.declaredRetentionDays ? ' (the declared period)' : ' without a declared internal-control period'}.${missingText}`,
        observed,
        threshold,
        resources: tooLong.map((f) => f.logGroup),
      };
    }
    return {
      status: 'PASS',
      message: `Trail logs are kept ${longEnough.map((f) => `${f.retentionInDays} days`).join(', ')}: between ${params.minimumDays} and ${maxDays} days.`,
      observed,
      threshold,
      resources: longEnough.map((f) => f.logGroup),
    };
  },
});
