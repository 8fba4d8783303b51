/**
 * Failure alarms → one SNS topic (KMS-encrypted, TLS-only, optional email subscription).
 * A run that fails, a function that errors, an event the scheduler couldn't deliver:
 * each is a missed collection, i.e. a gap in the evidence an auditor will ask about.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface AlarmsProps {
  key: kms.IKey;
  email?: string;
  stateMachine: sfn.IStateMachine;
  functions: Record<string, lambda.IFunction>;
  deadLetterQueue: sqs.IQueue;
}

export class Alarms extends Construct {
  public readonly topic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];

  public constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'art32 alarms', masterKey: props.key, enforceSSL: true });
    // CloudWatch publishes to an encrypted topic only if it may use the key.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        // Only for alarms of this account (confused deputy: another account's alarm cannot
        // make CloudWatch use this key).
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': `arn:${Stack.of(this).partition}:cloudwatch:${Stack.of(this).region}:${Stack.of(this).account}:alarm:*` },
        },
      }),
    );
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    const period = Duration.minutes(5);
    this.add('RunFailed', 'A collection run failed', props.stateMachine.metricFailed({ period, statistic: 'Sum' }));
    this.add('RunTimedOut', 'A collection run timed out', props.stateMachine.metricTimedOut({ period, statistic: 'Sum' }));
    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}Errors`, `The ${name} function reported errors`, fn.metricErrors({ period, statistic: 'Sum' }));
    }
    this.add(
      'ScheduleDeadLetters',
      'EventBridge Scheduler could not start a run (event in the dead-letter queue)',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
    );
  }

  private add(id: string, description: string, metric: cloudwatch.IMetric): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: `art32: ${description}`,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
