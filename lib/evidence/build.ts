/**
 * From findings to evidence: build the records and the manifest of one account's run.
 *
 * Everything here is a pure function of its inputs (no clock, no randomness), so a retried
 * run produces byte-identical records and the store can treat the retry as a no-op.
 * Values are capped so an item stays far below DynamoDB's 400 KB limit for any account size;
 * every cut records the original size and the SHA-256 of the original value.
 */
import type { Finding } from '../rules/types';
import type { AccountSnapshot } from '../snapshot';
import { canonicalJson, hashCanonical, sha256Hex } from './canonical';
import {
  EvidenceRecord,
  MANIFEST_VERSION,
  RECORD_VERSION,
  RUN_ID_PATTERN,
  type CappedList,
  type CollectionFailure,
  type ManifestContext,
  type RunIncomplete,
  type PreviousManifest,
  type RunManifest,
  type UnhashedManifest,
  type UnhashedRecord,
  type ValueCap,
} from './record';
import { keys } from './table';

export interface CapLimits {
  /** Resources kept in a record (the rest: count + hash). */
  resources: number;
  /** Entries kept of any array inside observed/threshold. */
  arrayItems: number;
  /** Keys kept of any object inside observed/threshold. */
  objectKeys: number;
  /** Characters kept of any string inside observed/threshold. */
  stringChars: number;
  /** Upper bound of a record's canonical JSON after the caps above (bytes). */
  recordBytes: number;
}

/** Defaults: a record of 18 rules × these limits stays below ~100 KB; DynamoDB's limit is 400 KB. */
export const DEFAULT_CAPS: CapLimits = { resources: 100, arrayItems: 100, objectKeys: 500, stringChars: 2048, recordBytes: 100_000 };

/** Requirement ids for a rule (injected so the evidence layer does not depend on a framework version). */
export type RequirementLookup = (ruleId: string) => string[];

export interface BuildRecordsInput {
  snapshot: AccountSnapshot;
  findings: readonly Finding[];
  runId: string;
  requirementsFor: RequirementLookup;
  caps?: Partial<CapLimits>;
}

export class InvalidRunError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'InvalidRunError';
  }
}

/** Normalise an ISO-8601 date to `toISOString()` form so that key order is time order. */
export function normaliseInstant(value: string, what: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidRunError(`${what} "${value}" is not an ISO-8601 date`);
  return new Date(ms).toISOString();
}

export function assertRunId(runId: string): void {
  if (!RUN_ID_PATTERN.test(runId)) {
    throw new InvalidRunError(`run id "${runId}" is invalid: use 1–128 characters of A-Z a-z 0-9 . _ : - (no "#", it separates key parts)`);
  }
}

/** Sort and cap a list (not de-duplicated: the count must stay the true number of entries). */
export function capList(values: readonly string[], limit: number): CappedList {
  const sorted = [...values].sort();
  return {
    items: sorted.slice(0, limit),
    count: sorted.length,
    sha256: sha256Hex(sorted.join('\n')),
    capped: sorted.length > limit,
  };
}

/** Cap arrays, objects and strings inside `value`, recording each cut in `caps`. */
function capValue(value: unknown, path: string, limits: CapLimits, caps: ValueCap[]): unknown {
  if (typeof value === 'string') {
    if (value.length <= limits.stringChars) return value;
    caps.push({ path, kind: 'string', count: value.length, kept: limits.stringChars, sha256: hashCanonical(value) });
    return value.slice(0, limits.stringChars);
  }
  if (Array.isArray(value)) {
    const kept = value.slice(0, limits.arrayItems).map((v, i) => capValue(v, `${path}[${i}]`, limits, caps));
    if (value.length > limits.arrayItems) {
      caps.push({ path, kind: 'array', count: value.length, kept: limits.arrayItems, sha256: hashCanonical(value) });
    }
    return kept;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    const out: Record<string, unknown> = {};
    for (const k of entries.slice(0, limits.objectKeys)) out[k] = capValue((value as Record<string, unknown>)[k], `${path}.${k}`, limits, caps);
    if (entries.length > limits.objectKeys) {
      caps.push({ path, kind: 'object', count: entries.length, kept: limits.objectKeys, sha256: hashCanonical(value) });
    }
    return out;
  }
  return value;
}

/**
 * Cap observed and threshold; if the record is still over `recordBytes`, replace the largest
 * top-level observed values by their cap entry until it fits.
 */
function capFindingValues(finding: Finding, limits: CapLimits): { observed: Record<string, unknown>; threshold: Record<string, unknown>; caps: ValueCap[] } {
  const caps: ValueCap[] = [];
  const observed = capValue(finding.observed, 'observed', limits, caps) as Record<string, unknown>;
  const threshold = capValue(finding.threshold, 'threshold', limits, caps) as Record<string, unknown>;
  let size = canonicalJson(observed).length + canonicalJson(threshold).length;
  if (size > limits.recordBytes) {
    const bySize = Object.keys(observed)
      .map((k) => ({ k, bytes: canonicalJson(observed[k] ?? null).length }))
      .sort((a, b) => b.bytes - a.bytes || a.k.localeCompare(b.k));
    for (const { k, bytes } of bySize) {
      if (size <= limits.recordBytes) break;
      const original = finding.observed[k];
      caps.push({ path: `observed.${k}`, kind: 'value', count: canonicalJson(original ?? null).length, kept: 0, sha256: hashCanonical(original ?? null) });
      delete observed[k];
      size -= bytes;
    }
  }
  caps.sort((a, b) => a.path.localeCompare(b.path));
  return { observed, threshold, caps };
}

