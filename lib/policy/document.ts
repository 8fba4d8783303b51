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
  /**
   * Resolution-local id (0, 1, 2…) of the array consumers read for the action clause, `actions ??
   * notActions`, when the statement was normalised by a principal resolution (`ClauseTable`),
   * else -1 (or absent in statements built by hand). Within one resolution identical arrays are
   * one object (`===`) with one id; an `actions` and a `notActions` array never share either.
   * Per-resolution memos index dense rows by it (sized by `ClauseTable.actionsCount`).
   */
  actionsId?: number;
  /** The same for `resources ?? notResources` (`ClauseTable.resourcesCount`). */
  resourcesId?: number;
}

/**
 * An empty array whose elements kind is already the generic one (HOLEY_ELEMENTS), so pushing
 * objects or strings never changes its map. A fresh `[]` starts as small-integer elements and
 * changes map on its first object: optimised code that had seen the previous resolution's arrays
 * deoptimised on each new resolution's ("wrong map" at `lowerTexts.length`, "not a Smi" at
 * `statements.push`, --trace-deopt on bench/evaluate runs 2–4, realistic).
 */
export function objectList<T>(): T[] {
  const list = new Array<T>(1);
  list[0] = undefined as T;
  list.length = 0;
  return list;
}

/**
 * The first `n` entries of `a` (n ≤ 16 as an array literal, longer ones from the 16-entry literal and
 * pushes), for arrays that live as
 * long as their principal resolution (statement lists, action lists, a resolution's policies and a
 * set's lists). V8 pretenures an array literal's allocation site once it has seen its arrays
 * survive, so these are allocated in old space; `slice` and `new Array(n)` always allocate young,
 * and the scavenges during the evaluation copied every such array twice (to the survivor space,
 * then to old space). Same entries and order; the arrays are packed (`slice` of a holey scratch
 * gave holey ones). Together with `newManagedEntry` (lib/policy/principals.ts): bytes the
 * scavenger copies for one pessimistic resolution 17.5 → 9.6 MB (a steady-state harness of the
 * resolution alone, --trace-gc-nvp `new_space_survived` + `promoted`). 16 covers 99 % of the sets (the
 * pessimistic mix reaches 20 lists, the realistic 22).
 * Past 16, not `slice`: a slice of the holey scratch had another map (HOLEY_ELEMENTS) than the literals
 * (PACKED_ELEMENTS), and code optimised on short lists deoptimised on the first long one ("wrong map":
 * namesEveryAction and adminFactsOf in every cold realistic breadth run, heldPaths in the pessimistic one).
 */
export function retainedCopy<T>(a: readonly T[], n: number): T[] {
  switch (n) {
    case 1: return [a[0]!];
    case 2: return [a[0]!, a[1]!];
    case 3: return [a[0]!, a[1]!, a[2]!];
    case 4: return [a[0]!, a[1]!, a[2]!, a[3]!];
    case 5: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!];
    case 6: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!];
    case 7: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!];
    case 8: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!];
    case 9: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!];
    case 10: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!];
    case 11: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!];
    case 12: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!];
    case 13: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!];
    case 14: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!];
    case 15: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!];
    case 16: return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!];
    default: {
      // n = 0 (cases 1-16 take the rest of the short ones): as before.
      if (n < 16) return a.slice(0, n);
      const out = [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!];
      for (let i = 16; i < n; i++) out.push(a[i]!);
      return out;
    }
  }
}

/**
 * A one-text list that lives as long as its resolution (one-action lists, one-resource lists). One array
 * literal for all of them: V8 decides per literal whether to allocate its arrays in old space (allocation-site
 * pretenuring, after >= 100 of them between two scavenges), and code that allocates there is thrown away when
 * that decision changes. With a literal per call site, the rarer sites were decided only in measured runs 1-2
 * (--trace-pretenuring-statistics: "undecided => tenure", then `resourcesIdOf` deoptimised, "code
 * dependencies", and compiled again in runs 2 and 3: 17 + 12 ms, s17); together they are decided in the warm-up.
 */
