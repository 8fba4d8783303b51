/**
 * Decisions for several targets at once — each a list of actions on one named resource (a trail,
 * its bucket, its log files, its log group…) — per policy set: the answers of
 * `decideManyShared(p, target.actions, target.resource)` for every target (lib/policy/principals.ts,
 * the same semantics: an Allow or Deny counts when its action clause covers the action and its
 * resource clause the resource; a Deny wins; a permissions boundary bounds the identity's answer),
 * worked out in ONE pass over each statement list for all targets instead of one pass per target
 * plus one to see whether the list names any of the actions. Statement lists are shared by
 * thousands of sets, so each list is read once per evaluation, and each set costs one memo lookup
 * per list (pessimistic mix: 13,541 lists read once instead of six times, 66,000 list references
 * looked up once instead of six times).
 *
 * Results are shared read-only objects: one per distinct answer combination (`Answers`), so
 * callers can key what they derive from them by identity.
 */
import { MAX_MASK_ACTIONS, statementActionMask, statementCoversLowerAction, statementCoversLowerResource, type NormalizedStatement } from './document';
import { decideManyShared, resolvedRowsOf, type Decision, type PolicySet, type Principal } from './principals';
import { decisionRank, type ListRows, type ResolutionCounts, type WithClauseIds } from './evaluate';

/** Set on a known mask (masks use bits 0 … MAX_MASK_ACTIONS - 1). */
const MASK_KNOWN = 1 << 30;

/** Pairs coded in one integer key (4 bits each: 13 × 4 = 52 bits, exact in a double). */
const PAIRS_PER_CODE = 13;

/** One named resource and the actions asked about on it. */
export interface DecisionTarget {
  readonly actions: readonly string[];
  /** An ARN (not `*`: "on every resource" is another question, lib/policy/evaluate.ts). */
  readonly resource: string;
}

/** Per target, per action: the decision (`decideManyShared`'s answer for that target). Shared: never mutate. */
export type Answers = readonly (readonly Decision[])[];

// Flags of one statement list for one (action, resource), as lib/policy/principals.ts keeps them.
const ALLOW = 1;
const CONDITIONAL_ALLOW = 2;
const DENY = 4;
const CONDITIONAL_DENY = 8;

const BY_RANK: readonly Decision[] = ['denied', 'not-allowed', 'conditional', 'allowed'];

function fromFlags(flags: number): Decision {
  if (flags & DENY) return 'denied';
  if (flags & ALLOW) return flags & CONDITIONAL_DENY ? 'conditional' : 'allowed';
  if (flags & CONDITIONAL_ALLOW) return 'conditional';
  return 'not-allowed';
}

/** A list's flags: `null` when no statement covers any (action, resource) pair (most lists). */
type ListFlags = Uint8Array | null;

/**
 * The decisions of every policy set for a fixed list of targets. Build one per question (per
 * trail, per evaluation): its memos are dropped with it.
 */
export class TargetDecisions {
  private readonly targets: readonly DecisionTarget[];
  /** The targets' distinct lower-cased actions, and the key naming them (`statementActionMask`). */
  private readonly union: readonly string[];
  private readonly unionKey: string;
  /** Per (target, action) pair, in target then action order: its action's index in `union`, and its target. */
  private readonly pairAction: Int32Array;
  private readonly pairTarget: Int32Array;
  private readonly lowerResources: readonly string[];
  /** A target on `*` (not answered here): every question goes to `decideManyShared`. */
  private readonly anyStar: boolean;

  /** Per-list flags of the resolution met (by local list id), else per list object. */
  private listOwner: ResolutionCounts | undefined;
  private listRow: (ListFlags | undefined)[] = [];
  private readonly listMemo = new WeakMap<readonly NormalizedStatement[], ListFlags>();
  /** Per-set answers, by set index (the resolution met), else per set object. */
  private setOwner: ResolutionCounts | undefined;
  private setRow: (Answers | undefined)[] = [];
  private readonly setMemo = new WeakMap<PolicySet, Answers>();

