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
import { hasBit, wordsFor, type Bitset } from './bitset';
import type { ActionCatalog } from './catalog';
import { sparseWord, type BreadthCalculator } from './effective';
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
  const actions: string[] = [];
  const policies: string[] = [];
  // A path has a few grants of a few policies each: a linear scan beats a Set.
  for (const g of match.grants) {
    actions.push(g.action);
    for (const name of g.policies) if (!policies.includes(name)) policies.push(name);
  }
  return { actions, policies };
}

/**
 * Does the pattern name only the user making the request? `${aws:username}` must be the whole
 * name (after `user/` or a path ending in `/`): user names cannot contain `/`, so the ARN names
 * exactly one user. A fixed regular expression, not built from policy text.
 */
const SELF_USER = /^arn:[^:]*:iam::[^:]*:user\/(?:.*\/)?\$\{aws:username\}$/;
export const namesOnlySelf = (resource: string): boolean => SELF_USER.test(resource);

const hasWildcard = (pattern: string): boolean => pattern.includes('*') || pattern.includes('?');

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

/**
 * The paths' actions numbered 0…E−1 (in escalationActionIds order) and each path's steps as
 * those numbers: the matcher works on small typed arrays, never on action-name maps.
 */
export interface EscalationIndex {
  names: readonly string[];
  ids: Int32Array;
  /** The number of `iam:PassRole` (-1 if no path uses it). */
  passRole: number;
  paths: readonly { path: EscalationPath; steps: readonly Int32Array[] }[];
  /** Distinct catalog words holding path actions, and per word the action numbers in it. */
  words: Int32Array;
  byWord: readonly Int32Array[];
  /** Per catalog word: its position in `words`, or -1 (no path action in it). */
  wordSlot: Int32Array;
}

const indexMemo = new WeakMap<ActionCatalog, EscalationIndex>();

export function escalationIndex(catalog: ActionCatalog): EscalationIndex {
  let index = indexMemo.get(catalog);
  if (index) return index;
  const ids = escalationActionIds(catalog);
  const names = [...ids.keys()];
  const number = new Map(names.map((n, e) => [n, e]));
  const byWordMap = new Map<number, number[]>();
  names.forEach((n, e) => {
    const w = ids.get(n)! >>> 5;
    const list = byWordMap.get(w) ?? [];
    list.push(e);
    byWordMap.set(w, list);
  });
  const words = Int32Array.from([...byWordMap.keys()].sort((a, b) => a - b));
  index = {
    names,
    ids: Int32Array.from(ids.values()),
    passRole: number.get('iam:PassRole') ?? -1,
    paths: ESCALATION_PATHS.map((path) => ({ path, steps: path.steps.map((step) => Int32Array.from(step, (a) => number.get(a)!)) })),
    words,
    byWord: [...words].map((w) => Int32Array.from(byWordMap.get(w)!)),
    wordSlot: new Int32Array(wordsFor(catalog.size)).fill(-1),
  };
  words.forEach((w, k) => (index!.wordSlot[w] = k));
  indexMemo.set(catalog, index);
  return index;
}

/** Per path action: 0 not held, else held conditionally or unconditionally. */
export type HeldActions = Uint8Array;
const HELD_CONDITIONAL = 1;
const HELD_GRANTED = 2;

/**
 * Small per-action byte arrays (held actions, a list's flags) cut from shared chunks: a typed
 * array this size would otherwise get a buffer of its own outside the heap (one allocation and
 * one buffer for the collector to track each, for thousands of policy sets and lists).
 */
const CHUNK_BYTES = 1 << 16;
let chunk = new ArrayBuffer(CHUNK_BYTES);
let chunkTop = 0;

function bytesFromChunk(length: number): Uint8Array {
  if (chunkTop + length > CHUNK_BYTES) {
    chunk = new ArrayBuffer(Math.max(CHUNK_BYTES, length));
    chunkTop = 0;
  }
  const bytes = new Uint8Array(chunk, chunkTop, length);
  chunkTop += length;
  return bytes;
}

