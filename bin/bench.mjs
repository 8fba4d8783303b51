#!/usr/bin/env node
// Runs every benchmark in bench/ (bench/<name>.ts), one after another, each in its own
// process so that peak memory figures are not polluted by the previous one.
// `npm run bench -- evaluate` runs only the ones whose name contains "evaluate".
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2] ?? '';
const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && f.includes(filter))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark in bench/ matches "${filter}"`);
  process.exit(2);
}
let failed = 0;
for (const file of benches) {
  console.log(`\n=== bench/${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './lib/support/quiet-sdk-warning.ts', join('bench', file)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
