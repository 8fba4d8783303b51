/**
 * Bundle size of each Lambda, built exactly as NodejsFunction builds it (same esbuild
 * options: ESM, minified, target from the runtime, AWS SDK bundled, banner, externals),
 * printed raw and gzipped against the budget: well under 1 MB minified per function.
 *
 *   node --import tsx bench/bundle-size.ts
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUNDLE_ALIASES, BUNDLE_TARGET, ESM_REQUIRE_BANNER, functionEntry, type FunctionName } from '../infra/constructs/art32-function';

const FUNCTIONS: FunctionName[] = ['list-accounts', 'collect-account', 'finalize-run', 'send-report'];
/** "Well under 1 MB": the budget per minified bundle. */
const BUDGET_BYTES = 1_000_000;
/**
 * The one accepted exception: lib/breadth/catalog.json, the IAM action catalog the
 * permission-breadth and privilege-escalation rules expand wildcards against (~470 KB).
 * Every function that evaluates the rule catalog (collect-account) or reads rule metadata
 * (send-report) carries it; the budget is checked on the bundle without it, and the
 * catalog's share is printed.
 */
const EXCEPTION_INPUT = 'lib/breadth/catalog.json';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** Import the bundle alone in a temp dir (no node_modules, no package.json), as Lambda would. */
async function smokeLoad(code: Uint8Array): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'art32-bundle-'));
  try {
    const file = join(dir, 'index.mjs');
    writeFileSync(file, code);
    const mod = (await import(pathToFileURL(file).href)) as { handler?: unknown };
    return typeof mod.handler === 'function' ? 'ok' : 'NO handler export';
  } catch (error) {
    return `FAILED (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let over = 0;
  let failedLoads = 0;
  console.log(`bundle sizes (esbuild, ESM, minified, target ${BUNDLE_TARGET}, AWS SDK bundled, lean zod entry), budget ${kb(BUDGET_BYTES)} each`);
  for (const name of FUNCTIONS) {
    const entry = functionEntry(name);
    if (!existsSync(entry)) {
      console.log(`${name.padEnd(16)} (no handler yet: ${entry})`);
      continue;
    }
    const started = performance.now();
    const result = await build({
      entryPoints: [entry],
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
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    const gz = gzipSync(code).length;
    const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
    const exceptionBytes = inputs[EXCEPTION_INPUT]?.bytesInOutput ?? 0;
    const ratio = (code.length - exceptionBytes) / BUDGET_BYTES;
    if (ratio > 1) over++;
    const loads = await smokeLoad(code);
    if (loads !== 'ok') failedLoads++;
    const heaviest = Object.entries(
      Object.entries(result.metafile.outputs)[0]?.[1].inputs ?? {},
    )
      .map(([file, info]) => [file.replace(/^node_modules\//, '').split('/').slice(0, file.includes('@') ? 2 : 1).join('/'), info.bytesInOutput] as const)
      .reduce((acc, [pkg, bytes]) => acc.set(pkg, (acc.get(pkg) ?? 0) + bytes), new Map<string, number>());
    const top = [...heaviest.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([p, b]) => `${p} ${kb(b)}`).join(', ');
    console.log(
      `${name.padEnd(16)} ${kb(code.length).padStart(10)} minified  ${kb(gz).padStart(9)} gzip  ` +
        `${(ratio * 100).toFixed(0).padStart(3)}% of budget${exceptionBytes ? ` (without the breadth catalog, ${kb(exceptionBytes)})` : ''}  ` +
        `loads: ${loads}  (${(performance.now() - started).toFixed(0)} ms)  largest: ${top}`,
    );
  }
  if (failedLoads > 0) {
    console.log(`${failedLoads} bundle(s) failed to load`);
    process.exitCode = 1;
  }
  if (over > 0) {
    console.log(`${over} function(s) over budget`);
    process.exitCode = 1;
  }
}

await main();