  /** One shared flags array per distinct content, and one `Answers` per distinct combination. */
  private readonly flagTable = new Map<string, Uint8Array>();
  /** The same for up to `2 * PAIRS_PER_CODE` pairs, by the code of the pairs after the first `PAIRS_PER_CODE`, then of those. */
  private readonly flagCodes = new Map<number, Map<number, Uint8Array>>();
  private readonly answerTable = new Map<string | number, Answers>();
  private readonly build: Uint8Array;
  private readonly acc: Uint8Array;
  private readonly covered: Int8Array;
  /** By `actionsId` of the resolution met: the union mask with `MASK_KNOWN` set (0: not worked out yet). */
  private maskRow = new Int32Array(0);
  /**
   * By `resourcesId` of the resolution met, then target: 1 when the resource clause covers the
   * target's resource, -1 when not, 0 not worked out yet. An account repeats a few thousand resource
   * clauses in tens of thousands of statements: each is matched once per target, not per statement
   * (pessimistic mix: statementCoversLowerResource was 5 of computeListFlags' 13 ms per run).
   */
  private resourceRow = new Int8Array(0);

  /**
   * `sample`: a policy set of the resolution whose principals will be asked, when known: the memo
   * rows are made at once, not on first use. A branch taken once per evaluation, inside a loop that
   * is optimised, had no type feedback when compiled (or met another map) and deoptimised the
   * caller at the start of each later evaluation (--trace-deopt on bench/evaluate.ts).
   */
  public constructor(targets: readonly DecisionTarget[], sample?: PolicySet) {
    this.targets = targets;
    const union: string[] = [];
    const pairAction: number[] = [];
    const pairTarget: number[] = [];
    for (let t = 0; t < targets.length; t++) {
      const actions = targets[t]!.actions;
      for (let i = 0; i < actions.length; i++) {
        const lower = actions[i]!.toLowerCase();
        let u = union.indexOf(lower);
        if (u < 0) u = union.push(lower) - 1;
        pairAction.push(u);
        pairTarget.push(t);
      }
    }
    this.union = union;
    // NUL never occurs in an action name: the key names exactly these actions.
    this.unionKey = union.join('\u0000');
    this.pairAction = Int32Array.from(pairAction);
    this.pairTarget = Int32Array.from(pairTarget);
    this.lowerResources = targets.map((t) => t.resource.toLowerCase());
    this.anyStar = targets.some((t) => t.resource === '*');
    this.build = new Uint8Array(pairAction.length);
    this.acc = new Uint8Array(pairAction.length);
    this.covered = new Int8Array(targets.length);
    const rows = sample === undefined ? undefined : resolvedRowsOf(sample);
    if (rows !== undefined) {
      this.ownSets(rows.memo);
      this.ownLists(rows.memo);
    }
  }

  private ownSets(memo: ResolutionCounts): void {
    this.setOwner = memo;
    this.setRow = new Array<Answers | undefined>(memo.setCount).fill(undefined);
  }

  private ownLists(memo: ResolutionCounts): void {
    this.listOwner = memo;
    this.listRow = new Array<ListFlags | undefined>(memo.listCount).fill(undefined);
  }

  /** The answers of the principal's policy set (see the module comment). */
  public decide(p: Principal): Answers {
    const set = p.policySet;
    const rows = resolvedRowsOf(set);
    if (rows !== undefined && rows.memo === this.setOwner) {
      const known = this.setRow[rows.index];
      if (known !== undefined) return known;
    } else if (rows === undefined) {
      const known = this.setMemo.get(set);
      if (known !== undefined) return known;
    }
    const answers = this.anyStar ? this.viaDecideMany(p) : this.compute(set, rows);
    if (rows !== undefined) {
      if (this.setOwner === undefined) this.ownSets(rows.memo);
      if (rows.memo === this.setOwner) this.setRow[rows.index] = answers;
    } else this.setMemo.set(set, answers);
    return answers;
  }

  private viaDecideMany(p: Principal): Answers {
    const n = this.pairAction.length;
    let k = 0;
    const decisions = this.acc;
    for (let t = 0; t < this.targets.length; t++) {
      const d = decideManyShared(p, this.targets[t]!.actions, this.targets[t]!.resource);
      for (let i = 0; i < d.length; i++) decisions[k++] = decisionRank(d[i]!);
    }
    return this.internedAnswers(decisions, n);
  }

