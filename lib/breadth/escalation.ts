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
import { objectList, type NormalizedStatement } from '../policy/document';
import { typeCoverage } from '../policy/evaluate';
import { glob, globMatch, hasWildcard } from '../policy/glob';
import { policyLabel, type Principal } from '../policy/principals';
import { wordsFor, type Bitset } from './bitset';
import type { ActionCatalog } from './catalog';
import type { BreadthCalculator } from './effective';
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

/**
 * A path's granted actions and the distinct policies granting them (first-seen order), as reports
 * list them, each in an array of its final size: `[]` grown by push took a 17-slot backing store per
 * list (heap sampling, steady pessimistic run: the privilege-escalation rule's listed paths allocated
 * 2.0 MB per evaluation for the 4,400 paths of the 100 principals detailed; 0.96 MB after).
 */
export function escalationGrants(match: EscalationMatch): { actions: string[]; policies: string[] } {
  const grants = match.grants;
  return { actions: grants.length === 1 ? [grants[0]!.action] : grants.map((g) => g.action), policies: distinctPolicies(grants) };
}

/** distinctPolicies' scratch list, reused (its backing store grows once per process). */
const POLICY_SCRATCH: string[] = [];

/** The distinct policies of the grants in first-seen order (a linear scan: a path has a few grants of a few policies), copied out at their count. */
function distinctPolicies(grants: readonly EscalationGrant[]): string[] {
  const seen = POLICY_SCRATCH;
  let k = 0;
  for (let i = 0; i < grants.length; i++) {
    const names = grants[i]!.policies;
    for (let j = 0; j < names.length; j++) {
      const name = names[j]!;
      let known = false;
      for (let q = 0; q < k && !known; q++) known = seen[q] === name;
      if (!known) seen[k++] = name;
    }
  }
  const out = seen.slice(0, k);
  // Let go of the names (the scratch outlives the evaluation).
  seen.fill('', 0, k);
  return out;
}

/**
 * Does the pattern name only the user making the request? `${aws:username}` must be the whole
 * name (after `user/` or a path ending in `/`): user names cannot contain `/`, so the ARN names
 * exactly one user. A fixed regular expression, not built from policy text.
 */
