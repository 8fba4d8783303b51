/**
 * The deployed pipeline, run on this machine:
 *
 * - the state machine is the one CDK synthesizes (its definition as the collector stack's
 *   template holds it, every CloudFormation intrinsic then resolved), executed by aws-local-stepfunctions: its own
 *   Retry, Catch, Map and Fail semantics, not a re-implementation. It does not run a
 *   Distributed Map's Map Run (child executions, ItemReader, ItemBatcher, ResultWriter): each
 *   Distributed Map becomes a stand-in Task whose handler does that part and runs every child
 *   execution of the map's own ItemProcessor definition with the same runner
 *   (test/e2e/distributed-map.ts says exactly what is modelled);
 * - every Task runs the REAL handler in-process (functions/*), through its middy/Powertools
 *   stack, with the environment the template gives that function, as the Lambda service would:
 *   the input and output go through JSON, an error reaches Step Functions under its `name`
 *   (the Node.js runtime's `errorType`);
 * - the evidence table is dynalite (a fresh table per pipeline, created from lib/evidence/table.ts);
 * - the member accounts' APIs are aws-sdk-client-mock stubs with the AWS response shapes of
 *   test/unit/collectors/aws-fixtures.ts, behind the real live collector; the collector
 *   account's STS (AssumeRole) is a stub too.
 *
 * Faults are injected where they happen in AWS: in the Lambda service (an invocation that
 * did not run, a response lost after it ran, a function that times out: it stops where it
 * was, nothing after runs), in DynamoDB (an SDK middleware on each function's client that
 * fails a request before it is sent: throttling, 5xx) and in the member APIs (the stubs).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { STSClient } from '@aws-sdk/client-sts';
import { S3Buckets } from '../integration/activity/s3-buckets';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import type { Context } from 'aws-lambda';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { StateMachine } from 'aws-local-stepfunctions';
import { extractDistributedMaps, peakStateBytes, runDistributedMap, type DistributedMapState, type ObjectStore } from './distributed-map';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler as createCollect } from '../../functions/collect-account/handler';
import { createHandler as createFinalize, type FinalizeRunResult } from '../../functions/finalize-run/handler';
import { createHandler as createList } from '../../functions/list-accounts/handler';
import { createHandler as createPublish } from '../../functions/publish-findings/handler';
import { createHandler as createLister } from '../../functions/list-activity-logs/handler';
import { createHandler as createWorker } from '../../functions/read-activity-logs/handler';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { storeSink } from '../../functions/shared/evidence';
import { Sealer } from '../../lib/evidence/seal';
import { ephemeralKeyPair } from '../../lib/evidence/signing';

/** The e2e runs' signing key (in memory): FinalizeRun signs with it, tests verify with it. */
export const E2E_KEYS = ephemeralKeyPair();
import { createObservability, type Observability } from '../../functions/shared/powertools';
import { collectAccount as collectLive } from '../../lib/collectors';
import { ensureTable, localClient } from '../../lib/evidence/embedded';
import { RunLock } from '../../lib/evidence/run-lock';
import { EvidenceStore } from '../../lib/evidence/store';
import { verdictOf, verifyStore, type VerificationResult } from '../../lib/evidence/verify';
import { buildApp } from '../../infra/app-builder';
import { TEST_CONFIG } from '../infra/app';
import { GetCredentialReportCommand } from '@aws-sdk/client-iam';
import { HOME, credentialReportContent, credentialReportCsv, mockHealthyAccount, mockedAccount, type MockedAccount } from '../unit/collectors/aws-fixtures';
import { lambdaContext } from '../unit/functions/context';

export type FunctionName = 'listAccounts' | 'collectAccount' | 'finalizeRun' | 'publishFindings' | 'listActivityLogs' | 'readActivityLogs';
const FUNCTIONS: readonly FunctionName[] = ['listAccounts', 'collectAccount', 'finalizeRun', 'publishFindings', 'listActivityLogs', 'readActivityLogs'];
type Json = Record<string, unknown>;

const REGION = TEST_CONFIG.region;
/** The stack's run work bucket, as the harness's S3 names it (`Pipeline.objects`). */
export const WORK_BUCKET = 'art32-e2e-work';
const COLLECTOR_ACCOUNT = TEST_CONFIG.collectorAccountId;

