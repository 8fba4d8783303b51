/**
 * data.encryption-at-rest — personal-data stores are encrypted at rest (S3 default encryption, with
 * SSE-S3 vs KMS reported; DynamoDB table encryption type; RDS StorageEncrypted; EBS encryption by
 * default per region) and personal-data buckets refuse unencrypted transport (a bucket-policy Deny
 * on `aws:SecureTransport` = false). GDPR Art. 32(1)(a); CNIL guide fiche 22 (at rest and in transit).
 */
import { z } from 'zod';
import { requireSection, type DataBucket, type PolicyDocument } from '../../snapshot';
import { normalizeStatement, statementCoversAction, statementCoversResource } from '../../policy/document';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { classificationCounts, classify, conclude, dataClassificationShape, describeUnread, judgedSentence, storeLabel, storesOf } from '../support/data-stores';

export const EncryptionAtRestParameters = z
  .object({
    ...dataClassificationShape,
    /** Require a KMS key (SSE-KMS / DynamoDB KMS) rather than keys the service owns (SSE-S3, DynamoDB AWS owned key). */
    requireKmsKey: z.boolean().default(false),
    /** Require a bucket-policy Deny of requests without TLS (`aws:SecureTransport` = false) on personal-data buckets. */
    requireSecureTransport: z.boolean().default(true),
  })
  .strict();

/** Whether the bucket policy denies every request made without TLS (object reads included). */
export function deniesInsecureTransport(policy: PolicyDocument, bucket: string): boolean {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return statements.some((raw) => {
    if (raw.Effect !== 'Deny') return false;
    const p = raw.Principal as unknown;
    const everyone = p === '*' || (p && typeof p === 'object' && 'AWS' in p && ([] as unknown[]).concat((p as { AWS: unknown }).AWS).includes('*'));
    if (!everyone) return false;
    const condition = raw.Condition ?? {};
    const insecure = Object.entries(condition).some(
      ([op, block]) =>
        /^bool(ifexists)?$/i.test(op) &&
        block !== null &&
        typeof block === 'object' &&
        Object.entries(block as Record<string, unknown>).some(([k, v]) => k.toLowerCase() === 'aws:securetransport' && ([] as unknown[]).concat(v).map(String).includes('false')),
    );
    if (!insecure) return false;
    const s = normalizeStatement(raw);
    return statementCoversAction(s, 's3:GetObject') && statementCoversAction(s, 's3:PutObject') && statementCoversResource(s, `arn:aws:s3:::${bucket}/any-key`);
  });
}

/** `SSE-S3`, `SSE-KMS (key …)`, `DSSE-KMS`, `none`, or undefined when not read. */
function bucketEncryption(b: DataBucket): string | undefined {
  if (b.Encryption === undefined) return undefined;
  const rule = b.Encryption?.Rules.find((r) => r.ApplyServerSideEncryptionByDefault);
  const sse = rule?.ApplyServerSideEncryptionByDefault;
  if (!sse) return 'none';
  if (sse.SSEAlgorithm === 'AES256') return 'SSE-S3';
  const kind = sse.SSEAlgorithm === 'aws:kms:dsse' ? 'DSSE-KMS' : 'SSE-KMS';
  return `${kind} (${sse.KMSMasterKeyID ? `key ${sse.KMSMasterKeyID}` : 'AWS managed key aws/s3'})`;
}

