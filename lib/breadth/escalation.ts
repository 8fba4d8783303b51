/**
 * Privilege-escalation matching: which of the known paths (lib/breadth/escalation-paths.ts,
 * data with sources) a principal can follow, from the actions the one policy engine says it
 * holds (granted / conditional bitsets) and the granting statements' resources and conditions:
 * - "on every resource" comes from lib/policy's ARN coverage (`typeCoverage`), not from a
 *   literal `Resource: "*"`;
 * - self-service: only a resource that names exactly the principal (`…:user/${aws:username}`,
 *   optionally under a path, or its own ARN) is self; `…/user/${aws:username}*` matches other
 *   users whose names start with the holder's and is not;
 * - PassRole: a grant whose `iam:PassedToService` names none of the path's services cannot
 *   serve the path; when every grant serving it names roles one by one (no wildcard) and limits
 *   the service, the path is reported apart as "scoped" (the named roles decide; WARN).
 */
import type { NormalizedStatement } from '../policy/document';
import { typeCoverage } from '../policy/evaluate';
import { glob, globMatch } from '../policy/glob';
import { policyLabel, type Principal } from '../policy/principals';
import { hasBit, type Bitset } from './bitset';
import type { ActionCatalog } from './catalog';
import { sparseHas, type BreadthCalculator } from './effective';
import { ESCALATION_PATHS, type EscalationPath } from './escalation-paths';

export { ESCALATION_PATHS, type EscalationPath, type EscalationSource } from './escalation-paths';

export interface EscalationGrant {
  action: string;
  /** Granting policies (`name` or `name (via group G)`). */
  policies: string[];
  conditional: boolean;
  onAllResources: boolean;
}

export interface EscalationMatch {
  path: string;
  title: string;
  grants: EscalationGrant[];
  /** True when every step is granted unconditionally. */
  unconditional: boolean;
  /**
   * PassRole paths only: set when every PassRole grant serving the path names its roles one by
   * one and limits `iam:PassedToService` to the path's services — the roles a reviewer must
   * check. Reported apart (WARN), not as an open path.
   */
  scopedPassRole?: string[];
}

/** A path's granted actions and the distinct policies granting them, as reports list them. */
export function escalationGrants(match: EscalationMatch): { actions: string[]; policies: string[] } {
  return { actions: match.grants.map((g) => g.action), policies: [...new Set(match.grants.flatMap((g) => g.policies))] };
}

/**
 * What one statement list grants of action `id`, independent of the principal: whether it
 * covers it, on every resource, and the facts that decide "beyond self" once the
 * principal's ARN is known.
 */
interface ListGrant {
  covers: boolean;
  onAll: boolean;
  /** A covering statement reaches other principals whoever holds it (NotResource, or several non-self resources). */
  beyondSelfAlways: boolean;
  /** Covering statements whose only non-self resource is this ARN: self-service for that principal alone. */
  selfOnlyFor: string[];
  /** Per covering statement: `iam:PassedToService` values (undefined: any service) and the roles it names one by one (null: a wildcard or NotResource). */
  passRole: { passedTo: string[] | undefined; named: string[] | null }[];
}

/**
 * Does the pattern name only the user making the request? `${aws:username}` must be the whole
 * name (after `user/` or a path ending in `/`): user names cannot contain `/`, so the ARN names
 * exactly one user. A fixed regular expression, not built from policy text.
 */
const SELF_USER = /^arn:[^:]*:iam::[^:]*:user\/(?:.*\/)?\$\{aws:username\}$/;
export const namesOnlySelf = (resource: string): boolean => SELF_USER.test(resource);

const hasWildcard = (pattern: string): boolean => pattern.includes('*') || pattern.includes('?');

const listGrants = new WeakMap<BreadthCalculator, WeakMap<readonly NormalizedStatement[], Map<number, ListGrant>>>();

