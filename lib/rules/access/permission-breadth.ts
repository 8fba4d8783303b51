/**
 * access.permission-breadth — no non-admin principal holds far more than a task needs:
 * distinct actions after wildcard expansion, data reads and permissions management on
 * every resource, and breadth that is an outlier against the account's other principals.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { accountOutliers, analyzeBreadth, dataReadOnAllUnkept, judgedPrincipals, readUsage, type PrincipalBreadth } from '../../breadth/analyze';
import { breadthTrend } from '../../breadth/trend';
import { StoreReach } from '../../breadth/data-read';
import { objectList } from '../../policy/document';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { agree, plural } from '../../support/plural';

export const PermissionBreadthParameters = z.object({
  /**
   * Most sensitive actions (unconditional + conditional) a non-admin principal may hold: data
   * reads, writes, tagging and permission changes. Configuration reads (List / Read of
   * metadata) are counted and reported, never failed: a read-only audit role is wide by design.
   */
  maxActions: z.number().int().nonnegative().default(500),
  /**
   * Most data-read actions (s3:GetObject, dynamodb:Scan, …) a principal may hold on every
   * resource (`*`) that reach a personal-data store of the inventory (every such action when the
   * inventory was not collected). Ones that reach no inventoried store are reported, not failed.
   */
  maxDataReadOnAll: z.number().int().nonnegative().default(0),
  /** Most permissions-management actions (policies, grants, ACLs) a principal may hold on every resource. */
  maxPermissionsManagementOnAll: z.number().int().nonnegative().default(0),
  /** Modified z-score (median/MAD) above which a principal is an outlier against its peers. */
  outlierZScore: z.number().positive().default(3.5),
  /** Principals with fewer actions are never outliers, however narrow their peers are. */
  outlierMinActions: z.number().int().nonnegative().default(100),
  /** Break-glass principals: role/user names or ARN patterns (`*`, `?`), noted but not judged. */
  allowList: z.array(z.string().min(1)).default([]),
  /** Per-principal counts kept in `observed.breadthByPrincipal` for the trend (broadest first). */
  maxTrendPrincipals: z.number().int().positive().default(2000),
});

/** One principal's data reads on every resource, split by whether they reach an inventoried personal-data store. */
interface DataReadsOnAll {
  reachingPersonalData: { action: string; stores: readonly string[]; storeCount: number }[];
  reachingNoInventoriedStore: readonly string[];
}

/**
 * Detail kept in `observed` for a large account. The evidence store keeps at most 100 items of
 * an array and 500 keys of an object (lib/evidence/build.ts DEFAULT_CAPS, with the hash of the
 * rest), so detail past these bounds was built only to be cut: past them, every failing principal
 * is still named with its reasons (grouped by identical reasons) and the finding's `resources`
 * still lists every failing principal's ARN. Below the bounds nothing changes.
 */
export const DETAILED_OFFENDERS = 100;
export const DETAILED_DATA_READS = 500;

/**
 * The offenders as the rule reports them: the first DETAILED_OFFENDERS in detail, the others grouped
 * by the text of their reasons (groups in the order of their first principal). A group lists its
 * principals set by set, in the order of each set's first principal there (an outlier's reasons are
 * its own): principals of one set stay together.
 */
export function boundedOffenders(offenders: Offenders, detail: (p: PrincipalBreadth, reasons: string[]) => Record<string, unknown>): Record<string, unknown> {
  const { principals } = offenders;
  const n = principals.length;
  const detailed = Math.min(n, DETAILED_OFFENDERS);
  const kept: Record<string, unknown>[] = new Array<Record<string, unknown>>(detailed);
  for (let i = 0; i < detailed; i++) kept[i] = detail(principals[i]!, offenders.reasonsOf(i));
  if (n <= DETAILED_OFFENDERS) return { offenders: kept };
  return { offenders: kept, offendersNotDetailed: { count: n - DETAILED_OFFENDERS, byReasons: groupsNotDetailed(offenders) } };
}

/**
 * The offenders past DETAILED_OFFENDERS grouped by the text of their reasons (boundedOffenders).
 * Its own function (measured, bench/evaluate): its loop over thousands of offenders made V8 compile
 * the caller with the detail closure inlined, on stack replacement, again in early runs.
 *
 * A group's parts are offender positions: a set's first offender there (its set's others chained
 * after it in `next`, in order) or one outlier. Numbers in typed arrays, not an array per set
 * (measured, pessimistic steady run: a slot array per set and the parts' arrays were 2.2 MB + 0.6 MB
 * of Map and 0.3 MB of array growth per run; 14,000 offenders, nearly a set each).
 */
