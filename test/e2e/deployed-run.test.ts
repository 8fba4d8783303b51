/**
 * End to end, the deployed path: the state machine CDK synthesizes, run by aws-local-stepfunctions
 * over the real handlers, dynalite as the table and mocked member-account APIs (test/e2e/harness.ts),
 * with the faults an unattended pipeline meets. After each: `verify` is intact, every account's
 * run of the execution is SEALED (complete or incomplete, never left open), the execution's result
 * says how each account ended, and the metric an alarm watches was emitted.
 */
import { GetAccountAuthorizationDetailsCommand, type GetAccountAuthorizationDetailsCommandInput } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, type EmbeddedServer } from '../../lib/evidence/embedded';
import { RUN_LOCK_KEY } from '../../lib/evidence/run-lock';
import { hashRecord, recordItem } from '../../lib/evidence';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { RULES } from '../../lib/rules';
import { authorizationDetailsPager } from '../unit/collectors/aws-fixtures';
import { Pipeline, dynamoError, lambdaError, requestKey, synthesizePipeline, type ExecutionOutcome, type Faults, type PipelineOptions, type SynthesizedPipeline } from './harness';

const A = '111122223333';
const B = '444455556666';
const ACCOUNTS = [A, B];
const DAY_1 = '2026-01-29T05:30:00.000Z';

let server: EmbeddedServer;
let synthesized: SynthesizedPipeline;
let tables = 0;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  server = await startDynalite();
  synthesized = synthesizePipeline(ACCOUNTS);
});
afterAll(() => server?.close());

function pipeline(options: Omit<PipelineOptions, 'synthesized' | 'endpoint' | 'tableName'> = {}): Promise<Pipeline> {
  return Pipeline.create({ synthesized, endpoint: server.endpoint, tableName: `art32-e2e-${++tables}`, ...options });
}

/** What must hold after any execution, whatever the fault: verify intact, no run left open, every account accounted for. */
async function expectSealedAndIntact(p: Pipeline, outcome: ExecutionOutcome, runId: string, lockHolder = runId): Promise<void> {
  expect(outcome.error).toBeUndefined();
  expect(outcome.status).toBe('SUCCEEDED');
  const { verdict, result } = await p.verify();
  expect(result.accounts.flatMap((a) => a.problems)).toEqual([]);
  expect(verdict).toBe('ok');
  for (const account of ACCOUNTS) {
    const runs = await p.store.listRuns({ accountId: account });
    expect(runs.filter((r) => r.status === 'open'), `${account} has an open run`).toEqual([]);
    expect(runs.filter((r) => r.runId === runId), `${account}: one sealed run of ${runId}`).toHaveLength(1);
  }
  const out = outcome.output!;
  expect(out.runId).toBe(runId);
  expect(out.sealed + out.sealedIncomplete + out.collectionFailed + out.unrecorded).toBe(ACCOUNTS.length);
  expect(out.unrecorded).toBe(0);
  expect(out.lock).toBe('released');
  expect(await p.store.getItem(RUN_LOCK_KEY.pk, RUN_LOCK_KEY.sk)).toMatchObject({ holder: lockHolder, state: 'RELEASED' });
}

/** The metric was emitted, and an alarm of the synthesized stack watches it. */
function expectAlarmedMetric(p: Pipeline, name: string, atLeast = 1): void {
  expect(p.metricTotal(name), `metric ${name}`).toBeGreaterThanOrEqual(atLeast);
  expect([...synthesized.alarmedMetrics], `an alarm watches ${name}`).toContain(name);
}

/** A failed write attempt was counted and retried to success: no alarm watches the attempt count (nobody is paged for a fixed throttle). */
function expectRetriedWithoutPaging(p: Pipeline): void {
  expect(p.metricTotal('EvidenceWriteAttemptsFailed')).toBeGreaterThanOrEqual(1);
  expect([...synthesized.alarmedMetrics]).not.toContain('EvidenceWriteAttemptsFailed');
  expect(p.metricTotal('SealsRefused')).toBe(0);
  expect(p.metricTotal('AccountsUnrecorded')).toBe(0);
}