let heldScratch = new Uint8Array(0);

/**
 * The path actions in the granted or conditional sets, or `null` when none (most principals):
 * this depends only on the effective permissions, so principals with the same policies share it.
 */
export function heldEscalationActions(granted: Bitset, conditional: Bitset, index: EscalationIndex): HeldActions | null {
  const { ids } = index;
  if (heldScratch.length !== ids.length) heldScratch = new Uint8Array(ids.length);
  let any = false;
  for (let e = 0; e < ids.length; e++) {
    const id = ids[e]!;
    const kind = hasBit(granted, id) ? HELD_GRANTED : hasBit(conditional, id) ? HELD_CONDITIONAL : 0;
    heldScratch[e] = kind;
    if (kind !== 0) any = true;
  }
  if (!any) return null;
  const held = bytesFromChunk(ids.length);
  held.set(heldScratch);
  return held;
}

/** Per covering Allow statement: `iam:PassedToService` values (undefined: any service) and the roles it names one by one (null: a wildcard or NotResource). */
interface PassRoleFact {
  passedTo: string[] | undefined;
  named: string[] | null;
  /** Per path (index order): 0 not yet asked, 1 `passedTo` names none of its services, 2 it names one. */
  serves?: Uint8Array;
}

const COVERS = 1;
const ON_ALL = 2;
/** A covering statement reaches other principals whoever holds it (NotResource, or several non-self resources). */
const BEYOND_SELF_ALWAYS = 4;

/**
 * What one statement list grants of each path action, independent of the principal: computed
 * once per list (statement lists are shared by every principal they apply to).
 */
interface ListEscalation {
  /** Per path action: COVERS | ON_ALL | BEYOND_SELF_ALWAYS. */
  flags: Uint8Array;
  /** Per path action: covering statements whose only non-self resource is this ARN (self-service for that principal alone); null when none at all. */
  selfOnlyFor: Map<number, string[]> | null;
  /** The statements covering `iam:PassRole`. */
  passRole: PassRoleFact[];
}

/** A list that grants no path action: shared (never mutated). */
const NO_PATH_ACTION: ListEscalation = { flags: new Uint8Array(0), selfOnlyFor: null, passRole: [] };

interface StatementFacts {
  /** The resource clause as a key (`R` or `N`, then the patterns): statements with equal clauses reach the same resources. */
  clause: string;
  /** The clause's "on every resource" answers per path action (see reachesAll), looked up once per statement. */
  reach?: Uint8Array;
  beyondSelfAlways: boolean;
  /** The one non-self resource the statement names, if exactly one. */
  selfOnlyFor: string | undefined;
  passRole: PassRoleFact;
}

function statementFacts(s: NormalizedStatement): StatementFacts {
  const passRole = { passedTo: s.passedToService, named: s.resources && !s.resources.some(hasWildcard) ? s.resources : null };
  const clause = s.resources ? `R${s.resources.length}:${s.resources.join('\u0000')}` : s.notResources ? `N${s.notResources.length}:${s.notResources.join('\u0000')}` : '-';
  if (!s.resources) return { clause, beyondSelfAlways: true, selfOnlyFor: undefined, passRole };
  let first: string | undefined;
  let several = false;
  for (const r of s.resources) {
    if (namesOnlySelf(r) || r === first) continue;
    if (first === undefined) first = r;
    else several = true;
  }
  // Neither: exactly `user/${aws:username}`, self-service for everyone.
  return { clause, beyondSelfAlways: several, selfOnlyFor: several ? undefined : first, passRole };
}

/** Per calculator: per resource clause, per path action, 0 not yet asked, 1 not on every resource, 2 on every resource. */
const reachMemos = new WeakMap<BreadthCalculator, Map<string, Uint8Array>>();

