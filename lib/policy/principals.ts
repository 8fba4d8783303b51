/**
 * Resolves IAM principals (users and roles) with every identity policy that applies to
 * them, from one GetAccountAuthorizationDetails result: a user gets its inline and
 * managed policies plus those of each group it belongs to; a role its inline and
 * managed policies. Permission boundaries are kept apart (they only restrict).
 */
import type { AuthorizationDetails, PolicyDocument } from '../snapshot';
import {
  statementsOf,
  statementCoversAction,
  statementActionMask,
  statementCoversLowerAction,
  statementCoversLowerResource,
  MAX_MASK_ACTIONS,
  statementCoversResource,
  wildcardMatch,
  ClauseTable,
  IdIndex,
  objectList,
  retainedCopy,
  sampledHash,
  type NormalizedStatement,
} from './document';
import { ADMINISTRATOR_ACCESS_ARN, adminFactsOf, namedInAdminAssessment } from './admin-facts';
import { decideOnAll, decideOnAllManyInto, decisionRank, listAllowsAnyOnAllMany, type ListRows, loweredActions, type Decision } from './evaluate';

export type PolicyOrigin = 'inline' | 'managed' | 'group-inline' | 'group-managed';

export interface AppliedPolicy {
  origin: PolicyOrigin;
  name: string;
  /** Managed policy ARN, or for inline policies `<principal arn>#<policy name>`. */
  id: string;
  /** Group the policy comes from, for group-* origins. */
  via?: string;
  statements: NormalizedStatement[];
}

export interface Principal {
  type: 'user' | 'role';
  name: string;
  arn: string;
  policies: AppliedPolicy[];
  /** Statements of the permissions boundary, when one is set and resolvable. */
  boundary?: NormalizedStatement[];
  /**
   * What applies to the principal but is absent from the snapshot, so its permissions are
   * only a lower bound: ARNs of attached managed policies (or of the permissions boundary)
   * whose document was not collected, and `group:<name>` for each group the user belongs
   * to that is missing from GroupDetailList (its policies are unknown).
   */
  unresolvedPolicies: string[];
  /**
   * The principal's tags as the snapshot lists them (empty when it has none); role last used /
   * user creation facts are left to the rules that need them. Not a `Record` built per principal:
   * no rule reads tags, and resolution makes 15,000 principals per pessimistic evaluation (see
   * `newPrincipal`).
   */
  tags: readonly PrincipalTag[];
  /**
   * The principal's distinct statement lists and boundary, shared by every principal of the
   * same resolution whose policies (in any order, duplicates ignored) and boundary are
   * identical: per-principal results that depend only on policy contents (decisions,
   * effective permissions) are computed once per set.
   */
  policySet: PolicySet;
}

export interface PrincipalTag {
  Key: string;
  Value: string;
}

/**
 * A distinct set of statement lists plus a boundary. Statement lists are shared arrays
 * (one per managed policy, per group inline policy, and per distinct inline document), so
 * equal `key`s mean identical contents; principals resolved together share the object.
 */
export interface PolicySet {
  /** Sorted ids of the distinct statement lists, then `|` and the boundary's id (empty when none). */
  key: string;
  lists: readonly (readonly NormalizedStatement[])[];
  boundary?: readonly NormalizedStatement[];
}

/** How a policy is named to a person: `name`, or `name (via group G)` for a group's policy. */
export const policyLabel = (policy: Pick<AppliedPolicy, 'name' | 'via'>): string => (policy.via ? `${policy.name} (via group ${policy.via})` : policy.name);

export type { Decision } from './evaluate';

/** A process-wide id per statement-list object (weakly held: no leak across snapshots). */
const listIds = new WeakMap<readonly NormalizedStatement[], number>();
let nextListId = 1;
export function listId(list: readonly NormalizedStatement[]): number {
  let id = listIds.get(list);
  if (id === undefined) {
    id = nextListId++;
    listIds.set(list, id);
  }
  return id;
}

/**
 * Memo storage of one resolution, indexed by its local list ids and set indexes: per-list and
 * per-set answers (`flagsOfMany`, `decideManyShared`) are array slots, not
 * one WeakMap entry and one small array per list or set. The WeakMap memos remain for policy
 * sets built by hand (tests).
 */
class ResolutionMemo {
  /** Lists and sets of the resolution (known once it is complete; rows are created after). */
  public listCount = 0;
  public setCount = 0;
  /** How many shared action arrays the resolution's statements have (`NormalizedStatement.actionsId` < it). */
  public actionsCount = 0;
  /**
   * How many shared resource arrays they have (`NormalizedStatement.resourcesId` < it): the
   * breadth calculator sizes its per-resource rows once from it (helper A's request, s16).
   */
  public resourcesCount = 0;
  /*
   * The three row lists below start with an `undefined` entry for every slot any earlier resolution
   * used (`slotsSeen`), in the generic elements kind: a fresh `[]` had another map than the
   * previous resolution's filled list, and optimised readers (decideManyShared) deoptimised on
   * each new resolution ("wrong map",
   * --trace-deopt on bench/evaluate runs 2–3, realistic).
   */
  /** Per `maskKeyOf` key: `statementActionMask`'s answers by action-array id. */
  public readonly maskRows: (Int32Array | undefined)[] = slotRow(slotsSeen.mask);
  /** Per memo slot (`slotOf`), per local list id. */
  public readonly listRows: ((Uint8Array | null | undefined)[] | undefined)[] = slotRow(slotsSeen.list);
  /** Per memo slot, per set index. */
  public readonly setRows: ((readonly Decision[] | undefined)[] | undefined)[] = slotRow(slotsSeen.set);
  /**
   * The sorted distinct list ids of every set, then the same in the set's list order, one set
   * after the other (`ResolvedSet.idsAt`): one array for the resolution instead of two small ones per set (each a survivor the
   * young-generation collector copies twice). A typed array grown by doubling (`setIdsTop` used): pushing 90,000 ids onto
   * a JS array measured 8–11 ms per resolution on this machine, the same in an Int32Array 0.2–1.9 ms.
   */
  public setIds: Int32Array;
  public setIdsTop = 0;

  /**
   * Room for `principals` sets of a few lists each without growing `setIds` (pessimistic mix:
   * 14,020 sets, 164,050 ids, realistic 6,746 and 88,490; grown from 4,096 by doubling, the copies
   * measured ≈ 2 ms per resolution in a line profile). Sized 8 per principal it grew once in the
   * pessimistic mix, to 960 KB (lead-ta.mts), leaving 480 KB for the collector: 12 per principal.
   */
  public constructor(principals: number) {
    this.setIds = new Int32Array(Math.max(4096, 12 * principals));
  }
}

/** How many slots each kind of memo row list has needed so far (process-wide: slots are process-wide small integers). */
const slotsSeen = { mask: 0, list: 0, set: 0 };

/** A row list of `n` `undefined` entries in the generic elements kind (see `ResolutionMemo.maskRows`). */
function slotRow<T>(n: number): (T | undefined)[] {
  const row = objectList<T | undefined>();
  for (let i = 0; i < n; i++) row.push(undefined);
  return row;
}

