/**
 * auth.root-access-keys — the root user has no access keys. AccountSummary decides; the
 * credential report's root row, when collected, names which key slots are active.
 */
import { z } from 'zod';
import { ROOT_REPORT_USER, requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';

export default defineRule({
  id: 'auth.root-access-keys',
  title: 'Root user has no access keys',
  area: 'auth',
  severity: 'critical',
  rationale:
    'A root access key is a non-expiring credential with the root user\'s full power that MFA does not protect. No IAM policy ' +
    'in the account can limit root; in an AWS Organizations member account, service control policies can restrict it, but not ' +
    'in the management account or a standalone account. Leaked once, it can expose everything in the account. The CNIL ' +
    'security guide (fiches 4 and 9) recommends named, non-privileged accounts for routine work.',
  remediation: {
    console: 'Sign in as root → Security credentials → Access keys → Deactivate, then Delete each key.',
    cli: 'Root keys can only be deleted while signed in as root: aws iam list-access-keys (with root credentials) then aws iam delete-access-key --access-key-id <id>',
  },
  references: [REF.gdpr32_1_b, REF.cnilGuide4, REF.cnilGuide9, REF.awsScpRoot],
  sections: ['accountSummary'],
  parameters: z.object({}),
  evaluate(snapshot) {
    const summary = requireSection(snapshot, 'accountSummary');
    const present = summary.AccountAccessKeysPresent;
    if (present === undefined) throw new Error('accountSummary has no AccountAccessKeysPresent entry: cannot tell whether root has access keys');
    const rootRow = snapshot.credentialReport?.rows.find((r) => r.user === ROOT_REPORT_USER);
    const activeSlots = rootRow
      ? [rootRow.access_key_1_active ? 'access_key_1' : undefined, rootRow.access_key_2_active ? 'access_key_2' : undefined].filter(
          (s): s is string => s !== undefined,
        )
      : undefined;
    const observed = { AccountAccessKeysPresent: present, credentialReportActiveRootKeys: activeSlots ?? (snapshot.credentialReport ? 'credential report collected without a <root_account> row' : 'credential report not collected') };
    const rootArn = `arn:aws:iam::${snapshot.account.id}:root`;
    if (present > 0 || (activeSlots && activeSlots.length > 0)) {
      return {
        status: 'FAIL',
        message: `The root user has access keys (AccountAccessKeysPresent = ${present}${activeSlots?.length ? `; active: ${activeSlots.join(', ')}` : ''}).`,
        observed,
        threshold: { AccountAccessKeysPresent: 0 },
        resources: [rootArn],
      };
    }
    return { status: 'PASS', message: 'The root user has no access keys.', observed, threshold: { AccountAccessKeysPresent: 0 }, resources: [] };
  },
});
