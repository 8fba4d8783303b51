/**
 * Size limits (20,000 failing users) on a real dynalite, and batch-write retries
 * (UnprocessedItems, ProvisionedThroughputExceeded) injected with aws-sdk-client-mock.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ProvisionedThroughputExceededException, ResourceNotFoundException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EvidenceStore,
  EvidenceTableMissingError,
  EvidenceWriteError,
  buildRecords,
  keys,
  recordRun,
  sha256Hex,
  verifyStore,
} from '../../../lib/evidence';
import type { Finding } from '../../../lib/rules';
import { scenarioRun, startTestDb, type TestDb } from './helpers';

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
    await recordRun({ store, snapshot, findings: [finding], runId: 'big' });
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
    expect((await verifyStore(store)).ok).toBe(true);
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

describe('batch write retries (injected)', () => {
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

  it('retries UnprocessedItems and throttling with growing backoff until every item is written', async () => {
    const { mock, store, sleeps } = mocked();
    const recs = records();
    let firstBatch: { PutRequest: { Item: { sk: string } } }[] = [];
    mock
      .on(BatchWriteCommand)
      .callsFakeOnce((input: { RequestItems: Record<string, { PutRequest: { Item: { sk: string } } }[]> }) => {
        firstBatch = input.RequestItems.evidence ?? [];
        // AWS returns the requests it did not process, in the same shape as the request.
        return { UnprocessedItems: { evidence: firstBatch.slice(0, 5) } };
      })
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded.', $metadata: {} }))
      .resolves({ UnprocessedItems: {} });
    const result = await store.writeRun(recs);
    expect(result.written).toBe(recs.length + 1);
    const calls = mock.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(3);
    const retried = calls[1]?.args[0].input.RequestItems?.evidence ?? [];
    expect(retried.map((r) => r.PutRequest?.Item?.sk)).toEqual(firstBatch.slice(0, 5).map((r) => r.PutRequest.Item.sk));
    expect(calls[2]?.args[0].input.RequestItems?.evidence).toHaveLength(5);
    expect(sleeps).toEqual([50, 100]); // full jitter with random() = 0.5 over 100 and 200 ms caps
  });

  it('reports items still unprocessed after the last attempt, naming them', async () => {
    const { mock, store } = mocked();
    mock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: { evidence: input.RequestItems.evidence } }));
    const error = await store.writeRun(records()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect((error as Error).message).toMatch(/BatchWriteItem on evidence: \d+ item\(s\) still unprocessed after 5 attempts .*first: ACCOUNT#\d{12} /);
    expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(5);
  });

  it('a missing table in AWS mode names the table and region', async () => {
    const { mock, store } = mocked();
    mock.on(BatchGetCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    await expect(store.writeRun(records())).rejects.toThrow(EvidenceTableMissingError);
    await expect(store.writeRun(records())).rejects.toThrow('evidence table "evidence" not found in region eu-west-3');
  });

  it('one account run costs a handful of calls', async () => {
    const store = await db.newStore();
    const { snapshot, findings } = scenarioRun('france-travail', AT);
    await recordRun({ store, snapshot, findings, runId: 'count' });
    expect(store.calls).toEqual({ BatchGet: 1, BatchWrite: 1, Query: 1, Put: 1 });
  });
});
