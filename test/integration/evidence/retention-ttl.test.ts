/**
 * Evidence retention in the deployed table: the record writer stamps each record and its run's
 * payload with DynamoDB's TTL attribute `expiresAt` (epoch seconds) from the retention in force
 * when the run was collected (register, as of collectedAt); manifests, headers and the register
 * never carry it. verify does not trust the attribute: a stamped run verifies intact, and a
 * record an insider gave an early TTL (so DynamoDB deletes it before its period) reads as deleted.
 * Real dynalite store; DynamoDB's TTL sweep itself is simulated by deleting the item.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EvidenceStore, EXPIRES_AT_ATTRIBUTE } from '../../../lib/evidence/store';
import { registerExpiry, storeRetention } from '../../../lib/evidence/expiry';
import { writeRunRecords } from '../../../lib/evidence/run';
import { sealOpenRuns } from '../../../lib/evidence/lifecycle';
import { verifyAccount } from '../../../lib/evidence/verify';
import { keys } from '../../../lib/evidence/table';
import { RegisterStore } from '../../../lib/register/store';
import { osDeclarant } from '../../../lib/register/identity';
import { scenarioRun, startTestDb, TEST_KEYS, testSealer, type TestDb } from './helpers';

const DAY = 86_400;
const epoch = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
const verifier = TEST_KEYS.verifier;

let db: TestDb;
let store: EvidenceStore;
let doc: DynamoDBDocumentClient;
beforeAll(async () => {
  db = await startTestDb();
  doc = DynamoDBDocumentClient.from(db.client);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  const plain = await db.newStore();
  store = new EvidenceStore({ client: db.client, tableName: plain.tableName, sleep: async () => {}, expiry: registerExpiry(db.client, plain.tableName) });
});

async function writeAndSeal(collectedAt: string, runId: string, on: EvidenceStore = store) {
  const { snapshot, findings } = scenarioRun('compliant', collectedAt);
  await writeRunRecords({ store: on, snapshot, findings, runId });
  await sealOpenRuns(on, testSealer(on), snapshot.account.id, { collectedAt, runId }, 'test');
  return { accountId: snapshot.account.id };
}

describe('DynamoDB TTL attribute expiresAt', () => {
  it('records expire at collection + the period in force (activity records sooner); the payload with its last record; nothing else carries it', async () => {
    const at = '2026-03-02T06:00:00.000Z';
    const { accountId } = await writeAndSeal(at, 'r1');
    const items = await store.accountItems(accountId);
    expect(items.records.length).toBeGreaterThan(5);
    for (const r of items.records) {
      const days = r.ruleId === 'monitoring.abnormal-activity' ? 365 : 1095;
      expect(r[EXPIRES_AT_ATTRIBUTE], String(r.sk)).toBe(epoch(at) + days * DAY);
    }
    const payload = await store.getItem(keys.account(accountId), keys.payloadSk(at, 'r1'));
    expect(payload?.[EXPIRES_AT_ATTRIBUTE]).toBe(epoch(at) + 1095 * DAY);
    for (const m of [...items.manifests, ...items.headers]) expect(m[EXPIRES_AT_ATTRIBUTE], String(m.sk)).toBeUndefined();
    // Not evidence, not trusted, not a problem: the run verifies intact with its signatures.
    const v = await verifyAccount(store, accountId, undefined, { verifier });
    expect(v.problems).toEqual([]);
  });

  it('a declared evidence retention in force at collection sets the TTL; a later declaration does not reach back', async () => {
    const register = new RegisterStore(db.client, store.tableName);
    const declare = (recordDays: number, activityDays: number, recordedAt: string) =>
      register.append({ kind: 'declaration', accountId: '*', payload: { type: 'evidence-retention', recordDays, activityDays, justification: 'audit cycle' }, declarant: osDeclarant(), recordedAt });
    await declare(730, 180, '2026-01-01T00:00:00.000Z');
    const first = '2026-03-02T06:00:00.000Z';
    const { accountId } = await writeAndSeal(first, 'r1');
    await declare(60, 30, '2026-03-10T00:00:00.000Z');
    const second = '2026-03-20T06:00:00.000Z';
    await writeAndSeal(second, 'r2');
    const byRun = (runId: string, ruleId: string) =>
      store.getItem(keys.account(accountId), keys.recordSk(runId === 'r1' ? first : second, runId, ruleId)).then((i) => i?.[EXPIRES_AT_ATTRIBUTE]);
    expect(await byRun('r1', 'auth.root-mfa')).toBe(epoch(first) + 730 * DAY);
    expect(await byRun('r1', 'monitoring.abnormal-activity')).toBe(epoch(first) + 180 * DAY);
    expect(await byRun('r2', 'auth.root-mfa')).toBe(epoch(second) + 60 * DAY);
  });

  it('attack: the writer re-puts a record with an early expiresAt and DynamoDB deletes it — verify reports it deleted, not expired', async () => {
    const at = '2026-03-02T06:00:00.000Z';
    const { accountId } = await writeAndSeal(at, 'r1');
    const sk = keys.recordSk(at, 'r1', 'auth.root-mfa');
    const item = await store.getItem(keys.account(accountId), sk);
    // Same body, same hash: only the TTL instruction is forged (PutItem overwrite is the writer's own action).
    await doc.send(new PutCommand({ TableName: store.tableName, Item: { ...item, [EXPIRES_AT_ATTRIBUTE]: epoch(at) + 60 } }));
    expect((await verifyAccount(store, accountId, undefined, { verifier })).problems).toEqual([]);
    // DynamoDB's TTL sweep (simulated): the item is gone well before its 1095 days.
    await doc.send(new DeleteCommand({ TableName: store.tableName, Key: { pk: keys.account(accountId), sk } }));
    // Judged with the retention check every reader uses, a week later (not the real clock): the
    // forged TTL does not make the deletion read as expiry.
    const retention = (await storeRetention(store, '2026-03-09T06:00:00.000Z'))(accountId);
    const v = await verifyAccount(store, accountId, undefined, { verifier, retention });
    expect(v.problems.map((p) => [p.kind, p.sk])).toEqual([['RECORD_DELETED', sk]]);
    expect(v.expired).toEqual([]);
  });

  it('without the expiry option (CLI, readers) nothing is stamped', async () => {
    const plain = await db.newStore();
    const { accountId } = await writeAndSeal('2026-03-02T06:00:00.000Z', 'r1', plain);
    const items = await plain.accountItems(accountId);
    expect(items.records.length).toBeGreaterThan(5);
    expect(items.records.every((r) => !(EXPIRES_AT_ATTRIBUTE in r))).toBe(true);
  });
});
