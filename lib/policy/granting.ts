/**
 * Which of a principal's policies grant what a rule found: the policies named in a finding
 * (`via`). `grantingPoliciesOnAll` answers as `grantingPoliciesForAny(p, actions, '*', mask)`
 * (lib/policy/principals.ts) with the probe list's lookups done once (`OnAllProbes`), for rules
 * that name the policies of thousands of offenders.
 */
import { policyLabel, resolvedRowsOf, type AppliedPolicy, type Principal } from './principals';
import type { OnAllProbes } from './evaluate';

/** `grantingPoliciesOnAll`'s labels as found (reused; copied out at their exact number). */
const found: string[] = [];

/**
 * Labels of the principal's policies that Allow, on every resource, one of the probes whose `mask`
 * entry is true (every probe without a mask). `labels` keeps the "name (via group G)" text of
 * each group policy met (a group's policies are shared by its members): one string per policy,
 * not one per offender.
 */
export function grantingPoliciesOnAll(p: Principal, probes: OnAllProbes, mask?: readonly boolean[], labels?: Map<AppliedPolicy, string>): string[] {
  const set = p.policySet;
  // A resolved principal's lists are its set's: their answers are in the resolution's rows (by local id).
  const rows = resolvedRowsOf(set);
  const policies = p.policies;
  // The mask as bits once per call (the probes' rows answer with bits: `OnAllProbes.allowsAnyOf`).
  const bitwise = probes.bitwise;
  const maskBits = bitwise ? bitsOf(mask) : 0;
  // The probes' row in the resolution, once per call: it depends on the rows, not on the policy.
  const row = bitwise && rows !== undefined ? probes.rowIn(rows) : undefined;
  const lists = set.lists;
  let n = 0;
  for (let i = 0; i < policies.length; i++) {
    const pol = policies[i]!;
    // The set's lists are its first principal's policy lists in order, one per distinct list, so
    // policy `i`'s list is almost always `lists[i]` (99.6 % of 63,000 offender policies per
    // pessimistic evaluation): checked first, not `indexOf` for every policy (a builtin call that
    // was half of this function's time). A set's lists are distinct, so both find the same
    // position. -1 (the list's own memo) for a policy whose list is not one of the set's (a
    // principal built by hand).
    const at = rows === undefined ? -1 : i < lists.length && lists[i] === pol.statements ? i : lists.indexOf(pol.statements);
    const lid = at < 0 ? -1 : rows!.listIdAt(at);
    if (!(bitwise ? probes.allowsAnyOf(pol.statements, maskBits, rows, row, lid) : probes.allowsAny(pol.statements, mask, rows, lid))) continue;
    let label = pol.via === undefined ? pol.name : labels?.get(pol);
    if (label === undefined) {
      label = policyLabel(pol);
      labels?.set(pol, label);
    }
    found[n++] = label;
  }
  const out = found.slice(0, n);
  found.fill('', 0, n);
  return out;
}

/** Bit `i` set where `mask[i]` is true; -1 (every bit) without a mask. */
function bitsOf(mask: readonly boolean[] | undefined): number {
  if (mask === undefined) return -1;
  let bits = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === true) bits |= 1 << i;
  return bits;
}
