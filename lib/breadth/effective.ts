/**
 * Static effective permissions of one principal over the action catalog.
 *
 * What is computed, per action (identity-based policies only):
 * - granted: some unconditional Allow covers it, no unconditional Deny on `*` removes it,
 *   no conditional Deny on `*` may remove it, and the permissions boundary (when set)
 *   allows it unconditionally;
 * - conditional: it may be granted, but only when a Condition holds (a conditional Allow,
 *   a conditional Deny, or a conditional boundary statement stands in the way);
 * - the same two sets restricted to statements whose resource is `*` (or a `NotResource`,
 *   which covers everything but what it lists): "on all resources".
 * Actions covered by a Deny scoped to particular resources or using `NotResource` (and a few
 * Allow shapes, see `foldStatements`) are decided by lib/policy/evaluate (`decideCovering`),
 * the one policy engine: a scoped Deny removes an action only where it names all the Allow's
 * resources.
 *
 * Out of scope (said in every output): service control policies, resource control
 * policies, resource-based policies and session policies.
 *
 * Cost: pattern expansion is cached by the catalog; each distinct statement's action set and
 * each distinct statement list's masks are computed once, into typed-array arenas (see
 * `BreadthCalculator`); managed policies are shared by identity (resolvePrincipals shares one
 * statement array per managed policy), so 10,000 principals sharing 20,000 policies cost one
 * fold per distinct policy and a few sparse unions per policy set.
 */
import type { NormalizedStatement } from '../policy/document';
import { decideCovering, type CoveringStatements, type Decision } from '../policy/evaluate';
import type { ArnTemplate } from '../policy/resources';
import { glob, hasWildcard, MAX_PATTERN_LENGTH } from '../policy/glob';
import type { PolicySet, Principal } from '../policy/principals';
import { growInt32, IntTupleMap, newBitset, restored, sortDistinct, SparseArena, wordsFor, type Bitset } from './bitset';
import type { ActionCatalog } from './catalog';

export const SCOPE_NOTE =
  'Identity-based policies only (inline, managed, group, permissions boundary): service control policies, ' +
  'resource control policies, resource-based policies and session policies are out of scope, so real access may be narrower ' +
  '(SCP/RCP) or wider (resource policies granting this principal).';

/**
 * A sparse bitset: the non-zero words only. Most policies grant a handful of actions, so
 * OR-ing them into a principal's set touches a few words instead of ~700.
 */
export interface SparseBits {
  words: Uint16Array;
  values: Uint32Array;
}

/** The non-zero words of `dense` as a sparse set; all of them lie in words [from, to). */
function toSparse(dense: Bitset, from: number, to: number): SparseBits | null {
  let n = 0;
  for (let i = from; i < to; i++) if (dense[i] !== 0) n += 1;
  if (n === 0) return null;
  const words = new Uint16Array(n);
  const values = new Uint32Array(n);
  for (let i = from, k = 0; i < to; i++) {
    if (dense[i] !== 0) {
      words[k] = i;
      values[k] = dense[i]!;
      k += 1;
    }
  }
  return { words, values };
}

const EMPTY: SparseBits = { words: new Uint16Array(0), values: new Uint32Array(0) };

