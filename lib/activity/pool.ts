/**
 * A small pool of worker threads that read CloudTrail log files in parallel: gunzip, scan
 * and aggregation cost ~8 µs per event on one core, so a day of a busy trail is CPU-bound
 * and a second core nearly halves it. Each worker reads whole files into its own aggregator
 * and returns one partial aggregate at the end (`ActivityPartial`), merged by the caller;
 * every file still gets its own outcome or named error.
 *
 * Where the workers come from:
 * - from TypeScript sources (the CLI through tsx, the benches, vitest): `log-worker.ts` and
 *   its imports bundled once with esbuild into a script the worker evaluates; failing that,
 *   an eval'd bootstrap that registers tsx in the worker, then imports `log-worker.ts`.
 *   (Passing `--import tsx` in the worker's `execArgv` does not work on Node 20: the
 *   worker's `.ts` entry is resolved before the preloaded hooks apply,
 *   ERR_UNKNOWN_FILE_EXTENSION.)
 * - from compiled JavaScript with `log-worker.js` next to this file: that file directly.
 * - from an esbuild bundle (the Lambda functions): the worker file is not in the bundle,
 *   so `workerLaunch()` answers undefined and the readers stay in-process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as Esbuild from 'esbuild';
import type { ActivityPartial } from './aggregator';
import type { FileOutcome } from './decode';
import type { FileTask, WorkerInit, WorkerReply, WorkerRequest } from './log-worker';
import type { ActivityFileError } from './schema';

export interface PoolOptions {
  /**
   * Worker threads reading files. Default `os.availableParallelism()`; 1 reads in the
   * calling thread (as do bundles, which carry no worker file).
   */
  workers?: number;
  /**
   * Fewer files than this per worker and the files are read in-process: starting a worker
   * (tsx included) costs ~0.3 s, a 1,000-record file ~7 ms. Default 32.
   */
  minFilesPerWorker?: number;
}

export const DEFAULT_MIN_FILES_PER_WORKER = 32;
/** Files handed to one worker at a time: one being gunzipped and parsed while the next is read from disk. */
const FILES_IN_FLIGHT_PER_WORKER = 2;

export type FileResult = { outcome: FileOutcome } | { error: ActivityFileError };

/** How to start a log worker from here, or undefined when the worker code is not on disk. */
export interface WorkerLaunch {
  /** How the worker code is loaded: bundled from the sources, through tsx, or compiled JavaScript. */
  kind: 'bundled' | 'tsx' | 'compiled';
  start(init: WorkerInit): Worker;
}

/**
 * V8 limits of a worker. Its heap holds one or two parsed files and its aggregate. With
 * V8's default young generation, two workers peaked at ~375 MB RSS on the 1M-event bench;
 * with 8 MB at ~270 MB, at the same speed within the machine's noise (bench/activity.ts).
 * The old generation is left to V8, so a 256 MB file still parses.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };
let cachedLaunch: WorkerLaunch | null | undefined;

export function workerLaunch(): WorkerLaunch | undefined {
  if (cachedLaunch === undefined) cachedLaunch = findLaunch() ?? null;
  return cachedLaunch ?? undefined;
}

function findLaunch(): WorkerLaunch | undefined {
  const here = import.meta.url;
  if (!here.startsWith('file:')) return undefined;
  if (here.endsWith('.ts')) {
    const entry = new URL('./log-worker.ts', here);
    if (!existsSync(fileURLToPath(entry))) return undefined;
    const bundled = bundleWorker(fileURLToPath(entry), here);
    if (bundled !== undefined) {
      return { kind: 'bundled', start: (init) => new Worker(bundled, { eval: true, workerData: init, resourceLimits: WORKER_LIMITS }) };
    }
    const tsxApi = tsxEsmApi(here);
    if (!tsxApi) return undefined;
    // A CommonJS script (eval), so it needs no loader of its own to start.
    const bootstrap = [
      "const { workerData } = require('node:worker_threads');",
      'import(workerData.tsxApi)',
      // The package's own tsconfig.json, never one found from the working directory (bin/art32.mjs says why).
      '  .then((api) => (api.register ?? api.default.register)({ tsconfig: workerData.tsconfig }))',
      '  .then(() => import(workerData.entry));',
    ].join('\n');
    return { kind: 'tsx', start: (init) => new Worker(bootstrap, { eval: true, workerData: { ...init, tsxApi, entry: entry.href, tsconfig: fileURLToPath(new URL('../../tsconfig.json', here)) }, resourceLimits: WORKER_LIMITS }) };
  }
  const compiled = new URL('./log-worker.js', here);
  if (!existsSync(fileURLToPath(compiled))) return undefined;
  return { kind: 'compiled', start: (init) => new Worker(compiled, { workerData: init, resourceLimits: WORKER_LIMITS }) };
}

/**
 * The worker's TypeScript sources as one CommonJS script, bundled once per process with
 * esbuild (a dependency of tsx, so present wherever the sources run). A worker started
 * from it is plain JavaScript: registering tsx in each worker instead cost ~0.5 s of CPU
 * per worker (its loader-hooks thread and transforms), a tenth of reading a million events.
 * Undefined when esbuild cannot be loaded or fails; the tsx bootstrap is then used.
 */
function bundleWorker(entry: string, from: string): string | undefined {
  try {
    const esbuild = createRequire(from)('esbuild') as typeof Esbuild;
    const result = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
    return result.outputFiles[0]?.text;
  } catch {
    return undefined;
  }
}

