/**
 * The attack suite: what an insider holding the record writer's powers (PutItem, the library's
 * own functions) or table write access does, against a real dynalite table — and the check
 * that catches each attack. Each of these passed unnoticed before manifests were signed,
 * attributes recomputed and anchors compared (issue #13).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EvidenceRecord,
  SealRefusedError,
  Sealer,
  buildManifest,
  directoryAnchors,
  ephemeralKeyPair,
  hashRecord,
  keys,
  manifestItem,
  manifestSignatureOf,
  recordIntegrity,
  recordItem,
  recordRun,
  verifyAccount,
  verifyStore,
  type AnchorStore,
  type EvidenceStore,
  type ManifestSigner,
  planOf,
} from '../../../lib/evidence';
import { exportPack } from '../../../lib/evidence/export';
import { buildRecords, manifestBody } from '../../../lib/evidence/build';
import { canonicalJson } from '../../../lib/evidence/canonical';
import { contextItem } from '../../../lib/evidence/context-item';
import { TEST_KEYS, scenarioRun, startTestDb, type TestDb } from './helpers';

let db: TestDb;
let store: EvidenceStore;
let anchorDir: string;
let anchors: AnchorStore;
let accountId: string;
const DAYS = ['2026-01-20T06:00:00.000Z', '2026-01-21T06:00:00.000Z', '2026-01-22T06:00:00.000Z'];
const RULE = 'auth.password-strength';
const verifier = TEST_KEYS.verifier;

beforeAll(async () => {
  db = await startTestDb();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  store = await db.newStore();
  anchorDir = await mkdtemp(join(tmpdir(), 'art32-anchors-'));
  anchors = directoryAnchors(anchorDir);
  const sealer = new Sealer({ store, signer: TEST_KEYS.signer, anchors });
  for (const [i, at] of DAYS.entries()) {
    const { snapshot, findings } = scenarioRun('france-travail', at);
    accountId = snapshot.account.id;
    await recordRun({ store, sealer, snapshot, findings, runId: `run-${i}` });
  }
  const clean = await verifyStore(store, { verifier, anchors: { ...(await anchors.list()), store: anchors.description } });
  expect(clean.verdict).toBe('intact');
  return () => rm(anchorDir, { recursive: true, force: true });
});

const doc = () => DynamoDBDocumentClient.from(db.client);
const pk = () => ({ S: keys.account(accountId) });
const anchorListing = async () => ({ ...(await anchors.list()), store: anchors.description });

/** The writer's rewrite: FAIL → PASS on day 0, hash recomputed, written with a plain PutItem. */
async function rewriteRecordToPass(): Promise<EvidenceRecord> {
  const [original] = (await store.history({ accountId, ruleId: RULE })).filter((r) => r.runId === 'run-0');
  expect(original?.status).toBe('FAIL');
  const { hash: _old, ...rest } = original as EvidenceRecord;
  const forgedBody = { ...rest, status: 'PASS' as const, message: 'Password policy meets the recommendation' };
  const forged = EvidenceRecord.parse({ ...forgedBody, hash: hashRecord(forgedBody) });
  await doc().send(new PutCommand({ TableName: store.tableName, Item: recordItem(forged) }));
  return forged;
}

/** Re-seal every manifest from `day` on with the library's own functions and a given signer. */
async function resealFrom(day: number, signer: ManifestSigner | 'copy-old-signature'): Promise<void> {
  let previous = day > 0 ? (await store.manifests(accountId)).find((m) => m.runId === `run-${day - 1}`) : undefined;
  for (let i = day; i < DAYS.length; i++) {
    const records = await store.runRecords(`run-${i}`, accountId);
    const manifest = buildManifest(records, previous ? { runId: previous.runId, collectedAt: previous.collectedAt, hash: previous.hash } : null);
    const old = await store.getManifestItem(accountId, DAYS[i] as string, `run-${i}`);
    const signature = signer === 'copy-old-signature' ? manifestSignatureOf(old ?? {})! : await signer.sign(JSON.stringify(manifest));
    await doc().send(new PutCommand({ TableName: store.tableName, Item: manifestItem(manifest, signature) }));
    // The run header's plan names each record's hash: a thorough forger rewrites it too.
    const header = await store.getRunHeader(accountId, DAYS[i] as string, `run-${i}`);
    await doc().send(new PutCommand({ TableName: store.tableName, Item: { ...header, plan: planOf(records) } }));
    previous = manifest;
  }
}

