/**
 * "Done when": a live collection and a scan of the same account's AWS CLI exports give the
 * same findings. One mocked account answers both: the live collectors query it, and the
 * export files are written from the very same responses the way the AWS CLI prints them
 * (pages merged, timestamps as ISO text, the credential report base64, policy documents
 * decoded) — then read back by the export-directory source.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { GetInsightSelectorsCommand } from '@aws-sdk/client-cloudtrail';
import { ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetDetectorCommand, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeHubCommand } from '@aws-sdk/client-securityhub';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { DescribeContinuousBackupsCommand, DescribeTableCommand, paginateListTables } from '@aws-sdk/client-dynamodb';
import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
} from '@aws-sdk/client-rds';
import { DescribeRegionsCommand, GetEbsEncryptionByDefaultCommand, paginateDescribeSnapshots } from '@aws-sdk/client-ec2';
import { paginateListProtectedResources } from '@aws-sdk/client-backup';
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  paginateListCustomerManagedPolicyReferencesInPermissionSet,
  paginateListInstances,
  paginateListManagedPoliciesInPermissionSet,
  paginateListPermissionSets,
} from '@aws-sdk/client-sso-admin';
import { paginateDescribeLogGroups, paginateDescribeMetricFilters } from '@aws-sdk/client-cloudwatch-logs';
import {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  ListAccountAliasesCommand,
  ListSAMLProvidersCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListRoles,
  paginateListVirtualMFADevices,
} from '@aws-sdk/client-iam';
import { paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAccount } from '../../../lib/collectors';
import { DEFAULT_COLLECT_OPTIONS } from '../../../lib/collectors/types';
import { RULES, evaluateRules } from '../../../lib/rules';
import { loadExportDir } from '../../../lib/sources/export-dir';
import { ACCOUNT_ID, HOME, NOW, OTHER, mockHealthyAccount, mockedAccount, type MockedAccount } from './aws-fixtures';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** As the AWS CLI prints: no $metadata, Dates as ISO strings, blobs base64. */
function cli(value: unknown): string {
  return JSON.stringify(
    value,
    function (key, v: unknown) {
      if (key === '$metadata') return undefined;
      const raw = (this as Record<string, unknown>)[key];
      if (raw instanceof Date) return raw.toISOString();
      if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
      return v;
    },
    2,
  );
}

async function all<P, I>(pages: AsyncIterable<P>, pick: (p: P) => I[] | undefined): Promise<I[]> {
  const out: I[] = [];
  for await (const p of pages) out.push(...(pick(p) ?? []));
  return out;
}

