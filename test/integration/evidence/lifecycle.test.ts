/**
 * The run lifecycle under injected faults, on a real dynalite: a crash before EVERY write of a
 * run (payload, account entry, header, each record, manifest), then the next run on the
 * account — `verify` ends green, the earlier sealed run is untouched, the interrupted run is
 * sealed (resumed from its stored records, or INCOMPLETE naming what it lacks). Also: a
 * refused run writes nothing; a retry with regenerated facts never conflicts; an altered record
 * of an open run is never sealed over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EvidenceOrderError,
  EvidenceStore,
  RunCloseError,
  keys,
  recordRun,
  verdictOf,
  verifyStore,
  type Item,
} from '../../../lib/evidence';
import { TEST_KEYS, scanAll, scenarioRun, startTestDb, testSealer, type TestDb } from './helpers';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';

let db: TestDb;
beforeAll(async () => {
  db = await startTestDb();
});
afterAll(async () => {
  await db.close();
});

const DAY1 = '2026-01-20T06:00:00.000Z';
const DAY2 = '2026-01-21T06:00:00.000Z';
const DAY3 = '2026-01-22T06:00:00.000Z';

class InjectedCrash extends Error {}

/** Records of one france-travail run (one per rule). */
const RECORDS = (): number => scenarioRun('france-travail', DAY1).findings.length;

/** A store on the same table that "crashes" before its `at`-th write and refuses every write after it. */
function crashingStore(tableName: string, at: number, payloadMaxChars?: number): EvidenceStore {
  let writes = 0;
  return new EvidenceStore({
    client: db.client,
    tableName,
    sleep: async () => {},
    ...(payloadMaxChars !== undefined ? { payloadMaxChars } : {}),
    faults: {
      beforeWrite: () => {
        writes += 1;
        if (writes >= at) throw new InjectedCrash(`injected crash before write ${writes}`);
      },
    },
  });
}

/** A store and a sealer over it (its crashes hit the seal's write too). */
const withSealer = (store: EvidenceStore) => ({ store, sealer: testSealer(store) });

/** Writes of one uninterrupted run on an account that already has one (counted with the same hook). */
async function writesOfOneRun(): Promise<number> {
  const store = await db.newStore();
  await recordRun({ store, sealer: testSealer(store), ...scenarioRun('france-travail', DAY1), runId: 'day-1' });
  let writes = 0;
  const counting = new EvidenceStore({ client: db.client, tableName: store.tableName, faults: { beforeWrite: () => void (writes += 1) } });
  await recordRun({ store: counting, sealer: testSealer(counting), ...scenarioRun('france-travail', DAY2), runId: 'day-2' });
  return writes;
}

describe('a crash before any write of a run, then the next run', () => {
  for (const resumable of [true, false]) {
    it(`${resumable ? 'resumes' : 'seals INCOMPLETE'} the interrupted run; verify green; the earlier run untouched (every crash point)`, async () => {
      const total = await writesOfOneRun();
      const n = RECORDS();
      expect(total).toBe(n + 3); // payload, header, one per record, manifest (the account entry exists)
      for (let at = 1; at <= total; at++) {
        const store = await db.newStore();
        await recordRun({ store, sealer: testSealer(store), ...scenarioRun('france-travail', DAY1), runId: 'day-1' });
        const before = await scanAll(db.client, store.tableName);
        const crashing = crashingStore(store.tableName, at, resumable ? undefined : 10);
        await expect(recordRun({ store: crashing, sealer: testSealer(crashing), ...scenarioRun('france-travail', DAY2), runId: 'day-2' })).rejects.toBeInstanceOf(InjectedCrash);

        const next = await recordRun({ store, sealer: testSealer(store), ...scenarioRun('france-travail', DAY3), runId: 'day-3' });
        // Every seal, the INCOMPLETE ones included, is signed by the sealer's key.
        const verification = await verifyStore(store, { verifier: TEST_KEYS.verifier });
        expect(verification.firstProblem?.message, `crash before write ${at}`).toBeUndefined();
        expect(verdictOf(verification)).toBe('ok');
        const after = await scanAll(db.client, store.tableName);
        for (const item of before) expect(after, `crash before write ${at}: day-1 untouched`).toContain(item);

        const runs = await store.listRuns();
        expect(runs.map((r) => r.status)).not.toContain('open');
        const day2 = runs.find((r) => r.runId === 'day-2');
        if (at <= 2) {
          // Crashed before the header (payload, or the first write): nothing of day-2 is evidence.
          expect(day2, `crash before write ${at}`).toBeUndefined();
          expect(next.closed).toEqual([]);
        } else if (resumable) {
          expect(day2, `crash before write ${at}`).toMatchObject({ status: 'complete', recordCount: n });
          expect(next.closed).toEqual([expect.objectContaining({ runId: 'day-2', status: 'complete', recordCount: n })]);
        } else {
          // The manifest was the last write: a crash just before it leaves every record, sealed complete-by-plan.
          const held = day2?.recordCount ?? -1;
          expect(held).toBe(Math.min(n, at - 3));
          expect(day2?.status).toBe(held === n ? 'complete' : 'incomplete');
          if (held < n) {
            expect(day2?.reason).toContain(`interrupted after ${held} of ${n} record(s)`);
            const gap = verification.accounts[0]?.gaps.find((g) => g.runId === 'day-2');
            expect(gap).toMatchObject({ recordCount: held, expectedRecords: n });
          }
        }
        // The chain runs day-1 → (day-2) → day-3.
        expect(next.manifest.previous?.runId).toBe(at <= 2 ? 'day-1' : 'day-2');
      }
    }, 240_000);
  }
});

