/**
 * What a Distributed Map's ResultWriter wrote: `manifest.json` names one file per status
 * (`SUCCEEDED_n.json`, `FAILED_n.json`, `PENDING_n.json`), each a JSON array of child
 * executions with their Input (and Output, or Error and Cause) as JSON strings — the shape the
 * Step Functions developer guide documents for "ResultWriter".
 *
 * FinalizeRun reads the FAILED files to name the accounts whose child execution failed (could
 * not start, ran out of time, or failed past every Catch) and why. It is a diagnostic only:
 * each account's outcome is read from the evidence store, because a child that failed may still
 * have written (and a child that succeeded proves nothing an auditor can verify — the sealed
 * manifest does).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readBounded } from './account-list';

/** One results file is at most 5 GB in S3; FinalizeRun reads at most this much of each (names beyond are counted, not read). */
const MAX_RESULTS_FILE_BYTES = 64 * 1024 * 1024;

export interface MapResultsRef {
  Bucket: string;
  Key: string;
}

export interface FailedChild {
  /** From the child's input (`accountId` of the item), when present. */
  accountId?: string;
  error: string;
  cause?: string;
}

export interface MapResults {
  failed: FailedChild[];
  /** Failed children in the results (named or not). */
  failedCount: number;
  succeededFiles: number;
  pendingFiles: number;
}

interface Manifest {
  ResultFiles?: Partial<Record<'SUCCEEDED' | 'FAILED' | 'PENDING', { Key: string; Size?: number }[]>>;
}

async function readJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  const where = `s3://${bucket}/${key}`;
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!response.Body) throw new Error(`GetObject ${where} returned no body`);
  return JSON.parse((await readBounded(response.Body as AsyncIterable<Uint8Array>, where, MAX_RESULTS_FILE_BYTES)).toString('utf8')) as unknown;
}

/** The failed children of a Map Run, at most `maxNamed` of them with their account and error. */
export async function readMapResults(s3: S3Client, ref: MapResultsRef, maxNamed: number): Promise<MapResults> {
  const manifest = (await readJson(s3, ref.Bucket, ref.Key)) as Manifest;
  const files = manifest.ResultFiles ?? {};
  const out: MapResults = { failed: [], failedCount: 0, succeededFiles: files.SUCCEEDED?.length ?? 0, pendingFiles: files.PENDING?.length ?? 0 };
  for (const file of files.FAILED ?? []) {
    const entries = await readJson(s3, ref.Bucket, file.Key);
    if (!Array.isArray(entries)) throw new Error(`s3://${ref.Bucket}/${file.Key} is not a JSON array of child executions`);
    for (const entry of entries as { Input?: string; Error?: string; Cause?: string }[]) {
      out.failedCount++;
      if (out.failed.length >= maxNamed) continue;
      let accountId: string | undefined;
      try {
        const input = JSON.parse(entry.Input ?? 'null') as { accountId?: unknown } | null;
        if (typeof input?.accountId === 'string') accountId = input.accountId;
      } catch {
        // An input that is not JSON names no account; the failure is still counted and listed.
      }
      out.failed.push({ ...(accountId ? { accountId } : {}), error: entry.Error ?? 'unknown', ...(entry.Cause ? { cause: entry.Cause.slice(0, 500) } : {}) });
    }
  }
  return out;
}
