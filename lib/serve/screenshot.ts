/**
 * `npm run docs:console [-- out.png]`: the console screenshot in the docs (docs/console.png),
 * generated, never edited by hand: the france-travail scenario recorded on five days into an
 * in-memory store, the console on it, headless Chromium on the overview page.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { launchBrowser, findChromium } from './browser';
import { demoStore } from './demo';
import { startConsole } from './server';

export const DEMO_DAYS = ['2026-01-18', '2026-01-19', '2026-01-20', '2026-01-21', '2026-01-22'].map((d) => `${d}T06:00:00.000Z`);

async function main(argv: string[]): Promise<number> {
  const out = resolve(argv[0] ?? 'docs/console.png');
  const chromium = findChromium();
  if (!chromium) {
    process.stderr.write('chromium not found (apt-get install chromium, or set CHROMIUM_PATH)\n');
    return 2;
  }
  const demo = await demoStore([{ scenario: 'france-travail', tableName: 'art32-evidence', days: DEMO_DAYS }]);
  const store = demo.stores[0];
  if (!store) throw new Error('demo store missing');
  const running = await startConsole({ context: { store: store.store, storeDescription: 'demo store (france-travail scenario, 5 daily runs)', now: () => new Date('2026-01-22T08:00:00Z'), integrity: store.integrity() }, client: store.client, tableName: store.tableName });
  const browser = await launchBrowser(chromium, { width: 1000, height: 640 });
  try {
    const page = await browser.context.newPage();
    await page.goto(running.url);
    await page.screenshot({ path: out, type: 'png' });
    process.stdout.write(`wrote ${out} (${(await stat(out)).size} bytes)\n`);
  } finally {
    await browser.close();
    await running.close();
    await demo.close();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
