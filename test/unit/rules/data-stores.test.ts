/**
 * The four data.* rules (#17) on hand-made `dataStores` sections that go through the real schema:
 * each boundary of each rule, the tag convention (personal / unclassified / classified not personal /
 * tags not read), and missing data → NOT VERIFIED (ERROR), never PASS.
 */
import { describe, expect, it } from 'vitest';
import { evaluateRule, getRule } from '../../../lib/rules';
import type { DataBucket, DataDatabase, DataStoresSection, DataTable } from '../../../lib/snapshot';
import { bucketExposure } from '../../../lib/rules/data/public-exposure';
import { deniesInsecureTransport } from '../../../lib/rules/data/encryption-at-rest';
import { ACCOUNT, NOW, snapshot } from './builders';

const PERSONAL = [{ Key: 'data-classification', Value: 'PII' }];
const PUBLIC_DOC = [{ Key: 'data-classification', Value: 'public' }];
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const TLS_ONLY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'TlsOnly', Effect: 'Deny' as const, Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::cases', 'arn:aws:s3:::cases/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
};
const OWNER_ONLY = [{ Grantee: { Type: 'CanonicalUser', ID: 'owner' }, Permission: 'FULL_CONTROL' }];

/** A private, encrypted, versioned, TLS-only personal-data bucket in Paris. */
const bucket = (over: Partial<DataBucket> = {}): DataBucket => ({
  Name: 'cases',
  Region: 'eu-west-3',
  Tags: PERSONAL,
  PublicAccessBlock: ALL_ON,
  PolicyStatus: { IsPublic: false },
  Policy: TLS_ONLY,
  AclGrants: OWNER_ONLY,
  Encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'arn:aws:kms:eu-west-3:111122223333:key/k' } }] },
  Versioning: { Status: 'Enabled' },
  ...over,
});
const TABLE_ARN = `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/profiles`;
const table = (over: Partial<DataTable> = {}): DataTable => ({ TableName: 'profiles', TableArn: TABLE_ARN, Region: 'eu-west-3', Tags: PERSONAL, SSEDescription: null, PointInTimeRecoveryStatus: 'ENABLED', ...over });
const db = (over: Partial<DataDatabase> = {}): DataDatabase => ({
  kind: 'instance',
  Identifier: 'cases-db',
  Arn: `arn:aws:rds:eu-west-3:${ACCOUNT}:db:cases-db`,
  Region: 'eu-west-3',
  StorageEncrypted: true,
  PubliclyAccessible: false,
  BackupRetentionPeriod: 7,
  TagList: PERSONAL,
  ...over,
});

function section(over: Partial<DataStoresSection> = {}): DataStoresSection {
  return {
    regions: ['eu-west-3'],
    accountPublicAccessBlock: ALL_ON,
    buckets: [bucket()],
    tables: [table()],
    databases: [db()],
    ebsEncryptionByDefault: { 'eu-west-3': true },
    publicSnapshots: [],
    backupProtected: [],
    unread: [],
    ...over,
  };
}
const judge = (id: string, dataStores: DataStoresSection | undefined, params: Record<string, unknown> = {}) =>
  evaluateRule(getRule(id), snapshot(dataStores ? { dataStores } : {}), params);

describe('data rules: shared contract', () => {
  for (const id of ['data.public-exposure', 'data.encryption-at-rest', 'data.backups', 'data.location']) {
    it(`${id}: PASS on a protected account, ERROR when the section is missing, N/A on an empty one`, () => {
      const ok = judge(id, section());
      expect(ok.status, ok.message).toBe('PASS');
      expect(ok.message).toContain('3 store(s)');
      expect(judge(id, undefined).status).toBe('ERROR');
      expect(judge(id, section({ buckets: [], tables: [], databases: [] })).status).toBe('NOT_APPLICABLE');
    });
    it(`${id}: a Region whose stores could not be listed is NOT VERIFIED, never PASS`, () => {
      const r = judge(id, section({ unread: [{ what: 'databases', region: 'eu-west-1', operation: 'rds:DescribeDBInstances', code: 'AccessDenied' }] }));
      expect(r.status).toBe('ERROR');
      expect(r.message).toContain('NOT VERIFIED: rds:DescribeDBInstances in eu-west-1 (AccessDenied)');
    });
    it(`${id}: parameters are strict`, () => {
      expect(() => judge(id, section(), { tagkey: 'x' })).toThrow(/unknown parameter "tagkey"/);
    });
  }
});

