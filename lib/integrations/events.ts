/**
 * EventBridge events: what changed in a sealed run, on the account's default bus, so that teams
 * route findings (EventBridge rule → SNS, Chatbot, a ticketing API) without reading DynamoDB.
 *
 * Two detail types, source `art32` (schemas in docs/integrations.md):
 * - `art32 Finding Changed`: one per rule whose verdict changed since the account's previous
 *   sealed run: `new` (now FAIL or WARN, before passing, not applicable or absent), `regressed`
 *   (WARN → FAIL), `fixed` (FAIL or WARN → PASS or not applicable), `not-verified` (now NOT
 *   VERIFIED where it was judged before: the facts stopped being collected).
 * - `art32 Run Completed`: one per sealed account run, with counts and the chain head.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Status } from '../rules/types';
import { ocsfFindingUid } from '../ocsf';

export const EVENT_SOURCE = 'art32';
export const FINDING_CHANGED = 'art32 Finding Changed';
export const RUN_COMPLETED = 'art32 Run Completed';
/** PutEvents takes at most 10 entries a call (EventBridge API Reference). */
export const PUT_EVENTS_BATCH = 10;

export type FindingChange = 'new' | 'regressed' | 'fixed' | 'not-verified';

/** The part of a record the events need (an EvidenceRecord fits). */
export interface ChangeInput {
  accountId: string;
  ruleId: string;
  status: Status;
  severity: string;
  message: string;
  requirementIds: readonly string[];
  runId: string;
  collectedAt: string;
  hash: string;
}

const failing = (s: Status | undefined): boolean => s === 'FAIL' || s === 'WARN';
const passing = (s: Status | undefined): boolean => s === 'PASS' || s === 'NOT_APPLICABLE';

/** How a rule's verdict moved from `before` (undefined: no previous run) to `now`; undefined when it did not matter. */
export function classifyChange(before: Status | undefined, now: Status): FindingChange | undefined {
  if (failing(now) && !failing(before)) return 'new';
  if (now === 'FAIL' && before === 'WARN') return 'regressed';
  if (passing(now) && failing(before)) return 'fixed';
  if (now === 'ERROR' && before !== undefined && before !== 'ERROR') return 'not-verified';
  return undefined;
}

export interface FindingChangedDetail {
  findingUid: string;
  change: FindingChange;
  accountId: string;
  ruleId: string;
  status: Status;
  previousStatus: Status | null;
  severity: string;
  message: string;
  requirementIds: string[];
  runId: string;
  collectedAt: string;
  recordHash: string;
}

/** One `Finding Changed` detail per rule whose verdict changed between two runs of one account. */
export function findingChanges(current: readonly ChangeInput[], previous: readonly ChangeInput[]): FindingChangedDetail[] {
  const before = new Map(previous.map((r) => [r.ruleId, r.status]));
  const details: FindingChangedDetail[] = [];
  for (const r of current) {
    const was = before.get(r.ruleId);
    const change = classifyChange(was, r.status);
    if (!change) continue;
    details.push({
      findingUid: ocsfFindingUid(r.accountId, r.ruleId),
      change,
      accountId: r.accountId,
      ruleId: r.ruleId,
      status: r.status,
      previousStatus: was ?? null,
      severity: r.severity,
      message: r.message,
      requirementIds: [...r.requirementIds],
      runId: r.runId,
      collectedAt: r.collectedAt,
      recordHash: r.hash,
    });
  }
  return details;
}

export interface RunCompletedDetail {
  accountId: string;
  runId: string;
  collectedAt: string;
  /** False when the run was sealed as incomplete (what it holds is listed in its manifest). */
  complete: boolean;
  counts: Partial<Record<Status, number>>;
  manifestHash: string;
  changes: Record<FindingChange, number>;
  /** Set when the run records a failed collection: what could not be read, and why. */
  collectionFailed?: { operation: string; code: string; message: string };
}

export function runCompleted(input: { accountId: string; runId: string; collectedAt: string; complete: boolean; manifestHash: string; records: readonly { status: Status }[]; changes: readonly FindingChangedDetail[] }): RunCompletedDetail {
  const counts: Partial<Record<Status, number>> = {};
  for (const r of input.records) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const changes: Record<FindingChange, number> = { new: 0, regressed: 0, fixed: 0, 'not-verified': 0 };
  for (const c of input.changes) changes[c.change] += 1;
  return { accountId: input.accountId, runId: input.runId, collectedAt: input.collectedAt, complete: input.complete, counts, manifestHash: input.manifestHash, changes };
}

/** EventBridge entries for one account run: its changes, then the run itself. */
export function runEvents(changes: readonly FindingChangedDetail[], completed: RunCompletedDetail, eventBusName = 'default'): PutEventsRequestEntry[] {
  const resources: string[] = [];
  return [
    ...changes.map((d) => ({ Source: EVENT_SOURCE, DetailType: FINDING_CHANGED, Detail: JSON.stringify(d), EventBusName: eventBusName, Resources: resources, Time: new Date(d.collectedAt) })),
    { Source: EVENT_SOURCE, DetailType: RUN_COMPLETED, Detail: JSON.stringify(completed), EventBusName: eventBusName, Resources: resources, Time: new Date(completed.collectedAt) },
  ];
}

export interface PutEventsResult {
  sent: number;
  failed: { detailType: string; code: string; message: string }[];
  calls: number;
}

/**
 * Put `entries`, 10 a call. Entries EventBridge refuses one by one (throttled, internal) are
 * sent once more; what still fails is returned for the caller to log and alarm on.
 */
export async function putEvents(client: EventBridgeClient, entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult> {
  const result: PutEventsResult = { sent: 0, failed: [], calls: 0 };
  for (let i = 0; i < entries.length; i += PUT_EVENTS_BATCH) {
    let batch = entries.slice(i, i + PUT_EVENTS_BATCH);
    for (let attempt = 0; attempt < 2 && batch.length > 0; attempt++) {
      const out = await client.send(new PutEventsCommand({ Entries: batch }));
      result.calls++;
      const retry: PutEventsRequestEntry[] = [];
      (out.Entries ?? []).forEach((entry, index) => {
        const sent = batch[index] as PutEventsRequestEntry;
        if (entry.EventId) result.sent++;
        else if (attempt === 0) retry.push(sent);
        else result.failed.push({ detailType: sent.DetailType ?? '?', code: entry.ErrorCode ?? 'Unknown', message: entry.ErrorMessage ?? '' });
      });
      batch = retry;
    }
  }
  return result;
}
