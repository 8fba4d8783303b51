/**
 * The action catalog at run time: every IAM action of the AWS service authorization
 * reference, interned to a dense id (services are contiguous id ranges), with its access
 * level and data-read flag, plus a cached expansion of action patterns (`s3:Get*`, `*`,
 * `iam:?ut*`) into bitsets.
 *
 * The data (`catalog.json`, ~750 KiB) is a file read on first use, never an import: as an
 * import esbuild would inline it into every Lambda bundle whose code merely *reaches* the
 * breadth rules, though only collect-account evaluates them. See `catalogLocation`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACCESS_LEVELS, type AccessLevel, type CatalogFile, type ResourceTypesEntry, typeUnionOf } from './catalog-format';
import { hasBit, newBitset, popcount32, setBit, type Bitset } from './bitset';
import { glob, globMatch, hasWildcard, normalizeGlob, type Glob } from '../policy/glob';
import { NO_RESOURCE_TYPE, NO_RESOURCE_TYPES, arnColons, parseArnTemplate, patternCoversTemplate, scopedResourceHead, templateResource, type ArnTemplate } from '../policy/resources';

export { ACCESS_LEVELS, type AccessLevel, type CatalogFile } from './catalog-format';

/** The candidate services of an ARN namespace no service uses (shared, never written). */
const NO_SERVICES: readonly number[] = [];

export interface ServiceRange {
  prefix: string;
  /** First action id of the service (inclusive). */
  start: number;
  /** End of the service's ids (exclusive). */
  end: number;
}

export class ActionCatalog {
  public readonly source: string;
  public readonly version: string;
  public readonly updatedAt: string | undefined;
  /** `service:Action` in AWS's spelling, by id. */
  public readonly names: string[];
  /** Lower-cased action part (after the colon), by id, for pattern matching. */
  private readonly lowerActions: string[];
  public readonly levelOf: Uint8Array;
  public readonly services: ServiceRange[];
  /** Per service index × access level: how many of its actions are at that level (`countAtLevel`). */
  private readonly levelCounts: Int32Array;
  private readonly serviceIndex = new Map<string, ServiceRange>();
  /**
   * Per service: lower-cased action name → id, built on the service's first lookup (one
   * 22,000-entry map of full names was a third of the catalog's load time; a run looks up
   * actions of a few dozen services).
   */
  private readonly idsByService = new Map<ServiceRange, Map<string, number>>();
  /** Per service: its lower-cased action names, sorted (`setPrefixed`). */
  private readonly sortedByService = new Map<ServiceRange, readonly string[]>();
  /** One mask per access level, in ACCESS_LEVELS order. */
  public readonly levelMasks: Bitset[];
  public readonly dataReadMask: Bitset;
  public readonly all: Bitset;
  private readonly patternCache = new Map<string, Bitset>();
  private readonly empty: Bitset;
  /** Raw resource-type data per service (decoded on first use: most runs never need most services). */
  private readonly rawTypes: Record<string, ResourceTypesEntry>;
  /** Per action id: its resource types' ARN formats (filled per service on first use). */
  private readonly typesById: (readonly ArnTemplate[] | undefined)[];
  /** Per service index: its distinct ARN formats, parsed. */
  private readonly templatesByService = new Map<number, ArnTemplate[]>();
  /** Per action id: indices into its service's templates. */
  private readonly typeIndicesById: (readonly number[] | undefined)[];
  /** Services whose ARN formats use a given ARN service namespace (lazily built). */
  private servicesByArnNamespace?: Map<string, number[]>;
  /** `allServices`' answer, once built. */
  private allServiceIndexes?: readonly number[];
  private readonly coverageCache = new Map<string, Bitset>();
  /** What `actionsCoveredBy` returns for every pattern that covers no whole resource type (shared, all zero). */
  public readonly coversNothing: Bitset;
  /** Coverage sets by the templates they come from (`si:0110;…`; '' = none): shared, never mutated. */
  private readonly coverageBySignature = new Map<string, Bitset>();
  /** Per service index: the resource segment of each of its ARN formats (`templateResources`). */
  private readonly resourcesByService = new Map<number, readonly string[]>();
  /** Per service index: the distinct ARN formats of all its actions, in action order (`serviceTypeUnion`). */
  private readonly unionByService = new Map<number, readonly ArnTemplate[]>();

