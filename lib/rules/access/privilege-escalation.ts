/**
 * access.privilege-escalation — no non-admin principal holds a known combination of
 * permissions that lets it raise its own privileges (PassRole + create compute,
 * CreatePolicyVersion, Attach/Put*Policy, UpdateAssumeRolePolicy, credentials of others, …).
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { analyzeBreadth, escalationsUnkept, judgedPrincipals, type EscalationPaths, type PrincipalBreadth } from '../../breadth/analyze';
import { objectList } from '../../policy/document';
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
 * The listed ids of one kind (open, or scoped PassRole), one object per distinct ids text in an
 * evaluation: what the principals not detailed are grouped by.
 */
export interface ListedIds {
  ids: string[];
  /** The index of the group of its principals among those not detailed, once it has one. */
  group?: number;
}

/**
 * The paths a group of principals shares (one per `escalationPaths` object of the analysis):
 * the ids of those listed, and their detail, built only if one of them is detailed.
 */
export interface Shared {
  listed: ListedIds;
  detail?: ListedPath[];
  /** Its principals among those not detailed, in order (bounded). */
  slot?: string[];
}

/**
 * Principals to list, side by side (no object per principal): their listed ids, and what they share
 * with other principals (undefined for a principal whose escalationPaths is its own). The detail of
 * their paths is read only for those detailed.
 */
export interface Entries {
  principals: PrincipalBreadth[];
  listed: ListedIds[];
  shared: (Shared | undefined)[];
}

/**
 * Principals listed with their paths in `observed` (per list). The evidence store keeps at most
 * 100 items of an array (lib/evidence/build.ts DEFAULT_CAPS, with the hash of the rest): past
 * that, every other principal is still named, grouped by the paths it holds, and the finding's
 * `resources` still lists every one's ARN. Below the bound nothing changes.
 */
export const DETAILED_PRINCIPALS = 100;

/**
 * The principals past the bound grouped by the text of their listed ids (groups in the order of
 * their first principal); a group lists its principals shared object by shared object, in the
 * order of each one's first principal (principals with the same named policies stay together).
 */
export function bounded(name: string, entries: Entries, detailed: readonly Listed[]): Record<string, unknown> {
  const n = entries.principals.length;
  if (n <= DETAILED_PRINCIPALS) return { [name]: detailed };
  // Lists born with object elements (objectList): a `[]` made in each evaluation starts with
  // small-integer elements and changed map at its first push, in code optimised for the changed map.
  const byPaths: { paths: string[]; principals: string[] }[] = objectList();
  // Each group's parts in order: a shared object's principals (its slot, filled as they come) or one principal's key.
  const parts: (string | string[])[][] = objectList();
  groupParts(entries, byPaths, parts);
  joinParts(byPaths, parts);
  return { [name]: detailed, [`${name}NotDetailed`]: { count: n - DETAILED_PRINCIPALS, byPaths } };
}

// bounded's loops, each first in a function of its own: bounded runs twice per evaluation, and code
// before a loop ran without type feedback in the first evaluation (V8 allocates it lazily), so the
// function compiled after the loop's on-stack replacement deoptimised at entry in a later one
// (measured, bench/evaluate --pessimistic --trace-deopt: bounded recompiled in runs 2-3).

function groupParts(entries: Entries, byPaths: { paths: string[]; principals: string[] }[], parts: (string | string[])[][]): void {
  for (let i = DETAILED_PRINCIPALS; i < entries.principals.length; i++) {
    const key = entries.principals[i]!.key;
    const shared = entries.shared[i];
    if (shared?.slot) {
      shared.slot.push(key);
      continue;
    }
    const listed = entries.listed[i]!;
    if (listed.group === undefined) {
      listed.group = byPaths.length;
      byPaths.push({ paths: listed.ids, principals: objectList() });
      parts.push(objectList());
    }
    parts[listed.group]!.push(shared ? (shared.slot = [key]) : key);
  }
}

function joinParts(byPaths: { paths: string[]; principals: string[] }[], parts: (string | string[])[][]): void {
  for (let g = 0; g < byPaths.length; g++) {
    const out = byPaths[g]!.principals;
    for (const part of parts[g]!) {
      if (typeof part === 'string') out.push(part);
      else for (let j = 0; j < part.length; j++) out.push(part[j]!);
    }
  }
}