function groupsNotDetailed(offenders: Offenders): { reasons: readonly string[]; principals: string[] }[] {
  const n = offenders.principals.length;
  // A group per reasons text: found from the text's ReasonText (one per text when offenders.textsExact, see
  // there), else by the text itself.
  const groups = new NotDetailedGroups(offenders.textsExact ? undefined : new Map<string, number>());
  const { min, size } = setRange(offenders.sets, DETAILED_OFFENDERS, n);
  // Per set (its number − min): the position of its last offender so far (-1: none yet).
  const lastOfSet = new Int32Array(size).fill(-1);
  // Per offender position (from DETAILED_OFFENDERS): the next offender of its set (-1: none).
  const next = new Int32Array(n).fill(-1);
  groupEach(offenders, groups, min, lastOfSet, next);
  listGroups(offenders, groups, next);
  return groups.byReasons;
}

/**
 * The groups of groupsNotDetailed and their parts. Lists born with object elements (objectList): a
 * `[]` made in each evaluation starts with small-integer elements and changed map at its first push,
 * in code optimised for the changed map.
 */
class NotDetailedGroups {
  public readonly byReasons: { reasons: readonly string[]; principals: string[] }[] = objectList();
  public readonly parts: number[][] = objectList();
  public constructor(private readonly byText: Map<string, number> | undefined) {}

  public newGroup(reasons: readonly string[]): number {
    this.byReasons.push({ reasons, principals: objectList() });
    this.parts.push([]);
    return this.byReasons.length - 1;
  }

  /** The group of these reasons (text: joined by newlines), by their text when texts are not exact, else a new one. */
  public groupOf(reasons: readonly string[]): number {
    if (!this.byText) return this.newGroup(reasons);
    const text = reasons.join('\n');
    let g = this.byText.get(text);
    if (g === undefined) this.byText.set(text, (g = this.newGroup(reasons)));
    return g;
  }
}

// groupsNotDetailed's loops, each first in a function of its own: groupsNotDetailed runs once per
// evaluation, and code before a loop ran without type feedback in the first evaluation (V8 allocates
// it lazily), so the function compiled after the loop's on-stack replacement deoptimised at entry in
// the next one (measured, bench/evaluate --pessimistic --trace-deopt: "Insufficient type feedback" at
// groupsNotDetailed's bytecode 17 in run 2, recompiles in runs 2-3).

function groupEach(offenders: Offenders, groups: NotDetailedGroups, min: number, lastOfSet: Int32Array, next: Int32Array): void {
  for (let i = DETAILED_OFFENDERS; i < offenders.principals.length; i++) {
    const z = offenders.zScores[i]!;
    const f = offenders.facts[i]!;
    const t = f.text;
    if (Number.isNaN(z)) {
      const s = offenders.sets[i]! - min;
      const last = lastOfSet[s]!;
      lastOfSet[s] = i;
      if (last >= 0) {
        next[last] = i;
        continue;
      }
      const g = (t.group ??= groups.groupOf(f.reasons));
      groups.parts[g]!.push(i);
    } else {
      const byZ = (t.outlierGroups ??= new Map());
      let g = byZ.get(z);
      if (g === undefined) byZ.set(z, (g = groups.groupOf(offenders.reasonsOf(i))));
      groups.parts[g]!.push(i);
    }
  }
}

function listGroups(offenders: Offenders, groups: NotDetailedGroups, next: Int32Array): void {
  for (let g = 0; g < groups.byReasons.length; g++) {
    const out = groups.byReasons[g]!.principals;
    const heads = groups.parts[g]!;
    for (let h = 0; h < heads.length; h++) {
      const head = heads[h]!;
      if (!Number.isNaN(offenders.zScores[head]!)) out.push(offenders.principals[head]!.key);
      else for (let j = head; j >= 0; j = next[j]!) out.push(offenders.principals[j]!.key);
    }
  }
}

/** The smallest set number among offenders [from, to) and the span of their numbers. */
function setRange(sets: readonly number[], from: number, to: number): { min: number; size: number } {
  let min = 0;
  let max = -1;
  for (let i = from; i < to; i++) {
    const s = sets[i]!;
    if (i === from || s < min) min = s;
    if (s > max) max = s;
  }
  return { min, size: max - min + 1 };
}

function boundedDataReads(keys: readonly string[], facts: readonly DataReadsSplit[]): Record<string, unknown> {
  const kept: Record<string, DataReadsOnAll> = {};
  const n = Math.min(keys.length, DETAILED_DATA_READS);
  for (let i = 0; i < n; i++) kept[keys[i]!] = facts[i]!.detail;
  if (keys.length <= DETAILED_DATA_READS) return { dataReadsOnAll: kept };
  const reaching = countReaching(facts, DETAILED_DATA_READS);
  // Those reaching personal data fail the rule: they are named with their actions among the offenders.
  return { dataReadsOnAll: kept, dataReadsOnAllNotDetailed: { principals: keys.length - DETAILED_DATA_READS, reachingPersonalData: reaching } };
}