function oneText(text: string): string[] {
  return [text];
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
 * The clause arrays of one principal resolution: identical `actions` / `notActions` /
 * `resources` / `notResources` arrays of its statements are one shared object with a dense id
 * (`NormalizedStatement.actionsId` / `resourcesId`). An account repeats a few thousand distinct
 * lists in tens of thousands of statements (pessimistic mix: 33,430 action arrays, 9,621
 * distinct; 33,865 resource arrays, 4,900 distinct): consumers that work per array (action
 * masks, the breadth fold) do it once per distinct list, and one array lives instead of seven.
 * Lists are told apart by integers and sampled characters, never by a JSON or joined text.
 * Never mutate a shared array.
 */
export class ClauseTable {
  /** Action arrays by id (actions and notActions: kinds never share an array); `actionsCount` of them. */
  public readonly actionArrays: string[][] = objectList();
  /** Resource arrays by id (resources and notResources alike); `resourcesCount` of them. */
  public readonly resourceArrays: string[][] = objectList();
  /** Id per action text as written and per lower-cased text (lower-casing each distinct text once). */
  private readonly textIds = new Map<string, number>();
  /** By text id: its lower-cased text, and the id of its one-element `actions` array (-1 until used). */
  private readonly lowerTexts: string[] = objectList();
  private readonly oneActionId: number[] = [];
  /**
   * Action lists of two or more texts (or NotAction) by hash, open addressing: what a lookup
   * reads is in three typed arrays (slot, hash, record of kind, length and text ids), not in
   * map entries and the arrays themselves (each a cache miss in a table of thousands).
   */
  private readonly actionIndex: IdIndex;
  private actionRecordAt: Int32Array;
  private actionRecords: Int32Array;
  private actionRecordTop = 0;
  /** Resource lists of several texts, or NotResource, by hash (kind in the hash, compared on the arrays). */
  private readonly resourceIndex: IdIndex;
  private resourceKinds: Uint8Array;
  /** Ids of one-resource `Resource` lists by their text. */
  private readonly oneResourceId = new Map<string, number>();
  /** Id of `ALL_RESOURCES` in this resolution (-1 until used). */
  private allResourcesId = -1;
  private scratch = new Int32Array(16);
  /** `actionListId`'s texts of a new list, copied out by `retainedCopy`. */
  private readonly listTexts: string[] = objectList();
  /** `statementsOf`'s buffer for a document's statements (entries past its length are stale). */
  public readonly statementBuffer: NormalizedStatement[] = objectList();
  /** Id of the statement the last `sharedStatement` call gave, -1 after a statement that is not shared. */
  public lastStatementId = -1;
  /** Per `statementBuffer` entry of the document being normalised (`normalizeInto`): its statement id. */
  private bufferIds = new Int32Array(16);
  /** Statement sequences (`sequenceId`) by hash; their ids, one after the other in `sequences` (length first). */
  private readonly sequenceIndex: IdIndex;
  private sequences: Int32Array;
  private sequenceAt: Int32Array;
  private sequencesTop = 0;
  private sequenceCount = 0;
  /**
   * Statements without an `iam:PassedToService` condition by a hash of their effect, condition
   * flag and four clause ids: one object per distinct statement of the resolution (see
   * `sharedStatement`). Per statement id five integers in `statementRecords` (effect and
   * condition bits, then the Action, NotAction, Resource and NotResource ids, -1 when absent):
   * a lookup compares integers, never reads a candidate object.
   */
  private readonly statementIndex: IdIndex;
  private readonly statements: NormalizedStatement[] = objectList();
  private statementRecords: Int32Array;

  /**
   * `statements`: how many distinct statements to make room for without growing (a resolution
   * passes its snapshot's managed policy count: pessimistic mix 20,001 policies, 18,702
   * distinct statements). Grown from 4,096 they measured three rehashes and record copies,
   * ≈ 5 ms per pessimistic resolution (line profile of principalsOf, 8 runs).
   * `documents`: how many distinct inline statement sequences to make room for (`sequenceId`).
   *
   * The other tables are sized from the same counts (action lists of several texts: about one per
   * two statements, six integers each with their kind, length and texts; resource lists: one per four): grown
   * from fixed small sizes by doubling they were 1.9 MB of typed arrays allocated per pessimistic
   * resolution (lead-ta.mts: `IdIndex.rehash` 0.95, `grown` 0.93), about half of it copies left
   * for the collector, each array on fresh pages (pessimistic mix: 9,543 action lists, 59,681
   * record integers, 4,156 resource lists, 5,186 inline sequences of 18,873 integers).
   */
  public constructor(statements = 4096, documents = 256) {
    const actionLists = Math.max(512, statements >> 1);
    this.actionIndex = new IdIndex(actionLists);
    this.actionRecordAt = new Int32Array(actionLists);
    this.actionRecords = new Int32Array(7 * actionLists);
    const resourceLists = Math.max(512, statements >> 2);
    this.resourceIndex = new IdIndex(resourceLists);
    this.resourceKinds = new Uint8Array(2 * resourceLists);
    const sequences = Math.max(256, documents);
    this.sequenceIndex = new IdIndex(sequences);
    this.sequenceAt = new Int32Array(sequences);
    this.sequences = new Int32Array(4 * sequences);
    this.statementIndex = new IdIndex(statements);
    this.statementRecords = new Int32Array(5 * Math.max(statements, 16));
  }

  public get actionsCount(): number {
    return this.actionArrays.length;
  }

  public get resourcesCount(): number {
    return this.resourceArrays.length;
  }

  /** How many distinct statement objects the table has handed out (tests). */
  public get statementCount(): number {
    return this.statements.length;
  }

  /**
   * Normalises the document's statements into `statementBuffer` (in order) and returns how many.
   * With `sequenceId`, tells documents apart by the statement objects they normalise to.
   */
  public normalizeInto(doc: PolicyDocument): number {
    const out = this.statementBuffer;
    if (!Array.isArray(doc.Statement)) {
      out[0] = normalizeStatement(doc.Statement, this);
      this.noteBufferId(0);
      return 1;
    }
    const list = doc.Statement;
    for (let i = 0; i < list.length; i++) {
      out[i] = normalizeStatement(list[i]!, this);
      this.noteBufferId(i);
    }
    return list.length;
  }

  private noteBufferId(i: number): void {
    if (this.bufferIds.length <= i) this.bufferIds = grown(this.bufferIds, i + 1);
    this.bufferIds[i] = this.lastStatementId;
  }

  /**
   * A dense id (0, 1, 2… in first-seen order) of the sequence of the first `n` statements
   * `normalizeInto` left in `statementBuffer`: equal exactly when the sequences are the same
   * statement objects in the same order. -1 when one of them is not a shared statement (an
   * `iam:PassedToService` condition, see `sharedStatement`): such a document matches no other.
   */
  public sequenceId(n: number): number {
    const ids = this.bufferIds;
    let h = Math.imul(n + 1, 0x9e3779b1);
    for (let i = 0; i < n; i++) {
      if (ids[i]! < 0) return -1;
      h = Math.imul(h ^ ids[i]!, 0x01000193);
    }
    const index = this.sequenceIndex;
    const records = this.sequences;
    index.first(h);
    for (let id = index.next(); id >= 0; id = index.next()) {
      const r = this.sequenceAt[id]!;
      if (records[r] !== n) continue;
      let same = true;
      for (let i = 0; i < n && same; i++) same = records[r + 1 + i] === ids[i];
      if (same) return id;
    }
    const at = index.free;
    const id = this.sequenceCount++;
    if (this.sequenceAt.length <= id) this.sequenceAt = grown(this.sequenceAt, id + 1);
    const r = this.sequencesTop;
    if (this.sequences.length < r + 1 + n) this.sequences = grown(this.sequences, r + 1 + n);
    this.sequenceAt[id] = r;
    this.sequences[r] = n;
    for (let i = 0; i < n; i++) this.sequences[r + 1 + i] = ids[i]!;
    this.sequencesTop = r + 1 + n;
    index.insert(at, h, id);
    return id;
  }

  /**
   * The resolution's one statement object with this effect (0 Allow, 1 Deny), condition flag and
   * clause ids (each -1 when absent), made on first use. Statements equal in all of these read
   * the same (the clause ids stand for their arrays; `passedToService` statements are not
   * shared), and nothing writes a normalised statement, so one object serves them all: the
   * pessimistic mix normalises 48,570 statements of which 18,952 are distinct, realistic
   * 17,450 / 9,465. Consumers that memoise per statement object (lib/policy/evaluate.ts
   * `typeCoverage`) memoise on content; lib/breadth/effective.ts gives a statement a slot per
   * list it folds, shared or not (test/unit/policy/shared-statements.test.ts).
   */
  public sharedStatement(effect: number, conditional: boolean, actionsId: number, notActionsId: number, resourcesId: number, notResourcesId: number): NormalizedStatement {
    const flags = effect * 2 + (conditional ? 1 : 0);
    let h = Math.imul(flags + 1, 0x9e3779b1);
    h = Math.imul(h ^ actionsId, 0x01000193);
    h = Math.imul(h ^ notActionsId, 0x01000193);
    h = Math.imul(h ^ resourcesId, 0x01000193);
    h = Math.imul(h ^ notResourcesId, 0x01000193);
    const index = this.statementIndex;
    const records = this.statementRecords;
    index.first(h);
    for (let id = index.next(); id >= 0; id = index.next()) {
      const r = 5 * id;
      if (records[r] === flags && records[r + 1] === actionsId && records[r + 2] === notActionsId && records[r + 3] === resourcesId && records[r + 4] === notResourcesId) {
        this.lastStatementId = id;
        return this.statements[id]!;
      }
    }
    const at = index.free;
    const id = this.statements.length;
    this.lastStatementId = id;
    const s: NormalizedStatement = {
      effect: effect === 0 ? 'Allow' : 'Deny',
      actions: actionsId < 0 ? undefined : this.actionArrays[actionsId],
      notActions: notActionsId < 0 ? undefined : this.actionArrays[notActionsId],
      resources: resourcesId < 0 ? undefined : this.resourceArrays[resourcesId],
      notResources: notResourcesId < 0 ? undefined : this.resourceArrays[notResourcesId],
      conditional,
      passedToService: undefined,
      // What consumers read: `actions ?? notActions`, `resources ?? notResources`.
      actionsId: actionsId >= 0 ? actionsId : notActionsId,
      resourcesId: resourcesId >= 0 ? resourcesId : notResourcesId,
    };
    this.statements.push(s);
    const r = 5 * id;
    if (this.statementRecords.length < r + 5) this.statementRecords = grown(this.statementRecords, r + 5);
    const out = this.statementRecords;
    out[r] = flags;
    out[r + 1] = actionsId;
    out[r + 2] = notActionsId;
    out[r + 3] = resourcesId;
    out[r + 4] = notResourcesId;
    index.insert(at, h, id);
    return s;
  }

  /** Id of the (lower-cased) action list of an `Action` (kind 0) or `NotAction` (kind 1) clause. */
  public actionsIdOf(v: string | string[], kind: number): number {
    if (!Array.isArray(v)) return kind === 0 ? this.oneActionIdOf(this.textIdOf(v)) : this.actionListId(v, 1, kind);
    if (v.length === 1 && kind === 0) return this.oneActionIdOf(this.textIdOf(v[0]!));
    return this.actionListId(v, v.length, kind);
  }

  /** One action (a quarter of the statements): the text's own list, no hash lookup. */
  private oneActionIdOf(tid: number): number {
    let id = this.oneActionId[tid]!;
    if (id < 0) {
      id = this.actionArrays.length;
      this.actionArrays.push(oneText(this.lowerTexts[tid]!));
      this.oneActionId[tid] = id;
    }
    return id;
  }

  private actionListId(v: string | string[], n: number, kind: number): number {
    if (this.scratch.length < n) this.scratch = new Int32Array(Math.max(n, 2 * this.scratch.length));
    const ids = this.scratch;
    if (!Array.isArray(v)) ids[0] = this.textIdOf(v);
    else for (let i = 0; i < n; i++) ids[i] = this.textIdOf(v[i]!);
    let h = Math.imul(n + 1, 0x9e3779b1) ^ kind;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ ids[i]!, 0x01000193);
    const index = this.actionIndex;
    const records = this.actionRecords;
    index.first(h);
    for (let id = index.next(); id >= 0; id = index.next()) {
      const r = this.actionRecordAt[id]!;
      if (records[r] !== kind || records[r + 1] !== n) continue;
      let same = true;
      for (let i = 0; i < n && same; i++) same = records[r + 2 + i] === ids[i];
      if (same) return id;
    }
    const at = index.free;
    const texts = this.listTexts;
    for (let i = 0; i < n; i++) texts[i] = this.lowerTexts[ids[i]!]!;
    const out = retainedCopy(texts, n);
    const id = this.actionArrays.length;
    this.actionArrays.push(out);
    if (this.actionRecordAt.length <= id) this.actionRecordAt = grown(this.actionRecordAt, id + 1);
    const r = this.actionRecordTop;
    if (this.actionRecords.length < r + 2 + n) this.actionRecords = grown(this.actionRecords, r + 2 + n);
    this.actionRecordAt[id] = r;
    this.actionRecords[r] = kind;
    this.actionRecords[r + 1] = n;
    for (let i = 0; i < n; i++) this.actionRecords[r + 2 + i] = ids[i]!;
    this.actionRecordTop = r + 2 + n;
    index.insert(at, h, id);
    return id;
  }

  /** The id of the text's lower-cased form (texts differing only in case share it, and so their lists). */
  private textIdOf(text: string): number {
    let tid = this.textIds.get(text);
    if (tid === undefined) {
      const lower = text.toLowerCase();
      tid = lower === text ? undefined : this.textIds.get(lower);
      if (tid === undefined) {
        tid = this.lowerTexts.length;
        this.lowerTexts.push(lower);
        this.oneActionId.push(-1);
        this.textIds.set(lower, tid);
      }
      this.textIds.set(text, tid);
    }
    return tid;
  }

  /** Id of the list of a `Resource` (kind 0) or `NotResource` (kind 1) clause (texts kept as written). */
  public resourcesIdOf(v: string | string[], kind: number): number {
    const single = !Array.isArray(v);
    if (kind === 0 && (single ? v === '*' : v.length === 1 && v[0] === '*')) {
      if (this.allResourcesId < 0) this.allResourcesId = this.newResourceArray(ALL_RESOURCES, 0);
      return this.allResourcesId;
    }
    const n = single ? 1 : v.length;
    if (n === 1 && kind === 0) {
      // One resource (most scoped statements): a map by its text, whose hash the string keeps once
      // computed, instead of sampling its characters and comparing it with a candidate's.
      const text = single ? v : v[0]!;
      let id = this.oneResourceId.get(text);
      if (id === undefined) {
        id = this.newResourceArray(single ? oneText(v) : v, 0);
        this.oneResourceId.set(text, id);
      }
      return id;
    }
    let h = Math.imul(n + 1, 0x9e3779b1) ^ kind;
    if (single) h = Math.imul(h ^ sampledHash(v), 0x01000193);
    else for (let i = 0; i < n; i++) h = Math.imul(h ^ sampledHash(v[i]!), 0x01000193);
    const index = this.resourceIndex;
    index.first(h);
    for (let id = index.next(); id >= 0; id = index.next()) {
      if (this.resourceKinds[id] !== kind) continue;
      const list = this.resourceArrays[id]!;
      if (list.length === n && (single ? list[0] === v : sameTexts(list, v))) return id;
    }
    const at = index.free;
    // The snapshot's own array when it has one (as before: never mutated), else a one-element list.
    const id = this.newResourceArray(single ? oneText(v) : v, kind);
    index.insert(at, h, id);
    return id;
  }

  private newResourceArray(list: string[], kind: number): number {
    const id = this.resourceArrays.length;
    this.resourceArrays.push(list);
    if (this.resourceKinds.length <= id) {
      const k = new Uint8Array(2 * this.resourceKinds.length);
      k.set(this.resourceKinds);
      this.resourceKinds = k;
    }
    this.resourceKinds[id] = kind;
    return id;
  }
}

