/**
 * Readers for CloudTrail log files — the gzip JSON `{"Records":[…]}` files trails deliver
 * to S3 — from a local directory (recursive) or an S3 prefix. Unlike LookupEvents these
 * carry data events (S3 GetObject with `bytesTransferredOut`, DynamoDB reads, …).
 *
 * Files are processed one at a time (a file holds about five minutes of one region), so a
 * day of logs never sits in memory. A malformed or truncated file becomes an error naming
 * the file; the other files are still read.
 */
import { opendir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ActivityAggregator } from './aggregator';
import type { ActivityFileError, ActivitySourceRecord } from './schema';

const gunzipAsync = promisify(gunzip);

/** Decompressed size above which a file is refused (V8 strings stop near 512 MB). */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Files delivered this long after the window's end may still hold its late events. */
export const DEFAULT_LATE_DELIVERY_MS = 60 * 60 * 1000;

export class LogFileError extends Error {
  public constructor(
    public readonly file: string,
    public readonly code: ActivityFileError['code'],
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'LogFileError';
  }

  public toRecord(): ActivityFileError {
    return { file: this.file, code: this.code, message: this.message };
  }
}

export interface LogFileOptions {
  maxFileBytes?: number;
  /** Skip files whose delivery timestamp (in the CloudTrail file name) is outside the window. Default true. */
  pruneByFileName?: boolean;
  lateDeliveryMs?: number;
}

/** Outcome of one file: records counted, or a digest file that was skipped. */
export interface FileOutcome {
  records: number;
  digest: boolean;
}

/**
 * Parse one log file's text and feed its records to the aggregator. Throws
 * `LogFileError` (InvalidJson / NotCloudTrail) naming the file; nothing is counted then.
 */
export function ingestLogText(text: string, file: string, aggregator: ActivityAggregator): FileOutcome {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new LogFileError(file, 'InvalidJson', `not valid JSON (${error instanceof Error ? error.message : String(error)}); the file may be truncated`);
  }
  if (typeof document !== 'object' || document === null) {
    throw new LogFileError(file, 'NotCloudTrail', 'expected a JSON object with a "Records" array');
  }
  const records = (document as { Records?: unknown }).Records;
  if (!Array.isArray(records)) {
    // Digest files (log file integrity validation) live next to the logs; they are not events.
    if ('digestStartTime' in document) return { records: 0, digest: true };
    throw new LogFileError(file, 'NotCloudTrail', 'no "Records" array: not a CloudTrail log file');
  }
  for (const record of records) aggregator.add(record);
  return { records: records.length, digest: false };
}

/** Decompress (when gzip, by magic bytes) and ingest one file's bytes. */
export async function ingestLogBuffer(
  bytes: Uint8Array,
  file: string,
  aggregator: ActivityAggregator,
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
): Promise<FileOutcome> {
  let buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) {
    try {
      buffer = await gunzipAsync(buffer, { maxOutputLength: maxFileBytes });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof RangeError || /maxOutputLength|buffer larger/i.test(message)) {
        throw new LogFileError(file, 'TooLarge', `decompresses to more than ${maxFileBytes} bytes`);
      }
      throw new LogFileError(file, 'InvalidGzip', `gzip data is corrupt or truncated (${message})`);
    }
  }
  if (buffer.length > maxFileBytes) throw new LogFileError(file, 'TooLarge', `larger than ${maxFileBytes} bytes`);
  return ingestLogText(buffer.toString('utf8'), file, aggregator);
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

class FileRun {
  public filesRead = 0;
  public filesSkipped = 0;
  public failed = 0;
  public eventsRead = 0;

  public constructor(
    private readonly aggregator: ActivityAggregator,
    private readonly options: LogFileOptions,
  ) {}

  /** Whether a file name is worth reading for the window. */
  public wanted(name: string): boolean {
    if (!isLogFileName(name) || isDigestPath(name)) return false;
    if (this.options.pruneByFileName === false) return true;
    const delivered = deliveryTimeOf(name);
    if (delivered === undefined) return true;
    const { start, end } = this.aggregator.window;
    const late = this.options.lateDeliveryMs ?? DEFAULT_LATE_DELIVERY_MS;
    // A file delivered before the window starts only holds earlier events.
    if (delivered < start.getTime() || delivered > end.getTime() + late) {
      this.filesSkipped += 1;
      return false;
    }
    return true;
  }

  public async ingest(file: string, read: () => Promise<Uint8Array>): Promise<void> {
    try {
      const bytes = await read();
      const outcome = await ingestLogBuffer(bytes, file, this.aggregator, this.options.maxFileBytes);
      if (outcome.digest) return;
      this.filesRead += 1;
      this.eventsRead += outcome.records;
    } catch (error) {
      this.failed += 1;
      const record =
        error instanceof LogFileError
          ? error.toRecord()
          : { file, code: 'ReadFailed' as const, message: `${file}: ${error instanceof Error ? error.message : String(error)}` };
      this.aggregator.addFileError(record);
    }
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
 * aggregator, and record the source (files read, skipped, failed) on it.
 */
export async function readLogDirectory(dir: string, aggregator: ActivityAggregator, options: LogFileOptions = {}): Promise<ActivitySourceRecord> {
  const run = new FileRun(aggregator, options);
  try {
    for await (const path of walk(dir)) {
      if (!run.wanted(relative(dir, path) || path)) continue;
      await run.ingest(path, () => readFile(path));
    }
  } catch (error) {
    aggregator.addFileError({ file: dir, code: 'ReadFailed', message: `${dir}: ${error instanceof Error ? error.message : String(error)}` });
    run.failed += 1;
  }
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
 * Read the CloudTrail files under an S3 prefix (ListObjectsV2, paginated; GetObject body
 * streamed into memory one file at a time).
 */
export async function readS3Prefix(client: S3Client, url: string, aggregator: ActivityAggregator, options: S3ReadOptions = {}): Promise<ActivitySourceRecord> {
  const { bucket, prefix } = parseS3Url(url);
  const run = new FileRun(aggregator, options);
  const maxPages = options.maxListPages ?? 1000;
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
    pages += 1;
    for (const object of page.Contents ?? []) {
      const key = object.Key;
      if (!key || !run.wanted(key)) continue;
      await run.ingest(`s3://${bucket}/${key}`, async () => {
        calls += 1;
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!response.Body) throw new Error('GetObject returned no body');
        return collect(response.Body as AsyncIterable<Uint8Array>, `s3://${bucket}/${key}`, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const source = run.source('s3-prefix', `s3://${bucket}/${prefix}`, { apiCalls: calls, ...(truncation ? { truncation } : {}) });
  aggregator.addSource(source);
  return source;
}

async function collect(stream: AsyncIterable<Uint8Array>, file: string, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > max) throw new LogFileError(file, 'TooLarge', `object larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
