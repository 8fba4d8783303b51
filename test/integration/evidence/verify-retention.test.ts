/**
 * `verify` tells a record removed because its evidence-retention period ended from a deleted one
 * (#13 with #16's retention): manifests are kept, so a missing record is judged by the period in
 * force when its run was collected. Attack: the insider deletes a RECENT record, hoping it passes
 * as expired — still tampering (exit 3). Before this, both were RECORD_DELETED (exit 3).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../../../lib/evidence';
import { keys } from '../../../lib/evidence/table';
import { run } from '../../unit/cli/capture';

let dir: string;
const ACCOUNT = '111122223333';
/** Past the default 1095-day period at any date after 2025-01-19. */
const OLD = '2022-01-20T06:00:00.000Z';
/** A day ago: within every period. */
const RECENT = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) + 'T06:00:00.000Z';
const data = () => ['--data-dir', join(dir, 'data')];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-verify-retention-'));
  for (const [at, id] of [[OLD, 'old-run'], [RECENT, 'recent-run']] as const) {
    expect((await run('collect', '--scenario', 'france-travail', '--collected-at', at, '--run-id', id, ...data())).code).toBe(0);
  }
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

async function deleteRecord(at: string, runId: string, ruleId: string): Promise<void> {
  const open = await openEmbeddedStore(join(dir, 'data'), { access: 'write' });
  try {
    await open.store.documentClient.send(new DeleteCommand({ TableName: open.store.tableName, Key: { pk: keys.account(ACCOUNT), sk: keys.recordSk(at, runId, ruleId) } }));
  } finally {
    await open.close();
  }
}

describe('verify: expired under the retention policy vs deleted', () => {
  it('a record of a run past its retention period, removed: exit 0 with a note naming the policy', async () => {
    await deleteRecord(OLD, 'old-run', 'auth.root-mfa');
    const r = await run('verify', ...data());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: 1 record(s) of run old-run (2022-01-20T06:00:00.000Z) expired under the retention policy (the art32 default: records 1095 days');
    expect(r.stdout).toContain('not tampering');
    expect(r.stdout).not.toContain('RECORD_DELETED');
  });

  it('attack: a record of a recent run deleted is still tampering (exit 3), whatever was expired before', async () => {
    await deleteRecord(RECENT, 'recent-run', 'auth.console-mfa');
    const r = await run('verify', ...data());
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/RECORD_DELETED: record RUN#[^ ]*recent-run#RULE#auth\.console-mfa .* deleted \(its retention period had not ended\)/);
  });
});
