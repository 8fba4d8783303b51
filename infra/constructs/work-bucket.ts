/**
 * The run work bucket: transient working data of the collection runs, never evidence (each
 * account's sealed manifest is). Private, TLS only, S3-managed encryption, every object expired
 * after `WORK_OBJECT_DAYS` days.
 *
 * - `accounts/<run>.json`: the run's account list (ListAccounts writes it; the account fan-out's
 *   ItemReader, FinalizeRun, PublishFindings and ListActivityLogs read it): the state carries its
 *   key, not the ids (lib/run/account-list.ts);
 * - `results/<map run>/…`: the account fan-out's ResultWriter files (FinalizeRun reads them);
 * - `activity/…`: scheduled log-file activity's manifest, listings and partials (activity-logs.ts).
 *
 * Each grant is scoped to the prefix its reader or writer needs.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ACCOUNT_LIST_PREFIX } from '../../lib/run/account-list';

/** Days the work bucket keeps a run's objects (a redrive within this reuses them). */
export const WORK_OBJECT_DAYS = 7;
/** Key prefix of the account fan-out's ResultWriter files. */
export const WORK_RESULTS_PREFIX = 'results/';

export class RunWorkBucket extends Construct {
  public readonly bucket: s3.Bucket;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [{ expiration: Duration.days(WORK_OBJECT_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      // Transient working data; emptied by its lifecycle rule. RETAIN: CloudFormation never deletes a bucket with objects anyway.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** ListAccounts: write the run's account list. */
  public grantWriteAccountList(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${ACCOUNT_LIST_PREFIX}*`)] }));
  }

  /** FinalizeRun, PublishFindings, ListActivityLogs: read the run's account list. */
  public grantReadAccountList(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${ACCOUNT_LIST_PREFIX}*`)] }));
  }

  /** FinalizeRun: read the account fan-out's results manifest and files. */
  public grantReadResults(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${WORK_RESULTS_PREFIX}*`)] }));
  }
}
