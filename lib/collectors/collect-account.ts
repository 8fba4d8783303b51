/**
 * `collectAccount`: one account's `AccountSnapshot` from live AWS APIs, in a number of
 * calls that grows with pages, never with users.
 *
 * Every section is collected independently: a section that fails (AccessDenied,
 * throttled out after the SDK's retries, time-out) is left absent and explained by a
 * `CollectionError`; the other sections are still collected. Rules then report ERROR for
 * what is missing — never PASS.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AccountSnapshot, SECTION_NAMES, type CollectionError, type SectionName, type Trail } from '../snapshot';
import { TOOL_VERSION } from '../version';
import { collectAccountAlias } from './account-alias';
import { collectAccountSummary } from './account-summary';
import { collectActivity, type ActivityCollection, type S3LogReader } from './activity';
import { ApiCallCounter, attachApiCallCounter } from './api-calls';
import { collectAuthorizationDetails } from './authorization-details';
import { createCollectorClients, type Credentials } from './clients';
import { collectCredentialReport } from './credential-report';
import { collectionError } from './errors';
import { parseLogGroupArn, collectLogGroups } from './log-groups';
import { collectMetricAlarms } from './metric-alarms';
import { OperationFailed } from './operation';
import { collectPasswordPolicy } from './password-policy';
import { collectPasswordPolicyChanges } from './password-policy-changes';
import { collectIdentityCenter, collectSamlFederation, identityCenterRegions } from './federation';
import { collectEventRules, collectGuardDuty, collectSecurityHub } from './threat-detection';
import { collectPersonalDataStores } from './personal-data-stores';
import { collectDataStores } from './data-stores';
import { collectTrails } from './trails';
import { collectTrailBuckets } from './trail-buckets';
import { collectVirtualMfaDevices } from './virtual-mfa-devices';
import { DEFAULT_COLLECT_OPTIONS, type CollectOptions, type CollectorClients, type SectionContext, type SectionResult } from './types';

export interface CollectAccountInput {
  /** The account to collect; when absent, STS GetCallerIdentity says whose credentials these are. */
  accountId?: string;
  /** Ready-made clients (the Lambda, tests). Otherwise built from `credentials` / `profile`. */
  clients?: CollectorClients;
  credentials?: Credentials;
  profile?: string;
  region: string;
  maxAttempts?: number;
  /** The collection time written to the snapshot (default: the clock at the start). */
  now?: Date;
  options?: Partial<CollectOptions>;
  /**
   * Read CloudTrail activity over a window ending at the collection time (the `activity`
   * section, judged by `monitoring.abnormal-activity`). Absent: no activity section, as
   * with offline sources that carry none.
   */
  activity?: ActivityCollection;
  /**
   * Reads `activity: { source: 's3' }` in place of the clients' own reader: the deployed
   * collector merges its run's log-file partials (lib/activity/scheduled) this way.
   */
  s3LogReader?: S3LogReader;
  /** Counts calls per operation; pass one to read attempts (retries) afterwards. */
  counter?: ApiCallCounter;
  /** `source.name` of the snapshot (default `live@<region>` or `<profile>@<region>`). */
  sourceName?: string;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => Date;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function collectAccount(input: CollectAccountInput): Promise<AccountSnapshot> {
  const counter = input.counter ?? new ApiCallCounter();
  const built = input.clients
    ? countedClients(input.clients, counter)
    : createCollectorClients({ region: input.region, credentials: input.credentials, profile: input.profile, maxAttempts: input.maxAttempts, counter });
  const clients: CollectorClients = input.s3LogReader ? { ...built, s3LogReader: input.s3LogReader } : built;
  const clock = input.clock ?? (() => new Date());
  const ctx: SectionContext = {
    clients,
    region: input.region,
    options: { ...DEFAULT_COLLECT_OPTIONS, ...input.options },
    sleep: input.sleep ?? defaultSleep,
    clock,
    counter,
  };
  const collectedAt = (input.now ?? clock()).toISOString();
  const accountId = input.accountId ?? (await callerAccount(clients));

  const errors: CollectionError[] = [];
  const sections: Partial<Record<SectionName, unknown>> = {};
  let alias: string | undefined;

  /** Run one section; its failure is recorded and does not stop the others. */
  const section = async <T>(name: SectionName, run: () => Promise<T | SectionResult<T>>, wrapped = false): Promise<T | undefined> => {
    try {
      const out = await run();
      if (wrapped) {
        const result = out as SectionResult<T>;
        errors.push(...result.errors);
        if (result.value !== undefined) sections[name] = result.value;
        return result.value;
      }
      sections[name] = out;
      return out as T;
    } catch (error) {
      errors.push(toCollectionError(name, error));
      return undefined;
    }
  };

  // IAM is one service with one account-wide rate limit: its sections go one after the
  // other. CloudTrail/CloudWatch and tagging are other services and run alongside.
  const iamLane = async () => {
    await section('passwordPolicy', () => collectPasswordPolicy(ctx));
    await section('credentialReport', () => collectCredentialReport(ctx));
    await section('accountSummary', () => collectAccountSummary(ctx));
    await section('virtualMfaDevices', () => collectVirtualMfaDevices(ctx));
    const details = await section('authorizationDetails', () => collectAuthorizationDetails(ctx));
    // Federated sign-in (#17): SAML providers and role session lengths, then Identity Center in
    // the regions its reserved roles name (known from the authorization details).
    await section('samlFederation', () => collectSamlFederation(ctx));
    await section('identityCenter', () => collectIdentityCenter(ctx, identityCenterRegions(ctx.region, details?.RoleDetailList)));
    try {
      alias = await collectAccountAlias(ctx);
    } catch (error) {
      // The alias is display only; its failure is recorded but makes no section absent.
      errors.push(toCollectionError('accountSummary', error));
    }
  };
  const loggingLane = async () => {
    const trails = await section<Trail[]>('trails', () => collectTrails(ctx), true);
    if (!trails) {
      for (const dependent of ['logGroups', 'metricAlarms', 'trailBuckets'] as const) {
        errors.push({
          section: dependent,
          operation: 'cloudtrail:DescribeTrails',
          code: 'DependencyNotCollected',
          message: `not collected because the trails could not be read (they say which log groups matter)`,
          region: ctx.region,
        });
      }
      return;
    }
    await section('logGroups', () => collectLogGroups(ctx, trails));
    const logRegions = trails.flatMap((t) => {
      const parsed = t.CloudWatchLogsLogGroupArn ? parseLogGroupArn(t.CloudWatchLogsLogGroupArn) : undefined;
      return parsed ? [parsed.region] : [];
    });
    await section('metricAlarms', () => collectMetricAlarms(ctx, logRegions));
    await section('trailBuckets', () => collectTrailBuckets(ctx, trails), true);
  };
  const dataLane = async () => {
    await section('personalDataStores', () => collectPersonalDataStores(ctx));
    await section('dataStores', () => collectDataStores(ctx, accountId), true);
  };
  // Threat detection and alert routing: three more services, their own lane.
  const detectionLane = async () => {
    await section('guardDuty', () => collectGuardDuty(ctx));
    await section('securityHub', () => collectSecurityHub(ctx));
    await section('eventRules', () => collectEventRules(ctx));
  };
  // LookupEvents has its own limit (2 calls/s), separate from DescribeTrails & co: its own lane.
  const activityLane = async () => {
    await section('passwordPolicyChanges', () => collectPasswordPolicyChanges(ctx, new Date(collectedAt)));
    const activity = input.activity;
    if (activity) await section('activity', () => collectActivity(ctx, activity, new Date(collectedAt)), true);
  };
  await Promise.all([iamLane(), loggingLane(), dataLane(), detectionLane(), activityLane()]);

  const draft = {
    schemaVersion: 1,
    account: { id: accountId, ...(alias ? { alias } : {}) },
    collectedAt,
    source: { kind: 'live', name: input.sourceName ?? `${input.profile ?? 'live'}@${input.region}`, toolVersion: TOOL_VERSION },
    ...sections,
    collectionErrors: errors,
    apiCalls: counter.calls(),
  };
  return validated(draft);
}

