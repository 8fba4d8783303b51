/**
 * Verification: recompute every record hash and every manifest hash, check that each
 * manifest lists exactly the records stored under its run, and walk the manifest chain.
 * Every broken link is reported with the item key and what does not match; problems are
 * ordered by collection time, so the first one is the earliest broken link.
 *
 * Limits (as for any hash chain): deleting the LATEST run entirely (records, header and
 * manifest) leaves a shorter valid chain. Keep the latest manifest hash somewhere else
 * (the export pack, the report email) to detect that.
 */
import { canonicalJson, sha256Hex, hashCanonical } from './canonical';
import { CorruptItemError } from './errors';
import type { EvidenceRecord, RunManifest } from './record';
import type { Anchor, AnchorListing } from './anchor';
import type { SignatureVerifier } from './signing';
import { dateBounds, EXPIRES_AT_ATTRIBUTE, manifestItem, manifestSignatureOf, parseManifestItem, parseRecordItem, recordItem, type AccountItems, type EvidenceStore, type Item } from './store';
import { keys } from './table';
import { checkContextItem } from './context-item';
import { missingRecordVerdict, type RetentionPolicy } from './retention';

export type ProblemKind =
  | 'RECORD_MODIFIED'
  | 'RECORD_DELETED'
  | 'RECORD_FORGED'
  | 'RECORD_CORRUPT'
  | 'RUN_INCOMPLETE'
  | 'MANIFEST_MODIFIED'
  | 'MANIFEST_DELETED'
  | 'MANIFEST_LINK_BROKEN'
  /** The manifest has no signature: it was not written by art32's sealer. */
  | 'MANIFEST_UNSIGNED'
  /** The signature does not verify with the trusted public key: manifest rewritten or re-sealed by someone without the key. */
  | 'SIGNATURE_INVALID'
  /** An anchored manifest is not in the table (deleted), or the anchor store itself holds a rewritten/invalid anchor. */
  | 'ANCHORED_MANIFEST_MISSING'
  /** The table's manifest differs from the anchored one (chain rewritten and re-sealed). */
  | 'ANCHOR_MISMATCH'
  /** Anchors (or an expected head) newer than the table's chain head: the newest runs were deleted. */
  | 'CHAIN_TRUNCATED'
  /** An account with evidence (anchored, or with manifests) is missing from the ACCOUNTS registry. */
  | 'REGISTRY_ENTRY_MISSING'
  /** A registry entry's attributes differ from what its key says. */
  | 'REGISTRY_ENTRY_MODIFIED'
  /** A run header's attributes (index keys, record count, source) differ from its key and its run. */
  | 'HEADER_MODIFIED'
  /** The anchor store holds an object that is not a valid anchor, or one name with several contents. */
  | 'ANCHOR_STORE_DAMAGED'
  /** A sealed manifest without an anchor (the anchor write failed after the seal, or anchoring started later). */
  | 'MANIFEST_NOT_ANCHORED'
  /** The run's collection context differs from the one its (version 2) manifest sealed: who collected it, or with what, was rewritten. */
  | 'CONTEXT_MODIFIED'
  /** The collection context a (version 2) manifest sealed is not in the table. */
  | 'CONTEXT_DELETED'
  /** A collection context beside a run whose (version 2) manifest sealed none: added after the seal. */
  | 'CONTEXT_FORGED';

/** Problems that mean "not finished", not "tampered": verify exits 4 when only these are found. */
export const INCOMPLETE_KINDS: readonly ProblemKind[] = ['RUN_INCOMPLETE', 'MANIFEST_NOT_ANCHORED'];

/** The verdict a list of problems gives: none → intact, only unfinished runs/seals → incomplete, else tampered. */
export function verdictOfProblems(problems: readonly Problem[]): VerificationResult['verdict'] {
  return problems.length === 0 ? 'intact' : problems.every((p) => INCOMPLETE_KINDS.includes(p.kind)) ? 'incomplete' : 'tampered';
}

export interface Problem {
  kind: ProblemKind;
  accountId: string;
  runId: string;
  collectedAt: string;
  /** Key of the item concerned (pk / sk). */
  pk: string;
  sk: string;
  message: string;
}

export interface AccountVerification {
  accountId: string;
  manifests: number;
  records: number;
  runs: number;
  problems: Problem[];
  /** Hash of the newest manifest: keep it elsewhere to detect deletion of the newest run. */
  headHash: string | null;
  /** Runs sealed INCOMPLETE (interrupted, closed by a later run): intact evidence of a gap, not a problem. */
  gaps: { runId: string; collectedAt: string; recordCount: number; expectedRecords: number; reason: string }[];
  /** True when every manifest signature was checked against a trusted public key. */
  signaturesChecked: boolean;
  /**
   * Records a kept manifest lists that are gone because their retention period ended (judged by
   * the period in force when their run was collected): not a problem. Only with `retention`.
   */
  expired: ExpiredRecord[];
}

