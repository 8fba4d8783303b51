/**
 * ListAccounts: the accounts one collection run covers, and the run's identity.
 * List mode returns the configured ids; organisation mode pages Organizations
 * ListAccounts and keeps ACTIVE accounts minus the configured exclusions.
 * Input comes from the state machine (execution name + start time); the run id is
 * derived from them so a retried task yields the same run.
 *
 * First it takes the run lock (lib/evidence/run-lock.ts) for this run: one execution collects
 * at a time. While another execution holds it, the handler throws `RunLockBusy` before
 * anything is written; the state machine waits (its Retry) and, if the holder never lets go,
 * ends the execution as refused. A retried task or a redriven execution re-enters its own lock.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { ListAccountsEnv, parseEnv } from '../../lib/config';
import { RunLock, type RunLease } from '../../lib/evidence/run-lock';
import { writeAccountList, type AccountListRef } from '../../lib/run/account-list';
import { createObservability, traced, withPowertools, type Observability } from '../shared/powertools';

export interface ListAccountsEvent {
  executionName: string;
  startedAt: string;
}

export interface ListAccountsResult {
  runId: string;
  startedAt: string;
  /**
   * Where the run's account ids are (the work bucket, WORK_BUCKET): the state carries this
   * reference, ≈ 100 B at any organisation size. Without a work bucket (a direct invocation),
   * `accounts` holds the ids inline instead.
   */
  accountList?: AccountListRef;
  accounts?: string[];
  /** The run lock this execution holds until FinalizeRun releases it. */
  lease: RunLease;
}

export interface ListAccountsDeps {
  env: Record<string, string | undefined>;
  organizations?: OrganizationsClient;
  /** The work bucket's client (the account list). */
  s3?: S3Client;
  /** The run lock; default: the lock item in the table named by TABLE_NAME. */
  lock?: Pick<RunLock, 'acquire'>;
  region?: string;
  obs?: Observability;
}

export function createHandler(deps: ListAccountsDeps) {
  const env = parseEnv(ListAccountsEnv, deps.env, 'list-accounts');
  const obs = deps.obs ?? createObservability();
  const organizations = deps.organizations ?? traced(obs, new OrganizationsClient({}));
  const region = deps.region ?? deps.env.AWS_REGION ?? 'us-east-1';
  let s3 = deps.s3;
  const lock = deps.lock ?? new RunLock({ doc: DynamoDBDocumentClient.from(traced(obs, new DynamoDBClient({ region }))), tableName: env.TABLE_NAME });

  const listAccounts = async (event: ListAccountsEvent): Promise<ListAccountsResult> => {
    if (!event?.executionName || !event.startedAt) throw new Error('ListAccounts input needs executionName and startedAt (from the state machine context)');
    let accounts: string[];
    if (env.ACCOUNTS_MODE === 'list') {
      accounts = [...new Set(env.ACCOUNT_IDS)];
    } else {
      const excluded = new Set(env.ACCOUNT_IDS);
      accounts = [];
      for await (const page of paginateListAccounts({ client: organizations }, {})) {
        for (const account of page.Accounts ?? []) {
          // `State` replaces the deprecated `Status`; accept either so both API generations work.
          const state = (account as { State?: string }).State ?? account.Status;
          if (account.Id && state === 'ACTIVE' && !excluded.has(account.Id)) accounts.push(account.Id);
        }
      }
      accounts.sort();
    }
    obs.logger.info('accounts of this run', { mode: env.ACCOUNTS_MODE, count: accounts.length });
    obs.metrics.addMetric('AccountsListed', 'Count', accounts.length);
    // After listing (a listing failure holds no lock), before anything is written.
    const runId = runIdFromExecution(event.executionName);
    let lease: RunLease;
    try {
      lease = await lock.acquire(runId);
    } catch (error) {
      if ((error as Error).name === 'RunLockBusy') {
        obs.metrics.addMetric('RunLockBusy', 'Count', 1);
        obs.logger.warn('another run holds the collection lock; the state machine waits', { runId, errorMessage: (error as Error).message });
      }
      throw error;
    }
    if (!env.WORK_BUCKET) return { runId, startedAt: event.startedAt, accounts, lease };
    // Written after the lock is held (a refused execution writes nothing); same key on a retry.
    s3 ??= traced(obs, new S3Client({ region }));
    const accountList = await writeAccountList(s3, env.WORK_BUCKET, runId, accounts);
    return { runId, startedAt: event.startedAt, accountList, lease };
  };
  return { listAccounts, handler: withPowertools(listAccounts, obs) };
}

/**
 * The run id is the execution name (unique per state machine, shown in the console), made
 * to fit the evidence store's run-id alphabet (A-Z a-z 0-9 . _ : -, at most 128).
 */
export function runIdFromExecution(executionName: string): string {
  return executionName.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 128);
}

let cached: ReturnType<typeof createHandler> | undefined;
/** Lambda entry point: dependencies built once per execution environment. */
export const handler = (event: ListAccountsEvent, context: Context) => {
  cached ??= createHandler({ env: process.env });
  return cached.handler(event, context);
};
