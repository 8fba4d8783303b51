/**
 * Breadth metrics of one principal (from its effective permissions) and of an account
 * (distribution and robust outliers).
 */
import { bitsOf, growInt32, hasBit, popcount32, type Bitset } from './bitset';
import { ACCESS_LEVELS, type AccessLevel, type ActionCatalog } from './catalog';
import type { BaseResult, EffectivePermissions } from './effective';

const PERMISSIONS_MANAGEMENT = ACCESS_LEVELS.indexOf('Permissions management');

export interface BreadthCounts {
  /** Distinct actions granted without conditions. */
  unconditional: number;
  /** Distinct actions granted only under a Condition. */
  conditional: number;
  /** unconditional + conditional: the principal's breadth. */
  total: number;
  /**
   * Of `total`, the actions that matter for confidentiality and integrity: reads of stored data
   * (lib/breadth/data-read.ts), Write and Tagging actions, and permissions management that
   * changes permissions. The rest is configuration reads (List / Read of metadata): reported,
   * never failed on its own (a read-only audit role is wide by design).
   */
  sensitive: number;
  /** Services with at least one granted action (either kind). */
  services: number;
  /** total / number of actions in the catalog. */
  share: number;
  /** Granted actions (either kind) per AWS access level. */
  byLevel: Readonly<Record<AccessLevel, number>>;
  /** Actions granted (either kind) on every resource (`*` or NotResource). */
  onAllResources: number;
  permissionsManagement: number;
  /** Permissions-management actions that *change* permissions (not Get/List/Describe/View/Search ones), on every resource. */
  permissionsManagementOnAll: number;
  /** Data-read actions (s3:GetObject, dynamodb:Scan, …) granted on every resource, by name. */
  dataReadOnAll: readonly string[];
  /** Every catalog action (but at most `adminTolerance` of them) granted unconditionally on `*`. */
  adminEquivalent: boolean;
}

/**
 * Share of the catalog a principal may miss (explicit Denies of a few actions, e.g.
 * `organizations:LeaveOrganization`) and still be an administrator in practice.
 */
export const ADMIN_TOLERANCE = 0.01;

/**
 * Per catalog: for each word of a bitset, the services whose ids fall in it, with the word's mask
 * for each. Services are contiguous id ranges, so the (word, service) pairs ascend in both: a
 * service's pairs are adjacent, and words visited in ascending order meet a service again only
 * right after its previous pair. Counting a service when it differs from the last one counted is
 * then enough (no per-service stamp), and a full word adds its pairs at once.
 */
interface WordServices {
  offsets: Int32Array; // word w's pairs are [offsets[w], offsets[w + 1])
  service: Int32Array;
  mask: Int32Array;
  /** Per word: the service of its first and of its last pair (-1 when it has none). */
  firstService: Int32Array;
  lastService: Int32Array;
  /** Prefix count (words before w) of the words whose first service is the previous word's last one. */
  continuing: Int32Array;
}
const wordServicesCache = new WeakMap<ActionCatalog, WordServices>();

function wordServices(catalog: ActionCatalog): WordServices {
  let ws = wordServicesCache.get(catalog);
  if (ws) return ws;
  const words = catalog.all.length;
  // Per service (ranges ascend, contiguous), one (word, service, mask) pair per word its range
  // touches: the pairs ascend by word. Counted by word, not walked action by action (22,000 actions:
  // a loop that got hot and was compiled in every cold analysis, for a table made once per catalog).
  let count = 0;
  for (const range of catalog.services) if (range.end > range.start) count += ((range.end - 1) >>> 5) - (range.start >>> 5) + 1;
  const pairWord = new Int32Array(count);
  const service = new Int32Array(count);
  const mask = new Int32Array(count);
  let p = 0;
  for (let si = 0; si < catalog.services.length; si++) {
    const { start, end } = catalog.services[si]!;
    for (let w = start >>> 5; start < end && w <= (end - 1) >>> 5; w++) {
      const lo = Math.max(start, w << 5) - (w << 5);
      const hi = Math.min(end, (w + 1) << 5) - (w << 5);
      pairWord[p] = w;
      service[p] = si;
      mask[p++] = hi - lo === 32 ? -1 : ((1 << (hi - lo)) - 1) << lo;
    }
  }
  const offsets = new Int32Array(words + 1);
  for (let k = 0; k < count; k++) offsets[pairWord[k]! + 1]! += 1;
  for (let w = 0; w < words; w++) offsets[w + 1]! += offsets[w]!;
  const firstService = new Int32Array(words).fill(-1);
  const lastService = new Int32Array(words).fill(-1);
  for (let w = 0; w < words; w++) {
    if (offsets[w] === offsets[w + 1]) continue;
    firstService[w] = service[offsets[w]!]!;
    lastService[w] = service[offsets[w + 1]! - 1]!;
  }
  const continuing = new Int32Array(words + 1);
  for (let w = 0; w < words; w++) continuing[w + 1] = continuing[w]! + (w > 0 && firstService[w] !== -1 && firstService[w] === lastService[w - 1] ? 1 : 0);
  ws = { offsets, service, mask, firstService, lastService, continuing };
  wordServicesCache.set(catalog, ws);
  return ws;
}

/** Services with a granted action, by a stamp per service: for word lists in any order. */
function servicesStamped(ws: WordServices, words: Int32Array, count: number, granted: Bitset, conditional: Bitset, services: number): number {
  const seen = new Uint8Array(services);
  let n = 0;
  for (let k = 0; k < count; k++) {
    const w = words[k]!;
    const any = granted[w]! | conditional[w]!;
    for (let p = ws.offsets[w]!; p < ws.offsets[w + 1]!; p++) {
      const si = ws.service[p]!;
      if (seen[si] === 0 && (any & ws.mask[p]!) !== 0) {
        seen[si] = 1;
        n += 1;
      }
    }
  }
  return n;
}

/**
 * AWS classes a few read-only actions as "Permissions management" (e.g.
 * `quicksight:DescribeSpacePermissions`): they read permissions, they do not change them.
 */
const READ_VERB = /^(get|list|describe|view|search)/i;

interface RiskMasks {
  /** Permissions management minus the read-only verbs. */
  permissionsChange: Bitset;
  /** Data reads ∪ Write ∪ Tagging ∪ permissionsChange. */
  sensitive: Bitset;
  /**
   * Per word: how many actions of each access level (ACCESS_LEVELS order), and of `sensitive`,
   * it holds. A full word of a principal's set (NotAction grants make most words full) is then
   * counted by table lookups instead of six popcounts.
   */
  levelPop: Uint8Array[];
  sensitivePop: Uint8Array;
  permissionsChangePop: Uint8Array;
  /**
   * Prefix sums over the words of those tables (field f, words before w, at f·(words + 1) + w; in
   * RUN_FIELDS order): a run of consecutive words granted in full on every resource (NotAction
   * grants make whole stretches of the catalog such) is counted by differences, not word by word.
   */
  prefix: Int32Array;
  /** Per word w: the first word at or after w with a data-read action (the word count when none). */
  nextDataRead: Int32Array;
}

