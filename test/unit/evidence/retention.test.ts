/**
 * Evidence retention: records expire (activity records sooner), manifests stay; a record a kept
 * manifest lists and the store lacks is "expired" only past the period in force when its run was
 * collected — a later, shorter declaration cannot excuse deleting it ("missing").
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVIDENCE_RETENTION, expiredEntries, missingRecordVerdict, recordExpiresAt, retentionPolicy } from '../../../lib/evidence/retention';
import type { RegisterView } from '../../../lib/register/types';

const declared = (recordedAt: string, recordDays: number, activityDays: number): RegisterView['entries'][number] => ({
  id: `D-${recordedAt.slice(0, 10).replace(/-/g, '')}0000`,
  kind: 'declaration',
  accountId: '*',
  recordedAt,
  declarant: { identity: 'dpo@host', via: 'os' },
  hash: 'a'.repeat(64),
  payload: { type: 'evidence-retention', recordDays, activityDays, justification: '2-year audit cycle' },
});

describe('evidence retention', () => {
  it('defaults to 1095 days for records and 365 for per-person activity records, with the justification (1095 days from 1 Jan 2026 is 31 Dec 2028: 2028 is a leap year)', () => {
    const p = retentionPolicy(undefined);
    expect(p).toMatchObject(DEFAULT_EVIDENCE_RETENTION);
    expect(p.justification).toContain('2021-122');
    expect(recordExpiresAt('2026-01-01T06:00:00.000Z', 'auth.console-mfa', p)).toBe('2028-12-31T06:00:00.000Z');
    expect(recordExpiresAt('2026-01-01T06:00:00.000Z', 'monitoring.abnormal-activity', p)).toBe('2027-01-01T06:00:00.000Z');
  });

  it('a declaration in the register sets the period; the latest one wins; a malformed one is ignored', () => {
    const view: RegisterView = {
      at: '2026-06-01T00:00:00.000Z',
      entries: [declared('2026-02-01T00:00:00.000Z', 730, 180), declared('2026-03-01T00:00:00.000Z', 400, 90), { ...declared('2026-04-01T00:00:00.000Z', 10, 5) }],
    };
    const p = retentionPolicy(view);
    expect(p.recordDays).toBe(400);
    expect(p.activityDays).toBe(90);
    expect(p.declaration?.declaredBy).toBe('dpo@host');
  });

  it('missing vs expired: judged by the period in force at collection', () => {
    const run = { collectedAt: '2026-01-01T06:00:00.000Z' };
    const atCollection = retentionPolicy(undefined);
    expect(missingRecordVerdict(run, { ruleId: 'auth.console-mfa' }, atCollection, '2027-06-01T00:00:00.000Z')).toEqual({ kind: 'missing' });
    expect(missingRecordVerdict(run, { ruleId: 'monitoring.abnormal-activity' }, atCollection, '2027-06-01T00:00:00.000Z')).toEqual({ kind: 'expired', expiredAt: '2027-01-01T06:00:00.000Z' });
    // A shorter period declared later does not reach back: the insider who deletes a 2026 record
    // and then declares 30 days is still caught.
    const later = retentionPolicy({ at: '2026-12-01T00:00:00.000Z', entries: [declared('2026-11-01T00:00:00.000Z', 30, 30)] });
    expect(missingRecordVerdict(run, { ruleId: 'auth.console-mfa' }, atCollection, '2026-12-01T00:00:00.000Z').kind).toBe('missing');
    expect(later.recordDays).toBe(30);
  });

  it('lists the expired entries of a run and the next expiry', () => {
    const run = { collectedAt: '2026-01-01T06:00:00.000Z', records: [{ ruleId: 'auth.console-mfa' }, { ruleId: 'monitoring.abnormal-activity' }] };
    const r = expiredEntries(run, retentionPolicy(undefined), '2027-02-01T00:00:00.000Z');
    expect(r.expired.map((e) => e.ruleId)).toEqual(['monitoring.abnormal-activity']);
    expect(r.nextExpiry).toBe('2028-12-31T06:00:00.000Z');
  });
});
