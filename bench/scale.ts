/**
 * One scheduled run at organisation scale, in the local harness: 1,000 simulated member accounts
 * (default) through the state machine CDK synthesizes, the real ListAccounts / CollectAccount /
 * FinalizeRun / PublishFindings handlers, dynalite as the evidence table, and every member
 * account's APIs mocked (healthy account, 3 users: test/unit/collectors/aws-fixtures.ts).
 *
 * What is real: the definition, Retry/Catch, the handlers, the store's DynamoDB requests, the
 * seals (signing in memory), the state each step passes on. What is simulated: the Distributed
 * Map's Map Run (items, ItemSelector/ItemBatcher, child executions at MaxConcurrency, ResultWriter:
 * test/e2e/distributed-map.ts), the network (a fixed latency before each member-account API call
 * and each DynamoDB request), KMS (in-memory key) and the member accounts (one mocked profile).
 * Every function runs in this one Node.js process: on this machine the run is bound by its CPU,
 * not by the concurrency a deployed Map has, so the wall time is an upper bound of that part.
 *
 * Prints: wall and CPU time at the configured concurrency, DynamoDB requests (counted at each
 * function's client middleware) per account, member API calls per account, child executions,
 * and the peak state size (largest state input or output of any execution) against Step
 * Functions' 256 KB limit. Budgets are ratios, not timed tests.
 *
 *   ART32_SCALE_ACCOUNTS (1000) · ART32_SCALE_CONCURRENCY (cdk.json mapConcurrency) ·
 *   ART32_BENCH_API_LATENCY_MS (60, as bench/cost.ts) · ART32_BENCH_DYNAMO_LATENCY_MS (8)
 */
// aws-local-stepfunctions needs Promise.withResolvers (Node 22); test/setup.ts bridges it on Node 20.
import '../test/setup';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_LIMIT_BYTES, runAtScale } from '../test/e2e/scale-run';

const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'cdk.json'), 'utf8')) as { context: { art32: { mapConcurrency?: number } } };
const accounts = Number(process.env.ART32_SCALE_ACCOUNTS ?? 1_000);
const concurrency = Number(process.env.ART32_SCALE_CONCURRENCY ?? cdkJson.context.art32.mapConcurrency ?? 5);
const latency = { memberMs: Number(process.env.ART32_BENCH_API_LATENCY_MS ?? 60), dynamoMs: Number(process.env.ART32_BENCH_DYNAMO_LATENCY_MS ?? 8) };

/**
 * Budgets. The state stays a small fraction of Step Functions' limit whatever the organisation.
 * DynamoDB requests grow with rules, not with accounts: each evidence record is its own
 * conditional PutItem (BatchWriteItem takes no condition, and the condition is what keeps a
 * retried Lambda from overwriting evidence), plus the run's open/seal items and finalize's reads.
 */
const PEAK_STATE_BUDGET = 0.25;
const DYNAMO_CALLS_PER_ACCOUNT_BUDGET = 60;

console.log(`${accounts} simulated accounts, mapConcurrency ${concurrency}, latency ${latency.memberMs} ms per member API call, ${latency.dynamoMs} ms per DynamoDB request`);
const r = await runAtScale({ accounts, concurrency, latency });
const out = r.outcome.output;
if (r.outcome.status !== 'SUCCEEDED' || !out) {
  console.error(`execution ${r.outcome.status}: ${JSON.stringify(r.outcome.error)}`);
  process.exit(1);
}
const dynamoTotal = [...r.dynamoCalls.values()].reduce((a, b) => a + b, 0);
const byCommand = [...r.dynamoCalls].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
const perAccount = dynamoTotal / accounts;
const stateRatio = r.peakState.peak / STATE_LIMIT_BYTES;
console.log(`execution: ${r.outcome.status}; sealed ${out.sealed}, sealed incomplete ${out.sealedIncomplete}, collection failed ${out.collectionFailed}, unrecorded ${out.unrecorded}; lock ${out.lock}`);
console.log(`store: ${r.sealedAccounts}/${accounts} accounts have this run sealed, ${r.openRuns} runs left open`);
console.log(`wall time ${(r.wallMs / 1000).toFixed(1)} s (${(r.wallMs / accounts).toFixed(0)} ms per account), CPU ${(r.cpuMs / 1000).toFixed(1)} s in this process`);
console.log(`child executions ${r.childExecutions}`);
console.log(`member API calls ${r.memberCalls} (${(r.memberCalls / accounts).toFixed(1)} per account)`);
console.log(`DynamoDB requests ${dynamoTotal} (${perAccount.toFixed(1)} per account; budget ${DYNAMO_CALLS_PER_ACCOUNT_BUDGET}): ${byCommand}`);
console.log(`peak state ${r.peakState.peak} B at ${r.peakState.state}: ${(stateRatio * 100).toFixed(1)} % of the 256 KB limit (budget ${PEAK_STATE_BUDGET * 100} %)`);
const over = [perAccount > DYNAMO_CALLS_PER_ACCOUNT_BUDGET ? 'DynamoDB requests per account' : '', stateRatio > PEAK_STATE_BUDGET ? 'peak state' : '', r.sealedAccounts !== accounts ? 'accounts not sealed' : ''].filter(Boolean);
if (over.length) {
  console.error(`OVER BUDGET: ${over.join(', ')}`);
  process.exit(1);
}
