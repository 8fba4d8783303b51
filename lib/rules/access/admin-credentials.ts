/**
 * access.admin-credentials — IAM users with administrator rights (the one admin test of
 * lib/policy) hold no weak or long-lived credentials: no console password without MFA, no
 * active access key beyond `maxActiveKeys` (default none), never two active keys.
 */
import { z } from 'zod';
import { requireSection, rowsForKeys, type CredentialReportRow } from '../../snapshot';
import { assessAdmin } from '../../policy/admin';
import { principalsOf, type Principal } from '../../policy/principals';
import { objectList } from '../../policy/set-memo';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { describeIncomplete, incompleteOf, type IncompletePrincipal } from '../support/incomplete';

export const AdminCredentialsParameters = z.object({
  /** Active access keys an administrator may hold (AWS: prefer temporary credentials for people). */
  maxActiveKeys: z.number().int().min(0).max(2).default(0),
});

export interface AdminCredentialProblem {
  user: string;
  arn: string;
  problems: string[];
}

/**
 * The administrator users, and the users whose missing policies may make them administrators.
 * A loop of its own, not one of `evaluate` (JIT shaping, --trace-opt/--trace-deopt on
 * bench/evaluate.ts): `evaluate` runs once per evaluation, so its loop was compiled on-stack
 * with the whole function, and code met once per evaluation deoptimised it, so each later
 * evaluation compiled it again.
 */
function scanUsers(principals: readonly Principal[], adminUsers: Principal[], incomplete: IncompletePrincipal[]): void {
  // Indexed: this loop runs once per evaluation, partly before optimisation, where for...of allocates per element.
  for (let i = 0; i < principals.length; i++) {
    const p = principals[i]!;
    if (p.type !== 'user') continue;
    if (!assessAdmin(p).admin) {
      const gap = incompleteOf(p);
      if (gap) incomplete.push(gap);
      continue;
    }
    adminUsers.push(p);
  }
}

/**
 * The credential problems of each administrator user (`rows[i]`: `adminUsers[i]`'s credential-report row, if any),
 * into `offenders` and `notInReport`. Its own function: `evaluate` runs once per evaluation, and with this loop
 * (one pass per administrator) in it, it became hot in steady pessimistic run 4 or 5 and was compiled then
 * (13-38 ms of TurboFan per bench/evaluate invocation, --trace-opt, s17); alone, the loop is compiled early and
 * `evaluate` stays in the interpreter. The lists are the caller's (object elements from birth, `objectList`).
 */
function checkAdmins(adminUsers: readonly Principal[], rows: readonly (CredentialReportRow | undefined)[], maxActiveKeys: number, offenders: AdminCredentialProblem[], notInReport: string[]): void {
  for (let i = 0; i < adminUsers.length; i++) {
    const p = adminUsers[i]!;
    const row = rows[i];
    if (!row) {
      notInReport.push(p.arn);
      continue;
    }
    const problems: string[] = [];
    if (row.password_enabled === true && !row.mfa_active) problems.push('console password without MFA');
    // Counted without an array and a `filter` callback per administrator (a smaller graph to compile).
    const activeKeys = (row.access_key_1_active ? 1 : 0) + (row.access_key_2_active ? 1 : 0);
    if (activeKeys > 1) problems.push('2 active access keys');
    else if (activeKeys > maxActiveKeys) problems.push(`${activeKeys} active access key`);
    if (problems.length > 0) offenders.push({ user: p.name, arn: p.arn, problems });
  }
}

export default defineRule({
  id: 'access.admin-credentials',
  title: 'Administrators hold no weak or long-lived credentials',
  area: 'access',
  severity: 'high',
  rationale:
    'An administrator\'s password without MFA or its access key is the shortest path to the whole account: a phished password or a key ' +
    'in a repository gives every personal data store and the power to erase the traces. The CNIL security guide recommends stronger ' +
    'authentication of administrators (fiches 4 and 9), and its recommendation on multi-factor authentication (délibération n° 2025-019) describes ' +
    'how MFA is deployed in line with the GDPR; ' +
    'AWS advises temporary credentials for people.',
  remediation: {
    console:
      'IAM console → Users → <admin user> → Security credentials: assign an MFA device; deactivate then delete the access keys (use IAM Identity Center or a role with MFA instead).',
    cli:
      'aws iam list-access-keys --user-name <user>; aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive; ' +
      'aws iam delete-access-key --user-name <user> --access-key-id <id>; aws iam create-virtual-mfa-device … && aws iam enable-mfa-device --user-name <user> …',
  },
  references: [REF.gdpr32_1_b, REF.cnilGuide4, REF.cnilGuide9, REF.cnil2025_019, REF.awsAdminCredentials],
  sections: ['authorizationDetails', 'credentialReport'],
  parameters: AdminCredentialsParameters,
  evaluate(snapshot, params) {
    const details = requireSection(snapshot, 'authorizationDetails');
    const reportRows = requireSection(snapshot, 'credentialReport').rows;
    const offenders = objectList<AdminCredentialProblem>();
    const notInReport = objectList<string>();
    // Born with object elements (lib/policy/set-memo.ts `objectList`): pushed by `scanUsers`' optimised loop.
    const incomplete = objectList<IncompletePrincipal>();
    const adminUsers = objectList<Principal>();
    scanUsers(principalsOf(details), adminUsers, incomplete);
    const admins = adminUsers.map((p) => p.arn);
    // The administrators' rows only (a handful out of every user's), in one pass over the report.
    const rows = rowsForKeys(reportRows, admins, 'arn', true);
    checkAdmins(adminUsers, rows, params.maxActiveKeys, offenders, notInReport);
    const observed = { adminUsers: admins, offenders, adminUsersMissingFromCredentialReport: notInReport, incomplete };
    if (offenders.length > 0) {
      return {
        status: 'FAIL',
        message: `${offenders.length} administrator user(s) hold weak or long-lived credentials: ${offenders.slice(0, 5).map((o) => `${o.user} (${o.problems.join(', ')})`).join('; ')}${offenders.length > 5 ? '; …' : ''}.`,
        observed,
        threshold: params,
        resources: offenders.map((o) => o.arn),
      };
    }
    if (notInReport.length > 0) {
      return {
        status: 'ERROR',
        message: `Administrator user(s) ${notInReport.map((a) => a.split('/').pop()).join(', ')} are missing from the credential report: their credentials were not verified.`,
        observed,
        threshold: params,
        resources: notInReport,
      };
    }
    if (incomplete.length > 0) {
      return {
        status: 'WARN',
        message: `No administrator user holds weak credentials, but ${incomplete.length} user(s) have policies or groups missing from the snapshot that may make them administrators: ${describeIncomplete(incomplete)}.`,
        observed,
        threshold: params,
        resources: incomplete.map((i) => i.arn),
      };
    }
    return {
      status: 'PASS',
      message: admins.length ? `All ${admins.length} administrator user(s) use MFA and hold at most ${params.maxActiveKeys} active access key(s).` : 'No IAM user holds administrator rights.',
      observed,
      threshold: params,
      resources: admins,
    };
  },
});