/** The fields of RiskMasks.prefix: the five levels (ACCESS_LEVELS order), sensitive, permissions change. */
const RUN_FIELDS = 7;
const SENSITIVE_FIELD = 5;
const PERMISSIONS_CHANGE_FIELD = 6;
const riskMasksCache = new WeakMap<ActionCatalog, RiskMasks>();

function riskMasks(catalog: ActionCatalog): RiskMasks {
  let m = riskMasksCache.get(catalog);
  if (m) return m;
  const pm = catalog.levelMasks[PERMISSIONS_MANAGEMENT]!;
  const write = catalog.levelMasks[ACCESS_LEVELS.indexOf('Write')]!;
  const tagging = catalog.levelMasks[ACCESS_LEVELS.indexOf('Tagging')]!;
  const permissionsChange = Uint32Array.from(pm);
  for (const id of bitsOf(pm)) {
    const name = catalog.names[id]!;
    if (READ_VERB.test(name.slice(name.indexOf(':') + 1))) permissionsChange[id >>> 5] = (permissionsChange[id >>> 5]! & ~(1 << (id & 31))) >>> 0;
  }
  const sensitive = new Uint32Array(pm.length);
  for (let w = 0; w < sensitive.length; w++) sensitive[w] = (catalog.dataReadMask[w]! | write[w]! | tagging[w]! | permissionsChange[w]!) >>> 0;
  const levelPop = catalog.levelMasks.map((mask) => Uint8Array.from(mask, popcount32));
  const sensitivePop = Uint8Array.from(sensitive, popcount32);
  const permissionsChangePop = Uint8Array.from(permissionsChange, popcount32);
  const words = pm.length;
  const prefix = new Int32Array(RUN_FIELDS * (words + 1));
  // Per field, the prefix sums of its per-word counts (a loop per field, no closure: the forEach
  // callback was compiled in every cold analysis, for a table made once per catalog).
  const pops = [...levelPop, sensitivePop, permissionsChangePop];
  for (let f = 0; f < pops.length; f++) {
    const pop = pops[f]!;
    const at = f * (words + 1);
    for (let w = 0; w < words; w++) prefix[at + w + 1] = prefix[at + w]! + pop[w]!;
  }
  const nextDataRead = new Int32Array(words + 1).fill(words);
  for (let w = words - 1; w >= 0; w--) nextDataRead[w] = catalog.dataReadMask[w] !== 0 ? w : nextDataRead[w + 1]!;
  m = { permissionsChange, sensitive, levelPop, sensitivePop, permissionsChangePop, prefix, nextDataRead };
  riskMasksCache.set(catalog, m);
  return m;
}

const dataReadIdsCache = new WeakMap<ActionCatalog, Int32Array>();

/** Ids of the data-read actions, ascending (the mask's bits, listed once per catalog). */
function dataReadIds(catalog: ActionCatalog): Int32Array {
  let ids = dataReadIdsCache.get(catalog);
  if (!ids) {
    ids = Int32Array.from(bitsOf(catalog.dataReadMask));
    dataReadIdsCache.set(catalog, ids);
  }
  return ids;
}

/** An interned `dataReadOnAll` array and its (word, data-read bits) pairs; `next`: another with the same hash. */
class DataReadEntry {
  public constructor(
    public readonly pairs: Int32Array,
    public readonly names: readonly string[],
    public readonly next: DataReadEntry | undefined,
  ) {}
}

/**
 * Interned `dataReadOnAll` arrays (one table per analysis), by the hash of their (word, data-read
 * bits) pairs; the pairs tell colliding entries apart. No string key per policy set. Entries are
 * class instances chained by hash (not literals in bucket arrays): literals' allocation sites were
 * switched to old-space allocation during the cold run, which deoptimised the code allocating them.
 */
export type DataReadLists = Map<number, DataReadEntry>;

let scratchPairs: Int32Array = new Int32Array(256);
const growPairs = (a: Int32Array): Int32Array => {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
};

function internedDataReads(lists: DataReadLists, hash: number, pairs: number): readonly string[] | undefined {
  outer: for (let entry = lists.get(hash); entry !== undefined; entry = entry.next) {
    if (entry.pairs.length !== pairs) continue;
    for (let i = 0; i < pairs; i++) if (entry.pairs[i] !== scratchPairs[i]) continue outer;
    return entry.names;
  }
  return undefined;
}

/** The four bitsets of an EffectivePermissions, read as signed words (a full word is -1, a small integer). */
class SignedViews {
  public readonly granted: Int32Array;
  public readonly conditional: Int32Array;
  public readonly grantedOnAll: Int32Array;
  public readonly conditionalOnAll: Int32Array;
  // The bitsets viewed (the arrays, not their holder: the calculator reuses its results' arrays from set to set).
  private readonly ofGranted: Bitset;
  private readonly ofConditional: Bitset;
  private readonly ofGrantedOnAll: Bitset;
  private readonly ofConditionalOnAll: Bitset;
  public constructor(of: Masks) {
    this.ofGranted = of.granted;
    this.ofConditional = of.conditional;
    this.ofGrantedOnAll = of.grantedOnAll;
    this.ofConditionalOnAll = of.conditionalOnAll;
    this.granted = int32View(of.granted);
    this.conditional = int32View(of.conditional);
    this.grantedOnAll = int32View(of.grantedOnAll);
    this.conditionalOnAll = int32View(of.conditionalOnAll);
  }

  /** Are these views of eff's four bitsets? */
  public viewsOf(eff: Masks): boolean {
    return this.ofGranted === eff.granted && this.ofConditional === eff.conditional && this.ofGrantedOnAll === eff.grantedOnAll && this.ofConditionalOnAll === eff.conditionalOnAll;
  }
}
type Masks = Pick<EffectivePermissions, 'granted' | 'conditional' | 'grantedOnAll' | 'conditionalOnAll'>;
const int32View = (b: Bitset): Int32Array => new Int32Array(b.buffer, b.byteOffset, b.length);
/**
 * Views of the last two result array quadruples seen, the latest first. Two: the calculator has two
 * results (its own and the one of sets computed over a base) and sets of the two kinds alternate; with
 * one entry every such alternation built four views and their object again (measured, pessimistic
 * steady run: 3.4 MB allocated per run, ~8,000 misses of 14,020 sets).
 */
let viewsLatest: SignedViews | undefined;
let viewsPrevious: SignedViews | undefined;
function signedViews(eff: EffectivePermissions): SignedViews {
  const latest = viewsLatest;
  if (latest !== undefined && latest.viewsOf(eff)) return latest;
  let v = viewsPrevious;
  if (v === undefined || !v.viewsOf(eff)) v = new SignedViews(eff);
  viewsPrevious = latest;
  viewsLatest = v;
  return v;
}