/**
 * Does the statement reach every resource of path action `e` (catalog id `id`)? lib/policy's
 * ARN coverage, asked once per distinct resource clause and action (statements of many
 * policies repeat the same clause).
 */
function reachesAll(s: NormalizedStatement, facts: StatementFacts, e: number, id: number, index: EscalationIndex, calc: BreadthCalculator): boolean {
  let byAction = facts.reach;
  if (!byAction) {
    let memo = reachMemos.get(calc);
    if (!memo) {
      memo = new Map();
      reachMemos.set(calc, memo);
    }
    byAction = memo.get(facts.clause);
    if (!byAction) {
      byAction = bytesFromChunk(index.ids.length);
      memo.set(facts.clause, byAction);
    }
    facts.reach = byAction;
  }
  if (byAction[e] === 0) byAction[e] = typeCoverage(s, calc.catalog.resourceTypesOf(id)).includes(1) ? 2 : 1;
  return byAction[e] === 2;
}

const listMemos = new WeakMap<BreadthCalculator, WeakMap<readonly NormalizedStatement[], ListEscalation>>();
/** The last calculator's memo: one analysis asks thousands of times in a row. */
let lastCalc: BreadthCalculator | undefined;
let lastMemo: WeakMap<readonly NormalizedStatement[], ListEscalation> | undefined;

function listEscalation(statements: readonly NormalizedStatement[], index: EscalationIndex, calc: BreadthCalculator): ListEscalation {
  let memo = calc === lastCalc ? lastMemo : listMemos.get(calc);
  if (!memo) {
    memo = new WeakMap();
    listMemos.set(calc, memo);
  }
  lastCalc = calc;
  lastMemo = memo;
  let out = memo.get(statements);
  if (out) return out;
  // Most lists grant no path action at all (their Allow masks miss every path word): one shared answer.
  if (!calc.listAllowTouches(statements, index.wordSlot)) {
    memo.set(statements, NO_PATH_ACTION);
    return NO_PATH_ACTION;
  }
  const flags = bytesFromChunk(index.ids.length);
  let selfOnlyFor: Map<number, string[]> | null = null;
  const passRole: PassRoleFact[] = [];
  const { words, byWord, ids } = index;
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    const actions = calc.statementActions(s);
    let facts: StatementFacts | undefined;
    // Few words in the statement (an explicit list): visit them; many (NotAction): look the path words up.
    const few = actions.words.length < words.length;
    const visits = few ? actions.words.length : words.length;
    for (let v = 0; v < visits; v++) {
      const k = few ? index.wordSlot[actions.words[v]!]! : v;
      if (k < 0) continue;
      const bits = few ? actions.values[v]! : sparseWord(actions, words[k]!);
      if (bits === 0) continue;
      const inWord = byWord[k]!;
      for (let j = 0; j < inWord.length; j++) {
        const e = inWord[j]!;
        const id = ids[e]!;
        if ((bits & (1 << (id & 31))) === 0) continue;
        facts ??= statementFacts(s);
        let f = flags[e]! | COVERS;
        if (reachesAll(s, facts, e, id, index, calc)) f |= ON_ALL;
        if (facts.beyondSelfAlways) f |= BEYOND_SELF_ALWAYS;
        else if (facts.selfOnlyFor !== undefined) {
          selfOnlyFor ??= new Map();
          const arns = selfOnlyFor.get(e);
          if (arns) arns.push(facts.selfOnlyFor);
          else selfOnlyFor.set(e, [facts.selfOnlyFor]);
        }
        flags[e] = f;
        if (e === index.passRole) passRole.push(facts.passRole);
      }
    }
  }
  out = { flags, selfOnlyFor, passRole };
  memo.set(statements, out);
  return out;
}

interface GrantDetails {
  /** Granting policies (`name` or `name (via group G)`); empty when only the paths are asked (heldPaths). */
  policies: string[];
  beyondSelf: boolean;
  onAll: boolean;
  passRole: PassRoleFact[];
  /** The grant as matches list it: the same object in every path of this principal that uses the action. */
  grant?: EscalationGrant;
}

