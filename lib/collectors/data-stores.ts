/**
 * The account's data stores and how they are protected, read once for the four data.* rules
 * (#17): S3 buckets, DynamoDB tables, RDS instances/clusters and their public snapshots, EBS
 * default encryption and public EBS snapshots, AWS Backup protected resources.
 *
 * Calls (bench/api-calls measures them):
 * - once: ec2:DescribeRegions (unless `dataStoreRegions` is configured), s3control:GetPublicAccessBlock,
 *   s3:ListBuckets pages (shared with the trail-bucket collector);
 * - per region read: tag:GetResources pages (the tags of buckets and tables, so no per-item tag call),
 *   dynamodb:ListTables, rds:DescribeDBInstances / DescribeDBClusters / DescribeDBSnapshots /
 *   DescribeDBClusterSnapshots (manual), ec2:GetEbsEncryptionByDefault, ec2:DescribeSnapshots (own,
 *   restorable by all), backup:ListProtectedResources — pages each;
 * - per item, where AWS has no list call carrying the setting: 6 per bucket (GetPublicAccessBlock,
 *   GetBucketPolicyStatus, GetBucketPolicy, GetBucketAcl, GetBucketEncryption, GetBucketVersioning;
 *   + GetBucketLocation when ListBuckets gives no BucketRegion), 2 per table (DescribeTable,
 *   DescribeContinuousBackups), 1 per manual RDS snapshot (its restore attribute). Never per user or role.
 *
 * S3's documented "none" answers are facts (`null`). Any other failure (AccessDenied, throttled out)
 * leaves the field absent and adds an `unread` entry plus a collection error: the rules then say
 * NOT VERIFIED for that store, never PASS.
 */
import { paginateListProtectedResources } from '@aws-sdk/client-backup';
import { DescribeContinuousBackupsCommand, DescribeTableCommand, paginateListTables } from '@aws-sdk/client-dynamodb';
import { DescribeRegionsCommand, GetEbsEncryptionByDefaultCommand, paginateDescribeSnapshots } from '@aws-sdk/client-ec2';
import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
} from '@aws-sdk/client-rds';
import { paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { listBucketsOnce } from './bucket-list';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import type { CollectionError, DataBucket, DataDatabase, DataStoresSection, DataStoresUnread, DataTable, PublicSnapshot } from '../snapshot';
import { collectionError, errorCode } from './errors';
import { allPages, toJson } from './operation';
import type { SectionContext, SectionResult } from './types';

/** S3's documented "this bucket / account has none" error names: a fact, recorded as `null`. */
const S3_NONE = new Set(['NoSuchPublicAccessBlockConfiguration', 'NoSuchBucketPolicy', 'ServerSideEncryptionConfigurationNotFoundError']);

/** Resource types whose tags the Tagging API gives per region (RDS lists carry their own TagList). */
const TAGGED_TYPES = ['s3:bucket', 'dynamodb:table'];

type Tag = { Key: string; Value: string };

/** GetBucketLocation's LocationConstraint → region (null/empty is us-east-1, the legacy `EU` is eu-west-1). */
export function regionOfLocation(constraint: string | null | undefined): string {
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

export async function collectDataStores(ctx: SectionContext, accountId: string): Promise<SectionResult<DataStoresSection>> {
  const unread: DataStoresUnread[] = [];
  const errors: CollectionError[] = [];
  const miss = (what: DataStoresUnread['what'], operation: string, error: unknown, region?: string, item?: string) => {
    unread.push({ what, operation, code: errorCode(error), ...(region ? { region } : {}), ...(item ? { item } : {}) });
    errors.push(collectionError('dataStores', operation, error, region));
  };
  /** One call: its answer, `null` for a documented S3 "none", `undefined` (recorded as unread) otherwise. */
  const attempt = async <T>(what: DataStoresUnread['what'], operation: string, region: string | undefined, item: string | undefined, run: () => Promise<T>, none = S3_NONE): Promise<T | null | undefined> => {
    try {
      return await run();
    } catch (error) {
      if (none.has(errorCode(error))) return null;
      miss(what, operation, error, region, item);
      return undefined;
    }
  };

  const regions = await regionsToRead(ctx, attempt);
  const accountPab = await attempt('accountPublicAccessBlock', 's3control:GetPublicAccessBlock', ctx.region, undefined, () =>
    ctx.clients.s3Control(ctx.region).send(new GetAccountPublicAccessBlockCommand({ AccountId: accountId })),
  );

  // Tags of buckets and tables, per region (one paginated call; resources never tagged are absent = no tags).
  const tagsByArn = new Map<string, Tag[]>();
  const tagRegionsRead = new Set<string>();
  await Promise.all(
    regions.map(async (region) => {
      const found = await attempt('tags', 'tag:GetResources', region, undefined, () =>
        allPages(paginateGetResources({ client: ctx.clients.tagging(region) }, { ResourceTypeFilters: TAGGED_TYPES }), (p) => p.ResourceTagMappingList),
      );
      if (!found) return;
      tagRegionsRead.add(region);
      for (const r of found) if (r.ResourceARN) tagsByArn.set(r.ResourceARN, (r.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })));
    }),
  );
  const tagsOf = (arn: string, region: string | undefined): Tag[] | undefined =>
    tagsByArn.get(arn) ?? (region && tagRegionsRead.has(region) ? [] : undefined);

  const buckets = await collectBuckets(ctx, regions, attempt, tagsOf);
  const perRegion = await Promise.all(regions.map((region) => collectRegion(ctx, region, accountId, attempt, tagsOf)));

  const value: DataStoresSection = {
    regions,
    ...(accountPab !== undefined ? { accountPublicAccessBlock: accountPab ? toJson(accountPab.PublicAccessBlockConfiguration ?? {}) : null } : {}),
    buckets: buckets.sort((a, b) => a.Name.localeCompare(b.Name)),
    tables: perRegion.flatMap((r) => r.tables).sort((a, b) => a.TableArn.localeCompare(b.TableArn)),
    databases: perRegion.flatMap((r) => r.databases).sort((a, b) => a.Arn.localeCompare(b.Arn)),
    ebsEncryptionByDefault: Object.fromEntries(perRegion.flatMap((r) => (r.ebsDefault === undefined ? [] : [[r.region, r.ebsDefault]]))),
    publicSnapshots: perRegion.flatMap((r) => r.publicSnapshots).sort((a, b) => `${a.Region}/${a.Id}`.localeCompare(`${b.Region}/${b.Id}`)),
    backupProtected: perRegion.flatMap((r) => r.backupProtected).sort((a, b) => a.ResourceArn.localeCompare(b.ResourceArn)),
    unread: unread.sort((a, b) => `${a.what}/${a.region ?? ''}/${a.item ?? ''}/${a.operation}`.localeCompare(`${b.what}/${b.region ?? ''}/${b.item ?? ''}/${b.operation}`)),
  };
  return { value, errors };
}

