import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRule, getRule } from '../../../lib/rules';
import { parseSnapshot, type AccountSnapshotInput, type PolicyStatement, type RoleDetail, type TrailBucket } from '../../../lib/snapshot';
import type { RegisterView } from '../../../lib/register/types';
import { serviceLinkedRoles } from '../../../lib/rules/logging/log-tamper-access';

const ACCOUNT = '111122223333';
const rule = getRule('logging.log-tamper-access');
const TRAIL = { Name: 'main', TrailARN: `arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/main`, HomeRegion: 'eu-west-3', S3BucketName: 'trail-logs', CloudWatchLogsLogGroupArn: `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:trail:*` };
const role = (RoleName: string, ...Statement: PolicyStatement[]): RoleDetail => ({
  RoleName,
  Arn: `arn:aws:iam::${ACCOUNT}:role/${RoleName}`,
  Path: '/',
  AttachedManagedPolicies: [],
  RolePolicyList: Statement.length ? [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement } }] : [],
});
const allow = (Action: string | string[], Resource: string | string[], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Allow', Action, Resource, ...extra });
const locked: TrailBucket = { Name: 'trail-logs', inAccount: true, Policy: null, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } }, LifecycleRules: null };
const reader = role('reader', allow(['s3:GetObject', 's3:ListBucket'], ['arn:aws:s3:::trail-logs', 'arn:aws:s3:::trail-logs/*']));

function judge(roles: RoleDetail[], buckets: TrailBucket[] | undefined, params: Record<string, unknown> = {}, register?: RegisterView) {
  const input: AccountSnapshotInput = {
    schemaVersion: 1,
    account: { id: ACCOUNT },
    collectedAt: '2026-02-10T08:00:00Z',
    source: { kind: 'scenario', name: 'unit', toolVersion: 'test' },
    authorizationDetails: { UserDetailList: [], GroupDetailList: [], RoleDetailList: roles, Policies: [] },
    trails: [TRAIL],
    ...(buckets ? { trailBuckets: buckets } : {}),
  };
  return evaluateRule(rule, parseSnapshot(input), params, register ? { register } : {});
}

