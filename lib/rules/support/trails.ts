/**
 * CloudTrail facts shared by the logging rules: which trails exist once (shadow copies
 * removed), which log every read and write management event, and which are "qualifying"
 * (multi-region and logging). Pure functions of the snapshot's `trails` section.
 */
import type { AdvancedEventSelector, LogGroup, Trail } from '../../snapshot';
import type { RuleOutcome } from '../types';

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
 * Does the trail record both read and write management events? `undefined` when its
 * selectors were not collected (GetEventSelectors failed or its export file is missing):
 * GetEventSelectors always answers with at least one selector, so an absent list is a gap,
 * not the default — unless DescribeTrails said the trail has no custom selectors.
 * - no custom selectors (`HasCustomEventSelectors: false`): CloudTrail's default, every management event;
 * - basic selectors: one with IncludeManagementEvents (default true) and ReadWriteType All
 *   (default All), or one ReadOnly plus one WriteOnly;
 * - advanced selectors: a selector with eventCategory = Management and no readOnly filter,
 *   or one with readOnly = true plus one with readOnly = false.
 */
export function logsAllManagementEvents(trail: Trail): boolean | undefined {
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
  if (!basic || basic.length === 0) return trail.HasCustomEventSelectors === false ? true : undefined;
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

export interface TrailCandidates {
  /** Every trail once (shadow copies removed). */
  trails: Trail[];
  /** Trails of the wanted shape known to be logging. */
  qualifying: Trail[];
  /**
   * Trails of the wanted shape whose status was not collected: they may be logging. When no
   * trail qualifies (or none that qualifies passes), a rule cannot FAIL or PASS on the
   * strength of these: it is ERROR (see `statusNotCollected`).
   */
  unknownStatus: Trail[];
}

const multiRegion = (t: Trail): boolean => t.IsMultiRegionTrail;

/**
 * The trails a logging rule judges: those of the wanted `shape` (by default multi-region)
 * that are known to be logging, and, apart, those of that shape whose status is unknown.
 */
export function trailCandidates(allTrails: readonly Trail[], shape: (t: Trail) => boolean = multiRegion): TrailCandidates {
  const trails = uniqueTrails(allTrails);
  const qualifying: Trail[] = [];
  const unknownStatus: Trail[] = [];
  for (const t of trails) {
    if (!shape(t)) continue;
    const logging = isLogging(t);
    if (logging === true) qualifying.push(t);
    else if (logging === undefined) unknownStatus.push(t);
  }
  return { trails, qualifying, unknownStatus };
}

/** ERROR outcome for trails whose status (GetTrailStatus) was not collected; `consequence` says what cannot be judged. */
export function statusNotCollected(unknown: readonly Trail[], consequence: string, observed: Record<string, unknown>, threshold: Record<string, unknown>): RuleOutcome {
  return {
    status: 'ERROR',
    message: `Trail ${unknown.map((t) => t.Name).join(', ')} status not collected (GetTrailStatus): ${consequence}.`,
    observed,
    threshold,
    resources: unknown.map((t) => t.TrailARN),
  };
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