  public constructor(file: CatalogFile) {
    if (file.levels.join('|') !== ACCESS_LEVELS.join('|')) {
      throw new Error(`catalog levels ${JSON.stringify(file.levels)} differ from ${JSON.stringify(ACCESS_LEVELS)}: rebuild it with npm run build:catalog`);
    }
    this.source = file.source;
    this.version = file.version;
    this.updatedAt = file.updatedAt;
    this.names = [];
    this.lowerActions = [];
    const levels: number[] = [];
    this.services = [];
    const serviceEntries = Object.entries(file.services);
    this.levelCounts = new Int32Array(serviceEntries.length * ACCESS_LEVELS.length);
    for (const [prefix, perLevel] of serviceEntries) {
      const start = this.names.length;
      for (let level = 0; level < perLevel.length; level++) {
        const joined = perLevel[level];
        if (!joined) continue;
        // One lower-casing per level's list, not per action (22,000 actions: load time).
        const actions = joined.split(',');
        this.levelCounts[this.services.length * ACCESS_LEVELS.length + level] = actions.length;
        const lower = joined.toLowerCase().split(',');
        for (let k = 0; k < actions.length; k++) {
          this.names.push(`${prefix}:${actions[k]}`);
          this.lowerActions.push(lower[k]!);
          levels.push(level);
        }
      }
      const range = { prefix, start, end: this.names.length };
      this.services.push(range);
      this.serviceIndex.set(prefix.toLowerCase(), range);
    }
    this.levelOf = Uint8Array.from(levels);
    this.levelMasks = ACCESS_LEVELS.map(() => newBitset(this.size));
    levels.forEach((level, id) => setBit(this.levelMasks[level]!, id));
    this.dataReadMask = newBitset(this.size);
    for (const name of file.dataRead) {
      const id = this.idOf(name);
      if (id === undefined) throw new Error(`catalog lists data-read action ${name} that it does not contain`);
      setBit(this.dataReadMask, id);
    }
    this.all = newBitset(this.size);
    for (let i = 0; i < this.size; i++) setBit(this.all, i);
    this.empty = newBitset(this.size);
    this.coversNothing = newBitset(this.size);
    this.coverageBySignature.set('', this.coversNothing);
    this.rawTypes = file.resourceTypes ?? {};
    this.typesById = new Array(this.size);
    this.typeIndicesById = new Array(this.size);
  }

  /** Decode one service's resource types (ARN formats and each action's type indices), once. */
  private decodeTypes(si: number): ArnTemplate[] {
    return this.templatesByService.get(si) ?? this.decodeService(si);
  }

  /**
   * `decodeTypes` of a service not decoded yet. Every array is built the same way (a literal,
   * then pushes): `[]` literals beside `map` and `split` results were several array maps, and the
   * compiled code deoptimised ("wrong map") on the first of another kind, to be compiled again.
   */
  private decodeService(si: number): ArnTemplate[] {
    const range = this.services[si]!;
    const raw = this.rawTypes[range.prefix];
    const templates: ArnTemplate[] = [];
    if (raw !== undefined) for (let j = 0; j < raw[0].length; j++) templates.push(parseArnTemplate(raw[0][j]!));
    this.templatesByService.set(si, templates);
    let id = range.start;
    // Actions with the same types share their arrays (read-only): evaluation memos key on the list.
    const interned = new Map<string, { indices: readonly number[]; list: readonly ArnTemplate[] }>();
    // Same order as the constructor: levels in order, actions in their listed order.
    for (let level = 0; level < ACCESS_LEVELS.length; level++) {
      const count = this.countAtLevel(si, level);
      // An absent or empty level: one '' entry, then none (`?? ''` below), as for no types.
      const entries = (raw === undefined ? '' : (raw[1][level] ?? '')).split(',');
      for (let k = 0; k < count; k++, id++) {
        const entry = entries[k] ?? '';
        let shared = interned.get(entry);
        if (!shared) {
          const indices: number[] = [];
          const list: ArnTemplate[] = [];
          if (entry !== '') {
            const parts = entry.split('.');
            for (let j = 0; j < parts.length; j++) {
              const i = Number(parts[j]);
              indices.push(i);
              list.push(templates[i]!);
            }
          }
          shared = { indices, list: indices.length === 0 ? NO_RESOURCE_TYPES : list };
          interned.set(entry, shared);
        }
        this.typeIndicesById[id] = shared.indices;
        this.typesById[id] = shared.list;
      }
    }
    return templates;
  }