/** The last calculator's memo: one analysis asks thousands of times in a row. */
let lastCalc: BreadthCalculator | undefined;
let lastByList: WeakMap<readonly NormalizedStatement[], Map<number, ListGrant>> | undefined;

function listGrant(statements: readonly NormalizedStatement[], id: number, calc: BreadthCalculator): ListGrant {
  let byList = calc === lastCalc ? lastByList : listGrants.get(calc);
  if (!byList) {
    byList = new WeakMap();
    listGrants.set(calc, byList);
  }
  lastCalc = calc;
  lastByList = byList;
  let byId = byList.get(statements);
  if (!byId) {
    byId = new Map();
    byList.set(statements, byId);
  }
  let g = byId.get(id);
  if (!g) {
    g = { covers: false, onAll: false, beyondSelfAlways: false, selfOnlyFor: [], passRole: [] };
    const types = calc.catalog.resourceTypesOf(id);
    for (const s of statements) {
      if (s.effect !== 'Allow' || !sparseHas(calc.statementActions(s), id)) continue;
      g.covers = true;
      if (typeCoverage(s, types).includes(1)) g.onAll = true;
      g.passRole.push({ passedTo: s.passedToService, named: s.resources && !s.resources.some(hasWildcard) ? s.resources : null });
      if (!s.resources) {
        g.beyondSelfAlways = true;
        continue;
      }
      const named = new Set(s.resources.filter((r) => !namesOnlySelf(r)));
      if (named.size > 1) g.beyondSelfAlways = true;
      else if (named.size === 1) g.selfOnlyFor.push([...named][0]!);
      // named.size === 0: exactly `user/${aws:username}`, self-service for everyone.
    }
    byId.set(id, g);
  }
  return g;
}

interface GrantDetails {
  policies: string[];
  beyondSelf: boolean;
  onAll: boolean;
  passRole: ListGrant['passRole'];
}

/**
 * Set when a grant's "beyond self" answer was read from the principal's ARN (a statement
 * naming one other principal): the matches then hold for that principal only.
 */
export interface ArnUse {
  arnSensitive: boolean;
}

/** The policies whose Allow statements cover action `id`, and whether any does so beyond the principal itself. */
function grantDetails(principal: Principal, id: number, calc: BreadthCalculator, arnUse?: ArnUse): GrantDetails {
  const policies: string[] = [];
  let beyondSelf = false;
  let onAll = false;
  const passRole: ListGrant['passRole'] = [];
  for (const pol of principal.policies) {
    const g = listGrant(pol.statements, id, calc);
    if (!g.covers) continue;
    if (g.selfOnlyFor.length && arnUse) arnUse.arnSensitive = true;
    if (!beyondSelf && (g.beyondSelfAlways || g.selfOnlyFor.some((arn) => arn !== principal.arn))) beyondSelf = true;
    if (g.onAll) onAll = true;
    passRole.push(...g.passRole);
    policies.push(policyLabel(pol));
  }
  return { policies, beyondSelf, onAll, passRole };
}

/**
 * How the principal's PassRole grants serve a path that passes a role to `services`:
 * `closed` when every grant limits `iam:PassedToService` to other services, `scoped` (with the
 * roles) when every serving grant names its roles and limits the service, else `open`.
 */
function passRoleFor(details: GrantDetails, services: readonly string[]): { kind: 'open' } | { kind: 'closed' } | { kind: 'scoped'; roles: string[] } {
  const serving = details.passRole.filter((g) => g.passedTo === undefined || g.passedTo.some((v) => services.some((svc) => globMatch(glob(v), svc))));
  if (!serving.length) return { kind: 'closed' };
  if (serving.every((g) => g.passedTo !== undefined && g.named !== null)) return { kind: 'scoped', roles: [...new Set(serving.flatMap((g) => g.named!))] };
  return { kind: 'open' };
}