/** Run the export script's commands against the mocked account and write the files. */
async function writeExports(m: MockedAccount, dir: string): Promise<void> {
  const c = m.clients;
  const put = (file: string, value: unknown) => writeFile(path.join(dir, file), cli(value));
  await mkdir(path.join(dir, 'trails'), { recursive: true });
  await put('caller-identity.json', await c.sts.send(new GetCallerIdentityCommand({})));
  await put('account-aliases.json', await c.iam.send(new ListAccountAliasesCommand({})));
  await put('password-policy.json', await c.iam.send(new GetAccountPasswordPolicyCommand({})));
  await c.iam.send(new GenerateCredentialReportCommand({}));
  await put('credential-report.json', await c.iam.send(new GetCredentialReportCommand({})));
  await put('account-summary.json', await c.iam.send(new GetAccountSummaryCommand({})));
  await put('virtual-mfa-devices.json', { VirtualMFADevices: await all(paginateListVirtualMFADevices({ client: c.iam }, {}), (p) => p.VirtualMFADevices) });
  const auth = { UserDetailList: [] as unknown[], GroupDetailList: [] as unknown[], RoleDetailList: [] as unknown[], Policies: [] as unknown[] };
  for await (const p of paginateGetAccountAuthorizationDetails({ client: c.iam }, {})) {
    auth.UserDetailList.push(...(p.UserDetailList ?? []));
    auth.GroupDetailList.push(...(p.GroupDetailList ?? []));
    auth.RoleDetailList.push(...(p.RoleDetailList ?? []));
    auth.Policies.push(...(p.Policies ?? []));
  }
  await put('authorization-details.json', auth);
  const trails = await c.cloudTrail(HOME).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  await put('trails.json', trails);
  for (const t of trails.trailList ?? []) {
    const home = c.cloudTrail(t.HomeRegion ?? HOME);
    await put(`trails/${t.Name}.status.json`, await home.send(new GetTrailStatusCommand({ Name: t.TrailARN })));
    await put(`trails/${t.Name}.event-selectors.json`, await home.send(new GetEventSelectorsCommand({ TrailName: t.TrailARN })));
    if (t.HasInsightSelectors) await put(`trails/${t.Name}.insight-selectors.json`, await home.send(new GetInsightSelectorsCommand({ TrailName: t.TrailARN })));
  }
  const logs = c.cloudWatchLogs(OTHER);
  await put('log-groups.json', { logGroups: await all(paginateDescribeLogGroups({ client: logs }, {}), (p) => p.logGroups) });
  await put('metric-filters.json', { metricFilters: await all(paginateDescribeMetricFilters({ client: logs }, {}), (p) => p.metricFilters) });
  await put('alarms.json', { MetricAlarms: await all(paginateDescribeAlarms({ client: c.cloudWatch(OTHER) }, {}), (p) => p.MetricAlarms) });
  const filter = DEFAULT_COLLECT_OPTIONS.personalDataTagFilters[0]!;
  await put('personal-data-resources.json', {
    ResourceTagMappingList: await all(paginateGetResources({ client: c.tagging(HOME) }, { TagFilters: [filter] }), (p) => p.ResourceTagMappingList),
  });
  // Second-wave files (#17), as lib/sources/export-aws-cli.sh writes them.
  const detectors = await c.guardDuty(HOME).send(new ListDetectorsCommand({}));
  await put('guardduty-detectors.json', detectors);
  await mkdir(path.join(dir, 'guardduty'), { recursive: true });
  for (const id of detectors.DetectorIds ?? []) await put(`guardduty/${id}.json`, await c.guardDuty(HOME).send(new GetDetectorCommand({ DetectorId: id })));
  const hub = await c.securityHub(HOME).send(new DescribeHubCommand({})).catch((e: Error) => e);
  if (hub instanceof Error) await writeFile(path.join(dir, 'securityhub-hub.json'), `\nAn error occurred (${hub.name}) when calling the DescribeHub operation: ${hub.message}\n`);
  else await put('securityhub-hub.json', hub);
  const rules = [];
  let token: string | undefined;
  do {
    const page = await c.eventBridge(HOME).send(new ListRulesCommand({ NextToken: token }));
    rules.push(...(page.Rules ?? []));
    token = page.NextToken;
  } while (token);
  await put('event-rules.json', { Rules: rules });
  await mkdir(path.join(dir, 'event-rules'), { recursive: true });
  for (const r of rules) {
    if (r.State === 'ENABLED' && /aws\.(guardduty|securityhub|cloudtrail)/.test(r.EventPattern ?? '')) {
      await put(`event-rules/${r.Name}.targets.json`, await c.eventBridge(HOME).send(new ListTargetsByRuleCommand({ Rule: r.Name })));
    }
  }
  // Trail buckets (#17): list-buckets, then the three per owned trail bucket (S3 "none" errors kept as the CLI prints them).
  const s3 = c.s3(HOME);
  const buckets = await all(paginateListBuckets({ client: s3 }, {}), (p) => p.Buckets);
  await put('s3-buckets.json', { Buckets: buckets });
  await mkdir(path.join(dir, 'trail-buckets'), { recursive: true });
  const keep = async (file: string, run: () => Promise<unknown>) => {
    const out = await run().catch((e: Error) => e);
    if (out instanceof Error) await writeFile(path.join(dir, file), `\nAn error occurred (${out.name}) when calling the operation: ${out.message}\n`);
    else await put(file, out);
  };
  for (const name of [...new Set((trails.trailList ?? []).map((t) => t.S3BucketName))]) {
    if (!name || !buckets.some((b) => b.Name === name)) continue;
    await keep(`trail-buckets/${name}.policy.json`, () => s3.send(new GetBucketPolicyCommand({ Bucket: name })));
    await keep(`trail-buckets/${name}.object-lock.json`, () => s3.send(new GetObjectLockConfigurationCommand({ Bucket: name })));
    await keep(`trail-buckets/${name}.lifecycle.json`, () => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name })));
  }
  // Data stores (#17 data.* rules), as lib/sources/export-aws-cli.sh writes them into data-stores/.
  const ds = path.join(dir, 'data-stores');
  await mkdir(ds, { recursive: true });
  const putDs = (file: string, value: unknown) => writeFile(path.join(ds, file), cli(value));
  const keepDs = async (file: string, run: () => Promise<unknown>) => {
    const out = await run().catch((e: Error) => e);
    if (out instanceof Error) await writeFile(path.join(ds, file), `\nAn error occurred (${out.name}) when calling the GetBucket operation: ${out.message}\n`);
    else await putDs(file, out);
  };
  const regionList = await c.ec2(HOME).send(new DescribeRegionsCommand({}));
  await putDs('regions.json', regionList);
  await keepDs('account-public-access-block.json', () => c.s3Control(HOME).send(new GetAccountPublicAccessBlockCommand({ AccountId: ACCOUNT_ID })));
  for (const b of buckets) {
    const name = b.Name!;
    if (!b.BucketRegion) await keepDs(`bucket.${name}.location.json`, () => s3.send(new GetBucketLocationCommand({ Bucket: name })));
    const s3r = c.s3(b.BucketRegion ?? HOME);
    await keepDs(`bucket.${name}.public-access-block.json`, () => s3r.send(new GetPublicAccessBlockCommand({ Bucket: name })));
    await keepDs(`bucket.${name}.policy-status.json`, () => s3r.send(new GetBucketPolicyStatusCommand({ Bucket: name })));
    await keepDs(`bucket.${name}.policy.json`, () => s3r.send(new GetBucketPolicyCommand({ Bucket: name })));
    await keepDs(`bucket.${name}.acl.json`, () => s3r.send(new GetBucketAclCommand({ Bucket: name })));
    await keepDs(`bucket.${name}.encryption.json`, () => s3r.send(new GetBucketEncryptionCommand({ Bucket: name })));
    // The CLI prints nothing for a bucket whose versioning was never enabled.
    const versioning = await s3r.send(new GetBucketVersioningCommand({ Bucket: name }));
    if (versioning.Status) await putDs(`bucket.${name}.versioning.json`, versioning);
    else await writeFile(path.join(ds, `bucket.${name}.versioning.json`), '');
  }
  for (const r of (regionList.Regions ?? []).map((x) => x.RegionName!)) {
    await putDs(`${r}.tags.json`, { ResourceTagMappingList: await all(paginateGetResources({ client: c.tagging(r) }, { ResourceTypeFilters: ['s3:bucket', 'dynamodb:table'] }), (p) => p.ResourceTagMappingList) });
    const tables = await all(paginateListTables({ client: c.dynamoDb(r) }, {}), (p) => p.TableNames);
    await putDs(`${r}.tables.json`, { TableNames: tables });
    for (const t of tables) {
      await putDs(`${r}.table.${t}.json`, await c.dynamoDb(r).send(new DescribeTableCommand({ TableName: t })));
      await putDs(`${r}.table.${t}.continuous-backups.json`, await c.dynamoDb(r).send(new DescribeContinuousBackupsCommand({ TableName: t })));
    }
    await putDs(`${r}.db-instances.json`, { DBInstances: await all(paginateDescribeDBInstances({ client: c.rds(r) }, {}), (p) => p.DBInstances) });
    await putDs(`${r}.db-clusters.json`, { DBClusters: await all(paginateDescribeDBClusters({ client: c.rds(r) }, {}), (p) => p.DBClusters) });
    const snaps = await all(paginateDescribeDBSnapshots({ client: c.rds(r) }, { SnapshotType: 'manual' }), (p) => p.DBSnapshots);
    await putDs(`${r}.db-snapshots.json`, { DBSnapshots: snaps });
    for (const sn of snaps) await putDs(`${r}.db-snapshot.${sn.DBSnapshotIdentifier}.attributes.json`, await c.rds(r).send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: sn.DBSnapshotIdentifier })));
    const csnaps = await all(paginateDescribeDBClusterSnapshots({ client: c.rds(r) }, { SnapshotType: 'manual' }), (p) => p.DBClusterSnapshots);
    await putDs(`${r}.db-cluster-snapshots.json`, { DBClusterSnapshots: csnaps });
    for (const sn of csnaps)
      await putDs(`${r}.db-cluster-snapshot.${sn.DBClusterSnapshotIdentifier}.attributes.json`, await c.rds(r).send(new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: sn.DBClusterSnapshotIdentifier })));
    await putDs(`${r}.ebs-encryption-by-default.json`, await c.ec2(r).send(new GetEbsEncryptionByDefaultCommand({})));
    await putDs(`${r}.ebs-public-snapshots.json`, { Snapshots: await all(paginateDescribeSnapshots({ client: c.ec2(r) }, { OwnerIds: ['self'], RestorableByUserIds: ['all'] }), (p) => p.Snapshots) });
    await putDs(`${r}.backup-protected-resources.json`, { Results: await all(paginateListProtectedResources({ client: c.backup(r) }, {}), (p) => p.Results) });
  }
  // Federated sign-in (#17): SAML providers, roles, Identity Center in the CLI's region (HOME).
  await put('saml-providers.json', await c.iam.send(new ListSAMLProvidersCommand({})));
  await put('roles.json', { Roles: await all(paginateListRoles({ client: c.iam }, {}), (p) => p.Roles) });
  const sso = c.ssoAdmin(HOME);
  const instances = await all(paginateListInstances({ client: sso }, {}), (p) => p.Instances);
  await put('sso-instances.json', { Instances: instances });
  await mkdir(path.join(dir, 'sso'), { recursive: true });
  for (const i of instances) {
    const InstanceArn = i.InstanceArn!;
    const sets = await all(paginateListPermissionSets({ client: sso }, { InstanceArn }), (p) => p.PermissionSets);
    await put(`sso/${InstanceArn.split('/').pop()}.permission-sets.json`, { PermissionSets: sets });
    for (const PermissionSetArn of sets) {
      const id = PermissionSetArn.split('/').pop();
      await put(`sso/${id}.json`, await sso.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn })));
      await put(`sso/${id}.managed-policies.json`, { AttachedManagedPolicies: await all(paginateListManagedPoliciesInPermissionSet({ client: sso }, { InstanceArn, PermissionSetArn }), (p) => p.AttachedManagedPolicies) });
      await put(`sso/${id}.inline-policy.json`, await sso.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn, PermissionSetArn })));
      await put(`sso/${id}.customer-managed-policies.json`, {
        CustomerManagedPolicyReferences: await all(paginateListCustomerManagedPolicyReferencesInPermissionSet({ client: sso }, { InstanceArn, PermissionSetArn }), (p) => p.CustomerManagedPolicyReferences),
      });
    }
  }
  await put('password-policy-changes.json', {
    Events: await all(
      paginateLookupEvents({ client: c.cloudTrail(OTHER) }, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UpdateAccountPasswordPolicy' }] }),
      (p) => p.Events,
    ),
  });
}

