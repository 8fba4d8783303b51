/**
 * The data-store section (#17 data.* rules) from AWS CLI export files: the same answers the live
 * collector gets from the SDK, read from `data-stores/` (written by lib/sources/export-aws-cli.sh),
 * and turned into the section by the one builder (lib/collectors/data-stores.ts `buildDataStores`),
 * so a live collection and an export of the same account give the same section.
 *
 * Files (flat, in `data-stores/`; `<b>` a bucket of s3-buckets.json, `<r>` a Region of regions.json):
 * - `regions.json` ← `aws ec2 describe-regions`
 * - `account-public-access-block.json` ← `aws s3control get-public-access-block --account-id <id>`
 * - `bucket.<b>.{location,public-access-block,policy-status,policy,acl,encryption,versioning}.json` ←
 *   `aws s3api get-bucket-location | get-public-access-block | get-bucket-policy-status | get-bucket-policy |
 *   get-bucket-acl | get-bucket-encryption | get-bucket-versioning --bucket <b>` (location only when list-buckets
 *   printed no BucketRegion; an empty versioning answer = never enabled)
 * - `<r>.tags.json` ← `aws resourcegroupstaggingapi get-resources --resource-type-filters s3:bucket dynamodb:table --region <r>`
 * - `<r>.tables.json` ← `aws dynamodb list-tables`; per table `<r>.table.<t>.json` (describe-table) and
 *   `<r>.table.<t>.continuous-backups.json` (describe-continuous-backups)
 * - `<r>.db-instances.json`, `<r>.db-clusters.json` ← `aws rds describe-db-instances | describe-db-clusters`
 * - `<r>.db-snapshots.json` ← `aws rds describe-db-snapshots --snapshot-type manual`; per snapshot
 *   `<r>.db-snapshot.<id>.attributes.json`; the same for clusters (`db-cluster-snapshots`, `db-cluster-snapshot.<id>`)
 * - `<r>.ebs-encryption-by-default.json` ← `aws ec2 get-ebs-encryption-by-default`;
 *   `<r>.ebs-public-snapshots.json` ← `aws ec2 describe-snapshots --owner-ids self --restorable-by-user-ids all`
 * - `<r>.backup-protected-resources.json` ← `aws backup list-protected-resources`
 * A file holding the CLI's error text is that error (S3's "none" errors are facts); a missing file
 * is `FileMissing` for that item: NOT VERIFIED, never PASS.
 */
import type { BucketRead, DataStoreAnswers } from '../collectors/data-stores';

export const DATA_STORES_DIR = 'data-stores';

const BUCKET_FILE: Record<BucketRead, string> = {
  GetBucketLocation: 'location',
  GetPublicAccessBlock: 'public-access-block',
  GetBucketPolicyStatus: 'policy-status',
  GetBucketPolicy: 'policy',
  GetBucketAcl: 'acl',
  GetBucketEncryption: 'encryption',
  GetBucketVersioning: 'versioning',
};

/** Reads one export file: its JSON, or throws (a CLI error text, bad JSON, an empty file) with the error's code. */
export type ReadExportJson = (file: string) => Promise<unknown | undefined>;

/** An error named like AWS's (`name` = code), as the builder expects from either source. */
function named(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: code });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `dir`-relative answers; `readJson` throws errors carrying `code` (FileProblem) which are renamed here. */
export function fileDataStoreAnswers(readJson: ReadExportJson, listBuckets: () => Promise<{ Name?: string; BucketRegion?: string }[]>, codeOf: (error: unknown) => string | undefined): DataStoreAnswers {
  const get = async (file: string, emptyMeans?: unknown): Promise<Record<string, unknown>> => {
    const path = `${DATA_STORES_DIR}/${file}`;
    let value: unknown;
    try {
      value = await readJson(path);
    } catch (error) {
      const code = codeOf(error);
      if (code === 'EmptyFile' && emptyMeans !== undefined) return emptyMeans as Record<string, unknown>;
      throw named(code ?? 'InvalidFile', (error as Error).message);
    }
    if (value === undefined) throw named('FileMissing', `${path} not found: not collected`);
    if (!isObject(value)) throw named('InvalidShape', `${path}: expected the AWS CLI's JSON object`);
    return value;
  };
  const list = async (file: string, key: string): Promise<never[]> => {
    const v = await get(file);
    if (!Array.isArray(v[key])) throw named('InvalidShape', `${DATA_STORES_DIR}/${file}: expected "${key}"`);
    return v[key] as never[];
  };
  return {
    describeRegions: () => get('regions.json') as ReturnType<DataStoreAnswers['describeRegions']>,
    accountPublicAccessBlock: () => get('account-public-access-block.json'),
    listBuckets,
    // `aws s3api get-bucket-versioning` prints nothing for a bucket whose versioning was never enabled.
    bucket: (read, bucket) => get(`bucket.${bucket}.${BUCKET_FILE[read]}.json`, read === 'GetBucketVersioning' ? {} : undefined),
    tags: (r) => list(`${r}.tags.json`, 'ResourceTagMappingList'),
    listTables: (r) => list(`${r}.tables.json`, 'TableNames'),
    describeTable: (r, t) => get(`${r}.table.${t}.json`),
    continuousBackups: (r, t) => get(`${r}.table.${t}.continuous-backups.json`),
    dbInstances: (r) => list(`${r}.db-instances.json`, 'DBInstances'),
    dbClusters: (r) => list(`${r}.db-clusters.json`, 'DBClusters'),
    dbSnapshots: (r) => list(`${r}.db-snapshots.json`, 'DBSnapshots'),
    dbSnapshotAttributes: (r, id) => get(`${r}.db-snapshot.${id}.attributes.json`),
    dbClusterSnapshots: (r) => list(`${r}.db-cluster-snapshots.json`, 'DBClusterSnapshots'),
    dbClusterSnapshotAttributes: (r, id) => get(`${r}.db-cluster-snapshot.${id}.attributes.json`),
    ebsEncryptionByDefault: (r) => get(`${r}.ebs-encryption-by-default.json`),
    ebsPublicSnapshots: (r) => list(`${r}.ebs-public-snapshots.json`, 'Snapshots'),
    protectedResources: (r) => list(`${r}.backup-protected-resources.json`, 'Results'),
  };
}
