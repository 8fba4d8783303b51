/**
 * CollectAccount: one account of a run.
 *
 *   assume the member role (ExternalId) → collectAccount → evaluateRules → append evidence
 *
 * Collection includes CloudTrail activity (LookupEvents over ACTIVITY_WINDOW_HOURS, within
 * ACTIVITY_MAX_CALLS) when ACTIVITY_SOURCE is `lookup-events` (the stack's default), or, when
 * it is `s3`, the trail's log files the run's workers read: this function merges the
 * account's partials (lib/activity/scheduled/merge-partials.ts).
 *
 * Keys are deterministic per execution and account: the run id comes from the execution
 * name and `collectedAt` is the execution's start time (`startedAt`), never the Lambda's
 * clock — so a Map retry, or the catch's failure record, writes under the same keys as the
 * first attempt: identical content is a no-op, different content is refused, never a
 * second copy of the run.
 *
 * Retries never conflict: an attempt that finds the account's run already opened (an earlier
 * attempt crashed, timed out or hit a 5xx half-way) finishes it with the facts it was opened
 * with (lib/evidence/lifecycle.ts) instead of collecting again; a sealed run is reported as is.
 *
 * Accountability: beside each run it writes, before FinalizeRun seals it, the run's collection
 * context (lib/accountability/context.ts): who collected (this function's role session, from STS
 * GetCallerIdentity, and the member role it assumed), where (function name and request id), with
 * which tool version, invocation, parameters, catalog and mapping hashes, and what it could see
 * (regions, sections). The seal covers its hash, so it cannot be rewritten unseen afterwards.
 *
 * A failure never stops the run: if the role can't be assumed or collection blows up,
 * the handler records the failure AS evidence — a snapshot with every section absent and
 * the cause in `collectionErrors`, so every rule yields ERROR with the reason — and
 * returns normally, so the Map goes on with the next account. Invoked with `failure`
 * (the state machine's catch, after the function itself failed or timed out), it only
 * records that failure.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { buildCollectionContext, runningHost, type CollectionContext } from '../../lib/accountability/context';
import { canonicalJson } from '../../lib/evidence/canonical';
import type { Context } from 'aws-lambda';
import { mergeRunPartials } from '../../lib/activity/scheduled/merge-partials';
import { collectAccount as collectLive, type CollectAccountInput } from '../../lib/collectors';
import type { S3LogReader } from '../../lib/collectors/activity';
import { CollectAccountEnv, parseEnv } from '../../lib/config';
import { RULES, evaluateRules, type Finding, type Status } from '../../lib/rules';
import { SECTION_NAMES, type AccountSnapshot } from '../../lib/snapshot';
import { TOOL_VERSION } from '../../lib/version';
import type { EvidenceRecord } from '../../lib/evidence/record';
import { openEvidenceSink, type EvidenceSink, type RecordedRun } from '../shared/evidence';
import { createObservability, traced, withPowertools, type Observability } from '../shared/powertools';

export interface CollectAccountEvent {
  accountId: string;
  runId: string;
  /** The execution's start time (`$$.Execution.StartTime`): the run's `collectedAt`. */
  startedAt: string;
  /** Set by the state machine's catch: Step Functions' error object of the failed attempt. */
  failure?: { Error?: string; Cause?: string };
}

export interface CollectAccountResult {
  accountId: string;
  runId: string;
  /** COLLECTED: evidence from a collection; FAILED: evidence of why collection failed. */
  outcome: 'COLLECTED' | 'FAILED';
  statusCounts: Partial<Record<Status, number>>;
  records: number;
}

export interface CollectAccountDeps {
  env: Record<string, string | undefined>;
  /** STS client of the collector account (assumes the member role). */
  sts?: STSClient;
  /** Evidence destination; default: the DynamoDB table named by TABLE_NAME. */
  evidence?: EvidenceSink;
  collect?: (input: CollectAccountInput) => Promise<AccountSnapshot>;
  /** S3 client of the collector account for the run work bucket (activity source `s3`). */
  workS3?: S3Client;
  region?: string;
  obs?: Observability;
}

const ASSUME_ROLE_SESSION_SECONDS = 3600;

/** What one invocation knows about itself, for the collection context. */
interface Invocation {
  /** The member role session (assumed-role ARN) the collection went through, when assumed. */
  assumedRole?: string;
  lambda?: Pick<Context, 'functionName' | 'awsRequestId'>;
}