/** A larger copy of `a` (at least `n` entries). */
function grown(a: Int32Array, n: number) {
  const b = new Int32Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}

/**
 * Ids by a 32-bit hash, open addressing with linear probing in one typed array: per slot one
 * integer, 0 when empty, else the id + 1 in its low `idBits` bits and the hash's bits above them.
 * A lookup reads one integer per candidate, and only candidates whose stored hash bits match are
 * given to the caller, which compares them (a stored part of the hash may match a different full
 * hash: every caller compares what the ids stand for). `first(h)` starts a lookup, `next()` gives
 * the candidates (-1 at the end, leaving `free` at the empty slot reached), and `insert(free, h, id)`
 * adds one. Ids need not be dense, but each id's full hash is kept in an array by id (read only to
 * rebuild the table), so they should be small.
 */
export class IdIndex {
  /**
   * One integer per slot (see the class), at most three quarters full. Two per slot (id + 1, then the
   * full hash), at most half full, made the tables of a pessimistic resolution 2 MB (policies 512 KB,
   * statements 512 KB, …), probed at random about 180,000 times, each probe a cache miss: the probe's
   * first read was 12-13 % of principalsOf's samples (line profile, 8 steady resolutions), 9.7 % with
   * one integer per slot, 8.6 % with the higher load as well (tables 128 KB and less). A linear probe
   * at that load reads about two slots, in one cache line.
   */
  private table: Int32Array;
  /** Slots minus one (a power of two minus one). */
  private mask: number;
  /** How many low bits of a slot hold the id + 1 (`idMask` of them). */
  private idBits: number;
  private idMask: number;
  /** The full hash of each id inserted (by id), to rebuild the table. */
  private hashes: Int32Array;
  private count = 0;
  private probe = 0;
  /** The current lookup's hash bits above `idBits` (as stored in the slots). */
  private tag = 0;
  /** The empty slot where the last lookup ended. */
  public free = 0;

