/**
 * What the handlers need of the evidence store, over lib/evidence (the same code path as the
 * CLI's `collect`), split along the separation of duties:
 * - CollectAccount (the record WRITER, no signing key): the rules' context from earlier runs;
 *   writing one account's run through the lifecycle (order check, interrupted runs filled from
 *   their stored facts, open, fill); finishing a run an earlier attempt opened;
 * - FinalizeRun (the SEALER, the only role allowed `kms:Sign`): for each account, seals every
 *   run still open up to this one, oldest first — complete, or INCOMPLETE naming what it lacks
 *   (lib/evidence/seal.ts reads each run back and signs only what it read, then anchors it) —
 *   and reads each account's outcome from the store.
 * Handlers take an `EvidenceSink` so tests can point it at dynalite.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { s3Anchors } from '../../lib/evidence/anchor';
import { fillRun, planRun, sealOpenRuns } from '../../lib/evidence/lifecycle';
import { previousContext, writeRunRecords, type PreviousContext } from '../../lib/evidence/run';
import { registerExpiry } from '../../lib/evidence/expiry';
import { Sealer } from '../../lib/evidence/seal';
import { contextItem } from '../../lib/evidence/context-item';
import { kmsSigner } from '../../lib/evidence/signing';
import { parseRecordItem, EvidenceStore } from '../../lib/evidence/store';
import { isTransientError } from '../../lib/evidence/transient-errors';
import { normaliseInstant } from '../../lib/evidence/build';
import type { CollectionFailure, EvidenceRecord } from '../../lib/evidence/record';
import type { Finding } from '../../lib/rules';
import type { AccountSnapshot } from '../../lib/snapshot';

export interface RecordedRun {
  /** Evidence records in the run (one per rule). */
  records: number;
  /** Set once the run is sealed (FinalizeRun seals; a retry may find it sealed already). */
  manifestHash?: string;
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
  /**
   * Write one account's run (payload, header, records; earlier interrupted runs filled): NOT
   * sealed — FinalizeRun seals. `afterWrite` gets the run's records as stored, once they are
   * written and while the run is still unsealed (never for a run found sealed already): the
   * collect function writes the collection context there, so FinalizeRun's seal covers it.
   */
  writeRun(input: { runId: string; snapshot: AccountSnapshot; findings: readonly Finding[]; afterWrite?: (records: readonly EvidenceRecord[]) => Promise<void> }): Promise<RecordedRun>;
  /**
   * A run an earlier attempt already opened or sealed: filled with the facts it was opened
   * with (never collected again, so never a conflict). Undefined when nothing was started.
   */
  finishStarted(accountId: string, run: { collectedAt: string; runId: string }): Promise<RecordedRun | undefined>;
  /**
   * The sealer's step (needs a sink opened with a sealer): seal the account's open runs up to
   * run `runId`, oldest first (complete, or incomplete with what they lack), then return how
   * this run ended. A seal the sealer refuses is reported to `onProblem` (the run then stays
   * unsealed: UNRECORDED, never a failed execution).
   */
  outcome(accountId: string, run: { collectedAt: string; runId: string }, onProblem?: (message: string) => void): Promise<AccountRunOutcome>;
  /**
   * Store a run's collection context (canonical JSON body, lib/accountability/context.ts) unless
   * one is stored already (first writer wins). Call it before the run is sealed: the seal covers it.
   */
  writeContext(run: { accountId: string; runId: string; collectedAt: string }, body: string): Promise<'written' | 'present'>;
  /** Collection time of the account's latest sealed, successful collection (continuity alarm). */
  latestSuccessfulCollection(accountId: string): Promise<string | undefined>;
}

