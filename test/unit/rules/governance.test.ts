import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../../lib/rules';
import evidenceContinuity from '../../../lib/rules/governance/evidence-continuity';
import { NOW, snapshot } from './builders';

const hoursAgo = (h: number): string => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();
/** A run that collected something (one section read). */
const collected = () => snapshot({ passwordPolicy: null });
/** A run that could read nothing: the member role could not be assumed. */
const failed = () =>
  snapshot({ collectionErrors: [{ section: 'passwordPolicy', operation: 'sts:AssumeRole', code: 'AccessDenied', message: 'not authorized to perform: sts:AssumeRole', region: 'eu-west-3' }] });
const judge = (previousRunTimes: string[] | undefined, params = {}, snap = collected()) => evaluateRule(evidenceContinuity, snap, params, { previousRunTimes });

describe('governance.evidence-continuity', () => {
  it('NOT_APPLICABLE without history when this run collected: continuity starts here', () => {
    expect(judge(undefined).status).toBe('NOT_APPLICABLE');
    expect(judge([]).status).toBe('NOT_APPLICABLE');
  });
  it('an expected account never collected FAILs: no earlier collection and this run read nothing', () => {
    const f = judge([], {}, failed());
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('never been collected');
    expect(f.message).toContain('sts:AssumeRole: AccessDenied');
    expect(judge(undefined, {}, failed()).status).toBe('FAIL');
  });
  it('a run that collected nothing does not close a gap: judged on the latest real collection', () => {
    expect(judge([hoursAgo(24)], {}, failed())).toMatchObject({ status: 'PASS', observed: { thisRunCollected: false } });
    expect(judge([hoursAgo(40)], {}, failed())).toMatchObject({ status: 'FAIL', message: expect.stringContaining('This run collected nothing') });
  });
  it('latest previous run 36 h ago passes, 36.5 h fails', () => {
    expect(judge([hoursAgo(36)]).status).toBe('PASS');
    const f = judge([hoursAgo(36.5)]);
    expect(f.status).toBe('FAIL');
    expect(f.observed.hoursSinceLatest).toBe(36.5);
  });
  it('a gap between two earlier runs in the lookback window fails; one older than the window does not', () => {
    const daily = [hoursAgo(24), hoursAgo(48)];
    expect(judge([hoursAgo(24 * 10), hoursAgo(24 * 5), ...daily].sort()).status).toBe('FAIL');
    const old = [hoursAgo(24 * 60), hoursAgo(24 * 50)];
    const recent = Array.from({ length: 30 }, (_, i) => hoursAgo(24 * (i + 1)));
    expect(judge([...old, ...recent]).status).toBe('PASS');
  });
  it('maxGapHours is a parameter', () => {
    expect(judge([hoursAgo(30)], { maxGapHours: 25 }).status).toBe('FAIL');
  });
});

describe('governance.evidence-continuity — window edge', () => {
  it('a gap that straddles the start of the lookback window counts', () => {
    const f = judge([hoursAgo(24 * 40), hoursAgo(24 * 20), hoursAgo(24)]);
    expect(f.status).toBe('FAIL');
    expect((f.observed.gaps as unknown[]).length).toBe(2);
  });
});
