/**
 * API-call accounting. A middleware on every client counts, per `service:Operation`
 * (IAM action names, e.g. `iam:GetAccountAuthorizationDetails`):
 * - `calls`: operations sent by art32 (one per `send`, i.e. one per page), and
 * - `attempts`: HTTP attempts, retries included (the SDK's retry middleware sits between
 *   the two counters, so `attempts - calls` is the number of retries).
 *
 * Why a middleware and not a wrapper: paginators call `client.send` directly, and only
 * the middleware stack sees the SDK's own retries.
 */

/** Maps an SDK client name to the IAM service prefix used in policies and in the counts. */
const SERVICE_PREFIX: Record<string, string> = {
  IAMClient: 'iam',
  CloudTrailClient: 'cloudtrail',
  CloudWatchLogsClient: 'logs',
  CloudWatchClient: 'cloudwatch',
  ResourceGroupsTaggingAPIClient: 'tag',
  STSClient: 'sts',
  OrganizationsClient: 'organizations',
  GuardDutyClient: 'guardduty',
  SecurityHubClient: 'securityhub',
  EventBridgeClient: 'events',
  SSOAdminClient: 'sso',
  S3Client: 's3',
  S3ControlClient: 's3control',
  DynamoDBClient: 'dynamodb',
  RDSClient: 'rds',
  EC2Client: 'ec2',
  BackupClient: 'backup',
};

/**
 * Operations whose IAM action has another name (S3 API reference, "Permissions" of each operation):
 * the member policy grants the action, the counts name the operation.
 */
export const IAM_ACTION_OF_OPERATION: Readonly<Record<string, string>> = {
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:GetObjectLockConfiguration': 's3:GetBucketObjectLockConfiguration',
  's3:GetBucketLifecycleConfiguration': 's3:GetLifecycleConfiguration',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3control:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
};

/** `IAMClient` + `GetCredentialReportCommand` → `iam:GetCredentialReport`. */
export function operationName(clientName: string, commandName: string): string {
  const service = SERVICE_PREFIX[clientName] ?? clientName.replace(/Client$/, '').toLowerCase();
  return `${service}:${commandName.replace(/Command$/, '')}`;
}

export type CallCounts = Record<string, number>;

/** Counts calls and attempts per operation for one account's collection. */
export class ApiCallCounter {
  private readonly callCounts = new Map<string, number>();
  private readonly attemptCounts = new Map<string, number>();

  public recordCall(operation: string): void {
    this.callCounts.set(operation, (this.callCounts.get(operation) ?? 0) + 1);
  }

  public recordAttempt(operation: string): void {
    this.attemptCounts.set(operation, (this.attemptCounts.get(operation) ?? 0) + 1);
  }

  /** Operations sent, sorted by name. */
  public calls(): CallCounts {
    return sortedRecord(this.callCounts);
  }

  /** HTTP attempts (≥ calls; the difference is retries). */
  public attempts(): CallCounts {
    return sortedRecord(this.attemptCounts);
  }

  public totalCalls(): number {
    return sum(this.callCounts);
  }

  public totalAttempts(): number {
    return sum(this.attemptCounts);
  }
}

type Handler = (args: unknown) => Promise<unknown>;
type Middleware = (next: Handler, context: { clientName?: string; commandName?: string }) => Handler;

/** The part of an SDK v3 client's middleware stack used here. */
interface CounterStack {
  add(middleware: Middleware, options: { step: 'initialize'; name: string; override: boolean }): void;
  addRelativeTo(middleware: Middleware, options: { relation: 'after'; toMiddleware: string; name: string; override: boolean }): void;
}

/** Any SDK v3 client (each has its own generic middleware stack type). */
export interface HasMiddlewareStack {
  middlewareStack: object;
}

const CALL_MIDDLEWARE = 'art32ApiCallCounter';
const ATTEMPT_MIDDLEWARE = 'art32ApiAttemptCounter';

/**
 * Attach `counter` to `client`. Attaching again replaces the previous counter (named
 * middlewares with `override`), so a client reused for another account is not double
 * counted.
 */
export function attachApiCallCounter<C extends HasMiddlewareStack>(client: C, counter: ApiCallCounter): C {
  const stack = client.middlewareStack as CounterStack;
  stack.add(
    (next, context) => async (args) => {
      counter.recordCall(operationName(context.clientName ?? 'unknown', context.commandName ?? 'unknown'));
      return next(args);
    },
    { step: 'initialize', name: CALL_MIDDLEWARE, override: true },
  );
  stack.addRelativeTo(
    (next, context) => async (args) => {
      counter.recordAttempt(operationName(context.clientName ?? 'unknown', context.commandName ?? 'unknown'));
      return next(args);
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: ATTEMPT_MIDDLEWARE, override: true },
  );
  return client;
}

/** Merge several per-operation counts (e.g. all accounts of a run). */
export function mergeCounts(...counts: CallCounts[]): CallCounts {
  const merged = new Map<string, number>();
  for (const c of counts) for (const [op, n] of Object.entries(c)) merged.set(op, (merged.get(op) ?? 0) + n);
  return sortedRecord(merged);
}

function sortedRecord(map: Map<string, number>): CallCounts {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function sum(map: Map<string, number>): number {
  let total = 0;
  for (const n of map.values()) total += n;
  return total;
}
