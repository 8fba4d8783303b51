/**
 * Shared judgement of a per-trail protection (log file validation, KMS encryption) over the
 * trails whose logs matter: multi-region trails that are logging.
 */
import type { Trail } from '../../snapshot';
import type { RuleOutcome } from '../types';
import { isLogging, statusNotCollected, trailCandidates } from './trails';

export function judgeTrailProtection(
  allTrails: readonly Trail[],
  what: string,
  isProtected: (t: Trail) => boolean,
  fact: (t: Trail) => unknown,
  /** How to say which trails lack the protection (default: "<what> is off on …"). */
  describeGap: (unprotected: readonly Trail[], qualifying: readonly Trail[]) => string = (u, q) =>
    `${what} is off on ${u.length} of ${q.length} multi-region logging trail(s): ${u.map((t) => t.Name).join(', ')}.`,
): RuleOutcome {
  const { trails, qualifying, unknownStatus } = trailCandidates(allTrails);
  const observed = {
    qualifyingTrails: qualifying.map((t) => ({ TrailARN: t.TrailARN, [what]: fact(t) })),
    otherTrails: trails.filter((t) => !qualifying.includes(t)).map((t) => ({ TrailARN: t.TrailARN, IsMultiRegionTrail: t.IsMultiRegionTrail, IsLogging: isLogging(t) ?? 'unknown', [what]: fact(t) })),
  };
  const threshold = { required: `${what} on every multi-region trail that is logging` };
  if (qualifying.length === 0) {
    if (unknownStatus.length > 0) return statusNotCollected(unknownStatus, "cannot tell which trail's logs must be protected", observed, threshold);
    return {
      status: 'FAIL',
      message: trails.length === 0 ? `No trail exists: no log is protected (${what}).` : `No multi-region trail is logging: no complete log is protected (${what}).`,
      observed,
      threshold,
      resources: trails.map((t) => t.TrailARN),
    };
  }
  const unprotected = qualifying.filter((t) => !isProtected(t));
  if (unprotected.length === 0) {
    return { status: 'PASS', message: `${what} is on for all ${qualifying.length} multi-region logging trail(s).`, observed, threshold, resources: qualifying.map((t) => t.TrailARN) };
  }
  const partial = unprotected.length < qualifying.length;
  return {
    status: partial ? 'WARN' : 'FAIL',
    message: describeGap(unprotected, qualifying),
    observed,
    threshold,
    resources: unprotected.map((t) => t.TrailARN),
  };
}
