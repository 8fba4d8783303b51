/**
 * The collect and finalize handlers with injected clients, against a real in-process
 * dynalite table created from lib/evidence/table.ts (the same definition the stack deploys).
 * STS is mocked with aws-sdk-client-mock; response and error shapes from the STS API reference.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CollectionContext } from '../../lib/accountability/context';
import { canonicalJson, sha256Hex } from '../../lib/evidence/canonical';
import { keys } from '../../lib/evidence/table';
import { verifyAccount } from '../../lib/evidence/verify';
import { TOOL_VERSION } from '../../lib/version';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createCollect, type CollectAccountEvent } from '../../functions/collect-account/handler';
import { createHandler as createFinalize } from '../../functions/finalize-run/handler';
import { storeSink } from '../../functions/shared/evidence';
import { EvidenceStore } from '../../lib/evidence/store';
import { RunLock } from '../../lib/evidence/run-lock';
import { Sealer } from '../../lib/evidence/seal';
import { ensureTable, localClient, startDynalite, type EmbeddedServer } from '../../lib/evidence/embedded';
import { RULES } from '../../lib/rules';
import { loadScenario } from '../../lib/scenarios';
import type { AccountSnapshot } from '../../lib/snapshot';
import { TEST_KEYS, scanAll } from '../integration/evidence/helpers';
import { lambdaContext } from '../unit/functions/context';

const ENV = {
  POWERTOOLS_SERVICE_NAME: 'art32-test',
  POWERTOOLS_METRICS_NAMESPACE: 'Art32',
  POWERTOOLS_DEV: 'true',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  TABLE_NAME: 'art32-evidence',
  MEMBER_ROLE_NAME: 'art32-member-readonly',
  EXTERNAL_ID: 'art32-test-external-id',
  AWS_PARTITION_NAME: 'aws',
  SIGNING_KEY_ID: 'arn:aws:kms:eu-west-3:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  ANCHORS_URL: 's3://art32-anchors-999999999999-eu-west-3/anchors/',
};
const COLLECTED_AT = '2026-01-29T06:00:00.000Z';

let server: EmbeddedServer;
let store: EvidenceStore;
let client: ReturnType<typeof localClient>;
const sts = mockClient(STSClient);

beforeAll(async () => {
  // Powertools reads these from the process environment (not from the injected env).
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  server = await startDynalite();
  client = localClient(server.endpoint);
  await ensureTable(client, ENV.TABLE_NAME);
  store = new EvidenceStore({ client, tableName: ENV.TABLE_NAME, sleep: async () => {} });
});
afterAll(() => server.close());
afterEach(() => sts.reset());

/**
 * Stands in for live collection: the compliant scenario's facts, for whichever account is
 * asked. Like the real collector, `now` sets the snapshot's collectedAt; without it the
 * collection time is the wall clock, which moves on between attempts.
 */
let wallClock = Date.parse('2026-01-29T06:07:00.000Z');
const collectScenario = async (input: { accountId?: string; now?: Date }): Promise<AccountSnapshot> => {
  wallClock += 61_000;
  const { snapshot } = loadScenario('compliant', { collectedAt: (input.now ?? new Date(wallClock)).toISOString() });
  return { ...snapshot, account: { id: input.accountId! } };
};

function collectHandler() {
  return createCollect({ env: ENV, sts: new STSClient({ region: 'eu-west-3' }), evidence: storeSink(store), collect: collectScenario, region: 'eu-west-3' });
}

/** The FinalizeRun side: a sink that holds the signing key (the collect sink has none). */
const sealingSink = () => storeSink(store, new Sealer({ store, signer: TEST_KEYS.signer }));
/** FinalizeRun's sealing step for every account the run wrote (what the state machine does after the Map). */
async function sealRun(runId: string): Promise<void> {
  for (const header of (await store.runItems(runId)).filter((i) => i.type === 'RUN')) {
    await sealingSink().outcome(String(header.accountId), { collectedAt: String(header.collectedAt), runId });
  }
}

/** Every item of the table, exactly as stored, sorted (tests only: the store never scans). */
const scanTable = () => scanAll(client, ENV.TABLE_NAME);