/** A record removed after its evidence-retention period: what `verify` says instead of RECORD_DELETED. */
export interface ExpiredRecord {
  sk: string;
  ruleId: string;
  runId: string;
  collectedAt: string;
  /** When the period in force at the run's collection ended. */
  expiredAt: string;
  /** The period and where it comes from (the art32 default, or a register declaration). */
  policy: Pick<RetentionPolicy, 'recordDays' | 'activityDays' | 'declaration'>;
}

export interface VerifyOptions {
  /**
   * The trusted public key. Without it, hashes and the chain are checked but signatures are
   * not (`signaturesChecked: false`) — a writer who re-seals a rewritten chain then goes unseen,
   * so every command that states "verified" passes one.
   */
  verifier?: SignatureVerifier;
  /** This account's anchors (from an anchor store listing): compared with the manifests. */
  anchors?: readonly Anchor[];
  /**
   * Evidence retention: a record listed by a manifest and absent from the table is EXPIRED (not
   * a problem) when its run is past the period in force when it was collected (`policyAt`),
   * judged at `now`; otherwise it stays RECORD_DELETED. Without it, every absence is a deletion.
   */
  retention?: { now: string; policyAt(collectedAt: string): RetentionPolicy };
}

export interface VerificationResult {
  ok: boolean;
  /** 'intact', 'incomplete' (only interrupted runs / unanchored seals) or 'tampered'. */
  verdict: 'intact' | 'incomplete' | 'tampered';
  /** Anchors compared with the table (undefined: no anchor store given). */
  anchors?: { store: string; count: number };
  from?: string;
  accounts: AccountVerification[];
  /** Problems not tied to one account's items (anchor store damaged, expected head missing). */
  storeProblems?: Problem[];
  /** The earliest broken link, if any. */
  firstProblem?: Problem;
}

/**
 * Compare EVERY stored attribute with the item the store would write for the hashed body:
 * GSI keys, `type`, plain copies of body fields, diagnostics. Only the body is hashed, so any
 * other attribute is exactly as trustworthy as this comparison. `ignore`: attributes checked
 * elsewhere (signatures). Returns a description of the first difference, or undefined.
 */
function attributesDiffer(item: Record<string, unknown>, expected: Record<string, unknown>, ignore: readonly string[] = []): string | undefined {
  const names = [...new Set([...Object.keys(item), ...Object.keys(expected)])].filter((n) => !ignore.includes(n)).sort();
  for (const name of names) {
    if (!(name in expected)) return `attribute ${name} is not one art32 writes (inserted)`;
    if (!(name in item)) return `attribute ${name} is missing (expected ${JSON.stringify(expected[name])})`;
    if (canonicalJson(item[name]) !== canonicalJson(expected[name])) {
      return `attribute ${name} = ${JSON.stringify(item[name])} but the hashed body gives ${JSON.stringify(expected[name])}`;
    }
  }
  return undefined;
}

interface RunKey {
  collectedAt: string;
  runId: string;
}

function parseRunSk(sk: string, prefix: 'RUN' | 'OPEN' | 'MANIFEST'): (RunKey & { ruleId?: string }) | undefined {
  const parts = sk.split('#');
  if (parts[0] !== prefix || parts.length < 3) return undefined;
  const [, collectedAt = '', runId = ''] = parts;
  if (prefix === 'RUN') {
    if (parts[3] !== 'RULE' || parts.length !== 5) return undefined;
    return { collectedAt, runId, ruleId: parts[4] ?? '' };
  }
  return parts.length === 3 ? { collectedAt, runId } : undefined;
}

const runKeyOf = (k: RunKey) => `${k.collectedAt}#${k.runId}`;

/**
 * An item read in the records' (or manifests') key range whose sort key does not have that
 * shape: the store never writes one, and readers of the range (history by requirement, the
 * report) would take its body as evidence, so it is reported, never skipped.
 */
function strayKeyProblem(item: Item, accountId: string, kind: 'RECORD_FORGED' | 'MANIFEST_MODIFIED', among: string, shape: string): Problem {
  const [, collectedAt = '', runId = ''] = item.sk.split('#');
  return { kind, accountId, runId, collectedAt, pk: item.pk, sk: item.sk, message: `item ${item.sk} is stored among the ${among} but its key is not ${shape}: inserted item` };
}