const SELF_USER = /^arn:[^:]*:iam::[^:]*:user\/(?:.*\/)?\$\{aws:username\}$/;
export const namesOnlySelf = (resource: string): boolean => SELF_USER.test(resource);

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
  paths: readonly { path: EscalationPath; steps: readonly Int32Array[]; /** Step s's actions as a mask: words [s·maskWords, (s+1)·maskWords). */ stepMasks: Int32Array }[];
  /** 32-bit words in a mask over the path actions (bit e of word e >>> 5 is path action e). */
  maskWords: number;
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
  const maskWords = wordsFor(names.length);
  const stepMasks = (steps: readonly Int32Array[]): Int32Array => {
    const masks = new Int32Array(steps.length * maskWords);
    steps.forEach((step, s) => step.forEach((e) => (masks[s * maskWords + (e >>> 5)]! |= 1 << (e & 31))));
    return masks;
  };
  index = {
    names,
    ids: Int32Array.from(ids.values()),
    passRole: number.get('iam:PassRole') ?? -1,
    paths: ESCALATION_PATHS.map((path) => {
      const steps = path.steps.map((step) => Int32Array.from(step, (a) => number.get(a)!));
      return { path, steps, stepMasks: stepMasks(steps) };
    }),
    maskWords,
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
 * Small per-action byte arrays (a resource clause's answers) cut from shared chunks: a typed
 * array this size would otherwise get a buffer of its own outside the heap (one allocation and
 * one buffer for the collector to track each, for thousands of policy sets and lists).
 */
const CHUNK_BYTES = 1 << 16;
// Small at first, each chunk twice the last up to CHUNK_BYTES: the code cutting a new chunk then
// runs a few times in the first calls, with type feedback, before its callers are optimised (its
// first run later, at the first 64 KB chunk's end, deoptimised its caller).
let chunk = new Uint8Array(256);
let chunkTop = 0;

function bytesFromChunk(length: number): Uint8Array {
  if (chunkTop + length > chunk.length) {
    chunk = new Uint8Array(Math.max(Math.min(CHUNK_BYTES, chunk.length * 2), length));
    chunkTop = 0;
  }
  // subarray: a view without the constructor's buffer-and-offset path (about 4x cheaper).
  const bytes = chunk.subarray(chunkTop, chunkTop + length);
  chunkTop += length;
  return bytes;
}

/**
 * The path actions in the granted or conditional sets as two masks over the path actions
 * (index.maskWords words each, bit e of word e >>> 5 for path action e) written at out[at …): held
 * at all, then held unconditionally (granted). Returns whether any is held (most sets hold none).
 * This depends only on the effective permissions, so principals with the same policies share it.
 * Masks in one typed array per analysis, not a byte array per set: a view cut from a shared chunk
 * was still an object per set (pessimistic mix: 14,020 sets, 1.2 MB of views per run), and heldPaths
 * turned the bytes back into these masks for every set.
 */
export function heldEscalationMasks(granted: Bitset, conditional: Bitset, index: EscalationIndex, out: Int32Array, at: number): boolean {
  const { ids, words, byWord, maskWords } = index;
  const masks = catalogWordMasks(index);
  for (let w = 0; w < 2 * maskWords; w++) out[at + w] = 0;
  // Word by word: most sets hold none of a word's path actions (one test for all of them).
  let any = false;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    const g = granted[w]! & masks[k]!;
    const c = conditional[w]! & masks[k]!;
    if ((g | c) === 0) continue;
    any = true;
    const actions = byWord[k]!;
    for (let j = 0; j < actions.length; j++) {
      const e = actions[j]!;
      const bit = 1 << (ids[e]! & 31);
      if (((g | c) & bit) === 0) continue;
      const m = 1 << (e & 31);
      out[at + (e >>> 5)]! |= m;
      if ((g & bit) !== 0) out[at + maskWords + (e >>> 5)]! |= m;
    }
  }
  return any;
}

/** Per path action, from heldEscalationMasks' masks at `at`: 0 not held, 1 held conditionally only, 2 granted. */
export function heldActionsOf(masks: Int32Array, at: number, index: EscalationIndex): HeldActions {
  const words = index.maskWords;
  const held = new Uint8Array(index.ids.length);
  for (let e = 0; e < held.length; e++) {
    const bit = 1 << (e & 31);
    if ((masks[at + (e >>> 5)]! & bit) !== 0) held[e] = (masks[at + words + (e >>> 5)]! & bit) !== 0 ? HELD_GRANTED : HELD_CONDITIONAL;
  }
  return held;
}

/** Per word of `index.words`, the bits of its path actions in the catalog word. */
const wordMaskMemo = new WeakMap<EscalationIndex, Int32Array>();
let lastMaskIndex: EscalationIndex | undefined;
let lastMasks: Int32Array = new Int32Array(0);
function catalogWordMasks(index: EscalationIndex): Int32Array {
  if (index === lastMaskIndex) return lastMasks;
  let masks = wordMaskMemo.get(index);
  if (!masks) {
    masks = new Int32Array(index.words.length);
    for (let k = 0; k < index.words.length; k++) for (const e of index.byWord[k]!) masks[k]! |= 1 << (index.ids[e]! & 31);
    wordMaskMemo.set(index, masks);
  }
  lastMaskIndex = index;
  lastMasks = masks;
  return masks;
}

/**
 * Per covering Allow statement: `iam:PassedToService` values (undefined: any service) and the roles
 * it names one by one (null: a wildcard or NotResource). A class with every field set at
 * construction: the literal it was gained `serves` on first use (a map transition for the
 * objects already compiled against).
 */
class PassRoleFact {
  /** Per path (index order): 0 not yet asked, 1 `passedTo` names none of its services, 2 it names one. */
  public serves: Uint8Array | undefined = undefined;
  public constructor(
    public readonly passedTo: string[] | undefined,
    public readonly named: string[] | null,
  ) {}
}

/** A covering statement reaches other principals whoever holds it (NotResource, or several non-self resources). */
const BEYOND_SELF_ALWAYS = 4;
/** ListFacts masks per row: beyond self always, one non-self resource only, covered (in this order). */
const ROW_MASKS = 3;
const COVERS_MASK = 2;
/** In ListFacts.onAll: not yet asked; a covering statement reaches every resource; none does. */
const ON_ALL_UNKNOWN = 0;
const ON_ALL_YES = 1;
const ON_ALL_NO = 2;

/**
 * What each statement list grants of each path action, independent of the principal: computed
 * once per list (statement lists are shared by every principal they apply to), kept per
 * calculator in flat arrays by row (a row per list granting a path action): no objects per list.
 */
class ListFacts {
  // The arrays that grow (rowOfSlot, masks, selfOnlyStart, selfOnlyArnId, selfOnlyMask, onAll) are
  // declared here and assigned in the constructor, not initialised here: the class field is then
  // defined (undefined) before the constructor's store, and V8 marks it mutable at once. A field
  // initialised once is tracked as constant, and its first regrowth deoptimised every compiled
  // reader (heldPaths twice, comparedArns, listEscalation: cold realistic analysis, 2 aborted and
  // 3 deoptimised compiles). They start small: their growing code then runs (and gathers type
  // feedback) in the first calls, before the readers are optimised; a first growth later
  // deoptimised listEscalation ("insufficient type feedback").
  /** Per list slot of the calculator: 0 not computed yet, 1 no path action (NO_ROW), row + 2. */
  public rowOfSlot: Int32Array;
  public rows = 0;
  /**
   * Row r, path action e at r·actions + e: does a covering statement reach every resource
   * (ON_ALL_*)? Only the listed matches say it (`onAllResources`), not which paths are open: asked
   * on first use there. Grown with the rows (newRow), not when first asked: that growth ran once
   * per analysis, in the first analysis before listOnAll had type feedback, so its optimised
   * code deoptimised there in every later analysis (bench/evaluate --pessimistic --trace-deopt:
   * 'Insufficient type feedback for generic named access' in the inlined onAllOf).
   */
  public onAll: Uint8Array;
  /**
   * clauseReach's memo: clauses by their first pattern ('' for none). Here, made with the facts,
   * not looked up by calculator in a WeakMap and made on the first call of each analysis: that
   * branch ran before listOnAll had type feedback, and its optimised code deoptimised there in
   * every later analysis ('Insufficient type feedback for construct' in the inlined clauseReach).
   */
  public readonly clauses = new Map<string, ClauseReach[]>();
  /**
   * Row r's masks over the path actions at r·ROW_MASKS·maskWords: the actions with
   * BEYOND_SELF_ALWAYS, those some covering statement gives on one non-self resource only, and
   * those some statement covers (COVERS).
   */
  public masks: Int32Array;
  // The lists below are born with object elements (objectList): a `[]` starts with small-integer
  // elements in each analysis and changed map at its first push, in code optimised for the changed
  // map (measured, bench/evaluate --pessimistic --trace-deopt-verbose: "not a Smi" at newRow's and
  // selfOnlyEntry's pushes in runs 2-3, then recompiles).
  /** The row's statements covering `iam:PassRole` (undefined when none does). */
  public readonly passRole: (PassRoleFact[] | undefined)[] = objectList();
  /**
   * The one-resource grants by resource: row r's are entries [selfOnlyStart[r], selfOnlyStart[r + 1]),
   * each a distinct resource (usually one: `*`) with the mask of the actions given on it alone
   * (entry j's at j·maskWords). Self-service for the principal with that ARN alone.
   */
  public selfOnlyStart: Int32Array;
  public readonly selfOnlyArn: string[] = objectList();
  /** Entry j's resource as a number (arnIds): compared as integers, not strings. */
  public selfOnlyArnId: Int32Array;
  /** The resources of one-resource grants, numbered in first-seen order (and back). */
  public readonly arnIds = new Map<string, number>();
  public readonly arns: string[] = objectList();
  public selfOnlyMask: Int32Array;
  public constructor(
    public readonly actions: number,
    public readonly maskWords: number,
  ) {
    this.rowOfSlot = new Int32Array(16);
    this.masks = new Int32Array(16 * ROW_MASKS * maskWords);
    this.selfOnlyStart = new Int32Array(17);
    this.selfOnlyArnId = new Int32Array(16);
    this.selfOnlyMask = new Int32Array(16 * maskWords);
    this.onAll = new Uint8Array(16 * actions);
  }

  /** A new, empty row (its one-resource grants start at the current end). */
  public newRow(): number {
    const r = this.rows++;
    if (this.rows * ROW_MASKS * this.maskWords > this.masks.length) this.masks = grownWords(this.masks, this.rows * ROW_MASKS * this.maskWords);
    if (this.rows + 1 > this.selfOnlyStart.length) this.selfOnlyStart = grownWords(this.selfOnlyStart, this.rows + 1);
    if (this.rows * this.actions > this.onAll.length) this.onAll = grownBytes(this.onAll, this.rows * this.actions);
    this.selfOnlyStart[r] = this.selfOnlyArn.length;
    this.selfOnlyStart[r + 1] = this.selfOnlyArn.length;
    this.passRole.push(undefined);
    return r;
  }

  /** The entry of `arn` among row r's one-resource grants (the row being built: added when new). */
  public selfOnlyEntry(r: number, arn: string): number {
    const end = this.selfOnlyArn.length;
    for (let j = this.selfOnlyStart[r]!; j < end; j++) if (this.selfOnlyArn[j] === arn) return j;
    this.selfOnlyArn.push(arn);
    let id = this.arnIds.get(arn);
    if (id === undefined) {
      id = this.arns.length;
      this.arns.push(arn);
      this.arnIds.set(arn, id);
    }
    if (end >= this.selfOnlyArnId.length) this.selfOnlyArnId = grownWords(this.selfOnlyArnId, end + 1);
    this.selfOnlyArnId[end] = id;
    if ((end + 1) * this.maskWords > this.selfOnlyMask.length) this.selfOnlyMask = grownWords(this.selfOnlyMask, (end + 1) * this.maskWords);
    this.selfOnlyStart[r + 1] = end + 1;
    return end;
  }
}

const NO_ROW = -1;

const grownBytes = (a: Uint8Array, length: number): Uint8Array => {
  const b = new Uint8Array(Math.max(length, a.length * 2));
  b.set(a);
  return b;
};
const grownWords = (a: Int32Array, length: number): Int32Array => {
  const b = new Int32Array(Math.max(length, a.length * 2));
  b.set(a);
  return b;
};

/** Does one of row r's one-resource grants of action `e` name another resource than `arn`? */
function selfOnlyBeyond(facts: ListFacts, r: number, e: number, arn: string): boolean {
  const words = facts.maskWords;
  for (let j = facts.selfOnlyStart[r]!; j < facts.selfOnlyStart[r + 1]!; j++) {
    if (facts.selfOnlyArn[j] !== arn && (facts.selfOnlyMask[j * words + (e >>> 5)]! & (1 << (e & 31))) !== 0) return true;
  }
  return false;
}

/** A covering statement's PassRole fact. */
const passRoleFact = (s: NormalizedStatement): PassRoleFact => new PassRoleFact(s.passedToService, s.resources && !s.resources.some(hasWildcard) ? s.resources : null);

/** Whom a covering statement reaches: beyond self always (BEYOND_SELF_ALWAYS), only the resource it names (a string), or only self (undefined). */
function statementReach(s: NormalizedStatement): string | undefined | typeof BEYOND_SELF_ALWAYS {
  if (!s.resources) return BEYOND_SELF_ALWAYS;
  let first: string | undefined;
  for (const r of s.resources) {
    if (namesOnlySelf(r) || r === first) continue;
    if (first === undefined) first = r;
    else return BEYOND_SELF_ALWAYS;
  }
  // Undefined: exactly `user/${aws:username}`, self-service for everyone.
  return first;
}

/** One resource clause (Resource or NotResource patterns) and its "on every resource" answers per path action. */
interface ClauseReach {
  /** 0 Resource, 1 NotResource, 2 neither. */
  kind: number;
  patterns: readonly string[];
  /** Per path action: 0 not yet asked, 1 not on every resource, 2 on every resource. */
  reach: Uint8Array;
}
const NO_PATTERNS: readonly string[] = [];

const samePatterns = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The answers of the statement's resource clause (statements of many policies repeat the same
 * clause: no key string built), memoised in the calculator's list facts by the clause's first
 * pattern: statements with equal clauses reach the same resources.
 */
