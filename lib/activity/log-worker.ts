/**
 * Worker thread of the log-file pool (`pool.ts`): reads whole CloudTrail files — from a
 * path, or bytes the main thread downloaded — into its own aggregator, answers each file
 * with its outcome or its named error, and on `finish` sends its aggregate as plain data
 * (`ActivityPartial`) for the main thread to merge.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ActivityAggregator, type ActivityPartial, type AggregatorOptions } from './aggregator';
import { fileErrorOf, ingestLogBuffer, type FileOutcome } from './decode';
import type { ActivityFileError } from './schema';
import { readLogFile } from './read-file';

export interface WorkerInit {
  options: AggregatorOptions;
  maxFileBytes?: number;
}

/** A file to read: `path` on local disk, or `bytes` (gzip or JSON) already downloaded. */
export interface FileTask {
  id: number;
  name: string;
  path?: string;
  bytes?: Uint8Array;
}

export type WorkerRequest = ({ type: 'file' } & FileTask) | { type: 'finish' };

export type WorkerReply =
  | { type: 'file'; id: number; outcome: FileOutcome }
  | { type: 'file'; id: number; error: ActivityFileError }
  | { type: 'partial'; partial: ActivityPartial };

const port = parentPort;
if (port) {
  const init = workerData as WorkerInit;
  const aggregator = new ActivityAggregator(init.options);
  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'finish') {
      port.postMessage({ type: 'partial', partial: aggregator.toPartial() } satisfies WorkerReply);
      return;
    }
    void readOne(request, aggregator, init.maxFileBytes).then((reply) => port.postMessage(reply));
  });
}

async function readOne(task: FileTask, aggregator: ActivityAggregator, maxFileBytes: number | undefined): Promise<WorkerReply> {
  try {
    const bytes = task.bytes ?? (await readLogFile(task.path ?? task.name, task.name, maxFileBytes));
    return { type: 'file', id: task.id, outcome: await ingestLogBuffer(bytes, task.name, aggregator, maxFileBytes, true) };
  } catch (error) {
    return { type: 'file', id: task.id, error: fileErrorOf(task.name, error) };
  }
}
