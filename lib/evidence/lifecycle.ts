/**
 * The run lifecycle: every run of an account is OPENED (payload, then header), FILLED
 * (records) and SEALED (manifest), in that order, and a run that stopped half-way is
 * CLOSED by the next one — never left to break `verify`.
 *
 *   check the chain order (read only: a refused run writes nothing)
 *   → close the account's interrupted runs, oldest first:
 *       resumed with the records stored in its payload (the facts it was opened with), or,
 *       without them, sealed INCOMPLETE: its manifest lists exactly the records it holds and
 *       names the missing ones and why — the gap stays visible as evidence
 *   → open this run (or adopt it, when a retry finds it already opened: the first attempt's
 *     facts win, so a retry never conflicts with what is stored)
 *   → fill → seal.
 *
 * A closed run never launders tampering: a stored record that is not the one its header
 * planned stops the close (`RunCloseError`), and `verify` names it.
 */
import { hashRecord, type RunIdentity } from './build';
import { EvidenceOrderError } from './errors';
import { ManifestEntry, type EvidenceRecord, type CollectionFailure, type RunIncomplete, type RunManifest } from './record';
import { parseRecordItem, recordItem, type EvidenceStore, type Item } from './store';
import { keys } from './table';

/** A stored run that does not match its own header: closing it would seal over tampering. */
export class RunCloseError extends Error {
  public constructor(accountId: string, runId: string, collectedAt: string, what: string) {
    super(`account ${accountId}: interrupted run ${runId} (${collectedAt}) cannot be closed: ${what}. Nothing was sealed; \`art32 verify\` names the item`);
    this.name = 'RunCloseError';
  }
}

export interface ClosedRun {
  accountId: string;
  runId: string;
  collectedAt: string;
  /** complete = resumed and sealed with every planned record; incomplete = sealed with what it holds. */
  status: 'complete' | 'incomplete';
  recordCount: number;
  expectedRecords: number;
  /** Items written to close it (records + manifest). */
  written: number;
  reason?: string;
}

export interface RecordRunOutcome {
  /** The run's records: this attempt's, or those the run was first opened with (a retry). */
  records: EvidenceRecord[];
  manifest: RunManifest;
  written: number;
  alreadyPresent: number;
  /** The run was already open (a retry or a crash): finished with the records it was opened with. */
  resumed: boolean;
  /** Earlier interrupted runs of the account, closed before this one. */
  closed: ClosedRun[];
}

type RunKey = { collectedAt: string; runId: string };
const order = (k: RunKey): string => keys.manifestSk(k.collectedAt, k.runId);

export type RunPlan =
  | { kind: 'sealed' }
  | { kind: 'open'; toClose: Item[]; own: Item }
  | { kind: 'new'; toClose: Item[] };

/**
 * Where a run fits in its account's chain, read only. A run older than the latest sealed
 * run, or than an interrupted run that is newer, is refused (`EvidenceOrderError`) before
 * anything is written.
 */
export async function planRun(store: EvidenceStore, accountId: string, run: RunKey): Promise<RunPlan> {
  const own = order(run);
  const { latest, open } = await store.chainState(accountId);
  if (latest) {
    const latestKey = order(latest);
    if (latestKey === own) return { kind: 'sealed' };
    if (latestKey > own) {
      if (await store.getManifest(accountId, run.collectedAt, run.runId)) return { kind: 'sealed' };
      throw new EvidenceOrderError(accountId, `${run.runId} (${run.collectedAt})`, `${latest.runId} (${latest.collectedAt})`);
    }
  }
  const newer = open.filter((h) => order(h as unknown as RunKey) > own);
  if (newer.length > 0) {
    const n = newer.at(-1) as Item;
    throw new EvidenceOrderError(accountId, `${run.runId} (${run.collectedAt})`, `${String(n.runId)} (${String(n.collectedAt)}, opened and not yet sealed)`);
  }
  const toClose = open.filter((h) => order(h as unknown as RunKey) < own);
  const mine = open.find((h) => order(h as unknown as RunKey) === own);
  return mine ? { kind: 'open', toClose, own: mine } : { kind: 'new', toClose };
}

/**
 * Record one account's run through the whole lifecycle (see the file comment). `plan` may
 * come from an earlier `planRun` (the CLI checks every account before writing any).
 */
export async function recordRunLifecycle(
  store: EvidenceStore,
  records: readonly EvidenceRecord[],
  options: { collectionFailed?: CollectionFailure; plan?: RunPlan } = {},
): Promise<RecordRunOutcome> {
  const first = records[0];
  if (!first) throw new Error('a run needs at least one record');
  const plan = options.plan ?? (await planRun(store, first.accountId, first));
  if (plan.kind === 'sealed') return alreadySealed(store, first);
  const closed: ClosedRun[] = [];
  for (const header of plan.toClose) closed.push(await closeRun(store, header));
  if (plan.kind === 'open') {
    const done = await closeRun(store, plan.own, records);
    const outcome = await alreadySealed(store, first);
    return { ...outcome, written: done.written, alreadyPresent: outcome.alreadyPresent - done.written, resumed: true, closed };
  }
  // Open: payload first (first writer wins: a concurrent or earlier attempt's facts are adopted).
  const { item: payload, ours } = await store.putPayload(records, options.collectionFailed);
  const adopted = store.payloadRecords(payload);
  const runRecords = adopted ?? [...records];
  const collectionFailed = adopted ? (payload.collectionFailed as CollectionFailure | undefined) : options.collectionFailed;
  const written = await store.writeRun(runRecords, {
    ...(adopted ? { payloadSha256: String(payload.sha256) } : {}),
    ...(collectionFailed ? { collectionFailed } : {}),
  });
  const sealed = await store.writeManifest(runRecords, collectionFailed ? { collectionFailed } : {});
  return {
    records: runRecords,
    manifest: sealed.manifest,
    written: written.written + (sealed.alreadyPresent ? 0 : 1),
    alreadyPresent: written.alreadyPresent + (sealed.alreadyPresent ? 1 : 0),
    resumed: !ours,
    closed,
  };
}

