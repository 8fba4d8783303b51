/**
 * Administrator detection: a principal is an administrator when an Allow statement of its
 * identity policies grants every action (`*` or `*:*`) on every resource, or when the AWS
 * managed `AdministratorAccess` policy is attached (directly or through a group), and no
 * explicit Deny or permissions boundary takes `*:*` away.
 *
 * `NotAction` allows on `*` ("everything except …", e.g. PowerUserAccess) are reported as
 * near-admin grants, not as admin: what they exclude matters and the breadth analysis
 * measures it.
 */
import { decide, policyLabel, resolvedWithoutAdminPolicy, type AppliedPolicy, type PolicySet, type Principal } from './principals';
import type { NormalizedStatement } from './document';
import { ADMINISTRATOR_ACCESS_ARN, GRANTS_STAR, GRANTS_STAR_UNCONDITIONALLY, NOT_ACTION_ON_ALL, adminFactsOf, namedInAdminAssessment } from './admin-facts';

export { ADMINISTRATOR_ACCESS_ARN } from './admin-facts';

export interface AdminAssessment {
  admin: boolean;
  /** Every grant that makes the principal admin carries a Condition. */
  conditional: boolean;
  /** Policies that grant `*` on `*` (or are AdministratorAccess), with the group they come through. */
  via: string[];
  /** Policies with `NotAction` allows on every resource. */
  nearAdminVia: string[];
}

/** An `adminMemo` entry (or `NO_MEMO`): the inputs besides `policies`, and the answer. */
interface AdminMemo {
  unresolved: readonly string[];
  set: PolicySet | null;
  assessment: AdminAssessment;
}

/**
 * Assessments by the principal's `policies` array: principals resolved with the same
 * attachments share that array (lib/policy/principals.ts), so thousands of users of the same
 * groups are assessed once. The unresolved list and policy set are checked too, since they
 * are the other inputs (hand-built principals may share a `policies` array and differ in them).
 */
const adminMemo = new WeakMap<readonly AppliedPolicy[], AdminMemo>();

/**
 * Admin assessment of a principal, computed once per resolved attachment signature (several
 * rules ask). The result is shared: never mutate it.
 */
export function assessAdmin(p: Principal): AdminAssessment {
  // Resolution already knows (most principals): no policy to name, AdministratorAccess not missing.
  if (resolvedWithoutAdminPolicy(p)) return NOT_ADMIN;
  // A miss reads NO_MEMO (an entry of the same shape that matches no principal), and every load and
  // comparison runs on every call: all have type feedback before assessAdmin is optimised. With
  // `m && m.unresolved === …` they ran on hits only, which the first analysis of a cold run never
  // has: analyseEach (which inlines this) deoptimised at the first hit and was compiled again
  // (cold pessimistic breadth, --trace-deopt-verbose: 'Insufficient type feedback for generic
  // named access' at `m.unresolved`).
  const m = adminMemo.get(p.policies) ?? NO_MEMO;
  const memoised = m.assessment;
  const sameUnresolved = m.unresolved === p.unresolvedPolicies;
  const sameSet = m.set === p.policySet;
  if (sameUnresolved && sameSet) return memoised;
  const assessment = computeAdmin(p);
  adminMemo.set(p.policies, { unresolved: p.unresolvedPolicies, set: p.policySet, assessment });
  return assessment;
}

interface ListSummary {
  /** An Allow of `*` / `*:*` on every resource. */
  grantsStar: boolean;
  /** …at least one of them without a Condition. */
  grantsStarUnconditionally: boolean;
  /** An Allow with `NotAction` on every resource. */
  notActionOnAll: boolean;
}

/** Per statement list (managed policies are shared by every principal they are attached to). */
const summaries = new WeakMap<readonly NormalizedStatement[], ListSummary>();

function summaryOf(statements: readonly NormalizedStatement[]): ListSummary {
  let summary = summaries.get(statements);
  if (!summary) {
    const facts = adminFactsOf(statements);
    summary = { grantsStar: (facts & GRANTS_STAR) !== 0, grantsStarUnconditionally: (facts & GRANTS_STAR_UNCONDITIONALLY) !== 0, notActionOnAll: (facts & NOT_ACTION_ON_ALL) !== 0 };
    summaries.set(statements, summary);
  }
  return summary;
}

/** The answer for most principals (no admin grant, no near-admin grant), one shared frozen object. */
const NOT_ADMIN: AdminAssessment = Object.freeze({ admin: false, conditional: false, via: Object.freeze([]) as unknown as string[], nearAdminVia: Object.freeze([]) as unknown as string[] });

/** `assessAdmin`'s entry on a memo miss: its own `unresolved` array and a null set match no principal. */
const NO_MEMO: AdminMemo = { unresolved: [], set: null, assessment: NOT_ADMIN };

/** Does the policy appear in an assessment (grants `*` on `*`, is AdministratorAccess, or allows NotAction on `*`)? */
function namedInAssessment(policy: AppliedPolicy): boolean {
  if (policy.id === ADMINISTRATOR_ACCESS_ARN) return true;
  const summary = summaryOf(policy.statements);
  return namedInAdminAssessment(policy.id, (summary.grantsStar ? GRANTS_STAR : 0) | (summary.notActionOnAll ? NOT_ACTION_ON_ALL : 0));
}

function computeAdmin(p: Principal): AdminAssessment {
  // Most principals name no policy in the result: answer them without allocating anything.
  if (!p.unresolvedPolicies.includes(ADMINISTRATOR_ACCESS_ARN) && !p.policies.some(namedInAssessment)) return NOT_ADMIN;
  const via: string[] = [];
  const nearAdminVia: string[] = [];
  let unconditional = false;
  for (const policy of p.policies) {
    const summary = summaryOf(policy.statements);
    const grants = summary.grantsStar;
    if (grants && summary.grantsStarUnconditionally) unconditional = true;
    const isAdministratorAccess = policy.id === ADMINISTRATOR_ACCESS_ARN;
    // Labels only for the policies named in the result (most principals have none).
    if (!summary.notActionOnAll && !grants && !isAdministratorAccess) continue;
    const name = policyLabel(policy);
    if (summary.notActionOnAll && !nearAdminVia.includes(name)) nearAdminVia.push(name);
    if (grants || isAdministratorAccess) via.push(name);
    if (policy.id === ADMINISTRATOR_ACCESS_ARN && !grants) unconditional = true;
  }
  // AdministratorAccess attached but its document absent from the snapshot still counts:
  // AWS defines it as Allow * on *.
  if (p.unresolvedPolicies.includes(ADMINISTRATOR_ACCESS_ARN)) {
    via.push('AdministratorAccess (document not collected)');
    unconditional = true;
  }
  if (via.length === 0) return { admin: false, conditional: false, via, nearAdminVia };
  // An explicit Deny on everything or a restrictive boundary takes the grant away.
  const effective = decide(p, '*:*', '*');
  if (effective === 'denied' || (effective === 'not-allowed' && !p.unresolvedPolicies.includes(ADMINISTRATOR_ACCESS_ARN))) {
    return { admin: false, conditional: false, via, nearAdminVia };
  }
  return { admin: true, conditional: !unconditional || effective === 'conditional', via, nearAdminVia };
}
