/**
 * The IAM evaluation of one action for one principal, resource by resource type — the single
 * source of truth for every policy question art32 asks (allowed? admin? breadth? data reads on
 * everything? escalation?). The breadth engine's bitsets (lib/breadth/effective.ts) are a fast
 * path for the statements whose answer needs no resource reasoning (`Resource: "*"`, no scoped
 * or `NotResource` Deny); every other action is sent here.
 *
 * Semantics (AWS IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements":
 * Effect, Action/NotAction, Resource/NotResource, Condition; "Permissions boundaries"):
 * - a request is allowed when an identity-policy Allow matches it, no Deny matches it, and,
 *   when a permissions boundary is set, the boundary also allows it ("the effective
 *   permissions are the intersection"); an explicit Deny in any of them wins;
 * - `NotAction` matches every action except those listed; `NotResource` every resource
 *   except those listed — so `Deny … NotResource [X]` confines the action to X;
 * - a statement with a `Condition` may or may not match: its Allow is "conditional", its
 *   Deny makes an Allow conditional;
 * - SCPs, RCPs, resource-based and session policies are out of scope (said in every finding).
 *
 * Two questions, per action:
 * - **on every resource** (`onAll`): is the action allowed on every resource of at least one
 *   of its resource types (lib/policy/resources.ts: `*` or a pattern naming every object /
 *   table / …)? A type stays covered unless a Deny names every resource of that type.
 * - **somewhere** (`somewhere`): is it allowed on at least one resource? An Allow statement is
 *   removed by Denies that name all its resources: a Deny on every resource of the action's
 *   types, a Deny whose patterns cover each of the Allow's patterns, or a `Deny … NotResource`
 *   whose listed resources cannot meet the Allow's resources or the action's types.
 * Where exact reasoning would need the intersection of several patterns, the answer errs
 * towards "allowed" (breadth reported wider, never narrower).
 */
import { loadCatalog } from '../breadth/catalog';
import { glob } from './glob';
import type { NormalizedStatement } from './document';
import { MAX_MASK_ACTIONS, statementActionMask, statementCoversAction, statementCoversLowerAction } from './document';
import { globCovers, globsOverlap } from './glob';
import { coverageScope, patternCoversTemplate, patternOverlapsTemplate, type ArnTemplate } from './resources';

export type Decision = 'allowed' | 'conditional' | 'denied' | 'not-allowed';

export const DECISION_RANK: Record<Decision, number> = { denied: 0, 'not-allowed': 1, conditional: 2, allowed: 3 };

/**
 * `DECISION_RANK[d]`, written as comparisons. A load by a string key is compiled for the keys it
 * has met, and the first other key throws the code away ("wrong name"): somewhereOf's
 * `DECISION_RANK[bounded]`, inlined into lib/breadth's decideSignature, deoptimised it in the cold
 * pessimistic breadth run, which compiled decideSignature a second time (--trace-deopt-verbose;
 * 2 compiles, ≈ 40 ms of TurboFan time). Decisions are compared with their literals instead.
 */
export function decisionRank(d: Decision): number {
  return d === 'denied' ? 0 : d === 'not-allowed' ? 1 : d === 'conditional' ? 2 : 3;
}

const ALLOW = 1;
const CONDITIONAL_ALLOW = 2;
const DENY = 4;
const CONDITIONAL_DENY = 8;

type Lists = readonly (readonly NormalizedStatement[])[];

/**
 * An empty array with holey object elements (V8's HOLEY_ELEMENTS) from birth, for the sparse
 * memo rows below (indexed by type-list id, key slot, clause id, flag value): every row then has
 * one map whatever was written first. A `[]` literal starts with small-integer elements and takes
 * another map at its first write past its end or of an object; rows made anew for each snapshot
 * (a resolution's clause and pattern rows) met the optimised readers with the map they were not
 * compiled for ("wrong map" deopts of listTypeFlagsMany, coverageById, shareUniformFlags in the
 * first evaluations: --trace-deopt-verbose on bench/evaluate.ts).
 */
function holeyList<T>(): (T | undefined)[] {
  const list = new Array<T | undefined>(1);
  list[0] = undefined;
  list.length = 0;
  return list;
}

const typeMemo = new Map<string, readonly ArnTemplate[]>();

/**
 * The resource types an action (or an action pattern used as a probe, e.g. `s3:*`) works on:
 * the union of the matched catalog actions' types, `[NO_RESOURCE_TYPE]` when none (an action
 * the catalog does not know is only "on everything" through `*`).
 */
export function resourceTypesFor(action: string): readonly ArnTemplate[] {
  const key = action.toLowerCase();
  let types = typeMemo.get(key);
  if (types) return types;
  const catalog = loadCatalog();
  const id = catalog.idOf(key);
  if (id !== undefined) types = catalog.resourceTypesOf(id);
  else types = catalog.resourceTypesOfSet(catalog.expand(key));
  typeMemo.set(key, types);
  return types;
}

/**
 * Coverage per statement, indexed by the id of the action's resource-type list (type lists are
 * memoised objects, a few hundred per catalog): an array per statement rather than a Map per
 * statement, which the young-generation collector copied for each of tens of thousands of
 * statements. All-covered and none-covered answers (almost all) are shared constants.
 */
const coverageMemo = new WeakMap<NormalizedStatement, (Uint8Array | undefined)[]>();
const typeListIds = new WeakMap<readonly ArnTemplate[], number>();
let nextTypeListId = 0;
/**
 * By length: `byLength` lists (`uniformCoverages`, `uniformFlags`) are indexed by a type count, up to the
 * catalog's (2,188 for `*:*`). A store that far past the end of a `[]` turns its elements into a dictionary;
 * the first such transition in the process makes the generic array map unstable, and V8 threw away every
 * optimised function that had relied on it being stable (maskedPaths, normalizeInto, policySetOf, newList,
 * resourcesIdOf, managedEntry, statementsOf, resolveUsers, normalizeShared, actionListId: recompiled in the
 * cold breadth run; found by helper B, s17). So they are replaced by a longer list filled with `undefined`
 * (`widened`) before an index past their end is written: their elements stay fast.
 */
function widened<T>(list: readonly (T | undefined)[], n: number): (T | undefined)[] {
  const out = new Array<T | undefined>(Math.max(n + 1, 2 * list.length)).fill(undefined);
  for (let i = 0; i < list.length; i++) out[i] = list[i];
  return out;
}

let uniformCoverages: ({ all: Uint8Array; none: Uint8Array } | undefined)[] = widened([], 63);

function typeListId(types: readonly ArnTemplate[]): number {
  let id = typeListIds.get(types);
  if (id === undefined) {
    id = nextTypeListId++;
    typeListIds.set(types, id);
  }
  return id;
}

/** The shared all-1 and all-0 coverage arrays of length `n`. */
function uniformCoverage(n: number): { all: Uint8Array; none: Uint8Array } {
  if (n >= uniformCoverages.length) uniformCoverages = widened(uniformCoverages, n);
  let shared = uniformCoverages[n];
  if (!shared) {
    // Typed arrays with elements cannot be frozen: callers only read them (see typeCoverage).
    shared = { all: new Uint8Array(n).fill(1), none: new Uint8Array(n) };
    uniformCoverages[n] = shared;
  }
  return shared;
}

/** Shared read-only flag arrays whose every entry is one value, by length then value. */
let uniformFlags: ((Uint8Array | undefined)[] | undefined)[] = widened([], 63);

/** The shared array with the same length and (uniform) value as `f`, or `f` itself when its entries differ. */
function shareUniformFlags(f: Uint8Array): Uint8Array {
  const n = f.length;
  if (n === 0) return f;
  const v = f[0]!;
  for (let t = 1; t < n; t++) if (f[t] !== v) return f;
  if (n >= uniformFlags.length) uniformFlags = widened(uniformFlags, n);
  const byValue = (uniformFlags[n] ??= holeyList());
  return (byValue[v] ??= f);
}

/**
 * Per resource type of the action: does the statement's resource clause reach every resource
 * of that type? (`Resource`: some pattern covers the type; `NotResource`: no listed pattern
 * covers it.) The array returned is shared: read it, never write it.
 */
