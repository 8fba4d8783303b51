/**
 * auth.passwords-predating-policy — console passwords set before the password policy's last
 * update. IAM checks a password against the policy only when it is set, so a policy raised to
 * 14 characters leaves every older 8-character password valid. The last update comes from
 * CloudTrail event history (UpdateAccountPasswordPolicy, 90 days) or from a declared date.
 */
import { z } from 'zod';
import { ROOT_REPORT_USER, requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { reportDate } from '../support/time';

const IsoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO-8601 date' });

export const PasswordsPredatingPolicyParameters = z.object({
  /**
   * When the policy was last changed, declared by the account (ISO-8601), for a change older than
   * CloudTrail event history (90 days). A change found in the history wins when it is later.
   */
  policyUpdatedAt: IsoDate.nullable().default(null),
});

export default defineRule({
  id: 'auth.passwords-predating-policy',
  title: 'No console password older than the password policy',
  area: 'auth',
  severity: 'medium',
  rationale:
    'AWS enforces most password-policy settings only when a password is next changed: after the policy is strengthened, every older ' +
    'password stays valid as it was. Until those users change their password, the account is as weak as the old policy. CNIL ' +
    'délibération 2022-100 recommends the strength a password should have; GDPR Art. 32(1)(b) asks that the measure be effective.',
  remediation: {
    console: 'IAM console → Users → <user> → Security credentials → Console sign-in → Manage → "Require password reset" (or set a new password): the next sign-in applies the current policy.',
    cli: 'aws iam update-login-profile --user-name <user> --password-reset-required',
  },
  references: [REF.cnil2022_100, REF.gdpr32_1_b, REF.awsPasswordPolicy],
  sections: ['passwordPolicy', 'credentialReport', 'passwordPolicyChanges'],
  parameters: PasswordsPredatingPolicyParameters,
  evaluate(snapshot, params) {
    const policy = requireSection(snapshot, 'passwordPolicy');
    const changes = requireSection(snapshot, 'passwordPolicyChanges');
    const rows = requireSection(snapshot, 'credentialReport').rows.filter((r) => r.user !== ROOT_REPORT_USER && r.password_enabled === true);
    const threshold = params;
    if (policy === null) {
      return {
        status: 'NOT_APPLICABLE',
        message: 'The account has no password policy: nothing newer for passwords to predate (auth.password-policy-present fails).',
        observed: { passwordPolicy: null },
        threshold,
        resources: [],
      };
    }
    const updates = changes.events.filter((e) => e.EventName === 'UpdateAccountPasswordPolicy').map((e) => e.EventTime);
    const fromHistory = updates.length ? updates.reduce((a, b) => (Date.parse(a) > Date.parse(b) ? a : b)) : undefined;
    const candidates = [fromHistory, params.policyUpdatedAt ?? undefined].filter((d): d is string => d !== undefined);
    const updatedAt = candidates.length ? candidates.reduce((a, b) => (Date.parse(a) > Date.parse(b) ? a : b)) : undefined;
    // Without a known update time, the policy last changed before the history window opened.
    const boundary = new Date(updatedAt ?? changes.since);
    const predating: { user: string; arn: string; passwordLastChanged: string }[] = [];
    const unknownAge: string[] = [];
    for (const r of rows) {
      const changed = reportDate(r.password_last_changed);
      if (!changed) unknownAge.push(r.arn);
      else if (changed < boundary) predating.push({ user: r.user, arn: r.arn, passwordLastChanged: changed.toISOString() });
    }
    const observed = {
      policyLastUpdated: updatedAt ?? null,
      policyUpdateSource: updatedAt === undefined ? 'unknown' : updatedAt === fromHistory ? 'CloudTrail event history' : 'declared (policyUpdatedAt)',
      eventHistorySince: changes.since,
      consoleUsers: rows.length,
      predating,
      passwordChangeDateUnknown: unknownAge,
    };
    if (updatedAt !== undefined && predating.length > 0) {
      return {
        status: 'FAIL',
        message: `${predating.length} of ${rows.length} console password(s) were set before the password policy's last update (${updatedAt}): ${predating.slice(0, 5).map((p) => p.user).join(', ')}${predating.length > 5 ? ', …' : ''}.`,
        observed,
        threshold,
        resources: predating.map((p) => p.arn),
      };
    }
    if (updatedAt === undefined && predating.length > 0) {
      return {
        status: 'ERROR',
        message:
          `The password policy was not changed since ${changes.since} (CloudTrail event history) and no update date is declared: ` +
          `${predating.length} console password(s) set before then may predate it (${predating.slice(0, 3).map((p) => p.user).join(', ')}). Declare policyUpdatedAt to judge them.`,
        observed,
        threshold,
        resources: predating.map((p) => p.arn),
      };
    }
    if (unknownAge.length > 0) {
      return {
        status: 'ERROR',
        message: `The password change date of ${unknownAge.length} console user(s) is not in the credential report: ${unknownAge.slice(0, 3).join(', ')}.`,
        observed,
        threshold,
        resources: unknownAge,
      };
    }
    return {
      status: 'PASS',
      message: rows.length
        ? `All ${rows.length} console password(s) were set after the password policy's last update (${updatedAt ?? `not changed since ${changes.since}`}).`
        : 'No IAM user has a console password.',
      observed,
      threshold,
      resources: [],
    };
  },
});
