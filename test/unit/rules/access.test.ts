import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../../lib/rules';
import staleCredentials from '../../../lib/rules/access/stale-credentials';
import adminPrincipals from '../../../lib/rules/access/admin-principals';
import wildcardDataAccess from '../../../lib/rules/access/wildcard-data-access';
import permissionBreadth from '../../../lib/rules/access/permission-breadth';
import privilegeEscalation from '../../../lib/rules/access/privilege-escalation';
import { ACCOUNT, ADMIN_ARN, adminPolicy, allow, authz, daysAgo, doc, group, managed, report, role, row, snapshot, user } from './builders';

describe('access.stale-credentials', () => {
  const judge = (...rows: ReturnType<typeof row>[]) => evaluateRule(staleCredentials, snapshot({ credentialReport: report(...rows) }));

  it('password used 90 days ago passes, 91 fails', () => {
    expect(judge(row('a', { password_enabled: true, password_last_used: daysAgo(90) })).status).toBe('PASS');
    const f = judge(row('a', { password_enabled: true, password_last_used: daysAgo(91) }));
    expect(f.status).toBe('FAIL');
    expect(f.observed.staleCredentials).toEqual([expect.objectContaining({ user: 'a', credential: 'password', problem: 'unused', days: 91 })]);
  });
  it('never-used password (no_information) is judged by when it was set, else by user creation', () => {
    expect(judge(row('a', { password_enabled: true, password_last_used: 'no_information', user_creation_time: daysAgo(30) })).status).toBe('PASS');
    expect(judge(row('a', { password_enabled: true, password_last_used: 'no_information', user_creation_time: daysAgo(200) })).status).toBe('FAIL');
    // created long ago, password set last week: not stale
    expect(
      judge(row('a', { password_enabled: true, password_last_used: 'N/A', user_creation_time: daysAgo(500), password_last_changed: daysAgo(7) })).status,
    ).toBe('PASS');
  });
  it('active keys: unused > 90 days, never used and older than 90 days, or not rotated in 90 days fail', () => {
    const fresh = { access_key_1_active: true, access_key_1_last_rotated: daysAgo(10), access_key_1_last_used_date: daysAgo(1) };
    expect(judge(row('k', fresh)).status).toBe('PASS');
    expect(judge(row('k', { ...fresh, access_key_1_last_used_date: daysAgo(91) })).observed.unused).toBe(1);
    expect(judge(row('k', { access_key_1_active: true, access_key_1_last_rotated: daysAgo(95), access_key_1_last_used_date: 'N/A' })).observed).toMatchObject({
      neverUsed: 1,
      notRotated: 1,
    });
    expect(judge(row('k', { ...fresh, access_key_2_active: true, access_key_2_last_rotated: daysAgo(91), access_key_2_last_used_date: daysAgo(1) })).observed.notRotated).toBe(1);
    // inactive keys are not judged
    expect(judge(row('k', { access_key_1_active: false, access_key_1_last_rotated: daysAgo(900) })).status).toBe('PASS');
  });
  it('thresholds are parameters; "now" is collectedAt', () => {
    const r = row('a', { password_enabled: true, password_last_used: daysAgo(40) });
    expect(evaluateRule(staleCredentials, snapshot({ credentialReport: report(r) }), { maxUnusedDays: 30 }).status).toBe('FAIL');
    expect(evaluateRule(staleCredentials, snapshot({ credentialReport: report(r) })).threshold).toMatchObject({ maxUnusedDays: 90, maxKeyAgeDays: 90 });
  });
});