/** Check one record item in isolation: hash of the body, body vs key, body vs plain attributes. */
export function checkRecordItem(item: Item, accountId: string, key: RunKey & { ruleId?: string }): { record?: EvidenceRecord; problem?: Problem } {
  const base = { accountId, runId: key.runId, collectedAt: key.collectedAt, pk: item.pk, sk: item.sk };
  const where = `record ${item.sk}`;
  if (typeof item.body !== 'string' || typeof item.hash !== 'string') {
    return { problem: { ...base, kind: 'RECORD_CORRUPT', message: `${where}: body or hash attribute missing` } };
  }
  const actual = sha256Hex(item.body);
  if (actual !== item.hash) {
    let fields = '';
    try {
      const body = JSON.parse(item.body) as Record<string, unknown>;
      const stored = (item.fieldHashes ?? {}) as Record<string, string>;
      const changed = Object.keys({ ...body, ...stored })
        .filter((k) => stored[k] !== (k in body ? hashCanonical(body[k]) : undefined))
        .sort();
      if (changed.length) fields = `; changed field(s): ${changed.join(', ')}`;
    } catch {
      fields = '; body is no longer valid JSON';
    }
    return { problem: { ...base, kind: 'RECORD_MODIFIED', message: `${where} modified: SHA-256 of its body is ${actual}, its hash attribute says ${item.hash}${fields}` } };
  }
  let record: EvidenceRecord;
  try {
    record = parseRecordItem(item);
  } catch (error) {
    return { problem: { ...base, kind: 'RECORD_CORRUPT', message: `${where}: ${error instanceof CorruptItemError ? error.message : String(error)}` } };
  }
  if (record.accountId !== accountId || record.runId !== key.runId || record.collectedAt !== key.collectedAt || record.ruleId !== key.ruleId) {
    return {
      problem: {
        ...base,
        kind: 'RECORD_FORGED',
        message: `${where}: its body belongs to ${record.accountId}/${record.runId}/${record.collectedAt}/${record.ruleId}, not to the key it is stored under (copied or moved record)`,
      },
    };
  }
  // `expiresAt` is DynamoDB's TTL instruction, not evidence: never trusted (expiry is judged by the policy in force at collection).
  const attributeProblem = attributesDiffer(item, recordItem(record), [EXPIRES_AT_ATTRIBUTE]);
  if (attributeProblem) {
    return { problem: { ...base, kind: 'RECORD_MODIFIED', message: `${where} modified: ${attributeProblem} (every attribute is recomputed from the hashed body; an index key moved hides a record from history)` } };
  }
  return { record };
}

function checkManifestItem(item: Item, accountId: string, key: RunKey, verifier: SignatureVerifier | undefined): { manifest?: RunManifest; problem?: Problem } {
  const base = { accountId, runId: key.runId, collectedAt: key.collectedAt, pk: item.pk, sk: item.sk };
  const where = `manifest ${item.sk}`;
  if (typeof item.body !== 'string' || typeof item.hash !== 'string') {
    return { problem: { ...base, kind: 'MANIFEST_MODIFIED', message: `${where}: body or hash attribute missing` } };
  }
  const actual = sha256Hex(item.body);
  if (actual !== item.hash) {
    return { problem: { ...base, kind: 'MANIFEST_MODIFIED', message: `${where} modified: SHA-256 of its body is ${actual}, its hash attribute says ${item.hash}` } };
  }
  if (verifier) {
    const signature = manifestSignatureOf(item);
    if (!signature) return { problem: { ...base, kind: 'MANIFEST_UNSIGNED', message: `${where} has no signature: it was not sealed by art32's sealer (forged, or written by a record writer)` } };
    if (!verifier.verify(item.body, signature)) {
      const claimed = signature.keyId !== verifier.keyId ? ` (it claims key ${signature.keyId}; the trusted key is ${verifier.keyId})` : '';
      return { problem: { ...base, kind: 'SIGNATURE_INVALID', message: `${where}: signature does not verify with the trusted public key${claimed}: manifest rewritten or re-sealed without the signing key` } };
    }
  }
  let manifest: RunManifest;
  try {
    manifest = parseManifestItem(item);
  } catch (error) {
    return { problem: { ...base, kind: 'MANIFEST_MODIFIED', message: `${where}: ${(error as Error).message}` } };
  }
  if (manifest.accountId !== accountId || manifest.runId !== key.runId || manifest.collectedAt !== key.collectedAt) {
    return { problem: { ...base, kind: 'MANIFEST_MODIFIED', message: `${where}: its body belongs to ${manifest.accountId}/${manifest.runId}/${manifest.collectedAt}, not to the key it is stored under` } };
  }
  const attributeProblem = attributesDiffer(item, manifestItem(manifest, { algorithm: 'ECDSA_SHA_256', keyId: '', value: '' }), ['signature', 'signatureAlgorithm', 'signingKeyId', 'previousHash']);
  if (attributeProblem) return { problem: { ...base, kind: 'MANIFEST_MODIFIED', message: `${where} modified: ${attributeProblem}` } };
  if (item.previousHash !== (manifest.previous?.hash ?? 'NONE')) {
    return {
      problem: {
        ...base,
        kind: 'MANIFEST_LINK_BROKEN',
        message: `${where}: previous-hash attribute altered: it says ${String(item.previousHash)}, the hashed body links to ${manifest.previous?.hash ?? 'NONE'}`,
      },
    };
  }
  return { manifest };
}

/** Verify one account's evidence (records from `from` on; the whole manifest chain). */
export async function verifyAccount(store: EvidenceStore, accountId: string, from?: string, options: VerifyOptions = {}): Promise<AccountVerification> {
  return verifyAccountItems(accountId, await store.accountItems(accountId, from), from, options);
}

/**
 * Verify items already read with `store.accountItems(accountId, from)`: for callers that
 * also show those items (the audit report), so they are read once and the verdict covers
 * exactly what is shown.
 */
