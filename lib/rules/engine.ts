/**
 * Runs rules over a snapshot. The engine, not each rule, guarantees the core promise:
 * a rule whose input sections are missing yields ERROR (with the collection errors that
 * explain why), and a rule that throws yields ERROR — never PASS.
 */
import type { z } from 'zod';
import { MissingSectionError, type AccountSnapshot } from '../snapshot';
import type { EvaluationContext, Finding, Rule } from './types';
import { registerNote, registerStatusForRule } from '../register/view';

export class UnknownRuleError extends Error {
  public constructor(ruleId: string, known: string[]) {
    super(`unknown rule "${ruleId}". Known rules: ${known.join(', ')}`);
    this.name = 'UnknownRuleError';
  }
}

export class InvalidParametersError extends Error {
  public constructor(ruleId: string, error: z.ZodError) {
    super(`invalid parameters for rule "${ruleId}": ${error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidParametersError';
  }
}

/** Parameter overrides per rule id. Unknown rule ids are an error, not silently ignored. */
export type RuleParameters = Record<string, Record<string, unknown>>;

/** An override names a parameter the rule does not have (a typo would otherwise be silently ignored). */
export class UnknownParameterError extends Error {
  public constructor(ruleId: string, unknown: string[], valid: string[]) {
    super(
      `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} for rule "${ruleId}". ` +
        `Valid parameters: ${valid.length ? valid.join(', ') : '(none: this rule takes no parameters)'}`,
    );
    this.name = 'UnknownParameterError';
  }
}

/** The parameter names a rule's schema declares (its zod object's keys). */
export function parameterKeys(rule: Rule): string[] | undefined {
  const schema = rule.parameters as unknown as { shape?: Record<string, unknown> };
  return schema.shape && typeof schema.shape === 'object' ? Object.keys(schema.shape) : undefined;
}

export function resolveParameters(rule: Rule, overrides: Record<string, unknown> | undefined): unknown {
  const keys = parameterKeys(rule);
  if (keys && overrides && typeof overrides === 'object') {
    const unknown = Object.keys(overrides).filter((k) => !keys.includes(k));
    if (unknown.length) throw new UnknownParameterError(rule.id, unknown, keys);
  }
  const parsed = rule.parameters.safeParse(overrides ?? {});
  if (!parsed.success) throw new InvalidParametersError(rule.id, parsed.error);
  return parsed.data;
}

export function validateParameterOverrides(rules: readonly Rule[], overrides: RuleParameters): void {
  const ids = rules.map((r) => r.id);
  for (const id of Object.keys(overrides)) {
    const rule = rules.find((r) => r.id === id);
    if (!rule) throw new UnknownRuleError(id, ids);
    resolveParameters(rule, overrides[id]);
  }
}

export function evaluateRule(
  rule: Rule,
  snapshot: AccountSnapshot,
  overrides?: Record<string, unknown>,
  context: EvaluationContext = {},
): Finding {
  const params = resolveParameters(rule, overrides);
  const threshold = (params ?? {}) as Record<string, unknown>;
  const missing = rule.sections.filter((s) => snapshot[s] === undefined);
  if (missing.length > 0) {
    const causes = snapshot.collectionErrors.filter((e) => missing.includes(e.section));
    return {
      ruleId: rule.id,
      status: 'ERROR',
      severity: rule.severity,
      message: `Not evaluated: missing ${missing.join(', ')}${causes.length ? ` (${causes.map((c) => `${c.operation}: ${c.code}`).join('; ')})` : ' (not collected by this source)'}`,
      observed: { missingSections: missing, collectionErrors: causes },
      threshold,
      resources: [],
    };
  }
  try {
    const outcome = rule.evaluate(snapshot, params, context);
    return withRegisterStatus({ ruleId: rule.id, severity: rule.severity, ...outcome }, context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ruleId: rule.id,
      status: 'ERROR',
      severity: rule.severity,
      message: error instanceof MissingSectionError ? `Not evaluated: ${message}` : `Rule failed to evaluate: ${message}`,
      observed: {},
      threshold,
      resources: [],
    };
  }
}

/**
 * Make acceptances and plans visible on the finding they concern: an expired acceptance or an
 * overdue plan shows in the message (and so in the email and audit document), and both are
 * listed in `observed.register`. The status is never changed: an accepted FAIL is still a FAIL.
 */
function withRegisterStatus(finding: Finding, context: EvaluationContext): Finding {
  const status = registerStatusForRule(context.register, finding.ruleId);
  if (status.acceptances.length === 0 && status.plans.length === 0) return finding;
  const note = finding.status === 'FAIL' || finding.status === 'WARN' ? registerNote(status) : '';
  return {
    ...finding,
    message: note ? `${finding.message} [${note}]` : finding.message,
    observed: { ...finding.observed, register: status },
  };
}

export interface EvaluateOptions {
  parameters?: RuleParameters;
  context?: EvaluationContext;
}

export function evaluateRules(rules: readonly Rule[], snapshot: AccountSnapshot, options: EvaluateOptions = {}): Finding[] {
  const parameters = options.parameters ?? {};
  validateParameterOverrides(rules, parameters);
  return rules.map((rule) => evaluateRule(rule, snapshot, parameters[rule.id], options.context));
}