describe('attack: the record writer rewrites a record and re-seals the chain with the library', () => {
  it('hashes and links all match again — only the signature check catches it', async () => {
    const forged = await rewriteRecordToPass();
    await resealFrom(0, 'copy-old-signature');
    // Hashes, links and attributes are all consistent: without the key check this passes (the old verify).
    expect((await verifyStore(store, { accountId })).ok).toBe(true);
    const result = await verifyStore(store, { accountId, verifier });
    expect(result.verdict).toBe('tampered');
    expect(result.accounts[0]?.problems.map((p) => p.kind)).toEqual(['SIGNATURE_INVALID', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID']);
    expect(result.firstProblem?.message).toContain(`manifest ${keys.manifestSk(DAYS[0] as string, 'run-0')}: signature does not verify with the trusted public key`);
    // The forged PASS is never shown as plain evidence.
    const integrity = recordIntegrity(result.accounts[0]!, keys.recordSk(forged.collectedAt, forged.runId, RULE));
    expect(integrity.intact).toBe(false);
  });

  it('signing with a key of their own is caught too, naming the key it claims', async () => {
    await rewriteRecordToPass();
    const attacker = ephemeralKeyPair();
    await resealFrom(0, attacker.signer);
    const result = await verifyStore(store, { accountId, verifier });
    expect(result.firstProblem?.kind).toBe('SIGNATURE_INVALID');
    expect(result.firstProblem?.message).toContain(`it claims key ${attacker.verifier.keyId}; the trusted key is ${verifier.keyId}`);
  });

  it('an unsigned manifest written by the writer is reported as not sealed by the sealer', async () => {
    await rewriteRecordToPass();
    const records = await store.runRecords('run-0', accountId);
    const { signature: _s, signatureAlgorithm: _a, signingKeyId: _k, ...unsigned } = manifestItem(buildManifest(records, null), { algorithm: 'ECDSA_SHA_256', keyId: 'x', value: 'x' });
    await doc().send(new PutCommand({ TableName: store.tableName, Item: unsigned }));
    expect((await verifyStore(store, { accountId, verifier })).firstProblem?.kind).toBe('MANIFEST_UNSIGNED');
  });

  it('the anchors catch the re-sealed chain as well (each anchored hash differs)', async () => {
    await rewriteRecordToPass();
    await resealFrom(0, 'copy-old-signature');
    const result = await verifyStore(store, { accountId, anchors: await anchorListing() });
    expect(result.accounts[0]?.problems.filter((p) => p.kind === 'ANCHOR_MISMATCH')).toHaveLength(3);
  });
});

describe('attack: the sealer is asked to re-sign', () => {
  /** A signer that counts its uses: a refusal must sign nothing. */
  function countingSigner(): ManifestSigner & { uses: number } {
    const s = { uses: 0, description: 'counting', publicKeyPem: () => TEST_KEYS.signer.publicKeyPem(), sign: (b: string) => (s.uses++, TEST_KEYS.signer.sign(b)) };
    return s;
  }

  it('a sealed run whose record was rewritten is refused, and nothing is signed or written', async () => {
    await rewriteRecordToPass();
    const signer = countingSigner();
    const before = await store.getManifestItem(accountId, DAYS[0] as string, 'run-0');
    const error = await new Sealer({ store, signer, anchors }).seal({ accountId, runId: 'run-0', collectedAt: DAYS[0] as string }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SealRefusedError);
    expect((error as Error).message).toMatch(/run run-0 .* is already sealed \(manifest [0-9a-f]{64}\) and is never re-signed/);
    expect(signer.uses).toBe(0);
    expect(await store.getManifestItem(accountId, DAYS[0] as string, 'run-0')).toEqual(before);
  });

  it('a retried seal of an untouched run signs nothing and returns the stored manifest', async () => {
    const signer = countingSigner();
    const result = await new Sealer({ store, signer, anchors }).seal({ accountId, runId: 'run-2', collectedAt: DAYS[2] as string });
    expect(result.alreadySealed).toBe(true);
    expect(result.anchor).toBe('present');
    expect(signer.uses).toBe(0);
  });

  it('the sealer signs only what it reads back: a record that fails its own hash, or a count short of the header, is refused', async () => {
    const { snapshot, findings } = scenarioRun('france-travail', '2026-01-23T06:00:00.000Z');
    const { writeRunRecords } = await import('../../../lib/evidence');
    const { records } = await writeRunRecords({ store, snapshot, findings, runId: 'run-3' });
    const sk = keys.recordSk(records[0]!.collectedAt, 'run-3', records[0]!.ruleId);
    await db.client.send(new UpdateItemCommand({ TableName: store.tableName, Key: { pk: pk(), sk: { S: sk } }, UpdateExpression: 'SET body = :b', ExpressionAttributeValues: { ':b': { S: '{}' } } }));
    const signer = countingSigner();
    const sealer = new Sealer({ store, signer, anchors });
    await expect(sealer.seal({ accountId, runId: 'run-3', collectedAt: snapshot.collectedAt })).rejects.toThrow(new RegExp(`record ${sk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not intact`));
    await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: { pk: pk(), sk: { S: sk } } }));
    await expect(sealer.seal({ accountId, runId: 'run-3', collectedAt: snapshot.collectedAt })).rejects.toThrow(/header plans \d+ record\(s\), \d+ are stored: still being written/);
    expect(signer.uses).toBe(0);
  });
});