/** A copy of `a` with room for at least `n` entries (doubling). */
function grownInts(a: Int32Array, n: number) {
  let size = a.length * 2;
  while (size < n) size *= 2;
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/** A row of `n` empty entries, allocated once at its size (written by index afterwards, never grown). */
const emptyRow = <T>(n: number): (T | undefined)[] => new Array<T | undefined>(n).fill(undefined);

/** One small integer per action-list key asked through `statementActionMask` rows. */
const maskKeys = new Map<string, number>();

/** The resolution's `statementActionMask` row for the action-list key (see `ResolutionMemo.maskRows`). */
function maskRowOf(memo: ResolutionMemo, listKey: string): Int32Array {
  let k = maskKeys.get(listKey);
  if (k === undefined) {
    k = maskKeys.size;
    maskKeys.set(listKey, k);
  }
  return memo.maskRows[k] ?? newMaskRow(memo, k);
}

// The rows are made on a slot's first use in a resolution, out of line (cold: a few per rule).
function newMaskRow(memo: ResolutionMemo, k: number): Int32Array {
  if (k >= slotsSeen.mask) slotsSeen.mask = k + 1;
  return (memo.maskRows[k] = new Int32Array(memo.actionsCount));
}

function newListRow(memo: ResolutionMemo, slot: number): (Uint8Array | null | undefined)[] {
  if (slot >= slotsSeen.list) slotsSeen.list = slot + 1;
  return (memo.listRows[slot] = emptyRow(memo.listCount));
}

function newSetRow(memo: ResolutionMemo, slot: number): (readonly Decision[] | undefined)[] {
  if (slot >= slotsSeen.set) slotsSeen.set = slot + 1;
  return (memo.setRows[slot] = emptyRow(memo.setCount));
}

const listRowOf = (memo: ResolutionMemo, slot: number): (Uint8Array | null | undefined)[] => memo.listRows[slot] ?? newListRow(memo, slot);
const setRowOf = (memo: ResolutionMemo, slot: number): (readonly Decision[] | undefined)[] => memo.setRows[slot] ?? newSetRow(memo, slot);

/** A policy set made by `resolvePrincipals`: its lists' local ids and its index, for the resolution's memo rows. */
class ResolvedSet implements PolicySet, ListRows {
  public readonly lists: readonly (readonly NormalizedStatement[])[];
  public readonly boundary: readonly NormalizedStatement[] | undefined;
  /** Local id of the boundary's list, -1 without one. */
  public readonly boundaryId: number;
  public readonly index: number;
  public readonly memo: ResolutionMemo;
  /**
   * Where the lists' local ids, sorted and without duplicates (what tells sets apart, with
   * `boundaryId`), start in `memo.setIds`; there are as many as `lists`, and after them the same
   * ids in the order of `lists` (`listIdAt`).
   */
  public readonly idsAt: number;
  /**
   * No list of the set is one an admin assessment names (`Indexes.namedByAdmin`, the same for
   * every policy of a list): see `resolvedWithoutAdminPolicy`.
   */
  public readonly namesNoAdminPolicy: boolean;

  public constructor(
    lists: readonly (readonly NormalizedStatement[])[],
    idsAt: number,
    boundary: readonly NormalizedStatement[] | undefined,
    boundaryId: number,
    index: number,
    memo: ResolutionMemo,
    namesNoAdminPolicy: boolean,
  ) {
    this.idsAt = idsAt;
    this.namesNoAdminPolicy = namesNoAdminPolicy;
    this.lists = lists;
    this.boundary = boundary;
    this.boundaryId = boundaryId;
    this.index = index;
    this.memo = memo;
  }

  /** Local id of `lists[l]`. */
  public listIdAt(l: number): number {
    return this.memo.setIds[this.idsAt + this.lists.length + l]!;
  }

  /** The `PolicySet` key, written when read (nothing in the evaluation reads it: sets are told apart by their sorted ids). */
  public get key(): string {
    let key = '';
    for (let i = 0; i < this.lists.length; i++) key += i === 0 ? `${this.memo.setIds[this.idsAt + i]!}` : `,${this.memo.setIds[this.idsAt + i]!}`;
    return `${key}|${this.boundaryId < 0 ? '' : this.boundaryId}`;
  }

}

/**
 * The resolution's rows of a policy set it made (dense `index`, list ids, counts), `undefined` for a
 * set built by hand: rules keep per-set answers in arrays by `index` instead of a Map per set.
 */
export const resolvedRowsOf = (set: PolicySet): ListRows | undefined => (set instanceof ResolvedSet ? set : undefined);

/*
 * A distinct statement list of one resolution is its local id (`lid`, 0, 1, 2…): what resolution
 * keeps per list is in the `Indexes` arrays indexed by it (`listOf`, `namedByAdmin`, and for a
 * managed policy `codeOf`, `codeNameOf`, `appliedOf`), not in an object per list. The entries
 * were object literals (≈ 13,900 managed + 5,500 inline per pessimistic resolution); every
 * object a resolution keeps costs either a pretenured allocation or two scavenger copies.
 *
 * A managed policy ARN resolves to an `EntryRef`: its list's `lid` (≥ 0) when the snapshot holds
 * its document, else `-1 - code` (an ARN the snapshot has no document for, with its signature code).
 */
type EntryRef = number;

/** `EntryRef` of no entry (a principal without a boundary in `Indexes.boundaryScratch`). */
const NO_ENTRY = 0x7fffffff;

/** The signature code of an unresolved ARN's ref (`ref` < 0). */
const unresolvedCode = (ref: EntryRef): number => -1 - ref;

/**
 * Where resolution appends policies (`policies[0 .. count)`), their lists' local ids (same
 * positions in `lids`) and unresolved items (`unresolved[0 .. unresolvedCount)`): a group's entry,
 * or the buffers `resolve` reuses for every principal. Entries past the counts are stale.
 */
class Appended {
  public readonly policies: AppliedPolicy[] = objectList();
  public readonly lids: number[] = [];
  public readonly unresolved: string[] = objectList();
  public count = 0;
  public unresolvedCount = 0;

  public addUnresolved(item: string): void {
    this.unresolved[this.unresolvedCount++] = item;
  }
}

/** A group's policies (with their lists' local ids, in the same order) and unresolved ARNs; `known` false for a group missing from the snapshot. */
class GroupEntry extends Appended {
  public constructor(
    public readonly code: number,
    public readonly known: boolean,
  ) {
    super();
  }
}

type GroupDetail = AuthorizationDetails['GroupDetailList'][number];

interface Indexes {
  /** The snapshot's managed policies. */
  policies: AuthorizationDetails['Policies'];
  /**
   * Positions in `policies` by ARN (`sampledHash`; for equal ARNs the last, as a Map set in
   * order keeps): an index presized from the snapshot in typed arrays. A Map of 20,000 ARNs
   * measured 8–11 ms to build per resolution, this index 2.5–4 ms.
   */
  policyIndex: IdIndex;
  /** The ARN at each position (compared on a hash match: one dense array, not a read of each policy object). */
  arns: string[];
  /**
   * The `lid` of each position's list once the policy is first used, -1 before (unattached policies are never
   * normalised), `WANTED` while marked, `NORMALIZED` once normalised and not yet used (its statements in `normalizedAt`).
   */
  managedAt: Int32Array;
  /** The statements `normalizeAttached` made for each position, until its first use gives them a `lid`. */
  normalizedAt: (NormalizedStatement[] | undefined)[];
  /** By position, once `normalizeAttached` has normalised it: its list's `namedByAdminOf` (for `listAt`). */
  namedAt: Uint8Array;
  /** Signature codes of the ARNs used but absent from the snapshot (or without a document). */
  absent: Map<string, number>;
  /** Groups by name: the snapshot's group until first used, then its entry. */
  groups: Map<string, GroupDetail | GroupEntry>;
  /** The `lid` of each inline statement sequence (`ClauseTable.sequenceId`, dense: a new sequence gets the next id). */
  inlineBySequence: number[];
  /** Lower-cased action texts shared by every statement of the resolution. */
  lowered: ClauseTable;
  /** How many distinct lists (local ids 0 … listCount - 1). */
  listCount: number;
  /** The statements of each list, by local id. */
  listOf: NormalizedStatement[][];
  /**
   * By local id: 1 when an admin assessment names a policy with this list (`namedInAdminAssessment`
   * of its id and facts, worked out while the statements are in cache). The same for every policy
   * of the list: a managed policy's id is its ARN, and an inline policy's id (`<owner arn>#<name>`)
   * is never the AdministratorAccess ARN. Resolution decides `ResolvedSet.namesNoAdminPolicy` from
   * it, without reading each applied policy again.
   */
  namedByAdmin: Uint8Array;
  /** By local id of a managed policy's list: the ARN's code as a boundary, and as a direct attachment under `codeNameOf`. */
  codeOf: Int32Array;
  /** By local id of a managed policy's list: the name of its first attachment coded (`attachmentCode`); other names get codes of their own. */
  codeNameOf: (string | undefined)[];
  /**
   * By local id of a managed policy's list: the applied-policy object of its first direct
   * attachment, shared by every principal attaching the policy directly under the same name
   * (thousands of users attach the same few).
   */
  appliedOf: (AppliedPolicy | undefined)[];
  /** Sets (ids: their indexes in `setList`) by a hash of their sorted list ids and boundary id (`policySetOf`). */
  setIndex: IdIndex;
  setList: ResolvedSet[];
  /** `policySetOf`'s buffers: sorted ids, then the distinct lists and their ids in first-occurrence order. */
  idScratch: number[];
  listScratch: (readonly NormalizedStatement[])[];
  lidScratch: number[];
  memo: ResolutionMemo;
  /** Next signature code (managed ARNs, name variants, groups: one counter, so codes of different kinds never meet). */
  codes: number;
  /** Codes of direct attachments under a name other than the entry's `codeName`, by ARN, NUL and name (rare). */
  nameVariants: Map<string, number>;
  /**
   * Resolutions of principals without inline policies (ids: their indexes in `resolutions`), by a
   * hash of their signature codes (`principalOf`): thousands of users in the same groups share one.
   * A resolution is the first principal resolved with its signature: later ones take its policies,
   * unresolved list, boundary and set (no object per resolution besides the principals).
   */
  signatureIndex: IdIndex;
  resolutions: Principal[];
  /** By resolution id: where its signature codes start in `signatures`, and how many. */
  signatureAt: Int32Array;
  signatureLength: Int32Array;
  /** The signature codes of every resolution in `resolutions`, one after the other; `signaturesTop` used. */
  signatures: Int32Array;
  signaturesTop: number;
  /** What the last `resolve` worked out (read by `principalOf` at once). */
  resolvedPolicies: AppliedPolicy[];
  resolvedUnresolved: string[];
  resolvedBoundary: NormalizedStatement[] | undefined;
  resolvedSet: PolicySet | undefined;
  /** `principalOf`'s signature buffer. */
  signatureScratch: number[];
  /**
   * `resolve`'s buffers, reused by every principal: three new arrays per principal, grown by
   * `push` (pessimistic mix: 14,030 resolutions) measured 5.6 MB of the 8.4 MB `resolve`
   * allocated per run (alloc.mts); what a resolution keeps is copied out at its exact size.
   */
  scratch: Appended;
  /**
   * What `principalOf` looked up for the signature, for `resolve` to use when the signature is
   * new (14,030 of 15,000 principals in the pessimistic mix) instead of looking each ARN and
   * group up again: the entry of each direct attachment, of each group, and of the boundary.
   */
  attachedScratch: EntryRef[];
  groupScratch: GroupEntry[];
  boundaryScratch: EntryRef;
  /**
   * Where `normalizeAttached` found each direct attachment of the users, then of the roles, in their
   * order: its position in `policies`, -1 when the snapshot has no policy with the ARN. Principal `k`'s
   * are `attachAt[attachStart[k] .. attachStart[k + 1])`, and its boundary's is `boundaryAt[k]` (-1 also
   * without one): resolution reads them instead of looking each ARN up a second time.
   */
  attachAt: Int32Array;
  attachTop: number;
  attachStart: Int32Array;
  boundaryAt: Int32Array;
}

/** `Indexes.resolvedPolicies` before the first resolution (never a principal's). */
const NO_POLICIES: AppliedPolicy[] = [];

/**
 * The unresolved list of every resolution with nothing unresolved (most): one array, not one
 * per resolution. Shared like every resolution output: never mutate it.
 */
const NO_UNRESOLVED: string[] = [];

/**
 * Is a policy with this id and these statements named by an admin assessment (`Indexes.namedByAdmin`)?
 * 1 or 0. Callers ask right after normalising the statements, while they are in cache.
 */
const namedByAdminOf = (id: string, statements: readonly NormalizedStatement[]): number => (namedInAdminAssessment(id, adminFactsOf(statements)) ? 1 : 0);

/**
 * A new list with the next local id (`code`: its managed policy's signature code, -1 for an inline list;
 * `named`: its `namedByAdminOf`, worked out by the caller when it normalised the statements).
 */
function newList(idx: Indexes, statements: NormalizedStatement[], named: number, code: number): number {
  const lid = idx.listCount++;
  if (lid >= idx.codeOf.length) growLists(idx, lid + 1);
  idx.listOf[lid] = statements;
  idx.namedByAdmin[lid] = named;
  idx.codeOf[lid] = code;
  return lid;
}

// Out of line: the arrays are sized for every policy and principal of the snapshot, so this is rare.
function growLists(idx: Indexes, n: number): void {
  const size = Math.max(n, 2 * idx.codeOf.length);
  const named = new Uint8Array(size);
  named.set(idx.namedByAdmin);
  idx.namedByAdmin = named;
  idx.codeOf = grownInts(idx.codeOf, n);
  for (let i = idx.listOf.length; i < size; i++) {
    idx.listOf.push(undefined as unknown as NormalizedStatement[]);
    idx.codeNameOf.push(undefined);
    idx.appliedOf.push(undefined);
  }
}

/** Initial length of `principalOf`'s scratch arrays (attachments, groups and a boundary per principal). */
const SCRATCH_SIZE = 64;

function buildIndexes(details: AuthorizationDetails): Indexes {
  // Indexed loops in resolution: its functions run once per principal and some reach the collector
  // unoptimised, where `for … of` allocates an iterator and a result object per element.
  const policies = details.Policies;
  const policyIndex = new IdIndex(policies.length);
  // Object elements before `indexArns` stores the first ARN: a `new Array(n)` (small-integer holes) changed map
  // at that store inside indexArns' optimised code, and once the call site had learnt the final kind the next
  // resolution's array came with it: "wrong map" deopt of indexArns in run 2, compiled twice more (5 + 18 ms,
  // evalruns pessimistic trace, s17). Every entry is written by indexArns.
  const arns = new Array<string>(policies.length).fill(undefined as unknown as string);
  indexArns(policies, policyIndex, arns, policies.length - 1);
  const groups = groupsByName(details.GroupDetailList);
  const principals = details.UserDetailList.length + details.RoleDetailList.length;
  // At most one list per managed policy and one per inline document (about one per principal): room
  // for both, grown only beyond (`growLists`).
  const lists = policies.length + principals + 16;
  return {
    policies,
    policyIndex,
    arns,
    managedAt: new Int32Array(policies.length).fill(-1),
    normalizedAt: emptyRow<NormalizedStatement[]>(policies.length),
    namedAt: new Uint8Array(policies.length),
    absent: new Map(),
    groups,
    inlineBySequence: [],
    // Inline documents: about one per role (pessimistic mix: 5,186 distinct sequences of 15,000 principals).
    lowered: new ClauseTable(policies.length, principals >> 1),
    listCount: 0,
    // Written by index (`newList`), never pushed: growing them by `push` was ≈ 0.7 MB of garbage per
    // pessimistic resolution (alloc.mts).
    listOf: emptyRow<NormalizedStatement[]>(lists) as NormalizedStatement[][],
    namedByAdmin: new Uint8Array(lists),
    codeOf: new Int32Array(lists),
    codeNameOf: emptyRow<string>(lists),
    appliedOf: emptyRow<AppliedPolicy>(lists),
    // At most one set and one signature per principal.
    setIndex: new IdIndex(principals),
    setList: objectList(),
    idScratch: [],
    listScratch: objectList(),
    lidScratch: [],
    memo: new ResolutionMemo(principals),
    codes: 0,
    nameVariants: new Map(),
    signatureIndex: new IdIndex(principals),
    resolutions: objectList(),
    signatureAt: new Int32Array(principals + 1),
    signatureLength: new Int32Array(principals + 1),
    signatures: new Int32Array(Math.max(4096, 4 * principals)),
    signaturesTop: 0,
    resolvedPolicies: NO_POLICIES,
    resolvedUnresolved: NO_UNRESOLVED,
    resolvedBoundary: undefined,
    resolvedSet: undefined,
    // Scratch arrays allocated at a size no principal of the mixes exceeds: principalOf's
    // optimised code deoptimised ("out of bounds") when a write first grew `signatureScratch`
    // (--trace-deopt on a cold principalsOf, both mixes); a larger principal still grows them.
    signatureScratch: new Array<number>(SCRATCH_SIZE).fill(0),
    scratch: new Appended(),
    attachedScratch: new Array<EntryRef>(SCRATCH_SIZE).fill(0),
    groupScratch: new Array<GroupEntry | undefined>(SCRATCH_SIZE).fill(undefined) as GroupEntry[],
    boundaryScratch: NO_ENTRY,
    // Room for four attachments per principal (the mixes have fewer); grown by doubling beyond.
    attachAt: new Int32Array(Math.max(1024, 4 * principals)),
    attachTop: 0,
    attachStart: new Int32Array(principals + 1),
    boundaryAt: new Int32Array(principals),
  };
}

/*
 * The loops over the snapshot's lists are functions of their own (`indexArns`, `groupsByName`,
 * `resolveUsers`, `resolveRoles`): a function called once per resolution runs its loop as
 * on-stack-replaced code, and code after the loop with no type feedback then deoptimised that
 * code on every resolution ("Insufficient type feedback", --trace-deopt on bench/evaluate runs
 * 2–4, realistic, in buildIndexes and resolvePrincipals). A function that is only its loop has
 * nothing after it.
 */

/**
 * Positions of the policies by ARN, last to first (from `last`, the last position), skipping an ARN already
 * indexed: equal ARNs find the last position. `last` is the caller's: the function's first bytecode was
 * `policies.length`, run once per call before the loop, and the regular compile (made from the first
 * call's feedback, where that read ran before the function had a feedback vector) deoptimised there in the
 * next resolution ("Insufficient type feedback", bytecode offset 0) and was compiled twice more, in steady
 * runs 3-5 (7-11 ms each, --trace-opt/--trace-deopt on bench/evaluate, both mixes, s17).
 */
function indexArns(policies: AuthorizationDetails['Policies'], policyIndex: IdIndex, arns: string[], last: number): void {
  for (let i = last; i >= 0; i--) {
    const arn = policies[i]!.Arn;
    arns[i] = arn;
    const h = sampledHash(arn);
    policyIndex.first(h);
    let id = policyIndex.next();
    while (id >= 0 && arns[id] !== arn) id = policyIndex.next();
    if (id < 0) policyIndex.insert(policyIndex.free, h, i);
  }
}

function groupsByName(groupList: readonly GroupDetail[]): Map<string, GroupDetail | GroupEntry> {
  const groups = new Map<string, GroupDetail | GroupEntry>();
  for (let i = 0; i < groupList.length; i++) groups.set(groupList[i]!.GroupName, groupList[i]!);
  return groups;
}

/** Position in `policies` of the managed policy with this ARN (the last one with it), -1 when the snapshot has none. */
function positionOf(idx: Indexes, arn: string): number {
  const index = idx.policyIndex;
  index.first(sampledHash(arn));
  let at = index.next();
  while (at >= 0 && idx.arns[at] !== arn) at = index.next();
  return at;
}

/** `Indexes.managedAt` of a policy some principal or group attaches, not yet normalised (`normalizeAttached`). */
const WANTED = -2;

/** `Indexes.managedAt` of a policy normalised by `normalizeAttached`, not yet used (see `listAt`). */
const NORMALIZED = -3;

/**
 * Normalises every managed policy that a user, role or group attaches, or that a principal names as its
 * boundary, in the order of the snapshot's policy list, before any principal is resolved. Resolution
 * meets them in attachment order, which is random in the snapshot's memory: normalising the same
 * 13,900 policies in that order measured 1.7x the time of the list order (a harness normalising all
 * 20,001 policies of the pessimistic mix: 97-108 ms shuffled, 57-60 ms in order, alternated), each
 * policy's statements, clause arrays and texts being cold in the caches and the TLB where in list
 * order they are neighbours. Same lists, same statements, same results; only the first-seen order
 * of the local ids changes. Every group's attachments count, members or not (a few policies of
 * empty groups are then normalised for nothing; looking each member's groups up was more work).
 * A policy the marking misses would still be normalised on first use by `managedEntry`.
 */
function normalizeAttached(idx: Indexes, details: AuthorizationDetails): void {
  // Each loop in a function of its own (see `indexArns`).
  markUsers(idx, details.UserDetailList);
  markRoles(idx, details.RoleDetailList, details.UserDetailList.length);
  markGroups(idx, details.GroupDetailList);
  normalizeWanted(idx, idx.policies.length);
}

function markUsers(idx: Indexes, users: AuthorizationDetails['UserDetailList']): void {
  for (let i = 0; i < users.length; i++) {
    const u = users[i]!;
    idx.attachStart[i] = idx.attachTop;
    markPositions(idx, u.AttachedManagedPolicies);
    const b = u.PermissionsBoundary?.PermissionsBoundaryArn;
    idx.boundaryAt[i] = b ? markWanted(idx, b) : -1;
  }
}

function markRoles(idx: Indexes, roles: AuthorizationDetails['RoleDetailList'], first: number): void {
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i]!;
    idx.attachStart[first + i] = idx.attachTop;
    markPositions(idx, r.AttachedManagedPolicies);
    const b = r.PermissionsBoundary?.PermissionsBoundaryArn;
    idx.boundaryAt[first + i] = b ? markWanted(idx, b) : -1;
  }
  idx.attachStart[first + roles.length] = idx.attachTop;
}

