/**
 * ListAccounts: the accounts one collection run covers, and the run's identity.
 * List mode returns the configured ids; organisation mode pages Organizations
 * ListAccounts and keeps ACTIVE accounts minus the configured exclusions.
 * Input comes from the state machine (execution name + start time); the run id is
 * derived from them so a retried task yields the same run.
 */
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import type { Context } from 'aws-lambda';
import { ListAccountsEnv, parseEnv } from '../../lib/config';
import { createObservability, traced, withPowertools, type Observability } from '../shared/powertools';

export interface ListAccountsEvent {
  executionName: string;
  startedAt: string;
}

export interface ListAccountsResult {
  runId: string;
  startedAt: string;
  accounts: string[];
}

export interface ListAccountsDeps {
  env: Record<string, string | undefined>;
  organizations?: OrganizationsClient;
  obs?: Observability;
}

export function createHandler(deps: ListAccountsDeps) {
  const env = parseEnv(ListAccountsEnv, deps.env, 'list-accounts');
  const obs = deps.obs ?? createObservability();
  const organizations = deps.organizations ?? traced(obs, new OrganizationsClient({}));

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
    return { runId: runIdFromExecution(event.executionName), startedAt: event.startedAt, accounts };
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
