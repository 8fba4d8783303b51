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
 *
 * Separation of duties: every WRITE above is the record writer's (`writeRunLifecycle`,
 * `fillRun`); every SEAL is the sealer's (lib/evidence/seal.ts), which reads the run back
 * itself and signs only what it read. The CLI does both in one process (`recordRunLifecycle`);
 * deployed, CollectAccount writes and FinalizeRun seals (`sealOpenRuns`).
 */
import { hashRecord } from './build';
import { EvidenceOrderError } from './errors';
import { ManifestEntry, type EvidenceRecord, type CollectionFailure, type RunManifest } from './record';
import type { Sealer } from './seal';
import { parseRecordItem, type EvidenceStore, type Item } from './store';
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

/** What the record writer did for one account's run (nothing sealed yet). */
export interface WrittenRun {
  /** The run's records: this attempt's, or those the run was first opened with (a retry). */
  records: EvidenceRecord[];
  collectionFailed?: CollectionFailure;
  written: number;
  alreadyPresent: number;
  /** The run was already open (a retry or a crash): filled with the records it was opened with. */
  resumed: boolean;
  /** Earlier interrupted runs of the account, filled as far as their stored facts allow (to be sealed first). */
  toClose: FilledRun[];
  /** Set when the run was already sealed (a retry after the seal): nothing was written. */
  sealed?: RunManifest;
}

/**
 * The record writer's half of the lifecycle (no key, no seal): order check, fill the account's
 * interrupted runs from their stored facts, open this run (or adopt it) and fill it.
 */
