/**
 * The admin-API alarm: an EventBridge rule on CloudTrail management events ("AWS API Call via
 * CloudTrail") for every call that could quietly undo an evidence protection — on the evidence
 * table (its resource policy, backups, TTL, settings, deletion), on the two KMS keys (the
 * manifest signing key and the table's encryption key: disabled, scheduled for deletion,
 * re-policied, granted, aliased) and on the anchor bucket (policy, Object Lock configuration,
 * versioning, lifecycle) — sent to the ops SNS topic.
 *
 * The policies deny these calls to everyone but break-glass (and CloudFormation's execution role
 * where a stack update needs it); this rule makes every such call LOUD, the allowed ones
 * included: a break-glass session or a stack update that changes a protection is news to the
 * people who rely on the evidence. A call the policies refuse is reported too (CloudTrail
 * records refused calls with an errorCode), so an attempt is seen as well as a success.
 *
 * Prerequisite (AWS): EventBridge receives CloudTrail management events only when a trail
 * logs management events in the Region (docs/deploy.md).
 */
import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** DynamoDB calls that change what protects the evidence table (CloudTrail eventName). */
export const WATCHED_TABLE_CALLS = ['PutResourcePolicy', 'DeleteResourcePolicy', 'UpdateContinuousBackups', 'UpdateTimeToLive', 'UpdateTable', 'DeleteTable'] as const;
/** KMS calls that stop or re-open signing, or lock the table's data away. */
export const WATCHED_KEY_CALLS = ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'CreateGrant', 'RetireGrant', 'RevokeGrant', 'UpdateAlias', 'DeleteAlias'] as const;
/** S3 calls that could end or bypass the anchors' WORM lock (CloudTrail names; PutLifecycleConfiguration is logged as PutBucketLifecycle). */
export const WATCHED_BUCKET_CALLS = ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketObjectLockConfiguration', 'PutBucketVersioning', 'PutBucketLifecycle', 'DeleteBucketLifecycle', 'DeleteBucket'] as const;

export interface AdminApiAlarmProps {
  topic: sns.ITopic;
  /** The topic's KMS key: EventBridge needs it to publish to an encrypted topic. */
  topicKey: kms.IKey;
  table?: { name: string; arn: string };
  keyArns?: string[];
  /** The anchor bucket, when it lives in this account (else its own stack watches it). */
  anchorBucketName?: string;
}

export class AdminApiAlarm extends Construct {
  public readonly rules: events.Rule[] = [];

  public constructor(scope: Construct, id: string, props: AdminApiAlarmProps) {
    super(scope, id);
    const apiCall = (source: string, eventSource: string, eventNames: readonly string[], detail: Record<string, unknown>): events.EventPattern => ({
      source: [source],
      detailType: ['AWS API Call via CloudTrail'],
      detail: { eventSource: [eventSource], eventName: [...eventNames], ...detail },
    });
    if (props.table) {
      // UpdateTable & co. name the table; the resource-policy calls name its ARN (or a stream's under it).
      this.add('TableProtectionChanged', 'a call changed (or tried to change) the evidence table protections', apiCall('aws.dynamodb', 'dynamodb.amazonaws.com', WATCHED_TABLE_CALLS, {
        $or: [{ requestParameters: { tableName: [props.table.name] } }, { requestParameters: { resourceArn: [{ prefix: props.table.arn }] } }],
      }), props);
    }
    if (props.keyArns?.length) {
      this.add('KeyProtectionChanged', 'a call changed (or tried to change) the manifest signing key or the evidence key', apiCall('aws.kms', 'kms.amazonaws.com', WATCHED_KEY_CALLS, {
        resources: { ARN: [...props.keyArns] },
      }), props);
    }
    if (props.anchorBucketName) {
      this.add('AnchorBucketChanged', 'a call changed (or tried to change) the anchor bucket lock, policy or versioning', apiCall('aws.s3', 's3.amazonaws.com', WATCHED_BUCKET_CALLS, {
        requestParameters: { bucketName: [props.anchorBucketName] },
      }), props);
    }
    // EventBridge publishes to a KMS-encrypted topic only if it may use the key, for this account's rules only.
    const stack = Stack.of(this);
    props.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeAdminApiRulesPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/*` },
        },
      }),
    );
  }

  private add(id: string, description: string, eventPattern: events.EventPattern, props: AdminApiAlarmProps): void {
    const rule = new events.Rule(this, id, { description: `art32: ${description}`, eventPattern });
    rule.addTarget(new targets.SnsTopic(props.topic));
    this.rules.push(rule);
  }
}
