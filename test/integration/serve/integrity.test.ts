/**
 * The console checks what it shows as `art32 verify` does (issue #19): each run's signature
 * against the trusted key and its anchor, each record's integrity, the chain heads against the
 * anchored heads. Stores recorded by the real rules into dynalite, sealed and anchored, then
 * attacked as an insider holding the record writer's powers would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleApp } from '../../../lib/serve/app';
import { demoStore, type DemoStore } from '../../../lib/serve/demo';
import { ConsoleIntegrity } from '../../../lib/serve/integrity';
import { ConsoleReader } from '../../../lib/serve/reader';
import { allowedHosts } from '../../../lib/serve/security';
import { deleteNewestRun, rewriteFailToPassAndReseal } from './insider';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstu';
const HOST = '127.0.0.1:4000';
const DAYS = ['2026-01-20', '2026-01-21', '2026-01-22'].map((d) => `${d}T06:00:00.000Z`);

let closeDemo: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeDemo?.();
  closeDemo = undefined;
});

async function served(options: { trusted?: boolean } = {}): Promise<{ demo: DemoStore; get: (path: string) => Promise<string>; bytes: (path: string) => Promise<Buffer>; accountId: string }> {
  const demo = await demoStore([{ scenario: 'france-travail', tableName: 'console-integrity', days: DAYS }]);
  closeDemo = demo.close;
  const store = demo.stores[0] as DemoStore;
  const integrity = options.trusted === false ? new ConsoleIntegrity(store.store, { cache: 'live' }) : store.integrity();
  const app = createConsoleApp({
    context: { store: store.store, reader: new ConsoleReader(store.client, store.tableName), storeDescription: 'test', now: () => new Date('2026-01-23T00:00:00Z'), integrity },
    token: TOKEN,
    hosts: () => allowedHosts('127.0.0.1', 4000),
    logError: (e) => {
      throw e;
    },
  });
  const get = async (path: string) => {
    const res = await app.request(path, { headers: { host: HOST, cookie: `art32_console=${TOKEN}` } });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return res.text();
  };
  const bytes = async (path: string) => {
    const res = await app.request(path, { headers: { host: HOST, cookie: `art32_console=${TOKEN}` } });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return Buffer.from(await res.arrayBuffer());
  };
  const [accountId = ''] = await store.store.accounts();
  return { demo: store, get, bytes, accountId };
}

/** The text of a table row (tags dropped) whose HTML contains `marker`. */
function rowWith(body: string, marker: string): { html: string; text: string } {
  const row = body.split('<tr').find((r) => r.includes(marker)) ?? '';
  return { html: row, text: row.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ') };
}

describe('the console verifies signatures and anchors', () => {
  it('clean signed and anchored store: every run "signature verified" and "anchor matched", the anchored head equals the chain head', async () => {
    const { demo, get, accountId } = await served();
    const runs = await get(`/runs?account=${accountId}`);
    expect(runs.match(/signature verified/g)).toHaveLength(DAYS.length);
    expect(runs.match(/anchor matched/g)).toHaveLength(DAYS.length);
    expect(runs).not.toContain('class="tampered"');
    const latest = (await demo.store.latestRun(accountId))?.runId ?? '';
    const run = await get(`/runs/${latest}?account=${accountId}`);
    expect(run).toContain('<span class="good">INTACT</span>');
    expect(run).not.toContain('class="tampered"');
    const verify = await get('/verify');
    expect(verify).toContain('Verified: everything matches.');
    expect(verify).toContain("same as the table's head");
    expect(await get(`/accounts/${accountId}`)).toContain('evidence intact');
  }, 60_000);

  it('downloads carry the same trust: the audit pack ships the public key and the anchors, the audit document says signatures were checked', async () => {
    const { bytes, get, accountId } = await served();
    const period = `account=${accountId}&from=2026-01-20&to=2026-01-22`;
    const zip = await bytes(`/download/audit-pack.zip?${period}`);
    for (const name of ['/public-key.pem', '/anchors.jsonl', '/verification.json']) expect(zip.includes(Buffer.from(name)), name).toBe(true);
    const doc = await get(`/download/audit-document.html?${period}`);
    expect(doc).toContain('Every manifest signature was checked against the trusted public key.');
    expect(doc).not.toContain('Manifest signatures were not checked');
  }, 60_000);

  it('a FAIL rewritten to PASS and re-sealed with another key: record and run red with "signature INVALID", anchor mismatch, account and overview not intact', async () => {
    const { demo, get, accountId } = await served();
    const forged = await rewriteFailToPassAndReseal(demo, 'auth.password-strength');

    const run = await get(`/runs/${forged.runId}?account=${accountId}`);
    const record = rowWith(run, `>auth.password-strength<`);
    expect(record.html).toMatch(/^ class="tampered"/);
    expect(record.text).toContain('PASS'); // the forged status, shown — and flagged
    expect(record.text).toContain('NOT INTACT');
    expect(record.text).toContain("its run's seal does not hold: SIGNATURE_INVALID, ANCHOR_MISMATCH");
    const text = run.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain(`signature INVALID : it claims key ${forged.attackerKeyId} ; the trusted key is ${demo.verifier.keyId}`);
    expect(text).toMatch(/SIGNATURE_INVALID : manifest MANIFEST#[^ ]+: signature does not verify with the trusted public key/);
    expect(text).toContain('anchor MISMATCH');
    expect(text).toContain('Integrity of this run NOT INTACT');
    // Every record of the run hangs on the forged seal: none is shown as intact.
    expect(run).not.toContain('<span class="good">intact</span>');

    const runs = await get(`/runs?account=${accountId}`);
    expect(rowWith(runs, forged.runId).html).toMatch(/^ class="tampered"/);
    expect(rowWith(runs, forged.runId).text).toContain('signature INVALID');
    expect(runs.match(/signature verified/g)).toHaveLength(DAYS.length - 1);

    const verify = await get('/verify');
    expect(verify).toContain('NOT VERIFIED');
    expect(verify).toContain('SIGNATURE_INVALID');
    expect(verify).toContain('ANCHOR_MISMATCH');
    expect(verify).toContain("DIFFERS from the table's head");
    expect(verify).toContain('1 INVALID');

    expect(await get(`/accounts/${accountId}`)).toContain('EVIDENCE NOT INTACT');
    const timeline = await get(`/accounts/${accountId}/rules/auth.password-strength`);
    expect(rowWith(timeline, forged.runId).html).toMatch(/^ class="tampered"/);
    const overview = await get('/');
    expect(overview).toContain('EVIDENCE NOT INTACT');
    expect(overview).toMatch(/<td class="cell c-[A-Z_]+ tampered">/);
  }, 60_000);

  it('the newest run deleted whole: a chain that still links, caught against the anchors (CHAIN_TRUNCATED, anchored head differs)', async () => {
    const { demo, get, accountId } = await served();
    const gone = await deleteNewestRun(demo);
    expect(gone.deleted).toBeGreaterThan(2);
    const verify = await get('/verify');
    expect(verify).toContain('CHAIN_TRUNCATED');
    expect(verify).toContain('1 anchored but not in the table');
    expect(verify).toContain("DIFFERS from the table's head");
    expect(verify).toContain(`anchored manifest MANIFEST#${gone.collectedAt}#${gone.runId}`);
    expect(await get(`/accounts/${accountId}`)).toContain('EVIDENCE NOT INTACT');
    expect(await get('/')).toContain('EVIDENCE NOT INTACT');
  }, 60_000);

  it('without a trusted key nothing is called verified: signatures are said not checked', async () => {
    const { get, accountId } = await served({ trusted: false });
    const verify = await get('/verify');
    expect(verify).not.toContain('Verified: everything matches.');
    expect(verify).toContain('no trusted key — signatures NOT checked');
    const runs = await get(`/runs?account=${accountId}`);
    expect(runs).toContain('signature not checked (no trusted key)');
    expect(runs).not.toContain('signature verified');
    expect(await get(`/accounts/${accountId}`)).toContain('NOT VERIFIED');
  }, 60_000);
});