/**
 * How many of facts[from …] reach personal data. A function of its own, its loop last: in
 * boundedDataReads (thousands of facts, once per evaluation) the loop was compiled while it ran (on
 * stack replacement), and the literal after it, with no type feedback yet, deoptimised that code in
 * every evaluation, so the next one compiled it again (measured, bench/evaluate --pessimistic
 * steady runs, --trace-deopt: "insufficient type feedback for generic named access" in
 * boundedDataReads in each of runs 1-4; none after).
 */
function countReaching(facts: readonly DataReadsSplit[], from: number): number {
  let reaching = 0;
  for (let i = from; i < facts.length; i++) if (facts[i]!.reaching) reaching += 1;
  return reaching;
}

/**
 * What the sets whose reasons read the same share: the group of their principals, and of their
 * outliers by z-score, among the offenders not detailed (boundedOffenders).
 */
export interface ReasonText {
  group: number | undefined;
  outlierGroups: Map<number, number> | undefined;
}

/**
 * What principals of one policy set share in this rule's judgement: a function of its sensitive
 * count and permissions management on * when over their limits, and of its dataReadOnAll array, so
 * sets equal in those share one (measured, pessimistic steady run: an object and a reasons array per
 * set, 14,020 sets, were 3.3 MB allocated per run).
 */
export interface SetFacts {
  reasons: string[];
  text: ReasonText;
  dataReads: DataReadsSplit | undefined;
}

/** The failing principals in judgement order, with their set's facts and z-score (NaN when not an outlier): no object per offender. */
export interface Offenders {
  principals: PrincipalBreadth[];
  facts: SetFacts[];
  /**
   * The offender's policy set, as a number (principals of one set share it; the analysis's countsId
   * when it has one): the offenders not detailed are listed set by set.
   */
  sets: number[];
  zScores: number[];
  /** The i-th offender's reasons (its set's array, or a new one with the outlier reason). */
  reasonsOf(i: number): string[];
  /**
   * True when equal texts share one ReasonText: a set's text is its reasons joined by newlines and
   * an outlier's text is its set's text, a newline and the outlier reason, so one ReasonText and one
   * z-score name one text, and different ones different texts, as long as no reason holds a newline
   * (only a data-read reason could: it names store ARNs).
   */
  textsExact: boolean;
}

/**
 * The offenders judgeAll finds. A class, `reasonsOf` a method: as a closure made per evaluation it was
 * inlined into groupEach's optimised code, which holds such objects weakly, and that code was thrown
 * away once the evaluation's closure died (measured, bench/evaluate --pessimistic --trace-deopt: "marking
 * dependent code groupEach for deoptimization, reason: weak objects" in run 2, then an OSR compile in
 * run 2 and a regular one in run 3, 70 + 11 ms of TurboFan time traced at load 7).
 */
class JudgedOffenders implements Offenders {
  // Lists born with the elements kind their entries need (objectList, doubleList): see judgeAll.
  public readonly principals: PrincipalBreadth[] = objectList();
  public readonly facts: SetFacts[] = objectList();
  public readonly sets: number[] = [];
  public readonly zScores: number[] = doubleList();
  public textsExact = true;
  public constructor(private readonly judge: OffenderJudge) {}

  public reasonsOf(i: number): string[] {
    return this.judge.reasonsOf(this, i);
  }
}

/** How one data-read action on * is reported: the stores it reaches, its evidence entry and its name in a reason. */
interface ActionReach {
  /** Its number among the judge's actions (in first-seen order). */
  id: number;
  stores: readonly string[];
  entry: DataReadsOnAll['reachingPersonalData'][number];
  named: string;
}

const pct = (share: number): number => Math.round(share * 10_000) / 100;

function describe(p: PrincipalBreadth, reasons: string[]): string {
  return `${p.key} ${p.total} actions (${pct(p.share)}% of the catalog, ${p.services} services${p.conditional ? `, ${p.conditional} conditional` : ''}, ${p.sensitive} sensitive): ${reasons.join(', ')}`;
}

/** Keys in ranking order (`user/…`, `role/…`: never integer-like, so insertion order is kept); no pair array per key. */
function totalsByKey(kept: readonly PrincipalBreadth[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of kept) out[p.key] = p.total;
  return out;
}

/**
 * The first `max` principals whose data reads on * include some reaching no inventoried personal-data
 * store, with those facts (the message names three and says whether there are more).
 */
function readsOutsideInventory(keys: readonly string[], facts: readonly DataReadsSplit[], max: number): [string, DataReadsOnAll][] {
  const outside: [string, DataReadsOnAll][] = [];
  for (let i = 0; i < keys.length && outside.length < max; i++) if (facts[i]!.elsewhere) outside.push([keys[i]!, facts[i]!.detail]);
  return outside;
}

