import { describe, expect, it } from 'vitest';
import { evaluateRule, getRule } from '../../../lib/rules';
import { parseSnapshot, type AccountSnapshotInput, type PermissionSet, type RoleDetail } from '../../../lib/snapshot';
import { isoDurationHours, permissionSetNameOfRole } from '../../../lib/rules/auth/federated-access';

const ACCOUNT = '111122223333';
const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const rule = getRule('auth.federated-access');

const ps = (Name: string, SessionDuration: string | undefined, extra: Partial<PermissionSet> = {}): PermissionSet => ({
  Name,
  PermissionSetArn: `arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-${Name.toLowerCase().padEnd(16, '0').slice(0, 16)}`,
  ...(SessionDuration ? { SessionDuration } : {}),
  AttachedManagedPolicies: [],
  CustomerManagedPolicyReferences: [],
  ...extra,
});
const samlTrust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow' as const, Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/corp` }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }],
};
const role = (RoleName: string, admin: boolean, Path = '/'): RoleDetail => ({
  RoleName,
  Arn: `arn:aws:iam::${ACCOUNT}:role${Path}${RoleName}`,
  Path,
  AssumeRolePolicyDocument: samlTrust,
  AttachedManagedPolicies: admin ? [{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN_ARN }] : [],
  RolePolicyList: admin ? [] : [{ PolicyName: 'read', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::cases/*' }] } }],
});

function judge(parts: { roles?: RoleDetail[]; sets?: PermissionSet[] | null; sessions?: Record<string, number>; providers?: string[] }, params: Record<string, unknown> = {}) {
  const roles = parts.roles ?? [];
  const input: AccountSnapshotInput = {
    schemaVersion: 1,
    account: { id: ACCOUNT },
    collectedAt: '2026-02-10T08:00:00Z',
    source: { kind: 'scenario', name: 'unit', toolVersion: 'test' },
    authorizationDetails: { UserDetailList: [], GroupDetailList: [], RoleDetailList: roles, Policies: [] },
    samlFederation: {
      providers: (parts.providers ?? []).map((Arn) => ({ Arn })),
      roleSessions: roles.filter((r) => parts.sessions?.[r.RoleName] !== undefined).map((r) => ({ RoleName: r.RoleName, Arn: r.Arn, MaxSessionDuration: parts.sessions![r.RoleName] })),
    },
    ...(parts.sets === null
      ? {}
      : { identityCenter: { regions: ['eu-west-3'], instances: parts.sets ? [{ InstanceArn: 'arn:aws:sso:::instance/ssoins-1111222233334444', region: 'eu-west-3', permissionSets: parts.sets }] : [] } }),
  };
  return evaluateRule(rule, parseSnapshot(input), params);
}

describe('auth.federated-access', () => {
  it('reads ISO-8601 session durations and reserved role names', () => {
    expect(isoDurationHours('PT1H')).toBe(1);
    expect(isoDurationHours('PT1H30M')).toBe(1.5);
    expect(isoDurationHours('PT43200S')).toBe(12);
    expect(isoDurationHours('P1D')).toBeUndefined();
    expect(isoDurationHours('PT')).toBeUndefined();
    expect(permissionSetNameOfRole('AWSReservedSSO_Admin_Team_0123456789abcdef')).toBe('Admin_Team');
    expect(permissionSetNameOfRole('Admin')).toBeUndefined();
  });

  it('FAILs an administrator-equivalent permission set (named through lib/policy) with sessions over the limit', () => {
    const f = judge({ sets: [ps('Admins', 'PT12H', { AttachedManagedPolicies: [{ Name: 'AdministratorAccess', Arn: ADMIN_ARN }] }), ps('Readers', 'PT12H')] });
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('Admins (permission-set, 12 h)');
    expect(f.message).not.toContain('Readers');
    // An inline `*` on `*` is administrator-equivalent too: the engine decides, not the name.
    const inline = judge({ sets: [ps('Ops', 'PT4H', { InlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } })] });
    expect(inline.status).toBe('FAIL');
    expect(judge({ sets: [ps('Ops', 'PT4H', { InlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } })] }, { maxAdminSessionHours: 4 }).status).toBe('PASS');
  });

  it('PASSes when administrator-equivalent access keeps short sessions, and names it', () => {
    const f = judge({ sets: [ps('Admins', 'PT1H', { AttachedManagedPolicies: [{ Name: 'AdministratorAccess', Arn: ADMIN_ARN }] }), ps('Readers', 'PT12H')] });
    expect(f.status).toBe('PASS');
    expect(f.message).toContain('administrator-equivalent: Admins (1 h)');
    expect(f.observed.adminEquivalent).toEqual([{ kind: 'permission-set', name: 'Admins', sessionHours: 1 }]);
  });

  it('judges SAML roles by their MaxSessionDuration (ListRoles)', () => {
    expect(judge({ roles: [role('saml-admin', true)], sessions: { 'saml-admin': 43200 }, providers: ['arn:aws:iam::111122223333:saml-provider/corp'] }).status).toBe('FAIL');
    expect(judge({ roles: [role('saml-admin', true)], sessions: { 'saml-admin': 3600 }, providers: ['arn:aws:iam::111122223333:saml-provider/corp'] }).status).toBe('PASS');
  });

  it('NOT VERIFIED (ERROR), never PASS, where what decides cannot be read', () => {
    // An administrator Identity Center role seen from a member account: its permission set is not visible.
    const member = judge({ roles: [role('AWSReservedSSO_Admins_0123456789abcdef', true, '/aws-reserved/sso.amazonaws.com/eu-west-3/')] });
    expect(member.status).toBe('ERROR');
    expect(member.message).toContain('readable only from the management or delegated administrator account');
    // A SAML admin role without its session length.
    expect(judge({ roles: [role('saml-admin', true)] }).status).toBe('ERROR');
    // Identity Center not collected.
    expect(judge({ sets: null }).status).toBe('ERROR');
    expect(judge({ roles: [role('saml-reader', false)], sets: null }).status).toBe('ERROR');
    // A long session whose policies were not all collected may be administrator-equivalent.
    const partial = judge({ sets: [ps('Mystery', 'PT12H', { AttachedManagedPolicies: [{ Name: 'PowerUserAccess', Arn: 'arn:aws:iam::aws:policy/PowerUserAccess' }] })] });
    expect(partial.status).toBe('ERROR');
    expect(partial.message).toContain('arn:aws:iam::aws:policy/PowerUserAccess');
    // Sections absent.
    expect(evaluateRule(rule, parseSnapshot({ schemaVersion: 1, account: { id: ACCOUNT }, collectedAt: '2026-02-10T08:00:00Z', source: { kind: 'scenario', name: 'u', toolVersion: 't' } })).status).toBe('ERROR');
  });

  it('the Identity Center role takes its permission set\'s session when the instance is visible', () => {
    const admins = ps('Admins', 'PT8H', { AttachedManagedPolicies: [{ Name: 'AdministratorAccess', Arn: ADMIN_ARN }] });
    const f = judge({ roles: [role('AWSReservedSSO_Admins_0123456789abcdef', true, '/aws-reserved/sso.amazonaws.com/')], sets: [admins] });
    expect(f.status).toBe('FAIL');
    expect(f.resources).toContain('arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admins_0123456789abcdef');
  });

  it('NOT_APPLICABLE only when Identity Center was read and nothing is federated', () => {
    expect(judge({}).status).toBe('NOT_APPLICABLE');
    // An instance without permission sets is read, and passes with nothing to name.
    expect(judge({ sets: [] }).status).toBe('PASS');
  });
});