function markGroups(idx: Indexes, groups: readonly GroupDetail[]): void {
  for (let i = 0; i < groups.length; i++) {
    const attached = groups[i]!.AttachedManagedPolicies;
    for (let j = 0; j < attached.length; j++) markWanted(idx, attached[j]!.PolicyArn);
  }
}

/** Marks a principal's direct attachments and appends their positions to `attachAt`. */
function markPositions(idx: Indexes, attached: readonly Attached[]): void {
  const top = idx.attachTop;
  if (idx.attachAt.length < top + attached.length) idx.attachAt = grownInts(idx.attachAt, top + attached.length);
  const positions = idx.attachAt;
  for (let i = 0; i < attached.length; i++) positions[top + i] = markWanted(idx, attached[i]!.PolicyArn);
  idx.attachTop = top + attached.length;
}

/** Marks the policy with this ARN wanted (when not yet normalised) and returns its position, -1 when the snapshot has none. */
function markWanted(idx: Indexes, arn: string): number {
  const at = positionOf(idx, arn);
  if (at >= 0 && idx.managedAt[at] === -1) idx.managedAt[at] = WANTED;
  return at;
}

/** Normalises the wanted policies in list order (`n`: the list's length, read by the caller; see `indexArns`). */
function normalizeWanted(idx: Indexes, n: number): void {
  const managedAt = idx.managedAt;
  for (let at = 0; at < n; at++) {
    if (managedAt[at] !== WANTED) continue;
    const doc = idx.policies[at]!.Document;
    if (doc === undefined) managedAt[at] = -1;
    else {
      const statements = statementsOf(doc, idx.lowered);
      idx.normalizedAt[at] = statements;
      // The admin facts now, while the statements are in cache: `listAt` gives the lid later, in
      // the principals' order, which is random in memory (reading the statements again there
      // measured ≈ 6 % of principalsOf's samples, line profile, pessimistic).
      idx.namedAt[at] = namedByAdminOf(idx.arns[at]!, statements);
      managedAt[at] = NORMALIZED;
    }
  }
}