/**
 * The position (in nonZeroWords) of the last word of the run the word at position k starts: the
 * following words while consecutive, granted in full unconditionally, and all on every resource
 * (`onAll`) or none of it. A small function of its own: the loop stays tight.
 */
function runLast(nonZeroWords: Int32Array, k: number, count: number, granted: Int32Array, conditional: Int32Array, grantedOnAll: Int32Array, conditionalOnAll: Int32Array, onAll: boolean): number {
  const onAllWord = onAll ? -1 : 0;
  let w = nonZeroWords[k]!;
  while (k + 1 < count) {
    const next = nonZeroWords[k + 1]!;
    if (next !== w + 1 || granted[next] !== -1 || conditional[next] !== 0 || grantedOnAll[next] !== onAllWord || (!onAll && conditionalOnAll[next] !== 0)) break;
    k += 1;
    w = next;
  }
  return k;
}

/**
 * Metrics of one principal's effective permissions. Only the non-zero words of its set
 * are visited, so a narrow principal costs a few dozen operations.
 *
 * `dataReadLists` (one per analysis) interns `dataReadOnAll`: sets granting the same data
 * reads on every resource get the same frozen array (readers may memoise by it).
 */
export function breadthCounts(catalog: ActionCatalog, eff: EffectivePermissions, dataReadLists?: DataReadLists): BreadthCounts {
  if (eff.base !== undefined && eff.touched !== undefined) countOverBase(catalog, eff, eff.base, eff.touched, eff.touchedCount ?? 0);
  else countWords(catalog, eff);
  return countsFromRaw(catalog, eff, dataReadLists);
}

// The raw counts of one set, as countWords / countOverBase leave them in `raw` (Int32: every count
// is below the catalog size; the hash is a 32-bit integer).
const RAW_LIST = 0; // … RAW_LIST + 4: the five access levels, ACCESS_LEVELS order
const RAW_SENSITIVE = 5;
const RAW_UNCONDITIONAL = 6;
const RAW_CONDITIONAL = 7;
const RAW_ON_ALL = 8;
const RAW_PM_ON_ALL = 9;
const RAW_GRANTED_ON_ALL = 10;
const RAW_SERVICES = 11;
/** The data-read (word, bits) pairs on every resource in scratchPairs (their count: twice the words), and their hash. */
const RAW_PAIRS = 12;
const RAW_HASH = 13;
const RAW_FIELDS = 14;
const raw = new Int32Array(RAW_FIELDS);

