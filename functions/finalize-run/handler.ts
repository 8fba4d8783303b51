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
 * A failed account never fails the execution: the execution's result gives the counts and
 * lists the outcomes — every account's up to 1,000 accounts, beyond that the accounts not
 * SEALED (at most 200 by name, the rest counted), so the result stays small at any
 * organisation size; the alarms make failures loud. Accounts are closed 16 at a time.
 *
 * Last, it releases the run lock ListAccounts took (lib/evidence/run-lock.ts), so the next
 * execution may start. Finalize is idempotent: retried, it reads the same outcomes and the
 * release of a lock no longer held is a no-op.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { FinalizeRunEnv, parseEnv } from '../../lib/config';
import { mapLimit } from '../../lib/support/map-limit';
import { RunLock } from '../../lib/evidence/run-lock';
import { accountsOfRun, type AccountListRef } from '../../lib/run/account-list';
import { readMapResults, type FailedChild, type MapResultsRef } from '../../lib/run/map-results';
import type { CollectAccountResult } from '../collect-account/handler';
import { openEvidenceSink, type AccountRunOutcome, type EvidenceSink } from '../shared/evidence';
import { createObservability, traced, withPowertools, type Observability } from '../shared/powertools';

/** What the Map returns per account: the collect result, or the state machine's "unrecorded" marker. */
export type AccountOutcome = CollectAccountResult | { accountId: string; status: 'UNRECORDED'; failure?: unknown };

export interface FinalizeRunEvent {
  runId: string;
  startedAt: string;
  /** The run's accounts inline (a direct invocation), or `accountList` (the state machine: ListAccounts' list in the work bucket). */
  accounts?: string[];
  accountList?: AccountListRef;
  results?: AccountOutcome[];
  /** The account fan-out's ResultWriter output (its manifest in the work bucket). */
  accountResults?: { MapRunArn?: string; ResultWriterDetails?: MapResultsRef };
  /** The account fan-out itself failed (e.g. its tolerated failure percentage was exceeded): Catch output. */
  accountsFailure?: { Error?: string; Cause?: string };
}

export interface FinalizeRunResult {
  runId: string;
  accounts: number;
  /** Counts per outcome: what the execution result shows at a glance. */
  sealed: number;
  sealedIncomplete: number;
  collectionFailed: number;
  unrecorded: number;
  /**
   * Account id → how its run ended: every account up to `FULL_OUTCOMES_MAX_ACCOUNTS`; beyond,
   * only accounts not SEALED, at most `MAX_LISTED_PROBLEMS` (`outcomesListed` says which). The
   * result stays far below Step Functions' 256 KB state limit whatever the organisation; every
   * account's outcome is in the table (its sealed manifest: `art32 runs`, `art32 verify --table`).
   */
  outcomes: Record<string, AccountRunOutcome>;
  outcomesListed: 'all' | 'problems';
  /** Accounts not SEALED that `outcomes` does not list (beyond `MAX_LISTED_PROBLEMS`). */
  problemsNotListed: number;
  /** Expected accounts with no sealed successful collection in the last `CONTINUITY_HOURS` hours (the first `MAX_LISTED_PROBLEMS`). */
  withoutSealedRun: string[];
  withoutSealedRunCount: number;
  /** The run lock: released by this call, or already not held by this run (a retried finalize). */
  lock: 'released' | 'not-held';
  /**
   * The account fan-out, from its results manifest (ResultWriter): child executions that failed
   * (the first `FAN_OUT_FAILURES_LISTED` named with their error; the log names up to
   * `MAX_LISTED_PROBLEMS`), or why the results could not be read.
   * Diagnostic only: the counts above come from the store.
   */
  fanOut?: { failedChildren: number; failures: FailedChild[]; stopped?: string; resultsUnread?: string };
}

/** An expected account with no sealed, successful collection for this long raises the continuity alarm. */
export const CONTINUITY_HOURS = 26;
/** Up to this many accounts the result lists every outcome (≈ 35 B each: ≈ 35 KB). */
export const FULL_OUTCOMES_MAX_ACCOUNTS = 1_000;
/** Accounts listed by name at most in `outcomes` (beyond FULL_OUTCOMES_MAX_ACCOUNTS) and in `withoutSealedRun`. */
export const MAX_LISTED_PROBLEMS = 200;
/**
 * Accounts closed at once. Sealing is a handful of sequential calls per account (read back,
 * KMS Sign, anchor PUT, manifest write): one at a time, 3,000 accounts took longer than the
 * function may run. 16 stays far below KMS's ECC Sign quota and DynamoDB on-demand limits.
 */
export const FINALIZE_CONCURRENCY = 16;
/** Failed child executions named in the result (each with its error and 200 characters of cause: ≈ 6 KB at most). */
export const FAN_OUT_FAILURES_LISTED = 20;

export interface FinalizeRunDeps {
  env: Record<string, string | undefined>;
  evidence?: EvidenceSink;
  /** The work bucket's client (account list, fan-out results). */
  s3?: S3Client;
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

  let s3 = deps.s3;
  const workS3 = () => (s3 ??= traced(obs, new S3Client({ region })));

