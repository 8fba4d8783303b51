import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const BIN = path.resolve('bin/art32.mjs');
/** The real zod, so a redirected import still links and its side effect (the marker) happens. */
const REAL_ZOD = import.meta.resolve('zod');

/** A module that leaves a marker file named `name` in the hostile directory, then behaves like zod. */
const evilModule = (name: string): string =>
  `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(name)}, 'executed');\nexport * from ${JSON.stringify(REAL_ZOD)};\n`;

let hostile: string;

/**
 * What an audited party can put in the directory it hands over (the auditor runs art32 inside
 * it): a tsconfig.json whose `paths` redirect the CLI's imports, a package.json that declares
 * `imports`/`type`, and a node_modules with its own `zod`, `commander` and `tsx`. Each of them,
 * if loaded, writes a marker file.
 */
beforeAll(async () => {
  hostile = await mkdtemp(path.join(tmpdir(), 'art32-hostile-cwd-'));
  const marker = (name: string) => path.join(hostile, `MARKER-${name}`);
  await writeFile(path.join(hostile, 'evil-zod.mjs'), evilModule(marker('tsconfig-paths')));
  await writeFile(
    path.join(hostile, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { zod: ['./evil-zod.mjs'], 'zod/*': ['./evil-zod.mjs'] } } }),
  );
  await writeFile(path.join(hostile, 'evil-import.mjs'), evilModule(marker('package-imports')));
  await writeFile(
    path.join(hostile, 'package.json'),
    JSON.stringify({ name: 'audited-export', type: 'commonjs', imports: { '#zod': './evil-import.mjs' }, main: './evil-import.mjs' }),
  );
  for (const pkg of ['zod', 'commander', 'tsx']) {
    const dir = path.join(hostile, 'node_modules', pkg);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: pkg, type: 'module', main: './index.js', exports: { '.': './index.js', './*': './index.js' } }));
    await writeFile(path.join(dir, 'index.js'), evilModule(marker(`node_modules-${pkg}`)));
  }
});
afterAll(async () => {
  await rm(hostile, { recursive: true, force: true });
});

describe('bin/art32.mjs in a hostile working directory', () => {
  it('runs its own code only: nothing from the directory’s tsconfig.json, package.json or node_modules executes', async () => {
    const { stdout } = await exec(process.execPath, [BIN, 'rules'], { cwd: hostile, env: { ...process.env, TSX_TSCONFIG_PATH: '' } });
    expect(stdout).toContain('auth.password-policy-present');
    const markers = (await readdir(hostile)).filter((f) => f.startsWith('MARKER-'));
    expect(markers).toEqual([]);
  });
});