/** Does the PassRole grant serve path `k`, which passes a role to `services`? (memoised on the fact) */
function serves(fact: PassRoleFact, k: number, services: readonly string[], paths: number): boolean {
  if (fact.passedTo === undefined) return true;
  const memo = (fact.serves ??= new Uint8Array(paths));
  if (memo[k] === 0) memo[k] = fact.passedTo.some((v) => services.some((svc) => globMatch(glob(v), svc))) ? 2 : 1;
  return memo[k] === 2;
}

const PASS_CLOSED = 0;
const PASS_OPEN = 1;
const PASS_SCOPED = 2;

/**
 * How the principal's PassRole grants serve path `k`, which passes a role to `services`:
 * closed when every grant limits `iam:PassedToService` to other services, scoped when every
 * serving grant names its roles and limits the service, else open.
 */
function passRoleKind(details: GrantDetails, k: number, services: readonly string[], paths: number): number {
  let serving = false;
  let scoped = true;
  for (const g of details.passRole) {
    if (!serves(g, k, services, paths)) continue;
    serving = true;
    if (g.passedTo === undefined || g.named === null) scoped = false;
  }
  return !serving ? PASS_CLOSED : scoped ? PASS_SCOPED : PASS_OPEN;
}

/** The roles a scoped PassRole use names (each once, in grant order). */
function scopedRoles(details: GrantDetails, k: number, services: readonly string[], paths: number): string[] {
  const roles: string[] = [];
  for (const g of details.passRole) if (serves(g, k, services, paths)) for (const r of g.named!) if (!roles.includes(r)) roles.push(r);
  return roles;
}

/**
 * One path open to a policy set, without the granting policies' names (they depend on each
 * principal's naming of its policies): cheap to find for every principal; the listed matches
 * (`materializeEscalations`) are built only for the principals a report details. One object
 * per (path, unconditional, scoped): shared by every set.
 */
export interface HeldPath {
  /** Position in ESCALATION_PATHS (and in the index's `paths`). */
  readonly index: number;
  readonly id: string;
  /** Every step granted unconditionally. */
  readonly unconditional: boolean;
  /** PassRole limited to named roles and to the path's services (the roles are in the match). */
  readonly scoped: boolean;
}

export interface HeldPaths {
  /** In ESCALATION_PATHS order. */
  readonly paths: readonly HeldPath[];
  /**
   * A grant's "beyond self" answer was read from the ARN given (a statement naming one other
   * principal, or one resource): the matches are then built for that principal alone.
   */
  readonly arnSensitive: boolean;
  /**
   * The resources those answers compared the ARN with. For an ARN that is none of them (nor is
   * the one given), every answer, and so every path, is the same as for the ARN given.
   */
  readonly comparedArns: readonly string[];
}

const heldPathTables = new WeakMap<EscalationIndex, HeldPath[]>();

function heldPathOf(index: EscalationIndex, k: number, unconditional: boolean, scoped: boolean): HeldPath {
  let table = heldPathTables.get(index);
  if (!table) {
    table = [];
    heldPathTables.set(index, table);
  }
  const slot = k * 4 + (unconditional ? 2 : 0) + (scoped ? 1 : 0);
  return (table[slot] ??= Object.freeze({ index: k, id: index.paths[k]!.path.id, unconditional, scoped }));
}

/** Roles of the last scoped PassRole use seen by walkPath with `roles` asked (undefined: none). */
let walkScoped: string[] | undefined;
/** Whether walkPath saw a scoped PassRole use. */
let walkWasScoped = false;
/** Whether every step of the last path walked has a serving action held unconditionally. */
let walkUnconditional = false;

/**
 * Walk path `k`, whose every step has a held action: `grants` (when given) receives, step by
 * step, the actions that serve it (self-service and PassRole conditions applied); false when a
 * step has none. Sets walkUnconditional and walkWasScoped, and walkScoped when `roles` is asked.
 * (An action in several steps serves each of them alike: whether it serves depends on the path,
 * not the step.)
 */
