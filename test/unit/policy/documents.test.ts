/**
 * IAM policy document semantics used by the access rules: Action as string or list,
 * case-insensitive actions, wildcards, NotAction, NotResource, Deny, Condition, boundaries.
 */
import { describe, expect, it } from 'vitest';
import { decide, decideMany, grantingPoliciesForAny, principalsOf, resolvePrincipals, type Principal } from '../../../lib/policy/principals';
import { statementsOf, wildcardMatch } from '../../../lib/policy/document';
import { assessAdmin } from '../../../lib/policy/admin';
import type { PolicyDocument } from '../../../lib/snapshot';
import { allow, authz, doc, group, managed, role, user, ADMIN_ARN, adminPolicy } from '../rules/builders';

const only = (...docs: PolicyDocument[]): Principal => resolvePrincipals(authz({ roles: [role('r', { inline: docs })] }))[0]!;

describe('policy documents', () => {
  it('Action as a string or a list', () => {
    expect(decide(only(allow('s3:GetObject')), 's3:GetObject')).toBe('allowed');
    expect(decide(only(allow(['dynamodb:Query', 's3:GetObject'])), 's3:GetObject')).toBe('allowed');
    expect(decide(only(allow(['dynamodb:Query'])), 's3:GetObject')).toBe('not-allowed');
  });
  it('a single Statement object (not a list) is accepted', () => {
    expect(statementsOf({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } })).toHaveLength(1);
  });
  it('actions are case-insensitive', () => {
    expect(decide(only(allow('S3:getobject')), 's3:GetObject')).toBe('allowed');
    expect(decide(only(allow('s3:GetObject')), 'S3:GETOBJECT')).toBe('allowed');
  });
  it('wildcards: s3:Get* covers GetObject, not PutObject; ? matches one character', () => {
    const p = only(allow('s3:Get*'));
    expect(decide(p, 's3:GetObject')).toBe('allowed');
    expect(decide(p, 's3:GetObjectAcl')).toBe('allowed');
    expect(decide(p, 's3:PutObject')).toBe('not-allowed');
    expect(decide(p, 's3:*')).toBe('not-allowed');
    expect(wildcardMatch('iam:?etRole', 'iam:GetRole')).toBe(true);
    expect(wildcardMatch('iam:?etRole', 'iam:GetRoles')).toBe(false);
  });
  it('NotAction allows everything except what it lists', () => {
    const p = only(doc({ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }));
    expect(decide(p, 's3:GetObject')).toBe('allowed');
    expect(decide(p, 'iam:CreateUser')).toBe('not-allowed');
  });
  it('NotResource covers every resource but those listed, and counts as unscoped for "*"', () => {
    const p = only(doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }));
    expect(decide(p, 's3:GetObject', '*')).toBe('allowed');
    expect(decide(p, 's3:GetObject', 'arn:aws:s3:::public/a.txt')).toBe('allowed');
    expect(decide(p, 's3:GetObject', 'arn:aws:s3:::secret/a.txt')).toBe('not-allowed');
  });
  it('Resource scoping: a grant on one ARN does not cover "*"', () => {
    const p = only(allow('s3:GetObject', 'arn:aws:s3:::cases/*'));
    expect(decide(p, 's3:GetObject', '*')).toBe('not-allowed');
    expect(decide(p, 's3:GetObject', 'arn:aws:s3:::cases/x')).toBe('allowed');
  });
  it('an explicit Deny wins, across policies', () => {
    const p = only(allow('s3:*'), doc({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }));
    expect(decide(p, 's3:GetObject')).toBe('denied');
    expect(decide(p, 's3:PutObject')).toBe('allowed');
  });
  it('Condition makes a grant conditional; a conditional Deny downgrades an allow to conditional', () => {
    const cond = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
    expect(decide(only(allow('s3:GetObject', '*', cond)), 's3:GetObject')).toBe('conditional');
    expect(decide(only(allow('s3:GetObject'), doc({ Effect: 'Deny', Action: 's3:*', Resource: '*', ...cond })), 's3:GetObject')).toBe('conditional');
    expect(decide(only(allow('s3:GetObject', '*', { Condition: {} })), 's3:GetObject')).toBe('allowed');
  });
  it('permissions boundaries only restrict', () => {
    const boundary = managed('arn:aws:iam::111122223333:policy/b', allow('s3:*'));
    const [p] = resolvePrincipals(authz({ roles: [role('r', { inline: [allow('*')], boundary: boundary.Arn })], policies: [boundary] }));
    expect(decide(p!, 's3:GetObject')).toBe('allowed');
    expect(decide(p!, 'dynamodb:Scan')).toBe('not-allowed');
  });
  it('users get group policies; grantingPoliciesForAny names the group', () => {
    const p = managed('arn:aws:iam::111122223333:policy/read', allow('s3:GetObject'));
    const [u] = resolvePrincipals(authz({ users: [user('u', { groups: ['g'] })], groups: [group('g', { managed: [p.Arn] })], policies: [p] }));
    expect(decide(u!, 's3:GetObject')).toBe('allowed');
    expect(grantingPoliciesForAny(u!, ['s3:GetObject'])).toEqual(['read (via group g)']);
  });
  it('unresolved managed policies are listed, not silently dropped', () => {
    const [r] = resolvePrincipals(authz({ roles: [role('r', { managed: ['arn:aws:iam::111122223333:policy/gone'] })] }));
    expect(r!.unresolvedPolicies).toEqual(['arn:aws:iam::111122223333:policy/gone']);
  });
  it('a group missing from GroupDetailList is recorded as group:<name>, not skipped', () => {
    const [u] = resolvePrincipals(authz({ users: [user('u', { groups: ['known', 'ghost'] })], groups: [group('known')] }));
    expect(u!.unresolvedPolicies).toEqual(['group:ghost']);
  });
  it('principalsOf resolves once per authorization-details object', () => {
    const a = authz({ roles: [role('r')] });
    expect(principalsOf(a)).toBe(principalsOf(a));
  });
  it('memoised decisions stay per action and resource', () => {
    const shared = managed('arn:aws:iam::111122223333:policy/s', allow('s3:GetObject', 'arn:aws:s3:::a/*'));
    const principals = resolvePrincipals(authz({ roles: [role('a', { managed: [shared.Arn] }), role('b', { managed: [shared.Arn] })], policies: [shared] }));
    expect(decide(principals[0]!, 's3:GetObject', 'arn:aws:s3:::a/x')).toBe('allowed');
    expect(decide(principals[1]!, 's3:GetObject', '*')).toBe('not-allowed');
    expect(decide(principals[1]!, 's3:getobject', 'arn:aws:s3:::a/x')).toBe('allowed');
  });
});