/** What the tests need of the synthesized stack. */
export interface SynthesizedPipeline {
  /** The state machine's Amazon States Language definition, tokens resolved. */
  definition: Json;
  /** Every Task state (nested ones too) → the function its Resource names. */
  functionOfState: Record<string, FunctionName>;
  /** Each function's environment in the template, with the table name given. */
  environment(fn: FunctionName, tableName: string): Record<string, string>;
  /** Metric names the stack's alarms watch (namespace Art32), read from the template. */
  alarmedMetrics: Set<string>;
}

/**
 * Build the collector stack for `accounts` and read the pipeline out of it: each value exactly
 * as the template holds it (`stack.resolve` of the L1 properties: what synthesis writes), without
 * the asset staging a full synthesis does (tens of seconds here, and no part of the pipeline).
 */
export function synthesizePipeline(accounts: string[], config: Record<string, unknown> = {}): SynthesizedPipeline {
  const base = path.join(process.cwd(), '.vitest');
  fs.mkdirSync(base, { recursive: true });
  const outdir = fs.mkdtempSync(path.join(base, 'e2e-cdk-'));
  try {
    const context = { art32: { ...TEST_CONFIG, accounts: { mode: 'list', ids: accounts }, ...config }, 'aws:cdk:bundling-stacks': [] };
    const stack = buildApp({ context, outdir }, { nag: false }).collector;
    const cfn = <T>(construct: IConstruct) => construct.node.defaultChild as T;
    // Scheduled log-file activity (config activity.source s3) adds the lister and the workers.
    const functions: Partial<Record<FunctionName, { function: IConstruct }>> = {
      ...stack.functions,
      ...(stack.activityLogs ? { listActivityLogs: stack.activityLogs.list, readActivityLogs: stack.activityLogs.read } : {}),
    };
    const deployed = FUNCTIONS.filter((fn) => functions[fn] !== undefined);
    const lambdaOf = (fn: FunctionName) => functions[fn]!.function;
    const fnOfLogicalId = new Map(deployed.map((fn) => [stack.getLogicalId(cfn<CfnElement>(lambdaOf(fn))), fn]));
    const tableId = stack.getLogicalId(cfn<CfnElement>(stack.evidence.table));
    const workBucketRef = { [stack.getLogicalId(cfn<CfnElement>(stack.work.bucket))]: WORK_BUCKET };

    const machine = cfn<CfnStateMachine>(stack.orchestration.stateMachine);
    const definition = JSON.parse(String(resolve(stack.resolve(machine.definitionString), workBucketRef))) as Json;

    const functionOfState: Record<string, FunctionName> = {};
    walkStates(definition, (name, state) => {
      if (state.Type !== 'Task') return;
      const id = /:function:([^:]+)$/.exec(String(state.Resource))?.[1];
      const fn = id ? fnOfLogicalId.get(id) : undefined;
      if (!fn) throw new Error(`Task ${name} invokes ${String(state.Resource)}, not one of the stack's functions`);
      functionOfState[name] = fn;
    });

    const envTemplate = Object.fromEntries(
      deployed.map((fn) => {
        const env = stack.resolve(cfn<CfnFunction>(lambdaOf(fn)).environment) as { variables?: Json; Variables?: Json };
        return [fn, env.variables ?? env.Variables ?? {}];
      }),
    ) as Record<FunctionName, Json>;

    const alarmedMetrics = new Set<string>();
    for (const alarm of stack.node.findAll().filter((c): c is CfnAlarm => c instanceof CfnAlarm)) {
      const metrics = [{ namespace: alarm.namespace, metricName: alarm.metricName }, ...((stack.resolve(alarm.metrics) as Json[] | undefined) ?? []).map((m) => (m.metricStat as Json | undefined)?.metric as Json | undefined)];
      for (const m of metrics) {
        if (m && stack.resolve(m.namespace) === 'Art32' && typeof stack.resolve(m.metricName) === 'string') alarmedMetrics.add(String(stack.resolve(m.metricName)));
      }
    }

    return {
      definition,
      functionOfState,
      environment: (fn, tableName) =>
        Object.fromEntries(Object.entries(envTemplate[fn]).map(([k, v]) => [k, String(resolve(v, { [tableId]: tableName, ...workBucketRef }))])),
      alarmedMetrics,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** CloudFormation intrinsics the definition and environments use, resolved as CloudFormation would. */
function resolve(value: unknown, refs: Record<string, string>): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  const v = value as Json;
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(p, refs)).join(sep);
  }
  if (Array.isArray(v['Fn::GetAtt'])) {
    const [id, attr] = v['Fn::GetAtt'] as [string, string];
    if (attr !== 'Arn') throw new Error(`unresolvable Fn::GetAtt ${id}.${attr}`);
    return `arn:aws:lambda:${REGION}:${COLLECTOR_ACCOUNT}:function:${id}`;
  }
  if (typeof v.Ref === 'string') {
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': COLLECTOR_ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
    const out = pseudo[v.Ref] ?? refs[v.Ref];
    if (out === undefined) throw new Error(`unresolvable Ref ${v.Ref}`);
    return out;
  }
  throw new Error(`unresolvable template value ${JSON.stringify(value)}`);
}

