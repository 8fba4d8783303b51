/**
 * The worker of scheduled log-file activity: one batch of the manifest's log objects (the
 * Distributed Map's ItemBatcher), read with the CLI's own decoder and aggregator
 * (`ingestLogBuffer` into an `ActivityAggregator` per account), each account's aggregate
 * written to the work bucket as a mergeable partial (`ActivityPartial`). The function
 * returns only counts, so what goes back into the state machine is small whatever the batch.
 *
 * Memory is bounded: at most `concurrency` objects are held at once, each at most
 * `maxFileBytes` decompressed (a bigger one is a TooLarge file error, unread), and the
 * aggregator is bounded by construction (lib/activity/aggregator.ts).
 *
 * Failures:
 * - a file that S3 refuses for good (AccessDenied, NoSuchKey: deleted since the listing,
 *   KMS denied) or that is not a readable log file becomes a file error of its account: the
 *   account's read is then partial, and the rule never says PASS on it;
 * - throttling (SlowDown) or a 5xx that outlasts the SDK's retries throws
 *   `ActivityLogsTransient` before anything is written: the state machine retries the whole
 *   batch (its keys are its id, so a retry rewrites the same partials), and if it never
 *   succeeds the batch's files show as not read in each account's evaluation.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ActivityAggregator, type ActivityPartial } from '../aggregator';
import { LogFileError, fileErrorOf, ingestLogBuffer } from '../decode';
import { collectBody } from '../log-files';
import { batchId, type BatchPartial, type LogObjectItem } from './layout';
import { mapLimit } from '../../support/map-limit';
import type { TrailBucket } from './list-logs';

/** Decompressed size of one log file read by a worker, at most (CloudTrail files are far smaller). */
export const WORKER_MAX_FILE_BYTES = 128 * 1024 * 1024;

/** Thrown when S3 throttled or failed transiently past the SDK's retries: the state machine retries the batch. */
export class ActivityLogsTransient extends Error {
  public override readonly name = 'ActivityLogsTransient';
}

const TRANSIENT_CODES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout', 'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestTimeTooSkewed']);

/** Whether an S3 failure may succeed later (throttling, 5xx, a dropped connection). */
export function isTransientS3Error(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  if (e.name && TRANSIENT_CODES.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  return e.code === 'ECONNRESET' || e.code === 'ETIMEDOUT' || e.name === 'TimeoutError';
}

export interface ReadBatchOptions {
  trail: Pick<TrailBucket, 'bucket' | 'bucketAccount'>;
  window: { start: Date; end: Date };
  timeZone: string;
  items: readonly LogObjectItem[];
  /** Objects fetched and decoded at once. Default 2. */
  concurrency?: number;
  maxFileBytes?: number;
}

export interface BatchSummary {
  batch: string;
  accounts: number;
  files: number;
  filesRead: number;
  filesFailed: number;
  eventsRead: number;
  bytesRead: number;
}

/** Read a batch; `write` stores each account's partial (the handler puts it in the work bucket). */
export async function readLogBatch(s3: S3Client, options: ReadBatchOptions, write: (partial: BatchPartial<ActivityPartial>) => Promise<void>): Promise<BatchSummary> {
  const batch = batchId(options.items.map((i) => i.k));
  const byAccount = new Map<string, LogObjectItem[]>();
  for (const item of options.items) {
    if (!/^\d{12}$/.test(item.a) || typeof item.k !== 'string') throw new Error(`not a log object item: ${JSON.stringify(item).slice(0, 200)}`);
    const list = byAccount.get(item.a);
    if (list) list.push(item);
    else byAccount.set(item.a, [item]);
  }
  const maxBytes = options.maxFileBytes ?? WORKER_MAX_FILE_BYTES;
  const summary: BatchSummary = { batch, accounts: byAccount.size, files: 0, filesRead: 0, filesFailed: 0, eventsRead: 0, bytesRead: 0 };
  const partials: BatchPartial<ActivityPartial>[] = [];
  for (const [account, items] of byAccount) {
    const aggregator = new ActivityAggregator({ window: options.window, timeZone: options.timeZone });
    const counts = { files: items.length, filesRead: 0, filesFailed: 0, eventsRead: 0, bytesRead: 0, getCalls: 0 };
    await mapLimit(items, options.concurrency ?? 2, async (item) => {
      const file = `s3://${options.trail.bucket}/${item.k}`;
      try {
        counts.getCalls += 1;
        const response = await s3.send(new GetObjectCommand({ Bucket: options.trail.bucket, Key: item.k, ExpectedBucketOwner: options.trail.bucketAccount }));
        if (!response.Body) throw new Error('GetObject returned no body');
        const bytes = await collectBody(response.Body as AsyncIterable<Uint8Array>, file, maxBytes);
        const outcome = await ingestLogBuffer(bytes, file, aggregator, maxBytes);
        counts.bytesRead += bytes.byteLength;
        if (outcome.digest) return;
        counts.filesRead += 1;
        counts.eventsRead += outcome.records;
      } catch (error) {
        if (isTransientS3Error(error)) {
          throw new ActivityLogsTransient(`${file}: ${(error as Error).name ?? 'Error'} after the SDK's retries (${error instanceof Error ? error.message : String(error)}); the batch will be retried`);
        }
        counts.filesFailed += 1;
        aggregator.addFileError(fileErrorOf(file, describeS3Error(error)));
      }
    });
    partials.push({ account, batch, ...counts, partial: aggregator.toPartial() });
    summary.files += counts.files;
    summary.filesRead += counts.filesRead;
    summary.filesFailed += counts.filesFailed;
    summary.eventsRead += counts.eventsRead;
    summary.bytesRead += counts.bytesRead;
  }
  // Written only once every file of the batch is settled: a transient failure writes nothing.
  for (const partial of partials) await write(partial);
  return summary;
}

/** An S3 error with its code in the message (AccessDenied, NoSuchKey, KMS.…): the file error says why. */
function describeS3Error(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof LogFileError) return error;
  return new Error(`${error.name}: ${error.message}`);
}
