/**
 * The bundled scenarios: complete, AWS-shaped account snapshots for demos and tests
 * (`--scenario NAME`). Each carries the rule parameters its account declares.
 */
import { parseSnapshot, type AccountSnapshot } from '../snapshot';
import type { RuleParameters } from '../rules/engine';
import { SCENARIO_DEFAULT_TIME, type Scenario } from './build';
import { franceTravail } from './france-travail';
import { compliant } from './compliant';
import { freshAccount } from './fresh-account';

export { SCENARIO_DEFAULT_TIME, type Scenario } from './build';

export const SCENARIOS: readonly Scenario[] = [franceTravail, compliant, freshAccount];

export class UnknownScenarioError extends Error {
  public constructor(name: string) {
    super(`unknown scenario "${name}". Available scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    this.name = 'UnknownScenarioError';
  }
}

export interface LoadedScenario {
  scenario: Scenario;
  snapshot: AccountSnapshot;
  parameters: RuleParameters;
}

export interface LoadScenarioOptions {
  /** Collection time (ISO-8601); every date in the scenario moves with it. Default `SCENARIO_DEFAULT_TIME`. */
  collectedAt?: string;
}

/** Build and validate a scenario's snapshot; throws `UnknownScenarioError` listing the available names. */
export function loadScenario(name: string, options: LoadScenarioOptions = {}): LoadedScenario {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new UnknownScenarioError(name);
  const at = options.collectedAt ?? SCENARIO_DEFAULT_TIME;
  const now = new Date(at);
  if (Number.isNaN(now.getTime())) throw new Error(`collected-at "${at}" is not an ISO-8601 date`);
  const snapshot = parseSnapshot(scenario.snapshot(now), `scenario ${name}`);
  return { scenario, snapshot, parameters: structuredClone(scenario.parameters) };
}