  /**
   * Room for `capacity` ids without a rehash (slots at most three quarters full), ids below `capacity`
   * without widening the id bits. Callers that know how many ids a resolution can hold size it
   * once instead of growing it several times.
   */
  public constructor(capacity = 512) {
    let slots = 1024;
    while (3 * slots < 4 * capacity + 4) slots *= 2;
    this.table = new Int32Array(slots);
    this.mask = slots - 1;
    this.idBits = 0;
    this.idMask = 0;
    this.setIdBits(capacity + 1);
    this.hashes = new Int32Array(Math.max(16, capacity));
  }

  /** Id bits for ids + 1 up to `n` (at least 10: the stored hash bits still tell most candidates apart). */
  private setIdBits(n: number): void {
    let bits = 10;
    while (bits < 30 && (1 << bits) - 1 < n) bits++;
    this.idBits = bits;
    this.idMask = (1 << bits) - 1;
  }

  public first(h: number): void {
    this.tag = h & ~this.idMask;
    this.probe = h & this.mask;
  }

  public next(): number {
    const table = this.table;
    const mask = this.mask;
    const idMask = this.idMask;
    for (let p = this.probe; ; p = (p + 1) & mask) {
      const v = table[p]!;
      if (v === 0) {
        this.free = p;
        return -1;
      }
      if ((v & ~idMask) === this.tag) {
        this.probe = (p + 1) & mask;
        return (v & idMask) - 1;
      }
    }
  }