export function typeCoverage(s: NormalizedStatement, types: readonly ArnTemplate[]): Uint8Array {
  // `Resource: "*"` (most statements) covers every type: the shared all-1 answer, no memo entry.
  const resources = s.resources;
  if (resources !== undefined && resources.length === 1 && resources[0] === '*') return uniformCoverage(types.length).all;
  let byTypes = coverageMemo.get(s);
  if (!byTypes) {
    byTypes = holeyList();
    coverageMemo.set(s, byTypes);
  }
  const id = typeListId(types);
  let cov = byTypes[id];
  if (cov) return cov;
  const shared = uniformCoverage(types.length);
  if (s.resources) {
    if (anyUnscoped(s.resources)) cov = shared.all;
    else {
      const covered = coveredTypes(s.resources, types, id);
      cov = covered ? (ownOrSharedNoCopy(covered, types.length) ?? covered.slice(0, types.length)) : shared.none;
    }
  } else if (s.notResources) {
    // NotResource reaches every type none of its patterns covers.
    const spared = coveredTypes(s.notResources, types, id);
    if (spared) {
      for (let t = 0; t < types.length; t++) spared[t] = spared[t] ? 0 : 1;
      cov = ownOrSharedNoCopy(spared, types.length) ?? spared.slice(0, types.length);
    } else cov = types.length > 0 ? shared.all : shared.none; // an empty list is "none", as `ownOrSharedNoCopy` answers
  } else cov = shared.none;
  byTypes[id] = cov;
  return cov;
}

/** Is one of the patterns `*` (after collapsing stars)? In order, as `some` would check them. */
function anyUnscoped(patterns: readonly string[]): boolean {
  for (let i = 0; i < patterns.length; i++) if (glob(patterns[i]!).any) return true;
  return false;
}

/**
 * Coverage per resource pattern, by type-list id, for one resolution: an account's tens of
 * thousands of scoped statements repeat about a thousand patterns, so a statement's coverage
 * is read from its patterns' (one lookup each) instead of being worked out and kept per
 * statement (a WeakMap entry and an array per statement, all surviving young-generation
 * collections). Kept per resolution (`ListRows.memo`), never across snapshots.
 */
type PatternCoverages = Map<string, PatternEntry>;

/** One resource pattern of a resolution: is it `*` (after collapsing stars), and its coverage by type-list id. */
interface PatternEntry {
  any: boolean;
  byTypes: (Uint8Array | undefined)[];
}

const patternCoveragesByResolution = new WeakMap<object, PatternCoverages>();

function patternCoveragesOf(owner: object): PatternCoverages {
  let m = patternCoveragesByResolution.get(owner);
  if (!m) {
    m = new Map();
    patternCoveragesByResolution.set(owner, m);
  }
  return m;
}

/** The pattern's entry; a new one compiles the pattern (`glob`: an over-long one throws, as `anyUnscoped` would). */
function patternEntry(pattern: string, memo: PatternCoverages): PatternEntry {
  let e = memo.get(pattern);
  if (!e) {
    e = { any: glob(pattern).any, byTypes: holeyList() };
    memo.set(pattern, e);
  }
  return e;
}

/** Per type: does this one (not `*`) pattern cover it (the shared uniform arrays when all or none)? Memoised in the entry. */
function patternCoverage(pattern: string, e: PatternEntry, types: readonly ArnTemplate[], id: number): Uint8Array {
  let cov = e.byTypes[id];
  if (cov) return cov;
  const one = onePattern;
  one[0] = pattern;
  const covered = coveredTypes(one, types, id);
  cov = covered ? (ownOrSharedNoCopy(covered, types.length) ?? covered.slice(0, types.length)) : uniformCoverage(types.length).none;
  e.byTypes[id] = cov;
  return cov;
}

/** `patternCoverage`'s one-pattern list (reused). */
const onePattern: string[] = [''];

/** `typeCoverageVia`'s entries of a statement's patterns (reused). */
const entryScratch: (PatternEntry | undefined)[] = [];

/** `typeCoverageVia`'s result buffer for statements with several patterns and a mixed answer. */
let unionScratch = new Uint8Array(64);

/**
 * `typeCoverage` of a `Resource` statement from its patterns' coverages (`patternCoverage`): the
 * same answer (a list covers what one of its patterns covers; a `*` among them covers all),
 * nothing kept per statement. Other statements (`NotResource`, a few per account) take
 * `typeCoverage`. The array returned may be a scratch buffer, valid until the next call: read
 * it at once (as `withCoverage` does).
 */
function typeCoverageVia(s: NormalizedStatement, types: readonly ArnTemplate[], memo: PatternCoverages): Uint8Array {
  const resources = s.resources;
  const n = types.length;
  if (resources === undefined || n === 0) return typeCoverage(s, types);
  const shared = uniformCoverage(n);
  if (resources.length === 1) {
    const pattern = resources[0]!;
    if (pattern === '*') return shared.all;
    const e = patternEntry(pattern, memo);
    return e.any ? shared.all : patternCoverage(pattern, e, types, typeListId(types));
  }
  // First every entry, in order, stopping at a `*` (what `typeCoverage`'s `anyUnscoped` reads).
  const entries = entryScratch;
  for (let p = 0; p < resources.length; p++) {
    const e = patternEntry(resources[p]!, memo);
    entries[p] = e;
    if (e.any) {
      entries.fill(undefined, 0, p + 1);
      return shared.all;
    }
  }
  const id = typeListId(types);
  let union: Uint8Array | undefined;
  let single: Uint8Array | undefined;
  for (let p = 0; p < resources.length; p++) {
    const cov = patternCoverage(resources[p]!, entries[p]!, types, id);
    if (cov === shared.none) continue;
    if (cov === shared.all) {
      single = cov;
      union = undefined;
      break;
    }
    if (single === undefined) {
      single = cov;
      continue;
    }
    if (union === undefined) {
      if (unionScratch.length < n) unionScratch = new Uint8Array(Math.max(n, unionScratch.length * 2));
      union = unionScratch;
      for (let t = 0; t < n; t++) union[t] = single[t]!;
    }
    for (let t = 0; t < n; t++) union[t]! |= cov[t]!;
  }
  // No reference to this resolution's entries outlives the call.
  entries.fill(undefined, 0, resources.length);
  if (union === undefined) return single ?? shared.none;
  return ownOrSharedNoCopy(union, n) ?? union;
}

/**
 * The shared uniform array when the first `n` entries of `buf` are one value (almost always),
 * else `undefined`: a caller keeping a mixed answer copies the scratch buffer itself. An empty
 * list is "none".
 */
function ownOrSharedNoCopy(buf: Uint8Array, n: number): Uint8Array | undefined {
  const v = prefixValue(buf, n);
  if (v < 0) return undefined;
  const shared = uniformCoverage(n);
  return v === 1 ? shared.all : shared.none;
}

/**
 * The one value of the first `n` entries of `buf` (0 when `n` is 0), or -1 when they differ. Only
 * the loop, no call: this loop (2,188 types for `*:*`) is entered through on-stack replacement,
 * compiled while the first long call was still looping, so with no type feedback for anything
 * after it; V8 keeps OSR code after an eager deopt, and a call after the loop (`slice` on the
 * mixed path, then `uniformCoverage`) bailed out every time (`ownOrShared`: 583 deopts of one OSR
 * code object in 4 pessimistic evaluations, --trace-deopt --trace-osr).
 */
function prefixValue(buf: Uint8Array, n: number): number {
  const first = n === 0 ? 0 : buf[0]!;
  for (let t = 1; t < n; t++) if (buf[t] !== first) return -1;
  return first;
}

/** `coveredTypes`' result buffer, reused: most coverages are uniform and end as a shared array. */
let coverageScratch = new Uint8Array(256);

/** The zeroed coverage scratch buffer, at least `n` long. */
function coverageBuffer(n: number): Uint8Array {
  if (coverageScratch.length < n) coverageScratch = new Uint8Array(Math.max(n, coverageScratch.length * 2));
  else coverageScratch.fill(0, 0, n);
  return coverageScratch;
}

/**
 * Per type: 1 when one of the patterns covers it, in the first `types.length` entries of the
 * coverage scratch buffer (valid until the next call); `null` when none covers any. A
 * pattern naming one service is checked against that service's types only (`coverageScope`):
 * a scoped NotAction statement asked about `*:*` meets thousands of types, of which a handful
 * are its service's.
 */