/** The counts of `eff`'s non-zero words into `raw`. */
function countWords(catalog: ActionCatalog, eff: EffectivePermissions): void {
  const ws = wordServices(catalog);
  const { offsets, service, mask: serviceMask, firstService, lastService, continuing } = ws;
  const { permissionsChange: pm, sensitive: sensitiveMask, levelPop, sensitivePop, prefix, nextDataRead } = riskMasks(catalog);
  const stride = catalog.levelMasks[0]!.length + 1;
  const dataReadMask = catalog.dataReadMask;
  // Per access level, in ACCESS_LEVELS order (five: List, Read, Write, Permissions management, Tagging).
  // Read by index: array destructuring is the iterator protocol (an iterator object and a `next`
  // call per element until the function is optimised, then its inlined code in the compiled graph:
  // measured, cold realistic analysis, --log-code: countWords' TurboFan code 10,864 -> 10,152 bytes).
  const levelMasks = catalog.levelMasks;
  const list = levelMasks[0]!;
  const read = levelMasks[1]!;
  const write = levelMasks[2]!;
  const permissions = levelMasks[3]!;
  const tagging = levelMasks[4]!;
  const listPop = levelPop[0]!;
  const readPop = levelPop[1]!;
  const writePop = levelPop[2]!;
  const permissionsPop = levelPop[3]!;
  const taggingPop = levelPop[4]!;
  // The set's bitsets (word w of each), read through locals in the loop.
  const { nonZeroWords } = eff;
  const { granted: grantedBits, conditional: conditionalBits, grantedOnAll: grantedOnAllBits, conditionalOnAll: conditionalOnAllBits } = signedViews(eff);
  const count = eff.nonZeroCount;
  let lists = 0;
  let reads = 0;
  let writes = 0;
  let permissionsManagement = 0;
  let taggings = 0;
  let sensitive = 0;
  let unconditional = 0;
  let conditional = 0;
  let onAllResources = 0;
  let pmOnAll = 0;
  let grantedOnAllCount = 0;
  let services = 0;
  // The last service counted, and whether the words came in ascending order (see WordServices).
  let lastCounted = -1;
  let previous = -1;
  let ascending = true;
  let dataReadWords = false;
  // The data-read bits on every resource, word by word (pairs in scratch) and their hash: the interning key.
  let pairs = 0;
  let hash = 0;
  let fullWords = 0;
  let fullWordsOnAll = 0;
  for (let k = 0; k < count; k++) {
    let w = nonZeroWords[k]!;
    if (w <= previous) ascending = false;
    const g = grantedBits[w]!;
    const c = conditionalBits[w]!;
    const gOnAll = grantedOnAllBits[w]!;
    const cOnAll = conditionalOnAllBits[w]!;
    // A word granted in full, unconditionally, and either all on every resource or none (a
    // conditional Allow on * can add to a scoped unconditional one) starts a run: the following
    // consecutive words of the same kind join it in a tight loop, and the run is counted by the
    // prefix tables' differences (its services as full words one by one would count them).
    if (g === -1 && c === 0 && (gOnAll === -1 || (gOnAll === 0 && cOnAll === 0))) {
      const runStart = w;
      const runOnAll = gOnAll === -1;
      k = runLast(nonZeroWords, k, count, grantedBits, conditionalBits, grantedOnAllBits, conditionalOnAllBits, runOnAll);
      w = nonZeroWords[k]!;
      const runEnd = w + 1;
      if (runOnAll) {
        // The run's words with data reads, in order (a table jumps to each).
        for (let d = nextDataRead[runStart]!; d < runEnd; d = nextDataRead[d + 1]!) {
          const dataReads = dataReadMask[d]! | 0;
          dataReadWords = true;
          if (pairs + 2 > scratchPairs.length) scratchPairs = growPairs(scratchPairs);
          scratchPairs[pairs++] = d;
          scratchPairs[pairs++] = dataReads;
          hash = Math.imul(Math.imul(hash ^ d, 0x9e3779b1) ^ dataReads, 0x85ebca77);
        }
      }
      previous = w;
      lists += prefix[runEnd]! - prefix[runStart]!;
      reads += prefix[stride + runEnd]! - prefix[stride + runStart]!;
      writes += prefix[2 * stride + runEnd]! - prefix[2 * stride + runStart]!;
      permissionsManagement += prefix[3 * stride + runEnd]! - prefix[3 * stride + runStart]!;
      taggings += prefix[4 * stride + runEnd]! - prefix[4 * stride + runStart]!;
      sensitive += prefix[SENSITIVE_FIELD * stride + runEnd]! - prefix[SENSITIVE_FIELD * stride + runStart]!;
      fullWords += runEnd - runStart;
      if (runOnAll) {
        pmOnAll += prefix[PERMISSIONS_CHANGE_FIELD * stride + runEnd]! - prefix[PERMISSIONS_CHANGE_FIELD * stride + runStart]!;
        fullWordsOnAll += runEnd - runStart;
      }
      services += offsets[runEnd]! - offsets[runStart]! - (continuing[runEnd]! - continuing[runStart + 1]!) - (firstService[runStart] === lastCounted ? 1 : 0);
      lastCounted = lastService[runEnd - 1]!;
      continue;
    }
    previous = w;
    const any = g | c;
    const anyOnAll = gOnAll | cOnAll;
    unconditional += g === -1 ? 32 : popcount32(g);
    if (c !== 0) conditional += popcount32(c);
    grantedOnAllCount += gOnAll === -1 ? 32 : gOnAll === 0 ? 0 : popcount32(gOnAll);
    if (any === -1) {
      // A full word (NotAction grants make most words full): per-word tables, every service in it.
      lists += listPop[w]!;
      reads += readPop[w]!;
      writes += writePop[w]!;
      permissionsManagement += permissionsPop[w]!;
      taggings += taggingPop[w]!;
      sensitive += sensitivePop[w]!;
      const first = offsets[w]!;
      const end = offsets[w + 1]!;
      if (end > first) {
        services += end - first - (firstService[w] === lastCounted ? 1 : 0);
        lastCounted = lastService[w]!;
      }
    } else {
      lists += popcount32(any & list[w]!);
      reads += popcount32(any & read[w]!);
      writes += popcount32(any & write[w]!);
      permissionsManagement += popcount32(any & permissions[w]!);
      taggings += popcount32(any & tagging[w]!);
      sensitive += popcount32(any & sensitiveMask[w]!);
      for (let p = offsets[w]!, end = offsets[w + 1]!; p < end; p++) {
        const si = service[p]!;
        if (si !== lastCounted && (any & serviceMask[p]!) !== 0) {
          lastCounted = si;
          services += 1;
        }
      }
    }
    if (anyOnAll !== 0) {
      onAllResources += anyOnAll === -1 ? 32 : popcount32(anyOnAll);
      // One popcount for a full word too (popcount32(-1 & m) is the table's count): a table read
      // reached only by full words on every resource outside runs (realistic mix: ~1,700 full words
      // of 334,000) often had no type feedback yet when countWords was compiled, and deoptimised it
      // ("insufficient type feedback for generic keyed access"), a second compile. Measured, the
      // realistic analysis's 6,746 sets dumped and counted cold in a fresh process (--trace-deopt):
      // 6 of 12 runs deoptimised countWords so, none of 12 since.
      pmOnAll += popcount32(anyOnAll & pm[w]!);
      const dataReads = anyOnAll & dataReadMask[w]!;
      if (dataReads !== 0) {
        dataReadWords = true;
        if (pairs + 2 > scratchPairs.length) scratchPairs = growPairs(scratchPairs);
        scratchPairs[pairs++] = w;
        scratchPairs[pairs++] = dataReads;
        hash = Math.imul(Math.imul(hash ^ w, 0x9e3779b1) ^ dataReads, 0x85ebca77);
      }
    }
  }
  unconditional += 32 * fullWords;
  grantedOnAllCount += 32 * fullWordsOnAll;
  onAllResources += 32 * fullWordsOnAll;
  if (!ascending) services = servicesStamped(ws, nonZeroWords, count, eff.granted, eff.conditional, catalog.services.length);
  raw[RAW_LIST] = lists;
  raw[RAW_LIST + 1] = reads;
  raw[RAW_LIST + 2] = writes;
  raw[RAW_LIST + 3] = permissionsManagement;
  raw[RAW_LIST + 4] = taggings;
  raw[RAW_SENSITIVE] = sensitive;
  raw[RAW_UNCONDITIONAL] = unconditional;
  raw[RAW_CONDITIONAL] = conditional;
  raw[RAW_ON_ALL] = onAllResources;
  raw[RAW_PM_ON_ALL] = pmOnAll;
  raw[RAW_GRANTED_ON_ALL] = grantedOnAllCount;
  raw[RAW_SERVICES] = services;
  raw[RAW_PAIRS] = dataReadWords ? pairs : 0;
  raw[RAW_HASH] = hash;
}

/**
 * A policy set's counts as numbers, side by side with other sets' (no object per set: an analysis
 * keeps thousands): the fields of row r of a table at r·COUNT_FIELDS + COUNT_*.
 */
export const COUNT_FIELDS = 12;
/** The five access levels (ACCESS_LEVELS order) at COUNT_LEVELS … COUNT_LEVELS + 4. */
export const COUNT_LEVELS = 0;
export const COUNT_SENSITIVE = 5;
export const COUNT_UNCONDITIONAL = 6;
export const COUNT_CONDITIONAL = 7;
export const COUNT_ON_ALL = 8;
export const COUNT_PM_ON_ALL = 9;
export const COUNT_SERVICES = 10;
/** 1 when adminEquivalent. */
export const COUNT_ADMIN_EQUIVALENT = 11;

/**
 * Sets over a base an analysis counts word by word (countWords) before countOverBase takes over
 * (both give the same numbers). countOverBase saves a few µs per such set (measured, steady
 * pessimistic analysis, in-process: the first 512 such sets in 0.7-1.6 ms against 1.7-2.4 ms
 * word by word, load 10) but is compiled only in the analyses that call it often: in a cold
 * analysis with a few hundred of them (realistic mix: 331) its compile and its unoptimised calls
 * cost more than it saves (measured, cold realistic analysis, /work/notes/tools/cold.mts, 9
 * alternations at load 8-10: CPU 20-30 ms lower in 8 of 9, median of the differences -22 ms;
 * countOverBase and baseCountsOf no longer compiled). Past this many, the savings per set win
 * (pessimistic mix: 5,925 such sets).
 */
export const COUNT_OVER_BASE_AFTER = 512;

/**
 * `breadthCounts`' numbers written to `table` from `at` (COUNT_* fields; the raw counts left in `raw`):
 * total = unconditional + conditional, share = total / catalog size. `overBase`: a set computed over a
 * base is counted over its base's counts (countOverBase), not word by word.
 */
