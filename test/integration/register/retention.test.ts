/**
 * `art32 declare evidence-retention` and `art32 retention` on a real embedded store: the default
 * period and its justification, a declared period (validated, dated, attributed), which records
 * are past it — judged by the period in force when each run was collected — and nothing deleted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../unit/cli/capture';

let dir: string;
const data = (): string[] => ['--data-dir', join(dir, 'data')];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-retention-'));
  expect((await run('collect', '--scenario', 'france-travail', '--collected-at', '2026-01-05T06:00:00.000Z', ...data())).code).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

interface Out {
  accounts: { accountId: string; policy: { recordDays: number; activityDays: number; declaration?: { id: string } }; runs: number; expiredRecords: number; expiredRuns: { ruleIds: string[] }[] }[];
}

describe('art32 retention', () => {
  it('default: activity records expire after 365 days, the others after 1095; nothing is deleted', async () => {
    const before = JSON.parse((await run('retention', '--now', '2026-12-01', '--format', 'json', ...data())).stdout) as Out;
    expect(before.accounts[0]).toMatchObject({ policy: { recordDays: 1095, activityDays: 365 }, runs: 1, expiredRecords: 0 });
    const after = JSON.parse((await run('retention', '--now', '2027-02-01', '--format', 'json', ...data())).stdout) as Out;
    expect(after.accounts[0]?.expiredRecords).toBe(1);
    expect(after.accounts[0]?.expiredRuns[0]?.ruleIds).toEqual(['monitoring.abnormal-activity']);
    const text = await run('retention', '--now', '2030-01-01', ...data());
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/past retention on 2030-01-01: \d+ record\(s\) in 1 of 1 run\(s\)/);
    expect(text.stdout).toContain('CNIL délib. 2021-122');
    expect((await run('verify', ...data())).code).toBe(0);
  });

  it('a declared period is validated and applies to runs collected after it', async () => {
    const bad = await run('declare', 'evidence-retention', '--account', '*', '--record-days', '365', '--activity-days', '400', '--justification', 'x', ...data());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('art32: --activity-days: activity records cannot be kept longer than the other records (--activity-days ≤ --record-days)\n');
    const ok = await run('declare', 'evidence-retention', '--account', '*', '--record-days', '400', '--activity-days', '90', '--justification', 'audit cycle of 13 months', ...data());
    expect(ok.code).toBe(0);
    const now = JSON.parse((await run('retention', '--now', '2027-02-01', '--format', 'json', ...data())).stdout) as Out;
    // The policy in force now is the declared one; the January run keeps the period it was collected under.
    expect(now.accounts[0]?.policy).toMatchObject({ recordDays: 400, activityDays: 90 });
    expect(now.accounts[0]?.expiredRecords).toBe(1);
  });
});