  const finalizeRun = async (event: FinalizeRunEvent): Promise<FinalizeRunResult> => {
    const accounts = event?.runId && event.startedAt ? await accountsOfRun(event, workS3) : undefined;
    if (!accounts) {
      throw new Error('FinalizeRun input needs runId, startedAt and accounts[] or accountList');
    }
    const summary: FinalizeRunResult = {
      runId: event.runId,
      accounts: accounts.length,
      sealed: 0,
      sealedIncomplete: 0,
      collectionFailed: 0,
      unrecorded: 0,
      outcomes: {},
      outcomesListed: accounts.length <= FULL_OUTCOMES_MAX_ACCOUNTS ? 'all' : 'problems',
      problemsNotListed: 0,
      withoutSealedRun: [],
      withoutSealedRunCount: 0,
      lock: 'not-held',
    };
    const now = Date.parse(event.startedAt);
    let refused = 0;
    const closed = await mapLimit(accounts, FINALIZE_CONCURRENCY, async (accountId) => {
      const outcome = await evidence.outcome(accountId, { collectedAt: event.startedAt, runId: event.runId }, (errorMessage) => {
        refused++;
        obs.logger.error('seal refused', { accountId, runId: event.runId, errorMessage });
      });
      const latest = await evidence.latestSuccessfulCollection(accountId);
      return { accountId, outcome, continuous: !!latest && now - Date.parse(latest) <= CONTINUITY_HOURS * 3_600_000 };
    });
    // Counted in the accounts' order (not completion order): the same run gives the same result.
    const problems: string[] = [];
    for (const { accountId, outcome, continuous } of closed) {
      if (outcome === 'SEALED') summary.sealed++;
      else if (outcome === 'SEALED_INCOMPLETE') summary.sealedIncomplete++;
      else if (outcome === 'COLLECTION_FAILED') summary.collectionFailed++;
      else summary.unrecorded++;
      if (summary.outcomesListed === 'all') summary.outcomes[accountId] = outcome;
      else if (outcome !== 'SEALED') {
        if (Object.keys(summary.outcomes).length < MAX_LISTED_PROBLEMS) summary.outcomes[accountId] = outcome;
        else summary.problemsNotListed++;
      }
      if (outcome !== 'SEALED') problems.push(`${accountId}:${outcome}`);
      if (!continuous) {
        summary.withoutSealedRunCount++;
        if (summary.withoutSealedRun.length < MAX_LISTED_PROBLEMS) summary.withoutSealedRun.push(accountId);
      }
    }
    summary.fanOut = await fanOutResults(event);
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
    if (problems.length > 0) {
      obs.logger.warn('run finalized with accounts not sealed as successful collections', { ...summary });
      // Every problem account by name in the logs, in lines well under CloudWatch's 256 KB event limit.
      for (let i = 0; i < problems.length; i += 2_000) obs.logger.warn('accounts not sealed as successful collections', { runId: event.runId, accounts: problems.slice(i, i + 2_000) });
    } else obs.logger.info('run finalized', { ...summary });
    return summary;
  };

  /**
   * The fan-out's results manifest: which child executions failed, and why. Never fails the
   * finalize (sealing matters more than a diagnostic): an unreadable manifest is said in the result.
   */
  const fanOutResults = async (event: FinalizeRunEvent): Promise<FinalizeRunResult['fanOut']> => {
    const stopped = event.accountsFailure ? `${event.accountsFailure.Error ?? 'error'}: ${String(event.accountsFailure.Cause ?? '').slice(0, 500)}` : undefined;
    const ref = event.accountResults?.ResultWriterDetails;
    if (!ref) return stopped ? { failedChildren: 0, failures: [], stopped } : undefined;
    try {
      const results = await readMapResults(workS3(), ref, MAX_LISTED_PROBLEMS);
      if (results.failedCount > 0) obs.logger.warn('account child executions failed', { runId: event.runId, failedChildren: results.failedCount, failures: results.failed });
      obs.metrics.addMetric('AccountExecutionsFailed', 'Count', results.failedCount);
      // The result lists the first few (its size stays bounded); the log names up to MAX_LISTED_PROBLEMS.
      const failures = results.failed.slice(0, FAN_OUT_FAILURES_LISTED).map((f) => ({ ...f, ...(f.cause ? { cause: f.cause.slice(0, 200) } : {}) }));
      return { failedChildren: results.failedCount, failures, ...(stopped ? { stopped } : {}) };
    } catch (error) {
      obs.logger.error('fan-out results unreadable', { runId: event.runId, errorMessage: (error as Error).message });
      return { failedChildren: 0, failures: [], resultsUnread: (error as Error).message, ...(stopped ? { stopped } : {}) };
    }
  };

  return { finalizeRun, handler: withPowertools(finalizeRun, obs) };
}

let cached: ReturnType<typeof createHandler> | undefined;
/** Lambda entry point: dependencies built once per execution environment. */
export const handler = (event: FinalizeRunEvent, context: Context) => {
  cached ??= createHandler({ env: process.env });
  return cached.handler(event, context);
};
