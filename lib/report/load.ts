/**
 * Fetch what the report model needs from the evidence store, with Queries only:
 * per account, its manifests (sealed runs) and the records of the runs in the report's
 * history window, plus the latest run and the baseline run when they are older than it.
 *
 * Only sealed runs (with a manifest) count: a run whose manifest was never written did not
 * complete, so it is neither a state to report nor a collection that happened (it shows as
 * a gap).
 */
import type { EvidenceStore } from '../evidence/store';
import { parseManifestItem, parseRecordItem } from '../evidence/store';
import type { EvidenceRecord, RunManifest } from '../evidence/record';
import { INCOMPLETE_KINDS, verifyAccountItems } from '../evidence/verify';
import { storeRetention } from '../evidence/expiry';
import type { SignatureVerifier } from '../evidence/signing';
import { RegisterStore } from '../register/store';
import type { ErrorKind, ReportIntegrity, ReportPlan, ReportRecord, ReportRun } from './model';
import { reportPlans } from './register-plans';

export interface LoadOptions {
  /** The report's "now" (ISO-8601). Runs after it are ignored. */
  now: string;
  /** Baseline time of the comparison (ISO-8601), when the report compares with a date. */
  since?: string | undefined;
  /** How far back to load runs, in days (trend, failing-streak ages, gaps). Default 30. */
  historyDays?: number;
  /** Limit to these accounts; default: every account of the store's registry. */
  accountIds?: readonly string[];
  /** Accounts loaded in parallel (each is 3 Queries + at most 2). Default 8. */
  concurrency?: number;
  /** The trusted public key: every manifest signature is checked (without it: "signatures not checked"). */
  verifier?: SignatureVerifier;
}

const DAY_MS = 86_400_000;

/**
 * Why an ERROR record judged nothing, from the facts it recorded: a failed API call
 * (`observed.collectionErrors`, written by the rule engine when a section is missing
 * because a call failed) or a rule that could not run is a failed collection; a section
 * that this source does not collect at all, with no failed call, is a limit of the
 * deployment (e.g. the S3 lifecycle behind a trail's retention).
 */
export function errorKindOf(r: Pick<EvidenceRecord, 'status' | 'message' | 'observed'>): ErrorKind | undefined {
  if (r.status !== 'ERROR') return undefined;
  const failedCalls = r.observed.collectionErrors;
  if (Array.isArray(failedCalls) && failedCalls.length > 0) return 'collection';
  if (r.message.startsWith('Rule failed to evaluate')) return 'collection';
  return 'limit';
}

/** The report's projection of an evidence record. */
export function toReportRecord(r: EvidenceRecord): ReportRecord {
  const errorKind = errorKindOf(r);
  return {
    ruleId: r.ruleId,
    status: r.status,
    severity: r.severity,
    message: r.message,
    resources: r.resources.items,
    resourceCount: r.resources.count,
    ...(errorKind ? { errorKind } : {}),
  };
}

export interface LoadedReport {
  runs: ReportRun[];
  /** Verification of each loaded account's chain, from the same items (no extra Query). */
  integrity: ReportIntegrity[];
  /** Remediation plans and risk acceptances of the register in force at `now` (one Query on the register). */
  plans: ReportPlan[];
}

/** Load the sealed runs of every account that the report needs, oldest first per account. */
export async function loadReportRuns(store: EvidenceStore, options: LoadOptions): Promise<ReportRun[]> {
  return (await loadReport(store, options)).runs;
}

/** The runs the report needs and the verification of every account's evidence chain. */
export async function loadReport(store: EvidenceStore, options: LoadOptions): Promise<LoadedReport> {
  const now = new Date(options.now).toISOString();
  const historyStart = new Date(Date.parse(now) - (options.historyDays ?? 30) * DAY_MS).toISOString();
  const since = options.since === undefined ? undefined : new Date(options.since).toISOString();
  const from = since !== undefined && since < historyStart ? since : historyStart;
  const accountIds = options.accountIds ? [...options.accountIds].sort() : await store.accounts();

  // Records removed after their retention (purge, DynamoDB TTL) are expired, not tampering: judged at the report's now.
  const retentionOf = await storeRetention(store, now);
  const perAccount = await mapWithConcurrency(accountIds, options.concurrency ?? 8, async (accountId) => {
    const items = await store.accountItems(accountId, from);
    const verification = verifyAccountItems(accountId, items, from, { ...(options.verifier ? { verifier: options.verifier } : {}), retention: retentionOf(accountId) });
    const tampering = verification.problems.filter((p) => !INCOMPLETE_KINDS.includes(p.kind));
    const integrity: ReportIntegrity = {
      accountId,
      problems: tampering.length,
      headHash: verification.headHash,
      // Interrupted or not-yet-anchored runs are gaps, not forgeries: only tampering marks a run's changes unverified.
      problemRunIds: [...new Set(tampering.map((p) => p.runId))].sort(),
      signaturesChecked: verification.signaturesChecked,
      incomplete: new Set(verification.problems.filter((p) => INCOMPLETE_KINDS.includes(p.kind)).map((p) => `${p.collectedAt}#${p.runId}`)).size,
    };
    const manifests = items.manifests.flatMap((item) => {
      try {
        return [parseManifestItem(item)];
      } catch {
        return []; // an unreadable manifest is a verification problem (counted above), not a run
      }
    }).filter((m) => m.collectedAt <= now);
    const recordsByRun = new Map<string, EvidenceRecord[]>();
    for (const item of items.records) {
      let record: EvidenceRecord;
      try {
        record = parseRecordItem(item);
      } catch {
        continue; // unreadable: a verification problem, never evidence
      }
      const list = recordsByRun.get(record.runId) ?? [];
      list.push(record);
      recordsByRun.set(record.runId, list);
    }
    // Runs older than the window that the model still needs: the latest (an overdue
    // account still shows its last known state) and the baseline (compare with `since`).
    const needed = new Set<RunManifest>(manifests.filter((m) => m.collectedAt >= from));
    const latest = manifests.at(-1);
    if (latest) needed.add(latest);
    if (since !== undefined) {
      const baseline = manifests.filter((m) => m.collectedAt <= since).at(-1);
      if (baseline) needed.add(baseline);
    } else if (manifests.length > 1) {
      needed.add(manifests[manifests.length - 2] as RunManifest);
    }
    const runs: ReportRun[] = [];
    for (const m of [...needed].sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : a.collectedAt > b.collectedAt ? 1 : 0))) {
      const records = m.collectedAt >= from ? (recordsByRun.get(m.runId) ?? []) : await store.runRecords(m.runId, accountId);
      const ofRun = records.filter((r) => r.collectedAt === m.collectedAt);
      runs.push({
        accountId,
        accountAlias: ofRun.find((r) => r.accountAlias !== undefined)?.accountAlias,
        runId: m.runId,
        collectedAt: m.collectedAt,
        firstRun: m.previous === null,
        records: ofRun.map(toReportRecord),
      });
    }
    return { runs, integrity };
  });
  const registerItems = await new RegisterStore(store.documentClient, store.tableName).items();
  return { runs: perAccount.flatMap((a) => a.runs), integrity: perAccount.map((a) => a.integrity), plans: reportPlans(registerItems, accountIds, now) };
}

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return results;
}
