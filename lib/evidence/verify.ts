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
import { sha256Hex, hashCanonical } from './canonical';
import { CorruptItemError } from './errors';
import type { EvidenceRecord, RunManifest } from './record';
import { dateBounds, parseManifestItem, parseRecordItem, type AccountItems, type EvidenceStore, type Item } from './store';
import { keys } from './table';

export type ProblemKind =
  | 'RECORD_MODIFIED'
  | 'RECORD_DELETED'
  | 'RECORD_FORGED'
  | 'RECORD_CORRUPT'
  | 'RUN_INCOMPLETE'
  | 'MANIFEST_MODIFIED'
  | 'MANIFEST_DELETED'
  | 'MANIFEST_LINK_BROKEN';

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
}

export interface VerificationResult {
  ok: boolean;
  from?: string;
  accounts: AccountVerification[];
  /** The earliest broken link, if any. */
  firstProblem?: Problem;
}

const RECORD_FIELDS_IN_ATTRIBUTES = ['accountId', 'runId', 'collectedAt', 'ruleId', 'status', 'severity'] as const;

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
function checkRecordItem(item: Item, accountId: string, key: RunKey & { ruleId?: string }): { record?: EvidenceRecord; problem?: Problem } {
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
  for (const field of RECORD_FIELDS_IN_ATTRIBUTES) {
    if (item[field] !== record[field]) {
      return {
        problem: { ...base, kind: 'RECORD_MODIFIED', message: `${where} modified: attribute ${field} = ${JSON.stringify(item[field])} but the hashed body says ${JSON.stringify(record[field])}` },
      };
    }
  }
  if (JSON.stringify(item.requirementIds) !== JSON.stringify(record.requirementIds)) {
    return { problem: { ...base, kind: 'RECORD_MODIFIED', message: `${where} modified: attribute requirementIds differs from the hashed body` } };
  }
  return { record };
}

function checkManifestItem(item: Item, accountId: string, key: RunKey): { manifest?: RunManifest; problem?: Problem } {
  const base = { accountId, runId: key.runId, collectedAt: key.collectedAt, pk: item.pk, sk: item.sk };
  const where = `manifest ${item.sk}`;
  if (typeof item.body !== 'string' || typeof item.hash !== 'string') {
    return { problem: { ...base, kind: 'MANIFEST_MODIFIED', message: `${where}: body or hash attribute missing` } };
  }
  const actual = sha256Hex(item.body);
  if (actual !== item.hash) {
    return { problem: { ...base, kind: 'MANIFEST_MODIFIED', message: `${where} modified: SHA-256 of its body is ${actual}, its hash attribute says ${item.hash}` } };
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
export async function verifyAccount(store: EvidenceStore, accountId: string, from?: string): Promise<AccountVerification> {
  return verifyAccountItems(accountId, await store.accountItems(accountId, from), from);
}

/**
 * Verify items already read with `store.accountItems(accountId, from)`: for callers that
 * also show those items (the audit report), so they are read once and the verdict covers
 * exactly what is shown.
 */
export function verifyAccountItems(accountId: string, items: AccountItems, from?: string): AccountVerification {
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
    const checked = checkManifestItem(item, accountId, key);
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
      if (!stored) {
        problems.push({ ...base, sk: entry.sk, kind: 'RECORD_DELETED', message: `record ${entry.sk} (rule ${entry.ruleId}, hash ${entry.hash}) is listed in manifest ${sealed.item.sk} but missing from the table: deleted` });
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

  problems.sort((a, b) => (a.collectedAt === b.collectedAt ? (a.runId === b.runId ? a.sk.localeCompare(b.sk) : a.runId.localeCompare(b.runId)) : a.collectedAt < b.collectedAt ? -1 : 1));
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
  return {
    gaps,
    accountId,
    manifests: manifests.length,
    records: recordCount,
    runs: runKeys.size,
    problems,
    headHash: head ? String(head.item.hash) : null,
  };
}

/**
 * What a verification means for a pipeline: `tampered` when any problem is more than an
 * unsealed run, `incomplete` when the only problems are runs not sealed yet, else `ok`.
 */
export function verdictOf(result: VerificationResult): 'ok' | 'incomplete' | 'tampered' {
  const problems = result.accounts.flatMap((a) => a.problems);
  if (problems.length === 0) return 'ok';
  return problems.every((p) => p.kind === 'RUN_INCOMPLETE') ? 'incomplete' : 'tampered';
}

/** Verify one account, or every account in the registry. */
export async function verifyStore(store: EvidenceStore, options: { accountId?: string; from?: string } = {}): Promise<VerificationResult> {
  const accounts: AccountVerification[] = [];
  for (const id of await store.knownAccountsOrAll(options.accountId)) accounts.push(await verifyAccount(store, id, options.from));
  const all = accounts.flatMap((a) => a.problems);
  all.sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : a.collectedAt > b.collectedAt ? 1 : 0));
  return { ok: all.length === 0, ...(options.from !== undefined ? { from: options.from } : {}), accounts, ...(all[0] ? { firstProblem: all[0] } : {}) };
}
