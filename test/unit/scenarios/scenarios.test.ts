import { describe, expect, it } from 'vitest';
import { RULES, evaluateRules, type Status } from '../../../lib/rules';
import { SCENARIOS, SCENARIO_DEFAULT_TIME, loadScenario } from '../../../lib/scenarios';

/**
 * The expected status of every registered rule on every bundled scenario. A rule added to
 * RULES without a line here fails the test: whoever adds a rule says what each scenario
 * must give, and why when it is not the obvious one.
 */
const EXPECTED: Record<string, Record<'france-travail' | 'compliant' | 'fresh-account', Status>> = {
  // fresh-account: no IAM user has a console password, so the (absent) policy protects nobody today.
  'auth.password-policy-present': { 'france-travail': 'PASS', compliant: 'PASS', 'fresh-account': 'NOT_APPLICABLE' },
  'auth.password-strength': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'FAIL' },
  'auth.root-mfa': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'FAIL' },
  // fresh-account: no IAM user has a console password and no federated role: nobody but root signs in (never a bare PASS).
  'auth.console-mfa': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'NOT_APPLICABLE' },
  'auth.root-access-keys': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'PASS' },
  // fresh-account: root signed in to set the account up, and no alarm watches root use.
  'auth.root-usage': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'FAIL' },
  // fresh-account: no password policy, so no password predates one (auth.password-policy-present fails).
  'auth.passwords-predating-policy': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'NOT_APPLICABLE' },
  // france-travail: the ITAdministrator permission set (AdministratorAccess) keeps 12-hour sessions. compliant: its
  // administrator set keeps the 1-hour default. fresh-account: no SAML provider, no Identity Center instance.
  'auth.federated-access': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'NOT_APPLICABLE' },
  'access.stale-credentials': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'PASS' },
  'access.admin-principals': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'PASS' },
  'access.wildcard-data-access': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'PASS' },
  'access.permission-breadth': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'PASS' },
  'access.privilege-escalation': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'PASS' },
  // fresh-account: no IAM user, so no administrator user.
  'access.admin-credentials': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'PASS' },
  // fresh-account: no role yet.
  'access.unused-roles': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'PASS' },
  // france-travail: the adviser role trusts the account root without MFA. fresh-account: no role.
  'access.cross-account-trust': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'PASS' },
  'logging.cloudtrail-multi-region': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'FAIL' },
  'logging.log-integrity': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'FAIL' },
  'logging.log-encryption': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'FAIL' },
  'logging.automated-analysis': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'FAIL' },
  // france-travail: the trail delivers to S3 only and its bucket has no lifecycle rule: log files are kept forever (#17).
  'logging.retention': { 'france-travail': 'WARN', compliant: 'PASS', 'fresh-account': 'FAIL' },
  // fresh-account: no store is tagged as personal data.
  'logging.personal-data-events': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'NOT_APPLICABLE' },
  // fresh-account: no trail, nothing delivered.
  // france-travail: two admin users and the adviser role (s3:* on *) can erase the trail bucket's files (no Object Lock).
  // compliant: only the BreakGlass role (its logAdmins parameter) can, and the files are under Object Lock. fresh-account: no trail.
  'logging.log-tamper-access': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'NOT_APPLICABLE' },
  'logging.delivery-health': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'FAIL' },
  // Data stores (#17). france-travail: a personal-data bucket readable by everyone (ACL), no TLS-only policy and an
  // unencrypted analytics database, no versioning / PITR / AWS Backup, that database in us-east-1. fresh-account: no
  // store; EBS encryption by default still off (AWS's default for a new account) → WARN.
  'data.public-exposure': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'NOT_APPLICABLE' },
  'data.encryption-at-rest': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'WARN' },
  'data.backups': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'NOT_APPLICABLE' },
  'data.location': { 'france-travail': 'WARN', compliant: 'PASS', 'fresh-account': 'NOT_APPLICABLE' },
  // fresh-account carries no CloudTrail activity section: not verified, never passed.
  'monitoring.abnormal-activity': { 'france-travail': 'FAIL', compliant: 'PASS', 'fresh-account': 'ERROR' },
  // No run history is given to a scan: continuity starts with this run.
  'governance.evidence-continuity': { 'france-travail': 'NOT_APPLICABLE', compliant: 'NOT_APPLICABLE', 'fresh-account': 'NOT_APPLICABLE' },
};