  public insert(at: number, h: number, id: number): void {
    if (id >= this.hashes.length) this.hashes = grown(this.hashes, id + 1);
    this.hashes[id] = h;
    this.count++;
    // An id too large for the id bits, or more than three quarters full (probes stay short): rebuilt with the new id.
    if (id + 1 > this.idMask || this.count * 4 > 3 * (this.mask + 1)) this.rebuild(id);
    else this.table[at] = (h & ~this.idMask) | (id + 1);
  }

  /** The table again, with wider id bits and twice the slots when needed, from the ids in it and `id`. */
  private rebuild(id: number): void {
    const old = this.table;
    const oldMask = this.idMask;
    let maxId = id;
    for (let i = 0; i < old.length; i++) if (old[i] !== 0 && (old[i]! & oldMask) - 1 > maxId) maxId = (old[i]! & oldMask) - 1;
    this.setIdBits(maxId + 1);
    const slots = this.count * 4 > 3 * (this.mask + 1) ? old.length * 2 : old.length;
    const table = new Int32Array(slots);
    const mask = slots - 1;
    const place = (k: number): void => {
      const h = this.hashes[k]!;
      let p = h & mask;
      while (table[p] !== 0) p = (p + 1) & mask;
      table[p] = (h & ~this.idMask) | (k + 1);
    };
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) place((old[i]! & oldMask) - 1);
    place(id);
    this.table = table;
    this.mask = mask;
  }
}

