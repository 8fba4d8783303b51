/**
 * The anchor bucket: a WORM copy of every seal (lib/evidence/anchor.ts), outside the evidence
 * table's trust.
 * - S3 Object Lock in COMPLIANCE mode with a default retention (cdk.json `anchors.retentionDays`,
 *   default 1096 days): every anchor version is locked on arrival; in compliance mode no user,
 *   the account root included, can delete a locked version or shorten its retention.
 * - Versioned (Object Lock requires it); `art32 verify` reads every version, so a newer
 *   version or a delete marker cannot hide a locked anchor.
 * - The sealer role (named by ARN, possibly from another account) may add and read anchors;
 *   nobody but break-glass may change the bucket's policy, lock configuration, versioning or
 *   lifecycle, or delete objects (the deploy role keeps PutBucketPolicy, for stack updates).
 * - Public access blocked, TLS only, SSE-S3 (a KMS key would need cross-account grants for a
 *   bucket whose contents are hashes and signatures, nothing confidential).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { denyAllExcept } from './manifest-signing-key';

/** Object key prefix of the anchors (`s3://<bucket>/anchors/<account>/<collectedAt>_<runId>.json`). */
export const ANCHOR_PREFIX = 'anchors/';

/** Bucket administration nobody but break-glass may call (each could end or bypass the lock). */
export const PROTECTED_BUCKET_ACTIONS = [
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:DeleteBucketPolicy',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:BypassGovernanceRetention',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:DeleteBucket',
] as const;

export interface AnchorBucketProps {
  bucketName: string;
  retentionDays: number;
  /** The sealing function's role (may live in another account). */
  sealerRoleArn: string;
  /**
   * Roles that may read the anchors (list the versions, get the objects under the prefix, never
   * write): the auditor role, so `verify`/`serve --anchors s3://…` work when this bucket lives in
   * a log-archive account (an identity policy alone cannot reach another account's bucket).
   */
  readerRoleArns?: readonly string[];
  breakGlassPrincipalArn: string | null;
  /** CloudFormation's execution role: keeps s3:PutBucketPolicy so stack updates can apply this policy. */
  deployRoleArn: string;
  /** Bucket receiving the server access logs. */
  accessLogs: s3.IBucket;
}

export class AnchorBucket extends Construct {
  public readonly bucket: s3.Bucket;

  public constructor(scope: Construct, id: string, props: AnchorBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'anchor-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const sealer = new iam.ArnPrincipal(props.sealerRoleArn);
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SealerAppendsAnchors',
        principals: [sealer],
        actions: ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects(`${ANCHOR_PREFIX}*`)],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'SealerListsAnchors', principals: [sealer], actions: ['s3:ListBucket', 's3:ListBucketVersions'], resources: [this.bucket.bucketArn] }),
    );
    if (props.readerRoleArns?.length) {
      const readers = props.readerRoleArns.map((arn) => new iam.ArnPrincipal(arn));
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AuditorsReadAnchors',
          principals: readers,
          actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold'],
          resources: [this.bucket.arnForObjects(`${ANCHOR_PREFIX}*`)],
        }),
      );
      this.bucket.addToResourcePolicy(new iam.PolicyStatement({ sid: 'AuditorsListAnchors', principals: readers, actions: ['s3:ListBucket', 's3:ListBucketVersions'], resources: [this.bucket.bucketArn] }));
    }
    const everything = [this.bucket.bucketArn, this.bucket.arnForObjects('*')];
    this.bucket.addToResourcePolicy(denyAllExcept('AnchorsCannotBeUnlocked', PROTECTED_BUCKET_ACTIONS, [props.breakGlassPrincipalArn], everything));
    this.bucket.addToResourcePolicy(denyAllExcept('PolicyOnlyByDeployOrBreakGlass', ['s3:PutBucketPolicy'], [props.breakGlassPrincipalArn, props.deployRoleArn], everything));
  }

  public url(): string {
    return `s3://${this.bucket.bucketName}/${ANCHOR_PREFIX}`;
  }
}
