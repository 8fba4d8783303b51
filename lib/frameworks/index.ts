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

export { GDPR, CNIL };
export type { Framework, Requirement } from './types';