  /** How many of the service's actions are at `level` (read from the constructor's per-level lists, not counted again). */
  private countAtLevel(si: number, level: number): number {
    return this.levelCounts[si * ACCESS_LEVELS.length + level]!;
  }

  private serviceIndexOfId(id: number): number {
    let lo = 0;
    let hi = this.services.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.services[mid]!;
      if (id < r.start) hi = mid - 1;
      else if (id >= r.end) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /**
   * The ARN formats of the resource types action `id` works on (AWS Service Authorization
   * Reference); `[NO_RESOURCE_TYPE]` for actions that take no resource (only `*`).
   */
  public resourceTypesOf(id: number): readonly ArnTemplate[] {
    return this.typesById[id] ?? this.typesOfUndecoded(id);
  }

  /**
   * `resourceTypesOf` of an action whose service is not decoded yet. Its own function, so callers
   * compiled with resourceTypesOf inlined (hardWord through typeIdOf, lib/policy/evaluate) do not
   * also inline the decoding.
   */
  private typesOfUndecoded(id: number): readonly ArnTemplate[] {
    this.decodeTypes(this.serviceIndexOfId(id));
    return this.typesById[id] ?? NO_RESOURCE_TYPES;
  }

  /**
   * The resource types of every action in `bits`, each format once, in action order (an action's
   * types in its listed order; `NO_RESOURCE_TYPE` where an action takes no resource): what an
   * action pattern such as `s3:Get*` or `*:*` works on.
   *
   * A service all of whose actions are in `bits` contributes its whole union, read from the raw
   * type lists without decoding each action's list: `*:*` (asked for every principal that may be
   * an administrator) otherwise decoded 428 of 456 services, action by action, to build one
   * 2,188-format list (measured, cold: ~90 ms CPU with its compiles, most of it thrown away).
   */
  public resourceTypesOfSet(bits: Bitset): readonly ArnTemplate[] {
    const seen = new Map<string, ArnTemplate>();
    for (let si = 0; si < this.services.length; si++) {
      const { start, end } = this.services[si]!;
      const held = heldInRange(bits, start, end);
      if (held === 0) continue;
      if (held === end - start) {
        for (const t of this.serviceTypeUnion(si)) if (!seen.has(t.format)) seen.set(t.format, t);
        continue;
      }
      for (let id = start; id < end; id++) {
        if (!hasBit(bits, id)) continue;
        for (const t of this.resourceTypesOf(id)) if (!seen.has(t.format)) seen.set(t.format, t);
      }
    }
    return seen.size ? [...seen.values()] : NO_RESOURCE_TYPES;
  }

  /** The distinct formats of a service's actions, in action order (see `resourceTypesOfSet`). */
  private serviceTypeUnion(si: number): readonly ArnTemplate[] {
    let union = this.unionByService.get(si);
    if (union === undefined) {
      union = this.collectServiceUnion(si);
      this.unionByService.set(si, union);
    }
    return union;
  }

  /**
   * `serviceTypeUnion` read from the catalog's union of the service (`ResourceTypesEntry`; from
   * its per-level lists when the file has none): each type index once, in first use, and only
   * the formats used are parsed (or taken from the decoded service, so both answers share
   * template objects). Computing the union here, for each of the 428 services `*:*` holds whole,
   * made this function hot enough for an optimising compile on the first `*:*` (45-73 ms of
   * traced background compile in a cold analysis, once thrown away on a dependency change).
   */
  private collectServiceUnion(si: number): readonly ArnTemplate[] {
    const range = this.services[si]!;
    const raw = this.rawTypes[range.prefix];
    const decoded = this.templatesByService.get(si);
    const formats = raw === undefined ? [] : raw[0];
    const tokens = (raw?.[2] ?? this.unionFromLevels(si)).split('.');
    const union: ArnTemplate[] = [];
    for (let k = 0; k < tokens.length; k++) {
      const token = tokens[k]!;
      union.push(token === '' ? NO_RESOURCE_TYPE : (decoded?.[Number(token)] ?? parseArnTemplate(formats[Number(token)]!)));
    }
    return union;
  }

  /** `typeUnionOf` of the service's per-level lists (a catalog file without the union). */
  private unionFromLevels(si: number): string {
    const counts: number[] = [];
    for (let level = 0; level < ACCESS_LEVELS.length; level++) counts.push(this.countAtLevel(si, level));
    return typeUnionOf(this.rawTypes[this.services[si]!.prefix]?.[1] ?? [], counts);
  }

  /**
   * Actions for which the ARN pattern names every resource of at least one of their types
   * (what "on every resource" means for an Allow). `*` → every action. Cached per pattern.
   */
  public actionsCoveredBy(pattern: string): Bitset {
    // The hit path alone: the miss path's closures capture `pattern`, which made every call
    // allocate a context object (40 bytes; 2.9 MB per pessimistic analysis, ~73k calls).
    return this.coverageCache.get(pattern) ?? this.coverageOf(pattern);
  }

  /** `actionsCoveredBy` for a pattern not cached yet. */
  private coverageOf(pattern: string): Bitset {
    const bits = glob(pattern).any ? this.all : this.scopedCoverage(pattern);
    if (this.coverageCache.size > 50_000) this.coverageCache.clear();
    this.coverageCache.set(pattern, bits);
    return bits;
  }

  /**
   * `coverageOf` of a pattern other than `*`. A type is covered only if its resource segment
   * starts with the pattern's literal start (`arn:aws:s3:::bucket-1/*` cannot cover
   * `${BucketName}/${ObjectName}`): services none of whose formats does are skipped without
   * decoding them or checking each type, and when no candidate is left the answer is the shared
   * empty set at once (measured, cold realistic analysis: most of the 1,100 patterns asked are
   * one bucket, function or table). What is left is checked type by type (`coverageOfServices`,
   * apart: fewer calls, so the frequent path compiles small).
   */
  private scopedCoverage(pattern: string): Bitset {
    // The ARN namespace (third segment) from the colon positions: no `split` array per pattern.
    const at = arnColons(pattern);
    const six = at[4]! >= 0;
    const namespace = six ? pattern.slice(at[1]! + 1, at[2]!) : '';
    // A literal ARN namespace narrows the candidates to its services (a string test: a regex here was most of a cold run's coverage time).
    const literal = six && !hasWildcard(namespace);
    const candidates = literal ? (this.arnNamespaceIndex().get(namespace) ?? NO_SERVICES) : this.allServices();
    // coverageOf asks this only for a pattern whose glob is not `any`.
    const head = scopedResourceHead(pattern);
    if (head === null || head === '') return this.coverageOfServices(pattern, candidates);
    // Indexed loops, not `some` with a closure per candidate: once per distinct scoped ARN.
    const left: number[] = [];
    for (let c = 0; c < candidates.length; c++) {
      const resources = this.resourcesByService.get(candidates[c]!) ?? this.templateResources(candidates[c]!);
      for (let r = 0; r < resources.length; r++) {
        if (resources[r]!.startsWith(head)) {
          left.push(candidates[c]!);
          break;
        }
      }
    }
    return left.length === 0 ? this.coversNothing : this.coverageOfServices(pattern, left);
  }

  /** The actions some type of which, among the candidate services' types, the pattern covers. */
  private coverageOfServices(pattern: string, candidates: readonly number[]): Bitset {
    // The result depends only on which templates of which services the pattern covers: most
    // scoped ARNs (one bucket's objects, one table) cover none and share one empty set, the
    // others share one set per distinct coverage.
    const covers: { si: number; covered: boolean[] }[] = [];
    let signature = '';
    for (const si of candidates) {
      // A literal, then pushes: the array kind `map` gave was not always the same (the compiled
      // coverageOf deoptimised "wrong map" on `covered.some`).
      const templates = this.decodeTypes(si);
      const covered: boolean[] = [];
      let any = false;
      for (let j = 0; j < templates.length; j++) {
        const c = patternCoversTemplate(pattern, templates[j]!);
        covered.push(c);
        if (c) any = true;
      }
      if (!any) continue;
      covers.push({ si, covered });
      signature += `${si}:${covered.map(Number).join('')};`;
    }
    const known = this.coverageBySignature.get(signature);
    if (known) return known;
    const bits = newBitset(this.size);
    for (const { si, covered } of covers) {
      const range = this.services[si]!;
      for (let id = range.start; id < range.end; id++) {
        if (this.typeIndicesById[id]!.some((i) => covered[i])) setBit(bits, id);
      }
    }
    this.coverageBySignature.set(signature, bits);
    return bits;
  }

  /**
   * The resource segments of the service's ARN formats (`templateResource`), read from the raw
   * formats without decoding the service, cached in `resourcesByService`. Only the miss: its hit, a
   * lookup, is written in scopedCoverage, so the loop building the list is not inlined into
   * scopedCoverage's compiled code (it runs once per service; scopedCoverage, ~1,100 calls per cold
   * realistic analysis, is compiled).
   */
  private templateResources(si: number): readonly string[] {
    const found: string[] = [];
    const formats = this.rawTypes[this.services[si]!.prefix]?.[0] ?? [];
    for (let j = 0; j < formats.length; j++) found.push(templateResource(formats[j]!));
    this.resourcesByService.set(si, found);
    return found;
  }

  /**
   * Services by the ARN namespaces of their resource types (the third segment of each ARN
   * format, what `parseArnTemplate` calls `service`), read from the raw formats: decoding every
   * service's types to build it cost more than the coverage checks it saves. The build is its own
   * function (run once): inlined, its closures and loops were compiled into scopedCoverage.
   */
  private arnNamespaceIndex(): Map<string, number[]> {
    return this.servicesByArnNamespace ?? this.newArnNamespaceIndex();
  }

  /** `arnNamespaceIndex`, built. */
  private newArnNamespaceIndex(): Map<string, number[]> {
    const index = new Map<string, number[]>();
    this.services.forEach((range, si) => {
      const formats = this.rawTypes[range.prefix]?.[0] ?? [];
      for (const namespace of new Set(formats.map((f) => f.split(':')[2] ?? ''))) {
        const list = index.get(namespace) ?? [];
        list.push(si);
        index.set(namespace, list);
      }
    });
    this.servicesByArnNamespace = index;
    return index;
  }

  /** Every service index, ascending (the candidates of a pattern whose ARN namespace is not a literal), built once. */
  private allServices(): readonly number[] {
    return this.allServiceIndexes ?? this.newAllServices();
  }

  /** `allServices`, built (apart, like newArnNamespaceIndex: its closure was compiled into scopedCoverage). */
  private newAllServices(): readonly number[] {
    const all = this.services.map((_, i) => i);
    this.allServiceIndexes = all;
    return all;
  }

  public get size(): number {
    return this.names.length;
  }

  public idOf(action: string): number | undefined {
    return this.idOfLower(action.toLowerCase());
  }

  /** `idOf` of a lower-cased `service:action` (neither part holds a colon). */
  private idOfLower(name: string): number | undefined {
    const colon = name.indexOf(':');
    if (colon < 0) return undefined;
    const range = this.serviceIndex.get(name.slice(0, colon));
    if (!range) return undefined;
    let ids = this.idsByService.get(range);
    if (!ids) {
      ids = new Map();
      for (let id = range.start; id < range.end; id++) ids.set(this.lowerActions[id]!, id);
      this.idsByService.set(range, ids);
    }
    return ids.get(name.slice(colon + 1));
  }

  public levelName(id: number): AccessLevel {
    return ACCESS_LEVELS[this.levelOf[id]!]!;
  }

  public service(prefix: string): ServiceRange | undefined {
    return this.serviceIndex.get(prefix.toLowerCase());
  }

  /**
   * The actions an IAM action pattern matches (case-insensitive; `*` any run, `?` one
   * character, as IAM does). The returned bitset is shared and cached: never mutate it.
   * A pattern naming no known action (a typo, or an action newer than the catalog)
   * matches nothing — it cannot grant anything the catalog can count.
   */
  public expand(pattern: string): Bitset {
    const p = pattern.toLowerCase();
    const cached = this.patternCache.get(p);
    if (cached) return cached;
    const bits = this.expandUncached(p);
    this.patternCache.set(p, bits);
    return bits;
  }

  private expandUncached(raw: string): Bitset {
    // `**` means `*`: collapse runs first (IAM matches `*` as any run, however many are written).
    const p = normalizeGlob(raw);
    if (p === '*') return this.all;
    const colon = p.indexOf(':');
    if (colon < 0) {
      // No colon: the pattern is matched against whole `service:action` names (`*s3*`, `s3*`).
      const g = glob(p);
      const bits = newBitset(this.size);
      for (let id = 0; id < this.size; id++) if (globMatch(g, this.names[id]!.toLowerCase())) setBit(bits, id);
      return bits;
    }
    const servicePart = p.slice(0, colon);
    const actionPart = p.slice(colon + 1);
    if (!hasWildcard(p)) {
      const id = this.idOfLower(p);
      if (id === undefined) return this.empty;
      const bits = newBitset(this.size);
      setBit(bits, id);
      return bits;
    }
    // Service names and action names hold no colon, so matching the parts either side of the
    // first colon separately is the same as matching the whole name.
    const actionGlob = actionPart === '*' ? undefined : glob(actionPart);
    const serviceGlob = glob(servicePart);
    const ranges = hasWildcard(servicePart)
      ? this.services.filter((s) => globMatch(serviceGlob, s.prefix.toLowerCase()))
      : [this.serviceIndex.get(servicePart)].filter((s): s is ServiceRange => s !== undefined);
    const bits = newBitset(this.size);
    for (const range of ranges) {
      // `service:*`: the whole range, a word at a time where it can (a bit at a time made this
      // loop hot enough to be compiled on stack replacement in a cold analysis).
      if (!actionGlob) setRange(bits, range.start, range.end);
      else if (isPrefixGlob(actionGlob)) this.setPrefixed(bits, range, actionGlob.segments[0]!);
      else for (let id = range.start; id < range.end; id++) if (globMatch(actionGlob, this.lowerActions[id]!)) setBit(bits, id);
    }
    return bits;
  }

  /**
   * Set the actions of `range` whose (lower-cased) name starts with `head`: what `globMatch` of
   * `head*` answers for each. Most action patterns are such prefixes (`Get*`, `Describe*`): asked
   * action by action, their globMatch calls (6,009 of 9,009 per cold realistic analysis) made it
   * hot, compiled with segmentAt in every cold run, and a loop of `startsWith` in its place was
   * compiled as large. The service's names sorted (once) put the matches side by side: a binary
   * search finds the first, the run of names with the prefix follows.
   */
  private setPrefixed(bits: Bitset, range: ServiceRange, head: string): void {
    const sorted = this.sortedByService.get(range) ?? this.sortedNames(range);
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < head) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < sorted.length && sorted[k]!.startsWith(head); k++) {
      const entry = sorted[k]!;
      setBit(bits, Number(entry.slice(entry.lastIndexOf('\u0000') + 1)));
    }
  }

  /**
   * The service's actions as `name NUL id` (lower-cased name), in code-unit order (`setPrefixed`),
   * built once. The NUL sorts before every character of a name, so the entries whose name starts
   * with a prefix are still the run of entries starting with it (a prefix longer than a name does
   * not match that name's entry either); the id rides along (two actions may share a lower-cased name).
   */
  private sortedNames(range: ServiceRange): readonly string[] {
    const entries: string[] = [];
    for (let id = range.start; id < range.end; id++) entries.push(`${this.lowerActions[id]!}\u0000${id}`);
    entries.sort();
    this.sortedByService.set(range, entries);
    return entries;
  }
}

