/**
 * Rule contract. A rule is metadata plus one pure function of the snapshot and its
 * parameters: no I/O, no clock (the run's "now" is `snapshot.collectedAt`).
 * A rule never knows which framework lists it: that mapping lives in lib/frameworks.
 */
import type { z } from 'zod';
import type { AccountSnapshot, SectionName } from '../snapshot';
import type { ActivityBaselines } from '../activity/baselines';
import type { RegisterView } from '../register/types';

export const STATUSES = ['PASS', 'FAIL', 'WARN', 'NOT_APPLICABLE', 'ERROR'] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type RuleArea = 'auth' | 'access' | 'logging' | 'monitoring' | 'governance' | 'data';

/** What a rule concluded for one account. One rule yields exactly one finding per account. */
export interface Finding {
  ruleId: string;
  status: Status;
  severity: Severity;
  /** One sentence a person can act on, with the decisive numbers in it. */
  message: string;
  /** The facts the rule judged, as read from the snapshot (e.g. `{ MinimumPasswordLength: 8 }`). */
  observed: Record<string, unknown>;
  /** The thresholds / parameters the rule applied (e.g. `{ minimumEntropyBits: 80 }`). */
  threshold: Record<string, unknown>;
  /**
   * Resources the status is about: offending ones for FAIL/WARN, all checked ones may be
   * listed for PASS. ARNs where AWS has them. Uncapped here; the evidence layer caps.
   */
  resources: string[];
}

/** Result of `evaluate` before the engine adds rule id and default severity. */
export type RuleOutcome = Omit<Finding, 'ruleId' | 'severity'> & { severity?: Severity };

export interface Remediation {
  console: string;
  cli: string;
}

/** Extra inputs some rules use beyond the snapshot (supplied by the evidence store when present). */
export interface EvaluationContext {
  /** Collected-at timestamps of this account's previous recorded runs, oldest first. */
  previousRunTimes?: string[];
  /**
   * Distinct actions per principal (`user/<name>`, `role/<name>`) in the previous run, from
   * its `access.permission-breadth` finding's `observed.breadthByPrincipal`; when given, that
   * rule reports which principals grew or shrank.
   */
  previousBreadth?: Record<string, number>;
  /** Per-principal history of activity metrics (previous runs), for `monitoring.abnormal-activity`. */
  activityBaselines?: ActivityBaselines;
  /**
   * The register in force for this account at the snapshot's time (declarations, risk
   * acceptances, remediation plans, triage), loaded by the CLI / handler from the evidence
   * store. Rules read declarations from here, never from parameters files (thresholds only).
   */
  register?: RegisterView;
}

export interface Rule<P extends z.ZodType = z.ZodType> {
  /** Stable id, `<area>.<kebab-name>`, e.g. `auth.password-strength`. */
  id: string;
  title: string;
  area: RuleArea;
  severity: Severity;
  /** Why the rule exists, in terms of the law and the risk. */
  rationale: string;
  remediation: Remediation;
  /** Human citations of the sources (legal texts, CNIL guidance, AWS docs). */
  references: string[];
  /** Snapshot sections the rule reads. Missing ones make the rule ERROR. */
  sections: SectionName[];
  /** Parameter schema; every field has a default. */
  parameters: P;
  evaluate(snapshot: AccountSnapshot, params: z.infer<P>, context: EvaluationContext): RuleOutcome;
}

/** Helper that keeps the parameter type attached to `evaluate`. */
export function defineRule<P extends z.ZodType>(rule: Rule<P>): Rule<P> {
  return rule;
}
