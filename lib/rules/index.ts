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
import rootUsage from './auth/root-usage';
import passwordsPredatingPolicy from './auth/passwords-predating-policy';
import federatedAccess from './auth/federated-access';
import staleCredentials from './access/stale-credentials';
import adminPrincipals from './access/admin-principals';
import wildcardDataAccess from './access/wildcard-data-access';
import permissionBreadth from './access/permission-breadth';
import privilegeEscalation from './access/privilege-escalation';
import adminCredentials from './access/admin-credentials';
import unusedRoles from './access/unused-roles';
import crossAccountTrust from './access/cross-account-trust';
import cloudtrailMultiRegion from './logging/cloudtrail-multi-region';
import logIntegrity from './logging/log-integrity';
import logEncryption from './logging/log-encryption';
import automatedAnalysis from './logging/automated-analysis';
import logRetention from './logging/retention';
import personalDataEvents from './logging/personal-data-events';
import deliveryHealth from './logging/delivery-health';
import logTamperAccess from './logging/log-tamper-access';
import publicExposure from './data/public-exposure';
import encryptionAtRest from './data/encryption-at-rest';
import dataBackups from './data/backups';
import dataLocation from './data/location';
import evidenceContinuity from './governance/evidence-continuity';
import abnormalActivity from './monitoring/abnormal-activity';

export const RULES: readonly Rule[] = [
  // auth
  passwordPolicyPresent,
  passwordStrength,
  rootMfa,
  consoleMfa,
  rootAccessKeys,
  rootUsage,
  passwordsPredatingPolicy,
  federatedAccess,

  // access
  staleCredentials,
  adminPrincipals,
  wildcardDataAccess,
  permissionBreadth,
  privilegeEscalation,
  adminCredentials,
  unusedRoles,
  crossAccountTrust,

  // logging
  cloudtrailMultiRegion,
  logIntegrity,
  logEncryption,
  automatedAnalysis,
  logRetention,
  personalDataEvents,
  deliveryHealth,
  logTamperAccess,

  // data stores (#17)
  publicExposure,
  encryptionAtRest,
  dataBackups,
  dataLocation,

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