function walkStates(machine: Json, visit: (name: string, state: Json) => void): void {
  for (const [name, state] of Object.entries((machine.States ?? {}) as Record<string, Json>)) {
    visit(name, state);
    const nested = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
    if (nested) walkStates(nested, visit);
    for (const branch of (state.Branches as Json[] | undefined) ?? []) walkStates(branch, visit);
  }
}

// ------------------------------------------------------------------ faults

/** One Lambda invocation as the fault hooks see it. */
export interface Invocation {
  fn: FunctionName;
  /** 1-based count of this function's invocations in this pipeline. */
  n: number;
  input: Json;
}

export interface Faults {
  /** Before the function runs: throw (e.g. `lambdaError('Lambda.ServiceException')`) for an invocation that never ran; may wait. */
  beforeInvoke?(call: Invocation): void | Promise<void>;
  /** True: the Lambda service delivers this invocation twice at once (two copies run concurrently; Step Functions gets the first answer). */
  duplicate?(call: Invocation): boolean;
  /** After it ran and returned: throw for a response lost on the way back (the work is done; Step Functions sees an error). */
  afterInvoke?(call: Invocation, output: unknown): void;
  /**
   * A DynamoDB request about to be sent by `call`: return an error to fail it (as the SDK
   * would after its own retries), or 'timeout' to stop the function right there (it times out).
   */
  dynamo?(call: Invocation, command: string, input: Json): Error | 'timeout' | undefined;
  /**
   * A Distributed Map child execution about to run with `input`: return an error for one that
   * fails without running any of its states (e.g. it could not start), as the Map Run reports it.
   */
  childExecution?(input: unknown): Error | undefined;
}

/** An error as Step Functions reports a Lambda service failure (`Lambda.*`) or a timeout (`Sandbox.Timedout`). */
export function lambdaError(name: string, message = `${name} (injected)`): Error {
  return Object.assign(new Error(message), { name });
}

/** A DynamoDB error with the shape the SDK gives it (name, $fault, HTTP status). */
export function dynamoError(name: 'ProvisionedThroughputExceededException' | 'InternalServerError' | 'ThrottlingException', status: number): Error {
  return new DynamoDBServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'EXAMPLE0REQUEST0ID0000000000000000000000000000000000', attempts: 3 },
    message: name === 'InternalServerError' ? 'Internal server error' : 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  });
}

/** The item key of a DynamoDB request as the middleware sees it (marshalled or not). */
export function requestKey(input: Json): { pk?: string; sk?: string } {
  const item = (input.Item ?? input.Key ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : ((v as { S?: string } | undefined)?.S ?? undefined));
  return { pk: str(item.pk), sk: str(item.sk) };
}

interface InvocationScope {
  call: Invocation;
  /** Timed out: the function is frozen, none of its requests goes out any more. */
  frozen: boolean;
  /** Stop the invocation here: it times out (Sandbox.Timedout); nothing after this point runs. */
  timeOut(): Promise<never>;
}

// ------------------------------------------------------------------ the pipeline

export interface MetricPoint {
  fn: FunctionName;
  name: string;
  value: number;
}

export interface ExecutionOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  output?: FinalizeRunResult;
  error?: { name: string; cause: string };
}