/**
 * Listed ids are told apart without their text when path ids are distinct and hold no space, and
 * there are few enough paths for a set of positions to be one exact number: ids in ESCALATION_PATHS
 * order then have one text per set of positions.
 */
const IDS_BY_POSITION = ESCALATION_PATHS.length <= 53 && new Set(ESCALATION_PATHS.map((p) => p.id)).size === ESCALATION_PATHS.length && ESCALATION_PATHS.every((p) => !p.id.includes(' '));
const POSITION = new Map(ESCALATION_PATHS.map((p, i) => [p.id, i]));
/** 2^position, exact for the positions IDS_BY_POSITION allows. */
const BIT_OF_POSITION = Float64Array.from(ESCALATION_PATHS, (_, i) => 2 ** i);
/** A held path's position in ESCALATION_PATHS (its `index`, checked), or -1. */
const positionOf = (path: HeldPath): number => (ESCALATION_PATHS[path.index]?.id === path.id ? path.index : (POSITION.get(path.id) ?? -1));

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

/**
 * The judged principals' listed paths, as evaluate collects them. A class at module level, its loop
 * in listEach, rather than closures and a loop in `evaluate` (measured, bench/evaluate --pessimistic,
 * --trace-opt/--trace-deopt: `evaluate`, called once per run, was compiled on stack replacement with
 * the closures inlined, deoptimised ("wrong map") in a later run and recompiled: 54-113 ms of
 * TurboFan time in runs 2-3).
 */
class PathLister {
  // Lists born with object elements (objectList): see bounded.
  public readonly offenders: Entries = { principals: objectList(), listed: objectList(), shared: objectList() };
  /** PassRole limited to named roles and to the path's service: the named roles decide, a reviewer checks them. */
  public readonly scoped: Entries = { principals: objectList(), listed: objectList(), shared: objectList() };
  public readonly incomplete: string[] = objectList();
  /**
   * Principals whose escalations are shared (lib/breadth/analyze) share one escalationPaths
   * object: which of its paths are listed, and their detail, are found once per object.
   */
  public readonly listedPaths = new Map<EscalationPaths, { open: Shared | null; limited: Shared | null }>();
  /** One ListedIds per kind and text: by the ids' positions in ESCALATION_PATHS (see IDS_BY_POSITION), else by the text. */
  private readonly openIds = new Map<number | string, ListedIds>();
  private readonly limitedIds = new Map<number | string, ListedIds>();
  /**
   * The listed ids depend only on the paths, which principals of one policy set share even when
   * their escalations are built apart (one EscalationPaths each): split once per paths array.
   */
  private readonly idsByPaths = new Map<readonly HeldPath[], { open: ListedIds | null; limited: ListedIds | null }>();

  public constructor(private readonly includeConditional: boolean) {}

  public listedIds(paths: readonly HeldPath[]): { open: ListedIds | null; limited: ListedIds | null } {
    let ids = this.idsByPaths.get(paths);
    if (!ids) {
      const open: string[] = [];
      const limited: string[] = [];
      let openKey = 0;
      let limitedKey = 0;
      let byPosition = IDS_BY_POSITION;
      let previous = -1;
      for (const path of paths) {
        if (!(this.includeConditional || path.unconditional || path.scoped)) continue;
        // In ESCALATION_PATHS order (as HeldPaths.paths are): else keyed by text (no other order has the same text).
        const position = positionOf(path);
        if (position <= previous) byPosition = false;
        previous = position;
        if (path.scoped) {
          limited.push(path.id);
          limitedKey += BIT_OF_POSITION[position] ?? 0;
        } else {
          open.push(path.id);
          openKey += BIT_OF_POSITION[position] ?? 0;
        }
      }
      ids = {
        open: open.length ? listedIdsOf(this.openIds, open, byPosition ? openKey : undefined) : null,
        limited: limited.length ? listedIdsOf(this.limitedIds, limited, byPosition ? limitedKey : undefined) : null,
      };
      this.idsByPaths.set(paths, ids);
    }
    return ids;
  }
}

function listedIdsOf(byKey: Map<number | string, ListedIds>, ids: string[], key: number | undefined): ListedIds {
  const k = key ?? ids.join(' ');
  let out = byKey.get(k);
  if (!out) byKey.set(k, (out = { ids }));
  return out;
}

function addEntry(entries: Entries, p: PrincipalBreadth, listed: ListedIds, shared: Shared | undefined): void {
  entries.principals.push(p);
  entries.listed.push(listed);
  entries.shared.push(shared);
}

