/**
 * Principals whose permissions the snapshot shows only in part: an attached managed policy
 * (or boundary) whose document was not collected, or a group missing from GroupDetailList.
 * Rules that find nothing wrong with them must not PASS: what is missing may grant exactly
 * what the rule looks for.
 */
import type { Principal } from '../../policy/principals';

export interface IncompletePrincipal {
  arn: string;
  /** Managed policy / boundary ARNs, and `group:<name>` for missing groups. */
  missing: string[];
}

export const incompleteOf = (p: Principal): IncompletePrincipal | undefined =>
  p.unresolvedPolicies.length > 0 ? { arn: p.arn, missing: [...p.unresolvedPolicies] } : undefined;

/** `ops (missing arn:…/gone), bob (missing group:ghost), …` for messages: the first few only. */
export function describeIncomplete(incomplete: readonly IncompletePrincipal[], max = 3): string {
  const text = incomplete
    .slice(0, max)
    .map((i) => `${i.arn.split('/').pop()} (missing ${i.missing.join(', ')})`)
    .join(', ');
  return incomplete.length > max ? `${text}, …` : text;
}