function countsInto(catalog: ActionCatalog, eff: EffectivePermissions, table: Int32Array, at: number, overBase: boolean): void {
  if (overBase && eff.base !== undefined && eff.touched !== undefined) countOverBase(catalog, eff, eff.base, eff.touched, eff.touchedCount ?? 0);
  else countWords(catalog, eff);
  for (let f = 0; f < 5; f++) table[at + COUNT_LEVELS + f] = raw[RAW_LIST + f]!;
  table[at + COUNT_SENSITIVE] = raw[RAW_SENSITIVE]!;
  table[at + COUNT_UNCONDITIONAL] = raw[RAW_UNCONDITIONAL]!;
  table[at + COUNT_CONDITIONAL] = raw[RAW_CONDITIONAL]!;
  table[at + COUNT_ON_ALL] = raw[RAW_ON_ALL]!;
  table[at + COUNT_PM_ON_ALL] = raw[RAW_PM_ON_ALL]!;
  table[at + COUNT_SERVICES] = raw[RAW_SERVICES]!;
  table[at + COUNT_ADMIN_EQUIVALENT] = raw[RAW_GRANTED_ON_ALL]! >= catalog.size * (1 - ADMIN_TOLERANCE) ? 1 : 0;
}

/** The BreadthCounts of the raw counts of `eff` (its dataReadOnAll interned in `dataReadLists`). */
function countsFromRaw(catalog: ActionCatalog, eff: EffectivePermissions, dataReadLists: DataReadLists | undefined): BreadthCounts {
  const dataReadOnAll = dataReadsFromRaw(catalog, eff, dataReadLists);
  // A literal in ACCESS_LEVELS order (one per policy set: no entry arrays).
  const byLevel: Record<AccessLevel, number> = {
    List: raw[RAW_LIST]!,
    Read: raw[RAW_LIST + 1]!,
    Write: raw[RAW_LIST + 2]!,
    'Permissions management': raw[RAW_LIST + 3]!,
    Tagging: raw[RAW_LIST + 4]!,
  };
  const unconditional = raw[RAW_UNCONDITIONAL]!;
  const conditional = raw[RAW_CONDITIONAL]!;
  const total = unconditional + conditional;
  return {
    unconditional,
    conditional,
    total,
    sensitive: raw[RAW_SENSITIVE]!,
    services: raw[RAW_SERVICES]!,
    share: catalog.size === 0 ? 0 : total / catalog.size,
    byLevel,
    onAllResources: raw[RAW_ON_ALL]!,
    permissionsManagement: byLevel['Permissions management'],
    permissionsManagementOnAll: raw[RAW_PM_ON_ALL]!,
    dataReadOnAll,
    adminEquivalent: raw[RAW_GRANTED_ON_ALL]! >= catalog.size * (1 - ADMIN_TOLERANCE),
  };
}

/**
 * Scratch of dataReadsFromRaw: its first n entries are the names of the call (the rest stale, never
 * read; catalog names, live anyway). Not emptied after each use: `length = 0` went to the runtime and
 * dropped the backing store every time, which the next names grew again (measured, pessimistic steady
 * run, tree.mts: "set length" 5.4 ms under dataReadsFromRaw, load 10).
 */
const dataReadNames: string[] = [];

/** The data-read actions on every resource of the raw counts' pairs (interned in `dataReadLists` when given). */
function dataReadsFromRaw(catalog: ActionCatalog, eff: EffectivePermissions, dataReadLists: DataReadLists | undefined): readonly string[] {
  const known = dataReadLists ? internedDataReads(dataReadLists, raw[RAW_HASH]!, raw[RAW_PAIRS]!) : undefined;
  return known ?? newDataReads(catalog, eff, dataReadLists);
}

/**
 * A dataReadOnAll array not interned yet (interned in `dataReadLists` when given): the names of the
 * raw counts' data-read pairs' bits, ascending. A function of its own, not dataReadsFromRaw's body:
 * most sets find theirs interned (realistic mix: 1,283 new of 6,746), and its loop made that small
 * function a compile of its own beside its copy inlined in its caller (traced, cold realistic
 * analysis: 13-24 ms). The pairs name the set's data-read words (realistic mix: ~6 per new array),
 * not every data-read action of the catalog (71, two bit tests each).
 */
function newDataReads(catalog: ActionCatalog, eff: EffectivePermissions, dataReadLists: DataReadLists | undefined): readonly string[] {
  const pairs = raw[RAW_PAIRS]!;
  // Collected in a scratch array and sliced (no array literal: its allocation site was switched to
  // old-space allocation during the cold run, deoptimising this code and its caller).
  let n = 0;
  let previous = -1;
  for (let i = 0; i < pairs; i += 2) {
    const w = scratchPairs[i]!;
    // Words met out of order (a set whose non-zero words do not ascend): by the catalog's ids.
    if (w <= previous) return internDataReads(dataReadLists, dataReadsByIds(catalog, eff));
    previous = w;
    for (let bits = scratchPairs[i + 1]!; bits !== 0; bits &= bits - 1) dataReadNames[n++] = catalog.names[(w << 5) + 31 - Math.clz32(bits & -bits)]!;
  }
  return internDataReads(dataReadLists, n);
}

/** dataReadNames[0 .. n) as a new array, interned (frozen) in `dataReadLists` when given by the raw counts' pairs. */
function internDataReads(dataReadLists: DataReadLists | undefined, n: number): readonly string[] {
  const names = dataReadNames.slice(0, n);
  if (!dataReadLists) return names;
  const hash = raw[RAW_HASH]!;
  dataReadLists.set(hash, new DataReadEntry(scratchPairs.slice(0, raw[RAW_PAIRS]!), Object.freeze(names), dataReadLists.get(hash)));
  return names;
}

/** The data-read actions granted on every resource (into dataReadNames, by ascending id; returns their count). */
function dataReadsByIds(catalog: ActionCatalog, eff: EffectivePermissions): number {
  let n = 0;
  const ids = dataReadIds(catalog);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (hasBit(eff.grantedOnAll, id) || hasBit(eff.conditionalOnAll, id)) dataReadNames[n++] = catalog.names[id]!;
  }
  return n;
}

/** Per catalog id, its position among the catalog's data-read actions (dataReadIds), or -1. */
const dataReadOrdinalCache = new WeakMap<ActionCatalog, Int32Array>();

function dataReadOrdinals(catalog: ActionCatalog): Int32Array {
  let ordinals = dataReadOrdinalCache.get(catalog);
  if (!ordinals) {
    ordinals = new Int32Array(catalog.size).fill(-1);
    const ids = dataReadIds(catalog);
    for (let k = 0; k < ids.length; k++) ordinals[ids[k]!] = k;
    dataReadOrdinalCache.set(catalog, ordinals);
  }
  return ordinals;
}

