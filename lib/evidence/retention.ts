/**
 * Evidence retention: how long a run's RECORDS are kept, and which records are past it.
 * Pure functions (no I/O); `art32 retention` prints them, and the deletion itself (DynamoDB TTL
 * in the deployed table, a break-glass prune locally) and verify's reading of it build on them
 * (docs/retention.md says what is wired and what is not).
 *
 * What expires and what stays:
 * - records (findings) hold personal data — names of users and sessions, per-person activity
 *   metrics — so they expire (GDPR Art. 5(1)(e), storage limitation);
 * - manifests hold hashes, rule ids, counts and times only, and are KEPT: they are the checkpoint
 *   that keeps the chain verifiable after expiry (each manifest still links to its predecessor
 *   and, once manifests are signed, still carries its signature). A record a manifest lists but
 *   the store lacks is then "expired" only if its run is past the period in force when the run
 *   was collected; otherwise it is "missing" (an integrity problem);
 * - register items (declarations, acceptances, plans, triage) are the controller's
 *   accountability record and are not covered here.
 *
 * Defaults and why (docs/retention.md): records 1095 days — the compliance evidence serves the
 * controller's internal control of its measures (Art. 5(2), 24(1), 32(1)(d)), for which CNIL
 * délib. 2021-122 accepts up to three years of logging data in the most common cases; records
 * with per-person activity metrics 365 days — they are derived from logs, for which 2021-122
 * recommends six months to one year. A controller declares another period with
 * `art32 declare evidence-retention` (dated, attributed, hashed); the period in force when a run
 * was collected governs that run, so shortening the period later cannot excuse a deletion.
 */
import type { RegisterEntry, RegisterView } from '../register/types';
import { EvidenceRetentionDeclaration } from '../register/types';
import type { ExpiredRecord } from './verify';

export const DEFAULT_EVIDENCE_RETENTION = { recordDays: 1095, activityDays: 365 } as const;

/** Rules whose records hold per-person activity metrics (the shorter period applies). */
export const ACTIVITY_RULE_IDS: ReadonlySet<string> = new Set(['monitoring.abnormal-activity']);

export interface RetentionPolicy {
  recordDays: number;
  activityDays: number;
  justification: string;
  /** The register declaration it comes from, or undefined for the default. */
  declaration?: { id: string; hash: string; declaredBy: string; recordedAt: string };
}

export const DEFAULT_RETENTION_JUSTIFICATION =
  "art32 default: records 1095 days (internal control of the measures, GDPR Art. 5(2), 24(1), 32(1)(d); CNIL délib. 2021-122 accepts up to three years for internal control), records with per-person activity metrics 365 days (derived from logs: délib. 2021-122 recommends six months to one year)";

const DAY_MS = 86_400_000;

/** The evidence retention in force in a register view (its latest declaration), or the default. */
export function retentionPolicy(view: RegisterView | undefined): RetentionPolicy {
  let latest: { entry: RegisterEntry; decl: EvidenceRetentionDeclaration } | undefined;
  for (const entry of view?.entries ?? []) {
    if (entry.kind !== 'declaration') continue;
    const parsed = EvidenceRetentionDeclaration.safeParse(entry.payload);
    if (!parsed.success) continue;
    if (!latest || entry.recordedAt > latest.entry.recordedAt) latest = { entry, decl: parsed.data };
  }
  if (!latest) return { ...DEFAULT_EVIDENCE_RETENTION, justification: DEFAULT_RETENTION_JUSTIFICATION };
  const { entry, decl } = latest;
  return {
    recordDays: decl.recordDays,
    activityDays: decl.activityDays,
    justification: decl.justification,
    declaration: { id: entry.id, hash: entry.hash, declaredBy: entry.declarant.identity, recordedAt: entry.recordedAt },
  };
}

/** Days a record of `ruleId` is kept under `policy`. */
export const retentionDays = (ruleId: string, policy: RetentionPolicy): number => (ACTIVITY_RULE_IDS.has(ruleId) ? Math.min(policy.activityDays, policy.recordDays) : policy.recordDays);

/** When a record of `ruleId` collected at `collectedAt` expires (ISO-8601). */
export function recordExpiresAt(collectedAt: string, ruleId: string, policy: RetentionPolicy): string {
  const t = Date.parse(collectedAt);
  if (Number.isNaN(t)) throw new Error(`collectedAt "${collectedAt}" is not an ISO-8601 instant`);
  return new Date(t + retentionDays(ruleId, policy) * DAY_MS).toISOString();
}

export const isExpired = (collectedAt: string, ruleId: string, policy: RetentionPolicy, now: string): boolean => recordExpiresAt(collectedAt, ruleId, policy) <= now;

/**
 * A record that a (kept) manifest lists and the store no longer holds: `expired` when its run
 * is past the period in force at the run's collection (`policyAtCollection`), else `missing` —
 * which verification must keep reporting as an integrity problem.
 */
export function missingRecordVerdict(
  run: { collectedAt: string },
  entry: { ruleId: string },
  policyAtCollection: RetentionPolicy,
  now: string,
): { kind: 'expired'; expiredAt: string } | { kind: 'missing' } {
  const expiredAt = recordExpiresAt(run.collectedAt, entry.ruleId, policyAtCollection);
  return expiredAt <= now ? { kind: 'expired', expiredAt } : { kind: 'missing' };
}

/** The records of one run that are past retention at `now`, and the earliest expiry still to come. */
export function expiredEntries<E extends { ruleId: string }>(
  run: { collectedAt: string; records: readonly E[] },
  policyAtCollection: RetentionPolicy,
  now: string,
): { expired: E[]; nextExpiry?: string } {
  const expired: E[] = [];
  let nextExpiry: string | undefined;
  for (const e of run.records) {
    const at = recordExpiresAt(run.collectedAt, e.ruleId, policyAtCollection);
    if (at <= now) expired.push(e);
    else if (!nextExpiry || at < nextExpiry) nextExpiry = at;
  }
  return { expired, ...(nextExpiry ? { nextExpiry } : {}) };
}

/**
 * Records removed after their retention period, one sentence per run — what `verify` prints as a
 * note and the console shows beside a run: not a problem. `clean` makes the declarant's words
 * safe for the sink (terminal text, or nothing when the sink encodes them itself).
 */
export function expiredRunNotes(expired: readonly ExpiredRecord[], clean: (text: string) => string = (text) => text): string[] {
  const byRun = new Map<string, ExpiredRecord[]>();
  for (const e of expired) byRun.set(`${e.collectedAt}#${e.runId}`, [...(byRun.get(`${e.collectedAt}#${e.runId}`) ?? []), e]);
  return [...byRun.values()].map((run) => {
    const first = run[0] as ExpiredRecord;
    const d = first.policy.declaration;
    const source = d ? `declared on ${d.recordedAt.slice(0, 10)} by ${clean(d.declaredBy)} (${clean(d.id)})` : 'the art32 default';
    return `${run.length} record(s) of run ${clean(first.runId)} (${first.collectedAt}) expired under the retention policy (${source}: records ${first.policy.recordDays} days, per-person activity ${Math.min(first.policy.activityDays, first.policy.recordDays)} days; ended ${first.expiredAt.slice(0, 10)}): removed as the policy requires, not tampering; the manifest still lists their hashes`;
  });
}
