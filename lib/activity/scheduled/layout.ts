/**
 * The run work bucket's layout for scheduled log-file activity, and the items the
 * Distributed Map reads. One prefix per run, so a retried or redriven run rewrites its own
 * objects (same keys, same content) and never mixes with another run's:
 *
 *   activity/<runId>/files.jsonl                    the manifest: one log object per line (ItemReader)
 *   activity/<runId>/listing/<account>.json         what the lister found for the account
 *   activity/<runId>/partials/<account>/<batch>.json one worker batch's aggregate of the account
 *
 * Nothing here is evidence: the evidence is the section each account's run records (and
 * seals) after merging its partials. The bucket expires these objects after a few days.
 */
import { createHash } from 'node:crypto';

/** One log object of the manifest (short names: a day of an organisation is millions of lines). */
export interface LogObjectItem {
  /** Account whose folder holds the object. */
  a: string;
  /** Object key in the trail bucket. */
  k: string;
  /** Size in bytes (compressed), from the listing. */
  s: number;
}

/** One listing of a prefix that failed (after the SDK's retries). */
export interface ListingError {
  prefix: string;
  code: string;
  message: string;
}

/** What the lister found for one account over the window. */
export interface AccountListing {
  account: string;
  /** `s3://bucket/prefix/AWSLogs/[o-…/]<account>/CloudTrail/` */
  location: string;
  regions: string[];
  filesListed: number;
  bytesListed: number;
  listCalls: number;
  /** Listed files left out by name (digest files, delivered outside the window). */
  filesSkipped: number;
  /** At most the first 20; `listErrorCount` has them all. */
  listErrors: ListingError[];
  listErrorCount: number;
}

/** What one worker batch wrote for one account (its aggregate plus what it read). */
export interface BatchPartial<P = unknown> {
  account: string;
  batch: string;
  /** Files of this account in the batch (read or failed). */
  files: number;
  filesRead: number;
  filesFailed: number;
  eventsRead: number;
  bytesRead: number;
  getCalls: number;
  partial: P;
}

export const MAX_LISTED_LISTING_ERRORS = 20;

/** The run id as a key segment (run ids are `[A-Za-z0-9._:-]`; anything else becomes `-`). */
function segment(runId: string): string {
  return runId.replace(/[^A-Za-z0-9._:-]/g, '-');
}

export function runPrefix(runId: string): string {
  return `activity/${segment(runId)}/`;
}

export function manifestKey(runId: string): string {
  return `${runPrefix(runId)}files.jsonl`;
}

export function listingKey(runId: string, account: string): string {
  return `${runPrefix(runId)}listing/${account}.json`;
}

export function partialsPrefix(runId: string, account: string): string {
  return `${runPrefix(runId)}partials/${account}/`;
}

export function partialKey(runId: string, account: string, batch: string): string {
  return `${partialsPrefix(runId, account)}${batch}.json`;
}

/**
 * A batch's id: a hash of its keys, so the same batch (a retry, a redrive) writes the same
 * partial objects and two batches never share one.
 */
export function batchId(keys: readonly string[]): string {
  const hash = createHash('sha256');
  for (const key of keys) hash.update(key).update('\n');
  return hash.digest('hex').slice(0, 32);
}

/** The window of a run: `windowHours` before its start (the same on every function of the run). */
export function runWindow(startedAt: string, windowHours: number): { start: Date; end: Date } {
  const end = new Date(startedAt);
  if (Number.isNaN(end.getTime())) throw new Error(`startedAt is not an ISO-8601 date: ${JSON.stringify(startedAt)}`);
  return { start: new Date(end.getTime() - windowHours * 3_600_000), end };
}
