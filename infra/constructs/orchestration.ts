/**
 * Scheduling and orchestration of a collection run:
 *
 *   EventBridge Scheduler (cron + time zone, retries, SQS dead-letter queue)
 *     → Step Functions: ListAccounts (takes the run lock) → Map (bounded concurrency) of
 *       CollectAccount → FinalizeRun (closes and counts every account, releases the lock)
 *
 * One execution at a time: ListAccounts takes the run lock (lib/evidence/run-lock.ts); an
 * execution started while another holds it WAITS (Retry on `RunLockBusy`, about 2 h in all) and, if the holder still runs, ends as refused (`RunLockBusy` Fail state) having
 * written nothing.
 *
 * Every task retries transient failures with backoff and full jitter: Lambda service errors
 * and throttling, the handlers' own transient errors (DynamoDB throttling and 5xx, the
 * store's EvidenceWriteError) and, once, a function timeout. The handlers are idempotent
 * (a retry finishes the run the earlier attempt opened, never a second copy), so retrying is
 * always safe. Per account, if CollectAccount still fails the catch invokes the same function
 * in "record failure" mode, which writes ERROR evidence for that account, and the Map goes on
 * with the other accounts: a failed account never fails the run.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { Schedule } from '../../lib/config';
import { RUN_MAX_DURATION_MS } from '../../lib/evidence/run-lock';
import { TRANSIENT_ERROR_NAMES } from '../../lib/evidence/transient-errors';

/** Lambda errors worth retrying: throttling and transient service faults, not handler bugs. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
];

/** Errors a handler throws that a later attempt can get past (Step Functions matches the name the function threw). */
export const HANDLER_TRANSIENT_ERRORS: string[] = [...TRANSIENT_ERROR_NAMES];

/**
 * A function that timed out or ran out of memory (Step Functions reports these as
 * Lambda.Unknown / Sandbox.Timedout), or a task past its own TimeoutSeconds (States.Timeout).
 */
export const LAMBDA_TIMEOUT_ERRORS = ['Lambda.Unknown', 'Sandbox.Timedout', 'States.Timeout'];

/**
 * A task's TimeoutSeconds: the function's own timeout plus a minute. Without it a Task waits
 * for ever (99999999 s) if Lambda never answers; with it the task fails as States.Timeout and
 * is retried like a function timeout.
 */
function taskTimeout(fn: lambda.Function): sfn.Timeout {
  return sfn.Timeout.duration((fn.timeout ?? Duration.seconds(3)).plus(Duration.minutes(1)));
}

/** Thrown by ListAccounts while another execution holds the run lock. */
export const RUN_LOCK_BUSY_ERROR = 'RunLockBusy';

export interface OrchestrationProps {
  schedule: Schedule;
  mapConcurrency: number;
  listAccounts: lambda.Function;
  collectAccount: lambda.Function;
  finalizeRun: lambda.Function;
  /** Optional step after FinalizeRun: the sealed run on EventBridge / Security Hub (never fails the run). */
  publishFindings?: lambda.Function;
  /**
   * Scheduled log-file activity (`activity.source` s3): the lister, the workers, the work
   * bucket holding the manifest, and how many worker batches run at once.
   */
  activityLogs?: { list: lambda.Function; read: lambda.Function; workBucket: s3.IBucket; readConcurrency: number };
  /** Encrypts the dead-letter queue. */
  key: kms.IKey;
  logRetention: logs.RetentionDays;
}

/** Thrown by a log worker on S3 throttling / 5xx past the SDK's retries (lib/activity/scheduled/read-batch.ts). */
export const ACTIVITY_LOGS_TRANSIENT_ERROR = 'ActivityLogsTransient';
/** Log objects per worker batch at most, and the batch's input size (Step Functions allows 256 KB). */
export const LOG_BATCH_MAX_ITEMS = 50;
export const LOG_BATCH_MAX_BYTES = 128 * 1024;

export function scheduleExpression(schedule: Schedule): scheduler.ScheduleExpression {
  return scheduler.ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timeZone));
}

/**
 * Retry a task on transient errors only: Lambda service errors 6 times, the handler's transient
 * errors 4 times (doubling, at most 2 min apart), a timeout once; full jitter everywhere so the
 * accounts of a Map don't retry in step.
 */
function retryTransient(task: tasks.LambdaInvoke, interval: Duration): void {
  const jitterStrategy = sfn.JitterType.FULL;
  task.addRetry({ errors: LAMBDA_TRANSIENT_ERRORS, interval, maxAttempts: 6, backoffRate: 2, jitterStrategy });
  task.addRetry({ errors: HANDLER_TRANSIENT_ERRORS, interval, maxAttempts: 4, backoffRate: 2, maxDelay: Duration.minutes(2), jitterStrategy });
  task.addRetry({ errors: LAMBDA_TIMEOUT_ERRORS, interval, maxAttempts: 1, jitterStrategy });
}

