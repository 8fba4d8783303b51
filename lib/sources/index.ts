/**
 * Where snapshots come from. Every command that evaluates accounts (scan, collect, …)
 * asks `resolveSnapshots(options)` and gets, per account, the snapshot plus the rule
 * parameters that come with it — so the CLI never knows how a source works.
 *
 * Sources: a bundled scenario (`--scenario NAME`), a directory of AWS CLI exports
 * (`--source DIR`). A live source (one or many accounts) adds a `kind` to `SourceOptions`
 * and a branch in `resolveSnapshots`; it is an async iterable so accounts can be yielded
 * as soon as each one is collected.
 */
import type { AccountSnapshot } from '../snapshot';
import type { RuleParameters } from '../rules/engine';
import { loadScenario } from '../scenarios';
import { loadExportDir } from './export-dir';
import type { LiveReporter, LiveSourceOptions } from '../collectors/live-source';

export { loadExportDir, ExportDirError, EXPORT_FILES, TRAIL_FILES } from './export-dir';
export { parseCredentialReportCsv, decodeCredentialReportContent, CredentialReportParseError } from './parse-credential-report';
export { authorizationDetailsFromAws, decodePolicyDocument, ShapeError } from './aws-shapes';

export type SourceOptions =
  | { kind: 'scenario'; name: string; collectedAt?: string }
  | { kind: 'export'; dir: string; collectedAt?: string }
  | ({ kind: 'live'; reporter?: LiveReporter } & LiveSourceOptions);

/** One account's snapshot, ready to evaluate. */
export interface ResolvedSnapshot {
  snapshot: AccountSnapshot;
  /** Parameters the source declares for this account (a scenario's own); overridden by `--params`. */
  parameters: RuleParameters;
  /** How to name this source to a person, e.g. `scenario france-travail` or `export ./exports/prod`. */
  label: string;
  /** Remarks that are not errors: ignored files, assumed times. */
  notes: string[];
}

/** Yield the snapshot(s) a source describes. Throws on input that names nothing usable. */
export async function* resolveSnapshots(options: SourceOptions): AsyncGenerator<ResolvedSnapshot> {
  switch (options.kind) {
    case 'scenario': {
      const loaded = loadScenario(options.name, options.collectedAt !== undefined ? { collectedAt: options.collectedAt } : {});
      yield { snapshot: loaded.snapshot, parameters: loaded.parameters, label: `scenario ${options.name}`, notes: [] };
      return;
    }
    case 'export': {
      const { snapshot, notes } = await loadExportDir(options.dir, options.collectedAt !== undefined ? { collectedAt: options.collectedAt } : {});
      yield { snapshot, parameters: {}, label: `export ${options.dir}`, notes };
      return;
    }
    case 'live': {
      // Loaded on demand: offline commands never pull in the AWS SDK clients.
      const { collectLive } = await import('../collectors/live-source');
      const { kind: _kind, reporter, ...live } = options;
      const { snapshots } = await collectLive(live, reporter);
      for (const snapshot of snapshots) {
        yield { snapshot, parameters: {}, label: `live ${snapshot.account.id} (${snapshot.source.name})`, notes: [] };
      }
      return;
    }
  }
}

/** Every snapshot of a source, in order (convenience for sources of one or a few accounts). */
export async function resolveAllSnapshots(options: SourceOptions): Promise<ResolvedSnapshot[]> {
  const out: ResolvedSnapshot[] = [];
  for await (const resolved of resolveSnapshots(options)) out.push(resolved);
  return out;
}

/**
 * Merge parameter sets per rule: later sets win key by key within a rule
 * (`--params` over the scenario's declared parameters).
 */
export function mergeParameters(...sets: (RuleParameters | undefined)[]): RuleParameters {
  const out: RuleParameters = {};
  for (const set of sets) {
    for (const [ruleId, params] of Object.entries(set ?? {})) out[ruleId] = { ...(out[ruleId] ?? {}), ...params };
  }
  return out;
}