export interface PipelineOptions {
  synthesized: SynthesizedPipeline;
  /** dynalite endpoint. */
  endpoint: string;
  tableName: string;
  /** Member accounts whose role cannot be assumed (STS answers AccessDenied). */
  deniedAccounts?: string[];
  faults?: Faults;
  /** Called with each member account's mocked clients after the healthy answers are set (add faults). */
  memberAccount?(accountId: string, m: MockedAccount): void;
  /**
   * Latency injected before each call (as a network round trip would add): every member-account
   * API call (the mocked clients) and every DynamoDB request of the functions (dynalite is local).
   */
  latency?: { memberMs: number; dynamoMs: number };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One deployed pipeline (its table, its warm functions) over which executions run. */
export class Pipeline {
  public readonly metrics: MetricPoint[] = [];
  public readonly invocations: Invocation[] = [];
  public readonly store: EvidenceStore;
  private readonly machine: StateMachine;
  /** Each Distributed Map of the definition, with its child executions' machine (test/e2e/distributed-map.ts). */
  private readonly distributedMaps: { map: DistributedMapState; machine: StateMachine }[];
  /** The collector account's S3 (the work bucket: account list, Map results), shared by the functions and the Map Runs. */
  public readonly s3 = new S3Buckets();
  private readonly objects: ObjectStore = {
    get: (bucket, key) => this.s3.buckets.get(bucket)?.objects.get(key)?.toString('utf8'),
    put: (bucket, key, body) => void this.s3.buckets.get(bucket)?.objects.set(key, Buffer.from(body)),
  };
  /** DynamoDB requests sent by the functions, by command (counted at each client's middleware). */
  public readonly dynamoCalls = new Map<string, number>();
  /** Member-account API calls made by the collector (through the mocked clients). */
  public memberCalls = 0;
  /** The largest state input or output seen in any execution (parent or child), JSON bytes, and where. */
  public readonly peakState = { peak: 0, state: '' };
  /** Child executions run by Distributed Maps. */
  public childExecutions = 0;
  private readonly handlers: Record<FunctionName, (input: Json, context: Context) => Promise<unknown>>;
  private readonly scope = new AsyncLocalStorage<InvocationScope>();
  private readonly counts: Record<FunctionName, number> = { listAccounts: 0, collectAccount: 0, finalizeRun: 0, publishFindings: 0, listActivityLogs: 0, readActivityLogs: 0 };
  /** The collector account's EventBridge (PutEvents of the sealed run), mocked. */
  public readonly events = new EventBridgeClient({ region: REGION, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'example' } });
  private readonly members = new Map<string, MockedAccount>();
  /** Account → collection time of its latest collection (the member account's "now"). */
  private readonly collectionStart = new Map<string, number>();
  /** Execution name → its start time (`$$.Execution.StartTime`), kept across a redrive. */
  private readonly startTimes = new Map<string, string>();

