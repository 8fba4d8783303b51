/**
 * auth.console-mfa — every IAM user who can sign in to the console has an active MFA device.
 * Judged from the credential report, one row per user (no per-user API calls).
 */
import { z } from 'zod';
import { ROOT_REPORT_USER, requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';

export default defineRule({
  id: 'auth.console-mfa',
  title: 'Console users have MFA',
  area: 'auth',
  severity: 'high',
  rationale:
    'A password alone is phished, guessed or reused; France Travail\'s adviser accounts were hijacked that way and used to extract ' +
    '36.8M people\'s data. The CNIL security guide prefers multi-factor authentication, especially for access from outside.',
  remediation: {
    console: 'IAM console → Users → <user> → Security credentials → Assign MFA device (or remove the console password if unused).',
    cli:
      'aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png --bootstrap-method QRCodePNG && ' +
      'aws iam enable-mfa-device --user-name <user> --serial-number arn:aws:iam::<account>:mfa/<user> --authentication-code1 <code1> --authentication-code2 <code2>; ' +
      'or, for users who should not use the console: aws iam delete-login-profile --user-name <user>',
  },
  references: [REF.gdpr32_1_b, REF.cnilGuide4, REF.cnilSan2026_003],
  sections: ['credentialReport'],
  parameters: z.object({}),
  evaluate(snapshot) {
    const report = requireSection(snapshot, 'credentialReport');
    const consoleUsers = report.rows.filter((r) => r.user !== ROOT_REPORT_USER && r.password_enabled === true);
    const withoutMfa = consoleUsers.filter((r) => !r.mfa_active);
    const observed = {
      consoleUsers: consoleUsers.length,
      consoleUsersWithoutMfa: withoutMfa.length,
      usersWithoutMfa: withoutMfa.map((r) => r.user),
      credentialReportGeneratedTime: report.GeneratedTime,
    };
    if (withoutMfa.length > 0) {
      return {
        status: 'FAIL',
        message: `${withoutMfa.length} of ${consoleUsers.length} console users have no active MFA: ${withoutMfa.slice(0, 5).map((r) => r.user).join(', ')}${withoutMfa.length > 5 ? ', …' : ''}.`,
        observed,
        threshold: { consoleUsersWithoutMfa: 0 },
        resources: withoutMfa.map((r) => r.arn),
      };
    }
    return {
      status: 'PASS',
      message: consoleUsers.length ? `All ${consoleUsers.length} console users have an active MFA device.` : 'No IAM user has a console password.',
      observed,
      threshold: { consoleUsersWithoutMfa: 0 },
      resources: [],
    };
  },
});
