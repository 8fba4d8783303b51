import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceConflictError, InvalidDateRangeError, UnknownAccountError, buildRecords, keys, recordRun, requirementIdsForRule, verifyStore } from '../../../lib/evidence';
import { TEST_KEYS, scanAll, scenarioRun, startTestDb, testSealer, type TestDb } from './helpers';

let db: TestDb;
beforeAll(async () => {
  db = await startTestDb();
});
afterAll(async () => {
  await db.close();
});

const DAYS = ['2026-01-20T06:00:00.000Z', '2026-01-21T06:00:00.000Z', '2026-01-22T06:00:00.000Z'];

describe('evidence store round trips', () => {
  it('writes dated runs, then answers history, runs, latest run and manifests', async () => {
    const store = await db.newStore();
    let accountId = '';
    for (const [i, at] of DAYS.entries()) {
      const { snapshot, findings } = scenarioRun('france-travail', at);
      accountId = snapshot.account.id;
      const result = await recordRun({ store, sealer: testSealer(store), snapshot, findings, runId: `run-${i}` });
      expect(result.records).toHaveLength(findings.length);
      expect(result.alreadyPresent).toBe(0);
    }
    const runs = await store.listRuns({ accountId });
    expect(runs.map((r) => [r.runId, r.collectedAt, r.status])).toEqual(DAYS.map((at, i) => [`run-${i}`, at, 'complete']));

    const history = await store.history({ accountId, ruleId: 'auth.password-strength' });
    expect(history.map((r) => r.collectedAt)).toEqual(DAYS);
    expect(history.every((r) => r.ruleId === 'auth.password-strength' && r.status === 'FAIL')).toBe(true);

    const ranged = await store.history({ accountId, ruleId: 'auth.password-strength', from: '2026-01-21', to: '2026-01-21' });
    expect(ranged.map((r) => r.runId)).toEqual(['run-1']);

    const byRequirement = await store.history({ accountId, requirementId: 'CNIL-2022-100', from: '2026-01-21' });
    expect(byRequirement.length).toBeGreaterThan(0);
    expect(byRequirement.every((r) => r.requirementIds.includes('CNIL-2022-100') && r.collectedAt >= '2026-01-21')).toBe(true);
    expect(new Set(byRequirement.map((r) => r.runId))).toEqual(new Set(['run-1', 'run-2']));

    const latest = await store.latestRun(accountId);
    expect(latest?.runId).toBe('run-2');
    const manifests = await store.manifests(accountId);
    expect(manifests.map((m) => m.runId)).toEqual(['run-0', 'run-1', 'run-2']);
    expect(manifests[0]?.previous).toBeNull();
    expect(manifests[1]?.previous?.hash).toBe(manifests[0]?.hash);
    expect(manifests[2]?.previous?.hash).toBe(manifests[1]?.hash);
    expect(await store.previousRunTimes(accountId)).toEqual(DAYS);

    const records = await store.runRecords('run-1', accountId);
    expect(records.map((r) => r.hash)).toEqual(manifests[1]?.records.map((e) => e.hash));
    expect((await verifyStore(store, { verifier: TEST_KEYS.verifier })).ok).toBe(true);
  });

  it('lists several accounts and marks a run without manifest as incomplete', async () => {
    const store = await db.newStore();
    const a = scenarioRun('compliant', DAYS[0] as string);
    const b = scenarioRun('fresh-account', DAYS[0] as string);
    await recordRun({ store, sealer: testSealer(store), ...a, runId: 'r1' });
    // b: records written, never sealed (an interrupted run).
    const { buildRecords } = await import('../../../lib/evidence');
    const records = buildRecords({ snapshot: b.snapshot, findings: b.findings, runId: 'r1', requirementsFor: () => [] });
    await store.writeRun(records);
    expect(await store.accounts()).toEqual([a.snapshot.account.id, b.snapshot.account.id].sort());
    const runs = await store.listRuns();
    expect(runs.find((r) => r.accountId === a.snapshot.account.id)?.status).toBe('complete');
    expect(runs.find((r) => r.accountId === b.snapshot.account.id)).toMatchObject({ status: 'open', recordCount: records.length });
    const everything = await store.runItems('r1');
    expect(everything.filter((i) => i.type === 'MANIFEST')).toHaveLength(1);
    expect(everything.filter((i) => i.type === 'RECORD')).toHaveLength(a.findings.length + b.findings.length);
  });
});

