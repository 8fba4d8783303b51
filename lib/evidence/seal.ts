/**
 * The sealer: the ONLY code path that signs and writes a manifest (`store.putManifest`).
 *
 * Separation of duties: the record writer (collect) opens a run (payload, header), appends its
 * records and, when it closes an interrupted run, the planned records it can restore; it holds
 * no signing key. The sealer (deployed: the finalize-run function, the one role with
 * `kms:Sign`; locally: the same process, with the local key) then
 *  1. refuses when the run is already sealed — it never signs a second manifest for a run,
 *     whatever the records say now (re-sealing is exactly what a forger would ask for);
 *  2. reads the run back ITSELF (run header, then a consistent Query on the run's key prefix)
 *     and checks each record (body hash, body vs key, body vs every attribute) and that it is
 *     the record the header planned — it signs only what it read and found intact, never a
 *     list handed to it;
 *  3. compares what it read with the plan: every planned record present → a complete seal;
 *     records missing → refused (the run is still being written) unless the caller is CLOSING
 *     an interrupted run (`closeIncomplete`): then the manifest lists what was read and names
 *     the missing records and why (`incomplete`) — the shortfall is sealed as evidence. A
 *     failed collection announced by the header is sealed into the manifest too;
 *  4. reads the run's collection context item (who collected it, with what: CONTEXT#…) and
 *     seals the SHA-256 of its body in the manifest (version 2; `context: null` when the run has
 *     none) — a context it cannot vouch for (its own hash broken, another run's) is refused;
 *  5. links to the account's latest manifest, builds the manifest, signs its body, writes it
 *     (conditional put) and appends an anchor (lib/evidence/anchor.ts).
 * A retry after a crash finds its own manifest: nothing is signed again; the anchor is
 * appended if it was missing (append is idempotent).
 */
import { buildManifest, manifestBody, normaliseInstant, type ManifestExtras, type RunIdentity } from './build';
import { EvidenceOrderError } from './errors';
import type { Anchor, AnchorStore } from './anchor';
import { ANCHOR_VERSION } from './anchor';
import { CollectionFailure, ManifestEntry, type EvidenceRecord, type RunIncomplete, type RunManifest } from './record';
import type { ManifestSignature, ManifestSigner } from './signing';
import { manifestSignatureOf, parseManifestItem, type EvidenceStore, type Item } from './store';
import { keys } from './table';
import { checkRecordItem } from './verify';
import { checkContextItem } from './context-item';

export interface RunToSeal {
  accountId: string;
  runId: string;
  collectedAt: string;
}

export interface SealResult {
  manifest: RunManifest;
  signature: ManifestSignature;
  /** True when the run was already sealed (a retry): nothing was signed or written. */
  alreadySealed: boolean;
  /** 'written' | 'present' for the anchor; undefined when no anchor store is configured. */
  anchor?: 'written' | 'present';
}

/** The sealer will not sign: the run is sealed already, or what it read back is not a run it can vouch for. */
export class SealRefusedError extends Error {
  public constructor(run: RunToSeal, why: string) {
    super(`refusing to seal run ${run.runId} (${run.collectedAt}) of account ${run.accountId}: ${why}`);
    this.name = 'SealRefusedError';
  }
}

export interface SealerOptions {
  store: EvidenceStore;
  signer: ManifestSigner;
  /** Where each seal is also anchored (WORM). Optional only for callers that anchor elsewhere. */
  anchors?: AnchorStore;
}

export interface SealOptions {
  /**
   * Close an interrupted run: seal it even when planned records are missing — the manifest
   * lists what was read and names what is missing (`incomplete`). `closedBy` completes the
   * reason ("closed by a later run", "closed by the run's finalize step"). Without it, a run
   * with missing records is refused: it may still be being written.
   */
  closeIncomplete?: { closedBy: string };
}

/** What the sealer read back: the intact records and what the manifest adds to them. */
interface ReadBack {
  records: EvidenceRecord[];
  extras: ManifestExtras;
  /** Names the run when it holds no record (an incomplete run closed empty). */
  identity?: RunIdentity;
}

export class Sealer {
  public constructor(private readonly options: SealerOptions) {}