function clauseReach(s: NormalizedStatement, index: EscalationIndex, facts: ListFacts): Uint8Array {
  const memo = facts.clauses;
  const kind = s.resources ? 0 : s.notResources ? 1 : 2;
  const patterns = s.resources ?? s.notResources ?? NO_PATTERNS;
  const key = patterns.length ? patterns[0]! : '';
  let bucket = memo.get(key);
  if (bucket) for (const c of bucket) if (c.kind === kind && samePatterns(c.patterns, patterns)) return c.reach;
  const reach = bytesFromChunk(index.ids.length);
  if (!bucket) memo.set(key, (bucket = []));
  bucket.push({ kind, patterns, reach });
  return reach;
}

/**
 * Does the statement reach every resource of path action `e` (catalog id `id`)? lib/policy's
 * ARN coverage, asked once per distinct resource clause and action.
 */
function reachesAll(s: NormalizedStatement, e: number, id: number, index: EscalationIndex, calc: BreadthCalculator, facts: ListFacts): boolean {
  const reach = clauseReach(s, index, facts);
  if (reach[e] === 0) reach[e] = typeCoverage(s, calc.catalog.resourceTypesOf(id)).includes(1) ? 2 : 1;
  return reach[e] === 2;
}

/** Does a statement of the list (row r) that covers path action `e` reach every resource of it? (memoised in the row) */
function listOnAll(facts: ListFacts, r: number, statements: readonly NormalizedStatement[], slot: number, e: number, index: EscalationIndex, calc: BreadthCalculator): boolean {
  const onAll = facts.onAll;
  const at = r * facts.actions + e;
  if (onAll[at] === ON_ALL_UNKNOWN) {
    const id = index.ids[e]!;
    let yes = false;
    for (let i = 0; i < statements.length && !yes; i++) {
      const s = statements[i]!;
      if (s.effect === 'Allow' && (calc.statementBitsOfWord(slot, i, id >>> 5) & (1 << (id & 31))) !== 0 && reachesAll(s, e, id, index, calc, facts)) yes = true;
    }
    onAll[at] = yes ? ON_ALL_YES : ON_ALL_NO;
  }
  return onAll[at] === ON_ALL_YES;
}

