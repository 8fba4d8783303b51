/**
 * `EvidenceStore`: the one store implementation, on the DynamoDB API. The deployed stack
 * points it at the real table; the CLI points it at the embedded dynalite (same API).
 *
 * Write path of one account's run (an 18-rule run: 1 + 19 calls to write, then the seal):
 *  1. `BatchGetItem` of every key the run will write (records, run header, account entry):
 *     a read-only shortcut, not the guarantee. Keys already present must hold the SAME
 *     content hash (a retried run: skipped, so a retry costs 1 call instead of ~20 writes);
 *     different content is an `EvidenceConflictError` before anything is written;
 *  2. one conditional `PutItem` per missing item (`attribute_not_exists(pk)`), at most
 *     `WRITE_CONCURRENCY` in flight. The condition is the guarantee: an item that appeared
 *     since step 1 (a concurrent writer) is never overwritten; its stored content (returned
 *     with the failure, `ReturnValuesOnConditionCheckFailure: ALL_OLD`, or read back where the
 *     store does not return it) is compared: identical = already present, different = conflict;
 *  3. the SEALER (lib/evidence/seal.ts, another role when deployed) reads the run back,
 *     builds and signs the manifest, and writes it with `putManifest` — last: it seals the run.
 *
 * Why not `BatchWriteItem` (1 call instead of ~20): its PutRequests take no condition, so a
 * concurrent writer could be overwritten between check and write, and IAM can't tell a batch
 * put from a batch delete — the writer role would hold the power to delete evidence. With
 * conditional `PutItem` only, the deployed writer can add items and never remove or alter one.
 *
 * No transactions (the embedded store has none): the manifest written last marks completion;
 * a run with records but no manifest is listed as incomplete.
 */
import { parseStrictIsoDate } from '../support/strict-date';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
// A dependency of lib-dynamodb (always installed with it): the exception's `Item` is not unmarshalled.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { z } from 'zod';
import { canonicalJson, hashCanonical, sha256Hex } from './canonical';
import { manifestBody, normaliseInstant, recordBody } from './build';
import {
  CorruptItemError,
  EvidenceConflictError,
  EvidenceTableMissingError,
  EvidenceWriteError,
  InvalidDateRangeError,
  UnknownAccountError,
} from './errors';
import { EvidenceRecord, RunManifest, type CollectionFailure, type EvidenceSource, type ManifestEntry } from './record';
import { SIGNATURE_ALGORITHM, type ManifestSignature } from './signing';
import { recordExpiresAt, type RetentionPolicy } from './retention';
import { ACCOUNTS_PK, REPORTS_PK, BY_RULE_INDEX, BY_RUN_INDEX, KEY_HIGH, keys } from './table';

/** Item attributes as stored (DocumentClient form). */
export type Item = Record<string, unknown> & { pk: string; sk: string };

export interface RetryPolicy {
  /** Attempts per call refused by throttling, first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 3_000 };

export interface EvidenceStoreOptions {
  client: DynamoDBClient | DynamoDBDocumentClient;
  tableName: string;
  /** Shown in "table missing" errors. */
  region?: string;
  retry?: Partial<RetryPolicy>;
  /** Injected in tests so backoff takes no real time. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected in tests for deterministic jitter. */
  random?: () => number;
  /** Fault injection (tests): called before every write the store makes; a throw acts as a crash there. */
  faults?: StoreFaults;
  /** Largest compressed run payload stored (default `PAYLOAD_MAX_CHARS`); tests lower it to exercise runs that cannot be resumed. */
  payloadMaxChars?: number;
  /**
   * Evidence retention enforced by DynamoDB TTL (the deployed functions, functions/shared/evidence.ts):
   * record and payload items get `expiresAt` from the policy in force when their run was collected.
   * Absent (the CLI's embedded store, readers): no `expiresAt`, no extra call.
   */
  expiry?: RecordExpiry;
}

/** Where the retention policy in force at a run's collection comes from (the register, as of `collectedAt`). */
export interface RecordExpiry {
  policyAt(accountId: string, collectedAt: string): Promise<RetentionPolicy>;
}

/**
 * The table's TTL attribute (epoch seconds; infra/constructs/evidence-table.ts enables TTL on it).
 * An instruction to DynamoDB, NOT evidence: it is outside the record's hash, verify does not
 * trust it (a record is "expired" only under the policy in force at its collection, see
 * `missingRecordVerdict`), so an early TTL forged on a record makes its deletion read as deleted.
 */
export const EXPIRES_AT_ATTRIBUTE = 'expiresAt';

const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export interface StoreFaults {
  beforeWrite?(item: Item): void | Promise<void>;
}

export interface WriteRunResult {
  accountId: string;
  runId: string;
  collectedAt: string;
  records: number;
  /** Items newly written (records + run header). */
  written: number;
  /** Items that were already stored with identical content (retried run). */
  alreadyPresent: number;
}

