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
import { decide, type Principal } from './principals';
import { statementCoversAllResources } from './document';

export const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

export interface AdminAssessment {
  admin: boolean;
  /** Every grant that makes the principal admin carries a Condition. */
  conditional: boolean;
  /** Policies that grant `*` on `*` (or are AdministratorAccess), with the group they come through. */
  via: string[];
  /** Policies with `NotAction` allows on every resource. */
  nearAdminVia: string[];
}

const label = (name: string, via: string | undefined): string => (via ? `${name} (via group ${via})` : name);

const adminMemo = new WeakMap<Principal, AdminAssessment>();

/** Admin assessment of a principal, computed once per resolved principal (several rules ask). */
export function assessAdmin(p: Principal): AdminAssessment {
  let a = adminMemo.get(p);
  if (!a) {
    a = computeAdmin(p);
    adminMemo.set(p, a);
  }
  return a;
}

function computeAdmin(p: Principal): AdminAssessment {
  const via: string[] = [];
  const nearAdminVia: string[] = [];
  let unconditional = false;
  for (const policy of p.policies) {
    let grants = false;
    for (const s of policy.statements) {
      if (s.effect !== 'Allow' || !statementCoversAllResources(s)) continue;
      if (s.actions?.some((a) => a === '*' || a === '*:*')) {
        grants = true;
        if (!s.conditional) unconditional = true;
      } else if (s.notActions) {
        if (!nearAdminVia.includes(label(policy.name, policy.via))) nearAdminVia.push(label(policy.name, policy.via));
      }
    }
    if (grants || policy.id === ADMINISTRATOR_ACCESS_ARN) via.push(label(policy.name, policy.via));
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