export default defineRule({
  id: 'data.encryption-at-rest',
  title: 'Personal-data stores are encrypted at rest, and personal-data buckets refuse unencrypted transport',
  area: 'data',
  severity: 'high',
  rationale:
    'GDPR Art. 32(1)(a) names encryption of personal data as a security measure. The CNIL security guide recommends encrypting data in the cloud ' +
    'at rest and in transit (fiche 22). On AWS: S3 default encryption (SSE-S3 is the default for new objects since January 2023; SSE-KMS adds a key ' +
    'policy and an audit trail of key use), DynamoDB table encryption, RDS storage encryption (only chosen at creation), EBS encryption by default, ' +
    'and a bucket policy denying requests without TLS. Stores are classified by tag; an untagged store is judged as possibly personal (WARN).',
  remediation: {
    console:
      'S3 > bucket > Properties > Default encryption: SSE-KMS; Permissions > Bucket policy: Deny s3:* when aws:SecureTransport is false. ' +
      'RDS: an unencrypted instance cannot be encrypted in place — snapshot it, copy the snapshot with encryption, restore. EC2 > Settings > EBS encryption: Always encrypt new volumes (each region).',
    cli:
      'aws s3api put-bucket-encryption --bucket <b> --server-side-encryption-configuration \'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key>"},"BucketKeyEnabled":true}]}\'; ' +
      'aws ec2 enable-ebs-encryption-by-default --region <r>; aws rds copy-db-snapshot --kms-key-id <key> …',
  },
  references: [REF.gdpr32_1_a, REF.cnilGuide22, REF.awsS3DefaultEncryption],
  sections: ['dataStores'],
  parameters: EncryptionAtRestParameters,
  evaluate(snapshot, params) {
    const section = requireSection(snapshot, 'dataStores');
    const stores = storesOf(section, params);
    const counts = classificationCounts(stores);
    const threshold = { tagKey: params.tagKey, tagValues: params.tagValues, requireKmsKey: params.requireKmsKey, requireSecureTransport: params.requireSecureTransport, ebsEncryptionByDefault: 'on in every region read' };
    const unverified = describeUnread(section.unread, ['regions', 'buckets', 'tables', 'databases', 'ebsDefaultEncryption']);
    if (stores.length === 0 && unverified.length === 0 && Object.values(section.ebsEncryptionByDefault).every(Boolean)) {
      return { status: 'NOT_APPLICABLE', message: `No S3 bucket, DynamoDB table or RDS database found in the ${section.regions.length} region(s) read; EBS encryption by default is on in each.`, observed: { regions: section.regions, stores: 0 }, threshold, resources: [] };
    }
    const fail: string[] = [];
    const warn: string[] = [];
    const resources: string[] = [];
    const encryption: Record<string, string> = {};
    const judge = (cls: ReturnType<typeof classify>, label: string, arn: string, problem: string) => {
      if (cls === 'personal') fail.push(`${label} ${problem}`);
      else if (cls === 'unclassified' || cls === 'unknown') warn.push(`${label} ${problem} (${cls === 'unknown' ? 'tags not read' : `no ${params.tagKey} tag`}: may hold personal data)`);
      else return;
      resources.push(arn);
    };
    for (const b of section.buckets) {
      const cls = classify(b.Tags, params);
      const label = storeLabel({ kind: 'S3 bucket', name: b.Name, region: b.Region });
      const arn = `arn:aws:s3:::${b.Name}`;
      const enc = bucketEncryption(b);
      encryption[label] = enc ?? 'not read';
      if (cls === 'not-personal') continue;
      if (enc === undefined) {
        if (cls === 'personal') unverified.push(`default encryption of ${label}`);
      } else if (enc === 'none') judge(cls, label, arn, 'has no default encryption');
      else if (params.requireKmsKey && enc === 'SSE-S3') judge(cls, label, arn, 'is encrypted with S3-managed keys (SSE-S3), not a KMS key');
      if (cls === 'personal' && params.requireSecureTransport) {
        if (b.Policy === undefined) unverified.push(`whether ${label} refuses unencrypted transport (policy not read)`);
        else if (!b.Policy || !deniesInsecureTransport(b.Policy, b.Name)) judge(cls, label, arn, 'does not deny requests without TLS (no Deny on aws:SecureTransport = false)');
      }
    }
    for (const t of section.tables) {
      const cls = classify(t.Tags, params);
      const label = storeLabel({ kind: 'DynamoDB table', name: t.TableName, region: t.Region });
      const kind = t.SSEDescription === undefined ? undefined : t.SSEDescription === null ? 'AWS owned key' : t.SSEDescription.SSEType === 'KMS' ? `KMS (${t.SSEDescription.KMSMasterKeyArn ?? 'key not named'})` : (t.SSEDescription.SSEType ?? 'AWS owned key');
      encryption[label] = kind ?? 'not read';
      if (cls === 'not-personal') continue;
      if (kind === undefined) {
        if (cls === 'personal') unverified.push(`encryption of ${label}`);
      } else if (params.requireKmsKey && !kind.startsWith('KMS')) judge(cls, label, t.TableArn, `is encrypted with an ${kind}, not a KMS key`);
    }
    for (const d of section.databases) {
      if (d.kind === 'instance' && d.DBClusterIdentifier) continue; // the cluster carries storage encryption
      const cls = classify(d.TagList, params);
      const label = storeLabel({ kind: d.kind === 'cluster' ? 'RDS cluster' : 'RDS instance', name: d.Identifier, region: d.Region });
      encryption[label] = d.StorageEncrypted === undefined ? 'not read' : d.StorageEncrypted ? `encrypted (${d.KmsKeyId ?? 'key not named'})` : 'not encrypted';
      if (cls === 'not-personal') continue;
      if (d.StorageEncrypted === undefined) {
        if (cls === 'personal') unverified.push(`storage encryption of ${label}`);
      } else if (!d.StorageEncrypted) judge(cls, label, d.Arn, 'has unencrypted storage (StorageEncrypted false)');
    }
    const ebsOff = Object.entries(section.ebsEncryptionByDefault).filter(([, on]) => !on).map(([r]) => r).sort();
    if (ebsOff.length) warn.push(`EBS encryption by default is off in ${ebsOff.join(', ')} (new volumes and their snapshots unencrypted unless asked)`);
    const judged = `${judgedSentence(counts, params, true)}; TLS-only bucket policy ${params.requireSecureTransport ? 'required on personal-data buckets' : 'not required'}`;
    const { status, message } = conclude({ fail, unverified, warn, judged });
    return {
      status,
      message,
      observed: { regions: section.regions, classification: counts, encryption, ebsEncryptionByDefault: section.ebsEncryptionByDefault, notVerified: unverified },
      threshold,
      resources: [...new Set(resources)].sort(),
    };
  },
});
