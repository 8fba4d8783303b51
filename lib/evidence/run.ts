/**
 * Record one account's run: findings → records → `writeRun` → `writeManifest` (last).
 * The path shared by the CLI `collect` command and the CollectAccount Lambda.
 */
import { requirementsForRule } from '../frameworks';
import type { Finding } from '../rules/types';
import type { AccountSnapshot } from '../snapshot';
import { buildRecords, type CapLimits, type RequirementLookup } from './build';
import type { EvidenceRecord, RunManifest } from './record';
import type { EvidenceStore } from './store';

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