export function hashRecord(record: UnhashedRecord): string {
  return hashCanonical(record);
}

/** The canonical body of a record: exactly what its hash covers (stored as the item's `body`). */
export function recordBody(record: EvidenceRecord | UnhashedRecord): string {
  const { hash: _hash, ...rest } = record as EvidenceRecord;
  return canonicalJson(rest);
}

/** One record per finding, sorted by rule id. Throws on duplicate rule ids (one finding per rule per account). */
export function buildRecords(input: BuildRecordsInput): EvidenceRecord[] {
  assertRunId(input.runId);
  const limits: CapLimits = { ...DEFAULT_CAPS, ...input.caps };
  const { snapshot } = input;
  const collectedAt = normaliseInstant(snapshot.collectedAt, `snapshot of account ${snapshot.account.id}: collectedAt`);
  const seen = new Set<string>();
  const records = input.findings.map((finding) => {
    if (seen.has(finding.ruleId)) throw new InvalidRunError(`account ${snapshot.account.id}: two findings for rule ${finding.ruleId} (one per rule per account)`);
    seen.add(finding.ruleId);
    const { observed, threshold, caps } = capFindingValues(finding, limits);
    const unhashed: UnhashedRecord = {
      recordVersion: RECORD_VERSION,
      accountId: snapshot.account.id,
      ...(snapshot.account.alias !== undefined ? { accountAlias: snapshot.account.alias } : {}),
      runId: input.runId,
      collectedAt,
      ruleId: finding.ruleId,
      requirementIds: [...new Set(input.requirementsFor(finding.ruleId))].sort(),
      status: finding.status,
      severity: finding.severity,
      message: finding.message,
      observed,
      threshold,
      caps,
      resources: capList(finding.resources, limits.resources),
      source: { kind: snapshot.source.kind, name: snapshot.source.name, toolVersion: snapshot.source.toolVersion },
    };
    return EvidenceRecord.parse({ ...unhashed, hash: hashRecord(unhashed) });
  });
  return records.sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}

export function hashManifest(manifest: UnhashedManifest): string {
  return hashCanonical(manifest);
}

export function manifestBody(manifest: RunManifest | UnhashedManifest): string {
  const { hash: _hash, ...rest } = manifest as RunManifest;
  return canonicalJson(rest);
}

/** What a manifest may add to the run's record list (both absent on a complete, successful run). */
export interface ManifestExtras {
  incomplete?: RunIncomplete;
  collectionFailed?: CollectionFailure;
  /**
   * The collection context the sealer read (null: none). Given → a version 2 manifest that seals
   * it; undefined → a version 1 manifest (what manifests sealed before contexts were covered hold).
   */
  context?: ManifestContext | null;
}

/** The run a manifest seals, when it cannot be read from its records (an incomplete run may hold none). */
export interface RunIdentity {
  accountId: string;
  runId: string;
  collectedAt: string;
  source: EvidenceRecord['source'];
}

/** The manifest sealing one account's run (records all from that account and run). */
export function buildManifest(records: readonly EvidenceRecord[], previous: PreviousManifest | null, extras: ManifestExtras = {}, run?: RunIdentity): RunManifest {
  const first = run ?? records[0];
  if (!first) throw new InvalidRunError('a run manifest needs at least one record');
  for (const r of records) {
    if (r.accountId !== first.accountId || r.runId !== first.runId || r.collectedAt !== first.collectedAt) {
      throw new InvalidRunError(`records of one manifest must share account, run and collectedAt: ${r.ruleId} is ${r.accountId}/${r.runId}/${r.collectedAt}, expected ${first.accountId}/${first.runId}/${first.collectedAt}`);
    }
  }
  const entries = [...records]
    .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0))
    .map((r) => ({ ruleId: r.ruleId, sk: keys.recordSk(r.collectedAt, r.runId, r.ruleId), hash: r.hash }));
  const unhashed: UnhashedManifest = {
    manifestVersion: extras.context === undefined ? 1 : MANIFEST_VERSION,
    accountId: first.accountId,
    runId: first.runId,
    collectedAt: first.collectedAt,
    source: first.source,
    recordCount: entries.length,
    records: entries,
    previous,
    // Optional members are left out when absent, so a complete run hashes as it always did.
    ...(extras.incomplete ? { incomplete: extras.incomplete } : {}),
    ...(extras.collectionFailed ? { collectionFailed: extras.collectionFailed } : {}),
    ...(extras.context !== undefined ? { context: extras.context } : {}),
  };
  return { ...unhashed, hash: hashManifest(unhashed) };
}