describe('logging.log-tamper-access', () => {
  it('PASS: only readers, files under COMPLIANCE Object Lock', () => {
    expect(judge([reader], [locked]).status).toBe('PASS');
  });

  it('an insider who can stop the trail, shorten the log group or delete log files is named (FAIL)', () => {
    const stop = judge([reader, role('ops', allow('cloudtrail:StopLogging', TRAIL.TrailARN))], [locked]);
    expect(stop.status).toBe('FAIL');
    expect(stop.message).toContain('ops (trail main: cloudtrail:StopLogging)');
    expect(judge([role('ops', allow('logs:PutRetentionPolicy', `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:trail:*`))], [locked]).status).toBe('FAIL');
    expect(judge([role('ops', allow('s3:PutLifecycleConfiguration', 'arn:aws:s3:::trail-logs'))], [locked]).status).toBe('FAIL');
    // s3:* on every resource (the France Travail adviser role) reaches the trail bucket's files.
    const wild = judge([role('adviser', allow('s3:*', '*'))], [{ ...locked, ObjectLockConfiguration: null }]);
    expect(wild.status).toBe('FAIL');
    expect(JSON.stringify(wild.observed.canTamper)).toContain('s3:DeleteObject');
    // A condition (MFA) still lets the principal do it.
    expect(judge([role('ops', allow('cloudtrail:DeleteTrail', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))], [locked]).status).toBe('FAIL');
  });

  it('Object Lock COMPLIANCE neutralises file deletion; GOVERNANCE only without s3:BypassGovernanceRetention', () => {
    const deleter = role('cleaner', allow(['s3:DeleteObject', 's3:DeleteObjectVersion'], 'arn:aws:s3:::trail-logs/*'));
    expect(judge([deleter], [locked]).status).toBe('PASS');
    const governance: TrailBucket = { ...locked, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } } };
    expect(judge([deleter], [governance]).status).toBe('PASS');
    expect(judge([role('cleaner', allow(['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'], 'arn:aws:s3:::trail-logs/*'))], [governance]).status).toBe('FAIL');
    expect(judge([deleter], [{ ...locked, ObjectLockConfiguration: null }]).status).toBe('FAIL');
  });

  it('a bucket policy granting another account delete rights is found (resource-based grant)', () => {
    const bucket: TrailBucket = {
      ...locked,
      Policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 's3:PutBucketPolicy', Resource: 'arn:aws:s3:::trail-logs' }] },
    };
    const f = judge([reader], [bucket]);
    expect(f.status).toBe('FAIL');
    expect(f.resources).toEqual(['arn:aws:iam::999988887777:root']);
    // The CloudTrail service principal's PutObject grant is not an insider.
    const service: TrailBucket = { ...locked, Policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::trail-logs/*' }] } };
    expect(judge([reader], [service]).status).toBe('PASS');
  });

  it('declared log administrators may; then the files must still be out of reach', () => {
    const admin = role('BreakGlass', allow('*', '*'));
    expect(judge([admin], [locked]).status).toBe('FAIL');
    expect(judge([admin], [locked], { logAdmins: ['BreakGlass'] }).status).toBe('PASS');
    const register: RegisterView = {
      at: '2026-02-10T08:00:00Z',
      entries: [
        {
          id: 'D-0123456789ab',
          kind: 'declaration',
          accountId: ACCOUNT,
          recordedAt: '2026-01-01T00:00:00Z',
          declarant: { identity: 'arn:aws:iam::111122223333:user/dpo', via: 'sts' },
          hash: 'a'.repeat(64),
          payload: { type: 'break-glass', principals: ['role/BreakGlass'], justification: 'emergency access' },
        },
      ],
    };
    const declared = judge([admin], [locked], {}, register);
    expect(declared.status).toBe('PASS');
    expect(declared.observed.declaredBreakGlass).toEqual([expect.objectContaining({ id: 'D-0123456789ab', principals: ['role/BreakGlass'] })]);
    // Same admins, files in this account without Object Lock: an admin (or whoever takes one over) can erase them.
    expect(judge([admin], [{ ...locked, ObjectLockConfiguration: null }], {}, register).status).toBe('FAIL');
    // A log archive in another account keeps them out of reach.
    expect(judge([admin], [{ Name: 'trail-logs', inAccount: false }], {}, register).status).toBe('PASS');
  });

  it('NOT VERIFIED (ERROR) when the trail bucket or a principal\'s policies were not read; N/A without a trail', () => {
    expect(judge([reader], undefined).status).toBe('ERROR');
    expect(judge([reader], [{ Name: 'trail-logs', inAccount: true }]).status).toBe('ERROR');
    const partial = { ...reader, AttachedManagedPolicies: [{ PolicyName: 'Mystery', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Mystery` }] };
    expect(judge([partial], [locked]).status).toBe('ERROR');
    const none = parseSnapshot({ schemaVersion: 1, account: { id: ACCOUNT }, collectedAt: '2026-02-10T08:00:00Z', source: { kind: 'scenario', name: 'u', toolVersion: 't' }, authorizationDetails: { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] }, trails: [] });
    expect(evaluateRule(rule, none, {}).status).toBe('NOT_APPLICABLE');
  });
});

/**
 * `serviceLinkedRoles` reads the roles again only for the ARNs of roles on the service-linked
 * path; it must answer as the one-pass scan it replaced (the first role of an ARN decides), on
 * lists with repeated ARNs in any order. Checked by mutation: not dropping an ARN once its first
 * role is met, or letting the last role of an ARN decide, fails it.
 */
describe('serviceLinkedRoles', () => {
  const simple = (roles: readonly RoleDetail[]): Set<string> => {
    const out = new Set<string>();
    const seen = new Set<string>();
    for (const r of roles) {
      if (seen.has(r.Arn)) continue;
      seen.add(r.Arn);
      if (r.Path?.startsWith('/aws-service-role/')) out.add(r.Arn);
    }
    return out;
  };
  it('equals the one-pass scan (first role of an ARN decides), repeated ARNs included', () => {
    const roleArb = fc.record({
      name: fc.constantFrom('a', 'b', 'c', 'd', 'AWSServiceRoleForSupport'),
      path: fc.constantFrom<string | undefined>('/', '/aws-service-role/', '/aws-service-role/support.amazonaws.com/', '/team/', undefined),
    });
    fc.assert(
      fc.property(fc.array(roleArb, { maxLength: 12 }), (specs) => {
        const roles = specs.map(({ name, path }) => ({ ...role(name), Path: path }) as RoleDetail);
        expect([...serviceLinkedRoles(roles)]).toEqual([...simple(roles)]);
      }),
      { numRuns: 3_000 },
    );
  });
});
