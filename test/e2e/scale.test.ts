/**
 * The 1,000-account bench (bench/scale.ts) at CI size: every simulated account of one run ends
 * with its run sealed in the store, nothing is left open, the lock is released, and no state of
 * any execution (parent or child) carries more than a few KB — the account fan-out keeps
 * per-account data out of the run's state.
 */
import { describe, expect, it } from 'vitest';
import { STATE_LIMIT_BYTES, runAtScale } from './scale-run';

const ACCOUNTS = 20;

describe('a run over many accounts (local harness, Distributed Map run per item)', () => {
  it(`${ACCOUNTS} accounts at concurrency 4: every account sealed, the state stays small`, async () => {
    const r = await runAtScale({ accounts: ACCOUNTS, concurrency: 4, latency: { memberMs: 1, dynamoMs: 1 } });
    expect(r.outcome.error).toBeUndefined();
    expect(r.outcome.status).toBe('SUCCEEDED');
    const out = r.outcome.output!;
    expect({ accounts: out.accounts, sealed: out.sealed, unrecorded: out.unrecorded, lock: out.lock }).toEqual({ accounts: ACCOUNTS, sealed: ACCOUNTS, unrecorded: 0, lock: 'released' });
    expect(r.sealedAccounts).toBe(ACCOUNTS);
    expect(r.openRuns).toBe(0);
    expect(r.lockState).toBe('RELEASED');
    expect(r.childExecutions).toBe(ACCOUNTS);
    // Every member-account API call and DynamoDB request went through the counted clients.
    expect(r.memberCalls).toBeGreaterThan(ACCOUNTS);
    expect(r.dynamoCalls.get('PutItem')).toBeGreaterThan(ACCOUNTS);
    expect(r.peakState.peak).toBeLessThan(STATE_LIMIT_BYTES / 64);
  }, 300_000);
});
