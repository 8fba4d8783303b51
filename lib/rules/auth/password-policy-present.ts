/**
 * auth.password-policy-present — the account defines its own IAM password policy.
 * Without one, IAM applies an AWS default the controller neither chose nor documented.
 */
import { z } from 'zod';
import { ROOT_REPORT_USER, requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';

/** The AWS default as documented by IAM ("Default password policy"), reported when no policy exists. */
export const AWS_DEFAULT_PASSWORD_POLICY = {
  MinimumPasswordLength: 8,
  characterTypes: 'at least 3 of: uppercase, lowercase, numbers, symbols (not configurable, not visible in the account)',
  ExpirePasswords: false,
} as const;

export default defineRule({
  id: 'auth.password-policy-present',
  title: 'An account password policy is set',
  area: 'auth',
  severity: 'high',
  rationale:
    'Without a custom IAM password policy, console passwords only follow the AWS default (8 characters, 3 of 4 character types): ' +
    'about 47.6 bits of entropy, below the 80 bits CNIL délibération n° 2022-100 recommends for a password used alone, and a ' +
    'default the controller cannot show it chose (GDPR Art. 5(2)). When no IAM user has a console password the policy protects ' +
    'nothing today: the rule is NOT_APPLICABLE (a user created later would get the default).',
  remediation: {
    console: 'IAM console → Account settings → Password policy → Edit → Custom: minimum length 14 (or 12 with all four character types).',
    cli:
      'aws iam update-account-password-policy --minimum-password-length 14 --require-uppercase-characters ' +
      '--require-lowercase-characters --require-numbers --require-symbols --allow-users-to-change-password',
  },
  references: [REF.cnil2022_100, REF.gdpr32_1_b, REF.gdpr5_2],
  sections: ['passwordPolicy'],
  parameters: z.object({}),
  evaluate(snapshot) {
    const policy = requireSection(snapshot, 'passwordPolicy');
    // Optional: with the credential report we know whether any IAM user signs in with a password.
    const consoleUsers = snapshot.credentialReport?.rows.filter((r) => r.user !== ROOT_REPORT_USER && r.password_enabled === true);
    if (policy === null && consoleUsers !== undefined && consoleUsers.length === 0) {
      return {
        status: 'NOT_APPLICABLE',
        message: 'No account password policy, but no IAM user has a console password (credential report): the policy protects nobody today. Set one before creating console users.',
        observed: { passwordPolicy: null, consoleUsers: 0, credentialReportGeneratedTime: snapshot.credentialReport?.GeneratedTime },
        threshold: { required: 'a custom password policy when IAM users sign in with a password' },
        resources: [],
      };
    }
    if (policy === null) {
      return {
        status: 'FAIL',
        message: 'No account password policy: the AWS default applies (8 characters, 3 of 4 character types).',
        observed: { passwordPolicy: null, awsDefault: AWS_DEFAULT_PASSWORD_POLICY },
        threshold: { required: 'a custom password policy' },
        resources: [`arn:aws:iam::${snapshot.account.id}:root`],
      };
    }
    return {
      status: 'PASS',
      message: `A custom password policy is set (minimum length ${policy.MinimumPasswordLength ?? 'unset'}).`,
      observed: { passwordPolicy: policy },
      threshold: { required: 'a custom password policy' },
      resources: [],
    };
  },
});
