/**
 * The account fan-out's failure modes, end to end (test/e2e/harness.ts): a child execution
 * that fails without running anything (it could not start) leaves no evidence; the run still
 * finalizes, every account is closed from the store (source of truth), and FinalizeRun names
 * the failed child from the Map's results manifest (ResultWriter). Past the configured
 * tolerated failure percentage the fan-out stops, and the run still finalizes and releases its lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, type EmbeddedServer } from '../../lib/evidence/embedded';
import { RUN_LOCK_KEY } from '../../lib/evidence/run-lock';
import { Pipeline, WORK_BUCKET, lambdaError, synthesizePipeline, type Faults, type SynthesizedPipeline } from './harness';

const A = '111122223333';
const B = '444455556666';
const C = '777788889999';
const ACCOUNTS = [A, B, C];
const DAY_1 = '2026-01-29T05:30:00.000Z';

let server: EmbeddedServer;
let tolerant: SynthesizedPipeline;
let strict: SynthesizedPipeline;
let tables = 0;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  server = await startDynalite();
  tolerant = synthesizePipeline(ACCOUNTS);
  strict = synthesizePipeline(ACCOUNTS, { mapToleratedFailurePercentage: 0 });
}, 240_000);
afterAll(() => server?.close());

/** B's child execution fails before any of its states runs (as when Step Functions cannot start it). */
const childOfBFails: Faults = {
  childExecution: (input) => ((input as { accountId?: string }).accountId === B ? lambdaError('States.Runtime', 'child execution could not start (injected)') : undefined),
};

describe('account fan-out (Distributed Map over the account list in the work bucket)', () => {
  it('the state carries where the account list is, not the ids; a child that failed without writing is named from the results manifest', async () => {
    const p = await Pipeline.create({ synthesized: tolerant, endpoint: server.endpoint, tableName: `art32-fanout-${++tables}`, faults: childOfBFails });
    const outcome = await p.execute('daily-1', DAY_1);
    expect(outcome.error).toBeUndefined();
    expect(outcome.status).toBe('SUCCEEDED');
    // The list was written once to the work bucket; ListAccounts' output (the state) names it.
    const listed = p.invocations.find((i) => i.fn === 'finalizeRun')!.input;
    expect(listed.accountList).toEqual({ bucket: WORK_BUCKET, key: 'accounts/daily-1.json', count: 3 });
    expect(listed.accounts).toBeUndefined();
    expect(JSON.parse(p.s3.buckets.get(WORK_BUCKET)!.objects.get('accounts/daily-1.json')!.toString())).toEqual(ACCOUNTS);
    // Outcomes from the store: B wrote nothing, so it is UNRECORDED; A and C sealed.
    expect(outcome.output).toMatchObject({ accounts: 3, sealed: 2, unrecorded: 1, outcomes: { [A]: 'SEALED', [B]: 'UNRECORDED', [C]: 'SEALED' }, lock: 'released' });
    // Why B has nothing: its child execution failed, read from the ResultWriter's FAILED file.
    expect(outcome.output?.fanOut).toEqual({ failedChildren: 1, failures: [{ accountId: B, error: 'States.Runtime', cause: 'child execution could not start (injected)' }] });
    expect(p.metricTotal('AccountExecutionsFailed')).toBe(1);
    expect(p.metricTotal('AccountsUnrecorded')).toBe(1);
  });

  it('past the tolerated failure percentage the fan-out stops, and the run still finalizes every account and releases the lock', async () => {
    const p = await Pipeline.create({ synthesized: strict, endpoint: server.endpoint, tableName: `art32-fanout-${++tables}`, faults: childOfBFails });
    const outcome = await p.execute('daily-1', DAY_1);
    expect(outcome.error).toBeUndefined();
    expect(outcome.status).toBe('SUCCEEDED');
    const out = outcome.output!;
    expect(out.accounts).toBe(3);
    expect(out.sealed + out.sealedIncomplete + out.collectionFailed + out.unrecorded).toBe(3);
    expect(out.outcomes[B]).toBe('UNRECORDED');
    expect(out.lock).toBe('released');
    expect(out.fanOut?.stopped).toMatch(/^States\.ExceedToleratedFailureThreshold: /);
    expect(await p.store.getItem(RUN_LOCK_KEY.pk, RUN_LOCK_KEY.sk)).toMatchObject({ holder: 'daily-1', state: 'RELEASED' });
    for (const account of [A, C]) {
      const runs = await p.store.listRuns({ accountId: account });
      expect(runs.filter((r) => r.status === 'open'), `${account} left open`).toEqual([]);
    }
  });
});
