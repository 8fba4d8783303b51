/**
 * IAM policy document helpers shared by the access rules and the breadth analysis.
 * IAM semantics implemented here (static, identity-based policies only):
 * - `Action`/`NotAction`/`Resource`/`NotResource` may be a string or a list;
 * - action names are case-insensitive, wildcards `*` and `?` match within the name;
 * - an explicit `Deny` wins over any `Allow`;
 * - a statement with a `Condition` is conditional: it may or may not apply at run time.
 */
import type { PolicyDocument, PolicyStatement } from '../snapshot';
import { glob, globMatch, type Glob } from './glob';

export interface NormalizedStatement {
  effect: 'Allow' | 'Deny';
  /** Lower-cased action patterns, when the statement uses `Action`. */
  actions?: string[];
  /** Lower-cased action patterns, when the statement uses `NotAction`. */
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  conditional: boolean;
  /**
   * Lower-cased values of an `iam:PassedToService` condition (`StringEquals` / `StringLike`,
   * optionally `ForAnyValue:`), when the statement has one: the services a role may be passed
   * to. Read by the escalation matcher (a PassRole to Lambda only cannot serve an EC2 path).
   */
  passedToService?: string[];
}

const asList = (v: string | string[] | undefined): string[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

/**
 * The resource list of every statement whose `Resource` is the text `*` (a quarter of them):
 * one array instead of one per statement, each of which lived as long as its statement. Never
 * mutate a normalised statement's arrays.
 */
const ALL_RESOURCES: string[] = ['*'];

/**
 * Lower-cased action texts by their original text, shared by the statements normalised with it
 * (one per principal resolution): an account names a few hundred distinct actions in tens of
 * thousands of statements, and each `toLowerCase` of a mixed-case name is a new string that
 * lives as long as the resolution. Each is kept as a one-element list: statements naming one
 * action (a fifth to a quarter of them) share that list as their `actions` instead of one each.
 */
export type LoweredActions = Map<string, string[]>;

export function normalizeStatement(s: PolicyStatement, lowered?: LoweredActions): NormalizedStatement {
  // One object literal with every key (absent clauses are `undefined`), not conditional
  // spreads: no intermediate objects, and every statement shares one hidden class, so the
  // hot loops that read them stay monomorphic. `undefined` keys read, compare and
  // serialise (JSON) exactly as absent ones.
  return {
    // No `Sid`: nothing reads it, and each field is kept by tens of thousands of statements.
    effect: s.Effect,
    actions: s.Action === undefined ? undefined : lowerList(s.Action, lowered),
    notActions: s.NotAction === undefined ? undefined : lowerList(s.NotAction, lowered),
    resources: s.Resource === '*' ? ALL_RESOURCES : asList(s.Resource),
    notResources: asList(s.NotResource),
    conditional: s.Condition !== undefined && hasOwnKey(s.Condition),
    passedToService: s.Condition === undefined ? undefined : passedToServiceOf(s.Condition),
  };
}

/** `Object.keys(o).length > 0` without the array. */
function hasOwnKey(o: object): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return true;
  return false;
}

const PASSED_TO_SERVICE_OPERATORS = new Set(['stringequals', 'stringlike', 'forallvalues:stringequals', 'forallvalues:stringlike', 'foranyvalue:stringequals', 'foranyvalue:stringlike']);

/** The `iam:PassedToService` values a condition block limits a statement to, or undefined when it does not. */
function passedToServiceOf(condition: Record<string, unknown>): string[] | undefined {
  let values: string[] | undefined;
  for (const [operator, block] of Object.entries(condition)) {
    if (!PASSED_TO_SERVICE_OPERATORS.has(operator.toLowerCase()) || typeof block !== 'object' || block === null) continue;
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      if (key.toLowerCase() !== 'iam:passedtoservice') continue;
      const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase());
      // Two operators on one key must both hold; keeping the union errs towards "may pass" (never hides a path).
      values = values === undefined ? list : [...values, ...list];
    }
  }
  return values;
}

function lowerList(v: string | string[], lowered: LoweredActions | undefined): string[] {
  if (lowered === undefined) {
    if (!Array.isArray(v)) return [v.toLowerCase()];
    const out = new Array<string>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v[i]!.toLowerCase();
    return out;
  }
  if (!Array.isArray(v)) return loweredOne(v, lowered);
  if (v.length === 1) return loweredOne(v[0]!, lowered);
  const out = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = loweredOne(v[i]!, lowered)[0]!;
  return out;
}

/** The shared one-element list of the lower-cased text (see `LoweredActions`). */
function loweredOne(text: string, lowered: LoweredActions): string[] {
  let one = lowered.get(text);
  if (one === undefined) {
    one = [text.toLowerCase()];
    lowered.set(text, one);
  }
  return one;
}