/**
 * Per calculator, weakly (no module-level reference to the last calculator, which would keep a
 * finished analysis, its arenas, tens of MB, alive in a warm Lambda container until the next
 * one): each list's facts by the calculator's slot of the list (no lookup by list object).
 */
const listFactsByCalc = new WeakMap<BreadthCalculator, ListFacts>();

function listFactsOf(calc: BreadthCalculator, index: EscalationIndex): ListFacts {
  let facts = listFactsByCalc.get(calc);
  if (!facts) {
    facts = new ListFacts(index.ids.length, index.maskWords);
    listFactsByCalc.set(calc, facts);
  }
  return facts;
}

/**
 * The row of the list's facts, or NO_ROW when it grants no path action. `at`: the list's slot
 * when the caller has it (materializeEscalations, by set position), else -1 (looked up by object).
 */
function listEscalation(statements: readonly NormalizedStatement[], index: EscalationIndex, calc: BreadthCalculator, facts: ListFacts, at = -1): number {
  const slot = at >= 0 ? at : calc.listSlotOf(statements);
  if (slot >= facts.rowOfSlot.length) facts.rowOfSlot = grownWords(facts.rowOfSlot, slot + 1);
  const known = facts.rowOfSlot[slot]!;
  if (known !== 0) return known - 2;
  // Most lists grant no path action at all (their Allow masks miss every path word).
  if (!calc.listAllowTouchesAt(slot, index.wordSlot)) {
    facts.rowOfSlot[slot] = NO_ROW + 2;
    return NO_ROW;
  }
  const maskWords = index.maskWords;
  const r = facts.newRow();
  const masksAt = r * ROW_MASKS * maskWords;
  const { masks } = facts;
  const { words, byWord, ids } = index;
  // The action sets the list's fold gave its statements, read from the calculator's arena.
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (s.effect !== 'Allow') continue;
    let reach: string | undefined | typeof BEYOND_SELF_ALWAYS | null = null;
    let selfOnly = -1;
    // Few words in the statement (an explicit list): visit them; many (NotAction): look the path words up.
    const wordCount = calc.statementWordCountAt(slot, i);
    const few = wordCount < words.length;
    const visits = few ? wordCount : words.length;
    for (let v = 0; v < visits; v++) {
      const k = few ? index.wordSlot[calc.statementWordAt(slot, i, v)]! : v;
      if (k < 0) continue;
      const bits = few ? calc.statementBitsAt(slot, i, v) : calc.statementBitsOfWord(slot, i, words[k]!);
      if (bits === 0) continue;
      const inWord = byWord[k]!;
      for (let j = 0; j < inWord.length; j++) {
        const e = inWord[j]!;
        const id = ids[e]!;
        if ((bits & (1 << (id & 31))) === 0) continue;
        if (reach === null) reach = statementReach(s);
        const bit = 1 << (e & 31);
        masks[masksAt + COVERS_MASK * maskWords + (e >>> 5)]! |= bit;
        if (reach === BEYOND_SELF_ALWAYS) {
          masks[masksAt + (e >>> 5)]! |= bit;
        } else if (reach !== undefined) {
          if (selfOnly < 0) selfOnly = facts.selfOnlyEntry(r, reach);
          facts.selfOnlyMask[selfOnly * maskWords + (e >>> 5)]! |= bit;
          masks[masksAt + maskWords + (e >>> 5)]! |= bit;
        }
        if (e === index.passRole) (facts.passRole[r] ??= []).push(passRoleFact(s));
      }
    }
  }
  facts.rowOfSlot[slot] = r + 2;
  return r;
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
function passRoleKind(grants: readonly PassRoleFact[], k: number, services: readonly string[], paths: number): number {
  let serving = false;
  let scoped = true;
  for (const g of grants) {
    if (!serves(g, k, services, paths)) continue;
    serving = true;
    if (g.passedTo === undefined || g.named === null) scoped = false;
  }
  return !serving ? PASS_CLOSED : scoped ? PASS_SCOPED : PASS_OPEN;
}

