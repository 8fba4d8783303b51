/**
 * Scheduled log-file activity (`activity: { source: "s3" }`): the two functions that read an organisation trail's log files each run, with exact grants:
 *
 * - ListActivityLogs: s3:ListBucket on the trail bucket, only under `<prefix>AWSLogs/`, only
 *   if the bucket belongs to `bucketAccount`; writes the manifest and listings in the work bucket.
 * - ReadActivityLogs (the Distributed Map's workers): s3:GetObject on `<prefix>AWSLogs/*` of the
 *   trail bucket (same owner condition), kms:Decrypt on the trail's key only through S3; writes
 *   partials in the work bucket.
 * Both write under `activity/` of the stack's run work bucket (infra/constructs/work-bucket.ts).
 *
 * The log-archive account grants the other half (bucket policy, key policy): docs/deploy.md.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { activityLogsEnvironment, trailPrefix, type ActivityConfig } from '../../lib/config';
import { Art32Function } from './art32-function';

/** Key prefix of everything scheduled activity writes in the work bucket (lib/activity/scheduled/layout.ts). */
export const WORK_ACTIVITY_PREFIX = 'activity/';

export interface ActivityLogsProps {
  activity: Extract<ActivityConfig, { source: 's3' }>;
  /** The stack's run work bucket (infra/constructs/work-bucket.ts). */
  workBucket: s3.Bucket;
  logRetention: logs.RetentionDays;
}

export class ActivityLogs extends Construct {
  public readonly workBucket: s3.Bucket;
  public readonly list: Art32Function;
  public readonly read: Art32Function;

  public constructor(scope: Construct, id: string, props: ActivityLogsProps) {
    super(scope, id);
    const { activity } = props;
    const partition = Stack.of(this).partition;

    this.workBucket = props.workBucket;

    const trailBucketArn = `arn:${partition}:s3:::${activity.bucket}`;
    const logsPrefix = `${trailPrefix(activity)}AWSLogs/`;
    const sameOwner = { StringEquals: { 's3:ResourceAccount': activity.bucketAccount } };
    const workObjects = this.workBucket.arnForObjects(`${WORK_ACTIVITY_PREFIX}*`);

    this.list = new Art32Function(this, 'List', {
      name: 'list-activity-logs',
      description: "art32: list the run window's CloudTrail log files of every account in the trail bucket",
      environment: activityLogsEnvironment('list-activity-logs', activity, this.workBucket.bucketName),
      timeout: Duration.minutes(15),
      memorySize: 512,
      roleName: activity.listerRoleName,
      logRetention: props.logRetention,
    });
    this.list.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [trailBucketArn],
        conditions: { ...sameOwner, StringLike: { 's3:prefix': [`${logsPrefix}*`] } },
      }),
    );
    this.list.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [workObjects] }));

    this.read = new Art32Function(this, 'Read', {
      name: 'read-activity-logs',
      description: "art32: read one batch of the run's CloudTrail log files into per-account partial aggregates",
      environment: activityLogsEnvironment('read-activity-logs', activity, this.workBucket.bucketName),
      timeout: Duration.minutes(2),
      // 1,024 MB: two log files at once (each ≤ 128 MB decompressed, far more than CloudTrail writes) plus the aggregates.
      memorySize: 1024,
      roleName: activity.readerRoleName,
      logRetention: props.logRetention,
    });
    this.read.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${trailBucketArn}/${logsPrefix}*`], conditions: sameOwner }));
    if (activity.kmsKeyArn) {
      this.read.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [activity.kmsKeyArn],
          // Only to read S3 objects (the trail bucket may be in another region than the key's caller).
          conditions: { StringLike: { 'kms:ViaService': `s3.*.amazonaws.com` } },
        }),
      );
    }
    this.read.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [workObjects] }));
  }

  /** What collect-account needs to merge its partials: read the run's objects, list its prefix. */
  public grantMerge(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.workBucket.arnForObjects(`${WORK_ACTIVITY_PREFIX}*`)] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.workBucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${WORK_ACTIVITY_PREFIX}*`] } } }),
    );
  }
}
