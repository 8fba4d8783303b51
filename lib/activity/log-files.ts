/**
 * Readers for CloudTrail log files — the gzip JSON `{"Records":[…]}` files trails deliver
 * to S3 — from a local directory (recursive) or an S3 prefix. Unlike LookupEvents these
 * carry data events (S3 GetObject with `bytesTransferredOut`, DynamoDB reads, …).
 *
 * Each file is read whole and dropped once counted (a file holds about five minutes of one
 * region), so a day of logs never sits in memory; with worker threads (`pool.ts`) each
 * thread holds a couple of files at a time. A malformed or truncated file becomes an error
 * naming the file; the other files are still read. Symbolic links, FIFOs, devices and files
 * over the size cap are refused unread (`read-file.ts`) and counted as file errors.
 */
import { opendir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ActivityAggregator } from './aggregator';
import { DEFAULT_MAX_FILE_BYTES, LogFileError, fileErrorOf, ingestLogBuffer } from './decode';
import { LogFilePool, plannedWorkers, type FileResult, type PoolOptions } from './pool';
import { readLogFile } from './read-file';
import type { ActivitySourceRecord } from './schema';

export { DEFAULT_MAX_FILE_BYTES, LogFileError, fileErrorOf, gunzipBounded, gunzipBoundedSync, ingestLogBuffer, ingestLogText, type FileOutcome } from './decode';

/** Files delivered this long after the window's end may still hold its late events. */
export const DEFAULT_LATE_DELIVERY_MS = 60 * 60 * 1000;

/** Where a long read stands (`LogFileOptions.progress`). */
export interface ReadProgress {
  /** Files read or failed so far. */
  filesDone: number;
  filesFailed: number;
  /** Files found so far (an S3 listing grows page by page; see `listingDone`). */
  filesFound: number;
  listingDone: boolean;
  eventsRead: number;
  /** The last update of the read. */
  finished: boolean;
}

export interface LogFileOptions extends PoolOptions {
  maxFileBytes?: number;
  /** Called as files complete, at most once per `progressIntervalMs`, and once at the end. */
  progress?: (update: ReadProgress) => void;
  /** Default 1,000 ms. */
  progressIntervalMs?: number;
  /** Skip files whose delivery timestamp (in the CloudTrail file name) is outside the window. Default true. */
  pruneByFileName?: boolean;
  lateDeliveryMs?: number;
}

const CLOUDTRAIL_NAME_TIME = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_/;

/** Delivery time encoded in a CloudTrail log file name (`…_20260112T1005Z_…json.gz`), if any. */
export function deliveryTimeOf(name: string): number | undefined {
  const m = CLOUDTRAIL_NAME_TIME.exec(name);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
}

function isLogFileName(name: string): boolean {
  return name.endsWith('.json.gz') || name.endsWith('.json');
}

function isDigestPath(path: string): boolean {
  return path.includes('CloudTrail-Digest');
}

/**
 * Whether a listed key is a log file worth reading for `window`: a `.json(.gz)` file, not a
 * digest, and (unless pruning is off) delivered — per the time in its name — between the
 * window's start and `lateDeliveryMs` after its end. The rule of every reader of log files.
 */
export function isLogFileForWindow(name: string, window: { start: Date; end: Date }, options: { pruneByFileName?: boolean; lateDeliveryMs?: number } = {}): boolean {
  if (!isLogFileName(name) || isDigestPath(name)) return false;
  if (options.pruneByFileName === false) return true;
  const delivered = deliveryTimeOf(name);
  if (delivered === undefined) return true;
  const late = options.lateDeliveryMs ?? DEFAULT_LATE_DELIVERY_MS;
  // A file delivered before the window starts only holds earlier events.
  return delivered >= window.start.getTime() && delivered <= window.end.getTime() + late;
}

/** Progress of one read, reported at most once per interval (as results arrive, in any order). */
class ProgressTicker {
  private readonly state: ReadProgress = { filesDone: 0, filesFailed: 0, filesFound: 0, listingDone: false, eventsRead: 0, finished: false };
  private last = 0;

  public constructor(private readonly options: LogFileOptions) {}

  public found(files: number, listingDone = false): void {
    this.state.filesFound += files;
    this.state.listingDone = listingDone;
  }

  public file(result: FileResult): void {
    this.state.filesDone += 1;
    if ('error' in result) this.state.filesFailed += 1;
    else this.state.eventsRead += result.outcome.records;
    const now = Date.now();
    if (this.options.progress && now - this.last >= (this.options.progressIntervalMs ?? 1000)) {
      this.last = now;
      this.options.progress({ ...this.state });
    }
  }