type Params = z.infer<typeof PermissionBreadthParameters>;

/** OffenderJudge.judgeAll's answer. */
interface Judgement {
  incomplete: { principal: string; unresolvedPolicies: string[] }[];
  dataReadKeys: string[];
  dataReadFacts: DataReadsSplit[];
  offenders: Offenders;
}

/**
 * The defined ones of a, b, c in order, in an array of that size (measured, pessimistic steady run:
 * pushing into `[]` gave each of ~6,900 sets' reasons a 17-slot backing store, ~0.8 MB per run).
 */
function reasonList(a: string | undefined, b: string | undefined, c: string | undefined): string[] {
  if (a !== undefined) {
    if (b !== undefined) return c !== undefined ? [a, b, c] : [a, b];
    return c !== undefined ? [a, c] : [a];
  }
  if (b !== undefined) return c !== undefined ? [b, c] : [b];
  return c !== undefined ? [c] : [];
}

/** An empty list born with double elements (zScores hold NaN): see judgeAll. */
function doubleList(): number[] {
  const list = [0.5];
  list.pop();
  return list;
}

/** What depends only on one distinct dataReadOnAll array (the analysis interns them). */
interface PerDataReads {
  reason: string | undefined;
  dataReads: DataReadsSplit | undefined;
  texts: Map<number, ReasonText>;
  /** The SetFacts of sets with this array, by the key of their count-based reasons (see newSetFacts). */
  facts: Map<number, SetFacts>;
}

/** A policy set of principals built elsewhere (no countsId): known by its byLevel object and checked by its counts. */
class OtherSet {
  public constructor(
    public readonly byLevel: PrincipalBreadth['byLevel'],
    public readonly sensitive: number,
    public readonly pmOnAll: number,
    public readonly dataReadOnAll: readonly string[],
    public readonly facts: SetFacts,
    /** Its number among the offenders' sets: negative (the analysis's countsIds are not). */
    public readonly number: number,
  ) {}
}

/**
 * One distinct dataReadOnAll array's split: counted for every set, its evidence (an entry per action)
 * built only when read, for the principals the finding details (DETAILED_DATA_READS, and the three the
 * message names). Measured, pessimistic steady run: the evidence of every distinct array (2,777 of
 * them, ~100 actions each) was 4.4 MB allocated per run, most of it never reported.
 */
class DataReadsSplit {
  #detail: DataReadsOnAll | undefined = undefined;
  public constructor(
    private readonly judge: OffenderJudge,
    private readonly actions: readonly string[],
    /** Actions reaching an inventoried personal-data store (every action when the inventory was not collected). */
    public readonly reaching: number,
    /** Actions reaching no inventoried store. */
    public readonly elsewhere: number,
  ) {}

  public get detail(): DataReadsOnAll {
    return (this.#detail ??= this.judge.dataReadsDetail(this.actions));
  }
}

/**
 * Judges the principals of one evaluation against the limits: which fail and why, set by set.
 * A class at module level rather than closures in `evaluate` (measured, bench/evaluate): `evaluate`
 * is called once per run, so a loop in its body made V8 compile the whole rule on stack replacement
 * (150–190 ms of TurboFan time, often thrown away when a field's type changed meanwhile) in every
 * early run; here only these small methods get hot, and each compiles once.
 */
class OffenderJudge {
  /** What each data-read action contributes, once per action (sets repeat the same few dozen). */
  private readonly reachOf = new Map<string, ActionReach>();
  /**
   * Principals of one policy set share their counts' objects (lib/breadth/analyze): the
   * count-based reasons are built once per set (by its byLevel object); what depends only on
   * the data reads on * (the stores they reach, the reason naming them) once per distinct
   * dataReadOnAll array.
   */
  private readonly perDataReads = new Map<readonly string[], PerDataReads>();
  /**
   * By the analysis's dataReadsId (an array slot per distinct list): the list is read once per id,
   * not kept in the analysis (dataReadOnAllUnkept).
   */
  private readonly perDataReadsId: (PerDataReads | undefined)[] = objectList();
  /** The ReasonTexts of sets by data-read reason (arrays with one reason share them), then by counts. */
  private readonly textsByReason = new Map<string | undefined, Map<number, ReasonText>>();
  private textsExact = true;
  /** The count-based reasons, one string per count. */
  private readonly overActionsText = new Map<number, string>();
  private readonly overPermissionsText = new Map<number, string>();
  private readonly noReasons: ReasonText = { group: undefined, outlierGroups: undefined };
  /**
   * By the analysis's countsId (an array slot per policy set; no byLevel object read), else by the
   * byLevel object principals of one set share (principals built elsewhere).
   */
  private readonly perId: (SetFacts | undefined)[] = objectList();
  private readonly perSet = new Map<PrincipalBreadth['byLevel'], OtherSet>();
  // Principals of one set are mostly adjacent (same total, then by name): the last set first.
  private last: SetFacts | undefined = undefined;
  private lastId = -1;
  private lastOther: OtherSet | undefined = undefined;
  /** The number of the set setFacts last answered for (Offenders.sets). */
  private lastSet = 0;
  private otherSets = 0;
  private readonly outlierReasons = new Map<number, string>();
  /** dataReadReason's texts by (reaching count, first four reaching actions), and its scratch of those actions. */
  private readonly reasonByKey = new Map<number, string>();
  private readonly firstReach: ActionReach[] = objectList();

