/**
 * Telling a run in progress from an interrupted one (issue #14: "`verify` tells apart
 * tampering, an incomplete run and a run in progress, with distinct exit codes").
 *
 * A run header without a manifest looks the same in the table whether its execution is still
 * collecting or died half-way. The difference is the deployed run lock (lib/evidence/run-lock.ts):
 * while an execution is alive it holds the lock with an unexpired lease, and the open runs it
 * writes carry its run id. So an unsealed run is "in progress" only when the lock is HELD by
 * that very run id and its lease has not expired; anything else unsealed stays "incomplete".
 * The embedded store needs none of this: `collect` holds the store lock for its whole run, so
 * `verify` cannot even open the store meanwhile (exit 6, busy).
 *
 * Only RUN_INCOMPLETE problems move: a record that does not match its run's plan, a deleted
 * manifest or an invalid signature is tampering whether or not a run is in progress.
 */
import type { RunLease } from './run-lock';
import { verdictOfProblems, type Problem, type VerificationResult } from './verify';

export interface RunInProgress {
  /** The run (execution) holding the collection lock. */
  runId: string;
  acquiredAt: string;
  leaseUntil: string;
  /** Accounts whose open run belongs to it (not yet sealed by its FinalizeRun). */
  accounts: string[];
}

export type StoredLock = RunLease & { state: 'HELD' | 'RELEASED' };

/**
 * Split the open runs of the execution holding a live lease out of `result`: they are
 * reported as in progress, and the verdict is recomputed from what remains.
 */
export function separateRunInProgress(
  result: VerificationResult,
  lock: StoredLock | undefined,
  now: Date,
): { result: VerificationResult; inProgress?: RunInProgress } {
  if (!lock || lock.state !== 'HELD' || !(Date.parse(lock.leaseUntil) > now.getTime())) return { result };
  const isOpenRunOfHolder = (p: Problem): boolean => p.kind === 'RUN_INCOMPLETE' && p.runId === lock.holder;
  const accountsInProgress = result.accounts.filter((a) => a.problems.some(isOpenRunOfHolder)).map((a) => a.accountId);
  if (accountsInProgress.length === 0) return { result };
  const accounts = result.accounts.map((a) => ({ ...a, problems: a.problems.filter((p) => !isOpenRunOfHolder(p)) }));
  const remaining = [...(result.storeProblems ?? []), ...accounts.flatMap((a) => a.problems)];
  remaining.sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : a.collectedAt > b.collectedAt ? 1 : 0));
  const verdict = verdictOfProblems(remaining);
  const { firstProblem: _dropped, ...rest } = result;
  return {
    result: { ...rest, ok: remaining.length === 0, verdict, accounts, ...(remaining[0] ? { firstProblem: remaining[0] } : {}) },
    inProgress: { runId: lock.holder, acquiredAt: lock.acquiredAt, leaseUntil: lock.leaseUntil, accounts: accountsInProgress },
  };
}
