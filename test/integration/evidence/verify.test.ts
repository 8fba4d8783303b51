/**
 * Tampering, done with raw SDK calls against the same dynalite table, each detected by
 * verify with a precise message naming the item.
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keys, recordRun, sha256Hex, verifyStore, type EvidenceStore } from '../../../lib/evidence';
import { TEST_KEYS, scenarioRun, startTestDb, testSealer, type TestDb } from './helpers';

let db: TestDb;
let store: EvidenceStore;
let accountId: string;
const DAYS = ['2026-01-20T06:00:00.000Z', '2026-01-21T06:00:00.000Z', '2026-01-22T06:00:00.000Z'];
const RULE = 'auth.password-strength';

beforeAll(async () => {
  db = await startTestDb();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  store = await db.newStore();
  for (const [i, at] of DAYS.entries()) {
    const { snapshot, findings } = scenarioRun('france-travail', at);
    accountId = snapshot.account.id;
    await recordRun({ store, sealer: testSealer(store), snapshot, findings, runId: `run-${i}` });
  }
  expect((await verifyStore(store, { verifier: TEST_KEYS.verifier })).ok).toBe(true);
});

const pk = () => ({ S: keys.account(accountId) });
const recordKey = (day: number, rule = RULE) => ({ pk: pk(), sk: { S: keys.recordSk(DAYS[day] as string, `run-${day}`, rule) } });
const manifestKey = (day: number) => ({ pk: pk(), sk: { S: keys.manifestSk(DAYS[day] as string, `run-${day}`) } });

async function firstProblem() {
  const result = await verifyStore(store, { verifier: TEST_KEYS.verifier, accountId });
  expect(result.ok).toBe(false);
  return result.firstProblem;
}

describe('verify detects tampering', () => {
  it('an observed value edited in a record body', async () => {
    const key = recordKey(1);
    const item = await db.client.send(new GetItemCommand({ TableName: store.tableName, Key: key }));
    const body = item.Item?.body?.S as string;
    const edited = body.replace('"MinimumPasswordLength":8', '"MinimumPasswordLength":14');
    expect(edited).not.toBe(body);
    await db.client.send(new UpdateItemCommand({ TableName: store.tableName, Key: key, UpdateExpression: 'SET body = :b', ExpressionAttributeValues: { ':b': { S: edited } } }));
    const problem = await firstProblem();
    expect(problem?.kind).toBe('RECORD_MODIFIED');
    expect(problem?.sk).toBe(key.sk.S);
    expect(problem?.message).toContain('changed field(s): observed');
    expect(problem?.message).toContain(`SHA-256 of its body is ${sha256Hex(edited)}`);
  });

  it('an edited body with a recomputed hash still breaks the seal of the manifest', async () => {
    const key = recordKey(1);
    const item = await db.client.send(new GetItemCommand({ TableName: store.tableName, Key: key }));
    const edited = (item.Item?.body?.S as string).replace('"status":"FAIL"', '"status":"PASS"');
    await db.client.send(
      new UpdateItemCommand({
        TableName: store.tableName,
        Key: key,
        UpdateExpression: 'SET body = :b, #h = :h, #s = :s',
        ExpressionAttributeNames: { '#h': 'hash', '#s': 'status' },
        ExpressionAttributeValues: { ':b': { S: edited }, ':h': { S: sha256Hex(edited) }, ':s': { S: 'PASS' } },
      }),
    );
    const problem = await firstProblem();
    expect(problem).toMatchObject({ kind: 'RECORD_MODIFIED', sk: key.sk.S });
    // The edit left the per-field diagnostic hashes behind: the recomputed attributes differ.
    expect(problem?.message).toMatch(/modified: attribute fieldHashes = /);
  });

  it('an edited body with hash and every attribute recomputed (recordItem) still breaks the seal of the manifest', async () => {
    const key = recordKey(1);
    const [record] = (await store.history({ accountId, ruleId: RULE })).filter((r) => r.runId === 'run-1');
    const { hash: _h, ...body } = record!;
    const edited = { ...body, status: 'PASS' as const };
    const { hashRecord, recordItem } = await import('../../../lib/evidence');
    const item = recordItem({ ...edited, hash: hashRecord(edited) });
    const { marshall } = await import('@aws-sdk/util-dynamodb');
    await db.client.send(new PutItemCommand({ TableName: store.tableName, Item: marshall(item) }));
    const problem = await firstProblem();
    expect(problem).toMatchObject({ kind: 'RECORD_MODIFIED', sk: key.sk.S });
    expect(problem?.message).toMatch(/is not the hash sealed in manifest MANIFEST#2026-01-21T06:00:00.000Z#run-1/);
  });

  it('a plain attribute edited in the console (status) without touching the body', async () => {
    const key = recordKey(0);
    await db.client.send(
      new UpdateItemCommand({ TableName: store.tableName, Key: key, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'PASS' } } }),
    );
    const problem = await firstProblem();
    expect(problem?.message).toContain(`record ${key.sk.S} modified: attribute status = "PASS" but the hashed body gives "FAIL"`);
  });

  it('a record deleted', async () => {
    const key = recordKey(1, 'auth.root-mfa');
    await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: key }));
    const problem = await firstProblem();
    expect(problem?.kind).toBe('RECORD_DELETED');
    expect(problem?.message).toMatch(new RegExp(`^record ${key.sk.S.replace(/[.$]/g, '\\$&')} \\(rule auth.root-mfa, hash [0-9a-f]{64}\\) is listed in manifest .*run-1 but missing from the table: deleted$`));
  });

  it('a forged record inserted into a sealed run', async () => {
    const source = await db.client.send(new GetItemCommand({ TableName: store.tableName, Key: recordKey(1) }));
    const forgedSk = keys.recordSk(DAYS[1] as string, 'run-1', 'auth.made-up');
    await db.client.send(new PutItemCommand({ TableName: store.tableName, Item: { ...source.Item, sk: { S: forgedSk } } }));
    const problem = await firstProblem();
    expect(problem?.sk).toBe(forgedSk);
    // The copied body names another rule: caught as a record that is not what its key says …
    expect(problem?.kind).toBe('RECORD_FORGED');
    const all = (await verifyStore(store, { verifier: TEST_KEYS.verifier })).accounts[0]?.problems.map((p) => p.message) ?? [];
    // … and as a record no manifest lists.
    expect(all).toContain(`record ${forgedSk} is not listed in manifest MANIFEST#2026-01-21T06:00:00.000Z#run-1 of its run: inserted after the run was sealed`);
  });

  it('a forged record inserted under a run that never existed', async () => {
    const source = await db.client.send(new GetItemCommand({ TableName: store.tableName, Key: recordKey(1) }));
    const forgedSk = keys.recordSk('2026-01-21T12:00:00.000Z', 'ghost', RULE);
    await db.client.send(new PutItemCommand({ TableName: store.tableName, Item: { ...source.Item, sk: { S: forgedSk } } }));
    const problems = (await verifyStore(store, { verifier: TEST_KEYS.verifier })).accounts[0]?.problems ?? [];
    expect(problems.map((p) => p.message)).toContain(`record ${forgedSk} is in no manifest and its run was never started (no run header OPEN#2026-01-21T12:00:00.000Z#ghost): inserted record`);
  });

  it('a forged record stored under a key that is not a record key (extra part), body and hash recomputed', async () => {
    const source = await db.client.send(new GetItemCommand({ TableName: store.tableName, Key: recordKey(1) }));
    const edited = (source.Item?.body?.S as string).replace('"status":"FAIL"', '"status":"PASS"');
    expect(edited).not.toBe(source.Item?.body?.S);
    // Still in the RUN# key range every reader (history by requirement, report) queries, so it must not go unchecked.
    const forgedSk = `${recordKey(1).sk.S}#copy`;
    await db.client.send(new PutItemCommand({ TableName: store.tableName, Item: { ...source.Item, sk: { S: forgedSk }, body: { S: edited }, hash: { S: sha256Hex(edited) }, status: { S: 'PASS' } } }));
    const problems = (await verifyStore(store, { verifier: TEST_KEYS.verifier, accountId })).accounts[0]?.problems ?? [];
    expect(problems).toContainEqual(
      expect.objectContaining({ kind: 'RECORD_FORGED', sk: forgedSk, message: `item ${forgedSk} is stored among the records but its key is not RUN#<collectedAt>#<runId>#RULE#<ruleId>: inserted item` }),
    );
  });

  it('a forged manifest stored under a key that is not a manifest key', async () => {
    const source = await db.client.send(new GetItemCommand({ TableName: store.tableName, Key: manifestKey(2) }));
    const forgedSk = `${manifestKey(2).sk.S}#copy`;
    await db.client.send(new PutItemCommand({ TableName: store.tableName, Item: { ...source.Item, sk: { S: forgedSk } } }));
    const problems = (await verifyStore(store, { verifier: TEST_KEYS.verifier, accountId })).accounts[0]?.problems ?? [];
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'MANIFEST_MODIFIED', sk: forgedSk }));
  });

  it('a manifest deleted in the middle of the chain', async () => {
    await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: manifestKey(1) }));
    const problem = await firstProblem();
    expect(problem?.kind).toBe('MANIFEST_DELETED');
    expect(problem?.message).toMatch(/^manifest of run run-1 \(2026-01-21T06:00:00.000Z\) deleted: manifest MANIFEST#2026-01-22T06:00:00.000Z#run-2 links to it with hash [0-9a-f]{64}, but it is not in the table \(chain gap\)$/);
  });

  it('the latest manifest deleted', async () => {
    await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: manifestKey(2) }));
    const problem = await firstProblem();
    expect(problem?.kind).toBe('RUN_INCOMPLETE');
    expect(problem?.message).toContain('latest run run-2 (2026-01-22T06:00:00.000Z) has');
    expect(problem?.message).toContain('no manifest');
  });

  it("a manifest's previous-hash altered (attribute)", async () => {
    await db.client.send(
      new UpdateItemCommand({ TableName: store.tableName, Key: manifestKey(2), UpdateExpression: 'SET previousHash = :h', ExpressionAttributeValues: { ':h': { S: 'f'.repeat(64) } } }),
    );
    const problem = await firstProblem();
    expect(problem?.kind).toBe('MANIFEST_LINK_BROKEN');
    expect(problem?.message).toContain(`manifest ${manifestKey(2).sk.S}: previous-hash attribute altered: it says ${'f'.repeat(64)}`);
  });

  it("a manifest's previous-hash altered in its body with the hash recomputed", async () => {
    const item = await db.client.send(new GetItemCommand({ TableName: store.tableName, Key: manifestKey(2) }));
    const body = JSON.parse(item.Item?.body?.S as string) as { previous: { hash: string } };
    const oldPrevious = body.previous.hash;
    body.previous.hash = 'e'.repeat(64);
    const { canonicalJson } = await import('../../../lib/evidence');
    const edited = canonicalJson(body);
    await db.client.send(
      new UpdateItemCommand({
        TableName: store.tableName,
        Key: manifestKey(2),
        UpdateExpression: 'SET body = :b, #h = :h, previousHash = :p',
        ExpressionAttributeNames: { '#h': 'hash' },
        ExpressionAttributeValues: { ':b': { S: edited }, ':h': { S: sha256Hex(edited) }, ':p': { S: 'e'.repeat(64) } },
      }),
    );
    // The signature catches it first (the body no longer is what the sealer signed) …
    const problem = await firstProblem();
    expect(problem?.kind).toBe('SIGNATURE_INVALID');
    // … and the link check, which alone holds when no key is given, names the broken link.
    const unsigned = await verifyStore(store, { accountId });
    expect(unsigned.accounts[0]?.problems.map((p) => p.message)).toContain(
      `manifest ${manifestKey(2).sk.S}: previous-hash ${'e'.repeat(64)} does not match manifest ${manifestKey(1).sk.S} (hash ${oldPrevious}): previous-hash altered or previous manifest rewritten`,
    );
  });

  it('verify --from checks runs from that date and still walks the whole chain', async () => {
    await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: recordKey(0) }));
    const later = await verifyStore(store, { verifier: TEST_KEYS.verifier, accountId, from: '2026-01-21' });
    expect(later.ok).toBe(true);
    expect((await verifyStore(store, { verifier: TEST_KEYS.verifier, accountId })).firstProblem?.kind).toBe('RECORD_DELETED');
  });
});

describe('one run id recorded at several times', () => {
  // `collect --scenario X --run-id R` twice: two dated runs under one run id, each its own link.
  const LATER = ['2026-01-23T06:00:00.000Z', '2026-01-23T06:00:02.000Z'];
  beforeEach(async () => {
    for (const at of LATER) {
      const { snapshot, findings } = scenarioRun('france-travail', at);
      await recordRun({ store, sealer: testSealer(store), snapshot, findings, runId: 'demo' });
    }
  });

  it('verifies: the chain links by collection time and run id, not run id alone', async () => {
    const result = await verifyStore(store, { verifier: TEST_KEYS.verifier, accountId });
    expect(result.firstProblem).toBeUndefined();
    expect(result.ok).toBe(true);
  });

  it('still names the deleted one of them', async () => {
    const first = { pk: pk(), sk: { S: keys.manifestSk(LATER[0] as string, 'demo') } };
    await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: first }));
    const problem = await firstProblem();
    expect(problem?.kind).toBe('MANIFEST_DELETED');
    expect(problem?.message).toContain(`manifest of run demo (${LATER[0]}) deleted`);
  });
});