  public constructor(
    private readonly params: Params,
    private readonly stores: StoreReach | undefined,
    private readonly median: number,
  ) {}

  /** Every judged principal's facts, in analysis order (keys and facts side by side: no map per principal). */
  public judgeAll(judged: readonly PrincipalBreadth[], zScoreOf: ReadonlyMap<PrincipalBreadth, number>): Judgement {
    // Lists born with the elements kind their entries need (objectList, doubleList): a `[]` made in
    // each evaluation starts with small-integer elements and changed map at its first object or NaN,
    // in code optimised for the changed map (measured, bench/evaluate --pessimistic --trace-deopt).
    const offenders = new JudgedOffenders(this);
    const out: Judgement = { incomplete: objectList(), dataReadKeys: objectList(), dataReadFacts: objectList(), offenders };
    this.judgeEach(judged, zScoreOf, out);
    offenders.textsExact = this.textsExact;
    return out;
  }

  /**
   * Indexed (thousands of principals, once per run: no iterator results before optimisation). The
   * loop first in its function: judgeAll runs once per evaluation, and code before a loop ran without
   * type feedback in the first evaluation (V8 allocates it lazily), so the function compiled after the
   * loop's on-stack replacement deoptimised at entry in the next one (measured, bench/evaluate
   * --pessimistic --trace-deopt: "Insufficient type feedback for call" at judgeAll's bytecode 39, run 2).
   */
  private judgeEach(judged: readonly PrincipalBreadth[], zScoreOf: ReadonlyMap<PrincipalBreadth, number>, out: Judgement): void {
    for (let i = 0; i < judged.length; i++) {
      const p = judged[i]!;
      if (p.unresolvedPolicies.length) out.incomplete.push({ principal: p.key, unresolvedPolicies: p.unresolvedPolicies });
      const facts = this.setFacts(p);
      if (facts.dataReads) {
        out.dataReadKeys.push(p.key);
        out.dataReadFacts.push(facts.dataReads);
      }
      const z = zScoreOf.get(p);
      if (z !== undefined || facts.reasons.length) {
        const offenders = out.offenders;
        offenders.principals.push(p);
        offenders.facts.push(facts);
        offenders.sets.push(this.lastSet);
        offenders.zScores.push(z ?? NaN);
      }
    }
  }

  public reasonsOf(offenders: Offenders, i: number): string[] {
    const f = offenders.facts[i]!;
    const z = offenders.zScores[i]!;
    return Number.isNaN(z) ? f.reasons : [...f.reasons, this.outlierReason(z)];
  }

  private outlierReason(z: number): string {
    let r = this.outlierReasons.get(z);
    if (r === undefined) this.outlierReasons.set(z, (r = `outlier vs peers (modified z-score ${z} > ${this.params.outlierZScore}, median ${this.median})`));
    return r;
  }

  private actionReach(action: string): ActionReach {
    let r = this.reachOf.get(action);
    if (r) return r;
    const s = this.stores ? this.stores.of(action) : [];
    // Evidence stays small: at most 5 store ARNs per action, with the count.
    r = {
      id: this.reachOf.size,
      stores: s,
      entry: { action, stores: s.slice(0, 5), storeCount: s.length },
      named: s.length ? `${action} → ${s.slice(0, 2).join(', ')}${s.length > 2 ? ` +${s.length - 2}` : ''}` : action,
    };
    this.reachOf.set(action, r);
    return r;
  }

  /** What depends on the principal's dataReadOnAll: per dataReadsId when it has one (see perDataReadsId), else per array. */
  private dataReadFactsOfPrincipal(p: PrincipalBreadth): PerDataReads {
    const id = p.dataReadsId;
    if (id === undefined) return this.dataReadFactsOf(p.dataReadOnAll);
    // Slots filled up to the id: the array stays a plain list, never a dictionary.
    const perId = this.perDataReadsId;
    while (perId.length <= id) perId.push(undefined);
    return (perId[id] ??= this.newDataReadFacts(dataReadOnAllUnkept(p)));
  }

  private dataReadFactsOf(dataReadOnAll: readonly string[]): PerDataReads {
    let known = this.perDataReads.get(dataReadOnAll);
    if (!known) this.perDataReads.set(dataReadOnAll, (known = this.newDataReadFacts(dataReadOnAll)));
    return known;
  }