function coveredTypes(patterns: readonly string[], types: readonly ArnTemplate[], id: number): Uint8Array | null {
  let cov: Uint8Array | null = null;
  if (types.length <= FEW_TYPES) {
    // Most actions have one to three types: checking each costs less than finding the service's.
    // Indexed loops: a closure per type and call was most of what the coverage paths allocated.
    for (let t = 0; t < types.length; t++) {
      const type = types[t]!;
      for (let p = 0; p < patterns.length; p++) {
        if (!patternCoversTemplate(patterns[p]!, type)) continue;
        (cov ??= coverageBuffer(types.length))[t] = 1;
        break;
      }
    }
    return cov;
  }
  for (let p = 0; p < patterns.length; p++) {
    const r = patterns[p]!;
    const scope = coverageScope(r);
    if (scope === false) continue;
    if (scope === true) {
      for (let t = 0; t < types.length; t++) if (patternCoversTemplate(r, types[t]!)) (cov ??= coverageBuffer(types.length))[t] = 1;
      continue;
    }
    const indexes = typesByService(types, id).get(scope);
    if (indexes)
      for (let k = 0; k < indexes.length; k++) {
        const t = indexes[k]!;
        if (patternCoversTemplate(r, types[t]!)) (cov ??= coverageBuffer(types.length))[t] = 1;
      }
  }
  return cov;
}

/** Type lists up to this length are checked type by type (see `coveredTypes`). */
const FEW_TYPES = 8;

/** Per type list (by `typeListId`): the indexes of its types, by service. */
const serviceIndexes: (Map<string, number[]> | undefined)[] = [];

function typesByService(types: readonly ArnTemplate[], id: number): Map<string, number[]> {
  let byService = serviceIndexes[id];
  if (!byService) {
    byService = new Map();
    for (let t = 0; t < types.length; t++) {
      const service = types[t]!.service;
      const list = byService.get(service);
      if (list) list.push(t);
      else byService.set(service, [t]);
    }
    serviceIndexes[id] = byService;
  }
  return byService;
}

/** Per statement list, by `keySlot` of the lower-cased action: an array per list, not a Map (see `keySlot`). */
const flagMemo = new WeakMap<readonly NormalizedStatement[], (Uint8Array | undefined)[]>();

/**
 * Per type: ALLOW / CONDITIONAL_ALLOW / DENY / CONDITIONAL_DENY flags of one statement list for
 * the action, whose key slot (`keySlot` of the lower-cased action) the caller looked up once for
 * all of a set's lists. When every type has the same flags the array is the shared uniform one of
 * that length and value (`uniformValue` tells), so callers can combine one value instead of one per type.
 */
function listTypeFlagsIn(list: readonly NormalizedStatement[], action: string, types: readonly ArnTemplate[], slot: number): Uint8Array {
  let memo = flagMemo.get(list);
  if (!memo) {
    memo = holeyList();
    flagMemo.set(list, memo);
  }
  let flags = memo[slot];
  if (flags) return flags;
  // Built like `listTypeFlagsMany`: uniform coverages (almost all) stay the shared arrays, so
  // asking about `*:*` (thousands of types) allocates no array per list.
  let built: Uint8Array | undefined;
  for (const s of list) {
    if (!statementCoversAction(s, action)) continue;
    const bit = s.effect === 'Deny' ? (s.conditional ? CONDITIONAL_DENY : DENY) : s.conditional ? CONDITIONAL_ALLOW : ALLOW;
    built = withCoverage(built, typeCoverage(s, types), bit, types.length);
  }
  flags = built ? shareUniformFlags(built) : uniformFlagsOf(types.length, 0);
  memo[slot] = flags;
  return flags;
}

/** The value of every entry when `f` is a shared uniform array (see `shareUniformFlags`), else -1. */
function uniformValue(f: Uint8Array): number {
  const n = f.length;
  if (n === 0) return -1;
  const v = f[0]!;
  return uniformFlags[n]?.[v] === f ? v : -1;
}

/**
 * The decision for one type's flags, by aggregate rank (`combineOnAll` answers the best over the
 * types: allowed, then conditional, then denied, then not allowed). Comparisons, not a load by
 * string key (see `decisionRank`).
 */
const onAllRank = (d: Decision): number => (d === 'not-allowed' ? 0 : d === 'denied' ? 1 : d === 'conditional' ? 2 : 3);
const BY_ONALL_RANK: readonly Decision[] = ['not-allowed', 'denied', 'conditional', 'allowed'];
const ALLOWED_RANK = 3;

/** `decideOnAll`'s non-uniform per-list flags of the call (reused; cleared after each call). */
const mixedScratch: (Uint8Array | undefined)[] = [];

/**
 * "On every resource" decision for one action (see the module comment).
 *
 * `combineOnAll` answers the best single-type answer over the types (allowed, then conditional,
 * then denied, then not allowed), so the lists whose flags are one value on every type (almost
 * all) are ORed as one number: no loop over the types unless some list's flags are not uniform
 * (`onAllOfMixed`: a few hundred calls per pessimistic run). `*:*` (asked for every
 * administrator) has 2,188 types, and looping them once per list and once more to combine was
 * most of the admin assessment (pessimistic mix: decideOnAll 23 of assessAdmin's 31 ms per run).
 */
export function decideOnAll(lists: Lists, boundary: readonly NormalizedStatement[] | undefined, action: string): Decision {
  const types = resourceTypesFor(action);
  const n = types.length;
  // One action is a one-action list: its key is the lower-cased action (NUL joins longer lists).
  const slot = keySlot(action.toLowerCase());
  let uniform = 0;
  let mixedCount = 0;
  const mixed = mixedScratch;
  for (let i = 0; i < lists.length; i++) {
    const f = listTypeFlagsIn(lists[i]!, action, types, slot);
    const v = uniformValue(f);
    if (v >= 0) uniform |= v;
    else mixed[mixedCount++] = f;
  }
  // No boundary is read as the uniform boundary ALLOW (`combineOnAll` reads a missing boundary as
  // ALLOW, so `UNIFORM_DECISIONS[16 + v * 16 + ALLOW]` is `UNIFORM_DECISIONS[v]`): one path for both.
  const bf = boundary ? listTypeFlagsIn(boundary, action, types, slot) : uniformFlagsOf(n, ALLOW);
  const bv = uniformValue(bf);
  const decision = mixedCount === 0 && bv >= 0 ? UNIFORM_DECISIONS[16 + uniform * 16 + bv]! : onAllOfMixed(uniform, mixedCount, bf, n);
  mixed.fill(undefined, 0, mixedCount);
  return decision;
}

/**
 * `decideOnAll` with `mixedCount` non-uniform lists (in `mixedScratch`) or a non-uniform boundary
 * `bf`: type by type, the rank of the type's decision (`UNIFORM_RANKS` of its identity flags
 * `uniform | f[t]…` and boundary flags `bf[t]`), the best over the types, stopping at "allowed". A
 * uniform boundary is its shared array (every entry `bv`), so every case is this one loop, with
 * the same loads on every call: it runs a few hundred times per pessimistic run (2 in a realistic
 * one), and the version with a branch per case (and a per-array memo of the values an array
 * takes, `valueSetOf`) met each rare branch after optimisation, with no type feedback there, and
 * deoptimised: 4 compiles of it, 2 of valueSetOf, in a cold pessimistic breadth run.
 */
function onAllOfMixed(uniform: number, mixedCount: number, bf: Uint8Array, n: number): Decision {
  let best = 0;
  for (let t = 0; t < n; t++) {
    let v = uniform;
    for (let l = 0; l < mixedCount; l++) v |= mixedScratch[l]![t]!;
    const r = UNIFORM_RANKS[16 + v * 16 + bf[t]!]!;
    if (r > best) {
      best = r;
      if (best === ALLOWED_RANK) break;
    }
  }
  return BY_ONALL_RANK[best]!;
}

/**
 * Per statement list and action list: the type flags of each action (`undefined` where no
 * statement of the list covers it), or `null` when the list covers none of them — most
 * policies, for the dozen probes a rule asks about, so a principal's other policies cost one
 * lookup each.
 */
const manyFlagMemo = new WeakMap<readonly NormalizedStatement[], (FlagRow | null | undefined)[]>();

/**
 * A statement list's type flags for an action list: per action, the flags by type (`undefined`
 * where no statement of the list covers it) and, when every entry is absent or a shared uniform
 * array (almost always), each action's one value (`uniform`: 0 where absent). A policy set whose
 * lists all have `uniform` values is decided on small integers (`decideOnAllManyInto`), not on
 * one array per action and type.
 */
export class FlagRow {
  /**
   * Bit `i` set when action `i` is allowed (perhaps conditionally) on every resource of one of its
   * types (`OnAllProbes.allowsAnyOf`); -1 for a row of more than `MAX_MASK_ACTIONS` actions. Worked
   * out once per row (rows are interned: a few per probe list), not per policy asked.
   */
  public readonly allowBits: number;

  public constructor(
    public readonly flags: readonly (Uint8Array | undefined)[],
    public readonly uniform: Uint8Array | null,
  ) {
    this.allowBits = allowBitsOf(flags);
  }
}