function walkPath(k: number, held: HeldActions, index: EscalationIndex, detailsOf: (e: number) => GrantDetails, grants: number[] | null, roles: boolean): boolean {
  const { path, steps } = index.paths[k]!;
  walkScoped = undefined;
  walkWasScoped = false;
  walkUnconditional = true;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s]!;
    let stepHeld = false;
    let stepGranted = false;
    for (let j = 0; j < step.length; j++) {
      const e = step[j]!;
      if (held[e] === 0) continue;
      const details = detailsOf(e);
      if (path.otherUsersOnly && !details.beyondSelf) continue;
      if (e === index.passRole && path.passRoleTo) {
        const kind = passRoleKind(details, k, path.passRoleTo, index.paths.length);
        if (kind === PASS_CLOSED) continue;
        if (kind === PASS_SCOPED) {
          walkWasScoped = true;
          if (roles) walkScoped = scopedRoles(details, k, path.passRoleTo, index.paths.length);
        }
      }
      grants?.push(e);
      stepHeld = true;
      if (held[e] === HELD_GRANTED) stepGranted = true;
    }
    if (!stepHeld) return false;
    if (!stepGranted) walkUnconditional = false;
  }
  return true;
}

function everyStepHeld(steps: readonly Int32Array[], held: HeldActions): boolean {
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    let any = false;
    for (let j = 0; j < step.length && !any; j++) any = held[step[j]!] !== 0;
    if (!any) return false;
  }
  return true;
}

const NO_LABELS: string[] = [];

// heldPaths' state (it is not re-entered): the lists' facts (the first setFactCount entries; the
// rest are stale), the ARN asked, and one reusable GrantDetails per path action, valid for the
// current call when its stamp is the call's round.
const setFacts: ListEscalation[] = [];
let setFactCount = 0;
let setArn = '';
let setPassRole = -1;
let setRound = 0;
let setArnSensitive = false;
const NO_COMPARED: string[] = [];
let setCompared: string[] = NO_COMPARED;
let setDetails: GrantDetails[] = [];
let setStamps = new Int32Array(0);

/** heldPaths' detailsOf: the grant facts of action `e` over the set's lists, without policy names. */
function setDetailsOf(e: number): GrantDetails {
  const d = setDetails[e]!;
  if (setStamps[e] === setRound) return d;
  setStamps[e] = setRound;
  let beyondSelf = false;
  let onAll = false;
  let passRoles = 0;
  for (let i = 0; i < setFactCount; i++) {
    const g = setFacts[i]!;
    const f = g.flags[e]!;
    if (!(f & COVERS)) continue;
    if (f & BEYOND_SELF_ALWAYS) beyondSelf = true;
    const selfOnly = g.selfOnlyFor?.get(e);
    if (selfOnly) {
      setArnSensitive = true;
      if (setCompared === NO_COMPARED) setCompared = [];
      for (const other of selfOnly) {
        if (!setCompared.includes(other)) setCompared.push(other);
        if (other !== setArn) beyondSelf = true;
      }
    }
    if (f & ON_ALL) onAll = true;
    if (e === setPassRole) for (const fact of g.passRole) d.passRole[passRoles++] = fact;
  }
  d.beyondSelf = beyondSelf;
  d.onAll = onAll;
  // Overwritten in place: only PassRole's list is ever non-empty.
  if (d.passRole.length !== passRoles) d.passRole.length = passRoles;
  return d;
}

const NO_HELD_PATHS: readonly HeldPath[] = Object.freeze([]);
const NOTHING_HELD: HeldPaths = Object.freeze({ paths: NO_HELD_PATHS, arnSensitive: false, comparedArns: Object.freeze([]) });

