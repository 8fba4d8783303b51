/**
 * One collection run over many simulated member accounts, through the local harness
 * (test/e2e/harness.ts: the synthesized state machine, the real handlers, dynalite, mocked member
 * APIs, Distributed Maps run by test/e2e/distributed-map.ts), with latency injected on every AWS
 * call. Shared by bench/scale.ts (1,000 accounts) and test/e2e/scale.test.ts (CI size).
 */
import { RUN_LOCK_KEY } from '../../lib/evidence/run-lock';
import { startDynalite } from '../../lib/evidence/embedded';
import { Pipeline, synthesizePipeline, type ExecutionOutcome } from './harness';

/** Step Functions' limit on a state's input or output (and on an execution's input/output). */
export const STATE_LIMIT_BYTES = 256 * 1024;

export interface ScaleOptions {
  accounts: number;
  /** The Distributed Map's MaxConcurrency (config `mapConcurrency`). */
  concurrency: number;
  latency: { memberMs: number; dynamoMs: number };
}

export interface ScaleResult {
  outcome: ExecutionOutcome;
  accountIds: string[];
  wallMs: number;
  cpuMs: number;
  dynamoCalls: Map<string, number>;
  memberCalls: number;
  childExecutions: number;
  peakState: { peak: number; state: string };
  /** Accounts whose run of this execution is sealed (complete or incomplete) in the store. */
  sealedAccounts: number;
  openRuns: number;
  lockState: unknown;
}

/** `n` distinct 12-digit account ids. */
export function simulatedAccounts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(100_000_000_000 + i * 7_919));
}

export async function runAtScale(options: ScaleOptions): Promise<ScaleResult> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const accountIds = simulatedAccounts(options.accounts);
  const server = await startDynalite();
  try {
    const synthesized = synthesizePipeline(accountIds, { mapConcurrency: options.concurrency });
    const pipeline = await Pipeline.create({ synthesized, endpoint: server.endpoint, tableName: 'art32-scale', latency: options.latency });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const outcome = await pipeline.execute('scale-1', '2026-01-29T05:30:00.000Z');
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const dynamoCalls = new Map(pipeline.dynamoCalls);
    let sealedAccounts = 0;
    let openRuns = 0;
    for (const accountId of accountIds) {
      // An account with no evidence at all is one the run never reached: not sealed.
      const runs = await pipeline.store.listRuns({ accountId }).catch((error: Error) => {
        if (error.name === 'UnknownAccountError') return [];
        throw error;
      });
      openRuns += runs.filter((r) => r.status === 'open').length;
      if (runs.some((r) => r.runId === 'scale-1' && r.status !== 'open')) sealedAccounts++;
    }
    return {
      outcome,
      accountIds,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      dynamoCalls,
      memberCalls: pipeline.memberCalls,
      childExecutions: pipeline.childExecutions,
      peakState: { ...pipeline.peakState },
      sealedAccounts,
      openRuns,
      lockState: ((await pipeline.store.getItem(RUN_LOCK_KEY.pk, RUN_LOCK_KEY.sk)) as { state?: unknown } | undefined)?.state,
    };
  } finally {
    server.close();
  }
}