  public async seal(input: RunToSeal, sealOptions: SealOptions = {}): Promise<SealResult> {
    const run = { ...input, collectedAt: normaliseInstant(input.collectedAt, 'collectedAt') };
    const { store } = this.options;
    const existing = await store.getManifestItem(run.accountId, run.collectedAt, run.runId);
    if (existing) return this.alreadySealed(run, existing);
    const { records, extras, identity } = await this.readRunBack(run, sealOptions);

    const latest = await store.latestManifest(run.accountId);
    const ownSk = keys.manifestSk(run.collectedAt, run.runId);
    if (latest && keys.manifestSk(latest.collectedAt, latest.runId) > ownSk) {
      throw new EvidenceOrderError(run.accountId, `${run.runId} (${run.collectedAt})`, `${latest.runId} (${latest.collectedAt})`);
    }
    const manifest = buildManifest(records, latest ? { runId: latest.runId, collectedAt: latest.collectedAt, hash: latest.hash } : null, extras, identity);
    const signature = await this.options.signer.sign(manifestBody(manifest));
    if (!(await store.putManifest(manifest, signature))) {
      // Sealed concurrently between our check and our write: theirs stands; ours is discarded.
      const stored = await store.getManifestItem(run.accountId, run.collectedAt, run.runId);
      if (!stored) throw new SealRefusedError(run, 'the manifest write was refused but no manifest is stored');
      return this.alreadySealed(run, stored);
    }
    return { manifest, signature, alreadySealed: false, ...(await this.anchor(manifest, signature)) };
  }

  /**
   * A sealed run: never sign again. Identical content (a retried seal) → the stored manifest;
   * anything else → refused.
   */
  private async alreadySealed(run: RunToSeal, item: Item): Promise<SealResult> {
    let stored: RunManifest;
    try {
      stored = parseManifestItem(item);
    } catch (error) {
      throw new SealRefusedError(run, `the run is already sealed and its stored manifest is not valid (${(error as Error).message}); it is never re-signed`);
    }
    const signature = manifestSignatureOf(item);
    if (!signature) throw new SealRefusedError(run, 'the run is already sealed by an unsigned manifest; it is never re-signed');
    let read: ReadBack;
    try {
      // Read as a close would, so a run sealed incomplete compares with what it holds.
      read = await this.readRunBack(run, { closeIncomplete: { closedBy: 'a retry' } });
    } catch (error) {
      if (!(error instanceof SealRefusedError)) throw error;
      throw new SealRefusedError(run, `the run is already sealed (manifest ${stored.hash}) and is never re-signed; besides, ${error.message.replace(/^refusing to seal [^:]*: /, '')}`);
    }
    const extras: ManifestExtras = {
      ...(stored.incomplete ? { incomplete: stored.incomplete } : {}),
      ...(read.extras.collectionFailed ? { collectionFailed: read.extras.collectionFailed } : {}),
      // A version 1 manifest (sealed before contexts were covered) is rebuilt as it was sealed.
      ...(stored.manifestVersion === 1 ? {} : { context: read.extras.context ?? null }),
    };
    const rebuilt = buildManifest(read.records, stored.previous, extras, read.identity);
    if (rebuilt.hash !== stored.hash) {
      throw new SealRefusedError(
        run,
        `the run is already sealed (manifest ${stored.hash}) and its records now read back as a different manifest (${rebuilt.hash}); a sealed run is never re-signed`,
      );
    }
    return { manifest: stored, signature, alreadySealed: true, ...(await this.anchor(stored, signature)) };
  }

