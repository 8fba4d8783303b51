/**
 * FinalizeRun: the run's closing check and its numbers.
 *
 * Every account of the run must end with a manifest in the store (the manifest is
 * written last by the evidence store and marks that account's run complete). The
 * handler checks each one, publishes the run's metrics (accounts collected, failed,
 * unrecorded, manifests missing) and FAILS the execution when any account has no
 * manifest — a gap in the evidence must raise the "run failed" alarm, not pass quietly.
 */
import type { Context } from 'aws-lambda';
import { FinalizeRunEnv, parseEnv } from '../../lib/config';
import type { CollectAccountResult } from '../collect-account/handler';
import { openEvidenceSink, type EvidenceSink } from '../shared/evidence';
import { createObservability, traced, withPowertools, type Observability } from '../shared/powertools';

/** What the Map returns per account: the collect result, or the state machine's "unrecorded" marker. */
export type AccountOutcome = CollectAccountResult | { accountId: string; status: 'UNRECORDED'; failure?: unknown };

export interface FinalizeRunEvent {
  runId: string;
  startedAt: string;
  accounts: string[];
  results: AccountOutcome[];
}

export interface FinalizeRunResult {
  runId: string;
  accounts: number;
  collected: string[];
  failed: string[];
  unrecorded: string[];
  missingManifests: string[];
}

export class RunIncompleteError extends Error {
  public constructor(public readonly summary: FinalizeRunResult) {
    super(`run ${summary.runId}: no manifest for ${summary.missingManifests.length} account(s): ${summary.missingManifests.join(', ')}`);
    this.name = 'RunIncomplete';
  }
}

export interface FinalizeRunDeps {
  env: Record<string, string | undefined>;
  evidence?: EvidenceSink;
  region?: string;
  obs?: Observability;
}

export function createHandler(deps: FinalizeRunDeps) {
  const env = parseEnv(FinalizeRunEnv, deps.env, 'finalize-run');
  const obs = deps.obs ?? createObservability();
  const region = deps.region ?? deps.env.AWS_REGION ?? 'us-east-1';
  const evidence = deps.evidence ?? openEvidenceSink({ tableName: env.TABLE_NAME, region, trace: (c) => traced(obs, c) });

  const finalizeRun = async (event: FinalizeRunEvent): Promise<FinalizeRunResult> => {
    if (!event?.runId || !Array.isArray(event.accounts) || !Array.isArray(event.results)) {
      throw new Error('FinalizeRun input needs runId, accounts[] and results[] (the Map output)');
    }
    const byAccount = new Map(event.results.map((r) => [r.accountId, r]));
    // Trust the store, not the Map output: the manifest is what an auditor will verify.
    const sealed = await evidence.sealedAccounts(event.runId);
    const summary: FinalizeRunResult = { runId: event.runId, accounts: event.accounts.length, collected: [], failed: [], unrecorded: [], missingManifests: [] };
    for (const accountId of event.accounts) {
      const outcome = byAccount.get(accountId);
      if (!outcome || ('status' in outcome && outcome.status === 'UNRECORDED')) summary.unrecorded.push(accountId);
      else if ('outcome' in outcome && outcome.outcome === 'COLLECTED') summary.collected.push(accountId);
      else summary.failed.push(accountId);
      if (!sealed.has(accountId)) summary.missingManifests.push(accountId);
    }
    obs.metrics.addMetric('RunAccounts', 'Count', summary.accounts);
    obs.metrics.addMetric('RunAccountsCollected', 'Count', summary.collected.length);
    obs.metrics.addMetric('RunAccountsFailed', 'Count', summary.failed.length);
    obs.metrics.addMetric('RunAccountsUnrecorded', 'Count', summary.unrecorded.length);
    obs.metrics.addMetric('RunManifestsMissing', 'Count', summary.missingManifests.length);
    obs.logger.info('run finalized', { ...summary });
    if (summary.missingManifests.length > 0) throw new RunIncompleteError(summary);
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
