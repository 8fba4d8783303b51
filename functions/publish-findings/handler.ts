/**
 * PublishFindings: after FinalizeRun, tell the security tooling what the sealed run found.
 *
 *   finalize result (run id, accounts) → read each account's sealed run back from the table
 *     → EventBridge `art32 Finding Changed` / `art32 Run Completed` (PUBLISH_EVENTS)
 *     → Security Hub BatchImportFindings / BatchUpdateFindings (PUBLISH_SECURITY_HUB)
 *
 * A separate step with its own role, so the sealer keeps only what sealing needs and this
 * function cannot write evidence (read-only on the table). Publishing never changes the run's
 * outcome: the evidence is sealed before this step starts. Refused entries are counted
 * (`PublishFailures`, alarmed) and logged with their error codes; a call that fails as a whole
 * is counted too, then thrown so the state machine retries the step.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { PublishFindingsEnv, parseEnv } from '../../lib/config';
import { EvidenceStore } from '../../lib/evidence/store';
import { accountsOfRun, type AccountListRef } from '../../lib/run/account-list';
import { publishRun, type PublishResult, type PublishTargets } from '../../lib/integrations';
import { createObservability, traced, withPowertools, type Observability } from '../shared/powertools';

export interface PublishFindingsEvent {
  runId: string;
  /** Every account of the run: each is published. */
  accounts?: string[];
  /** The same, as the state machine passes it: ListAccounts' list in the work bucket. */
  accountList?: AccountListRef;
  /** Account id → outcome, as FinalizeRun returns it; the accounts published when `accounts` is absent. */
  outcomes?: Record<string, string>;
}

export interface PublishFindingsResult {
  runId: string;
  published: number;
  notSealed: string[];
  eventsSent: number;
  securityHubImported: number;
  failures: number;
}

export interface PublishFindingsDeps {
  env: Record<string, string | undefined>;
  store?: EvidenceStore;
  events?: EventBridgeClient;
  securityHub?: SecurityHubClient;
  /** The work bucket's client (the run's account list). */
  s3?: S3Client;
  region?: string;
  obs?: Observability;
}

/** The collector account, from the function's own ARN (`arn:aws:lambda:region:account:function:name`). */
function ownAccount(context: Pick<Context, 'invokedFunctionArn'> | undefined): string {
  const account = context?.invokedFunctionArn?.split(':')[4] ?? '';
  if (!/^\d{12}$/.test(account)) throw new Error(`cannot tell the collector account from the function ARN ${JSON.stringify(context?.invokedFunctionArn)}`);
  return account;
}

export function createHandler(deps: PublishFindingsDeps) {
  const env = parseEnv(PublishFindingsEnv, deps.env, 'publish-findings');
  const obs = deps.obs ?? createObservability();
  const region = deps.region ?? deps.env.AWS_REGION ?? 'us-east-1';
  const store = deps.store ?? new EvidenceStore({ client: traced(obs, new DynamoDBClient({ region })), tableName: env.TABLE_NAME });
  const events = env.PUBLISH_EVENTS ? (deps.events ?? traced(obs, new EventBridgeClient({ region }))) : undefined;
  let s3 = deps.s3;
  const securityHub = env.PUBLISH_SECURITY_HUB ? (deps.securityHub ?? traced(obs, new SecurityHubClient({ region }))) : undefined;

  const publishFindings = async (event: PublishFindingsEvent, context?: Pick<Context, 'invokedFunctionArn'>): Promise<PublishFindingsResult> => {
    const listed = event ? await accountsOfRun(event, () => (s3 ??= traced(obs, new S3Client({ region })))) : undefined;
    const accounts = listed ?? (event?.outcomes && typeof event.outcomes === 'object' ? Object.keys(event.outcomes) : undefined);
    if (!event?.runId || !accounts) throw new Error("PublishFindings input needs runId and accounts or accountList (the run's account list) or outcomes (the FinalizeRun result)");
    const targets: PublishTargets = {
      ...(events ? { events: { client: events, busName: env.EVENT_BUS_NAME } } : {}),
      ...(securityHub ? { securityHub: { client: securityHub, target: { accountId: ownAccount(context), region, partition: env.AWS_PARTITION_NAME } } } : {}),
    };
    let result: PublishResult;
    try {
      result = await publishRun(store, event.runId, accounts, targets);
    } catch (error) {
      obs.metrics.addMetric('PublishFailures', 'Count', 1);
      obs.logger.error('publishing failed as a whole (the step is retried)', { runId: event.runId, errorName: (error as Error).name, errorMessage: (error as Error).message });
      throw error;
    }
    const refused = [...(result.events?.failed ?? []), ...(result.securityHub?.failed ?? [])];
    const summary: PublishFindingsResult = {
      runId: event.runId,
      published: result.accounts.filter((a) => a.published !== 'not-sealed').length,
      notSealed: result.accounts.filter((a) => a.published === 'not-sealed').map((a) => a.accountId),
      eventsSent: result.events?.sent ?? 0,
      securityHubImported: result.securityHub?.imported ?? 0,
      failures: refused.length,
    };
    obs.metrics.addMetric('EventsPublished', 'Count', summary.eventsSent);
    obs.metrics.addMetric('SecurityHubFindingsImported', 'Count', summary.securityHubImported);
    obs.metrics.addMetric('PublishFailures', 'Count', summary.failures);
    if (refused.length > 0) obs.logger.error('entries refused by EventBridge or Security Hub', { ...summary, refused: refused.slice(0, 20) });
    else obs.logger.info('run published', { ...summary });
    return summary;
  };

  return { publishFindings, handler: withPowertools(publishFindings, obs) };
}

let cached: ReturnType<typeof createHandler> | undefined;
/** Lambda entry point: dependencies built once per execution environment. */
export const handler = (event: PublishFindingsEvent, context: Context) => {
  cached ??= createHandler({ env: process.env });
  return cached.handler(event, context);
};
