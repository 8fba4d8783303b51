/**
 * ARN-pattern coverage: does a policy's resource pattern name *every* resource of a type an
 * action works on? `s3:GetObject` on `arn:aws:s3:::*` + `/*`, or `dynamodb:Scan` on
 * `arn:aws:dynamodb:*:*:table/*`, reaches every object / table exactly as `Resource: "*"`
 * does, so the access rules must read them as "on everything".
 *
 * Resource types and their ARN formats come from the AWS Service Authorization Reference
 * (via the action catalog, lib/breadth/catalog.json), e.g.
 * `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
 *
 * How an ARN pattern is compared with a type's ARN format, segment by segment
 * (arn:partition:service:region:account:resource):
 * - partition, and region/account when the format has a variable there: any non-empty value
 *   covers. Identity policies reach the principal's own account; a literal region still means
 *   every resource of that type the account holds in that region — for a data store, all of it.
 * - a segment the format leaves empty (S3 has no region) must be empty or `*` in the pattern;
 * - the resource segment: the pattern must cover the format with each `${Variable}` read as
 *   "any text" (`globCovers`), so `table/*` covers `table/${TableName}` and `*` covers `${BucketName}/${ObjectName}`.
 * Patterns with fewer segments (`arn:*`, `*`) are compared as whole strings.
 */
import { firstWildcard, globCovers, globMatch, glob, globsOverlap, hasWildcard, type Glob } from './glob';

/** A resource type's ARN format, split for coverage checks. */
export interface ArnTemplate {
  /** The format as AWS documents it. */
  readonly format: string;
  readonly service: string;
  /** Literal region segment, or `null` for `${Region}`. */
  readonly region: string | null;
  readonly account: string | null;
  /** Resource segment with every `${Variable}` replaced by `*`. */
  readonly resource: string;
  /** Whole format with `${Partition}` → `aws` and other variables → `*` (whole-string comparisons). */
  readonly star: string;
}

/** The pseudo-type of actions that take no resource: the request's resource is `*` itself. */
export const NO_RESOURCE_TYPE: ArnTemplate = { format: '*', service: '', region: '', account: '', resource: '', star: '*' };

/** The type list of every action that takes no resource (one shared array: memos key on it). */
export const NO_RESOURCE_TYPES: readonly ArnTemplate[] = [NO_RESOURCE_TYPE];

/**
 * `s` with each `${Variable}` (from `${` to the first `}` after it) replaced by `*`. String
 * scanning, not a global regex: the cold first `*:*` probe parses ~2,200 formats (measured: the
 * regex version was a third of that probe's cost).
 */
function starVariables(s: string): string {
  let open = s.indexOf('${');
  if (open < 0) return s;
  let out = '';
  let from = 0;
  while (open >= 0) {
    const close = s.indexOf('}', open + 2);
    if (close < 0) break;
    out += `${s.slice(from, open)}*`;
    from = close + 1;
    open = s.indexOf('${', from);
  }
  return out + s.slice(from);
}

/**
 * Segment `format[from .. to)` of an ARN format: `null` when it is one whole `${Variable}` (no `}`
 * before its last character), else its text.
 */
function templateSegmentAt(format: string, from: number, to: number): string | null {
  const variable = to - from >= 3 && format.startsWith('${', from) && format.indexOf('}', from) === to - 1;
  return variable ? null : format.slice(from, to);
}

/**
 * The positions of the first five colons of `s` (the ends of an ARN's first five segments), −1 from
 * the first one missing on. A shared scratch array, refilled by each call: read it before the next.
 * No `split` array per ARN (parseArnTemplate, templateResource, scopedResourceHead, the catalog's
 * scoped coverage).
 */
export function arnColons(s: string): Int32Array {
  const at = ARN_COLONS;
  let c = s.indexOf(':');
  at[0] = c;
  for (let k = 1; k < 5; k++) {
    if (c >= 0) c = s.indexOf(':', c + 1);
    at[k] = c;
  }
  return at;
}
const ARN_COLONS = new Int32Array(5);

/** How most ARN formats start: its `star` is `arn:aws:` and the rest with variables as `*`. */
const PARTITION_PREFIX = 'arn:${Partition}:';

/** What `ParsedTemplate` works out on first read: the segments after the service. */
interface TemplateRest {
  region: string | null;
  account: string | null;
  resource: string;
  star: string;
}