export function verifyAccountItems(accountId: string, items: AccountItems, from?: string, options: VerifyOptions = {}): AccountVerification {
  const problems: Problem[] = [];
  const pk = keys.account(accountId);

  // Manifests, in key order = chain order.
  const manifests: { key: RunKey; item: Item; manifest?: RunManifest }[] = [];
  for (const item of items.manifests) {
    const key = parseRunSk(item.sk, 'MANIFEST');
    if (!key) {
      problems.push(strayKeyProblem(item, accountId, 'MANIFEST_MODIFIED', 'manifests', 'MANIFEST#<collectedAt>#<runId>'));
      continue;
    }
    const checked = checkManifestItem(item, accountId, key, options.verifier);
    if (checked.problem) problems.push(checked.problem);
    manifests.push({ key, item, ...(checked.manifest ? { manifest: checked.manifest } : {}) });
  }
  const manifestByRun = new Map(manifests.map((m) => [runKeyOf(m.key), m]));

  // Chain: each manifest's `previous` must be the manifest just before it, with that exact hash.
  const referencedMissing = new Map<string, { by: RunKey; hash: string }>();
  for (let i = 0; i < manifests.length; i++) {
    const current = manifests[i];
    if (!current?.manifest) continue;
    const before = i > 0 ? manifests[i - 1] : undefined;
    const prev = current.manifest.previous;
    const base = { accountId, runId: current.key.runId, collectedAt: current.key.collectedAt, pk, sk: current.item.sk };
    if (prev === null) {
      if (before) problems.push({ ...base, kind: 'MANIFEST_LINK_BROKEN', message: `manifest ${current.item.sk} claims to start the chain, but manifest ${before.item.sk} precedes it` });
      continue;
    }
    // By collection time AND run id: one run id may be recorded at several times (e.g. a
    // scenario collected twice under the same --run-id); each is its own link of the chain.
    const target = manifestByRun.get(runKeyOf(prev));
    if (!target) {
      referencedMissing.set(runKeyOf(prev), { by: current.key, hash: prev.hash });
      problems.push({
        ...base,
        kind: 'MANIFEST_DELETED',
        message: `manifest of run ${prev.runId} (${prev.collectedAt}) deleted: manifest ${current.item.sk} links to it with hash ${prev.hash}, but it is not in the table (chain gap)`,
      });
      continue;
    }
    if (target.item.hash !== prev.hash) {
      problems.push({
        ...base,
        kind: 'MANIFEST_LINK_BROKEN',
        message: `manifest ${current.item.sk}: previous-hash ${prev.hash} does not match manifest ${target.item.sk} (hash ${String(target.item.hash)}): previous-hash altered or previous manifest rewritten`,
      });
    } else if (before && target !== before) {
      problems.push({ ...base, kind: 'MANIFEST_LINK_BROKEN', message: `manifest ${current.item.sk} links to ${target.item.sk}, but ${before.item.sk} comes between them (chain fork or inserted manifest)` });
    }
  }

  if (options.anchors) problems.push(...checkAnchors(accountId, options.anchors, manifests));

  // Sort keys of records found intact: sealed by a valid (signed, when a key is given)
  // manifest whose entry matches the record's hash, and the record itself consistent.
  const intact = new Set<string>();
  const expired: ExpiredRecord[] = [];
  // Records, grouped by run (from the key: keys cannot be edited in place).
  const recordsByRun = new Map<string, { key: RunKey; items: Item[] }>();
  let recordCount = 0;
  for (const item of items.records) {
    const key = parseRunSk(item.sk, 'RUN');
    if (!key) {
      problems.push(strayKeyProblem(item, accountId, 'RECORD_FORGED', 'records', 'RUN#<collectedAt>#<runId>#RULE#<ruleId>'));
      continue;
    }
    recordCount++;
    const group = recordsByRun.get(runKeyOf(key)) ?? { key: { collectedAt: key.collectedAt, runId: key.runId }, items: [] };
    group.items.push(item);
    recordsByRun.set(runKeyOf(key), group);
  }
  problems.push(...checkHeaders(accountId, items.headers, manifestByRun));
  const headerByRun = new Map<string, Item>();
  for (const h of items.headers) {
    const k = parseRunSk(h.sk, 'OPEN');
    if (k) headerByRun.set(runKeyOf(k), h);
  }
  const headerRuns = new Set(headerByRun.keys());
  const { lower } = dateBounds(from !== undefined ? { from } : {});
  const latestRunKey = [...new Set([...recordsByRun.keys(), ...headerRuns, ...manifestByRun.keys()])].sort().at(-1);

  const runKeys = new Set([...recordsByRun.keys(), ...headerRuns, ...[...manifestByRun.values()].filter((m) => m.key.collectedAt >= lower).map((m) => runKeyOf(m.key))]);
  for (const runKey of [...runKeys].sort()) {
    const group = recordsByRun.get(runKey);
    const sealed = manifestByRun.get(runKey);
    const runKeyParts = group?.key ?? sealed?.key ?? (parseRunSk(`OPEN#${runKey}`, 'OPEN') as RunKey);
    const base = { accountId, runId: runKeyParts.runId, collectedAt: runKeyParts.collectedAt, pk };
    const checkedRecords = new Map<string, { item: Item; record?: EvidenceRecord }>();
    for (const item of group?.items ?? []) {
      const key = parseRunSk(item.sk, 'RUN');
      if (!key) continue;
      const checked = checkRecordItem(item, accountId, key);
      if (checked.problem) problems.push(checked.problem);
      checkedRecords.set(item.sk, { item, ...(checked.record ? { record: checked.record } : {}) });
    }
    if (!sealed) {
      const missing = referencedMissing.get(runKey);
      if (missing) continue; // already reported as MANIFEST_DELETED by the manifest that links to it
      const n = group?.items.length ?? 0;
      if (!headerRuns.has(runKey)) {
        for (const item of group?.items ?? []) {
          problems.push({ ...base, sk: item.sk, kind: 'RECORD_FORGED', message: `record ${item.sk} is in no manifest and its run was never started (no run header ${keys.openSk(base.collectedAt, base.runId)}): inserted record` });
        }
        continue;
      }
      // The header plans every record of the run (key and hash): a record of an open run that
      // is not the planned one was altered or inserted, not merely left unsealed.
      const plan = (headerByRun.get(runKey)?.plan ?? undefined) as { sk: string; hash: string }[] | undefined;
      if (Array.isArray(plan)) {
        const planned = new Map(plan.map((e) => [e.sk, e.hash]));
        for (const [sk, stored] of checkedRecords) {
          if (!planned.has(sk)) problems.push({ ...base, sk, kind: 'RECORD_FORGED', message: `record ${sk} is not in the plan of its run's header: inserted record` });
          else if (stored.record && stored.record.hash !== planned.get(sk)) {
            problems.push({ ...base, sk, kind: 'RECORD_MODIFIED', message: `record ${sk} modified: its hash ${stored.record.hash} is not the one its run header planned (${String(planned.get(sk))})` });
          }
        }
      }
      const latest = runKey === latestRunKey;
      problems.push({
        ...base,
        sk: keys.manifestSk(base.collectedAt, base.runId),
        kind: 'RUN_INCOMPLETE',
        message: latest
          ? `latest run ${base.runId} (${base.collectedAt}) has ${n} record(s) but no manifest: in progress, or interrupted (the next \`art32 collect\` on this account closes it), or its manifest was deleted`
          : `run ${base.runId} (${base.collectedAt}) has ${n} record(s) but was never sealed by a manifest (an interrupted run; its records are not protected by the chain)`,
      });
      continue;
    }
    if (!sealed.manifest) continue; // its own problem is reported
    const listed = new Map(sealed.manifest.records.map((e) => [e.sk, e]));
    for (const entry of sealed.manifest.records) {
      const stored = checkedRecords.get(entry.sk);
      if (stored?.record && stored.record.hash === entry.hash) intact.add(entry.sk);
      if (!stored) {
        if (options.retention) {
          const policy = options.retention.policyAt(base.collectedAt);
          const verdict = missingRecordVerdict({ collectedAt: base.collectedAt }, entry, policy, options.retention.now);
          if (verdict.kind === 'expired') {
            expired.push({
              sk: entry.sk,
              ruleId: entry.ruleId,
              runId: base.runId,
              collectedAt: base.collectedAt,
              expiredAt: verdict.expiredAt,
              policy: { recordDays: policy.recordDays, activityDays: policy.activityDays, ...(policy.declaration ? { declaration: policy.declaration } : {}) },
            });
            continue;
          }
        }
        problems.push({
          ...base,
          sk: entry.sk,
          kind: 'RECORD_DELETED',
          message: `record ${entry.sk} (rule ${entry.ruleId}, hash ${entry.hash}) is listed in manifest ${sealed.item.sk} but missing from the table: deleted${options.retention ? ' (its retention period had not ended)' : ''}`,
        });
        continue;
      }
      if (stored.record && stored.record.hash !== entry.hash) {
        problems.push({
          ...base,
          sk: entry.sk,
          kind: 'RECORD_MODIFIED',
          message: `record ${entry.sk} modified: its hash ${stored.record.hash} is not the hash sealed in manifest ${sealed.item.sk} (${entry.hash}); body and hash were rewritten together`,
        });
      }
    }
    for (const [sk] of checkedRecords) {
      if (!listed.has(sk)) {
        problems.push({ ...base, sk, kind: 'RECORD_FORGED', message: `record ${sk} is not listed in manifest ${sealed.item.sk} of its run: inserted after the run was sealed` });
      }
    }
  }

  if (items.contexts) problems.push(...checkContexts(accountId, items.contexts, manifests, lower));

  problems.sort((a, b) => (a.collectedAt === b.collectedAt ? (a.runId === b.runId ? a.sk.localeCompare(b.sk) : a.runId.localeCompare(b.runId)) : a.collectedAt < b.collectedAt ? -1 : 1));
  for (const p of problems) intact.delete(p.sk);
  const head = manifests.at(-1);
  const gaps = manifests
    .filter((m) => m.manifest?.incomplete && m.key.collectedAt >= lower)
    .map((m) => ({
      runId: m.key.runId,
      collectedAt: m.key.collectedAt,
      recordCount: m.manifest?.recordCount ?? 0,
      expectedRecords: m.manifest?.incomplete?.expectedRecords ?? 0,
      reason: m.manifest?.incomplete?.reason ?? '',
    }));
  const result: AccountVerification = {
    gaps,
    accountId,
    manifests: manifests.length,
    records: recordCount,
    runs: runKeys.size,
    problems,
    headHash: head ? String(head.item.hash) : null,
    signaturesChecked: options.verifier !== undefined,
    expired,
  };
  INTACT.set(result, intact);
  HASHES.set(result, new Set(manifests.map((m) => String(m.item.hash))));
  return result;
}

