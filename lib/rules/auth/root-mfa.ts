/**
 * auth.root-mfa — the root user has MFA, preferably a hardware or FIDO device.
 * AccountSummary.AccountMFAEnabled decides; the credential report's `<root_account>` row
 * is a cross-check; a virtual MFA device assigned to the root ARN means "only virtual".
 */
import { z } from 'zod';
import { ROOT_REPORT_USER, requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';

export default defineRule({
  id: 'auth.root-mfa',
  title: 'Root user has MFA (hardware preferred)',
  area: 'auth',
  severity: 'critical',
  rationale:
    'The root user can do anything in the account, including disabling every other control. A stolen root password without MFA ' +
    'hands over all personal data processed in the account. A virtual MFA lives on a phone that can be cloned or phished; a ' +
    'hardware or FIDO key held by a named person is stronger. The CNIL security guide (fiche 4) recommends multi-factor ' +
    'authentication, especially for privileged accounts.',
  remediation: {
    console: 'Sign in as root → Security credentials → Multi-factor authentication (MFA) → Assign MFA device → Passkey or security key / Hardware TOTP token.',
    cli:
      'Root MFA can only be assigned from the console while signed in as root. Check afterwards with: ' +
      'aws iam get-account-summary --query "SummaryMap.AccountMFAEnabled" && aws iam list-virtual-mfa-devices --assignment-status Assigned',
  },
  references: [REF.gdpr32_1_b, REF.cnilGuide4],
  sections: ['accountSummary', 'virtualMfaDevices'],
  parameters: z.object({}),
  evaluate(snapshot) {
    const summary = requireSection(snapshot, 'accountSummary');
    const devices = requireSection(snapshot, 'virtualMfaDevices');
    const enabled = summary.AccountMFAEnabled;
    if (enabled === undefined) throw new Error('accountSummary has no AccountMFAEnabled entry: cannot tell whether root has MFA');
    const rootArn = `arn:aws:iam::${snapshot.account.id}:root`;
    const rootRow = snapshot.credentialReport?.rows.find((r) => r.user === ROOT_REPORT_USER);
    const credentialReportMfaActive = rootRow?.mfa_active;
    const virtual = devices.filter((d) => d.User?.Arn === rootArn).map((d) => d.SerialNumber);
    const observed = {
      AccountMFAEnabled: enabled,
      credentialReportMfaActive: credentialReportMfaActive ?? (snapshot.credentialReport ? 'credential report collected without a <root_account> row' : 'credential report not collected'),
      rootVirtualMfaDevices: virtual,
    };
    if (enabled === 0 || credentialReportMfaActive === false) {
      return {
        status: 'FAIL',
        message:
          enabled === 0
            ? 'The root user has no MFA (AccountMFAEnabled = 0).'
            : 'The credential report shows no active MFA for the root user (mfa_active = false), although AccountSummary says otherwise.',
        observed,
        threshold: { required: 'MFA on root', preferred: 'hardware or FIDO device' },
        resources: [rootArn],
      };
    }
    if (virtual.length > 0) {
      return {
        status: 'WARN',
        message: `The root user's MFA is a virtual device (${virtual.join(', ')}); a hardware or FIDO key is preferred.`,
        observed,
        threshold: { required: 'MFA on root', preferred: 'hardware or FIDO device' },
        resources: [rootArn],
      };
    }
    return {
      status: 'PASS',
      message: 'The root user has a non-virtual (hardware or FIDO) MFA device.',
      observed,
      threshold: { required: 'MFA on root', preferred: 'hardware or FIDO device' },
      resources: [rootArn],
    };
  },
});