/**
 * The `lid` of the policy at `at` (`NORMALIZED`), given at its first use: local ids stay in the order
 * principals first use their lists, as before `normalizeAttached`. Consumers walk principals in that
 * order and read per-list rows by `lid`; with ids in the policies' list order their reads were
 * scattered (realistic mix, A/B in one process: log-tamper-access and permission-breadth slower).
 */
function listAt(idx: Indexes, at: number): number {
  const lid = newList(idx, idx.normalizedAt[at]!, idx.namedAt[at]!, idx.codes++);
  idx.normalizedAt[at] = undefined;
  idx.managedAt[at] = lid;
  return lid;
}

/** The entry of the policy `normalizeAttached` found at `at` for `arn` (-1: none), without looking the ARN up again when it has a list. */
function entryAt(idx: Indexes, at: number, arn: string): EntryRef {
  if (at >= 0) {
    const lid = idx.managedAt[at]!;
    if (lid >= 0) return lid;
    if (lid === NORMALIZED) return listAt(idx, at);
  }
  // Absent from the snapshot or without a document: its code (see `managedEntry`).
  return managedEntry(idx, arn);
}

/** The entry of a managed policy ARN (see `EntryRef`), normalising its document on first use. */
function managedEntry(idx: Indexes, arn: string): EntryRef {
  const at = positionOf(idx, arn);
  if (at >= 0) {
    const found = idx.managedAt[at]!;
    if (found >= 0) return found;
    if (found === NORMALIZED) return listAt(idx, at);
    const doc = idx.policies[at]!.Document;
    if (doc !== undefined) {
      const statements = statementsOf(doc, idx.lowered);
      const lid = newList(idx, statements, namedByAdminOf(arn, statements), idx.codes++);
      idx.managedAt[at] = lid;
      return lid;
    }
  }
  let code = idx.absent.get(arn);
  if (code === undefined) {
    code = idx.codes++;
    idx.absent.set(arn, code);
  }
  return -1 - code;
}

/**
 * The list of an inline document, shared by every inline document whose statements normalise to
 * the same statement objects in the same order (`ClauseTable.sequenceId`; stacks stamped from one
 * template repeat them): the same JSON text gives the same sequence, and so do texts differing only
 * where normalisation does not look (`Sid`, `Version`, the letter case of actions, a lone statement
 * written without its list), whose lists read the same. The document is normalised first, which
 * resolution needs for every new document anyway, instead of numbering its JSON text too
 * (`JsonTexts`, which read every value of the document once more: in the pessimistic mix, where
 * no two inline documents are equal, that walk was ≈ 11 % of principalsOf's samples). A document
 * with a statement that is not shared (`iam:PassedToService`) gets a list of its own.
 */
function inlineEntry(idx: Indexes, doc: PolicyDocument): number {
  const table = idx.lowered;
  const n = table.normalizeInto(doc);
  const sequence = table.sequenceId(n);
  if (sequence >= 0 && sequence < idx.inlineBySequence.length) return idx.inlineBySequence[sequence]!;
  // An inline policy's id contains `#`: never the AdministratorAccess ARN, so its facts decide.
  const statements = retainedCopy(table.statementBuffer, n);
  const lid = newList(idx, statements, namedByAdminOf('#', statements), -1);
  // A new sequence has the next id.
  if (sequence >= 0) idx.inlineBySequence.push(lid);
  return lid;
}