/** The roles a scoped PassRole use names (each once, in grant order). */
function scopedRoles(grants: readonly PassRoleFact[], k: number, services: readonly string[], paths: number): string[] {
  const roles: string[] = [];
  for (const g of grants) if (serves(g, k, services, paths)) for (const r of g.named!) if (!roles.includes(r)) roles.push(r);
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

/**
 * The resources heldPaths answers compared the ARN with (a grant's "beyond self" answer read from the
 * ARN given: a statement naming one other principal, or one resource), for one analysis: numbers (the
 * calculator's one-resource grants' resources), each answer's appended after the last one's. For an
 * ARN that is none of an answer's (nor is the one given), every answer, and so every path, is the
 * same as for the ARN given; an answer that compared none holds for every principal of its set.
 * Numbers in one growing array, not an answer object and an array of names per policy set
 * (pessimistic mix: 8,669 sets compare the ARN, 2.3 MB allocated per run, live through the analysis).
 */
export class ComparedArns {
  public ids: Int32Array;
  /** Where the next answer's numbers go (an answer compared ARNs when heldPaths moved it). */
  public top = 0;
  /**
   * The calculator's list facts, looked up once per analysis: heldPaths and `includes` read them
   * from here, not from the WeakMap by calculator at each call (realistic mix: 5,604 heldPaths calls
   * and ~7,000 includes; each lookup was also inlined code in both compiled functions).
   */
  public readonly facts: ListFacts;
  /**
   * The analysis's open-path arrays by their slots (few: pessimistic mix, 253): one frozen array per
   * distinct list of open paths, shared by every set, naming and principal with those paths; they
   * live as long as the analysis, the interning as long as this object. Here, not in a memo by
   * calculator: heldPaths looked that memo up by calculator (a WeakMap) on the first call of each
   * analysis alone, a branch that ran without type feedback in the first analysis (V8 allocates a
   * function's feedback lazily), so heldPaths' compiled code deoptimised there in the next one and
   * was compiled again (traced, bench/evaluate --pessimistic --trace-deopt-verbose: "Insufficient type
   * feedback for generic named access" in the inlined internedHeldPaths, bytecode 20).
   */
  public readonly pathsBySlots = new SlotLists<readonly HeldPath[]>();
  public constructor(index: EscalationIndex, calc: BreadthCalculator) {
    // Empty: the first appends of each analysis grow it (1, 2, 4, 8, 16 … ids), so append's growth
    // branch has type feedback before heldPaths (which inlines append) is optimised. From 64 ids, it
    // first grew at an arbitrary point of the analysis, after that in some runs: heldPaths deoptimised
    // ("Insufficient type feedback for generic named access", inlined append, bytecode 30) and was
    // compiled again (cold realistic breadth run, once lists were all of one elements kind).
    this.ids = new Int32Array(0);
    this.facts = listFactsOf(calc, index);
  }

  /** Is the ARN among those of the answer at [start, end)? */
  public includes(start: number, end: number, arn: string): boolean {
    if (start === end) return false;
    const id = this.facts.arnIds.get(arn);
    if (id === undefined) return false;
    for (let i = start; i < end; i++) if (this.ids[i] === id) return true;
    return false;
  }

  /** Append comparedScratch[0 .. count). */
  public append(count: number): void {
    if (this.top + count > this.ids.length) this.ids = grownWords(this.ids, this.top + count);
    for (let i = 0; i < count; i++) this.ids[this.top + i] = comparedScratch[i]!;
    this.top += count;
  }
}

const heldPathTables = new WeakMap<EscalationIndex, HeldPath[]>();

/** Path k's number with these flags: k · 4 + (unconditional ? 2 : 0) + (scoped ? 1 : 0). */
const heldPathSlot = (k: number, unconditional: boolean, scoped: boolean): number => k * 4 + (unconditional ? 2 : 0) + (scoped ? 1 : 0);

function heldPathOf(index: EscalationIndex, k: number, unconditional: boolean, scoped: boolean): HeldPath {
  let table = heldPathTables.get(index);
  if (!table) {
    table = [];
    heldPathTables.set(index, table);
  }
  const slot = heldPathSlot(k, unconditional, scoped);
  return (table[slot] ??= Object.freeze({ index: k, id: index.paths[k]!.path.id, unconditional, scoped }));
}

/** Roles of the last scoped PassRole use seen by walkPath (undefined: none). */
let walkScoped: string[] | undefined;

/**
 * Walk path `k`, open to the principal whose grants `detailsOf` gives: `grants` receives, step by
 * step, the actions that serve it (self-service and PassRole conditions applied). Sets walkScoped.
 */
function walkPath(k: number, held: HeldActions, index: EscalationIndex, detailsOf: (e: number) => GrantDetails, grants: number[]): void {
  const { path, steps } = index.paths[k]!;
  walkScoped = undefined;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s]!;
    for (let j = 0; j < step.length; j++) {
      const e = step[j]!;
      if (held[e] === 0) continue;
      const details = detailsOf(e);
      if (path.otherUsersOnly && !details.beyondSelf) continue;
      if (e === index.passRole && path.passRoleTo) {
        const kind = passRoleKind(details.passRole, k, path.passRoleTo, index.paths.length);
        if (kind === PASS_CLOSED) continue;
        if (kind === PASS_SCOPED) walkScoped = scopedRoles(details.passRole, k, path.passRoleTo, index.paths.length);
      }
      grants.push(e);
    }
  }
}