/** The document's statements, normalised (`lowered`: see `LoweredActions`). */
export function statementsOf(doc: PolicyDocument, lowered?: LoweredActions): NormalizedStatement[] {
  if (!Array.isArray(doc.Statement)) return [normalizeStatement(doc.Statement, lowered)];
  const list = doc.Statement;
  const out = new Array<NormalizedStatement>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = normalizeStatement(list[i]!, lowered);
  return out;
}

/** Lower-cased pattern text → compiled glob (policies repeat the same few thousand patterns). */
const lowerCache = new Map<string, Glob>();

/**
 * Case-insensitive IAM wildcard match (`*` any run, `?` one character), linear in the value
 * (lib/policy/glob.ts: no regular expression is built from policy text).
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  return matchLower(pattern, value.toLowerCase());
}

/** `wildcardMatch` for a value already lower-cased (callers matching one value against many patterns lower it once). */
function matchLower(pattern: string, lowerValue: string): boolean {
  let g = lowerCache.get(pattern);
  if (!g) {
    g = glob(pattern.toLowerCase());
    if (lowerCache.size > 50_000) lowerCache.clear();
    lowerCache.set(pattern, g);
  }
  if (g.any) return true;
  return globMatch(g, lowerValue);
}

function someMatch(patterns: readonly string[], lowerValue: string): boolean {
  for (let i = 0; i < patterns.length; i++) if (matchLower(patterns[i]!, lowerValue)) return true;
  return false;
}

/** Does the statement's action clause cover `action` (`service:Name`)? */
export function statementCoversAction(s: NormalizedStatement, action: string): boolean {
  return statementCoversLowerAction(s, action.toLowerCase());
}

/** `statementCoversAction` for an action already lower-cased (loops over many statements lower it once). */
export function statementCoversLowerAction(s: NormalizedStatement, lowerAction: string): boolean {
  if (s.actions) return someMatch(s.actions, lowerAction);
  if (s.notActions) return !someMatch(s.notActions, lowerAction);
  return false;
}

/** Longest action list `statementActionMask` answers for (bits of a 32-bit integer, sign bit unused). */
export const MAX_MASK_ACTIONS = 30;

/** Per action-list key: pattern text → bit mask of the list's actions the pattern matches. */
const patternMasks = new Map<string, Map<string, number>>();

/**
 * Bit `i` set when the statement's action clause covers `lowerActions[i]` (at most
 * `MAX_MASK_ACTIONS` actions, lower-cased, named by `listKey`: equal keys, equal actions).
 * Each pattern text is matched against the list once and then looked up: rules probing a
 * dozen actions on every statement of an account match a few thousand distinct patterns,
 * not every pattern of every statement against every action.
 */
export function statementActionMask(s: NormalizedStatement, lowerActions: readonly string[], listKey: string): number {
  const patterns = s.actions ?? s.notActions;
  if (!patterns) return 0;
  let byPattern = patternMasks.get(listKey);
  if (!byPattern) {
    if (patternMasks.size > 1_000) patternMasks.clear();
    byPattern = new Map();
    patternMasks.set(listKey, byPattern);
  }
  let mask = 0;
  for (let p = 0; p < patterns.length; p++) {
    const pattern = patterns[p]!;
    let m = byPattern.get(pattern);
    if (m === undefined) {
      m = 0;
      for (let i = 0; i < lowerActions.length; i++) if (matchLower(pattern, lowerActions[i]!)) m |= 1 << i;
      byPattern.set(pattern, m);
    }
    mask |= m;
  }
  // NotAction: every action of the list that no listed pattern matches.
  return s.actions ? mask : ~mask & ((1 << lowerActions.length) - 1);
}

/**
 * Does the statement's resource clause cover every resource (`*`)? `NotResource` is
 * treated as covering everything except what it lists, i.e. effectively unscoped.
 */
export function statementCoversAllResources(s: NormalizedStatement): boolean {
  if (s.resources) {
    for (let i = 0; i < s.resources.length; i++) if (s.resources[i] === '*') return true;
    return false;
  }
  if (s.notResources) return true;
  return false;
}

/** Does the statement's resource clause cover `resource` (an ARN, or `*`)? */
export function statementCoversResource(s: NormalizedStatement, resource: string): boolean {
  return statementCoversLowerResource(s, resource === '*' ? resource : resource.toLowerCase());
}

/** `statementCoversResource` for a resource already lower-cased. */
export function statementCoversLowerResource(s: NormalizedStatement, lowerResource: string): boolean {
  if (lowerResource === '*') return statementCoversAllResources(s);
  if (s.resources) return someMatch(s.resources, lowerResource);
  if (s.notResources) return !someMatch(s.notResources, lowerResource);
  return false;
}