export function createHandler(deps: CollectAccountDeps) {
  const env = parseEnv(CollectAccountEnv, deps.env, 'collect-account');
  const obs = deps.obs ?? createObservability();
  const region = deps.region ?? deps.env.AWS_REGION ?? 'us-east-1';
  const sts = deps.sts ?? traced(obs, new STSClient({ region }));
  const evidence = deps.evidence ?? openEvidenceSink({ tableName: env.TABLE_NAME, region, trace: (c) => traced(obs, c) });
  const collect = deps.collect ?? collectLive;

  // CloudTrail activity for monitoring.abnormal-activity, as the stack configured it.
  const windowAndZone = {
    ...(env.ACTIVITY_WINDOW_HOURS !== undefined ? { windowHours: env.ACTIVITY_WINDOW_HOURS } : {}),
    ...(env.ACTIVITY_TIME_ZONE !== undefined ? { timeZone: env.ACTIVITY_TIME_ZONE } : {}),
  };
  let activity: CollectAccountInput['activity'];
  if (env.ACTIVITY_SOURCE === 'lookup-events') {
    activity = { source: 'lookup-events', ...windowAndZone, ...(env.ACTIVITY_MAX_CALLS !== undefined ? { maxCalls: env.ACTIVITY_MAX_CALLS } : {}) };
  } else if (env.ACTIVITY_SOURCE === 's3') {
    if (!env.ACTIVITY_WORK_BUCKET || !env.ACTIVITY_TRAIL_URI) throw new Error('environment of the collect-account function: ACTIVITY_SOURCE s3 needs ACTIVITY_WORK_BUCKET and ACTIVITY_TRAIL_URI');
    activity = { source: 's3', uri: env.ACTIVITY_TRAIL_URI, ...windowAndZone };
  }
  // The trail's log files were read by the run's workers (the ReadActivityLogs map): this
  // account's evaluation merges their partials from the work bucket (the reducer).
  const workBucket = env.ACTIVITY_SOURCE === 's3' ? env.ACTIVITY_WORK_BUCKET : undefined;
  const workS3 = workBucket ? (deps.workS3 ?? traced(obs, new S3Client({ region }))) : undefined;
  const partialsReader = (runId: string, accountId: string): S3LogReader | undefined =>
    workBucket && workS3 ? (_uri, aggregator) => mergeRunPartials(workS3, { workBucket, runId, account: accountId }, aggregator) : undefined;

  const memberRoleArn = (accountId: string) => `arn:${env.AWS_PARTITION_NAME}:iam::${accountId}:role/${env.MEMBER_ROLE_NAME}`;

  // This function's own identity (its role session), read once per execution environment; a
  // failed read is retried on the next run and recorded honestly meanwhile.
  let caller: Promise<string | undefined> | undefined;
  const callerArn = (): Promise<string | undefined> =>
    (caller ??= sts.send(new GetCallerIdentityCommand({})).then(
      (out) => out?.Arn ?? undefined,
      (error: unknown) => {
        caller = undefined;
        obs.logger.warn('sts:GetCallerIdentity failed: the collection context names no caller ARN', errorFields(error));
        return undefined;
      },
    ));

  /** Who collected this run, from where: recorded in its collection context. */
  async function collectedBy(invocation: Invocation): Promise<CollectionContext['collectedBy']> {
    const arn = await callerArn();
    const fn = invocation.lambda?.functionName ?? deps.env.AWS_LAMBDA_FUNCTION_NAME;
    const host = fn ? `lambda:${fn}${invocation.lambda?.awsRequestId ? ` request ${invocation.lambda.awsRequestId}` : ''}` : runningHost();
    return {
      identity: arn ?? 'unknown: sts:GetCallerIdentity failed',
      via: 'sts',
      ...(invocation.assumedRole ? { assumedRole: invocation.assumedRole } : {}),
      host,
    };
  }

  /** The invocation as the context records it (the ExternalId is never in it). */
  const invocationArgs = (event: CollectAccountEvent): string[] => [
    'collect-account',
    `--account=${event.accountId}`,
    `--run-id=${event.runId}`,
    `--started-at=${event.startedAt}`,
    `--member-role=${env.MEMBER_ROLE_NAME}`,
    `--activity=${env.ACTIVITY_SOURCE}`,
    ...(event.failure ? [`--failure=${event.failure.Error ?? 'Error'}`] : []),
  ];

  /** Evaluate and append one run of evidence for the snapshot; returns the handler's result. */
  async function record(event: CollectAccountEvent, snapshot: AccountSnapshot, outcome: CollectAccountResult['outcome'], invocation: Invocation): Promise<CollectAccountResult> {
    // The same context as the CLI's collect: runs sealed before this one (so a retry evaluates
    // as the first attempt did) and the previous breadth for the trend.
    const context = await evidence.previousContext(snapshot.account.id, { collectedAt: snapshot.collectedAt, runId: event.runId });
    const findings = evaluateRules(RULES, snapshot, { context });
    // Written once the records are, before FinalizeRun seals the run (the seal covers it). A
    // failed write costs the context, never the evidence: logged, and the audit says "not recorded".
    const afterWrite = async (records: readonly EvidenceRecord[]): Promise<void> => {
      try {
        const built = buildCollectionContext({ snapshot, records, collectedBy: await collectedBy(invocation), argv: invocationArgs(event), rules: RULES });
        await evidence.writeContext(built, canonicalJson(built));
      } catch (error) {
        obs.metrics.addMetric('ContextWriteFailures', 'Count', 1);
        obs.logger.error('collection context could not be written', { accountId: snapshot.account.id, runId: event.runId, ...errorFields(error) });
      }
    };
    let written: RecordedRun;
    try {
      written = await evidence.writeRun({ runId: event.runId, snapshot, findings, afterWrite });
    } catch (error) {
      // The run could not be opened or filled: the state machine retries. Counted for dashboards, not
      // alarmed: a retry that then succeeds is no incident, and one that never does shows as an
      // account UNRECORDED or SEALED_INCOMPLETE in FinalizeRun's outcomes, which are alarmed.
      obs.metrics.addMetric('EvidenceWriteAttemptsFailed', 'Count', 1);
      obs.logger.error('evidence could not be written (the state machine retries)', { accountId: snapshot.account.id, runId: event.runId, ...errorFields(error) });
      throw error;
    }
    const statusCounts = countStatuses(findings);
    for (const [status, n] of Object.entries(statusCounts)) obs.metrics.addMetric(`Findings${status}`, 'Count', n);
    obs.metrics.addMetric(outcome === 'COLLECTED' ? 'AccountsCollected' : 'AccountsFailed', 'Count', 1);
    obs.logger.info('evidence recorded', { accountId: snapshot.account.id, runId: event.runId, outcome, statusCounts, records: written.records });
    return { accountId: snapshot.account.id, runId: event.runId, outcome, statusCounts, records: written.records };
  }

  /** An earlier attempt already opened (or sealed) this account's run: finish it with its own facts. */
  async function finishStarted(event: CollectAccountEvent, collectedAt: Date): Promise<CollectAccountResult | undefined> {
    const done = await evidence.finishStarted(event.accountId, { collectedAt: collectedAt.toISOString(), runId: event.runId });
    if (!done) return undefined;
    const outcome = done.collectionFailed ? 'FAILED' : 'COLLECTED';
    obs.metrics.addMetric(outcome === 'COLLECTED' ? 'AccountsCollected' : 'AccountsFailed', 'Count', 1);
    obs.logger.info('run already started by an earlier attempt: finished with its own facts', { accountId: event.accountId, runId: event.runId, outcome, records: done.records, incomplete: done.incomplete });
    return { accountId: event.accountId, runId: event.runId, outcome, statusCounts: (done.statusCounts ?? {}) as CollectAccountResult['statusCounts'], records: done.records };
  }

  const collectAccount = async (event: CollectAccountEvent, lambda?: Pick<Context, 'functionName' | 'awsRequestId'>): Promise<CollectAccountResult> => {
    if (!/^\d{12}$/.test(event?.accountId ?? '') || !event.runId) throw new Error('CollectAccount input needs a 12-digit accountId and a runId');
    const collectedAt = new Date(event.startedAt ?? '');
    if (Number.isNaN(collectedAt.getTime())) {
      throw new Error(`CollectAccount input needs startedAt, the execution's start time as an ISO-8601 date (got ${JSON.stringify(event.startedAt)})`);
    }
    obs.logger.appendKeys({ accountId: event.accountId, runId: event.runId });

    const started = await finishStarted(event, collectedAt);
    if (started) return started;

    if (event.failure) {
      const cause = `${event.failure.Error ?? 'Error'}: ${truncate(event.failure.Cause ?? 'the collect-account function failed', 500)}`;
      return record(event, failureSnapshot(event.accountId, collectedAt, 'states:CollectAccount', event.failure.Error ?? 'TaskFailed', cause, region), 'FAILED', { ...(lambda ? { lambda } : {}) });
    }

    let credentials: NonNullable<CollectAccountInput['credentials']>;
    let assumedRole: string;
    try {
      const assumed = await sts.send(
        new AssumeRoleCommand({
          RoleArn: memberRoleArn(event.accountId),
          ExternalId: env.EXTERNAL_ID,
          RoleSessionName: sessionName(event.runId),
          DurationSeconds: ASSUME_ROLE_SESSION_SECONDS,
        }),
      );
      const c = assumed.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw Object.assign(new Error('AssumeRole returned no credentials'), { name: 'NoCredentials' });
      credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, ...(c.Expiration ? { expiration: c.Expiration } : {}) };
      // The member role session as STS named it (assumed-role ARN), else the role asked for.
      assumedRole = assumed.AssumedRoleUser?.Arn ?? memberRoleArn(event.accountId);
    } catch (error) {
      return recordFailure(event, collectedAt, 'sts:AssumeRole', error, { ...(lambda ? { lambda } : {}) });
    }

    let snapshot: AccountSnapshot;
    try {
      const s3LogReader = partialsReader(event.runId, event.accountId);
      snapshot = await collect({
        accountId: event.accountId,
        region,
        credentials,
        sourceName: `live@${region}`,
        now: collectedAt,
        ...(activity ? { activity } : {}),
        ...(s3LogReader ? { s3LogReader } : {}),
      });
    } catch (error) {
      // Section failures are inside the snapshot already; this is the whole collection failing.
      return recordFailure(event, collectedAt, 'collect:account', error, { assumedRole, ...(lambda ? { lambda } : {}) });
    }
    return record(event, snapshot, 'COLLECTED', { assumedRole, ...(lambda ? { lambda } : {}) });
  };

  function recordFailure(event: CollectAccountEvent, collectedAt: Date, operation: string, error: unknown, invocation: Invocation): Promise<CollectAccountResult> {
    const { name, message } = describeError(error);
    // Not `message`: Powertools reserves that key for the log line's own text and drops it.
    obs.logger.error('collection failed; recording the failure as evidence', { operation, error: name, errorMessage: message });
    return record(event, failureSnapshot(event.accountId, collectedAt, operation, name, message, region), 'FAILED', invocation);
  }

  return { collectAccount, handler: withPowertools(collectAccount, obs) };
}