/**
 * The distinct `dataReadOnAll` lists of one analysis as numbers (list ids, dense, in first-seen
 * order), interned as DataReadLists interns the arrays (by the raw counts' (word, data-read bits)
 * pairs: DataReadInterning), kept as bits: per id, its actions' positions among the catalog's
 * data-read actions (`words` words at id·words; 71 such actions: three words). The names array of a
 * list is built on request (`names`), not per list: the analysis kept one array of up to 71 names
 * per distinct list for as long as its snapshot (measured, pessimistic steady run: 2,749 arrays,
 * ~1.5 MB of JS heap promoted per snapshot; heap-snapshot diff around permission-breadth).
 */
export class DataReadSets {
  public readonly words: number;
  /** Per id, the bits of its data-read positions. */
  public bits: Int32Array<ArrayBuffer>;
  public count = 0;

  /** `capacity`: the lists to make room for at first (they double past it; pessimistic mix: 2,749 lists for 14,020 sets). */
  public constructor(catalog: ActionCatalog, capacity: number) {
    this.words = Math.max(1, Math.ceil(dataReadIds(catalog).length / 32));
    this.bits = new Int32Array(Math.max(16, capacity) * this.words);
  }

  /** List `id`'s action names, ascending by catalog id (as `dataReadOnAll` lists them): a new array. */
  public names(catalog: ActionCatalog, id: number): string[] {
    const ids = dataReadIds(catalog);
    const words = this.words;
    let n = 0;
    for (let w = 0; w < words; w++) n += popcount32(this.bits[id * words + w]!);
    const out = new Array<string>(n);
    let i = 0;
    for (let w = 0; w < words; w++) {
      for (let bits = this.bits[id * words + w]!; bits !== 0; bits &= bits - 1) out[i++] = catalog.names[ids[(w << 5) + 31 - Math.clz32(bits & -bits)]!]!;
    }
    return out;
  }
}

/**
 * The interning of a DataReadSets' lists while sets are added (the lists' pairs, chained by hash),
 * an object apart, held by the adding code only: dropped with it, the ids and their bits stay. It
 * was fields of DataReadSets that a `forget` emptied after the last set, storing `undefined` where
 * a Map had always been and new arrays in fields V8 tracked as constant: that changed the fields'
 * types and threw away the compiled code of intern, added and analyseEach once per process (traced,
 * bench/evaluate --pessimistic --trace-deopt: "marking dependent code ... code dependencies" for the
 * three after the first analysis, then compiled again).
 */
export class DataReadInterning {
  // The pairs of id k at [pairsStart[k], pairsStart[k + 1]), the next id with the same hash (-1: none).
  private pairs: Int32Array<ArrayBuffer>;
  private pairsStart: Int32Array<ArrayBuffer>;
  private next: Int32Array<ArrayBuffer>;
  private readonly byHash = new Map<number, number>();

  /** `capacity`: the lists to make room for at first (as DataReadSets'). */
  public constructor(capacity: number) {
    const ids = Math.max(16, capacity);
    this.pairs = new Int32Array(256);
    this.pairsStart = new Int32Array(ids + 1);
    this.next = new Int32Array(ids);
  }

  /** The id in `sets` of the raw counts' data reads on every resource (interned: new when not seen; `eff` gave the raw counts). */
  public intern(catalog: ActionCatalog, eff: EffectivePermissions, sets: DataReadSets): number {
    const hash = raw[RAW_HASH]!;
    const pairs = raw[RAW_PAIRS]!;
    outer: for (let id = this.byHash.get(hash) ?? -1; id >= 0; id = this.next[id]!) {
      const start = this.pairsStart[id]!;
      if (this.pairsStart[id + 1]! - start !== pairs) continue;
      for (let i = 0; i < pairs; i++) if (this.pairs[start + i] !== scratchPairs[i]) continue outer;
      return id;
    }
    return this.added(catalog, eff, sets, hash, pairs);
  }

  private added(catalog: ActionCatalog, eff: EffectivePermissions, sets: DataReadSets, hash: number, pairs: number): number {
    const id = sets.count++;
    const words = sets.words;
    if (sets.count > this.next.length) {
      this.next = growInt32(this.next, sets.count);
      this.pairsStart = growInt32(this.pairsStart, sets.count + 1);
    }
    if (sets.count * words > sets.bits.length) sets.bits = growInt32(sets.bits, sets.count * words);
    const start = this.pairsStart[id]!;
    if (start + pairs > this.pairs.length) this.pairs = growInt32(this.pairs, start + pairs);
    for (let i = 0; i < pairs; i++) this.pairs[start + i] = scratchPairs[i]!;
    this.pairsStart[id + 1] = start + pairs;
    this.next[id] = this.byHash.get(hash) ?? -1;
    this.byHash.set(hash, id);
    // The actions as newDataReads lists them: the pairs' bits when their words ascend, else by the catalog's ids.
    const bits = sets.bits;
    const at = id * words;
    let ascending = true;
    for (let i = 2; i < pairs; i += 2) if (scratchPairs[i]! <= scratchPairs[i - 2]!) ascending = false;
    if (ascending) {
      const ordinals = dataReadOrdinals(catalog);
      for (let i = 0; i < pairs; i += 2) {
        const w = scratchPairs[i]!;
        for (let b = scratchPairs[i + 1]!; b !== 0; b &= b - 1) {
          const k = ordinals[(w << 5) + 31 - Math.clz32(b & -b)]!;
          bits[at + (k >>> 5)]! |= 1 << (k & 31);
        }
      }
    } else {
      const ids = dataReadIds(catalog);
      for (let k = 0; k < ids.length; k++) if (hasBit(eff.grantedOnAll, ids[k]!) || hasBit(eff.conditionalOnAll, ids[k]!)) bits[at + (k >>> 5)]! |= 1 << (k & 31);
    }
    return id;
  }
}

/**
 * `breadthCounts` as numbers: its counts in `table` from `at` (countsInto), its data reads on every
 * resource as a list id of `lists` (DataReadSets, interned by `interning`; no names array built).
 */
export function breadthCountsRow(catalog: ActionCatalog, eff: EffectivePermissions, lists: DataReadSets, interning: DataReadInterning, table: Int32Array, at: number, overBase: boolean): number {
  countsInto(catalog, eff, table, at, overBase);
  return interning.intern(catalog, eff, lists);
}

/**
 * What countOverBase reads of one base result (computed on its first set): its raw counts, its
 * signed views, and per service how many of its (word, service) pairs hold a granted action.
 */
interface BaseCounts {
  raw: Int32Array;
  views: SignedViews;
  servicePairs: Int32Array;
}
const baseCounts = new WeakMap<BaseResult, BaseCounts>();
let lastBase: BaseResult | undefined;
let lastBaseCounts: BaseCounts | undefined;

