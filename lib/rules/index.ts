/**
 * The rule catalog. Each rule lives in its own file under lib/rules/<area>/.
 * Add a rule: write the file, then list it here (order = report order).
 */
import type { Rule } from './types';
import { UnknownRuleError } from './engine';

export const RULES: readonly Rule[] = [
  // auth

  // access

  // logging

  // monitoring

  // governance
];

export function getRule(id: string): Rule {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new UnknownRuleError(id, RULES.map((r) => r.id));
  return rule;
}

export * from './types';
export * from './engine';
