/**
 * Decoding one CloudTrail log file — gzip → the fields the aggregation reads (`scanner/`,
 * with `JSON.parse` as the fallback and the judge of bad input) → records into an
 * aggregator — with the errors that name the file. Kept apart from the readers (and from
 * the AWS SDK) because the worker threads of `pool.ts` load exactly this and the
 * aggregator, nothing more.
 */
import { createGunzip, gunzipSync } from 'node:zlib';
import type { ActivityAggregator } from './aggregator';
import { LOG_DOCUMENT_PICK, ingestScanned } from './record-digest';
import { scanJson } from './scanner';
import type { ActivityFileError } from './schema';

/** Decompressed size above which a file is refused (V8 strings stop near 512 MB). */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Output chunk of the streaming gunzip: about the whole decompressed file in one or two
 * chunks (trail logs compress 10–25×), between 64 KiB and 8 MiB. Chunk count is what costs:
 * on 1,000-record files Node's default 16 KiB chunks (as `zlib.gunzip` uses) cost ~5 µs per
 * event, 256 KiB ~1.7 µs, one chunk per file ~1.3 µs (bench/activity.ts files).
 */
const MIN_CHUNK_BYTES = 64 * 1024;
const MAX_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * The output chunk for `gzip`: the size its trailer declares (ISIZE, the last member's
 * length mod 2^32) plus one byte, so that one allocation of the right size holds the file
 * and zlib finishes with room left (a full chunk makes it allocate another); otherwise an
 * estimate from the compressed size. Exact sizing also keeps less memory waiting for the
 * garbage collector: each file's output lives outside the V8 heap until then.
 */
function chunkSizeFor(gzip: Uint8Array, maxBytes: number): number {
  const n = gzip.length;
  const declared = n >= 18 ? ((gzip[n - 4] as number) | ((gzip[n - 3] as number) << 8) | ((gzip[n - 2] as number) << 16) | ((gzip[n - 1] as number) << 24)) >>> 0 : 0;
  const size = declared > 0 ? declared + 1 : n * 32;
  return Math.max(MIN_CHUNK_BYTES, Math.min(MAX_CHUNK_BYTES, maxBytes, size));
}

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

/** Any failure while reading `file`, as the file error the section records. */
export function fileErrorOf(file: string, error: unknown): ActivityFileError {
  if (error instanceof LogFileError) return error.toRecord();
  return { file, code: 'ReadFailed', message: `${file}: ${error instanceof Error ? error.message : String(error)}` };
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
  return ingestDocument(parseLogJson(text, file), file, aggregator);
}

/**
 * Ingest a log file's bytes: through the scanner and the digest fast path
 * (`record-digest.ts`) when the scanner takes the file, through `JSON.parse` otherwise. The
 * scanner checks the whole file before any record is counted, so a bad file still counts
 * nothing.
 */
function ingestLogBytes(bytes: Buffer, file: string, aggregator: ActivityAggregator): FileOutcome {
  const scanned = scanJson(bytes, LOG_DOCUMENT_PICK);
  if (!scanned) return ingestDocument(parseLogJson(bytes.toString('utf8'), file), file, aggregator);
  const records = ingestScanned(scanned, aggregator);
  if (records !== undefined) return { records, digest: false };
  return ingestDocument(scanned.value(0), file, aggregator);
}

function parseLogJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LogFileError(file, 'InvalidJson', `not valid JSON (${error instanceof Error ? error.message : String(error)}); the file may be truncated`);
  }
}

function ingestDocument(document: unknown, file: string, aggregator: ActivityAggregator): FileOutcome {
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

/**
 * Stream `bytes` through a gunzip into one buffer, refusing more than `maxBytes` of output
 * as soon as it is exceeded (a gzip bomb never reaches full size in memory).
 */
export function gunzipBounded(bytes: Uint8Array, file: string, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip({ chunkSize: chunkSizeFor(bytes, maxBytes) });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: LogFileError): void => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      reject(error);
    };
    gunzip.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(new LogFileError(file, 'TooLarge', `decompresses to more than ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    gunzip.on('error', (error) => fail(new LogFileError(file, 'InvalidGzip', `gzip data is corrupt or truncated (${error.message})`)));
    gunzip.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    gunzip.end(bytes);
  });
}

/**
 * `gunzipBounded` in the calling thread: for worker threads, which have nothing else to do
 * meanwhile. There it saved ~10% of the pool's time on the 1M-event bench against the
 * stream, whose chunks go through libuv's thread pool and back (bench/activity.ts).
 */
export function gunzipBoundedSync(bytes: Uint8Array, file: string, maxBytes: number): Buffer {
  try {
    return gunzipSync(bytes, { chunkSize: chunkSizeFor(bytes, maxBytes), maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new LogFileError(file, 'TooLarge', `decompresses to more than ${maxBytes} bytes`);
    throw new LogFileError(file, 'InvalidGzip', `gzip data is corrupt or truncated (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * Decompress (when gzip, by magic bytes) and ingest one file's bytes. `blocking` gunzips in
 * this thread (worker threads); otherwise the stream keeps the event loop free.
 */
export async function ingestLogBuffer(
  bytes: Uint8Array,
  file: string,
  aggregator: ActivityAggregator,
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
  blocking = false,
): Promise<FileOutcome> {
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  const buffer = !gzip
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : blocking
      ? gunzipBoundedSync(bytes, file, maxFileBytes)
      : await gunzipBounded(bytes, file, maxFileBytes);
  if (buffer.length > maxFileBytes) throw new LogFileError(file, 'TooLarge', `larger than ${maxFileBytes} bytes`);
  return ingestLogBytes(buffer, file, aggregator);
}