const failureRecordings = (p: Pipeline) => p.invocations.filter((i) => i.fn === 'collectAccount' && i.input.failure !== undefined);
const isRecordPut = (command: string, input: Record<string, unknown>, account: string) =>
  command === 'PutItem' && requestKey(input).pk === `ACCOUNT#${account}` && (requestKey(input).sk ?? '').startsWith('RUN#');

describe('deployed run (synthesized state machine, real handlers, dynalite)', () => {
  it('a clean run: every account sealed complete, counts in the execution result', async () => {
    const p = await pipeline();
    const outcome = await p.execute('daily-1', DAY_1);
    await expectSealedAndIntact(p, outcome, 'daily-1');
    expect(outcome.output).toMatchObject({ sealed: 2, sealedIncomplete: 0, collectionFailed: 0, outcomes: { [A]: 'SEALED', [B]: 'SEALED' } });
    expect(p.metricTotal('AccountsSealed')).toBe(2);
    expect(p.metricTotal('RunsFinalized')).toBe(1);
    const records = await p.store.runRecords('daily-1', A);
    expect(records).toHaveLength(RULES.length);
  });

  it('member role denied: the account is sealed as a failed collection, the run succeeds, the failed-accounts and continuity metrics fire', async () => {
    const p = await pipeline({ deniedAccounts: [B] });
    const outcome = await p.execute('daily-1', DAY_1);
    await expectSealedAndIntact(p, outcome, 'daily-1');
    expect(outcome.output).toMatchObject({ sealed: 1, collectionFailed: 1, outcomes: { [A]: 'SEALED', [B]: 'COLLECTION_FAILED' }, withoutSealedRun: [B] });
    expectAlarmedMetric(p, 'AccountsCollectionFailed');
    expectAlarmedMetric(p, 'AccountsWithoutSealedRun');
    const records = await p.store.runRecords('daily-1', B);
    expect(records.find((r) => r.ruleId === 'auth.root-mfa')).toMatchObject({ status: 'ERROR', message: expect.stringContaining('sts:AssumeRole: AccessDenied') });
  });

  it('DynamoDB throttling beyond the store\'s own backoff: the state machine retries and the run resumes, sealed complete', async () => {
    let throttled = 0;
    let target: string | undefined;
    const faults: Faults = {
      // One record of account A is throttled 12 times in a row: more than the store's 8 attempts.
      dynamo: (call, command, input) => {
        if (call.fn !== 'collectAccount' || !isRecordPut(command, input, A)) return undefined;
        target ??= requestKey(input).sk;
        return requestKey(input).sk === target && throttled++ < 12 ? dynamoError('ProvisionedThroughputExceededException', 400) : undefined;
      },
    };
    const p = await pipeline({ faults });
    const outcome = await p.execute('daily-1', DAY_1);
    await expectSealedAndIntact(p, outcome, 'daily-1');
    expect(outcome.output).toMatchObject({ sealed: 2, outcomes: { [A]: 'SEALED' } });
    expect(throttled).toBeGreaterThan(8);
    expectRetriedWithoutPaging(p);
    expect(failureRecordings(p)).toEqual([]);
  });

  it('5xx on a record write: retried, the run resumes from its stored payload, sealed complete', async () => {
    let puts = 0;
    const faults: Faults = { dynamo: (call, command, input) => (call.fn === 'collectAccount' && isRecordPut(command, input, B) && ++puts === 5 ? dynamoError('InternalServerError', 500) : undefined) };
    const p = await pipeline({ faults });
    const outcome = await p.execute('daily-1', DAY_1);
    await expectSealedAndIntact(p, outcome, 'daily-1');
    expect(outcome.output).toMatchObject({ sealed: 2, outcomes: { [B]: 'SEALED' } });
    expectRetriedWithoutPaging(p);
    expect(failureRecordings(p)).toEqual([]);
  });

  it('5xx on the manifest write: retried, sealed complete, never a second copy of the run', async () => {
    let manifests = 0;
    const faults: Faults = {
      dynamo: (call, command, input) =>
        // The manifest is written by FinalizeRun, the sealer (#13).
        call.fn === 'finalizeRun' && command === 'PutItem' && requestKey(input).pk === `ACCOUNT#${A}` && (requestKey(input).sk ?? '').startsWith('MANIFEST#') && ++manifests === 1
          ? dynamoError('InternalServerError', 500)
          : undefined,
    };
    const p = await pipeline({ faults });
    const outcome = await p.execute('daily-1', DAY_1);
    await expectSealedAndIntact(p, outcome, 'daily-1');
    expect(outcome.output).toMatchObject({ sealed: 2, outcomes: { [A]: 'SEALED' } });
    expect(await p.store.listRuns({ accountId: A })).toHaveLength(1);
    // The failed seal failed that FinalizeRun invocation (its Errors alarm); the state machine retried it.
    expect(p.invocations.filter((i) => i.fn === 'finalizeRun').length).toBeGreaterThanOrEqual(2);
  });

  it('Lambda timeout, during collection and half-way through the writes: retried once, both runs sealed complete', async () => {
    let writesOfB = 0;
    let hungOnce = false;
    const p: Pipeline = await pipeline({
      // Account A: a member API never answers on the first attempt (the function times out while collecting).
      memberAccount: (account, m) => {
        if (account !== A) return;
        const pager = authorizationDetailsPager(3);
        m.iam.on(GetAccountAuthorizationDetailsCommand).callsFake((input: GetAccountAuthorizationDetailsCommandInput) => {
          if (!hungOnce) {
            hungOnce = true;
            return p.timeOut();
          }
          return pager(input);
        });
      },
      // Account B: the function times out at its third record write.
      faults: { dynamo: (call, command, input) => (call.fn === 'collectAccount' && isRecordPut(command, input, B) && ++writesOfB === 3 ? 'timeout' : undefined) },
    });
    const outcome = await p.execute('daily-1', DAY_1);
    await expectSealedAndIntact(p, outcome, 'daily-1');
    expect(hungOnce).toBe(true);
    expect(outcome.output).toMatchObject({ sealed: 2, outcomes: { [A]: 'SEALED', [B]: 'SEALED' } });
    expect(failureRecordings(p)).toEqual([]);
    expectAlarmedMetric(p, 'AccountsSealed', 2);
  });

  it('an account whose every attempt dies half-way (collect, its retry, the failure record): FinalizeRun seals the open run, never left open', async () => {
    let writesOfB = 0;
    // Account B: the function times out at its third record write, then at the first record write of every later attempt.
    const faults: Faults = { dynamo: (call, command, input) => (call.fn === 'collectAccount' && isRecordPut(command, input, B) && ++writesOfB >= 3 ? 'timeout' : undefined) };
    const p = await pipeline({ faults });
    const outcome = await p.execute('daily-1', DAY_1);
    await expectSealedAndIntact(p, outcome, 'daily-1');
    expect(failureRecordings(p).length).toBeGreaterThan(0);
    const ofB = outcome.output!.outcomes[B];
    expect(['SEALED', 'SEALED_INCOMPLETE']).toContain(ofB);
    expectAlarmedMetric(p, ofB === 'SEALED_INCOMPLETE' ? 'AccountsSealedIncomplete' : 'AccountsSealed');
  });

  it('duplicate invocation (two copies at once, and a response lost after the work was done): one run per account, sealed complete', async () => {
    let responseLost = false;
    const faults: Faults = {
      duplicate: (call) => call.fn === 'collectAccount' && call.input.accountId === B && !call.input.failure,
      afterInvoke: (call) => {
        if (call.fn !== 'collectAccount' || call.input.accountId !== A || responseLost) return;
        responseLost = true;
        throw lambdaError('Lambda.ServiceException', 'Service error on the response');
      },
    };
    const p = await pipeline({ faults });
    const outcome = await p.execute('daily-1', DAY_1);
    await expectSealedAndIntact(p, outcome, 'daily-1');
    expect(outcome.output).toMatchObject({ sealed: 2 });
    for (const account of ACCOUNTS) expect(await p.store.listRuns({ accountId: account })).toHaveLength(1);
    expect(p.invocations.filter((i) => i.fn === 'collectAccount' && i.input.accountId === A).length).toBeGreaterThan(1);
    expectAlarmedMetric(p, 'AccountsSealed', 2);
  });

  it('two overlapping executions: the second waits for the first, then runs; both sealed, the chain intact', async () => {
    let firstDone!: () => void;
    const firstFinished = new Promise<void>((resolve) => (firstDone = resolve));
    let secondRefusedOnce!: () => void;
    const secondWaiting = new Promise<void>((resolve) => (secondRefusedOnce = resolve));
    let secondListings = 0;
    const faults: Faults = {
      async beforeInvoke(call) {
        // The scheduled run's collection goes on only once the manual run has found the lock taken…
        if (call.fn === 'collectAccount' && call.input.runId === 'scheduled') await secondWaiting;
        // …and the manual run's retries (minutes apart in AWS) come after the scheduled run ended.
        if (call.fn === 'listAccounts' && call.input.executionName === 'manual' && ++secondListings > 1) await firstFinished;
      },
    };
    const p = await pipeline({ faults });
    const lockWatcher = (async () => {
      while (p.metricTotal('RunLockBusy') === 0) await new Promise((r) => setTimeout(r, 5));
      secondRefusedOnce();
    })();
    const scheduled = p.execute('scheduled', DAY_1).finally(() => firstDone());
    await new Promise((r) => setTimeout(r, 20));
    const manual = p.execute('manual', '2026-01-29T05:35:00.000Z');
    const [first, second] = await Promise.all([scheduled, manual, lockWatcher]);
    await expectSealedAndIntact(p, first, 'scheduled', 'manual');
    await expectSealedAndIntact(p, second, 'manual');
    expect(p.metricTotal('RunLockBusy')).toBeGreaterThanOrEqual(1);
    for (const account of ACCOUNTS) {
      expect((await p.store.listRuns({ accountId: account })).map((r) => [r.runId, r.status])).toEqual([
        ['scheduled', 'complete'],
        ['manual', 'complete'],
      ]);
    }
  });

  it('two overlapping executions, the first holding on: the second is refused having written nothing', async () => {
    let secondEnded!: () => void;
    const secondOver = new Promise<void>((resolve) => (secondEnded = resolve));
    const faults: Faults = {
      async beforeInvoke(call) {
        if (call.fn === 'collectAccount' && call.input.runId === 'scheduled') await secondOver;
      },
    };
    const p = await pipeline({ faults });
    const scheduled = p.execute('scheduled', DAY_1);
    await new Promise((r) => setTimeout(r, 20));
    while (!(await p.store.getItem(RUN_LOCK_KEY.pk, RUN_LOCK_KEY.sk))) await new Promise((r) => setTimeout(r, 5));
    const manual = await p.execute('manual', '2026-01-29T05:35:00.000Z');
    secondEnded();
    expect(manual.status).toBe('FAILED');
    expect(manual.error).toMatchObject({ name: 'RunLockBusy', cause: expect.stringContaining('run scheduled holds the collection lock') });
    expect(p.invocations.filter((i) => i.fn === 'listAccounts' && i.input.executionName === 'manual')).toHaveLength(15);
    expect((await p.store.runItems('manual')).length).toBe(0);
    await expectSealedAndIntact(p, await scheduled, 'scheduled');
  });

  it('finalize retried (a 5xx while closing, a response lost after releasing the lock): the execution succeeds with every count', async () => {
    let reads = 0;
    const faults: Faults = {
      dynamo: (call, command) => (call.fn === 'finalizeRun' && call.n === 1 && command !== 'PutItem' && ++reads === 2 ? dynamoError('InternalServerError', 500) : undefined),
      afterInvoke: (call) => {
        if (call.fn === 'finalizeRun' && call.n === 2) throw lambdaError('Lambda.ServiceException', 'Service unavailable on the response');
      },
    };
    const p = await pipeline({ faults });
    const outcome = await p.execute('daily-1', DAY_1);
    await expectSealedAndIntact(p, outcome, 'daily-1');
    expect(p.invocations.filter((i) => i.fn === 'finalizeRun')).toHaveLength(3);
    expect(outcome.output).toMatchObject({ sealed: 2, outcomes: { [A]: 'SEALED', [B]: 'SEALED' } });
    expectAlarmedMetric(p, 'AccountsSealed', 2);
  });

  it('an execution that failed in finalize, redriven, then the next day\'s run: both complete cleanly', async () => {
    let broken = true;
    const faults: Faults = { dynamo: (call) => (broken && call.fn === 'finalizeRun' ? dynamoError('InternalServerError', 500) : undefined) };
    const p = await pipeline({ faults });
    const failed = await p.execute('daily-1', DAY_1);
    expect(failed).toMatchObject({ status: 'FAILED', error: { name: 'InternalServerError' } });
    expect(await p.store.getItem(RUN_LOCK_KEY.pk, RUN_LOCK_KEY.sk)).toMatchObject({ holder: 'daily-1', state: 'HELD' });

    broken = false;
    const before = (await p.store.runItems('daily-1')).length;
    // A redrive keeps the execution's name and start time: same run, its own lock re-entered, nothing collected again.
    const redriven = await p.execute('daily-1', DAY_1);
    await expectSealedAndIntact(p, redriven, 'daily-1');
    // Nothing collected again: the only new items are the two manifests the redriven FinalizeRun (the sealer) wrote.
    const after = await p.store.runItems('daily-1');
    expect(after.length).toBe(before + 2);
    expect(after.filter((i) => i.type === 'MANIFEST')).toHaveLength(2);

    const next = await p.execute('daily-2', '2026-01-30T05:30:00.000Z');
    await expectSealedAndIntact(p, next, 'daily-2');
    expect(next.output).toMatchObject({ sealed: 2, withoutSealedRun: [] });
  });

  it('a record altered between its write and the seal (the writer role rewrites it): the sealer refuses, the refusal is alarmed, verify names it', async () => {
    const running: { pipeline?: Pipeline } = {};
    let altered = false;
    const faults: Faults = {
      beforeInvoke: async (call) => {
        const store = running.pipeline?.store;
        if (call.fn !== 'finalizeRun' || altered || !store) return;
        altered = true;
        const [victim] = (await store.runRecords('daily-1', A)).filter((r) => r.status === 'FAIL');
        if (!victim) throw new Error('no FAIL record to alter');
        const { hash: _old, ...body } = victim;
        const forged = { ...body, status: 'PASS' as const };
        await store.documentClient.send(new PutCommand({ TableName: store.tableName, Item: recordItem({ ...forged, hash: hashRecord(forged) }) }));
      },
    };
    const p = await pipeline({ faults });
    running.pipeline = p;
    const outcome = await p.execute('daily-1', DAY_1);
    expect(altered).toBe(true);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toMatchObject({ sealed: 1, unrecorded: 1, outcomes: { [A]: 'UNRECORDED', [B]: 'SEALED' } });
    expectAlarmedMetric(p, 'SealsRefused');
    expectAlarmedMetric(p, 'AccountsUnrecorded');
    const { verdict, result } = await p.verify();
    expect(verdict).toBe('tampered');
    expect(result.accounts.find((a) => a.accountId === A)?.problems.map((x) => x.kind)).toContain('RECORD_MODIFIED');
  });
});