/**
 * The paths open to a holder of `held` (from heldEscalationActions) whose policies are these
 * statement lists (any order, duplicates ignored) and whose ARN is `arn`. Which paths are open,
 * and whether unconditionally or through a scoped PassRole, depends only on these: principals of
 * one policy set share the answer unless it is `arnSensitive`.
 */
export function heldPaths(lists: readonly (readonly NormalizedStatement[])[], arn: string, held: HeldActions, index: EscalationIndex, calc: BreadthCalculator): HeldPaths {
  setFactCount = 0;
  // Lists granting no path action add nothing to any action's facts.
  for (const list of lists) {
    const facts = listEscalation(list, index, calc);
    if (facts !== NO_PATH_ACTION) setFacts[setFactCount++] = facts;
  }
  const size = index.ids.length;
  if (setStamps.length !== size) {
    setStamps = new Int32Array(size);
    setDetails = Array.from({ length: size }, () => ({ policies: NO_LABELS, beyondSelf: false, onAll: false, passRole: [] }));
  }
  setRound += 1;
  setArn = arn;
  setPassRole = index.passRole;
  setArnSensitive = false;
  setCompared = NO_COMPARED;
  let paths: HeldPath[] | undefined;
  for (let k = 0; k < index.paths.length; k++) {
    const { steps } = index.paths[k]!;
    if (!everyStepHeld(steps, held)) continue;
    if (!walkPath(k, held, index, setDetailsOf, null, false)) continue;
    (paths ??= []).push(heldPathOf(index, k, walkUnconditional, walkWasScoped));
  }
  // Most sets hold path actions but open no path: one shared answer.
  if (!paths && !setArnSensitive) return NOTHING_HELD;
  return { paths: paths ?? NO_HELD_PATHS, arnSensitive: setArnSensitive, comparedArns: setCompared };
}

/**
 * The matches of `paths` (from heldPaths for this principal's policy set, or its ARN when
 * `arnSensitive`) as reports list them: each grant with the principal's policies that grant it
 * (`name` or `name (via group G)`, in the principal's order) and PassRole's named roles.
 */
export function materializeEscalations(principal: Principal, paths: readonly HeldPath[], held: HeldActions, index: EscalationIndex, calc: BreadthCalculator): EscalationMatch[] {
  const policies = principal.policies;
  const lists = policies.map((pol) => listEscalation(pol.statements, index, calc));
  // iam:PassRole alone is in many paths: each action's grants are looked up once.
  const detailsCache: (GrantDetails | undefined)[] = [];
  const detailsOf = (e: number): GrantDetails => {
    let d = detailsCache[e];
    if (d) return d;
    d = { policies: [], beyondSelf: false, onAll: false, passRole: [] };
    for (let i = 0; i < policies.length; i++) {
      const g = lists[i]!;
      const f = g.flags[e] ?? 0;
      if (!(f & COVERS)) continue;
      if (!d.beyondSelf && (f & BEYOND_SELF_ALWAYS || g.selfOnlyFor?.get(e)?.some((arn) => arn !== principal.arn))) d.beyondSelf = true;
      if (f & ON_ALL) d.onAll = true;
      if (e === index.passRole) for (const fact of g.passRole) d.passRole.push(fact);
      d.policies.push(policyLabel(policies[i]!));
    }
    detailsCache[e] = d;
    return d;
  };
  const matches: EscalationMatch[] = [];
  const steps: number[] = [];
  for (const open of paths) {
    const { path } = index.paths[open.index]!;
    steps.length = 0;
    walkPath(open.index, held, index, detailsOf, steps, true);
    const grants: EscalationGrant[] = [];
    for (const e of steps) {
      const details = detailsOf(e);
      grants.push((details.grant ??= { action: index.names[e]!, policies: details.policies, conditional: held[e] !== HELD_GRANTED, onAllResources: details.onAll }));
    }
    const match: EscalationMatch = { path: path.id, title: path.title, grants, unconditional: open.unconditional };
    if (walkScoped) match.scopedPassRole = walkScoped;
    matches.push(match);
  }
  return matches;
}