// heldPaths' state (it is not re-entered): the calculator's list facts and the set's lists' rows
// there (the first setFactCount entries; the rest are stale), and masks over the path actions
// (maskWords words each, at these offsets).
let setListFacts: ListFacts | undefined;
let setFacts = new Int32Array(64);
let setFactCount = 0;
let setMasks = new Int32Array(0);
const HELD_ANY = 0;
const HELD_UNCONDITIONAL = 1;
/** Actions some covering grant gives beyond the principal itself (always, or naming another ARN). */
const BEYOND = 2;
/** Actions some covering grant gives on one resource only (an answer that reads the ARN). */
const SELF_ONLY = 3;
/** Actions a walk of the open-looking paths asks about (see maskedPaths). */
const ASKED = 4;
const SET_MASKS = 5;
/** The set's PassRole grants (collected on first use per call: `setPassRoleCount` of them, -1 before). */
const setPassRoles: PassRoleFact[] = [];
let setPassRoleCount = -1;

function passRolesOfSet(): PassRoleFact[] {
  if (setPassRoleCount < 0) {
    // Emptied and pushed, not stored by index then truncated: a store one past the end took
    // maskedPaths' optimised code (passRolesOfSet inlined) out ("out of bounds", bench/evaluate
    // --pessimistic --trace-deopt) whenever a set had more grants than an earlier one.
    setPassRoles.length = 0;
    for (let i = 0; i < setFactCount; i++) {
      const facts = setListFacts!.passRole[setFacts[i]!];
      if (facts) for (const fact of facts) setPassRoles.push(fact);
    }
    setPassRoleCount = setPassRoles.length;
  }
  return setPassRoles;
}

const NO_HELD_PATHS: readonly HeldPath[] = Object.freeze([]);

/**
 * The paths (in ESCALATION_PATHS order, a shared frozen array) open to a holder of the path actions
 * held[heldAt …] (heldEscalationMasks' masks) whose policies are these statement lists (any order, duplicates ignored)
 * and whose ARN is `arn`. Which paths are open, and whether unconditionally or through a scoped
 * PassRole, depends only on these: principals of one policy set share the answer unless it compared
 * the ARN with resources, which it then appends to `compared` (see ComparedArns; made for `calc`:
 * the list facts read are its).
 */
export function heldPaths(lists: readonly (readonly NormalizedStatement[])[], arn: string, held: Int32Array, heldAt: number, index: EscalationIndex, calc: BreadthCalculator, compared: ComparedArns): readonly HeldPath[] {
  const words = index.maskWords;
  // The paths with a held action in every step (heldEscalationMasks' first mask), in order, into
  // heldScratch. Written here, each path checked once: firstPathHeld and everyStepHeld, functions of
  // their own, ran before heldPaths was optimised, got hot and were compiled on their own, then again
  // inlined into heldPaths and maskedPaths (traced, cold realistic analysis: 5.9 and 1.0 ms of
  // TurboFan time), and maskedPaths checked again every path from the first.
  const paths = index.paths;
  let heldCount = 0;
  candidates: for (let k = 0; k < paths.length; k++) {
    const stepMasks = paths[k]!.stepMasks;
    for (let at = 0; at < stepMasks.length; at += words) {
      let any = 0;
      for (let w = 0; w < words; w++) any |= stepMasks[at + w]! & held[heldAt + w]!;
      if (any === 0) continue candidates;
    }
    heldScratch[heldCount++] = k;
  }
  // No path with a held action in every step: none is walked, nothing asked (maskedPaths would
  // find no path and compare no ARN), so the lists need not be read.
  if (heldCount === 0) return NO_HELD_PATHS;
  if (setMasks.length !== SET_MASKS * words) setMasks = new Int32Array(SET_MASKS * words);
  const masks = setMasks;
  masks.fill(0);
  // heldEscalationMasks' two masks (held, granted) are HELD_ANY's and HELD_UNCONDITIONAL's.
  for (let w = 0; w < 2 * words; w++) masks[HELD_ANY * words + w] = held[heldAt + w]!;
  setFactCount = 0;
  setPassRoleCount = -1;
  // Lists granting no path action add nothing to any action's facts.
  const facts = (setListFacts = compared.facts);
  if (setFacts.length < lists.length) setFacts = new Int32Array(lists.length * 2);
  for (const list of lists) {
    const r = listEscalation(list, index, calc, facts);
    if (r !== NO_ROW) setFacts[setFactCount++] = r;
  }
  const { masks: listMasks, selfOnlyStart, selfOnlyArnId, selfOnlyMask } = facts;
  // The ARN as a number among the one-resource grants' resources (-1: none names it, as usual).
  const arnId = facts.arnIds.get(arn) ?? -1;
  for (let i = 0; i < setFactCount; i++) {
    const r = setFacts[i]!;
    const at = r * ROW_MASKS * words;
    for (let w = 0; w < words; w++) {
      masks[BEYOND * words + w]! |= listMasks[at + w]!;
      masks[SELF_ONLY * words + w]! |= listMasks[at + words + w]!;
    }
    // A grant on one resource reaches beyond self unless that resource is this ARN.
    for (let j = selfOnlyStart[r]!; j < selfOnlyStart[r + 1]!; j++) {
      if (selfOnlyArnId[j] === arnId) continue;
      for (let w = 0; w < words; w++) masks[BEYOND * words + w]! |= selfOnlyMask[j * words + w]!;
    }
  }
  const pathCount = maskedPaths(index, heldCount);
  const comparedCount = comparedArns();
  if (comparedCount !== 0) compared.append(comparedCount);
  // Most sets hold path actions but open no path: one shared answer.
  return pathCount === 0 ? NO_HELD_PATHS : pathsArray(index, compared.pathsBySlots, pathCount);
}