  private compute(set: PolicySet, rows: ListRows | undefined): Answers {
    const n = this.pairAction.length;
    const acc = this.acc;
    acc.fill(0);
    let any = false;
    const lists = set.lists;
    for (let l = 0; l < lists.length; l++) {
      const f = this.listFlags(lists[l]!, rows, rows === undefined ? -1 : rows.listIdAt(l));
      if (f === null) continue;
      any = true;
      for (let k = 0; k < n; k++) acc[k]! |= f[k]!;
    }
    // No list covers any pair: nothing is allowed, whatever a boundary says (it only narrows).
    const ranks = acc;
    if (!any) {
      ranks.fill(decisionRank('not-allowed'));
      return this.internedAnswers(ranks, n);
    }
    const boundary = set.boundary;
    const bFlags = boundary === undefined ? undefined : this.listFlags(boundary, rows, rows === undefined ? -1 : rows.boundaryId);
    for (let k = 0; k < n; k++) {
      const identity = fromFlags(acc[k]!);
      let d = identity;
      if (boundary !== undefined && identity !== 'denied' && identity !== 'not-allowed') {
        const b = fromFlags(bFlags === null || bFlags === undefined ? 0 : bFlags[k]!);
        d = b === 'denied' || b === 'not-allowed' ? b : decisionRank(b) < decisionRank(identity) ? b : identity;
      }
      ranks[k] = decisionRank(d);
    }
    return this.internedAnswers(ranks, n);
  }

  /** The list's flags per pair, memoised by local id (`lid` ≥ 0, a resolution's list) or per list object. */
  private listFlags(list: readonly NormalizedStatement[], rows: ListRows | undefined, lid: number): ListFlags {
    if (rows !== undefined && lid >= 0) {
      if (this.listOwner === undefined) this.ownLists(rows.memo);
      if (rows.memo === this.listOwner) {
        let f = this.listRow[lid];
        if (f === undefined) {
          f = this.computeListFlags(list, true);
          this.listRow[lid] = f;
        }
        return f;
      }
    }
    let f = this.listMemo.get(list);
    if (f === undefined) {
      f = this.computeListFlags(list, false);
      this.listMemo.set(list, f);
    }
    return f;
  }

  /**
   * The union mask of the statement, kept by its `actionsId` when `byId` (a list of the resolution
   * met: its ids are local to it) — once per distinct action clause, not per statement.
   */
  private unionMask(st: NormalizedStatement, byId: boolean): number {
    const id = byId ? ((st as WithClauseIds).actionsId ?? -1) : -1;
    if (id < 0) return statementActionMask(st, this.union, this.unionKey);
    if (this.maskRow.length <= id) {
      const grown = new Int32Array(Math.max(id + 1, this.maskRow.length * 2, 256));
      grown.set(this.maskRow);
      this.maskRow = grown;
    }
    const known = this.maskRow[id]!;
    if (known !== 0) return known & ~MASK_KNOWN;
    const mask = statementActionMask(st, this.union, this.unionKey);
    this.maskRow[id] = mask | MASK_KNOWN;
    return mask;
  }

  /**
   * 1 when the statement's resource clause covers target `t`'s resource, else -1; kept by its
   * `resourcesId` when `byId` (a list of the resolution met: its ids are local to it).
   */
  private coversTarget(st: NormalizedStatement, t: number, byId: boolean): number {
    const id = byId ? ((st as WithClauseIds).resourcesId ?? -1) : -1;
    if (id < 0) return statementCoversLowerResource(st, this.lowerResources[t]!) ? 1 : -1;
    const at = id * this.targets.length + t;
    if (this.resourceRow.length <= at) {
      const grown = new Int8Array(Math.max(at + 1, this.resourceRow.length * 2, 1024));
      grown.set(this.resourceRow);
      this.resourceRow = grown;
    }
    const known = this.resourceRow[at]!;
    if (known !== 0) return known;
    const covers = statementCoversLowerResource(st, this.lowerResources[t]!) ? 1 : -1;
    this.resourceRow[at] = covers;
    return covers;
  }