/**
 * A glob of the form `head*` (`head` without wildcards): matches exactly the values starting with
 * `head`. Not one whose head holds a NUL (`setPrefixed`'s separator).
 */
function isPrefixGlob(g: Glob): boolean {
  return !g.any && !g.literal && !g.hasQuestion && !g.leadingStar && g.segments.length === 2 && g.segments[1] === '' && !g.text.includes('\u0000');
}

/** Set the ids `start` (inclusive) to `end` (exclusive) in `bits`: whole words at once, single bits at the ragged ends. */
function setRange(bits: Bitset, start: number, end: number): void {
  let id = start;
  while (id < end) {
    if ((id & 31) === 0 && id + 32 <= end) {
      bits[id >>> 5] = 0xffffffff;
      id += 32;
    } else {
      setBit(bits, id);
      id += 1;
    }
  }
}

/** How many of the ids `start` (inclusive) to `end` (exclusive) are in `bits`, word by word. */
function heldInRange(bits: Bitset, start: number, end: number): number {
  let held = 0;
  for (let w = start >>> 5; w <= (end - 1) >>> 5; w++) {
    let word = bits[w]!;
    // Mask off the ids of the first and last words that fall outside the range.
    if (w === start >>> 5) word &= -1 << (start & 31);
    if (w === (end - 1) >>> 5 && (end & 31) !== 0) word &= (1 << (end & 31)) - 1;
    held += popcount32(word);
  }
  return held;
}