describe('access.admin-principals', () => {
  const judge = (a: ReturnType<typeof authz>, params: Record<string, unknown> = {}) =>
    evaluateRule(adminPrincipals, snapshot({ authorizationDetails: a }), params);

  it('FAIL for a user with AdministratorAccess through a group', () => {
    const f = judge(authz({ users: [user('alice', { groups: ['admins'] })], groups: [group('admins', { managed: [ADMIN_ARN] })], policies: [adminPolicy()] }));
    expect(f.status).toBe('FAIL');
    expect(f.resources).toEqual([`arn:aws:iam::${ACCOUNT}:user/alice`]);
  });
  it('FAIL for AdministratorAccess attached even when its document was not collected', () => {
    expect(judge(authz({ roles: [role('ops', { managed: [ADMIN_ARN] })] })).status).toBe('FAIL');
  });
  it('WARN, not PASS, when a policy document or a group is missing: the principal may be admin through it', () => {
    const gone = `arn:aws:iam::${ACCOUNT}:policy/gone`;
    const f = judge(authz({ roles: [role('ops', { managed: [gone] })], users: [user('bob', { groups: ['ghost'] })] }));
    expect(f.status).toBe('WARN');
    expect(f.resources).toEqual([`arn:aws:iam::${ACCOUNT}:user/bob`, `arn:aws:iam::${ACCOUNT}:role/ops`]);
    expect(f.observed.incomplete).toEqual([
      { arn: `arn:aws:iam::${ACCOUNT}:user/bob`, missing: ['group:ghost'] },
      { arn: `arn:aws:iam::${ACCOUNT}:role/ops`, missing: [gone] },
    ]);
    expect(f.message).toMatch(/group:ghost/);
    expect(f.message).toMatch(/policy\/gone/);
    // FAIL stays FAIL; an allow-listed break-glass role's gaps do not matter.
    expect(judge(authz({ roles: [role('ops', { managed: [gone] }), role('root', { inline: [allow('*')] })] })).status).toBe('FAIL');
    expect(judge(authz({ roles: [role('BreakGlass', { managed: [gone] })] }), { breakGlassRoles: ['BreakGlass'] }).status).toBe('PASS');
  });
  it('break-glass allow-list applies to roles (by name or ARN pattern), never to users', () => {
    const a = authz({
      users: [user('BreakGlass', { inline: [allow('*')] })],
      roles: [role('BreakGlassAdmin', { inline: [allow('*:*')] })],
    });
    const f = judge(a, { breakGlassRoles: ['BreakGlass*'] });
    expect(f.status).toBe('FAIL');
    expect(f.resources).toEqual([`arn:aws:iam::${ACCOUNT}:user/BreakGlass`]);
    expect(f.observed.allowListedBreakGlassRoles).toEqual([`arn:aws:iam::${ACCOUNT}:role/BreakGlassAdmin`]);
    const rolesOnly = authz({ roles: [role('BreakGlassAdmin', { inline: [allow('*')] })] });
    expect(judge(rolesOnly, { breakGlassRoles: [`arn:aws:iam::${ACCOUNT}:role/Break*`] }).status).toBe('PASS');
    expect(judge(rolesOnly).status).toBe('FAIL');
  });
  it('conditional admins still fail and are noted; NotAction grants are near-admin, not admin', () => {
    const f = judge(
      authz({
        roles: [
          role('mfa-admin', { inline: [allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })] }),
          role('power', { inline: [doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' })] }),
        ],
      }),
    );
    expect(f.status).toBe('FAIL');
    expect(f.observed.conditionalAdmins).toEqual([`arn:aws:iam::${ACCOUNT}:role/mfa-admin`]);
    expect(f.resources).not.toContain(`arn:aws:iam::${ACCOUNT}:role/power`);
    expect(f.observed.nearAdminNotActionGrants).toEqual([expect.objectContaining({ arn: `arn:aws:iam::${ACCOUNT}:role/power` })]);
  });
  it('a Deny on everything or a restrictive boundary takes admin away; scoped `*` actions are not admin', () => {
    const boundary = managed(`arn:aws:iam::${ACCOUNT}:policy/s3-only`, allow('s3:*'));
    const a = authz({
      roles: [
        role('bounded', { inline: [allow('*')], boundary: boundary.Arn }),
        role('denied', { inline: [doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*' })] }),
        role('one-bucket', { inline: [allow('*', 'arn:aws:s3:::bucket/*')] }),
      ],
      policies: [boundary],
    });
    expect(judge(a).status).toBe('PASS');
  });
});

describe('access.wildcard-data-access', () => {
  const judge = (a: ReturnType<typeof authz>, params: Record<string, unknown> = {}) =>
    evaluateRule(wildcardDataAccess, snapshot({ authorizationDetails: a }), params);

  it('FAIL for an adviser role with s3:* and dynamodb:* on * (France Travail)', () => {
    const f = judge(authz({ roles: [role('adviser', { inline: [allow(['s3:*', 'dynamodb:*'])] })] }));
    expect(f.status).toBe('FAIL');
    const offenders = f.observed.offenders as { actions: string[] }[];
    expect(offenders[0]!.actions).toEqual(expect.arrayContaining(['s3:*', 'dynamodb:*', 's3:GetObject', 'dynamodb:Scan']));
  });
  it('FAIL for a bulk read on * through a managed policy (s3:Get*)', () => {
    const p = managed(`arn:aws:iam::${ACCOUNT}:policy/read-all`, allow('s3:Get*'));
    const f = judge(authz({ users: [user('analyst', { managed: [p.Arn] })], policies: [p] }));
    expect(f.status).toBe('FAIL');
    expect((f.observed.offenders as { via: string[] }[])[0]!.via).toEqual(['read-all']);
  });
  it('principals of one policy set name their own policies (directly or via a group), not the last ones met with the set', () => {
    // One list (one policy set) for all three; the rule keeps per set the policies named for the
    // last policy list met, so each change of list must name the policies again.
    const p = managed(`arn:aws:iam::${ACCOUNT}:policy/read-all`, allow('s3:Get*'));
    const f = judge(
      authz({
        users: [user('direct', { managed: [p.Arn] }), user('member', { groups: ['readers'] }), user('direct2', { managed: [p.Arn] })],
        groups: [group('readers', { managed: [p.Arn] })],
        policies: [p],
      }),
    );
    const via = Object.fromEntries((f.observed.offenders as { arn: string; via: string[] }[]).map((o) => [o.arn.split('/').pop(), o.via]));
    expect(via).toEqual({ direct: ['read-all'], member: ['read-all (via group readers)'], direct2: ['read-all'] });
  });
  it('NotResource counts as unscoped', () => {
    expect(judge(authz({ roles: [role('r', { inline: [doc({ Effect: 'Allow', Action: 'dynamodb:Query', NotResource: 'arn:aws:dynamodb:*:*:table/audit' })] })] })).status).toBe(
      'FAIL',
    );
  });
  it('PASS when data actions are scoped to ARNs or denied; admins are left to admin-principals', () => {
    const f = judge(
      authz({
        roles: [
          role('scoped', { inline: [allow(['s3:GetObject', 'dynamodb:Query'], ['arn:aws:s3:::cases/*', `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/cases`])] }),
          role('denied', { inline: [doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', Resource: '*' })] }),
          role('admin', { inline: [allow('*')] }),
          role('metadata', { inline: [allow(['s3:ListAllMyBuckets', 'dynamodb:DescribeTable'])] }),
        ],
      }),
    );
    expect(f.status).toBe('PASS');
    expect(f.observed.adminsNotJudgedHere).toBe(1);
  });
  it('WARN when the only unscoped grants are conditional', () => {
    const f = judge(authz({ roles: [role('vpc', { inline: [allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } })] })] }));
    expect(f.status).toBe('WARN');
  });
  it('WARN, not PASS, when a non-admin principal has a missing policy document or group; FAIL stays FAIL', () => {
    const gone = `arn:aws:iam::${ACCOUNT}:policy/gone`;
    const f = judge(authz({ roles: [role('etl', { managed: [gone] })], users: [user('bob', { groups: ['ghost'] })] }));
    expect(f.status).toBe('WARN');
    expect(f.observed.incomplete).toEqual([
      { arn: `arn:aws:iam::${ACCOUNT}:user/bob`, missing: ['group:ghost'] },
      { arn: `arn:aws:iam::${ACCOUNT}:role/etl`, missing: [gone] },
    ]);
    expect(f.message).toMatch(/group:ghost/);
    expect(judge(authz({ roles: [role('etl', { managed: [gone] }), role('adviser', { inline: [allow('s3:*')] })] })).status).toBe('FAIL');
  });
  it('the action list is a parameter', () => {
    const a = authz({ roles: [role('kms', { inline: [allow('kms:Decrypt')] })] });
    expect(judge(a).status).toBe('PASS');
    expect(judge(a, { dataActions: ['kms:Decrypt'] }).status).toBe('FAIL');
  });
});

describe('breadth rules: a group missing from the snapshot makes the principal incomplete', () => {
  it('access.permission-breadth and access.privilege-escalation WARN instead of PASS', () => {
    const snap = snapshot({ authorizationDetails: authz({ users: [user('bob', { groups: ['ghost'] })] }) });
    const breadth = evaluateRule(permissionBreadth, snap);
    expect(breadth.status).toBe('WARN');
    expect(breadth.observed.incomplete).toEqual([{ principal: 'user/bob', unresolvedPolicies: ['group:ghost'] }]);
    const escalation = evaluateRule(privilegeEscalation, snap);
    expect(escalation.status).toBe('WARN');
    expect(escalation.observed.incomplete).toEqual(['user/bob']);
  });
});
