import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG_PATH, buildCatalog, normalizeAccessLevel, serializeCatalog } from '../../../lib/breadth/build-catalog';
import { count, hasBit } from '../../../lib/breadth/bitset';
import { CATALOG_FILE_NAME, catalogLocation, loadCatalog, readCatalogFile } from '../../../lib/breadth/catalog';
import { ESCALATION_PATHS, escalationActionIds } from '../../../lib/breadth/escalation';
import { wildcardMatch } from '../../../lib/policy/document';

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
});