/** File name of the catalog, next to this module in the sources and next to `index.mjs` in a bundle. */
export const CATALOG_FILE_NAME = 'catalog.json';

/**
 * Where the catalog is read from: `catalog.json` beside the running module. From the
 * sources (CLI through tsx, vitest, benches) that is `lib/breadth/catalog.json`; in a
 * Lambda bundle `import.meta.url` is the bundle's `index.mjs` (esbuild keeps
 * `import.meta.url` as is in ESM output), and infra/constructs/art32-function.ts copies
 * the file there (`FILES_BESIDE_BUNDLE`). One rule for every way the code runs, no
 * environment variable, no search through parent folders that could pick up a stale copy.
 */
export function catalogLocation(): URL {
  return new URL(`./${CATALOG_FILE_NAME}`, import.meta.url);
}

/** Read and parse the catalog file; a missing or unreadable file is an error that says where it looked and how to fix it. */
export function readCatalogFile(location: URL = catalogLocation()): CatalogFile {
  const where = fileURLToPath(location);
  let text: string;
  try {
    text = readFileSync(location, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `IAM action catalog not found at ${where} (${code ?? String(error)}): from the sources, rebuild it with npm run build:catalog; ` +
        `a Lambda bundle must ship ${CATALOG_FILE_NAME} beside index.mjs (FILES_BESIDE_BUNDLE in infra/constructs/art32-function.ts)`,
    );
  }
  try {
    return JSON.parse(text) as CatalogFile;
  } catch (error) {
    throw new Error(`IAM action catalog ${where} is not valid JSON (${error instanceof Error ? error.message : String(error)}): rebuild it with npm run build:catalog`);
  }
}

let shared: ActionCatalog | undefined;

/**
 * The catalog compiled into lib/breadth/catalog.json, read on first use (once per process).
 * `file`: that file already read (`readCatalogFile`), for a caller timing the read apart
 * (bench/breadth.ts); ignored once the catalog is loaded.
 */
export function loadCatalog(file?: CatalogFile): ActionCatalog {
  shared ??= new ActionCatalog(file ?? readCatalogFile());
  return shared;
}

/** Version facts recorded in every breadth finding, so evidence says which reference was used. */
export function catalogInfo(catalog: ActionCatalog): { source: string; version: string; updatedAt?: string; actions: number } {
  return {
    source: catalog.source,
    version: catalog.version,
    ...(catalog.updatedAt ? { updatedAt: catalog.updatedAt } : {}),
    actions: catalog.size,
  };
}