describe('attack: deletions a hash chain alone cannot see', () => {
  it('truncation: the newest run deleted whole — unseen by the chain, caught by the anchors', async () => {
    const items = await db.client.send(
      new QueryCommand({ TableName: store.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk() } }),
    );
    for (const item of items.Items ?? []) {
      if (item.sk?.S?.includes(DAYS[2] as string)) await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: { pk: item.pk!, sk: item.sk! } }));
    }
    expect((await verifyStore(store, { accountId, verifier })).ok).toBe(true); // a shorter valid chain
    const result = await verifyStore(store, { accountId, verifier, anchors: await anchorListing() });
    expect(result.verdict).toBe('tampered');
    expect(result.firstProblem?.kind).toBe('CHAIN_TRUNCATED');
    expect(result.firstProblem?.message).toContain(`anchored manifest ${keys.manifestSk(DAYS[2] as string, 'run-2')}`);
  });

  it('truncation caught by --expect-head as well (a head kept elsewhere)', async () => {
    const head = (await verifyAccount(store, accountId, undefined, { verifier })).headHash as string;
    await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: { pk: pk(), sk: { S: keys.manifestSk(DAYS[2] as string, 'run-2') } } }));
    const result = await verifyStore(store, { verifier, expectHeads: [head] });
    expect(result.storeProblems?.map((p) => p.kind)).toEqual(['CHAIN_TRUNCATED']);
  });

  it('the ACCOUNTS registry entry deleted: the account vanished from the list, the anchors bring it back', async () => {
    await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: { pk: { S: 'ACCOUNTS' }, sk: { S: keys.registrySk(accountId) } } }));
    expect(await store.accounts()).toEqual([]);
    const result = await verifyStore(store, { verifier, anchors: await anchorListing() });
    expect(result.accounts.map((a) => a.accountId)).toEqual([accountId]);
    expect(result.firstProblem?.kind).toBe('REGISTRY_ENTRY_MISSING');
    // Named explicitly, the account is verified and the missing entry reported, anchors or not.
    expect((await verifyStore(store, { verifier, accountId })).firstProblem?.kind).toBe('REGISTRY_ENTRY_MISSING');
  });

  it('a whole account deleted (registry, manifests, records): only the anchors remember it', async () => {
    const items = await db.client.send(new QueryCommand({ TableName: store.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk() } }));
    for (const item of items.Items ?? []) await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: { pk: item.pk!, sk: item.sk! } }));
    await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: { pk: { S: 'ACCOUNTS' }, sk: { S: keys.registrySk(accountId) } } }));
    const result = await verifyStore(store, { verifier, anchors: await anchorListing() });
    expect(result.verdict).toBe('tampered');
    expect(result.accounts[0]?.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['REGISTRY_ENTRY_MISSING', 'CHAIN_TRUNCATED']));
  });
});