/**
 * A snapshot that says "nothing could be collected, and why": no section present, one
 * collection error per section. The engine turns it into ERROR for every rule that
 * needs data — never PASS — and the reason is stored with each record.
 */
export function failureSnapshot(accountId: string, at: Date, operation: string, code: string, message: string, region: string): AccountSnapshot {
  return {
    schemaVersion: 1,
    account: { id: accountId },
    collectedAt: at.toISOString(),
    source: { kind: 'live', name: `live@${region}`, toolVersion: TOOL_VERSION },
    collectionErrors: SECTION_NAMES.map((section) => ({ section, operation, code, message, region })),
  };
}

/** An error's name and text for a log entry, under keys Powertools keeps (`message` is reserved). */
function errorFields(error: unknown): { error: string; errorMessage: string } {
  const { name, message } = describeError(error);
  return { error: name, errorMessage: message };
}

function countStatuses(findings: Finding[]): Partial<Record<Status, number>> {
  const counts: Partial<Record<Status, number>> = {};
  for (const f of findings) counts[f.status] = (counts[f.status] ?? 0) + 1;
  return counts;
}

/** RoleSessionName: 2-64 characters of `\w+=,.@-`; it shows in the member account's CloudTrail. */
function sessionName(runId: string): string {
  return `art32-${runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name || 'Error', message: truncate(error.message, 500) };
  return { name: 'Error', message: truncate(String(error), 500) };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

let cached: ReturnType<typeof createHandler> | undefined;
/** Lambda entry point: dependencies built once per execution environment. */
export const handler = (event: CollectAccountEvent, context: Context) => {
  cached ??= createHandler({ env: process.env });
  return cached.handler(event, context);
};
