import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG_PATH, buildCatalog, normalizeAccessLevel, serializeCatalog } from '../../../lib/breadth/build-catalog';
import { count, hasBit, newBitset, setBit, type Bitset } from '../../../lib/breadth/bitset';
import { type ResourceTypesEntry, typeUnionOf } from '../../../lib/breadth/catalog-format';
import { ACCESS_LEVELS, ActionCatalog, CATALOG_FILE_NAME, catalogLocation, loadCatalog, readCatalogFile } from '../../../lib/breadth/catalog';
import { ESCALATION_PATHS, escalationActionIds } from '../../../lib/breadth/escalation';
import { wildcardMatch } from '../../../lib/policy/document';
import { firstWildcard, glob, globMatch } from '../../../lib/policy/glob';
import { NO_RESOURCE_TYPES, parseArnTemplate, patternCoversTemplate, resourceHead, type ArnTemplate } from '../../../lib/policy/resources';

const catalog = loadCatalog();

describe('action catalog', () => {
  it('the committed catalog.json is exactly what the build script makes from the installed iam-data', () => {
    const committed = readFileSync(CATALOG_PATH, 'utf8');
    const built = buildCatalog();
    expect(JSON.parse(committed).version).toBe(built.version);
    expect(committed).toBe(serializeCatalog(built));
  });

  it('is read from catalog.json beside the module (lib/breadth/ from the sources, index.mjs\'s folder in a bundle)', () => {
    expect(catalogLocation().href).toBe(pathToFileURL(CATALOG_PATH).href);
  });

  it('a missing or corrupt catalog file is an error naming the file and the fix, not an empty catalog', () => {
    const dir = mkdtempSync(join(tmpdir(), 'art32-catalog-'));
    try {
      const file = join(dir, CATALOG_FILE_NAME);
      expect(() => readCatalogFile(pathToFileURL(file))).toThrow(new RegExp(`catalog not found at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*build:catalog.*beside index\\.mjs`));
      writeFileSync(file, '{"source":');
      expect(() => readCatalogFile(pathToFileURL(file))).toThrow(/catalog .* is not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds every action once, by service, with the five AWS access levels', () => {
    expect(catalog.size).toBeGreaterThan(15_000);
    expect(new Set(catalog.names).size).toBe(catalog.size);
    expect(catalog.levelName(catalog.idOf('s3:GetObject')!)).toBe('Read');
    expect(catalog.levelName(catalog.idOf('s3:ListBucket')!)).toBe('List');
    expect(catalog.levelName(catalog.idOf('iam:PassRole')!)).toBe('Write');
    expect(catalog.levelName(catalog.idOf('iam:AttachRolePolicy')!)).toBe('Permissions management');
    expect(catalog.levelName(catalog.idOf('iam:TagRole')!)).toBe('Tagging');
    const perLevel = catalog.levelMasks.map(count);
    expect(perLevel.reduce((a, b) => a + b, 0)).toBe(catalog.size);
  });

  it('reads iam-data access levels "X, Write" as X and rejects unknown ones', () => {
    expect(normalizeAccessLevel('Permissions management, Write', 'x')).toBe('Permissions management');
    expect(normalizeAccessLevel('Tagging, Write', 'x')).toBe('Tagging');
    expect(() => normalizeAccessLevel('Admin', 'svc:Thing')).toThrow(/svc:Thing/);
  });

  it('flags data-read actions (object, item, query and secret reads), not metadata reads', () => {
    for (const a of ['s3:GetObject', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'rds-data:ExecuteStatement']) {
      expect(hasBit(catalog.dataReadMask, catalog.idOf(a)!), a).toBe(true);
    }
    for (const a of ['s3:GetBucketTagging', 'dynamodb:DescribeTable', 'iam:GetRole']) {
      expect(hasBit(catalog.dataReadMask, catalog.idOf(a)!), a).toBe(false);
    }
  });

  it('knows every action of every escalation path', () => {
    const ids = escalationActionIds(catalog);
    expect(ids.size).toBe(new Set(ESCALATION_PATHS.flatMap((p) => p.steps.flat())).size);
  });

  it('expands `*`, a service wildcard and unknown names as IAM does', () => {
    expect(count(catalog.expand('*'))).toBe(catalog.size);
    const s3 = catalog.service('s3')!;
    expect(count(catalog.expand('s3:*'))).toBe(s3.end - s3.start);
    expect(count(catalog.expand('S3:getobject'))).toBe(1);
    expect(count(catalog.expand('s3:NoSuchAction'))).toBe(0);
    expect(count(catalog.expand('nonsense'))).toBe(0);
    // Every service's `*`: exactly its id range (set a word at a time: both ragged ends checked).
    for (const { prefix, start, end } of catalog.services) {
      const bits = catalog.expand(`${prefix}:*`);
      expect(count(bits), prefix).toBe(end - start);
      expect(hasBit(bits, start) && hasBit(bits, end - 1), prefix).toBe(true);
    }
  });

  it('expands action prefixes (`head*`, found in the service\'s sorted names) exactly as the glob matches', () => {
    for (const pattern of ['s3:get*', 's3:getobject*', 's3:getobjectacl*', 's3:g*', 's3:zzz*', 'ec2:describe*', 'iam:list*', 's3:get\u0000*', 's3:getobject\u0000*']) {
      const expanded = catalog.expand(pattern);
      const explicit = catalog.names.filter((n) => wildcardMatch(pattern, n));
      expect(count(expanded), pattern).toBe(explicit.length);
      for (const n of explicit) expect(hasBit(expanded, catalog.idOf(n)!)).toBe(true);
    }
  });

  it('property: a wildcard equals the explicit list of the actions it matches', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: catalog.size - 1 }),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom('*', '?*', '*?', ''),
        fc.boolean(),
        (id, keep, tail, wildService) => {
          const [service, action] = catalog.names[id]!.split(':') as [string, string];
          const pattern = `${wildService ? `${service.slice(0, 2)}*` : service}:${action.slice(0, keep)}${tail}`;
          const expanded = catalog.expand(pattern);
          const explicit = catalog.names.filter((n) => wildcardMatch(pattern, n));
          expect(count(expanded)).toBe(explicit.length);
          for (const n of explicit) expect(hasBit(expanded, catalog.idOf(n)!)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  describe('resource types of a set of actions (resourceTypesOfSet)', () => {
    const file = readCatalogFile();
    /** The simple definition: every action of the set in id order, its own types in order, each format once; none: `*` alone. */
    const reference = (of: ActionCatalog, bits: Bitset) => {
      const seen = new Map<string, unknown>();
      for (let id = 0; id < of.size; id++) if (hasBit(bits, id)) for (const t of of.resourceTypesOf(id)) if (!seen.has(t.format)) seen.set(t.format, t);
      return seen.size ? [...seen.values()] : [...NO_RESOURCE_TYPES];
    };
    const oracle = new ActionCatalog(file);

    it('`*:*`, read service by service from the catalog\'s unions, equals reading every action\'s list (2,000+ formats, the no-resource pseudo-type included)', () => {
      // The committed file carries each service's union (what the fast path reads).
      expect(Object.values(file.resourceTypes ?? {}).every((entry) => typeof entry[2] === 'string')).toBe(true);
      const fresh = new ActionCatalog(file);
      const all = fresh.expand('*:*');
      const union = fresh.resourceTypesOfSet(all);
      expect(union.length).toBeGreaterThan(2_000);
      expect(union.some((t) => t.format === '*')).toBe(true);
      expect(union).toEqual(reference(oracle, all));
    });

    it('property: any set (whole services, parts of services cut at any bit, before or after their lists are decoded) gives the reference answer', () => {
      const fresh = new ActionCatalog(file);
      const services = fresh.services;
      fc.assert(
        fc.property(
          fc.array(
            fc.record({ si: fc.integer({ min: 0, max: services.length - 1 }), whole: fc.boolean(), from: fc.nat(), span: fc.nat({ max: 80 }) }),
            { maxLength: 6 },
          ),
          fc.boolean(),
          (picks, decodeFirst) => {
            const bits = newBitset(fresh.size);
            for (const { si, whole, from, span } of picks) {
              const { start, end } = services[si]!;
              const first = whole ? start : start + (from % (end - start));
              const last = whole ? end : Math.min(end, first + span + 1);
              for (let id = first; id < last; id++) setBit(bits, id);
              // Decoding the service's per-action lists first must not change the union read raw.
              if (decodeFirst) fresh.resourceTypesOf(start);
            }
            expect(fresh.resourceTypesOfSet(bits)).toEqual(reference(oracle, bits));
          },
        ),
        { numRuns: 200 },
      );
    });

    it('reads short, long and absent entry lists as decodeService does (missing entries: no resource type; extra ones ignored)', () => {
      const formats = ['arn:${Partition}:svc:${Region}:${Account}:thing/${Id}', 'arn:${Partition}:svc:${Region}:${Account}:other/${Id}', 'arn:${Partition}:svc:::unused'];
      const tiny = {
        source: 'test',
        version: '0',
        actionCount: 7,
        levels: [...ACCESS_LEVELS],
        services: { svc: ['ListA,ListB', 'GetA,GetB,GetC', 'PutA', '', 'TagA'], two: ['ListX', '', '', '', ''] },
        dataRead: [],
        // List: two actions, one entry (ListB takes no resource); Read: three, four entries (the
        // fourth ignored); Write: absent; Tagging: empty. `two` has no types at all.
        resourceTypes: { svc: [formats, ['1', '0.1,0,1,2', undefined as unknown as string, '', '']] as [string[], string[]] },
      };
      // The same file with each service's union as build-catalog writes it (typeUnionOf), read by the fast path.
      const withUnions = {
        ...tiny,
        resourceTypes: Object.fromEntries(
          Object.entries(tiny.resourceTypes).map(([prefix, [list, perLevel]]) => [
            prefix,
            [list, perLevel, typeUnionOf(perLevel, tiny.services[prefix as 'svc']!.map((names) => (names === '' ? 0 : names.split(',').length)))] as ResourceTypesEntry,
          ]),
        ),
      };
      expect(withUnions.resourceTypes.svc![2]).toBe('1..0');
      for (const source of [tiny, withUnions]) {
        const fresh = new ActionCatalog(source);
        const reference = new ActionCatalog(source);
        for (const pattern of ['*:*', 'svc:*', 'two:*']) {
          const bits = fresh.expand(pattern);
          expect(fresh.resourceTypesOfSet(bits).map((t) => t.format), pattern).toEqual(
            reference.resourceTypesOfSet(bits).length ? [...new Set(Array.from({ length: reference.size }, (_, id) => id).filter((id) => hasBit(bits, id)).flatMap((id) => reference.resourceTypesOf(id).map((t) => t.format)))] : [],
          );
        }
        expect(fresh.resourceTypesOfSet(fresh.expand('svc:*')).map((t) => t.format)).toEqual([formats[1], '*', formats[0]]);
      }
    });

    it('an empty set, or one of unknown actions only, works on `*` alone (NO_RESOURCE_TYPES)', () => {
      expect(oracle.resourceTypesOfSet(newBitset(oracle.size)).map((t) => t.format)).toEqual(['*']);
      expect(oracle.resourceTypesOfSet(oracle.expand('s3:NoSuchAction')).map((t) => t.format)).toEqual(['*']);
    });
  });

  it('parseArnTemplate (string scanning) reads every catalog ARN format and odd variables exactly as the regex definition does', () => {
    // The definition: `${…}` up to the first `}` is a variable; a segment that is one variable is `null` (any value).
    const VARIABLE = /\$\{[^}]*\}/g;
    const byRegex = (format: string) => {
      const parts = format.split(':');
      const segment = (s: string | undefined) => (s === undefined ? '' : /^\$\{[^}]*\}$/.test(s) ? null : s);
      return {
        format,
        service: parts[2] ?? '',
        region: segment(parts[3]),
        account: segment(parts[4]),
        resource: parts.slice(5).join(':').replace(VARIABLE, '*'),
        star: format.replace('${Partition}', 'aws').replace(VARIABLE, '*'),
      };
    };
    const formats = Object.values(readCatalogFile().resourceTypes ?? {}).flatMap(([list]) => list);
    expect(formats.length).toBeGreaterThan(2_000);
    const odd = ['*', '${a', '${}', 'x${a}${b}y', '${a ${b}', '}${a}}', 'arn:${P}:s3:::${B}/${K}', 'a:b:c:${R}x:${A}:${}:z', 'a:b:c:${R:${A}'];
    // Every field read (some are worked out on first read, some not before another is).
    const fields = ({ format, service, region, account, resource, star }: ArnTemplate) => ({ format, service, region, account, resource, star });
    const readStarFirst = (t: ArnTemplate) => [t.star, t.resource, t.account, t.region, t.service, t.format];
    for (const format of [...formats, ...odd]) {
      expect(fields(parseArnTemplate(format)), format).toEqual(byRegex(format));
      const expected = byRegex(format);
      expect(readStarFirst(parseArnTemplate(format)), format).toEqual(readStarFirst(expected));
    }
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z${}:*/]{0,24}$/), (format) => {
        expect(fields(parseArnTemplate(format))).toEqual(byRegex(format));
      }),
      { numRuns: 500 },
    );
  });

  it('resourceHead (colon positions) equals its definition over split segments, for catalog-made ARNs and random ones', () => {
    // The definition (what it read from arnPatternOf): null for `*`, fewer than six segments, or a
    // first segment that does not match `arn` / an empty partition; else the resource segment's literal start.
    const definition = (pattern: string) => {
      if (glob(pattern).any) return null;
      const parts = pattern.split(':');
      if (parts.length < 6 || !globMatch(glob(parts[0]!), 'arn') || parts[1] === '') return null;
      const resource = parts.slice(5).join(':');
      return resource.slice(0, firstWildcard(resource));
    };
    const formats = Object.values(readCatalogFile().resourceTypes ?? {}).flatMap(([list]) => list);
    const made = formats.flatMap((f) => [f, f.replace('${Partition}', 'aws').replace(/\$\{[^}]*\}/g, '*'), f.replace(/\$\{[^}]*\}/g, 'x')]);
    const odd = ['*', '**', '', ':', 'arn', 'arn::s3:::b', '*::s3:::b/*', 'a?n:aws:s3:::b', 'arn*:aws:s3:::b*', 'ARN:aws:s3:::b', 'arn:aws:s3::::', 'arn:*:*:*:*:*'];
    for (const pattern of [...made, ...odd]) expect(resourceHead(pattern), pattern).toBe(definition(pattern));
    fc.assert(
      fc.property(fc.stringMatching(/^[arn:*?/x]{0,20}$/), (pattern) => {
        expect(resourceHead(pattern)).toBe(definition(pattern));
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: actionsCoveredBy equals its definition (some type of the action covered), for ARNs with and without `*` made from catalog formats', () => {
    const file = readCatalogFile();
    const formats = Object.values(file.resourceTypes ?? {}).flatMap(([list]) => list);
    // Formats whose resource segment is literal (`…:account::${Account}:account`): the only ones a pattern without `*` can cover.
    const literalOnes = formats.filter((f) => !/\$\{/.test(f.split(':').slice(5).join(':')));
    expect(literalOnes.length).toBeGreaterThan(10);
    const oracle = new ActionCatalog(file);
    const definition = (pattern: string) => {
      const bits = newBitset(oracle.size);
      for (let id = 0; id < oracle.size; id++) if (oracle.resourceTypesOf(id).some((t) => patternCoversTemplate(pattern, t))) setBit(bits, id);
      return bits;
    };
    const fresh = new ActionCatalog(file);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.nat(),
        fc.array(fc.constantFrom('x1', 'eu-west-3', '123456789012', '*', '', 'a?c'), { minLength: 8, maxLength: 8 }),
        (literal, pick, values) => {
          const list = literal ? literalOnes : formats;
          let k = 0;
          const pattern = list[pick % list.length]!.replace('${Partition}', 'aws').replace(/\$\{[^}]*\}/g, () => values[k++ % values.length]!);
          expect([...fresh.actionsCoveredBy(pattern)], pattern).toEqual([...definition(pattern)]);
        },
      ),
      { numRuns: 60 },
    );
    // `?` in a pattern's literal start matches one character: `…:acc?unt` still covers `…:account`.
    let coveringSome = 0;
    for (const format of literalOnes) {
      const arn = format.replace('${Partition}', 'aws').replace(/\$\{[^}]*\}/g, 'x1');
      const cut = arn.split(':').slice(0, 5).join(':').length + 1;
      if (arn.length < cut + 2) continue;
      const pattern = `${arn.slice(0, cut + 1)}?${arn.slice(cut + 2)}`;
      const covered = fresh.actionsCoveredBy(pattern);
      expect([...covered], pattern).toEqual([...definition(pattern)]);
      if (count(covered) > 0) coveringSome += 1;
    }
    // (A format no action uses is covered by none.)
    expect(coveringSome).toBeGreaterThan(10);
  });
});