/** heldPaths' scratch: the paths with a held action in every step (ESCALATION_PATHS has 44: room for every one). */
const heldScratch = new Int32Array(ESCALATION_PATHS.length);

/** The open paths maskedPaths found (heldPathOf slots, in order) and the resources comparedArns found (ListFacts ARN numbers): heldPaths' scratch. */
let pathSlots = new Int32Array(64);
let comparedScratch: Int32Array = new Int32Array(64);

/** An interned value and the list of numbers it stands for; `next`: another with the same hash. */
class SlotListEntry<T> {
  public constructor(
    public readonly slots: Int32Array,
    public readonly value: T,
    public readonly next: SlotListEntry<T> | undefined,
  ) {}
}

/**
 * Values interned by a list of integers (the first `count` of a scratch array): found by a hash of
 * the list, entries with the same hash told apart by their lists. No key string: the open paths of
 * every policy set (pessimistic mix: 14,020 sets, up to 44 paths each) were looked up by a string of
 * their slots built one character at a time (pathsArray: 10 ms and 3.5 MB of cons strings per run).
 * `hash` is a parameter for the tests (a constant one makes every list collide).
 */
export class SlotLists<T> {
  readonly #byHash = new Map<number, SlotListEntry<T>>();
  public constructor(private readonly hash: (slots: Int32Array, count: number) => number = hashSlots) {}

  /** The value of slots[0 .. count), if added. */
  public get(slots: Int32Array, count: number): T | undefined {
    outer: for (let entry = this.#byHash.get(this.hash(slots, count)); entry !== undefined; entry = entry.next) {
      const known = entry.slots;
      if (known.length !== count) continue;
      for (let i = 0; i < count; i++) if (known[i] !== slots[i]) continue outer;
      return entry.value;
    }
    return undefined;
  }

  /** Add the value of slots[0 .. count) (not yet added). */
  public add(slots: Int32Array, count: number, value: T): void {
    const hash = this.hash(slots, count);
    this.#byHash.set(hash, new SlotListEntry(slots.slice(0, count), value, this.#byHash.get(hash)));
  }
}

/** A hash of slots[0 .. count), kept within a small integer (a map key with no number object). */
const hashSlots = (slots: Int32Array, count: number): number => {
  let hash = count;
  for (let i = 0; i < count; i++) hash = Math.imul(hash ^ slots[i]!, 0x9e3779b1) ^ (hash >>> 15);
  return hash & 0x3fffffff;
};
/** The shared array of the paths in pathSlots[0 .. pathCount), interned in `bySlots` (ComparedArns.pathsBySlots). */
function pathsArray(index: EscalationIndex, bySlots: SlotLists<readonly HeldPath[]>, pathCount: number): readonly HeldPath[] {
  let paths = bySlots.get(pathSlots, pathCount);
  if (!paths) bySlots.add(pathSlots, pathCount, (paths = newPathsArray(index, pathCount)));
  return paths;
}

function newPathsArray(index: EscalationIndex, pathCount: number): readonly HeldPath[] {
  const list: HeldPath[] = [];
  for (let i = 0; i < pathCount; i++) {
    const slot = pathSlots[i]!;
    list.push(heldPathOf(index, slot >>> 2, (slot & 2) !== 0, (slot & 1) !== 0));
  }
  return Object.freeze(list);
}

/**
 * The paths open to the set of setMasks, in ESCALATION_PATHS order, as heldPathOf slots in
 * pathSlots (returns their count). A path whose every step has a held action (heldScratch[0 ..
 * heldCount), from heldPaths) is walked step by step (up to its first unserved step); a step is served by its held actions, only those reaching
 * beyond self on paths through other users, and PassRole only as passRoleKind lets it. The held
 * actions of the steps walked are marked ASKED: an answer that reads the ARN for one of them makes
 * the paths depend on it.
 */