/** Appends the inline policy and its list's local id to `out`. */
function addInline(idx: Indexes, origin: PolicyOrigin, ownerArn: string, name: string, doc: PolicyDocument, out: Appended, via?: string): void {
  const lid = inlineEntry(idx, doc);
  const statements = idx.listOf[lid]!;
  out.policies[out.count] = via ? { origin, name, id: `${ownerArn}#${name}`, via, statements } : { origin, name, id: `${ownerArn}#${name}`, statements };
  out.lids[out.count++] = lid;
}

type Attached = { PolicyName: string; PolicyArn: string };

function attachManaged(
  idx: Indexes,
  origin: 'managed' | 'group-managed',
  attached: readonly Attached[],
  out: Appended,
  via: string | undefined,
  /** The entries of `attached`, when the caller has looked them up already. */
  entries: readonly EntryRef[] | undefined,
): void {
  for (let i = 0; i < attached.length; i++) {
    const a = attached[i]!;
    const lid = entries !== undefined ? entries[i]! : managedEntry(idx, a.PolicyArn);
    if (lid < 0) {
      out.addUnresolved(a.PolicyArn);
      continue;
    }
    const statements = idx.listOf[lid]!;
    if (via) out.policies[out.count] = { origin, name: a.PolicyName, id: a.PolicyArn, via, statements };
    else {
      let applied = idx.appliedOf[lid];
      if (applied === undefined || applied.name !== a.PolicyName) {
        const own: AppliedPolicy = { origin, name: a.PolicyName, id: a.PolicyArn, statements };
        if (applied === undefined) idx.appliedOf[lid] = own;
        applied = own;
      }
      out.policies[out.count] = applied;
    }
    out.lids[out.count++] = lid;
  }
}

/** A group's entry (its policies resolved once and shared by its members), or one with `known` false for a group the snapshot lacks. */
function groupEntry(idx: Indexes, groupName: string): GroupEntry {
  const found = idx.groups.get(groupName);
  if (found instanceof GroupEntry) return found;
  const entry = new GroupEntry(idx.codes++, found !== undefined);
  if (found !== undefined) {
    for (let i = 0; i < found.GroupPolicyList.length; i++) {
      const p = found.GroupPolicyList[i]!;
      addInline(idx, 'group-inline', found.Arn, p.PolicyName, p.PolicyDocument, entry, groupName);
    }
    attachManaged(idx, 'group-managed', found.AttachedManagedPolicies, entry, groupName, undefined);
  }
  idx.groups.set(groupName, entry);
  return entry;
}

/** The `unresolvedPolicies` entry of a group missing from GroupDetailList (never an ARN, which starts with `arn:`). */
export const unresolvedGroup = (groupName: string): string => `group:${groupName}`;

/** The set of the first `count` policies (`lids`: their lists' local ids) and the boundary's list (-1: none). */
function policySetOf(idx: Indexes, policies: readonly AppliedPolicy[], lids: readonly number[], count: number, boundaryId: number): PolicySet {
  // Sorted distinct local ids (insertion sort on a handful, in a reused buffer), then a hash of
  // them and the boundary's id: no key text per principal resolution.
  const ids = idx.idScratch;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const id = lids[i]!;
    let j = n - 1;
    while (j >= 0 && ids[j]! > id) j--;
    if (j >= 0 && ids[j] === id) continue;
    for (let k = n; k > j + 1; k--) ids[k] = ids[k - 1]!;
    ids[j + 1] = id;
    n++;
  }
  let h = Math.imul(boundaryId + 2, 0x9e3779b1);
  for (let i = 0; i < n; i++) h = Math.imul(h ^ ids[i]!, 0x01000193);
  const index = idx.setIndex;
  index.first(h);
  for (let s = index.next(); s >= 0; s = index.next()) {
    const candidate = idx.setList[s]!;
    if (candidate.boundaryId === boundaryId && sameIds(idx.memo.setIds, candidate, ids, n)) return candidate;
  }
  const free = index.free;
  // First occurrences in order, as a Set would keep them (a handful of lists: no Set and iterator),
  // in reused buffers. A local id stands for one list: `n` distinct ids, `n` distinct lists.
  const lists = idx.listScratch;
  const listIds = idx.lidScratch;
  let m = 0;
  for (let i = 0; i < count && m < n; i++) {
    const id = lids[i]!;
    let k = 0;
    while (k < m && listIds[k] !== id) k++;
    if (k === m) {
      lists[m] = policies[i]!.statements;
      listIds[m++] = id;
    }
  }
  // Exact-size copies: these arrays live as long as the resolution.
  const memo = idx.memo;
  const idsAt = memo.setIdsTop;
  if (memo.setIds.length < idsAt + 2 * n) memo.setIds = grownInts(memo.setIds, idsAt + 2 * n);
  const setIds = memo.setIds;
  for (let i = 0; i < n; i++) setIds[idsAt + i] = ids[i]!;
  for (let i = 0; i < n; i++) setIds[idsAt + n + i] = listIds[i]!;
  memo.setIdsTop = idsAt + 2 * n;
  let namesNoAdminPolicy = true;
  for (let i = 0; i < n && namesNoAdminPolicy; i++) if (idx.namedByAdmin[listIds[i]!] !== 0) namesNoAdminPolicy = false;
  const set = new ResolvedSet(retainedCopy(lists, n), idsAt, boundaryId < 0 ? undefined : idx.listOf[boundaryId], boundaryId, idx.setList.length, memo, namesNoAdminPolicy);
  index.insert(free, h, set.index);
  idx.setList.push(set);
  return set;
}

/** Are the first `n` entries of `ids` exactly the sorted ids of `set` (in `setIds`)? */
function sameIds(setIds: Int32Array, set: ResolvedSet, ids: readonly number[], n: number): boolean {
  if (set.lists.length !== n) return false;
  const at = set.idsAt;
  for (let i = 0; i < n; i++) if (setIds[at + i] !== ids[i]) return false;
  return true;
}

/**
 * The signature code of a direct attachment: the ARN's code when the name is the first one coded
 * for it (almost always), else one code per (ARN, name). An unresolved ARN's name changes
 * nothing in its resolution: its code alone.
 */
function attachmentCode(idx: Indexes, ref: EntryRef, arn: string, name: string): number {
  if (ref < 0) return unresolvedCode(ref);
  const codeName = idx.codeNameOf[ref];
  if (codeName === undefined) idx.codeNameOf[ref] = name;
  else if (codeName !== name) {
    const key = `${arn}\u0000${name}`;
    let code = idx.nameVariants.get(key);
    if (code === undefined) {
      code = idx.codes++;
      idx.nameVariants.set(key, code);
    }
    return code;
  }
  return idx.codeOf[ref]!;
}

/**
 * The resolved principal, with its policies, unresolved items, boundary and policy set. Without
 * inline policies (whose ids name the principal) these depend only on the groups, managed
 * policies (ARN and name) and boundary, so they are computed once per such signature and shared:
 * the first principal of a signature keeps them for the next ones (there was a `Resolution`
 * object per signature besides, ≈ 14,000 per pessimistic resolution).
 * The signature is a list of integer codes (attachments in order, groups in order, then the
 * boundary's code or -1), hashed and compared as numbers: no signature text per principal.
 * Codes of attachments and groups come from one counter, so the list reads back unambiguously.
 */
