/**
 * Scheduling and orchestration of a collection run:
 *
 *   EventBridge Scheduler (cron + time zone, retries, SQS dead-letter queue)
 *     → Step Functions: ListAccounts (takes the run lock, writes the account list to the work
 *       bucket) → Distributed Map (ItemReader over that list, bounded concurrency, ResultWriter)
 *       of CollectAccount → FinalizeRun (closes and counts every account, releases the lock)
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
import { WORK_RESULTS_PREFIX } from './work-bucket';

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
function taskTimeout(fn: { timeout?: Duration }): sfn.Timeout {
  return sfn.Timeout.duration((fn.timeout ?? Duration.seconds(3)).plus(Duration.minutes(1)));
}

/** Thrown by ListAccounts while another execution holds the run lock. */
export const RUN_LOCK_BUSY_ERROR = 'RunLockBusy';

export interface OrchestrationProps {
  schedule: Schedule;
  /** Account child executions at once (config `mapConcurrency`). */
  mapConcurrency: number;
  /** Failed account child executions tolerated before the fan-out stops (config `mapToleratedFailurePercentage`). */
  mapToleratedFailurePercentage: number;
  /** The run work bucket: the account list the fan-out reads, the results it writes (infra/constructs/work-bucket.ts). */
  workBucket: s3.IBucket;
  listAccounts: lambda.Function;
  collectAccount: lambda.Function;
  finalizeRun: lambda.Function;
  /** Optional step after FinalizeRun: the sealed run on EventBridge / Security Hub (never fails the run). */
  publishFindings?: lambda.Function;
  /**
   * Scheduled log-file activity (`activity.source` s3): the lister, the workers, the work
   * bucket holding the manifest, and how many worker batches run at once.
   */
  activityLogs?: { list: lambda.Function; read: lambda.Function; readConcurrency: number };
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

/** A LambdaInvoke's own options: everything but what every task of this state machine sets alike. */
type InvokeOptions = Omit<tasks.LambdaInvokeProps, 'lambdaFunction' | 'taskTimeout' | 'payloadResponseOnly' | 'retryOnServiceExceptions'>;

/**
 * A Lambda task as every task here is: the function's own result as output (payloadResponseOnly),
 * a TimeoutSeconds a minute past the function's timeout, and this file's retries
 * (retryTransient) instead of CDK's default service-exception retry.
 */
function invokeTask(scope: Construct, id: string, fn: lambda.IFunction & { timeout?: Duration }, options: InvokeOptions, retryInterval: Duration): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, { ...options, lambdaFunction: fn, taskTimeout: taskTimeout(fn), payloadResponseOnly: true, retryOnServiceExceptions: false });
  retryTransient(task, retryInterval);
  return task;
}

