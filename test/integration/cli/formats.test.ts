/**
 * One CLI (issue #20): CSV wherever output is tabular (collect, runs, activity, as scan and
 * history), collect's exit codes follow the shared scheme (1 at or above --fail-on, the evidence
 * recorded either way), and an empty listing is an answer (exit 0), not a failure.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { HISTORY_CSV_HEADER } from '../../../lib/cli/commands/history';
import { RUNS_CSV_HEADER } from '../../../lib/cli/commands/runs';
import { run } from '../../unit/cli/capture';
import { iamUserRecord, officeTime, WINDOW } from '../../unit/activity/helpers';

const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('collect', () => {
  it('--format csv: the recorded records with the columns of history --format csv', async () => {
    const data = ['--data-dir', join(tempDir('art32-fmt-'), 'data')];
    const r = await run('collect', '--scenario', 'compliant', '--collected-at', '2026-01-20T06:00:00.000Z', '--run-id', 'day-1', '--format', 'csv', ...data);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(HISTORY_CSV_HEADER.join(','));
    const history = await run('history', '--account', '444455556666', '--rule', 'auth.root-mfa', '--format', 'csv', ...data);
    // The record history shows is one of the rows collect printed, byte for byte.
    expect(lines).toContain(history.stdout.trim().split('\n')[1]);
  });

  it('--fail-on: exit 1 naming the rules, after recording the run (verify stays green)', async () => {
    const data = ['--data-dir', join(tempDir('art32-fmt-'), 'data')];
    const r = await run('collect', '--scenario', 'france-travail', '--collected-at', '2026-01-20T06:00:00.000Z', '--fail-on', 'critical', ...data);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/recorded finding\(s\) at or above --fail-on critical: .*auth\.root-mfa \(FAIL, critical\)/);
    expect(r.stdout).toContain('sealed by manifest');
    expect((await run('verify', ...data)).code).toBe(0);
    const clean = await run('collect', '--scenario', 'compliant', '--collected-at', '2026-01-20T06:00:00.000Z', '--fail-on', 'critical', ...data);
    expect(clean.code).toBe(0);
  });
});

describe('runs', () => {
  it('--format csv lists every run; an empty store answers with exit 0 and says how to record one', async () => {
    const data = ['--data-dir', join(tempDir('art32-fmt-'), 'data')];
    await run('collect', '--scenario', 'compliant', '--collected-at', '2026-01-20T06:00:00.000Z', '--run-id', 'day-1', ...data);
    const csv = await run('runs', '--format', 'csv', ...data);
    expect(csv.code).toBe(0);
    expect(csv.stdout.trim().split('\n')).toEqual([RUNS_CSV_HEADER.join(','), expect.stringMatching(/^444455556666,2026-01-20T06:00:00\.000Z,day-1,\d+,complete,false,$/)]);
    const empty = await run('runs', '--from', '2030-01-01', ...data);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('no runs in');
  });
});

describe('activity --format csv', () => {
  it('one row per principal, a formula-like principal neutralised', async () => {
    const dir = tempDir('art32-fmt-logs-');
    mkdirSync(join(dir, 'a'));
    const records = [iamUserRecord({ time: officeTime(1), user: 'alice' }), iamUserRecord({ time: officeTime(2), user: '=HYPERLINK("x")' })];
    writeFileSync(join(dir, 'a', 'f.json.gz'), gzipSync(JSON.stringify({ Records: records })));
    const r = await run('activity', '--logs', dir, '--end', WINDOW.end.toISOString(), '--window', '24h', '--workers', '1', '--format', 'csv');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('principal,calls,error_rate,denied_error_rate,data_read_bytes_per_day,data_read_records_per_day,off_hours_share,distinct_resources,flagged');
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes('user/alice'))).toBe(true);
    // No cell starts with a formula trigger once parsed by a spreadsheet.
    for (const line of lines.slice(1)) expect(line).not.toMatch(/(^|,)"?[=+\-@]/);
  });
});

describe('register --format csv', () => {
  it('one row per entry in force, a formula-like justification neutralised; table is the default, text its alias', async () => {
    const data = ['--data-dir', join(tempDir('art32-fmt-reg-'), 'data')];
    await run('collect', '--scenario', 'compliant', '--collected-at', '2026-01-20T06:00:00.000Z', ...data);
    const accepted = await run('accept', '--account', '444455556666', '--rule', 'access.admin-principals', '--principal', 'user/ops', '--justification', '=cmd|" /C calc"!A0', '--owner', 'CISO', '--expires', '2026-03-31', ...data);
    expect(accepted.code).toBe(0);
    const csv = await run('register', '--account', '444455556666', '--format', 'csv', ...data);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('seq,id,kind,account_id,recorded_at,declarant,entry,expired,overdue,hash');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^1,A-[0-9a-f]{12},acceptance,444455556666,/);
    for (const cell of lines[1]!.split(',')) expect(cell).not.toMatch(/^"?[=+\-@]/);
    const table = await run('register', '--account', '444455556666', ...data);
    const text = await run('register', '--account', '444455556666', '--format', 'text', ...data);
    expect(text.stdout).toBe(table.stdout);
  });
});
