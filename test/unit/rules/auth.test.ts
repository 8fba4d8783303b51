import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../../lib/rules';
import passwordPolicyPresent from '../../../lib/rules/auth/password-policy-present';
import rootMfa from '../../../lib/rules/auth/root-mfa';
import consoleMfa from '../../../lib/rules/auth/console-mfa';
import rootAccessKeys from '../../../lib/rules/auth/root-access-keys';
import { ACCOUNT, report, row, snapshot } from './builders';

const ROOT_ARN = `arn:aws:iam::${ACCOUNT}:root`;

describe('auth.password-policy-present', () => {
  it('FAIL when IAM answered NoSuchEntity (null), describing the AWS default', () => {
    const f = evaluateRule(passwordPolicyPresent, snapshot({ passwordPolicy: null }));
    expect(f.status).toBe('FAIL');
    expect(f.observed.passwordPolicy).toBeNull();
    expect(f.observed.awsDefault).toMatchObject({ MinimumPasswordLength: 8 });
  });
  it('PASS with any custom policy', () => {
    expect(evaluateRule(passwordPolicyPresent, snapshot({ passwordPolicy: { MinimumPasswordLength: 8 } })).status).toBe('PASS');
  });
  it('ERROR when the section was not collected, with the collection error', () => {
    const f = evaluateRule(
      passwordPolicyPresent,
      snapshot({ collectionErrors: [{ section: 'passwordPolicy', operation: 'iam:GetAccountPasswordPolicy', code: 'AccessDenied', message: 'denied' }] }),
    );
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('AccessDenied');
  });
});

describe('auth.root-mfa', () => {
  const rootRow = (mfa: boolean) => row('<root_account>', { password_enabled: 'not_supported', mfa_active: mfa });
  it('FAIL when AccountMFAEnabled is 0', () => {
    const f = evaluateRule(rootMfa, snapshot({ accountSummary: { AccountMFAEnabled: 0 }, virtualMfaDevices: [] }));
    expect(f.status).toBe('FAIL');
    expect(f.resources).toEqual([ROOT_ARN]);
  });
  it('FAIL when the credential report shows the root without MFA', () => {
    const f = evaluateRule(rootMfa, snapshot({ accountSummary: { AccountMFAEnabled: 1 }, virtualMfaDevices: [], credentialReport: report(rootRow(false)) }));
    expect(f.status).toBe('FAIL');
    expect(f.observed.credentialReportMfaActive).toBe(false);
  });
  it('WARN when the root MFA is a virtual device', () => {
    const f = evaluateRule(
      rootMfa,
      snapshot({
        accountSummary: { AccountMFAEnabled: 1 },
        virtualMfaDevices: [{ SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/root-account-mfa-device`, User: { Arn: ROOT_ARN } }],
        credentialReport: report(rootRow(true)),
      }),
    );
    expect(f.status).toBe('WARN');
    expect(f.observed.rootVirtualMfaDevices).toHaveLength(1);
  });
  it('PASS with a non-virtual device (a virtual device of another user does not count)', () => {
    const f = evaluateRule(
      rootMfa,
      snapshot({
        accountSummary: { AccountMFAEnabled: 1 },
        virtualMfaDevices: [{ SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice`, User: { Arn: `arn:aws:iam::${ACCOUNT}:user/alice` } }],
      }),
    );
    expect(f.status).toBe('PASS');
  });
  it('ERROR when the summary lacks AccountMFAEnabled, or the devices were not collected', () => {
    expect(evaluateRule(rootMfa, snapshot({ accountSummary: {}, virtualMfaDevices: [] })).status).toBe('ERROR');
    expect(evaluateRule(rootMfa, snapshot({ accountSummary: { AccountMFAEnabled: 1 } })).status).toBe('ERROR');
  });
});

describe('auth.console-mfa', () => {
  it('FAIL listing console users without MFA; root and API-only users are ignored', () => {
    const f = evaluateRule(
      consoleMfa,
      snapshot({
        credentialReport: report(
          row('<root_account>', { password_enabled: 'not_supported', mfa_active: false }),
          row('alice', { password_enabled: true, mfa_active: true }),
          row('bob', { password_enabled: true, mfa_active: false }),
          row('ci-bot', { password_enabled: false, mfa_active: false, access_key_1_active: true }),
        ),
      }),
    );
    expect(f.status).toBe('FAIL');
    expect(f.observed).toMatchObject({ consoleUsers: 2, consoleUsersWithoutMfa: 1, usersWithoutMfa: ['bob'] });
    expect(f.resources).toEqual([`arn:aws:iam::${ACCOUNT}:user/bob`]);
  });
  it('PASS when every console user has MFA, and when there are none', () => {
    expect(evaluateRule(consoleMfa, snapshot({ credentialReport: report(row('alice', { password_enabled: true, mfa_active: true })) })).status).toBe('PASS');
    expect(evaluateRule(consoleMfa, snapshot({ credentialReport: report() })).status).toBe('PASS');
  });
  it('ERROR without a credential report', () => {
    expect(evaluateRule(consoleMfa, snapshot()).status).toBe('ERROR');
  });
});

describe('auth.root-access-keys', () => {
  it('FAIL when AccountAccessKeysPresent > 0', () => {
    const f = evaluateRule(rootAccessKeys, snapshot({ accountSummary: { AccountAccessKeysPresent: 1 } }));
    expect(f.status).toBe('FAIL');
    expect(f.observed.AccountAccessKeysPresent).toBe(1);
  });
  it('FAIL when the credential report shows an active root key', () => {
    const f = evaluateRule(
      rootAccessKeys,
      snapshot({ accountSummary: { AccountAccessKeysPresent: 0 }, credentialReport: report(row('<root_account>', { access_key_2_active: true })) }),
    );
    expect(f.status).toBe('FAIL');
    expect(f.observed.credentialReportActiveRootKeys).toEqual(['access_key_2']);
  });
  it('PASS with none; ERROR when the summary has no such entry', () => {
    expect(evaluateRule(rootAccessKeys, snapshot({ accountSummary: { AccountAccessKeysPresent: 0 } })).status).toBe('PASS');
    expect(evaluateRule(rootAccessKeys, snapshot({ accountSummary: { Users: 3 } })).status).toBe('ERROR');
  });
});