/** Attach the counter to injected clients, including the regional ones made later. */
function countedClients(clients: CollectorClients, counter: ApiCallCounter): CollectorClients {
  const wrap = <C extends object>(client: C): C => {
    if ('middlewareStack' in client) attachApiCallCounter(client as C & { middlewareStack: object }, counter);
    return client;
  };
  const seen = new WeakSet<object>();
  const once = <C extends object>(client: C): C => {
    if (!seen.has(client)) {
      seen.add(client);
      wrap(client);
    }
    return client;
  };
  return {
    iam: once(clients.iam),
    sts: once(clients.sts),
    cloudTrail: (r) => once(clients.cloudTrail(r)),
    cloudWatchLogs: (r) => once(clients.cloudWatchLogs(r)),
    cloudWatch: (r) => once(clients.cloudWatch(r)),
    tagging: (r) => once(clients.tagging(r)),
    guardDuty: (r) => once(clients.guardDuty(r)),
    securityHub: (r) => once(clients.securityHub(r)),
    eventBridge: (r) => once(clients.eventBridge(r)),
    ssoAdmin: (r) => once(clients.ssoAdmin(r)),
    s3: (r) => once(clients.s3(r)),
    s3Control: (r) => once(clients.s3Control(r)),
    dynamoDb: (r) => once(clients.dynamoDb(r)),
    rds: (r) => once(clients.rds(r)),
    ec2: (r) => once(clients.ec2(r)),
    backup: (r) => once(clients.backup(r)),
    ...(clients.activityCloudTrail ? { activityCloudTrail: (r: string) => once(clients.activityCloudTrail?.(r) ?? clients.cloudTrail(r)) } : {}),
    ...(clients.s3LogReader ? { s3LogReader: clients.s3LogReader } : {}),
  };
}