/** Catalog ids of every action the paths use, resolved once (unknown names fail loudly). */
export function escalationActionIds(catalog: ActionCatalog): Map<string, number> {
  const ids = new Map<string, number>();
  for (const path of ESCALATION_PATHS) {
    for (const step of path.steps) {
      for (const action of step) {
        const id = catalog.idOf(action);
        if (id === undefined) throw new Error(`escalation path ${path.id}: ${action} is not in the action catalog ${catalog.version}`);
        ids.set(action, id);
      }
    }
  }
  return ids;
}

/** Escalation actions a principal holds: action name → granted unconditionally (else conditionally). */
export type HeldActions = ReadonlyMap<string, boolean>;

/**
 * The escalation actions in the granted or conditional sets, or `null` when none (most
 * principals): this depends only on the effective permissions, so principals with the same
 * policies share it.
 */
export function heldEscalationActions(granted: Bitset, conditional: Bitset, ids: Map<string, number>): HeldActions | null {
  const { names, idList } = idArrays(ids);
  let held: Map<string, boolean> | null = null;
  // Plain arrays, not the Map's iterator: no entry array per action and per policy set.
  for (let i = 0; i < idList.length; i++) {
    const id = idList[i]!;
    const g = hasBit(granted, id);
    if (g || hasBit(conditional, id)) (held ??= new Map()).set(names[i]!, g);
  }
  return held;
}

const idArraysMemo = new WeakMap<Map<string, number>, { names: string[]; idList: Int32Array }>();

/** The id map as two parallel arrays, in the map's order (computed once per map). */
function idArrays(ids: Map<string, number>): { names: string[]; idList: Int32Array } {
  let a = idArraysMemo.get(ids);
  if (!a) {
    a = { names: [...ids.keys()], idList: Int32Array.from(ids.values()) };
    idArraysMemo.set(ids, a);
  }
  return a;
}

/**
 * Escalation paths open to a principal that holds `held` (from heldEscalationActions). The
 * granting policies and the self-service exception depend on the principal itself (its
 * policy names, groups and ARN), so this part is per principal.
 */
export function findHeldEscalations(principal: Principal, held: HeldActions, ids: Map<string, number>, calc: BreadthCalculator, arnUse?: ArnUse): EscalationMatch[] {
  const matches: EscalationMatch[] = [];
  // iam:PassRole alone is in many paths: look its granting statements up once.
  const detailsCache = new Map<number, GrantDetails>();
  const detailsOf = (id: number) => {
    let d = detailsCache.get(id);
    if (!d) {
      d = grantDetails(principal, id, calc, arnUse);
      detailsCache.set(id, d);
    }
    return d;
  };
  for (const path of ESCALATION_PATHS) {
    if (!path.steps.every((step) => step.some((a) => held.has(a)))) continue;
    const match = matchPath(path, held, ids, detailsOf);
    if (match) matches.push(match);
  }
  return matches;
}

function matchPath(path: EscalationPath, held: HeldActions, ids: Map<string, number>, detailsOf: (id: number) => GrantDetails): EscalationMatch | null {
  const grants: EscalationGrant[] = [];
  let scopedPassRole: string[] | undefined;
  for (const step of path.steps) {
    let stepHeld = false;
    for (const action of step) {
      if (!held.has(action)) continue;
      const details = detailsOf(ids.get(action)!);
      if (path.otherUsersOnly && !details.beyondSelf) continue;
      if (action === 'iam:PassRole' && path.passRoleTo) {
        const use = passRoleFor(details, path.passRoleTo);
        if (use.kind === 'closed') continue;
        if (use.kind === 'scoped') scopedPassRole = use.roles;
      }
      grants.push({ action, policies: details.policies, conditional: !held.get(action), onAllResources: details.onAll });
      stepHeld = true;
    }
    if (!stepHeld) return null;
  }
  const unconditional = path.steps.every((step) => grants.some((g) => step.includes(g.action) && !g.conditional));
  return { path: path.id, title: path.title, grants, unconditional, ...(scopedPassRole ? { scopedPassRole } : {}) };
}