function allowBitsOf(flags: readonly (Uint8Array | undefined)[]): number {
  if (flags.length > MAX_MASK_ACTIONS) return -1;
  let bits = 0;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if (f === undefined) continue;
    for (let t = 0; t < f.length; t++)
      if ((f[t]! & (ALLOW | CONDITIONAL_ALLOW)) !== 0) {
        bits |= 1 << i;
        break;
      }
  }
  return bits;
}

/**
 * One small integer per action-list key: per-list memos are arrays indexed by it, not a Map
 * per list (thousands of long-lived Maps made the young-generation collector's copying most
 * of a rule's time).
 */
const keySlots = new Map<string, number>();

function keySlot(listKey: string): number {
  let slot = keySlots.get(listKey);
  if (slot === undefined) {
    slot = keySlots.size;
    keySlots.set(listKey, slot);
  }
  return slot;
}

function listTypeFlagsMany(
  list: readonly NormalizedStatement[],
  actions: readonly string[],
  typesOf: readonly (readonly ArnTemplate[])[],
  listKey: string,
  slot = keySlot(listKey),
  lower = loweredActions(actions, listKey),
  row?: TypeFlagRow,
  lid = -1,
  rows?: ListRows,
): FlagRow | null {
  // A resolution's row for the slot (entry `lid`), else the list's own memo (entry `slot`).
  let memo: TypeFlagRow;
  let at: number;
  if (row !== undefined) {
    memo = row;
    at = lid;
  } else {
    let own = manyFlagMemo.get(list);
    if (!own) {
      own = holeyList();
      manyFlagMemo.set(list, own);
    }
    memo = own;
    at = slot;
  }
  let out = memo[at];
  if (out !== undefined) return out;
  let flags: (Uint8Array | undefined)[] | null = null;
  if (lower.length <= MAX_MASK_ACTIONS) {
    // Statement by statement: one mask lookup per pattern tells which actions it covers. The row
    // is built in a reused buffer and kept interned (`internedRow`): most lists give one of a few rows.
    // A resolution's lists read coverage from their patterns' (`typeCoverageVia`), kept per resolution.
    const coverages = rows !== undefined ? patternCoveragesOf(rows.memo) : undefined;
    // Statements of a resolution carry ids of their shared clause arrays (when it gives them):
    // masks and coverages are then kept per distinct clause, not worked out per statement.
    const clauses = rows !== undefined ? clauseRowsOf(rows.memo) : undefined;
    if (clauses !== undefined && coverages !== undefined && typesOfUsable(typesOf, actions.length)) {
      // Answers as bits per statement (`rowByMasks`), unless a clause covers some types of an action only.
      const byMasks = rowByMasks(list, lower, listKey, slot, typesOf, actions.length, coverages, clauses);
      if (byMasks !== undefined) {
        memo[at] = byMasks;
        return byMasks;
      }
    }
    for (let si = 0; si < list.length; si++) {
      const s = list[si]!;
      const mask = clauses !== undefined ? maskById(s, lower, listKey, slot, clauses) : statementActionMask(s, lower, listKey);
      if (mask === 0) continue;
      const bit = s.effect === 'Deny' ? (s.conditional ? CONDITIONAL_DENY : DENY) : s.conditional ? CONDITIONAL_ALLOW : ALLOW;
      for (let i = 0; i < actions.length; i++) {
        if ((mask & (1 << i)) === 0) continue;
        const types = typesOf[i]!;
        flags ??= rowBuffer(actions.length);
        flags[i] = withCoverage(flags[i], coverages !== undefined ? coverageById(s, types, coverages, clauses!) : typeCoverage(s, types), bit, types.length);
      }
    }
    if (flags) {
      for (let i = 0; i < actions.length; i++) if (flags[i]) flags[i] = shareUniformFlags(flags[i]!);
      out = internedRow(slot, flags, actions.length);
      flags.fill(undefined, 0, actions.length);
    } else out = null;
    memo[at] = out;
    return out;
  } else {
    for (let i = 0; i < actions.length; i++) {
      const types = typesOf[i]!;
      let f: Uint8Array | undefined;
      for (const s of list) {
        if (!statementCoversLowerAction(s, lower[i]!)) continue;
        f ??= new Uint8Array(types.length);
        const bit = s.effect === 'Deny' ? (s.conditional ? CONDITIONAL_DENY : DENY) : s.conditional ? CONDITIONAL_ALLOW : ALLOW;
        const cov = typeCoverage(s, types);
        for (let t = 0; t < types.length; t++) if (cov[t]) f[t]! |= bit;
      }
      if (f) (flags ??= new Array<Uint8Array | undefined>(actions.length))[i] = f;
    }
  }
  // Most per-action flags are the same bit on every type (e.g. ALLOW everywhere): share those.
  if (flags) for (let i = 0; i < flags.length; i++) if (flags[i]) flags[i] = shareUniformFlags(flags[i]!);
  out = flags ? new FlagRow(flags, uniformCodes(flags)) : null;
  memo[at] = out;
  return out;
}

/** Each entry's uniform value (0 where absent), or `null` when one entry is not a shared uniform array. */
function uniformCodes(flags: readonly (Uint8Array | undefined)[]): Uint8Array | null {
  const codes = new Uint8Array(flags.length);
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if (f === undefined) continue;
    const v = uniformValue(f);
    if (v < 0) return null;
    codes[i] = v;
  }
  return codes;
}

/**
 * A statement as principal resolution normalises it (lib/policy/document.ts): identical clause
 * arrays of one resolution are one object with a resolution-local id (`actionsId` for `actions ??
 * notActions`, `resourcesId` for `resources ?? notResources`; -1 or absent otherwise).
 */
export type WithClauseIds = NormalizedStatement & { readonly actionsId?: number; readonly resourcesId?: number };

/** Per resolution: answers by clause id (an account repeats a few thousand clause lists in tens of thousands of statements). */
interface ClauseRows {
  /** Per key slot, by `actionsId`: `statementActionMask`'s answer with `MASK_KNOWN` set (0: not worked out yet). */
  masks: (Int32Array | undefined)[];
  /** Per type-list id (`typeListId`), by `resourcesId` of a `Resource` clause: its coverage (`typeCoverageVia`, kept). */
  coverages: ((Uint8Array | undefined)[] | undefined)[];
  /**
   * Per key slot, three entries by `resourcesId` (`coverMask`): the actions whose coverage is
   * worked out, those the clause covers on every type, those it covers on some types only (bits).
   */
  coverMasks: (Int32Array | undefined)[];
  /**
   * Per key slot, by local list id: `listTypeFlagsMany`'s answers (`typeRowOf`). Kept here, in an
   * array with holey object elements from birth: a `[]` made per resolution (small-integer
   * elements until its first row), where these rows lived before e932718, met the optimised
   * decideOnAllManyInto with a new map at the first set of each evaluation and deoptimised it
   * ("wrong map" in runs 1 and 2 of bench/evaluate.ts realistic, --trace-deopt-verbose).
   */
  typeRows: (TypeFlagRow | undefined)[];
}

/** Set on a known mask (masks use bits 0 … MAX_MASK_ACTIONS - 1). */
const MASK_KNOWN = 1 << 30;

const clauseRowsByResolution = new WeakMap<object, ClauseRows>();

function clauseRowsOf(owner: object): ClauseRows {
  let c = clauseRowsByResolution.get(owner);
  if (!c) {
    c = { masks: slotList(), coverages: holeyList(), coverMasks: slotList(), typeRows: slotList() };
    clauseRowsByResolution.set(owner, c);
  }
  return c;
}

/** The resolution's row of `listTypeFlagsMany` answers for a key slot, one entry per local list id (see `ClauseRows.typeRows`). */
function typeRowOf(rows: ListRows, slot: number): TypeFlagRow {
  const typeRows = clauseRowsOf(rows.memo).typeRows;
  let row = typeRows[slot];
  if (row === undefined) {
    // Pushed into a `holeyList` (holey object elements from birth, as `slotList`): a row made with
    // `new Array(n).fill(undefined)` changed elements kind inside the fill, a map the optimised
    // decideOnAllManyInto had not met ("wrong map" deopt in run 2 of bench/evaluate.ts realistic).
    row = holeyList<FlagRow | null>();
    for (let i = 0; i < rows.memo.listCount; i++) row.push(undefined);
    typeRows[slot] = row;
  }
  return row;
}

/**
 * A `holeyList` with an `undefined` entry for every key slot made so far: the rows of a new
 * resolution are read at those slots by optimised code (maskById, coverMask), and a read past the
 * end of a fresh empty list deoptimised them once per evaluation ("out of bounds",
 * --trace-deopt on bench/evaluate.ts runs 1–2).
 */