export class Orchestration extends Construct {
  /**
   * ListActivityLogs → (any file?) ReadActivityLogs (Distributed Map over the manifest,
   * ItemBatcher, Express child per batch) → `next`.
   */
  private activityLogStates(props: NonNullable<OrchestrationProps['activityLogs']>, next: sfn.IChainable): sfn.IChainable {
    const list = new tasks.LambdaInvoke(this, 'ListActivityLogs', {
      lambdaFunction: props.list,
      taskTimeout: taskTimeout(props.list),
      comment: "List the window's CloudTrail log objects of every account; write the manifest and per-account listings",
      payload: sfn.TaskInput.fromObject({ 'runId.$': '$.runId', 'startedAt.$': '$.startedAt', 'accounts.$': '$.accounts' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.activityLogs',
    });
    retryTransient(list, Duration.seconds(5));
    const notListed = new sfn.Pass(this, 'ActivityLogsNotListed', { comment: 'No listing: each account records its activity as not collected (ERROR), the run goes on' });
    list.addCatch(notListed, { errors: ['States.ALL'], resultPath: '$.activityLogsFailure' });

    const readBatch = new tasks.LambdaInvoke(this, 'ReadActivityLogBatch', {
      lambdaFunction: props.read,
      taskTimeout: taskTimeout(props.read),
      comment: "Read a batch of log files with the CLI's aggregator; write each account's partial to the work bucket",
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    retryTransient(readBatch, Duration.seconds(2));
    readBatch.addRetry({ errors: [ACTIVITY_LOGS_TRANSIENT_ERROR], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });

    const read = new sfn.DistributedMap(this, 'ReadActivityLogs', {
      comment: 'One Express child execution per batch of log files, at most readConcurrency at a time; a lost batch shows as files not read',
      itemReader: new sfn.S3JsonLItemReader({ bucket: props.workBucket, key: sfn.JsonPath.stringAt('$.activityLogs.manifest.key') }),
      itemBatcher: new sfn.ItemBatcher({
        maxItemsPerBatch: LOG_BATCH_MAX_ITEMS,
        maxInputBytesPerBatch: LOG_BATCH_MAX_BYTES,
        batchInput: { 'runId.$': '$.runId', 'startedAt.$': '$.startedAt' },
      }),
      maxConcurrency: props.readConcurrency,
      mapExecutionType: sfn.StateMachineType.EXPRESS,
      toleratedFailurePercentage: 100,
      resultPath: sfn.JsonPath.DISCARD,
    });
    read.itemProcessor(readBatch);
    const notRead = new sfn.Pass(this, 'ActivityLogsNotRead', { comment: 'The map could not run (e.g. manifest unreadable): the accounts record the files as not read' });
    read.addCatch(notRead, { errors: ['States.ALL'], resultPath: '$.activityLogsFailure' });
    read.next(next);
    notRead.next(next);
    notListed.next(next);

    const anyFile = new sfn.Choice(this, 'AnyActivityLogs', { comment: 'An empty manifest has nothing to read' })
      .when(sfn.Condition.numberGreaterThan('$.activityLogs.files', 0), read)
      .otherwise(next);
    return list.next(anyFile);
  }

  public readonly stateMachine: sfn.StateMachine;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly schedulerRole: iam.Role;
  public readonly schedule: scheduler.Schedule;

  public constructor(scope: Construct, id: string, props: OrchestrationProps) {
    super(scope, id);

    const listAccounts = new tasks.LambdaInvoke(this, 'ListAccounts', {
      lambdaFunction: props.listAccounts,
      taskTimeout: taskTimeout(props.listAccounts),
      comment: 'Take the run lock; accounts of this run (configured list or ACTIVE organisation accounts)',
      payload: sfn.TaskInput.fromObject({ 'executionName.$': '$$.Execution.Name', 'startedAt.$': '$$.Execution.StartTime' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    retryTransient(listAccounts, Duration.seconds(2));
    // Another execution holds the run lock: wait for it (1, 2, 4, 8 then every 10 min: 14
    // retries, about 2 h), then give up without having written anything.
    listAccounts.addRetry({ errors: [RUN_LOCK_BUSY_ERROR], interval: Duration.minutes(1), maxAttempts: 14, backoffRate: 2, maxDelay: Duration.minutes(10) });
    const refused = new sfn.Fail(this, 'RunRefusedLockBusy', {
      comment: 'Another execution holds the run lock: this one collected nothing',
      error: RUN_LOCK_BUSY_ERROR,
      causePath: '$.lockBusy.Cause',
    });
    listAccounts.addCatch(refused, { errors: [RUN_LOCK_BUSY_ERROR], resultPath: '$.lockBusy' });

    const collect = new tasks.LambdaInvoke(this, 'CollectAccount', {
      lambdaFunction: props.collectAccount,
      taskTimeout: taskTimeout(props.collectAccount),
      comment: 'Assume the member role, collect, evaluate, write evidence',
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    retryTransient(collect, Duration.seconds(5));

    const recordFailure = new tasks.LambdaInvoke(this, 'RecordCollectFailure', {
      lambdaFunction: props.collectAccount,
      taskTimeout: taskTimeout(props.collectAccount),
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

    // A Distributed Map: each account is a child execution, so the run's own history and state
    // stay small whatever the number of accounts (an inline Map carries every result in one
    // 256 KB state and its events in one 25,000-event history). Results are discarded: FinalizeRun
    // reads each account's outcome from the store, the record an auditor will verify.
    const forEachAccount = new sfn.DistributedMap(this, 'ForEachAccount', {
      comment: 'One child execution per account, at most mapConcurrency at a time; a failed account never fails the run',
      itemsPath: '$.accounts',
      maxConcurrency: props.mapConcurrency,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      // Each item catches its own failure and records it as evidence; 100 % keeps even an
      // unforeseen item failure (e.g. a child execution that could not start) from failing the run.
      toleratedFailurePercentage: 100,
      itemSelector: { 'accountId.$': '$$.Map.Item.Value', 'runId.$': '$.runId', 'startedAt.$': '$.startedAt' },
      resultPath: sfn.JsonPath.DISCARD,
    });
    forEachAccount.itemProcessor(collect);

    // The execution's output is FinalizeRun's bounded summary (counts, problems by name): with a
    // publish step it lands under $.finalized first, so PublishFindings still gets the run's
    // full account list, then becomes the output (OutputPath).
    const finalize = new tasks.LambdaInvoke(this, 'FinalizeRun', {
      lambdaFunction: props.finalizeRun,
      taskTimeout: taskTimeout(props.finalizeRun),
      comment: 'Close and count every account of the run (sealed / incomplete / failed), publish run metrics, release the run lock',
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      ...(props.publishFindings ? { resultPath: '$.finalized' } : {}),
    });
    retryTransient(finalize, Duration.seconds(2));

    // Publishing comes after sealing and never changes the run's outcome: a failure is retried,
    // then caught (the function's PublishFailures metric and error alarm make it loud).
    if (props.publishFindings) {
      const publish = new tasks.LambdaInvoke(this, 'PublishFindings', {
        lambdaFunction: props.publishFindings,
        taskTimeout: taskTimeout(props.publishFindings),
        comment: 'Put the sealed run on EventBridge and into Security Hub (read-only on evidence)',
        payload: sfn.TaskInput.fromObject({ 'runId.$': '$.runId', 'accounts.$': '$.accounts' }),
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        resultPath: '$.finalized.published',
        outputPath: '$.finalized',
      });
      retryTransient(publish, Duration.seconds(2));
      publish.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(30), maxAttempts: 2, backoffRate: 2 });
      const unpublished = new sfn.Pass(this, 'PublishFailed', { comment: 'Evidence is sealed; publishing failed (alarmed): the run still succeeds', outputPath: '$.finalized' });
      publish.addCatch(unpublished, { errors: ['States.ALL'], resultPath: '$.finalized.publishFailure' });
      finalize.next(publish);
    }

    // Scheduled log-file activity: list the window's log objects, read them in batches (each
    // worker writes per-account partials to the work bucket), then the accounts' evaluations
    // merge them. Neither step can fail the run: a failure leaves accounts without a listing or
    // with files not read, which their evaluation records (ERROR / partial, never PASS).
    let afterListAccounts: sfn.IChainable = forEachAccount;
    if (props.activityLogs) {
      forEachAccount.next(finalize);
      afterListAccounts = this.activityLogStates(props.activityLogs, forEachAccount);
    }

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', { retention: props.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'CollectionRun', {
      comment: 'art32 collection run: list accounts, collect each (bounded), finalize',
      definitionBody: sfn.DefinitionBody.fromChainable(props.activityLogs ? listAccounts.next(afterListAccounts) : listAccounts.next(forEachAccount).next(finalize)),
      // The run lock's lease outlives this (lib/evidence/run-lock.ts).
      timeout: Duration.millis(RUN_MAX_DURATION_MS),
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