  public done(): void {
    this.state.listingDone = true;
    this.state.finished = true;
    this.options.progress?.({ ...this.state });
  }
}

class FileRun {
  public filesRead = 0;
  public filesSkipped = 0;
  public failed = 0;
  public eventsRead = 0;
  public readonly progress: ProgressTicker;

  public constructor(
    private readonly aggregator: ActivityAggregator,
    private readonly options: LogFileOptions,
  ) {
    this.progress = new ProgressTicker(options);
  }

  /** Whether a file name is worth reading for the window. */
  public wanted(name: string): boolean {
    if (!isLogFileName(name) || isDigestPath(name)) return false;
    if (isLogFileForWindow(name, this.aggregator.window, this.options)) return true;
    this.filesSkipped += 1;
    return false;
  }

  /** Read one file in this thread. */
  public async ingest(file: string, read: () => Promise<Uint8Array>): Promise<void> {
    let result: FileResult;
    try {
      const bytes = await read();
      result = { outcome: await ingestLogBuffer(bytes, file, this.aggregator, this.options.maxFileBytes) };
    } catch (error) {
      result = { error: fileErrorOf(file, error) };
    }
    this.record(result);
    this.progress.file(result);
  }

  /** Account for one file's result (read here or in a worker). */
  public record(result: FileResult): void {
    if ('error' in result) {
      this.failed += 1;
      this.aggregator.addFileError(result.error);
      return;
    }
    if (result.outcome.digest) return;
    this.filesRead += 1;
    this.eventsRead += result.outcome.records;
  }

  public source(kind: ActivitySourceRecord['kind'], location: string, extra: Partial<ActivitySourceRecord> = {}): ActivitySourceRecord {
    return {
      kind,
      location,
      complete: this.failed === 0 && this.filesRead > 0 && extra.truncation === undefined,
      eventsRead: this.eventsRead,
      filesRead: this.filesRead,
      filesSkipped: this.filesSkipped,
      ...extra,
    };
  }
}

/**
 * Files read by a worker pool. Results are kept by submission order and accounted only at
 * the end, so file errors are listed in the same order as an in-process read, whatever
 * order the workers finished in.
 */
class ParallelRun {
  private readonly names: string[] = [];
  private readonly results: Promise<FileResult>[] = [];
  private active = 0;
  private waiter: (() => void) | undefined;
  private readonly pool: LogFilePool;

  public constructor(
    workers: number,
    private readonly aggregator: ActivityAggregator,
    private readonly run: FileRun,
    options: LogFileOptions,
  ) {
    this.pool = new LogFilePool(workers, { options: aggregator.options, ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}) });
    this.limit = workers * 4;
  }

  /** Files being fetched or read at most at once (bounds the bytes held for S3). */
  private readonly limit: number;

  /** Wait until another file may be started. */
  public async slot(): Promise<void> {
    while (this.active >= this.limit) await new Promise<void>((resolve) => (this.waiter = resolve));
  }

  /** Read a file in a worker; `fetch` (S3) runs here first, a local path is read by the worker. */
  public add(name: string, source: { path: string } | { fetch: () => Promise<Uint8Array> }): void {
    const id = this.names.push(name) - 1;
    this.active += 1;
    const result = (async (): Promise<FileResult> => {
      try {
        if ('path' in source) return await this.pool.submit({ id, name, path: source.path });
        let bytes: Uint8Array;
        try {
          bytes = await source.fetch();
        } catch (error) {
          return { error: fileErrorOf(name, error) };
        }
        return await this.pool.submit({ id, name, bytes });
      } finally {
        this.active -= 1;
        const wake = this.waiter;
        this.waiter = undefined;
        wake?.();
      }
    })();
    void result.then((r) => this.run.progress.file(r));
    this.results.push(result);
  }

  /** Merge the workers' aggregates and account for every file, in submission order. */
  public async finish(): Promise<void> {
    const results = await Promise.all(this.results);
    const { partials, lost } = await this.pool.finish();
    for (const partial of partials) this.aggregator.mergePartial(partial);
    results.forEach((result, id) => {
      const name = this.names[id] as string;
      const why = lost.get(id);
      this.run.record(why ? { error: { file: name, code: 'ReadFailed', message: `${name}: ${why}` } } : result);
    });
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries: { name: string; isDir: boolean }[] = [];
  for await (const entry of await opendir(dir)) entries.push({ name: entry.name, isDir: entry.isDirectory() });
  // Sorted so two runs over the same tree read files in the same order.
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDir) yield* walk(path);
    else yield path;
  }
}

