/**
 * One writer at a time, and readers that never touch the store: the CLI on an embedded store
 * in a temp dir. A mistyped --data-dir is an error (nothing created); a damaged store (LevelDB
 * CURRENT missing) is one line and stays byte-identical; read commands leave every file as it
 * was; a live lock holder makes collect and verify exit 6 naming it; a stale lock is taken over;
 * two collects started together never crash ("Database is closed") and leave verify green.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../lib/evidence';
import { run } from '../../unit/cli/capture';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-store-access-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
  delete process.env.ART32_LOCK_WAIT_MS;
});

/** Every file under `root`: name → SHA-256 of its content and mtime. */
async function fingerprint(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else out[p.slice(root.length)] = `${createHash('sha256').update(await readFile(p)).digest('hex')}@${(await stat(p)).mtimeMs}`;
    }
  };
  await walk(root);
  return out;
}

const AT = '2026-01-20T06:00:00.000Z';

describe('read commands never write, create or delete store files', () => {
  it('a mistyped --data-dir is exit 2 and creates nothing', async () => {
    const missing = join(dir, 'typo', 'evidence');
    for (const command of [['verify'], ['runs'], ['history', '--account', '111122223333', '--rule', 'auth.root-mfa'], ['report']]) {
      const out = await run(...command, '--data-dir', missing);
      expect(out.code, command.join(' ')).toBe(2);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toContain('does not exist');
    }
    expect(existsSync(join(dir, 'typo'))).toBe(false);
  });

  it('verify, runs, history, export and report leave every file of the store as it was', async () => {
    const data = join(dir, 'readonly');
    expect((await run('collect', '--scenario', 'france-travail', '--collected-at', AT, '--data-dir', data)).code).toBe(0);
    const before = await fingerprint(data);
    expect((await run('verify', '--data-dir', data)).code).toBe(0);
    expect((await run('runs', '--data-dir', data)).code).toBe(0);
    expect((await run('history', '--account', '111122223333', '--rule', 'auth.root-mfa', '--data-dir', data)).code).toBe(0);
    expect((await run('export', '--account', '111122223333', '--from', '2026-01-01', '--to', '2026-01-31', '--out', join(dir, 'pack'), '--data-dir', data)).code).toBe(0);
    await run('report', '--data-dir', data);
    expect(await fingerprint(data)).toEqual(before);
  }, 120_000);

  it('a damaged store (LevelDB CURRENT missing) gives one clear line, exit 3, and is never modified', async () => {
    const data = join(dir, 'damaged');
    expect((await run('collect', '--scenario', 'compliant', '--collected-at', AT, '--data-dir', data)).code).toBe(0);
    await unlink(join(data, 'dynamodb', 'CURRENT'));
    const before = await fingerprint(data);
    for (const command of [['verify'], ['runs'], ['collect', '--scenario', 'compliant']]) {
      const out = await run(...command, '--data-dir', data);
      expect(out.code, command.join(' ')).toBe(3);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toMatch(/evidence store .* is damaged: .*CURRENT is missing .* left untouched/);
      expect(await fingerprint(data), command.join(' ')).toEqual(before);
    }
  }, 60_000);
});

describe('one writer at a time', () => {
  let holder: ChildProcess | undefined;
  afterEach(() => {
    holder?.kill();
    holder = undefined;
  });

  it('a live lock holder: collect and verify wait briefly, then exit 6 with one line naming it; nothing written', async () => {
    const data = join(dir, 'held');
    expect((await run('collect', '--scenario', 'compliant', '--collected-at', AT, '--data-dir', data)).code).toBe(0);
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await writeFile(join(data, LOCK_FILE), JSON.stringify({ pid: holder.pid, host: hostname(), started: '2026-01-20T06:00:00.000Z', command: 'collect --scenario x' }), { mode: 0o600 });
    const before = await fingerprint(data);
    process.env.ART32_LOCK_WAIT_MS = '300';
    for (const command of [['collect', '--scenario', 'compliant'], ['verify'], ['runs']]) {
      const out = await run(...command, '--data-dir', data);
      expect(out.code, command.join(' ')).toBe(6);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toContain(`is busy`);
      expect(out.stderr).toContain(`pid ${holder.pid} on ${hostname()}`);
    }
    expect(await fingerprint(data)).toEqual(before);
  }, 60_000);

  it('a stale lock (its process is gone) is taken over; collect succeeds and removes it', async () => {
    const data = join(dir, 'stale');
    expect((await run('collect', '--scenario', 'compliant', '--collected-at', AT, '--data-dir', data)).code).toBe(0);
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => dead.once('exit', r));
    await writeFile(join(data, LOCK_FILE), JSON.stringify({ pid: dead.pid, host: hostname(), started: '2026-01-20T06:00:00.000Z', command: 'collect' }));
    const out = await run('collect', '--scenario', 'compliant', '--collected-at', '2026-01-21T06:00:00.000Z', '--data-dir', data);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
  }, 60_000);

  it('two collects started together: each ends 0 or 6 with one line, never a crash; verify is green', async () => {
    const data = join(dir, 'race');
    const bin = resolve(__dirname, '../../../bin/art32.mjs');
    const start = (at: string) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, [bin, 'collect', '--scenario', 'compliant', '--collected-at', at, '--data-dir', data], {
          env: { ...process.env, ART32_LOCK_WAIT_MS: '1' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('exit', (code) => done({ code, stderr }));
      });
    const results = await Promise.all([start('2026-01-20T06:00:00.000Z'), start('2026-01-21T06:00:00.000Z')]);
    for (const r of results) {
      expect([0, 6], r.stderr).toContain(r.code);
      expect(r.stderr).not.toContain('Database is closed');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(results.map((r) => r.code)).toContain(0);
    const verified = await run('verify', '--data-dir', data);
    expect(verified.code).toBe(0);
  }, 120_000);
});
