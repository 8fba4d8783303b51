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

/** The S3 bucket reads made per bucket, by their operation names (S3 API reference). */
export type BucketRead = 'GetBucketLocation' | 'GetPublicAccessBlock' | 'GetBucketPolicyStatus' | 'GetBucketPolicy' | 'GetBucketAcl' | 'GetBucketEncryption' | 'GetBucketVersioning';

/* eslint-disable @typescript-eslint/no-explicit-any -- AWS answers as the API (SDK) or the AWS CLI (files) gives them; the builder reads them defensively */
/**
 * Where the AWS answers come from: the SDK (live) or AWS CLI export files (lib/sources/export-dir.ts).
 * Each method returns AWS's answer (all pages merged) or throws an error whose `name` is AWS's error
 * code; `buildDataStores` turns both sources into the same section.
 */
export interface DataStoreAnswers {
  /** The Regions to read when none are configured (ec2 DescribeRegions → Regions[].RegionName). */
  describeRegions(): Promise<{ Regions?: { RegionName?: string }[] }>;
  accountPublicAccessBlock(): Promise<{ PublicAccessBlockConfiguration?: object }>;
  listBuckets(): Promise<{ Name?: string; BucketRegion?: string }[]>;
  bucket(read: BucketRead, bucket: string, region: string): Promise<any>;
  tags(region: string): Promise<{ ResourceARN?: string; Tags?: { Key?: string; Value?: string }[] }[]>;
  listTables(region: string): Promise<string[]>;
  describeTable(region: string, table: string): Promise<any>;
  continuousBackups(region: string, table: string): Promise<any>;
  dbInstances(region: string): Promise<any[]>;
  dbClusters(region: string): Promise<any[]>;
  dbSnapshots(region: string): Promise<any[]>;
  dbSnapshotAttributes(region: string, id: string): Promise<any>;
  dbClusterSnapshots(region: string): Promise<any[]>;
  dbClusterSnapshotAttributes(region: string, id: string): Promise<any>;
  ebsEncryptionByDefault(region: string): Promise<{ EbsEncryptionByDefault?: boolean }>;
  ebsPublicSnapshots(region: string): Promise<any[]>;
  protectedResources(region: string): Promise<any[]>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The live answers: SDK v3 calls through the collection's counted clients. */
export function liveDataStoreAnswers(ctx: SectionContext, accountId: string): DataStoreAnswers {
  const c = ctx.clients;
  return {
    describeRegions: () => c.ec2(ctx.region).send(new DescribeRegionsCommand({})),
    accountPublicAccessBlock: () => c.s3Control(ctx.region).send(new GetAccountPublicAccessBlockCommand({ AccountId: accountId })),
    listBuckets: () => listBucketsOnce(ctx),
    bucket: (read, Bucket, region) => {
      const s3 = c.s3(region);
      switch (read) {
        case 'GetBucketLocation':
          return s3.send(new GetBucketLocationCommand({ Bucket }));
        case 'GetPublicAccessBlock':
          return s3.send(new GetPublicAccessBlockCommand({ Bucket }));
        case 'GetBucketPolicyStatus':
          return s3.send(new GetBucketPolicyStatusCommand({ Bucket }));
        case 'GetBucketPolicy':
          return s3.send(new GetBucketPolicyCommand({ Bucket }));
        case 'GetBucketAcl':
          return s3.send(new GetBucketAclCommand({ Bucket }));
        case 'GetBucketEncryption':
          return s3.send(new GetBucketEncryptionCommand({ Bucket }));
        case 'GetBucketVersioning':
          return s3.send(new GetBucketVersioningCommand({ Bucket }));
      }
    },
    tags: (region) => allPages(paginateGetResources({ client: c.tagging(region) }, { ResourceTypeFilters: TAGGED_TYPES }), (p) => p.ResourceTagMappingList),
    listTables: (region) => allPages(paginateListTables({ client: c.dynamoDb(region) }, {}), (p) => p.TableNames),
    describeTable: (region, TableName) => c.dynamoDb(region).send(new DescribeTableCommand({ TableName })),
    continuousBackups: (region, TableName) => c.dynamoDb(region).send(new DescribeContinuousBackupsCommand({ TableName })),
    dbInstances: (region) => allPages(paginateDescribeDBInstances({ client: c.rds(region) }, {}), (p) => p.DBInstances),
    dbClusters: (region) => allPages(paginateDescribeDBClusters({ client: c.rds(region) }, {}), (p) => p.DBClusters),
    dbSnapshots: (region) => allPages(paginateDescribeDBSnapshots({ client: c.rds(region) }, { SnapshotType: 'manual' }), (p) => p.DBSnapshots),
    dbSnapshotAttributes: (region, id) => c.rds(region).send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: id })),
    dbClusterSnapshots: (region) => allPages(paginateDescribeDBClusterSnapshots({ client: c.rds(region) }, { SnapshotType: 'manual' }), (p) => p.DBClusterSnapshots),
    dbClusterSnapshotAttributes: (region, id) => c.rds(region).send(new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: id })),
    ebsEncryptionByDefault: (region) => c.ec2(region).send(new GetEbsEncryptionByDefaultCommand({})),
    ebsPublicSnapshots: (region) => allPages(paginateDescribeSnapshots({ client: c.ec2(region) }, { OwnerIds: ['self'], RestorableByUserIds: ['all'] }), (p) => p.Snapshots),
    protectedResources: (region) => allPages(paginateListProtectedResources({ client: c.backup(region) }, {}), (p) => p.Results),
  };
}