describe('bundled scenarios', () => {
  it('every registered rule has an expectation for every scenario, and every expectation a rule', () => {
    const ids = RULES.map((r) => r.id);
    expect(ids.filter((id) => !(id in EXPECTED)), 'rules without an expectation').toEqual([]);
    expect(Object.keys(EXPECTED).filter((id) => !ids.includes(id)), 'expectations without a rule').toEqual([]);
    for (const id of ids) expect(Object.keys(EXPECTED[id]!).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  for (const scenario of SCENARIOS) {
    describe(scenario.name, () => {
      const { snapshot, parameters } = loadScenario(scenario.name);
      const findings = evaluateRules(RULES, snapshot, { parameters });

      for (const rule of RULES) {
        it(`${rule.id} → ${EXPECTED[rule.id]?.[scenario.name as 'compliant'] ?? '(no expectation)'}`, () => {
          const f = findings.find((x) => x.ruleId === rule.id)!;
          expect(f.status, f.message).toBe(EXPECTED[rule.id]?.[scenario.name as 'compliant']);
        });
      }

      it('is complete: no collection error, every section but activity present', () => {
        expect(snapshot.collectionErrors).toEqual([]);
        expect(snapshot.source).toMatchObject({ kind: 'scenario', name: scenario.name });
        for (const s of ['passwordPolicy', 'credentialReport', 'accountSummary', 'virtualMfaDevices', 'authorizationDetails', 'trails', 'logGroups', 'metricAlarms', 'personalDataStores'] as const) {
          expect(snapshot[s], s).not.toBeUndefined();
        }
      });
    });
  }

  it('france-travail fails for the facts of the sanction, with the observed values', () => {
    const { snapshot, parameters } = loadScenario('france-travail');
    const byId = new Map(evaluateRules(RULES, snapshot, { parameters }).map((f) => [f.ruleId, f]));
    expect(byId.get('auth.password-strength')?.observed).toMatchObject({ MinimumPasswordLength: 8, entropyBits: 47.6 });
    expect(byId.get('auth.console-mfa')?.observed).toMatchObject({ consoleUsersWithoutMfa: 5 });
    expect(byId.get('access.wildcard-data-access')?.resources).toEqual(['arn:aws:iam::111122223333:role/adviser']);
    expect(byId.get('access.admin-principals')?.resources.sort()).toEqual(['arn:aws:iam::111122223333:user/it.admin', 'arn:aws:iam::111122223333:user/ops.deploy']);
  });

  it('compliant passes admin-principals only because its parameters allow-list the break-glass role', () => {
    const { snapshot, parameters } = loadScenario('compliant');
    expect(parameters).toEqual({
      'access.admin-principals': { breakGlassRoles: ['BreakGlass'] },
      'access.unused-roles': { breakGlassRoles: ['BreakGlass'] },
      'logging.log-tamper-access': { logAdmins: ['BreakGlass'] },
    });
    const without = evaluateRules(RULES, snapshot).find((f) => f.ruleId === 'access.admin-principals');
    expect(without?.status).toBe('FAIL');
    expect(without?.resources).toEqual(['arn:aws:iam::444455556666:role/BreakGlass']);
  });

  it('fresh-account has no password policy (null: NoSuchEntity), not a missing section', () => {
    const { snapshot } = loadScenario('fresh-account');
    expect(snapshot.passwordPolicy).toBeNull();
  });

  it('dates move with --collected-at: the same story at another time', () => {
    const later = '2027-03-01T12:00:00.000Z';
    const a = loadScenario('france-travail');
    const b = loadScenario('france-travail', { collectedAt: later });
    expect(a.snapshot.collectedAt).toBe(SCENARIO_DEFAULT_TIME);
    expect(b.snapshot.collectedAt).toBe(later);
    const statuses = (s: typeof a) => evaluateRules(RULES, s.snapshot, { parameters: s.parameters }).map((f) => `${f.ruleId}:${f.status}`);
    expect(statuses(b)).toEqual(statuses(a));
  });

  it('an unknown scenario lists the available ones', () => {
    expect(() => loadScenario('france')).toThrow('unknown scenario "france". Available scenarios: france-travail, compliant, fresh-account');
  });

  it('loadScenario returns a copy of the parameters (a caller cannot change the scenario)', () => {
    const a = loadScenario('compliant');
    (a.parameters['access.admin-principals'] as { breakGlassRoles: string[] }).breakGlassRoles.push('Other');
    expect(loadScenario('compliant').parameters['access.admin-principals']).toEqual({ breakGlassRoles: ['BreakGlass'] });
  });
});