async function callerAccount(clients: CollectorClients): Promise<string> {
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Account) throw new Error('GetCallerIdentity returned no Account');
    return identity.Account;
  } catch (error) {
    throw new OperationFailed('sts:GetCallerIdentity', error);
  }
}

function toCollectionError(section: SectionName, error: unknown): CollectionError {
  if (error instanceof OperationFailed) return collectionError(section, error.operation, error.cause, error.region);
  // Not an AWS error: a response we could not turn into the snapshot's shape.
  return collectionError(section, `collect:${section}`, error);
}

/**
 * Validate against the snapshot schema. A section whose data does not fit (an AWS answer
 * we did not expect) is dropped with a collection error rather than failing the account.
 */
function validated(draft: Record<string, unknown>): AccountSnapshot {
  for (let round = 0; round <= SECTION_NAMES.length; round++) {
    const result = AccountSnapshot.safeParse(draft);
    if (result.success) return result.data;
    const bad = new Set(
      result.error.issues
        .map((i) => i.path[0])
        .filter((p): p is SectionName => typeof p === 'string' && (SECTION_NAMES as readonly string[]).includes(p)),
    );
    if (bad.size === 0) throw new Error(`live snapshot is invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    for (const name of bad) {
      const issue = result.error.issues.find((i) => i.path[0] === name);
      delete draft[name];
      (draft.collectionErrors as CollectionError[]).push({
        section: name,
        operation: `collect:${name}`,
        code: 'UnexpectedResponseShape',
        message: `AWS answer does not fit the snapshot schema at ${issue?.path.join('.')}: ${issue?.message}`,
      });
    }
  }
  throw new Error('live snapshot could not be validated');
}