describe('attack: attributes outside the hashed body', () => {
  it("a record's gsi1pk moved hides it from history --rule; verify recomputes the key from the body", async () => {
    const sk = keys.recordSk(DAYS[1] as string, 'run-1', RULE);
    await db.client.send(
      new UpdateItemCommand({
        TableName: store.tableName,
        Key: { pk: pk(), sk: { S: sk } },
        UpdateExpression: 'SET gsi1pk = :g',
        ExpressionAttributeValues: { ':g': { S: keys.byRulePk(accountId, 'hidden') } },
      }),
    );
    expect((await store.history({ accountId, ruleId: RULE })).map((r) => r.runId)).toEqual(['run-0', 'run-2']);
    const result = await verifyStore(store, { accountId, verifier });
    expect(result.firstProblem?.kind).toBe('RECORD_MODIFIED');
    expect(result.firstProblem?.message).toContain(`record ${sk} modified: attribute gsi1pk = "${keys.byRulePk(accountId, 'hidden')}" but the hashed body gives "${keys.byRulePk(accountId, RULE)}"`);
  });

  it('a registry entry or a run header edited is reported', async () => {
    await db.client.send(new PutItemCommand({ TableName: store.tableName, Item: { pk: { S: 'ACCOUNTS' }, sk: { S: keys.registrySk(accountId) }, type: { S: 'ACCOUNT' }, accountId: { S: '999999999999' } } }));
    await db.client.send(
      new UpdateItemCommand({
        TableName: store.tableName,
        Key: { pk: pk(), sk: { S: keys.openSk(DAYS[0] as string, 'run-0') } },
        UpdateExpression: 'SET recordCount = :n',
        ExpressionAttributeValues: { ':n': { N: '3' } },
      }),
    );
    const kinds = (await verifyStore(store, { verifier })).accounts.flatMap((a) => a.problems.map((p) => p.kind));
    const result = await verifyStore(store, { verifier });
    expect(result.storeProblems?.map((p) => p.kind)).toEqual(['REGISTRY_ENTRY_MODIFIED']);
    expect(kinds).toContain('HEADER_MODIFIED');
  });
});

