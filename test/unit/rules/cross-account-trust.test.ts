/**
 * Trust policies: who can assume a role, and which narrowing conditions count. Each case is a
 * trust policy as IAM stores it (AssumeRolePolicyDocument).
 */
import { describe, expect, it } from 'vitest';
import { evaluateRule, getRule } from '../../../lib/rules';
import { trusteesOf } from '../../../lib/policy/trust';
import type { PolicyDocument } from '../../../lib/snapshot';
import { ACCOUNT, authz, role, snapshot } from './builders';

const PARTNER = '999988887777';
const trustDoc = (principal: unknown, condition?: Record<string, unknown>, action: string | string[] = 'sts:AssumeRole'): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: action, ...(condition ? { Condition: condition } : {}) }],
});
const judge = (doc: PolicyDocument, params?: Record<string, unknown>) =>
  evaluateRule(getRule('access.cross-account-trust'), snapshot({ authorizationDetails: { ...authz({}), RoleDetailList: [{ ...role('r'), AssumeRolePolicyDocument: doc }] } }), params);

describe('access.cross-account-trust', () => {
  it('a partner account without condition fails and is listed; ExternalId, PrincipalOrgID or MFA narrow it', () => {
    const f = judge(trustDoc({ AWS: `arn:aws:iam::${PARTNER}:root` }));
    expect(f.status).toBe('FAIL');
    expect(f.observed).toMatchObject({ partnerAccounts: [{ account: PARTNER, roles: ['r'], narrowed: false }] });
    expect(judge(trustDoc({ AWS: PARTNER }, { StringEquals: { 'sts:ExternalId': 'k3y' } })).status).toBe('PASS');
    expect(judge(trustDoc({ AWS: `arn:aws:iam::${PARTNER}:role/x` }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } })).status).toBe('PASS');
    expect(judge(trustDoc({ AWS: PARTNER }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })).status).toBe('PASS');
    expect(judge(trustDoc({ AWS: PARTNER }), { trustedAccounts: [PARTNER] }).status).toBe('PASS');
  });

  it('conditions that only look narrowing do not count: ExternalId "*", StringNotEquals, MFA "false"', () => {
    expect(judge(trustDoc({ AWS: PARTNER }, { StringLike: { 'sts:ExternalId': '*' } })).status).toBe('FAIL');
    expect(judge(trustDoc({ AWS: PARTNER }, { StringNotEquals: { 'sts:ExternalId': 'x' } })).status).toBe('FAIL');
    expect(judge(trustDoc({ AWS: PARTNER }, { Bool: { 'aws:MultiFactorAuthPresent': 'false' } })).status).toBe('FAIL');
  });

  it('own account root: fails without MFA (break-glass case), passes with MFA or a Deny-without-MFA statement', () => {
    expect(judge(trustDoc({ AWS: `arn:aws:iam::${ACCOUNT}:root` })).message).toContain('own account root without an MFA condition');
    expect(judge(trustDoc({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })).status).toBe('PASS');
    expect(judge(trustDoc({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })).status).toBe('PASS');
    const withDeny: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
      ],
    };
    expect(judge(withDeny).status).toBe('PASS');
    expect(judge(trustDoc({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), { requireMfaForAccountRoot: false }).status).toBe('PASS');
    expect(judge(trustDoc({ AWS: `arn:aws:iam::${ACCOUNT}:role/ci` })).status).toBe('PASS');
  });

  it('Principal "*" fails unless narrowed to an organisation or account; federated without condition fails; services pass', () => {
    expect(judge(trustDoc('*')).message).toContain('any AWS account');
    expect(judge(trustDoc({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } })).status).toBe('PASS');
    const oidc = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    expect(judge(trustDoc({ Federated: oidc }, undefined, 'sts:AssumeRoleWithWebIdentity')).status).toBe('FAIL');
    expect(judge(trustDoc({ Federated: oidc }, { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org/app:*' } }, 'sts:AssumeRoleWithWebIdentity')).status).toBe('PASS');
    expect(judge(trustDoc({ Service: 'lambda.amazonaws.com' })).status).toBe('PASS');
  });

  it('statements on other actions are ignored; sts:* counts; a role without trust document is ERROR', () => {
    expect(judge(trustDoc({ AWS: PARTNER }, undefined, 'sts:TagSession')).status).toBe('PASS');
    expect(judge(trustDoc({ AWS: PARTNER }, undefined, 'sts:*')).status).toBe('FAIL');
    expect(evaluateRule(getRule('access.cross-account-trust'), snapshot({ authorizationDetails: authz({ roles: [role('bare')] }) })).status).toBe('ERROR');
    expect(evaluateRule(getRule('access.cross-account-trust'), snapshot({})).status).toBe('ERROR');
  });

  it('many roles: each distinct document is read once, and every role is judged on its own document', () => {
    // Roles share documents by their JSON text (a fresh object with the same text is the same document); a role whose
    // document differs, however slightly, is judged on its own. Each role judged alone says which must be listed.
    const docs: [string, PolicyDocument][] = [
      ['svc', trustDoc({ Service: 'lambda.amazonaws.com' })],
      ['open-1', trustDoc({ AWS: PARTNER })],
      ['svc-2', trustDoc({ Service: 'lambda.amazonaws.com' })],
      ['narrowed', trustDoc({ AWS: PARTNER }, { StringEquals: { 'sts:ExternalId': 'k3y' } })],
      ['open-2', trustDoc({ AWS: PARTNER })],
      ['other-partner', trustDoc({ AWS: '111100002222' })],
      ['open-3', JSON.parse(JSON.stringify(trustDoc({ AWS: PARTNER }))) as PolicyDocument],
    ];
    const all = evaluateRule(getRule('access.cross-account-trust'), snapshot({ authorizationDetails: { ...authz({}), RoleDetailList: docs.map(([name, doc]) => ({ ...role(name), AssumeRolePolicyDocument: doc })) } }));
    const alone = docs.filter(([, doc]) => judge(doc).status === 'FAIL').map(([name]) => name);
    expect(alone).toEqual(['open-1', 'open-2', 'other-partner', 'open-3']);
    expect(all.status).toBe('FAIL');
    expect(all.observed).toMatchObject({
      partnerAccounts: expect.arrayContaining([
        { account: PARTNER, roles: ['narrowed', 'open-1', 'open-2', 'open-3'], narrowed: false, declaredTrusted: false },
        { account: '111100002222', roles: ['other-partner'], narrowed: false, declaredTrusted: false },
      ]),
    });
    expect((all.observed as { problems: { role: string }[] }).problems.map((p) => p.role.split('/').pop())).toEqual(alone);
  });

  it('trusteesOf reads list principals and both account forms', () => {
    const t = trusteesOf(trustDoc({ AWS: [PARTNER, `arn:aws:iam::${ACCOUNT}:root`, `arn:aws:iam::${PARTNER}:user/bob`] }), ACCOUNT);
    expect(t.map((x) => [x.kind, x.account, x.sameAccount])).toEqual([
      ['account-root', PARTNER, false],
      ['account-root', ACCOUNT, true],
      ['account-principal', PARTNER, false],
    ]);
  });
});
