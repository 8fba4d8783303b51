/**
 * logging.retention — the trail's CloudWatch Logs group keeps logs at least 6 months and,
 * unless a longer period is declared in the register with its basis, not more than 1 year
 * (CNIL délibération n° 2021-122 recommends 6 months to 1 year; GDPR Art. 5(1)(e) storage
 * limitation is the upper bound). Longer than 3 years only with a declared legal obligation.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { defineRule, type EvaluationContext } from '../types';
import { REF } from '../support/references';
import { findLogGroup, statusNotCollected, trailCandidates } from '../support/trails';
import { declarations, entryRef } from '../../register/view';

export const RetentionParameters = z.object({
  /**
   * Shortest acceptable retention: 6 months. 180 days is the CloudWatch Logs "6 months"
   * choice (its list has 150 and 180, not 183), so it passes.
   */
  minimumDays: z.number().int().positive().default(180),
  /** Longest retention without a declared basis (CNIL 2021-122: 1 year). */
  maximumDays: z.number().int().positive().default(365),
  /** Longest retention a declared internal-control basis covers (CNIL 2021-122: up to 3 years); longer needs a legal obligation. */
  internalControlMaximumDays: z.number().int().positive().default(1095),
}).strict(); // a declared period is a register entry (art32 declare retention), never a parameter

/** The retention ceiling for this account: 1 year, or what a register declaration founds. */
function ceiling(params: z.infer<typeof RetentionParameters>, view: EvaluationContext['register']) {
  const declared = declarations(view, 'retention')[0];
  if (!declared) return { maxDays: params.maximumDays, declared: undefined, note: 'no longer period declared in the register' };
  const d = declared.declaration;
  const ref = entryRef(declared.entry);
  if (d.basis === 'internal-control' && d.days > params.internalControlMaximumDays)
    return {
      maxDays: params.internalControlMaximumDays,
      declared: { ...ref, days: d.days, basis: d.basis, legalBasis: d.legalBasis },
      note: `declared ${d.days} days for internal control: only ${params.internalControlMaximumDays} days (3 years) are covered without a legal obligation`,
    };
  return {
    maxDays: Math.max(params.maximumDays, d.days),
    declared: { ...ref, days: d.days, basis: d.basis, legalBasis: d.legalBasis },
    note: `declared ${d.days} days (${d.basis}: ${d.legalBasis}) in ${ref.id} by ${ref.declaredBy}`,
  };
}

export default defineRule({
  id: 'logging.retention',
  title: 'Log retention between 6 months and 1 year (or a declared period)',
  area: 'logging',
  severity: 'medium',
  rationale:
    'Logs must live long enough to investigate a breach discovered months later and no longer than needed, because they are ' +
    'personal data: CNIL délibération n° 2021-122 recommends « une durée comprise entre six mois et un an » (between six months ' +
    'and one year), longer when justified — up to 3 years for a documented internal control, longer for a legal obligation — and ' +
    'GDPR Art. 5(1)(e) (storage limitation) is the upper bound. A longer period counts only when declared in the register with ' +
    'its basis (art32 declare retention). CloudWatch Logs keeps logs forever unless a retention is set.',
  remediation: {
    console: 'CloudWatch console → Log groups → <group> → Actions → Edit retention setting → 6 months (180 days) to 1 year (365 days), or the period declared with its basis.',
    cli: 'aws logs put-retention-policy --log-group-name <group> --retention-in-days 365',
  },
  references: [REF.cnil2021_122, REF.cnilGuide16, REF.gdpr5_1_e],
  sections: ['trails', 'logGroups'],
  parameters: RetentionParameters,
  evaluate(snapshot, params, context) {
    const trails = requireSection(snapshot, 'trails');
    const groups = requireSection(snapshot, 'logGroups');
    const limit = ceiling(params, context.register);
    const maxDays = limit.maxDays;
    const threshold = { ...params, effectiveMaximumDays: maxDays, declaredRetention: limit.declared ?? null, declarationNote: limit.note };
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
        message: `Trail logs are kept ${known.map((f) => `${f.retentionInDays} days in ${f.logGroup}`).join(', ')}: under ${params.minimumDays} days (6 months, the minimum CNIL délibération 2021-122 recommends).`,
        observed,
        threshold,
        resources: known.map((f) => f.logGroup),
      };
    }
    if (tooLong.length > 0) {
      return {
        status: 'WARN',
        message: `Trail logs are kept ${tooLong.map((f) => `${f.retentionInDays === 'never expire' ? 'forever' : `${f.retentionInDays} days`} in ${f.logGroup}`).join(', ')}: longer than ${maxDays} days (${limit.note}).${missingText}`,
        observed,
        threshold,
        resources: tooLong.map((f) => f.logGroup),
      };
    }
    return {
      status: 'PASS',
      message: `Trail logs are kept ${longEnough.map((f) => `${f.retentionInDays} days`).join(', ')}: between ${params.minimumDays} and ${maxDays} days${limit.declared ? ` (${limit.note})` : ''}.`,
      observed,
      threshold,
      resources: longEnough.map((f) => f.logGroup),
    };
  },
});
