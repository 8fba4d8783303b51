/**
 * What the handlers need of the evidence store, over lib/evidence (the same code path
 * as the CLI's `collect`): the rules' context from earlier runs, recording one account's
 * run through the run lifecycle (open, fill, seal; interrupted runs closed first), finishing
 * a run a previous attempt already started, and each account's outcome for finalize.
 * Handlers take an `EvidenceSink` so tests can point it at dynalite.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { closeRun, planRun } from '../../lib/evidence/lifecycle';
import { previousContext, recordRun, type PreviousContext } from '../../lib/evidence/run';
import { EvidenceStore } from '../../lib/evidence/store';
import { isTransientError } from '../../lib/evidence/transient-errors';
import { normaliseInstant } from '../../lib/evidence/build';
import type { Finding } from '../../lib/rules';
import type { AccountSnapshot } from '../../lib/snapshot';

export interface RecordedRun {
  /** Evidence records in the run (one per rule). */
  records: number;
  manifestHash: string;
  /** Items already stored with identical content (a retried invocation). */
  alreadyPresent: number;
  /** Sealed as incomplete (an interrupted run closed without the facts to finish it). */
  incomplete: boolean;
  /** The run records a failed collection. */
  collectionFailed: boolean;
  /** Records per status (a finished earlier attempt reports what it stored). */
  statusCounts?: Partial<Record<string, number>>;
}

/** How one account's run ended, read from the store (what an auditor will verify). */
export type AccountRunOutcome = 'SEALED' | 'SEALED_INCOMPLETE' | 'COLLECTION_FAILED' | 'UNRECORDED';

export interface EvidenceSink {
  /**
   * Context from the account's runs sealed BEFORE `current` (collection times, previous
   * breadth): a retried invocation of `current` must evaluate exactly as the first attempt
   * did — had it seen its own manifest, its records would differ and the retry be refused.
   */
  previousContext(accountId: string, current: { collectedAt: string; runId: string }): Promise<PreviousContext>;
  writeRun(input: { runId: string; snapshot: AccountSnapshot; findings: readonly Finding[] }): Promise<RecordedRun>;
  /**
   * A run an earlier attempt already opened or sealed: finished with the facts it was opened
   * with (never collected again, so never a conflict). Undefined when nothing was started.
   */
  finishStarted(accountId: string, run: { collectedAt: string; runId: string }): Promise<RecordedRun | undefined>;
  /** Each account's outcome for run `runId`; an open run is closed first (resumed or sealed incomplete). */
  outcome(accountId: string, run: { collectedAt: string; runId: string }): Promise<AccountRunOutcome>;
  /** Collection time of the account's latest sealed, successful collection (continuity alarm). */
  latestSuccessfulCollection(accountId: string): Promise<string | undefined>;
}

export function storeSink(store: EvidenceStore): EvidenceSink {
  const sealedState = async (accountId: string, collectedAt: string, runId: string): Promise<RecordedRun | undefined> => {
    const manifest = await store.getManifest(accountId, collectedAt, runId);
    if (!manifest) return undefined;
    const statusCounts: Partial<Record<string, number>> = {};
    for (const item of await store.runRecordItems(accountId, collectedAt, runId)) statusCounts[String(item.status)] = (statusCounts[String(item.status)] ?? 0) + 1;
    return { statusCounts, records: manifest.recordCount, manifestHash: manifest.hash, alreadyPresent: manifest.recordCount + 2, incomplete: !!manifest.incomplete, collectionFailed: !!manifest.collectionFailed };
  };
  const finishStarted = async (accountId: string, run: { collectedAt: string; runId: string }) => {
    const collectedAt = normaliseInstant(run.collectedAt, 'collectedAt');
    const plan = await planRun(store, accountId, { collectedAt, runId: run.runId });
    if (plan.kind === 'new') return undefined;
    if (plan.kind === 'open') {
      for (const header of plan.toClose) await closeRun(store, header);
      await closeRun(store, plan.own);
    }
    return sealedState(accountId, collectedAt, run.runId);
  };
  return {
    previousContext: (accountId, current) => previousContext(store, accountId, current),
    async writeRun({ runId, snapshot, findings }) {
      const result = await recordRun({ store, snapshot, findings, runId });
      return {
        records: result.records.length,
        manifestHash: result.manifest.hash,
        alreadyPresent: result.alreadyPresent,
        incomplete: !!result.manifest.incomplete,
        collectionFailed: !!result.manifest.collectionFailed,
      };
    },
    finishStarted,
    async outcome(accountId, run) {
      let state: RecordedRun | undefined;
      try {
        state = await finishStarted(accountId, run);
      } catch (error) {
        // A throttled or failed request is not an outcome: let it through so the state machine retries.
        if (isTransientError(error)) throw error;
        state = undefined;
      }
      if (!state) return 'UNRECORDED';
      if (state.collectionFailed) return 'COLLECTION_FAILED';
      return state.incomplete ? 'SEALED_INCOMPLETE' : 'SEALED';
    },
    async latestSuccessfulCollection(accountId) {
      const manifests = await store.manifests(accountId);
      return manifests.filter((m) => !m.incomplete && !m.collectionFailed).at(-1)?.collectedAt;
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
