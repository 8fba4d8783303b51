/**
 * access.unused-roles — IAM roles nobody used for more than N days (RoleLastUsed, carried by
 * GetAccountAuthorizationDetails: no per-role call). An unused role is a standing door: it
 * keeps its permissions and its trust policy, and nobody would notice its first use.
 */
import { z } from 'zod';
import { requireSection, type RoleDetail } from '../../snapshot';
import { allowListed } from '../../policy/principals';
import { objectList } from '../../policy/document';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { daysSinceTime, isoTime } from '../support/time';
import { plural } from '../../support/plural';

export const UnusedRolesParameters = z.object({
  /** A role unused for longer than this is reported (AWS IAM Access Analyzer's default unused-access window: 90 days). */
  maxUnusedDays: z.number().int().positive().default(90),
  /** Break-glass roles (names or ARN patterns, `*`/`?`), unused by design: listed, not failed. */
  breakGlassRoles: z.array(z.string().min(1)).default([]),
  /** Service-linked roles (path /aws-service-role/) are managed by AWS services: reported apart unless included. */
  includeServiceLinkedRoles: z.boolean().default(false),
});

export interface UnusedRole {
  arn: string;
  /** Days since the last use, or since creation when IAM recorded no use. */
  days: number;
  lastUsed: string | null;
  created: string | null;
}

const isServiceLinked = (r: RoleDetail): boolean => (r.Path ?? '').startsWith('/aws-service-role/');

/**
 * Sorts the roles unused for more than `maxUnusedDays` before `now` (epoch ms) into `unused`, `breakGlass` and
 * `serviceLinked`, and those with no date into `unknown`. The loop over every role is in its own function, and
 * nothing runs after it: `evaluate` runs once per evaluation, and with this loop in it TurboFan compiled it on the
 * loop (OSR), whose code then deoptimised in the message code after the loop (no type feedback there yet, or
 * "wrong map" at `names.join`), and `evaluate` was compiled again in the next evaluations: 64 + 23 ms of compile in
 * steady pessimistic runs 2 and 3 (bench/evaluate, --trace-opt --trace-deopt, s17). A result literal after the loop
 * deoptimised the same way once per evaluation ("insufficient type feedback"): the lists are the caller's.
 */
function sortRoles(roles: readonly RoleDetail[], now: number, params: z.infer<typeof UnusedRolesParameters>, unused: UnusedRole[], breakGlass: UnusedRole[], serviceLinked: UnusedRole[], unknown: string[]): void {
  // Indexed: this loop runs once per evaluation, partly before optimisation, where for...of allocates per element.
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i]!;
    const lastUsed = r.RoleLastUsed?.LastUsedDate;
    // No LastUsedDate: no use in IAM's tracking period; the role's age is then the best bound.
    const since = lastUsed ?? r.CreateDate;
    if (!since) {
      unknown.push(r.Arn);
      continue;
    }
    const days = daysSinceTime(isoTime(since), now);
    if (days <= params.maxUnusedDays) continue;
    const entry = { arn: r.Arn, days, lastUsed: lastUsed ?? null, created: r.CreateDate ?? null };
    if (allowListed(params.breakGlassRoles, r.RoleName, r.Arn)) breakGlass.push(entry);
    else if (isServiceLinked(r) && !params.includeServiceLinkedRoles) serviceLinked.push(entry);
    else unused.push(entry);
  }
}

export default defineRule({
  id: 'access.unused-roles',
  title: 'No IAM role left unused',
  area: 'access',
  severity: 'medium',
  rationale:
    'A role nobody uses keeps its permissions and its trust policy: a partner, a former project or an attacker who learns of it can ' +
    'use it and nobody expects that use. The CNIL security guide recommends reviewing access rights at least yearly and removing unused accounts ' +
    '(fiche 5) and removing unused resources in the cloud (fiche 22). IAM records each role\'s last use (RoleLastUsed).',
  remediation: {
    console: 'IAM console → Roles → sort by "Last activity" → for each unused role: confirm with its owner, then Delete (or remove its permissions first).',
    cli:
      'aws iam get-account-authorization-details --filter Role --query "RoleDetailList[].[RoleName,RoleLastUsed.LastUsedDate]"; ' +
      'aws iam list-attached-role-policies --role-name <role> then aws iam detach-role-policy …; aws iam delete-role --role-name <role>',
  },
  references: [REF.cnilGuide5, REF.cnilGuide22, REF.gdpr32_1_b, REF.awsUnusedAccess90],
  sections: ['authorizationDetails'],
  parameters: UnusedRolesParameters,
  evaluate(snapshot, params) {
    const roles = requireSection(snapshot, 'authorizationDetails').RoleDetailList;
    // Epoch milliseconds, no Date object per role (a large account has thousands of roles):
    // `daysSinceTime(isoTime(x), now)` is `daysSince(new Date(x), new Date(collectedAt))`.
    const now = new Date(snapshot.collectedAt).getTime();
    // Object elements from birth (`objectList`): a `[]` changed map at its first push in `sortRoles`' optimised
    // code, which then deoptimised once per evaluation ("not a Smi" at `unused.push`, --trace-deopt-verbose).
    const unused = objectList<UnusedRole>();
    const breakGlass = objectList<UnusedRole>();
    const serviceLinked = objectList<UnusedRole>();
    const unknown = objectList<string>();
    sortRoles(roles, now, params, unused, breakGlass, serviceLinked, unknown);
    const observed = {
      rolesChecked: roles.length,
      unused,
      unusedBreakGlassRoles: breakGlass,
      unusedServiceLinkedRoles: serviceLinked,
      lastUseUnknown: unknown,
      now: snapshot.collectedAt,
    };
    if (unused.length > 0) {
      // Only the first five are named in the message.
      const names = unused.slice(0, 5).map((u) => `${u.arn.split('/').pop()} (${u.lastUsed ? `last used ${u.days} days ago` : `never used, created ${u.days} days ago`})`);
      return {
        status: 'FAIL',
        message: `${unused.length} of ${roles.length} roles unused for more than ${params.maxUnusedDays} days: ${names.join(', ')}${unused.length > 5 ? ', …' : ''}.`,
        observed,
        threshold: params,
        resources: unused.map((u) => u.arn),
      };
    }
    if (unknown.length > 0) {
      return {
        status: 'ERROR',
        message: `Neither last use nor creation date is known for ${plural(unknown.length, 'role')}: ${unknown.slice(0, 3).join(', ')}.`,
        observed,
        threshold: params,
        resources: unknown,
      };
    }
    const apart = [
      breakGlass.length ? `${breakGlass.length} allow-listed break-glass role(s) unused, as expected` : '',
      serviceLinked.length ? `${serviceLinked.length} service-linked role(s) unused (owned by AWS services)` : '',
    ].filter(Boolean);
    return {
      status: 'PASS',
      message: `No role unused for more than ${params.maxUnusedDays} days (${roles.length} checked)${apart.length ? `; ${apart.join('; ')}` : ''}.`,
      observed,
      threshold: params,
      resources: [],
    };
  },
});
