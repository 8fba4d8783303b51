/**
 * Publish a sealed run where security teams already look: EventBridge events (what changed) and
 * Security Hub findings (the current verdicts), read back from the evidence store.
 *
 * Publishing reads only what a manifest seals: the records of the account's run whose hashes the
 * manifest lists. Nothing is published for an account whose run is not sealed, so an event or a
 * Security Hub finding always points at verifiable evidence (its record hash and chain head).
 *
 * A run that records a failed collection (nothing could be read from the account) publishes its
 * `Run Completed` event with the failure but no per-rule change, and leaves the account's Security
 * Hub findings as the last successful collection left them: a failed read says nothing about the
 * controls, and turning every finding to NOT_AVAILABLE would hide known failures. The next
 * successful run is compared with the last successful one.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { EvidenceRecord, RunManifest } from '../evidence/record';
import type { EvidenceStore } from '../evidence/store';
import { ocsfInputFromRecord } from '../ocsf';
import { findingChanges, putEvents, runCompleted, runEvents, type PutEventsResult } from './events';
import { importToSecurityHub, type SecurityHubImportResult, type SecurityHubTarget } from './security-hub';

export interface PublishTargets {
  /** EventBridge bus to put `art32 Finding Changed` / `art32 Run Completed` on (default bus unless named). */
  events?: { client: EventBridgeClient; busName?: string };
  /** Security Hub of the account running art32 (BatchImportFindings accepts only the caller's own account). */
  securityHub?: { client: SecurityHubClient; target: SecurityHubTarget };
}

export interface AccountPublication {
  accountId: string;
  /** What was published for the account: its sealed run, or why nothing was. */
  published: 'run' | 'collection-failed' | 'not-sealed';
  manifestHash?: string;
  /** Rules whose verdict changed since the previous successful collection. */
  changes: number;
  /** Records imported to Security Hub for this account (0 when not configured or not applicable). */
  findings: number;
}

export interface PublishResult {
  runId: string;
  accounts: AccountPublication[];
  events?: PutEventsResult;
  securityHub?: SecurityHubImportResult;
}

/** The records a manifest seals (by hash): anything else under the run's keys is not evidence. */
function sealedRecords(manifest: RunManifest, records: readonly EvidenceRecord[]): EvidenceRecord[] {
  const sealed = new Set(manifest.records.map((entry) => entry.hash));
  return records.filter((r) => sealed.has(r.hash));
}

/**
 * Publish one run of `runId` for each of `accountIds` to the configured targets. Per-entry
 * refusals are returned (for metrics and alarms), never thrown; a call that fails as a whole
 * (after the SDK's retries) throws, so the state machine can retry the step.
 */
export async function publishRun(store: EvidenceStore, runId: string, accountIds: readonly string[], targets: PublishTargets): Promise<PublishResult> {
  const result: PublishResult = { runId, accounts: [] };
  const entries: Parameters<typeof putEvents>[1][number][] = [];
  const findings: ReturnType<typeof ocsfInputFromRecord>[] = [];

  for (const accountId of accountIds) {
    const manifests = await store.manifests(accountId);
    const index = manifests.findIndex((m) => m.runId === runId);
    const manifest = manifests[index];
    if (!manifest) {
      result.accounts.push({ accountId, published: 'not-sealed', changes: 0, findings: 0 });
      continue;
    }
    const records = sealedRecords(manifest, await store.runRecords(runId, accountId));
    const failed = manifest.collectionFailed !== undefined;
    let changes: ReturnType<typeof findingChanges> = [];
    if (!failed) {
      const previous = manifests.slice(0, index).reverse().find((m) => m.collectionFailed === undefined);
      const previousRecords = previous ? sealedRecords(previous, await store.runRecords(previous.runId, accountId)) : [];
      changes = findingChanges(records, previousRecords);
      findings.push(...records.map((r) => ocsfInputFromRecord(r, manifest.hash)));
    }
    const completed = runCompleted({ accountId, runId, collectedAt: manifest.collectedAt, complete: manifest.incomplete === undefined, manifestHash: manifest.hash, records, changes });
    entries.push(...runEvents(changes, failed ? { ...completed, collectionFailed: manifest.collectionFailed } : completed, targets.events?.busName));
    result.accounts.push({
      accountId,
      published: failed ? 'collection-failed' : 'run',
      manifestHash: manifest.hash,
      changes: changes.length,
      findings: failed || !targets.securityHub ? 0 : records.length,
    });
  }

  if (targets.events) result.events = await putEvents(targets.events.client, entries);
  if (targets.securityHub) result.securityHub = await importToSecurityHub(targets.securityHub.client, findings, targets.securityHub.target);
  return result;
}