function maskedPaths(index: EscalationIndex, heldCount: number): number {
  const words = index.maskWords;
  const masks = setMasks;
  const passRoleWord = index.passRole >>> 5;
  const passRoleBit = 1 << (index.passRole & 31);
  let count = 0;
  for (let i = 0; i < heldCount; i++) {
    const k = heldScratch[i]!;
    const { path, stepMasks } = index.paths[k]!;
    const steps = stepMasks.length / words;
    let open = true;
    let unconditional = true;
    let scoped = false;
    for (let s = 0; s < steps && open; s++) {
      let served = 0;
      let granted = 0;
      for (let w = 0; w < words; w++) {
        const heldHere = stepMasks[s * words + w]! & masks[HELD_ANY * words + w]!;
        masks[ASKED * words + w]! |= heldHere;
        let m = path.otherUsersOnly ? heldHere & masks[BEYOND * words + w]! : heldHere;
        if (w === passRoleWord && (m & passRoleBit) !== 0 && path.passRoleTo) {
          const kind = passRoleKind(passRolesOfSet(), k, path.passRoleTo, index.paths.length);
          if (kind === PASS_CLOSED) m &= ~passRoleBit;
          else if (kind === PASS_SCOPED) scoped = true;
        }
        served |= m;
        granted |= m & masks[HELD_UNCONDITIONAL * words + w]!;
      }
      if (served === 0) open = false;
      else if (granted === 0) unconditional = false;
    }
    if (open) {
      if (count === pathSlots.length) {
        const grown = new Int32Array(count * 2);
        grown.set(pathSlots);
        pathSlots = grown;
      }
      pathSlots[count++] = heldPathSlot(k, unconditional, scoped);
    }
  }
  return count;
}

/** The resources the asked actions' one-resource grants name (each once, in comparedScratch; returns their count: 0 when none was asked). */
function comparedArns(): number {
  const words = setMasks.length / SET_MASKS;
  let any = 0;
  for (let w = 0; w < words; w++) any |= setMasks[ASKED * words + w]! & setMasks[SELF_ONLY * words + w]!;
  if (any === 0) return 0;
  let count = 0;
  const { selfOnlyStart, selfOnlyArnId, selfOnlyMask } = setListFacts!;
  for (let i = 0; i < setFactCount; i++) {
    const r = setFacts[i]!;
    for (let g = selfOnlyStart[r]!; g < selfOnlyStart[r + 1]!; g++) {
      const id = selfOnlyArnId[g]!;
      let seen = false;
      for (let j = 0; j < count && !seen; j++) if (comparedScratch[j] === id) seen = true;
      if (seen) continue;
      let asked = 0;
      for (let w = 0; w < words; w++) asked |= selfOnlyMask[g * words + w]! & setMasks[ASKED * words + w]!;
      if (asked !== 0) {
        if (count === comparedScratch.length) comparedScratch = grownWords(comparedScratch, count + 1);
        comparedScratch[count++] = id;
      }
    }
  }
  return count;
}

/**
 * The matches of `paths` (from heldPaths for this principal's policy set, or its ARN when
 * `arnSensitive`) as reports list them: each grant with the principal's policies that grant it
 * (`name` or `name (via group G)`, in the principal's order) and PassRole's named roles.
 */
export function materializeEscalations(principal: Principal, paths: readonly HeldPath[], held: HeldActions, index: EscalationIndex, calc: BreadthCalculator): EscalationMatch[] {
  const policies = principal.policies;
  const facts = listFactsOf(calc, index);
  // Each policy's list slot by its position in the principal's set (listSlotOfSet: no lookup by list
  // object; lists folded from a resolution row are not in the calculator's by-object map).
  const set = principal.policySet;
  const slots = policies.map((pol) => {
    const q = set.lists.indexOf(pol.statements);
    return q >= 0 ? calc.listSlotOfSet(set, q) : calc.listSlotOf(pol.statements);
  });
  const rows = policies.map((pol, i) => listEscalation(pol.statements, index, calc, facts, slots[i]!));
  // iam:PassRole alone is in many paths: each action's grants are looked up once.
  const detailsCache: (GrantDetails | undefined)[] = [];
  // Each policy's label once (a group's policy is labelled with a new string).
  const labels: (string | undefined)[] = [];
  const detailsOf = (e: number): GrantDetails => {
    let d = detailsCache[e];
    if (d) return d;
    d = { policies: [], beyondSelf: false, onAll: false, passRole: [] };
    for (let i = 0; i < policies.length; i++) {
      const r = rows[i]!;
      if (r === NO_ROW) continue;
      const at = r * ROW_MASKS * facts.maskWords + (e >>> 5);
      const bit = 1 << (e & 31);
      if ((facts.masks[at + COVERS_MASK * facts.maskWords]! & bit) === 0) continue;
      if (!d.beyondSelf && ((facts.masks[at]! & bit) !== 0 || selfOnlyBeyond(facts, r, e, principal.arn))) d.beyondSelf = true;
      if (!d.onAll && listOnAll(facts, r, policies[i]!.statements, slots[i]!, e, index, calc)) d.onAll = true;
      if (e === index.passRole) for (const fact of facts.passRole[r] ?? []) d.passRole.push(fact);
      d.policies.push((labels[i] ??= policyLabel(policies[i]!)));
    }
    detailsCache[e] = d;
    return d;
  };
  const matches: EscalationMatch[] = [];
  const steps: number[] = [];
  for (const open of paths) {
    const { path } = index.paths[open.index]!;
    steps.length = 0;
    walkPath(open.index, held, index, detailsOf, steps);
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