/** A sink over `store`; `sealer` only for the sealing function (without it, `outcome` refuses). */
export function storeSink(store: EvidenceStore, sealer?: Sealer): EvidenceSink {
  const statusCountsOf = async (accountId: string, collectedAt: string, runId: string) => {
    const counts: Partial<Record<string, number>> = {};
    for (const item of await store.runRecordItems(accountId, collectedAt, runId)) counts[String(item.status)] = (counts[String(item.status)] ?? 0) + 1;
    return counts;
  };
  const sealedState = async (accountId: string, collectedAt: string, runId: string): Promise<RecordedRun | undefined> => {
    const manifest = await store.getManifest(accountId, collectedAt, runId);
    if (!manifest) return undefined;
    return {
      statusCounts: await statusCountsOf(accountId, collectedAt, runId),
      records: manifest.recordCount,
      manifestHash: manifest.hash,
      alreadyPresent: manifest.recordCount + 2,
      incomplete: !!manifest.incomplete,
      collectionFailed: !!manifest.collectionFailed,
    };
  };
  return {
    previousContext: (accountId, current) => previousContext(store, accountId, current),
    async writeRun({ runId, snapshot, findings, afterWrite }) {
      const written = await writeRunRecords({ store, snapshot, findings, runId });
      if (afterWrite && !written.sealed && written.records.length > 0) await afterWrite(written.records);
      return {
        records: written.records.length,
        ...(written.sealed ? { manifestHash: written.sealed.hash } : {}),
        alreadyPresent: written.alreadyPresent,
        incomplete: !!written.sealed?.incomplete,
        collectionFailed: !!written.collectionFailed,
      };
    },
    async finishStarted(accountId, run) {
      const collectedAt = normaliseInstant(run.collectedAt, 'collectedAt');
      const plan = await planRun(store, accountId, { collectedAt, runId: run.runId });
      if (plan.kind === 'new') return undefined;
      if (plan.kind === 'sealed') return sealedState(accountId, collectedAt, run.runId);
      for (const header of plan.toClose) await fillRun(store, header);
      await fillRun(store, plan.own);
      const records = (await store.runRecordItems(accountId, collectedAt, run.runId)).map(parseRecordItem);
      return {
        records: records.length,
        alreadyPresent: records.length + 1,
        incomplete: false,
        collectionFailed: (plan.own.collectionFailed as CollectionFailure | undefined) !== undefined,
        statusCounts: await statusCountsOf(accountId, collectedAt, run.runId),
      };
    },
    async outcome(accountId, run, onProblem) {
      if (!sealer) throw new Error('this function holds no signing key: only FinalizeRun seals runs');
      const collectedAt = normaliseInstant(run.collectedAt, 'collectedAt');
      try {
        await sealOpenRuns(store, sealer, accountId, { collectedAt, runId: run.runId }, "the run's finalize step");
      } catch (error) {
        // A throttled or failed request is not an outcome: let it through so the state machine retries.
        if (isTransientError(error)) throw error;
        onProblem?.((error as Error).message);
      }
      const state = await sealedState(accountId, collectedAt, run.runId);
      if (!state) return 'UNRECORDED';
      if (state.collectionFailed) return 'COLLECTION_FAILED';
      return state.incomplete ? 'SEALED_INCOMPLETE' : 'SEALED';
    },
    writeContext: (run, body) => store.putContextItem(contextItem(run, body)),
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
  /** The sealing function only: KMS signing key id/ARN and the anchor bucket URL (s3://bucket/prefix). */
  seal?: { signingKeyId: string; anchorsUrl: string };
}

export function openEvidenceSink(options: OpenSinkOptions): EvidenceSink {
  const trace = <C>(c: C): C => (options.trace ? options.trace(c) : c);
  const client = trace(new DynamoDBClient({ region: options.region }));
  // Every record written (by the writer, or by the sealer filling an interrupted run) and each
  // run's payload carry DynamoDB's TTL attribute `expiresAt`, from the evidence retention in force
  // when the run was collected (docs/retention.md). The register is read only when records are written.
  const store = new EvidenceStore({ client, tableName: options.tableName, region: options.region, expiry: registerExpiry(client, options.tableName) });
  if (!options.seal) return storeSink(store);
  const sealer = new Sealer({
    store,
    signer: kmsSigner(trace(new KMSClient({ region: options.region })), options.seal.signingKeyId),
    anchors: s3Anchors(trace(new S3Client({ region: options.region })), options.seal.anchorsUrl),
  });
  return storeSink(store, sealer);
}