describe('idempotence and conflicts', () => {
  it('a retried run leaves the table byte-identical and reports everything as already present', async () => {
    const store = await db.newStore();
    const { snapshot, findings } = scenarioRun('france-travail', DAYS[0] as string);
    const first = await recordRun({ store, sealer: testSealer(store), snapshot, findings, runId: 'retry' });
    const before = await scanAll(db.client, store.tableName);
    const again = scenarioRun('france-travail', DAYS[0] as string);
    const second = await recordRun({ store, sealer: testSealer(store), snapshot: again.snapshot, findings: again.findings, runId: 'retry' });
    expect(second.written).toBe(0);
    expect(second.alreadyPresent).toBe(first.written);
    expect(second.manifest.hash).toBe(first.manifest.hash);
    expect(await scanAll(db.client, store.tableName)).toEqual(before);
  });

  it('a retry of a sealed run with different findings (a regenerated credential report) returns the sealed run and writes nothing', async () => {
    const store = await db.newStore();
    const { snapshot, findings } = scenarioRun('france-travail', DAYS[0] as string);
    const first = await recordRun({ store, sealer: testSealer(store), snapshot, findings, runId: 'sealed-retry' });
    const before = await scanAll(db.client, store.tableName);
    const altered = findings.map((f) => (f.ruleId === 'auth.root-mfa' ? { ...f, status: 'PASS' as const, message: 'changed' } : f));
    const retry = await recordRun({ store, sealer: testSealer(store), snapshot, findings: altered, runId: 'sealed-retry' });
    expect(retry.manifest.hash).toBe(first.manifest.hash);
    expect(retry.records.find((r) => r.ruleId === 'auth.root-mfa')?.status).not.toBe('PASS');
    expect(retry.written).toBe(0);
    expect(await scanAll(db.client, store.tableName)).toEqual(before);
  });

  it('writeRun refuses different content under an existing key and writes nothing', async () => {
    const store = await db.newStore();
    const { snapshot, findings } = scenarioRun('france-travail', DAYS[0] as string);
    await recordRun({ store, sealer: testSealer(store), snapshot, findings, runId: 'conflict' });
    const before = await scanAll(db.client, store.tableName);
    const altered = findings.map((f) => (f.ruleId === 'auth.root-mfa' ? { ...f, status: 'PASS' as const, message: 'changed' } : f));
    const error = await store.writeRun(buildRecords({ snapshot, findings: altered, runId: 'conflict', requirementsFor: requirementIdsForRule })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvidenceConflictError);
    expect((error as EvidenceConflictError).key).toEqual({ pk: keys.account(snapshot.account.id), sk: keys.recordSk(DAYS[0] as string, 'conflict', 'auth.root-mfa') });
    expect((error as Error).message).toContain('RULE#auth.root-mfa');
    expect(await scanAll(db.client, store.tableName)).toEqual(before);
  });

  it('refuses to seal a run older than the latest sealed run (the chain only grows forward)', async () => {
    const store = await db.newStore();
    const late = scenarioRun('compliant', DAYS[2] as string);
    await recordRun({ store, sealer: testSealer(store), ...late, runId: 'late' });
    const early = scenarioRun('compliant', DAYS[0] as string);
    await expect(recordRun({ store, sealer: testSealer(store), ...early, runId: 'early' })).rejects.toThrow(/older than the latest sealed run late/);
  });
});

describe('bad input', () => {
  it('names the known accounts for an unknown one', async () => {
    const store = await db.newStore();
    const { snapshot, findings } = scenarioRun('compliant', DAYS[0] as string);
    await recordRun({ store, sealer: testSealer(store), snapshot, findings, runId: 'r' });
    const error = await store.history({ accountId: '999999999999', ruleId: 'auth.root-mfa' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownAccountError);
    expect((error as Error).message).toContain(`Accounts with evidence: ${snapshot.account.id}`);
    await expect(store.listRuns({ accountId: '999999999999' })).rejects.toThrow(UnknownAccountError);
  });

  it('refuses an inverted or unparsable date range', async () => {
    const store = await db.newStore();
    await expect(store.history({ accountId: '111111111111', ruleId: 'x', from: '2026-02-01', to: '2026-01-01' })).rejects.toThrow(InvalidDateRangeError);
    await expect(store.listRuns({ from: 'yesterday' })).rejects.toThrow(/--from "yesterday" is not a date/);
  });
});
