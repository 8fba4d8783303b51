/**
 * Evidence record and run manifest: the dated, hashed facts a run leaves behind.
 *
 * - An `EvidenceRecord` is one rule's finding for one account in one run. Its `hash` is the
 *   SHA-256 (hex) of `canonicalJson(record without hash)`; the store keeps exactly those bytes
 *   in the item's `body` attribute, so anyone can recompute the hash with `sha256sum`.
 * - A `RunManifest` seals one account's run: the hash of every record of the run and the hash
 *   of the account's previous manifest, so the manifests form a chain (like CloudTrail digest
 *   files). Deleting, inserting or editing anything breaks a hash or a link.
 *
 * Records contain no wall-clock time: the same snapshot, findings and run id give
 * byte-identical records, so a retried run is a no-op.
 */
import { z } from 'zod';
import { SEVERITIES, STATUSES } from '../rules/types';

export const RECORD_VERSION = 1;
/**
 * Manifest versions: 1 seals the records only; 2 also seals the run's collection context (who
 * collected it, with which tool, parameters and scope — lib/accountability/context.ts) by its
 * hash, or says there was none (`context: null`). The sealer writes version 2; version 1
 * manifests (sealed before) stay valid and are verified as they were, their contexts reported
 * as not covered by the signature.
 */
export const MANIFEST_VERSION = 2;
export const MANIFEST_VERSIONS = [1, 2] as const;

/** Run ids go into keys, so they may not contain `#`. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const RunId = z.string().regex(RUN_ID_PATTERN, 'a run id is 1–128 characters of A-Z a-z 0-9 . _ : -');

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hex digest');
const AccountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');
/** Normalised ISO-8601 UTC (`Date.prototype.toISOString`), so string order = time order. */
const IsoInstant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s, { message: 'expected an ISO-8601 UTC instant like 2026-01-22T06:00:00.000Z' });

export const EvidenceSource = z.object({
  kind: z.enum(['live', 'export', 'scenario']),
  name: z.string(),
  toolVersion: z.string(),
});
export type EvidenceSource = z.infer<typeof EvidenceSource>;

/** A list cut to its first entries, with what is needed to prove what the full list was. */
export const CappedList = z.object({
  /** The first entries of the full list, sorted. */
  items: z.array(z.string()),
  /** Number of entries in the full list. */
  count: z.number().int().nonnegative(),
  /** SHA-256 of the full sorted list joined with `\n` (empty list: hash of the empty string). */
  sha256: Sha256,
  /** True when `items` holds fewer entries than `count`. */
  capped: z.boolean(),
});
export type CappedList = z.infer<typeof CappedList>;

/** Where `observed` (or `threshold`) was cut to keep an item small: path, original size and hash. */
export const ValueCap = z.object({
  /** JSON path of the cut value, e.g. `observed.usersWithoutMfa`. */
  path: z.string(),
  kind: z.enum(['array', 'object', 'string', 'value']),
  /** Entries (array), keys (object) or characters (string) of the original value. */
  count: z.number().int().nonnegative(),
  /** How many were kept. */
  kept: z.number().int().nonnegative(),
  /** SHA-256 of `canonicalJson` of the original value. */
  sha256: Sha256,
});
export type ValueCap = z.infer<typeof ValueCap>;

export const EvidenceRecord = z.object({
  recordVersion: z.literal(RECORD_VERSION),
  accountId: AccountId,
  accountAlias: z.string().optional(),
  runId: RunId,
  /** The snapshot's collection time: when the facts were true. */
  collectedAt: IsoInstant,
  ruleId: z.string().min(1),
  /** Requirement ids (lib/frameworks) that list the rule at the time of the run, sorted. */
  requirementIds: z.array(z.string()),
  status: z.enum(STATUSES),
  severity: z.enum(SEVERITIES),
  message: z.string(),
  observed: z.record(z.string(), z.unknown()),
  threshold: z.record(z.string(), z.unknown()),
  /** Values cut out of `observed` / `threshold`, with their original size and hash. */
  caps: z.array(ValueCap),
  resources: CappedList,
  source: EvidenceSource,
  /** SHA-256 hex of `canonicalJson` of every other field. */
  hash: Sha256,
});
export type EvidenceRecord = z.infer<typeof EvidenceRecord>;
export type UnhashedRecord = Omit<EvidenceRecord, 'hash'>;

export const ManifestEntry = z.object({
  ruleId: z.string(),
  /** The record's sort key in the table (`RUN#…#RULE#…`). */
  sk: z.string(),
  hash: Sha256,
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export const PreviousManifest = z.object({
  runId: RunId,
  collectedAt: IsoInstant,
  hash: Sha256,
});
export type PreviousManifest = z.infer<typeof PreviousManifest>;

/**
 * Why a sealed run holds fewer records than it planned (absent on a complete run): an
 * interrupted run closed by the next one without the facts to finish it. The gap is part of
 * the hashed manifest, so it stays visible as evidence.
 */
export const RunIncomplete = z.object({
  reason: z.string(),
  /** Records the run planned when it was opened (its header). */
  expectedRecords: z.number().int().nonnegative(),
  /** Planned records that were never written (rule, key, planned hash). */
  missing: z.array(ManifestEntry),
});
export type RunIncomplete = z.infer<typeof RunIncomplete>;

/** The run recorded a failed collection (nothing could be read from the account): not a successful collection. */
export const CollectionFailure = z.object({
  operation: z.string(),
  code: z.string(),
  message: z.string(),
});
export type CollectionFailure = z.infer<typeof CollectionFailure>;

/** The run's collection context item as the sealer read it: its key and the SHA-256 of its stored body. */
export const ManifestContext = z.object({
  sk: z.string(),
  sha256: Sha256,
});
export type ManifestContext = z.infer<typeof ManifestContext>;

export const RunManifest = z
  .object({
  manifestVersion: z.union([z.literal(1), z.literal(2)]),
  accountId: AccountId,
  runId: RunId,
  collectedAt: IsoInstant,
  source: EvidenceSource,
  recordCount: z.number().int().nonnegative(),
  /** One entry per record of the run, sorted by rule id. */
  records: z.array(ManifestEntry),
  /** The account's previous manifest (null for the first run): the chain link. */
  previous: PreviousManifest.nullable(),
  /** Set when the run was sealed incomplete (see `RunIncomplete`); absent = every planned record is listed. */
  incomplete: RunIncomplete.optional(),
  /** Set when the run records a failed collection (see `CollectionFailure`). */
  collectionFailed: CollectionFailure.optional(),
  /**
   * Version 2: the collection context the sealer read back (null: the run had none when sealed).
   * Absent in version 1 manifests (sealed before contexts were covered).
   */
  context: ManifestContext.nullable().optional(),
  /** SHA-256 hex of `canonicalJson` of every other field. */
  hash: Sha256,
  })
  .superRefine((m, ctx) => {
    if (m.manifestVersion === 2 && m.context === undefined) ctx.addIssue({ code: 'custom', path: ['context'], message: 'a version 2 manifest states its collection context (or null)' });
    if (m.manifestVersion === 1 && m.context !== undefined) ctx.addIssue({ code: 'custom', path: ['context'], message: 'a version 1 manifest has no collection context' });
  });
export type RunManifest = z.infer<typeof RunManifest>;
export type UnhashedManifest = Omit<RunManifest, 'hash'>;
