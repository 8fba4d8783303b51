import { describe, expect, it } from 'vitest';
import { scenarioWindow } from '../../../lib/scenarios/activity/synthetic';
import { loadScenario } from '../../../lib/scenarios';

describe('scenario activity window', () => {
  it('is the last 24 h when they hold office hours (Thursday 06:00 UTC)', () => {
    const now = new Date('2026-01-22T06:00:00Z');
    const w = scenarioWindow(now);
    expect(w.end.toISOString()).toBe(now.toISOString());
    expect(w.start.toISOString()).toBe('2026-01-21T06:00:00.000Z');
    expect(w.quarters.length).toBe(32); // 9:00–17:00 Paris on Wednesday, in quarter hours
  });

  it('steps back whole days to the latest working day on a weekend or an early Monday', () => {
    for (const at of ['2026-11-22T12:00:00Z', '2026-11-23T06:00:00Z', '2026-11-21T20:00:00Z']) {
      const w = scenarioWindow(new Date(at));
      expect(w.quarters.length, at).toBeGreaterThan(0);
      expect(w.end.getTime() - w.start.getTime()).toBe(86_400_000);
      expect(w.end.getTime()).toBeLessThanOrEqual(Date.parse(at));
    }
  });

  it('so a demo run on a Monday morning still shows the France Travail signals', () => {
    const { snapshot } = loadScenario('france-travail', { collectedAt: '2026-11-23T06:00:00Z' });
    expect(snapshot.activity?.window).toBeDefined();
    expect(JSON.stringify(snapshot.activity)).toContain('adviser-41');
  });
});
