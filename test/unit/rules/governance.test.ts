import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../../lib/rules';
import evidenceContinuity from '../../../lib/rules/governance/evidence-continuity';
import { NOW, snapshot } from './builders';

const hoursAgo = (h: number): string => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();
const judge = (previousRunTimes: string[] | undefined, params = {}) => evaluateRule(evidenceContinuity, snapshot(), params, { previousRunTimes });

describe('governance.evidence-continuity', () => {
  it('NOT_APPLICABLE without history', () => {
    expect(judge(undefined).status).toBe('NOT_APPLICABLE');
    expect(judge([]).status).toBe('NOT_APPLICABLE');
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