export async function writeRunLifecycle(
  store: EvidenceStore,
  records: readonly EvidenceRecord[],
  options: { collectionFailed?: CollectionFailure; plan?: RunPlan } = {},
): Promise<WrittenRun> {
  const first = records[0];
  if (!first) throw new Error('a run needs at least one record');
  const plan = options.plan ?? (await planRun(store, first.accountId, first));
  if (plan.kind === 'sealed') {
    const done = await alreadySealed(store, first);
    return { records: done.records, written: 0, alreadyPresent: done.alreadyPresent, resumed: false, toClose: [], sealed: done.manifest, ...(done.manifest.collectionFailed ? { collectionFailed: done.manifest.collectionFailed } : {}) };
  }
  const toClose: FilledRun[] = [];
  for (const header of plan.toClose) toClose.push(await fillRun(store, header));
  if (plan.kind === 'open') {
    const own = await fillRun(store, plan.own, records);
    const stored = (await store.runRecordItems(first.accountId, first.collectedAt, first.runId)).map(parseRecordItem);
    const collectionFailed = plan.own.collectionFailed as CollectionFailure | undefined;
    return { records: stored, written: own.written, alreadyPresent: stored.length + 1 - own.written, resumed: true, toClose, ...(collectionFailed ? { collectionFailed } : {}) };
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
  return { records: runRecords, written: written.written, alreadyPresent: written.alreadyPresent, resumed: !ours, toClose, ...(collectionFailed ? { collectionFailed } : {}) };
}

/**
 * Record one account's run through the whole lifecycle (see the file comment), writer and
 * sealer in one process (the CLI): write, then seal the interrupted runs oldest first (each
 * complete, or incomplete with what it lacks), then this run. `plan` may come from an earlier
 * `planRun` (the CLI checks every account before writing any).
 */
export async function recordRunLifecycle(
  store: EvidenceStore,
  records: readonly EvidenceRecord[],
  options: {
    sealer: Sealer;
    collectionFailed?: CollectionFailure;
    plan?: RunPlan;
    /**
     * Called with the run's records as stored, after they are written and before the run is
     * sealed (never for a run found sealed already): the CLI writes the collection context here,
     * so the seal covers it.
     */
    beforeSeal?: (records: readonly EvidenceRecord[]) => Promise<void>;
  },
): Promise<RecordRunOutcome> {
  const { sealer, beforeSeal, ...writeOptions } = options;
  const written = await writeRunLifecycle(store, records, writeOptions);
  if (written.sealed) return { records: written.records, manifest: written.sealed, written: 0, alreadyPresent: written.alreadyPresent, resumed: false, closed: [] };
  const closed: ClosedRun[] = [];
  for (const filled of written.toClose) closed.push(await sealFilled(sealer, filled, 'a later run'));
  if (beforeSeal) await beforeSeal(written.records);
  const first = records[0] as EvidenceRecord;
  // A resumed run (opened by an earlier attempt) is a close: what its facts could not restore is sealed as missing.
  const sealed = await sealer.seal(
    { accountId: first.accountId, runId: first.runId, collectedAt: first.collectedAt },
    written.resumed ? { closeIncomplete: { closedBy: 'a retry of the run' } } : {},
  );
  const sealWrites = sealed.alreadySealed ? 0 : 1;
  return {
    records: written.records,
    manifest: sealed.manifest,
    written: written.written + sealWrites,
    alreadyPresent: written.alreadyPresent + (sealed.alreadySealed ? 1 : 0),
    resumed: written.resumed,
    closed,
  };
}

/**
 * The sealer's half for one account (deployed: FinalizeRun): seal every run of the account
 * still open up to `upTo`, oldest first — complete when its records are all there, otherwise
 * INCOMPLETE with what it holds (`closedBy` words why). Writes nothing but manifests.
 */
export async function sealOpenRuns(store: EvidenceStore, sealer: Sealer, accountId: string, upTo: RunKey, closedBy: string): Promise<ClosedRun[]> {
  const limit = order(upTo);
  const { open } = await store.chainState(accountId);
  const closed: ClosedRun[] = [];
  for (const header of open.filter((h) => order(h as unknown as RunKey) <= limit)) {
    closed.push(await sealFilled(sealer, { header, written: 0 }, closedBy));
  }
  return closed;
}

async function sealFilled(sealer: Sealer, filled: FilledRun, closedBy: string): Promise<ClosedRun> {
  const { header } = filled;
  const run = { accountId: String(header.accountId), runId: String(header.runId), collectedAt: String(header.collectedAt) };
  const sealed = await sealer.seal(run, { closeIncomplete: { closedBy } });
  const m = sealed.manifest;
  return {
    ...run,
    status: m.incomplete ? 'incomplete' : 'complete',
    recordCount: m.recordCount,
    expectedRecords: m.incomplete?.expectedRecords ?? m.recordCount,
    written: filled.written + (sealed.alreadySealed ? 0 : 1),
    ...(m.incomplete ? { reason: m.incomplete.reason } : {}),
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

/** An open run after the writer restored what it could (the sealer then seals it). */
export interface FilledRun {
  header: Item;
  /** Records written to restore it. */
  written: number;
}

/**
 * The record writer's part of closing an open run: write the planned records it lacks (from
 * its payload, or from `candidates` whose hashes match the plan). A stored record that is not
 * the planned one stops it (`RunCloseError`): a close never seals over tampering.
 */
export async function fillRun(store: EvidenceStore, header: Item, candidates: readonly EvidenceRecord[] = []): Promise<FilledRun> {
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
  for (const [sk, record] of stored) {
    const entry = plan?.find((e) => e.sk === sk);
    if (plan && (!entry || entry.hash !== record.hash)) throw fail(`record ${sk} is not the record its header planned`);
  }
  if (!plan || plan.every((e) => stored.has(e.sk))) return { header, written: 0 };

  const payloadItem = await store.getItem(header.pk, keys.payloadSk(collectedAt, runId));
  const payloadRecords = store.payloadRecords(payloadItem);
  const available = new Map<string, EvidenceRecord>();
  const planned = new Map(plan.map((e) => [e.sk, e]));
  for (const r of [...candidates, ...(payloadRecords ?? [])]) {
    const sk = keys.recordSk(r.collectedAt, r.runId, r.ruleId);
    if (r.accountId === accountId && planned.get(sk)?.hash === r.hash) available.set(sk, r);
  }
  let written = 0;
  for (const entry of plan) {
    if (stored.has(entry.sk)) continue;
    const record = available.get(entry.sk);
    if (!record) continue;
    if ((await store.putNew(await store.recordItemFor(record))) === 'written') written++;
    stored.set(entry.sk, record);
  }
  return { header, written };
}

/** Close one open run in one process (writer + sealer): `fillRun`, then seal (complete, or incomplete with what it lacks). */
export async function closeRun(store: EvidenceStore, sealer: Sealer, header: Item, candidates: readonly EvidenceRecord[] = []): Promise<ClosedRun> {
  return sealFilled(sealer, await fillRun(store, header, candidates), 'a later run');
}

function withoutHash(record: EvidenceRecord): Omit<EvidenceRecord, 'hash'> {
  const { hash: _hash, ...rest } = record;
  return rest;
}

