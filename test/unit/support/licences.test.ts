/**
 * The offline licence check (lib/support/licences.ts): a GPL or AGPL package anywhere in the
 * lockfile fails it, by name; the repository's own dependencies pass.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLicences, licenceVerdict } from '../../../lib/support/licences';

const exec = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface FakePackage {
  name: string;
  version?: string;
  licence?: string;
  dev?: boolean;
  /** What the installed package.json says, when it differs from the lockfile. */
  installed?: { version?: string; license?: string };
}

/** A project directory with a lockfile (v3) and the installed package.json of each package. */
async function project(packages: FakePackage[]): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'art32-licences-'));
  dirs.push(root);
  const lock = { name: 'p', lockfileVersion: 3, requires: true, packages: { '': { name: 'p', version: '1.0.0' } } as Record<string, unknown> };
  for (const p of packages) {
    const version = p.version ?? '1.0.0';
    lock.packages[`node_modules/${p.name}`] = {
      version,
      resolved: `https://registry.npmjs.org/${p.name}/-/x-${version}.tgz`,
      integrity: 'sha512-AAAA',
      ...(p.licence ? { license: p.licence } : {}),
      ...(p.dev ? { dev: true } : {}),
    };
    await mkdir(path.join(root, 'node_modules', p.name), { recursive: true });
    await writeFile(path.join(root, 'node_modules', p.name, 'package.json'), JSON.stringify({ name: p.name, version: p.installed?.version ?? version, license: p.installed?.license ?? p.licence }));
  }
  await writeFile(path.join(root, 'package-lock.json'), JSON.stringify(lock));
  return root;
}

describe('licence expressions', () => {
  it.each([
    ['MIT', 'permissive'],
    ['(MIT OR GPL-3.0-or-later)', 'permissive'],
    ['MIT AND CC-BY-4.0', 'permissive'],
    ['Apache-2.0 AND GPL-2.0-only', 'forbidden'],
    ['GPL-3.0-only', 'forbidden'],
    ['AGPL-3.0-only', 'forbidden'],
    ['LGPL-3.0-or-later', 'weak-copyleft'],
    ['MPL-2.0', 'weak-copyleft'],
    ['SSPL-1.0', 'forbidden'],
    ['SEE LICENSE IN LICENSE.md', 'forbidden'],
    [undefined, 'forbidden'],
  ] as const)('%s is %s', (expression, verdict) => {
    expect(licenceVerdict(expression)).toBe(verdict);
  });
});

describe('checkLicences', () => {
  it('fails on a GPL and an AGPL dependency, naming each, even as development dependencies', async () => {
    const root = await project([
      { name: 'left-pad', licence: 'MIT' },
      { name: 'gpl-thing', licence: 'GPL-3.0-only' },
      { name: '@cloud-copilot/iam-expand', licence: 'AGPL-3.0-only', dev: true },
    ]);
    const report = checkLicences(root);
    expect(report.problems.map((p) => `${p.name}: ${p.problem}`)).toEqual([
      'gpl-thing: licence GPL-3.0-only is not permissive',
      '@cloud-copilot/iam-expand: licence AGPL-3.0-only is not permissive',
    ]);
    await expect(exec(process.execPath, ['--import', 'tsx', path.resolve('lib/support/licences.ts'), root])).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('FAIL  gpl-thing@1.0.0: licence GPL-3.0-only is not permissive'),
    });
  });

  it('believes the installed package.json over the lockfile, and names a swapped version', async () => {
    const root = await project([
      { name: 'relicensed', licence: 'MIT', installed: { license: 'AGPL-3.0-or-later' } },
      { name: 'swapped', licence: 'MIT', version: '2.0.0', installed: { version: '2.0.1' } },
    ]);
    expect(checkLicences(root).problems.map((p) => `${p.name}: ${p.problem}`)).toEqual([
      'relicensed: licence AGPL-3.0-or-later is not permissive',
      'swapped: installed 2.0.1 but the lockfile says 2.0.0',
    ]);
  });

  it('weak copyleft passes only in development dependencies; a missing licence fails', async () => {
    const root = await project([
      { name: 'css-tool', licence: 'MPL-2.0', dev: true },
      { name: 'shipped-mpl', licence: 'MPL-2.0' },
      { name: 'no-licence' },
    ]);
    const report = checkLicences(root);
    expect(report.devOnlyWeakCopyleft.map((p) => p.name)).toEqual(['css-tool']);
    expect(report.problems.map((p) => `${p.name}: ${p.problem}`)).toEqual(['shipped-mpl: weak copyleft (MPL-2.0) in a shipped dependency', 'no-licence: no licence declared']);
  });

  it('the repository’s own dependencies pass', () => {
    const report = checkLicences(process.cwd());
    expect(report.packages).toBeGreaterThan(100);
    expect(report.problems).toEqual([]);
  });
});
