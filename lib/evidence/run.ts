/**
 * Record one account's run: findings → records → `writeRun` → `writeManifest` (last).
 * The path shared by the CLI `collect` command and the CollectAccount Lambda.
 */
import { requirementsForRule } from '../frameworks';
import type { Finding } from '../rules/types';
import type { AccountSnapshot } from '../snapshot';
import { buildRecords, normaliseInstant, type CapLimits, type RequirementLookup } from './build';
import { keys } from './table';
import type { EvidenceRecord, RunManifest } from './record';
import type { EvidenceStore } from './store';
import { baselinesFromFindings, type ActivityBaselines } from '../activity/baselines';

export interface RecordRunInput {
  store: EvidenceStore;
  snapshot: AccountSnapshot;
  findings: readonly Finding[];
  runId: string;
  /** Default: every framework's requirements that list the rule (lib/frameworks). */
  requirementsFor?: RequirementLookup;
  caps?: Partial<CapLimits>;
}

export interface RecordRunResult {
  records: EvidenceRecord[];
  manifest: RunManifest;
  /** Items newly written (records, run header, manifest). */
  written: number;
  /** Items already stored with identical content: a retried run. */
  alreadyPresent: number;
}

export const requirementIdsForRule: RequirementLookup = (ruleId) => requirementsForRule(ruleId).map((r) => r.id);

export async function recordRun(input: RecordRunInput): Promise<RecordRunResult> {
  const records = buildRecords({
    snapshot: input.snapshot,
    findings: input.findings,
    runId: input.runId,
    requirementsFor: input.requirementsFor ?? requirementIdsForRule,
    ...(input.caps ? { caps: input.caps } : {}),
  });
  const written = await input.store.writeRun(records);
  const sealed = await input.store.writeManifest(records);
  return {
    records,
    manifest: sealed.manifest,
    written: written.written + (sealed.alreadyPresent ? 0 : 1),
    alreadyPresent: written.alreadyPresent + (sealed.alreadyPresent ? 1 : 0),
  };
}

/** What rules may use from earlier runs of the account (see `EvaluationContext`). */
export interface PreviousContext {
  previousRunTimes: string[];
  previousBreadth?: Record<string, number>;
  activityBaselines?: ActivityBaselines;
}

const BREADTH_RULE = 'access.permission-breadth';
const ACTIVITY_RULE = 'monitoring.abnormal-activity';
/** Sealed runs whose activity metrics form a principal's own baseline (about a month of daily runs). */
export const ACTIVITY_BASELINE_RUNS = 30;

/**
 * The evaluation context from the store: sealed runs' collection times (continuity rule) and
 * the previous run's per-principal breadth (trend), when that record holds it uncapped —
 * a capped map would make every cut principal look new, so it is then left out.
 */
export async function previousContext(store: EvidenceStore, accountId: string, current?: { collectedAt: string; runId: string }): Promise<PreviousContext> {
  // Only runs sealed BEFORE the current one: a retried run must see the context it saw first,
  // or its records would differ and the retry would be refused as a conflict.
  const currentSk = current ? keys.manifestSk(normaliseInstant(current.collectedAt, 'collectedAt'), current.runId) : undefined;
  const manifests = (await store.manifests(accountId)).filter((m) => currentSk === undefined || keys.manifestSk(m.collectedAt, m.runId) < currentSk);
  const context: PreviousContext = { previousRunTimes: manifests.map((m) => m.collectedAt) };
  const latest = manifests.at(-1);
  if (latest?.records.some((r) => r.ruleId === BREADTH_RULE)) {
    const [record] = (await store.history({ accountId, ruleId: BREADTH_RULE, from: latest.collectedAt, to: latest.collectedAt })).filter((r) => r.runId === latest.runId);
    const map = record?.observed.breadthByPrincipal;
    const capped = record?.caps.some((c) => c.path === 'observed.breadthByPrincipal' || c.path.startsWith('observed.breadthByPrincipal.'));
    if (map && typeof map === 'object' && !capped && Object.values(map).every((v) => typeof v === 'number')) {
      context.previousBreadth = map as Record<string, number>;
    }
  }
  // The principal's own history for the activity rule: the metrics its earlier sealed runs
  // recorded (one Query on the rule's history). A principal cut by the record's size cap simply
  // has no own baseline; peers and thresholds still judge it.
  const baselineRuns = manifests.slice(-ACTIVITY_BASELINE_RUNS).filter((m) => m.records.some((r) => r.ruleId === ACTIVITY_RULE));
  const oldest = baselineRuns[0];
  if (oldest && latest) {
    const sealed = new Set(baselineRuns.map((m) => `${m.collectedAt}#${m.runId}`));
    const earlier = (await store.history({ accountId, ruleId: ACTIVITY_RULE, from: oldest.collectedAt, to: latest.collectedAt })).filter((r) =>
      sealed.has(`${r.collectedAt}#${r.runId}`),
    );
    const baselines = baselinesFromFindings(earlier.map((r) => r.observed));
    if (Object.keys(baselines).length > 0) context.activityBaselines = baselines;
  }
  return context;
}