  /**
   * Read the run back (header, then every record under its key prefix) and check each record:
   * intact, and the one its header planned. Refuses on anything it cannot vouch for; missing
   * records only with `closeIncomplete` (then named in the manifest, with why).
   */
  private async readRunBack(run: RunToSeal, options: SealOptions): Promise<ReadBack> {
    const { store } = this.options;
    const [header, items, contextItem] = await Promise.all([
      store.getRunHeader(run.accountId, run.collectedAt, run.runId),
      store.runRecordItems(run.accountId, run.collectedAt, run.runId),
      store.getItem(keys.account(run.accountId), keys.contextSk(run.collectedAt, run.runId)),
    ]);
    if (!header) throw new SealRefusedError(run, `no run header ${keys.openSk(run.collectedAt, run.runId)}: the run was never started`);
    const planParse = header.plan === undefined ? undefined : ManifestEntry.array().safeParse(header.plan);
    if (planParse && !planParse.success) throw new SealRefusedError(run, `its run header's plan is not a list of planned records`);
    const plan = planParse?.data;
    const planned = new Map((plan ?? []).map((e) => [e.sk, e]));
    const records: EvidenceRecord[] = [];
    for (const item of items) {
      const parts = item.sk.split('#');
      const checked = checkRecordItem(item, run.accountId, { collectedAt: run.collectedAt, runId: run.runId, ruleId: parts.length === 5 ? (parts[4] ?? '') : '' });
      if (checked.problem || !checked.record) throw new SealRefusedError(run, `record ${item.sk} is not intact: ${checked.problem?.message ?? 'unreadable'}`);
      if (plan && planned.get(item.sk)?.hash !== checked.record.hash) throw new SealRefusedError(run, `record ${item.sk} is not the record its run header planned (altered or inserted)`);
      records.push(checked.record);
    }
    let collectionFailed: CollectionFailure | undefined;
    if (header.collectionFailed !== undefined) {
      const parsed = CollectionFailure.safeParse(header.collectionFailed);
      if (!parsed.success) throw new SealRefusedError(run, 'its run header announces a failed collection that does not parse');
      collectionFailed = parsed.data;
    }
    const stored = new Set(records.map((r) => keys.recordSk(r.collectedAt, r.runId, r.ruleId)));
    const expected = plan?.length ?? Number(header.recordCount);
    if (!Number.isInteger(expected) || expected < 1) throw new SealRefusedError(run, `its run header announces ${String(header.recordCount)} record(s)`);
    if (!plan && records.length > expected) {
      throw new SealRefusedError(run, `its header announces ${expected} record(s), ${records.length} are stored (records inserted)`);
    }
    const missing = plan ? plan.filter((e) => !stored.has(e.sk)) : [];
    const short = records.length < expected;
    let incomplete: RunIncomplete | undefined;
    if (short) {
      if (!options.closeIncomplete) {
        throw new SealRefusedError(run, `its header plans ${expected} record(s), ${records.length} are stored: still being written (only a close seals it incomplete)`);
      }
      incomplete = { reason: await this.incompleteReason(run, header, records.length, expected, plan !== undefined, missing, options.closeIncomplete.closedBy), expectedRecords: expected, missing };
    }
    let context: ManifestExtras['context'] = null;
    if (contextItem) {
      const checked = checkContextItem(contextItem, run);
      if ('problem' in checked) throw new SealRefusedError(run, checked.problem);
      context = checked.sealed;
    }
    const extras: ManifestExtras = { ...(incomplete ? { incomplete } : {}), ...(collectionFailed ? { collectionFailed } : {}), context };
    const identity: RunIdentity | undefined =
      records.length === 0 ? { accountId: run.accountId, runId: run.runId, collectedAt: run.collectedAt, source: header.source as RunIdentity['source'] } : undefined;
    return { records, extras, ...(identity ? { identity } : {}) };
  }

  /** Why a closed run lacks records, from what its payload item (the facts it was opened with) allows. */
  private async incompleteReason(run: RunToSeal, header: Item, present: number, expected: number, hasPlan: boolean, missing: readonly ManifestEntry[], closedBy: string): Promise<string> {
    const head = `interrupted after ${present} of ${expected} record(s) were written; closed by ${closedBy}`;
    if (!hasPlan) return `${head}: its header (written by an earlier art32 version) lists no planned records, so the missing ones cannot be named or regenerated`;
    const { store } = this.options;
    const payload = await store.getItem(header.pk, keys.payloadSk(run.collectedAt, run.runId));
    if (!payload) return `${head}: the facts it was opened with were not stored (no payload item), so the missing records cannot be regenerated from them`;
    if (typeof payload.omitted === 'string') return `${head}: the facts it was opened with were too large to store (${payload.omitted}), so the missing records cannot be regenerated from them`;
    const restorable = store.payloadRecords(payload);
    if (!restorable) return `${head}: its stored payload does not match its hash, so it was not used`;
    const hashes = new Set(restorable.map((r) => r.hash));
    if (missing.every((e) => hashes.has(e.hash))) {
      return `${head}: the facts it was opened with could restore the missing records, but no record writer did before the close, and the sealer writes no records (separation of duties)`;
    }
    return `${head}: its stored payload does not hold the planned records, so it was not used`;
  }

  private async anchor(manifest: RunManifest, signature: ManifestSignature): Promise<{ anchor?: 'written' | 'present' }> {
    if (!this.options.anchors) return {};
    const anchor: Anchor = {
      anchorVersion: ANCHOR_VERSION,
      accountId: manifest.accountId,
      runId: manifest.runId,
      collectedAt: manifest.collectedAt,
      manifestHash: manifest.hash,
      signature,
    };
    return { anchor: await this.options.anchors.append(anchor) };
  }
}
