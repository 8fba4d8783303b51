import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../../lib/rules';
import passwordPolicyPresent from '../../../lib/rules/auth/password-policy-present';
import rootMfa from '../../../lib/rules/auth/root-mfa';
import consoleMfa from '../../../lib/rules/auth/console-mfa';
import rootAccessKeys from '../../../lib/rules/auth/root-access-keys';
import { ACCOUNT, report, row, snapshot } from './builders';
import { declare, registerOf } from './register-builders';

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
  it('NOT_APPLICABLE when no IAM user has a console password; FAIL as soon as one has', () => {
    const none = evaluateRule(passwordPolicyPresent, snapshot({ passwordPolicy: null, credentialReport: report(row('<root_account>', { password_enabled: 'not_supported' }), row('api')) }));
    expect(none.status).toBe('NOT_APPLICABLE');
    expect(none.message).toMatch(/no IAM user has a console password/);
    expect(evaluateRule(passwordPolicyPresent, snapshot({ passwordPolicy: null, credentialReport: report(row('alice', { password_enabled: true })) })).status).toBe('FAIL');
    // Without the credential report nothing says nobody signs in: FAIL as before.
    expect(evaluateRule(passwordPolicyPresent, snapshot({ passwordPolicy: null })).status).toBe('FAIL');
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
  it('PASS when every console user has MFA; NOT_APPLICABLE (never a bare PASS) when there are none, saying what it cannot see', () => {
    const pass = evaluateRule(consoleMfa, snapshot({ credentialReport: report(row('alice', { password_enabled: true, mfa_active: true })) }));
    expect(pass.status).toBe('PASS');
    expect(pass.message).toMatch(/federated sign-in was not checked/);
    const none = evaluateRule(consoleMfa, snapshot({ credentialReport: report() }));
    expect(none.status).toBe('NOT_APPLICABLE');
    expect(none.message).toMatch(/Federated sign-in \(SAML, IAM Identity Center\) was not checked/);
  });
  describe('federated sign-in', () => {
    const details = (roles: { RoleName: string; Arn: string; [k: string]: unknown }[]) => ({ UserDetailList: [], GroupDetailList: [], RoleDetailList: roles, Policies: [] });
    const sso = { RoleName: 'AWSReservedSSO_Admin_0123', Arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-3/AWSReservedSSO_Admin_0123`, Path: '/aws-reserved/sso.amazonaws.com/eu-west-3/' };
    const saml = {
      RoleName: 'okta-readonly',
      Arn: `arn:aws:iam::${ACCOUNT}:role/okta-readonly`,
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` }, Action: 'sts:AssumeRoleWithSAML' }] },
    };
    const lambda = { RoleName: 'fn', Arn: `arn:aws:iam::${ACCOUNT}:role/fn`, AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } };

    it('Identity Center or SAML roles present, no IAM console user → NOT VERIFIED (ERROR), never PASS', () => {
      for (const role of [sso, saml]) {
        const f = evaluateRule(consoleMfa, snapshot({ credentialReport: report(), authorizationDetails: details([role, lambda]) }));
        expect(f.status).toBe('ERROR');
        expect(f.message).toMatch(/^NOT VERIFIED for federated access: No IAM user has a console password, but 1 role\(s\) are reached by (SAML|IAM Identity Center) sign-in/);
        expect(f.resources).toEqual([role.Arn]);
      }
    });
    it('a declared IdP MFA with evidence → PASS (declared, not verified); IAM users without MFA still FAIL', () => {
      const register = registerOf(declare({ type: 'idp-mfa', mechanism: 'IAM Identity Center: MFA every sign-in', evidenceRef: 'IDC-CONFIG-2026-01' }));
      const f = evaluateRule(consoleMfa, snapshot({ credentialReport: report(), authorizationDetails: details([sso]) }), {}, { register });
      expect(f.status).toBe('PASS');
      expect(f.message).toMatch(/^PASS \(declared, not verified\):.*IDC-CONFIG-2026-01/);
      expect(f.observed.basis).toBe('declared, not verified');
      const bob = evaluateRule(consoleMfa, snapshot({ credentialReport: report(row('bob', { password_enabled: true })), authorizationDetails: details([sso]) }), {}, { register });
      expect(bob.status).toBe('FAIL');
    });
    it('only service roles → NOT_APPLICABLE when nobody has a console password', () => {
      expect(evaluateRule(consoleMfa, snapshot({ credentialReport: report(), authorizationDetails: details([lambda]) })).status).toBe('NOT_APPLICABLE');
    });
  });
  it('ERROR without a credential report', () => {
    expect(evaluateRule(consoleMfa, snapshot()).status).toBe('ERROR');
  });
});

describe('a collected credential report without a <root_account> row is not "not collected" (issue #15)', () => {
  const withoutRoot = { credentialReport: report(row('alice')) };
  it('auth.root-mfa says the row is missing', () => {
    const f = evaluateRule(rootMfa, snapshot({ accountSummary: { AccountMFAEnabled: 1 }, virtualMfaDevices: [], ...withoutRoot }));
    expect(f.observed.credentialReportMfaActive).toBe('credential report collected without a <root_account> row');
    expect(evaluateRule(rootMfa, snapshot({ accountSummary: { AccountMFAEnabled: 1 }, virtualMfaDevices: [] })).observed.credentialReportMfaActive).toBe('credential report not collected');
  });
  it('auth.root-access-keys says the row is missing', () => {
    const f = evaluateRule(rootAccessKeys, snapshot({ accountSummary: { AccountAccessKeysPresent: 0 }, ...withoutRoot }));
    expect(f.observed.credentialReportActiveRootKeys).toBe('credential report collected without a <root_account> row');
    expect(evaluateRule(rootAccessKeys, snapshot({ accountSummary: { AccountAccessKeysPresent: 0 } })).observed.credentialReportActiveRootKeys).toBe('credential report not collected');
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
  it('does not claim that no policy can limit root (SCPs can, in member accounts)', () => {
    expect(rootAccessKeys.rationale).not.toMatch(/no policy can limit/);
    expect(rootAccessKeys.rationale).toMatch(/service control policies can restrict it/);
  });
  it('PASS with none; ERROR when the summary has no such entry', () => {
    expect(evaluateRule(rootAccessKeys, snapshot({ accountSummary: { AccountAccessKeysPresent: 0 } })).status).toBe('PASS');
    expect(evaluateRule(rootAccessKeys, snapshot({ accountSummary: { Users: 3 } })).status).toBe('ERROR');
  });
});