function baseCountsOf(catalog: ActionCatalog, base: BaseResult): BaseCounts {
  if (base === lastBase) return lastBaseCounts!;
  let known = baseCounts.get(base);
  if (!known) {
    const views = new SignedViews(base);
    countWords(catalog, { granted: base.granted, conditional: base.conditional, grantedOnAll: base.grantedOnAll, conditionalOnAll: base.conditionalOnAll, nonZeroWords: base.nonZero, nonZeroCount: base.count });
    const { offsets, service, mask } = wordServices(catalog);
    const servicePairs = new Int32Array(catalog.services.length);
    for (let k = 0; k < base.count; k++) {
      const w = base.nonZero[k]!;
      const any = views.granted[w]! | views.conditional[w]!;
      if (any === 0) continue;
      for (let p = offsets[w]!; p < offsets[w + 1]!; p++) if ((any & mask[p]!) !== 0) servicePairs[service[p]!]! += 1;
    }
    known = { raw: raw.slice(), views, servicePairs };
    baseCounts.set(base, known);
  }
  lastBase = base;
  lastBaseCounts = known;
  return known;
}

/** Services whose granted-pair count a touched word changed, with the change (scratch of countOverBase). */
let serviceChanges: Int32Array = new Int32Array(64);

/**
 * The counts of a set computed over a base result (EffectivePermissions.base): the base's counts
 * (once per base) adjusted on the touched words, where alone the set's masks may differ from the
 * base's (pessimistic mix: ~700 non-zero words, ~30 touched). The same numbers as countWords: the
 * additive counts are sums over words (a changed word's base contribution taken away, its new one
 * added); a service counts while one of its (word, service) pairs holds a granted action (the
 * base's per-service pair counts, adjusted); the data-read pairs are read from the catalog's
 * data-read words in ascending order, as countWords meets them.
 */
function countOverBase(catalog: ActionCatalog, eff: EffectivePermissions, base: BaseResult, touched: Int32Array, touchedCount: number): void {
  const known = baseCountsOf(catalog, base);
  const b = known.views;
  const r = signedViews(eff);
  const { permissionsChange: pm, sensitive: sensitiveMask, nextDataRead } = riskMasks(catalog);
  const { offsets, service, mask } = wordServices(catalog);
  // Indexed reads, not array destructuring (see countWords).
  const levelMasks = catalog.levelMasks;
  const list = levelMasks[0]!;
  const read = levelMasks[1]!;
  const write = levelMasks[2]!;
  const permissions = levelMasks[3]!;
  const tagging = levelMasks[4]!;
  // Each count's change over the touched words: the set's word counted minus the base's. Word by
  // word, by popcounts alone (a full word too: popcount32(-1) is 32), no per-case tables and no
  // sign multiplied in (a sign times a zero count was -0, which deoptimised the compiled loop): a
  // small function body, compiled in every cold run (realistic mix: 331 calls, 8,116 words).
  let lists = 0;
  let reads = 0;
  let writes = 0;
  let permissionsManagement = 0;
  let taggings = 0;
  let sensitive = 0;
  let unconditional = 0;
  let conditional = 0;
  let onAllResources = 0;
  let pmOnAll = 0;
  let grantedOnAllCount = 0;
  let changes = 0;
  for (let k = 0; k < touchedCount; k++) {
    const w = touched[k]!;
    const bg = b.granted[w]!;
    const bc = b.conditional[w]!;
    const bga = b.grantedOnAll[w]!;
    const rg = r.granted[w]!;
    const rc = r.conditional[w]!;
    const rga = r.grantedOnAll[w]!;
    const before = bg | bc;
    const after = rg | rc;
    const beforeOnAll = bga | b.conditionalOnAll[w]!;
    const afterOnAll = rga | r.conditionalOnAll[w]!;
    if (bg === rg && bc === rc && bga === rga && beforeOnAll === afterOnAll) continue;
    // Only what changed is counted: the actions the set gained over the base's word, those it lost
    // (popcount(after & m) − popcount(before & m) = popcount(gained & m) − popcount(lost & m)), each
    // pair of words only when they differ. Measured, pessimistic mix: of 135,460 touched words that
    // differ from the base's, 119,044 hold the same actions (only resources or conditions changed),
    // the others only gained or only lost actions; counting both whole words for every count made
    // popcount32 11.7 ms of self time per run (its calls here not all inlined).
    if (rg !== bg) unconditional += popcount32(rg) - popcount32(bg);
    if (rc !== bc) conditional += popcount32(rc) - popcount32(bc);
    if (rga !== bga) grantedOnAllCount += popcount32(rga) - popcount32(bga);
    if (afterOnAll !== beforeOnAll) {
      onAllResources += popcount32(afterOnAll) - popcount32(beforeOnAll);
      pmOnAll += popcount32(afterOnAll & pm[w]!) - popcount32(beforeOnAll & pm[w]!);
    }
    if (before === after) continue;
    const gained = after & ~before;
    const lost = before & ~after;
    if (gained !== 0) {
      lists += popcount32(gained & list[w]!);
      reads += popcount32(gained & read[w]!);
      writes += popcount32(gained & write[w]!);
      permissionsManagement += popcount32(gained & permissions[w]!);
      taggings += popcount32(gained & tagging[w]!);
      sensitive += popcount32(gained & sensitiveMask[w]!);
    }
    if (lost !== 0) {
      lists -= popcount32(lost & list[w]!);
      reads -= popcount32(lost & read[w]!);
      writes -= popcount32(lost & write[w]!);
      permissionsManagement -= popcount32(lost & permissions[w]!);
      taggings -= popcount32(lost & tagging[w]!);
      sensitive -= popcount32(lost & sensitiveMask[w]!);
    }
    for (let p = offsets[w]!; p < offsets[w + 1]!; p++) {
      const was = (before & mask[p]!) !== 0;
      const is = (after & mask[p]!) !== 0;
      if (was === is) continue;
      if (changes + 2 > serviceChanges.length) serviceChanges = growPairs(serviceChanges);
      serviceChanges[changes++] = service[p]!;
      serviceChanges[changes++] = is ? 1 : -1;
    }
  }
  const baseRaw = known.raw;
  raw[RAW_LIST] = baseRaw[RAW_LIST]! + lists;
  raw[RAW_LIST + 1] = baseRaw[RAW_LIST + 1]! + reads;
  raw[RAW_LIST + 2] = baseRaw[RAW_LIST + 2]! + writes;
  raw[RAW_LIST + 3] = baseRaw[RAW_LIST + 3]! + permissionsManagement;
  raw[RAW_LIST + 4] = baseRaw[RAW_LIST + 4]! + taggings;
  raw[RAW_SENSITIVE] = baseRaw[RAW_SENSITIVE]! + sensitive;
  raw[RAW_UNCONDITIONAL] = baseRaw[RAW_UNCONDITIONAL]! + unconditional;
  raw[RAW_CONDITIONAL] = baseRaw[RAW_CONDITIONAL]! + conditional;
  raw[RAW_ON_ALL] = baseRaw[RAW_ON_ALL]! + onAllResources;
  raw[RAW_PM_ON_ALL] = baseRaw[RAW_PM_ON_ALL]! + pmOnAll;
  raw[RAW_GRANTED_ON_ALL] = baseRaw[RAW_GRANTED_ON_ALL]! + grantedOnAllCount;
  // Services: each change applied to the base's pair counts in turn (a service counts while its count is positive), then undone.
  let services = baseRaw[RAW_SERVICES]!;
  const servicePairs = known.servicePairs;
  for (let i = 0; i < changes; i += 2) {
    const si = serviceChanges[i]!;
    const was = servicePairs[si]!;
    const is = was + serviceChanges[i + 1]!;
    servicePairs[si] = is;
    services += (is > 0 ? 1 : 0) - (was > 0 ? 1 : 0);
  }
  for (let i = 0; i < changes; i += 2) servicePairs[serviceChanges[i]!]! -= serviceChanges[i + 1]!;
  raw[RAW_SERVICES] = services;
  // The data-read pairs on every resource, ascending by word.
  const dataReadMask = catalog.dataReadMask;
  const words = dataReadMask.length;
  let pairs = 0;
  let hash = 0;
  for (let d = nextDataRead[0]!; d < words; d = nextDataRead[d + 1]!) {
    const dataReads = (r.grantedOnAll[d]! | r.conditionalOnAll[d]!) & dataReadMask[d]!;
    if (dataReads === 0) continue;
    if (pairs + 2 > scratchPairs.length) scratchPairs = growPairs(scratchPairs);
    scratchPairs[pairs++] = d;
    scratchPairs[pairs++] = dataReads;
    hash = Math.imul(Math.imul(hash ^ d, 0x9e3779b1) ^ dataReads, 0x85ebca77);
  }
  raw[RAW_PAIRS] = pairs;
  raw[RAW_HASH] = hash;
}

