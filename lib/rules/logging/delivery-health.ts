/**
 * logging.delivery-health — a trail that says it is logging actually delivers: no delivery
 * error to S3, to the digest files or to CloudWatch Logs, and a last delivery recent enough
 * (GetTrailStatus). `IsLogging: true` alone proves nothing: a bucket policy changed by mistake
 * stops delivery while the trail stays "on".
 */
import { z } from 'zod';
import { requireSection, type Trail } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { hoursBetween } from '../support/time';
import { statusNotCollected, trailCandidates } from '../support/trails';

export const DeliveryHealthParameters = z.object({
  /** Oldest acceptable last delivery, in hours (CloudTrail delivers log files about every 5 minutes while there is activity). */
  maxDeliveryAgeHours: z.number().positive().default(24),
});

interface TrailHealth {
  TrailARN: string;
  Name: string;
  problems: string[];
  LatestDeliveryTime: string | null;
  LatestDeliveryError: string | null;
  LatestDigestDeliveryError: string | null;
  LatestCloudWatchLogsDeliveryTime: string | null;
  LatestCloudWatchLogsDeliveryError: string | null;
}

/** An empty string is how the API says "no error". */
const errorOf = (value: string | undefined): string | null => (value && value.trim() !== '' ? value : null);

export function trailHealth(t: Trail, now: Date, maxAgeHours: number): TrailHealth {
  const s = t.Status!;
  const problems: string[] = [];
  const deliveryError = errorOf(s.LatestDeliveryError);
  const digestError = errorOf(s.LatestDigestDeliveryError);
  const cwError = errorOf(s.LatestCloudWatchLogsDeliveryError);
  if (deliveryError) problems.push(`S3 delivery error ${deliveryError}`);
  if (digestError && t.LogFileValidationEnabled) problems.push(`digest delivery error ${digestError}`);
  if (!s.LatestDeliveryTime) problems.push('no log file delivered to S3 yet');
  else {
    const age = hoursBetween(new Date(s.LatestDeliveryTime), now);
    if (age > maxAgeHours) problems.push(`last S3 delivery ${age} h ago`);
  }
  if (t.CloudWatchLogsLogGroupArn) {
    if (cwError) problems.push(`CloudWatch Logs delivery error ${cwError}`);
    if (!s.LatestCloudWatchLogsDeliveryTime) problems.push('nothing delivered to CloudWatch Logs yet');
    else {
      const age = hoursBetween(new Date(s.LatestCloudWatchLogsDeliveryTime), now);
      if (age > maxAgeHours) problems.push(`last CloudWatch Logs delivery ${age} h ago`);
    }
  }
  return {
    TrailARN: t.TrailARN,
    Name: t.Name,
    problems,
    LatestDeliveryTime: s.LatestDeliveryTime ?? null,
    LatestDeliveryError: deliveryError,
    LatestDigestDeliveryError: digestError,
    LatestCloudWatchLogsDeliveryTime: s.LatestCloudWatchLogsDeliveryTime ?? null,
    LatestCloudWatchLogsDeliveryError: cwError,
  };
}

export default defineRule({
  id: 'logging.delivery-health',
  title: 'Logging trails actually deliver their logs',
  area: 'logging',
  severity: 'high',
  rationale:
    'A trail can be "logging" and deliver nothing: a changed bucket policy, a deleted KMS key grant or a broken CloudWatch Logs role ' +
    'stops delivery silently, and the logs an investigation needs do not exist. The CNIL security guide (fiche 16) recommends ' +
    'checking regularly that usable logs exist; CloudTrail reports each delivery failure in GetTrailStatus.',
  remediation: {
    console:
      'CloudTrail console → Trails → <trail>: read the delivery errors shown at the top; fix the S3 bucket policy (allow cloudtrail.amazonaws.com s3:PutObject with ' +
      'aws:SourceArn = the trail), the KMS key policy, or the CloudWatch Logs role, then check that "Last log file delivered" moves.',
    cli:
      'aws cloudtrail get-trail-status --name <trail arn> --region <home region> (LatestDeliveryError, LatestDigestDeliveryError, LatestCloudWatchLogsDeliveryError); ' +
      'aws s3api get-bucket-policy --bucket <trail bucket>; then aws cloudtrail get-trail-status again after the fix',
  },
  references: [REF.cnilGuide16, REF.cnil2021_122, REF.gdpr32_1_b, REF.awsTrailStatus],
  sections: ['trails'],
  parameters: DeliveryHealthParameters,
  evaluate(snapshot, params) {
    // Every trail that is logging is judged: a single-region trail that delivers nothing is as blind.
    const { trails, qualifying, unknownStatus } = trailCandidates(requireSection(snapshot, 'trails'), () => true);
    const now = new Date(snapshot.collectedAt);
    const health = qualifying.map((t) => trailHealth(t, now, params.maxDeliveryAgeHours));
    const observed = {
      trails: health,
      statusNotCollected: unknownStatus.map((t) => t.TrailARN),
      stoppedTrails: trails.filter((t) => t.Status?.IsLogging === false).map((t) => t.TrailARN),
      now: snapshot.collectedAt,
    };
    const threshold = params;
    if (qualifying.length === 0) {
      if (unknownStatus.length > 0) return statusNotCollected(unknownStatus, 'cannot tell whether any trail delivers logs', observed, threshold);
      return { status: 'FAIL', message: trails.length === 0 ? 'No trail exists: no log is delivered.' : 'No trail is logging: no log is delivered.', observed, threshold, resources: trails.map((t) => t.TrailARN) };
    }
    const broken = health.filter((h) => h.problems.length > 0);
    if (broken.length > 0) {
      return {
        status: 'FAIL',
        message: `${broken.length} of ${health.length} logging trail(s) do not deliver usable logs: ${broken.map((b) => `${b.Name} (${b.problems.join('; ')})`).join(', ')}.`,
        observed,
        threshold,
        resources: broken.map((b) => b.TrailARN),
      };
    }
    if (unknownStatus.length > 0) {
      return {
        status: 'WARN',
        message: `${health.length} logging trail(s) deliver without error, but the status of ${unknownStatus.map((t) => t.Name).join(', ')} was not collected (GetTrailStatus).`,
        observed,
        threshold,
        resources: unknownStatus.map((t) => t.TrailARN),
      };
    }
    return {
      status: 'PASS',
      message: `All ${health.length} logging trail(s) delivered within ${params.maxDeliveryAgeHours} h, without delivery error.`,
      observed,
      threshold,
      resources: health.map((h) => h.TrailARN),
    };
  },
});