export async function collectDataStores(ctx: SectionContext, accountId: string): Promise<SectionResult<DataStoresSection>> {
  return buildDataStores(liveDataStoreAnswers(ctx, accountId), { accountId, homeRegion: ctx.region, regions: ctx.options.dataStoreRegions });
}

export interface BuildOptions {
  accountId: string;
  /** The collection Region (account-level calls, buckets whose Region is unknown). */
  homeRegion: string;
  /** Configured Regions; absent = DescribeRegions. */
  regions?: readonly string[];
  /** How a failed read is named in `collectionErrors` (export: the file), default the operation. */
  describeFailure?(operation: string, region: string | undefined, item: string | undefined): string;
}

/** The section from AWS answers, whichever their source: the same answers give the same section. */
export async function buildDataStores(answers: DataStoreAnswers, options: BuildOptions): Promise<SectionResult<DataStoresSection>> {
  const unread: DataStoresUnread[] = [];
  const errors: CollectionError[] = [];
  const attempt: Attempt = async (what, operation, region, item, run, none = NO_NONE) => {
    try {
      return await run();
    } catch (error) {
      if (none.has(errorCode(error))) return null;
      unread.push({ what, operation, code: errorCode(error), ...(region ? { region } : {}), ...(item ? { item } : {}) });
      errors.push(collectionError('dataStores', options.describeFailure?.(operation, region, item) ?? operation, error, region));
      return undefined;
    }
  };
  const home = options.homeRegion;

  let regions: string[];
  if (options.regions?.length) regions = [...new Set(options.regions)].sort();
  else {
    const out = await attempt('regions', 'ec2:DescribeRegions', home, undefined, () => answers.describeRegions());
    const names = (out?.Regions ?? []).map((r) => r.RegionName).filter((n): n is string => !!n);
    // Unreadable or empty: at least the collection region (the `regions` unread entry keeps the rules from passing).
    regions = names.length ? [...new Set(names)].sort() : [home];
  }
  const accountPab = await attempt('accountPublicAccessBlock', 's3control:GetPublicAccessBlock', home, undefined, () => answers.accountPublicAccessBlock(), S3_NONE);

  // Tags of buckets and tables, per region (resources never tagged are absent = no tags).
  const tagsByArn = new Map<string, Tag[]>();
  const tagRegionsRead = new Set<string>();
  for (const region of regions) {
    const found = await attempt('tags', 'tag:GetResources', region, undefined, () => answers.tags(region));
    if (!found) continue;
    tagRegionsRead.add(region);
    for (const r of found) if (r.ResourceARN) tagsByArn.set(r.ResourceARN, tagList(r.Tags));
  }
  const tagsOf: TagsOf = (arn, region) => tagsByArn.get(arn) ?? (region && tagRegionsRead.has(region) ? [] : undefined);

  const buckets = await collectBuckets(answers, home, regions, attempt, tagsOf);
  const perRegion = await Promise.all(regions.map((region) => collectRegion(answers, region, options.accountId, attempt, tagsOf)));

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

const tagList = (tags: { Key?: string; Value?: string }[] | undefined): Tag[] => (tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));