export class Orchestration extends Construct {
  /**
   * ListActivityLogs → (any file?) ReadActivityLogs (Distributed Map over the manifest,
   * ItemBatcher, Express child per batch) → `next`.
   */
  private activityLogStates(props: NonNullable<OrchestrationProps['activityLogs']>, workBucket: s3.IBucket, next: sfn.IChainable): sfn.IChainable {
    const list = invokeTask(this, 'ListActivityLogs', props.list, {
      comment: "List the window's CloudTrail log objects of every account; write the manifest and per-account listings",
      payload: sfn.TaskInput.fromObject({ 'runId.$': '$.runId', 'startedAt.$': '$.startedAt', 'accountList.$': '$.accountList' }),
      resultPath: '$.activityLogs',
    }, Duration.seconds(5));
    const notListed = new sfn.Pass(this, 'ActivityLogsNotListed', { comment: 'No listing: each account records its activity as not collected (ERROR), the run goes on' });
    list.addCatch(notListed, { errors: ['States.ALL'], resultPath: '$.activityLogsFailure' });

    const readBatch = invokeTask(this, 'ReadActivityLogBatch', props.read, {
      comment: "Read a batch of log files with the CLI's aggregator; write each account's partial to the work bucket",
    }, Duration.seconds(2));
    readBatch.addRetry({ errors: [ACTIVITY_LOGS_TRANSIENT_ERROR], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });

    const read = new sfn.DistributedMap(this, 'ReadActivityLogs', {
      comment: 'One Express child execution per batch of log files, at most readConcurrency at a time; a lost batch shows as files not read',
      itemReader: new sfn.S3JsonLItemReader({ bucket: workBucket, key: sfn.JsonPath.stringAt('$.activityLogs.manifest.key') }),
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
    // CDK renders a DistributedMap's resultWriterV2 only with this flag (its ResultWriter v1 is
    // deprecated); set here, before any state exists, for this construct's states only.
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);

    const listAccounts = invokeTask(this, 'ListAccounts', props.listAccounts, {
      comment: 'Take the run lock; accounts of this run (configured list or ACTIVE organisation accounts)',
      payload: sfn.TaskInput.fromObject({ 'executionName.$': '$$.Execution.Name', 'startedAt.$': '$$.Execution.StartTime' }),
    }, Duration.seconds(2));
    // Another execution holds the run lock: wait for it (1, 2, 4, 8 then every 10 min: 14
    // retries, about 2 h), then give up without having written anything.
    listAccounts.addRetry({ errors: [RUN_LOCK_BUSY_ERROR], interval: Duration.minutes(1), maxAttempts: 14, backoffRate: 2, maxDelay: Duration.minutes(10) });
    const refused = new sfn.Fail(this, 'RunRefusedLockBusy', {
      comment: 'Another execution holds the run lock: this one collected nothing',
      error: RUN_LOCK_BUSY_ERROR,
      causePath: '$.lockBusy.Cause',
    });
    listAccounts.addCatch(refused, { errors: [RUN_LOCK_BUSY_ERROR], resultPath: '$.lockBusy' });

    const collect = invokeTask(this, 'CollectAccount', props.collectAccount, {
      comment: 'Assume the member role, collect, evaluate, write evidence',
    }, Duration.seconds(5));

    const recordFailure = invokeTask(this, 'RecordCollectFailure', props.collectAccount, {
      comment: 'Write an ERROR evidence record for the account whose collection failed',
      payload: sfn.TaskInput.fromObject({
        'accountId.$': '$.accountId',
        'runId.$': '$.runId',
        'startedAt.$': '$.startedAt',
        'failure.$': '$.failure',
      }),
    }, Duration.seconds(5));
    // Last resort: not even the ERROR record could be written. The run goes on; finalize
    // counts the account as unrecorded and the evidence-continuity rule flags the gap.
    const unrecorded = new sfn.Pass(this, 'AccountUnrecorded', {
      parameters: { 'accountId.$': '$.accountId', status: 'UNRECORDED', 'failure.$': '$.failure' },
    });
    recordFailure.addCatch(unrecorded, { errors: ['States.ALL'], resultPath: '$.failure' });
    collect.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

    // A Distributed Map: each account is a child execution, so the run's own history and state
    // stay small whatever the number of accounts (an inline Map carries every result in one
    // 256 KB state and its events in one 25,000-event history).
    // - Items: ListAccounts' list in the work bucket (ItemReader); the state carries only its key,
    //   where the ids themselves reach 256 KB near 15,000 accounts.
    // - One account per child, no ItemBatcher: an account's collection with its retries can take
    //   far more than an Express child's 5 minutes, so children are STANDARD, which are billed per
    //   state transition, not per execution: a batch would save one transition per account and add
    //   an inline Map's own, and one account per child keeps its retries, history and redrive its own.
    // - Results go to the work bucket (ResultWriter), never into the state; FinalizeRun reads each
    //   account's outcome from the store (the record an auditor will verify) and the results
    //   manifest only to name child executions that failed and why.
    const forEachAccount = new sfn.DistributedMap(this, 'ForEachAccount', {
      comment: 'One child execution per account, at most mapConcurrency at a time; a failed account never fails the run',
      itemReader: new sfn.S3JsonItemReader({ bucket: props.workBucket, key: sfn.JsonPath.stringAt('$.accountList.key') }),
      maxConcurrency: props.mapConcurrency,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      // Each item catches its own failure and records it as evidence: a child fails only if it
      // could not run at all. Above the tolerated percentage the fan-out stops starting children;
      // the Catch below still finalizes the run.
      toleratedFailurePercentage: props.mapToleratedFailurePercentage,
      itemSelector: { 'accountId.$': '$$.Map.Item.Value', 'runId.$': '$.runId', 'startedAt.$': '$.startedAt' },
      resultWriterV2: new sfn.ResultWriterV2({ bucket: props.workBucket, prefix: WORK_RESULTS_PREFIX }),
      resultPath: '$.accountResults',
    });
    forEachAccount.itemProcessor(collect);

    // The execution's output is FinalizeRun's bounded summary (counts, problems by name): with a
    // publish step it lands under $.finalized first, so PublishFindings still gets the run's
    // account list (its key), then becomes the output (OutputPath).
    const finalize = invokeTask(this, 'FinalizeRun', props.finalizeRun, {
      comment: 'Close and count every account of the run (sealed / incomplete / failed), publish run metrics, release the run lock',
      ...(props.publishFindings ? { resultPath: '$.finalized' } : {}),
    }, Duration.seconds(2));

    // Publishing comes after sealing and never changes the run's outcome: a failure is retried,
    // then caught (the function's PublishFailures metric and error alarm make it loud).
    if (props.publishFindings) {
      const publish = invokeTask(this, 'PublishFindings', props.publishFindings, {
        comment: 'Put the sealed run on EventBridge and into Security Hub (read-only on evidence)',
        payload: sfn.TaskInput.fromObject({ 'runId.$': '$.runId', 'accountList.$': '$.accountList' }),
        resultPath: '$.finalized.published',
        outputPath: '$.finalized',
      }, Duration.seconds(2));
      publish.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(30), maxAttempts: 2, backoffRate: 2 });
      const unpublished = new sfn.Pass(this, 'PublishFailed', { comment: 'Evidence is sealed; publishing failed (alarmed): the run still succeeds', outputPath: '$.finalized' });
      publish.addCatch(unpublished, { errors: ['States.ALL'], resultPath: '$.finalized.publishFailure' });
      finalize.next(publish);
    }

    // Scheduled log-file activity: list the window's log objects, read them in batches (each
    // worker writes per-account partials to the work bucket), then the accounts' evaluations
    // merge them. Neither step can fail the run: a failure leaves accounts without a listing or
    // with files not read, which their evaluation records (ERROR / partial, never PASS).
    // The fan-out stopped (tolerated failures exceeded, or its items unreadable): the run still
    // finalizes — accounts never reached are UNRECORDED, and the result says why it stopped.
    const fanOutStopped = new sfn.Pass(this, 'AccountFanOutStopped', { comment: 'The account fan-out stopped early: finalize seals what was written and counts the rest' });
    forEachAccount.addCatch(fanOutStopped, { errors: ['States.ALL'], resultPath: '$.accountsFailure' });
    fanOutStopped.next(finalize);

    let afterListAccounts: sfn.IChainable = forEachAccount;
    if (props.activityLogs) {
      forEachAccount.next(finalize);
      afterListAccounts = this.activityLogStates(props.activityLogs, props.workBucket, forEachAccount);
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
