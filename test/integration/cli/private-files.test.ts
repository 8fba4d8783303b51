/**
 * Evidence files are private and outputs never follow a planted symbolic link (issue #21):
 * the embedded store, the data directory and the audit pack, under a permissive umask (022),
 * with the attacks an insider on the same machine would try.
 */
import { execFile } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stageOutputDir, writePrivateFile } from '../../../lib/support/private-files';
import { run } from '../../unit/cli/capture';

const exec = promisify(execFile);
const BIN = join(process.cwd(), 'bin/art32.mjs');
const ACCOUNT = '111122223333';
let root: string;
let previousUmask: number;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'art32-private-'));
  // What most shells have: files 644, directories 755 unless art32 decides otherwise.
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

/** Every path under `dir` (itself included) with its permission bits. */
function modes(dir: string): { path: string; mode: number; dir: boolean }[] {
  const out = [{ path: dir, mode: statSync(dir).mode & 0o777, dir: true }];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const info = lstatSync(join(dir, name));
    out.push({ path: name, mode: info.mode & 0o777, dir: info.isDirectory() });
  }
  return out;
}

const notPrivate = (entries: ReturnType<typeof modes>) => entries.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${e.path} ${e.mode.toString(8)}`);

describe('the embedded store', () => {
  it('is created 0700/0600 by the real CLI, even from a shell with umask 022', async () => {
    const data = join(root, 'fresh-data');
    await exec('sh', ['-c', `umask 022 && exec "${process.execPath}" "${BIN}" collect --scenario france-travail --data-dir "${data}"`]);
    const entries = modes(data);
    expect(entries.length).toBeGreaterThan(3);
    expect(notPrivate(entries)).toEqual([]);
  });

  it('tightens an existing data directory that others could read', async () => {
    const data = join(root, 'old-data');
    mkdirSync(join(data, 'dynamodb'), { recursive: true, mode: 0o755 });
    chmodSync(data, 0o755);
    chmodSync(join(data, 'dynamodb'), 0o755);
    const collected = await run('collect', '--scenario', 'france-travail', '--data-dir', data);
    expect(collected.code).toBe(0);
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, 'dynamodb')).mode & 0o777).toBe(0o700);
  });
});

describe('export --out', () => {
  const data = () => join(root, 'export-data');
  beforeAll(async () => {
    await run('collect', '--scenario', 'france-travail', '--collected-at', '2026-01-20T06:00:00.000Z', '--data-dir', data());
  });
  const exportTo = (out: string) => run('export', '--account', ACCOUNT, '--from', '2026-01-01', '--to', '2026-01-31', '--out', out, '--data-dir', data());

  it('writes the pack with directories 0700 and files 0600', async () => {
    const pack = join(root, 'pack');
    const exported = await exportTo(pack);
    expect(exported.code).toBe(0);
    expect(notPrivate(modes(pack))).toEqual([]);
    expect(readdirSync(root).filter((n) => n.includes('.art32-'))).toEqual([]);
  });

  it('refuses a symbolic link planted at --out, and writes nothing where it points', async () => {
    const victim = join(root, 'victim');
    mkdirSync(victim);
    const out = join(root, 'planted-link');
    symlinkSync(victim, out);
    const exported = await exportTo(out);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toContain('symbolic link');
    expect(readdirSync(victim)).toEqual([]);
  });

  it('fails instead of following a link planted inside --out between the check and the writes', async () => {
    const victim = join(root, 'victim-2');
    mkdirSync(victim);
    const target = join(root, 'raced');
    mkdirSync(target);
    const staged = await stageOutputDir(target);
    await writePrivateFile(join(staged.path, 'SUMMARY.md'), 'x');
    symlinkSync(victim, join(target, 'records'));
    await expect(staged.publish()).rejects.toThrow(/changed while art32 was writing/);
    expect(readdirSync(victim)).toEqual([]);
    expect(readdirSync(root).filter((n) => n.startsWith('.raced.art32-'))).toEqual([]);
  });

  it('never writes a file through a pre-planted symbolic link', async () => {
    const dir = mkdtempSync(join(root, 'excl-'));
    const victim = join(root, 'victim-file');
    writeFileSync(victim, 'original');
    symlinkSync(victim, join(dir, 'README.md'));
    await expect(writePrivateFile(join(dir, 'README.md'), 'overwritten')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(statSync(victim).size).toBe('original'.length);
  });
});

describe('report --html FILE', () => {
  const data = () => join(root, 'report-data');
  beforeAll(async () => {
    await run('collect', '--scenario', 'france-travail', '--collected-at', '2026-01-20T06:00:00.000Z', '--data-dir', data());
  });

  it('replaces a symbolic link planted at FILE instead of writing through it, and the file is 0600', async () => {
    const victim = join(root, 'victim-report');
    writeFileSync(victim, 'original', { mode: 0o644 });
    const out = join(root, 'report-link.html');
    symlinkSync(victim, out);
    const reported = await run('report', '--html', out, '--data-dir', data());
    expect(reported.code, reported.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('original');
    expect(lstatSync(out).isSymbolicLink()).toBe(false);
    expect(lstatSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toContain('<html');
  });

  it('makes an existing world-readable file private', async () => {
    const out = join(root, 'report-old.html');
    writeFileSync(out, 'old', { mode: 0o644 });
    chmodSync(out, 0o644);
    expect((await run('report', '--html', out, '--data-dir', data())).code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(root).filter((n) => n.includes('.art32-'))).toEqual([]);
  });
});
