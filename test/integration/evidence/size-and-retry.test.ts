/**
 * Size limits (20,000 failing users) on a real dynalite, and the conditional-put write path:
 * throttling, conditional failures and bounded parallelism injected with aws-sdk-client-mock,
 * races and call counts on a real dynalite.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildManifest,
  EvidenceConflictError,
  EvidenceStore,
  EvidenceTableMissingError,
  EvidenceWriteError,
  buildRecords,
  keys,
  localClient,
  recordItem,
  recordRun,
  sha256Hex,
  verifyStore,
} from '../../../lib/evidence';
import type { Finding } from '../../../lib/rules';
import { TEST_KEYS, scanAll, scenarioRun, startTestDb, testSealer, type TestDb } from './helpers';

let db: TestDb;
beforeAll(async () => {
  db = await startTestDb();
});
afterAll(async () => {
  await db.close();
});

const AT = '2026-01-22T06:00:00.000Z';

function hugeFinding(users: number): Finding {
  const arns = Array.from({ length: users }, (_, i) => `arn:aws:iam::123456789012:user/adviser-${String(i).padStart(5, '0')}`);
  return {
    ruleId: 'auth.console-mfa',
    status: 'FAIL',
    severity: 'high',
    message: `${users} console users without MFA`,
    observed: {
      usersWithoutMfa: arns.map((a) => a.split('/')[1]),
      lastLoginByUser: Object.fromEntries(arns.map((a, i) => [a, `2026-01-${String((i % 28) + 1).padStart(2, '0')}`])),
      consoleUsers: users,
      note: 'x'.repeat(10_000),
    },
    threshold: { allowList: [] },
    resources: [...arns].reverse(),
  };
}

describe('record size', () => {
  it('an account with 20,000 failing users gives a record far below 400 KB, with the full count and hash', async () => {
    const store = await db.newStore();
    const { snapshot } = scenarioRun('france-travail', AT);
    const finding = hugeFinding(20_000);
    await recordRun({ store, sealer: testSealer(store), snapshot, findings: [finding], runId: 'big' });
    const item = await db.client.send(
      new GetItemCommand({ TableName: store.tableName, Key: { pk: { S: keys.account(snapshot.account.id) }, sk: { S: keys.recordSk(AT, 'big', 'auth.console-mfa') } } }),
    );
    const size = Buffer.byteLength(JSON.stringify(item.Item));
    expect(size).toBeLessThan(150_000);
    const [record] = await store.runRecords('big', snapshot.account.id);
    expect(record?.resources.count).toBe(20_000);
    expect(record?.resources.items).toHaveLength(100);
    expect(record?.resources.capped).toBe(true);
    expect(record?.resources.sha256).toBe(sha256Hex([...finding.resources].sort().join('\n')));
    expect(record?.resources.items[0]).toBe('arn:aws:iam::123456789012:user/adviser-00000');
    const caps = Object.fromEntries((record?.caps ?? []).map((c) => [c.path, c]));
    expect(caps['observed.usersWithoutMfa']).toMatchObject({ kind: 'array', count: 20_000, kept: 100 });
    expect(caps['observed.lastLoginByUser']).toMatchObject({ kind: 'object', count: 20_000, kept: 500 });
    expect(caps['observed.note']).toMatchObject({ kind: 'string', count: 10_000, kept: 2048 });
    expect(record?.observed.consoleUsers).toBe(20_000);
    expect((await verifyStore(store, { verifier: TEST_KEYS.verifier })).ok).toBe(true);
  });

  it('a record still too large after per-value caps drops its largest observed values, keeping their size and hash', () => {
    const { snapshot } = scenarioRun('france-travail', AT);
    const wide: Finding = { ...hugeFinding(10), observed: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'y'.repeat(2000)])) };
    const [record] = buildRecords({ snapshot, findings: [wide], runId: 'r', requirementsFor: () => [], caps: { recordBytes: 50_000 } });
    const dropped = record?.caps.filter((c) => c.kind === 'value') ?? [];
    expect(dropped.length).toBeGreaterThan(0);
    expect(Object.keys(record?.observed ?? {}).length + dropped.length).toBe(60);
    expect(JSON.stringify(record?.observed).length).toBeLessThanOrEqual(50_000);
  });

  it('is deterministic: the same inputs give byte-identical records', () => {
    const { snapshot, findings } = scenarioRun('france-travail', AT);
    const a = buildRecords({ snapshot, findings, runId: 'r', requirementsFor: (id) => [id.startsWith('auth') ? 'CNIL-2022-100' : 'GDPR-32.1.b'] });
    const shuffled = [...findings].reverse().map((f) => ({ ...f, resources: [...f.resources].reverse() }));
    const b = buildRecords({ snapshot, findings: shuffled, runId: 'r', requirementsFor: (id) => [id.startsWith('auth') ? 'CNIL-2022-100' : 'GDPR-32.1.b'] });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('conditional puts: throttling, conflicts, parallelism (injected)', () => {
  function mocked() {
    const client = new DynamoDBClient({ region: 'eu-west-3', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const doc = DynamoDBDocumentClient.from(client);
    const mock = mockClient(doc);
    mock.on(BatchGetCommand).resolves({ Responses: { evidence: [] }, UnprocessedKeys: {} });
    mock.on(QueryCommand).resolves({ Items: [], Count: 0, ScannedCount: 0 });
    const sleeps: number[] = [];
    const store = new EvidenceStore({ client: doc, tableName: 'evidence', region: 'eu-west-3', retry: { maxAttempts: 5 }, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
    return { mock, store, sleeps };
  }

  const records = () => {
    const { snapshot, findings } = scenarioRun('france-travail', AT);
    return buildRecords({ snapshot, findings, runId: 'r1', requirementsFor: () => [] });
  };
  // Error shapes as DynamoDB returns them (API reference, "Common Errors" and PutItem errors).
  const throughput = () => new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded.', $metadata: {} });
  const throttling = () => new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: {} });
  const conditional = (item?: Record<string, unknown>) =>
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item ? { Item: marshall(item, { removeUndefinedValues: true }) } : {}) });

  it('every put is conditional on the key not existing and asks for the stored item on failure', async () => {
    const { mock, store } = mocked();
    mock.on(PutCommand).resolves({});
    const recs = records();
    const result = await store.writeRun(recs);
    expect(result).toMatchObject({ records: recs.length, written: recs.length + 1, alreadyPresent: 0 });
    const puts = mock.commandCalls(PutCommand);
    expect(puts).toHaveLength(recs.length + 2); // records, run header, account entry
    for (const put of puts) {
      expect(put.args[0].input).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    }
  });

  it('retries ProvisionedThroughputExceeded and ThrottlingException with growing backoff until written', async () => {
    const { mock, store, sleeps } = mocked();
    const recs = records();
    const target = keys.recordSk(AT, 'r1', recs[0]!.ruleId);
    let attempts = 0;
    mock.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk !== target) return {};
      attempts++;
      if (attempts === 1) throw throughput();
      if (attempts === 2) throw throttling();
      return {};
    });
    const result = await store.writeRun(recs);
    expect(result.written).toBe(recs.length + 1);
    expect(attempts).toBe(3);
    expect(sleeps).toEqual([50, 100]); // full jitter with random() = 0.5 over 100 and 200 ms caps
  });

  it('reports an item still throttled after the last attempt, naming its key, and starts no new put after it', async () => {
    const { mock, store } = mocked();
    mock.on(PutCommand).rejects(throughput());
    const error = await store.writeRun(records()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvidenceWriteError);
    // The account entry and the run header go first, one at a time: the first put still throttled stops the run.
    expect((error as Error).message).toMatch(/PutItem on evidence: pk=ACCOUNTS sk=ACCOUNT#\d{12} still throttled after 5 attempts\. .*re-run with the same run id/);
    expect(mock.commandCalls(PutCommand)).toHaveLength(5);
  });

  it('the manifest that seals the run retries throttling like the records, then names its key', async () => {
    const { mock, store, sleeps } = mocked();
    const recs = records();
    let manifestAttempts = 0;
    mock.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (!input.Item.sk.startsWith('MANIFEST#')) return {};
      manifestAttempts++;
      if (manifestAttempts <= 2) throw throttling();
      return {};
    });
    const signature = await TEST_KEYS.signer.sign('manifest body');
    expect(await store.putManifest(buildManifest(recs, null), signature)).toBe(true);
    expect(manifestAttempts).toBe(3);
    expect(sleeps).toEqual([50, 100]);

    const { mock: always, store: busy } = mocked();
    always.on(PutCommand).rejects(throughput());
    const error = await busy.putManifest(buildManifest(recs, null), signature).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect((error as Error).message).toMatch(/PutItem on evidence: pk=ACCOUNT#\d{12} sk=MANIFEST#\S+ \(manifest\) still throttled after 5 attempts/);
    expect(always.commandCalls(PutCommand)).toHaveLength(5);
  });

  it('a conditional failure returning identical content (ALL_OLD) is already present, without a second call', async () => {
    const { mock, store } = mocked();
    const recs = records();
    const raced = recordItem(recs[0]!);
    mock.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk === raced.sk) throw conditional(raced);
      return {};
    });
    const result = await store.writeRun(recs);
    expect(result).toMatchObject({ written: recs.length, alreadyPresent: 1 });
    expect(mock.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('a conditional failure returning different content is a conflict naming the key, without a second call', async () => {
    const { mock, store } = mocked();
    const recs = records();
    const raced = recordItem(recs[0]!);
    const other = { ...raced, hash: 'f'.repeat(64) };
    mock.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk === raced.sk) throw conditional(other);
      return {};
    });
    const error = await store.writeRun(recs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvidenceConflictError);
    expect((error as Error).message).toContain(`evidence conflict at pk=${raced.pk} sk=${raced.sk}`);
    expect((error as Error).message).toContain(`stored hash ${'f'.repeat(64)}`);
    expect(mock.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('keeps at most 8 puts in flight', async () => {
    const { mock, store } = mocked();
    let inFlight = 0;
    let peak = 0;
    mock.on(PutCommand).callsFake(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return {};
    });
    const recs = records();
    await store.writeRun(recs);
    expect(mock.commandCalls(PutCommand)).toHaveLength(recs.length + 2);
    expect(peak).toBe(8);
  });

  it('the existence check retries UnprocessedKeys and throttling, then writes only what is missing', async () => {
    const { mock, store, sleeps } = mocked();
    const recs = records();
    const present = recordItem(recs[0]!);
    let firstKeys: { pk: string; sk: string }[] = [];
    mock
      .on(BatchGetCommand)
      .callsFakeOnce((input: { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> }) => {
        firstKeys = input.RequestItems.evidence?.Keys ?? [];
        // AWS returns the keys it did not read in UnprocessedKeys, shaped like the request.
        return { Responses: { evidence: [] }, UnprocessedKeys: { evidence: { Keys: firstKeys.slice(0, 4), ConsistentRead: true } } };
      })
      .rejectsOnce(throughput())
      .resolves({ Responses: { evidence: [present] }, UnprocessedKeys: {} });
    mock.on(PutCommand).resolves({});
    const result = await store.writeRun(recs);
    const gets = mock.commandCalls(BatchGetCommand);
    expect(gets).toHaveLength(3);
    expect(gets[2]?.args[0].input.RequestItems?.evidence?.Keys).toEqual(firstKeys.slice(0, 4));
    expect(sleeps).toEqual([50, 100]);
    expect(result).toMatchObject({ written: recs.length, alreadyPresent: 1 });
    expect(mock.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.sk)).not.toContain(present.sk);
  });

  it('a missing table in AWS mode names the table and region', async () => {
    const { mock, store } = mocked();
    mock.on(BatchGetCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    await expect(store.writeRun(records())).rejects.toThrow(EvidenceTableMissingError);
    await expect(store.writeRun(records())).rejects.toThrow('evidence table "evidence" not found in region eu-west-3');
  });
});

describe('conditional puts on a real dynalite', () => {
  /** A store whose existence check is followed, before any put, by `between()` (a concurrent writer). */
  function racedStore(tableName: string, between: () => Promise<void>): EvidenceStore {
    // Its own client: middleware added to a document client lands on the client's stack.
    const client = localClient(db.server.endpoint);
    let fired = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'BatchGetItemCommand' && !fired) {
          fired = true;
          await between();
        }
        return out;
      },
      { step: 'initialize', name: 'raceAfterExistenceCheck' },
    );
    return new EvidenceStore({ client, tableName, sleep: async () => {} });
  }

  it('a record written by someone else between the check and the put is never overwritten: conflict, stored item unchanged', async () => {
    const plain = await db.newStore();
    const { snapshot, findings } = scenarioRun('france-travail', AT);
    const ours = buildRecords({ snapshot, findings, runId: 'race', requirementsFor: () => [] });
    const theirs = buildRecords({ snapshot, findings: findings.map((f) => ({ ...f, message: `${f.message} (theirs)` })), runId: 'race', requirementsFor: () => [] });
    const raced = theirs[3]!;
    let before: string[] = [];
    const store = racedStore(plain.tableName, async () => {
      await new EvidenceStore({ client: db.client, tableName: plain.tableName }).putNew(recordItem(raced));
      before = await scanAll(db.client, plain.tableName);
    });
    const error = await store.writeRun(ours).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvidenceConflictError);
    expect((error as Error).message).toContain(`sk=${keys.recordSk(AT, 'race', raced.ruleId)}`);
    const after = await scanAll(db.client, plain.tableName);
    // Their record is byte-identical; ours were only added (never replacing an item).
    for (const item of before) expect(after).toContain(item);
    expect(store.calls.Get).toBe(1); // dynalite returns no item with the failure: read back once
  });

  it('the same run written concurrently with the same content is already present, not a conflict', async () => {
    const plain = await db.newStore();
    const { snapshot, findings } = scenarioRun('france-travail', AT);
    const recs = buildRecords({ snapshot, findings, runId: 'same', requirementsFor: () => [] });
    const store = racedStore(plain.tableName, async () => {
      await new EvidenceStore({ client: db.client, tableName: plain.tableName }).writeRun(recs);
    });
    const result = await store.writeRun(recs);
    expect(result).toMatchObject({ records: recs.length, written: 0, alreadyPresent: recs.length + 1 });
    // Every put failed its condition; dynalite returns no item with the failure, so each is read back.
    expect(store.calls).toMatchObject({ Put: recs.length + 2, Get: recs.length + 2 });
  });

  it('calls per account-run: first run, next day, and a retry of a sealed run', async () => {
    const store = await db.newStore();
    const day1 = scenarioRun('france-travail', AT);
    await recordRun({ store, sealer: testSealer(store), snapshot: day1.snapshot, findings: day1.findings, runId: 'count-1' });
    const n = day1.findings.length;
    // Writer: chain state (latest manifest + open headers: 2 Queries), payload, BatchGet check,
    // account entry + run header + n records. Sealer: Get of its own manifest (absent) and of the
    // run header and of the run's collection context (absent here: sealed as `context: null`),
    // Query of the run's records (read back) and of the latest manifest, Put of the signed manifest.
    expect(store.calls).toEqual({ BatchGet: 1, Get: 3, Put: n + 4, Query: 4 });

    const next = new EvidenceStore({ client: db.client, tableName: store.tableName });
    const day2 = scenarioRun('france-travail', '2026-01-23T06:00:00.000Z');
    await recordRun({ store: next, sealer: testSealer(next), snapshot: day2.snapshot, findings: day2.findings, runId: 'count-2' });
    expect(next.calls).toEqual({ BatchGet: 1, Get: 3, Put: n + 3, Query: 4 }); // the account entry exists: skipped

    const retry = new EvidenceStore({ client: db.client, tableName: store.tableName });
    const before = await scanAll(db.client, store.tableName);
    const result = await recordRun({ store: retry, sealer: testSealer(retry), snapshot: day2.snapshot, findings: day2.findings, runId: 'count-2' });
    // Nothing to write or sign: the chain state says the run is sealed; its manifest and records are read back.
    expect(retry.calls).toEqual({ Get: 1, Query: 3 });
    expect(result).toMatchObject({ written: 0, alreadyPresent: n + 2 });
    expect(await scanAll(db.client, store.tableName)).toEqual(before);
  });
});