/**
 * Collection contexts against the manifests that seal them (version 2): the sealed context must
 * be there with the sealed body hash; a context beside a run sealed without one was added after
 * the seal. Version 1 manifests seal no context: theirs are not covered (not a problem; the audit
 * document says so). Runs before `lower` are not read, as for records.
 */
function checkContexts(accountId: string, contexts: readonly Item[], manifests: readonly { key: RunKey; item: Item; manifest?: RunManifest }[], lower: string): Problem[] {
  const problems: Problem[] = [];
  const pk = keys.account(accountId);
  const bySk = new Map(contexts.map((c) => [c.sk, c]));
  for (const m of manifests) {
    if (!m.manifest || m.manifest.manifestVersion === 1 || m.key.collectedAt < lower) continue;
    const run = { accountId, runId: m.key.runId, collectedAt: m.key.collectedAt };
    const sk = keys.contextSk(run.collectedAt, run.runId);
    const base = { ...run, pk, sk };
    const stored = bySk.get(sk);
    const sealed = m.manifest.context ?? null;
    if (sealed === null) {
      if (stored) problems.push({ ...base, kind: 'CONTEXT_FORGED', message: `collection context ${sk} was added after the run was sealed: manifest ${m.item.sk} sealed the run without one` });
      continue;
    }
    if (!stored) {
      problems.push({ ...base, kind: 'CONTEXT_DELETED', message: `collection context ${sk} (SHA-256 ${sealed.sha256}) is sealed in manifest ${m.item.sk} but missing from the table: deleted` });
      continue;
    }
    const checked = checkContextItem(stored, run);
    if ('problem' in checked) problems.push({ ...base, kind: 'CONTEXT_MODIFIED', message: checked.problem });
    else if (checked.sealed.sha256 !== sealed.sha256) {
      problems.push({
        ...base,
        kind: 'CONTEXT_MODIFIED',
        message: `collection context ${sk} modified: SHA-256 of its body is ${checked.sealed.sha256}, manifest ${m.item.sk} sealed ${sealed.sha256} (who collected the run, or with what, was rewritten after the seal)`,
      });
    }
  }
  return problems;
}

