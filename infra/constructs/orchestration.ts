/**
 * Scheduling and orchestration of a collection run:
 *
 *   EventBridge Scheduler (cron + time zone, retries, SQS dead-letter queue)
 *     → Step Functions: ListAccounts → Map (bounded concurrency) of CollectAccount → FinalizeRun
 *
 * Per account, CollectAccount retries Lambda throttling/service errors; if it still fails
 * the catch invokes the same function in "record failure" mode, which writes an ERROR
 * evidence record for that account, and the Map goes on with the other accounts.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { Schedule } from '../../lib/config';

/** Lambda errors worth retrying: throttling and transient service faults, not handler bugs. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
];

export interface OrchestrationProps {
  schedule: Schedule;
  mapConcurrency: number;
  listAccounts: lambda.IFunction;
  collectAccount: lambda.IFunction;
  finalizeRun: lambda.IFunction;
  /** Encrypts the dead-letter queue. */
  key: kms.IKey;
  logRetention: logs.RetentionDays;
}

export function scheduleExpression(schedule: Schedule): scheduler.ScheduleExpression {
  return scheduler.ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timeZone));
}

/** Retry a task's Lambda invocation on transient errors only: 6 attempts, doubling, full jitter. */
function retryTransient(task: tasks.LambdaInvoke, interval: Duration): void {
  task.addRetry({ errors: LAMBDA_TRANSIENT_ERRORS, interval, maxAttempts: 6, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
}

export class Orchestration extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly schedulerRole: iam.Role;
  public readonly schedule: scheduler.Schedule;

  public constructor(scope: Construct, id: string, props: OrchestrationProps) {
    super(scope, id);

    const listAccounts = new tasks.LambdaInvoke(this, 'ListAccounts', {
      lambdaFunction: props.listAccounts,
      comment: 'Accounts of this run (configured list or ACTIVE organisation accounts)',
      payload: sfn.TaskInput.fromObject({ 'executionName.$': '$$.Execution.Name', 'startedAt.$': '$$.Execution.StartTime' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    retryTransient(listAccounts, Duration.seconds(2));

    const collect = new tasks.LambdaInvoke(this, 'CollectAccount', {
      lambdaFunction: props.collectAccount,
      comment: 'Assume the member role, collect, evaluate, write evidence',
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    retryTransient(collect, Duration.seconds(5));

    const recordFailure = new tasks.LambdaInvoke(this, 'RecordCollectFailure', {
      lambdaFunction: props.collectAccount,
      comment: 'Write an ERROR evidence record for the account whose collection failed',
      payload: sfn.TaskInput.fromObject({
        'accountId.$': '$.accountId',
        'runId.$': '$.runId',
        'startedAt.$': '$.startedAt',
        'failure.$': '$.failure',
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    retryTransient(recordFailure, Duration.seconds(5));
    // Last resort: not even the ERROR record could be written. The run goes on; finalize
    // counts the account as unrecorded and the evidence-continuity rule flags the gap.
    const unrecorded = new sfn.Pass(this, 'AccountUnrecorded', {
      parameters: { 'accountId.$': '$.accountId', status: 'UNRECORDED', 'failure.$': '$.failure' },
    });
    recordFailure.addCatch(unrecorded, { errors: ['States.ALL'], resultPath: '$.failure' });
    collect.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

    const forEachAccount = new sfn.Map(this, 'ForEachAccount', {
      comment: 'One iteration per account, at most mapConcurrency at a time',
      itemsPath: '$.accounts',
      maxConcurrency: props.mapConcurrency,
      itemSelector: { 'accountId.$': '$$.Map.Item.Value', 'runId.$': '$.runId', 'startedAt.$': '$.startedAt' },
      resultPath: '$.results',
    });
    forEachAccount.itemProcessor(collect);

    const finalize = new tasks.LambdaInvoke(this, 'FinalizeRun', {
      lambdaFunction: props.finalizeRun,
      comment: 'Check each account has a manifest, publish run metrics',
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    retryTransient(finalize, Duration.seconds(2));

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', { retention: props.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'CollectionRun', {
      comment: 'art32 collection run: list accounts, collect each (bounded), finalize',
      definitionBody: sfn.DefinitionBody.fromChainable(listAccounts.next(forEachAccount).next(finalize)),
      timeout: Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    this.deadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.stateMachine.stack.account } },
      }),
      description: 'EventBridge Scheduler: start art32 runs, send undeliverable events to the DLQ',
    });
    // Sending to a KMS-encrypted queue needs the key; the target grants sqs:SendMessage itself.
    props.key.grant(this.schedulerRole, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.schedule = new scheduler.Schedule(this, 'DailyCollection', {
      description: `art32 collection run (${props.schedule.expression} ${props.schedule.timeZone})`,
      schedule: scheduleExpression(props.schedule),
      target: new targets.StepFunctionsStartExecution(this.stateMachine, {
        role: this.schedulerRole,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(6),
      }),
    });
  }
}
