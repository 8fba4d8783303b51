import { describe, expect, it } from 'vitest';
import { buildReportModel, ReportInputError, score, type ReportInput } from '../../../lib/report/model';
import { FRAMEWORKS } from '../../../lib/frameworks';
import { RULES } from '../../../lib/rules';
import { A1, A2, day, record, run } from './fixtures';
import { failureHeadline, hasFailureHeadline } from '../../../lib/report/headlines';

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
    expect(m.verdict).toBe('1 new failure in 1 account since the first collection · collection failed in 1 account');
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
    expect(m.verdict.startsWith('1 regression, 1 fixed in 1 account since the previous run (Tue 11 Nov)')).toBe(true);
  });

  it('compares with the run at or before --since, so changes between reports are not lost', () => {
    const runs = [
      run(A1, day(10), { 'auth.root-mfa': 'PASS' }),
      run(A1, day(12), { 'auth.root-mfa': 'FAIL' }),
      run(A1, day(14), { 'auth.root-mfa': 'FAIL' }),
    ];
    const m = model(runs, { now: day(14, 8), since: day(11), cadenceHours: 48 });
    expect(m.sinceLabel).toBe('Tue 11 Nov');
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
    // fiche 4 lists root-mfa (WARN), console-mfa (FAIL), root-access-keys, access.admin-credentials and auth.federated-access (no record: not verified).
    expect(guide4).toMatchObject({ status: 'FAIL', score: 20, failingRuleIds: ['auth.console-mfa'] });
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

  it('states the verdict in words with correct plurals: new, regressions, fixed, accounts', () => {
    const runs = [
      run(A1, day(10), { 'auth.root-mfa': 'PASS', 'auth.console-mfa': 'FAIL', 'logging.log-integrity': 'FAIL' }),
      run(A1, day(17), { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'FAIL' }),
      run(A2, day(10), { 'auth.root-mfa': 'PASS', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'FAIL' }),
      run(A2, day(17), { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'FAIL', 'logging.log-integrity': 'PASS' }),
    ];
    const m = model(runs, { now: day(17, 8), since: day(16), cadenceHours: 24 * 7 });
    expect(m.verdict).toBe('3 new failures, 2 fixed in 2 accounts since Sun 16 Nov · 1 still failing');
    expect(m.newFailures[0]?.headline).toBe('Root user has no MFA');
  });

  it('lists regressions and improvements inside a rule that keeps failing (principals added or removed, counts)', () => {
    const users = (...names: string[]) => names.map((n) => `arn:aws:iam::${A1}:user/${n}`);
    const r1 = run(A1, day(10), { 'auth.console-mfa': 'FAIL', 'access.admin-principals': 'FAIL' });
    const r2 = run(A1, day(11), { 'auth.console-mfa': 'FAIL', 'access.admin-principals': 'FAIL' });
    r1.records = [record('auth.console-mfa', 'FAIL', users('alice', 'bob', 'carol')), record('access.admin-principals', 'FAIL', users('ops'))];
    r2.records = [record('auth.console-mfa', 'FAIL', users('alice', 'bob')), record('access.admin-principals', 'FAIL', users('dave', 'ops'))];
    const m = buildReportModel({ runs: [r1, r2], now: day(11, 8), rules: RULES, frameworks: FRAMEWORKS });
    expect(m.worsened.map((c) => [c.ruleId, c.addedResources, c.previousResourceCount, c.resourceCount])).toEqual([['access.admin-principals', users('dave'), 1, 2]]);
    expect(m.improved.map((c) => [c.ruleId, c.removedResources, c.previousResourceCount, c.resourceCount])).toEqual([['auth.console-mfa', users('carol'), 3, 2]]);
    expect(m.verdict).toMatch(/^1 regression, 1 improved in 1 account since/);
  });

  it('keeps the last known failures of an account whose latest collection failed, marked stale since then', () => {
    const failed = run(A1, day(12), { 'auth.root-mfa': 'ERROR', 'auth.console-mfa': 'ERROR', 'logging.log-integrity': 'ERROR' });
    const runs = [run(A1, day(10), { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'FAIL' }), run(A1, day(11), { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'FAIL' }), failed];
    const m = model(runs, { now: day(12, 8) });
    expect(m.stillFailing.map((c) => [c.ruleId, c.staleSince])).toEqual([
      ['auth.root-mfa', day(12)],
      ['logging.log-integrity', day(12)],
    ]);
    expect(m.fixed).toEqual([]);
    expect(m.accounts[0]?.collectionFailedAt).toBe(day(12));
    expect(m.verdict).toBe('No change in 1 account since the previous run (Tue 11 Nov) · 2 still failing (2 stale) · collection failed in 1 account');
  });

  it('shows by-design limits once as not verifiable, never as collection errors', () => {
    const limit = (r: ReturnType<typeof run>) => ({ ...r, records: r.records.map((x) => (x.status === 'ERROR' ? { ...x, errorKind: 'limit' as const } : x)) });
    const m = model([limit(run(A1, day(20), { 'auth.root-mfa': 'PASS', 'logging.log-integrity': 'ERROR' })), limit(run(A2, day(20), { 'auth.root-mfa': 'PASS', 'logging.log-integrity': 'ERROR' }))]);
    expect(m.collectionErrors).toEqual([]);
    expect(m.notVerifiable).toEqual([{ ruleId: 'logging.log-integrity', ruleTitle: 'Trail log file validation is enabled', message: 'logging.log-integrity is ERROR', accounts: 2 }]);
    expect(m.verdict).toBe('No change in 2 accounts since the first collection');
  });

  it('shows what was fixed during the period in a first report (no report sent before, previous run as baseline)', () => {
    const runs = [
      run(A1, day(15), { 'auth.root-mfa': 'PASS', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'PASS' }),
      run(A1, day(17), { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'PASS' }),
      run(A1, day(19), { 'auth.root-mfa': 'PASS', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'PASS' }),
      run(A1, day(20), { 'auth.root-mfa': 'PASS', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'PASS' }),
    ];
    const m = model(runs, { cadenceHours: 48 });
    expect(m.fixed.map((c) => [c.ruleId, c.previousStatus, c.status])).toEqual([['auth.root-mfa', 'FAIL', 'PASS']]);
  });

  it('never counts a change resting on a run that failed verification (a forged PASS is not a fix)', () => {
    const runs = [run(A1, day(19), { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'PASS' }), run(A1, day(20), { 'auth.root-mfa': 'PASS', 'auth.console-mfa': 'PASS', 'logging.log-integrity': 'PASS' })];
    const forgedRun = runs[1]?.runId ?? '';
    const m = model(runs, { integrity: [{ accountId: A1, problems: 1, headHash: 'a'.repeat(64), problemRunIds: [forgedRun] }] });
    expect(m.fixed.map((c) => [c.ruleId, c.unverified])).toEqual([['auth.root-mfa', true]]);
    expect(m.totals.fixed).toBe(0);
    expect(m.verdict).toBe('Evidence of 1 account failed verification · No change in 1 account since the previous run (Wed 19 Nov)');
  });

  it('attaches remediation plans and acceptances, overdue after their due date', () => {
    const runs = [run(A1, day(20), { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'FAIL', 'logging.log-integrity': 'PASS' })];
    const m = model(runs, {
      plans: [
        { accountId: A1, ruleId: 'auth.root-mfa', kind: 'plan', owner: 'alice@example.com', dueDate: '2025-11-19' },
        { accountId: A1, ruleId: 'auth.console-mfa', kind: 'plan', owner: 'bob@example.com', dueDate: '2025-11-20' },
      ],
    });
    expect(m.newFailures.map((c) => [c.ruleId, c.plan?.owner, c.plan?.overdue])).toEqual([
      ['auth.root-mfa', 'alice@example.com', true],
      ['auth.console-mfa', 'bob@example.com', false],
    ]);
  });
});

describe('failure headlines', () => {
  it('every rule of the catalog has a headline that says what is wrong, not the control title', () => {
    for (const rule of RULES) {
      expect(hasFailureHeadline(rule.id), rule.id).toBe(true);
      expect(failureHeadline(rule.id, rule.title), rule.id).not.toBe(rule.title);
    }
    expect(failureHeadline('new.rule', 'Something is set')).toBe('Failing: Something is set');
  });
});
