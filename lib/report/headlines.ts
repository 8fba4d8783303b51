/**
 * What is wrong, in words a security lead reads at a glance: the headline of a FAILING
 * check. A rule's title states the control as it should be ("Root user has MFA"), which
 * reads as good news above a root user without MFA; the report headlines a failure with
 * what was found instead ("Root user has no MFA").
 *
 * Kept here, keyed by rule id, rather than in the rule files: the rule wording is edited
 * by the legal work (#16) and this map is the report's own vocabulary. A test checks that
 * every rule of the catalog has a headline; a rule without one falls back to
 * "Failing: <title>" so a new rule never breaks the report. The second-wave rules listed
 * in docs/design.md are included ahead of their arrival.
 */

const FAILURE_HEADLINES: Readonly<Record<string, string>> = {
  'auth.password-policy-present': 'No account password policy (AWS default applies)',
  'auth.password-strength': 'Password policy weaker than CNIL recommendation 2022-100',
  'auth.root-mfa': 'Root user has no MFA',
  'auth.console-mfa': 'Console users without MFA',
  'auth.root-access-keys': 'Root user has access keys',
  'access.stale-credentials': 'Stale passwords or access keys',
  'access.admin-principals': 'Administrator rights beyond break-glass roles',
  'access.wildcard-data-access': 'Unscoped wildcard access to data stores',
  'access.permission-breadth': 'Principals with far broader permissions than peers',
  'access.privilege-escalation': 'Non-admin principals can escalate privileges',
  'logging.cloudtrail-multi-region': 'No multi-region trail logging all management events',
  'logging.log-integrity': 'Trail log file validation is off',
  'logging.log-encryption': 'Trail logs not encrypted with a customer-managed KMS key',
  'logging.automated-analysis': 'Nobody is alerted on trail logs (no automated analysis)',
  'logging.retention': 'Log retention outside 6 months to 1 year',
  'logging.personal-data-events': 'Reads of personal-data stores are not logged',
  'monitoring.abnormal-activity': 'Abnormal activity by principals',
  'governance.evidence-continuity': 'Evidence collection has gaps',
  // Second wave (docs/design.md), ahead of the rule files.
  'logging.log-tamper-access': 'Principals can alter or delete the logs',
  'logging.delivery-health': 'Trail log delivery is failing',
  'data.public-exposure': 'Data stores exposed publicly',
  'data.encryption-at-rest': 'Data stores not encrypted at rest',
  'data.backups': 'Data stores without backups',
  'data.location': 'Data stored outside the allowed regions',
  'auth.federated-access': 'Human access not federated (long-lived IAM users)',
  'access.cross-account-trust': 'Roles trusted by unknown external accounts',
  'auth.root-usage': 'Root user was used',
  'access.admin-credentials': 'Administrators with long-lived credentials',
  'auth.passwords-predating-policy': 'Passwords set before the current policy',
  'access.unused-roles': 'Unused roles still assumable',
};

/** The headline of a failing check of `ruleId`; `title` is the fallback for an unknown rule. */
export function failureHeadline(ruleId: string, title: string): string {
  return FAILURE_HEADLINES[ruleId] ?? `Failing: ${title}`;
}

/** True when the rule has its own headline (tests: every catalog rule must). */
export function hasFailureHeadline(ruleId: string): boolean {
  return Object.hasOwn(FAILURE_HEADLINES, ruleId);
}
