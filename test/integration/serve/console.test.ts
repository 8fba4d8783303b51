/**
 * The console without a browser: the door (token, Host, methods, headers), escaping of hostile
 * strings from audited accounts, cursors that cannot be turned to another partition, and the
 * promise that `art32 serve` never changes a file of the embedded store.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../lib/evidence';
import { openEmbeddedStore } from '../../../lib/evidence/embedded';
import { createConsoleApp } from '../../../lib/serve/app';
import type { ConsoleContext } from '../../../lib/serve/context';
import { pseudonymiser } from '../../../lib/serve/pseudonym';
import { ConsoleReader, encodeCursor } from '../../../lib/serve/reader';
import { allowedHosts, tokenMatches } from '../../../lib/serve/security';
import { startConsole } from '../../../lib/serve/server';
import { main } from '../../../lib/cli/main';
import { consoleIntegrityFor } from '../../../lib/cli/commands/serve';
import { RULES, type Status } from '../../../lib/rules';
import { startStore, writeTestRun, type TestStore } from '../report/store-fixture';

const A1 = '111111111111';
const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstu';
const HOST = '127.0.0.1:4000';
const ALL_PASS: Record<string, Status> = Object.fromEntries(RULES.map((r) => [r.id, 'PASS' as Status]));
const HOSTILE = '<script>alert(1)</script>"\'\u202Eevil';

let t: TestStore;
let app: ReturnType<typeof createConsoleApp>;
beforeAll(async () => {
  t = await startStore('art32-serve-test');
  for (const d of [20, 21]) {
    await writeTestRun(t.store, { accountId: A1, alias: HOSTILE, runId: `r${d}`, collectedAt: `2026-01-${d}T06:00:00.000Z`, statuses: { ...ALL_PASS, 'auth.root-mfa': 'FAIL' }, resources: { 'auth.root-mfa': [HOSTILE] } });
  }
  const context: ConsoleContext = { store: t.store, reader: new ConsoleReader(t.client, 'art32-serve-test'), storeDescription: 'test', now: () => new Date('2026-01-22T00:00:00Z') };
  app = createConsoleApp({ context, token: TOKEN, hosts: () => allowedHosts('127.0.0.1', 4000), logError: () => {} });
});
afterAll(async () => t.close());

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => app.request(path, { method, headers: { host: HOST, cookie: `art32_console=${TOKEN}`, ...headers } });

describe('the console door', () => {
  it('exchanges the URL token for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const res = await app.request(`/verify?token=${TOKEN}`, { headers: { host: HOST } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/verify');
    expect(res.headers.get('set-cookie')).toMatch(/^art32_console=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
  });

  it('refuses no token (401), a wrong token in URL or cookie (403), a foreign Host (421), a write method (405)', async () => {
    expect((await app.request('/', { headers: { host: HOST } })).status).toBe(401);
    expect((await app.request('/?token=nope', { headers: { host: HOST } })).status).toBe(403);
    expect((await get('/', { cookie: 'art32_console=nope' })).status).toBe(403);
    expect((await get('/', { cookie: `art32_console=${TOKEN}x` })).status).toBe(403);
    expect((await get('/', { host: 'attacker.example:4000' })).status).toBe(421);
    expect((await get('/', { host: '127.0.0.1:4001' })).status).toBe(421);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) expect((await get('/', {}, method)).status).toBe(405);
    expect((await get('/')).status).toBe(200);
    expect((await get('/', { host: 'localhost:4000' })).status).toBe(200);
  });

  it('sends the strict headers on pages and on refusals alike', async () => {
    for (const res of [await get('/'), await app.request('/', { headers: { host: HOST } })]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
      expect(csp).not.toContain('unsafe');
      expect(csp).not.toContain('script-src');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('compares tokens in constant time over their SHA-256 (any lengths)', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(`${TOKEN}${TOKEN}`, TOKEN)).toBe(false);
  });

  it('prints a URL whose token is 256 random bits, different each start', async () => {
    const a = await startConsole({ context: { store: t.store, storeDescription: 'x', now: () => new Date() }, client: t.client, tableName: 'art32-serve-test' });
    const b = await startConsole({ context: { store: t.store, storeDescription: 'x', now: () => new Date() }, client: t.client, tableName: 'art32-serve-test' });
    try {
      expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
      expect(a.token).not.toBe(b.token);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('pages', () => {
  it('escape every string from the audited account (alias, resources) and isolate its direction', async () => {
    for (const path of ['/', `/accounts/${A1}`, `/accounts/${A1}/rules/auth.root-mfa`, `/runs/r21?account=${A1}`]) {
      const body = await (await get(path)).text();
      expect(body, path).not.toContain('<script>alert');
      expect(body, path).not.toContain('\u202E');
      if (path !== `/runs/r21?account=${A1}`) expect(body, path).toMatch(/&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;\[U\+202E\]evil/);
    }
  });

  it('page a rule timeline with cursors, and refuse a cursor forged for another account or index', async () => {
    const reader = new ConsoleReader(t.client, 'art32-serve-test');
    const first = await reader.rulePage(A1, 'auth.root-mfa', { lower: '0', upper: '\uffff' }, undefined, 1);
    expect(first.items.map((i) => i.record?.runId)).toEqual(['r21']);
    expect(first.next).toBeDefined();
    const second = await reader.rulePage(A1, 'auth.root-mfa', { lower: '0', upper: '\uffff' }, first.next, 1);
    expect(second.items.map((i) => i.record?.runId)).toEqual(['r20']);
    const forged = encodeCursor({ gsi1pk: 'ACCOUNT#222222222222#RULE#auth.root-mfa', gsi1sk: 'x', pk: 'p', sk: 's' });
    expect((await get(`/accounts/${A1}/rules/auth.root-mfa?cursor=${forged}`)).status).toBe(400);
    expect((await get(`/accounts/${A1}/rules/auth.root-mfa?cursor=%%%`)).status).toBe(400);
    expect((await get(`/accounts/${A1}/rules/auth.root-mfa?cursor=${encodeCursor({ gsi1pk: { S: 'x' } } as never)}`)).status).toBe(400);
  });

  it('answer bad input with 400 and unknown things with 404, never a stack trace', async () => {
    expect((await get('/accounts/12345')).status).toBe(400);
    expect((await get('/accounts/999999999999')).status).toBe(404);
    expect((await get('/runs/nope?account=999999999999')).status).toBe(404);
    expect((await get('/download/audit-pack.zip?account=111111111111&from=2026-02-01&to=2026-01-01')).status).toBe(400);
    const body = await (await get('/accounts/999999999999')).text();
    expect(body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('pseudonymise principals with a keyed hash that keeps the ARN path readable', () => {
    const p = pseudonymiser('k');
    const arn = 'arn:aws:sts::111122223333:assumed-role/Adviser/adviser-41@agency.example';
    expect(p(arn)).toMatch(/^arn:aws:sts::111122223333:assumed-role\/Adviser\/p-[0-9a-f]{10}$/);
    expect(p(arn)).toBe(pseudonymiser('k')(arn));
    expect(p(arn)).not.toBe(pseudonymiser('other')(arn));
  });
});

async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else {
        const s = await stat(full);
        out[full.slice(dir.length)] = `${createHash('sha256').update(await readFile(full)).digest('hex')} ${s.size} ${s.mtimeMs} ${s.mode}`;
      }
    }
  };
  await walk(dir);
  return out;
}

describe('read-only', () => {
  it('serving the embedded store changes no file of it (LevelDB writes on open: the console reads a private copy)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'art32-serve-ro-'));
    try {
      expect(await main(['node', 'art32', 'collect', '--scenario', 'compliant', '--data-dir', dir, '--collected-at', '2026-01-22T06:00:00Z'])).toBe(0);
      const before = await fingerprint(dir);
      const open = await openEmbeddedStore(dir, { access: 'read' });
      const running = await startConsole({ context: { store: open.store, storeDescription: open.description, now: () => new Date() }, client: open.client, tableName: open.store.tableName });
      const cookie = { cookie: `art32_console=${running.token}` };
      for (const path of ['/', '/verify', '/runs', '/activity', '/downloads']) expect((await fetch(`${running.origin}${path}`, { headers: cookie })).status).toBe(200);
      await running.close();
      await open.close();
      expect(await fingerprint(dir)).toEqual(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('verifying signatures and anchors reads the key and anchor directories and changes no file of the store, its keys or its anchors', async () => {
    const root = await mkdtemp(join(tmpdir(), 'art32-serve-trust-'));
    const dir = join(root, 'store');
    try {
      for (const day of ['21', '22']) expect(await main(['node', 'art32', 'collect', '--scenario', 'france-travail', '--data-dir', dir, '--collected-at', `2026-01-${day}T06:00:00Z`])).toBe(0);
      const before = await fingerprint(root);
      expect(Object.keys(before).some((f) => f.startsWith('/store-keys/'))).toBe(true);
      expect(Object.keys(before).some((f) => f.startsWith('/store-anchors/'))).toBe(true);
      const open = await openEmbeddedStore(dir, { access: 'read' });
      const integrity = await consoleIntegrityFor(open, {});
      expect(integrity.trust.cache).toBe('snapshot');
      const running = await startConsole({ context: { store: open.store, storeDescription: open.description, now: () => new Date(), integrity }, client: open.client, tableName: open.store.tableName });
      const cookie = { cookie: `art32_console=${running.token}` };
      const [accountId] = await open.store.accounts();
      const text = async (path: string) => {
        const res = await fetch(`${running.origin}${path}`, { headers: cookie });
        expect(res.status).toBe(200);
        return res.text();
      };
      const runs = await text(`/runs?account=${accountId}`);
      expect(runs.match(/signature verified/g)).toHaveLength(2);
      expect(runs.match(/anchor matched/g)).toHaveLength(2);
      expect(await text('/verify')).toContain('Verified: everything matches.');
      for (const path of ['/', `/accounts/${accountId}`, '/downloads']) await text(path);
      await running.close();
      await open.close();
      expect(await fingerprint(root)).toEqual(before);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('a store a collect is writing to: exit 6 (busy) with one line naming the holder, nothing served or written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'art32-serve-busy-'));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const err: string[] = [];
    const out: string[] = [];
    const writeErr = process.stderr.write.bind(process.stderr);
    const writeOut = process.stdout.write.bind(process.stdout);
    try {
      expect(await main(['node', 'art32', 'collect', '--scenario', 'compliant', '--data-dir', dir, '--collected-at', '2026-01-22T06:00:00Z'])).toBe(0);
      await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: holder.pid, host: hostname(), started: '2026-01-22T06:00:00.000Z', command: 'collect --scenario x' }), { mode: 0o600 });
      const before = await fingerprint(dir);
      process.env.ART32_LOCK_WAIT_MS = '300';
      process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
      process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
      const code = await main(['node', 'art32', 'serve', '--data-dir', dir]);
      process.stderr.write = writeErr;
      process.stdout.write = writeOut;
      expect(code).toBe(6);
      expect(err.join('').trim().split('\n')).toHaveLength(1);
      expect(err.join('')).toContain(`pid ${holder.pid}`);
      expect(out.join('')).not.toContain('http://');
      expect(await fingerprint(dir)).toEqual(before);
    } finally {
      process.stderr.write = writeErr;
      process.stdout.write = writeOut;
      delete process.env.ART32_LOCK_WAIT_MS;
      process.exitCode = undefined;
      holder.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a directory without a store (exit 2) and creates nothing', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'art32-serve-none-')), 'missing');
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'art32', 'serve', '--data-dir', dir])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toMatch(/does not exist|holds no evidence store/);
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });
});

describe('run page: signature column', () => {
  it('without a trusted key: names the key the manifest claims and says the signature was not checked, never "verified" nor "not signed"', async () => {
    const body = await (await get(`/runs/r21?account=${A1}`)).text();
    expect(body).toMatch(/signature not checked \(no trusted key\)<\/span>: signed by key <bdi>local:sha256:[0-9a-f]{64}<\/bdi>/);
    expect(body).not.toContain('signature verified');
    expect(body).not.toContain('not signed');
  });
});