type Attempt = <T>(what: DataStoresUnread['what'], operation: string, region: string | undefined, item: string | undefined, run: () => Promise<T>, none?: Set<string>) => Promise<T | null | undefined>;
type TagsOf = (arn: string, region: string | undefined) => Tag[] | undefined;

async function regionsToRead(ctx: SectionContext, attempt: Attempt): Promise<string[]> {
  if (ctx.options.dataStoreRegions?.length) return [...new Set(ctx.options.dataStoreRegions)].sort();
  const out = await attempt('regions', 'ec2:DescribeRegions', ctx.region, undefined, () => ctx.clients.ec2(ctx.region).send(new DescribeRegionsCommand({})));
  const names = (out?.Regions ?? []).map((r) => r.RegionName).filter((n): n is string => !!n);
  // Unreadable or empty: at least the collection region (the `regions` unread entry keeps the result from passing).
  return names.length ? [...new Set(names)].sort() : [ctx.region];
}

async function collectBuckets(ctx: SectionContext, regions: readonly string[], attempt: Attempt, tagsOf: TagsOf): Promise<DataBucket[]> {
  const listed = await attempt('buckets', 's3:ListBuckets', ctx.region, undefined, () => listBucketsOnce(ctx), new Set());
  const out: DataBucket[] = [];
  for (const b of listed ?? []) {
    const Name = b.Name;
    if (!Name) continue;
    let Region = b.BucketRegion;
    if (!Region) {
      const location = await attempt('bucketDetail', 's3:GetBucketLocation', ctx.region, Name, () => ctx.clients.s3(ctx.region).send(new GetBucketLocationCommand({ Bucket: Name })));
      if (location !== undefined) Region = regionOfLocation(location?.LocationConstraint);
    }
    const bucket: DataBucket = { Name, ...(Region ? { Region } : {}) };
    const tags = tagsOf(`arn:aws:s3:::${Name}`, Region && regions.includes(Region) ? Region : undefined);
    if (tags) bucket.Tags = tags;
    const s3 = ctx.clients.s3(Region ?? ctx.region);
    const at = Region ?? ctx.region;
    const pab = await attempt('bucketDetail', 's3:GetPublicAccessBlock', at, Name, () => s3.send(new GetPublicAccessBlockCommand({ Bucket: Name })));
    if (pab !== undefined) bucket.PublicAccessBlock = pab ? toJson(pab.PublicAccessBlockConfiguration ?? {}) : null;
    const status = await attempt('bucketDetail', 's3:GetBucketPolicyStatus', at, Name, () => s3.send(new GetBucketPolicyStatusCommand({ Bucket: Name })));
    if (status !== undefined) bucket.PolicyStatus = status ? toJson(status.PolicyStatus ?? {}) : null;
    const policy = await attempt('bucketDetail', 's3:GetBucketPolicy', at, Name, () => s3.send(new GetBucketPolicyCommand({ Bucket: Name })));
    if (policy !== undefined) bucket.Policy = policy?.Policy ? (JSON.parse(policy.Policy) as DataBucket['Policy']) : null;
    const acl = await attempt('bucketDetail', 's3:GetBucketAcl', at, Name, () => s3.send(new GetBucketAclCommand({ Bucket: Name })));
    if (acl) bucket.AclGrants = toJson(acl.Grants ?? []);
    const encryption = await attempt('bucketDetail', 's3:GetBucketEncryption', at, Name, () => s3.send(new GetBucketEncryptionCommand({ Bucket: Name })));
    if (encryption !== undefined) bucket.Encryption = encryption ? toJson({ Rules: encryption.ServerSideEncryptionConfiguration?.Rules ?? [] }) : null;
    const versioning = await attempt('bucketDetail', 's3:GetBucketVersioning', at, Name, () => s3.send(new GetBucketVersioningCommand({ Bucket: Name })));
    if (versioning) bucket.Versioning = toJson({ Status: versioning.Status, MFADelete: versioning.MFADelete });
    out.push(bucket);
  }
  return out;
}

