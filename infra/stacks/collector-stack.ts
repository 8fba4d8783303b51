/**
 * The collector stack, deployed once in the security/audit account:
 * evidence table, the four functions, the daily run and the weekly report schedules,
 * alarms. Read top to bottom: least privilege (every grant is here, exact actions on
 * exact ARNs), retention (table + keys retained), scheduling (Orchestration).
 */
import { CfnOutput, Duration, Lazy, RemovalPolicy, Stack, Tags, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import {
  COLLECT_ACCOUNT_TIMEOUT_SECONDS,
  collectAccountEnvironment,
  finalizeRunEnvironment,
  listAccountsEnvironment,
  METRICS_NAMESPACE,
  sendReportEnvironment,
  serviceName,
  trailPrefix,
  type Art32Config,
} from '../../lib/config';
import { ActivityLogs } from '../constructs/activity-logs';
import { RunWorkBucket, WORK_RESULTS_PREFIX } from '../constructs/work-bucket';
import { ACCOUNT_LIST_PREFIX } from '../../lib/run/account-list';
import { Alarms } from '../constructs/alarms';
import { AdminApiAlarm } from '../constructs/admin-api-alarm';
import { PROTECTION_TAG } from './guardrails-stack';
import { Art32Function } from '../constructs/art32-function';
import { AuditorRole } from '../constructs/auditor-role';
import { EvidenceTable } from '../constructs/evidence-table';
import { REPORTS_PK } from '../../lib/evidence/table';
import { ANCHOR_PREFIX } from '../constructs/anchor-bucket';
import { ManifestSigningKey } from '../constructs/manifest-signing-key';
import { cfnExecRoleArn } from './anchor-stack';
import { Orchestration, scheduleExpression } from '../constructs/orchestration';
import { PublishFindings } from '../constructs/publish-findings';
import { PseudonymKey } from '../constructs/pseudonym-key';

export interface CollectorStackProps extends StackProps {
  config: Art32Config;
  /** Name of the anchor bucket (Art32Anchors stack, possibly in another account). */
  anchorBucketName: string;
  /** Watch the anchor bucket's admin calls here (default): false when it lives in another account, whose stack watches it. */
  watchAnchorBucket?: boolean;
}

/** X-Ray has no resource-level permissions: PutTraceSegments/PutTelemetryRecords need `*`. */
const XRAY_REASON = 'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (Resource must be *).';

export class CollectorStack extends Stack {
  public readonly evidence: EvidenceTable;
  public readonly signingKey: ManifestSigningKey;
  public readonly functions: Record<'listAccounts' | 'collectAccount' | 'finalizeRun', Art32Function> & { sendReport?: Art32Function; publishFindings?: Art32Function };
  public readonly orchestration: Orchestration;
  public readonly alarms: Alarms;
  public readonly adminApiAlarm: AdminApiAlarm;
  public readonly auditor?: AuditorRole;
  /** The HMAC key of `report.pseudonymise` (absent when the email names people in clear). */
  public readonly pseudonymKey?: PseudonymKey;
  /** Scheduled log-file activity (activity source s3). */
  public readonly activityLogs?: ActivityLogs;
  /** The run work bucket (account lists, fan-out results, activity partials). */
  public readonly work: RunWorkBucket;

  public constructor(scope: Construct, id: string, props: CollectorStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.evidence = new EvidenceTable(this, 'Evidence', {
      tableName: config.tableName,
      breakGlassPrincipalArn: config.breakGlassPrincipalArn,
      deployRoleArn: cfnExecRoleArn(this.partition, this.account, this.region),
    });
    const tableName = this.evidence.table.tableName;

    // Operational key: dead-letter queue and alarm topic (evidence has its own key).
    // RETAIN: messages of the dead-letter queue and alarm topic stay readable after the stack is
    // deleted (and CloudFormation never schedules a key deletion an operator did not decide).
    const opsKey = new kms.Key(this, 'OpsKey', { description: 'art32 dead-letter queue and alarm topic', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });

    // ---- the run work bucket: account list, fan-out results, activity log partials (never evidence)
    this.work = new RunWorkBucket(this, 'Work');
    const workBucket = this.work.bucket;
    const workObjectsAck = (prefix: string) => `AwsSolutions-IAM5[Resource::<${this.getLogicalId(workBucket.node.defaultChild as CfnElement)}.Arn>/${prefix}*]`;
    acknowledge(
      workBucket,
      'AwsSolutions-S1',
      "Transient working data of the runs (account lists, the account fan-out's results, listings and partial aggregates of log files; expired after 7 days), written and read only by this stack's roles; nothing in it is evidence (each account's sealed record is), and every write of evidence it leads to is in the table and its anchors.",
    );

    // ---- list accounts
    const listAccounts = new Art32Function(this, 'ListAccounts', {
      name: 'list-accounts',
      description: 'art32: accounts of a run (configured list or ACTIVE organisation accounts)',
      environment: listAccountsEnvironment(config, tableName, workBucket.bucketName),
      timeout: Duration.minutes(1),
      memorySize: 256,
      logRetention,
    });
    // One execution at a time: ListAccounts takes the run lock, FinalizeRun releases it.
    this.evidence.grantRunLock(listAccounts.role);
    this.work.grantWriteAccountList(listAccounts.role);
    acknowledge(listAccounts.role, workObjectsAck(ACCOUNT_LIST_PREFIX), "One account list per run (accounts/<run id>.json, named at run time): PutObject under accounts/ of this stack's work bucket only.");
    if (config.accounts.mode === 'organization') {
      listAccounts.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['organizations:ListAccounts'], resources: ['*'] }));
      acknowledge(listAccounts.role, 'AwsSolutions-IAM5[Resource::*]', `${XRAY_REASON} organizations:ListAccounts supports no resource-level permissions either.`);
    } else {
      acknowledge(listAccounts.role, 'AwsSolutions-IAM5[Resource::*]', XRAY_REASON);
    }

    // ---- scheduled log-file activity (optional): lister, workers, work bucket
    const activity = config.activity;
    if (activity.source === 's3') {
      this.activityLogs = new ActivityLogs(this, 'ActivityLogs', { activity, workBucket, logRetention });
      const { list, read } = this.activityLogs;
      this.work.grantReadAccountList(list.role);
      acknowledge(list.role, workObjectsAck(ACCOUNT_LIST_PREFIX), "The lister reads the run's account list (accounts/<run id>.json, named at run time) from this stack's work bucket (read-only).");
      for (const fn of [list, read]) acknowledge(fn.role, 'AwsSolutions-IAM5[Resource::*]', XRAY_REASON);
      const logsPrefix = `${trailPrefix(activity)}AWSLogs/`;
      acknowledge(
        read.role,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${activity.bucket}/${logsPrefix}*]`,
        "CloudTrail names each log file at delivery (account, region, day, time, random id): the workers read objects under the trail's AWSLogs/ prefix of the one configured bucket, and only if it belongs to the configured bucketAccount (s3:ResourceAccount).",
      );
      const workObjects = `AwsSolutions-IAM5[Resource::<${this.getLogicalId(workBucket.node.defaultChild as CfnElement)}.Arn>/activity/*]`;
      for (const fn of [list, read]) {
        acknowledge(fn.role, workObjects, "One manifest, listing and partial object per run, account and batch, named at run time: PutObject under activity/ of this stack's own work bucket only.");
      }
    }

    // ---- collect one account
    const collectAccount = new Art32Function(this, 'CollectAccount', {
      name: 'collect-account',
      description: 'art32: assume the member role, collect, evaluate, append evidence',
      environment: collectAccountEnvironment(config, tableName, this.partition, this.activityLogs ? workBucket.bucketName : undefined),
      // The activity call budget (config.activity.maxCalls) is validated against this timeout.
      timeout: Duration.seconds(COLLECT_ACCOUNT_TIMEOUT_SECONDS),
      memorySize: 1024,
      roleName: config.collectorRoleName,
      logRetention,
    });
    this.evidence.grantAppend(collectAccount.role);
    const memberRoleArns =
      config.accounts.mode === 'list'
        ? config.accounts.ids.map((account) => `arn:${this.partition}:iam::${account}:role/${config.memberRoleName}`)
        : [`arn:${this.partition}:iam::*:role/${config.memberRoleName}`];
    collectAccount.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: memberRoleArns,
        // Organisation mode names the role in ANY account: only roles of accounts in the
        // collector's own organisation may be assumed (a role of that name created in an
        // outside account, trusting this one, is refused).
        ...(config.accounts.mode === 'organization' ? { conditions: { StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalOrgID}' } } } : {}),
      }),
    );
    acknowledge(collectAccount.role, 'AwsSolutions-IAM5[Resource::*]', XRAY_REASON);
    if (this.activityLogs) {
      this.activityLogs.grantMerge(collectAccount.role);
      acknowledge(
        collectAccount.role,
        `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.activityLogs.workBucket.node.defaultChild as CfnElement)}.Arn>/activity/*]`,
        "Each account's evaluation reads its own listing and partials of the run's log files, named at run time under activity/ of this stack's work bucket (read-only).",
      );
    }
    if (config.accounts.mode === 'organization') {
      acknowledge(
        collectAccount.role,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${config.memberRoleName}]`,
        'Organisation mode: accounts are discovered at run time, so the member role is named in every account; the grant holds only for accounts of this organisation (aws:ResourceOrgID = aws:PrincipalOrgID), and the member role itself trusts only this role with the ExternalId.',
      );
    }

    // ---- finalize a run: the SEALER, the one role that may sign manifests
    const sealerRoleArn = `arn:${this.partition}:iam::${this.account}:role/${config.sealerRoleName}`;
    this.signingKey = new ManifestSigningKey(this, 'ManifestSigning', {
      sealerRoleArn,
      breakGlassPrincipalArn: config.breakGlassPrincipalArn,
      deployRoleArn: cfnExecRoleArn(this.partition, this.account, this.region),
    });
    const anchorsUrl = `s3://${props.anchorBucketName}/${ANCHOR_PREFIX}`;
    const finalizeRun = new Art32Function(this, 'FinalizeRun', {
      name: 'finalize-run',
      description: 'art32: seal each account of a run (read back, sign, anchor), check every account is sealed, publish run metrics',
      environment: finalizeRunEnvironment(tableName, this.signingKey.key.keyArn, anchorsUrl),
      // Lambda's maximum: every account of the run is closed here (16 at a time), a few calls each.
      timeout: Duration.minutes(15),
      roleName: config.sealerRoleName,
      logRetention,
    });
    this.evidence.grantRead(finalizeRun.role);
    this.evidence.grantRunLock(finalizeRun.role);
    this.evidence.grantSeal(finalizeRun.role);
    this.work.grantReadAccountList(finalizeRun.role);
    this.work.grantReadResults(finalizeRun.role);
    acknowledge(finalizeRun.role, workObjectsAck(ACCOUNT_LIST_PREFIX), "The sealer reads the run's account list (accounts/<run id>.json, named at run time) from this stack's work bucket (read-only).");
    acknowledge(finalizeRun.role, workObjectsAck(WORK_RESULTS_PREFIX), "The sealer reads the account fan-out's results (results/<map run id>/manifest.json and FAILED_n.json, named by Step Functions at run time) to name accounts whose child execution failed (read-only).");
    finalizeRun.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [this.signingKey.key.keyArn] }));
    const anchorBucketArn = `arn:${this.partition}:s3:::${props.anchorBucketName}`;
    finalizeRun.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion'], resources: [`${anchorBucketArn}/${ANCHOR_PREFIX}*`] }));
    finalizeRun.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucketVersions', 's3:ListBucket'], resources: [anchorBucketArn] }));
    acknowledge(finalizeRun.role, 'AwsSolutions-IAM5[Resource::*]', XRAY_REASON);
    acknowledge(
      finalizeRun.role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${props.anchorBucketName}/${ANCHOR_PREFIX}*]`,
      'One anchor object per seal, named by account and run: the sealer adds objects under the anchors/ prefix of the one anchor bucket (Object Lock keeps each version; PutObject cannot delete).',
    );

    this.functions = { listAccounts, collectAccount, finalizeRun };

    // ---- publish each sealed run (EventBridge events, Security Hub import): its own role
    const { integrations } = config;
    if (integrations.events || integrations.securityHub) {
      const publish = new PublishFindings(this, 'Publish', { evidence: this.evidence, integrations, logRetention });
      acknowledge(publish.fn.role, 'AwsSolutions-IAM5[Resource::*]', XRAY_REASON);
      this.work.grantReadAccountList(publish.fn.role);
      acknowledge(publish.fn.role, workObjectsAck(ACCOUNT_LIST_PREFIX), "Publishing reads the run's account list (accounts/<run id>.json, named at run time) from this stack's work bucket (read-only).");
      this.functions.publishFindings = publish.fn;
    }

    this.orchestration = new Orchestration(this, 'Run', {
      schedule: config.schedule,
      mapConcurrency: config.mapConcurrency,
      mapToleratedFailurePercentage: config.mapToleratedFailurePercentage,
      workBucket,
      listAccounts: listAccounts.function,
      collectAccount: collectAccount.function,
      finalizeRun: finalizeRun.function,
      ...(this.functions.publishFindings ? { publishFindings: this.functions.publishFindings.function } : {}),
      ...(this.activityLogs && activity.source === 's3'
        ? { activityLogs: { list: this.activityLogs.list.function, read: this.activityLogs.read.function, readConcurrency: activity.readConcurrency } }
        : {}),
      key: opsKey,
      logRetention,
    });
    const sfnPolicy = this.orchestration.stateMachine.role;
    acknowledge(
      sfnPolicy,
      'AwsSolutions-IAM5[Resource::*]',
      'Step Functions logging to CloudWatch Logs uses vended log delivery (logs:CreateLogDelivery, DescribeResourcePolicies, ...) and X-Ray, none of which support resource-level permissions.',
    );
    // The Distributed Map starts its child executions (one per account) and describes/stops them:
    // their ARNs exist only at run time, under this one state machine's name.
    const machine = this.orchestration.stateMachine;
    const machineName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${this.getLogicalId(machine.node.defaultChild as CfnElement)}"}]}]}`;
    const mapPolicy = machine.node.findChild('DistributedMapPolicy');
    acknowledge(
      mapPolicy,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${this.region}:<AWS::AccountId>:execution:${machineName}:*]`,
      'Distributed Map child executions (one per account) are named at run time: states:DescribeExecution and StopExecution on execution:<this state machine>:*, scoped to this one state machine, as CDK grants it.',
    );
    acknowledge(
      mapPolicy,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${this.region}:<AWS::AccountId>:execution:${machineName}/*:*]`,
      "states:RedriveExecution on this state machine's map-run child executions (execution:<this state machine>/<map run>:<child>), named at run time; lets a redriven run re-run only its failed accounts.",
    );
    acknowledge(
      sfnPolicy,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${this.getLogicalId(workBucket.node.defaultChild as CfnElement)}>/*]`,
      "The Distributed Maps' ItemReaders read the run's account list (accounts/<run id>.json) and log-file manifest (activity/<run>/files.jsonl), and the account fan-out's ResultWriter writes results/<map run>/…, all named at run time: CDK grants these on the objects of this one work bucket (it cannot scope a ResultWriter or a JSONPath ItemReader key to a prefix). The bucket holds only this stack's transient run data, never evidence.",
    );
    for (const fn of [listAccounts, collectAccount, finalizeRun, ...(this.functions.publishFindings ? [this.functions.publishFindings] : []), ...(this.activityLogs ? [this.activityLogs.list, this.activityLogs.read] : [])]) {
      acknowledge(
        sfnPolicy,
        `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.function.node.defaultChild as CfnElement)}.Arn>:*]`,
        'lambda:InvokeFunction on the function ARN and its versions/aliases (ARN:*), as granted by the Step Functions LambdaInvoke task; scoped to this one function.',
      );
    }
    acknowledge(this.orchestration.deadLetterQueue, 'AwsSolutions-SQS3', 'This queue IS the dead-letter queue of the EventBridge Scheduler schedules; a DLQ of a DLQ would only move the problem.');

    // ---- weekly report (optional)
    let reportFailureQueue: sqs.Queue | undefined;
    if (config.report) {
      const report = config.report;
      // The pseudonym key's policy names the report role, which exists only once the function
      // does: its ARN reaches the environment lazily (resolved at synthesis).
      let pseudonymKey: PseudonymKey | undefined;
      const pseudonymKeyArn = report.pseudonymise ? Lazy.string({ produce: () => (pseudonymKey as PseudonymKey).key.keyArn }) : undefined;
      const sendReport = new Art32Function(this, 'SendReport', {
        name: 'send-report',
        description: 'art32: weekly compliance email from stored evidence (SES v2)',
        environment: sendReportEnvironment(report, tableName, this.signingKey.key.keyArn, pseudonymKeyArn),
        timeout: Duration.minutes(2),
        logRetention,
      });
      this.evidence.grantRead(sendReport.role);
      // The report checks every manifest signature before it calls an account's evidence intact:
      // it reads the signing key's PUBLIC key, nothing more (never kms:Sign — the sealer alone signs).
      sendReport.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GetPublicKey'], resources: [this.signingKey.key.keyArn] }));
      // The one write of the report: "report sent" items (partition REPORTS), so the next
      // report compares with what its readers last saw. Never an evidence partition.
      sendReport.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:PutItem'],
          resources: [this.evidence.table.tableArn],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [REPORTS_PK] } },
        }),
      );
      sendReport.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [this.evidence.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${this.region}.amazonaws.com` } },
        }),
      );
      const identity = report.identity ?? report.sender;
      sendReport.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [`arn:${this.partition}:ses:${this.region}:${this.account}:identity/${identity}`],
          // A domain identity covers every address of the domain: the function may send as
          // the configured sender only.
          conditions: { StringEquals: { 'ses:FromAddress': report.sender } },
        }),
      );
      if (report.pseudonymise) {
        // People in the email are named by HMAC pseudonyms: the report role is the one stack
        // principal that may compute them (the key policy denies everyone else but the resolvers).
        pseudonymKey = new PseudonymKey(this, 'Pseudonyms', {
          reportRoleArn: sendReport.role.roleArn,
          resolverArns: report.pseudonymResolvers,
          breakGlassPrincipalArn: config.breakGlassPrincipalArn,
          deployRoleArn: cfnExecRoleArn(this.partition, this.account, this.region),
        });
        sendReport.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateMac'], resources: [pseudonymKey.key.keyArn] }));
        Tags.of(pseudonymKey.key).add(PROTECTION_TAG.key, PROTECTION_TAG.value);
        new CfnOutput(this, 'PseudonymKeyArn', { value: pseudonymKey.key.keyArn, description: 'art32 pseudonym key of the weekly email (art32 pseudonym resolve --kms-key-id, resolvers only)' });
        this.pseudonymKey = pseudonymKey;
      }
      acknowledge(sendReport.role, 'AwsSolutions-IAM5[Resource::*]', XRAY_REASON);
      // EventBridge Scheduler invokes the function asynchronously: a failed report would be
      // dropped after Lambda's own retries. It lands in this queue instead, which alarms.
      reportFailureQueue = new sqs.Queue(this, 'ReportFailureQueue', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: opsKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      // Exact grants (SqsDestination would grant kms:GenerateDataKey* and kms:ReEncrypt*): send to this queue, encrypt with its key.
      const failures = reportFailureQueue;
      const onFailure: lambda.IDestination = {
        bind: (_scope, fn) => {
          failures.grant(fn, 'sqs:SendMessage');
          opsKey.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
          return { destination: failures.queueArn };
        },
      };
      sendReport.function.configureAsyncInvoke({ onFailure, retryAttempts: 2, maxEventAge: Duration.hours(6) });
      acknowledge(reportFailureQueue, 'AwsSolutions-SQS3', "This queue IS the report function's on-failure destination (a dead-letter queue for failed asynchronous invocations); a DLQ of it would only move the problem.");
      new scheduler.Schedule(this, 'WeeklyReport', {
        description: `art32 weekly report (${report.schedule.expression} ${report.schedule.timeZone})`,
        schedule: scheduleExpression(report.schedule),
        target: new targets.LambdaInvoke(sendReport.function, {
          role: this.orchestration.schedulerRole,
          deadLetterQueue: this.orchestration.deadLetterQueue,
          retryAttempts: 10,
          maxEventAge: Duration.hours(6),
        }),
      });
      acknowledge(
        this.orchestration.schedulerRole,
        `AwsSolutions-IAM5[Resource::<${this.getLogicalId(sendReport.function.node.defaultChild as CfnElement)}.Arn>:*]`,
        'lambda:InvokeFunction on the report function and its versions (ARN:*), as granted by the Scheduler LambdaInvoke target; scoped to this one function.',
      );
      this.functions.sendReport = sendReport;
    }

    // ---- auditors (optional): read-only, MFA-only door to the evidence
    if (config.auditors) {
      // With the trust roots an auditor checks the evidence against: the signing key's public half and the anchors.
      this.auditor = new AuditorRole(this, 'Auditor', {
        evidence: this.evidence,
        auditors: config.auditors,
        collectorAccountId: config.collectorAccountId,
        signingKey: this.signingKey.key,
        anchors: { bucketName: props.anchorBucketName, prefix: ANCHOR_PREFIX },
      });
    }

    this.alarms = new Alarms(this, 'Alarms', {
      key: opsKey,
      email: config.alarmEmail,
      stateMachine: this.orchestration.stateMachine,
      functions: Object.fromEntries(Object.entries(this.functions).map(([name, fn]) => [name, fn.function])),
      deadLetterQueue: this.orchestration.deadLetterQueue,
      ...(reportFailureQueue ? { reportFailureQueue } : {}),
      metrics: { namespace: METRICS_NAMESPACE, finalizeService: serviceName('finalize-run') },
    });
    // The guardrails SCP (infra/stacks/guardrails-stack.ts) finds both evidence keys by this tag.
    for (const key of [this.signingKey.key, this.evidence.key]) Tags.of(key).add(PROTECTION_TAG.key, PROTECTION_TAG.value);
    // ---- any call that could undo an evidence protection → the same ops topic (infra/constructs/admin-api-alarm.ts)
    this.adminApiAlarm = new AdminApiAlarm(this, 'AdminApiAlarm', {
      topic: this.alarms.topic,
      topicKey: opsKey,
      table: { name: tableName, arn: this.evidence.table.tableArn },
      keyArns: [this.signingKey.key.keyArn, this.evidence.key.keyArn, ...(this.pseudonymKey ? [this.pseudonymKey.key.keyArn] : [])],
      // Seen here when the anchor bucket is in this account; in a log-archive account its own stack watches it.
      ...(props.watchAnchorBucket === false ? {} : { anchorBucketName: props.anchorBucketName }),
    });

    // ---- what docs/deploy.md tells operators to look up
    new CfnOutput(this, 'StateMachineArn', { value: this.orchestration.stateMachine.stateMachineArn, description: 'art32 collection run state machine (start a manual run, read each run\'s outcomes)' });
    new CfnOutput(this, 'EvidenceTableName', { value: this.evidence.table.tableName, description: 'art32 evidence table (art32 verify --table)' });
    // The trust roots every reader checks the evidence against (verify, export, serve: --kms-key-id, --anchors).
    new CfnOutput(this, 'ManifestSigningKeyArn', { value: this.signingKey.key.keyArn, description: 'art32 manifest signing key: its public half checks every seal (art32 verify/serve --kms-key-id)' });
    new CfnOutput(this, 'AnchorsUrl', { value: anchorsUrl, description: 'art32 anchors, a WORM copy of every seal (art32 verify/serve --anchors)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn, description: 'art32 alarm topic (subscribe more endpoints here)' });
    if (this.activityLogs) {
      // The log-archive account's bucket policy and key policy name these roles (docs/deploy.md).
      new CfnOutput(this, 'ActivityLogListerRoleArn', { value: this.activityLogs.list.role.roleArn, description: 'art32 log-file lister (s3:ListBucket on the trail prefix): name it in the trail bucket policy' });
      new CfnOutput(this, 'ActivityLogReaderRoleArn', { value: this.activityLogs.read.role.roleArn, description: 'art32 log-file workers (s3:GetObject, kms:Decrypt via S3): name it in the trail bucket and key policies' });
    }
    if (reportFailureQueue) new CfnOutput(this, 'ReportFailureQueueUrl', { value: reportFailureQueue.queueUrl, description: 'failed weekly-report invocations (ReportDeliveryFailed alarm)' });
  }
}

/** cdk-nag v3 acknowledgement, always on ONE construct (never a stack) and always with a reason. */
export function acknowledge(construct: Construct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}
