/**
 * The live source as the CLI sees it: options → snapshots, with a progress line per
 * account (on a terminal) and a final summary (always) written through `report`.
 * lib/sources `resolveSnapshots` imports this lazily, so offline commands never load the SDK.
 */
import { STSClient } from '@aws-sdk/client-sts';
import type { AccountSnapshot } from '../snapshot';
import type { ActivityCollection } from './activity';
import { collectAccounts, type AccountOutcome, type LiveRunResult, type LiveSelection } from './accounts';

export interface LiveSourceOptions extends LiveSelection {
  concurrency?: number;
  /** CloudTrail activity to read in every account; absent: none (the summary says how to ask). */
  activity?: ActivityCollection;
  collectedAt?: string;
}

export interface LiveReporter {
  /** One line per finished account (only when someone watches: a TTY). */
  progress?: (line: string) => void;
  /** The final summary lines. */
  summary?: (line: string) => void;
}

/** Region: --region, else the SDK's own chain (AWS_REGION, AWS_DEFAULT_REGION, the profile's config). */
export async function resolveRegion(region: string | undefined, profile: string | undefined): Promise<string> {
  if (region) return region;
  try {
    const resolved = await new STSClient(profile ? { profile } : {}).config.region();
    if (resolved) return resolved;
  } catch {
    // fall through to the explicit error below
  }
  throw new Error('no AWS region: pass --region, or set AWS_REGION (or a region in the profile)');
}

export async function collectLive(options: LiveSourceOptions, reporter: LiveReporter = {}): Promise<{ snapshots: AccountSnapshot[]; result: LiveRunResult }> {
  const region = await resolveRegion(options.region, options.profile);
  const result = await collectAccounts({
    ...options,
    region,
    ...(options.collectedAt ? { now: new Date(options.collectedAt) } : {}),
    onAccountDone: (outcome, done, total) => reporter.progress?.(progressLine(outcome, done, total)),
  });
  for (const line of summaryLines(result)) reporter.summary?.(line);
  if (!options.activity) {
    reporter.summary?.('activity: not read, so monitoring.abnormal-activity is NOT VERIFIED; add --activity lookup-events (or s3://bucket/prefix of the trail logs)');
  }
  return { snapshots: result.snapshots, result };
}

/** `[2/12] 222233334444 ok 24 calls 3.1 s` or `… 9 errors (sts:AssumeRole AccessDenied) …`. */
export function progressLine(o: AccountOutcome, done: number, total: number): string {
  const calls = Object.values(o.calls).reduce((a, b) => a + b, 0);
  const width = String(total).length;
  const errors = o.snapshot.collectionErrors;
  const status = o.ok ? 'ok' : `${errors.length} error${errors.length === 1 ? '' : 's'} (${[...new Set(errors.map((e) => `${e.operation} ${e.code}`))].slice(0, 2).join(', ')})`;
  return `[${String(done).padStart(width)}/${total}] ${o.accountId} ${status} ${calls} calls ${(o.durationMs / 1000).toFixed(1)} s`;
}

export function summaryLines(r: LiveRunResult): string[] {
  const ok = r.outcomes.filter((o) => o.ok).length;
  const lines = [
    `live collection: ${r.outcomes.length} account(s), ${ok} ok, ${r.outcomes.length - ok} with errors${r.skipped.length ? `, ${r.skipped.length} skipped` : ''} in ${(r.durationMs / 1000).toFixed(1)} s`,
    `API calls: ${r.totalCalls} (${r.totalAttempts} HTTP attempts incl. retries)`,
    ...Object.entries(r.apiCalls).map(([op, n]) => `  ${op.padEnd(40)} ${n}`),
    ...r.skipped.map((s) => `skipped ${s.accountId}${s.name ? ` (${s.name})` : ''}: ${s.reason}`),
  ];
  return lines;
}