describe('order and retries', () => {
  it('a run older than the latest sealed run is refused before anything is written', async () => {
    const store = await db.newStore();
    await recordRun({ store, sealer: testSealer(store), ...scenarioRun('compliant', DAY2), runId: 'late' });
    const before = await scanAll(db.client, store.tableName);
    await expect(recordRun({ store, sealer: testSealer(store), ...scenarioRun('compliant', DAY1), runId: 'early' })).rejects.toBeInstanceOf(EvidenceOrderError);
    expect(await scanAll(db.client, store.tableName)).toEqual(before);
    expect(verdictOf(await verifyStore(store))).toBe('ok');
  });

  it('a retry of an interrupted run with regenerated facts finishes it with the facts it was opened with, never a conflict', async () => {
    const store = await db.newStore();
    const first = scenarioRun('france-travail', DAY1);
    await expect(recordRun({ ...withSealer(crashingStore(store.tableName, 8)), ...first, runId: 'retry' })).rejects.toBeInstanceOf(InjectedCrash);
    // The credential report was regenerated meanwhile: one finding reads differently.
    const regenerated = scenarioRun('france-travail', DAY1);
    regenerated.findings = regenerated.findings.map((f) => (f.ruleId === 'auth.console-mfa' ? { ...f, message: `${f.message} (regenerated report)` } : f));
    const retried = await recordRun({ store, sealer: testSealer(store), ...regenerated, runId: 'retry' });
    expect(retried.resumed).toBe(true);
    expect(retried.records.find((r) => r.ruleId === 'auth.console-mfa')?.message).not.toContain('regenerated');
    expect(verdictOf(await verifyStore(store))).toBe('ok');
    expect((await store.listRuns())[0]).toMatchObject({ runId: 'retry', status: 'complete', recordCount: RECORDS() });
  });

  it('an open run whose record was altered is never sealed over: the close refuses and verify names the record (tampering)', async () => {
    const store = await db.newStore();
    const { snapshot, findings } = scenarioRun('france-travail', DAY1);
    await expect(recordRun({ ...withSealer(crashingStore(store.tableName, 10)), snapshot, findings, runId: 'open' })).rejects.toBeInstanceOf(InjectedCrash);
    const sk = keys.recordSk(DAY1, 'open', (await store.runRecordItems(snapshot.account.id, DAY1, 'open'))[0]?.ruleId as string);
    const stored = (await store.getItem(keys.account(snapshot.account.id), sk)) as Item;
    // An insider rewrites body and hash together (the record then matches its own hash).
    const { buildRecords, recordItem } = await import('../../../lib/evidence');
    const forged = buildRecords({ snapshot, findings: findings.map((f) => ({ ...f, status: 'PASS' as const, message: 'all good' })), runId: 'open', requirementsFor: () => [] }).find(
      (r) => r.ruleId === stored.ruleId,
    );
    const { marshall } = await import('@aws-sdk/util-dynamodb');
    await db.client.send(new PutItemCommand({ TableName: store.tableName, Item: marshall(recordItem(forged!), { removeUndefinedValues: true }) }));
    await expect(recordRun({ store, sealer: testSealer(store), ...scenarioRun('france-travail', DAY2), runId: 'next' })).rejects.toBeInstanceOf(RunCloseError);
    const verification = await verifyStore(store);
    expect(verdictOf(verification)).toBe('tampered');
    expect(verification.accounts[0]?.problems.map((p) => p.kind)).toContain('RECORD_MODIFIED');
  });

  it('an interrupted run not yet closed is "incomplete" for verify, not tampering', async () => {
    const store = await db.newStore();
    await expect(recordRun({ ...withSealer(crashingStore(store.tableName, 12)), ...scenarioRun('compliant', DAY1), runId: 'cut' })).rejects.toBeInstanceOf(InjectedCrash);
    const verification = await verifyStore(store);
    expect(verdictOf(verification)).toBe('incomplete');
    expect(verification.accounts[0]?.problems.map((p) => p.kind)).toEqual(['RUN_INCOMPLETE']);
  });
});