export interface RunSummary {
  accountId: string;
  runId: string;
  collectedAt: string;
  /**
   * complete = sealed by a manifest listing every planned record; incomplete = sealed as
   * incomplete (an interrupted run closed by a later one: the gap is in its manifest);
   * open = a header without a manifest (in progress, or interrupted and not yet closed).
   */
  status: 'complete' | 'incomplete' | 'open';
  /** Why a run was sealed incomplete. */
  reason?: string;
  /** The run records a failed collection (nothing could be read from the account). */
  collectionFailed?: boolean;
  recordCount: number;
  manifestHash?: string;
  source?: EvidenceSource;
}

export interface DateRange {
  from?: string;
  to?: string;
}

export type HistoryQuery = DateRange & { accountId: string } & ({ ruleId: string; requirementId?: undefined } | { requirementId: string; ruleId?: undefined });

/** Every item of one account in a window, as verify needs them. */
export interface AccountItems {
  records: Item[];
  headers: Item[];
  manifests: Item[];
  /** Collection contexts (CONTEXT#…), checked against the version 2 manifests that seal them; absent = not read. */
  contexts?: Item[];
}

const BATCH_GET_MAX = 100;
/** Largest compressed payload kept in one item (DynamoDB's item limit is 400 KB, keys and attributes included). */
export const PAYLOAD_MAX_CHARS = 350_000;
/** Conditional puts in flight per run: 8 keeps a run to ~3 round trips without bursting a table. */
export const WRITE_CONCURRENCY = 8;

/** `YYYY-MM-DD` or an ISO instant → the string bounds used against `<collectedAt>…` keys. */
export function dateBounds(range: DateRange): { lower: string; upper: string } {
  const norm = (v: string, what: string): string => {
    // Strict: 2026-02-30 is refused, never rolled over to 2 March.
    const t = parseStrictIsoDate(v);
    if (t === undefined) throw new InvalidDateRangeError(`${what} "${v}" is not a date (use YYYY-MM-DD or an ISO-8601 instant; impossible days such as 2026-02-30 are refused, never rolled over)`);
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
    return new Date(t).toISOString();
  };
  // '0' sorts below every ISO date (and is not an empty string, which key conditions refuse).
  const lower = range.from !== undefined ? norm(range.from, '--from') : '0';
  // Date-only upper bounds include the whole day; KEY_HIGH sorts after every key character.
  const upper = range.to !== undefined ? `${norm(range.to, '--to')}${KEY_HIGH}` : KEY_HIGH;
  if (lower > upper) throw new InvalidDateRangeError(`inverted date range: --from ${range.from} is after --to ${range.to}`);
  return { lower, upper };
}

function isThrottle(error: unknown): boolean {
  if (error instanceof ProvisionedThroughputExceededException) return true;
  const name = (error as { name?: string } | null)?.name;
  return name === 'ProvisionedThroughputExceededException' || name === 'ThrottlingException' || name === 'RequestLimitExceeded';
}

function isConditionalFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

function keyOf(item: { pk: string; sk: string }): string {
  return `${item.pk}\u0000${item.sk}`;
}

/** Per-field hashes: diagnostic only (lets verify name the edited field); the seal is `hash`. */
function fieldHashes(record: EvidenceRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) if (k !== 'hash') out[k] = hashCanonical(v);
  return out;
}

export function recordItem(record: EvidenceRecord): Item {
  return {
    pk: keys.account(record.accountId),
    sk: keys.recordSk(record.collectedAt, record.runId, record.ruleId),
    gsi1pk: keys.byRulePk(record.accountId, record.ruleId),
    gsi1sk: keys.byRuleSk(record.collectedAt, record.runId),
    gsi2pk: keys.byRunPk(record.runId),
    gsi2sk: keys.byRunRecordSk(record.accountId, record.ruleId),
    type: 'RECORD',
    accountId: record.accountId,
    runId: record.runId,
    collectedAt: record.collectedAt,
    ruleId: record.ruleId,
    requirementIds: record.requirementIds,
    status: record.status,
    severity: record.severity,
    body: recordBody(record),
    hash: record.hash,
    fieldHashes: fieldHashes(record),
  };
}

/** What a run header adds to the records it announces. */
export interface HeaderExtras {
  /** SHA-256 of the canonical JSON of the run's records, when they are stored in its payload item. */
  payloadSha256?: string;
  collectionFailed?: CollectionFailure;
}

/**
 * The run header: written FIRST, before any record, so a record without a header can only be
 * an insertion. It plans the run (every record's key and hash): whoever closes an interrupted
 * run knows exactly what it was meant to hold.
 */
export function headerItem(records: readonly EvidenceRecord[], extras: HeaderExtras = {}): Item {
  const r = records[0] as EvidenceRecord;
  return {
    pk: keys.account(r.accountId),
    sk: keys.openSk(r.collectedAt, r.runId),
    gsi2pk: keys.byRunPk(r.runId),
    gsi2sk: keys.byRunOpenSk(r.accountId),
    type: 'RUN',
    accountId: r.accountId,
    runId: r.runId,
    collectedAt: r.collectedAt,
    recordCount: records.length,
    source: r.source,
    plan: planOf(records),
    ...(extras.payloadSha256 ? { payloadSha256: extras.payloadSha256 } : {}),
    ...(extras.collectionFailed ? { collectionFailed: extras.collectionFailed } : {}),
  };
}

