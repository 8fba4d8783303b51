/**
 * The deployed pipeline's execution lock: one collection run at a time.
 *
 * Two executions collecting the same accounts at once (a manual run started during the
 * scheduled one) would race on every account's chain. The lock is ONE item of the evidence
 * table (`pk = LOCK`, `sk = COLLECTION-RUN`, see lib/evidence/table.ts) holding a lease:
 *
 * - ListAccounts acquires it for its execution (the run id) with a conditional PutItem that
 *   succeeds only when there is no lock, the lock was released, its lease has expired, or it
 *   is already ours (a retried task or a redriven execution re-enters);
 * - FinalizeRun releases it (a conditional PutItem that succeeds only while it is ours);
 * - an execution that dies without reaching FinalizeRun (aborted, timed out) leaves a lease
 *   that expires `RUN_LEASE_MS` after it was taken: longer than any execution can live
 *   (the state machine's timeout), so a live run is never overtaken.
 *
 * Only PutItem: the table's resource policy denies DeleteItem and UpdateItem to every role.
 * The lock item is not evidence: `verify` checks no hash on it and reads it only to tell a run in
 * progress (its execution holds the lease) from an interrupted one (lib/evidence/in-progress.ts).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** Longest a collection run (one state machine execution) may live: the state machine's timeout. */
export const RUN_MAX_DURATION_MS = 6 * 3_600_000;
/** A lease outlives any execution by this margin, so it only expires once its holder is surely gone. */
export const RUN_LEASE_MS = RUN_MAX_DURATION_MS + 15 * 60_000;

export const RUN_LOCK_KEY = { pk: 'LOCK', sk: 'COLLECTION-RUN' } as const;

export interface RunLease {
  /** The run (execution) holding the lock. */
  holder: string;
  acquiredAt: string;
  leaseUntil: string;
}

/**
 * Another execution holds the lock. `name` is the error name Step Functions matches in the
 * state machine's Retry/Catch (`RunLockBusy`), so the waiting is the state machine's, not a
 * Lambda sleeping.
 */
export class RunLockBusyError extends Error {
  public readonly holder: string;
  public readonly leaseUntil: string;
  public constructor(holder: string, leaseUntil: string, wanted: string) {
    super(`run ${wanted} not started: run ${holder} holds the collection lock (lease until ${leaseUntil}); nothing was written`);
    this.name = 'RunLockBusy';
    this.holder = holder;
    this.leaseUntil = leaseUntil;
  }
}

export interface RunLockOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** The lease's clock (injected in tests); default: the system clock. */
  now?: () => Date;
  leaseMs?: number;
}

export class RunLock {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  private readonly leaseMs: number;

  public constructor(options: RunLockOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.now = options.now ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? RUN_LEASE_MS;
  }

  /** Take the lock for run `holder`, or throw `RunLockBusyError` naming the run that holds it. */
  public async acquire(holder: string): Promise<RunLease> {
    const now = this.now();
    const lease: RunLease = { holder, acquiredAt: now.toISOString(), leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString() };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...RUN_LOCK_KEY, type: 'LOCK', state: 'HELD', ...lease },
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :released OR holder = :holder OR leaseUntil < :now',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':released': 'RELEASED', ':holder': holder, ':now': lease.acquiredAt },
        }),
      );
      return lease;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const current = await this.current();
      throw new RunLockBusyError(current?.holder ?? 'unknown', current?.leaseUntil ?? 'unknown', holder);
    }
  }

  /** Release the lock if `holder` still holds it; 'not-held' when another run took it meanwhile (nothing written). */
  public async release(holder: string): Promise<'released' | 'not-held'> {
    const now = this.now().toISOString();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...RUN_LOCK_KEY, type: 'LOCK', state: 'RELEASED', holder, releasedAt: now, leaseUntil: now },
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
      return 'released';
    } catch (error) {
      if (isConditionalFailure(error)) return 'not-held';
      throw error;
    }
  }

  /** The lock as stored (consistent read), or undefined when no run ever took it. */
  public async current(): Promise<(RunLease & { state: 'HELD' | 'RELEASED' }) | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: RUN_LOCK_KEY, ConsistentRead: true }));
    return out.Item as (RunLease & { state: 'HELD' | 'RELEASED' }) | undefined;
  }
}

function isConditionalFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
