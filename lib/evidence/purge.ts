/**
 * Deleting evidence past its retention while keeping the chain verifiable (`art32 retention
 * --purge`, embedded store; the deployed table does the same with DynamoDB TTL on `expiresAt`).
 *
 * Deleted: RECORD items a sealed manifest lists whose run is past the period in force WHEN IT WAS
 * COLLECTED (`retentionPolicy(registerView(items, accountId, collectedAt))`), and the run's
 * PAYLOAD item (a compressed copy of the same records) once every record of the run is past it.
 * Kept: manifests (hashes only: the checkpoint verify walks), run headers, collection contexts,
 * the register and the account registry — so `verify` still checks every signature and link, and
 * reads a listed record that is absent as "expired", never as deleted.
 *
 * A record is deleted only if it is exactly what its manifest sealed (body hash = stored hash =
 * manifest hash); otherwise it is left in place and reported (`refused`): a purge never destroys
 * the evidence of tampering. Deletes are conditional on the checked hash. Runs not sealed yet
 * are never touched.
 */
import { hashRecord } from './build';
import { expiredEntries, retentionPolicy } from './retention';
import { parseRecordItem, type EvidenceStore } from './store';
import { keys } from './table';
import { registerView } from '../register/view';
import type { RegisterItem } from '../register/types';

export interface PurgeResult {
  accountId: string;
  /** Records deleted now. */
  deletedRecords: number;
  /** Payload items deleted now (runs whose records are all past retention). */
  deletedPayloads: number;
  /** Records past retention already absent (an earlier purge, or TTL). */
  alreadyGone: number;
  /** Records past retention NOT deleted because they are not what their manifest sealed. */
  refused: { sk: string; reason: string }[];
  runs: { runId: string; collectedAt: string; deletedRecords: number; ruleIds: string[] }[];
}

/** Purge one account's records past retention at `now` (see the module comment). */
export async function purgeExpired(store: EvidenceStore, registerItems: readonly RegisterItem[], accountId: string, now: string): Promise<PurgeResult> {
  const result: PurgeResult = { accountId, deletedRecords: 0, deletedPayloads: 0, alreadyGone: 0, refused: [], runs: [] };
  const pk = keys.account(accountId);
  for (const manifest of await store.manifests(accountId)) {
    const policy = retentionPolicy(registerView(registerItems, accountId, manifest.collectedAt));
    const { expired } = expiredEntries(manifest, policy, now);
    if (expired.length === 0) continue;
    let deleted = 0;
    let refusedHere = 0;
    for (const entry of expired) {
      const item = await store.getItem(pk, entry.sk);
      if (!item) {
        result.alreadyGone++;
        continue;
      }
      let reason: string | undefined;
      try {
        const record = parseRecordItem(item);
        const { hash, ...unhashed } = record;
        if (hashRecord(unhashed) !== hash) reason = 'its body does not match its hash';
        else if (hash !== entry.hash) reason = `its hash ${hash} is not the one its manifest sealed (${entry.hash})`;
      } catch (error) {
        reason = `it does not parse (${(error as Error).message})`;
      }
      if (reason) {
        result.refused.push({ sk: entry.sk, reason });
        refusedHere++;
        continue;
      }
      if (await store.deleteExpired({ pk, sk: entry.sk }, { hash: entry.hash })) deleted++;
      else result.alreadyGone++;
    }
    result.deletedRecords += deleted;
    if (deleted > 0) result.runs.push({ runId: manifest.runId, collectedAt: manifest.collectedAt, deletedRecords: deleted, ruleIds: [...new Set(expired.map((e) => e.ruleId))] });
    // The payload repeats every record of the run: it goes once all of them are past retention.
    if (expired.length === manifest.records.length && refusedHere === 0) {
      const payload = await store.getItem(pk, keys.payloadSk(manifest.collectedAt, manifest.runId));
      if (payload && typeof payload.sha256 === 'string' && (await store.deleteExpired(payload, { sha256: payload.sha256 }))) result.deletedPayloads++;
    }
  }
  return result;
}