/** Manifest entries of a set of records, sorted by rule id (what a complete manifest will list). */
export function planOf(records: readonly EvidenceRecord[]): ManifestEntry[] {
  return [...records]
    .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0))
    .map((r) => ({ ruleId: r.ruleId, sk: keys.recordSk(r.collectedAt, r.runId, r.ruleId), hash: r.hash }));
}

function registryItem(accountId: string): Item {
  return { pk: ACCOUNTS_PK, sk: keys.registrySk(accountId), type: 'ACCOUNT', accountId };
}

/** Every attribute a manifest item has: the sealer's PutItem is limited to these (infra/constructs/evidence-table.ts). */
export const MANIFEST_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi2pk',
  'gsi2sk',
  'type',
  'accountId',
  'runId',
  'collectedAt',
  'recordCount',
  'previousHash',
  'body',
  'hash',
  'signature',
  'signatureAlgorithm',
  'signingKeyId',
] as const;

/**
 * The manifest item. `signature*` attributes sit beside the body they sign (a signature cannot
 * be inside what it signs); verify checks them against a trusted public key, never against
 * `signingKeyId`.
 */
export function manifestItem(manifest: RunManifest, signature: ManifestSignature): Item {
  return {
    pk: keys.account(manifest.accountId),
    sk: keys.manifestSk(manifest.collectedAt, manifest.runId),
    gsi2pk: keys.byRunPk(manifest.runId),
    gsi2sk: keys.byRunManifestSk(manifest.accountId),
    type: 'MANIFEST',
    accountId: manifest.accountId,
    runId: manifest.runId,
    collectedAt: manifest.collectedAt,
    recordCount: manifest.recordCount,
    previousHash: manifest.previous?.hash ?? 'NONE',
    body: manifestBody(manifest),
    hash: manifest.hash,
    signature: signature.value,
    signatureAlgorithm: signature.algorithm,
    signingKeyId: signature.keyId,
  };
}

/** The signature stored with a manifest item, or undefined when it has none (unsigned = not sealed by art32's sealer). */
export function manifestSignatureOf(item: Record<string, unknown>): ManifestSignature | undefined {
  if (typeof item.signature !== 'string' || item.signatureAlgorithm !== SIGNATURE_ALGORITHM || typeof item.signingKeyId !== 'string') return undefined;
  return { algorithm: SIGNATURE_ALGORITHM, keyId: item.signingKeyId, value: item.signature };
}

/** Content hash of an item for idempotency checks: the evidence hash, or the canonical item for index items. */
function contentHash(item: Record<string, unknown>): string {
  return typeof item.hash === 'string' && (item.type === 'RECORD' || item.type === 'MANIFEST') ? item.hash : sha256Hex(canonicalJson(item));
}