/**
 * A parsed ARN format: `format` and `service` at once, the other segments on first read. The cold
 * analysis parses every format of every service once (the `*:*` probe's type union, ~2,200 formats)
 * and reads little more than the service of most: the whole split of each (six slices, two
 * variable scans) made parseArnTemplate and its helpers hot, compiled in every cold run.
 */
class ParsedTemplate implements ArnTemplate {
  public readonly format: string;
  public readonly service: string;
  private rest: TemplateRest | undefined = undefined;

  public constructor(format: string, service: string) {
    this.format = format;
    this.service = service;
  }

  public get region(): string | null {
    return (this.rest ?? this.parseRest()).region;
  }
  public get account(): string | null {
    return (this.rest ?? this.parseRest()).account;
  }
  public get resource(): string {
    return (this.rest ?? this.parseRest()).resource;
  }
  public get star(): string {
    return (this.rest ?? this.parseRest()).star;
  }

  /**
   * The segments are read between the first five colons, found once (no `split` array, no
   * `replace`). catalog.test.ts checks every catalog format and random ones against the regex
   * definition.
   */
  private parseRest(): TemplateRest {
    const format = this.format;
    const end = format.length;
    const at = arnColons(format);
    const c2 = at[2]!;
    const c3 = at[3]!;
    const c4 = at[4]!;
    const rest: TemplateRest = {
      region: c2 < 0 ? '' : templateSegmentAt(format, c2 + 1, c3 < 0 ? end : c3),
      account: c3 < 0 ? '' : templateSegmentAt(format, c3 + 1, c4 < 0 ? end : c4),
      resource: c4 < 0 ? '' : starVariables(format.slice(c4 + 1)),
      // `replace` changes the first `${Partition}` only: at the start, what follows is starred alone
      // (the prefix holds no `${`, so no variable spans the cut).
      star: format.startsWith(PARTITION_PREFIX)
        ? `arn:aws:${starVariables(format.slice(PARTITION_PREFIX.length))}`
        : starVariables(format.replace('${Partition}', 'aws')),
    };
    this.rest = rest;
    return rest;
  }
}

/**
 * An ARN format split for coverage checks: the service segment now (read for every type of a type
 * list, e.g. by lib/policy/evaluate grouping types by service), the others when first read (most
 * types are only compared with `*` or with patterns of another service).
 */
export function parseArnTemplate(format: string): ArnTemplate {
  const at = arnColons(format);
  const c1 = at[1]!;
  const c2 = at[2]!;
  return new ParsedTemplate(format, c1 < 0 ? '' : format.slice(c1 + 1, c2 < 0 ? format.length : c2));
}

/**
 * `parseArnTemplate(format).resource` alone: the resource segment (everything after the fifth
 * colon; it may hold colons itself, '' when there are fewer) with each `${Variable}` as `*`.
 */
export function templateResource(format: string): string {
  const fifth = arnColons(format)[4]!;
  return fifth < 0 ? '' : starVariables(format.slice(fifth + 1));
}

/**
 * A resource pattern cut into its ARN segments once (policies repeat the same patterns on
 * thousands of statements, and "every action" probes compare each with every resource type
 * of the catalog): the split, the segment globs and, per type of the pattern's service, the
 * answer. A pattern whose service segment is a literal can only cover that service's types,
 * so every other type is answered by one string comparison and nothing is memoised for it.
 */
interface ArnPattern {
  /** `*` (after collapsing): covers every type. */
  any: boolean;
  /** Fewer than six segments: compared with the type's `star` as whole strings. */
  short: boolean;
  /** `arn` segment matches and the partition is not empty. */
  arnOk: boolean;
  /** The service segment when it holds no wildcard, else `null` (matched as a glob). */
  serviceLiteral: string | null;
  service: Glob;
  region: string;
  account: string;
  resource: string;
  /** Answers for the types of matching services, by type (created on first use). */
  answers: Map<ArnTemplate, boolean> | undefined;
}

const arnPatterns = new Map<string, ArnPattern>();
const ARN_PATTERN_LIMIT = 50_000;

/**
 * The pattern's `ArnPattern`: the hit alone (patternCoversTemplate, compiled in the cold analysis,
 * inlines this), the split of a new pattern in `newArnPattern` (its string splits and globs were
 * compiled into patternCoversTemplate with it).
 */
function arnPatternOf(pattern: string): ArnPattern {
  return arnPatterns.get(pattern) ?? newArnPattern(pattern);
}

