/**
 * access.privilege-escalation — no non-admin principal holds a known combination of
 * permissions that lets it raise its own privileges (PassRole + create compute,
 * CreatePolicyVersion, Attach/Put*Policy, UpdateAssumeRolePolicy, credentials of others, …).
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { analyzeBreadth, judgedPrincipals, type EscalationPaths, type PrincipalBreadth } from '../../breadth/analyze';
import { ESCALATION_PATHS, escalationGrants, type EscalationMatch, type HeldPath } from '../../breadth/escalation';
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
 * The paths a group of principals shares (one per `escalationPaths` object of the analysis):
 * the ids of those listed, and their detail, built only if one of them is detailed.
 */
interface Shared {
  ids: string[];
  detail?: ListedPath[];
}

/** A principal to list: the detail of its paths is read from the analysis only if it is detailed. */
interface Entry {
  principal: PrincipalBreadth;
  shared: Shared;
}

/**
 * Principals listed with their paths in `observed` (per list). The evidence store keeps at most
 * 100 items of an array (lib/evidence/build.ts DEFAULT_CAPS, with the hash of the rest): past
 * that, every other principal is still named, grouped by the paths it holds, and the finding's
 * `resources` still lists every one's ARN. Below the bound nothing changes.
 */
export const DETAILED_PRINCIPALS = 100;

function bounded(name: string, entries: readonly Entry[], detailed: readonly Listed[]): Record<string, unknown> {
  if (entries.length <= DETAILED_PRINCIPALS) return { [name]: detailed };
  // Groups of one policy set share their ids array: its text is joined once.
  const texts = new Map<readonly string[], string>();
  // Principals with the same named policies share one paths object: group by it, then by path ids.
  const byShared = new Map<Shared, string[]>();
  for (let i = DETAILED_PRINCIPALS; i < entries.length; i++) {
    const e = entries[i]!;
    const keys = byShared.get(e.shared);
    if (keys) keys.push(e.principal.key);
    else byShared.set(e.shared, [e.principal.key]);
  }
  const byIds = new Map<string, { paths: string[]; principals: string[] }>();
  // forEach: no [key, value] entry array per group.
  byShared.forEach((principals, shared) => {
    let text = texts.get(shared.ids);
    if (text === undefined) texts.set(shared.ids, (text = shared.ids.join(' ')));
    const group = byIds.get(text);
    if (group) group.principals.push(...principals);
    else byIds.set(text, { paths: shared.ids, principals });
  });
  return { [name]: detailed, [`${name}NotDetailed`]: { count: entries.length - DETAILED_PRINCIPALS, byPaths: [...byIds.values()] } };
}

/** Is the match listed (conditional paths only when asked for; scoped PassRole always)? */
const listedMatch = (m: EscalationMatch, includeConditional: boolean): boolean => includeConditional || m.unconditional || m.scopedPassRole !== undefined;

/** A match as the finding lists it, with what closes it and where it is documented (lib/breadth/escalation-paths.ts). */
function listedPath(m: EscalationMatch): ListedPath {
  const { actions, policies } = escalationGrants(m);
  const neutralisedBy = PATH_BY_ID.get(m.path)!.neutralisedBy;
  const sources = SOURCES_BY_ID.get(m.path)!;
  return m.scopedPassRole
    ? { path: m.path, title: m.title, actions, policies, unconditional: m.unconditional, scopedPassRole: m.scopedPassRole, neutralisedBy, sources }
    : { path: m.path, title: m.title, actions, policies, unconditional: m.unconditional, neutralisedBy, sources };
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
    const offenders: Entry[] = [];
    // PassRole limited to named roles and to the path's service: the named roles decide, a reviewer checks them.
    const scoped: Entry[] = [];
    const incomplete: string[] = [];
    // Principals whose escalations are shared (lib/breadth/analyze) share one escalationPaths
    // object: which of its paths are listed, and their detail, are found once per object.
    const listedPaths = new Map<EscalationPaths, { open: Shared | null; limited: Shared | null }>();
    const listed = (p: HeldPath): boolean => params.includeConditional || p.unconditional || p.scoped;
    // The listed ids depend only on the paths, which principals of one policy set share even when
    // their escalations are built apart (one EscalationPaths each): split once per paths array.
    const idsByPaths = new Map<readonly HeldPath[], { open: string[] | null; limited: string[] | null }>();
    const listedIds = (paths: readonly HeldPath[]) => {
      let ids = idsByPaths.get(paths);
      if (!ids) {
        const open: string[] = [];
        const limited: string[] = [];
        for (const path of paths) if (listed(path)) (path.scoped ? limited : open).push(path.id);
        idsByPaths.set(paths, (ids = { open: open.length ? open : null, limited: limited.length ? limited : null }));
      }
      return ids;
    };
    for (const p of judged) {
      if (p.unresolvedPolicies.length) incomplete.push(p.key);
      const held = p.escalationPaths;
      if (!held.paths.length) continue;
      let groups = listedPaths.get(held);
      if (!groups) {
        const { open, limited } = listedIds(held.paths);
        groups = { open: open ? { ids: open } : null, limited: limited ? { ids: limited } : null };
        listedPaths.set(held, groups);
      }
      if (groups.open) offenders.push({ principal: p, shared: groups.open });
      if (groups.limited) scoped.push({ principal: p, shared: groups.limited });
    }
    // The listed paths' detail from the analysis's matches (one per path, in the same order).
    const detail = (limited: boolean) => (e: Entry): Listed => {
      e.shared.detail ??= e.principal.escalations.filter((m) => listedMatch(m, params.includeConditional) && Boolean(m.scopedPassRole) === limited).map(listedPath);
      return { principal: e.principal.key, arn: e.principal.arn, paths: e.shared.detail };
    };
    const offendersListed = offenders.slice(0, DETAILED_PRINCIPALS).map(detail(false));
    const scopedListed = scoped.slice(0, DETAILED_PRINCIPALS).map(detail(true));
    const observed = {
      catalog: analysis.catalog,
      scope: analysis.scope,
      pathsChecked: ESCALATION_PATHS.map((p) => p.id),
      principalsChecked: judged.length,
      ...bounded('offenders', offenders, offendersListed),
      ...bounded('scopedPassRole', scoped, scopedListed),
      adminsNotJudged: admins,
      allowListed: allowListedKeys,
      incomplete,
    };
    if (offenders.length) {
      const text = offendersListed
        .slice(0, 3)
        .map((o) => `${o.principal}: ${o.paths.slice(0, 3).map((p) => `${p.path} (${p.actions.join(' + ')} via ${p.policies.join(', ')})`).join('; ')}${o.paths.length > 3 ? `; +${o.paths.length - 3} more` : ''}`)
        .join(' | ');
      return {
        status: 'FAIL',
        message: `${plural(offenders.length, 'non-admin principal')} can escalate their privileges — ${text}${offenders.length > 3 ? ' | …' : ''}.`,
        observed,
        threshold: params,
        resources: offenders.map((o) => o.principal.arn),
      };
    }
    if (scoped.length) {
      const text = scopedListed
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
        resources: scoped.map((o) => o.principal.arn),
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