/**
 * What a verification means for a pipeline: `tampered` when any problem is more than an
 * unfinished run (an unsealed run, a seal whose anchor is missing), `incomplete` when the only
 * problems are those, else `ok`. Same as `result.verdict` (`intact` → `ok`).
 */
export function verdictOf(result: VerificationResult): 'ok' | 'incomplete' | 'tampered' {
  return result.verdict === 'intact' ? 'ok' : result.verdict;
}

/**
 * Run headers carry no body: every attribute must follow from the header's key, and — once
 * the run is sealed — its record count and source from the signed manifest.
 */
function checkHeaders(
  accountId: string,
  headers: readonly Item[],
  manifestByRun: ReadonlyMap<string, { manifest?: RunManifest }>,
): Problem[] {
  const problems: Problem[] = [];
  for (const item of headers) {
    const key = parseRunSk(item.sk, 'OPEN');
    const base = { accountId, runId: key?.runId ?? '', collectedAt: key?.collectedAt ?? '', pk: item.pk, sk: item.sk };
    if (!key) {
      problems.push({ ...base, kind: 'HEADER_MODIFIED', message: `item ${item.sk} is stored among the run headers but its key is not OPEN#<collectedAt>#<runId>: inserted item` });
      continue;
    }
    const runKey = runKeyOf(key);
    const manifest = manifestByRun.get(runKey)?.manifest;
    const expected: Record<string, unknown> = {
      pk: keys.account(accountId),
      sk: item.sk,
      gsi2pk: keys.byRunPk(key.runId),
      gsi2sk: keys.byRunOpenSk(accountId),
      type: 'RUN',
      accountId,
      runId: key.runId,
      collectedAt: key.collectedAt,
      // An unsealed run may still be being written: its count is checked by the sealer, not here.
      // A run sealed incomplete announced what it planned (the manifest's expectedRecords).
      recordCount: manifest ? (manifest.incomplete?.expectedRecords ?? manifest.recordCount) : item.recordCount,
      source: manifest ? manifest.source : item.source,
    };
    // The plan (every planned record's key and hash): once sealed, it is what the signed manifest
    // lists plus what it names as missing. Headers of older versions have none.
    if ('plan' in item) expected.plan = manifest ? planOfManifest(manifest) : item.plan;
    // The failed collection a header announces is sealed into the manifest.
    if ('collectionFailed' in item || manifest?.collectionFailed) expected.collectionFailed = manifest ? manifest.collectionFailed : item.collectionFailed;
    // Checksum of the run's payload item (not evidence: the sealer never reads the payload).
    if ('payloadSha256' in item) expected.payloadSha256 = item.payloadSha256;
    const differ = attributesDiffer(item, expected);
    if (differ) problems.push({ ...base, kind: 'HEADER_MODIFIED', message: `run header ${item.sk} modified: ${differ}` });
  }
  return problems;
}