describe('assessAdmin', () => {
  it('`*` and `*:*` on `*` are admin; AdministratorAccess by ARN is admin', () => {
    expect(assessAdmin(only(allow('*'))).admin).toBe(true);
    expect(assessAdmin(only(allow('*:*'))).admin).toBe(true);
    const [r] = resolvePrincipals(authz({ roles: [role('r', { managed: [ADMIN_ARN] })], policies: [adminPolicy()] }));
    expect(assessAdmin(r!)).toMatchObject({ admin: true, conditional: false, via: ['AdministratorAccess'] });
  });
  it('s3:* on *, `*` on one resource, or NotAction are not admin', () => {
    expect(assessAdmin(only(allow('s3:*'))).admin).toBe(false);
    expect(assessAdmin(only(allow('*', 'arn:aws:s3:::b/*'))).admin).toBe(false);
    const near = assessAdmin(only(doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })));
    expect(near.admin).toBe(false);
    expect(near.nearAdminVia).toHaveLength(1);
  });
  it('conditional admin is admin, flagged conditional', () => {
    expect(assessAdmin(only(allow('*', '*', { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })))).toMatchObject({ admin: true, conditional: true });
  });
});

describe('decideMany', () => {
  it('agrees with decide for every action, with deny, conditions and boundaries', () => {
    const boundary = managed('arn:aws:iam::111122223333:policy/b', doc({ Effect: 'Allow', Action: ['s3:*', 'dynamodb:Query'], Resource: '*' }));
    const shared = managed('arn:aws:iam::111122223333:policy/m', doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }));
    const principals = resolvePrincipals(
      authz({
        roles: [
          role('a', { inline: [allow(['s3:*', 'dynamodb:*']), doc({ Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' })], boundary: boundary.Arn }),
          role('b', { managed: [shared.Arn], inline: [doc({ Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::x/*' })] }),
        ],
        policies: [boundary, shared],
      }),
    );
    const actions = ['s3:*', 'dynamodb:*', 's3:GetObject', 'dynamodb:Scan', 'dynamodb:Query', 'iam:PassRole', 'kms:Decrypt'];
    for (const p of principals) expect(decideMany(p, actions)).toEqual(actions.map((a) => decide(p, a)));
  });
});
