/**
 * Record one account's run: findings → records → the run lifecycle (lib/evidence/lifecycle.ts:
 * order check, close interrupted runs, open, fill, seal). The record writer writes; the sealer
 * (lib/evidence/seal.ts) reads the run back and signs its manifest, last. The CLI `collect`
 * does both in one process (local key, `recordRun`); deployed, the CollectAccount Lambda only
 * writes (`writeRunRecords`) and the FinalizeRun Lambda, the one role allowed to sign, seals.
 */
import { RegisterStore } from '../register/store';
import { registerView } from '../register/view';
import type { RegisterView } from '../register/types';
import { requirementsForRule } from '../frameworks';
import type { Finding } from '../rules/types';
import { SECTION_NAMES, type AccountSnapshot } from '../snapshot';
import { recordRunLifecycle, writeRunLifecycle, type RecordRunOutcome, type RunPlan, type WrittenRun } from './lifecycle';
import { buildRecords, normaliseInstant, type CapLimits, type RequirementLookup } from './build';
import { keys } from './table';
import type { CollectionFailure, EvidenceRecord } from './record';
import type { Sealer } from './seal';
import type { EvidenceStore } from './store';
import { baselinesFromFindings, type ActivityBaselines } from '../activity/baselines';

export interface RecordRunInput {
  store: EvidenceStore;
  snapshot: AccountSnapshot;
  findings: readonly Finding[];
  runId: string;
  /** Signs the manifest after reading the run back (lib/evidence/seal.ts). */
  sealer: Sealer;
  /** Default: every framework's requirements that list the rule (lib/frameworks). */
  requirementsFor?: RequirementLookup;
  caps?: Partial<CapLimits>;
  /** From an earlier `planRun` (the CLI checks every account's chain order before writing any). */
  plan?: RunPlan;
  /** Called with the stored records before the run is sealed (the collection context is written there, so the seal covers it). */
  beforeSeal?: (records: readonly EvidenceRecord[]) => Promise<void>;
}

/** What recording a run produced: the lifecycle's outcome (one shape for the CLI and the handlers). */
export type RecordRunResult = RecordRunOutcome;

export const requirementIdsForRule: RequirementLookup = (ruleId) => requirementsForRule(ruleId).map((r) => r.id);

export function buildRunRecords(input: Omit<RecordRunInput, 'store' | 'plan' | 'sealer'>): EvidenceRecord[] {
  return buildRecords({
    snapshot: input.snapshot,
    findings: input.findings,
    runId: input.runId,
    requirementsFor: input.requirementsFor ?? requirementIdsForRule,
    ...(input.caps ? { caps: input.caps } : {}),
  });
}

/**
 * A snapshot that holds no section at all records a failed collection (the account could not
 * be read: role not assumable, every call refused): its run is sealed, but is not a successful
 * collection for `governance.evidence-continuity`. The first collection error says why.
 */
export function collectionFailureOf(snapshot: AccountSnapshot): CollectionFailure | undefined {
  if (SECTION_NAMES.some((s) => (snapshot as Record<string, unknown>)[s] !== undefined)) return undefined;
  const first = snapshot.collectionErrors?.[0];
  return { operation: first?.operation ?? 'collect', code: first?.code ?? 'NothingCollected', message: first?.message ?? 'no section of the account could be collected' };
}

/** The record writer's half (no key, no seal): build the records and write them through the lifecycle. */
export async function writeRunRecords(input: Omit<RecordRunInput, 'sealer'>): Promise<WrittenRun> {
  const records = buildRunRecords(input);
  const collectionFailed = collectionFailureOf(input.snapshot);
  return writeRunLifecycle(input.store, records, { ...(collectionFailed ? { collectionFailed } : {}), ...(input.plan ? { plan: input.plan } : {}) });
}

/** Write and seal one account's run (the CLI: writer and sealer in one process). */
export async function recordRun(input: RecordRunInput): Promise<RecordRunResult> {
  const records = buildRunRecords(input);
  const collectionFailed = collectionFailureOf(input.snapshot);
  return recordRunLifecycle(input.store, records, {
    sealer: input.sealer,
    ...(collectionFailed ? { collectionFailed } : {}),
    ...(input.plan ? { plan: input.plan } : {}),
    ...(input.beforeSeal ? { beforeSeal: input.beforeSeal } : {}),
  });
}

/** What rules may use from earlier runs of the account (see `EvaluationContext`). */
export interface PreviousContext {
  previousRunTimes: string[];
  previousBreadth?: Record<string, number>;
  activityBaselines?: ActivityBaselines;
  /** The register in force for the account at the run's time (declarations, acceptances, plans, triage). */
  register?: RegisterView;
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
  // Continuity counts sealed SUCCESSFUL collections only: a run sealed incomplete, or one that
  // records a failed collection, is evidence of a gap, not of a collection.
  const context: PreviousContext = { previousRunTimes: manifests.filter((m) => !m.incomplete && !m.collectionFailed).map((m) => m.collectedAt) };
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
  // The register as of the run's time: items recorded later never change a retried run.
  const registerItems = await new RegisterStore(store.documentClient, store.tableName).items();
  if (registerItems.length > 0) context.register = registerView(registerItems, accountId, normaliseInstant(current?.collectedAt ?? new Date().toISOString(), 'collectedAt'));
  return context;
}
