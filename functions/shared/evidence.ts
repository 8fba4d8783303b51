/**
 * What the handlers need of the evidence store, over lib/evidence (the same code path
 * as the CLI's `collect`): the rules' context from earlier runs, recording one account's
 * run (records, then the manifest that seals it), and which accounts of a run are sealed.
 * Handlers take an `EvidenceSink` so tests can point it at dynalite.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { previousContext, recordRun, type PreviousContext } from '../../lib/evidence/run';
import { EvidenceStore } from '../../lib/evidence/store';
import type { Finding } from '../../lib/rules';
import type { AccountSnapshot } from '../../lib/snapshot';

export interface RecordedRun {
  /** Evidence records in the run (one per rule). */
  records: number;
  manifestHash: string;
  /** Items already stored with identical content (a retried invocation). */
  alreadyPresent: number;
}

export interface EvidenceSink {
  /**
   * Context from the account's runs sealed BEFORE `current` (collection times, previous
   * breadth): a retried invocation of `current` must evaluate exactly as the first attempt
   * did — had it seen its own manifest, its records would differ and the retry be refused.
   */
  previousContext(accountId: string, current: { collectedAt: string; runId: string }): Promise<PreviousContext>;
  writeRun(input: { runId: string; snapshot: AccountSnapshot; findings: readonly Finding[] }): Promise<RecordedRun>;
  /** Accounts whose run `runId` is sealed by a manifest (one Query on the byRun index). */
  sealedAccounts(runId: string): Promise<Set<string>>;
}

export function storeSink(store: EvidenceStore): EvidenceSink {
  return {
    previousContext: (accountId, current) => previousContext(store, accountId, current),
    async writeRun({ runId, snapshot, findings }) {
      const result = await recordRun({ store, snapshot, findings, runId });
      return { records: result.records.length, manifestHash: result.manifest.hash, alreadyPresent: result.alreadyPresent };
    },
    async sealedAccounts(runId) {
      const items = await store.runItems(runId);
      return new Set(items.filter((i) => i.type === 'MANIFEST' && typeof i.accountId === 'string').map((i) => i.accountId as string));
    },
  };
}

export interface OpenSinkOptions {
  tableName: string;
  region: string;
  /** Wraps the client (X-Ray capture in Lambda). */
  trace?: <C>(client: C) => C;
}

export function openEvidenceSink(options: OpenSinkOptions): EvidenceSink {
  const client = new DynamoDBClient({ region: options.region });
  return storeSink(new EvidenceStore({ client: options.trace ? options.trace(client) : client, tableName: options.tableName, region: options.region }));
}