/**
 * URL of tsx's ESM API (`import { register } from 'tsx/esm/api'`), found through tsx's own
 * package.json exports: `require.resolve` would give the CommonJS build, which cannot be
 * imported from an eval'd worker.
 */
function tsxEsmApi(from: string): string | undefined {
  try {
    const manifest = createRequire(from).resolve('tsx/package.json');
    const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, { import?: { default?: string } | string }> }).exports;
    const api = exports?.['./esm/api'];
    const target = typeof api === 'object' ? (typeof api.import === 'string' ? api.import : api.import?.default) : undefined;
    return target ? new URL(target, pathToFileURL(manifest)).href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Worker threads to use for `files` files (0 = read in-process): the requested count,
 * lowered so that each worker has at least `minFilesPerWorker` files; one worker alone
 * would only add its start-up, so below two it is none.
 */
export function plannedWorkers(files: number, options: PoolOptions = {}): number {
  const requested = Math.floor(options.workers ?? availableParallelism());
  const perWorker = Math.max(1, options.minFilesPerWorker ?? DEFAULT_MIN_FILES_PER_WORKER);
  const useful = Math.min(requested, Math.floor(files / perWorker));
  return useful >= 2 && workerLaunch() ? useful : 0;
}

interface Pending {
  task: FileTask;
  resolve: (result: FileResult) => void;
}

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, Pending>;
  /** Files this worker counted: lost with its aggregate if it dies before handing it over. */
  counted: number[];
  failure?: string;
  partial?: ActivityPartial;
  onPartial?: () => void;
}

/** What the pool hands back: the workers' aggregates, and files whose counts were lost. */
export interface PoolResult {
  partials: ActivityPartial[];
  /** Task id → why: files counted by a worker that died before returning its aggregate. */
  lost: Map<number, string>;
}

export class LogFilePool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Pending[] = [];

  public constructor(size: number, init: WorkerInit, launch: WorkerLaunch | undefined = workerLaunch()) {
    if (!launch) throw new Error('log-file workers are not available here (bundled code without log-worker.js); read in-process');
    for (let i = 0; i < size; i++) this.workers.push(this.spawn(launch, init));
  }

  /** Files queued or being read. */
  public get pending(): number {
    let n = this.queue.length;
    for (const w of this.workers) n += w.inFlight.size;
    return n;
  }

  /** Read one file in a worker. Never rejects: failures come back as the file's error. */
  public submit(task: FileTask): Promise<FileResult> {
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.dispatch();
    });
  }

  /**
   * Once every submitted file has its result: collect each live worker's aggregate and stop
   * the threads.
   */
  public async finish(): Promise<PoolResult> {
    await this.idle();
    const partials: ActivityPartial[] = [];
    const lost = new Map<number, string>();
    await Promise.all(
      this.workers.map(async (w) => {
        if (!w.failure) {
          await new Promise<void>((resolve) => {
            w.onPartial = resolve;
            w.worker.postMessage({ type: 'finish' } satisfies WorkerRequest);
          });
        }
        if (w.partial) partials.push(w.partial);
        else for (const id of w.counted) lost.set(id, `counted by a worker thread that then failed (${w.failure ?? 'no aggregate'}); its events are not in the totals`);
        w.onPartial = undefined;
        await w.worker.terminate();
      }),
    );
    return { partials, lost };
  }

  private idleWaiters: (() => void)[] = [];

  private idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private spawn(launch: WorkerLaunch, init: WorkerInit): PoolWorker {
    const w: PoolWorker = { worker: launch.start(init), inFlight: new Map(), counted: [] };
    w.worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'partial') {
        w.partial = reply.partial;
        w.onPartial?.();
        return;
      }
      const pending = w.inFlight.get(reply.id);
      if (!pending) return;
      w.inFlight.delete(reply.id);
      if ('outcome' in reply) {
        w.counted.push(reply.id);
        pending.resolve({ outcome: reply.outcome });
      } else pending.resolve({ error: reply.error });
      this.dispatch();
    });
    const fail = (reason: string): void => {
      if (w.failure || w.partial) return;
      w.failure = reason;
      for (const pending of w.inFlight.values()) {
        pending.resolve({ error: { file: pending.task.name, code: 'ReadFailed', message: `${pending.task.name}: worker thread failed while reading it (${reason})` } });
      }
      w.inFlight.clear();
      w.onPartial?.();
      this.dispatch();
    };
    w.worker.on('error', (error) => fail(error instanceof Error ? error.message : String(error)));
    w.worker.on('exit', (code) => fail(`exited with code ${code}`));
    return w;
  }

  /** Hand queued files to live workers with room; with no live worker left, fail them. */
  private dispatch(): void {
    const live = this.workers.filter((w) => !w.failure);
    if (live.length === 0) {
      for (const pending of this.queue.splice(0)) {
        pending.resolve({ error: { file: pending.task.name, code: 'ReadFailed', message: `${pending.task.name}: not read, every worker thread failed` } });
      }
    }
    while (this.queue.length > 0) {
      let target: PoolWorker | undefined;
      for (const w of live) if (w.inFlight.size < FILES_IN_FLIGHT_PER_WORKER && (!target || w.inFlight.size < target.inFlight.size)) target = w;
      if (!target) break;
      const pending = this.queue.shift() as Pending;
      target.inFlight.set(pending.task.id, pending);
      const bytes = pending.task.bytes;
      // Hand the downloaded bytes over without a copy when they own their whole buffer
      // (small Buffers share Node's pool slab, which must not be detached).
      const transfer = bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
      target.worker.postMessage({ type: 'file', ...pending.task } satisfies WorkerRequest, transfer);
    }
    if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