/** A timestamp as the SDK (Date) or the AWS CLI (ISO text, any offset) gives it → ISO UTC. */
function isoTime(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return undefined;
}

async function collectBuckets(answers: DataStoreAnswers, home: string, regions: readonly string[], attempt: Attempt, tagsOf: TagsOf): Promise<DataBucket[]> {
  const listed = await attempt('buckets', 's3:ListBuckets', home, undefined, () => answers.listBuckets());
  const out: DataBucket[] = [];
  for (const b of listed ?? []) {
    const Name = b.Name;
    if (!Name) continue;
    const read = (op: BucketRead, region: string) => attempt('bucketDetail', `s3:${op}`, region, Name, () => answers.bucket(op, Name, region), S3_NONE);
    let Region = b.BucketRegion;
    if (!Region) {
      const location = await read('GetBucketLocation', home);
      if (location !== undefined) Region = regionOfLocation(location?.LocationConstraint);
    }
    const bucket: DataBucket = { Name, ...(Region ? { Region } : {}) };
    const tags = tagsOf(`arn:aws:s3:::${Name}`, Region && regions.includes(Region) ? Region : undefined);
    if (tags) bucket.Tags = tags;
    const at = Region ?? home;
    const pab = await read('GetPublicAccessBlock', at);
    if (pab !== undefined) bucket.PublicAccessBlock = pab ? toJson(pab.PublicAccessBlockConfiguration ?? {}) : null;
    const status = await read('GetBucketPolicyStatus', at);
    if (status !== undefined) bucket.PolicyStatus = status ? toJson(status.PolicyStatus ?? {}) : null;
    const policy = await read('GetBucketPolicy', at);
    if (policy !== undefined) bucket.Policy = policy?.Policy ? (JSON.parse(policy.Policy as string) as DataBucket['Policy']) : null;
    const acl = await read('GetBucketAcl', at);
    if (acl) bucket.AclGrants = toJson(acl.Grants ?? []);
    const encryption = await read('GetBucketEncryption', at);
    if (encryption !== undefined) bucket.Encryption = encryption ? toJson({ Rules: encryption.ServerSideEncryptionConfiguration?.Rules ?? [] }) : null;
    const versioning = await read('GetBucketVersioning', at);
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

async function collectRegion(answers: DataStoreAnswers, region: string, accountId: string, attempt: Attempt, tagsOf: TagsOf): Promise<RegionStores> {
  const out: RegionStores = { region, tables: [], databases: [], publicSnapshots: [], backupProtected: [] };
  // DynamoDB
  const names = await attempt('tables', 'dynamodb:ListTables', region, undefined, () => answers.listTables(region));
  for (const TableName of names ?? []) {
    const described = await attempt('tables', 'dynamodb:DescribeTable', region, TableName, () => answers.describeTable(region, TableName));
    const TableArn: string = described?.Table?.TableArn ?? `arn:aws:dynamodb:${region}:${accountId}:table/${TableName}`;
    const table: DataTable = { TableName, TableArn, Region: region };
    const tags = tagsOf(TableArn, region);
    if (tags) table.Tags = tags;
    if (described) table.SSEDescription = described.Table?.SSEDescription ? toJson(described.Table.SSEDescription) : null;
    const backups = await attempt('tables', 'dynamodb:DescribeContinuousBackups', region, TableName, () => answers.continuousBackups(region, TableName));
    if (backups) table.PointInTimeRecoveryStatus = backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus ?? 'DISABLED';
    out.tables.push(table);
  }
  // RDS instances and clusters (their lists carry encryption, exposure, backup retention and tags).
  const instances = await attempt('databases', 'rds:DescribeDBInstances', region, undefined, () => answers.dbInstances(region));
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
        TagList: tagList(i.TagList),
        DBClusterIdentifier: i.DBClusterIdentifier,
      }),
    );
  }
  const clusters = await attempt('databases', 'rds:DescribeDBClusters', region, undefined, () => answers.dbClusters(region));
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
        TagList: tagList(c.TagList),
      }),
    );
  }
  // Manual RDS snapshots: whether anyone may restore them (automated snapshots cannot be shared).
  const dbSnapshots = await attempt('snapshots', 'rds:DescribeDBSnapshots', region, undefined, () => answers.dbSnapshots(region));
  for (const s of dbSnapshots ?? []) {
    const id: string | undefined = s.DBSnapshotIdentifier;
    if (!id) continue;
    const attrs = await attempt('snapshots', 'rds:DescribeDBSnapshotAttributes', region, id, () => answers.dbSnapshotAttributes(region, id));
    const restore = (attrs?.DBSnapshotAttributesResult?.DBSnapshotAttributes ?? []).find((a: { AttributeName?: string }) => a.AttributeName === 'restore');
    if (restore?.AttributeValues?.includes('all')) out.publicSnapshots.push({ kind: 'rds', Id: id, Region: region, ...(s.DBInstanceIdentifier ? { Source: s.DBInstanceIdentifier } : {}), Tags: tagList(s.TagList) });
  }
  const clusterSnapshots = await attempt('snapshots', 'rds:DescribeDBClusterSnapshots', region, undefined, () => answers.dbClusterSnapshots(region));
  for (const s of clusterSnapshots ?? []) {
    const id: string | undefined = s.DBClusterSnapshotIdentifier;
    if (!id) continue;
    const attrs = await attempt('snapshots', 'rds:DescribeDBClusterSnapshotAttributes', region, id, () => answers.dbClusterSnapshotAttributes(region, id));
    const restore = (attrs?.DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes ?? []).find((a: { AttributeName?: string }) => a.AttributeName === 'restore');
    if (restore?.AttributeValues?.includes('all')) out.publicSnapshots.push({ kind: 'rds-cluster', Id: id, Region: region, ...(s.DBClusterIdentifier ? { Source: s.DBClusterIdentifier } : {}), Tags: tagList(s.TagList) });
  }
  // EBS: default encryption, and this account's snapshots anyone can create a volume from.
  const ebs = await attempt('ebsDefaultEncryption', 'ec2:GetEbsEncryptionByDefault', region, undefined, () => answers.ebsEncryptionByDefault(region));
  if (ebs) out.ebsDefault = ebs.EbsEncryptionByDefault === true;
  const ebsPublic = await attempt('snapshots', 'ec2:DescribeSnapshots', region, undefined, () => answers.ebsPublicSnapshots(region));
  for (const s of ebsPublic ?? []) {
    if (!s.SnapshotId) continue;
    out.publicSnapshots.push({ kind: 'ebs', Id: s.SnapshotId, Region: region, ...(s.VolumeId ? { Source: s.VolumeId } : {}), Tags: tagList(s.Tags) });
  }
  // AWS Backup: resources with at least one recovery point in this region.
  const protectedResources = await attempt('backups', 'backup:ListProtectedResources', region, undefined, () => answers.protectedResources(region));
  for (const r of protectedResources ?? []) {
    if (!r.ResourceArn) continue;
    const last = isoTime(r.LastBackupTime);
    out.backupProtected.push({ ResourceArn: r.ResourceArn, ...(r.ResourceType ? { ResourceType: r.ResourceType } : {}), ...(last ? { LastBackupTime: last } : {}) });
  }
  return out;
}
