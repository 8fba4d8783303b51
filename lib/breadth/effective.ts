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
 * A Deny scoped to particular resources does not remove the action: it stays granted on
 * the other resources.
 *
 * Out of scope (said in every output): service control policies, resource control
 * policies, resource-based policies and session policies.
 *
 * Cost: pattern expansion is cached by the catalog; statement masks are cached by their
 * action list; managed policies are cached by identity (resolvePrincipals shares one
 * statement array per managed policy), so 10,000 principals sharing 20,000 policies
 * cost one expansion per distinct policy and a few bitset unions per principal.
 */
import type { NormalizedStatement } from '../policy/document';
import { decideCovering, type CoveringStatements, type Decision } from '../policy/evaluate';
import type { ArnTemplate } from '../policy/resources';
import { glob, MAX_PATTERN_LENGTH } from '../policy/glob';
import type { Principal } from '../policy/principals';
import { newBitset, orInto, wordsFor, type Bitset } from './bitset';
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

function toSparse(dense: Bitset): SparseBits | null {
  let n = 0;
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) n += 1;
  if (n === 0) return null;
  const words = new Uint16Array(n);
  const values = new Uint32Array(n);
  for (let i = 0, k = 0; i < dense.length; i++) {
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

/** Is action `id` in the sparse set? (word lists are ascending: binary search) */
export function sparseHas(s: SparseBits, id: number): boolean {
  const w = id >>> 5;
  let lo = 0;
  let hi = s.words.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = s.words[mid]!;
    if (v === w) return (s.values[mid]! & (1 << (id & 31))) !== 0;
    if (v < w) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
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

/** A permissions boundary, dense (it is intersected word by word). */
interface BoundaryMasks {
  allow: Bitset;
  any: Bitset;
  allowOnAll: Bitset;
  anyOnAll: Bitset;
  deny: SparseBits | null;
  conditionalDeny: SparseBits | null;
  hard: SparseBits | null;
}

export interface EffectivePermissions {
  granted: Bitset;
  conditional: Bitset;
  grantedOnAll: Bitset;
  conditionalOnAll: Bitset;
  /** Indices of the words where `granted | conditional` is non-zero (the first `nonZeroCount`). */
  nonZeroWords: Int32Array;
  nonZeroCount: number;
}

/**
 * `glob(r).any` (the pattern is a run of `*`), without a glob lookup for the usual ARN: only a
 * pattern starting with `*` can be one. Patterns past the length bound still go to `glob`,
 * which refuses them as before.
 */
const anyResource = (r: string): boolean => (r.charCodeAt(0) === 42 || r.length > MAX_PATTERN_LENGTH) && glob(r).any;

/** True when the statement's Resource is `*` (or `**`…) or it uses `NotResource`. */
export function isUnscoped(s: NormalizedStatement): boolean {
  if (s.resources) return s.resources.some(anyResource);
  return s.notResources !== undefined;
}

/** True when a Deny statement denies on every resource (`Resource: "*"`). */
function deniesEverywhere(s: NormalizedStatement): boolean {
  return s.resources?.some(anyResource) ?? false;
}

let nextTypeListId = 1;

const MASK_KEYS = ['allow', 'allowOnAll', 'conditionalAllow', 'conditionalAllowOnAll', 'deny', 'conditionalDeny', 'hard'] as const;
type MaskKey = (typeof MASK_KEYS)[number];

export class BreadthCalculator {
  /** NotAction statements' sets by their pattern list. */
  private readonly statementCache = new Map<string, SparseBits>();
  private readonly patternCache = new Map<string, SparseBits>();
  /** Word indices set in `scratch` by unionOfPatterns (values are never 0 once set). */
  private readonly unionTouched: Int32Array;
  private readonly statementObjects = new WeakMap<NormalizedStatement, SparseBits>();
  private readonly scratch: Bitset;
  private readonly policyCache = new WeakMap<NormalizedStatement[], PolicyMasks>();
  private readonly boundaryCache = new WeakMap<NormalizedStatement[], BoundaryMasks>();
  private readonly words: number;
  /** Dense scratch used while folding one policy. */
  private readonly fold: Record<MaskKey, Bitset>;
  // Scratch buffers reused across principals (results are valid until the next call).
  private readonly idAllow: Bitset;
  private readonly idAllowAny: Bitset;
  private readonly idAllowOnAll: Bitset;
  private readonly idAllowAnyOnAll: Bitset;
  private readonly deny: Bitset;
  private readonly conditionalDeny: Bitset;
  private readonly hard: Bitset;
  private readonly result: EffectivePermissions;

  public constructor(public readonly catalog: ActionCatalog) {
    const n = catalog.size;
    this.words = wordsFor(n);
    this.scratch = newBitset(n);
    this.unionTouched = new Int32Array(wordsFor(n));
    this.computeTouched = new Int32Array(wordsFor(n));
    this.computeStamp = new Int32Array(wordsFor(n));
    this.touched = new Int32Array(wordsFor(n));
    this.touchStamp = new Int32Array(wordsFor(n));
    this.fold = Object.fromEntries(MASK_KEYS.map((k) => [k, newBitset(n)])) as Record<MaskKey, Bitset>;
    this.idAllow = newBitset(n);
    this.idAllowAny = newBitset(n);
    this.idAllowOnAll = newBitset(n);
    this.idAllowAnyOnAll = newBitset(n);
    this.deny = newBitset(n);
    this.conditionalDeny = newBitset(n);
    this.hard = newBitset(n);
    this.typeIdOfAction = new Int32Array(n);
    this.result = {
      granted: newBitset(n),
      conditional: newBitset(n),
      grantedOnAll: newBitset(n),
      conditionalOnAll: newBitset(n),
      nonZeroWords: new Int32Array(this.words),
      nonZeroCount: 0,
    };
  }

  /**
   * Actions a statement's action clause covers (`NotAction` = catalog minus the listed
   * patterns), sparse. Cached per statement object and per distinct action list. Shared:
   * never mutate.
   */
  public statementActions(s: NormalizedStatement): SparseBits {
    const byObject = this.statementObjects.get(s);
    if (byObject) return byObject;
    let bits: SparseBits;
    if (s.actions) {
      // Sparse all the way: an explicit list of a few actions touches a few words, not ~700.
      bits = s.actions.length === 1 ? this.patternBits(s.actions[0]!) : this.unionOfPatterns(s.actions);
    } else if (s.notActions) {
      // NotAction = the catalog minus the listed patterns: dense, cached per distinct list.
      const key = s.notActions.join('\n');
      let cached = this.statementCache.get(key);
      if (!cached) {
        // Own buffer: `scratch` must stay all-zero between unionOfPatterns calls.
        const excluded = newBitset(this.catalog.size);
        for (const p of s.notActions) orSparse(excluded, this.patternBits(p));
        const all = this.catalog.all;
        for (let i = 0; i < excluded.length; i++) excluded[i] = all[i]! & ~excluded[i]!;
        cached = toSparse(excluded) ?? EMPTY;
        this.statementCache.set(key, cached);
      }
      bits = cached;
    } else {
      bits = EMPTY;
    }
    this.statementObjects.set(s, bits);
    return bits;
  }

  /** Actions one (lower-cased) pattern names, sparse, cached per pattern text. */
  private patternBits(pattern: string): SparseBits {
    let bits = this.patternCache.get(pattern);
    if (!bits) {
      if (pattern.includes('*') || pattern.includes('?')) bits = toSparse(this.catalog.expand(pattern)) ?? EMPTY;
      else {
        const id = this.catalog.idOf(pattern);
        bits = id === undefined ? EMPTY : { words: Uint16Array.of(id >>> 5), values: Uint32Array.of((1 << (id & 31)) >>> 0) };
      }
      this.patternCache.set(pattern, bits);
    }
    return bits;
  }

  /** Union of several patterns' sparse sets, through a scratch that is cleared word by word. */
  private unionOfPatterns(patterns: readonly string[]): SparseBits {
    const dense = this.scratch;
    const touched = this.unionTouched;
    let n = 0;
    for (const p of patterns) {
      const { words, values } = this.patternBits(p);
      for (let k = 0; k < words.length; k++) {
        const w = words[k]!;
        if (dense[w] === 0) touched[n++] = w;
        dense[w]! |= values[k]!;
      }
    }
    if (n === 0) return EMPTY;
    const order = touched.subarray(0, n).sort();
    const words = new Uint16Array(n);
    const values = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const w = order[k]!;
      words[k] = w;
      values[k] = dense[w]!;
      dense[w] = 0;
    }
    return { words, values };
  }

  /** Word indices written while folding one policy, so only they are read back and cleared. */
  private readonly touched: Int32Array;
  private readonly touchStamp: Int32Array;
  private touchedCount = 0;
  private foldRound = 0;

  private orFold(key: MaskKey, bits: SparseBits): void {
    const target = this.fold[key];
    const { words, values } = bits;
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      target[w]! |= values[k]!;
      if (this.touchStamp[w] !== this.foldRound) {
        this.touchStamp[w] = this.foldRound;
        this.touched[this.touchedCount++] = w;
      }
    }
  }

  /**
   * Actions an Allow grants on every resource: all of them for `*` or `NotResource`; for ARN
   * patterns, those of which a pattern names every resource of one of their types.
   * (No per-statement cache: a statement is folded once, with its list's masks.)
   */
  private allowOnAllBits(s: NormalizedStatement, bits: SparseBits, unscoped: boolean): SparseBits | null {
    if (unscoped) return bits;
    return this.intersectCoverage(bits, s.resources ?? []);
  }

  /** `bits` ∩ (actions some pattern covers a type of), sparse; null when empty. */
  private intersectCoverage(bits: SparseBits, patterns: readonly string[]): SparseBits | null {
    const covered = patterns.map((r) => this.catalog.actionsCoveredBy(r));
    const { words, values } = bits;
    const outWords: number[] = [];
    const outValues: number[] = [];
    for (let k = 0; k < words.length; k++) {
      let union = 0;
      for (const c of covered) union |= c[words[k]!]!;
      const v = (values[k]! & union) >>> 0;
      if (v !== 0) {
        outWords.push(words[k]!);
        outValues.push(v);
      }
    }
    return outWords.length ? { words: Uint16Array.from(outWords), values: Uint32Array.from(outValues) } : null;
  }

  /**
   * Allow actions the masks cannot settle: a `NotResource` Allow whose listed patterns name
   * whole resource types (it may exclude every resource of the action); in a boundary, an
   * Allow on ARN patterns (its types must meet the identity policies' types).
   */
  private allowHardBits(s: NormalizedStatement, bits: SparseBits, boundary: boolean, unscoped: boolean): SparseBits | null {
    if (s.notResources) return this.intersectCoverage(bits, s.notResources);
    if (boundary && !unscoped) return this.intersectCoverage(bits, s.resources ?? []);
    return null;
  }

  private foldStatements(statements: NormalizedStatement[], boundary = false): boolean {
    this.foldRound += 1;
    this.touchedCount = 0;
    let allowsStar = false;
    for (const s of statements) {
      const bits = this.statementActions(s);
      if (s.effect === 'Allow') {
        // Only a pattern starting with `*` can be `*`, `*:*` or a run of stars (skips a glob lookup per action).
        if (!allowsStar && s.actions?.some((a) => a.charCodeAt(0) === 42 && (a === '*' || a === '*:*' || glob(a).any))) allowsStar = true;
        this.orFold(s.conditional ? 'conditionalAllow' : 'allow', bits);
        const unscoped = isUnscoped(s);
        const onAll = this.allowOnAllBits(s, bits, unscoped);
        if (onAll) this.orFold(s.conditional ? 'conditionalAllowOnAll' : 'allowOnAll', onAll);
        const hard = this.allowHardBits(s, bits, boundary, unscoped);
        if (hard) this.orFold('hard', hard);
      } else if (deniesEverywhere(s)) {
        this.orFold(s.conditional ? 'conditionalDeny' : 'deny', bits);
      } else {
        // Scoped or NotResource Deny: what it leaves depends on the Allows' resources.
        this.orFold('hard', bits);
      }
    }
    // Ascending word order: sparseHas binary-searches it.
    this.touched.subarray(0, this.touchedCount).sort();
    return allowsStar;
  }

  /** Read one folded mask back as a sparse set (touched words only). */
  private takeFold(key: MaskKey): SparseBits | null {
    const dense = this.fold[key];
    let n = 0;
    for (let k = 0; k < this.touchedCount; k++) if (dense[this.touched[k]!] !== 0) n += 1;
    if (n === 0) return null;
    const words = new Uint16Array(n);
    const values = new Uint32Array(n);
    for (let k = 0, j = 0; k < this.touchedCount; k++) {
      const w = this.touched[k]!;
      if (dense[w] !== 0) {
        words[j] = w;
        values[j] = dense[w]!;
        j += 1;
      }
    }
    return { words, values };
  }

  /** Zero the touched words of every fold mask, ready for the next policy. */
  private clearFold(): void {
    for (let k = 0; k < this.touchedCount; k++) {
      const w = this.touched[k]!;
      for (const key of MASK_KEYS) this.fold[key][w] = 0;
    }
    this.touchedCount = 0;
  }

  /** Fold a policy's statements into sparse masks (cached per statement array). */
  public policyMasks(statements: NormalizedStatement[]): PolicyMasks {
    const cached = this.policyCache.get(statements);
    if (cached) return cached;
    const allowsStar = this.foldStatements(statements);
    const masks = { allowsStar } as PolicyMasks;
    for (const k of MASK_KEYS) masks[k] = this.takeFold(k);
    this.clearFold();
    this.policyCache.set(statements, masks);
    return masks;
  }

  private boundaryMasks(statements: NormalizedStatement[]): BoundaryMasks {
    const cached = this.boundaryCache.get(statements);
    if (cached) return cached;
    this.foldStatements(statements, true);
    const f = this.fold;
    const any = Uint32Array.from(f.allow);
    orInto(any, f.conditionalAllow);
    const anyOnAll = Uint32Array.from(f.allowOnAll);
    orInto(anyOnAll, f.conditionalAllowOnAll);
    const masks: BoundaryMasks = {
      allow: Uint32Array.from(f.allow),
      any,
      allowOnAll: Uint32Array.from(f.allowOnAll),
      anyOnAll,
      deny: toSparse(f.deny),
      conditionalDeny: toSparse(f.conditionalDeny),
      hard: toSparse(f.hard),
    };
    this.clearFold();
    this.boundaryCache.set(statements, masks);
    return masks;
  }

  /** Does any of the principal's policies hold an Allow of `*` / `*:*`? (cheap pre-check for admin detection) */
  public allowsStar(principal: Principal): boolean {
    return principal.policies.some((p) => this.policyMasks(p.statements).allowsStar);
  }

  private readonly typeListIds = new WeakMap<readonly ArnTemplate[], number>();
  /** Per action id: the id of its resource-type list (0 = not looked up yet). */
  private readonly typeIdOfAction: Int32Array;
  /**
   * Decisions by signature: whether a boundary applies, the resource-type list and the covering
   * statements (by identity, in order). Kept across policy sets: sets sharing policies share
   * their hard decisions (half of them on the realistic mix).
   */
  private readonly hardMemo = new Map<string, { onAll: Decision; somewhere: Decision }>();
  private hardKeys: string[] = [];
  private readonly statementIds = new WeakMap<NormalizedStatement, number>();
  private nextStatementId = 1;

  private statementId(st: NormalizedStatement): number {
    let id = this.statementIds.get(st);
    if (id === undefined) {
      id = this.nextStatementId++;
      this.statementIds.set(st, id);
    }
    return id;
  }
  private hardMemoLists: unknown = undefined;
  /** The statements of `hardMemoLists` (identity lists, then the boundary's), flattened once. */
  private hardStatements: NormalizedStatement[] = [];
  private hardBoundaryFrom = 0;
  /** Per flattened statement: its action bits in the word being decided. */
  private wordValues = new Uint32Array(64);
  /** Results of `hardWord`: the word's granted / conditional / on-all masks. */
  private wg = 0;
  private wc = 0;
  private wga = 0;
  private wca = 0;

  private typeIdOf(id: number): number {
    let typeId = this.typeIdOfAction[id]!;
    if (typeId === 0) {
      const types = this.catalog.resourceTypesOf(id);
      typeId = this.typeListIds.get(types) ?? nextTypeListId++;
      this.typeListIds.set(types, typeId);
      this.typeIdOfAction[id] = typeId;
    }
    return typeId;
  }

  /**
   * The actions of word `i` (bits `h`) that the masks cannot settle, decided by
   * lib/policy/evaluate from the statements that cover them. Actions covered by the same
   * statements and with the same resource types get the same answer, so the word's bits are
   * split into such classes (one pass per statement) and each class is decided once —
   * memoised by its signature (a `Deny * NotResource …` makes every action hard, but they fall
   * into a few hundred signatures). Updates `wg`/`wc`/`wga`/`wca` from the values given.
   */
  private hardWord(
    lists: readonly (readonly NormalizedStatement[])[],
    boundary: readonly NormalizedStatement[] | undefined,
    i: number,
    h: number,
    g: number,
    c: number,
    ga: number,
    ca: number,
  ): void {
    if (this.hardMemoLists !== lists) {
      this.hardMemoLists = lists;
      const flat: NormalizedStatement[] = [];
      for (const list of lists) for (const st of list) flat.push(st);
      this.hardBoundaryFrom = flat.length;
      if (boundary) for (const st of boundary) flat.push(st);
      this.hardStatements = flat;
      // Signature parts: the statement's process-wide id, `b` for a boundary statement.
      this.hardKeys = flat.map((st, k) => `${k < this.hardBoundaryFrom ? '' : 'b'}${this.statementId(st)},`);
      if (this.wordValues.length < flat.length) this.wordValues = new Uint32Array(flat.length * 2);
      if (this.hardMemo.size > 200_000) this.hardMemo.clear();
    }
    const flat = this.hardStatements;
    const vs = this.wordValues;
    // Split h into classes of bits covered by the same statements.
    let classes: number[] = [h];
    for (let k = 0; k < flat.length; k++) {
      const v = (sparseWord(this.statementActions(flat[k]!), i) & h) >>> 0;
      vs[k] = v;
      if (v === 0) continue;
      let split: number[] | undefined;
      for (let q = 0; q < classes.length; q++) {
        const cls = classes[q]!;
        const inside = (cls & v) >>> 0;
        if (inside !== 0 && inside !== cls) (split ??= classes.slice(0, q)).push(inside, (cls & ~v) >>> 0);
        else if (split) split.push(cls);
      }
      if (split) classes = split;
    }
    for (let q = 0; q < classes.length; q++) {
      let rest = classes[q]!;
      while (rest !== 0) {
        // Within a class, group the bits by resource types: the answer depends on them too.
        const low = rest & -rest;
        const id = (i << 5) + (31 - Math.clz32(low));
        const typeId = this.typeIdOf(id);
        let group = 0;
        for (let r = rest; r !== 0; ) {
          const b = r & -r;
          r ^= b;
          if (this.typeIdOf((i << 5) + (31 - Math.clz32(b))) === typeId) group |= b;
        }
        rest = (rest & ~group) >>> 0;
        let sig = boundary ? `B${typeId}|` : `${typeId}|`;
        for (let k = 0; k < flat.length; k++) if (vs[k]! & low) sig += this.hardKeys[k]!;
        let out = this.hardMemo.get(sig);
        if (!out) {
          const cov: CoveringStatements = { allows: [], denies: [], boundaryAllows: [], hasBoundary: boundary !== undefined };
          for (let k = 0; k < flat.length; k++) {
            if (!(vs[k]! & low)) continue;
            const st = flat[k]!;
            if (k < this.hardBoundaryFrom) (st.effect === 'Allow' ? cov.allows : cov.denies).push(st);
            else (st.effect === 'Allow' ? cov.boundaryAllows : cov.denies).push(st);
          }
          out = decideCovering(cov, this.catalog.resourceTypesOf(id));
          this.hardMemo.set(sig, out);
        }
        const { onAll } = out;
        let somewhere = out.somewhere;
        if (onAll === 'allowed' || (onAll === 'conditional' && somewhere !== 'allowed')) somewhere = onAll;
        g = somewhere === 'allowed' ? g | group : g & ~group;
        c = somewhere === 'conditional' ? c | group : c & ~group;
        ga = onAll === 'allowed' ? ga | group : ga & ~group;
        ca = onAll === 'conditional' ? ca | group : ca & ~group;
      }
    }
    this.wg = g;
    this.wc = c;
    this.wga = ga;
    this.wca = ca;
  }

  /** Words OR-ed into the identity scratch masks by the current compute() (stamped per call). */
  private readonly computeTouched: Int32Array;
  private readonly computeStamp: Int32Array;
  private computeRound = 0;
  private computeCount = 0;

  private orIdentity(target: Bitset, s: SparseBits): void {
    const { words, values } = s;
    const stamp = this.computeStamp;
    const round = this.computeRound;
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      target[w]! |= values[k]!;
      if (stamp[w] !== round) {
        stamp[w] = round;
        this.computeTouched[this.computeCount++] = w;
      }
    }
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
    const { idAllow, idAllowAny, idAllowOnAll, idAllowAnyOnAll, deny, conditionalDeny, hard } = this;
    const r = this.result;
    const { granted, conditional, grantedOnAll, conditionalOnAll, nonZeroWords } = r;
    // Clear what the previous call wrote (the result is only non-zero on its nonZeroWords).
    for (let k = 0; k < r.nonZeroCount; k++) {
      const w = nonZeroWords[k]!;
      granted[w] = 0;
      conditional[w] = 0;
      grantedOnAll[w] = 0;
      conditionalOnAll[w] = 0;
    }
    this.computeRound += 1;
    this.computeCount = 0;
    for (const statements of lists) {
      const m = this.policyMasks(statements as NormalizedStatement[]);
      if (m.allow) {
        this.orIdentity(idAllow, m.allow);
        orSparse(idAllowAny, m.allow);
      }
      if (m.conditionalAllow) this.orIdentity(idAllowAny, m.conditionalAllow);
      // allowOnAll ⊆ allow and conditionalAllowOnAll ⊆ conditionalAllow: their words are already stamped.
      if (m.allowOnAll) {
        orSparse(idAllowOnAll, m.allowOnAll);
        orSparse(idAllowAnyOnAll, m.allowOnAll);
      }
      if (m.conditionalAllowOnAll) orSparse(idAllowAnyOnAll, m.conditionalAllowOnAll);
      if (m.deny) this.orIdentity(deny, m.deny);
      if (m.conditionalDeny) this.orIdentity(conditionalDeny, m.conditionalDeny);
      if (m.hard) this.orIdentity(hard, m.hard);
    }
    const b = boundary ? this.boundaryMasks(boundary as NormalizedStatement[]) : undefined;
    if (b?.deny) this.orIdentity(deny, b.deny);
    if (b?.conditionalDeny) this.orIdentity(conditionalDeny, b.conditionalDeny);
    if (b?.hard) this.orIdentity(hard, b.hard);
    const touched = this.computeTouched.subarray(0, this.computeCount).sort();
    let nonZero = 0;
    for (let k = 0; k < touched.length; k++) {
      const i = touched[k]!;
      if (idAllowAny[i] !== 0) {
        // Without a boundary every action passes it unconditionally.
        const bAllow = b ? b.allow[i]! : ~0;
        const bAny = b ? b.any[i]! : ~0;
        const bAllowOnAll = b ? b.allowOnAll[i]! : ~0;
        const bAnyOnAll = b ? b.anyOnAll[i]! : ~0;
        const keep = ~deny[i]!;
        const sure = keep & ~conditionalDeny[i]!;
        let g = idAllow[i]! & bAllow & sure;
        let c = idAllowAny[i]! & bAny & keep & ~g;
        let ga = idAllowOnAll[i]! & bAllowOnAll & sure;
        let ca = idAllowAnyOnAll[i]! & bAnyOnAll & keep & ~ga;
        // Actions whose answer depends on resources: the policy engine decides each one.
        const h = (hard[i]! & idAllowAny[i]!) >>> 0;
        if (h !== 0) {
          this.hardWord(lists, boundary, i, h, g, c, ga, ca);
          g = this.wg;
          c = this.wc;
          ga = this.wga;
          ca = this.wca;
        }
        if ((g | c | ga | ca) !== 0) {
          granted[i] = g;
          conditional[i] = c;
          grantedOnAll[i] = ga;
          conditionalOnAll[i] = ca;
          nonZeroWords[nonZero++] = i;
        }
      }
      idAllow[i] = 0;
      idAllowAny[i] = 0;
      idAllowOnAll[i] = 0;
      idAllowAnyOnAll[i] = 0;
      deny[i] = 0;
      conditionalDeny[i] = 0;
      hard[i] = 0;
    }
    r.nonZeroCount = nonZero;
    return r;
  }
}
