/**
 * Federated sign-in collectors (auth.federated-access) against SDK mocks shaped as the IAM and
 * sso-admin API references: pagination, an AccessDenied on Identity Center, a role without
 * MaxSessionDuration, URL-encoded trust documents, and the regions asked.
 */
import { AccessDeniedException, ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { collectAccount } from '../../../lib/collectors';
import { identityCenterRegionOfPath, identityCenterRegions } from '../../../lib/collectors/federation';
import { ACCOUNT_ID, HOME, NOW, OTHER, mockHealthyAccount, mockedAccount, sentOperations } from './aws-fixtures';

const collect = (m: ReturnType<typeof mockedAccount>) => collectAccount({ clients: m.clients, region: HOME, now: NOW, clock: () => NOW, sleep: async () => {} });
const samlTrust = encodeURIComponent(
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT_ID}:saml-provider/corp` }, Action: 'sts:AssumeRoleWithSAML' }] }),
);

describe('federated sign-in collectors', () => {
  it('reads permission sets over pages with their session, policies and inline document', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 2);
    const s = await collect(m);
    expect(s.collectionErrors).toEqual([]);
    expect(s.samlFederation?.providers).toEqual([{ Arn: `arn:aws:iam::${ACCOUNT_ID}:saml-provider/corporate-idp`, ValidUntil: '2030-01-01T00:00:00.000Z', CreateDate: '2024-01-15T09:00:00.000Z' }]);
    // ops-admin trusts an account, not a SAML provider: not kept.
    expect(s.samlFederation?.roleSessions).toEqual([]);
    expect(s.identityCenter?.regions).toEqual([HOME]);
    const sets = s.identityCenter?.instances[0]?.permissionSets ?? [];
    expect(sets.map((p) => [p.Name, p.SessionDuration])).toEqual([
      ['CaseReader', 'PT8H'],
      ['Administrator', 'PT1H'],
    ]);
    expect(sets[0]?.InlinePolicy).toMatchObject({ Statement: [{ Action: 's3:GetObject' }] });
    expect(sets[1]?.InlinePolicy).toBeUndefined();
    expect(sets[1]?.AttachedManagedPolicies).toEqual([{ Name: 'AdministratorAccess', Arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }]);
    const sent = sentOperations(m.all());
    expect(sent['sso:ListPermissionSets']).toBe(2);
    expect(sent['iam:ListRoles']).toBe(2);
    expect(sent['sso:DescribePermissionSet']).toBe(2);
  });

  it('keeps SAML-trusting roles from ListRoles (URL-encoded trust), a missing MaxSessionDuration stays absent', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 1);
    m.iam.on(ListRolesCommand).resolves({
      Roles: [
        { Path: '/', RoleName: 'adfs-admins', RoleId: 'AROA1', Arn: `arn:aws:iam::${ACCOUNT_ID}:role/adfs-admins`, CreateDate: new Date('2024-01-01T00:00:00Z'), AssumeRolePolicyDocument: samlTrust, MaxSessionDuration: 43200 },
        { Path: '/', RoleName: 'adfs-readers', RoleId: 'AROA2', Arn: `arn:aws:iam::${ACCOUNT_ID}:role/adfs-readers`, CreateDate: new Date('2024-01-01T00:00:00Z'), AssumeRolePolicyDocument: samlTrust },
      ],
      IsTruncated: false,
    });
    const s = await collect(m);
    expect(s.samlFederation?.roleSessions).toEqual([
      { RoleName: 'adfs-admins', Arn: `arn:aws:iam::${ACCOUNT_ID}:role/adfs-admins`, MaxSessionDuration: 43200 },
      { RoleName: 'adfs-readers', Arn: `arn:aws:iam::${ACCOUNT_ID}:role/adfs-readers` },
    ]);
  });

  it('AccessDenied on Identity Center: that section is absent with its reason, the others are collected', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 1);
    m.ssoAdmin[HOME]!.on(ListInstancesCommand).rejects(new AccessDeniedException({ message: 'User is not authorized to perform: sso:ListInstances', $metadata: { httpStatusCode: 400 } }));
    const s = await collect(m);
    expect(s.identityCenter).toBeUndefined();
    expect(s.samlFederation).toBeDefined();
    expect(s.collectionErrors).toEqual([expect.objectContaining({ section: 'identityCenter', operation: 'sso:ListInstances', code: 'AccessDeniedException', region: HOME })]);
  });

  it('asks Identity Center in the regions its reserved roles name', () => {
    expect(identityCenterRegionOfPath('/aws-reserved/sso.amazonaws.com/eu-west-3/')).toBe('eu-west-3');
    expect(identityCenterRegionOfPath('/aws-reserved/sso.amazonaws.com/')).toBe('us-east-1');
    expect(identityCenterRegionOfPath('/service-role/')).toBeUndefined();
    expect(identityCenterRegions(HOME, [{ Path: '/aws-reserved/sso.amazonaws.com/' }, { Path: '/' }])).toEqual([HOME, OTHER].sort());
    expect(identityCenterRegions(HOME, undefined)).toEqual([HOME]);
  });
});

describe('trail bucket collector', () => {
  it('S3 "none" answers are facts (null); an AccessDenied leaves the field absent with its reason', async () => {
    const { GetBucketPolicyCommand, GetObjectLockConfigurationCommand, S3ServiceException } = await import('@aws-sdk/client-s3');
    const m = mockedAccount();
    mockHealthyAccount(m, 1);
    const s3 = m.s3[HOME]!;
    s3.on(GetBucketPolicyCommand).rejects(new S3ServiceException({ name: 'NoSuchBucketPolicy', $fault: 'client', message: 'The bucket policy does not exist', $metadata: { httpStatusCode: 404 } }));
    s3.on(GetObjectLockConfigurationCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }));
    const s = await collect(m);
    expect(s.trailBuckets).toEqual([
      { Name: 'example-cloudtrail-logs', inAccount: true, Policy: null, LifecycleRules: [{ ID: 'expire-logs', Status: 'Enabled', Filter: { Prefix: 'AWSLogs/' }, Expiration: { Days: 400 } }] },
    ]);
    expect(s.collectionErrors).toEqual([expect.objectContaining({ section: 'trailBuckets', operation: 's3:GetObjectLockConfiguration', code: 'AccessDenied' })]);
    expect(sentOperations(m.all())['s3:ListBuckets']).toBe(2);
  });
});
