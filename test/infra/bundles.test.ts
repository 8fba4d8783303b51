/**
 * The function assets as `cdk synth` really builds them (local esbuild, the construct's
 * afterBundling hook): the IAM action catalog ships as a file beside collect-account's
 * index.mjs, where lib/breadth/catalog.ts reads it, and is inlined into no bundle.
 * Sizes against the budget are printed by bench/bundle-size.ts, which also evaluates the
 * breadth rules in the bundled code. And the lean zod entry of the bundles covers every
 * `z.<member>` the bundled sources use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AssetStaging } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z as realZod } from 'zod';
import type { Art32App } from '../../infra/app-builder';
import {
  BUNDLE_ALIASES,
  FILES_BESIDE_BUNDLE,
  PROJECT_ROOT,
  functionEntry,
  type Art32Function,
  type FunctionName,
} from '../../infra/constructs/art32-function';
import type { CatalogFile } from '../../lib/breadth/catalog-format';
import { TEST_CONFIG, cleanup, synthApp } from './app';

let built: Art32App;
beforeAll(() => {
  built = synthApp(TEST_CONFIG, true);
}, 120_000);
afterAll(() => cleanup(built.app));

/** The staged (bundled) asset folder of one function. */
function assetDir(fn: Art32Function): string {
  const staging = fn.function.node.findAll().find((c): c is AssetStaging => c instanceof AssetStaging);
  if (!staging) throw new Error(`${fn.node.path} has no staged asset`);
  return staging.absoluteStagedPath;
}

const catalogPath = path.join(PROJECT_ROOT, 'lib', 'breadth', 'catalog.json');
const catalogText = fs.readFileSync(catalogPath, 'utf8');
/** A run of action names only the catalog's data holds (one service's action list), to detect it inlined. */
const catalogMarker = (() => {
  const file = JSON.parse(catalogText) as CatalogFile;
  const longest = Object.values(file.services).flat().sort((a, b) => b.length - a.length)[0];
  return longest!.slice(0, 200);
})();

describe('function bundles', () => {
  it('ship the action catalog beside collect-account, byte for byte, and inline it nowhere', () => {
    const functions: [FunctionName, Art32Function | undefined][] = [
      ['list-accounts', built.collector.functions.listAccounts],
      ['collect-account', built.collector.functions.collectAccount],
      ['finalize-run', built.collector.functions.finalizeRun],
      ['send-report', built.collector.functions.sendReport],
    ];
    for (const [name, fn] of functions) {
      expect(fn, name).toBeDefined();
      const dir = assetDir(fn!);
      const files = fs.readdirSync(dir).sort();
      expect(files, name).toEqual(['index.mjs', 'index.mjs.map', ...FILES_BESIDE_BUNDLE[name].map((f) => path.basename(f))].sort());
      const code = fs.readFileSync(path.join(dir, 'index.mjs'), 'utf8');
      expect(code.includes(catalogMarker), `${name} inlines the catalog`).toBe(false);
    }
    const collectDir = assetDir(built.collector.functions.collectAccount);
    expect(fs.readFileSync(path.join(collectDir, 'catalog.json'), 'utf8')).toBe(catalogText);
    // The bundled loader looks for it exactly there: `./catalog.json` next to index.mjs.
    expect(fs.readFileSync(path.join(collectDir, 'index.mjs'), 'utf8')).toContain('catalog.json');
  });
});

describe('lean zod entry of the bundles', () => {
  it('lists every z.<member> the bundled sources call (esbuild cannot see through the z namespace)', async () => {
    const lean = (await import(pathToFileURL(path.join(PROJECT_ROOT, 'infra', 'bundling', 'zod-lean-external.mjs')).href)) as Record<string, unknown>;
    const missing = new Set<string>();
    let scanned = 0;
    for (const name of Object.keys(FILES_BESIDE_BUNDLE) as FunctionName[]) {
      const result = await build({
        entryPoints: [functionEntry(name)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        external: ['dynalite'],
        alias: BUNDLE_ALIASES,
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const sources = Object.keys(result.metafile.inputs).filter((file) => !file.includes('node_modules') && file.endsWith('.ts'));
      for (const file of sources) {
        scanned++;
        const text = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
        // Only names zod really exports at run time (types such as z.infer, and other objects
        // named z, such as a Map, are not members), and not in type position (`z.input<typeof S>`).
        for (const [, member] of text.matchAll(/\bz\.([A-Za-z_$][\w$]*)(?![\w$]|\s*<)/g)) {
          if (member! in realZod && !(member! in lean)) missing.add(`z.${member} (${file})`);
        }
      }
    }
    expect(scanned).toBeGreaterThan(20);
    expect([...missing], 'add these to infra/bundling/zod-lean-external.mjs').toEqual([]);
  });
});