  /** One pass over the statements for every pair (what `decideManyShared` reads target by target). */
  private computeListFlags(list: readonly NormalizedStatement[], byId: boolean): ListFlags {
    const n = this.pairAction.length;
    const union = this.union;
    const useMask = union.length <= MAX_MASK_ACTIONS;
    const flags = this.build;
    let built = false;
    for (let si = 0; si < list.length; si++) {
      const st = list[si]!;
      // Actions first: most statements cover none of them, and then no resource is matched.
      let mask = 0;
      if (useMask) mask = this.unionMask(st, byId);
      else for (let u = 0; u < union.length && mask === 0; u++) if (statementCoversLowerAction(st, union[u]!)) mask = -1;
      if (mask === 0) continue;
      const bit = st.effect === 'Deny' ? (st.conditional ? CONDITIONAL_DENY : DENY) : st.conditional ? CONDITIONAL_ALLOW : ALLOW;
      // Per target: 0 not yet matched, 1 the statement covers its resource, -1 it does not.
      const covered = this.covered;
      covered.fill(0);
      for (let k = 0; k < n; k++) {
        const u = this.pairAction[k]!;
        if (useMask ? (mask & (1 << u)) === 0 : !statementCoversLowerAction(st, union[u]!)) continue;
        const t = this.pairTarget[k]!;
        if (covered[t] === 0) covered[t] = this.coversTarget(st, t, byId);
        if (covered[t] !== 1) continue;
        if (!built) {
          flags.fill(0);
          built = true;
        }
        flags[k]! |= bit;
      }
    }
    if (!built) return null;
    return n <= 2 * PAIRS_PER_CODE ? this.internedByCodes(flags, n) : this.internedByText(flags, n);
  }

  /**
   * The one shared flags array with this content, for at most `2 * PAIRS_PER_CODE` pairs: two
   * integer keys (4 bits per pair), no key text built per list (a string of a few characters
   * concatenated, then hashed, for each of the thousands of lists that cover a target).
   */
  private internedByCodes(flags: Uint8Array, n: number): Uint8Array {
    let low = 0;
    let high = 0;
    for (let k = Math.min(n, PAIRS_PER_CODE) - 1; k >= 0; k--) low = low * 16 + flags[k]!;
    for (let k = n - 1; k >= PAIRS_PER_CODE; k--) high = high * 16 + flags[k]!;
    let byLow = this.flagCodes.get(high);
    if (byLow === undefined) {
      byLow = new Map();
      this.flagCodes.set(high, byLow);
    }
    let shared = byLow.get(low);
    if (shared === undefined) {
      shared = flags.slice();
      byLow.set(low, shared);
    }
    return shared;
  }

  /** `internedByCodes` for longer pair lists: keyed by a text of 4 bits per pair. */
  private internedByText(flags: Uint8Array, n: number): Uint8Array {
    let key = '';
    for (let k = 0; k < n; k += 4) key += String.fromCharCode(flags[k]! | ((flags[k + 1] ?? 0) << 4) | ((flags[k + 2] ?? 0) << 8) | ((flags[k + 3] ?? 0) << 12));
    let shared = this.flagTable.get(key);
    if (shared === undefined) {
      shared = flags.slice();
      this.flagTable.set(key, shared);
    }
    return shared;
  }

  /** The one `Answers` with these ranks (first `n` entries of `ranks`, in pair order). */
  private internedAnswers(ranks: Uint8Array, n: number): Answers {
    let key: string | number;
    if (n <= 26) {
      let code = 0;
      for (let k = 0; k < n; k++) code = code * 4 + ranks[k]!;
      key = code;
    } else {
      key = '';
      for (let k = 0; k < n; k++) key += String.fromCharCode(48 + ranks[k]!);
    }
    let answers = this.answerTable.get(key);
    if (answers === undefined) {
      const out: Decision[][] = [];
      let k = 0;
      for (let t = 0; t < this.targets.length; t++) {
        const decisions: Decision[] = [];
        for (let i = 0; i < this.targets[t]!.actions.length; i++) decisions.push(BY_RANK[ranks[k++]!]!);
        out.push(Object.freeze(decisions) as Decision[]);
      }
      answers = Object.freeze(out);
      this.answerTable.set(key, answers);
    }
    return answers;
  }
}
