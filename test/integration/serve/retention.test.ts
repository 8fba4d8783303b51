/**
 * The console judges evidence retention as `art32 verify`, report and export do
 * (lib/evidence/expiry.ts): a record its manifest lists, gone after the retention period in force
 * when its run was collected, is EXPIRED — a note, the evidence stays intact — while a record
 * deleted before its period ended is still RECORD_DELETED, in red. The clock is injected, so the
 * test reads the same whatever the day it runs.
 */
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { keys } from '../../../lib/evidence';
import { createConsoleApp } from '../../../lib/serve/app';
import { demoStore, type DemoStore } from '../../../lib/serve/demo';
import { ConsoleIntegrity } from '../../../lib/serve/integrity';
import { ConsoleReader } from '../../../lib/serve/reader';
import { allowedHosts } from '../../../lib/serve/security';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstu';
const HOST = '127.0.0.1:4000';
/** Judged on 2026-01-23: the first run is past the default 1,095 days (ended 2026-01-19), the second is not. */
const NOW = new Date('2026-01-23T00:00:00.000Z');
const OLD = '2023-01-20T06:00:00.000Z';
const RECENT = '2026-01-22T06:00:00.000Z';
const runIdOf = (collectedAt: string): string => `run-${collectedAt.slice(0, 10).replace(/-/g, '')}`;

let closeDemo: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeDemo?.();
  closeDemo = undefined;
});

async function served(): Promise<{ demo: DemoStore; get: (path: string) => Promise<string>; accountId: string }> {
  const demo = await demoStore([{ scenario: 'france-travail', tableName: 'console-retention', days: [OLD, RECENT] }]);
  closeDemo = demo.close;
  const store = demo.stores[0] as DemoStore;
  const integrity = new ConsoleIntegrity(store.store, {
    verifier: store.verifier,
    keySource: 'the demo key (memory)',
    anchors: async () => ({ ...(await store.anchors.list()), store: store.anchors.description }),
    cache: 'live',
    now: () => NOW,
  });
  const app = createConsoleApp({
    context: { store: store.store, reader: new ConsoleReader(store.client, store.tableName), storeDescription: 'test', now: () => NOW, integrity },
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
  const [accountId = ''] = await store.store.accounts();
  return { demo: store, get, accountId };
}

/** Delete records of one run as DynamoDB TTL (or `retention --purge`) would: the manifest stays. */
async function deleteRecords(demo: DemoStore, accountId: string, collectedAt: string, ruleIds?: readonly string[]): Promise<number> {
  const records = await demo.store.runRecords(runIdOf(collectedAt), accountId);
  const doomed = records.filter((r) => !ruleIds || ruleIds.includes(r.ruleId));
  for (const r of doomed) {
    await demo.client.send(new DeleteItemCommand({ TableName: demo.tableName, Key: { pk: { S: keys.account(accountId) }, sk: { S: keys.recordSk(collectedAt, r.runId, r.ruleId) } } }));
  }
  return doomed.length;
}

const text = (html: string): string => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');

describe('the console reads records removed after their retention period as expired, as verify does', () => {
  it('records of a run past 1,095 days gone: verification intact, the run page lists them as expired, not deleted', async () => {
    const { demo, get, accountId } = await served();
    const removed = await deleteRecords(demo, accountId, OLD);
    expect(removed).toBeGreaterThan(10);

    const verify = await get('/verify');
    expect(verify).toContain('Verified: everything matches.');
    expect(verify).not.toContain('RECORD_DELETED');
    expect(text(verify)).toContain(`Removed after their retention period`);
    expect(text(verify)).toContain(`account ${accountId}: ${removed} record(s) of run ${runIdOf(OLD)} (${OLD}) expired under the retention policy (the art32 default: records 1095 days`);
    expect(text(verify)).toContain('ended 2026-01-19');

    const run = text(await get(`/runs/${runIdOf(OLD)}?account=${accountId}`));
    expect(run).toContain('Expired records');
    expect(run).toContain('removed as the policy requires, not tampering');
    expect(run).not.toContain('Deleted records');
    expect(run).toContain('Integrity of this run INTACT');
    expect(await get(`/accounts/${accountId}`)).toContain('evidence intact');
  }, 60_000);

  it('a record of the recent run deleted: still RECORD_DELETED, in red, beside the expired ones', async () => {
    const { demo, get, accountId } = await served();
    await deleteRecords(demo, accountId, OLD);
    expect(await deleteRecords(demo, accountId, RECENT, ['auth.password-strength'])).toBe(1);

    const verify = await get('/verify');
    expect(verify).toContain('NOT VERIFIED');
    expect(verify).toContain('RECORD_DELETED');
    expect(text(verify)).toContain('its retention period had not ended');
    expect(text(verify)).toContain(`record(s) of run ${runIdOf(OLD)}`);
    expect(text(verify)).not.toContain(`record(s) of run ${runIdOf(RECENT)}`);

    const run = text(await get(`/runs/${runIdOf(RECENT)}?account=${accountId}`));
    expect(run).toContain('Deleted records');
    expect(run).toContain('Integrity of this run NOT INTACT');
    expect(await get(`/accounts/${accountId}`)).toContain('EVIDENCE NOT INTACT');
  }, 60_000);
});
