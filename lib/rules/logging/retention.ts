/**
 * logging.retention — the trail's CloudWatch Logs group keeps logs at least 6 months and,
 * unless a longer period is declared in the register with its basis, not more than 1 year
 * (CNIL délibération n° 2021-122 recommends 6 months to 1 year; GDPR Art. 5(1)(e) storage
 * limitation is the upper bound). Longer than 3 years only with a declared legal obligation.
 */
import { z } from 'zod';
import { requireSection, type Trail, type TrailBucket } from '../../snapshot';
import { defineRule, type EvaluationContext, type RuleOutcome } from '../types';
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
    'personal data: CNIL délibération n° 2021-122 recommends keeping them between six months and one year, longer when justified — up to 3 years for a documented internal control, longer for a legal obligation — and ' +
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
    if (delivered.length === 0) return s3Retention(candidates, snapshot.trailBuckets, params, maxDays, limit, threshold);
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

/** Days a lifecycle rule keeps the trail's log files: the shortest enabled expiration whose filter covers them. */
function lifecycleDays(rules: NonNullable<TrailBucket['LifecycleRules']>, logPrefix: string): number {
  let days = Number.POSITIVE_INFINITY;
  for (const r of rules) {
    if (r.Status !== 'Enabled' || r.Expiration?.Days === undefined) continue;
    const filter = r.Filter as { Prefix?: unknown; And?: unknown; Tag?: unknown } | undefined;
    if (filter && (filter.And !== undefined || filter.Tag !== undefined)) continue; // tag filters: not every log file
    const prefix = typeof filter?.Prefix === 'string' ? filter.Prefix : (r.Prefix ?? '');
    if (logPrefix.startsWith(prefix)) days = Math.min(days, r.Expiration.Days);
  }
  return days;
}

/**
 * S3-delivered trails (#17): retention is the trail bucket's lifecycle expiration (Object Lock's
 * default retention keeps files at least that long); a bucket in another account is judged on
 * the retention declared in the register, and says so.
 */
function s3Retention(
  candidates: readonly Trail[],
  buckets: readonly TrailBucket[] | undefined,
  params: z.infer<typeof RetentionParameters>,
  maxDays: number,
  limit: ReturnType<typeof ceiling>,
  threshold: Record<string, unknown>,
): RuleOutcome {
  const facts = candidates.map((t) => {
    const b = t.S3BucketName ? buckets?.find((x) => x.Name === t.S3BucketName) : undefined;
    if (!b) return { TrailARN: t.TrailARN, bucket: t.S3BucketName ?? null, retention: 'bucket and its lifecycle not collected' as const, days: undefined };
    if (!b.inAccount) return { TrailARN: t.TrailARN, bucket: b.Name, retention: 'bucket in another account' as const, days: limit.declared?.days };
    if (b.LifecycleRules === undefined) return { TrailARN: t.TrailARN, bucket: b.Name, retention: 'lifecycle not read' as const, days: undefined };
    const prefix = `${typeof t.S3KeyPrefix === 'string' && t.S3KeyPrefix ? `${t.S3KeyPrefix}/` : ''}AWSLogs/`;
    const expire = lifecycleDays(b.LifecycleRules ?? [], prefix);
    const lock = b.ObjectLockConfiguration?.Rule?.DefaultRetention;
    const lockDays = lock ? (lock.Days ?? (lock.Years !== undefined ? lock.Years * 365 : 0)) : 0;
    const days = Math.max(expire, lockDays);
    return { TrailARN: t.TrailARN, bucket: b.Name, retention: days === Number.POSITIVE_INFINITY ? ('never expire' as const) : `${days} days`, days };
  });
  const observed = { s3: facts.map(({ days: _d, ...f }) => f), declaredRetention: limit.declared ?? null };
  const unknown = facts.filter((f) => f.days === undefined);
  if (unknown.length > 0) {
    return {
      status: 'ERROR',
      message:
        `NOT VERIFIED: the retention of trail bucket(s) ${unknown.map((f) => `${f.bucket ?? '(none)'} (${f.retention})`).join(', ')} is unknown` +
        (unknown.some((f) => f.retention === 'bucket in another account') ? '; for a log-archive bucket, declare its retention with its basis (art32 declare retention)' : '') +
        '.',
      observed,
      threshold,
      resources: unknown.map((f) => f.TrailARN),
    };
  }
  const declaredOnly = facts.every((f) => f.retention === 'bucket in another account');
  const text = facts.map((f) => `${f.retention === 'never expire' ? 'forever' : `${f.days} days`} in s3://${f.bucket}${f.retention === 'bucket in another account' ? ' (declared, another account)' : ''}`).join(', ');
  const short = facts.filter((f) => f.days! < params.minimumDays);
  if (short.length === facts.length)
    return { status: 'FAIL', message: `Trail log files are kept ${text}: under ${params.minimumDays} days (6 months, the minimum CNIL délibération 2021-122 recommends).`, observed, threshold, resources: facts.map((f) => f.TrailARN) };
  const long = facts.filter((f) => f.days! > maxDays);
  if (long.length > 0)
    return { status: 'WARN', message: `Trail log files are kept ${text}: longer than ${maxDays} days (${limit.note}).`, observed, threshold, resources: long.map((f) => f.TrailARN) };
  return {
    status: 'PASS',
    message: `${declaredOnly ? 'PASS (declared, not verified): ' : ''}Trail log files are kept ${text}: between ${params.minimumDays} and ${maxDays} days.`,
    observed: declaredOnly ? { ...observed, basis: 'declared, not verified' } : observed,
    threshold,
    resources: facts.map((f) => f.TrailARN),
  };
}
