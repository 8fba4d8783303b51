/**
 * FinalizeRun's result is the execution's output and passes through the state (256 KB at most):
 * at organisation scale it must stay bounded — counts, and the accounts that need a look by name
 * (at most 200) — while every account is still closed and counted. Before, it listed every
 * account's outcome (≈ 35 B each) and reached the limit near 7,000 accounts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FULL_OUTCOMES_MAX_ACCOUNTS, MAX_LISTED_PROBLEMS, createHandler } from '../../../functions/finalize-run/handler';
import type { AccountRunOutcome, EvidenceSink } from '../../../functions/shared/evidence';

beforeAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const ENV = { POWERTOOLS_SERVICE_NAME: 'art32-finalize-run', POWERTOOLS_METRICS_NAMESPACE: 'Art32', TABLE_NAME: 'art32-evidence', SIGNING_KEY_ID: 'key', ANCHORS_URL: 's3://anchors/a/' };
const STARTED_AT = '2026-02-10T05:00:00.000Z';

function accounts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(100000000000 + i));
}

/** Every 97th account failed, every 101st is incomplete; outcomes read (and sealed) concurrently. */
function run(ids: string[]) {
  let inFlight = 0;
  let maxInFlight = 0;
  const closed: string[] = [];
  const evidence = {
    outcome: async (accountId: string): Promise<AccountRunOutcome> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 0));
      inFlight--;
      closed.push(accountId);
      const i = Number(accountId) - 100000000000;
      return i % 97 === 0 ? 'COLLECTION_FAILED' : i % 101 === 0 ? 'SEALED_INCOMPLETE' : 'SEALED';
    },
    latestSuccessfulCollection: async (accountId: string) => ((Number(accountId) - 100000000000) % 97 === 0 ? undefined : STARTED_AT),
  } as unknown as EvidenceSink;
  const { finalizeRun } = createHandler({ env: ENV, evidence, lock: { release: async () => 'released' } });
  return { result: finalizeRun({ runId: 'run-1', startedAt: STARTED_AT, accounts: ids }), closed, maxInFlight: () => maxInFlight };
}

describe('finalize-run result size', () => {
  it('10,000 accounts: every account closed and counted, the result a few KB (problems by name, at most 200)', async () => {
    const ids = accounts(10_000);
    const r = run(ids);
    const result = await r.result;
    expect(new Set(r.closed).size).toBe(10_000);
    expect(r.maxInFlight()).toBeGreaterThan(1);
    const failed = ids.filter((_, i) => i % 97 === 0).length;
    const incomplete = ids.filter((_, i) => i % 97 !== 0 && i % 101 === 0).length;
    expect(result).toMatchObject({ accounts: 10_000, collectionFailed: failed, sealedIncomplete: incomplete, sealed: 10_000 - failed - incomplete, unrecorded: 0, outcomesListed: 'problems' });
    expect(Object.keys(result.outcomes)).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(Object.values(result.outcomes).includes('SEALED')).toBe(false);
    expect(result.problemsNotListed).toBe(failed + incomplete - MAX_LISTED_PROBLEMS);
    expect(result.withoutSealedRunCount).toBe(failed);
    expect(result.withoutSealedRun).toHaveLength(Math.min(failed, MAX_LISTED_PROBLEMS));
    const bytes = Buffer.byteLength(JSON.stringify(result));
    expect(bytes).toBeLessThan(32 * 1024);
    // The accounts' order decides what is listed, not the order they finished in.
    expect(Object.keys(result.outcomes)[0]).toBe(ids[0]);
  });

  it(`up to ${FULL_OUTCOMES_MAX_ACCOUNTS} accounts every outcome is listed, as before`, async () => {
    const result = await run(accounts(FULL_OUTCOMES_MAX_ACCOUNTS)).result;
    expect(result.outcomesListed).toBe('all');
    expect(Object.keys(result.outcomes)).toHaveLength(FULL_OUTCOMES_MAX_ACCOUNTS);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(64 * 1024);
  });
});