const credentials = { Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S', SessionToken: 'T', Expiration: new Date('2026-01-29T07:00:00Z') } };

const event = (accountId: string, runId: string): CollectAccountEvent => ({ accountId, runId, startedAt: COLLECTED_AT });

describe('collect-account handler', () => {
  it('assumes the member role with the ExternalId, then writes the run of evidence; only the sealer seals it', async () => {
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2026-01-29T07:00:00Z') },
      AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLE:art32-run-1', Arn: 'arn:aws:sts::123456789012:assumed-role/art32-member-readonly/art32-run-1' },
    });
    const { handler } = collectHandler();
    const result = await handler(event('123456789012', 'run-1'), lambdaContext('collect-account'));

    expect(result).toMatchObject({ accountId: '123456789012', runId: 'run-1', outcome: 'COLLECTED', records: RULES.length });
    const call = sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input;
    expect(call).toMatchObject({ RoleArn: 'arn:aws:iam::123456789012:role/art32-member-readonly', ExternalId: 'art32-test-external-id', RoleSessionName: 'art32-run-1' });

    const records = await store.runRecords('run-1', '123456789012');
    expect(records).toHaveLength(RULES.length);
    expect(new Set(records.map((r) => r.ruleId))).toEqual(new Set(RULES.map((r) => r.id)));
    expect(records.some((r) => r.status === 'PASS')).toBe(true);
    // The record writer holds no key: nothing is sealed until FinalizeRun's sealer runs.
    expect(await store.getManifest('123456789012', COLLECTED_AT, 'run-1')).toBeUndefined();
    await expect(storeSink(store).outcome('123456789012', { collectedAt: COLLECTED_AT, runId: 'run-1' })).rejects.toThrow(/holds no signing key/);
    expect(await sealingSink().outcome('123456789012', { collectedAt: COLLECTED_AT, runId: 'run-1' })).toBe('SEALED');
  });

  it('a retried invocation with the same input succeeds and leaves the table byte-identical', async () => {
    sts.on(AssumeRoleCommand).resolves(credentials);
    const { collectAccount } = collectHandler();
    // An earlier sealed run of the account: the retry must see it, and only it, as history.
    await collectAccount({ accountId: '323456789012', runId: 'run-day-1', startedAt: '2026-01-28T05:00:00.000Z' });
    await sealRun('run-day-1');
    const input = event('323456789012', 'run-retry');
    const first = await collectAccount(input);
    const before = await scanTable();
    const second = await collectAccount(structuredClone(input));
    expect(second).toEqual(first);
    expect(await scanTable()).toEqual(before);
    const records = await store.runRecords('run-retry', '323456789012');
    expect(records.find((r) => r.ruleId === 'governance.evidence-continuity')?.observed).toMatchObject({ previousRuns: 1 });
  });

  it('keys are the execution start time and run id, not the Lambda clock: a retry minutes later writes the same keys', async () => {
    sts.on(AssumeRoleCommand).resolves(credentials);
    const { collectAccount } = collectHandler();
    const input = { accountId: '623456789012', runId: 'exec-7f3a', startedAt: '2026-01-29T05:00:00.123Z' };
    await collectAccount(input);
    const before = await scanTable();
    await collectAccount(input); // the stand-in collector's wall clock has moved on
    expect(await scanTable()).toEqual(before);
    await sealRun('exec-7f3a');
    const [run, ...others] = await store.listRuns({ accountId: '623456789012' });
    expect(others).toEqual([]);
    expect(run).toMatchObject({ runId: 'exec-7f3a', collectedAt: '2026-01-29T05:00:00.123Z', status: 'complete' });
  });

  it('the catch retried (failure record written twice) leaves one sealed failure run, byte-identical', async () => {
    const { collectAccount } = collectHandler();
    const input = { ...event('723456789012', 'run-catch'), failure: { Error: 'Lambda.Unknown', Cause: 'The function returned an unexpected error' } };
    await collectAccount(input);
    const before = await scanTable();
    await collectAccount(input);
    expect(await scanTable()).toEqual(before);
    await sealRun('run-catch');
    expect(await store.listRuns({ accountId: '723456789012' })).toEqual([expect.objectContaining({ collectedAt: COLLECTED_AT, status: 'complete' })]);
  });

  it('refuses an input without a valid startedAt, naming it', async () => {
    const { collectAccount } = collectHandler();
    await expect(collectAccount({ accountId: '823456789012', runId: 'r', startedAt: 'yesterday' })).rejects.toThrow(/startedAt.*"yesterday"/);
  });

  it('AssumeRole denied: records ERROR evidence naming the cause and returns, so the Map goes on', async () => {
    // STS answers 403 AccessDenied when the role is missing or its trust policy refuses us.
    sts.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'User: arn:aws:sts::999999999999:assumed-role/art32-collector/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::223456789012:role/art32-member-readonly',
      }),
    );
    const collected: string[] = [];
    const { collectAccount } = createCollect({
      env: ENV,
      sts: new STSClient({ region: 'eu-west-3' }),
      evidence: storeSink(store),
      collect: async (input) => {
        collected.push(input.accountId!);
        return collectScenario(input);
      },
      region: 'eu-west-3',
    });
    const result = await collectAccount(event('223456789012', 'run-2'));

    expect(result).toMatchObject({ accountId: '223456789012', outcome: 'FAILED', records: RULES.length });
    expect(collected).toEqual([]);
    const records = await store.runRecords('run-2', '223456789012');
    const needingData = new Set(RULES.filter((r) => r.sections.length > 0).map((r) => r.id));
    const judged = records.filter((r) => needingData.has(r.ruleId));
    expect(judged.length).toBeGreaterThan(0);
    for (const r of judged) {
      expect(r.status, r.ruleId).toBe('ERROR');
      expect(r.message).toContain('sts:AssumeRole: AccessDenied');
    }
    expect(records.filter((r) => r.status === 'PASS' && needingData.has(r.ruleId))).toEqual([]);
    expect(await sealingSink().outcome('223456789012', { collectedAt: COLLECTED_AT, runId: 'run-2' })).not.toBe('UNRECORDED');
  });

  it("records who collected the run (its role session, the member role session, function and request), before the seal, and the seal covers it", async () => {
    // STS GetCallerIdentity / AssumeRole response shapes from the STS API reference.
    sts.on(GetCallerIdentityCommand).resolves({ UserId: 'AROAEXAMPLECOLLECTOR:art32-collect-account', Account: '999999999999', Arn: 'arn:aws:sts::999999999999:assumed-role/art32-collector/art32-collect-account' });
    sts.on(AssumeRoleCommand).resolves({
      ...credentials,
      AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLEMEMBER:art32-run-ctx', Arn: 'arn:aws:sts::133456789012:assumed-role/art32-member-readonly/art32-run-ctx' },
    });
    const { handler } = collectHandler();
    await handler({ accountId: '133456789012', runId: 'run-ctx', startedAt: COLLECTED_AT }, lambdaContext('art32-collect-account'));
    const doc = DynamoDBDocumentClient.from(client);
    const key = { pk: keys.account('133456789012'), sk: keys.contextSk(COLLECTED_AT, 'run-ctx') };
    const { Item } = await doc.send(new GetCommand({ TableName: ENV.TABLE_NAME, Key: key }));
    expect(Item, 'the context item, written by the collect function before any seal').toBeDefined();
    const context = CollectionContext.parse(JSON.parse(String(Item?.body)));
    expect(context).toMatchObject({
      accountId: '133456789012',
      runId: 'run-ctx',
      collectedAt: COLLECTED_AT,
      collectedBy: {
        identity: 'arn:aws:sts::999999999999:assumed-role/art32-collector/art32-collect-account',
        via: 'sts',
        assumedRole: 'arn:aws:sts::133456789012:assumed-role/art32-member-readonly/art32-run-ctx',
        host: 'lambda:art32-collect-account request c6af9ac6-7b61-11e6-9a41-93e812345678',
      },
      tool: { name: 'art32', version: TOOL_VERSION },
      catalogRules: RULES.length,
    });
    expect(context.arguments).toEqual(expect.arrayContaining(['--account=133456789012', '--run-id=run-ctx', '--member-role=art32-member-readonly']));
    expect(JSON.stringify(context)).not.toContain(ENV.EXTERNAL_ID);
    expect(context.scope.regions).toContain('eu-west-3');
    expect(Item?.hash).toBe(sha256Hex(String(Item?.body)));
    // FinalizeRun's seal covers it: the signed (version 2) manifest holds the SHA-256 of its body.
    expect(await sealingSink().outcome('133456789012', { collectedAt: COLLECTED_AT, runId: 'run-ctx' })).toBe('SEALED');
    const manifest = await store.getManifest('133456789012', COLLECTED_AT, 'run-ctx');
    expect(manifest).toMatchObject({ manifestVersion: 2, context: { sk: key.sk, sha256: Item?.hash } });
    const clean = await verifyAccount(store, '133456789012', undefined, { verifier: TEST_KEYS.verifier });
    expect(clean.problems).toEqual([]);

    // Attack (writer role, PutItem only): the context is rewritten to name someone else, its own hash recomputed.
    const forged = { ...context, collectedBy: { ...context.collectedBy, identity: 'arn:aws:sts::999999999999:assumed-role/auditor-approved/x' } };
    const body = canonicalJson(forged);
    await doc.send(new PutCommand({ TableName: ENV.TABLE_NAME, Item: { ...Item, body, hash: sha256Hex(body) } }));
    const after = await verifyAccount(store, '133456789012', undefined, { verifier: TEST_KEYS.verifier });
    expect(after.problems.map((p) => p.kind)).toEqual(['CONTEXT_MODIFIED']);
    expect(after.problems[0]?.message).toContain(`manifest ${keys.manifestSk(COLLECTED_AT, 'run-ctx')} sealed ${String(Item?.hash)}`);
  });

  it('records the context of a failed collection too (the role that could not be assumed is not named as assumed)', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ UserId: 'AROAEXAMPLECOLLECTOR:fn', Account: '999999999999', Arn: 'arn:aws:sts::999999999999:assumed-role/art32-collector/fn' });
    sts.on(AssumeRoleCommand).rejects(new STSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized to perform: sts:AssumeRole' }));
    const { collectAccount } = collectHandler();
    await collectAccount({ accountId: '143456789012', runId: 'run-ctx-failed', startedAt: COLLECTED_AT });
    const { Item } = await DynamoDBDocumentClient.from(client).send(new GetCommand({ TableName: ENV.TABLE_NAME, Key: { pk: keys.account('143456789012'), sk: keys.contextSk(COLLECTED_AT, 'run-ctx-failed') } }));
    const context = CollectionContext.parse(JSON.parse(String(Item?.body)));
    expect(context.collectedBy).toEqual({ identity: 'arn:aws:sts::999999999999:assumed-role/art32-collector/fn', via: 'sts', host: expect.any(String) });
    expect(context.scope.sections).toEqual([]);
  });

  it('invoked by the state machine catch (failure set): records the failure without collecting', async () => {
    const { collectAccount } = collectHandler();
    const result = await collectAccount({ ...event('423456789012', 'run-3'), failure: { Error: 'States.Timeout', Cause: 'Task timed out after 600.00 seconds' } });
    expect(result.outcome).toBe('FAILED');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    const records = await store.runRecords('run-3', '423456789012');
    expect(records.find((r) => r.ruleId === 'auth.root-mfa')).toMatchObject({ status: 'ERROR', message: expect.stringContaining('States.Timeout') });
  });
});