describe('attack: a forged record shown as evidence', () => {
  it('export copies the stored bytes, marks the forged record NOT INTACT and lists it', async () => {
    const forged = await rewriteRecordToPass();
    const out = join(anchorDir, 'pack');
    const result = await exportPack({ store, accountId, from: '2026-01-01', to: '2026-01-31', outDir: out, verifier, anchors: await anchorListing() });
    expect(result.verification.verdict).toBe('tampered');
    expect(result.notIntact).toBe(1);
    const { readFile } = await import('node:fs/promises');
    const listed = (await readFile(join(out, 'NOT-INTACT.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { sk: string; reason: string });
    expect(listed).toEqual([{ sk: keys.recordSk(forged.collectedAt, 'run-0', RULE), hash: forged.hash, reason: expect.stringContaining('RECORD_MODIFIED') }]);
    expect(await readFile(join(out, 'SUMMARY.md'), 'utf8')).toContain('⚠ NOT INTACT (PASS)');
    const stored = await store.getManifestItem(accountId, DAYS[0] as string, 'run-0');
    expect(await readFile(join(out, 'manifests', `${String(stored?.hash)}.json`), 'utf8')).toBe(stored?.body);
  });
});

describe('attack: the collection context (who collected the run) rewritten, deleted or added after the seal', () => {
  const CONTEXT_BODY = (run: string, at: string, who: string) => canonicalJson({ contextVersion: 1, accountId, runId: run, collectedAt: at, collectedBy: { identity: who, via: 'sts', host: 'test' } });

  it('a context written before the seal is sealed by hash (version 2); rewriting it with its own hash recomputed, or deleting it, is reported', async () => {
    const at = '2026-01-23T06:00:00.000Z';
    const { snapshot, findings } = scenarioRun('france-travail', at);
    await recordRun({
      store,
      sealer: new Sealer({ store, signer: TEST_KEYS.signer, anchors }),
      snapshot,
      findings,
      runId: 'run-ctx',
      beforeSeal: async () => {
        await store.putContextItem(contextItem({ accountId, runId: 'run-ctx', collectedAt: at }, CONTEXT_BODY('run-ctx', at, 'arn:aws:sts::999999999999:assumed-role/art32-collector/s')));
      },
    });
    const manifest = await store.getManifest(accountId, at, 'run-ctx');
    expect(manifest).toMatchObject({ manifestVersion: 2, context: { sk: keys.contextSk(at, 'run-ctx') } });
    expect((await verifyStore(store, { verifier, anchors: await anchorListing() })).verdict).toBe('intact');

    // The writer (PutItem) names someone else and recomputes the item's own hash: hashes agree again.
    const forged = CONTEXT_BODY('run-ctx', at, 'arn:aws:sts::999999999999:assumed-role/someone-trusted/s');
    await doc().send(new PutCommand({ TableName: store.tableName, Item: { ...contextItem({ accountId, runId: 'run-ctx', collectedAt: at }, forged) } }));
    const rewritten = await verifyStore(store, { verifier, anchors: await anchorListing() });
    expect(rewritten.verdict).toBe('tampered');
    expect(rewritten.accounts[0]?.problems.map((p) => p.kind)).toEqual(['CONTEXT_MODIFIED']);

    await db.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: { pk: pk(), sk: { S: keys.contextSk(at, 'run-ctx') } } }));
    const deleted = await verifyStore(store, { verifier });
    expect(deleted.accounts[0]?.problems.map((p) => p.kind)).toEqual(['CONTEXT_DELETED']);
  });

  it('a context added beside a run sealed without one is reported as added after the seal', async () => {
    await store.putContextItem(contextItem({ accountId, runId: 'run-1', collectedAt: DAYS[1] as string }, CONTEXT_BODY('run-1', DAYS[1] as string, 'arn:aws:iam::999999999999:user/mallory')));
    const result = await verifyStore(store, { verifier });
    expect(result.accounts[0]?.problems.map((p) => [p.kind, p.runId])).toEqual([['CONTEXT_FORGED', 'run-1']]);
  });

  it('a version 1 manifest (sealed before contexts were covered) still verifies; its context is not covered, not a problem', async () => {
    const legacy = await db.newStore();
    const at = DAYS[0] as string;
    const { snapshot, findings } = scenarioRun('france-travail', at);
    const records = buildRecords({ snapshot, findings, runId: 'old-run', requirementsFor: () => [] });
    await legacy.writeRun(records);
    const manifest = buildManifest(records, null); // no context given: version 1, as sealed before
    expect(manifest.manifestVersion).toBe(1);
    expect(await legacy.putManifest(manifest, await TEST_KEYS.signer.sign(manifestBody(manifest)))).toBe(true);
    await legacy.putContextItem(contextItem({ accountId, runId: 'old-run', collectedAt: at }, CONTEXT_BODY('old-run', at, 'someone')));
    const result = await verifyStore(legacy, { verifier });
    expect(result.accounts.flatMap((a) => a.problems)).toEqual([]);
    expect(result.verdict).toBe('intact');
    expect(result.accounts[0]?.signaturesChecked).toBe(true);
  });
});
