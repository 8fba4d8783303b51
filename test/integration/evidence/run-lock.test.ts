/**
 * The deployed pipeline's run lock (one lease item in the evidence table) against dynalite:
 * a second execution is refused while the first holds it, re-enters its own lock (retried
 * task, redrive), takes over only an expired lease, and a release by a run that no longer
 * holds the lock changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, localClient, startDynalite, type EmbeddedServer } from '../../../lib/evidence/embedded';
import { RUN_LEASE_MS, RUN_LOCK_KEY, RunLock, RunLockBusyError } from '../../../lib/evidence/run-lock';
import { EvidenceStore } from '../../../lib/evidence/store';

let server: EmbeddedServer;
let store: EvidenceStore;
const TABLE = 'art32-run-lock';

beforeAll(async () => {
  server = await startDynalite();
  const client = localClient(server.endpoint);
  await ensureTable(client, TABLE);
  store = new EvidenceStore({ client, tableName: TABLE });
});
afterAll(() => server.close());

describe('run lock', () => {
  it('one holder at a time; re-entrant; released; an expired lease is taken over', async () => {
    let now = new Date('2026-01-29T05:00:00.000Z');
    const lock = new RunLock({ doc: store.documentClient, tableName: TABLE, now: () => now });

    const first = await lock.acquire('scheduled-run');
    expect(first.leaseUntil).toBe(new Date(now.getTime() + RUN_LEASE_MS).toISOString());

    now = new Date('2026-01-29T05:10:00.000Z');
    const busy = await lock.acquire('manual-run').catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(RunLockBusyError);
    expect((busy as Error).name).toBe('RunLockBusy');
    expect((busy as Error).message).toContain('run scheduled-run holds the collection lock');
    expect(await lock.current()).toMatchObject({ holder: 'scheduled-run', state: 'HELD' });

    // The holder's retried task (or redrive) re-enters.
    await expect(lock.acquire('scheduled-run')).resolves.toMatchObject({ holder: 'scheduled-run' });
    // A run that does not hold it cannot release it.
    expect(await lock.release('manual-run')).toBe('not-held');
    expect(await lock.current()).toMatchObject({ holder: 'scheduled-run', state: 'HELD' });

    expect(await lock.release('scheduled-run')).toBe('released');
    await expect(lock.acquire('manual-run')).resolves.toMatchObject({ holder: 'manual-run' });
    // A retried finalize of the earlier run releases nothing it no longer holds.
    expect(await lock.release('scheduled-run')).toBe('not-held');
    expect(await lock.current()).toMatchObject({ holder: 'manual-run', state: 'HELD' });

    // The holder died without finalizing (aborted execution): its lease expires, then only then.
    now = new Date(now.getTime() + RUN_LEASE_MS - 1000);
    await expect(lock.acquire('next-day')).rejects.toThrow(/manual-run holds/);
    now = new Date(now.getTime() + 2000);
    await expect(lock.acquire('next-day')).resolves.toMatchObject({ holder: 'next-day' });
    const item = await store.getItem(RUN_LOCK_KEY.pk, RUN_LOCK_KEY.sk);
    expect(item).toMatchObject({ type: 'LOCK', holder: 'next-day', state: 'HELD' });
  });
});
