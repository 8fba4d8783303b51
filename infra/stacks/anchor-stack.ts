/**
 * The anchor stack: the WORM bucket every seal is copied to (infra/constructs/anchor-bucket.ts),
 * deployed on its own so it can live in a separate log-archive account (`anchors.accountId`
 * in cdk.json): an administrator of the collector account then cannot touch it at all, and
 * one of the log-archive account still cannot delete or shorten a compliance-mode lock.
 *
 * In a separate account (`watchBucket`), the stack also watches its bucket: an EventBridge rule on
 * CloudTrail events for every call that could end or bypass the lock (policy, Object Lock
 * configuration, versioning, lifecycle, deletion — infra/constructs/admin-api-alarm.ts) goes to
 * this stack's own encrypted SNS topic, with an email subscription (`anchors.alarmEmail`, default
 * `alarmEmail`). Only that account's EventBridge sees those calls: the collector's alarm cannot.
 */
import { CfnOutput, DefaultStackSynthesizer, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { Art32Config } from '../../lib/config';
import { AdminApiAlarm } from '../constructs/admin-api-alarm';
import { AnchorBucket } from '../constructs/anchor-bucket';
import { acknowledge } from './collector-stack';

export interface AnchorStackProps extends StackProps {
  config: Art32Config;
  /** Account of the collector stack (its sealer role writes the anchors). */
  collectorAccount: string;
  bucketName: string;
  /** Watch the bucket's protection-changing calls from this stack (the bucket is in another account than the collector). */
  watchBucket?: boolean;
}

/** ARN of CloudFormation's execution role in `account`/`region` (CDK bootstrap, default qualifier). */
export function cfnExecRoleArn(partition: string, account: string, region: string): string {
  return `arn:${partition}:iam::${account}:role/cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-cfn-exec-role-${account}-${region}`;
}

export class AnchorStack extends Stack {
  public readonly anchors: AnchorBucket;
  /** The bucket's own alarm (separate account only). */
  public readonly alarm?: { topic: sns.Topic; rules: AdminApiAlarm };

  public constructor(scope: Construct, id: string, props: AnchorStackProps) {
    super(scope, id, props);
    const { config } = props;
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(accessLogs, 'AwsSolutions-S1', 'This bucket receives the anchor bucket server access logs; logging it into itself would loop.');
    this.anchors = new AnchorBucket(this, 'Anchors', {
      bucketName: props.bucketName,
      retentionDays: config.anchors.retentionDays,
      sealerRoleArn: `arn:${this.partition}:iam::${props.collectorAccount}:role/${config.sealerRoleName}`,
      // The auditor role (collector stack, fixed name) reads the anchors it compares the chain with.
      ...(config.auditors ? { readerRoleArns: [`arn:${this.partition}:iam::${props.collectorAccount}:role/${config.auditors.roleName}`] } : {}),
      breakGlassPrincipalArn: config.breakGlassPrincipalArn,
      deployRoleArn: cfnExecRoleArn(this.partition, this.account, this.region),
      accessLogs,
    });
    if (props.watchBucket) {
      const key = new kms.Key(this, 'AlarmKey', { description: 'art32: encrypts the anchor bucket alarm topic', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
      const topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'art32 anchor bucket alarms', masterKey: key, enforceSSL: true });
      const email = config.anchors.alarmEmail ?? config.alarmEmail;
      if (email) topic.addSubscription(new subscriptions.EmailSubscription(email));
      const rules = new AdminApiAlarm(this, 'AdminApiAlarm', { topic, topicKey: key, anchorBucketName: props.bucketName });
      this.alarm = { topic, rules };
      new CfnOutput(this, 'AnchorAlarmTopicArn', { value: topic.topicArn, description: 'art32 anchor bucket alarms (subscribe more endpoints here)' });
    }
  }
}