interface RegionStores {
  region: string;
  tables: DataTable[];
  databases: DataDatabase[];
  ebsDefault?: boolean;
  publicSnapshots: PublicSnapshot[];
  backupProtected: DataStoresSection['backupProtected'];
}

const NO_NONE = new Set<string>();

async function collectRegion(ctx: SectionContext, region: string, accountId: string, attempt: Attempt, tagsOf: TagsOf): Promise<RegionStores> {
  const out: RegionStores = { region, tables: [], databases: [], publicSnapshots: [], backupProtected: [] };
  // DynamoDB
  const ddb = ctx.clients.dynamoDb(region);
  const names = await attempt('tables', 'dynamodb:ListTables', region, undefined, () => allPages(paginateListTables({ client: ddb }, {}), (p) => p.TableNames), NO_NONE);
  for (const TableName of names ?? []) {
    const described = await attempt('tables', 'dynamodb:DescribeTable', region, TableName, () => ddb.send(new DescribeTableCommand({ TableName })), NO_NONE);
    const TableArn = described?.Table?.TableArn ?? `arn:aws:dynamodb:${region}:${accountId}:table/${TableName}`;
    const table: DataTable = { TableName, TableArn, Region: region };
    const tags = tagsOf(TableArn, region);
    if (tags) table.Tags = tags;
    if (described) table.SSEDescription = described.Table?.SSEDescription ? toJson(described.Table.SSEDescription) : null;
    const backups = await attempt('tables', 'dynamodb:DescribeContinuousBackups', region, TableName, () => ddb.send(new DescribeContinuousBackupsCommand({ TableName })), NO_NONE);
    const pitr = backups?.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
    if (backups) table.PointInTimeRecoveryStatus = pitr ?? 'DISABLED';
    out.tables.push(table);
  }
  // RDS instances and clusters (their lists carry encryption, exposure, backup retention and tags).
  const rds = ctx.clients.rds(region);
  const instances = await attempt('databases', 'rds:DescribeDBInstances', region, undefined, () => allPages(paginateDescribeDBInstances({ client: rds }, {}), (p) => p.DBInstances), NO_NONE);
  for (const i of instances ?? []) {
    if (!i.DBInstanceIdentifier || !i.DBInstanceArn) continue;
    out.databases.push(
      toJson<DataDatabase>({
        kind: 'instance',
        Identifier: i.DBInstanceIdentifier,
        Arn: i.DBInstanceArn,
        Region: region,
        Engine: i.Engine,
        StorageEncrypted: i.StorageEncrypted,
        KmsKeyId: i.KmsKeyId,
        PubliclyAccessible: i.PubliclyAccessible,
        BackupRetentionPeriod: i.BackupRetentionPeriod,
        TagList: (i.TagList ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
        DBClusterIdentifier: i.DBClusterIdentifier,
      }),
    );
  }
  const clusters = await attempt('databases', 'rds:DescribeDBClusters', region, undefined, () => allPages(paginateDescribeDBClusters({ client: rds }, {}), (p) => p.DBClusters), NO_NONE);
  for (const c of clusters ?? []) {
    if (!c.DBClusterIdentifier || !c.DBClusterArn) continue;
    out.databases.push(
      toJson<DataDatabase>({
        kind: 'cluster',
        Identifier: c.DBClusterIdentifier,
        Arn: c.DBClusterArn,
        Region: region,
        Engine: c.Engine,
        StorageEncrypted: c.StorageEncrypted,
        KmsKeyId: c.KmsKeyId,
        PubliclyAccessible: c.PubliclyAccessible,
        BackupRetentionPeriod: c.BackupRetentionPeriod,
        TagList: (c.TagList ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
      }),
    );
  }
  // Manual RDS snapshots: whether anyone may restore them (automated snapshots cannot be shared).
  const dbSnapshots = await attempt('snapshots', 'rds:DescribeDBSnapshots', region, undefined, () => allPages(paginateDescribeDBSnapshots({ client: rds }, { SnapshotType: 'manual' }), (p) => p.DBSnapshots), NO_NONE);
  for (const s of dbSnapshots ?? []) {
    const id = s.DBSnapshotIdentifier;
    if (!id) continue;
    const attrs = await attempt('snapshots', 'rds:DescribeDBSnapshotAttributes', region, id, () => rds.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: id })), NO_NONE);
    const restore = attrs?.DBSnapshotAttributesResult?.DBSnapshotAttributes?.find((a) => a.AttributeName === 'restore');
    if (restore?.AttributeValues?.includes('all'))
      out.publicSnapshots.push({ kind: 'rds', Id: id, Region: region, ...(s.DBInstanceIdentifier ? { Source: s.DBInstanceIdentifier } : {}), Tags: (s.TagList ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })) });
  }
  const clusterSnapshots = await attempt('snapshots', 'rds:DescribeDBClusterSnapshots', region, undefined, () =>
    allPages(paginateDescribeDBClusterSnapshots({ client: rds }, { SnapshotType: 'manual' }), (p) => p.DBClusterSnapshots), NO_NONE,
  );
  for (const s of clusterSnapshots ?? []) {
    const id = s.DBClusterSnapshotIdentifier;
    if (!id) continue;
    const attrs = await attempt('snapshots', 'rds:DescribeDBClusterSnapshotAttributes', region, id, () => rds.send(new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: id })), NO_NONE);
    const restore = attrs?.DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes?.find((a) => a.AttributeName === 'restore');
    if (restore?.AttributeValues?.includes('all'))
      out.publicSnapshots.push({ kind: 'rds-cluster', Id: id, Region: region, ...(s.DBClusterIdentifier ? { Source: s.DBClusterIdentifier } : {}), Tags: (s.TagList ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })) });
  }
  // EBS: default encryption, and this account's snapshots anyone can create a volume from.
  const ec2 = ctx.clients.ec2(region);
  const ebs = await attempt('ebsDefaultEncryption', 'ec2:GetEbsEncryptionByDefault', region, undefined, () => ec2.send(new GetEbsEncryptionByDefaultCommand({})), NO_NONE);
  if (ebs) out.ebsDefault = ebs.EbsEncryptionByDefault === true;
  const ebsPublic = await attempt('snapshots', 'ec2:DescribeSnapshots', region, undefined, () =>
    allPages(paginateDescribeSnapshots({ client: ec2 }, { OwnerIds: ['self'], RestorableByUserIds: ['all'] }), (p) => p.Snapshots), NO_NONE,
  );
  for (const s of ebsPublic ?? []) {
    if (!s.SnapshotId) continue;
    out.publicSnapshots.push({ kind: 'ebs', Id: s.SnapshotId, Region: region, ...(s.VolumeId ? { Source: s.VolumeId } : {}), Tags: (s.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })) });
  }
  // AWS Backup: resources with at least one recovery point in this region.
  const protectedResources = await attempt('backups', 'backup:ListProtectedResources', region, undefined, () =>
    allPages(paginateListProtectedResources({ client: ctx.clients.backup(region) }, {}), (p) => p.Results), NO_NONE,
  );
  for (const r of protectedResources ?? []) {
    if (r.ResourceArn) out.backupProtected.push(toJson({ ResourceArn: r.ResourceArn, ResourceType: r.ResourceType, LastBackupTime: r.LastBackupTime }));
  }
  return out;
}
