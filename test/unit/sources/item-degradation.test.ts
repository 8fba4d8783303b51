/**
 * One malformed item of GetAccountAuthorizationDetails (live or export) is recorded as
 * unresolved and left out; the rest of the section stays, and only what depends on the item
 * says so. Before #15 one managed policy without PolicyName discarded every principal, and
 * four access rules said "not verified".
 */
import { describe, expect, it } from 'vitest';
import { authorizationDetailsFromAws } from '../../../lib/sources/aws-shapes';
import { principalsOf } from '../../../lib/policy/principals';

const doc = (action: string) => encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] }));
const ACCOUNT = '111122223333';

/** A response shaped like the IAM API's (policy documents URL-encoded, PolicyVersionList). */
function response(malformed: Record<string, unknown>) {
  return {
    UserDetailList: [
      { UserName: 'alice', Arn: `arn:aws:iam::${ACCOUNT}:user/alice`, GroupList: [], AttachedManagedPolicies: [{ PolicyName: 'broken', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/broken` }], UserPolicyList: [] },
      { UserName: 'bob', Arn: `arn:aws:iam::${ACCOUNT}:user/bob`, GroupList: [], AttachedManagedPolicies: [{ PolicyName: 'reader', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/reader` }], UserPolicyList: [] },
    ],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [
      { PolicyName: 'reader', Arn: `arn:aws:iam::${ACCOUNT}:policy/reader`, DefaultVersionId: 'v1', PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: doc('s3:GetObject') }] },
      { Arn: `arn:aws:iam::${ACCOUNT}:policy/broken`, DefaultVersionId: 'v1', PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: doc('iam:*') }], ...malformed },
    ],
    IsTruncated: false,
  };
}

describe('authorization details: item-level degradation', () => {
  it('a managed policy without PolicyName is left out and recorded; every principal is kept', () => {
    const details = authorizationDetailsFromAws(response({}));
    expect(details.UserDetailList.map((u) => u.UserName)).toEqual(['alice', 'bob']);
    expect(details.Policies.map((p) => p.PolicyName)).toEqual(['reader']);
    expect(details.unresolvedItems).toEqual([{ path: 'authorization-details.Policies[1]', reason: expect.stringContaining('PolicyName') }]);
    const [alice, bob] = principalsOf(details);
    // Only the principal that attaches the unreadable policy is incomplete.
    expect(alice!.unresolvedPolicies).toEqual([`arn:aws:iam::${ACCOUNT}:policy/broken`]);
    expect(bob!.unresolvedPolicies).toEqual([]);
  });

  it('a managed policy whose document is not a policy is left out the same way', () => {
    const details = authorizationDetailsFromAws(response({ PolicyName: 'broken', PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: '%7Bnot json' }] }));
    expect(details.UserDetailList).toHaveLength(2);
    expect(details.unresolvedItems?.[0]?.path).toContain('Policies[1]');
  });

  it('a truncated response still fails as a whole (a partial principal list would hide principals)', () => {
    expect(() => authorizationDetailsFromAws({ ...response({ PolicyName: 'broken' }), IsTruncated: true })).toThrow(/truncated/);
  });
});