/** Parse an item's body back into the record or manifest it seals (the body is the source of truth). */
function parseBodyItem<T>(item: Item, schema: z.ZodType<T>): T {
  if (typeof item.body !== 'string' || typeof item.hash !== 'string') throw new CorruptItemError(item, 'missing body or hash');
  let parsed: unknown;
  try {
    parsed = JSON.parse(item.body);
  } catch (error) {
    throw new CorruptItemError(item, `body is not JSON (${(error as Error).message})`);
  }
  const result = schema.safeParse({ ...(parsed as object), hash: item.hash });
  if (!result.success) throw new CorruptItemError(item, result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return result.data;
}

export function parseRecordItem(item: Item): EvidenceRecord {
  return parseBodyItem(item, EvidenceRecord);
}

export function parseManifestItem(item: Item): RunManifest {
  return parseBodyItem(item, RunManifest);
}

export class EvidenceStore {
  public readonly tableName: string;
  public readonly region: string | undefined;
  private readonly doc: DynamoDBDocumentClient;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly faults: StoreFaults;
  private readonly payloadMaxChars: number;
  private readonly expiry: RecordExpiry | undefined;
  private readonly policies = new Map<string, Promise<RetentionPolicy>>();
  /** API calls made by this store, per command name (bench and summaries read it). */
  public readonly calls: Record<string, number> = {};

  public constructor(options: EvidenceStoreOptions) {
    this.tableName = options.tableName;
    this.region = options.region;
    this.doc =
      options.client instanceof DynamoDBDocumentClient
        ? options.client
        : DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.faults = options.faults ?? {};
    this.payloadMaxChars = options.payloadMaxChars ?? PAYLOAD_MAX_CHARS;
    this.expiry = options.expiry;
  }

  /** The retention policy of a run (with `expiry` only), read once per run. */
  private policyAt(accountId: string, collectedAt: string): Promise<RetentionPolicy> | undefined {
    if (!this.expiry) return undefined;
    const key = `${accountId}\u0000${collectedAt}`;
    let p = this.policies.get(key);
    if (!p) {
      p = this.expiry.policyAt(accountId, collectedAt);
      p.catch(() => this.policies.delete(key));
      this.policies.set(key, p);
    }
    return p;
  }

  /** The item a record is stored as: `recordItem`, plus `expiresAt` when this store enforces retention by TTL. */
  public async recordItemFor(record: EvidenceRecord): Promise<Item> {
    const item = recordItem(record);
    const policy = await this.policyAt(record.accountId, record.collectedAt);
    return policy ? { ...item, [EXPIRES_AT_ATTRIBUTE]: epochSeconds(recordExpiresAt(record.collectedAt, record.ruleId, policy)) } : item;
  }

  /** The document client, for the register (lib/register/store.ts), which keeps its own items in this table. */
  public get documentClient(): DynamoDBDocumentClient {
    return this.doc;
  }

  public totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  // ------------------------------------------------------------------ low level

  private async send<T>(command: { constructor: { name: string } }): Promise<T> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one funnel for every command type
      return (await this.doc.send(command as any)) as T;
    } catch (error) {
      if (error instanceof ResourceNotFoundException || (error as { name?: string } | null)?.name === 'ResourceNotFoundException') {
        throw new EvidenceTableMissingError(this.tableName, this.region ?? (await this.resolveRegion()));
      }
      throw error;
    }
  }

  private async resolveRegion(): Promise<string | undefined> {
    try {
      const region = this.doc.config.region;
      return typeof region === 'function' ? await region() : region;
    } catch {
      return undefined;
    }
  }

  /** Full-jitter exponential backoff (AWS architecture blog "Exponential Backoff and Jitter"). */
  private backoff(attempt: number): Promise<void> {
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
    return this.sleep(Math.floor(this.random() * cap));
  }

  /**
   * Append one item: conditional `PutItem` (the key must not exist), throttling retried with
   * backoff, bounded. Returns 'written', or 'present' when the key already holds the same
   * content; different content is an `EvidenceConflictError`.
   */
  /**
   * A run's collection context item (lib/evidence/context-item.ts): first writer wins — an item
   * already stored is kept whatever it says (a retry never rewrites who first collected the run).
   */
  public async putContextItem(item: Item): Promise<'written' | 'present'> {
    try {
      await this.sendRetryingThrottles(
        () => new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
        `PutItem on ${this.tableName}: pk=${item.pk} sk=${item.sk}`,
      );
      return 'written';
    } catch (error) {
      if (isConditionalFailure(error)) return 'present';
      throw error;
    }
  }

  public async putNew(item: Item): Promise<'written' | 'present'> {
    await this.faults.beforeWrite?.(item);
    try {
      await this.sendRetryingThrottles(
        () => new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        `PutItem on ${this.tableName}: pk=${item.pk} sk=${item.sk}`,
      );
      return 'written';
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const stored = await this.storedAfterConditionFailure(error, item);
      const storedHash = contentHash(stored);
      const newHash = contentHash(item);
      if (storedHash !== newHash) throw new EvidenceConflictError({ pk: item.pk, sk: item.sk }, storedHash, newHash);
      return 'present';
    }
  }

  /**
   * Send a write, retrying throttling with bounded, jittered backoff (beyond the SDK's own
   * retries), then fail with a message naming the item. Every evidence write — records and
   * the manifest that seals them — goes through here, so a busy table delays a run instead
   * of leaving it unsealed.
   */
  private async sendRetryingThrottles<T>(command: () => { constructor: { name: string } }, what: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await this.backoff(attempt);
      try {
        return await this.send<T>(command());
      } catch (error) {
        if (!isThrottle(error)) throw error;
        if (attempt + 1 >= this.retry.maxAttempts) {
          throw new EvidenceWriteError(`${what} still throttled after ${this.retry.maxAttempts} attempts. Nothing was sealed: re-run with the same run id to finish the run.`, {
            cause: error,
          });
        }
      }
    }
  }

  /**
   * The item that made a conditional put fail. DynamoDB returns it with the error
   * (ALL_OLD, no extra call); stores that don't (dynalite) get a consistent GetItem.
   */
  private async storedAfterConditionFailure(error: unknown, item: Item): Promise<Record<string, unknown>> {
    const returned = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
    if (returned && Object.keys(returned).length > 0) return unmarshall(returned);
    const out = await this.send<{ Item?: Item }>(new GetCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }));
    // Gone between the failed put and the read: only a delete (break-glass) can do that; never rewrite it.
    if (!out.Item) throw new EvidenceWriteError(`pk=${item.pk} sk=${item.sk} existed at the conditional write but not when read back: deleted meanwhile; not rewritten`);
    return out.Item;
  }

  /**
   * `putNew` for each item, at most `WRITE_CONCURRENCY` in flight. After a failure no new put
   * starts (the ones in flight finish), and the first error is thrown.
   */
  private async putAllNew(items: readonly Item[]): Promise<Item[]> {
    const written: Item[] = [];
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      while (!failure && next < items.length) {
        const item = items[next++] as Item;
        try {
          if ((await this.putNew(item)) === 'written') written.push(item);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
    if (failure) throw failure.error;
    return written;
  }

  /** BatchGetItem with UnprocessedKeys and throttling retried. */
  private async batchGet(itemKeys: readonly { pk: string; sk: string }[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (let i = 0; i < itemKeys.length; i += BATCH_GET_MAX) {
      let pending = itemKeys.slice(i, i + BATCH_GET_MAX).map((k) => ({ pk: k.pk, sk: k.sk }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= this.retry.maxAttempts) {
          throw new EvidenceWriteError(`BatchGetItem on ${this.tableName}: ${pending.length} key(s) still unprocessed after ${this.retry.maxAttempts} attempts (throttled)`);
        }
        if (attempt > 0) await this.backoff(attempt);
        try {
          const out = await this.send<{ Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, { Keys?: { pk: string; sk: string }[] }> }>(
            new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
          );
          for (const item of out.Responses?.[this.tableName] ?? []) found.set(keyOf(item), item);
          pending = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        } catch (error) {
          if (!isThrottle(error)) throw error;
        }
      }
    }
    return found;
  }

  /** Every page of a Query. */
  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>, limitItems?: number): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.send<{ Items?: Item[]; LastEvaluatedKey?: Record<string, unknown> }>(
        new QueryCommand({ TableName: this.tableName, ...input, ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }),
      );
      items.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey && (limitItems === undefined || items.length < limitItems));
    return items;
  }

  // ------------------------------------------------------------------ writes

  /**
   * Write one account's run of records (not yet sealed). Idempotent: identical items already
   * stored are skipped; different content under an existing key is an `EvidenceConflictError`
   * (nothing of the run is written when the existence check sees it; when a concurrent writer
   * gets there between check and write, the items written so far stay, unsealed, and no
   * existing item is ever overwritten).
   */
  public async writeRun(records: readonly EvidenceRecord[], extras: HeaderExtras = {}): Promise<WriteRunResult> {
    const first = records[0];
    if (!first) throw new EvidenceWriteError('writeRun needs at least one record');
    for (const r of records) {
      if (r.accountId !== first.accountId || r.runId !== first.runId || r.collectedAt !== first.collectedAt) {
        throw new EvidenceWriteError(`writeRun takes one account's run: ${r.ruleId} is ${r.accountId}/${r.runId}/${r.collectedAt}, expected ${first.accountId}/${first.runId}/${first.collectedAt}`);
      }
    }
    // Order matters: the registry entry (so verify finds the account), then the header (the run
    // is open), then the records. A crash anywhere leaves a prefix the next run can close.
    const registry = registryItem(first.accountId);
    const header = headerItem(records, extras);
    const items = [registry, header, ...(await Promise.all(records.map((r) => this.recordItemFor(r))))];
    const existing = await this.batchGet(items);
    const missing = new Set<Item>();
    // Records compared first: a conflict names the record that differs, not the header planning it.
    for (const item of [...items.slice(2), registry, header]) {
      const stored = existing.get(keyOf(item));
      if (!stored) {
        missing.add(item);
        continue;
      }
      const storedHash = contentHash(stored);
      const newHash = contentHash(item);
      if (storedHash !== newHash) throw new EvidenceConflictError({ pk: item.pk, sk: item.sk }, storedHash, newHash);
    }
    const newlyWritten: Item[] = [];
    for (const item of [registry, header]) if (missing.has(item) && (await this.putNew(item)) === 'written') newlyWritten.push(item);
    newlyWritten.push(...(await this.putAllNew(items.slice(2).filter((i) => missing.has(i)))));
    // The account registry entry is shared by every run: not counted as this run's evidence.
    const evidenceWritten = newlyWritten.filter((i) => i.pk !== ACCOUNTS_PK).length;
    return {
      accountId: first.accountId,
      runId: first.runId,
      collectedAt: first.collectedAt,
      records: records.length,
      written: evidenceWritten,
      alreadyPresent: items.length - 1 - evidenceWritten,
    };
  }

  /**
   * Store the records a run is about to write, compressed, under `PAYLOAD#…` (before its
   * header): the facts the run was opened with, so a retry or the next run finishes it with
   * exactly these records even if a fresh collection would differ (a regenerated credential
   * report). First writer wins: returns the payload item as stored, which may be an earlier
   * attempt's. Records too large for one item are not stored (`omitted`); such a run, if
   * interrupted, is sealed incomplete.
   */
  public async putPayload(records: readonly EvidenceRecord[], collectionFailed?: CollectionFailure): Promise<{ item: Item; ours: boolean }> {
    const first = records[0];
    if (!first) throw new EvidenceWriteError('putPayload needs at least one record');
    const json = canonicalJson(records);
    const data = gzipSync(Buffer.from(json, 'utf8')).toString('base64');
    // The payload holds the same personal data as the records: it expires with the last of them.
    const policy = await this.policyAt(first.accountId, first.collectedAt);
    const expiresAt = policy ? Math.max(...records.map((r) => epochSeconds(recordExpiresAt(r.collectedAt, r.ruleId, policy)))) : undefined;
    const item: Item = {
      pk: keys.account(first.accountId),
      sk: keys.payloadSk(first.collectedAt, first.runId),
      type: 'PAYLOAD',
      accountId: first.accountId,
      runId: first.runId,
      collectedAt: first.collectedAt,
      sha256: sha256Hex(json),
      bytes: json.length,
      ...(collectionFailed ? { collectionFailed } : {}),
      ...(data.length <= this.payloadMaxChars
        ? { encoding: 'gzip+base64', data }
        : { omitted: `compressed records are ${data.length} characters, over the ${this.payloadMaxChars}-character item budget` }),
      ...(expiresAt !== undefined ? { [EXPIRES_AT_ATTRIBUTE]: expiresAt } : {}),
    };
    await this.faults.beforeWrite?.(item);
    try {
      await this.sendRetryingThrottles(
        () => new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        `PutItem on ${this.tableName}: pk=${item.pk} sk=${item.sk} (run payload)`,
      );
      return { item, ours: true };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const stored = (await this.storedAfterConditionFailure(error, item)) as Item;
      return { item: stored, ours: stored.sha256 === item.sha256 };
    }
  }

  /**
   * Delete one item past the evidence retention (`art32 retention --purge`; in the deployed table
   * DynamoDB TTL does it and the resource policy denies DeleteItem). Conditional on the content the
   * caller checked — a RECORD still holding `hash`, a PAYLOAD still holding `sha256` — so a record
   * altered since is never deleted (its tampering stays visible). Returns false when it is gone.
   */
  public async deleteExpired(key: { pk: string; sk: string }, expected: { hash: string } | { sha256: string }): Promise<boolean> {
    const [name, value] = 'hash' in expected ? ['hash', expected.hash] : ['sha256', expected.sha256];
    try {
      await this.sendRetryingThrottles(
        () =>
          new DeleteCommand({
            TableName: this.tableName,
            Key: { pk: key.pk, sk: key.sk },
            ConditionExpression: 'attribute_exists(pk) AND #v = :v',
            ExpressionAttributeNames: { '#v': name },
            ExpressionAttributeValues: { ':v': value },
          }),
        `DeleteItem on ${this.tableName}: pk=${key.pk} sk=${key.sk} (past retention)`,
      );
      return true;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      if (!(await this.getItem(key.pk, key.sk))) return false;
      throw new EvidenceWriteError(`${key.sk} changed since it was checked: not deleted`);
    }
  }

  /** The records a payload item holds, checked against its hash; undefined when it holds none or they do not match. */
  public payloadRecords(item: Item | undefined): EvidenceRecord[] | undefined {
    if (!item || typeof item.data !== 'string' || typeof item.sha256 !== 'string') return undefined;
    try {
      const json = gunzipSync(Buffer.from(item.data, 'base64')).toString('utf8');
      if (sha256Hex(json) !== item.sha256) return undefined;
      const records = (JSON.parse(json) as unknown[]).map((r) => EvidenceRecord.parse(r));
      return records.every((r) => r.hash === hashCanonical(Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'hash')))) && records.length > 0 ? records : undefined;
    } catch {
      return undefined;
    }
  }

  public async getItem(pk: string, sk: string): Promise<Item | undefined> {
    const out = await this.send<{ Item?: Item }>(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }));
    return out.Item;
  }

  /**
   * Where the account's chain stands: its latest manifest and the run headers after it that
   * no manifest seals (interrupted runs, or one in progress), oldest first. Two Queries.
   */
  public async chainState(accountId: string): Promise<{ latest?: RunManifest; open: Item[] }> {
    const latest = await this.latestManifest(accountId);
    const after = latest ? keys.openSk(latest.collectedAt, latest.runId) : 'OPEN#';
    const headers = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': keys.account(accountId), ':lo': after, ':hi': `OPEN#${KEY_HIGH}` },
      ConsistentRead: true,
    });
    return { ...(latest ? { latest } : {}), open: headers.filter((h) => h.sk !== after && h.type === 'RUN') };
  }

  /** Record items stored under one account's run (base table, one Query), by rule id. */
  public async runRecordItems(accountId: string, collectedAt: string, runId: string): Promise<Item[]> {
    return this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.account(accountId), ':prefix': `${keys.runPrefix(collectedAt, runId)}RULE#` },
      ConsistentRead: true,
    });
  }

  /** The account's latest manifest (highest collectedAt, then run id), or undefined. */
  public async latestManifest(accountId: string): Promise<RunManifest | undefined> {
    const out = await this.send<{ Items?: Item[] }>(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.account(accountId), ':prefix': 'MANIFEST#' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item ? parseManifestItem(item) : undefined;
  }

  /**
   * Write a sealed manifest with its signature: conditional put (never replaces a manifest).
   * Only the sealer calls this (lib/evidence/seal.ts): it read the run's records back, built
   * the manifest from them and signed its body. Returns false when a manifest is already
   * stored under that key (the caller compares it).
   */
  public async putManifest(manifest: RunManifest, signature: ManifestSignature): Promise<boolean> {
    const item = manifestItem(manifest, signature);
    try {
      await this.faults.beforeWrite?.(item);
      await this.sendRetryingThrottles(
        () => new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
        `PutItem on ${this.tableName}: pk=${item.pk} sk=${item.sk} (manifest)`,
      );
      return true;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return false;
    }
  }

  /** The stored manifest item of a run (raw: the sealer compares body and signature), consistent read. */
  public async getManifestItem(accountId: string, collectedAt: string, runId: string): Promise<Item | undefined> {
    const out = await this.send<{ Item?: Item }>(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.account(accountId), sk: keys.manifestSk(collectedAt, runId) }, ConsistentRead: true }),
    );
    return out.Item;
  }

  /** The run header of one account's run (written with its records), consistent read. */
  public async getRunHeader(accountId: string, collectedAt: string, runId: string): Promise<Item | undefined> {
    const out = await this.send<{ Item?: Item }>(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.account(accountId), sk: keys.openSk(collectedAt, runId) }, ConsistentRead: true }),
    );
    return out.Item;
  }

  public async getManifest(accountId: string, collectedAt: string, runId: string): Promise<RunManifest | undefined> {
    const out = await this.send<{ Item?: Item }>(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.account(accountId), sk: keys.manifestSk(collectedAt, runId) }, ConsistentRead: true }),
    );
    return out.Item ? parseManifestItem(out.Item) : undefined;
  }

  // ------------------------------------------------------------------ queries

  /**
   * Accounts with evidence (the `ACCOUNTS` registry partition), sorted. Read from the sort
   * KEYS (`ACCOUNT#<id>`), never from an attribute: an edited `accountId` cannot redirect or
   * hide an account. `verify` also adds every anchored account (lib/evidence/verify.ts).
   */
  public async accounts(): Promise<string[]> {
    const items = await this.registryItems();
    const prefix = keys.registrySk('');
    return [...new Set(items.map((i) => i.sk).filter((sk) => sk.startsWith(prefix) && /^\d{12}$/.test(sk.slice(prefix.length))).map((sk) => sk.slice(prefix.length)))].sort();
  }

  /** The raw items of the `ACCOUNTS` registry partition (verify checks their attributes). */
  public async registryItems(): Promise<Item[]> {
    return this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': ACCOUNTS_PK } });
  }

  /** Throw `UnknownAccountError` (listing the known accounts) when the account has no evidence. */
  public async assertKnownAccount(accountId: string): Promise<void> {
    const out = await this.send<{ Item?: Item }>(new GetCommand({ TableName: this.tableName, Key: { pk: ACCOUNTS_PK, sk: keys.registrySk(accountId) } }));
    if (!out.Item) throw new UnknownAccountError(accountId, await this.accounts());
  }

  /** `[accountId]` once it is known to have evidence (else `UnknownAccountError`), or every account when none is given. */
  public async knownAccountsOrAll(accountId?: string): Promise<string[]> {
    if (accountId === undefined) return this.accounts();
    await this.assertKnownAccount(accountId);
    return [accountId];
  }

  /** Runs of one account (or of every account), oldest first, with complete/incomplete status. */
  public async listRuns(options: DateRange & { accountId?: string } = {}): Promise<RunSummary[]> {
    const { lower, upper } = dateBounds(options);
    const accountIds = await this.knownAccountsOrAll(options.accountId);
    const runs: RunSummary[] = [];
    for (const accountId of accountIds) {
      // MANIFEST# and OPEN# sort next to each other (records are RUN#…): one Query, date-filtered.
      const items = await this.queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        FilterExpression: 'collectedAt BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.account(accountId), ':lo': 'MANIFEST#', ':hi': `OPEN#${KEY_HIGH}`, ':from': lower, ':to': upper },
      });
      const byRun = new Map<string, RunSummary>();
      for (const item of items) {
        const id = `${String(item.collectedAt)}#${String(item.runId)}`;
        const summary = byRun.get(id) ?? {
          accountId,
          runId: String(item.runId),
          collectedAt: String(item.collectedAt),
          status: 'open' as RunSummary['status'],
          recordCount: Number(item.recordCount ?? 0),
        };
        if (item.type === 'MANIFEST') {
          summary.status = 'complete';
          summary.manifestHash = String(item.hash);
          summary.recordCount = Number(item.recordCount ?? summary.recordCount);
          try {
            const manifest = parseManifestItem(item);
            if (manifest.incomplete) {
              summary.status = 'incomplete';
              summary.reason = manifest.incomplete.reason;
            }
            if (manifest.collectionFailed) summary.collectionFailed = true;
          } catch {
            // A manifest that does not parse is verify's to report; the listing shows it as sealed.
          }
        }
        if (item.type === 'RUN' && item.source) summary.source = item.source as EvidenceSource;
        byRun.set(id, summary);
      }
      runs.push(...byRun.values());
    }
    // Every account of a scheduled run shares its run id and collection time: the account id decides then.
    const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
    return runs.sort((a, b) => cmp(a.collectedAt, b.collectedAt) || cmp(a.runId, b.runId) || a.accountId.localeCompare(b.accountId));
  }

  /** Latest sealed run of an account (undefined if none). One Query. */
  public async latestRun(accountId: string): Promise<RunSummary | undefined> {
    const m = await this.latestManifest(accountId);
    if (!m) return undefined;
    return {
      accountId,
      runId: m.runId,
      collectedAt: m.collectedAt,
      status: m.incomplete ? 'incomplete' : 'complete',
      recordCount: m.recordCount,
      manifestHash: m.hash,
      source: m.source,
      ...(m.incomplete ? { reason: m.incomplete.reason } : {}),
      ...(m.collectionFailed ? { collectionFailed: true } : {}),
    };
  }

  /** The account's manifests in chain order (oldest first). */
  public async manifests(accountId: string, range: DateRange = {}): Promise<RunManifest[]> {
    const { lower, upper } = dateBounds(range);
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': keys.account(accountId), ':lo': `MANIFEST#${lower}`, ':hi': `MANIFEST#${upper}` },
      ConsistentRead: true,
    });
    return items.map(parseManifestItem);
  }

  /** Collection times of the account's sealed runs, oldest first (for `governance.evidence-continuity`). */
  public async previousRunTimes(accountId: string): Promise<string[]> {
    return (await this.manifests(accountId)).map((m) => m.collectedAt);
  }

  /** History of one rule (byRule index) or one requirement (base table + filter) for an account. One Query. */
  public async history(query: HistoryQuery): Promise<EvidenceRecord[]> {
    const { lower, upper } = dateBounds(query);
    let items: Item[];
    if (query.ruleId !== undefined) {
      items = await this.queryAll({
        IndexName: BY_RULE_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': keys.byRulePk(query.accountId, query.ruleId), ':lo': lower, ':hi': upper },
      });
    } else {
      items = await this.queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        FilterExpression: 'contains(requirementIds, :req)',
        ExpressionAttributeValues: { ':pk': keys.account(query.accountId), ':lo': `RUN#${lower}`, ':hi': `RUN#${upper}`, ':req': query.requirementId },
      });
    }
    if (items.length === 0) await this.assertKnownAccount(query.accountId);
    return items.map(parseRecordItem).sort((a, b) => (a.collectedAt === b.collectedAt ? a.runId.localeCompare(b.runId) || a.ruleId.localeCompare(b.ruleId) : a.collectedAt < b.collectedAt ? -1 : 1));
  }

  /** Every record of an account collected in a date range (base table, one Query), oldest first. */
  public async recordsInRange(accountId: string, range: DateRange = {}): Promise<EvidenceRecord[]> {
    const { lower, upper } = dateBounds(range);
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': keys.account(accountId), ':lo': `RUN#${lower}`, ':hi': `RUN#${upper}` },
    });
    if (items.length === 0) await this.assertKnownAccount(accountId);
    return items.map(parseRecordItem);
  }

  /** Records of one run for one account (byRun index), sorted by rule id. */
  public async runRecords(runId: string, accountId: string): Promise<EvidenceRecord[]> {
    const items = await this.queryAll({
      IndexName: BY_RUN_INDEX,
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.byRunPk(runId), ':prefix': `ACCOUNT#${accountId}#RULE#` },
    });
    if (items.length === 0) await this.assertKnownAccount(accountId);
    return items.map(parseRecordItem).sort((a, b) => a.ruleId.localeCompare(b.ruleId));
  }

  /** Everything a run recorded across accounts (records, headers, manifests): one Query on byRun. */
  public async runItems(runId: string): Promise<Item[]> {
    return this.queryAll({ IndexName: BY_RUN_INDEX, KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': keys.byRunPk(runId) } });
  }

  /**
   * Raw items of one account for verification: all manifests (the chain needs them all),
   * run headers and records collected on or after `from`.
   */
  public async accountItems(accountId: string, from?: string): Promise<AccountItems> {
    const { lower } = dateBounds(from !== undefined ? { from } : {});
    const pk = keys.account(accountId);
    const q = (lo: string, hi: string) =>
      this.queryAll({ KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi', ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': hi }, ConsistentRead: true });
    const [manifests, headers, records, contexts] = await Promise.all([
      q('MANIFEST#', `MANIFEST#${KEY_HIGH}`),
      q(`OPEN#${lower}`, `OPEN#${KEY_HIGH}`),
      q(`RUN#${lower}`, `RUN#${KEY_HIGH}`),
      q(`CONTEXT#${lower}`, `CONTEXT#${KEY_HIGH}`),
    ]);
    return { manifests, headers, records, contexts };
  }

  // ------------------------------------------------------------------ reports sent (not evidence)

  /**
   * Remember that a report was sent, so the next one compares with what its readers last
   * saw. Append-only (conditional put, like evidence); the attributes are the caller's.
   */
  public async recordReportSent(reportNow: string, messageId: string, attributes: Record<string, unknown>): Promise<void> {
    const item: Item = { ...attributes, pk: REPORTS_PK, sk: `SENT#${normaliseInstant(reportNow, 'report time')}#${messageId}`, type: 'REPORT_SENT' };
    await this.putNew(item);
  }

  /** The latest report sent whose "now" is strictly before `before` (one Query, Limit 1), or undefined. */
  public async lastReportSent(before: string): Promise<Item | undefined> {
    const out = await this.send<{ Items?: Item[] }>(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': REPORTS_PK, ':lo': 'SENT#', ':hi': `SENT#${normaliseInstant(before, 'report time')}` },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return out.Items?.[0];
  }
}

/** Normalise a collection time the way records store it (exported for callers building keys). */
export { normaliseInstant };
