/**
 * The data-store collector (#17): what it reads from a healthy account (responses shaped as in the
 * S3, S3 Control, DynamoDB, RDS, EC2, Backup and Tagging API references, with pagination and missing
 * optional fields), S3's documented "none" errors kept as facts, and every other failure
 * (AccessDenied, throttled out) left absent with an `unread` entry — so the rules say NOT VERIFIED.
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeRegionsCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { DescribeDBSnapshotAttributesCommand } from '@aws-sdk/client-rds';
import { GetBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { collectAccount } from '../../../lib/collectors';
import { regionOfLocation } from '../../../lib/collectors/data-stores';
import { evaluateRule, getRule } from '../../../lib/rules';
import { DATA_DB_ARN, DATA_TABLE_ARN, HOME, NOW, OTHER, mockHealthyAccount, mockedAccount, s3Error, type MockedAccount } from './aws-fixtures';

async function collect(m: MockedAccount, options = {}) {
  return collectAccount({ clients: m.clients, region: HOME, now: NOW, clock: () => NOW, sleep: async () => {}, options });
}

describe('data-store collector', () => {
  it('reads buckets, tables, databases, snapshots, EBS defaults and AWS Backup in every enabled Region', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 2);
    const s = await collect(m);
    expect(s.collectionErrors).toEqual([]);
    const d = s.dataStores!;
    expect(d.regions).toEqual([HOME, OTHER]);
    expect(d.accountPublicAccessBlock).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const [assets, logs] = d.buckets;
    // BucketRegion from ListBuckets; the other from GetBucketLocation. Tags from the Tagging API's 2 pages.
    expect(assets).toMatchObject({ Name: 'example-app-assets', Region: HOME, Tags: [{ Key: 'data-classification', Value: 'personal' }], PolicyStatus: null, Policy: null, Versioning: { Status: 'Enabled' } });
    expect(assets!.Encryption?.Rules[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('aws:kms');
    // NoSuchPublicAccessBlockConfiguration = none (null); versioning never enabled = no Status; untagged = [].
    expect(logs).toMatchObject({ Name: 'example-cloudtrail-logs', Region: 'eu-west-3', Tags: [], PublicAccessBlock: null, PolicyStatus: { IsPublic: false }, Versioning: {} });
    expect(d.tables.map((t) => [t.TableName, t.SSEDescription === null ? 'AWS owned' : t.SSEDescription?.SSEType, t.PointInTimeRecoveryStatus])).toEqual([
      ['jobseekers', 'KMS', 'ENABLED'],
      ['sessions', 'AWS owned', 'DISABLED'],
    ]);
    expect(d.tables[0]!.TableArn).toBe(DATA_TABLE_ARN);
    expect(d.databases).toEqual([expect.objectContaining({ kind: 'instance', Arn: DATA_DB_ARN, StorageEncrypted: true, PubliclyAccessible: false, BackupRetentionPeriod: 7 })]);
    // The manual snapshots are shared with one account only: not public.
    expect(d.publicSnapshots).toEqual([]);
    expect(d.ebsEncryptionByDefault).toEqual({ [HOME]: true, [OTHER]: true });
    expect(d.backupProtected).toEqual([{ ResourceArn: DATA_TABLE_ARN, ResourceType: 'DynamoDB', LastBackupTime: '2026-02-09T05:00:00.000Z' }]);
    expect(d.unread).toEqual([]);
  });

  it('public snapshots: RDS restore "all" and EBS snapshots restorable by all are listed', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 2);
    m.rds[HOME]!.on(DescribeDBSnapshotAttributesCommand).resolves({ DBSnapshotAttributesResult: { DBSnapshotIdentifier: 'cases-db-before-upgrade', DBSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: ['all'] }] } });
    m.ec2[OTHER]!.on(DescribeSnapshotsCommand, { OwnerIds: ['self'], RestorableByUserIds: ['all'] }).resolves({
      Snapshots: [{ SnapshotId: 'snap-1234567890abcdef0', VolumeId: 'vol-049df61146c4d7901', State: 'completed', Encrypted: false, OwnerId: '111122223333' }],
    });
    const d = (await collect(m)).dataStores!;
    expect(d.publicSnapshots).toEqual([
      { kind: 'rds', Id: 'cases-db-before-upgrade', Region: HOME, Source: 'cases-db', Tags: [] },
      { kind: 'ebs', Id: 'snap-1234567890abcdef0', Region: OTHER, Source: 'vol-049df61146c4d7901', Tags: [] },
    ]);
  });

  it('AccessDenied on one bucket read and throttling on one Region leave exactly those parts unread (NOT VERIFIED, never PASS)', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 2);
    m.s3[HOME]!.on(GetBucketEncryptionCommand, { Bucket: 'example-app-assets' }).rejects(s3Error('AccessDenied', 'Access Denied', 403));
    m.dynamoDb[OTHER]!.on(ListTablesCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400, attempts: 6 } }));
    const s = await collect(m);
    const d = s.dataStores!;
    expect(d.buckets[0]!.Encryption).toBeUndefined();
    expect(d.buckets[1]!.Encryption).toBeDefined();
    expect(d.unread).toEqual([
      { what: 'bucketDetail', region: HOME, item: 'example-app-assets', operation: 's3:GetBucketEncryption', code: 'AccessDenied' },
      { what: 'tables', region: OTHER, operation: 'dynamodb:ListTables', code: 'ThrottlingException' },
    ]);
    expect(s.collectionErrors.map((e) => `${e.section} ${e.operation} ${e.code}`)).toEqual(['dataStores s3:GetBucketEncryption AccessDenied', 'dataStores dynamodb:ListTables ThrottlingException']);
    expect(s.collectionErrors[1]!.message).toContain('after 6 attempts');
    // The personal-data bucket's encryption unknown and a Region's tables unlisted: the rule cannot pass.
    const finding = evaluateRule(getRule('data.encryption-at-rest'), s, { requireSecureTransport: false });
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toContain('dynamodb:ListTables in us-east-1 (ThrottlingException)');
    expect(finding.message).toContain('default encryption of S3 bucket example-app-assets (eu-west-3)');
  });

  it('DescribeRegions denied: the collection Region is read, and the Region list itself is NOT VERIFIED', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 2);
    m.ec2[HOME]!.on(DescribeRegionsCommand).rejects(s3Error('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
    const d = (await collect(m)).dataStores!;
    expect(d.regions).toEqual([HOME]);
    expect(d.unread).toEqual([{ what: 'regions', region: HOME, operation: 'ec2:DescribeRegions', code: 'UnauthorizedOperation' }]);
    expect(evaluateRule(getRule('data.location'), { ...(await collect(m)), dataStores: d }, {}).status).toBe('ERROR');
  });

  it('dataStoreRegions replaces DescribeRegions', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 2);
    const s = await collect(m, { dataStoreRegions: [HOME] });
    expect(s.dataStores!.regions).toEqual([HOME]);
    expect(s.apiCalls?.['ec2:DescribeRegions']).toBeUndefined();
  });

  it('GetBucketLocation: null/empty is us-east-1, EU is eu-west-1', () => {
    expect(regionOfLocation(null)).toBe('us-east-1');
    expect(regionOfLocation('')).toBe('us-east-1');
    expect(regionOfLocation('EU')).toBe('eu-west-1');
    expect(regionOfLocation('eu-west-3')).toBe('eu-west-3');
  });
});
