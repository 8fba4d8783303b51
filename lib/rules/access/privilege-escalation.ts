/**
 * access.privilege-escalation — no non-admin principal holds a known combination of
 * permissions that lets it raise its own privileges (PassRole + create compute,
 * CreatePolicyVersion, Attach/Put*Policy, UpdateAssumeRolePolicy, credentials of others, …).
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { analyzeBreadth, judgedPrincipals } from '../../breadth/analyze';
import { ESCALATION_PATHS, escalationGrants, type EscalationMatch } from '../../breadth/escalation';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { agree, plural } from '../../support/plural';

const PATH_BY_ID = new Map(ESCALATION_PATHS.map((p) => [p.id, p]));
/** Each path's distinct source URLs (read-only: shared by every finding that lists the path). */
const SOURCES_BY_ID = new Map(ESCALATION_PATHS.map((p) => [p.id, [...new Set(p.sources.map((x) => x.url))]]));

interface ListedPath {
  path: string;
  title: string;
  actions: string[];
  policies: string[];
  unconditional: boolean;
  scopedPassRole?: string[];
  neutralisedBy: string;
  sources: string[];
}
/** A principal's paths as the finding lists them; `paths` is shared by principals with the same named policies. */
interface Listed {
  principal: string;
  arn: string;
  paths: ListedPath[];
}

/**
 * Principals listed with their paths in `observed` (per list). The evidence store keeps at most
 * 100 items of an array (lib/evidence/build.ts DEFAULT_CAPS, with the hash of the rest): past
 * that, every other principal is still named, grouped by the paths it holds, and the finding's
 * `resources` still lists every one's ARN. Below the bound nothing changes.
 */
export const DETAILED_PRINCIPALS = 100;

function bounded(name: string, listed: readonly Listed[]): Record<string, unknown> {
  if (listed.length <= DETAILED_PRINCIPALS) return { [name]: listed };
  // Principals with the same named policies share one paths array: group by array, then by path ids.
  const byArray = new Map<readonly ListedPath[], string[]>();
  for (let i = DETAILED_PRINCIPALS; i < listed.length; i++) {
    const l = listed[i]!;
    const keys = byArray.get(l.paths);
    if (keys) keys.push(l.principal);
    else byArray.set(l.paths, [l.principal]);
  }
  const byIds = new Map<string, { paths: string[]; principals: string[] }>();
  for (const [paths, principals] of byArray) {
    const ids = paths.map((x) => x.path);
    const text = ids.join(' ');
    const group = byIds.get(text);
    if (group) group.principals.push(...principals);
    else byIds.set(text, { paths: ids, principals });
  }
  return { [name]: listed.slice(0, DETAILED_PRINCIPALS), [`${name}NotDetailed`]: { count: listed.length - DETAILED_PRINCIPALS, byPaths: [...byIds.values()] } };
}

export const PrivilegeEscalationParameters = z.object({
  /** Break-glass or IAM-administration principals: role/user names or ARN patterns (`*`, `?`), noted but not judged. */
  allowList: z.array(z.string().min(1)).default([]),
  /** Count paths whose grants carry a Condition (they may hold at run time). */
  includeConditional: z.boolean().default(true),
});