function slotList<T>(): (T | undefined)[] {
  const list = holeyList<T>();
  for (let i = 0; i < keySlots.size; i++) list.push(undefined);
  return list;
}

/** `statementActionMask`, kept by the statement's `actionsId` (once per distinct action clause of the resolution). */
function maskById(s: NormalizedStatement, lower: readonly string[], listKey: string, slot: number, clauses: ClauseRows): number {
  const id = (s as WithClauseIds).actionsId ?? -1;
  if (id < 0) return statementActionMask(s, lower, listKey);
  let row = clauses.masks[slot];
  if (row === undefined || row.length <= id) {
    const grown = new Int32Array(Math.max(id + 1, row === undefined ? 256 : row.length * 2));
    if (row !== undefined) grown.set(row);
    row = grown;
    clauses.masks[slot] = row;
  }
  const known = row[id]!;
  if (known !== 0) return known & ~MASK_KNOWN;
  const mask = statementActionMask(s, lower, listKey);
  row[id] = mask | MASK_KNOWN;
  return mask;
}

/**
 * `typeCoverageVia`, kept by the statement's `resourcesId` (a `Resource` clause shared by
 * statements of the resolution) and the types: one lookup per statement instead of one per pattern.
 */
function coverageById(s: NormalizedStatement, types: readonly ArnTemplate[], memo: PatternCoverages, clauses: ClauseRows): Uint8Array {
  const id = (s as WithClauseIds).resourcesId ?? -1;
  if (id < 0 || s.resources === undefined) return typeCoverageVia(s, types, memo);
  const tid = typeListId(types);
  const byId = (clauses.coverages[tid] ??= holeyList());
  let cov = byId[id];
  if (cov === undefined) {
    cov = typeCoverageVia(s, types, memo);
    // A mixed union is the scratch buffer (valid until the next call): keep a copy.
    if (cov === unionScratch) cov = cov.slice(0, types.length);
    byId[id] = cov;
  }
  return cov;
}

/** Does every action of the list have at least one resource type (`rowByMasks` codes one value per action)? */
function typesOfUsable(typesOf: readonly (readonly ArnTemplate[])[], n: number): boolean {
  for (let i = 0; i < n; i++) if (typesOf[i]!.length === 0) return false;
  return true;
}

/** `rowByMasks`' per-action flag values (reused, zeroed per call). */
let codeBuild = new Uint8Array(32);

/**
 * `listTypeFlagsMany`'s answer for a list of a resolution, as bits: a statement whose resource
 * clause covers every type of an action or none (`coverMask`: all of them in the generated
 * mixes) adds its flag to that action's one value or nothing, so the row is one small integer
 * per action, read from two masks per statement, instead of a coverage array looked up (a
 * WeakMap read for the type list's id, two array reads) and combined per statement and action
 * (pessimistic mix, wildcard-data-access: 43,000 such pairs per evaluation). The same interned
 * `FlagRow` as the statement-by-action build (`internedCodes`); `undefined` when a clause covers
 * some types of an action only (that list takes the build that keeps per-type arrays).
 */
function rowByMasks(
  list: readonly NormalizedStatement[],
  lower: readonly string[],
  listKey: string,
  slot: number,
  typesOf: readonly (readonly ArnTemplate[])[],
  n: number,
  coverages: PatternCoverages,
  clauses: ClauseRows,
): FlagRow | null | undefined {
  if (codeBuild.length < n) codeBuild = new Uint8Array(Math.max(n, codeBuild.length * 2));
  const codes = codeBuild;
  codes.fill(0, 0, n);
  let touched = 0;
  for (let si = 0; si < list.length; si++) {
    const s = list[si]!;
    const mask = maskById(s, lower, listKey, slot, clauses);
    if (mask === 0) continue;
    touched |= mask;
    const all = coverMask(s, mask, typesOf, slot, coverages, clauses);
    if (all < 0) return undefined;
    const covered = mask & all;
    if (covered === 0) continue;
    const bit = s.effect === 'Deny' ? (s.conditional ? CONDITIONAL_DENY : DENY) : s.conditional ? CONDITIONAL_ALLOW : ALLOW;
    for (let i = 0; i < n; i++) if ((covered & (1 << i)) !== 0) codes[i]! |= bit;
  }
  return touched === 0 ? null : internedCodes(slot, touched, codes, n, typesOf);
}

/**
 * The actions of `mask` whose every resource type the statement's resource clause covers (bits),
 * or -1 when it covers some types of one of them only. Kept per key slot by the clause's
 * `resourcesId` (an account repeats a few thousand resource clauses in tens of thousands of
 * statements), worked out action by action as statements ask (`coverageById`).
 */
function coverMask(s: NormalizedStatement, mask: number, typesOf: readonly (readonly ArnTemplate[])[], slot: number, coverages: PatternCoverages, clauses: ClauseRows): number {
  const id = (s as WithClauseIds).resourcesId ?? -1;
  if (id < 0) {
    let all = 0;
    for (let i = 0; i < typesOf.length; i++) {
      if ((mask & (1 << i)) === 0) continue;
      const kind = coverageKind(coverageById(s, typesOf[i]!, coverages, clauses), typesOf[i]!.length);
      if (kind < 0) return -1;
      if (kind === 1) all |= 1 << i;
    }
    return all;
  }
  let row = clauses.coverMasks[slot];
  const at = id * 3;
  if (row === undefined || row.length <= at + 2) {
    const grown = new Int32Array(Math.max(at + 3, row === undefined ? 768 : row.length * 2));
    if (row !== undefined) grown.set(row);
    row = grown;
    clauses.coverMasks[slot] = row;
  }
  const need = mask & ~row[at]!;
  if (need !== 0) {
    let all = row[at + 1]!;
    let mixed = row[at + 2]!;
    for (let i = 0; i < typesOf.length; i++) {
      if ((need & (1 << i)) === 0) continue;
      const kind = coverageKind(coverageById(s, typesOf[i]!, coverages, clauses), typesOf[i]!.length);
      if (kind === 1) all |= 1 << i;
      else if (kind < 0) mixed |= 1 << i;
    }
    row[at] = row[at]! | need;
    row[at + 1] = all;
    row[at + 2] = mixed;
  }
  return (row[at + 2]! & mask) !== 0 ? -1 : row[at + 1]!;
}

/** 1 for the shared all-covered array of `n` types, 0 for the none-covered one, -1 for a mixed coverage. */
function coverageKind(cov: Uint8Array, n: number): number {
  const shared = uniformCoverage(n);
  return cov === shared.all ? 1 : cov === shared.none ? 0 : -1;
}

/**
 * `internedRow` of the row whose action `i` is absent when bit `i` of `touched` is clear, else the
 * shared uniform array of value `codes[i]` (`uniformFlagsOf`): the same trie, the same leaf.
 */
function internedCodes(slot: number, touched: number, codes: Uint8Array, n: number, typesOf: readonly (readonly ArnTemplate[])[]): FlagRow {
  let node = (rowTries[slot] ??= []);
  for (let i = 0; i < n - 1; i++) node = (node[(touched & (1 << i)) === 0 ? 0 : codes[i]! + 1] ??= []) as unknown[];
  const last = (touched & (1 << (n - 1))) === 0 ? 0 : codes[n - 1]! + 1;
  let leaf = node[last] as FlagRow | undefined;
  if (!leaf) {
    const row = rowBuffer(n);
    for (let i = 0; i < n; i++) row[i] = (touched & (1 << i)) === 0 ? undefined : uniformFlagsOf(typesOf[i]!.length, codes[i]!);
    leaf = new FlagRow(row.slice(0, n), codes.slice(0, n));
    row.fill(undefined, 0, n);
    node[last] = leaf;
  }
  return leaf;
}

/** Memo entries of `listTypeFlagsMany` for one key slot, by a resolution's local list id. */
export type TypeFlagRow = (FlagRow | null | undefined)[];

/**
 * What principal resolution (lib/policy/principals.ts) gives for a policy set it made, so that
 * per-list answers are kept in its rows (indexed by local list id) instead of a WeakMap entry
 * per list.
 */
export interface ListRows {
  /** Local id of the set's `l`-th list. */
  listIdAt(l: number): number;
  /** Local id of the boundary's list, -1 without one. */
  readonly boundaryId: number;
  /** Index of the set in its resolution (0 … `memo.setCount` - 1): per-set answers are array slots. */
  readonly index: number;
  /** An object that lives exactly as long as the resolution: per-resolution memos are keyed on it. */
  readonly memo: ResolutionCounts;
}