describe('data.public-exposure', () => {
  const id = 'data.public-exposure';
  it('a personal bucket public through its policy or ACL FAILs unless Block Public Access neutralises it', () => {
    const byPolicy = judge(id, section({ accountPublicAccessBlock: null, buckets: [bucket({ PublicAccessBlock: null, PolicyStatus: { IsPublic: true } })] }));
    expect(byPolicy.status).toBe('FAIL');
    expect(byPolicy.message).toContain('S3 bucket cases (eu-west-3) is public through its bucket policy');
    expect(byPolicy.resources).toEqual(['arn:aws:s3:::cases']);
    const aclAllUsers = [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }];
    expect(judge(id, section({ accountPublicAccessBlock: ALL_OFF, buckets: [bucket({ PublicAccessBlock: ALL_OFF, AclGrants: aclAllUsers })] })).message).toContain('through its ACL');
    // The account-level RestrictPublicBuckets / IgnorePublicAcls neutralise them: not public (bucket-level guard absent → still PASS, account covers it).
    const neutralised = judge(id, section({ buckets: [bucket({ PublicAccessBlock: null, PolicyStatus: { IsPublic: true }, AclGrants: aclAllUsers })] }));
    expect(neutralised.status).toBe('PASS');
  });

  it('classification decides FAIL / WARN / reported only', () => {
    const open = { PublicAccessBlock: null, PolicyStatus: { IsPublic: true } };
    expect(judge(id, section({ accountPublicAccessBlock: null, buckets: [bucket({ ...open, Tags: [] })] })).status).toBe('WARN');
    const website = judge(id, section({ accountPublicAccessBlock: null, buckets: [bucket({ ...open, Tags: PUBLIC_DOC })] }));
    expect(website.status).toBe('PASS');
    expect(website.message).toContain('public but classified not personal: S3 bucket cases');
  });

  it('a personal bucket with no Block Public Access anywhere WARNs even when not public today', () => {
    const r = judge(id, section({ accountPublicAccessBlock: null, buckets: [bucket({ PublicAccessBlock: { ...ALL_ON, RestrictPublicBuckets: false } })] }));
    expect(r.status).toBe('WARN');
    expect(r.message).toContain('without all four Block Public Access settings');
  });

  it('unread bucket settings are NOT VERIFIED; S3 "none" answers are facts', () => {
    const unread = judge(id, section({ accountPublicAccessBlock: undefined, buckets: [bucket({ PublicAccessBlock: null, PolicyStatus: undefined, Policy: undefined })] }));
    expect(unread.status).toBe('ERROR');
    expect(bucketExposure(bucket({ PublicAccessBlock: null, PolicyStatus: null, Policy: null }), null)).toEqual({ public: false, via: [], fullyBlocked: false });
    // Without PolicyStatus, a policy granting "*" unconditionally is read as public.
    const grant = { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::cases/*' }] };
    expect(bucketExposure(bucket({ PublicAccessBlock: null, PolicyStatus: undefined, Policy: grant }), null).public).toBe(true);
  });

  it('public RDS instances and snapshots anyone may restore; a snapshot is as personal as its source', () => {
    const r = judge(id, section({ databases: [db({ PubliclyAccessible: true })], publicSnapshots: [{ kind: 'ebs', Id: 'snap-0abc', Region: 'eu-west-3', Source: 'vol-1', Tags: [] }] }));
    expect(r.status).toBe('FAIL');
    expect(r.message).toContain('RDS instance cases-db (eu-west-3) is publicly accessible');
    expect(r.message).toContain('EBS snapshot snap-0abc (eu-west-3) of vol-1 can be restored by anyone');
    const snap = judge(id, section({ publicSnapshots: [{ kind: 'rds', Id: 'final', Region: 'eu-west-3', Source: 'cases-db', Tags: [] }] }));
    expect(snap.status).toBe('FAIL');
  });
});

describe('data.encryption-at-rest', () => {
  const id = 'data.encryption-at-rest';
  it('RDS storage not encrypted FAILs a personal store, WARNs an untagged one', () => {
    expect(judge(id, section({ databases: [db({ StorageEncrypted: false })] })).status).toBe('FAIL');
    expect(judge(id, section({ databases: [db({ StorageEncrypted: false, TagList: [] })] })).status).toBe('WARN');
    // A cluster member is judged through its cluster.
    expect(judge(id, section({ databases: [db({ StorageEncrypted: false, DBClusterIdentifier: 'c1' })] })).status).toBe('PASS');
  });

  it('SSE-S3 passes by default and fails with requireKmsKey; no default encryption fails', () => {
    const sseS3 = section({ buckets: [bucket({ Encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } })] });
    const r = judge(id, sseS3);
    expect(r.status).toBe('PASS');
    expect(JSON.stringify(r.observed.encryption)).toContain('SSE-S3');
    expect(judge(id, sseS3, { requireKmsKey: true }).status).toBe('FAIL');
    expect(judge(id, section({ buckets: [bucket({ Encryption: null })] })).message).toContain('has no default encryption');
    // DynamoDB AWS owned key (no SSEDescription) fails only with requireKmsKey.
    expect(judge(id, section({ buckets: [] }), { requireKmsKey: true }).message).toContain('DynamoDB table profiles (eu-west-3) is encrypted with an AWS owned key');
  });

  it('a personal bucket must deny requests without TLS', () => {
    const r = judge(id, section({ buckets: [bucket({ Policy: null })] }));
    expect(r.status).toBe('FAIL');
    expect(r.message).toContain('does not deny requests without TLS');
    expect(judge(id, section({ buckets: [bucket({ Policy: null })] }), { requireSecureTransport: false }).status).toBe('PASS');
    expect(judge(id, section({ buckets: [bucket({ Policy: undefined })] })).status).toBe('ERROR');
    // A Deny limited to PutObject does not protect reads.
    const putOnly = { ...TLS_ONLY, Statement: [{ ...TLS_ONLY.Statement[0]!, Action: 's3:PutObject' }] };
    expect(deniesInsecureTransport(putOnly, 'cases')).toBe(false);
    expect(deniesInsecureTransport(TLS_ONLY, 'cases')).toBe(true);
  });

  it('EBS encryption by default off in a Region WARNs; unread encryption is NOT VERIFIED', () => {
    expect(judge(id, section({ ebsEncryptionByDefault: { 'eu-west-3': false } })).status).toBe('WARN');
    expect(judge(id, section({ databases: [db({ StorageEncrypted: undefined })] })).status).toBe('ERROR');
  });
});

describe('data.backups', () => {
  const id = 'data.backups';
  it('a personal store without its own recovery or a recent AWS Backup point FAILs', () => {
    const r = judge(id, section({ tables: [table({ PointInTimeRecoveryStatus: 'DISABLED' })] }));
    expect(r.status).toBe('FAIL');
    expect(r.message).toContain('DynamoDB table profiles (eu-west-3) cannot be restored: PITR DISABLED, no AWS Backup recovery point');
    expect(judge(id, section({ buckets: [bucket({ Versioning: { Status: 'Suspended' } })] })).status).toBe('FAIL');
    expect(judge(id, section({ databases: [db({ BackupRetentionPeriod: 0 })] })).status).toBe('FAIL');
  });

  it('an AWS Backup recovery point counts while younger than maxBackupAgeDays', () => {
    const at = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();
    const noPitr = { tables: [table({ PointInTimeRecoveryStatus: 'DISABLED' })] };
    expect(judge(id, section({ ...noPitr, backupProtected: [{ ResourceArn: TABLE_ARN, ResourceType: 'DynamoDB', LastBackupTime: at(7) }] })).status).toBe('PASS');
    expect(judge(id, section({ ...noPitr, backupProtected: [{ ResourceArn: TABLE_ARN, ResourceType: 'DynamoDB', LastBackupTime: at(8) }] })).status).toBe('FAIL');
    // requireAwsBackup: PITR alone no longer suffices.
    expect(judge(id, section({ buckets: [], databases: [] }), { requireAwsBackup: true }).status).toBe('FAIL');
  });

  it('untagged stores are named as not judged; none tagged at all WARNs', () => {
    const r = judge(id, section({ tables: [table({ Tags: [], PointInTimeRecoveryStatus: 'DISABLED' })] }));
    expect(r.status).toBe('PASS');
    expect(r.message).toContain('1 without a data-classification tag not judged (tag them)');
    const none = judge(id, section({ buckets: [], databases: [], tables: [table({ Tags: [] })] }));
    expect(none.status).toBe('WARN');
    expect(none.message).toContain('no store is tagged');
  });

  it('unread versioning or unread AWS Backup in the Region is NOT VERIFIED', () => {
    expect(judge(id, section({ buckets: [bucket({ Versioning: undefined })] })).status).toBe('ERROR');
    const backupUnread = section({ tables: [table({ PointInTimeRecoveryStatus: 'DISABLED' })], unread: [{ what: 'backups', region: 'eu-west-3', operation: 'backup:ListProtectedResources', code: 'ThrottlingException' }] });
    expect(judge(id, backupUnread).status).toBe('ERROR');
  });
});

describe('data.location', () => {
  const id = 'data.location';
  it('personal stores outside the EU/EEA Regions WARN, naming each; London is outside by default', () => {
    const r = judge(id, section({ regions: ['eu-west-3', 'us-east-1', 'eu-west-2'], tables: [table({ Region: 'us-east-1', TableArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/profiles` })], databases: [db({ Region: 'eu-west-2' })] }));
    expect(r.status).toBe('WARN');
    expect(r.message).toContain('DynamoDB table profiles (us-east-1) holds personal data outside the allowed Regions');
    expect(r.message).toContain('RDS instance cases-db (eu-west-2)');
    expect(r.message).toContain('GDPR Chapter V');
    expect(r.message).toContain('the CNIL recommends');
    expect(judge(id, section({ databases: [db({ Region: 'eu-west-2' })] }), { allowedRegions: ['eu-west-3', 'eu-west-2'] }).status).toBe('PASS');
  });

  it('a bucket whose Region is unknown is NOT VERIFIED; a store classified not personal is not named', () => {
    expect(judge(id, section({ buckets: [bucket({ Region: undefined })] })).status).toBe('ERROR');
    expect(judge(id, section({ buckets: [bucket({ Region: 'us-west-2', Tags: PUBLIC_DOC })] })).status).toBe('PASS');
    expect(judge(id, section({ buckets: [bucket({ Region: 'us-west-2', Tags: [] })] })).status).toBe('WARN');
  });
});
