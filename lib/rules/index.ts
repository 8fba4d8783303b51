/**
 * The rule catalog. Each rule lives in its own file under lib/rules/<area>/.
 * Add a rule: write the file, then list it here (order = report order).
 */
import type { Rule } from './types';
import { UnknownRuleError } from './engine';
import passwordPolicyPresent from './auth/password-policy-present';
import passwordStrength from './auth/password-strength';
import rootMfa from './auth/root-mfa';
import consoleMfa from './auth/console-mfa';
import rootAccessKeys from './auth/root-access-keys';
import staleCredentials from './access/stale-credentials';
import adminPrincipals from './access/admin-principals';
import wildcardDataAccess from './access/wildcard-data-access';
import permissionBreadth from './access/permission-breadth';
import privilegeEscalation from './access/privilege-escalation';
import cloudtrailMultiRegion from './logging/cloudtrail-multi-region';
import logIntegrity from './logging/log-integrity';
import logEncryption from './logging/log-encryption';
import automatedAnalysis from './logging/automated-analysis';
import logRetention from './logging/retention';
import personalDataEvents from './logging/personal-data-events';
import evidenceContinuity from './governance/evidence-continuity';
import abnormalActivity from './monitoring/abnormal-activity';

export const RULES: readonly Rule[] = [
  // auth
  passwordPolicyPresent,
  passwordStrength,
  rootMfa,
  consoleMfa,
  rootAccessKeys,

  // access
  staleCredentials,
  adminPrincipals,
  wildcardDataAccess,
  permissionBreadth,
  privilegeEscalation,

  // logging
  cloudtrailMultiRegion,
  logIntegrity,
  logEncryption,
  automatedAnalysis,
  logRetention,
  personalDataEvents,

  // monitoring
  abnormalActivity,

  // governance
  evidenceContinuity,
];

export function getRule(id: string): Rule {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new UnknownRuleError(id, RULES.map((r) => r.id));
  return rule;
}

export * from './types';
export * from './engine';