/** How many distinct statement lists (local ids 0 … `listCount` - 1) and policy sets a resolution made. */
export interface ResolutionCounts {
  readonly listCount: number;
  readonly setCount: number;
}

/** `listTypeFlagsMany`'s row buffer (entries cleared after each use). */
const rowStore: (Uint8Array | undefined)[] = [];

function rowBuffer(n: number): (Uint8Array | undefined)[] {
  while (rowStore.length < n) rowStore.push(undefined);
  return rowStore;
}

/** Per slot: a trie, one level per action, of the rows met whose entries are all absent or shared uniform arrays. */
const rowTries: (unknown[] | undefined)[] = [];

/** `internedRow`'s uniform values of the row being walked (reused). */
let codeScratch = new Uint8Array(32);

/**
 * The first `n` entries of the row buffer as a memo value: the one shared row with these entries
 * when every entry is absent or a shared uniform array (`uniformValue`: one value per action
 * then says which; kept as the row's `uniform`), else a copy.
 */
function internedRow(slot: number, row: readonly (Uint8Array | undefined)[], n: number): FlagRow {
  let node = (rowTries[slot] ??= []);
  if (codeScratch.length < n) codeScratch = new Uint8Array(Math.max(n, codeScratch.length * 2));
  const codes = codeScratch;
  for (let i = 0; i < n; i++) {
    const f = row[i];
    let code = 0;
    if (f !== undefined) {
      const v = uniformValue(f);
      if (v < 0) return new FlagRow(row.slice(0, n), null);
      code = v + 1;
    }
    codes[i] = code === 0 ? 0 : code - 1;
    if (i === n - 1) {
      let leaf = node[code] as FlagRow | undefined;
      if (!leaf) {
        leaf = new FlagRow(row.slice(0, n), codes.slice(0, n));
        node[code] = leaf;
      }
      return leaf;
    }
    node = (node[code] ??= []) as unknown[];
  }
  return new FlagRow(row.slice(0, n), codes.slice(0, n));
}

/** The shared read-only array of `n` entries all equal to `v`. */
function uniformFlagsOf(n: number, v: number): Uint8Array {
  if (n >= uniformFlags.length) uniformFlags = widened(uniformFlags, n);
  const byValue = (uniformFlags[n] ??= holeyList());
  return (byValue[v] ??= new Uint8Array(n).fill(v));
}

/**
 * `f` (per-type flags being built, `undefined` at first) with `bit` set on the types `cov`
 * covers. Uniform results stay the shared uniform arrays (most statements cover every type or
 * none), so no array is allocated for them; a mixed result is a fresh array, changed in place
 * afterwards (never a shared one).
 */
function withCoverage(f: Uint8Array | undefined, cov: Uint8Array, bit: number, n: number): Uint8Array {
  // No flags yet are the shared all-0 array. One path for every case (the same calls and loop on
  // every call): `uniformValue` only on a second statement, and the in-place loop only on a third
  // mixed one, were met after optimisation with no type feedback and deoptimised this (2 of its 3
  // compiles in a cold pessimistic breadth run).
  const base = f === undefined ? uniformFlagsOf(n, 0) : f;
  const fv = uniformValue(base);
  const shared = uniformCoverage(n);
  if (fv >= 0 && cov === shared.all) return uniformFlagsOf(n, fv | bit);
  if (cov === shared.none) return base;
  // Mixed: a copy of a shared array (never written), else the array built so far, changed in place.
  const out = fv >= 0 ? base.slice(0, n) : base;
  for (let t = 0; t < n; t++) if (cov[t]) out[t]! |= bit;
  return out;
}

/** Lower-cased actions per action-list key (the key is built from the lower-cased actions). */
const loweredByKey = new Map<string, readonly string[]>();

/** The actions of a list, lower-cased, by the list's key (one lookup per action list, no string per match). */
export function loweredActions(actions: readonly string[], listKey: string): readonly string[] {
  let lowered = loweredByKey.get(listKey);
  if (!lowered) {
    lowered = actions.map((a) => a.toLowerCase());
    if (loweredByKey.size > 1_000) loweredByKey.clear();
    loweredByKey.set(listKey, lowered);
  }
  return lowered;
}

/** Resource types of each action of a list, by the list's key (one lookup per action list). */
const typesOfLists = new Map<string, readonly (readonly ArnTemplate[])[]>();

function typesOfList(actions: readonly string[], listKey: string): readonly (readonly ArnTemplate[])[] {
  let typesOf = typesOfLists.get(listKey);
  if (!typesOf) {
    typesOf = actions.map(resourceTypesFor);
    if (typesOfLists.size > 1_000) typesOfLists.clear();
    typesOfLists.set(listKey, typesOf);
  }
  return typesOf;
}

/**
 * `decideOnAll` for every action of a list at once (same answers): each statement list is
 * read once per action list, so lists that cover none of the actions are skipped whole.
 * `listKey` names the action list's contents (equal contents, equal key).
 */
export function decideOnAllMany(lists: Lists, boundary: readonly NormalizedStatement[] | undefined, actions: readonly string[], listKey: string): Decision[] {
  return decideOnAllManyInto(lists, boundary, actions, listKey, new Array<Decision>(actions.length));
}

/** The lists' flags of the set being decided (`decideOnAllManyInto`), reused; cleared after each call. */
const perListScratch: (FlagRow | undefined)[] = [];

/**
 * `combineOnAll` of one type, by the identity flags `v` (index `v`) or, with a boundary, by
 * `v` and the boundary's flags `bv` (index `16 + v * 16 + bv`): the decision of an action whose
 * flags are the same on every type (`FlagRow.uniform`).
 */
const UNIFORM_DECISIONS: readonly Decision[] = (() => {
  const out: Decision[] = [];
  const id = new Uint8Array(1);
  const b = new Uint8Array(1);
  for (let v = 0; v < 16; v++) {
    id[0] = v;
    out[v] = combineOnAll(id, undefined, 1);
  }
  for (let v = 0; v < 16; v++)
    for (let bv = 0; bv < 16; bv++) {
      id[0] = v | (bv & (DENY | CONDITIONAL_DENY));
      b[0] = bv & (ALLOW | CONDITIONAL_ALLOW);
      out[16 + v * 16 + bv] = combineOnAll(id, b, 1);
    }
  return out;
})();

/** `onAllRank` of each `UNIFORM_DECISIONS` entry (same index). */
const UNIFORM_RANKS = Uint8Array.from(UNIFORM_DECISIONS, onAllRank);

/**
 * `decideOnAllMany` writing the answers into the first `actions.length` entries of `out` (returned):
 * callers that keep one shared array per distinct answer (lib/policy/principals.ts) pass a
 * reused buffer, so the thousands of sets whose answers are already known allocate nothing.
 */
export function decideOnAllManyInto(
  lists: Lists,
  boundary: readonly NormalizedStatement[] | undefined,
  actions: readonly string[],
  listKey: string,
  out: Decision[],
  rows?: ListRows,
): Decision[] {
  // The action list's lookups, once per list asked in a row (a rule asks one list for thousands of sets).
  if (listKey !== lastManyKey) rememberManyKey(actions, listKey);
  const typesOf = lastManyTypes;
  const slot = lastManySlot;
  const lower = lastManyLower;
  const row = rows !== undefined ? typeRowOf(rows, slot) : undefined;
  // Most policy sets cover none of a rule's probes: their lists all answer `null` (one memo
  // lookup each), and then every action is "not allowed" (a boundary only narrows, and
  // covering nothing it denies nothing).
  const perList = perListScratch;
  let count = 0;
  let uniform = true;
  for (let l = 0; l < lists.length; l++) {
    // A resolution's known answer read from its row here (tens of thousands per rule), else worked out.
    const lid = rows !== undefined ? rows.listIdAt(l) : -1;
    let fl = row !== undefined ? row[lid] : undefined;
    if (fl === undefined) fl = listTypeFlagsMany(lists[l]!, actions, typesOf, listKey, slot, lower, row, lid, rows);
    if (fl === null) continue;
    perList[count++] = fl;
    if (fl.uniform === null) uniform = false;
  }
  const bFlags = boundary ? listTypeFlagsMany(boundary, actions, typesOf, listKey, slot, lower, row, rows?.boundaryId, rows) : null;
  if (count === 0 && bFlags === null) {
    for (let i = 0; i < actions.length; i++) out[i] = 'not-allowed';
    return out;
  }
  if (uniform && (bFlags === null || bFlags.uniform !== null)) {
    // Every list's flags are one value per action (on all its types): OR the values and look the
    // decision up, as `decideOnAll` does for one action.
    const bu = bFlags?.uniform;
    for (let i = 0; i < actions.length; i++) {
      let v = 0;
      for (let l = 0; l < count; l++) v |= perList[l]!.uniform![i]!;
      out[i] = UNIFORM_DECISIONS[boundary ? 16 + v * 16 + (bu ? bu[i]! : 0) : v]!;
    }
    perList.fill(undefined, 0, count);
    return out;
  }
  for (let i = 0; i < actions.length; i++) {
    const n = typesOf[i]!.length;
    // Scratch buffers reused across calls (one per action was 100,000 typed arrays per rule).
    const id = scratch(n, 0);
    for (let l = 0; l < count; l++) {
      const f = perList[l]!.flags[i];
      if (f) for (let t = 0; t < n; t++) id[t]! |= f[t]!;
    }
    let b: Uint8Array | undefined;
    if (boundary) {
      b = scratch(n, 1);
      const bf = bFlags?.flags[i];
      if (bf) {
        for (let t = 0; t < n; t++) {
          b[t] = bf[t]! & (ALLOW | CONDITIONAL_ALLOW);
          id[t]! |= bf[t]! & (DENY | CONDITIONAL_DENY);
        }
      }
    }
    out[i] = combineOnAll(id, b, n);
  }
  // No reference to this snapshot's memos outlives the call.
  perList.fill(undefined, 0, count);
  return out;
}

