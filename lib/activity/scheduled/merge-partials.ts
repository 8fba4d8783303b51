/**
 * The reducer of scheduled log-file activity, run by each account's evaluation
 * (collect-account): the account's listing and every batch partial the workers wrote for it,
 * merged into the aggregator the `activity` section comes from, with what was NOT read said
 * in the section:
 *
 * - files listed but in no partial (a worker batch that failed for good) → one file error
 *   counting them all; the read is partial (WARN or the signals found, never PASS);
 * - failed listings of some prefixes → a file error each (same);
 * - no listing for the account, or every listing failed and nothing was read → truncation
 *   with the reason: the collector records "activity not collected" and the rule says ERROR;
 * - the source is `complete` only when every listed file was read without error.
 *
 * The merge is the aggregator's own `mergePartial` (associative and commutative up to the
 * documented caps), so the order partials are listed in does not matter.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ActivityAggregator, ActivityPartial } from '../aggregator';
import { collectBody } from '../log-files';
import type { ActivitySourceRecord } from '../schema';
import { listingKey, partialsPrefix, type AccountListing, type BatchPartial } from './layout';

/** A partial or listing object, at most (a partial of 50,000 principals is far below). */
const MAX_WORK_OBJECT_BYTES = 256 * 1024 * 1024;

export interface MergePartialsOptions {
  workBucket: string;
  runId: string;
  account: string;
  /** Objects fetched at once. Default 8. */
  concurrency?: number;
}

/** Merge the account's partials into `aggregator`; record and return the source. */
export async function mergeRunPartials(s3: S3Client, options: MergePartialsOptions, aggregator: ActivityAggregator): Promise<ActivitySourceRecord> {
  const { workBucket, runId, account } = options;
  let calls = 0;
  const getJson = async <T>(key: string): Promise<T | undefined> => {
    calls += 1;
    try {
      const response = await s3.send(new GetObjectCommand({ Bucket: workBucket, Key: key }));
      if (!response.Body) throw new Error(`GetObject s3://${workBucket}/${key} returned no body`);
      const bytes = await collectBody(response.Body as AsyncIterable<Uint8Array>, `s3://${workBucket}/${key}`, MAX_WORK_OBJECT_BYTES);
      return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as T;
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  };

  const listing = await getJson<AccountListing>(listingKey(runId, account));
  if (!listing) {
    const source: ActivitySourceRecord = {
      kind: 's3-prefix',
      location: `s3://${workBucket}/${listingKey(runId, account)}`,
      complete: false,
      eventsRead: 0,
      filesRead: 0,
      apiCalls: calls,
      truncation: { reason: 'NotListed', message: `this run listed no log files for account ${account}: the lister failed or did not run (see the state machine execution)` },
    };
    aggregator.addSource(source);
    return source;
  }

  const keys: string[] = [];
  let token: string | undefined;
  do {
    calls += 1;
    const page = await s3.send(new ListObjectsV2Command({ Bucket: workBucket, Prefix: partialsPrefix(runId, account), ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  let filesCovered = 0;
  let filesRead = 0;
  let filesFailed = 0;
  let eventsRead = 0;
  let getCalls = 0;
  // One partial at a time in memory besides the aggregator: merged as soon as it is parsed.
  for (const key of keys) {
    const batch = await getJson<BatchPartial<ActivityPartial>>(key);
    if (!batch || batch.account !== account) continue;
    aggregator.mergePartial(batch.partial);
    filesCovered += batch.files;
    filesRead += batch.filesRead;
    filesFailed += batch.filesFailed;
    eventsRead += batch.eventsRead;
    getCalls += batch.getCalls;
  }

  const notRead = Math.max(0, listing.filesListed - filesCovered);
  const gaps: ActivityPartial['fileErrors'] = [];
  if (notRead > 0) {
    gaps.push({ file: listing.location, code: 'ReadFailed', message: `${notRead} of ${listing.filesListed} listed log file(s) were not read: their worker batch failed (see the state machine's map run)` });
  }
  for (const e of listing.listErrors) gaps.push({ file: e.prefix, code: 'ReadFailed', message: e.message });
  const gapCount = (notRead > 0 ? 1 : 0) + listing.listErrorCount;
  const listingFailed = listing.listErrorCount > 0;
  const readNothing = filesRead === 0 && eventsRead === 0;
  let truncation: ActivitySourceRecord['truncation'];
  if (listingFailed && readNothing) {
    // Nothing could be listed (e.g. the bucket policy does not grant this account): no section.
    const first = listing.listErrors[0];
    truncation = { reason: first?.code ?? 'ListFailed', message: first?.message ?? `listing ${listing.location} failed` };
  } else if (gapCount > 0) {
    aggregator.mergePartial({ ...emptyPartialLike(aggregator), fileErrorCount: gapCount, fileErrors: gaps.slice(0, 100) });
  }
  const source: ActivitySourceRecord = {
    kind: 's3-prefix',
    location: listing.location,
    complete: !listingFailed && notRead === 0 && filesFailed === 0 && filesRead > 0,
    eventsRead,
    filesRead,
    filesSkipped: listing.filesSkipped,
    apiCalls: listing.listCalls + getCalls + calls,
    ...(truncation ? { truncation } : {}),
  };
  aggregator.addSource(source);
  return source;
}

/** A partial with nothing in it, compatible with `aggregator` (to add file errors through `mergePartial`). */
function emptyPartialLike(aggregator: ActivityAggregator): ActivityPartial {
  const own = aggregator.options;
  return {
    window: { startMs: own.window.start.getTime(), endMs: own.window.end.getTime() },
    timeZone: own.timeZone,
    exactDistinctLimit: own.exactDistinctLimit,
    events: 0,
    outsideWindow: 0,
    malformed: 0,
    overflow: 0,
    fileErrorCount: 0,
    fileErrors: [],
    sources: [],
    principals: [],
  };
}
