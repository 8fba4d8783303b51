/**
 * The activity rule's own-history baseline comes from the evidence store: after enough
 * sealed runs, `collect` hands each principal's earlier metrics to the rule.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../unit/cli/capture';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-baselines-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

const ACCOUNT = '444455556666';
const day = (n: number) => new Date(Date.UTC(2026, 10, 1 + n, 6)).toISOString();

describe('activity baselines from stored evidence', () => {
  it('the first runs have no own history; after 5 sealed runs every principal is compared with its own', async () => {
    const data = ['--data-dir', join(dir, 'data')];
    for (let n = 0; n < 6; n++) {
      const r = await run('collect', '--scenario', 'compliant', '--collected-at', day(n), '--run-id', `day-${n}`, ...data);
      expect(r.stderr).not.toContain('art32:');
    }
    const history = await run('history', '--account', ACCOUNT, '--rule', 'monitoring.abnormal-activity', ...data, '--format', 'json');
    const records = JSON.parse(history.stdout) as { runId: string; status: string; observed: { historyPrincipals: number; principals: number } }[];
    expect(records.map((r) => r.runId)).toEqual(['day-0', 'day-1', 'day-2', 'day-3', 'day-4', 'day-5']);
    expect(records[0]!.observed.historyPrincipals).toBe(0);
    // From the second run on, the earlier runs' metrics are handed back, one principal each.
    expect(records[5]!.observed.historyPrincipals).toBeGreaterThan(0);
    expect(records[5]!.observed.historyPrincipals).toBeLessThanOrEqual(records[5]!.observed.principals);
    // Same normal behaviour every day: the own-history comparison raises nothing.
    expect(records[5]!.status).toBe('PASS');
  });
});
