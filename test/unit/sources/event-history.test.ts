/**
 * password-policy-changes.json (aws cloudtrail lookup-events) read by the export-directory
 * source: both CLI timestamp styles, the 90-day window, an unfinished listing refused, and a
 * missing file that leaves the rule NOT VERIFIED (ERROR), never PASS.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateRule, getRule } from '../../../lib/rules';
import { loadExportDir } from '../../../lib/sources/export-dir';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function exportDir(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'art32-history-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'caller-identity.json'), JSON.stringify({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/a', UserId: 'AIDA' }));
  for (const [f, v] of Object.entries(files)) await writeFile(path.join(dir, f), typeof v === 'string' ? v : JSON.stringify(v));
  return dir;
}

describe('password-policy-changes.json', () => {
  it('reads ISO (CLI v2) and epoch-seconds (CLI v1) EventTime; since = 90 days before the collection', async () => {
    const dir = await exportDir({
      'password-policy-changes.json': {
        Events: [
          { EventId: 'a', EventName: 'UpdateAccountPasswordPolicy', EventTime: '2026-01-10T08:00:00+00:00', Username: 'alice' },
          { EventId: 'b', EventName: 'UpdateAccountPasswordPolicy', EventTime: 1767600000 },
        ],
      },
    });
    const { snapshot } = await loadExportDir(dir, { collectedAt: '2026-02-01T00:00:00Z' });
    expect(snapshot.passwordPolicyChanges).toEqual({
      since: '2025-11-03T00:00:00.000Z',
      events: [
        { EventId: 'a', EventName: 'UpdateAccountPasswordPolicy', EventTime: '2026-01-10T08:00:00.000Z', Username: 'alice' },
        { EventId: 'b', EventName: 'UpdateAccountPasswordPolicy', EventTime: '2026-01-05T08:00:00.000Z' },
      ],
    });
  });

  it('a page with NextToken is refused; a missing file leaves the rule ERROR', async () => {
    const truncated = await exportDir({ 'password-policy-changes.json': { Events: [], NextToken: 'more' } });
    const t = await loadExportDir(truncated, { collectedAt: '2026-02-01T00:00:00Z' });
    expect(t.snapshot.passwordPolicyChanges).toBeUndefined();
    expect(t.snapshot.collectionErrors).toContainEqual(expect.objectContaining({ section: 'passwordPolicyChanges', code: 'Truncated' }));

    const missing = await exportDir({ 'password-policy.json': { PasswordPolicy: { MinimumPasswordLength: 14 } } });
    const m = await loadExportDir(missing, { collectedAt: '2026-02-01T00:00:00Z' });
    expect(m.snapshot.collectionErrors).toContainEqual(expect.objectContaining({ section: 'passwordPolicyChanges', code: 'FileMissing' }));
    expect(evaluateRule(getRule('auth.passwords-predating-policy'), m.snapshot).status).toBe('ERROR');
  });
});