  private constructor(private readonly options: PipelineOptions) {
    const { definition, maps } = extractDistributedMaps(options.synthesized.definition);
    this.machine = new StateMachine(definition as never);
    this.distributedMaps = maps.map((map) => ({ map, machine: new StateMachine(map.child as never) }));
    this.store = new EvidenceStore({ client: localClient(options.endpoint), tableName: options.tableName, sleep: async () => {} });
    const env = (fn: FunctionName) => options.synthesized.environment(fn, options.tableName);
    const denied = new Set(options.deniedAccounts ?? []);

    // The collector account's STS: the member role is assumed (or refused, as STS answers 403).
    const sts = new STSClient({ region: REGION, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'example' } });
    mockClient(sts).callsFake((input: { RoleArn?: string }) => {
      // GetCallerIdentity (no input): the collect function's own role session.
      if (input.RoleArn === undefined) return { UserId: 'AROAEXAMPLECOLLECTOR:art32-collect-account', Account: COLLECTOR_ACCOUNT, Arn: `arn:aws:sts::${COLLECTOR_ACCOUNT}:assumed-role/art32-collector/art32-collect-account` };
      const account = input.RoleArn.split(':')[4]!;
      if (denied.has(account)) {
        throw Object.assign(new Error(`User: arn:aws:sts::${COLLECTOR_ACCOUNT}:assumed-role/art32-collector/x is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`), {
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
        });
      }
      return { Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3_600_000) } };
    });

    // The collector account's S3: the stack's work bucket (test/integration/activity/s3-buckets.ts
    // answers as the S3 API reference documents).
    this.s3.add(WORK_BUCKET, COLLECTOR_ACCOUNT);
    const s3 = this.s3.client;

    this.handlers = {
      listAccounts: createList({ env: env('listAccounts'), s3, lock: new RunLock({ doc: this.docClient('listAccounts'), tableName: options.tableName }), region: REGION, obs: this.observe('listAccounts') })
        .handler as never,
      collectAccount: createCollect({
        env: env('collectAccount'),
        sts,
        evidence: storeSink(new EvidenceStore({ client: this.docClient('collectAccount'), tableName: options.tableName, sleep: async () => {} })),
        // The real live collector over the member account's mocked APIs (credentials from AssumeRole are not used by mocks).
        // The member account's clock starts at the run's collection time; no real waiting.
        collect: (input) => {
          const start = (input.now ?? new Date()).getTime();
          const t0 = Date.now();
          this.collectionStart.set(input.accountId!, start);
          return collectLive({ ...input, clients: this.memberClients(input.accountId!), sleep: async () => {}, clock: () => new Date(start + (Date.now() - t0)) });
        },
        // The run work bucket (activity.source s3: the partials each account merges).
        workS3: s3,
        region: REGION,
        obs: this.observe('collectAccount'),
      }).handler as never,
      // Present in the definition only with activity.source s3; the trail bucket is `this.s3` too (add it with its owner).
      listActivityLogs: ((input: Json) => this.activityHandler('listActivityLogs', input)) as never,
      readActivityLogs: ((input: Json) => this.activityHandler('readActivityLogs', input)) as never,
      finalizeRun: createFinalize({
        env: env('finalizeRun'),
        s3,
        // FinalizeRun is the sealer (#13): its store and an in-memory signing key (KMS in the deployed stack).
        evidence: ((store: EvidenceStore) => storeSink(store, new Sealer({ store, signer: E2E_KEYS.signer })))(
          new EvidenceStore({ client: this.docClient('finalizeRun'), tableName: options.tableName, sleep: async () => {} }),
        ),
        lock: new RunLock({ doc: this.docClient('finalizeRun'), tableName: options.tableName }),
        region: REGION,
        obs: this.observe('finalizeRun'),
      }).handler as never,
      publishFindings: createPublish({
        env: env('publishFindings'),
        s3,
        store: new EvidenceStore({ client: this.docClient('publishFindings'), tableName: options.tableName, sleep: async () => {} }),
        events: this.events,
        region: REGION,
        obs: this.observe('publishFindings'),
      }).handler as never,
    };
    // PutEvents answers as the EventBridge API reference shows: one EventId per entry, none failed.
    mockClient(this.events)
      .on(PutEventsCommand)
      .callsFake((input: { Entries?: unknown[] }) => ({ FailedEntryCount: 0, Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `11710aed-b79e-4468-a20b-bb3c0c3b4860-${i}` })) }));
  }

  public static async create(options: PipelineOptions): Promise<Pipeline> {
    await ensureTable(localClient(options.endpoint), options.tableName);
    return new Pipeline(options);
  }

  /** Start one execution (as EventBridge Scheduler or an operator would) and wait for its end. */
  public async execute(executionName: string, startTime: string): Promise<ExecutionOutcome> {
    this.startTimes.set(executionName, startTime);
    const localHandlers: Record<string, (input: Json) => Promise<unknown>> = Object.fromEntries(
      Object.entries(this.options.synthesized.functionOfState).map(([state, fn]) => [state, (input: Json) => this.invoke(fn, input)]),
    );
    // Retry waits are the definition's (minutes); here they are immediate. The count of attempts is the definition's.
    const retryIntervalOverrides = Object.fromEntries(Object.keys(this.options.synthesized.functionOfState).map((state) => [state, 0]));
    const overrides = { taskResourceLocalHandlers: localHandlers as never, retryIntervalOverrides };
    const executionArn = (name: string) => `arn:aws:states:${REGION}:${COLLECTOR_ACCOUNT}:execution:CollectionRun:${name}`;
    for (const { map, machine } of this.distributedMaps) {
      localHandlers[map.name] = (input: Json) =>
        runDistributedMap({
          map,
          machine,
          input,
          executionName,
          region: REGION,
          account: COLLECTOR_ACCOUNT,
          objects: this.objects,
          runChild: async (child, childInput, name) => {
            this.childExecutions++;
            const fault = this.options.faults?.childExecution?.(childInput);
            if (fault) throw fault;
            const run = child.run(childInput as never, { overrides, context: { Execution: { Id: executionArn(name), Name: name, StartTime: startTime, Input: childInput } } as never });
            const [result] = await Promise.all([run.result, peakStateBytes(run.eventLogs, this.peakState)]);
            return result;
          },
        });
    }
    const execution = this.machine.run({}, { overrides, context: { Execution: { Id: executionArn(executionName), Name: executionName, StartTime: startTime, Input: {} } } as never });
    const measured = peakStateBytes(execution.eventLogs, this.peakState);
    try {
      const output = (await execution.result) as unknown as FinalizeRunResult;
      await measured;
      return { status: 'SUCCEEDED', output };
    } catch (error) {
      await measured.catch(() => undefined);
      const cause = (error as { cause?: { name?: string; message?: string; cause?: string } }).cause;
      return { status: 'FAILED', error: { name: cause?.name ?? (error as Error).name, cause: String(cause?.cause ?? cause?.message ?? (error as Error).message) } };
    }
  }

  /** Integrity of the whole table, as `art32 verify` judges it. */
  public async verify(): Promise<{ verdict: ReturnType<typeof verdictOf>; result: VerificationResult }> {
    // With the sealer's public key: every manifest of the run must carry FinalizeRun's valid signature.
    const result = await verifyStore(this.store, { verifier: E2E_KEYS.verifier });
    return { verdict: verdictOf(result), result };
  }

  public metricTotal(name: string, fn?: FunctionName): number {
    return this.metrics.filter((m) => m.name === name && (!fn || m.fn === fn)).reduce((sum, m) => sum + m.value, 0);
  }

  public member(accountId: string): MockedAccount {
    let m = this.members.get(accountId);
    if (!m) {
      m = mockedAccount();
      mockHealthyAccount(m, 3);
      // Activity (LookupEvents in the collector's region): a quiet day, one empty page.
      m.cloudTrail[HOME]!.on(LookupEventsCommand).resolves({ Events: [] });
      // The credential report was generated 30 min before this collection (fresh: no regeneration wait).
      m.iam.on(GetCredentialReportCommand).callsFake(() => ({
        Content: credentialReportContent(credentialReportCsv(3)),
        ReportFormat: 'text/csv',
        GeneratedTime: new Date((this.collectionStart.get(accountId) ?? Date.now()) - 30 * 60_000),
      }));
      this.options.memberAccount?.(accountId, m);
      this.members.set(accountId, m);
    }
    return m;
  }

  private activityHandlers?: { listActivityLogs: (input: Json, context: Context) => Promise<unknown>; readActivityLogs: (input: Json, context: Context) => Promise<unknown> };

  /** The lister's and the workers' handlers, built on first use (their environment exists only with activity.source s3). */
  private activityHandler(fn: 'listActivityLogs' | 'readActivityLogs', input: Json): Promise<unknown> {
    const env = (f: FunctionName) => this.options.synthesized.environment(f, this.options.tableName);
    this.activityHandlers ??= {
      listActivityLogs: createLister({ env: env('listActivityLogs'), trailS3: this.s3.client, workS3: this.s3.client, region: REGION, obs: this.observe('listActivityLogs') }).handler as never,
      readActivityLogs: createWorker({ env: env('readActivityLogs'), trailS3: this.s3.client, workS3: this.s3.client, region: REGION, obs: this.observe('readActivityLogs') }).handler as never,
    };
    return this.activityHandlers[fn](input, lambdaContext(fn));
  }

  /** The member account's clients as the collector sees them: each call counted and, with `latency`, delayed first. */
  private memberClients(accountId: string): MockedAccount['clients'] {
    const clients = this.member(accountId).clients;
    const wrapped = new WeakMap<object, object>();
    const wrap = <C extends object>(client: C): C => {
      let proxy = wrapped.get(client);
      if (!proxy) {
        proxy = new Proxy(client, {
          get: (target, key, receiver) => {
            if (key !== 'send') return Reflect.get(target, key, receiver) as unknown;
            return async (...args: unknown[]) => {
              this.memberCalls++;
              if (this.options.latency) await sleep(this.options.latency.memberMs);
              return (target as { send(...a: unknown[]): Promise<unknown> }).send(...args);
            };
          },
        });
        wrapped.set(client, proxy);
      }
      return proxy as C;
    };
    return Object.fromEntries(
      Object.entries(clients).map(([name, client]) => [name, typeof client === 'function' ? (region: string) => wrap((client as (r: string) => object)(region)) : wrap(client as object)]),
    ) as unknown as MockedAccount['clients'];
  }

  /** Stop the current invocation here, as a Lambda timeout does (for member-API stubs: `callsFake(() => pipeline.timeOut())`). */
  public timeOut(): Promise<never> {
    const scope = this.scope.getStore();
    if (!scope) throw new Error('timeOut() outside a function invocation');
    return scope.timeOut();
  }

  /** One Lambda invocation of `fn`: JSON in, JSON out, errors by name, faults injected. */
  private async invoke(fn: FunctionName, rawInput: Json): Promise<unknown> {
    const input = JSON.parse(JSON.stringify(rawInput)) as Json;
    // aws-local-stepfunctions sets $$.Execution.StartTime to its own clock; Step Functions gives
    // the execution's start time, kept by a redrive. ListAccounts is the one reader of it.
    const pinned = fn === 'listAccounts' ? this.startTimes.get(String(input.executionName)) : undefined;
    if (pinned) input.startedAt = pinned;
    const call: Invocation = { fn, n: ++this.counts[fn], input };
    this.invocations.push(call);
    await this.options.faults?.beforeInvoke?.(call);
    let timedOut!: (error: Error) => void;
    const timeout = new Promise<never>((_, reject) => (timedOut = reject));
    const scope: InvocationScope = {
      call,
      frozen: false,
      timeOut: () => {
        scope.frozen = true;
        timedOut(lambdaError('Sandbox.Timedout', `Task timed out after ${fn === 'collectAccount' ? '900' : '120'}.00 seconds`));
        return new Promise<never>(() => {}); // the function is frozen: nothing after this runs
      },
    };
    let output: unknown;
    try {
      const run = () => this.scope.run(scope, () => this.handlers[fn](JSON.parse(JSON.stringify(call.input)) as Json, lambdaContext(fn)));
      if (this.options.faults?.duplicate?.(call)) {
        const [first, second] = await Promise.allSettled([run(), run()]);
        if (first.status === 'rejected') throw first.reason;
        if (second.status === 'rejected') throw second.reason;
        output = first.value;
      } else {
        output = await Promise.race([run(), timeout]);
      }
    } catch (error) {
      // The Node.js runtime reports the error's name as errorType; Step Functions matches on it.
      const e = error as Error;
      throw lambdaError(e.name || 'Error', e.message);
    }
    const json = JSON.parse(JSON.stringify(output ?? null)) as unknown;
    this.options.faults?.afterInvoke?.(call, json);
    return json;
  }

  /** A function's own DynamoDB client, with the fault middleware in front of the SDK's retries. */
  private docClient(fn: FunctionName): DynamoDBDocumentClient {
    const client = localClient(this.options.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const scope = this.scope.getStore();
        if (scope?.frozen) return new Promise<never>(() => {});
        const command = String(context.commandName).replace(/Command$/, '');
        this.dynamoCalls.set(command, (this.dynamoCalls.get(command) ?? 0) + 1);
        if (this.options.latency) await sleep(this.options.latency.dynamoMs);
        const fault = scope ? this.options.faults?.dynamo?.(scope.call, command, args.input as Json) : undefined;
        if (fault === 'timeout') return scope!.timeOut();
        if (fault) throw fault;
        return next(args);
      },
      { step: 'initialize', name: 'art32E2eFaults', priority: 'high' },
    );
    void fn;
    return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Powertools utilities of one function, each metric it adds also recorded here. */
  private observe(fn: FunctionName): Observability {
    const obs = createObservability();
    const add = obs.metrics.addMetric.bind(obs.metrics);
    obs.metrics.addMetric = (name, unit, value, resolution) => {
      this.metrics.push({ fn, name, value });
      return add(name, unit, value, resolution);
    };
    return obs;
  }
}