  private newDataReadFacts(dataReadOnAll: readonly string[]): PerDataReads {
    const stores = this.stores;
    // Without an inventory every action counts as reaching (no store named).
    let reaching = 0;
    // The first four reaching actions (in firstReach) and their ids + 1 a byte each (-1: an id past a byte).
    let firstIds = 0;
    for (let i = 0; i < dataReadOnAll.length; i++) {
      const r = this.actionReach(dataReadOnAll[i]!);
      if (stores && !r.stores.length) continue;
      if (reaching < 4) {
        this.firstReach[reaching] = r;
        firstIds = firstIds >= 0 && r.id < 255 ? firstIds * 256 + r.id + 1 : -1;
      }
      reaching += 1;
    }
    const reason = reaching > this.params.maxDataReadOnAll ? this.dataReadReason(reaching, firstIds) : undefined;
    let texts = this.textsByReason.get(reason);
    if (!texts) {
      this.textsByReason.set(reason, (texts = new Map()));
      if (reason?.includes('\n')) this.textsExact = false;
    }
    return { reason, dataReads: dataReadOnAll.length ? new DataReadsSplit(this, dataReadOnAll, reaching, dataReadOnAll.length - reaching) : undefined, texts, facts: new Map() };
  }

  /**
   * The data-read reason of an array with `reaching` actions reaching personal data, the first four in
   * firstReach (firstIds: see dataReadFactsOf). The text depends on these alone, so arrays equal in them
   * share one string (measured, pessimistic steady run: 2,613 reasons of ~400 characters built for 2,749
   * distinct arrays, 237 distinct texts; dataReadFactsOf allocated 3.4 MB per run, alloc.mts).
   */
  private dataReadReason(reaching: number, firstIds: number): string {
    // An exact number: firstIds below 2^32, reaching times 2^32 below 2^53 while reaching < 2^21.
    const memo = firstIds >= 0 && reaching < 2 ** 21;
    const key = reaching * 2 ** 32 + firstIds;
    let reason = memo ? this.reasonByKey.get(key) : undefined;
    if (reason === undefined) {
      let named = '';
      for (let k = 0; k < reaching && k < 4; k++) named += `${k ? '; ' : ''}${this.firstReach[k]!.named}`;
      reason = `${plural(reaching, 'data-read action')} on *${this.stores ? ' reaching personal-data stores' : ' (personal-data inventory not collected)'} (${named}${reaching > 4 ? '; …' : ''})`;
      if (memo) this.reasonByKey.set(key, reason);
    }
    return reason;
  }

  /** The evidence of one dataReadOnAll array (DataReadsSplit.detail): its actions split by the stores they reach. */
  public dataReadsDetail(dataReadOnAll: readonly string[]): DataReadsOnAll {
    const stores = this.stores;
    const reaching: DataReadsOnAll['reachingPersonalData'] = [];
    const elsewhere: string[] = [];
    for (const action of dataReadOnAll) {
      const r = this.actionReach(action);
      if (stores && !r.stores.length) elsewhere.push(action);
      else reaching.push(r.entry);
    }
    return { reachingPersonalData: reaching, reachingNoInventoriedStore: elsewhere };
  }

  private setFacts(p: PrincipalBreadth): SetFacts {
    const id = p.countsId;
    if (id !== undefined) {
      this.lastSet = id;
      if (id === this.lastId) return this.last!;
      this.lastId = id;
      this.lastOther = undefined;
      // Slots filled up to the id: the array stays a plain list, never a dictionary.
      const perId = this.perId;
      while (perId.length <= id) perId.push(undefined);
      return (this.last = perId[id] ??= this.newSetFacts(p));
    }
    this.lastId = -1;
    const set = this.otherSet(p);
    this.lastSet = set.number;
    return (this.last = set.facts);
  }

  /** The set of a principal built elsewhere (no countsId): by its byLevel object and counts. */
  private otherSet(p: PrincipalBreadth): OtherSet {
    const same = (s: OtherSet | undefined): s is OtherSet =>
      s !== undefined && s.byLevel === p.byLevel && s.sensitive === p.sensitive && s.pmOnAll === p.permissionsManagementOnAll && s.dataReadOnAll === p.dataReadOnAll;
    if (same(this.lastOther)) return this.lastOther;
    const known = this.perSet.get(p.byLevel);
    if (same(known)) return (this.lastOther = known);
    const set = new OtherSet(p.byLevel, p.sensitive, p.permissionsManagementOnAll, p.dataReadOnAll, this.newSetFacts(p), -1 - this.otherSets++);
    this.perSet.set(p.byLevel, set);
    return (this.lastOther = set);
  }