function principalOf(
  idx: Indexes,
  /** The principal's position (users first, then roles: see `Indexes.attachStart`). */
  k: number,
  type: 'user' | 'role',
  name: string,
  arn: string,
  tags: readonly PrincipalTag[] | undefined,
  inlinePolicies: readonly InlinePolicy[],
  managed: readonly Attached[],
  groups: readonly string[],
  boundaryArn: string | undefined,
): Principal {
  const attached = idx.attachedScratch;
  const start = idx.attachStart[k]!;
  for (let i = 0; i < managed.length; i++) attached[i] = entryAt(idx, idx.attachAt[start + i]!, managed[i]!.PolicyArn);
  const boundary = boundaryArn ? entryAt(idx, idx.boundaryAt[k]!, boundaryArn) : NO_ENTRY;
  idx.boundaryScratch = boundary;
  if (inlinePolicies.length > 0) {
    resolve(idx, arn, inlinePolicies, managed, groups, boundaryArn, false);
    return newPrincipal(type, name, arn, idx.resolvedPolicies, idx.resolvedBoundary, idx.resolvedUnresolved, idx.resolvedSet!, tags);
  }
  const codes = idx.signatureScratch;
  const groupEntries = idx.groupScratch;
  let n = 0;
  for (let i = 0; i < managed.length; i++) {
    const a = managed[i]!;
    codes[n++] = attachmentCode(idx, attached[i]!, a.PolicyArn, a.PolicyName);
  }
  for (let i = 0; i < groups.length; i++) {
    const g = groupEntry(idx, groups[i]!);
    groupEntries[i] = g;
    codes[n++] = g.code;
  }
  codes[n++] = boundary === NO_ENTRY ? -1 : boundary < 0 ? unresolvedCode(boundary) : idx.codeOf[boundary]!;
  let h = Math.imul(n, 0x9e3779b1);
  for (let i = 0; i < n; i++) h = Math.imul(h ^ codes[i]!, 0x01000193);
  const index = idx.signatureIndex;
  index.first(h);
  for (let id = index.next(); id >= 0; id = index.next()) {
    if (!sameSignature(idx, id, codes, n)) continue;
    const r = idx.resolutions[id]!;
    return newPrincipal(type, name, arn, r.policies, r.boundary, r.unresolvedPolicies, r.policySet, tags);
  }
  const free = index.free;
  resolve(idx, arn, inlinePolicies, managed, groups, boundaryArn, true);
  const p = newPrincipal(type, name, arn, idx.resolvedPolicies, idx.resolvedBoundary, idx.resolvedUnresolved, idx.resolvedSet!, tags);
  const id = idx.resolutions.length;
  if (id >= idx.signatureAt.length) {
    idx.signatureAt = grownInts(idx.signatureAt, id + 1);
    idx.signatureLength = grownInts(idx.signatureLength, id + 1);
  }
  const at = idx.signaturesTop;
  if (idx.signatures.length < at + n) idx.signatures = grownInts(idx.signatures, at + n);
  idx.signatureAt[id] = at;
  idx.signatureLength[id] = n;
  for (let i = 0; i < n; i++) idx.signatures[at + i] = codes[i]!;
  idx.signaturesTop = at + n;
  index.insert(free, h, id);
  idx.resolutions.push(p);
  return p;
}

/** Are the first `n` codes the signature of resolution `id`? */
function sameSignature(idx: Indexes, id: number, codes: readonly number[], n: number): boolean {
  if (idx.signatureLength[id] !== n) return false;
  const at = idx.signatureAt[id]!;
  const signatures = idx.signatures;
  for (let i = 0; i < n; i++) if (signatures[at + i] !== codes[i]) return false;
  return true;
}

type InlinePolicy = { PolicyName: string; PolicyDocument: PolicyDocument };

function resolve(
  idx: Indexes,
  arn: string,
  inlinePolicies: readonly InlinePolicy[],
  managed: readonly Attached[],
  groups: readonly string[],
  boundaryArn: string | undefined,
  /** Are the entries of `groups` in `idx`'s scratch (see `attachedScratch`)? Those of `managed` and the boundary always are. */
  lookedUp: boolean,
): void {
  // The policies, their lists' local ids (the policy set's key) and unresolved items, in the reused buffers.
  const out = idx.scratch;
  out.count = 0;
  out.unresolvedCount = 0;
  for (let i = 0; i < inlinePolicies.length; i++) {
    const p = inlinePolicies[i]!;
    addInline(idx, 'inline', arn, p.PolicyName, p.PolicyDocument, out);
  }
  attachManaged(idx, 'managed', managed, out, undefined, idx.attachedScratch);
  for (let i = 0; i < groups.length; i++) {
    const groupName = groups[i]!;
    const g = lookedUp ? idx.groupScratch[i]! : groupEntry(idx, groupName);
    if (!g.known) {
      // A group the snapshot does not describe may grant anything: say so, never drop it.
      out.addUnresolved(unresolvedGroup(groupName));
      continue;
    }
    for (let j = 0; j < g.count; j++) {
      out.policies[out.count] = g.policies[j]!;
      out.lids[out.count++] = g.lids[j]!;
    }
    for (let j = 0; j < g.unresolvedCount; j++) out.addUnresolved(g.unresolved[j]!);
  }
  const boundaryId = boundaryOf(idx, boundaryArn, out, idx.boundaryScratch);
  const n = out.count;
  const lids = out.lids;
  // What the resolution keeps (shared by its principals): exact-size copies of the buffers.
  idx.resolvedPolicies = retainedCopy(out.policies, n);
  idx.resolvedUnresolved = out.unresolvedCount === 0 ? NO_UNRESOLVED : out.unresolved.slice(0, out.unresolvedCount);
  idx.resolvedBoundary = boundaryId < 0 ? undefined : idx.listOf[boundaryId];
  idx.resolvedSet = policySetOf(idx, out.policies, lids, n, boundaryId);
}

/** The `tags` of every principal without tags (shared: never mutate it). */
const NO_TAGS: readonly PrincipalTag[] = [];

/**
 * A resolved principal, as an object literal: V8 pretenures a literal's allocation site once it
 * has seen its objects survive (principals live as long as the resolution), where the class
 * instances made before were always allocated young and copied by two scavenges (15,000 per
 * pessimistic evaluation, ≈ 1.6 MB allocated per run by alloc.mts; the class also kept a lazily
 * built tag record and two private fields, which no rule read). One function, one allocation site.
 */
function newPrincipal(
  type: 'user' | 'role',
  name: string,
  arn: string,
  policies: AppliedPolicy[],
  boundary: NormalizedStatement[] | undefined,
  unresolvedPolicies: string[],
  policySet: PolicySet,
  tags: readonly PrincipalTag[] | undefined,
): Principal {
  return { type, name, arn, policies, boundary, unresolvedPolicies, policySet, tags: tags ?? NO_TAGS };
}

/**
 * True when the principal's policy set was made by `resolvePrincipals` and none of its lists is
 * named by an admin assessment (no policy grants `*` on `*` or allows NotAction on `*`, none is
 * AdministratorAccess), and AdministratorAccess is not among its unresolved policies: its
 * assessment is "not admin" with nothing to name (lib/policy/admin.ts). False says nothing.
 * Relies on the `Principal` contract (its set's lists are its policies' lists), as every per-set
 * answer does.
 */
export function resolvedWithoutAdminPolicy(p: Principal): boolean {
  const set = p.policySet;
  if (!(set instanceof ResolvedSet) || !set.namesNoAdminPolicy) return false;
  const unresolved = p.unresolvedPolicies;
  for (let i = 0; i < unresolved.length; i++) if (unresolved[i] === ADMINISTRATOR_ACCESS_ARN) return false;
  return true;
}

const NO_GROUPS: readonly string[] = [];

/**
 * All users and roles of the account, with the policies that apply to each. Applied-policy
 * objects, their arrays and the unresolved lists are shared between principals with the same
 * attachments, statement lists between every principal they apply to: never mutate them.
 */
export function resolvePrincipals(details: AuthorizationDetails): Principal[] {
  const idx = buildIndexes(details);
  const users = details.UserDetailList;
  const roles = details.RoleDetailList;
  // Filled with `undefined` first: the list then has the generic elements kind before the loops
  // store principals (a first store changing its map deoptimised resolveUsers' loop code on each
  // new resolution, "wrong map").
  const principals = new Array<Principal>(users.length + roles.length).fill(undefined as unknown as Principal);
  normalizeAttached(idx, details);
  resolveUsers(idx, users, principals);
  resolveRoles(idx, roles, principals, users.length);
  idx.memo.listCount = idx.listCount;
  idx.memo.setCount = idx.setList.length;
  idx.memo.actionsCount = idx.lowered.actionsCount;
  idx.memo.resourcesCount = idx.lowered.resourcesCount;
  return principals;
}

function resolveUsers(idx: Indexes, users: AuthorizationDetails['UserDetailList'], principals: Principal[]): void {
  for (let i = 0; i < users.length; i++) {
    const u = users[i]!;
    principals[i] = principalOf(idx, i, 'user', u.UserName, u.Arn, u.Tags, u.UserPolicyList, u.AttachedManagedPolicies, u.GroupList, u.PermissionsBoundary?.PermissionsBoundaryArn);
  }
}

function resolveRoles(idx: Indexes, roles: AuthorizationDetails['RoleDetailList'], principals: Principal[], at: number): void {
  for (let i = 0; i < roles.length; i++) {
    const role = roles[i]!;
    principals[at + i] = principalOf(idx, at + i, 'role', role.RoleName, role.Arn, role.Tags, role.RolePolicyList, role.AttachedManagedPolicies, NO_GROUPS, role.PermissionsBoundary?.PermissionsBoundaryArn);
  }
}

/** The boundary's list (`known`: its entry already looked up, else `NO_ENTRY`), or -1 without one or when unresolved (then listed in `out`). */
function boundaryOf(idx: Indexes, arn: string | undefined, out: Appended, known: EntryRef): number {
  if (!arn) return -1;
  const ref = known !== NO_ENTRY ? known : managedEntry(idx, arn);
  if (ref < 0) {
    out.addUnresolved(arn);
    return -1;
  }
  return ref;
}

// Decision flags of one statement list for one (action, resource), OR-ed across policies.
const ALLOW = 1;
const CONDITIONAL_ALLOW = 2;
const DENY = 4;
const CONDITIONAL_DENY = 8;

