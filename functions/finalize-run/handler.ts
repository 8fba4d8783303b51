/**
 * FinalizeRun: the run's sealer, closing step and numbers.
 *
 * Sealer: this function's role is the only one allowed `kms:Sign` with the manifest signing
 * key (CollectAccount only writes records). For every account of the run it seals the runs
 * still open up to this one, oldest first: the sealer reads each run back, signs its manifest
 * and anchors it in the Object Lock bucket (lib/evidence/seal.ts); a run already sealed is
 * never signed again.
 *
 * Every account of the run must end SEALED in the store — complete, or incomplete with the
 * gap in its manifest. Finalize reads each account's outcome from the store (not from the Map
 * output: the manifest is what an auditor will verify), SEALS every run still open (complete when
 * CollectAccount wrote all its records, restoring them from its stored facts on a retry; else
 * incomplete, naming what it lacks — this function writes no record), and publishes
 * per-account numbers that the alarms watch:
 *
 *   AccountsSealed · AccountsSealedIncomplete · AccountsCollectionFailed · AccountsUnrecorded ·
 *   AccountsWithoutSealedRun (no sealed successful collection in `CONTINUITY_HOURS`) · RunsFinalized ·
 *   SealsRefused (the sealer would not vouch for what it read back: see the log and `art32 verify`)
 *
 * A failed account never fails the execution: the execution's result lists each account's
 * outcome and the counts; the alarms make failures loud.
 *
 * Last, it releases the run lock ListAccounts took (lib/evidence/run-lock.ts), so the next
 * execution may start. Finalize is idempotent: retried, it reads the same outcomes and the
 * release of a lock no longer held is a no-op.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { FinalizeRunEnv, parseEnv } from '../../lib/config';
import { RunLock } from '../../lib/evidence/run-lock';
import type { CollectAccountResult } from '../collect-account/handler';
import { openEvidenceSink, type AccountRunOutcome, type EvidenceSink } from '../shared/evidence';
import { createObservability, traced, withPowertools, type Observability } from '../shared/powertools';

/** What the Map returns per account: the collect result, or the state machine's "unrecorded" marker. */
export type AccountOutcome = CollectAccountResult | { accountId: string; status: 'UNRECORDED'; failure?: unknown };

export interface FinalizeRunEvent {
  runId: string;
  startedAt: string;
  accounts: string[];
  results?: AccountOutcome[];
}

export interface FinalizeRunResult {
  runId: string;
  accounts: number;
  /** Counts per outcome: what the execution result shows at a glance. */
  sealed: number;
  sealedIncomplete: number;
  collectionFailed: number;
  unrecorded: number;
  /** Account id → how its run ended. */
  outcomes: Record<string, AccountRunOutcome>;
  /** Expected accounts with no sealed successful collection in the last `CONTINUITY_HOURS` hours. */
  withoutSealedRun: string[];
  /** The run lock: released by this call, or already not held by this run (a retried finalize). */
  lock: 'released' | 'not-held';
}

/** An expected account with no sealed, successful collection for this long raises the continuity alarm. */
export const CONTINUITY_HOURS = 26;

export interface FinalizeRunDeps {
  env: Record<string, string | undefined>;
  evidence?: EvidenceSink;
  /** The run lock; default: the lock item in the table named by TABLE_NAME. */
  lock?: Pick<RunLock, 'release'>;
  region?: string;
  obs?: Observability;
}

export function createHandler(deps: FinalizeRunDeps) {
  const env = parseEnv(FinalizeRunEnv, deps.env, 'finalize-run');
  const obs = deps.obs ?? createObservability();
  const region = deps.region ?? deps.env.AWS_REGION ?? 'us-east-1';
  const evidence =
    deps.evidence ??
    openEvidenceSink({ tableName: env.TABLE_NAME, region, trace: (c) => traced(obs, c), seal: { signingKeyId: env.SIGNING_KEY_ID, anchorsUrl: env.ANCHORS_URL } });
  const lock = deps.lock ?? new RunLock({ doc: DynamoDBDocumentClient.from(traced(obs, new DynamoDBClient({ region }))), tableName: env.TABLE_NAME });

  const finalizeRun = async (event: FinalizeRunEvent): Promise<FinalizeRunResult> => {
    if (!event?.runId || !event.startedAt || !Array.isArray(event.accounts)) {
      throw new Error('FinalizeRun input needs runId, startedAt and accounts[]');
    }
    const summary: FinalizeRunResult = {
      runId: event.runId,
      accounts: event.accounts.length,
      sealed: 0,
      sealedIncomplete: 0,
      collectionFailed: 0,
      unrecorded: 0,
      outcomes: {},
      withoutSealedRun: [],
      lock: 'not-held',
    };
    const now = Date.parse(event.startedAt);
    let refused = 0;
    for (const accountId of event.accounts) {
      const outcome = await evidence.outcome(accountId, { collectedAt: event.startedAt, runId: event.runId }, (errorMessage) => {
        refused++;
        obs.logger.error('seal refused', { accountId, runId: event.runId, errorMessage });
      });
      summary.outcomes[accountId] = outcome;
      if (outcome === 'SEALED') summary.sealed++;
      else if (outcome === 'SEALED_INCOMPLETE') summary.sealedIncomplete++;
      else if (outcome === 'COLLECTION_FAILED') summary.collectionFailed++;
      else summary.unrecorded++;
      const latest = await evidence.latestSuccessfulCollection(accountId);
      if (!latest || now - Date.parse(latest) > CONTINUITY_HOURS * 3_600_000) summary.withoutSealedRun.push(accountId);
    }
    // After the outcomes are read: a lock released earlier would let the next run start on an account still being closed.
    summary.lock = await lock.release(event.runId);
    obs.metrics.addMetric('RunsFinalized', 'Count', 1);
    obs.metrics.addMetric('RunAccounts', 'Count', summary.accounts);
    obs.metrics.addMetric('AccountsSealed', 'Count', summary.sealed);
    obs.metrics.addMetric('AccountsSealedIncomplete', 'Count', summary.sealedIncomplete);
    obs.metrics.addMetric('AccountsCollectionFailed', 'Count', summary.collectionFailed);
    obs.metrics.addMetric('AccountsUnrecorded', 'Count', summary.unrecorded);
    obs.metrics.addMetric('AccountsWithoutSealedRun', 'Count', summary.withoutSealedRun.length);
    obs.metrics.addMetric('SealsRefused', 'Count', refused);
    const problems = summary.accounts - summary.sealed;
    if (problems > 0) obs.logger.warn('run finalized with accounts not sealed as successful collections', { ...summary });
    else obs.logger.info('run finalized', { ...summary });
    return summary;
  };

  return { finalizeRun, handler: withPowertools(finalizeRun, obs) };
}

let cached: ReturnType<typeof createHandler> | undefined;
/** Lambda entry point: dependencies built once per execution environment. */
export const handler = (event: FinalizeRunEvent, context: Context) => {
  cached ??= createHandler({ env: process.env });
  return cached.handler(event, context);
};
