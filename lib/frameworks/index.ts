/**
 * Framework registry: look up a framework by id, and the requirements that list a rule.
 */
import { CNIL } from './cnil';
import { GDPR } from './gdpr';
import type { Framework, Requirement } from './types';

export const FRAMEWORKS: readonly Framework[] = [GDPR, CNIL];

export class UnknownFrameworkError extends Error {
  public constructor(id: string) {
    super(`unknown framework "${id}". Known frameworks: ${FRAMEWORKS.map((f) => f.id).join(', ')}`);
    this.name = 'UnknownFrameworkError';
  }
}

export function getFramework(id: string): Framework {
  const framework = FRAMEWORKS.find((f) => f.id === id.toLowerCase());
  if (!framework) throw new UnknownFrameworkError(id);
  return framework;
}

/** Requirements (of every framework, or of one) that list `ruleId`, with their framework id. */
export function requirementsForRule(ruleId: string, frameworkId?: string): (Requirement & { frameworkId: Framework['id'] })[] {
  const frameworks = frameworkId ? [getFramework(frameworkId)] : FRAMEWORKS;
  return frameworks.flatMap((f) => f.requirements.filter((r) => r.ruleIds.includes(ruleId)).map((r) => ({ ...r, frameworkId: f.id })));
}

/** Counts behind a requirement label: checks (rule × account) mapped to it and how they ended. */
export interface LabelCounts {
  /** PASS + WARN (WARN = met with a reservation). */
  passed: number;
  /** Of which WARN. */
  reserved?: number;
  /** PASS + WARN + FAIL + not verified (ERROR, no record). NOT_APPLICABLE excluded. */
  evaluated: number;
}

/**
 * The label a report prints for a requirement. Never "Art. 32(1)(a): FAIL" (that reads as an
 * admission of infringement): "checks mapped to Art. 32(1)(a): 0 of 1 passed". A sanction
 * decision has no status at all: "checks informed by SAN-2026-003".
 */
export function requirementLabel(req: Pick<Requirement, 'shortName' | 'kind'>, counts?: LabelCounts): string {
  if (req.kind === 'reference-case') return `checks informed by ${req.shortName}`;
  const base = `checks mapped to ${req.shortName}`;
  if (!counts) return base;
  const reserved = counts.reserved ? `, ${counts.reserved} with a reservation` : '';
  return `${base}: ${counts.passed} of ${counts.evaluated} passed${reserved}`;
}

/** True when a requirement carries a status in reports (a sanction decision does not). */
export const hasStatus = (req: Pick<Requirement, 'kind'>): boolean => req.kind !== 'reference-case';

export { GDPR, CNIL };
export type { Framework, Requirement } from './types';
export { SOURCES, SOURCE_LIST, SOURCE_STATUS_LABEL, sourceOfCitation, quotedSentences, OBLIGATION_WORDS } from './sources';
export type { Source, SourceId, SourceStatus, SourceQuote } from './sources';