export default defineRule({
  id: 'access.privilege-escalation',
  title: 'No privilege-escalation paths for non-admin principals',
  area: 'access',
  severity: 'high',
  rationale:
    'A principal that can attach a policy, create a new policy version, pass a privileged role to compute it controls, or ' +
    'create credentials for another user is an administrator in waiting: one hijacked account is enough to take the whole ' +
    'account and every personal data store in it. Art. 32(1)(b) GDPR requires ongoing confidentiality and integrity of the ' +
    'systems; the CNIL security guide (fiche 5) recommends least privilege.',
  remediation: {
    console:
      'IAM console → <principal> → Permissions: remove the IAM write actions it does not need (iam:Attach*/Put*Policy, ' +
      'iam:CreatePolicyVersion, iam:CreateAccessKey on other users); scope iam:PassRole to the specific role ARNs and add an ' +
      '`iam:PassedToService` condition; set a permissions boundary on roles that must create roles.',
    cli:
      'aws iam put-role-policy --role-name <role> --policy-name <name> --policy-document file://without-escalation.json; ' +
      'aws iam put-role-permissions-boundary --role-name <role> --permissions-boundary <boundary policy arn>',
  },
  references: [REF.gdpr32_1_b, REF.cnilGuide5, REF.rhinoEscalation],
  sections: ['authorizationDetails'],
  parameters: PrivilegeEscalationParameters,
  evaluate(snapshot, params) {
    const authorizationDetails = requireSection(snapshot, 'authorizationDetails');
    const analysis = analyzeBreadth({ authorizationDetails, credentialReport: snapshot.credentialReport, collectedAt: snapshot.collectedAt });
    const { judged, admins, allowListed: allowListedKeys } = judgedPrincipals(analysis.principals, params.allowList);
    const offenders: Listed[] = [];
    // PassRole limited to named roles and to the path's service: the named roles decide, a reviewer checks them.
    const scoped: Listed[] = [];
    const incomplete: string[] = [];
    // Principals with the same named policies share one escalations array (lib/breadth/analyze):
    // their listed paths are built once and shared.
    const listedPaths = new Map<readonly EscalationMatch[], { open: ListedPath[]; limited: ListedPath[] }>();
    for (const p of judged) {
      if (p.unresolvedPolicies.length) incomplete.push(p.key);
      if (!p.escalations.length) continue;
      let listed = listedPaths.get(p.escalations);
      if (!listed) {
        listed = { open: [], limited: [] };
        for (const e of p.escalations) {
          if (!(params.includeConditional || e.unconditional || e.scopedPassRole)) continue;
          const path = PATH_BY_ID.get(e.path)!;
          // What closes it and where it is documented, from the path catalog (lib/breadth/escalation-paths.ts).
          const entry: ListedPath = { path: e.path, title: e.title, ...escalationGrants(e), unconditional: e.unconditional, ...(e.scopedPassRole ? { scopedPassRole: e.scopedPassRole } : {}), neutralisedBy: path.neutralisedBy, sources: SOURCES_BY_ID.get(e.path)! };
          (e.scopedPassRole ? listed.limited : listed.open).push(entry);
        }
        listedPaths.set(p.escalations, listed);
      }
      if (listed.open.length) offenders.push({ principal: p.key, arn: p.arn, paths: listed.open });
      if (listed.limited.length) scoped.push({ principal: p.key, arn: p.arn, paths: listed.limited });
    }
    const observed = {
      catalog: analysis.catalog,
      scope: analysis.scope,
      pathsChecked: ESCALATION_PATHS.map((p) => p.id),
      principalsChecked: judged.length,
      ...bounded('offenders', offenders),
      ...bounded('scopedPassRole', scoped),
      adminsNotJudged: admins,
      allowListed: allowListedKeys,
      incomplete,
    };
    if (offenders.length) {
      const text = offenders
        .slice(0, 3)
        .map((o) => `${o.principal}: ${o.paths.slice(0, 3).map((p) => `${p.path} (${p.actions.join(' + ')} via ${p.policies.join(', ')})`).join('; ')}${o.paths.length > 3 ? `; +${o.paths.length - 3} more` : ''}`)
        .join(' | ');
      return {
        status: 'FAIL',
        message: `${plural(offenders.length, 'non-admin principal')} can escalate their privileges — ${text}${offenders.length > 3 ? ' | …' : ''}.`,
        observed,
        threshold: params,
        resources: offenders.map((o) => o.arn),
      };
    }
    if (scoped.length) {
      const text = scoped
        .slice(0, 3)
        .map((o) => `${o.principal}: ${o.paths.map((p) => `${p.path} (iam:PassRole only to ${p.scopedPassRole!.join(', ')})`).join('; ')}`)
        .join(' | ');
      return {
        status: 'WARN',
        message:
          `No open escalation path, but ${plural(scoped.length, 'principal')} may pass named roles to compute they create — ${text}${scoped.length > 3 ? ' | …' : ''}. ` +
          'Each path is limited by iam:PassedToService to its service: it escalates only if a named role holds more than the principal; check those roles.' +
          (incomplete.length ? ` ${plural(incomplete.length, 'principal')} ${agree(incomplete.length, 'has', 'have')} attached policies missing from the snapshot.` : ''),
        observed,
        threshold: params,
        resources: scoped.map((o) => o.arn),
      };
    }
    if (incomplete.length) {
      return {
        status: 'WARN',
        message: `No escalation path found, but ${plural(incomplete.length, 'principal')} ${agree(incomplete.length, 'has', 'have')} attached policies missing from the snapshot (${incomplete.slice(0, 3).join(', ')}).`,
        observed,
        threshold: params,
        resources: incomplete,
      };
    }
    return {
      status: 'PASS',
      message: `None of ${judged.length} non-admin principals holds any of the ${ESCALATION_PATHS.length} known privilege-escalation paths.${admins.length ? ` ${plural(admins.length, 'administrator')} ${agree(admins.length, 'is', 'are')} left to access.admin-principals.` : ''}`,
      observed,
      threshold: params,
      resources: [],
    };
  },
});