/**
 * Per statement-list memo of decision flags. Managed policies are resolved once per
 * snapshot and their statement arrays are shared by every principal they are attached
 * to, so 15,000 principals asking about the same action reuse one computation per policy.
 */
const flagMemo = new WeakMap<readonly NormalizedStatement[], Map<string, number>>();

const memoKey = (action: string, resource: string): string => `${action.toLowerCase()}\u0000${resource}`;

function flagsOf(statements: readonly NormalizedStatement[], action: string, resource: string, key = memoKey(action, resource)): number {
  let memo = flagMemo.get(statements);
  if (!memo) {
    memo = new Map();
    flagMemo.set(statements, memo);
  }
  const cached = memo.get(key);
  if (cached !== undefined) return cached;
  let flags = 0;
  for (const s of statements) {
    if (!statementCoversAction(s, action) || !statementCoversResource(s, resource)) continue;
    if (s.effect === 'Deny') flags |= s.conditional ? CONDITIONAL_DENY : DENY;
    else flags |= s.conditional ? CONDITIONAL_ALLOW : ALLOW;
  }
  memo.set(key, flags);
  return flags;
}

function fromFlags(flags: number): Decision {
  if (flags & DENY) return 'denied';
  if (flags & ALLOW) return flags & CONDITIONAL_DENY ? 'conditional' : 'allowed';
  if (flags & CONDITIONAL_ALLOW) return 'conditional';
  return 'not-allowed';
}

function decideStatements(statements: readonly NormalizedStatement[], action: string, resource: string): Decision {
  return fromFlags(flagsOf(statements, action, resource));
}

/**
 * Static decision for one action on one resource (`*` = every resource) from the
 * principal's identity policies, intersected with its permissions boundary.
 * SCPs, resource policies and session policies are out of scope.
 */
export function decide(p: Principal, action: string, resource = '*'): Decision {
  // "On every resource" goes through the one evaluation that knows resource types (evaluate.ts).
  if (resource === '*') return decideOnAll(p.policySet.lists, p.policySet.boundary, action);
  // The answer depends only on the policy contents: once per policy set (principals with the
  // same policies and boundary), not once per principal.
  const set = p.policySet;
  let memo = pointDecisions.get(set);
  if (!memo) {
    memo = new Map();
    pointDecisions.set(set, memo);
  }
  const key = memoKey(action, resource);
  let decision = memo.get(key);
  if (decision === undefined) {
    decision = decideOnResource(set, action, resource, key);
    memo.set(key, decision);
  }
  return decision;
}

/** Decisions on one named resource per policy set, by `memoKey`. */
const pointDecisions = new WeakMap<PolicySet, Map<string, Decision>>();

function decideOnResource(set: PolicySet, action: string, resource: string, key: string): Decision {
  let flags = 0;
  // Distinct statement lists: OR-ing a list's flags twice changes nothing.
  for (const statements of set.lists) flags |= flagsOf(statements, action, resource, key);
  const identity = fromFlags(flags);
  if (!set.boundary || identity === 'denied' || identity === 'not-allowed') return identity;
  const bounded = decideStatements(set.boundary, action, resource);
  if (bounded === 'denied') return 'denied';
  if (bounded === 'not-allowed') return 'not-allowed';
  return decisionRank(bounded) < decisionRank(identity) ? bounded : identity;
}

/**
 * Flags of one statement list for a whole list of actions at once, memoised per list of
 * actions: rules that probe the same dozen actions on 15,000 principals pay one memo
 * lookup per policy instead of one per policy and action.
 *
 * Memos are arrays indexed by a slot: one small integer per (action-list key, resource)
 * pair ever asked about (a few per rule). A Map per list and per set (and one more per pair)
 * was tens of thousands of long-lived Maps per evaluation: every one survives until the
 * snapshot is dropped, so the young-generation collector copied them all, and that copying
 * was most of the rules' time.
 */
const slotIds = new Map<string, Map<string, number>>();
let slotCount = 0;

function slotOf(listKey: string, resource: string): number {
  let byResource = slotIds.get(listKey);
  if (!byResource) {
    byResource = new Map();
    slotIds.set(listKey, byResource);
  }
  let slot = byResource.get(resource);
  if (slot === undefined) {
    slot = slotCount++;
    byResource.set(resource, slot);
  }
  return slot;
}

/**
 * Per statement list, by slot: the flags of each action, or `null` when no statement of the
 * list covers any of the actions on the resource (most lists, for the few actions a rule
 * probes: nothing is allocated for them and callers skip them).
 */
const manyMemo = new WeakMap<readonly NormalizedStatement[], (Uint8Array | null | undefined)[]>();

/** The list's slot-indexed memo (`flagsOfMany`'s answers, one slot per action list and resource). */
function slotMemoOf(statements: readonly NormalizedStatement[]): (Uint8Array | null | undefined)[] {
  let memo = manyMemo.get(statements);
  if (!memo) {
    memo = [];
    manyMemo.set(statements, memo);
  }
  return memo;
}

function flagsOfMany(statements: readonly NormalizedStatement[], actions: readonly string[], resource: string, listKey: string, slot: number): Uint8Array | null {
  const memo = slotMemoOf(statements);
  let flags = memo[slot];
  if (flags === undefined) {
    flags = computeFlagsOfMany(statements, actions, resource, listKey, slot);
    memo[slot] = flags;
  }
  return flags;
}

/** `flagsOfMany` memoised in a resolution's row (`row[lid]`) instead of the per-list WeakMap. */
function flagsOfManyAt(
  row: (Uint8Array | null | undefined)[],
  lid: number,
  statements: readonly NormalizedStatement[],
  actions: readonly string[],
  resource: string,
  listKey: string,
  slot: number,
  maskRow?: Int32Array,
): Uint8Array | null {
  let flags = row[lid];
  if (flags === undefined) {
    flags = computeFlagsOfMany(statements, actions, resource, listKey, slot, maskRow);
    row[lid] = flags;
  }
  return flags;
}

function computeFlagsOfMany(statements: readonly NormalizedStatement[], actions: readonly string[], resource: string, listKey: string, slot: number, maskRow?: Int32Array): Uint8Array | null {
  let built: Uint8Array | null = null;
  const lowerActions = loweredActions(actions, listKey);
  const lowerResource = resource === '*' ? resource : (slotLowerResources[slot] ??= resource.toLowerCase());
  const useMask = lowerActions.length <= MAX_MASK_ACTIONS;
  for (let si = 0; si < statements.length; si++) {
    const st = statements[si]!;
    // Actions first: most statements cover none of the probed actions, and then the
    // resource is never matched.
    const mask = useMask ? statementActionMask(st, lowerActions, listKey, maskRow) : -1;
    if (mask === 0) continue;
    const bit = st.effect === 'Deny' ? (st.conditional ? CONDITIONAL_DENY : DENY) : st.conditional ? CONDITIONAL_ALLOW : ALLOW;
    let resourceCovered: boolean | undefined;
    for (let i = 0; i < lowerActions.length; i += 1) {
      if (useMask ? (mask & (1 << i)) === 0 : !statementCoversLowerAction(st, lowerActions[i]!)) continue;
      resourceCovered ??= statementCoversLowerResource(st, lowerResource);
      if (!resourceCovered) break;
      (built ??= flagBuffer(actions.length))[i]! |= bit;
    }
  }
  return built === null ? null : internedFlags(slot, built, actions.length);
}

/** Lower-cased resource of each slot (`flagsOfMany` reads it once per list). */
const slotLowerResources: (string | undefined)[] = [];

let flagBufferStore = new Uint8Array(32);

/** `flagsOfMany`'s zeroed build buffer of at least `n` entries (reused: see `internedFlags`). */
function flagBuffer(n: number): Uint8Array {
  if (flagBufferStore.length < n) flagBufferStore = new Uint8Array(Math.max(n, flagBufferStore.length * 2));
  else flagBufferStore.fill(0, 0, n);
  return flagBufferStore;
}

/** Per slot: one shared read-only flags array per distinct content (by `internedFlags`' code). */
const flagTables: (Map<number, Uint8Array> | undefined)[] = [];
/** Flags of up to this many actions are interned (4 bits each: the code stays an exact integer). */
const MAX_INTERNED_FLAGS = 13;

/**
 * The first `n` flags of the build buffer as a memo value: one shared array per distinct
 * content and slot (thousands of lists give the same few answers), a copy when `n` is too large
 * to code.
 */
