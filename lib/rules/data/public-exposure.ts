/**
 * data.public-exposure — no personal-data store is open to anyone: S3 buckets public through their
 * policy or ACL (S3 Block Public Access, account and bucket level, taken into account), RDS
 * instances/clusters marked publicly accessible, and manual RDS / EBS snapshots anyone may restore.
 * GDPR Art. 25(2): personal data not made accessible to an indefinite number of persons by default.
 */
import { z } from 'zod';
import { requireSection, type DataBucket, type DataStoresSection, type PolicyDocument, type PublicAccessBlock } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { classificationCounts, classify, conclude, dataClassificationShape, describeUnread, judgedSentence, storeLabel, storesOf, type Classification } from '../support/data-stores';

export const PublicExposureParameters = z.object({ ...dataClassificationShape }).strict();

const FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
type Flag = (typeof FLAGS)[number];
const PUBLIC_GROUPS = ['http://acs.amazonaws.com/groups/global/AllUsers', 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers'];

/** A Block Public Access flag in force for the bucket: true, false, or undefined when a level could not be read. */
function effective(flag: Flag, account: PublicAccessBlock | null | undefined, bucket: PublicAccessBlock | null | undefined): boolean | undefined {
  if (account?.[flag] === true || bucket?.[flag] === true) return true;
  if (account === undefined || bucket === undefined) return undefined;
  return false;
}

/** An Allow statement granting `*` with no condition (used only when S3's own PolicyStatus was not read). */
function grantsEveryone(policy: PolicyDocument): boolean {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return statements.some((s) => {
    if (s.Effect !== 'Allow' || s.Condition) return false;
    const p = s.Principal as unknown;
    const aws = p === '*' ? ['*'] : p && typeof p === 'object' && 'AWS' in p ? ([] as unknown[]).concat((p as { AWS: unknown }).AWS) : [];
    return aws.includes('*');
  });
}

export interface BucketExposure {
  /** true: public now; false: not; undefined: could not be verified. */
  public: boolean | undefined;
  via: string[];
  /** All four Block Public Access settings in force (account or bucket level). */
  fullyBlocked: boolean | undefined;
}

/** Whether a bucket is public today, and whether Block Public Access guards it. */
export function bucketExposure(bucket: DataBucket, account: PublicAccessBlock | null | undefined): BucketExposure {
  const flags = Object.fromEntries(FLAGS.map((f) => [f, effective(f, account, bucket.PublicAccessBlock)])) as Record<Flag, boolean | undefined>;
  const values = Object.values(flags);
  const fullyBlocked = values.every((v) => v === true) ? true : values.some((v) => v === false) ? false : undefined;
  const via: string[] = [];
  let unknown = false;
  // Bucket policy: RestrictPublicBuckets neutralises a public policy.
  if (flags.RestrictPublicBuckets !== true) {
    const policyPublic =
      bucket.PolicyStatus?.IsPublic === true ? true : bucket.PolicyStatus !== undefined ? false : bucket.Policy === null ? false : bucket.Policy ? grantsEveryone(bucket.Policy) || undefined : undefined;
    if (policyPublic === true) {
      if (flags.RestrictPublicBuckets === false) via.push('bucket policy');
      else unknown = true; // public policy, account-level setting unread
    } else if (policyPublic === undefined) unknown = true;
  }
  // ACL grants to AllUsers / AuthenticatedUsers: IgnorePublicAcls neutralises them.
  if (flags.IgnorePublicAcls !== true) {
    if (bucket.AclGrants === undefined) unknown = true;
    else if (bucket.AclGrants.some((g) => PUBLIC_GROUPS.includes(g.Grantee?.URI ?? ''))) {
      if (flags.IgnorePublicAcls === false) via.push('ACL');
      else unknown = true;
    }
  }
  return { public: via.length ? true : unknown ? undefined : false, via, fullyBlocked };
}

export default defineRule({
  id: 'data.public-exposure',
  title: 'No personal-data store is publicly accessible (S3 Block Public Access, bucket policies and ACLs, public RDS and snapshots)',
  area: 'data',
  severity: 'critical',
  rationale:
    'A bucket whose policy or ACL grants everyone, a database reachable from the internet, or a snapshot anyone can restore makes personal data ' +
    'accessible to an indefinite number of persons — what GDPR Art. 25(2) rules out by default, and a threat to the confidentiality Art. 32(1)(b) asks to ensure. S3 Block Public ' +
    'Access (account and bucket level) is the guard that keeps a later mistake from opening a bucket. The CNIL security guide recommends least ' +
    'privilege for cloud resources (fiche 22). Stores are classified by tag; an untagged store is judged as possibly personal (WARN), never skipped.',
  remediation: {
    console:
      'S3 > Block Public Access settings for this account: turn on all four settings; on each personal-data bucket remove public policy statements and ACL grants. ' +
      'RDS > Modify > Connectivity: Publicly accessible = No. Snapshots: RDS > Snapshots > Share snapshot > Private; EC2 > Snapshots > Modify permissions > Private.',
    cli:
      'aws s3control put-public-access-block --account-id <id> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true; ' +
      'aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible --apply-immediately; ' +
      'aws rds modify-db-snapshot-attribute --db-snapshot-identifier <s> --attribute-name restore --values-to-remove all; ' +
      'aws ec2 modify-snapshot-attribute --snapshot-id <s> --attribute createVolumePermission --operation-type remove --group-names all',
  },
  references: [REF.gdpr25_2, REF.gdpr32_1_b, REF.cnilGuide22],
  sections: ['dataStores'],
  parameters: PublicExposureParameters,
  evaluate(snapshot, params) {
    const section: DataStoresSection = requireSection(snapshot, 'dataStores');
    const stores = storesOf(section, params);
    const counts = classificationCounts(stores);
    const threshold = { tagKey: params.tagKey, tagValues: params.tagValues, publicMeans: 'bucket policy/ACL to everyone not neutralised by Block Public Access; RDS PubliclyAccessible; snapshot restorable by all' };
    const unreadKinds = ['regions', 'accountPublicAccessBlock', 'buckets', 'tags', 'databases', 'snapshots'] as const;
    if (stores.length === 0 && section.publicSnapshots.length === 0 && describeUnread(section.unread, unreadKinds).length === 0) {
      return { status: 'NOT_APPLICABLE', message: `No S3 bucket, DynamoDB table or RDS database found in the ${section.regions.length} region(s) read.`, observed: { regions: section.regions, stores: 0 }, threshold, resources: [] };
    }
    const fail: string[] = [];
    const warn: string[] = [];
    const unverified: string[] = describeUnread(section.unread, ['regions', 'buckets', 'databases', 'snapshots']);
    const resources: string[] = [];
    const publicNotPersonal: string[] = [];
    /** Sort one finding by the store's classification. */
    const report = (cls: Classification, text: string, arn: string) => {
      if (cls === 'personal') fail.push(text);
      else if (cls === 'not-personal') publicNotPersonal.push(text);
      else warn.push(`${text} (${cls === 'unknown' ? 'tags not read' : `no ${params.tagKey} tag`}: may hold personal data)`);
      resources.push(arn);
    };
    const byIdentifier = new Map(stores.filter((s) => s.kind.startsWith('RDS')).map((s) => [`${s.region}/${s.name}`, s]));
    const bucketObserved: Record<string, unknown>[] = [];
    for (const b of section.buckets) {
      const cls = classify(b.Tags, params);
      const e = bucketExposure(b, section.accountPublicAccessBlock);
      bucketObserved.push({ bucket: b.Name, classification: cls, public: e.public ?? 'not verified', via: e.via, blockPublicAccess: e.fullyBlocked ?? 'not verified' });
      const label = storeLabel({ kind: 'S3 bucket', name: b.Name, region: b.Region });
      if (e.public === true) report(cls, `${label} is public through its ${e.via.join(' and ')}`, `arn:aws:s3:::${b.Name}`);
      else if (e.public === undefined && cls !== 'not-personal') unverified.push(`whether ${label} is public (${describeUnread(section.unread.filter((u) => u.item === b.Name), ['bucketDetail']).join(', ') || 'account Block Public Access not read'})`);
      else if (e.public === false && e.fullyBlocked === false && cls === 'personal') warn.push(`${label} holds personal data without all four Block Public Access settings (account or bucket)`);
    }
    for (const d of section.databases) {
      if (d.PubliclyAccessible !== true) continue;
      report(classify(d.TagList, params), `${storeLabel({ kind: d.kind === 'cluster' ? 'RDS cluster' : 'RDS instance', name: d.Identifier, region: d.Region })} is publicly accessible (reachable from the internet where its security groups allow)`, d.Arn);
    }
    for (const s of section.publicSnapshots) {
      const source = s.kind === 'ebs' ? undefined : byIdentifier.get(`${s.Region}/${s.Source ?? ''}`);
      // The snapshot is as personal as the store it copies; an EBS snapshot is judged by its own tags.
      const cls = source && source.classification !== 'unclassified' ? source.classification : classify(s.Tags, params);
      const what = s.kind === 'ebs' ? `EBS snapshot ${s.Id} (${s.Region}) of ${s.Source ?? 'an unknown volume'}` : `${s.kind === 'rds' ? 'RDS' : 'RDS cluster'} snapshot ${s.Id} (${s.Region}) of ${s.Source ?? 'an unknown database'}`;
      report(cls, `${what} can be restored by anyone`, `${s.kind}:${s.Region}:${s.Id}`);
    }
    const pab = section.accountPublicAccessBlock;
    const accountBlock = pab === undefined ? 'not read' : pab === null ? 'none configured' : FLAGS.every((f) => pab[f] === true) ? 'all four on' : `partial (${FLAGS.filter((f) => pab[f] !== true).join(', ')} off)`;
    const judged = `${judgedSentence(counts, params, true)}; account-level Block Public Access: ${accountBlock}` + (publicNotPersonal.length ? `; public but classified not personal: ${publicNotPersonal.join(', ')}` : '');
    const { status, message } = conclude({ fail, unverified, warn, judged });
    return {
      status,
      message,
      observed: { regions: section.regions, classification: counts, accountPublicAccessBlock: pab ?? (pab === null ? null : 'not read'), buckets: bucketObserved, publicSnapshots: section.publicSnapshots.length, publicNotPersonal, notVerified: unverified },
      threshold,
      resources: [...new Set(resources)].sort(),
    };
  },
});