  private newSetFacts(p: PrincipalBreadth): SetFacts {
    const params = this.params;
    const overActions = p.sensitive > params.maxActions;
    const overPermissions = p.permissionsManagementOnAll > params.maxPermissionsManagementOnAll;
    const dataReads = this.dataReadFactsOfPrincipal(p);
    // The reasons are a function of these three: sets equal in them share their facts. Both counts
    // are below 2^26 (catalog actions): one exact number, no key string per set.
    const key = (overActions ? p.sensitive + 1 : 0) * 2 ** 26 + (overPermissions ? p.permissionsManagementOnAll + 1 : 0);
    const known = dataReads.facts.get(key);
    if (known) return known;
    let actionsReason: string | undefined;
    if (overActions) {
      actionsReason = this.overActionsText.get(p.sensitive);
      if (actionsReason === undefined) this.overActionsText.set(p.sensitive, (actionsReason = `${p.sensitive} actions that read data, write or change permissions > ${params.maxActions}`));
    }
    let permissionsReason: string | undefined;
    if (overPermissions) {
      permissionsReason = this.overPermissionsText.get(p.permissionsManagementOnAll);
      if (permissionsReason === undefined) this.overPermissionsText.set(p.permissionsManagementOnAll, (permissionsReason = `${p.permissionsManagementOnAll} permissions-management actions on *`));
    }
    const reasons = reasonList(actionsReason, dataReads.reason, permissionsReason);
    // The reasons' text (how the bounded detail groups them): one ReasonText per distinct combination
    // (the counts' reasons are one per count, the data-read reason one per text), none built.
    let text = this.noReasons;
    if (reasons.length) {
      const t = dataReads.texts.get(key);
      if (t === undefined) dataReads.texts.set(key, (text = { group: undefined, outlierGroups: undefined }));
      else text = t;
    }
    const facts: SetFacts = { reasons, text, dataReads: dataReads.dataReads };
    dataReads.facts.set(key, facts);
    return facts;
  }
}

export default defineRule({
  id: 'access.permission-breadth',
  title: 'Permission breadth limited to what each principal needs',
  area: 'access',
  severity: 'high',
  rationale:
    'In the France Travail case the public summaries of SAN-2026-003 describe habilitations far broader than the advisers\' tasks: ' +
    'hijacked accounts could reach 36.8 million people\'s records. GDPR Art. 25(2) limits accessibility to what is necessary and ' +
    'Art. 32(1)(b) requires ongoing confidentiality; the CNIL security guide (fiche 5) recommends least privilege. Counting what each principal can actually do (wildcards expanded over the AWS action catalog), and ' +
    'comparing it with its peers, shows which ones are far broader than any task needs.',
  remediation: {
    console:
      'IAM console → Users/Roles → <principal> → Permissions: replace wildcard statements (`s3:*`, `dynamodb:*`, `*`) with the ' +
      'actions the job needs, scope Resource to the tables and buckets it uses; IAM Access Analyzer → "Generate policy" from ' +
      'CloudTrail activity gives a least-privilege starting point.',
    cli:
      'aws accessanalyzer start-policy-generation --policy-generation-details principalArn=<arn> --cloud-trail-details ...; ' +
      'aws iam put-role-policy --role-name <role> --policy-name <name> --policy-document file://least-privilege.json; ' +
      'aws iam detach-role-policy --role-name <role> --policy-arn <broad policy arn>',
  },
  references: [REF.gdpr25_2, REF.gdpr32_1_b, REF.cnilGuide5, REF.cnilSan2026_003],
  sections: ['authorizationDetails'],
  parameters: PermissionBreadthParameters,
  evaluate(snapshot, params, context) {
    const authorizationDetails = requireSection(snapshot, 'authorizationDetails');
    const analysis = analyzeBreadth({ authorizationDetails, credentialReport: snapshot.credentialReport, collectedAt: snapshot.collectedAt });
    // The judged principals are also each other's peers (break-glass roles are as broad as admins by design).
    const { judged, admins, allowListed: allowListedKeys, serviceLinked } = judgedPrincipals(analysis.principals, params.allowList);
    const { distribution, outliers, zScoreOf } = accountOutliers(judged, { zScore: params.outlierZScore, minActions: params.outlierMinActions });

    // Personal-data stores (inventory by tags): a data read on * is judged by the stores it reaches.
    const stores = snapshot.personalDataStores ? new StoreReach(snapshot.personalDataStores.map((s) => s.ResourceARN)) : undefined;
    const judge = new OffenderJudge(params, stores, distribution.median);
    const { incomplete, dataReadKeys, dataReadFacts, offenders } = judge.judgeAll(judged, zScoreOf);
    const offenderCount = offenders.principals.length;

    const ranked = analysis.principals.filter((p) => !p.serviceLinked);
    const kept = ranked.slice(0, params.maxTrendPrincipals);
    // Keys in ranking order (`user/…`, `role/…`: never integer-like, so insertion order is kept); no pair array per key.
    const breadthByPrincipal = totalsByKey(kept);
    const complete = kept.length === ranked.length;
    const trend = context.previousBreadth ? breadthTrend(breadthByPrincipal, context.previousBreadth, complete) : undefined;
    // The usage of those detailed, read together (not an index of every role and report row).
    readUsage([...offenders.principals.slice(0, DETAILED_OFFENDERS), ...ranked.slice(0, 10)]);
    // Fields added in order (no object spread: thousands of offenders in a large account).
    const summary = (p: PrincipalBreadth): Record<string, unknown> => {
      const out: Record<string, unknown> = {
        principal: p.key,
        arn: p.arn,
        actions: p.total,
        unconditional: p.unconditional,
        conditional: p.conditional,
        services: p.services,
        sharePercent: pct(p.share),
        sensitive: p.sensitive,
        byLevel: p.byLevel,
        onAllResources: p.onAllResources,
        dataReadOnAll: p.dataReadOnAll,
        permissionsManagementOnAll: p.permissionsManagementOnAll,
        admin: p.admin,
        usage: p.usage,
      };
      if (p.idleDays !== undefined) out.idleDays = p.idleDays;
      return out;
    };
    const offenderSummary = (p: PrincipalBreadth, reasons: string[]): Record<string, unknown> => {
      const out = summary(p);
      out.reasons = reasons;
      const z = zScoreOf.get(p);
      if (z !== undefined) out.zScore = z;
      return out;
    };
    const observed = {
      catalog: analysis.catalog,
      scope: analysis.scope,
      principalsChecked: judged.length,
      distribution,
      outliers,
      ...boundedDataReads(dataReadKeys, dataReadFacts),
      ...boundedOffenders(offenders, offenderSummary),
      top: ranked.slice(0, 10).map(summary),
      adminsNotJudged: admins,
      allowListed: allowListedKeys,
      serviceLinkedRolesSkipped: serviceLinked,
      incomplete,
      breadthByPrincipal,
      breadthByPrincipalComplete: complete,
      ...(trend ? { trend } : {}),
    };
    const trendText = trend
      ? ` Since the previous run: ${trend.grew.length} grew${trend.grew[0] ? ` (largest ${trend.grew[0].principal} ${trend.grew[0].previous}→${trend.grew[0].current})` : ''}, ${trend.shrank.length} shrank, ${trend.added.length} new.`
      : '';
    // Data reads on * that reach no inventoried personal-data store: reported, not failed.
    // Read for the PASS message alone (three named, and whether there are more).
    const outsideText = (): string => {
      const outside = readsOutsideInventory(dataReadKeys, dataReadFacts, 4);
      return outside.length
        ? ` Data reads on * reaching no inventoried personal-data store: ${outside.slice(0, 3).map(([k, d]) => `${k} (${d.reachingNoInventoriedStore.slice(0, 4).join(', ')}${d.reachingNoInventoriedStore.length > 4 ? ', …' : ''})`).join('; ')}${outside.length > 3 ? '; …' : ''}.`
        : '';
    };
    const adminText = admins.length ? ` ${plural(admins.length, 'administrator')} ${agree(admins.length, 'is', 'are')} left to access.admin-principals.` : '';
    if (offenderCount) {
      return {
        status: 'FAIL',
        message:
          `${offenderCount} of ${observed.principalsChecked} non-admin principals ${agree(offenderCount, 'has', 'have')} access beyond the limits: ` +
          `${offenders.principals.slice(0, 3).map((p, i) => describe(p, offenders.reasonsOf(i))).join('; ')}${offenderCount > 3 ? '; …' : ''}. ` +
          `Non-admin median ${distribution.median}, p90 ${distribution.p90}, max ${distribution.max} actions.${adminText}${trendText}`,
        observed,
        threshold: params,
        resources: offenders.principals.map((p) => p.arn),
      };
    }
    if (incomplete.length) {
      return {
        status: 'WARN',
        message: `No principal exceeds the limits as far as the snapshot shows, but ${plural(incomplete.length, 'principal')} ${agree(incomplete.length, 'has', 'have')} attached policies missing from it (${incomplete.slice(0, 3).map((i) => i.principal).join(', ')}): their breadth is a lower bound.${trendText}`,
        observed,
        threshold: params,
        resources: incomplete.map((i) => i.principal),
      };
    }
    return {
      status: 'PASS',
      message: `${observed.principalsChecked} non-admin principals within limits: median ${distribution.median}, p90 ${distribution.p90}, max ${distribution.max} actions of ${analysis.catalog.actions}; no outlier.${outsideText()}${adminText}${trendText}`,
      observed,
      threshold: params,
      resources: [],
    };
  },
});
