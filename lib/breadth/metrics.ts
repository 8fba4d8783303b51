/**
 * Breadth metrics of one principal (from its effective permissions) and of an account
 * (distribution and robust outliers).
 */
import { anyInRange, bitsOf, count, countAnd, type Bitset } from './bitset';
import { ACCESS_LEVELS, type AccessLevel, type ActionCatalog } from './catalog';
import type { EffectivePermissions } from './effective';

const PERMISSIONS_MANAGEMENT = ACCESS_LEVELS.indexOf('Permissions management');

export interface BreadthCounts {
  /** Distinct actions granted without conditions. */
  unconditional: number;
  /** Distinct actions granted only under a Condition. */
  conditional: number;
  /** unconditional + conditional: the principal's breadth. */
  total: number;
  /** Services with at least one granted action (either kind). */
  services: number;
  /** total / number of actions in the catalog. */
  share: number;
  /** Granted actions (either kind) per AWS access level. */
  byLevel: Record<AccessLevel, number>;
  /** Actions granted (either kind) on every resource (`*` or NotResource). */
  onAllResources: number;
  permissionsManagement: number;
  permissionsManagementOnAll: number;
  /** Data-read actions (s3:GetObject, dynamodb:Scan, …) granted on every resource, by name. */
  dataReadOnAll: string[];
  /** Every catalog action (but at most `adminTolerance` of them) granted unconditionally on `*`. */
  adminEquivalent: boolean;
}

/**
 * Share of the catalog a principal may miss (explicit Denies of a few actions, e.g.
 * `organizations:LeaveOrganization`) and still be an administrator in practice.
 */
export const ADMIN_TOLERANCE = 0.01;

/** Scratch buffer for `granted | conditional` (one per catalog size). */
const unionScratch = new WeakMap<ActionCatalog, { any: Bitset; anyOnAll: Bitset }>();

export function breadthCounts(catalog: ActionCatalog, eff: EffectivePermissions): BreadthCounts {
  let scratch = unionScratch.get(catalog);
  if (!scratch) {
    scratch = { any: new Uint32Array(eff.granted.length), anyOnAll: new Uint32Array(eff.granted.length) };
    unionScratch.set(catalog, scratch);
  }
  const { any, anyOnAll } = scratch;
  for (let i = 0; i < any.length; i++) {
    any[i] = eff.granted[i]! | eff.conditional[i]!;
    anyOnAll[i] = eff.grantedOnAll[i]! | eff.conditionalOnAll[i]!;
  }
  const unconditional = count(eff.granted);
  const conditional = count(eff.conditional);
  const total = unconditional + conditional;
  let services = 0;
  if (total > 0) for (const s of catalog.services) if (anyInRange(any, s.start, s.end)) services += 1;
  const byLevel = Object.fromEntries(
    ACCESS_LEVELS.map((level, i) => [level, total === 0 ? 0 : countAnd(any, catalog.levelMasks[i]!)]),
  ) as Record<AccessLevel, number>;
  const pm = catalog.levelMasks[PERMISSIONS_MANAGEMENT]!;
  const dataReadOnAll: string[] = [];
  const onAllResources = count(anyOnAll);
  if (onAllResources > 0 && countAnd(anyOnAll, catalog.dataReadMask) > 0) {
    const hits = new Uint32Array(anyOnAll.length);
    for (let i = 0; i < hits.length; i++) hits[i] = anyOnAll[i]! & catalog.dataReadMask[i]!;
    for (const id of bitsOf(hits)) dataReadOnAll.push(catalog.names[id]!);
  }
  const grantedOnAllCount = count(eff.grantedOnAll);
  return {
    unconditional,
    conditional,
    total,
    services,
    share: catalog.size === 0 ? 0 : total / catalog.size,
    byLevel,
    onAllResources,
    permissionsManagement: byLevel['Permissions management'],
    permissionsManagementOnAll: onAllResources === 0 ? 0 : countAnd(anyOnAll, pm),
    dataReadOnAll,
    adminEquivalent: grantedOnAllCount >= catalog.size * (1 - ADMIN_TOLERANCE),
  };
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
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const med = median(sorted);
  const deviations = sorted.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  return { count: sorted.length, median: med, p90: percentile(sorted, 90), max: sorted.at(-1) ?? 0, mad: median(deviations) };
}

/**
 * Modified z-score (Iglewicz & Hoaglin): 0.6745 · (x − median) / MAD. When more than
 * half the values are equal the MAD is 0; the mean absolute deviation (× 1.2533, its
 * ratio to σ for normal data) then stands in. Both 0 means every value is equal: no
 * value is an outlier (score 0).
 */
export function modifiedZScores(values: number[]): number[] {
  const d = distribution(values);
  if (d.mad > 0) return values.map((v) => (0.6745 * (v - d.median)) / d.mad);
  const meanAd = values.reduce((sum, v) => sum + Math.abs(v - d.median), 0) / (values.length || 1);
  if (meanAd === 0) return values.map(() => 0);
  return values.map((v) => (v - d.median) / (1.253314 * meanAd));
}