// ---------------------------------------------------------------- account distribution

export interface Distribution {
  count: number;
  median: number;
  p90: number;
  max: number;
  /** Median absolute deviation. */
  mad: number;
}

/** Nearest-rank percentile of ascending-sorted values. */
function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function median(sorted: ArrayLike<number>): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function distribution(values: ArrayLike<number>): Distribution {
  // A typed array sorts numerically without a comparator call per pair (same order: no NaN).
  // Values already in descending order (principals ranked broadest first) are only reversed.
  const n = values.length;
  const sorted = new Float64Array(n);
  if (!reversedInto(values, sorted)) sorted.sort();
  const med = median(sorted);
  return { count: n, median: med, p90: percentile(sorted, 90), max: n ? sorted[n - 1]! : 0, mad: medianDeviation(sorted, med) };
}

/**
 * values reversed into `sorted` (as long); whether they were in descending order. The loop first
 * in its function: distribution and modifiedZScores run once or twice per evaluation, and code before
 * a loop ran without type feedback in the first evaluation (V8 allocates it lazily), so the whole
 * function, compiled after the loop's on-stack replacement, deoptimised at entry in the next one
 * (measured, bench/evaluate --pessimistic --trace-deopt, run 2: "Insufficient type feedback for call"
 * at modifiedZScores' bytecode 4, then recompiles in runs 2-3).
 */
function reversedInto(values: ArrayLike<number>, sorted: Float64Array): boolean {
  let descending = true;
  for (let i = 0; i < sorted.length; i++) {
    const v = values[i]!;
    sorted[sorted.length - 1 - i] = v;
    if (i > 0 && v > values[i - 1]!) descending = false;
  }
  return descending;
}

/**
 * The median of |x − med| over ascending `sorted`, without sorting the deviations: they descend
 * up to where the values reach `med` and ascend after it, so merging the two runs outward from
 * there gives them in ascending order; the median needs the first half (the same values a sort
 * would place there).
 */
function medianDeviation(sorted: Float64Array, med: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  // Right run: indices hi, hi+1, … (values ≥ med); left run: lo, lo−1, … (values < med).
  const hi = firstNotBelow(sorted, med);
  return mergedDeviation(sorted, med, hi, hi - 1, n >> 1);
}

// medianDeviation's loops, each first in its function (see reversedInto; measured: medianDeviation
// compiled 3 times in runs 1-2, "Insufficient type feedback" at its bytecode 0 and 185).

/** The first index of ascending `sorted` whose value is not below `med` (its length when none). */
function firstNotBelow(sorted: Float64Array, med: number): number {
  let hi = 0;
  while (hi < sorted.length && sorted[hi]! < med) hi++;
  return hi;
}

/** The median deviation from `med`, merging the right run from hi and the left run from lo up to the mid-th deviation. */
function mergedDeviation(sorted: Float64Array, med: number, hi: number, lo: number, mid: number): number {
  let previous = 0;
  let current = 0;
  for (let k = 0; k <= mid; k++) {
    previous = current;
    const right = hi < sorted.length ? Math.abs(sorted[hi]! - med) : Infinity;
    const left = lo >= 0 ? Math.abs(sorted[lo]! - med) : Infinity;
    if (right <= left) {
      current = right;
      hi++;
    } else {
      current = left;
      lo--;
    }
  }
  return sorted.length % 2 ? current : (previous + current) / 2;
}

/**
 * Modified z-score (Iglewicz & Hoaglin): 0.6745 · (x − median) / MAD. When more than
 * half the values are equal the MAD is 0; the mean absolute deviation (× 1.2533, its
 * ratio to σ for normal data) then stands in. Both 0 means every value is equal: no
 * value is an outlier (score 0).
 */
export function modifiedZScores(values: ArrayLike<number>): Float64Array {
  const d = distribution(values);
  const n = values.length;
  // Typed (one off-heap buffer for the thousands of peers, no boxed numbers); the same arithmetic, in order.
  const scores = new Float64Array(n);
  if (d.mad > 0) {
    scoresByMad(values, d.median, d.mad, scores);
    return scores;
  }
  const meanAd = absDeviationSum(values, d.median) / (n || 1);
  if (meanAd === 0) return scores;
  scoresByMeanAd(values, d.median, meanAd, scores);
  return scores;
}

// modifiedZScores' loops, each first in its function (see reversedInto).

function scoresByMad(values: ArrayLike<number>, median: number, mad: number, scores: Float64Array): void {
  for (let i = 0; i < scores.length; i++) scores[i] = (0.6745 * (values[i]! - median)) / mad;
}

function absDeviationSum(values: ArrayLike<number>, median: number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i]! - median);
  return sum;
}

function scoresByMeanAd(values: ArrayLike<number>, median: number, meanAd: number, scores: Float64Array): void {
  for (let i = 0; i < scores.length; i++) scores[i] = (values[i]! - median) / (1.253314 * meanAd);
}