/** Are the lists, of equal length, equal text by text? */
function sameTexts(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A hash of the length and up to 16 characters of the text: the last twelve (ARNs differ at the
 * end) and four spread over it. Constant work per text; lists with equal hashes are compared.
 */
export function sampledHash(t: string): number {
  const n = t.length;
  let h = Math.imul(n, 0x01000193);
  for (let i = n > 12 ? n - 12 : 0; i < n; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
  if (n > 16) {
    h = Math.imul(h ^ t.charCodeAt(n >>> 1), 0x01000193);
    h = Math.imul(h ^ t.charCodeAt(n >>> 2), 0x01000193);
    h = Math.imul(h ^ t.charCodeAt((n >>> 1) + (n >>> 2)), 0x01000193);
    h = Math.imul(h ^ t.charCodeAt(n >>> 3), 0x01000193);
  }
  return h;
}

export function normalizeStatement(s: PolicyStatement, table?: ClauseTable): NormalizedStatement {
  // One object literal with every key (absent clauses are `undefined`), not conditional
  // spreads: no intermediate objects, and every statement shares one hidden class, so the
  // hot loops that read them stay monomorphic. `undefined` keys read, compare and
  // serialise (JSON) exactly as absent ones.
  if (table !== undefined) return normalizeShared(s, table);
  return {
    // No `Sid`: nothing reads it, and each field is kept by tens of thousands of statements.
    effect: s.Effect,
    actions: s.Action === undefined ? undefined : lowerList(s.Action),
    notActions: s.NotAction === undefined ? undefined : lowerList(s.NotAction),
    resources: s.Resource === '*' ? ALL_RESOURCES : asList(s.Resource),
    notResources: asList(s.NotResource),
    conditional: s.Condition !== undefined && hasOwnKey(s.Condition),
    passedToService: s.Condition === undefined ? undefined : passedToServiceOf(s.Condition),
    actionsId: -1,
    resourcesId: -1,
  };
}

/** `normalizeStatement` with the resolution's shared clause arrays and their ids. */
function normalizeShared(s: PolicyStatement, table: ClauseTable): NormalizedStatement {
  const actionsId = s.Action !== undefined ? table.actionsIdOf(s.Action, 0) : -1;
  const notActionsId = s.NotAction !== undefined ? table.actionsIdOf(s.NotAction, 1) : -1;
  const resourcesId = s.Resource !== undefined ? table.resourcesIdOf(s.Resource, 0) : -1;
  const notResourcesId = s.NotResource !== undefined ? table.resourcesIdOf(s.NotResource, 1) : -1;
  const conditional = s.Condition !== undefined && hasOwnKey(s.Condition);
  const passedToService = conditional ? passedToServiceOf(s.Condition!) : undefined;
  if (passedToService === undefined && (s.Effect === 'Allow' || s.Effect === 'Deny')) {
    return table.sharedStatement(s.Effect === 'Allow' ? 0 : 1, conditional, actionsId, notActionsId, resourcesId, notResourcesId);
  }
  table.lastStatementId = -1;
  return {
    effect: s.Effect,
    actions: actionsId < 0 ? undefined : table.actionArrays[actionsId],
    notActions: notActionsId < 0 ? undefined : table.actionArrays[notActionsId],
    resources: resourcesId < 0 ? undefined : table.resourceArrays[resourcesId],
    notResources: notResourcesId < 0 ? undefined : table.resourceArrays[notResourcesId],
    conditional,
    passedToService,
    // What consumers read: `actions ?? notActions`, `resources ?? notResources`.
    actionsId: actionsId >= 0 ? actionsId : notActionsId,
    resourcesId: resourcesId >= 0 ? resourcesId : notResourcesId,
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
  // Own keys in `Object.entries` order, without its arrays: an array of pairs per condition and per
  // block measured ≈ 1.1 MB allocated per pessimistic evaluation (alloc.mts, `entries` under this
  // function), for the ≈ 3,400 conditional statements resolution normalises.
  for (const operator in condition) {
    if (!Object.prototype.hasOwnProperty.call(condition, operator)) continue;
    const block = condition[operator];
    if (!PASSED_TO_SERVICE_OPERATORS.has(operator.toLowerCase()) || typeof block !== 'object' || block === null) continue;
    for (const key in block) {
      if (!Object.prototype.hasOwnProperty.call(block, key)) continue;
      const value = (block as Record<string, unknown>)[key];
      if (key.toLowerCase() !== 'iam:passedtoservice') continue;
      const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase());
      // Two operators on one key must both hold; keeping the union errs towards "may pass" (never hides a path).
      values = values === undefined ? list : [...values, ...list];
    }
  }
  return values;
}

function lowerList(v: string | string[]): string[] {
  if (!Array.isArray(v)) return [v.toLowerCase()];
  const out = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]!.toLowerCase();
  return out;
}

/** The document's statements, normalised (with a resolution's shared clause arrays when given: see `ClauseTable`). */
export function statementsOf(doc: PolicyDocument, table?: ClauseTable): NormalizedStatement[] {
  if (!Array.isArray(doc.Statement)) return [normalizeStatement(doc.Statement, table)];
  const list = doc.Statement;
  // Normalised in order into a reused buffer, then copied out (see `retainedCopy`).
  const out = table !== undefined ? table.statementBuffer : objectList<NormalizedStatement>();
  for (let i = 0; i < list.length; i++) out[i] = normalizeStatement(list[i]!, table);
  return retainedCopy(out, list.length);
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

/** Set in a `statementActionMask` row entry that holds an answer (bit 30: masks use bits 0–29). */
const MASK_KNOWN = 1 << 30;

/** Per action-list key: pattern text → bit mask of the list's actions the pattern matches. */
const patternMasks = new Map<string, Map<string, number>>();

/**
 * Bit `i` set when the statement's action clause covers `lowerActions[i]` (at most
 * `MAX_MASK_ACTIONS` actions, lower-cased, named by `listKey`: equal keys, equal actions).
 * Each pattern text is matched against the list once and then looked up: rules probing a
 * dozen actions on every statement of an account match a few thousand distinct patterns,
 * not every pattern of every statement against every action. With `row` (one per resolution
 * and key, `ClauseTable.actionsCount` entries, zeroed), the answer per clause array is kept at
 * the statement's `actionsId`: statements sharing an array ask its patterns once.
 */
export function statementActionMask(s: NormalizedStatement, lowerActions: readonly string[], listKey: string, row?: Int32Array): number {
  const patterns = s.actions ?? s.notActions;
  if (!patterns) return 0;
  // A statement of the row's resolution (ids are local to it; the bound only guards misuse).
  const id = row === undefined || s.actionsId === undefined || s.actionsId >= row.length ? -1 : s.actionsId;
  let mask: number;
  if (id >= 0 && row![id] !== 0) mask = row![id]! & ~MASK_KNOWN;
  else {
    let byPattern = patternMasks.get(listKey);
    if (!byPattern) {
      if (patternMasks.size > 1_000) patternMasks.clear();
      byPattern = new Map();
      patternMasks.set(listKey, byPattern);
    }
    mask = 0;
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
    if (id >= 0) row![id] = mask | MASK_KNOWN;
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
