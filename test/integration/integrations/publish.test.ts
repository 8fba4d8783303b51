/**
 * Publishing a sealed run (the deployed PublishFindings step) against a real dynalite table:
 * events and Security Hub findings come only from records a manifest seals; a failed collection
 * publishes its Run Completed event but neither changes nor Security Hub findings; the next
 * successful run is compared with the last successful one. EventBridge and Security Hub are
 * mocked with response shapes from their API references.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/publish-findings/handler';
import { publishRun } from '../../../lib/integrations';
import { Sealer } from '../../../lib/evidence/seal';
import { REPORT_TEST_KEYS, buildTestRecords, startStore, writeTestRun, type TestStore } from '../report/store-fixture';

const eb = mockClient(EventBridgeClient);
const hub = mockClient(SecurityHubClient);
const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const COLLECTOR = '999988887777';
let t: TestStore;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  t = await startStore('art32-publish-test');
  await writeTestRun(t.store, { accountId: ACCOUNT, runId: 'run-1', collectedAt: '2026-11-20T06:00:00.000Z', statuses: { 'auth.console-mfa': 'FAIL', 'auth.root-mfa': 'PASS', 'logging.cloudtrail-multi-region': 'WARN' } });
  // Run 2 fails to collect: every record ERROR, the manifest says why.
  const failed = buildTestRecords({ accountId: ACCOUNT, runId: 'run-2', collectedAt: '2026-11-21T06:00:00.000Z', statuses: { 'auth.console-mfa': 'ERROR', 'auth.root-mfa': 'ERROR', 'logging.cloudtrail-multi-region': 'ERROR' } });
  await t.store.writeRun(failed, { collectionFailed: { operation: 'sts:AssumeRole', code: 'AccessDenied', message: 'not authorized' } });
  // The sealer reads the failed collection from the run header and seals it into the manifest.
  await new Sealer({ store: t.store, signer: REPORT_TEST_KEYS.signer }).seal({ accountId: ACCOUNT, runId: 'run-2', collectedAt: '2026-11-21T06:00:00.000Z' });
  await writeTestRun(t.store, { accountId: ACCOUNT, runId: 'run-3', collectedAt: '2026-11-22T06:00:00.000Z', statuses: { 'auth.console-mfa': 'PASS', 'auth.root-mfa': 'FAIL', 'logging.cloudtrail-multi-region': 'FAIL' } });
  await writeTestRun(t.store, { accountId: OTHER, runId: 'run-3', collectedAt: '2026-11-22T06:00:00.000Z', statuses: { 'auth.console-mfa': 'FAIL' } });
  // A record written under run-4's keys with no manifest: never published.
  await t.store.writeRun(buildTestRecords({ accountId: OTHER, runId: 'run-4', collectedAt: '2026-11-23T06:00:00.000Z', statuses: { 'auth.console-mfa': 'PASS' } }));
});
afterAll(() => t.close());
afterEach(() => {
  eb.reset();
  hub.reset();
});

const sentEvents = () => eb.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
const details = () => sentEvents().map((e) => ({ type: e.DetailType, ...JSON.parse(e.Detail ?? '{}') }));
const acceptEvents = () => eb.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })) }));

describe('publishRun', () => {
  it('compares with the last successful collection, skipping a failed one, and points every event at the sealed manifest', async () => {
    acceptEvents();
    const result = await publishRun(t.store, 'run-3', [ACCOUNT], { events: { client: new EventBridgeClient({ region: 'eu-west-3' }) } });
    const d = details();
    const changes = d.filter((x) => x.type === 'art32 Finding Changed').map((x) => [x.ruleId, x.change, x.previousStatus]);
    // run-1 → run-3 (run-2 was a failed collection): MFA fixed, root MFA new, trail WARN → FAIL regressed.
    expect(changes).toEqual([
      ['auth.console-mfa', 'fixed', 'FAIL'],
      ['auth.root-mfa', 'new', 'PASS'],
      ['logging.cloudtrail-multi-region', 'regressed', 'WARN'],
    ]);
    const done = d.find((x) => x.type === 'art32 Run Completed');
    const manifest = (await t.store.manifests(ACCOUNT)).find((m) => m.runId === 'run-3');
    expect(done).toMatchObject({ accountId: ACCOUNT, runId: 'run-3', complete: true, manifestHash: manifest?.hash, counts: { PASS: 1, FAIL: 2 } });
    expect(result.accounts).toEqual([{ accountId: ACCOUNT, published: 'run', manifestHash: manifest?.hash, changes: 3, findings: 0 }]);
  });

  it('a failed collection: Run Completed names the failure, no per-rule change, no Security Hub finding overwritten', async () => {
    acceptEvents();
    const result = await publishRun(t.store, 'run-2', [ACCOUNT], { events: { client: new EventBridgeClient({ region: 'eu-west-3' }) }, securityHub: { client: new SecurityHubClient({ region: 'eu-west-3' }), target: { accountId: COLLECTOR, region: 'eu-west-3' } } });
    expect(details()).toEqual([expect.objectContaining({ type: 'art32 Run Completed', collectionFailed: { operation: 'sts:AssumeRole', code: 'AccessDenied', message: 'not authorized' }, changes: { new: 0, regressed: 0, fixed: 0, 'not-verified': 0 } })]);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    expect(result.accounts[0]?.published).toBe('collection-failed');
  });

  it('records without a manifest are never published; the account is reported not sealed', async () => {
    acceptEvents();
    const result = await publishRun(t.store, 'run-4', [OTHER], { events: { client: new EventBridgeClient({ region: 'eu-west-3' }) } });
    expect(sentEvents()).toHaveLength(0);
    expect(result.accounts).toEqual([{ accountId: OTHER, published: 'not-sealed', changes: 0, findings: 0 }]);
  });
});

describe('publish-findings handler', () => {
  const ENV = { POWERTOOLS_SERVICE_NAME: 'art32-test', POWERTOOLS_METRICS_NAMESPACE: 'Art32', TABLE_NAME: 'art32-publish-test', PUBLISH_EVENTS: 'true', PUBLISH_SECURITY_HUB: 'true', AWS_PARTITION_NAME: 'aws' };
  const context = { invokedFunctionArn: `arn:aws:lambda:eu-west-3:${COLLECTOR}:function:art32-publish` };

  it('publishes every account of the finalize result into the collector account Security Hub, resolving what passes', async () => {
    acceptEvents();
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));
    hub.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: unknown[] }) => ({ ProcessedFindings: input.FindingIdentifiers, UnprocessedFindings: [] }));
    const { publishFindings } = createHandler({ env: ENV, store: t.store, events: new EventBridgeClient({ region: 'eu-west-3' }), securityHub: new SecurityHubClient({ region: 'eu-west-3' }), region: 'eu-west-3' });
    const result = await publishFindings({ runId: 'run-3', outcomes: { [ACCOUNT]: 'SEALED', [OTHER]: 'SEALED' } }, context);
    expect(result).toMatchObject({ runId: 'run-3', published: 2, notSealed: [], securityHubImported: 4, failures: 0 });
    const findings = hub.commandCalls(BatchImportFindingsCommand).flatMap((c) => c.args[0].input.Findings ?? []);
    expect(new Set(findings.map((f) => f.AwsAccountId))).toEqual(new Set([COLLECTOR]));
    expect(findings.map((f) => f.ProductArn)).toContain(`arn:aws:securityhub:eu-west-3:${COLLECTOR}:product/${COLLECTOR}/default`);
    expect(hub.commandCalls(BatchUpdateFindingsCommand)[0]?.args[0].input.FindingIdentifiers).toHaveLength(1);
  });

  it('entries refused by EventBridge are counted as failures, not thrown', async () => {
    eb.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: input.Entries.length, Entries: input.Entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'internal' })) }));
    const { publishFindings } = createHandler({ env: { ...ENV, PUBLISH_SECURITY_HUB: 'false' }, store: t.store, events: new EventBridgeClient({ region: 'eu-west-3' }), region: 'eu-west-3' });
    const result = await publishFindings({ runId: 'run-3', outcomes: { [OTHER]: 'SEALED' } }, context);
    expect(result.failures).toBe(2);
  });

  it('a whole call failing (5xx after SDK retries) is thrown so the state machine retries the step', async () => {
    eb.on(PutEventsCommand).rejects(Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalException', $metadata: { httpStatusCode: 500 } }));
    const { publishFindings } = createHandler({ env: { ...ENV, PUBLISH_SECURITY_HUB: 'false' }, store: t.store, events: new EventBridgeClient({ region: 'eu-west-3' }), region: 'eu-west-3' });
    await expect(publishFindings({ runId: 'run-3', outcomes: { [OTHER]: 'SEALED' } }, context)).rejects.toThrow(/internal error/);
  });

  it('refuses an input that is not a finalize result, naming what is missing', async () => {
    const { publishFindings } = createHandler({ env: ENV, store: t.store, region: 'eu-west-3' });
    await expect(publishFindings({ runId: 'run-3' } as never, context)).rejects.toThrow(/runId and accounts .*or outcomes/);
  });
});
