/**
 * Export files of the threat-detection sections (second-wave rules), as the AWS CLI prints them:
 * - `guardduty-detectors.json`: `aws guardduty list-detectors` → `{ DetectorIds: [] }`;
 *   `guardduty/<DetectorId>.json`: `aws guardduty get-detector --detector-id <id>` (Status, DataSources, Features);
 * - `securityhub-hub.json`: `aws securityhub describe-hub` → `{ HubArn, SubscribedAt, … }`, or the CLI's
 *   `InvalidAccessException` text when the account is not subscribed (= not enabled, a fact);
 * - `event-rules.json`: `aws events list-rules` → `{ Rules: [{ Name, Arn, EventPattern, State, … }] }`;
 *   `event-rules/<Name>.targets.json`: `aws events list-targets-by-rule --rule <Name>` → `{ Targets: [{ Id, Arn }] }`,
 *   for the enabled rules whose pattern names a security source.
 */
import type { EventRulesSection, GuardDutySection } from '../snapshot';
import { ShapeError } from './aws-shapes';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `arn:aws:events:eu-west-3:…` / `arn:aws:securityhub:eu-west-3:…` → `eu-west-3`. */
export const regionOfArn = (arn: string | undefined): string | undefined => (arn ? /^arn:[^:]+:[^:]+:([a-z0-9-]+):/.exec(arn)?.[1] : undefined);

export function detectorFromAws(id: string, value: unknown, path: string): GuardDutySection['detectors'][number] {
  if (!isObject(value) || (value.Status !== 'ENABLED' && value.Status !== 'DISABLED')) throw new ShapeError(path, 'expected the get-detector response (Status ENABLED or DISABLED)');
  const out: Record<string, unknown> = { DetectorId: id, Status: value.Status };
  if (Array.isArray(value.Features)) out.Features = value.Features;
  if (isObject(value.DataSources)) out.DataSources = value.DataSources;
  return out as GuardDutySection['detectors'][number];
}

export function eventRulesFromAws(rules: unknown[], path: string): EventRulesSection['rules'] {
  return rules.map((r, i) => {
    if (!isObject(r) || typeof r.Name !== 'string') throw new ShapeError(`${path}.Rules[${i}]`, 'expected a rule with Name');
    const out: Record<string, unknown> = { Name: r.Name };
    for (const k of ['Arn', 'State', 'EventPattern'] as const) if (typeof r[k] === 'string') out[k] = r[k];
    return out as EventRulesSection['rules'][number];
  });
}

export function targetsFromAws(value: unknown, path: string): { Id: string; Arn: string }[] {
  if (!isObject(value) || !Array.isArray(value.Targets)) throw new ShapeError(path, 'expected the list-targets-by-rule response (Targets)');
  return value.Targets.filter((t): t is { Id: string; Arn: string } => isObject(t) && typeof t.Id === 'string' && typeof t.Arn === 'string').map((t) => ({ Id: t.Id, Arn: t.Arn }));
}