describe('live collection ≡ scanning the AWS CLI exports of the same account', () => {
  it('gives the same finding for every rule', async () => {
    const live = mockedAccount();
    mockHealthyAccount(live, 4);
    const liveSnapshot = await collectAccount({ clients: live.clients, region: HOME, now: NOW, clock: () => NOW, sleep: async () => {} });
    expect(liveSnapshot.collectionErrors).toEqual([]);

    const exported = mockedAccount();
    mockHealthyAccount(exported, 4);
    const dir = await mkdtemp(path.join(tmpdir(), 'art32-equivalence-'));
    dirs.push(dir);
    await writeExports(exported, dir);
    const { snapshot: exportSnapshot } = await loadExportDir(dir, { collectedAt: NOW.toISOString() });
    expect(exportSnapshot.collectionErrors).toEqual([]);
    expect(exportSnapshot.account).toEqual(liveSnapshot.account);

    const strip = (f: ReturnType<typeof evaluateRules>[number]) => ({ ruleId: f.ruleId, status: f.status, message: f.message, resources: f.resources, observed: f.observed });
    const fromLive = evaluateRules(RULES, liveSnapshot).map(strip);
    const fromExport = evaluateRules(RULES, exportSnapshot).map(strip);
    expect(exportSnapshot.dataStores).toEqual(liveSnapshot.dataStores);
    expect(RULES.length).toBeGreaterThan(0);
    expect(fromLive).toEqual(fromExport);
    // Every rule was really evaluated, except those on CloudTrail activity (lib/activity's
    // own source, collected by neither of these two).
    const needsActivity = new Set(RULES.filter((r) => r.sections.includes('activity')).map((r) => r.id));
    expect(fromLive.filter((f) => f.status === 'ERROR' && !needsActivity.has(f.ruleId))).toEqual([]);
  });
});
