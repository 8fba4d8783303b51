/**
 * The options that choose where snapshots come from, shared by every command that
 * evaluates accounts (`scan`, `collect`, …): exactly one of `--scenario NAME` or
 * `--source DIR`, plus `--collected-at`. A new source adds its flag here and a branch
 * in `sourceOptionsFrom` (and in lib/sources `resolveSnapshots`).
 */
import { parseStrictIsoDate } from '../support/strict-date';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { SCENARIOS, SCENARIO_DEFAULT_TIME } from '../scenarios';
import type { SourceOptions } from '../sources';
import type { RuleParameters } from '../rules/engine';
import { CliError } from './errors';
import { addLiveOptions, liveFlagsWithoutLive, liveSourceOptionsFrom, type RawLiveOptions } from './live-options';

export interface RawSourceOptions extends RawLiveOptions {
  scenario?: string;
  source?: string;
  collectedAt?: string;
}

/** The flags that each select a source; exactly one must be given. */
export const SOURCE_FLAGS = ['--scenario', '--source', '--live'] as const;

export function addSourceOptions(command: Command): Command {
  return addLiveOptions(
    command
      .option('--scenario <name>', `evaluate a bundled scenario (${SCENARIOS.map((s) => s.name).join(', ')})`)
      .option('--source <dir>', 'evaluate a directory of AWS CLI JSON exports (see docs/exports.md)')
      .option(
        '--collected-at <iso-date>',
        'when the facts were collected (ISO-8601). Scenarios: dates move with it (collect: default now, so each demo run is a new dated run; ' +
          `scan and other commands: default ${SCENARIO_DEFAULT_TIME}). ` +
          'Exports: wins over the credential report time and file times',
    ),
  );
}

/** Validate the raw options into one `SourceOptions`; bad combinations are a usage error (exit 2). */
export function sourceOptionsFrom(raw: RawSourceOptions): SourceOptions {
  const given = [raw.scenario !== undefined ? '--scenario' : undefined, raw.source !== undefined ? '--source' : undefined, raw.live ? '--live' : undefined].filter(
    (f): f is string => f !== undefined,
  );
  if (given.length === 0) throw new CliError(`choose a source: ${SOURCE_FLAGS.join(' or ')} (e.g. --scenario france-travail)`);
  if (given.length > 1) throw new CliError(`choose one source, not ${given.join(' and ')}`);
  if (raw.collectedAt !== undefined && parseStrictIsoDate(raw.collectedAt) === undefined) {
    throw new CliError(`--collected-at "${raw.collectedAt}" is not an ISO-8601 date (e.g. 2026-01-22T06:00:00Z; impossible days such as 2026-02-30 are refused, never rolled over)`);
  }
  const at = raw.collectedAt !== undefined ? { collectedAt: raw.collectedAt } : {};
  const liveOnly = liveFlagsWithoutLive(raw);
  if (liveOnly.length > 0) throw new CliError(`${liveOnly.join(', ')} only apply to --live`);
  if (raw.live) return liveSourceOptionsFrom(raw);
  if (raw.scenario !== undefined) return { kind: 'scenario', name: raw.scenario, ...at };
  return { kind: 'export', dir: raw.source as string, ...at };
}

/**
 * Read a `--params FILE`: a JSON object `{ "<rule id>": { "<parameter>": value } }`.
 * Rule ids and values are validated later by the engine against each rule's schema.
 */
export async function readParametersFile(file: string): Promise<RuleParameters> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --params file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--params file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`--params file ${file} must hold an object keyed by rule id, e.g. {"access.admin-principals": {"breakGlassRoles": ["BreakGlass"]}}`);
  }
  for (const [ruleId, params] of Object.entries(value)) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new CliError(`--params file ${file}: the value for "${ruleId}" must be an object of parameters`);
    }
  }
  return value as RuleParameters;
}
