/**
 * Evaluation budget: a generated snapshot of 10,000 users, 5,000 roles and 20,000 managed
 * policies, validated by the zod schema, then every registered rule evaluated several
 * times. Prints the median, principals per second and the verdict against the 1 s budget.
 * Each run uses a fresh parse of the snapshot so per-snapshot memos do not carry over.
 */
import { performance } from 'node:perf_hooks';
import { loadavg, cpus } from 'node:os';
import { parseSnapshot } from '../lib/snapshot';
import { RULES, evaluateRules } from '../lib/rules';
import { generateSnapshot } from './lib/generate-snapshot';

const BUDGET_MS = 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const t0 = performance.now();
const input = generateSnapshot({ users: 10_000, roles: 5_000, policies: 20_000 });
const tGen = performance.now() - t0;

const t1 = performance.now();
const first = parseSnapshot(input, 'generated snapshot');
const tParse = performance.now() - t1;
const details = first.authorizationDetails!;
const principals = details.UserDetailList.length + details.RoleDetailList.length;

const times: number[] = [];
const perRule = new Map<string, number[]>();
let findings = evaluateRules(RULES, first);
for (let run = 0; run < RUNS; run += 1) {
  // A fresh object each run: memoisation is per snapshot, so every run pays full cost.
  const snap = parseSnapshot(input);
  const start = performance.now();
  for (const rule of RULES) {
    const s = performance.now();
    evaluateRules([rule], snap);
    const list = perRule.get(rule.id) ?? [];
    list.push(performance.now() - s);
    perRule.set(rule.id, list);
  }
  times.push(performance.now() - start);
  if (run === RUNS - 1) findings = evaluateRules(RULES, snap);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const med = median(times);

console.log(`snapshot: ${details.UserDetailList.length} users, ${details.RoleDetailList.length} roles, ${details.Policies.length} managed policies, ${details.GroupDetailList.length} groups, ${first.credentialReport!.rows.length} credential-report rows`);
console.log(`generate ${tGen.toFixed(0)} ms, zod validation ${tParse.toFixed(0)} ms (not part of the budget)`);
console.log(`rules: ${RULES.length}; runs: ${RUNS}; each run on a freshly parsed snapshot`);
for (const [id, xs] of perRule) console.log(`  ${id.padEnd(34)} ${median(xs).toFixed(1).padStart(8)} ms`);
console.log(`evaluation (median of ${RUNS}): ${med.toFixed(1)} ms  [min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}]`);
console.log(`principals/s: ${Math.round(principals / (med / 1000)).toLocaleString('en-US')}`);
console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (timings are wall-clock; a load above the CPU count inflates them)`);
console.log(`budget: < ${BUDGET_MS} ms → ${med < BUDGET_MS ? 'PASS' : 'OVER'} (${((med / BUDGET_MS) * 100).toFixed(0)}% of budget)`);
console.log(`statuses: ${Object.entries(findings.reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.status]: (acc[f.status] ?? 0) + 1 }), {})).map(([k, v]) => `${k} ${v}`).join(', ')}`);
// A section the generator does not produce (e.g. activity) is an honest ERROR; a rule that
// threw on generated data is a bug and fails the bench.
for (const f of findings.filter((x) => x.status === 'ERROR')) console.log(`  ERROR ${f.ruleId}: ${f.message}`);
if (findings.some((f) => f.status === 'ERROR' && f.message.startsWith('Rule failed to evaluate'))) process.exitCode = 1;