/** The judged principals' listed paths into `lister`. The loop first in its function (see bounded). */
function listEach(lister: PathLister, judged: readonly PrincipalBreadth[]): void {
  for (let i = 0; i < judged.length; i++) {
    const p = judged[i]!;
    if (p.unresolvedPolicies.length) lister.incomplete.push(p.key);
    const held = p.escalationPaths;
    if (!held.paths.length) continue;
    if (held.sole) {
      // Its own paths object: nothing to share, no map entry.
      const { open, limited } = lister.listedIds(held.paths);
      if (open) addEntry(lister.offenders, p, open, undefined);
      if (limited) addEntry(lister.scoped, p, limited, undefined);
      continue;
    }
    let groups = lister.listedPaths.get(held);
    if (!groups) {
      const { open, limited } = lister.listedIds(held.paths);
      groups = { open: open ? { listed: open } : null, limited: limited ? { listed: limited } : null };
      lister.listedPaths.set(held, groups);
    }
    if (groups.open) addEntry(lister.offenders, p, groups.open.listed, groups.open);
    if (groups.limited) addEntry(lister.scoped, p, groups.limited.listed, groups.limited);
  }
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
    const lister = new PathLister(params.includeConditional);
    listEach(lister, judged);
    const { offenders, scoped, incomplete } = lister;
    // The matches of the principals detailed, built once per escalationPaths object (a principal's own when
    // `sole`) for this evaluation: not kept in the analysis (escalationsUnkept). A principal with open and
    // scoped paths is detailed in both lists.
    const built = new Map<object, readonly EscalationMatch[]>();
    const matchesOf = (p: PrincipalBreadth): readonly EscalationMatch[] => {
      const held = p.escalationPaths;
      const key = held.sole ? p : held;
      let matches = built.get(key);
      if (!matches) built.set(key, (matches = escalationsUnkept(p)));
      return matches;
    };
    // The listed paths' detail from the analysis's matches (one per path, in the same order).
    const detail = (entries: Entries, limited: boolean): Listed[] => {
      const out: Listed[] = [];
      for (let i = 0; i < entries.principals.length && i < DETAILED_PRINCIPALS; i++) {
        const p = entries.principals[i]!;
        const shared = entries.shared[i];
        const paths = shared?.detail ?? matchesOf(p).filter((m) => listedMatch(m, params.includeConditional) && Boolean(m.scopedPassRole) === limited).map(listedPath);
        if (shared) shared.detail = paths;
        out.push({ principal: p.key, arn: p.arn, paths });
      }
      return out;
    };
    const offendersListed = detail(offenders, false);
    const scopedListed = detail(scoped, true);
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
    if (offenders.principals.length) {
      const text = offendersListed
        .slice(0, 3)
        .map((o) => `${o.principal}: ${o.paths.slice(0, 3).map((p) => `${p.path} (${p.actions.join(' + ')} via ${p.policies.join(', ')})`).join('; ')}${o.paths.length > 3 ? `; +${o.paths.length - 3} more` : ''}`)
        .join(' | ');
      return {
        status: 'FAIL',
        message: `${plural(offenders.principals.length, 'non-admin principal')} can escalate their privileges — ${text}${offenders.principals.length > 3 ? ' | …' : ''}.`,
        observed,
        threshold: params,
        resources: offenders.principals.map((p) => p.arn),
      };
    }
    if (scoped.principals.length) {
      const text = scopedListed
        .slice(0, 3)
        .map((o) => `${o.principal}: ${o.paths.map((p) => `${p.path} (iam:PassRole only to ${p.scopedPassRole!.join(', ')})`).join('; ')}`)
        .join(' | ');
      return {
        status: 'WARN',
        message:
          `No open escalation path, but ${plural(scoped.principals.length, 'principal')} may pass named roles to compute they create — ${text}${scoped.principals.length > 3 ? ' | …' : ''}. ` +
          'Each path is limited by iam:PassedToService to its service: it escalates only if a named role holds more than the principal; check those roles.' +
          (incomplete.length ? ` ${plural(incomplete.length, 'principal')} ${agree(incomplete.length, 'has', 'have')} attached policies missing from the snapshot.` : ''),
        observed,
        threshold: params,
        resources: scoped.principals.map((p) => p.arn),
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
