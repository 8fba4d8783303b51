/**
 * Permission-breadth budgets:
 * 1. catalog load (JSON parse + interning + level masks), cold, in this process;
 * 2. expansion + metrics + escalation paths for 10,000 users, 5,000 roles and 20,000
 *    policies (bench/lib/generate-snapshot.ts), after load: budget ≤ 0.7 s of CPU;
 * 3. bytes the catalog adds to a Lambda bundle (esbuild, ESM, minified): none, as long as it
 *    ships as a file beside the bundle (checked on the two breadth rules bundled alone).
 *
 *   node --import tsx bench/breadth.ts [--pessimistic] [--runs N]
 *
 * `--pessimistic` generates the original worst-case mix (bench/lib/generate-snapshot.ts).
 * `--runs N` (default 1) analyses N freshly parsed snapshots in this process and judges the
 * median: the first run is cold (the catalog's pattern expansions and ARN coverage are
 * computed then, as in a Lambda's first invocation), the others find them cached, like
 * bench/evaluate's runs; every per-analysis memo starts empty each run.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { catalogLocation, loadCatalog, readCatalogFile } from '../lib/breadth/catalog';
import { analyzeBreadth } from '../lib/breadth/analyze';
import { principalsOf } from '../lib/policy/principals';
import { evaluateRule, getRule } from '../lib/rules';
import { parseSnapshot } from '../lib/snapshot';
import { describeMix, formatMix, generateSnapshot } from './lib/generate-snapshot';

const { values: args } = parseArgs({ options: { pessimistic: { type: 'boolean', default: false }, runs: { type: 'string', default: '1' } } });
const mix = args.pessimistic ? 'pessimistic' : 'realistic';
const RUNS = Number(args.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer, got ${args.runs}`);

const LOAD_BUDGET_MS = 150;
// Issue #15: ≤ 0.7 s of CPU for expansion + metrics + escalation (margin on 2 shared cores).
const ANALYSIS_BUDGET_MS = 700;
const BUNDLE_BUDGET_BYTES = 600_000;

let over = 0;
const verdict = (value: number, budget: number): string => {
  if (value > budget) over += 1;
  return `${(value / budget).toFixed(2)}× budget ${value > budget ? 'OVER' : 'PASS'}`;
};
const ms = (n: number) => `${n.toFixed(0)} ms`;

// 1. catalog load, into the process-wide catalog the analysis and lib/policy then use (so the
// cold run below does not load it a second time: its budget is for what comes after the load).
let t = performance.now();
const parsed = readCatalogFile();
const parseMs = performance.now() - t;
t = performance.now();
const catalog = loadCatalog(parsed);
const internMs = performance.now() - t;
const text = readFileSync(catalogLocation(), 'utf8');
console.log(
  `catalog ${catalog.source} ${catalog.version}: ${catalog.size} actions, ${catalog.services.length} services, ` +
    `${text.length} bytes (${gzipSync(text).length} gzip)`,
);
console.log(`catalog load: parse ${ms(parseMs)} + intern ${ms(internMs)} = ${ms(parseMs + internMs)}  ${verdict(parseMs + internMs, LOAD_BUDGET_MS)} (${LOAD_BUDGET_MS} ms)`);

// 2. expansion + metrics for a large account
const generated = generateSnapshot({ users: 10_000, roles: 5_000, policies: 20_000, mix });
console.log(`mix: ${mix}${mix === 'realistic' ? ' (--pessimistic for the original worst-case mix)' : ''}: ${formatMix(describeMix(generated))}`);
let snapshot = parseSnapshot(generated, 'generated');
let details = snapshot.authorizationDetails!;
console.log(`account: ${details.UserDetailList.length} users, ${details.RoleDetailList.length} roles, ${details.GroupDetailList.length} groups, ${details.Policies.length} policies`);
const cpuRuns: number[] = [];
let analysis: ReturnType<typeof analyzeBreadth> | undefined;
for (let run = 0; run < RUNS; run++) {
  if (run > 0) {
    // A fresh object each run: the analysis and principal resolution are memoised per snapshot.
    snapshot = parseSnapshot(generated, 'generated');
    details = snapshot.authorizationDetails!;
  }
  // Principal resolution (groups, managed policies) is shared with the other access rules
  // (principalsOf memo): timed apart, the budget is on what breadth adds.
  t = performance.now();
  principalsOf(details);
  const resolutionMs = performance.now() - t;
  // The machine is shared (load average printed): CPU time of this process is what the
  // budget judges, wall time is printed next to it.
  t = performance.now();
  const cpu0 = process.cpuUsage();
  analysis = analyzeBreadth({ authorizationDetails: details, credentialReport: snapshot.credentialReport, collectedAt: snapshot.collectedAt });
  const cpu = process.cpuUsage(cpu0);
  const analysisMs = performance.now() - t;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  cpuRuns.push(cpuMs);
  console.log(
    `run ${run + 1}${run === 0 ? ' (cold catalog caches)' : ''}: principal resolution (shared, lib/policy) ${ms(resolutionMs)}; ` +
      `expansion + metrics + escalation ${ms(cpuMs)} CPU (${ms(analysisMs)} wall, load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`,
  );
}
const medianCpu = [...cpuRuns].sort((a, b) => a - b)[Math.floor(cpuRuns.length / 2)]!;
const perPrincipalUs = (medianCpu * 1000) / analysis!.principals.length;
console.log(
  `expansion + metrics + escalation: ${ms(medianCpu)} CPU${RUNS > 1 ? ` (median of ${RUNS} runs)` : ''} ` +
    `for ${analysis!.principals.length} principals (${perPrincipalUs.toFixed(0)} µs each)  ${verdict(medianCpu, ANALYSIS_BUDGET_MS)} (${ANALYSIS_BUDGET_MS} ms)`,
);
// The median hides the cold first run (a fresh Lambda container's first account): judge it too.
if (RUNS > 1) console.log(`  cold first run alone: ${ms(cpuRuns[0]!)} CPU  ${verdict(cpuRuns[0]!, ANALYSIS_BUDGET_MS)} (${ANALYSIS_BUDGET_MS} ms)`);
const top = analysis!.principals.find((p) => !p.admin);
console.log(
  `  broadest non-admin: ${top?.key} ${top?.total} actions; admins ${analysis!.principals.filter((p) => p.admin).length}; ` +
    `with escalation paths ${analysis!.principals.filter((p) => p.escalations.length).length}`,
);
t = performance.now();
const findings = ['access.permission-breadth', 'access.privilege-escalation'].map((id) => evaluateRule(getRule(id), snapshot));
console.log(`  both rules on the memoised analysis: ${ms(performance.now() - t)} (${findings.map((f) => `${f.ruleId} ${f.status}`).join(', ')})`);

// 3. bundle size added by the catalog: it ships as a file beside the bundle (read on first
// use, lib/breadth/catalog.ts), so the JavaScript carries only the loader. Checked on the
// two breadth rules bundled alone; the file's own size is printed with the catalog above.
async function bundle(): Promise<{ code: Uint8Array; inlined: string[]; inlinedBytes: number }> {
  const result = await build({
    stdin: {
      contents: "export { default as breadth } from './lib/rules/access/permission-breadth';\nexport { default as escalation } from './lib/rules/access/privilege-escalation';\n",
      resolveDir: fileURLToPath(new URL('..', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0]?.inputs ?? {}).filter(([file]) => file.endsWith('catalog.json'));
  return { code: result.outputFiles[0]!.contents, inlined: inputs.map(([file]) => file), inlinedBytes: inputs.reduce((n, [, info]) => n + info.bytesInOutput, 0) };
}
const rulesBundle = await bundle();
const added = rulesBundle.inlinedBytes;
console.log(
  `bundle (breadth rules, minified): ${rulesBundle.code.length} bytes (${gzipSync(rulesBundle.code).length} gzip); ` +
    `catalog ${rulesBundle.inlined.length ? `INLINED (${rulesBundle.inlined.join(', ')})` : 'not inlined: ships as catalog.json beside the bundle'}`,
);
console.log(`  catalog adds ${added} bytes to the JavaScript  ${verdict(added, BUNDLE_BUDGET_BYTES)} (${BUNDLE_BUDGET_BYTES}); per function: bench/bundle-size.ts`);

console.log(over ? `${over} OVER budget` : 'all within budget');
process.exitCode = over ? 1 : 0;