describe('finalize-run handler', () => {
  it('counts collected and failed accounts from the sealed manifests', async () => {
    const { finalizeRun } = createFinalize({ env: ENV, evidence: sealingSink(), lock: new RunLock({ doc: store.documentClient, tableName: ENV.TABLE_NAME }) });
    const summary = await finalizeRun({
      runId: 'run-1',
      startedAt: COLLECTED_AT,
      accounts: ['123456789012'],
      results: [{ accountId: '123456789012', runId: 'run-1', outcome: 'COLLECTED', statusCounts: {}, records: RULES.length }],
    });
    expect(summary).toMatchObject({ sealed: 1, sealedIncomplete: 0, collectionFailed: 0, unrecorded: 0, outcomes: { '123456789012': 'SEALED' } });
  });

  it('an account with nothing recorded never fails the execution: counted UNRECORDED (the alarm metric) and listed without a sealed run', async () => {
    const { finalizeRun } = createFinalize({ env: ENV, evidence: sealingSink(), lock: new RunLock({ doc: store.documentClient, tableName: ENV.TABLE_NAME }) });
    const summary = await finalizeRun({ runId: 'run-1', startedAt: COLLECTED_AT, accounts: ['123456789012', '523456789012'], results: [{ accountId: '523456789012', status: 'UNRECORDED' }] });
    expect(summary).toMatchObject({ sealed: 1, unrecorded: 1, outcomes: { '523456789012': 'UNRECORDED' } });
    expect(summary.withoutSealedRun).toContain('523456789012');
  });
});