function internedFlags(slot: number, buffer: Uint8Array, n: number): Uint8Array {
  if (n > MAX_INTERNED_FLAGS) return buffer.slice(0, n);
  let code = 0;
  for (let i = 0; i < n; i++) code = code * 16 + buffer[i]!;
  let table = flagTables[slot];
  if (!table) {
    table = new Map();
    flagTables[slot] = table;
  }
  let shared = table.get(code);
  if (!shared) {
    shared = buffer.slice(0, n);
    table.set(code, shared);
  }
  return shared;
}

/** Memo keys per action list (callers reuse one list for thousands of principals). */
const actionListKeys = new WeakMap<readonly string[], string>();

/** One string per action-list object (equal contents give equal keys, so memos are shared by content). */
function actionListKey(actions: readonly string[]): string {
  let k = actionListKeys.get(actions);
  if (k === undefined) {
    // NUL never occurs in an action name: lists of different actions never share a key.
    k = actions.join('\u0000').toLowerCase();
    actionListKeys.set(actions, k);
  }
  return k;
}

/**
 * Policies of the principal whose Allow statements cover at least one of `actions` on
 * `resource` (only the actions whose index is true in `mask`, when given).
 */
export function grantingPoliciesForAny(p: Principal, actions: readonly string[], resource = '*', mask?: readonly boolean[]): string[] {
  const key = actionListKey(actions);
  // A resolved principal's lists are its set's: their answers are in the resolution's rows (by
  // local id). Indexed loops, no closures: called once per distinct policy list of the offenders.
  const set = p.policySet instanceof ResolvedSet ? p.policySet : undefined;
  const slot = resource === '*' ? -1 : slotOf(key, resource);
  const row = set && resource !== '*' ? listRowOf(set.memo, slot) : undefined;
  const out: string[] = [];
  const policies = p.policies;
  for (let i = 0; i < policies.length; i++) {
    const pol = policies[i]!;
    // -1 (the list's own memo) for a policy whose list is not one of the set's (a principal built by hand).
    const at = set ? set.lists.indexOf(pol.statements) : -1;
    const lid = at < 0 ? -1 : set!.listIdAt(at);
    let grants: boolean;
    if (resource === '*') grants = lid < 0 ? listAllowsAnyOnAllMany(pol.statements, actions, key, mask) : listAllowsAnyOnAllMany(pol.statements, actions, key, mask, set, lid);
    else {
      const flags = row && lid >= 0 ? flagsOfManyAt(row, lid, pol.statements, actions, resource, key, slot, maskRowOf(set!.memo, key)) : flagsOfMany(pol.statements, actions, resource, key, slot);
      grants = false;
      if (flags) for (let a = 0; a < flags.length && !grants; a++) if ((mask === undefined || mask[a] === true) && (flags[a]! & (ALLOW | CONDITIONAL_ALLOW)) !== 0) grants = true;
    }
    if (grants) out.push(policyLabel(pol));
  }
  return out;
}

/** Decisions per policy set, by slot (action list and resource): principals with identical policies share them. */
const setDecisions = new WeakMap<PolicySet, (readonly Decision[] | undefined)[]>();

/**
 * `decide` for several actions on one resource; same semantics, one pass over the policies,
 * computed once per policy set (principals with the same policies and boundary) and action
 * list. Returns a fresh array the caller may keep or change.
 */
export function decideMany(p: Principal, actions: readonly string[], resource = '*'): Decision[] {
  return decideManyShared(p, actions, resource).slice();
}

/**
 * `decideMany` without the copy: the memoised array itself (frozen), shared by every principal
 * of the policy set and by every set with the same answers. For loops over thousands of
 * principals that only read the answers.
 */
export function decideManyShared(p: Principal, actions: readonly string[], resource = '*'): readonly Decision[] {
  const key = actionListKey(actions);
  const slot = slotOf(key, resource);
  const set = p.policySet;
  // A resolved set's answers live in its resolution's row for the slot; a hand-built set's in a WeakMap.
  let memo: (readonly Decision[] | undefined)[];
  let at: number;
  if (set instanceof ResolvedSet) {
    memo = setRowOf(set.memo, slot);
    at = set.index;
  } else {
    let own = setDecisions.get(set);
    if (!own) {
      own = [];
      setDecisions.set(set, own);
    }
    memo = own;
    at = slot;
  }
  let decisions = memo[at];
  if (!decisions) {
    // Answers go to a reused buffer first: most sets' answers are already interned (see `interned`).
    const n = actions.length;
    if (decisionScratch.length < n) decisionScratch = new Array<Decision>(n);
    if (resource === '*') decideOnAllManyInto(set.lists, set.boundary, actions, key, decisionScratch, set instanceof ResolvedSet ? set : undefined);
    else decideManyUncached(set, actions, resource, key, slot, decisionScratch);
    decisions = interned(slot, decisionScratch, n);
    memo[at] = decisions;
  }
  return decisions;
}

/** `decideManyShared`'s answer buffer (see `interned`). */
let decisionScratch = new Array<Decision>(16);

/**
 * One frozen array per distinct answer, per slot: thousands of policy sets give the same
 * answers to a rule's probes (most often "not allowed" for all), so they share one array
 * instead of each keeping its own. Answers are packed two bits per action (≤ 15 actions).
 */
const internTables: (Map<number, readonly Decision[]> | undefined)[] = [];
const MAX_INTERNED_ACTIONS = 15;

function interned(slot: number, buffer: readonly Decision[], n: number): readonly Decision[] {
  if (n > MAX_INTERNED_ACTIONS) return Object.freeze(buffer.slice(0, n));
  let code = 0;
  for (let i = 0; i < n; i += 1) code = code * 4 + decisionRank(buffer[i]!);
  let table = internTables[slot];
  if (!table) {
    table = new Map();
    internTables[slot] = table;
  }
  let shared = table.get(code);
  if (!shared) {
    shared = Object.freeze(buffer.slice(0, n));
    table.set(code, shared);
  }
  return shared;
}

function decideManyUncached(set: PolicySet, actions: readonly string[], resource: string, key: string, slot: number, out: Decision[]): void {
  const { lists, boundary } = set;
  const resolved = set instanceof ResolvedSet ? set : undefined;
  const row = resolved ? listRowOf(resolved.memo, slot) : undefined;
  const maskRow = resolved ? maskRowOf(resolved.memo, key) : undefined;
  let acc: Uint8Array | undefined;
  for (let l = 0; l < lists.length; l++) {
    const f = row ? flagsOfManyAt(row, resolved!.listIdAt(l), lists[l]!, actions, resource, key, slot, maskRow) : flagsOfMany(lists[l]!, actions, resource, key, slot);
    if (f) {
      acc ??= accScratch(actions.length);
      for (let i = 0; i < actions.length; i += 1) acc[i]! |= f[i]!;
    }
  }
  // No list covers any of the actions (most sets, for a rule's few probes): nothing is allowed,
  // whatever the boundary says (it only narrows).
  if (acc === undefined) {
    for (let i = 0; i < actions.length; i += 1) out[i] = 'not-allowed';
    return;
  }
  const bounded = boundary ? (row ? flagsOfManyAt(row, resolved!.boundaryId, boundary, actions, resource, key, slot, maskRow) : flagsOfMany(boundary, actions, resource, key, slot)) : undefined;
  for (let i = 0; i < actions.length; i += 1) {
    const identity = fromFlags(acc[i]!);
    if (bounded === undefined || identity === 'denied' || identity === 'not-allowed') {
      out[i] = identity;
      continue;
    }
    const b = fromFlags(bounded === null ? 0 : bounded[i]!);
    out[i] = b === 'denied' || b === 'not-allowed' ? b : decisionRank(b) < decisionRank(identity) ? b : identity;
  }
}

let accBuffer = new Uint8Array(32);

/** `decideManyUncached`'s zeroed flag accumulator of at least `n` entries (reused). */
function accScratch(n: number): Uint8Array {
  if (accBuffer.length < n) accBuffer = new Uint8Array(Math.max(n, accBuffer.length * 2));
  else accBuffer.fill(0, 0, n);
  return accBuffer;
}

const principalMemo = new WeakMap<AuthorizationDetails, Principal[]>();

/**
 * `resolvePrincipals`, computed once per authorization-details object: several rules of
 * one evaluation (admin, data access, breadth, escalation) share the same resolution.
 * Callers must not mutate the returned principals.
 */
export function principalsOf(details: AuthorizationDetails): Principal[] {
  let principals = principalMemo.get(details);
  if (!principals) {
    principals = resolvePrincipals(details);
    principalMemo.set(details, principals);
  }
  return principals;
}

/**
 * Allow-list match of a principal (break-glass roles and the like): a role/user name
 * pattern, or an ARN pattern (starting with `arn:`), `*` and `?` wildcards.
 */
export function allowListed(patterns: readonly string[], name: string, arn: string): boolean {
  return patterns.some((p) => (p.startsWith('arn:') ? wildcardMatch(p, arn) : wildcardMatch(p, name)));
}
