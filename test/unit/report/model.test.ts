import { describe, expect, it } from 'vitest';
import { buildReportModel, ReportInputError, score, type ReportInput } from '../../../lib/report/model';
import { FRAMEWORKS } from '../../../lib/frameworks';
import { RULES } from '../../../lib/rules';
import { A1, A2, day, run } from './fixtures';

const RULE_IDS = ['auth.root-mfa', 'auth.console-mfa', 'logging.log-integrity'];
const rules = RULES.filter((r) => RULE_IDS.includes(r.id));

function model(runs: ReportInput['runs'], extra: Partial<ReportInput> = {}) {
  return buildReportModel({ runs, now: day(20, 8), rules, frameworks: FRAMEWORKS, ...extra });
}

describe('score', () => {
  it('is met / evaluated with ERROR and missing counted as not verified and N/A left out', () => {
    expect(score({ passed: 2, warned: 1, failed: 1, errors: 1, missing: 1, notApplicable: 7 })).toBe(50);
    expect(score({ passed: 0, warned: 0, failed: 0, errors: 0, missing: 0, notApplicable: 3 })).toBeNull();
  });
});

describe('buildReportModel', () => {
  it('reports an empty store as nothing collected', () => {
    const m = model([]);
    expect(m.verdict).toBe('Nothing was collected: the evidence store has no runs');
    expect(m.totals.accountsCollected).toBe(0);
    expect(m.requirements.every((r) => r.status === 'NOT_VERIFIED')).toBe(true);
  });

  it('names expected accounts that were never collected', () => {
    const m = model([run(A1, day(19), { 'auth.root-mfa': 'PASS', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'PASS' })], { expectedAccountIds: [A1, A2] });
    expect(m.totals.accountsNeverCollected).toBe(1);
    expect(m.accounts.at(-1)).toMatchObject({ accountId: A2, collected: false });
    expect(m.verdict).toContain('1 account never collected');
  });

  it('treats every failure of a single run as new, against the first collection', () => {
    const m = model([run(A1, day(20), { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'ERROR' })]);
    expect(m.newFailures.map((c) => c.ruleId)).toEqual(['auth.root-mfa']);
    expect(m.newFailures[0]).toMatchObject({ ageDays: 0, ageIsLowerBound: true, previousStatus: null });
    expect(m.verdict).toBe('1 new failure in 1 account since the first collection · 1 account with collection errors');
    expect(m.collectionErrors).toHaveLength(1);
    expect(m.accounts[0]?.score).toBe(33);
  });

  it('classifies new, fixed, still failing and regressed against the previous run', () => {
    const runs = [
      run(A1, day(10), { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'FAIL' }),
      run(A1, day(11), { 'auth.root-mfa': 'PASS', 'auth.console-mfa': 'FAIL', 'logging.log-integrity': 'FAIL' }),
      run(A1, day(12), { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'FAIL' }),
    ];
    const m = model(runs, { now: day(12, 8) });
    expect(m.regressions.map((c) => c.ruleId)).toEqual(['auth.root-mfa']);
    expect(m.fixed.map((c) => [c.ruleId, c.status, c.previousStatus])).toEqual([['auth.console-mfa', 'PASS', 'FAIL']]);
    expect(m.stillFailing.map((c) => [c.ruleId, c.ageDays, c.firstFailingAt, c.ageIsLowerBound])).toEqual([['logging.log-integrity', 2, day(10), true]]);
    expect(m.newFailures).toEqual([]);
    expect(m.verdict.startsWith('1 new failure (1 regression) in 1 account since the previous run (11 Nov)')).toBe(true);
  });

  it('compares with the run at or before --since, so changes between reports are not lost', () => {
    const runs = [
      run(A1, day(10), { 'auth.root-mfa': 'PASS' }),
      run(A1, day(12), { 'auth.root-mfa': 'FAIL' }),
      run(A1, day(14), { 'auth.root-mfa': 'FAIL' }),
    ];
    const m = model(runs, { now: day(14, 8), since: day(11), cadenceHours: 48 });
    expect(m.sinceLabel).toBe('11 Nov');
    expect(m.newFailures.map((c) => [c.ruleId, c.ageDays, c.ageIsLowerBound])).toEqual([['auth.root-mfa', 2, false]]);
  });

  it('lets ERROR runs bridge a failing streak: a failure that could not be checked for a day is not "new" again', () => {
    const runs = [
      run(A1, day(10), { 'auth.root-mfa': 'PASS' }),
      run(A1, day(11), { 'auth.root-mfa': 'FAIL' }),
      run(A1, day(12), { 'auth.root-mfa': 'ERROR' }),
      run(A1, day(13), { 'auth.root-mfa': 'FAIL' }),
    ];
    const m = model(runs, { now: day(13, 8) });
    expect(m.stillFailing.map((c) => [c.ruleId, c.firstFailingAt, c.ageDays])).toEqual([['auth.root-mfa', day(11), 2]]);
    // FAIL -> ERROR is not a fix: it was not verified.
    const m2 = model(runs.slice(0, 3), { now: day(12, 8) });
    expect(m2.fixed).toEqual([]);
    expect(m2.collectionErrors.map((e) => e.ruleId)).toEqual(['auth.root-mfa']);
  });

  it('finds gaps inside the window and overdue accounts from the expected cadence', () => {
    const runs = [
      run(A1, day(14), { 'auth.root-mfa': 'PASS' }),
      run(A1, day(15), { 'auth.root-mfa': 'PASS' }),
      run(A1, day(18), { 'auth.root-mfa': 'PASS' }), // 16 and 17 missed
      run(A1, day(20), { 'auth.root-mfa': 'PASS' }), // 19 missed
      run(A2, day(16), { 'auth.root-mfa': 'PASS' }), // overdue since then
    ];
    const m = model(runs, { now: day(20, 8) });
    const a1 = m.accounts.find((a) => a.accountId === A1);
    const a2 = m.accounts.find((a) => a.accountId === A2);
    expect(a1?.gaps.map((g) => [g.from, g.to, g.missedRuns, g.overdue])).toEqual([
      [day(15), day(18), 2, false],
      [day(18), day(20), 1, false],
    ]);
    expect(a2?.gaps).toEqual([{ from: day(16), to: day(20, 8), missedRuns: 4, overdue: true }]);
    expect(m.totals.accountsWithGaps).toBe(2);
    expect(m.verdict).toContain('2 accounts missed collection');
  });

  it('scores requirements from the rules that frameworks list, worst status first', () => {
    const m = model([run(A1, day(20), { 'auth.root-mfa': 'WARN', 'auth.console-mfa': 'FAIL', 'logging.log-integrity': 'PASS' })]);
    const guide4 = m.accounts[0]?.requirements.find((r) => r.requirementId === 'CNIL-GUIDE-4');
    // fiche 4 lists root-mfa (WARN), console-mfa (FAIL), root-access-keys and access.admin-credentials (no record: not verified).
    expect(guide4).toMatchObject({ status: 'FAIL', score: 25, failingRuleIds: ['auth.console-mfa'] });
    const pw = m.requirements.find((r) => r.id === 'CNIL-2022-100');
    expect(pw).toMatchObject({ status: 'NOT_VERIFIED', accountsNotVerified: 1 });
  });

  it('builds a fleet trend per UTC day and a per-account trend per run', () => {
    const runs = [1, 2, 3].flatMap((d) => [
      run(A1, day(d), { 'auth.root-mfa': d === 3 ? 'PASS' : 'FAIL', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'PASS' }),
      run(A2, day(d), { 'auth.root-mfa': 'PASS', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'PASS' }),
    ]);
    const m = model(runs, { now: day(3, 8), trendLength: 2 });
    expect(m.trend).toEqual([
      { at: '2025-11-02', score: 83, failed: 1, accounts: 2 },
      { at: '2025-11-03', score: 100, failed: 0, accounts: 2 },
    ]);
    expect(m.accounts.find((a) => a.accountId === A1)?.trend.map((p) => p.score)).toEqual([66, 100]);
  });

  it('is deterministic whatever the input order, and ignores runs after now', () => {
    const runs = [
      run(A2, day(11), { 'auth.root-mfa': 'FAIL' }, 'beta'),
      run(A1, day(10), { 'auth.root-mfa': 'PASS' }),
      run(A1, day(11), { 'auth.root-mfa': 'FAIL' }, 'alpha'),
      run(A2, day(10), { 'auth.root-mfa': 'PASS' }),
      run(A1, day(25), { 'auth.root-mfa': 'PASS' }),
    ];
    const a = model(runs, { now: day(11, 8) });
    const b = model([...runs].reverse(), { now: day(11, 8) });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.newFailures.map((c) => c.accountAlias)).toEqual(['alpha', 'beta']);
  });

  it('rejects bad input with a message naming it', () => {
    expect(() => model([], { since: 'last week' })).toThrow(ReportInputError);
    expect(() => model([{ ...run(A1, day(1), {}), collectedAt: 'yesterday' }])).toThrow(/collectedAt of run/);
    const r = run(A1, day(1), { 'auth.root-mfa': 'PASS' });
    expect(() => model([r, r])).toThrow(/listed twice/);
  });
});
