/**
 * CloudTrail facts shared by the logging rules: which trails exist once (shadow copies
 * removed), which log every read and write management event, and which are "qualifying"
 * (multi-region and logging). Pure functions of the snapshot's `trails` section.
 */
import type { AdvancedEventSelector, LogGroup, Trail } from '../../snapshot';

/**
 * DescribeTrails with shadow trails lists one multi-region trail once per region, with
 * the same TrailARN. Keep one entry per ARN, preferring the copy that carries a status
 * (GetTrailStatus is only answered in the home region).
 */
export function uniqueTrails(trails: readonly Trail[]): Trail[] {
  const byArn = new Map<string, Trail>();
  for (const t of trails) {
    const seen = byArn.get(t.TrailARN);
    if (!seen || (seen.Status === undefined && t.Status !== undefined)) byArn.set(t.TrailARN, t);
  }
  return [...byArn.values()];
}

const fieldEquals = (sel: AdvancedEventSelector, field: string): string[] | undefined =>
  sel.FieldSelectors.find((f) => f.Field === field)?.Equals;

/**
 * Does the trail record both read and write management events?
 * - no selectors at all: CloudTrail's default, every management event;
 * - basic selectors: one with IncludeManagementEvents (default true) and ReadWriteType All
 *   (default All), or one ReadOnly plus one WriteOnly;
 * - advanced selectors: a selector with eventCategory = Management and no readOnly filter,
 *   or one with readOnly = true plus one with readOnly = false.
 */
export function logsAllManagementEvents(trail: Trail): boolean {
  const advanced = trail.AdvancedEventSelectors;
  if (advanced && advanced.length > 0) {
    let read = false;
    let write = false;
    for (const sel of advanced) {
      if (!(fieldEquals(sel, 'eventCategory') ?? []).includes('Management')) continue;
      const readOnly = sel.FieldSelectors.find((f) => f.Field === 'readOnly');
      if (!readOnly) return true;
      if (readOnly.Equals?.includes('true')) read = true;
      if (readOnly.Equals?.includes('false')) write = true;
    }
    return read && write;
  }
  const basic = trail.EventSelectors;
  if (!basic || basic.length === 0) return true;
  let read = false;
  let write = false;
  for (const sel of basic) {
    if (sel.IncludeManagementEvents === false) continue;
    const rw = sel.ReadWriteType ?? 'All';
    if (rw === 'All') return true;
    if (rw === 'ReadOnly') read = true;
    if (rw === 'WriteOnly') write = true;
  }
  return read && write;
}

/** `true` logging, `false` stopped, `undefined` status unknown (GetTrailStatus not read). */
export const isLogging = (trail: Trail): boolean | undefined => trail.Status?.IsLogging;

/** Trails that are multi-region and known to be logging: the ones whose protection matters. */
export function qualifyingTrails(trails: readonly Trail[]): Trail[] {
  return uniqueTrails(trails).filter((t) => t.IsMultiRegionTrail && isLogging(t) === true);
}

/** `arn:aws:logs:eu-west-3:123456789012:log-group:CloudTrail/org:*` → `CloudTrail/org`. */
export function logGroupNameFromArn(arn: string): string | undefined {
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(arn);
  return m?.[1];
}

/** The collected log group a trail delivers to, matched by ARN or by name. */
export function findLogGroup(groups: readonly LogGroup[], trailLogGroupArn: string): LogGroup | undefined {
  const name = logGroupNameFromArn(trailLogGroupArn);
  const bare = trailLogGroupArn.replace(/:\*$/, '');
  return groups.find(
    (g) => (g.arn !== undefined && g.arn.replace(/:\*$/, '') === bare) || (name !== undefined && g.logGroupName === name),
  );
}