/** The sparse set's bits in word `w` (0 when absent; word lists are ascending: binary search). */
export function sparseWord(s: SparseBits, w: number): number {
  let lo = 0;
  let hi = s.words.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = s.words[mid]!;
    if (v === w) return s.values[mid]!;
    if (v < w) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

export function orSparse(target: Bitset, s: SparseBits): void {
  const { words, values } = s;
  for (let k = 0; k < words.length; k++) target[words[k]!]! |= values[k]!;
}

/** One policy's statements folded into six masks. `null` = empty (skipped in unions). */
export interface PolicyMasks {
  allow: SparseBits | null;
  allowOnAll: SparseBits | null;
  conditionalAllow: SparseBits | null;
  conditionalAllowOnAll: SparseBits | null;
  /** Unconditional Deny on every resource: removes the action. */
  deny: SparseBits | null;
  /** Conditional Deny on every resource: the action is at most conditional. */
  conditionalDeny: SparseBits | null;
  /**
   * Actions whose answer depends on resources beyond what the masks say (a Deny with
   * `NotResource` or scoped resources; an Allow with `NotResource` naming whole types):
   * lib/policy/evaluate decides them one by one.
   */
  hard: SparseBits | null;
  /** An Allow statement names `*` or `*:*` (what access.admin-principals looks for). */
  allowsStar: boolean;
}

/** A permissions boundary folded like a list (`ranges`: its seven masks in the list arena) with its statements' slots. */
interface BoundaryMasks {
  ranges: Int32Array;
  slots: Int32Array<ArrayBuffer>;
  /** The boundary's statements (slot `slots[j]` is `statements[j]`'s). */
  statements: readonly NormalizedStatement[];
  /** 1, 2, 3… per calculator (a key part of `baseResults`). */
  id: number;
}

/**
 * A policy set as resolution builds it (lib/policy/principals `ResolvedSet`): each list's id local
 * to its resolution, and the resolution's memo object (one per resolution: what the ids are local to).
 * Sets built by hand have neither.
 */
type ResolvedIds = PolicySet & { listIdAt?(l: number): number; readonly memo?: object };

/**
 * What a resolution's memo (lib/policy/principals `ResolutionMemo`) says of its size, once complete:
 * its distinct statement lists (local list ids 0 … listCount - 1) and shared action arrays
 * (`actionsId` 0 … actionsCount - 1). Absent from other owners.
 */
interface ResolutionCounts {
  readonly listCount?: number;
  readonly actionsCount?: number;
  /** Every `resourcesId` of the resolution is below it (lib/policy/principals ResolutionMemo). */
  readonly resourcesCount?: number;
}

/**
 * A statement as resolution normalises it (lib/policy/document `ClauseTable`): identical clause
 * arrays of one resolution are one object with a resolution-local id (`actionsId` for `actions ??
 * notActions`, `resourcesId` for `resources ?? notResources`; -1 or absent otherwise).
 */
type WithClauseIds = NormalizedStatement & { readonly actionsId?: number; readonly resourcesId?: number };

/** Per resolution: calculator facts by its local ids (+ 1 or + 2 as said; 0 = not seen yet). */
interface SlotRow {
  owner: object;
  /** List slot + 1, by local list id. */
  slots: Int32Array<ArrayBuffer>;
  /** By `actionsId`: (slot × 2 + 1 when it names every action) + 1, the slot whose range is the clause's action set. */
  actions: Int32Array<ArrayBuffer>;
  /** By `resourcesId` of an Allow's `resources`: its coverage entry (`allowCoverage`) + 2. */
  coverage: Int32Array<ArrayBuffer>;
  /**
   * Shape ids (`shapeId`) + 1 by `resourcesId` × 8 + effect-and-condition table × 2 + 1 for a
   * `NotResource` list: statements with one of the two clauses share their shape by the id.
   */
  shapes: Int32Array<ArrayBuffer>;
  /** Position in `BreadthCalculator.rows` (what `slotInfo` records per statement). */
  index: number;
}

/** `allowCoverage`'s answer for sets held in the `coverage` scratch (a statement without a shared resource list). */
const SCRATCH_COVERAGE = 1;

/** `BreadthCalculator.slotInfo`: the statement is an Allow. */
const SLOT_ALLOW = 2;

/**
 * An empty array whose elements kind is already "objects": a literal `[]` starts as "small
 * integers" and changes kind on its first push, so each new calculator's lists had another map
 * than the code compiled for the previous one (deoptimised "wrong map" / "not a Smi" at the start
 * of every analysis after the first, then compiled again).
 */
function objectList<T>(): T[] {
  const list: unknown[] = [null];
  list.pop();
  return list as T[];
}

/** A copy of `a` with exactly `n` (> a.length) entries. */
function copiedInt32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/** The statement slots of no boundary. */
const NO_SLOTS = new Int32Array(0);

/**
 * `hardBounds` of a statement whose action set is empty: first word 32,767 and last word 0, so no
 * word is between them. (A first word of 32,768 or more reads back negative: only the last-word
 * test then turns words away, and the arena search answers the rest, as for any statement.)
 */
const NO_BOUNDS = 0x7fff0000;

/** The lists of no set (`hardSetLists` before the first). */
const NO_LISTS: (readonly NormalizedStatement[])[] = [];

/** The empty role of a `CoveringStatements` (never written: decideCovering only reads). */
const NO_STATEMENTS: NormalizedStatement[] = [];

/**
 * `list[k] = st` for a reused list that `trimmed` may have cut (`k <= list.length`): a store past
 * the end as `push`, whose growth the compiled code expects (an indexed store past the end made
 * hardWord deoptimise "out of bounds" and be compiled again in the first analysis).
 */
function put(list: NormalizedStatement[], k: number, st: NormalizedStatement): void {
  if (k < list.length) list[k] = st;
  else list.push(st);
}

/** `list` cut to its first `n` (> 0) entries, in place (a shorter length keeps the backing store). */
function trimmed(list: NormalizedStatement[], n: number): NormalizedStatement[] {
  list.length = n;
  return list;
}

/** A statement shape other than one `Resource` (see `BreadthCalculator.shapeId`). */
interface OtherShape {
  resources: readonly string[] | undefined;
  notResources: readonly string[] | undefined;
  id: number;
}

/** Same texts in the same order (both absent counts as the same; absent differs from empty). */
function sameTexts(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The result of a dense set's bases alone under its boundary (see `BreadthCalculator.baseResultOf`). */
export interface BaseResult {
  /** The result masks, `words` each (copied whole into the result: no view object per copy). */
  granted: Uint32Array;
  conditional: Uint32Array;
  grantedOnAll: Uint32Array;
  conditionalOnAll: Uint32Array;
  /** Non-zero words, ascending (the first `count`). */
  nonZero: Int32Array;
  count: number;
}

export interface EffectivePermissions {
  granted: Bitset;
  conditional: Bitset;
  grantedOnAll: Bitset;
  conditionalOnAll: Bitset;
  /** Indices of the words where `granted | conditional` is non-zero (the first `nonZeroCount`). */
  nonZeroWords: Int32Array;
  nonZeroCount: number;
  /**
   * A dense set computed over its bases' result: that result (the same object for every set with
   * the same bases and boundary; never mutate it). The masks above equal its masks except on the
   * words `touched[0 .. touchedCount)` (ascending), so counts over the masks can be the base's
   * counts adjusted on those words. Undefined for any other set.
   */
  base?: BaseResult | undefined;
  touched?: Int32Array | undefined;
  touchedCount?: number;
}

/**
 * `glob(r).any` (the pattern is a run of `*`), without a glob lookup for the usual ARN: only a
 * pattern starting with `*` can be one. Patterns past the length bound still go to `glob`,
 * which refuses them as before.
 */
const anyResource = (r: string): boolean => (r.charCodeAt(0) === 42 || r.length > MAX_PATTERN_LENGTH) && glob(r).any;

/** True when the statement's Resource is `*` (or `**`…) or it uses `NotResource`. */
export function isUnscoped(s: NormalizedStatement): boolean {
  if (s.resources) return someAnyResource(s.resources);
  return s.notResources !== undefined;
}

/** True when a Deny statement denies on every resource (`Resource: "*"`). */
function deniesEverywhere(s: NormalizedStatement): boolean {
  return s.resources !== undefined && someAnyResource(s.resources);
}

/** `resources.some(anyResource)`, without a callback per statement. */
function someAnyResource(resources: readonly string[]): boolean {
  for (let k = 0; k < resources.length; k++) if (anyResource(resources[k]!)) return true;
  return false;
}

let nextTypeListId = 1;

// The seven masks of a folded statement list, in the order their ranges are stored.
const ALLOW = 0;
const COND_ALLOW = 1;
const ALLOW_ON_ALL = 2;
const COND_ALLOW_ON_ALL = 3;
const DENY = 4;
const COND_DENY = 5;
const HARD = 6;
const MASKS = 7;
/**
 * Per list: the start of each mask's range, then the end of the last (ranges are back to back),
 * then the list's base: a statement action set range [BASE_START, BASE_END) of the statement
 * arena, and the masks it belongs to (bit k = mask k; 0 = no base).
 */
const BASE_START = MASKS + 1;
const BASE_END = MASKS + 2;
const BASE_MASKS = MASKS + 3;
const LIST_STRIDE = MASKS + 4;
/** The ranges of no boundary: every mask empty, no base (what a set without boundary merges, as one with a boundary does). */
const NO_BOUNDARY_RANGES = new Int32Array(LIST_STRIDE);
/**
 * A statement action set of at least this many words (a `NotAction` grant: the catalog minus a
 * few services, ~700 words) is not copied into the masks of the lists holding it: each list
 * refers to it as its base. Thousands of policies repeat the same `NotAction` clause; copied,
 * their masks were most of the list arena (1.48 M of 1.73 M words in the pessimistic mix).
 */
const BASE_WORDS = 64;
/** The masks a set's base goes into: the Allow masks, read through `ALLOW_MASKS & baseMasks`. */
const ALLOW_MASKS = (1 << ALLOW) | (1 << COND_ALLOW);

/**
 * Sets below this many words (summed over their lists' masks) are merged through stamped
 * word lists; above it the whole scratch is scanned and cleared (cheaper than stamping and
 * sorting ~700 words for a list holding a `NotAction` grant).
 */
const DENSE_WORDS = 160;
/** Words per `settleWords` call of a dense settle. */
const DENSE_SLICE = 64;

/** Union of two arena ranges (ascending words) as a new sparse set: a base and a list's own words. */
function unionRanges(a: SparseArena, aStart: number, aEnd: number, b: SparseArena, bStart: number, bEnd: number): SparseBits {
  const words = new Uint16Array(aEnd - aStart + bEnd - bStart);
  const values = new Uint32Array(words.length);
  let i = aStart;
  let j = bStart;
  let n = 0;
  while (i < aEnd || j < bEnd) {
    const wa = i < aEnd ? a.words[i]! : 0x10000;
    const wb = j < bEnd ? b.words[j]! : 0x10000;
    const w = Math.min(wa, wb);
    words[n] = w;
    values[n] = (wa === w ? a.values[i++]! : 0) | (wb === w ? b.values[j++]! : 0);
    n += 1;
  }
  return { words: words.subarray(0, n), values: values.subarray(0, n) };
}

/** A folded list's masks read back as `PolicyMasks` (for callers outside this module; built on demand). */
class ListMasks implements PolicyMasks {
  private readonly cache: (SparseBits | null | undefined)[] = [];
  public constructor(
    private readonly arena: SparseArena,
    private readonly stmtArena: SparseArena,
    private readonly ranges: Int32Array,
    private readonly base: number,
    public readonly allowsStar: boolean,
  ) {}

  private mask(k: number): SparseBits | null {
    let m = this.cache[k];
    if (m === undefined) {
      const r = this.ranges;
      const start = r[this.base + k]!;
      const end = r[this.base + k + 1]!;
      if (r[this.base + BASE_MASKS]! & (1 << k)) m = unionRanges(this.stmtArena, r[this.base + BASE_START]!, r[this.base + BASE_END]!, this.arena, start, end);
      // Views, not copies: a stored range is never written again (a grown arena keeps the old buffer alive for them).
      else m = start === end ? null : { words: this.arena.words.subarray(start, end), values: this.arena.values.subarray(start, end) };
      this.cache[k] = m;
    }
    return m;
  }

  public get allow(): SparseBits | null {
    return this.mask(ALLOW);
  }
  public get allowOnAll(): SparseBits | null {
    return this.mask(ALLOW_ON_ALL);
  }
  public get conditionalAllow(): SparseBits | null {
    return this.mask(COND_ALLOW);
  }
  public get conditionalAllowOnAll(): SparseBits | null {
    return this.mask(COND_ALLOW_ON_ALL);
  }
  public get deny(): SparseBits | null {
    return this.mask(DENY);
  }
  public get conditionalDeny(): SparseBits | null {
    return this.mask(COND_DENY);
  }
  public get hard(): SparseBits | null {
    return this.mask(HARD);
  }
}

/**
 * Effective permissions from statement lists, with every intermediate result in typed
 * arrays indexed by slot numbers:
 * - each distinct statement gets a slot; its action set (Action patterns unioned, or the
 *   catalog minus its NotAction patterns) is a range of the statement arena;
 * - each distinct statement list (and each boundary) is folded once into seven masks, seven
 *   back-to-back ranges of the list arena (`listRanges`), plus its statements' slots;
 * - a policy set merges its lists' ranges into scratch masks and reads the result word by
 *   word; only "hard" actions (a scoped or `NotResource` Deny, an Allow with `NotResource`
 *   naming whole types, a scoped boundary Allow) go to lib/policy/evaluate, memoised by
 *   signature.
 * No object is made per statement, list or set (the young-generation collector would copy
 * them all: they live as long as the analysis).
 */
// Which result masks a hard decision puts its actions in (`settledBits`).
const SETTLED_G = 1;
const SETTLED_C = 2;
const SETTLED_GA = 4;
const SETTLED_CA = 8;

/**
 * A hard decision as the result masks its actions go to: granted / conditional (somewhere, raised
 * to the on-all answer when that is stronger) and granted / conditional on all resources.
 */
function settledBits(out: { onAll: Decision; somewhere: Decision }): number {
  const { onAll } = out;
  let somewhere = out.somewhere;
  if (onAll === 'allowed' || (onAll === 'conditional' && somewhere !== 'allowed')) somewhere = onAll;
  return (
    (somewhere === 'allowed' ? SETTLED_G : 0) |
    (somewhere === 'conditional' ? SETTLED_C : 0) |
    (onAll === 'allowed' ? SETTLED_GA : 0) |
    (onAll === 'conditional' ? SETTLED_CA : 0)
  );
}

/**
 * The settled answer of a covering set from the answers of its identity Allows taken one at a time
 * (same Denies, boundary Allows and types), OR-ed into `x`: the best of them, in each of the two
 * answers. lib/policy/evaluate decides "on every resource" per type from the OR of the Allows'
 * flags and "somewhere" as the best Allow that no Deny removes, then limited by the boundary (the
 * same for every Allow): both are the best over the Allows, granted above conditional above
 * neither (tested against decideCovering of the whole set: test/unit/breadth/effective.test.ts).
 */
export function combineSettled(x: number): number {
  const g = x & SETTLED_G;
  const ga = x & SETTLED_GA;
  return g | (g !== 0 ? 0 : x & SETTLED_C) | ga | (ga !== 0 ? 0 : x & SETTLED_CA);
}

/** `settledBits` of `decideCovering` (exported for the tests of `combineSettled`). */
export function settledOf(c: CoveringStatements, types: readonly ArnTemplate[]): number {
  return settledBits(decideCovering(c, types));
}

/** A result's buffers (one literal: the calculator's two results share their hidden class). */
function newResult(size: number, touched: Int32Array | undefined): EffectivePermissions {
  const words = wordsFor(size);
  return {
    granted: newBitset(size),
    conditional: newBitset(size),
    grantedOnAll: newBitset(size),
    conditionalOnAll: newBitset(size),
    nonZeroWords: new Int32Array(words),
    nonZeroCount: 0,
    base: undefined,
    touched,
    touchedCount: 0,
  };
}

/**
 * `overResult.base` before the calculator's first set over a base: a base no set has (the same
 * fields, in the same order, as `settleBases` results). With `undefined` there, `r.base === based`
 * in computeOverBase met `undefined` only on each new calculator's first set over a base: compiled
 * in one analysis for objects on both sides, it deoptimised in the next ("not a JavaScript
 * object", bench/evaluate's first measured run, realistic) and was compiled again.
 */
/**
 * `slotRow` before the calculator's first resolution: a row no resolution owns (a row's fields in
 * a row's order). With `undefined` there, `row?.owner === owner` in slotRowOf (inlined in
 * computeSet) met `undefined` only on each new calculator's first set: it deoptimised computeSet
 * in bench/evaluate's second measured run ("not a JavaScript object").
 */
const NO_ROW: SlotRow = { owner: {}, slots: new Int32Array(0), actions: new Int32Array(0), coverage: new Int32Array(0), shapes: new Int32Array(0), index: -1 };

const NO_BASE: BaseResult = {
  granted: new Uint32Array(0),
  conditional: new Uint32Array(0),
  grantedOnAll: new Uint32Array(0),
  conditionalOnAll: new Uint32Array(0),
  nonZero: new Int32Array(0),
  count: 0,
};

export class BreadthCalculator {
  private readonly words: number;
  /**
   * How many statement slots there are. A list's statements get slots when the list is folded, one
   * per position, with no lookup by object: a resolution may share one statement object between
   * lists (`ClauseTable.sharedStatement`), which then has a slot per list, all equal in content
   * (test/unit/policy/shared-statements.test.ts). `statementActions` callers get theirs through
   * `askedSlots`. The statement of a slot is read from the set being computed (its lists or its
   * boundary), only for hard words whose shape is not known yet (`shapeAt`): an array of every
   * slot's statement was 50,000 pushes per pessimistic analysis (5.7 ms of self time in a line
   * profile of an esbuild bundle, its growth in fresh large-object pages), and an array of every
   * list by slot (`push`ed, 19,000 per analysis) 0.54 MB of the heap allocated per analysis.
   */
  private slotCount = 0;
  private readonly askedSlots = new WeakMap<NormalizedStatement, number>();
  /** Action sets of the statements: slot s is [stmtRange[2s], stmtRange[2s + 1]) of `stmtArena`. */
  private readonly stmtArena = new SparseArena();
  /**
   * Small at first, like `allowsStarOf`: this and the per-slot / per-list tables below first grow
   * in the interpreter. From 2048 / 1024 / 8192 they first grew mid-analysis, after newStatementSlot
   * and listSlot were compiled (listSlot inlines newStatementSlot): each first growth deoptimised
   * listSlot ("insufficient type feedback", 3 deopts, 4 compiles in a cold realistic analysis).
   */
  private stmtRange = new Int32Array(32);
  /**
   * Large action sets by their pattern list (`N` + NotAction patterns, `A` + Action patterns of
   * a set of at least BASE_WORDS words): one range, one base, shared by every such statement.
   */
  private readonly sharedRanges = new Map<string, number>();
  /** Sparse sets handed out by `statementActions` (built on demand, by slot). */
  private readonly statementViews: (SparseBits | undefined)[] = [];
  private readonly patternCache = new Map<string, SparseBits>();
  /**
   * The row of the resolution whose set `computeSet` is computing (undefined otherwise): its
   * statements' clause ids index it. Resolution shares identical clause arrays across its
   * statements (pessimistic mix: 48,570 statements, 9,621 distinct action lists, 4,900 resource
   * lists), so each distinct clause is unioned, and each Allow resource list looked up in the
   * catalog, once per resolution instead of once per statement.
   */
  private clauseRow: SlotRow | undefined;
  /**
   * Per statement slot: 1 when its `actions` names every action (`unionOfPatterns`), set with its
   * range, + 2 for an Allow (`SLOT_ALLOW`), + 4 × (index + 1) of the resolution row it was folded
   * with (0: none; `shapeId` reads it). One table, not a second one for the effect: each per-slot
   * table is fresh memory in every run, its first writes page faults (see `slotRowOf`).
   * `signature` reads the effect bit for every covering statement, so its boundary test is
   * arithmetic: a `statements[slot].effect` read under `k >= hardBoundaryFrom` was first reached
   * after hardWord was compiled (signature inlined), on the first hard word of a set with a
   * boundary, and deoptimised it ("insufficient type feedback").
   */
  private slotInfo = new Int32Array(16);
  /** The rows of `slotRows`, by `SlotRow.index`. */
  private readonly rows: SlotRow[] = objectList();
  /**
   * Coverage sets of the distinct Allow resource lists (`SlotRow.coverage`): entry e (≥ 2) is
   * `coverSets[coverFrom[e] .. coverTo[e])`.
   */
  private readonly coverSets: Bitset[] = objectList();
  private coverFrom = new Int32Array(256);
  private coverTo = new Int32Array(256);
  private coverEntries = SCRATCH_COVERAGE + 1;
  /** How many sets of `coverage` the last `SCRATCH_COVERAGE` answer holds. */
  private scratchCoverage = 0;
  /** Word indices set in `scratch` by unionOfPatterns (values are never 0 once set). */
  private readonly unionTouched: Int32Array;
  /** One bit per catalog word: `sortDistinct`'s scratch (all zero between calls). */
  private readonly sortBits: Uint32Array;
  private readonly scratch: Bitset;

  /** List slots of identity statement lists (boundaries are folded apart: `boundaryCache`). */
  private readonly listSlots = new WeakMap<readonly NormalizedStatement[], number>();
  /**
   * List slots by resolution-local list id (`computeSet`), for the resolution seen last: an array
   * read per list of a set instead of a WeakMap lookup (82,025 list references in 14,020 sets,
   * pessimistic mix). Rows of other resolutions are found by their owner; `rows` keeps them all (the
   * statements folded with a row name it by index, and the calculator keeps its statements anyway).
   */
  private slotRow: SlotRow = NO_ROW;
  private readonly slotRows = new WeakMap<object, SlotRow>();
  private listCount = 0;
  private readonly listArena = new SparseArena();
  private listRanges = new Int32Array(LIST_STRIDE * 16);
  /** Statement slots of each list: list l's are listStatements[listStmtStart[l] .. listStmtStart[l + 1]). */
  private listStatements = new Int32Array(64);
  private listStmtStart = new Int32Array(17);
  private listStmtTop = 0;
  /**
   * Small at first, like the resolution rows' arrays (`slotRowOf`): its growth then runs in the
   * interpreter at the 16th list. From 1024 it was first grown after listSlot was compiled, which
   * deoptimised it ("insufficient type feedback") and compiled it again in every cold analysis.
   */
  private allowsStarOf = new Uint8Array(16);
  private readonly listMaskObjects: (PolicyMasks | undefined)[] = [];
  /** `listStatementActions` answers by list slot. */
  private readonly listActionViews: (SparseBits[] | undefined)[] = [];
  private readonly boundaryCache = new WeakMap<readonly NormalizedStatement[], BoundaryMasks>();
  private boundaryCount = 0;

  /** Dense scratch used while folding one list: mask k of word w at fold[w * MASKS + k]. */
  private readonly fold: Uint32Array;
  /**
   * The set being computed, its lists' masks merged: mask k of word w at acc[k * words + w]
   * (reused across sets; cleared after each).
   */
  private readonly acc: Uint32Array;
  private readonly result: EffectivePermissions;
  /**
   * The result of sets computed over a base (`computeOverBase`), apart from `result`: between two
   * such sets it keeps the previous one's masks, which differ from its base's only on the words
   * it touched (`overTouched`), so the next set over the same base restores those few words
   * instead of copying the base's four masks whole (~700 words each; 5,925 sets per pessimistic
   * analysis, most over the same base).
   */
  private readonly overResult: EffectivePermissions;
  /** The touched words of the last set computed over a base (`overResult.touched`). */
  private readonly overTouched: Int32Array;
  /** Where `settle` lists the non-zero words of a set over a base (unread: overBaseNonZero lists them). */
  private readonly overSettled: Int32Array;
  /** `overResult.nonZeroWords` holds its base's `nonZero` list (the last set changed no word between zero and non-zero). */
  private overNonZeroIsBase = false;
  /** Coverage sets of one statement's patterns, while it is folded. */
  private readonly coverage: Bitset[] = objectList();

  public constructor(public readonly catalog: ActionCatalog) {
    const n = catalog.size;
    this.words = wordsFor(n);
    this.scratch = newBitset(n);
    this.unionTouched = new Int32Array(wordsFor(n));
    this.computeTouched = new Int32Array(wordsFor(n));
    this.computeStamp = new Int32Array(wordsFor(n));
    this.sortBits = new Uint32Array(wordsFor(wordsFor(n)));
    this.touched = new Int32Array(wordsFor(n));
    this.touchStamp = new Int32Array(wordsFor(n));
    this.fold = new Uint32Array(wordsFor(n) * MASKS);
    this.acc = new Uint32Array(this.words * MASKS);
    this.boundaryAllow = new Uint32Array(this.words * DENY);
    this.hardWords = new Int32Array(this.words);
    this.typeIdOfAction = new Int32Array(n);
    this.result = newResult(n, undefined);
    this.overTouched = new Int32Array(this.words);
    this.overSettled = new Int32Array(this.words);
    this.overResult = newResult(n, this.overTouched);
    this.overResult.base = NO_BASE;
    // Arrays replaced as they grow, stored twice (see `restored`): no deoptimisation at their first growth.
    this.stmtRange = restored(this.stmtRange);
    this.slotInfo = restored(this.slotInfo);
    this.coverFrom = restored(this.coverFrom);
    this.coverTo = restored(this.coverTo);
    this.listRanges = restored(this.listRanges);
    this.listStatements = restored(this.listStatements);
    this.listStmtStart = restored(this.listStmtStart);
    this.allowsStarOf = restored(this.allowsStarOf);
    this.shapeOfSlot = restored(this.shapeOfSlot);
    this.hardSlots = restored(this.hardSlots);
    this.hardBounds = restored(this.hardBounds);
    this.hardList = restored(this.hardList);
    this.hardPos = restored(this.hardPos);
    this.wordValues = restored(this.wordValues);
    this.wordCovers = restored(this.wordCovers);
    this.sigCodes = restored(this.sigCodes);
    this.singleCodes = restored(this.singleCodes);
    this.classes = restored(this.classes);
    this.nextClasses = restored(this.nextClasses);
    this.setLists = restored(this.setLists);
    this.setBaseStarts = restored(this.setBaseStarts);
    this.setBaseMasks = restored(this.setBaseMasks);
    this.baseKey = restored(this.baseKey);
  }

  /** A new slot for the statement, its action set folded into the statement arena. */
  private newStatementSlot(s: NormalizedStatement): number {
    const slot = this.slotCount++;
    // Length checks here, the call only to grow: ~50,000 statements and ~19,000 lists per pessimistic
    // analysis made these calls (a few each) a visible part of listSlot's time.
    if (this.stmtRange.length < 2 * slot + 2) this.stmtRange = growInt32(this.stmtRange, this.grownSize(2 * slot + 2));
    if (this.slotInfo.length < slot + 1) this.slotInfo = growInt32(this.slotInfo, this.grownSize(slot + 1));
    const row = this.clauseRow;
    const rowBits = (row === undefined ? 0 : 4 * (row.index + 1)) + (s.effect === 'Allow' ? SLOT_ALLOW : 0);
    const id = row === undefined ? -1 : ((s as WithClauseIds).actionsId ?? -1);
    if (id >= 0) {
      if (row!.actions.length <= id) row!.actions = growInt32(row!.actions, id + 1);
      const known = row!.actions[id]! - 1;
      if (known >= 0) {
        this.sameRange(slot, known >> 1);
        this.slotInfo[slot] = rowBits + (known & 1);
        return slot;
      }
    }
    let star = 0;
    this.slotInfo[slot] = rowBits;
    if (s.actions) {
      // Sparse all the way: an explicit list of a few actions touches a few words, not ~700.
      const u = this.unionOfPatterns(s.actions, slot);
      const n = u >> 1;
      // A large set (`*`, `*:Get*`…) is shared by the statements naming the same patterns, like a
      // NotAction one. Decided here, not in unionOfPatterns: two statements per cold realistic
      // analysis take this branch, after unionOfPatterns (its loops) was compiled: the branch
      // deoptimised it ("insufficient type feedback") and it was compiled again. This function is
      // compiled later (after them, in the cold runs traced).
      if (n >= BASE_WORDS && !this.sharedUnion(s.actions, n, slot)) this.storeUnion(n, slot);
      star = u & 1;
      this.slotInfo[slot] = rowBits + star;
    } else if (s.notActions) {
      this.notActionRange(s.notActions, slot);
    } else {
      this.stmtRange[2 * slot] = this.stmtArena.top;
      this.stmtRange[2 * slot + 1] = this.stmtArena.top;
    }
    if (id >= 0) row!.actions[id] = slot * 2 + star + 1;
    return slot;
  }

  /** Statement `slot` gets the action set (range) of slot `from`. */
  private sameRange(slot: number, from: number): void {
    this.stmtRange[2 * slot] = this.stmtRange[2 * from]!;
    this.stmtRange[2 * slot + 1] = this.stmtRange[2 * from + 1]!;
  }

  /** NotAction = the catalog minus the listed patterns: dense, one range per distinct list (by content). */
  private notActionRange(notActions: readonly string[], slot: number): void {
    const key = `N${notActions.join('\n')}`;
    const shared = this.sharedRanges.get(key);
    if (shared !== undefined) {
      this.sameRange(slot, shared);
      return;
    }
    // Own buffer: `scratch` must stay all-zero between unionOfPatterns calls.
    const excluded = newBitset(this.catalog.size);
    for (const p of notActions) orSparse(excluded, this.patternBits(p));
    const all = this.catalog.all;
    for (let i = 0; i < excluded.length; i++) excluded[i] = all[i]! & ~excluded[i]!;
    this.storeDense(excluded, slot);
    this.sharedRanges.set(key, slot);
  }

  /** Store a dense set's non-zero words as statement `slot`'s range. */
  private storeDense(dense: Bitset, slot: number): void {
    const arena = this.stmtArena;
    arena.reserve(dense.length);
    const { words, values } = arena;
    const start = arena.top;
    let top = start;
    for (let i = 0; i < dense.length; i++) {
      if (dense[i] !== 0) {
        words[top] = i;
        values[top] = dense[i]!;
        top += 1;
      }
    }
    arena.top = top;
    this.stmtRange[2 * slot] = start;
    this.stmtRange[2 * slot + 1] = top;
  }

  /**
   * Actions a statement's action clause covers (`NotAction` = catalog minus the listed
   * patterns), sparse. Cached per statement object. Shared: never mutate. For a whole list's
   * statements `listStatementActions` answers without a lookup (and a second slot) per statement.
   */
  public statementActions(s: NormalizedStatement): SparseBits {
    let slot = this.askedSlots.get(s);
    if (slot === undefined) {
      slot = this.newStatementSlot(s);
      this.askedSlots.set(s, slot);
    }
    return this.slotView(slot);
  }

  /**
   * The action sets of a list's statements, in order: what `statementActions` answers for each,
   * from the slots the list's fold gave them (no lookup or new slot per statement). Cached per
   * list. Shared: never mutate. The reference reader: the analysis reads the allocation-free
   * `statement…At` readers below; tests (test/unit/breadth/effective.test.ts) check them against this.
   */
  public listStatementActions(statements: readonly NormalizedStatement[]): readonly SparseBits[] {
    return this.listStatementActionsAt(this.listSlot(statements));
  }

  /**
   * The list's slot: a small number (0, 1, 2… in first-seen order, per calculator), folded on
   * first sight. Callers keeping facts per list can index an array by it and ask the `…At`
   * methods, instead of one identity lookup per question.
   */
  public listSlotOf(statements: readonly NormalizedStatement[]): number {
    return this.listSlot(statements);
  }

  /**
   * The slot of `set.lists[q]`, as `listSlotOf` would give it, but found by the set: for the set
   * computed last, its slot array (no scan); for a resolved set computed before, its resolution
   * row (by the list's local id). Only other lists are looked up by object (a list folded from a
   * resolution row is not in the by-object map, which filling cost a runtime call per fold: 18,840
   * per pessimistic analysis, ~1.6% of the steady evaluation's ticks).
   */
  public listSlotOfSet(set: PolicySet, q: number): number {
    if (this.lastLists === set.lists) return this.setLists[q]!;
    const resolved = set as ResolvedIds;
    const memo = resolved.memo;
    if (memo !== undefined && resolved.listIdAt !== undefined) {
      const row = this.slotRows.get(memo);
      if (row !== undefined) {
        const id = resolved.listIdAt(q);
        const l = id < row.slots.length ? row.slots[id]! - 1 : -1;
        if (l >= 0) return l;
      }
    }
    return this.listSlot(set.lists[q]!);
  }

  /** `listStatementActions` for a slot from `listSlotOf` (reference reader for tests, like it). */
  public listStatementActionsAt(l: number): readonly SparseBits[] {
    let out = this.listActionViews[l];
    if (!out) {
      out = [];
      for (let j = this.listStmtStart[l]!; j < this.listStmtStart[l + 1]!; j++) out.push(this.slotView(this.listStatements[j]!));
      this.listActionViews[l] = out;
    }
    return out;
  }

  // Allocation-free reads of a list's statement action sets (what `listStatementActionsAt(l)[j]`
  // holds, without the view objects): `l` from `listSlotOf`, 0 <= j < statementCountAt(l),
  // 0 <= v < statementWordCountAt(l, j). Not checked: they read the arenas directly.

  /** How many statements list slot `l` has (tests' bound for the readers below; the analysis loops over its own statement lists). */
  public statementCountAt(l: number): number {
    return this.listStmtStart[l + 1]! - this.listStmtStart[l]!;
  }

  /** How many non-zero words statement `j` of list slot `l` has in its action set. */
  public statementWordCountAt(l: number, j: number): number {
    const slot = this.listStatements[this.listStmtStart[l]! + j]!;
    return this.stmtRange[2 * slot + 1]! - this.stmtRange[2 * slot]!;
  }

  /** The word index of the `v`-th non-zero word (ascending) of statement `j` of list slot `l`. */
  public statementWordAt(l: number, j: number, v: number): number {
    return this.stmtArena.words[this.stmtRange[2 * this.listStatements[this.listStmtStart[l]! + j]!]! + v]!;
  }

  /** The bits of the `v`-th non-zero word of statement `j` of list slot `l`. */
  public statementBitsAt(l: number, j: number, v: number): number {
    return this.stmtArena.values[this.stmtRange[2 * this.listStatements[this.listStmtStart[l]! + j]!]! + v]!;
  }

  /** The bits of word `w` in the action set of statement `j` of list slot `l` (0 when absent; binary search). */
  public statementBitsOfWord(l: number, j: number, w: number): number {
    const slot = this.listStatements[this.listStmtStart[l]! + j]!;
    return this.stmtArena.word(this.stmtRange[2 * slot]!, this.stmtRange[2 * slot + 1]!, w);
  }

  /** Statement slot `slot`'s action set as a sparse view of the statement arena (built once). */
  private slotView(slot: number): SparseBits {
    let view = this.statementViews[slot];
    if (!view) {
      const start = this.stmtRange[2 * slot]!;
      const end = this.stmtRange[2 * slot + 1]!;
      view = start === end ? EMPTY : { words: this.stmtArena.words.subarray(start, end), values: this.stmtArena.values.subarray(start, end) };
      this.statementViews[slot] = view;
    }
    return view;
  }

  /**
   * Actions one (lower-cased) pattern names, sparse, cached per pattern text. A miss is its own
   * function: unionOfPatterns inlines this, and with the miss (the catalog's expansion, toSparse)
   * inlined too its compiled graph was larger.
   */
  private patternBits(pattern: string): SparseBits {
    return this.patternCache.get(pattern) ?? this.newPatternBits(pattern);
  }

  /** `patternBits` of a pattern not seen yet. */
  private newPatternBits(pattern: string): SparseBits {
    let bits: SparseBits;
    if (hasWildcard(pattern)) bits = toSparse(this.catalog.expand(pattern), ...this.wordsNamed(pattern)) ?? EMPTY;
    else {
      const id = this.catalog.idOf(pattern);
      bits = id === undefined ? EMPTY : { words: Uint16Array.of(id >>> 5), values: Uint32Array.of((1 << (id & 31)) >>> 0) };
    }
    this.patternCache.set(pattern, bits);
    return bits;
  }

  /**
   * The words [from, to) an action pattern's expansion lies in: its service's, when the part before
   * the first colon is a known service without wildcard (the catalog expands such a pattern within
   * that service's ids), else every word. toSparse then reads a few words per pattern, not twice the
   * ~700 of the catalog: with those loops it was compiled in every cold analysis for 64 patterns.
   */
  private wordsNamed(pattern: string): [number, number] {
    const colon = pattern.indexOf(':');
    const service = colon > 0 && !hasWildcard(pattern.slice(0, colon)) ? this.catalog.service(pattern.slice(0, colon)) : undefined;
    return service === undefined ? [0, this.words] : [service.start >>> 5, (service.end + 31) >>> 5];
  }

  /**
   * The union of the patterns' sparse sets, through the scratch (cleared word by word), stored as
   * statement `slot`'s range; a large one (≥ BASE_WORDS words) is left in the scratch, its words
   * in `unionTouched[0 .. n)`, for the caller to share or store. Returns n × 2, + 1 when the list
   * names every action: `*`, `*:*` or a run of stars (only a pattern starting with `*` can: no glob
   * lookup for the others), checked in the same pass.
   * The store and the check are here, not calls: with them this function (compiled first, its
   * loops getting hot before newStatementSlot) no longer fits newStatementSlot's inlining budget,
   * whose compile inlined it, the store and sortDistinct again. Cold realistic, --log-code:
   * newStatementSlot's code 9.6 → 3.4 KB, and the store (4.4 KB, compiled apart too) is gone.
   */
  private unionOfPatterns(patterns: readonly string[], slot: number): number {
    const dense = this.scratch;
    const touched = this.unionTouched;
    let n = 0;
    let star = 0;
    for (let j = 0; j < patterns.length; j++) {
      const p = patterns[j]!;
      // The two usual spellings are compared for every pattern, not only after a leading `*`: a
      // comparison first reached after its function was compiled (the first `*` statement)
      // deoptimised it ("insufficient type feedback for compare operation").
      if (p === '*' || p === '*:*' || (p.charCodeAt(0) === 42 && glob(p).any)) star = 1;
      const { words, values } = this.patternBits(p);
      for (let k = 0; k < words.length; k++) {
        const w = words[k]!;
        if (dense[w] === 0) touched[n++] = w;
        dense[w]! |= values[k]!;
      }
    }
    // Computed before the test: arithmetic in the large branch (two statements per cold realistic
    // analysis, after this function was compiled) deoptimised it ("insufficient type feedback for
    // binary operation"); a bare return there does not.
    const answer = 2 * n + star;
    if (n >= BASE_WORDS) return answer;
    const arena = this.stmtArena;
    arena.reserve(n);
    const start = arena.top;
    sortDistinct(touched, n, this.sortBits);
    const { words, values } = arena;
    for (let k = 0; k < n; k++) {
      const w = touched[k]!;
      words[start + k] = w;
      values[start + k] = dense[w]!;
      dense[w] = 0;
    }
    arena.top = start + n;
    this.stmtRange[2 * slot] = start;
    this.stmtRange[2 * slot + 1] = start + n;
    return answer;
  }

  /**
   * For a large union (`n` words in the scratch): true when an earlier statement named the same
   * patterns, its range now `slot`'s too (the scratch cleared); else false, `slot` recorded for
   * later ones (the caller stores the union).
   */
  private sharedUnion(patterns: readonly string[], n: number, slot: number): boolean {
    const key = `A${patterns.join('\n')}`;
    const shared = this.sharedRanges.get(key);
    if (shared === undefined) {
      this.sharedRanges.set(key, slot);
      return false;
    }
    const dense = this.scratch;
    const touched = this.unionTouched;
    for (let k = 0; k < n; k++) dense[touched[k]!] = 0;
    this.sameRange(slot, shared);
    return true;
  }

  /**
   * Store the large union in the scratch (`unionTouched[0 .. n)`) as statement `slot`'s range,
   * clearing the scratch. unionOfPatterns stores the others with the same lines, inline on purpose
   * (see its comment: as a call, this store was compiled a second time inside newStatementSlot).
   */
  private storeUnion(n: number, slot: number): void {
    const dense = this.scratch;
    const touched = this.unionTouched;
    const arena = this.stmtArena;
    arena.reserve(n);
    const start = arena.top;
    sortDistinct(touched, n, this.sortBits);
    const { words, values } = arena;
    for (let k = 0; k < n; k++) {
      const w = touched[k]!;
      words[start + k] = w;
      values[start + k] = dense[w]!;
      dense[w] = 0;
    }
    arena.top = start + n;
    this.stmtRange[2 * slot] = start;
    this.stmtRange[2 * slot + 1] = start + n;
  }

  /** Per mask: its word count, then its write position (storeFold). */
  private readonly maskCursor = new Int32Array(MASKS);
  /** The masks `foldKeys` names, ascending (storeFold's scratch). */
  private readonly foldKeyList = new Int32Array(MASKS);
  /** Word indices written while folding one list, so only they are read back and cleared. */
  private readonly touched: Int32Array;
  private readonly touchStamp: Int32Array;
  private touchedCount = 0;
  private foldRound = 0;

  /** The base of the list being folded (see `BASE_WORDS`): statement arena range and masks. */
  private foldBaseStart = 0;
  private foldBaseEnd = 0;
  private foldBaseMasks = 0;
  /** The fold masks written since the fold began (bit k = mask k): storeFold visits only these. */
  private foldKeys = 0;

  /**
   * OR statement `slot`'s action set into fold mask `key`. A large set becomes the list's base
   * instead (by reference; one base per list, the same set in several masks), so it is neither
   * copied nor stored again.
   */
  private orFold(key: number, slot: number): void {
    const start = this.stmtRange[2 * slot]!;
    const end = this.stmtRange[2 * slot + 1]!;
    if (end - start >= BASE_WORDS && (this.foldBaseMasks === 0 || this.foldBaseStart === start)) {
      this.foldBaseStart = start;
      this.foldBaseEnd = end;
      this.foldBaseMasks |= 1 << key;
      return;
    }
    if (start === end) return;
    this.foldKeys |= 1 << key;
    const fold = this.fold;
    const { words, values } = this.stmtArena;
    for (let k = start; k < end; k++) {
      const w = words[k]!;
      fold[w * MASKS + key]! |= values[k]!;
      this.touch(w);
    }
  }

  /** List word `w` among the fold's touched words (once per fold). */
  private touch(w: number): void {
    if (this.touchStamp[w] !== this.foldRound) {
      this.touchStamp[w] = this.foldRound;
      this.touched[this.touchedCount++] = w;
    }
  }

  /**
   * OR into fold mask `key` the actions of statement `slot` of which some pattern covers a
   * whole resource type (ARN coverage, lib/policy/resources.ts through the catalog). The words
   * written are stamped: the statement's own may have gone to the list's base, unstamped.
   */
  private orFoldCovered(key: number, slot: number, patterns: readonly string[]): void {
    // Most scoped ARNs (one bucket's objects, one table) cover no whole type: they share the
    // catalog's empty set, so nothing is visited for them.
    const none = this.catalog.coversNothing;
    // A count, not `length = 0` + push: emptying an array drops its backing store (one per call).
    const covered = this.coverage;
    let n = 0;
    for (let k = 0; k < patterns.length; k++) {
      const c = this.catalog.actionsCoveredBy(patterns[k]!);
      if (c !== none) covered[n++] = c;
    }
    this.orFoldCoverage(key, slot, covered, 0, n);
  }

  /**
   * The coverage sets of an Allow's `Resource` patterns into `coverage` (those covering some
   * type); -1 as soon as one names every resource (`isUnscoped`: the catalog answers `all` for
   * exactly the patterns `glob` calls `any`). One pass over the patterns where `isUnscoped`
   * then `orFoldCovered` made two (fresh strings: the second read of each was a cache miss).
   */
  private allowCoverage(s: NormalizedStatement, resources: readonly string[]): number {
    const row = this.clauseRow;
    const id = row === undefined ? -1 : ((s as WithClauseIds).resourcesId ?? -1);
    if (id < 0) return this.scratchCoverageOf(resources);
    if (row!.coverage.length <= id) row!.coverage = growInt32(row!.coverage, id + 1);
    const known = row!.coverage[id]!;
    if (known !== 0) return known - 2;
    const covered = this.coverSets;
    const from = covered.length;
    let entry = this.scratchCoverageOf(resources);
    if (entry === SCRATCH_COVERAGE) {
      // One set per entry, the union of the list's: orFoldCoverage (23,669 calls per pessimistic
      // analysis, ~2 sets each) then reads one word per statement word, not one per set.
      covered.push(this.scratchCoverage === 1 ? this.coverage[0]! : this.scratchUnion());
      entry = this.coverEntries++;
      this.coverFrom = growInt32(this.coverFrom, entry + 1);
      this.coverTo = growInt32(this.coverTo, entry + 1);
      this.coverFrom[entry] = from;
      this.coverTo[entry] = covered.length;
    }
    row!.coverage[id] = entry + 2;
    return entry;
  }

  /**
   * The union of the scratch's coverage sets (`coverage[0 .. scratchCoverage)`), a new bitset. Word
   * loops by `orDense` (compiled anyway): a loop of its own over sets of ~700 words made this
   * function hot within one call, compiled twice in the cold analysis (on-stack replacement, then
   * the regular compile: 3.4 ms of the traced compile time).
   */
  private scratchUnion(): Bitset {
    const sets = this.coverage;
    const u = sets[0]!.slice();
    for (let k = 1; k < this.scratchCoverage; k++) BreadthCalculator.orDense(u, 0, sets[k]!);
    return u;
  }

  /**
   * `allowCoverage` of a list without a resolution id: −1 (unscoped), 0 (covers no whole type)
   * or `SCRATCH_COVERAGE` (the sets are the first `scratchCoverage` of `coverage`).
   */
  private scratchCoverageOf(resources: readonly string[]): number {
    const none = this.catalog.coversNothing;
    const all = this.catalog.all;
    const covered = this.coverage;
    let n = 0;
    for (let k = 0; k < resources.length; k++) {
      const c = this.catalog.actionsCoveredBy(resources[k]!);
      if (c === all) return -1;
      if (c !== none) covered[n++] = c;
    }
    this.scratchCoverage = n;
    return n === 0 ? 0 : SCRATCH_COVERAGE;
  }

  /** OR into fold mask `key` the actions of statement `slot` that coverage entry `entry` (`allowCoverage`, ≥ 0) covers. */
  private orFoldEntry(key: number, slot: number, entry: number): void {
    if (entry === SCRATCH_COVERAGE) this.orFoldCoverage(key, slot, this.coverage, 0, this.scratchCoverage);
    else if (entry > 0) this.orFoldCoverage(key, slot, this.coverSets, this.coverFrom[entry]!, this.coverTo[entry]!);
  }

  /** OR into fold mask `key` the actions of statement `slot` that the sets `covered[from .. to)` cover. */
  private orFoldCoverage(key: number, slot: number, covered: readonly Bitset[], from: number, to: number): void {
    if (from === to) return;
    const fold = this.fold;
    const { words, values } = this.stmtArena;
    const end = this.stmtRange[2 * slot + 1]!;
    for (let k = this.stmtRange[2 * slot]!; k < end; k++) {
      const w = words[k]!;
      let union = 0;
      for (let j = from; j < to; j++) union |= covered[j]![w]!;
      const bits = values[k]! & union;
      if (bits === 0) continue;
      this.foldKeys |= 1 << key;
      fold[w * MASKS + key]! |= bits;
      this.touch(w);
    }
  }

  /**
   * Fold statements into the fold scratch (touched words listed, ascending). Per Allow: its
   * actions; on every resource, all of them for `*` or `NotResource`, for ARN patterns those
   * of which a pattern names every resource of one of their types; "hard", those of a
   * `NotResource` Allow whose listed patterns name whole types (it may exclude every resource
   * of the action), and in a boundary those of an Allow on ARN patterns (its types must meet
   * the identity policies' types). A Deny on `*` removes (or, conditional, may remove) its
   * actions; any other Deny makes them hard. Returns whether an Allow names `*` or `*:*`.
   */
  private foldStatements(statements: readonly NormalizedStatement[], boundary: boolean, slots: Int32Array, from: number): boolean {
    this.foldRound += 1;
    this.touchedCount = 0;
    this.foldBaseStart = 0;
    this.foldBaseEnd = 0;
    this.foldBaseMasks = 0;
    this.foldKeys = 0;
    let allowsStar = false;
    for (let j = 0; j < statements.length; j++) {
      const s = statements[j]!;
      const slot = slots[from + j]!;
      if (s.effect === 'Allow') {
        if ((this.slotInfo[slot]! & 1) === 1) allowsStar = true;
        this.orFold(s.conditional ? COND_ALLOW : ALLOW, slot);
        // isUnscoped(s), with the coverage of its patterns worked out in the same lookup.
        const resources = s.resources;
        const entry = resources ? this.allowCoverage(s, resources) : 0;
        const unscoped = resources ? entry < 0 : s.notResources !== undefined;
        if (unscoped) this.orFold(s.conditional ? COND_ALLOW_ON_ALL : ALLOW_ON_ALL, slot);
        else this.orFoldEntry(s.conditional ? COND_ALLOW_ON_ALL : ALLOW_ON_ALL, slot, entry);
        if (s.notResources) this.orFoldCovered(HARD, slot, s.notResources);
        else if (boundary && !unscoped) this.orFoldEntry(HARD, slot, entry);
      } else if (deniesEverywhere(s)) {
        this.orFold(s.conditional ? COND_DENY : DENY, slot);
      } else {
        // Scoped or NotResource Deny: what it leaves depends on the Allows' resources.
        this.orFold(HARD, slot);
      }
    }
    // Ascending word order: sparse sets are binary-searched.
    sortDistinct(this.touched, this.touchedCount, this.sortBits);
    return allowsStar;
  }

  /**
   * Move the fold scratch into the list arena as seven ranges starting at `ranges[base]`
   * (mask by mask, non-zero words only), followed by the fold's base, and clear it.
   */
  private storeFold(ranges: Int32Array, base: number): void {
    const fold = this.fold;
    const touched = this.touched;
    const n = this.touchedCount;
    const arena = this.listArena;
    // Only the masks the fold wrote (most lists write one or two of the seven): the others' ranges
    // are empty. Visiting all seven per touched word, twice, was most of storeFold.
    const keys = this.foldKeyList;
    let u = 0;
    for (let key = 0; key < MASKS; key++) if (this.foldKeys & (1 << key)) keys[u++] = key;
    // Count each mask's non-zero words first, so one pass over the touched words writes them all.
    const at = this.maskCursor;
    at.fill(0);
    for (let k = 0; k < n; k++) {
      const b = touched[k]! * MASKS;
      for (let j = 0; j < u; j++) {
        const key = keys[j]!;
        if (fold[b + key] !== 0) at[key]! += 1;
      }
    }
    let top = arena.top;
    for (let key = 0; key < MASKS; key++) {
      const count = at[key]!;
      ranges[base + key] = top;
      at[key] = top;
      top += count;
    }
    ranges[base + MASKS] = top;
    arena.reserve(top - arena.top, this.grownSize(top));
    const { words, values } = arena;
    for (let k = 0; k < n; k++) {
      const w = touched[k]!;
      const b = w * MASKS;
      for (let j = 0; j < u; j++) {
        const key = keys[j]!;
        const v = fold[b + key]!;
        if (v !== 0) {
          const i = at[key]!;
          words[i] = w;
          values[i] = v;
          at[key] = i + 1;
          fold[b + key] = 0;
        }
      }
    }
    arena.top = top;
    this.touchedCount = 0;
    ranges[base + BASE_START] = this.foldBaseStart;
    ranges[base + BASE_END] = this.foldBaseEnd;
    ranges[base + BASE_MASKS] = this.foldBaseMasks;
  }

  /**
   * The lists of the set computed last, their slots in `setLists` (undefined while a set is being
   * computed). The analysis asks about those lists right after computing their set (escalation
   * facts, `listAllowsStar`): found by comparing references, no WeakMap lookup.
   */
  private lastLists: readonly (readonly NormalizedStatement[])[] | undefined;

  /**
   * The list's slot, folded into the list arena on first sight. `isNew`: the caller knows the list
   * has no slot yet (computeSlots, for a list its resolution row has none for: the row is where the
   * list's first fold put its slot), so the lookups are skipped (a WeakMap miss per fold, 19,846 per
   * pessimistic analysis). Were such a list folded by another way first, it gets a second slot of
   * equal content: same answers. A flag, not a function of its own for the fold: computeSlots then
   * inlined that function (443 bytes of bytecode; 8.9 -> 11.1 KB of optimised code, cold realistic).
   */
  private listSlot(statements: readonly NormalizedStatement[], isNew = false): number {
    let slot: number | undefined;
    if (!isNew) {
      const last = this.lastLists;
      if (last !== undefined) for (let q = 0; q < last.length; q++) if (last[q] === statements) return this.setLists[q]!;
      slot = this.listSlots.get(statements);
      if (slot !== undefined) return slot;
    }
    slot = this.listCount++;
    // A list folded from a resolution row is found again by its row (computeSlots, listSlotOfSet).
    if (!isNew) this.listSlots.set(statements, slot);
    if (this.listRanges.length < LIST_STRIDE * (slot + 1)) this.listRanges = growInt32(this.listRanges, LIST_STRIDE * (slot + 1));
    if (this.listStmtStart.length < slot + 2) this.listStmtStart = growInt32(this.listStmtStart, slot + 2);
    if (this.allowsStarOf.length <= slot) {
      const grown = new Uint8Array(this.allowsStarOf.length * 2);
      grown.set(this.allowsStarOf);
      this.allowsStarOf = grown;
    }
    const from = this.listStmtTop;
    if (this.listStatements.length < from + statements.length) this.listStatements = growInt32(this.listStatements, this.grownSize(from + statements.length));
    for (let j = 0; j < statements.length; j++) this.listStatements[from + j] = this.newStatementSlot(statements[j]!);
    this.listStmtTop = from + statements.length;
    this.listStmtStart[slot] = from;
    this.listStmtStart[slot + 1] = this.listStmtTop;
    this.allowsStarOf[slot] = this.foldStatements(statements, false, this.listStatements, from) ? 1 : 0;
    this.storeFold(this.listRanges, LIST_STRIDE * slot);
    return slot;
  }

  /**
   * Room in the per-list tables for `n` more lists (a resolution's count, `slotRowOf`): sized once,
   * exactly, instead of a chain of doublings (see slotRowOf).
   */
  private reserveLists(n: number): void {
    const lists = this.listCount + n;
    this.listTarget = lists;
    if (this.listRanges.length < LIST_STRIDE * lists) this.listRanges = copiedInt32(this.listRanges, LIST_STRIDE * lists);
    if (this.listStmtStart.length < lists + 1) this.listStmtStart = copiedInt32(this.listStmtStart, lists + 1);
    if (this.allowsStarOf.length < lists) {
      const grown = new Uint8Array(lists);
      grown.set(this.allowsStarOf);
      this.allowsStarOf = grown;
    }
  }

  /** Lists the calculator expects by the end (`reserveLists`; 0 when no resolution said). */
  private listTarget = 0;

  /**
   * The size to grow a table to (or an arena) that must hold `need` entries and grows about in
   * proportion to the lists folded (statement slots, list statements, the list arena): `need`
   * scaled to the lists expected (`listTarget`), with a quarter more, once 64 lists are folded;
   * else `need` (the caller doubles). Grown by doubling alone, each table was a chain of copies
   * whose older links were written whole: fresh pages, a page fault each (see `slotRowOf`).
   * Overshooting costs little: pages never written are never faulted in.
   */
  private grownSize(need: number): number {
    const lists = this.listCount;
    if (lists < 64 || this.listTarget <= lists) return need;
    // Divided first: `need * listTarget` passed 2^31 in the cold pessimistic analysis (list arena top
    // x ~19k lists), after storeFold was compiled with this inlined as int32 arithmetic: deoptimised
    // ("overflow") and compiled again (15.7 ms of traced compile for the two). A quotient is a double
    // from the first call. Only a capacity: a rounding difference changes no result.
    return Math.max(need, Math.ceil((need / lists) * this.listTarget * 1.25));
  }

  /** Fold a policy's statements into sparse masks (cached per statement array). */
  public policyMasks(statements: NormalizedStatement[]): PolicyMasks {
    const slot = this.listSlot(statements);
    let masks = this.listMaskObjects[slot];
    if (!masks) {
      masks = new ListMasks(this.listArena, this.stmtArena, this.listRanges, LIST_STRIDE * slot, this.allowsStarOf[slot] === 1);
      this.listMaskObjects[slot] = masks;
    }
    return masks;
  }

  /** Does the statement list hold an Allow of `*` / `*:*`? (what `policyMasks(list).allowsStar` says, without the object) */
  public listAllowsStar(statements: readonly NormalizedStatement[]): boolean {
    return this.allowsStarOf[this.listSlot(statements)] === 1;
  }

  /** `listAllowsStar` for a slot from `listSlotOf` / `listSlotOfSet`. */
  public listAllowsStarAt(slot: number): boolean {
    return this.allowsStarOf[slot] === 1;
  }

  /**
   * Does the list's Allow or conditional Allow mask hold a bit in a word `wordMark` marks
   * (`wordMark[w] >= 0`)? What `policyMasks(list).allow` / `.conditionalAllow` would answer,
   * read straight from the arena (no mask objects).
   */
  public listAllowTouches(statements: readonly NormalizedStatement[], wordMark: ArrayLike<number>): boolean {
    return this.listAllowTouchesAt(this.listSlot(statements), wordMark);
  }

  /** `listAllowTouches` for a slot from `listSlotOf`. */
  public listAllowTouchesAt(slot: number, wordMark: ArrayLike<number>): boolean {
    const base = LIST_STRIDE * slot;
    const ranges = this.listRanges;
    const words = this.listArena.words;
    // ALLOW and COND_ALLOW are adjacent ranges.
    const end = ranges[base + COND_ALLOW + 1]!;
    for (let k = ranges[base + ALLOW]!; k < end; k++) if (wordMark[words[k]!]! >= 0) return true;
    if ((ranges[base + BASE_MASKS]! & ALLOW_MASKS) === 0) return false;
    const baseWords = this.stmtArena.words;
    const baseEnd = ranges[base + BASE_END]!;
    for (let k = ranges[base + BASE_START]!; k < baseEnd; k++) if (wordMark[baseWords[k]!]! >= 0) return true;
    return false;
  }

  private boundaryMasks(statements: readonly NormalizedStatement[]): BoundaryMasks {
    const cached = this.boundaryCache.get(statements);
    if (cached) return cached;
    const slots = new Int32Array(statements.length);
    for (let j = 0; j < statements.length; j++) slots[j] = this.newStatementSlot(statements[j]!);
    this.foldStatements(statements, true, slots, 0);
    const masks: BoundaryMasks = { ranges: new Int32Array(LIST_STRIDE), slots, statements, id: ++this.boundaryCount };
    this.storeFold(masks.ranges, 0);
    this.boundaryCache.set(statements, masks);
    return masks;
  }

  /** Does any of the principal's policies hold an Allow of `*` / `*:*`? (cheap pre-check for admin detection) */
  public allowsStar(principal: Principal): boolean {
    return principal.policies.some((p) => this.listAllowsStar(p.statements));
  }

  private readonly typeListIds = new WeakMap<readonly ArnTemplate[], number>();
  /** Per action id: the id of its resource-type list (0 = not looked up yet). */
  private readonly typeIdOfAction: Int32Array;
  /**
   * Decisions by signature: whether a boundary applies, the resource-type list and the
   * covering statements' resource shapes (see `shapeId`), sorted and deduplicated. Kept
   * across policy sets: sets sharing policies, or policies sharing resource clauses, share
   * their hard decisions. Keyed by numbers (head: type list × 2 + boundary?, then the shape
   * codes), valued by `settledBits`: no key string is built per lookup.
   */
  private readonly hardMemo = new IntTupleMap();
  /**
   * Resource-shape id + 1 by statement slot (0 until needed). Zero for unknown, not −1: a table filled
   * with −1 was written whole (fresh pages, a page fault each, see `slotRowOf`); most slots are never asked.
   */
  private shapeOfSlot = new Int32Array(0);
  /**
   * The other shapes (several resources, `NotResource`…), by effect and condition as below, then
   * by the first resource (or NotResource) text: the few shapes sharing it are told apart by
   * comparing their lists (no JSON key written and hashed per statement).
   */
  private readonly otherShapes: Map<string, OtherShape[]>[] = [new Map(), new Map(), new Map(), new Map()];
  /**
   * Shape ids of the usual statement, one `Resource` and no `NotResource`, by effect and
   * condition (Deny, conditional Deny, Allow, conditional Allow), then by the resource text
   * itself: no key string to build (and the fold has usually hashed that string already).
   */
  private readonly oneResourceShapes: Map<string, number>[] = [new Map(), new Map(), new Map(), new Map()];
  /**
   * One statement per shape id, the first seen: decisions are asked with these, so the
   * policy engine's per-statement memos (type coverage, Deny removal) serve every statement
   * of the shape.
   */
  private readonly shapeStatements: NormalizedStatement[] = objectList();

  /**
   * `decideCovering` reads of a statement only its effect, `conditional`, `Resource` and
   * `NotResource` (never its actions: the covering statements are given), and its answer
   * does not depend on the order or repetition of the statements in each role. So statements
   * with the same four fields are interchangeable in a signature: one id per distinct shape.
   */
  private shapeId(slot: number, st: NormalizedStatement): number {
    if (this.shapeOfSlot.length <= slot) {
      const grown = new Int32Array(Math.max(this.grownSize(this.slotCount), this.shapeOfSlot.length * 2));
      grown.set(this.shapeOfSlot);
      this.shapeOfSlot = grown;
    }
    let id = this.shapeOfSlot[slot]! - 1;
    if (id < 0) {
      const resources = st.resources;
      // Ids count shapes in first-seen order across both tables (a shape is in exactly one of them).
      const next = this.shapeStatements.length;
      const table = (st.effect === 'Allow' ? 2 : 0) + (st.conditional ? 1 : 0);
      const notResources = st.notResources;
      const rowIndex = (this.slotInfo[slot]! >> 2) - 1;
      const rid = rowIndex < 0 ? -1 : ((st as WithClauseIds).resourcesId ?? -1);
      if (rid >= 0 && (resources === undefined) !== (notResources === undefined)) {
        // One clause, with the resolution's id: the shape by that id (no lookup by resource text).
        const row = this.rows[rowIndex]!;
        const at = rid * 8 + table * 2 + (resources === undefined ? 1 : 0);
        if (row.shapes.length <= at) row.shapes = growInt32(row.shapes, at + 1);
        id = row.shapes[at]! - 1;
        if (id < 0) {
          id = next;
          row.shapes[at] = id + 1;
        }
      } else if (resources !== undefined && resources.length === 1 && notResources === undefined) {
        const byResource = this.oneResourceShapes[table]!;
        id = byResource.get(resources[0]!) ?? next;
        if (id === next) byResource.set(resources[0]!, id);
      } else {
        const byFirst = this.otherShapes[table]!;
        const first = resources?.[0] ?? notResources?.[0] ?? '';
        let bucket = byFirst.get(first);
        if (!bucket) byFirst.set(first, (bucket = []));
        id = next;
        for (let k = 0; k < bucket.length; k++) {
          const o = bucket[k]!;
          if (sameTexts(o.resources, resources) && sameTexts(o.notResources, notResources)) {
            id = o.id;
            break;
          }
        }
        if (id === next) bucket.push({ resources, notResources, id });
      }
      if (id === next) this.shapeStatements.push(st);
      this.shapeOfSlot[slot] = id + 1;
    }
    return id;
  }

  /** Statement slots of `hardMemoLists` (identity lists, then the boundary's), flattened once per set. */
  private hardSlots = new Int32Array(64);
  /**
   * Per `hardSlots` entry: its action set's first word << 16 | its last word (`NO_BOUNDS` for an
   * empty set), read from the statement arena once per set by `flattenHard`. hardWord asks every
   * statement of the set for each hard word and few span it: with the bounds side by side, in the
   * order hardWord reads them, most are turned away without the slot's range and arena words (two
   * scattered reads each, the costliest lines of hardWord in a pessimistic line profile).
   */
  private hardBounds = new Int32Array(64);
  /**
   * Where the statement of each `hardSlots` entry is: its list's position in the set (the list
   * count: the boundary; see `hardStmtLists`) and its position in that list (`shapeAt`). Numbers, not the statements: `shapeId`
   * needs a statement only for a slot whose shape is not known yet. Flattening the statement objects into an array
   * (144,412 stores per pessimistic analysis, each a read of a list array not in cache) was the
   * costliest line of flattenHard (line profile of an esbuild bundle: 14.7 of its 21.5 units).
   */
  private hardList = new Int32Array(64);
  private hardPos = new Int32Array(64);
  private hardCount = 0;
  private hardBoundaryFrom = 0;
  /** Per flattened statement: its action bits in the word being decided. */
  private wordValues = new Int32Array(64);
  /**
   * Indices (into `hardSlots`) of the statements covering some bit of the word being decided,
   * the first `wordCoverCount`: `signature` visits these, not every statement of the set.
   */
  private wordCovers = new Int32Array(64);
  private wordCoverCount = 0;
  /** Codes of one class's covering statements while its signature is built. */
  private sigCodes = new Int32Array(64);
  /** One Allow's signature while `decideSignature` combines a signature from its Allows. */
  private singleCodes = new Int32Array(64);
  /** Classes of bits covered by the same statements (two buffers: current, next). */
  private classes = new Int32Array(33);
  private nextClasses = new Int32Array(33);
  /**
   * The covering statements of a signature being decided, reused (decideCovering keeps nothing
   * of them): a new object and three arrays per decision were 4.6 MB per pessimistic analysis.
   */
  private readonly covering: CoveringStatements = { allows: NO_STATEMENTS, denies: NO_STATEMENTS, boundaryAllows: NO_STATEMENTS, hasBoundary: false };
  private readonly coveringAllows: NormalizedStatement[] = objectList();
  private readonly coveringDenies: NormalizedStatement[] = objectList();
  private readonly coveringBoundaryAllows: NormalizedStatement[] = objectList();
  /** Results of `hardWord`: the word's granted / conditional / on-all masks. */
  private wg = 0;
  private wc = 0;
  private wga = 0;
  private wca = 0;

  /**
   * The id of action `id`'s resource-type list. The lookup of an action not seen yet is its own
   * function: hardWord inlines this twice, and with the lookup (resourceTypesOf, the catalog's
   * decoding, two WeakMap calls) inlined in both places its compiled graph was much larger.
   */
  private typeIdOf(id: number): number {
    const typeId = this.typeIdOfAction[id]!;
    return typeId !== 0 ? typeId : this.newTypeId(id);
  }

  /** `typeIdOf` of an action not looked up yet. */
  private newTypeId(id: number): number {
    const types = this.catalog.resourceTypesOf(id);
    const typeId = this.typeListIds.get(types) ?? nextTypeListId++;
    this.typeListIds.set(types, typeId);
    this.typeIdOfAction[id] = typeId;
    return typeId;
  }

  /**
   * The memo key of the class holding bit `low` (the head, boundary? and type list, is the
   * caller's): the covering shapes' codes, sorted and distinct, into `sigCodes`; returns their count.
   */
  private signature(low: number): number {
    const slots = this.hardSlots;
    const vs = this.wordValues;
    const buf = this.sigCodes;
    const covers = this.wordCovers;
    const info = this.slotInfo;
    const boundaryFrom = this.hardBoundaryFrom;
    let n = 0;
    for (let c = 0; c < this.wordCoverCount; c++) {
      const k = covers[c]!;
      if (!(vs[k]! & low)) continue;
      const slot = slots[k]!;
      // Shape × 2, + 1 for a boundary Allow (identity and boundary Denies play the same role).
      const code = this.shapeAt(slot, k) * 2 + ((k >= boundaryFrom ? 1 : 0) & (info[slot]! >> 1));
      // Insertion into the sorted prefix, dropping duplicates (a class has a few statements).
      let j = n;
      while (j > 0 && buf[j - 1]! > code) j -= 1;
      if (j > 0 && buf[j - 1] === code) continue;
      // A loop, not `copyWithin`: a builtin call costs more than moving the few codes of a class.
      for (let m = n; m > j; m--) buf[m] = buf[m - 1]!;
      buf[j] = code;
      n += 1;
    }
    return n;
  }

  /**
   * `shapeId` of flattened statement `k` (slot `slot`): the slot's known shape, else worked out from
   * the statement, found where `flattenHard` says it is (its list, or the set's boundary).
   */
  private shapeAt(slot: number, k: number): number {
    const known = slot < this.shapeOfSlot.length ? this.shapeOfSlot[slot]! - 1 : -1;
    if (known >= 0) return known;
    // One read for both (the boundary is the list after the set's): with a branch for a boundary
    // statement, first taken after hardWord was compiled (shapeAt inlined), the cold analysis
    // deoptimised hardWord ("insufficient type feedback for generic named access") and compiled it again.
    return this.shapeId(slot, this.hardStmtLists[this.hardList[k]!]![this.hardPos[k]!]!);
  }

  /** Flatten the set's statement slots (identity lists, then the boundary's) for hardWord. */
  private flattenHard(listSlots: Int32Array, listCount: number, boundarySlots: Int32Array): void {
    let n = 0;
    for (let q = 0; q < listCount; q++) {
      const l = listSlots[q]!;
      n += this.listStmtStart[l + 1]! - this.listStmtStart[l]!;
    }
    const total = n + boundarySlots.length;
    if (this.hardSlots.length < total) {
      this.hardSlots = new Int32Array(total * 2);
      this.hardBounds = new Int32Array(total * 2);
      this.hardList = new Int32Array(total * 2);
      this.hardPos = new Int32Array(total * 2);
      this.wordValues = new Int32Array(total * 2);
      this.wordCovers = new Int32Array(total * 2);
      this.sigCodes = new Int32Array(total * 2);
    }
    let k = 0;
    const hardList = this.hardList;
    const hardPos = this.hardPos;
    const hardSlots = this.hardSlots;
    const bounds = this.hardBounds;
    const range = this.stmtRange;
    const words = this.stmtArena.words;
    // The set's lists, then the boundary's slots as list `listCount` (empty without a boundary): the
    // same loop runs with or without a boundary (a boundary branch first taken after this code was
    // compiled deoptimised it), and a second loop for the boundary compiled to 1.3 KB more.
    for (let q = 0; q <= listCount; q++) {
      const inBoundary = q === listCount;
      const from = inBoundary ? boundarySlots : this.listStatements;
      const start = inBoundary ? 0 : this.listStmtStart[listSlots[q]!]!;
      const end = inBoundary ? boundarySlots.length : this.listStmtStart[listSlots[q]! + 1]!;
      if (inBoundary) this.hardBoundaryFrom = k;
      for (let j = start; j < end; j++) {
        const slot = from[j]!;
        const first = range[2 * slot]!;
        const last = range[2 * slot + 1]! - 1;
        hardList[k] = q;
        hardPos[k] = j - start;
        hardSlots[k] = slot;
        // The empty side a constant: no operation there to lack type feedback when first taken.
        bounds[k++] = first <= last ? (words[first]! << 16) | words[last]! : NO_BOUNDS;
      }
    }
    // The statement lists `hardList` indexes: the set's, then the boundary's.
    const stmtLists = this.hardStmtLists;
    const setLists = this.hardSetLists;
    for (let q = 0; q <= listCount; q++) {
      const list = q < listCount ? setLists[q]! : this.hardBoundaryStatements;
      if (q < stmtLists.length) stmtLists[q] = list;
      else stmtLists.push(list);
    }
    this.hardCount = k;
    if (this.hardMemo.size > 200_000) this.hardMemo.clear();
  }

  /**
   * The actions of word `i` (bits `h`) that the masks cannot settle, decided by
   * lib/policy/evaluate from the statements that cover them. Actions covered by the same
   * statements and with the same resource types get the same answer, so the word's bits are
   * split into such classes (one pass per statement) and each class is decided once —
   * memoised by its signature (a `Deny * NotResource …` makes every action hard, but they fall
   * into a few hundred signatures). Updates `wg`/`wc`/`wga`/`wca` from the values given.
   */
  private hardWord(hasBoundary: boolean, i: number, h: number, g: number, c: number, ga: number, ca: number): void {
    // The set's statements are flattened on its first hard word. Here, not in settle and
    // settleHardWords: settle (compiled after flattenHard) inlined flattenHard again.
    if (!this.hardReady) {
      this.flattenHard(this.setLists, this.hardLists, this.hardBoundarySlots);
      this.hardReady = true;
    }
    const slots = this.hardSlots;
    const bounds = this.hardBounds;
    const vs = this.wordValues;
    const range = this.stmtRange;
    const arena = this.stmtArena;
    // Split h into classes of bits covered by the same statements.
    let classes = this.classes;
    let next = this.nextClasses;
    classes[0] = h;
    let count = 1;
    const covers = this.wordCovers;
    let coverCount = 0;
    for (let k = 0; k < this.hardCount; k++) {
      // Word i outside the statement's first..last word: not in its set (most statements).
      const b = bounds[k]!;
      if (i < b >> 16 || i > (b & 0xffff)) continue;
      const slot = slots[k]!;
      const v = arena.word(range[2 * slot]!, range[2 * slot + 1]!, i) & h;
      // Only the covering statements' values are read (`signature` visits `wordCovers`).
      if (v === 0) continue;
      vs[k] = v;
      covers[coverCount++] = k;
      let m = 0;
      for (let q = 0; q < count; q++) {
        const cls = classes[q]!;
        const inside = cls & v;
        if (inside !== 0 && inside !== cls) {
          next[m++] = inside;
          next[m++] = cls & ~v;
        } else next[m++] = cls;
      }
      if (m !== count) {
        const t = classes;
        classes = next;
        next = t;
        count = m;
      }
    }
    this.wordCoverCount = coverCount;
    for (let q = 0; q < count; q++) {
      let rest = classes[q]!;
      while (rest !== 0) {
        // Within a class, group the bits by resource types: the answer depends on them too.
        // The class's highest bit, in int32s throughout (`rest & -rest` overflows to a heap number for bit 31 alone).
        const top = 31 - Math.clz32(rest);
        const low = 1 << top;
        const id = (i << 5) + top;
        const typeId = this.typeIdOf(id);
        let group = 0;
        for (let r = rest; r !== 0; ) {
          const bit = 31 - Math.clz32(r);
          const b = 1 << bit;
          r ^= b;
          if (this.typeIdOf((i << 5) + bit) === typeId) group |= b;
        }
        rest &= ~group;
        const codes = this.signature(low);
        const head = 2 * typeId + (hasBoundary ? 1 : 0);
        let out = this.hardMemo.get(head, this.sigCodes, codes);
        if (out < 0) {
          out = this.decideSignature(head, codes, hasBoundary, id);
          this.hardMemo.add(head, this.sigCodes, codes, out);
        }
        g = out & SETTLED_G ? g | group : g & ~group;
        c = out & SETTLED_C ? c | group : c & ~group;
        ga = out & SETTLED_GA ? ga | group : ga & ~group;
        ca = out & SETTLED_CA ? ca | group : ca & ~group;
      }
    }
    this.classes = classes;
    this.nextClasses = next;
    this.wg = g;
    this.wc = c;
    this.wga = ga;
    this.wca = ca;
  }

  /**
   * The settled answer (`settledBits`) of the signature `sigCodes[0 .. n)` (head: type list and
   * boundary?), not in the memo. With several identity Allows it is combined from the answers of
   * each Allow alone with the same Denies and boundary Allows (`combineSettled`), each memoised
   * under its own signature: those repeat across signatures far more than whole signatures do
   * (pessimistic mix, one analysis: 10,567 distinct signatures were 10,567 decideCovering calls over
   * 2-4 Allows each; the one-Allow signatures they need are 6,806).
   */
  private decideSignature(head: number, n: number, hasBoundary: boolean, id: number): number {
    const codes = this.sigCodes;
    let allows = 0;
    for (let k = 0; k < n; k++) if (this.isIdentityAllow(codes[k]!)) allows += 1;
    const whole = allows <= 1;
    if (!whole && this.singleCodes.length < n) this.singleCodes = new Int32Array(n * 2);
    const single = this.singleCodes;
    // One decision: of the whole signature (at most one identity Allow), else of each identity
    // Allow's signature alone. One function with one `decideCovering` call: with a decideCodes of
    // its own, called here twice, the cold run compiled decideCodes (hot first) and then again
    // inlined into decideSignature, lib/policy's decision code with it.
    let x = 0;
    for (let k = 0; k < (whole ? 1 : n); k++) {
      let sig = codes;
      let m = n;
      if (!whole) {
        if (!this.isIdentityAllow(codes[k]!)) continue;
        // This Allow and every code that is not an identity Allow: a subsequence, so still sorted.
        m = 0;
        for (let j = 0; j < n; j++) {
          const code = codes[j]!;
          if (j === k || !this.isIdentityAllow(code)) single[m++] = code;
        }
        sig = single;
        const known = this.hardMemo.get(head, single, m);
        if (known >= 0) {
          x |= known;
          continue;
        }
      }
      // `decideCovering` of the shapes of `sig[0 .. m)`: one statement per distinct shape and role
      // (the answer ignores order and repeats).
      const cov = this.covering;
      const allowList = this.coveringAllows;
      const denies = this.coveringDenies;
      const boundaryAllows = this.coveringBoundaryAllows;
      let a = 0;
      let d = 0;
      let ba = 0;
      for (let j = 0; j < m; j++) {
        const code = sig[j]!;
        const st = this.shapeStatements[code >> 1]!;
        if (code & 1) put(boundaryAllows, ba++, st);
        else if (st.effect === 'Allow') put(allowList, a++, st);
        else put(denies, d++, st);
      }
      // Exact lengths (decideCovering reads whole arrays); an empty role gets the shared empty
      // array, as `length = 0` would drop the reused array's backing store.
      cov.allows = a === 0 ? NO_STATEMENTS : trimmed(allowList, a);
      cov.denies = d === 0 ? NO_STATEMENTS : trimmed(denies, d);
      cov.boundaryAllows = ba === 0 ? NO_STATEMENTS : trimmed(boundaryAllows, ba);
      cov.hasBoundary = hasBoundary;
      const v = settledBits(decideCovering(cov, this.catalog.resourceTypesOf(id)));
      if (whole) return v;
      this.hardMemo.add(head, single, m, v);
      x |= v;
    }
    return combineSettled(x);
  }

  /** Is signature code `code` an identity Allow's (not a boundary Allow, not a Deny)? */
  private isIdentityAllow(code: number): boolean {
    return (code & 1) === 0 && this.shapeStatements[code >> 1]!.effect === 'Allow';
  }

  /** Words OR-ed into the set scratch by the current computeLists (stamped per call, sparse mode). */
  private readonly computeTouched: Int32Array;
  private readonly computeStamp: Int32Array;
  private computeRound = 0;
  private computeCount = 0;
  /**
   * List slots of the set being computed. Small at first, like the per-slot tables: its first
   * growth (a set of 3 lists) runs before computeSlots is compiled. From 64 it first grew in the
   * cold pessimistic analysis after computeSlots was compiled, which deoptimised it
   * ("insufficient type feedback for generic named access").
   */
  private setLists = new Int32Array(2);
  /** Bases merged into the set scratch so far (their statement arena starts) and the masks each went into. */
  private setBaseStarts = new Int32Array(8);
  private setBaseMasks = new Int32Array(8);
  private setBaseCount = 0;

  /** OR range [start, end) of `arena` into set mask `key`, stamping the words it touches (sparse mode). */
  private orStamped(arena: SparseArena, key: number, start: number, end: number): void {
    const { words, values } = arena;
    const acc = this.acc;
    const offset = key * this.words;
    const stamp = this.computeStamp;
    const round = this.computeRound;
    for (let k = start; k < end; k++) {
      const w = words[k]!;
      acc[offset + w]! |= values[k]!;
      if (stamp[w] !== round) {
        stamp[w] = round;
        this.computeTouched[this.computeCount++] = w;
      }
    }
  }

  /**
   * OR a dense image into `target` from `offset`. Its own function: mergeBase and settleBases run a
   * few dozen times per analysis, but this loop (~700 words a call) made each of them hot enough to
   * be compiled whole (and mergeBase again after a deoptimisation); now only this loop is.
   */
  private static orDense(target: Uint32Array, offset: number, image: Uint32Array): void {
    for (let i = 0; i < image.length; i++) target[offset + i]! |= image[i]!;
  }

  /** OR range [start, end) of `arena` into `target` from `offset` (dense mode). */
  private static orRange(target: Uint32Array, offset: number, arena: SparseArena, start: number, end: number): void {
    const { words, values } = arena;
    for (let k = start; k < end; k++) target[offset + words[k]!]! |= values[k]!;
  }

  /** OR a base into the set masks it belongs to: each base into each mask once per set (policies repeat it). */
  private mergeBase(start: number, end: number, masks: number, stamped: boolean): void {
    let e = 0;
    while (e < this.setBaseCount && this.setBaseStarts[e] !== start) e += 1;
    if (e === this.setBaseCount) {
      this.setBaseStarts = growInt32(this.setBaseStarts, e + 1);
      this.setBaseMasks = growInt32(this.setBaseMasks, e + 1);
      this.setBaseStarts[e] = start;
      this.setBaseMasks[e] = 0;
      this.setBaseCount += 1;
    }
    const fresh = masks & ~this.setBaseMasks[e]!;
    this.setBaseMasks[e]! |= masks;
    for (let key = 0; key < MASKS; key++) {
      if (!(fresh & (1 << key))) continue;
      if (stamped) this.orStamped(this.stmtArena, key, start, end);
      // Dense: OR the base's dense image word by word (no word index to follow).
      else BreadthCalculator.orDense(this.acc, key * this.words, this.baseImage(start, end));
    }
  }

  /** Dense images of the bases, by statement arena start (a handful per analysis). */
  private readonly baseImages = new Map<number, Bitset>();

  private baseImage(start: number, end: number): Bitset {
    let image = this.baseImages.get(start);
    if (!image) {
      image = newBitset(this.catalog.size);
      BreadthCalculator.orRange(image, 0, this.stmtArena, start, end);
      this.baseImages.set(start, image);
    }
    return image;
  }

  /** Words of a folded list in the set scratch: its own ranges' words plus its base's (an upper bound of the words it touches). */
  private static foldedWords(ranges: Int32Array, base: number, from: number): number {
    const own = ranges[base + MASKS]! - ranges[base + from]!;
    return ranges[base + BASE_MASKS] === 0 ? own : own + ranges[base + BASE_END]! - ranges[base + BASE_START]!;
  }

  /**
   * The boundary's Allow masks of the set being computed, dense: mask k (ALLOW … COND_ALLOW_ON_ALL)
   * of word w at `boundaryAllow[k * words + w]`. Only read when the set has a boundary.
   */
  private readonly boundaryAllow: Uint32Array;
  /** `boundaryAllow` is all ones (set up for a dense set without boundary). */
  private boundaryAllOnes = false;
  /** Words of the dense pass with hard actions (settleDense). */
  private readonly hardWords: Int32Array;
  /** hardWord's inputs for the set being computed (flattened on the first hard word). */
  private hardReady = false;
  private hardLists = 0;
  /** The set's lists, then its boundary's statements (where `shapeAt` finds a statement by `hardList`), from `flattenHard`. */
  private readonly hardStmtLists: (readonly NormalizedStatement[])[] = objectList();
  /** The set's lists. */
  private hardSetLists: readonly (readonly NormalizedStatement[])[] = NO_LISTS;
  /** The boundary's statement slots (`NO_SLOTS` without boundary). */
  private hardBoundarySlots: Int32Array = NO_SLOTS;
  /** The boundary's statements (`NO_STATEMENTS` without boundary). */
  private hardBoundaryStatements: readonly NormalizedStatement[] = NO_STATEMENTS;

  /**
   * Set up `boundaryAllow` for the set: its boundary's Allow masks (`present`), or all ones for
   * a dense set without boundary (a sparse one without boundary never reads them). Called for
   * every set, with `NO_BOUNDARY_RANGES` when there is none: one call site whose feedback the
   * first sets give, not a boundary branch first taken after its caller was compiled.
   */
  private setBoundary(ranges: Int32Array, present: boolean, dense: boolean): void {
    if (present) this.expandBoundary(ranges);
    else if (dense && !this.boundaryAllOnes) {
      // No boundary: every action passes it unconditionally (what settleDense reads).
      this.boundaryAllow.fill(0xffffffff);
      this.boundaryAllOnes = true;
    }
  }

  /** Expand a boundary's Allow ranges (and its base) into `boundaryAllow`. */
  private expandBoundary(ranges: Int32Array): void {
    const out = this.boundaryAllow;
    out.fill(0);
    this.boundaryAllOnes = false;
    const baseMasks = ranges[BASE_MASKS]!;
    for (let key = ALLOW; key < DENY; key++) {
      BreadthCalculator.orRange(out, key * this.words, this.listArena, ranges[key]!, ranges[key + 1]!);
      if (baseMasks & (1 << key)) BreadthCalculator.orRange(out, key * this.words, this.stmtArena, ranges[BASE_START]!, ranges[BASE_END]!);
    }
  }

  /**
   * Settle the set scratch into the result, word by word in ascending order: every word
   * (`dense`, see `settleDense`) or the stamped ones (sorted). Only words with an identity Allow
   * count; without a boundary every action passes it unconditionally. The stamped words are
   * cleared in the scratch as they are read (a dense settle leaves the scratch to its caller).
   * Returns the count of non-zero result words.
   */
  private settle(dense: boolean, hasBoundary: boolean, r: EffectivePermissions, nonZeroWords: Int32Array, clearPrevious: boolean): number {
    if (dense) return this.settleDense(hasBoundary);
    const { granted, conditional, grantedOnAll, conditionalOnAll } = r;
    if (clearPrevious) {
      // Zero the previous result (non-zero only on its nonZeroWords; after a dense set, most words:
      // fill them). Here, not a clearResult call from computeSlots: clearResult (6,342 calls per cold
      // realistic analysis) was compiled apart, then inlined again into computeSlots.
      const previous = r.nonZeroCount;
      const previousWords = r.nonZeroWords;
      if (previous > this.words >>> 3) {
        granted.fill(0);
        conditional.fill(0);
        grantedOnAll.fill(0);
        conditionalOnAll.fill(0);
      } else {
        for (let k = 0; k < previous; k++) {
          const w = previousWords[k]!;
          granted[w] = 0;
          conditional[w] = 0;
          grantedOnAll[w] = 0;
          conditionalOnAll[w] = 0;
        }
      }
    }
    const n = this.computeCount;
    const touched = this.computeTouched;
    sortDistinct(touched, n, this.sortBits);
    const W = this.words;
    const acc = this.acc;
    const bnd = this.boundaryAllow;
    let nonZero = 0;
    for (let k = 0; k < n; k++) {
      const i = touched[k]!;
      // The word's seven masks, read and cleared (the stamped scratch is cleared here, in the pass
      // that reads it: a clearScratch pass of its own was compiled apart and again in computeSlots).
      const allow = acc[ALLOW * W + i]!;
      const condAllow = acc[COND_ALLOW * W + i]!;
      const allowOnAll = acc[ALLOW_ON_ALL * W + i]!;
      const condAllowOnAll = acc[COND_ALLOW_ON_ALL * W + i]!;
      const deny = acc[DENY * W + i]!;
      const condDeny = acc[COND_DENY * W + i]!;
      const hardBits = acc[HARD * W + i]!;
      acc[ALLOW * W + i] = 0;
      acc[COND_ALLOW * W + i] = 0;
      acc[ALLOW_ON_ALL * W + i] = 0;
      acc[COND_ALLOW_ON_ALL * W + i] = 0;
      acc[DENY * W + i] = 0;
      acc[COND_DENY * W + i] = 0;
      acc[HARD * W + i] = 0;
      const any = allow | condAllow;
      if (any === 0) continue;
      const anyOnAll = allowOnAll | condAllowOnAll;
      const keep = ~deny;
      const sure = keep & ~condDeny;
      const bAllow = hasBoundary ? bnd[ALLOW * W + i]! : ~0;
      const bAny = hasBoundary ? bAllow | bnd[COND_ALLOW * W + i]! : ~0;
      const bAllowOnAll = hasBoundary ? bnd[ALLOW_ON_ALL * W + i]! : ~0;
      const bAnyOnAll = hasBoundary ? bAllowOnAll | bnd[COND_ALLOW_ON_ALL * W + i]! : ~0;
      let g = allow & bAllow & sure;
      let c = any & bAny & keep & ~g;
      let ga = allowOnAll & bAllowOnAll & sure;
      let ca = anyOnAll & bAnyOnAll & keep & ~ga;
      // Actions whose answer depends on resources: the policy engine decides each one.
      const h = hardBits & any;
      if (h !== 0) {
        this.hardWord(hasBoundary, i, h, g, c, ga, ca);
        g = this.wg;
        c = this.wc;
        ga = this.wga;
        ca = this.wca;
      }
      // Written zeros too: over a base's copied values (computeOverBase) they matter; elsewhere the
      // word is zero already (result words outside `nonZeroWords` are zero). A branch writing them
      // only for computeOverBase was first taken after settle was compiled: deoptimised, compiled again.
      granted[i] = g;
      conditional[i] = c;
      grantedOnAll[i] = ga;
      conditionalOnAll[i] = ca;
      if ((g | c | ga | ca) !== 0) nonZeroWords[nonZero++] = i;
    }
    return nonZero;
  }

  /**
   * `settle` for a dense set (one holding a `NotAction` grant touches ~700 of the ~704 words):
   * the same formulas over every word in one pass without branches, writing zeros too (so the
   * previous result needs no clearing), the boundary read from `boundaryAllow` (all ones when
   * there is none). Words with hard actions are listed and decided after the pass.
   */
  private settleDense(hasBoundary: boolean): number {
    const W = this.words;
    this.denseNonZero = 0;
    this.denseHard = 0;
    // In slices of DENSE_SLICE words, a call each: see `settleWords`.
    for (let from = 0; from < W; from += DENSE_SLICE) this.settleWords(from, Math.min(W, from + DENSE_SLICE));
    const hard = this.denseHard;
    const nonZero = this.denseNonZero;
    return hard === 0 ? nonZero : this.settleHardWords(hard, hasBoundary, nonZero);
  }

  /** `settleWords`' counts: the non-zero words and the hard words listed so far by the dense pass. */
  private denseNonZero = 0;
  private denseHard = 0;

  /**
   * The dense pass over words [from, to): `settleDense`'s formulas, its counts in `denseNonZero` /
   * `denseHard`. A call per slice, not one loop over the ~700 words: with the whole pass in one call
   * (88 calls per cold realistic analysis), the function was marked hot in the middle of a call and
   * the same call's loop then asked for on-stack replacement too: compiled twice (OSR, then the
   * regular compile). A slice is too short for a second profiler tick within one call.
   */
  private settleWords(from: number, to: number): void {
    const W = this.words;
    const acc = this.acc;
    const bnd = this.boundaryAllow;
    const { granted, conditional, grantedOnAll, conditionalOnAll, nonZeroWords } = this.result;
    const hardWords = this.hardWords;
    let nonZero = this.denseNonZero;
    let hard = this.denseHard;
    for (let i = from; i < to; i++) {
      const allow = acc[ALLOW * W + i]!;
      const any = allow | acc[COND_ALLOW * W + i]!;
      // `& any`: only words with an identity Allow count (as in `settle`).
      const allowOnAll = acc[ALLOW_ON_ALL * W + i]! & any;
      const anyOnAll = (allowOnAll | acc[COND_ALLOW_ON_ALL * W + i]!) & any;
      const keep = ~acc[DENY * W + i]!;
      const sure = keep & ~acc[COND_DENY * W + i]!;
      const bAllow = bnd[ALLOW * W + i]!;
      const bAllowOnAll = bnd[ALLOW_ON_ALL * W + i]!;
      const g = allow & bAllow & sure;
      const c = any & (bAllow | bnd[COND_ALLOW * W + i]!) & keep & ~g;
      const ga = allowOnAll & bAllowOnAll & sure;
      const ca = anyOnAll & (bAllowOnAll | bnd[COND_ALLOW_ON_ALL * W + i]!) & keep & ~ga;
      granted[i] = g;
      conditional[i] = c;
      grantedOnAll[i] = ga;
      conditionalOnAll[i] = ca;
      const h = acc[HARD * W + i]! & any;
      hardWords[hard] = i;
      hard += h !== 0 ? 1 : 0;
      // Hard words are listed for now; those the engine leaves empty are dropped below.
      nonZeroWords[nonZero] = i;
      nonZero += (g | c | ga | ca | h) !== 0 ? 1 : 0;
    }
    this.denseNonZero = nonZero;
    this.denseHard = hard;
  }

  /** Decide the dense pass's hard words (`hardWords`, ascending) in the result; returns the new non-zero count. */
  private settleHardWords(hard: number, hasBoundary: boolean, nonZero: number): number {
    const W = this.words;
    const acc = this.acc;
    const { granted, conditional, grantedOnAll, conditionalOnAll, nonZeroWords } = this.result;
    let emptied = false;
    for (let k = 0; k < hard; k++) {
      const i = this.hardWords[k]!;
      const h = acc[HARD * W + i]! & (acc[ALLOW * W + i]! | acc[COND_ALLOW * W + i]!);
      // `| 0`: a Uint32Array read with bit 31 set is a heap number; hardWord works on int32s only.
      this.hardWord(hasBoundary, i, h, granted[i]! | 0, conditional[i]! | 0, grantedOnAll[i]! | 0, conditionalOnAll[i]! | 0);
      granted[i] = this.wg;
      conditional[i] = this.wc;
      grantedOnAll[i] = this.wga;
      conditionalOnAll[i] = this.wca;
      if ((this.wg | this.wc | this.wga | this.wca) === 0) emptied = true;
    }
    if (!emptied) return nonZero;
    let n = 0;
    for (let k = 0; k < nonZero; k++) {
      const i = nonZeroWords[k]!;
      if ((granted[i]! | conditional[i]! | grantedOnAll[i]! | conditionalOnAll[i]!) !== 0) nonZeroWords[n++] = i;
    }
    return n;
  }

  /**
   * The principal's effective permissions. The returned bitsets are scratch buffers,
   * overwritten by the next call: copy them (`Uint32Array.from`) to keep them.
   *
   * Cost follows the words the principal's policies touch, not the catalog size: the
   * scratch masks and the previous result are cleared word by word.
   */
  public compute(principal: Principal): EffectivePermissions {
    return this.computeLists(principal.policies.map((p) => p.statements), principal.boundary);
  }

  /** `compute` from a principal's statement lists and boundary (e.g. a shared PolicySet). */
  public computeLists(lists: readonly (readonly NormalizedStatement[])[], boundary: readonly NormalizedStatement[] | undefined): EffectivePermissions {
    return this.computeSlots(lists, boundary, undefined);
  }

  /**
   * `computeLists(set.lists, set.boundary)`. A set made by resolvePrincipals finds its lists'
   * slots by their resolution-local ids (an array read each); one built by hand, by list object.
   */
  public computeSet(set: PolicySet): EffectivePermissions {
    return this.computeSlots(set.lists, set.boundary, set as ResolvedIds);
  }

  /**
   * The slot row of the resolution owning `owner` (the last one's, usually: the only test here,
   * computeSlots inlines it). Another resolution's row is `otherSlotRow`'s: with its lookup and the
   * new row's tables inlined too, slotRowOf was 366 of computeSlots' 800 bytes of inlined bytecode
   * (cold realistic analysis, --trace-turbo-inlining), for a path taken once per resolution.
   */
  private slotRowOf(owner: object): SlotRow {
    const row = this.slotRow;
    return row.owner === owner ? row : this.otherSlotRow(owner);
  }

  /** `slotRowOf` when the last row is another resolution's: its row, found or made, becomes the last. */
  private otherSlotRow(owner: object): SlotRow {
    let row = this.slotRows.get(owner);
    if (!row) {
      // Sized once from the resolution's counts where it has them (`slots` by list id, `actions` by
      // action array id: their final sizes), the per-list tables of the calculator too
      // (`reserveLists`). Grown by doubling from 16, the chains of copies were fresh memory in every
      // steady run (the arrays of earlier runs are freed only by a major GC), and a first write to a
      // fresh page costs a page fault: ~12.5 us of CPU each on the machine measured.
      // Otherwise small: they grow in the first sets, while computeSet and foldStatements still run in
      // the interpreter. From 1024 entries their first growth came after both were compiled and
      // deoptimised them ("insufficient type feedback for binary operation"): two more compiles.
      const counts = owner as ResolutionCounts;
      const lists = counts.listCount ?? 0;
      const resources = counts.resourcesCount ?? 0;
      this.reserveLists(lists);
      row = {
        owner,
        slots: new Int32Array(Math.max(16, lists)),
        actions: new Int32Array(Math.max(16, counts.actionsCount ?? 0)),
        // By resourcesId (coverage) and resourcesId x 8 + table x 2 + NotResource? (shapes): their
        // final sizes too (pessimistic analysis: the doubling chains allocated ~0.45 MB for ~164 KB).
        coverage: new Int32Array(Math.max(16, resources)),
        shapes: new Int32Array(Math.max(16, 8 * resources)),
        index: this.rows.length,
      };
      // Replaced as they grow: stored twice (see `restored`).
      row.slots = restored(row.slots);
      row.actions = restored(row.actions);
      row.coverage = restored(row.coverage);
      row.shapes = restored(row.shapes);
      this.slotRows.set(owner, row);
      this.rows.push(row);
    }
    this.slotRow = row;
    return row;
  }

  /**
   * The set of `lists` and `boundary`, computed: their slots into `setLists` (by the resolution's
   * list ids when `resolved` has them, else by list object), then the set from those slots.
   * One function for both steps, too large to be inlined: when the slot lookup was computeSet's
   * and the rest a computeSlots of its own, computeSlots got hot first (its loops) and was compiled,
   * then computeSet was compiled with computeSlots inlined: the same graph compiled twice per cold run.
   */
  private computeSlots(
    lists: readonly (readonly NormalizedStatement[])[],
    boundary: readonly NormalizedStatement[] | undefined,
    resolved: ResolvedIds | undefined,
  ): EffectivePermissions {
    this.lastLists = undefined;
    if (this.setLists.length < lists.length) this.setLists = new Int32Array(lists.length * 2);
    const setLists = this.setLists;
    const memo = resolved === undefined ? undefined : resolved.memo;
    const row = memo === undefined || resolved!.listIdAt === undefined ? undefined : this.slotRowOf(memo);
    if (row === undefined) {
      for (let q = 0; q < lists.length; q++) setLists[q] = this.listSlot(lists[q]!);
    } else {
      // Lists and the boundary folded now are this resolution's: their clause ids index `row`.
      this.clauseRow = row;
      for (let q = 0; q < lists.length; q++) {
        const id = resolved!.listIdAt!(q);
        if (row.slots.length <= id) row.slots = growInt32(row.slots, id + 1);
        let l = row.slots[id]! - 1;
        if (l < 0) {
          l = this.listSlot(lists[q]!, true);
          row.slots[id] = l + 1;
        }
        setLists[q] = l;
      }
    }
    let size = 0;
    for (let q = 0; q < lists.length; q++) size += BreadthCalculator.foldedWords(this.listRanges, LIST_STRIDE * setLists[q]!, ALLOW);
    const b = boundary ? this.boundaryMasks(boundary) : undefined;
    // Without boundary, empty ranges and no slots: the same calls run either way (see computeOverBase).
    const bRanges = b === undefined ? NO_BOUNDARY_RANGES : b.ranges;
    this.hardBoundarySlots = b === undefined ? NO_SLOTS : b.slots;
    this.hardBoundaryStatements = b === undefined ? NO_STATEMENTS : b.statements;
    this.hardSetLists = lists;
    size += BreadthCalculator.foldedWords(bRanges, 0, DENY);
    // Few words: stamp them and visit them in order. Many: scan the whole scratch.
    const dense = size > DENSE_WORDS;
    const based = dense ? this.baseResultOf(lists.length, b) : undefined;
    let result: EffectivePermissions;
    if (based) result = this.computeOverBase(based, lists.length, b !== undefined, bRanges);
    else {
      // A dense settle writes every result word; a sparse one only its own.
      this.computeRound += 1;
      this.computeCount = 0;
      this.setBaseCount = 0;
      // Each folded list's ranges, then the boundary's (q = lists.length), into the set scratch. A
      // boundary gives only its Denies and hard actions (its Allows limit the set: `expandBoundary`).
      // One loop here, not a mergeList call per list: mergeList got hot (and was compiled) before
      // this function, which then inlined it again (cold realistic, --log-code: 2.7 KB compiled twice).
      const arena = this.listArena;
      for (let q = 0; q <= lists.length; q++) {
        const inBoundary = q === lists.length;
        const ranges = inBoundary ? bRanges : this.listRanges;
        const base = inBoundary ? 0 : LIST_STRIDE * setLists[q]!;
        const from = inBoundary ? DENY : ALLOW;
        for (let key = from; key < MASKS; key++) {
          const start = ranges[base + key]!;
          const end = ranges[base + key + 1]!;
          if (start === end) continue;
          if (dense) BreadthCalculator.orRange(this.acc, key * this.words, arena, start, end);
          else this.orStamped(arena, key, start, end);
        }
        const masks = ranges[base + BASE_MASKS]! & ~((1 << from) - 1);
        if (masks !== 0) this.mergeBase(ranges[base + BASE_START]!, ranges[base + BASE_END]!, masks, !dense);
      }
      this.setBoundary(bRanges, b !== undefined, dense);
      this.hardReady = false;
      this.hardLists = lists.length;
      result = this.result;
      // A dense settle writes every result word; a sparse one clears the previous result's first.
      result.nonZeroCount = this.settle(dense, b !== undefined, result, result.nonZeroWords, true);
      result.base = undefined;
      // A stamped settle cleared its words; a dense one leaves the whole scratch to clear.
      if (dense) this.acc.fill(0);
    }
    if (row !== undefined) {
      this.clauseRow = undefined;
      // A resolved set's lists array is never changed: its slots stay valid until the next set.
      this.lastLists = lists;
    }
    return result;
  }

  /**
   * Dense sets are mostly their bases (a `NotAction` grant: ~700 words) plus a few words of
   * their other statements, and many sets share the same bases under the same boundary (or
   * none). The result on a word no other range of the set touches depends only on the bases
   * and the boundary's Allow masks there: it is computed once per such pair (on its second
   * sighting: most pairs are seen once) and copied; only the words of the set's own ranges are
   * settled, as a sparse set's are. Not used when a base is hard (its statements' resource
   * shapes would matter on every word) or the boundary has a base among its Denies or hard
   * actions: `baseResultOf` returns undefined and the dense settle runs.
   */
  private readonly baseResultKeys = new IntTupleMap();
  private readonly baseResults: BaseResult[] = objectList();
  /** The set's bases (arena start, end, masks), by start: `baseResultOf`'s key, read again by `computeOverBase`. */
  private baseKey = new Int32Array(18);
  private baseKeyLength = 0;

  private baseResultOf(listCount: number, b: BoundaryMasks | undefined): BaseResult | undefined {
    if (b && (b.ranges[BASE_MASKS]! & ~((1 << DENY) - 1)) !== 0) return undefined;
    const ranges = this.listRanges;
    let n = 0;
    for (let q = 0; q < listCount; q++) {
      const base = LIST_STRIDE * this.setLists[q]!;
      const masks = ranges[base + BASE_MASKS]!;
      if (masks === 0) continue;
      if (masks & (1 << HARD)) return undefined;
      const start = ranges[base + BASE_START]!;
      let e = 0;
      while (e < n && this.baseKey[e]! !== start) e += 3;
      if (e < n) {
        this.baseKey[e + 2]! |= masks;
        continue;
      }
      this.baseKey = growInt32(this.baseKey, n + 3);
      const key = this.baseKey;
      // Insertion by start: the key ignores the order the lists come in.
      let j = n;
      while (j > 0 && key[j - 3]! > start) {
        key[j] = key[j - 3]!;
        key[j + 1] = key[j - 2]!;
        key[j + 2] = key[j - 1]!;
        j -= 3;
      }
      key[j] = start;
      key[j + 1] = ranges[base + BASE_END]!;
      key[j + 2] = masks;
      n += 3;
    }
    if (n === 0) return undefined;
    this.baseKeyLength = n;
    const head = b ? b.id : 0;
    const known = this.baseResultKeys.get(head, this.baseKey, n);
    if (known > 0) return this.baseResults[known - 1];
    if (known < 0) {
      this.baseResultKeys.add(head, this.baseKey, n, 0);
      return undefined;
    }
    const result = this.settleBases(n, b);
    this.baseResults.push(result);
    this.baseResultKeys.set(head, this.baseKey, n, this.baseResults.length);
    return result;
  }

  /** The dense settle of the bases of `baseKey[0 .. n)` alone under boundary `b`, copied out of the result scratch. */
  private settleBases(n: number, b: BoundaryMasks | undefined): BaseResult {
    const W = this.words;
    const acc = this.acc;
    for (let e = 0; e < n; e += 3) {
      const image = this.baseImage(this.baseKey[e]!, this.baseKey[e + 1]!);
      const masks = this.baseKey[e + 2]!;
      for (let key = 0; key < MASKS; key++) if (masks & (1 << key)) BreadthCalculator.orDense(acc, key * W, image);
    }
    this.setBoundary(b === undefined ? NO_BOUNDARY_RANGES : b.ranges, b !== undefined, true);
    // No hard actions: the bases are not hard and the boundary's Denies and hard actions are not merged.
    const count = this.settleDense(b !== undefined);
    acc.fill(0);
    const r = this.result;
    r.nonZeroCount = count;
    return {
      granted: r.granted.slice(),
      conditional: r.conditional.slice(),
      grantedOnAll: r.grantedOnAll.slice(),
      conditionalOnAll: r.conditionalOnAll.slice(),
      nonZero: r.nonZeroWords.slice(0, count),
      count,
    };
  }

  /**
   * A dense set from its bases' result (`based`): that result copied, then the words of the
   * set's own ranges (and its boundary's) merged with the bases' values there and settled.
   */
  private computeOverBase(based: BaseResult, listCount: number, hasBoundary: boolean, bRanges: Int32Array): EffectivePermissions {
    const r = this.overResult;
    // No loop of its own (they are in the functions it calls): it runs a few hundred times per
    // analysis, too few to be compiled without one. With its loops it was compiled in the cold run
    // (9.5 KB of code), the functions below inlined again though compiled already.
    this.restoreOverBase(based);
    this.computeRound += 1;
    this.computeCount = 0;
    // Each step below is a call made for every set, boundary or not (without one, its ranges are
    // empty): this function runs a few hundred times per analysis, and its branches (a boundary,
    // a word changing between zero and non-zero) were first taken after it was compiled, which
    // deoptimised it twice in the cold run ("insufficient type feedback") for two more compiles.
    // The lists' masks, the boundary's Denies and hard actions; then its Allow masks.
    this.orListsStamped(listCount, bRanges);
    this.setBoundary(bRanges, hasBoundary, false);
    this.orBasesStamped();
    this.hardReady = false;
    this.hardLists = listCount;
    // Settles the stamped words (sorting them), zeros included over the copied values; its list of
    // non-zero words goes to a scratch (overBaseNonZero writes the result's).
    this.settle(false, hasBoundary, r, this.overSettled, false);
    // The result is the bases' except on the stamped words (settle sorted them): breadthCounts reads this.
    const n = this.computeCount;
    this.overTouched.set(this.computeTouched.subarray(0, n));
    r.base = based;
    r.touchedCount = n;
    r.nonZeroCount = this.overBaseNonZero(based);
    return r;
  }

  /** `overResult`'s masks set to the bases' (`based`): on the last set's touched words when that set was over the same bases, else whole. */
  private restoreOverBase(based: BaseResult): void {
    const r = this.overResult;
    if (r.base === based) {
      // The previous set was over the same base: its masks are the base's but on its touched words.
      const prev = this.overTouched;
      const { granted, conditional, grantedOnAll, conditionalOnAll } = r;
      for (let k = 0; k < r.touchedCount!; k++) {
        const t = prev[k]!;
        granted[t] = based.granted[t]!;
        conditional[t] = based.conditional[t]!;
        grantedOnAll[t] = based.grantedOnAll[t]!;
        conditionalOnAll[t] = based.conditionalOnAll[t]!;
      }
    } else {
      // Whole-array copies: a `subarray` view per copy was four objects per dense set (2.5 MB per pessimistic analysis).
      r.granted.set(based.granted);
      r.conditional.set(based.conditional);
      r.grantedOnAll.set(based.grantedOnAll);
      r.conditionalOnAll.set(based.conditionalOnAll);
      this.overNonZeroIsBase = false;
    }
  }

  /**
   * OR into the set masks, stamped, the masks (not the bases) of the set's lists (`setLists[0 ..
   * listCount)`, from ALLOW) and of its boundary (`bRanges`, from DENY: its Denies and hard actions).
   * One loop, the boundary its last turn: with a call per list (3,228 per cold realistic analysis)
   * the callee was compiled, then inlined again when this function was (--log-code: 1.7 KB twice).
   */
  private orListsStamped(listCount: number, bRanges: Int32Array): void {
    const arena = this.listArena;
    for (let q = 0; q <= listCount; q++) {
      const inBoundary = q === listCount;
      const ranges = inBoundary ? bRanges : this.listRanges;
      const base = inBoundary ? 0 : LIST_STRIDE * this.setLists[q]!;
      for (let key = inBoundary ? DENY : ALLOW; key < MASKS; key++) {
        const start = ranges[base + key]!;
        const end = ranges[base + key + 1]!;
        if (start !== end) this.orStamped(arena, key, start, end);
      }
    }
  }

  /** The bases' values on the stamped words (the set's bases are the key's: `baseKey` still holds them). */
  private orBasesStamped(): void {
    const W = this.words;
    const acc = this.acc;
    const touched = this.computeTouched;
    const n = this.computeCount;
    const keyLength = this.baseKeyLength;
    for (let e = 0; e < keyLength; e += 3) {
      const image = this.baseImage(this.baseKey[e]!, this.baseKey[e + 1]!);
      const masks = this.baseKey[e + 2]!;
      for (let k = 0; k < n; k++) {
        const i = touched[k]!;
        const value = image[i]!;
        if (value === 0) continue;
        for (let key = 0; key < MASKS; key++) if (masks & (1 << key)) acc[key * W + i]! |= value;
      }
    }
  }

  /**
   * The non-zero words of a set computed over its bases (`based`), into the result: the bases'
   * outside the stamped words, and the stamped words now non-zero. Returns their count.
   */
  private overBaseNonZero(based: BaseResult): number {
    // No loop of its own (see computeOverBase): it ran 331 times per cold realistic analysis, enough
    // with its loop to be compiled (3.4 KB, mergeNonZero inlined though compiled apart too).
    // Usually no stamped word changes between zero and non-zero (the base covers it either way):
    // the bases' list is the answer, already in place when the previous set's was too.
    if (!this.overNonZeroIsBase) this.overResult.nonZeroWords.set(based.nonZero);
    this.overNonZeroIsBase = true;
    return this.nonZeroChanged(based) ? this.mergeNonZero(based) : based.count;
  }

  /** Did a stamped word of the set over `based` change between zero and non-zero (its masks against the bases')? */
  private nonZeroChanged(based: BaseResult): boolean {
    const r = this.overResult;
    const touched = this.overTouched;
    const n = r.touchedCount!;
    for (let k = 0; k < n; k++) {
      const t = touched[k]!;
      const now = (r.granted[t]! | r.conditional[t]! | r.grantedOnAll[t]! | r.conditionalOnAll[t]!) !== 0;
      if (now !== ((based.granted[t]! | based.conditional[t]! | based.grantedOnAll[t]! | based.conditionalOnAll[t]!) !== 0)) return true;
    }
    return false;
  }

  /**
   * `overBaseNonZero` when a stamped word changed between zero and non-zero: the bases' list (in
   * place, `overBaseNonZero` put it there) edited at each such word, a `copyWithin` (a memmove)
   * shifting its tail by one. A merge copying the ~700 words of the bases' list one by one in a loop
   * was 2,946 calls and 2 M words copied per pessimistic analysis (4.4 ms of self time in a line
   * profile); 1 to 6 words change per call.
   */
  private mergeNonZero(based: BaseResult): number {
    const r = this.overResult;
    const out = r.nonZeroWords;
    const touched = this.overTouched;
    const n = r.touchedCount!;
    this.overNonZeroIsBase = false;
    let count = based.count;
    // Words of `out` below `at` are before every stamped word still to come (both ascending).
    let at = 0;
    for (let k = 0; k < n; k++) {
      const t = touched[k]!;
      const now = (r.granted[t]! | r.conditional[t]! | r.grantedOnAll[t]! | r.conditionalOnAll[t]!) !== 0;
      if (now === ((based.granted[t]! | based.conditional[t]! | based.grantedOnAll[t]! | based.conditionalOnAll[t]!) !== 0)) continue;
      // The first position of `out[at .. count)` holding t or more (binary search).
      let lo = at;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (out[mid]! < t) lo = mid + 1;
        else hi = mid;
      }
      if (now) {
        // Non-zero now, zero in the bases (absent from their list): inserted.
        out.copyWithin(lo + 1, lo, count);
        out[lo] = t;
        count += 1;
        at = lo + 1;
      } else {
        // Zero now, non-zero in the bases (at `lo`): removed.
        out.copyWithin(lo, lo + 1, count);
        count -= 1;
        at = lo;
      }
    }
    return count;
  }
}