/** `decideOnAllManyInto`'s lookups of the last action-list key it met (`rememberManyKey`). */
let lastManyKey = '';
let lastManyTypes: readonly (readonly ArnTemplate[])[] = [];
let lastManySlot = -1;
let lastManyLower: readonly string[] = [];

function rememberManyKey(actions: readonly string[], listKey: string): void {
  lastManyTypes = typesOfList(actions, listKey);
  lastManySlot = keySlot(listKey);
  lastManyLower = loweredActions(actions, listKey);
  lastManyKey = listKey;
}

const scratchBuffers = [new Uint8Array(64), new Uint8Array(64)];

/** Zeroed scratch buffer `which` (0 or 1) of at least `n` bytes; valid until the next call for the same buffer. */
function scratch(n: number, which: 0 | 1): Uint8Array {
  let buf = scratchBuffers[which]!;
  if (buf.length < n) {
    buf = new Uint8Array(Math.max(n, buf.length * 2));
    scratchBuffers[which] = buf;
  } else buf.fill(0, 0, n);
  return buf;
}

/**
 * Does this one statement list Allow (perhaps conditionally), on every resource of one of its
 * types, at least one action of the list whose `mask` entry is true (every action without a
 * mask)?
 */
export function listAllowsAnyOnAllMany(list: readonly NormalizedStatement[], actions: readonly string[], listKey: string, mask?: readonly boolean[], rows?: ListRows, lid = -1): boolean {
  const slot = keySlot(listKey);
  const fl = listTypeFlagsMany(list, actions, typesOfList(actions, listKey), listKey, slot, loweredActions(actions, listKey), rows !== undefined ? typeRowOf(rows, slot) : undefined, lid, rows);
  if (!fl) return false;
  for (let i = 0; i < actions.length; i++) {
    if (mask !== undefined && mask[i] !== true) continue;
    const f = fl.flags[i];
    if (!f) continue;
    for (let t = 0; t < f.length; t++) if (f[t]! & (ALLOW | CONDITIONAL_ALLOW)) return true;
  }
  return false;
}

/**
 * An action list asked "on every resource" about many statement lists (a rule's probes, for
 * every offender's policies): its memo key, slot, lower-cased actions and resource types looked
 * up once, not once per list asked (three Map lookups per policy in `listAllowsAnyOnAllMany`).
 */
export class OnAllProbes {
  public readonly actions: readonly string[];
  /** The key lib/policy/principals.ts gives the list (`actionListKey`): memo rows are shared with `decideManyShared`. */
  public readonly listKey: string;
  private readonly slot: number;
  private readonly lower: readonly string[];
  private readonly typesOf: readonly (readonly ArnTemplate[])[];

  public constructor(actions: readonly string[]) {
    this.actions = actions;
    // NUL never occurs in an action name (as principals.ts keys action lists).
    this.listKey = actions.join('\u0000').toLowerCase();
    this.slot = keySlot(this.listKey);
    this.lower = loweredActions(actions, this.listKey);
    this.typesOf = typesOfList(actions, this.listKey);
  }

  /**
   * `listAllowsAnyOnAllMany(list, actions, listKey, mask, rows, lid)`: does the list Allow
   * (perhaps conditionally) on every resource of one of its types an action whose `mask` entry is
   * true? `rows` and `lid` (≥ 0) name the list in its resolution, else the list's own memo is used.
   */
  public allowsAny(list: readonly NormalizedStatement[], mask: readonly boolean[] | undefined, rows: ListRows | undefined, lid: number): boolean {
    const fl =
      rows !== undefined && lid >= 0
        ? listTypeFlagsMany(list, this.actions, this.typesOf, this.listKey, this.slot, this.lower, typeRowOf(rows, this.slot), lid, rows)
        : listTypeFlagsMany(list, this.actions, this.typesOf, this.listKey, this.slot, this.lower);
    if (!fl) return false;
    for (let i = 0; i < this.actions.length; i++) {
      if (mask !== undefined && mask[i] !== true) continue;
      const f = fl.flags[i];
      if (!f) continue;
      for (let t = 0; t < f.length; t++) if (f[t]! & (ALLOW | CONDITIONAL_ALLOW)) return true;
    }
    return false;
  }

  /** The resolution's row of this list's answers by local list id (`allowsAnyOf`'s `row`). */
  public rowIn(rows: ListRows): TypeFlagRow {
    return typeRowOf(rows, this.slot);
  }

  /** Can `allowsAnyOf` answer for this list of actions (at most `MAX_MASK_ACTIONS`)? */
  public get bitwise(): boolean {
    return this.actions.length <= MAX_MASK_ACTIONS;
  }

  /**
   * `allowsAny` with the mask as bits (bit `i` for action `i`, -1 for every action), for a `bitwise`
   * list: one AND with the row's `allowBits` instead of a loop over the actions and their types
   * (wildcard-data-access asks it for every policy of every offender: 46,000 per evaluation in the
   * pessimistic mix). `row` is `rowIn(rows)`, looked up once by the caller for all of a
   * principal's lists (it does not depend on the list: a WeakMap lookup per policy before).
   */
  public allowsAnyOf(list: readonly NormalizedStatement[], maskBits: number, rows: ListRows | undefined, row: TypeFlagRow | undefined, lid: number): boolean {
    const fl =
      rows !== undefined && row !== undefined && lid >= 0
        ? listTypeFlagsMany(list, this.actions, this.typesOf, this.listKey, this.slot, this.lower, row, lid, rows)
        : listTypeFlagsMany(list, this.actions, this.typesOf, this.listKey, this.slot, this.lower);
    return fl !== null && (fl.allowBits & maskBits) !== 0;
  }
}

const isUnscopedResource = (s: NormalizedStatement): boolean => s.resources === undefined || anyUnscoped(s.resources);

/**
 * Does Deny `d` remove every resource Allow `a` grants the action on? (`types`: the action's
 * resource types; `dCov`: d's type coverage.) Indexed loops, no closures: the breadth fold asks
 * this for thousands of statement pairs, and a closure capturing `a` or `x` was an object per call.
 */
function denyCoversAllow(a: NormalizedStatement, d: NormalizedStatement, types: readonly ArnTemplate[], dCov: Uint8Array): boolean {
  let every = true;
  for (let t = 0; t < dCov.length && every; t++) if (dCov[t] !== 1) every = false;
  if (every) return true;
  if (d.notResources) {
    // The action survives where a listed resource is one the Allow reaches and one of the action's types.
    const listed = d.notResources;
    for (let k = 0; k < listed.length; k++) {
      const x = listed[k]!;
      if (allowReaches(a, x) && overlapsSomeType(x, types)) return false;
    }
    return true;
  }
  if (!a.resources || isUnscopedResource(a)) return false;
  const allowed = a.resources;
  const denied = d.resources ?? NO_PATTERNS;
  for (let k = 0; k < allowed.length; k++) {
    const r = allowed[k]!;
    let covered = false;
    for (let j = 0; j < denied.length && !covered; j++) if (globCovers(denied[j]!, r)) covered = true;
    if (!covered) return false;
  }
  return true;
}

const NO_PATTERNS: readonly string[] = [];

