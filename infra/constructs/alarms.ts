/**
 * Failure alarms → one SNS topic (KMS-encrypted, TLS-only, the `alarmEmail` subscription).
 * A run that fails, a function that errors, an event the scheduler couldn't deliver, an
 * account whose run did not end sealed and complete, no sealed run for 26 h, a weekly report
 * that could not be delivered: each is a missed collection or a silent failure, i.e. a gap in
 * the evidence an auditor will ask about. docs/deploy.md ("Operations") says what to do on each.
 *
 * The run metrics are the ones the handlers publish with Powertools (namespace `Art32`,
 * dimension `service` = the function's service name); the alarms name exactly those.
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
  /** Subscribed to the topic; undefined only with the explicit `"alarms": "none"` opt-out. */
  email?: string;
  stateMachine: sfn.IStateMachine;
  functions: Record<string, lambda.IFunction>;
  deadLetterQueue: sqs.IQueue;
  /** Where failed weekly-report invocations land (the report function's on-failure destination). */
  reportFailureQueue?: sqs.IQueue;
}

/** Metrics namespace and the `service` dimension Powertools gives each function's metrics. */
export interface RunMetricsSource {
  namespace: string;
  finalizeService: string;
}

/** An expected account with no sealed, successful collection for this long is an alarm (finalize-run's CONTINUITY_HOURS). */
export const NO_SEALED_RUN_HOURS = 26;

export class Alarms extends Construct {
  public readonly topic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];

  public constructor(scope: Construct, id: string, props: AlarmsProps & { metrics: RunMetricsSource }) {
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
    if (props.reportFailureQueue) {
      this.add(
        'ReportDeliveryFailed',
        'The weekly report function failed after its retries (event in the report failure queue)',
        props.reportFailureQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      );
    }

    // Per-run outcomes published by FinalizeRun (functions/finalize-run/handler.ts), once per run.
    const hour = Duration.hours(1);
    const run = (metricName: string, service: string) =>
      new cloudwatch.Metric({ namespace: props.metrics.namespace, metricName, dimensionsMap: { service }, statistic: 'Sum', period: hour });
    const finalize = (metricName: string) => run(metricName, props.metrics.finalizeService);
    this.add('AccountsCollectionFailed', 'An account of a run could not be collected (member role denied, collection failed): sealed as a failed collection', finalize('AccountsCollectionFailed'));
    this.add('AccountsUnrecorded', 'An account of a run has no sealed run at all (not even the failure could be recorded)', finalize('AccountsUnrecorded'));
    this.add('AccountsSealedIncomplete', 'An account\'s run was interrupted and sealed INCOMPLETE (the gap is in its manifest)', finalize('AccountsSealedIncomplete'));
    this.add('AccountsWithoutSealedRun', `An expected account has no sealed, successful collection in the last ${NO_SEALED_RUN_HOURS} h`, finalize('AccountsWithoutSealedRun'));
    this.add(
      'SealsRefused',
      'The sealer refused to seal an account\'s run: its stored records do not match what the run planned (altered or inserted after writing); see FinalizeRun logs "seal refused"',
      finalize('SealsRefused'),
    );
    // The run itself never happened or never finished: nothing sealed for 26 hourly periods,
    // missing data counting as breaching (no run = no datapoint).
    this.add('NoSealedRun', `No account sealed a run in ${NO_SEALED_RUN_HOURS} h (no run, or every run failed)`, finalize('AccountsSealed'), {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: NO_SEALED_RUN_HOURS,
      datapointsToAlarm: NO_SEALED_RUN_HOURS,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }

  private add(id: string, description: string, metric: cloudwatch.IMetric, options: Partial<cloudwatch.AlarmProps> = {}): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: `art32: ${description}`,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...options,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