/** The plan a sealed manifest implies: the records it lists and those it names as missing, by rule id. */
function planOfManifest(manifest: RunManifest): { ruleId: string; sk: string; hash: string }[] {
  return [...manifest.records, ...(manifest.incomplete?.missing ?? [])]
    .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0))
    .map((e) => ({ ruleId: e.ruleId, sk: e.sk, hash: e.hash }));
}

/** Manifest hashes per verification result (for `--expect-head`). */
const HASHES = new WeakMap<AccountVerification, ReadonlySet<string>>();

/**
 * Compare one account's manifests with its anchors: every anchor must find its manifest with
 * the same hash; anchors past the chain head mean the newest runs were cut off; a manifest
 * without an anchor is reported as not anchored.
 */
function checkAnchors(accountId: string, anchors: readonly Anchor[], manifests: readonly { key: RunKey; item: Item }[]): Problem[] {
  const problems: Problem[] = [];
  const pk = keys.account(accountId);
  const byRun = new Map(manifests.map((m) => [runKeyOf(m.key), m]));
  const head = manifests.at(-1);
  const headSk = head ? head.item.sk : undefined;
  const anchored = new Set<string>();
  for (const a of anchors) {
    const runKey = runKeyOf(a);
    anchored.add(runKey);
    const sk = keys.manifestSk(a.collectedAt, a.runId);
    const base = { accountId, runId: a.runId, collectedAt: a.collectedAt, pk, sk };
    const m = byRun.get(runKey);
    if (!m) {
      if (headSk === undefined || sk > headSk) {
        problems.push({ ...base, kind: 'CHAIN_TRUNCATED', message: `anchored manifest ${sk} (hash ${a.manifestHash}) is newer than the table's chain head ${headSk ?? '(no manifest at all)'}: the newest run(s) were deleted` });
      } else {
        problems.push({ ...base, kind: 'ANCHORED_MANIFEST_MISSING', message: `anchored manifest ${sk} (hash ${a.manifestHash}) is not in the table: deleted` });
      }
      continue;
    }
    if (m.item.hash !== a.manifestHash) {
      problems.push({ ...base, kind: 'ANCHOR_MISMATCH', message: `manifest ${sk} has hash ${String(m.item.hash)}, but its anchor says ${a.manifestHash}: the manifest was rewritten after it was anchored` });
    }
  }
  for (const m of manifests) {
    if (!anchored.has(runKeyOf(m.key))) {
      problems.push({
        accountId,
        runId: m.key.runId,
        collectedAt: m.key.collectedAt,
        pk,
        sk: m.item.sk,
        kind: 'MANIFEST_NOT_ANCHORED',
        message: `manifest ${m.item.sk} has no anchor: its anchor write failed after the seal, or it was sealed before anchoring (it is not covered by the WORM copy)`,
      });
    }
  }
  return problems;
}

/** Intact record keys per verification result (kept out of the JSON `verify --format json` prints). */
const INTACT = new WeakMap<AccountVerification, ReadonlySet<string>>();

/** What a caller showing one record should say about it. */
export type RecordIntegrity = { intact: true } | { intact: false; reason: string };

/**
 * The verdict on ONE record, for every surface that shows records (history, report, email,
 * console, export): `intact` only when the record's body matches its hash and attributes and
 * is sealed by a valid manifest (signed by the trusted key when `signaturesChecked`). Anything
 * else — forged, modified, moved, in an unsealed run, or not read by this verification — is
 * `intact: false` with the first problem's message. Use: verify the items you loaded with
 * `verifyAccountItems(accountId, items, from, { verifier })`, then ask per record sort key.
 */
export function recordIntegrity(verification: AccountVerification, sk: string): RecordIntegrity {
  if (INTACT.get(verification)?.has(sk)) return { intact: true };
  const problem = verification.problems.find((p) => p.sk === sk);
  if (problem) return { intact: false, reason: `${problem.kind}: ${problem.message}` };
  const [, collectedAt = '', runId = ''] = sk.split('#');
  const runProblem = verification.problems.find((p) => p.collectedAt === collectedAt && p.runId === runId);
  if (runProblem) return { intact: false, reason: `${runProblem.kind}: ${runProblem.message}` };
  return { intact: false, reason: 'not sealed by a valid manifest in the verified items' };
}

