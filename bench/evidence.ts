/**
 * Evidence store budgets, on the embedded dynalite store (in memory, same API as DynamoDB):
 *  - API calls to write one account's run (target: a handful, batched; ≤ 5)
 *  - time to write 1,000 account-runs (target: ≤ 60 s here; the deployed table is faster)
 *  - latency of one rule-history query over a year of daily runs (target: ≤ 500 ms, 1 Query)
 *  - requirement-history query over the same year (base table + filter)
 * Run: node --import tsx bench/evidence.ts
 */
import { performance } from 'node:perf_hooks';
import { EvidenceStore, ensureTable, localClient, recordRun, startDynalite } from '../lib/evidence';
import { RULES, evaluateRules } from '../lib/rules';
import { loadScenario } from '../lib/scenarios';

const { snapshot, parameters } = loadScenario('france-travail');
const findings = evaluateRules(RULES, snapshot, { parameters });

function report(name: string, value: number, unit: string, budget: number): void {
  const ratio = value / budget;
  console.log(`${name.padEnd(52)} ${value.toFixed(unit === 'calls' ? 0 : 1).padStart(9)} ${unit.padEnd(5)} budget ${String(budget).padStart(6)} ${unit.padEnd(5)} ${(ratio * 100).toFixed(0).padStart(4)}% ${ratio <= 1 ? 'OK' : 'OVER'}`);
}

async function main(): Promise<void> {
  const server = await startDynalite();
  const client = localClient(server.endpoint);
  try {
    await ensureTable(client, 'bench-calls');
    const counted = new EvidenceStore({ client, tableName: 'bench-calls' });
    await recordRun({ store: counted, snapshot, findings, runId: 'calls' });
    report(`API calls, one account run (${findings.length} records)`, counted.totalCalls(), 'calls', 5);
    console.log(`  ${JSON.stringify(counted.calls)}`);

    await ensureTable(client, 'bench-runs');
    const store = new EvidenceStore({ client, tableName: 'bench-runs' });
    const start = Date.parse('2025-01-01T06:00:00.000Z');
    const N = 1000;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      // Distinct accounts × days so every run is new evidence (a year of 3 accounts ≈ 1,000 runs).
      const accountId = String(100000000000 + (i % 3));
      const at = new Date(start + Math.floor(i / 3) * 86_400_000).toISOString();
      const snap = { ...snapshot, account: { id: accountId }, collectedAt: at };
      await recordRun({ store, snapshot: snap, findings, runId: `day-${Math.floor(i / 3)}` });
    }
    const writeMs = performance.now() - t0;
    report(`write ${N} account-runs (embedded)`, writeMs / 1000, 's', 60);
    console.log(`  ${(writeMs / N).toFixed(1)} ms per account-run, ${store.totalCalls()} calls (${(store.totalCalls() / N).toFixed(1)} per run)`);

    const account = '100000000000';
    const q = new EvidenceStore({ client, tableName: 'bench-runs' });
    const t1 = performance.now();
    const history = await q.history({ accountId: account, ruleId: 'auth.password-strength', from: '2025-01-01', to: '2025-12-31' });
    const ruleMs = performance.now() - t1;
    report(`rule history, 1 year of daily runs (${history.length} records)`, ruleMs, 'ms', 500);
    console.log(`  ${JSON.stringify(q.calls)}`);
    const q2 = new EvidenceStore({ client, tableName: 'bench-runs' });
    const t2 = performance.now();
    const req = await q2.history({ accountId: account, requirementId: 'CNIL-2022-100', from: '2025-01-01', to: '2025-12-31' });
    const reqMs = performance.now() - t2;
    report(`requirement history, 1 year (${req.length} records)`, reqMs, 'ms', 2000);
    console.log(`  ${JSON.stringify(q2.calls)} (pages of 1 MB: the filter reads every record of the year)`);
  } finally {
    client.destroy();
    await server.close();
  }
}

await main();