/** Can the Allow reach a resource the pattern `x` names? (`*` or one of its patterns overlapping `x`.) */
function allowReaches(a: NormalizedStatement, x: string): boolean {
  if (isUnscopedResource(a)) return true;
  const rs = a.resources ?? NO_PATTERNS;
  for (let k = 0; k < rs.length; k++) if (globsOverlap(x, rs[k]!)) return true;
  return false;
}

/** Can the pattern name a resource of one of the types? */
function overlapsSomeType(x: string, types: readonly ArnTemplate[]): boolean {
  for (let t = 0; t < types.length; t++) if (patternOverlapsTemplate(x, types[t]!)) return true;
  return false;
}

/** The statements of a principal that cover one action, split by role. */
export interface CoveringStatements {
  allows: NormalizedStatement[];
  denies: NormalizedStatement[];
  boundaryAllows: NormalizedStatement[];
  hasBoundary: boolean;
}

/** Both answers for one action from its covering statements and resource types. */
export function decideCovering(c: CoveringStatements, types: readonly ArnTemplate[]): { onAll: Decision; somewhere: Decision } {
  return { onAll: onAllOf(c, types), somewhere: somewhereOf(c, types) };
}

function typeFlags(statements: readonly NormalizedStatement[], types: readonly ArnTemplate[], into: Uint8Array): void {
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    const bit = s.effect === 'Deny' ? (s.conditional ? CONDITIONAL_DENY : DENY) : s.conditional ? CONDITIONAL_ALLOW : ALLOW;
    const cov = typeCoverage(s, types);
    for (let t = 0; t < types.length; t++) if (cov[t]) into[t]! |= bit;
  }
}

function onAllOf(c: CoveringStatements, types: readonly ArnTemplate[]): Decision {
  // The scratch buffers (zeroed, first `n` entries), not two arrays per call: the breadth fold
  // decides ~10k actions this way per analysis.
  const n = types.length;
  const id = scratch(n, 0);
  typeFlags(c.allows, types, id);
  typeFlags(c.denies, types, id);
  let b: Uint8Array | undefined;
  if (c.hasBoundary) {
    b = scratch(n, 1);
    typeFlags(c.boundaryAllows, types, b);
  }
  return combineOnAll(id, b, n);
}

/** The "on every resource" decision from per-type identity flags and boundary allows (first `n` types). */
function combineOnAll(id: Uint8Array, b: Uint8Array | undefined, n = id.length): Decision {
  let granted = false;
  let conditional = false;
  let denied = false;
  for (let t = 0; t < n; t++) {
    const f = id[t]!;
    const bf = b ? b[t]! : ALLOW;
    const deny = (f | bf) & DENY;
    const cdeny = (f | bf) & CONDITIONAL_DENY;
    if (deny) denied = true;
    if (f & ALLOW && bf & ALLOW && !deny && !cdeny) granted = true;
    else if (f & (ALLOW | CONDITIONAL_ALLOW) && bf & (ALLOW | CONDITIONAL_ALLOW) && !deny) conditional = true;
  }
  if (granted) return 'allowed';
  if (conditional) return 'conditional';
  return denied ? 'denied' : 'not-allowed';
}

function somewhereOf(c: CoveringStatements, types: readonly ArnTemplate[]): Decision {
  const identity = aliveDecision(c.allows, c.denies, types);
  if (!c.hasBoundary || identity === 'denied' || identity === 'not-allowed') return identity;
  const bounded = aliveDecision(c.boundaryAllows, c.denies, types);
  if (bounded === 'denied' || bounded === 'not-allowed') return bounded;
  return decisionRank(bounded) < decisionRank(identity) ? bounded : identity;
}

const removalMemo = new WeakMap<NormalizedStatement, Map<readonly ArnTemplate[], Uint8Array>>();

/**
 * Per type: does the Deny remove *every* resource of that type? For `Resource` that is
 * `typeCoverage`; a `NotResource` Deny spares what it lists, so it removes a type only when
 * no listed pattern can name a resource of it.
 */
function removalCoverage(d: NormalizedStatement, types: readonly ArnTemplate[]): Uint8Array {
  if (!d.notResources) return typeCoverage(d, types);
  let byTypes = removalMemo.get(d);
  if (!byTypes) {
    byTypes = new Map();
    removalMemo.set(d, byTypes);
  }
  let cov = byTypes.get(types);
  if (!cov) {
    cov = new Uint8Array(types.length);
    for (let t = 0; t < types.length; t++) cov[t] = d.notResources.some((x) => patternOverlapsTemplate(x, types[t]!)) ? 0 : 1;
    byTypes.set(types, cov);
  }
  return cov;
}

/** Somewhere-decision of a set of Allow statements against a set of Deny statements. */
function aliveDecision(allows: NormalizedStatement[], denies: NormalizedStatement[], types: readonly ArnTemplate[]): Decision {
  if (allows.length === 0) return 'not-allowed';
  // What the Denies remove together depends on them alone: worked out once, not once per Allow.
  // No Deny removes nothing (of at least one type): `removalByDenies` would answer 0.
  const removal = denies.length === 0 && types.length > 0 ? 0 : removalByDenies(denies, types);
  const coverages = removalCoverages;
  let granted = false;
  let conditional = false;
  for (let k = 0; k < allows.length; k++) {
    const a = allows[k]!;
    let killedFirm = (removal & REMOVES_ALL) !== 0;
    let killedMaybe = (removal & REMOVES_ALL_MAYBE) !== 0;
    for (let i = 0; i < denies.length && !killedFirm; i++) {
      const d = denies[i]!;
      if (!denyCoversAllow(a, d, types, coverages[i]!)) continue;
      if (d.conditional) killedMaybe = true;
      else killedFirm = true;
    }
    if (killedFirm) continue;
    if (!a.conditional && !killedMaybe) granted = true;
    else conditional = true;
  }
  // No reference to this snapshot's memos outlives the call.
  coverages.fill(undefined, 0, denies.length);
  if (granted) return 'allowed';
  if (conditional) return 'conditional';
  return 'denied';
}

/** `removalByDenies`' answer bits: the unconditional Denies remove every type; counting the conditional ones, they do. */
const REMOVES_ALL = 1;
const REMOVES_ALL_MAYBE = 2;

/**
 * Each Deny's removal coverage, by its index, as `removalByDenies` last wrote them (reused; cleared
 * by its caller). Long enough before it is written (`widened`): a store past the end, met after
 * optimisation, deoptimised removalByDenies ("out of bounds", cold pessimistic breadth run).
 */
let removalCoverages: (Uint8Array | undefined)[] = widened([], 63);

/**
 * Each Deny's removal coverage (into `removalCoverages`, by index), and whether the Denies together remove every type: firmly
 * (`REMOVES_ALL`: unconditional Denies), or counting the conditional ones too (`REMOVES_ALL_MAYBE`). Several
 * Denies may cover different types.
 */
function removalByDenies(denies: readonly NormalizedStatement[], types: readonly ArnTemplate[]): number {
  if (denies.length > removalCoverages.length) removalCoverages = widened(removalCoverages, denies.length);
  const coverages = removalCoverages;
  const n = types.length;
  if (n === 1) {
    // One type (1,020 of 1,330 calls in a cold realistic breadth run): two flags, not two scratch
    // buffers and three loops. With no call at all without Denies (aliveDecision), this no longer
    // runs long enough in that run to be optimised: 73 -> 72 compiles, 7-13 ms of compile less.
    let firm = false;
    let maybe = false;
    for (let i = 0; i < denies.length; i++) {
      const d = denies[i]!;
      const cov = removalCoverage(d, types);
      coverages[i] = cov;
      if (!cov[0]) continue;
      if (d.conditional) maybe = true;
      else firm = true;
    }
    return (firm ? REMOVES_ALL : 0) | (firm || maybe ? REMOVES_ALL_MAYBE : 0);
  }
  // The two scratch buffers (zeroed): removed firmly, removed counting conditional Denies.
  const removed = scratch(n, 0);
  const removedMaybe = scratch(n, 1);
  for (let i = 0; i < denies.length; i++) {
    const d = denies[i]!;
    const cov = removalCoverage(d, types);
    coverages[i] = cov;
    for (let t = 0; t < n; t++) {
      if (!cov[t]) continue;
      if (d.conditional) removedMaybe[t] = 1;
      else removed[t] = 1;
    }
  }
  let all = true;
  let allMaybe = true;
  for (let t = 0; t < n; t++) {
    if (removed[t] !== 1) all = false;
    if (removed[t] !== 1 && removedMaybe[t] !== 1) allMaybe = false;
  }
  return (all ? REMOVES_ALL : 0) | (allMaybe ? REMOVES_ALL_MAYBE : 0);
}