/** `arnPatternOf` of a pattern not seen yet: split, memoised. */
function newArnPattern(pattern: string): ArnPattern {
  // glob() first: it rejects over-long patterns exactly as before (PatternTooLongError).
  const any = glob(pattern).any;
  const parts = pattern.split(':');
  const short = parts.length < 6;
  const service = short ? '' : parts[2]!;
  const p: ArnPattern = {
    any,
    short,
    arnOk: !short && globMatch(glob(parts[0]!), 'arn') && parts[1] !== '',
    serviceLiteral: short || hasWildcard(service) ? null : service,
    service: glob(service),
    region: short ? '' : parts[3]!,
    account: short ? '' : parts[4]!,
    resource: short ? '' : parts.slice(5).join(':'),
    answers: undefined,
  };
  if (arnPatterns.size >= ARN_PATTERN_LIMIT) arnPatterns.clear();
  arnPatterns.set(pattern, p);
  return p;
}

/**
 * The literal start of the pattern's resource segment (up to its first `*` or `?`), which the
 * resource segment of every type it covers starts with (`globCovers` compares it first); `null`
 * when the pattern is not compared segment by segment (`*`, fewer than six segments, not an ARN).
 */
export function resourceHead(pattern: string): string | null {
  return glob(pattern).any ? null : scopedResourceHead(pattern);
}

/**
 * `resourceHead` of a pattern whose glob is not `any` (the caller has checked: the catalog's
 * coverage asks it only then). Apart so that its compiled callers do not inline `glob`'s miss
 * path (glob's compile) for a lookup that always hits there.
 */
export function scopedResourceHead(pattern: string): string | null {
  // What `arnPatternOf` would say (short, arnOk, resource), read from the colon positions
  // without building and keeping its ArnPattern: the catalog asks this once per distinct scoped
  // ARN (1,099 in a cold realistic analysis), and most of those are never compared with a type.
  const at = arnColons(pattern);
  const c0 = at[0]!;
  const c1 = at[1]!;
  const c4 = at[4]!;
  if (c4 < 0) return null;
  const first = pattern.slice(0, c0);
  if (c1 === c0 + 1 || (first !== 'arn' && !globMatch(glob(first), 'arn'))) return null;
  const resource = pattern.slice(c4 + 1);
  return resource.slice(0, firstWildcard(resource));
}

/** Does the ARN pattern (exact case) name every resource of the type? */
export function patternCoversTemplate(pattern: string, t: ArnTemplate): boolean {
  const p = arnPatternOf(pattern);
  if (t === NO_RESOURCE_TYPE || p.any) return p.any;
  if (p.short) return globCovers(pattern, t.star);
  if (!p.arnOk) return false;
  if (p.serviceLiteral !== null ? p.serviceLiteral !== t.service : !globMatch(p.service, t.service)) return false;
  return p.answers?.get(t) ?? newCoversAnswer(p, t);
}

/**
 * `patternCoversTemplate` of a pattern and a type of its service not compared yet: the segments
 * compared, the answer memoised. Apart: inlined, the comparisons and the type's first split
 * (`ParsedTemplate`) were most of patternCoversTemplate's compiled code, for once per pair.
 */
function newCoversAnswer(p: ArnPattern, t: ArnTemplate): boolean {
  const answer = segmentCovers(p.region, t.region) && segmentCovers(p.account, t.account) && globCovers(p.resource, t.resource);
  (p.answers ??= new Map()).set(t, answer);
  return answer;
}

/**
 * Which types the pattern can cover at all: `true` when any type may (each must be checked),
 * `false` when none can, or the one service whose types may be covered (a literal service
 * segment: `patternCoversTemplate` is false for every type of another service). Lets callers
 * check a scoped pattern against its service's few types instead of the thousands of an
 * "every action" probe.
 */
export function coverageScope(pattern: string): boolean | string {
  const p = arnPatternOf(pattern);
  if (p.any || p.short) return true;
  if (!p.arnOk) return false;
  return p.serviceLiteral ?? true;
}

function segmentCovers(pattern: string, literal: string | null): boolean {
  if (literal === null) return pattern !== '';
  return globMatch(glob(pattern), literal);
}

/**
 * Can the pattern match some resource of the type? (A `Deny … NotResource` listing it leaves
 * the action allowed there.) The no-resource pseudo-type is the literal `*`.
 */
export function patternOverlapsTemplate(pattern: string, t: ArnTemplate): boolean {
  if (t === NO_RESOURCE_TYPE) return globMatch(glob(pattern), '*');
  return globsOverlap(pattern, t.star);
}