export interface VerifyStoreOptions {
  accountId?: string;
  from?: string;
  verifier?: SignatureVerifier;
  /** The anchor store's listing (`verify --anchors`): the account list and each chain are compared with it. */
  anchors?: AnchorListing & { store: string };
  /** Chain heads kept elsewhere (`--expect-head`): each must be a manifest of the (or some) account's chain. */
  expectHeads?: readonly string[];
  /** Evidence retention per account (see `VerifyOptions.retention`): the period in force for a run of `accountId` collected at `collectedAt`. */
  retention?: { now: string; policyAt(accountId: string, collectedAt: string): RetentionPolicy };
}

/**
 * Verify one account, or every account: the registry's KEYS (never an attribute a writer can
 * edit) united with every anchored account, so deleting an account's registry entry does not
 * make it vanish from verification.
 */
export async function verifyStore(store: EvidenceStore, options: VerifyStoreOptions = {}): Promise<VerificationResult> {
  const registryItems = await store.registryItems();
  const registry = new Set(await store.accounts());
  const registryProblems: Problem[] = [];
  for (const item of registryItems) {
    const id = item.sk.startsWith('ACCOUNT#') ? item.sk.slice('ACCOUNT#'.length) : '';
    const differ = /^\d{12}$/.test(id) ? attributesDiffer(item, { pk: 'ACCOUNTS', sk: item.sk, type: 'ACCOUNT', accountId: id }) : `key ${item.sk} is not ACCOUNT#<12-digit id>`;
    if (differ) registryProblems.push({ kind: 'REGISTRY_ENTRY_MODIFIED', accountId: id, runId: '', collectedAt: '', pk: item.pk, sk: item.sk, message: `registry entry ${item.sk} modified: ${differ}` });
  }
  const anchorsByAccount = new Map<string, Anchor[]>();
  for (const a of options.anchors?.anchors ?? []) anchorsByAccount.set(a.accountId, [...(anchorsByAccount.get(a.accountId) ?? []), a]);
  let ids: string[];
  if (options.accountId !== undefined) {
    ids = [options.accountId];
  } else {
    ids = [...new Set([...registry, ...anchorsByAccount.keys()])].sort();
  }
  const accounts: AccountVerification[] = [];
  for (const id of ids) {
    const items = await store.accountItems(id, options.from);
    const hasItems = items.manifests.length + items.records.length + items.headers.length > 0;
    if (!registry.has(id) && !hasItems && !anchorsByAccount.has(id)) {
      await store.assertKnownAccount(id); // throws UnknownAccountError, listing the known accounts
    }
    const anchors = options.anchors ? (anchorsByAccount.get(id) ?? []) : undefined;
    const retention = options.retention;
    const v = verifyAccountItems(id, items, options.from, {
      ...(options.verifier ? { verifier: options.verifier } : {}),
      ...(anchors ? { anchors } : {}),
      ...(retention ? { retention: { now: retention.now, policyAt: (collectedAt: string) => retention.policyAt(id, collectedAt) } } : {}),
    });
    if (!registry.has(id)) {
      const pk = keys.account(id);
      v.problems.unshift({
        kind: 'REGISTRY_ENTRY_MISSING',
        accountId: id,
        runId: '',
        collectedAt: '',
        pk: 'ACCOUNTS',
        sk: keys.registrySk(id),
        message: hasItems
          ? `account ${id} has evidence under ${pk} but no ACCOUNTS registry entry: the entry was deleted (the account would vanish from runs, report and verify)`
          : `account ${id} is anchored (${anchorsByAccount.get(id)?.length ?? 0} seal(s)) but the table holds neither its registry entry nor any of its evidence: deleted`,
      });
    }
    accounts.push(v);
  }
  const extra: Problem[] = [...registryProblems.filter((p) => options.accountId === undefined || p.accountId === options.accountId)];
  for (const line of options.anchors?.problems ?? []) {
    extra.push({ kind: 'ANCHOR_STORE_DAMAGED', accountId: '', runId: '', collectedAt: '', pk: '', sk: '', message: `anchor store ${options.anchors?.store}: ${line}` });
  }
  for (const head of options.expectHeads ?? []) {
    const found = accounts.some((a) => HASHES.get(a)?.has(head));
    if (!found) {
      extra.push({
        kind: 'CHAIN_TRUNCATED',
        accountId: options.accountId ?? '',
        runId: '',
        collectedAt: '',
        pk: '',
        sk: '',
        message: `expected chain head ${head} is not a manifest of ${options.accountId ? `account ${options.accountId}` : 'any verified account'}: the chain was cut back or rewritten past it`,
      });
    }
  }
  const all = [...extra, ...accounts.flatMap((a) => a.problems)];
  all.sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : a.collectedAt > b.collectedAt ? 1 : 0));
  const verdict = verdictOfProblems(all);
  return {
    ok: all.length === 0,
    verdict,
    ...(options.anchors ? { anchors: { store: options.anchors.store, count: options.anchors.anchors.length } } : {}),
    ...(options.from !== undefined ? { from: options.from } : {}),
    accounts,
    ...(extra.length ? { storeProblems: extra } : {}),
    ...(all[0] ? { firstProblem: all[0] } : {}),
  };
}