/** A retry of a run already sealed: what is stored, nothing written, never a conflict. */
async function alreadySealed(store: EvidenceStore, run: RunKey & { accountId: string }): Promise<RecordRunOutcome> {
  const manifest = await store.getManifest(run.accountId, run.collectedAt, run.runId);
  if (!manifest) throw new Error(`run ${run.runId} of ${run.accountId} was sealed but its manifest is gone`);
  const records = (await store.runRecordItems(run.accountId, run.collectedAt, run.runId)).map(parseRecordItem);
  return { records, manifest, written: 0, alreadyPresent: records.length + 2, resumed: false, closed: [] };
}

function planFromHeader(header: Item): ManifestEntry[] | undefined {
  const parsed = ManifestEntry.array().safeParse(header.plan);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Close one open run: write the planned records it lacks (from its payload, or from
 * `candidates` whose hashes match the plan), then seal it — complete when nothing is
 * missing, otherwise INCOMPLETE with what it holds and why.
 */
export async function closeRun(store: EvidenceStore, header: Item, candidates: readonly EvidenceRecord[] = []): Promise<ClosedRun> {
  const accountId = String(header.accountId);
  const runId = String(header.runId);
  const collectedAt = String(header.collectedAt);
  const fail = (what: string) => new RunCloseError(accountId, runId, collectedAt, what);

  const storedItems = await store.runRecordItems(accountId, collectedAt, runId);
  const stored = new Map<string, EvidenceRecord>();
  for (const item of storedItems) {
    let record: EvidenceRecord;
    try {
      record = parseRecordItem(item);
    } catch (error) {
      throw fail(`record ${item.sk} does not parse (${(error as Error).message})`);
    }
    if (record.hash !== hashRecord(withoutHash(record))) throw fail(`record ${item.sk} does not match its own hash`);
    stored.set(item.sk, record);
  }

  const plan = planFromHeader(header);
  const payloadItem = await store.getItem(header.pk, keys.payloadSk(collectedAt, runId));
  const payloadRecords = store.payloadRecords(payloadItem);
  const available = new Map<string, EvidenceRecord>();
  const planned = new Map((plan ?? []).map((e) => [e.sk, e]));
  for (const r of [...candidates, ...(payloadRecords ?? [])]) {
    const sk = keys.recordSk(r.collectedAt, r.runId, r.ruleId);
    if (r.accountId === accountId && planned.get(sk)?.hash === r.hash) available.set(sk, r);
  }
  for (const [sk, record] of stored) {
    const entry = planned.get(sk);
    if (plan && (!entry || entry.hash !== record.hash)) throw fail(`record ${sk} is not the record its header planned`);
  }

  let written = 0;
  const missing: ManifestEntry[] = [];
  for (const entry of plan ?? []) {
    if (stored.has(entry.sk)) continue;
    const record = available.get(entry.sk);
    if (!record) {
      missing.push(entry);
      continue;
    }
    if ((await store.putNew(recordItem(record))) === 'written') written++;
    stored.set(entry.sk, record);
  }
  const present = [...stored.values()];
  const collectionFailed = header.collectionFailed as CollectionFailure | undefined;
  const expected = plan?.length ?? Number(header.recordCount ?? present.length);
  const incomplete: RunIncomplete | undefined =
    plan && missing.length === 0
      ? undefined
      : {
          reason: incompleteReason(present.length, expected, plan !== undefined, payloadItem, payloadRecords !== undefined),
          expectedRecords: expected,
          missing,
        };
  const identity: RunIdentity = { accountId, runId, collectedAt, source: header.source as RunIdentity['source'] };
  const sealed = await store.writeManifest(present, { ...(incomplete ? { incomplete } : {}), ...(collectionFailed ? { collectionFailed } : {}) }, identity);
  return {
    accountId,
    runId,
    collectedAt,
    status: incomplete ? 'incomplete' : 'complete',
    recordCount: present.length,
    expectedRecords: expected,
    written: written + (sealed.alreadyPresent ? 0 : 1),
    ...(incomplete ? { reason: incomplete.reason } : {}),
  };
}

function incompleteReason(present: number, expected: number, hasPlan: boolean, payload: Item | undefined, payloadUsable: boolean): string {
  const head = `interrupted after ${present} of ${expected} record(s) were written; closed by a later run`;
  if (!hasPlan) return `${head}: its header (written by an earlier art32 version) lists no planned records, so the missing ones cannot be named or regenerated`;
  if (!payload) return `${head}: the facts it was opened with were not stored (no payload item), so the missing records cannot be regenerated from them`;
  if (typeof payload.omitted === 'string') return `${head}: the facts it was opened with were too large to store (${payload.omitted}), so the missing records cannot be regenerated from them`;
  if (!payloadUsable) return `${head}: its stored payload does not match its hash, so it was not used`;
  return `${head}: its stored payload does not hold the planned records, so it was not used`;
}

function withoutHash(record: EvidenceRecord): Omit<EvidenceRecord, 'hash'> {
  const { hash: _hash, ...rest } = record;
  return rest;
}

