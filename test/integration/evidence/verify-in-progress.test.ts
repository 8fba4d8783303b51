/**
 * `verify --table` tells a run in progress from an interrupted one and from tampering
 * (issue #14 item 1), on a real DynamoDB-compatible table (dynalite) read through the CLI the
 * way an operator does (`AWS_ENDPOINT_URL`):
 * - the deployed execution holding the collection lock has written its records, not sealed
 *   them yet → "IN PROGRESS", exit 6 (busy: try again), not 4 (incomplete) nor 3;
 * - the same state once the lease has expired (the execution died) → incomplete, exit 4;
 * - the lock released (the run finalized) but still no manifest → incomplete, exit 4;
 * - a record of the in-progress run rewritten by the writer role → tampering, exit 3, even
 *   while the run is in progress.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashRecord, recordItem, recordRun, writeRunRecords, type EvidenceStore } from '../../../lib/evidence';
import { RunLock, RUN_LEASE_MS } from '../../../lib/evidence/run-lock';
import { run } from '../../unit/cli/capture';
import { scenarioRun, startTestDb, testSealer, TEST_KEYS, type TestDb } from './helpers';

let db: TestDb;
const saved = { ...process.env };
const ACCOUNT = '111122223333';

beforeAll(async () => {
  db = await startTestDb();
  process.env.AWS_ENDPOINT_URL = db.server.endpoint;
  process.env.AWS_REGION = 'eu-west-3';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  await writeFile(join(db.dir, 'public.pem'), await TEST_KEYS.signer.publicKeyPem());
});
afterAll(async () => {
  process.env = saved;
  await db.close();
});
afterEach(() => {
  process.exitCode = undefined;
});

/** Day 1 sealed by FinalizeRun; day 2 written by CollectAccount for execution `exec-2`, not sealed yet. */
async function deployedRunHalfWay(): Promise<EvidenceStore> {
  const store = await db.newStore();
  const day1 = scenarioRun('france-travail', '2026-01-20T06:00:00.000Z');
  await recordRun({ store, ...day1, runId: 'exec-1', sealer: testSealer(store) });
  const day2 = scenarioRun('france-travail', '2026-01-21T06:00:00.000Z');
  await writeRunRecords({ store, ...day2, runId: 'exec-2' });
  return store;
}

const verify = (store: EvidenceStore, ...extra: string[]) =>
  run('verify', '--table', store.tableName, '--public-key', join(db.dir, 'public.pem'), ...extra);

describe('verify --table while a deployed run is collecting', () => {
  it('the execution holding a live lease: IN PROGRESS, exit 6; after the lease expires: incomplete, exit 4', async () => {
    const store = await deployedRunHalfWay();
    let now = new Date();
    const lock = new RunLock({ doc: store.documentClient, tableName: store.tableName, now: () => now });
    await lock.acquire('exec-2');

    const during = await verify(store);
    expect(during.stderr).toBe('');
    expect(during.code).toBe(6);
    expect(during.stdout).toContain(`run exec-2 is in progress`);
    expect(during.stdout).toContain(`1 account(s) not sealed yet — ${ACCOUNT}`);
    expect(during.stdout).toContain('IN PROGRESS — no tampering found');
    expect(during.stdout).not.toContain('RUN_INCOMPLETE');
    const json = JSON.parse((await verify(store, '--format', 'json')).stdout) as { verdict: string; inProgress: { runId: string; accounts: string[] } };
    expect(json.verdict).toBe('intact');
    expect(json.inProgress).toMatchObject({ runId: 'exec-2', accounts: [ACCOUNT] });

    // The execution died: its lease (taken long ago) has expired → interrupted, not in progress.
    now = new Date(Date.now() - RUN_LEASE_MS - 60_000);
    await lock.release('exec-2');
    await lock.acquire('exec-2');
    const after = await verify(store);
    expect(after.code).toBe(4);
    expect(after.stdout).toContain('RUN_INCOMPLETE');
    expect(after.stdout).not.toContain('in progress (collection lock');
  });

  it('a lock held by another run (or released) does not excuse an unsealed run: exit 4', async () => {
    const store = await deployedRunHalfWay();
    const lock = new RunLock({ doc: store.documentClient, tableName: store.tableName });
    await lock.acquire('exec-3');
    expect((await verify(store)).code).toBe(4);
    await lock.release('exec-3');
    expect((await verify(store)).code).toBe(4);
  });

  it('a record of the run in progress rewritten by the writer role is tampering, exit 3', async () => {
    const store = await deployedRunHalfWay();
    await new RunLock({ doc: store.documentClient, tableName: store.tableName }).acquire('exec-2');
    const [victim] = await store.runRecords('exec-2', ACCOUNT);
    if (!victim) throw new Error('no record written');
    const forged = { ...victim, status: 'PASS' as const, observed: { forged: true } };
    const body = { ...forged, hash: hashRecord(forged) };
    await DynamoDBDocumentClient.from(db.client).send(new PutCommand({ TableName: store.tableName, Item: recordItem(body) }));
    const out = await verify(store);
    expect(out.code).toBe(3);
    expect(out.stdout).toContain('RECORD_MODIFIED');
    expect(out.stdout).toContain('run exec-2 is in progress');
  });
});