/**
 * Read every `.json.gz` / `.json` CloudTrail file under `dir` (recursive) into the
 * aggregator, and record the source (files read, skipped, failed) on it. With enough
 * files, worker threads read them in parallel (`options.workers`, see `pool.ts`).
 */
export async function readLogDirectory(dir: string, aggregator: ActivityAggregator, options: LogFileOptions = {}): Promise<ActivitySourceRecord> {
  const run = new FileRun(aggregator, options);
  // Names first (a day of one region is ~300 files): the count decides the workers.
  const paths: string[] = [];
  try {
    for await (const path of walk(dir)) if (run.wanted(relative(dir, path) || path)) paths.push(path);
  } catch (error) {
    aggregator.addFileError({ file: dir, code: 'ReadFailed', message: `${dir}: ${error instanceof Error ? error.message : String(error)}` });
    run.failed += 1;
  }
  run.progress.found(paths.length, true);
  const workers = plannedWorkers(paths.length, options);
  if (workers > 0) {
    const parallel = new ParallelRun(workers, aggregator, run, options);
    for (const path of paths) parallel.add(path, { path });
    await parallel.finish();
  } else {
    for (const path of paths) await run.ingest(path, () => readLogFile(path, path, options.maxFileBytes));
  }
  run.progress.done();
  const source = run.source('log-directory', dir);
  aggregator.addSource(source);
  return source;
}

/** `s3://bucket/prefix` → bucket and prefix. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m || !m[1]) throw new Error(`expected an S3 URL like s3://bucket/AWSLogs/123456789012/CloudTrail/, got "${url}"`);
  return { bucket: m[1], prefix: m[2] ?? '' };
}

export interface S3ReadOptions extends LogFileOptions {
  /** Stop listing after this many ListObjectsV2 pages (recorded as truncation). Default 1,000. */
  maxListPages?: number;
}

/**
 * Read the CloudTrail files under an S3 prefix (ListObjectsV2, paginated; each GetObject
 * body collected into memory, one file at a time in-process; with workers, a few files
 * fetched here while the workers gunzip and parse).
 */
export async function readS3Prefix(client: S3Client, url: string, aggregator: ActivityAggregator, options: S3ReadOptions = {}): Promise<ActivitySourceRecord> {
  const { bucket, prefix } = parseS3Url(url);
  // Loaded here, not at the top: reading a directory should not pay for the S3 SDK (~20 MB).
  const { GetObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const run = new FileRun(aggregator, options);
  const maxPages = options.maxListPages ?? 1000;
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let parallel: ParallelRun | undefined;
  let token: string | undefined;
  let pages = 0;
  let calls = 0;
  let truncation: ActivitySourceRecord['truncation'];
  do {
    if (pages >= maxPages) {
      truncation = { reason: 'list-budget', message: `stopped listing s3://${bucket}/${prefix} after ${pages} pages (maxListPages)` };
      break;
    }
    let page;
    try {
      calls += 1;
      page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    } catch (error) {
      const code = (error as { name?: string }).name ?? 'Error';
      truncation = { reason: code, message: `ListObjectsV2 on s3://${bucket}/${prefix} failed: ${error instanceof Error ? error.message : String(error)}` };
      break;
    }
    const keys = (page.Contents ?? []).map((o) => o.Key).filter((key): key is string => key !== undefined && run.wanted(key));
    run.progress.found(keys.length, !page.IsTruncated);
    if (pages === 0) {
      // The first page decides: a listing that goes on is worth the full pool.
      const workers = plannedWorkers(page.IsTruncated ? Number.MAX_SAFE_INTEGER : keys.length, options);
      if (workers > 0) parallel = new ParallelRun(workers, aggregator, run, options);
    }
    pages += 1;
    for (const key of keys) {
      const file = `s3://${bucket}/${key}`;
      const fetch = async (): Promise<Uint8Array> => {
        calls += 1;
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!response.Body) throw new Error('GetObject returned no body');
        return collectBody(response.Body as AsyncIterable<Uint8Array>, file, maxBytes);
      };
      if (parallel) {
        await parallel.slot();
        parallel.add(file, { fetch });
      } else await run.ingest(file, fetch);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  await parallel?.finish();
  run.progress.done();
  const source = run.source('s3-prefix', `s3://${bucket}/${prefix}`, { apiCalls: calls, ...(truncation ? { truncation } : {}) });
  aggregator.addSource(source);
  return source;
}

/** An S3 object body collected into memory, refused (TooLarge) as soon as it passes `max` bytes. */
export async function collectBody(stream: AsyncIterable<Uint8Array>, file: string, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > max) throw new LogFileError(file, 'TooLarge', `object larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
