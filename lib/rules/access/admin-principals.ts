/**
 * access.admin-principals — only allow-listed break-glass roles hold administrator rights;
 * no IAM user does.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { assessAdmin } from '../../policy/admin';
import { allowListed, principalsOf, type Principal } from '../../policy/principals';
import { objectList } from '../../policy/set-memo';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { describeIncomplete, incompleteOf, type IncompletePrincipal } from '../support/incomplete';
import { plural } from '../../support/plural';

export const AdminPrincipalsParameters = z.object({
  /** Role names or ARN patterns (`*`, `?` wildcards) allowed to hold admin rights, e.g. `BreakGlass*`. Users are never allow-listed. */
  breakGlassRoles: z.array(z.string().min(1)).default([]),
});

/** An administrator as reported. */
interface AdminEntry {
  name: string;
  arn: string;
  via: string[];
  conditional: boolean;
}

/**
 * Administrators, near-administrators and incomplete principals, in principal order. JIT
 * shaping, measured with --trace-opt/--trace-deopt on bench/evaluate.ts: a rule's `evaluate`
 * runs once per evaluation, so a loop in it was compiled on-stack with the whole function, and
 * code met once per evaluation (the message's callbacks, set-up before the loop that ran before
 * the function had type feedback) deoptimised it, so each later evaluation compiled it again.
 * Here the state is made by the constructor (never optimised) and `run` is the loop and nothing
 * else; the lists it pushes to are born with object elements (lib/policy/set-memo.ts `objectList`).
 */
class AdminScan {
  public readonly adminUsers = objectList<AdminEntry>();
  public readonly adminRoles = objectList<AdminEntry>();
  public readonly breakGlass = objectList<string>();
  public readonly nearAdmin = objectList<{ arn: string; via: string[] }>();
  public readonly incomplete = objectList<IncompletePrincipal>();

  public constructor(private readonly breakGlassRoles: readonly string[]) {}

  public run(principals: readonly Principal[]): void {
    // Indexed: this loop runs once per evaluation, partly before optimisation, where for...of allocates per element.
    for (let i = 0; i < principals.length; i++) {
      const p = principals[i]!;
      const a = assessAdmin(p);
      // A missing policy or group may be what makes the principal admin (allow-listed roles may be admin anyway).
      const gap = a.admin || (p.type === 'role' && allowListed(this.breakGlassRoles, p.name, p.arn)) ? undefined : incompleteOf(p);
      if (gap) this.incomplete.push(gap);
      if (a.nearAdminVia.length > 0 && !a.admin) this.nearAdmin.push({ arn: p.arn, via: a.nearAdminVia });
      if (!a.admin) continue;
      const entry = { name: p.name, arn: p.arn, via: a.via, conditional: a.conditional };
      if (p.type === 'user') this.adminUsers.push(entry);
      else if (allowListed(this.breakGlassRoles, p.name, p.arn)) this.breakGlass.push(p.arn);
      else this.adminRoles.push(entry);
    }
  }
}

export default defineRule({
  id: 'access.admin-principals',
  title: 'Administrator rights limited to break-glass roles',
  area: 'access',
  severity: 'high',
  rationale:
    'A principal with `*` on `*` can read every personal data store, switch off logging and erase traces. GDPR Art. 32(1)(b) ' +
    'requires the ongoing confidentiality and integrity of the systems and Art. 25(2) limits accessibility to what is necessary; ' +
    'the CNIL security guide (fiches 5 and 9) recommends least privilege and non-privileged named accounts for routine work. ' +
    'Long-lived IAM users with admin rights are the worst case: their passwords and keys are phished or leaked.',
  remediation: {
    console: 'IAM console → Users/Roles → <principal> → Permissions: detach AdministratorAccess and remove `*`-on-`*` statements; grant a job-specific policy instead.',
    cli:
      'aws iam detach-user-policy --user-name <user> --policy-arn arn:aws:iam::aws:policy/AdministratorAccess; ' +
      'aws iam detach-role-policy --role-name <role> --policy-arn arn:aws:iam::aws:policy/AdministratorAccess; ' +
      'aws iam delete-user-policy --user-name <user> --policy-name <inline policy>',
  },
  references: [REF.gdpr32_1_b, REF.gdpr25_2, REF.cnilGuide5, REF.cnilGuide9],
  sections: ['authorizationDetails'],
  parameters: AdminPrincipalsParameters,
  evaluate(snapshot, params) {
    const details = requireSection(snapshot, 'authorizationDetails');
    const scan = new AdminScan(params.breakGlassRoles);
    scan.run(principalsOf(details));
    const { adminUsers, adminRoles, breakGlass, nearAdmin, incomplete } = scan;
    const offenders = [...adminUsers, ...adminRoles];
    const observed = {
      adminUsers: adminUsers.length,
      adminRolesNotAllowListed: adminRoles.length,
      allowListedBreakGlassRoles: breakGlass,
      offenders,
      conditionalAdmins: offenders.filter((o) => o.conditional).map((o) => o.arn),
      nearAdminNotActionGrants: nearAdmin,
      principalsChecked: details.UserDetailList.length + details.RoleDetailList.length,
      incomplete,
    };
    if (offenders.length > 0) {
      return {
        status: 'FAIL',
        message: `${plural(adminUsers.length, 'user')} and ${plural(adminRoles.length, 'role')} outside the break-glass allow-list hold administrator rights: ${offenders.slice(0, 5).map((o) => o.name).join(', ')}${offenders.length > 5 ? ', …' : ''}.`,
        observed,
        threshold: params,
        resources: offenders.map((o) => o.arn),
      };
    }
    if (incomplete.length > 0) {
      return {
        status: 'WARN',
        message:
          `No principal outside the break-glass allow-list is shown to hold administrator rights, but ${incomplete.length === 1 ? '1 principal has' : `${incomplete.length} principals have`} ` +
          `policies or groups missing from the snapshot, which may grant them: ${describeIncomplete(incomplete)}.`,
        observed,
        threshold: params,
        resources: incomplete.map((i) => i.arn),
      };
    }
    return {
      status: 'PASS',
      message: breakGlass.length
        ? `Only ${breakGlass.length === 1 ? 'the 1 allow-listed break-glass principal holds' : `the ${breakGlass.length} allow-listed break-glass principals hold`} administrator rights.`
        : 'No principal holds administrator rights.',
      observed,
      threshold: params,
      resources: breakGlass,
    };
  },
});
