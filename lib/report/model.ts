/**
 * The report model: a pure function from stored evidence (the last runs of each account)
 * and the rule/framework metadata to everything the weekly email and the CLI preview show.
 *
 * No I/O and no clock: `now` is a parameter and every list is sorted, so the same data
 * always gives the same model (and the same email, byte for byte).
 *
 * Definitions (also in docs/report.md):
 * - **failing** = status FAIL. WARN is "met with a reservation" (e.g. virtual instead of
 *   hardware root MFA); ERROR is "not verified" (the data could not be collected).
 * - **score** = met / evaluated, in whole percent, where met = PASS + WARN and
 *   evaluated = PASS + WARN + FAIL + ERROR + rules with no record in the run.
 *   NOT_APPLICABLE is left out. ERROR and missing records count against the score:
 *   something unchecked is never counted as passed. `null` when nothing was evaluated.
 * - **baseline** of an account = its latest run at or before `since`; without `since`,
 *   its run before the latest one. Changes are the latest run compared with the baseline.
 * - **new failure** = FAIL now, and the current failing streak started after the baseline;
 *   a **regression** is a new failure of a rule that had failed before and had been fixed.
 *   **still failing** = the streak already covered the baseline. **fixed** = FAIL in the
 *   baseline, PASS / WARN / NOT_APPLICABLE now (an ERROR now is "not verified", not fixed).
 * - **age** of a failure = whole days from the first run of the current failing streak to
 *   `now`. ERROR runs inside a streak neither end nor start it (nothing was learnt). When
 *   the streak reaches the oldest loaded run and that run is not the account's first, the
 *   age is a lower bound (`ageIsLowerBound`).
 * - **gap** = an interval between consecutive runs (or from the last run to `now`) longer
 *   than 1.5 × the expected cadence, ending inside the report window.
 */
import type { Framework, Requirement } from '../frameworks/types';
import { hasStatus, requirementLabel } from '../frameworks';
import { failureHeadline } from './headlines';
import type { Remediation, Severity, Status } from '../rules/types';
import { plural } from '../support/plural';

/** One stored finding, as the report needs it (a projection of an evidence record). */
export interface ReportRecord {
  ruleId: string;
  status: Status;
  severity: Severity;
  message: string;
  /** Resources the finding is about (the store may have capped the list). */
  resources: string[];
  /** Full number of resources before any cap. */
  resourceCount: number;
  /**
   * For ERROR only: `collection` when an API call failed or the rule could not run (the
   * collection failed: fix access and re-run), `limit` when this deployment's source does
   * not collect the data at all (by design: shown once as "not verifiable by this deployment").
   */
  errorKind?: ErrorKind;
}

export type ErrorKind = 'collection' | 'limit';

/** One completed run of one account (a manifest and its records). */
export interface ReportRun {
  accountId: string;
  accountAlias?: string | undefined;
  runId: string;
  /** ISO-8601 time the snapshot was collected. */
  collectedAt: string;
  /** True when this is the account's first run ever (its manifest has no predecessor). */
  firstRun?: boolean;
  records: ReportRecord[];
}

/** Result of verifying one account's evidence chain (lib/evidence/verify), as the report shows it. */
export interface ReportIntegrity {
  accountId: string;
  /** Tampering: problems other than interrupted or not-yet-anchored runs. */
  problems: number;
  /** Hash of the newest manifest (keep a copy elsewhere: the email is one). */
  headHash: string | null;
  /** Runs with at least one problem: their records are not shown as genuine. */
  problemRunIds: readonly string[];
  /**
   * Whether every manifest signature was checked against the trusted public key (absent:
   * unknown, from a caller that does not say). Without it a writer who re-seals a rewritten
   * chain is not detected, so the email says "signatures not checked".
   */
  signaturesChecked?: boolean;
  /** Runs that are incomplete rather than tampered with (interrupted, or sealed but not yet anchored). */
  incomplete?: number;
}

/** A remediation plan or a risk acceptance from the register (#16), as the report shows it. */
export interface ReportPlan {
  accountId: string;
  ruleId: string;
  kind: 'plan' | 'acceptance';
  owner: string;
  /** `YYYY-MM-DD`: the plan's due date, or the acceptance's expiry. */
  dueDate: string;
  /** The register entry id (`P-…`, `A-…`), when it comes from the register. */
  id?: string;
}

/** What the report shows of a rule (a subset of the Rule contract). */
export interface ReportRuleInfo {
  id: string;
  title: string;
  severity: Severity;
  rationale: string;
  remediation: Remediation;
}

export interface ReportInput {
  /** Runs of every account, any order. Load the last `trendLength`+ runs per account. */
  runs: readonly ReportRun[];
  /** The report's "now" (ISO-8601). */
  now: string;
  /** Compare with the state at this time (ISO-8601); default: each account's previous run. */
  since?: string | undefined;
  /** Expected time between scheduled collections, in hours (default 24: daily). */
  cadenceHours?: number;
  /** Window in which gaps are reported when `since` is absent, in days (default 7). */
  periodDays?: number;
  /** Points in the trend (default 8). */
  trendLength?: number;
  /** Accounts that should have been collected (e.g. from configuration); missing ones are reported. */
  expectedAccountIds?: readonly string[];
  rules: readonly ReportRuleInfo[];
  frameworks: readonly Framework[];
  /** Per-account verification; an account without one shows "integrity not checked". */
  integrity?: readonly ReportIntegrity[];
  /** Remediation plans and risk acceptances of the register, when there is one. */
  plans?: readonly ReportPlan[];
  /** Label of the comparison point, e.g. "the report of Mon 16 Nov" (default: the date of `since`). */
  sinceLabel?: string;
}

/**
 * - `new`, `regression` (failed again after a fix), `still-failing`, `fixed` as in the module comment;
 * - `worsened`: still failing, with principals/resources failing that did not before, or more of them;
 * - `improved`: still failing, with fewer principals/resources failing than at the baseline.
 */
export type ChangeKind = 'new' | 'regression' | 'worsened' | 'still-failing' | 'improved' | 'fixed';

export interface ReportChange {
  kind: ChangeKind;
  accountId: string;
  accountAlias: string | null;
  ruleId: string;
  ruleTitle: string;
  /** What is wrong ("Root user has no MFA"), see headlines.ts. */
  headline: string;
  severity: Severity;
  status: Status;
  previousStatus: Status | null;
  message: string;
  /** At most `RESOURCES_PER_CHANGE` resources; `resourceCount` is the full count. */
  resources: string[];
  resourceCount: number;
  /** First run of the current failing streak (failing kinds only). */
  firstFailingAt: string | null;
  ageDays: number | null;
  ageIsLowerBound: boolean;
  /** Failing principals/resources at the baseline (null when the rule was not failing then). */
  previousResourceCount: number | null;
  /** Failing now and not at the baseline / at the baseline and not now (only when both lists are complete). */
  addedResources: string[];
  removedResources: string[];
  /** The latest collection could not judge the rule: this is the last known state, stale since then. */
  staleSince: string | null;
  /** The run this change rests on failed verification: not shown as genuine, not counted. */
  unverified: boolean;
  plan: (ReportPlan & { overdue: boolean }) | null;
}

export interface Counts {
  passed: number;
  warned: number;
  failed: number;
  errors: number;
  /** Rules with no record in the run (counted as not verified). */
  missing: number;
  notApplicable: number;
}

export type RequirementStatus = 'FAIL' | 'NOT_VERIFIED' | 'WARN' | 'PASS' | 'NOT_APPLICABLE';

export interface AccountRequirement {
  frameworkId: Framework['id'];
  requirementId: string;
  status: RequirementStatus;
  score: number | null;
  failingRuleIds: string[];
}

export interface TrendPoint {
  /** Collected-at of the run (per account) or the UTC day (fleet). */
  at: string;
  score: number | null;
  failed: number;
  accounts: number;
}

export interface GapInterval {
  from: string;
  /** End of the interval: the next run, or `now` when the account is overdue. */
  to: string;
  missedRuns: number;
  overdue: boolean;
}

export interface AccountReport {
  accountId: string;
  accountAlias: string | null;
  collected: boolean;
  lastRunId: string | null;
  lastCollectedAt: string | null;
  baselineCollectedAt: string | null;
  score: number | null;
  counts: Counts;
  requirements: AccountRequirement[];
  trend: TrendPoint[];
  gaps: GapInterval[];
  /** Rules whose latest collection failed (API errors), not by-design limits. */
  errorRuleIds: string[];
  /** Rules this deployment cannot verify (by design). */
  limitRuleIds: string[];
  /** Collection time of the latest run when some of its collection failed. */
  collectionFailedAt: string | null;
  integrity: ReportIntegrity | null;
}

export interface RequirementSummary {
  frameworkId: Framework['id'];
  id: string;
  title: string;
  citation: string;
  ruleIds: string[];
  /** law, cnil-recommendation or reference-case (a sanction: informs checks, no status). */
  kind: Requirement['kind'];
  /** False for a reference case: show `label`, never `status`. */
  hasStatus: boolean;
  /** "checks mapped to Art. 32(1)(a): 0 of 1 passed" / "checks informed by SAN-2026-003" (lib/frameworks). */
  label: string;
  status: RequirementStatus;
  /** Fleet score over every account's latest run, same definition as the account score. */
  score: number | null;
  accountsFailing: number;
  accountsNotVerified: number;
  accountsMet: number;
}

export interface CollectionError {
  accountId: string;
  accountAlias: string | null;
  runId: string;
  collectedAt: string;
  ruleId: string;
  message: string;
}

/** A rule this deployment cannot verify, listed once with the accounts it concerns. */
export interface NotVerifiable {
  ruleId: string;
  ruleTitle: string;
  /** The reason, from the first account's record. */
  message: string;
  accounts: number;
}

export interface ReportTotals extends Counts {
  accounts: number;
  accountsCollected: number;
  accountsFailing: number;
  score: number | null;
  newFailures: number;
  regressions: number;
  worsened: number;
  improved: number;
  fixed: number;
  stillFailing: number;
  /** Failing checks carried from an earlier run because the latest collection failed. */
  stale: number;
  /** Accounts with a new failure, regression, worsening or fix. */
  accountsChanged: number;
  accountsWithNewFailures: number;
  accountsWithIntegrityProblems: number;
  accountsWithGaps: number;
  accountsWithErrors: number;
  accountsNeverCollected: number;
}

export interface ReportModel {
  now: string;
  since: string | null;
  /** Human label of the comparison point, e.g. "16 Nov" or "the previous run". */
  sinceLabel: string;
  cadenceHours: number;
  verdict: string;
  totals: ReportTotals;
  /** Sorted: lowest score first (not collected last), then account id. */
  accounts: AccountReport[];
  requirements: RequirementSummary[];
  newFailures: ReportChange[];
  regressions: ReportChange[];
  worsened: ReportChange[];
  improved: ReportChange[];
  stillFailing: ReportChange[];
  fixed: ReportChange[];
  /** Every change above, in importance order (the email groups them by account). */
  changes: ReportChange[];
  collectionErrors: CollectionError[];
  notVerifiable: NotVerifiable[];
  trend: TrendPoint[];
  /** Rules that appear in a failure, with their remediation (in catalog order). */
  remediations: ReportRuleInfo[];
}

export const RESOURCES_PER_CHANGE = 5;
const DAY_MS = 86_400_000;
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Thrown when the input cannot give a truthful report (bad date, unknown status...). */
export class ReportInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}

function parseTime(value: string, what: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ReportInputError(`${what}: "${value}" is not an ISO-8601 date`);
  return t;
}

/** "16 Nov", or "16 Nov 2025" when the year differs from `now`'s (UTC, locale-free). */
export function shortDate(iso: string, nowIso: string): string {
  const d = new Date(iso);
  const sameYear = d.getUTCFullYear() === new Date(nowIso).getUTCFullYear();
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}${sameYear ? '' : ` ${d.getUTCFullYear()}`}`;
}

export function emptyCounts(): Counts {
  return { passed: 0, warned: 0, failed: 0, errors: 0, missing: 0, notApplicable: 0 };
}

function addCounts(into: Counts, c: Counts): void {
  into.passed += c.passed;
  into.warned += c.warned;
  into.failed += c.failed;
  into.errors += c.errors;
  into.missing += c.missing;
  into.notApplicable += c.notApplicable;
}

/** met / evaluated in whole percent (see the module comment), null when nothing was evaluated. */
export function score(c: Counts): number | null {
  const met = c.passed + c.warned;
  const evaluated = met + c.failed + c.errors + c.missing;
  return evaluated === 0 ? null : Math.floor((100 * met) / evaluated);
}

function countStatuses(statuses: readonly (Status | undefined)[]): Counts {
  const c = emptyCounts();
  for (const s of statuses) {
    if (s === undefined) c.missing++;
    else if (s === 'PASS') c.passed++;
    else if (s === 'WARN') c.warned++;
    else if (s === 'FAIL') c.failed++;
    else if (s === 'ERROR') c.errors++;
    else c.notApplicable++;
  }
  return c;
}

function requirementStatus(c: Counts): RequirementStatus {
  if (c.failed) return 'FAIL';
  if (c.errors || c.missing) return 'NOT_VERIFIED';
  if (c.warned) return 'WARN';
  if (c.passed) return 'PASS';
  return 'NOT_APPLICABLE';
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface AccountHistory {
  accountId: string;
  alias: string | null;
  /** Oldest first. */
  runs: { run: ReportRun; at: number; byRule: Map<string, ReportRecord> }[];
}

function groupRuns(runs: readonly ReportRun[]): Map<string, AccountHistory> {
  const byAccount = new Map<string, AccountHistory>();
  const seen = new Set<string>();
  for (const run of runs) {
    const key = `${run.accountId}\u0000${run.runId}`;
    if (seen.has(key)) throw new ReportInputError(`run ${run.runId} of account ${run.accountId} is listed twice`);
    seen.add(key);
    const at = parseTime(run.collectedAt, `collectedAt of run ${run.runId} (account ${run.accountId})`);
    const byRule = new Map<string, ReportRecord>();
    for (const r of run.records) {
      if (byRule.has(r.ruleId)) throw new ReportInputError(`run ${run.runId} of account ${run.accountId} has two records for rule ${r.ruleId}`);
      byRule.set(r.ruleId, r);
    }
    let h = byAccount.get(run.accountId);
    if (!h) byAccount.set(run.accountId, (h = { accountId: run.accountId, alias: null, runs: [] }));
    h.runs.push({ run, at, byRule });
  }
  for (const h of byAccount.values()) {
    h.runs.sort((a, b) => a.at - b.at || cmp(a.run.runId, b.run.runId));
    // The most recent alias names the account (aliases can be renamed).
    for (const r of h.runs) if (r.run.accountAlias) h.alias = r.run.accountAlias;
  }
  return byAccount;
}

/** Compute the report model. Pure and deterministic. */
export function buildReportModel(input: ReportInput): ReportModel {
  const now = parseTime(input.now, 'now');
  const since = input.since === undefined ? null : parseTime(input.since, 'since');
  if (since !== null && since > now) throw new ReportInputError(`since (${input.since}) is after now (${input.now})`);
  const cadenceHours = input.cadenceHours ?? 24;
  if (!(cadenceHours > 0)) throw new ReportInputError(`cadenceHours must be positive, got ${cadenceHours}`);
  const cadenceMs = cadenceHours * 3_600_000;
  const trendLength = Math.max(1, input.trendLength ?? 8);
  const windowStart = since ?? now - (input.periodDays ?? 7) * DAY_MS;

  const rulesById = new Map(input.rules.map((r) => [r.id, r]));
  const ruleOrder = new Map(input.rules.map((r, i) => [r.id, i]));
  const histories = groupRuns(input.runs.filter((r) => parseTime(r.collectedAt, `collectedAt of run ${r.runId}`) <= now));
  const accountIds = [...new Set([...histories.keys(), ...(input.expectedAccountIds ?? [])])].sort(cmp);
  const requirementDefs = input.frameworks.flatMap((f) => f.requirements.map((r) => ({ ...r, frameworkId: f.id })));

  const accounts: AccountReport[] = [];
  const changes: ReportChange[] = [];
  const collectionErrors: CollectionError[] = [];
  const notVerifiable = new Map<string, NotVerifiable>();
  const integrityById = new Map((input.integrity ?? []).map((i) => [i.accountId, i]));
  const planByKey = new Map((input.plans ?? []).map((p) => [`${p.accountId}\u0000${p.ruleId}`, p]));
  const fleetReqCounts = new Map<string, { counts: Counts; failing: number; notVerified: number; met: number }>();
  for (const req of requirementDefs) fleetReqCounts.set(req.id, { counts: emptyCounts(), failing: 0, notVerified: 0, met: 0 });

  for (const accountId of accountIds) {
    const h = histories.get(accountId);
    const latest = h?.runs.at(-1);
    if (!h || !latest) {
      accounts.push({
        accountId,
        accountAlias: null,
        collected: false,
        lastRunId: null,
        lastCollectedAt: null,
        baselineCollectedAt: null,
        score: null,
        counts: emptyCounts(),
        requirements: [],
        trend: [],
        gaps: [],
        errorRuleIds: [],
        limitRuleIds: [],
        collectionFailedAt: null,
        integrity: integrityById.get(accountId) ?? null,
      });
      continue;
    }
    const baselineIndex = since === null ? h.runs.length - 2 : findLastIndex(h.runs, (r) => r.at <= since);
    // With `since`, an account not collected since then is its own baseline: nothing changed.
    const baseline = baselineIndex >= 0 ? h.runs[baselineIndex] : undefined;

    // Rules judged: the catalog's, plus any the run recorded that the catalog no longer has.
    const ruleIds = [...new Set([...input.rules.map((r) => r.id), ...latest.byRule.keys()])].sort(
      (a, b) => (ruleOrder.get(a) ?? Infinity) - (ruleOrder.get(b) ?? Infinity) || cmp(a, b),
    );
    const counts = countStatuses(ruleIds.map((id) => latest.byRule.get(id)?.status));

    const requirements: AccountRequirement[] = requirementDefs.map((req) => {
      const c = countStatuses(req.ruleIds.map((id) => latest.byRule.get(id)?.status));
      const status = requirementStatus(c);
      const fleet = fleetReqCounts.get(req.id);
      if (fleet) {
        addCounts(fleet.counts, c);
        if (status === 'FAIL') fleet.failing++;
        else if (status === 'NOT_VERIFIED') fleet.notVerified++;
        else if (status === 'PASS' || status === 'WARN') fleet.met++;
      }
      return {
        frameworkId: req.frameworkId,
        requirementId: req.id,
        status,
        score: score(c),
        failingRuleIds: req.ruleIds.filter((id) => latest.byRule.get(id)?.status === 'FAIL'),
      };
    });

    const integrity = integrityById.get(accountId) ?? null;
    const problemRuns = new Set(integrity?.problemRunIds ?? []);
    const latestUnverified = problemRuns.has(latest.run.runId);
    // Runs after the comparison point: a rule that failed in one of them and passes now was
    // fixed in the period (also in a first report, which has no earlier report to compare with).
    const periodRuns = h.runs.filter((r) => r.at > windowStart && r !== latest);
    let collectionFailed = false;
    for (const ruleId of ruleIds) {
      const current = latest.byRule.get(ruleId);
      // An ERROR now judges nothing: the last judged state stands, stale since the first ERROR after it.
      const judged = current?.status === 'ERROR' ? lastJudged(h, ruleId) : current ? { rec: current, index: h.runs.length - 1, staleSince: null } : undefined;
      const rec = judged?.rec;
      const prev = baseline?.byRule.get(ruleId);
      const info = rulesById.get(ruleId);
      const title = info?.title ?? ruleId;
      if (current?.status === 'ERROR') {
        if (current.errorKind === 'limit') {
          const nv = notVerifiable.get(ruleId) ?? { ruleId, ruleTitle: title, message: current.message, accounts: 0 };
          nv.accounts++;
          notVerifiable.set(ruleId, nv);
        } else {
          collectionFailed = true;
          collectionErrors.push({ accountId, accountAlias: h.alias, runId: latest.run.runId, collectedAt: latest.run.collectedAt, ruleId, message: current.message });
        }
      }
      const plan = planByKey.get(`${accountId}\u0000${ruleId}`);
      const base = {
        accountId,
        accountAlias: h.alias,
        ruleId,
        ruleTitle: title,
        headline: failureHeadline(ruleId, title),
        severity: rec?.severity ?? prev?.severity ?? info?.severity ?? 'medium',
        status: rec?.status ?? 'ERROR',
        previousStatus: prev?.status ?? null,
        message: rec?.message ?? prev?.message ?? '',
        resources: (rec ?? prev)?.resources.slice(0, RESOURCES_PER_CHANGE) ?? [],
        resourceCount: (rec ?? prev)?.resourceCount ?? 0,
        previousResourceCount: prev?.status === 'FAIL' ? prev.resourceCount : null,
        addedResources: [] as string[],
        removedResources: [] as string[],
        staleSince: judged?.staleSince ?? null,
        unverified: judged ? problemRuns.has(h.runs[judged.index]?.run.runId ?? '') : latestUnverified,
        // Overdue: an open plan past its due date, or an acceptance past its expiry (it no longer covers the risk).
        plan: plan ? { ...plan, overdue: `${plan.dueDate}T23:59:59.999Z` < input.now } : null,
      };
      if (rec?.status === 'FAIL') {
        const streak = failingStreak(h, ruleId);
        const started = h.runs[streak.startIndex];
        let kind: ChangeKind =
          baseline && started && started.at <= baseline.at ? 'still-failing' : streak.failedBefore ? 'regression' : 'new';
        if (kind === 'still-failing' && prev?.status === 'FAIL') {
          const diff = resourceDiff(prev, rec);
          base.addedResources = diff.added.slice(0, RESOURCES_PER_CHANGE);
          base.removedResources = diff.removed.slice(0, RESOURCES_PER_CHANGE);
          if (diff.added.length > 0 || rec.resourceCount > prev.resourceCount) kind = 'worsened';
          else if (diff.removed.length > 0 || rec.resourceCount < prev.resourceCount) kind = 'improved';
        }
        changes.push({
          ...base,
          kind,
          firstFailingAt: started?.run.collectedAt ?? null,
          ageDays: started ? Math.max(0, Math.floor((now - started.at) / DAY_MS)) : null,
          ageIsLowerBound: streak.reachesOldest,
        });
      } else if (current && current.status !== 'ERROR' && (prev?.status === 'FAIL' || periodRuns.some((r) => r.byRule.get(ruleId)?.status === 'FAIL'))) {
        changes.push({ ...base, previousStatus: 'FAIL', kind: 'fixed', firstFailingAt: null, ageDays: null, ageIsLowerBound: false });
      }
    }

    const lastRuns = h.runs.slice(-trendLength);
    accounts.push({
      accountId,
      accountAlias: h.alias,
      collected: true,
      lastRunId: latest.run.runId,
      lastCollectedAt: latest.run.collectedAt,
      baselineCollectedAt: baseline?.run.collectedAt ?? null,
      score: score(counts),
      counts,
      requirements,
      trend: lastRuns.map((r) => {
        const c = countStatuses(ruleIds.map((id) => r.byRule.get(id)?.status));
        return { at: r.run.collectedAt, score: score(c), failed: c.failed, accounts: 1 };
      }),
      gaps: findGaps(h, now, windowStart, cadenceMs),
      errorRuleIds: ruleIds.filter((id) => latest.byRule.get(id)?.status === 'ERROR' && latest.byRule.get(id)?.errorKind !== 'limit'),
      limitRuleIds: ruleIds.filter((id) => latest.byRule.get(id)?.errorKind === 'limit'),
      collectionFailedAt: collectionFailed ? latest.run.collectedAt : null,
      integrity,
    });
  }

  accounts.sort((a, b) => {
    if (a.collected !== b.collected) return a.collected ? -1 : 1;
    return (a.score ?? -1) - (b.score ?? -1) || b.counts.failed - a.counts.failed || cmp(a.accountId, b.accountId);
  });
  const byImportance = (a: ReportChange, b: ReportChange): number =>
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (b.ageDays ?? 0) - (a.ageDays ?? 0) ||
    cmp(a.accountId, b.accountId) ||
    (ruleOrder.get(a.ruleId) ?? Infinity) - (ruleOrder.get(b.ruleId) ?? Infinity) ||
    cmp(a.ruleId, b.ruleId);
  changes.sort(byImportance);
  collectionErrors.sort((a, b) => cmp(a.accountId, b.accountId) || (ruleOrder.get(a.ruleId) ?? Infinity) - (ruleOrder.get(b.ruleId) ?? Infinity));

  const collected = accounts.filter((a) => a.collected);
  const totalCounts = emptyCounts();
  for (const a of collected) addCounts(totalCounts, a.counts);
  const of = (kind: ChangeKind): ReportChange[] => changes.filter((c) => c.kind === kind);
  // A change resting on a run that failed verification is shown, marked, but never counted as news.
  const counted = (kind: ChangeKind): ReportChange[] => of(kind).filter((c) => !c.unverified);
  const newFailures = of('new');
  const regressions = of('regression');
  const failingRuleIds = new Set(changes.filter((c) => c.kind !== 'fixed').map((c) => c.ruleId));
  const sinceLabel = input.sinceLabel ?? describeSince(input, accounts);
  const changedKinds = new Set<ChangeKind>(['new', 'regression', 'worsened', 'improved', 'fixed']);

  const totals: ReportTotals = {
    ...totalCounts,
    accounts: accounts.length,
    accountsCollected: collected.length,
    accountsFailing: collected.filter((a) => a.counts.failed > 0).length,
    score: score(totalCounts),
    newFailures: counted('new').length,
    regressions: counted('regression').length,
    worsened: counted('worsened').length,
    improved: counted('improved').length,
    fixed: counted('fixed').length,
    stillFailing: changes.filter((c) => c.kind !== 'fixed' && c.kind !== 'new' && c.kind !== 'regression').length,
    stale: changes.filter((c) => c.kind !== 'fixed' && c.staleSince !== null).length,
    accountsChanged: new Set(changes.filter((c) => changedKinds.has(c.kind) && !c.unverified).map((c) => c.accountId)).size,
    accountsWithNewFailures: new Set([...newFailures, ...regressions].filter((c) => !c.unverified).map((c) => c.accountId)).size,
    accountsWithIntegrityProblems: accounts.filter((a) => (a.integrity?.problems ?? 0) > 0).length,
    accountsWithGaps: accounts.filter((a) => a.gaps.length > 0).length,
    accountsWithErrors: accounts.filter((a) => a.collectionFailedAt !== null).length,
    accountsNeverCollected: accounts.length - collected.length,
  };

  return {
    now: input.now,
    since: input.since ?? null,
    sinceLabel,
    cadenceHours,
    verdict: verdictLine(totals, sinceLabel),
    totals,
    accounts,
    requirements: requirementDefs.map((req) => {
      const f = fleetReqCounts.get(req.id) ?? { counts: emptyCounts(), failing: 0, notVerified: 0, met: 0 };
      return {
        frameworkId: req.frameworkId,
        id: req.id,
        title: req.title,
        citation: req.citation,
        ruleIds: [...req.ruleIds],
        kind: req.kind,
        hasStatus: hasStatus(req),
        label: requirementLabel(req, {
          passed: f.counts.passed + f.counts.warned,
          reserved: f.counts.warned,
          evaluated: f.counts.passed + f.counts.warned + f.counts.failed + f.counts.errors + f.counts.missing,
        }),
        status: collected.length ? requirementStatus(f.counts) : 'NOT_VERIFIED',
        score: score(f.counts),
        accountsFailing: f.failing,
        accountsNotVerified: f.notVerified,
        accountsMet: f.met,
      };
    }),
    newFailures,
    regressions,
    worsened: of('worsened'),
    improved: of('improved'),
    stillFailing: of('still-failing'),
    fixed: of('fixed'),
    changes,
    collectionErrors,
    notVerifiable: [...notVerifiable.values()].sort((a, b) => (ruleOrder.get(a.ruleId) ?? Infinity) - (ruleOrder.get(b.ruleId) ?? Infinity)),
    trend: fleetTrend(histories, input.rules.map((r) => r.id), trendLength),
    remediations: input.rules.filter((r) => failingRuleIds.has(r.id)),
  };
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i] as T)) return i;
  return -1;
}

/** The latest record of a rule that judged something (not ERROR), walking back over ERROR runs. */
function lastJudged(h: AccountHistory, ruleId: string): { rec: ReportRecord; index: number; staleSince: string } | undefined {
  for (let i = h.runs.length - 1; i >= 0; i--) {
    const rec = h.runs[i]?.byRule.get(ruleId);
    if (rec && rec.status !== 'ERROR') return { rec, index: i, staleSince: h.runs[i + 1]?.run.collectedAt ?? '' };
  }
  return undefined;
}

/** Resources failing now and not before, and before and not now; only from complete (uncapped) lists. */
function resourceDiff(before: ReportRecord, now: ReportRecord): { added: string[]; removed: string[] } {
  const complete = (r: ReportRecord): boolean => r.resources.length === r.resourceCount;
  if (!complete(before) || !complete(now)) return { added: [], removed: [] };
  const b = new Set(before.resources);
  const n = new Set(now.resources);
  return { added: now.resources.filter((x) => !b.has(x)).sort(cmp), removed: before.resources.filter((x) => !n.has(x)).sort(cmp) };
}

/** The current failing streak of a rule, walking back from the latest run. */
function failingStreak(h: AccountHistory, ruleId: string): { startIndex: number; reachesOldest: boolean; failedBefore: boolean } {
  let startIndex = h.runs.length - 1;
  let i = h.runs.length - 1;
  for (; i >= 0; i--) {
    const status = h.runs[i]?.byRule.get(ruleId)?.status;
    if (status === 'FAIL') startIndex = i;
    else if (status === 'ERROR' || status === undefined) continue; // nothing learnt: neither ends nor starts a streak
    else break;
  }
  // Failing since the oldest loaded run: the age is exact only if that was the account's first run.
  if (i < 0) return { startIndex, reachesOldest: !h.runs[0]?.run.firstRun, failedBefore: false };
  const failedBefore = h.runs.slice(0, i).some((r) => r.byRule.get(ruleId)?.status === 'FAIL');
  return { startIndex, reachesOldest: false, failedBefore };
}

function findGaps(h: AccountHistory, now: number, windowStart: number, cadenceMs: number): GapInterval[] {
  const tolerance = 1.5 * cadenceMs;
  const gaps: GapInterval[] = [];
  const iso = (t: number): string => new Date(t).toISOString();
  for (let i = 1; i < h.runs.length; i++) {
    const a = h.runs[i - 1];
    const b = h.runs[i];
    if (!a || !b || b.at <= windowStart) continue;
    const interval = b.at - a.at;
    if (interval > tolerance) gaps.push({ from: a.run.collectedAt, to: b.run.collectedAt, missedRuns: Math.max(1, Math.round(interval / cadenceMs) - 1), overdue: false });
  }
  const last = h.runs.at(-1);
  if (last && now - last.at > tolerance) {
    gaps.push({ from: last.run.collectedAt, to: iso(now), missedRuns: Math.max(1, Math.floor((now - last.at) / cadenceMs)), overdue: true });
  }
  return gaps;
}

/** Per UTC day: each account's latest run of that day, summed; the last `length` days with data. */
function fleetTrend(histories: Map<string, AccountHistory>, catalog: string[], length: number): TrendPoint[] {
  const days = new Map<string, Map<string, AccountHistory['runs'][number]>>();
  for (const h of histories.values()) {
    for (const r of h.runs) {
      const day = new Date(r.at).toISOString().slice(0, 10);
      let perAccount = days.get(day);
      if (!perAccount) days.set(day, (perAccount = new Map()));
      perAccount.set(h.accountId, r); // runs are oldest first: the last one of the day wins
    }
  }
  return [...days.keys()]
    .sort(cmp)
    .slice(-length)
    .map((day) => {
      const c = emptyCounts();
      const perAccount = days.get(day) ?? new Map();
      for (const r of perAccount.values()) {
        const ids = [...new Set([...catalog, ...r.byRule.keys()])];
        addCounts(c, countStatuses(ids.map((id) => r.byRule.get(id)?.status)));
      }
      return { at: day, score: score(c), failed: c.failed, accounts: perAccount.size };
    });
}

function describeSince(input: ReportInput, accounts: AccountReport[]): string {
  if (input.since !== undefined) return dayLabel(input.since, input.now);
  const baselines = [...new Set(accounts.map((a) => a.baselineCollectedAt).filter((x): x is string => x !== null))].sort(cmp);
  if (baselines.length === 0) return 'the first collection';
  const days = new Set(baselines.map((b) => dayLabel(b, input.now)));
  return days.size === 1 ? `the previous run (${[...days][0]})` : 'the previous run';
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "Mon 16 Nov" (UTC; the year too when it differs from `now`'s). */
export function dayLabel(iso: string, nowIso: string): string {
  return `${WEEKDAYS[new Date(iso).getUTCDay()]} ${shortDate(iso, nowIso)}`;
}

/** `1 check`, `2 checks`: every count in the report goes through here. */
export { plural };

/** The one-line verdict that opens the email and is its subject. */
export function verdictLine(t: ReportTotals, sinceLabel: string): string {
  if (t.accountsCollected === 0) {
    return t.accounts === 0
      ? 'Nothing was collected: the evidence store has no runs'
      : `Nothing was collected: none of ${plural(t.accounts, 'expected account')} has a run`;
  }
  const parts: string[] = [];
  if (t.accountsWithIntegrityProblems) parts.push(`Evidence of ${plural(t.accountsWithIntegrityProblems, 'account')} failed verification`);
  const news: string[] = [];
  if (t.newFailures) news.push(plural(t.newFailures, 'new failure'));
  if (t.regressions + t.worsened) news.push(plural(t.regressions + t.worsened, 'regression'));
  if (t.fixed) news.push(`${t.fixed} fixed`);
  if (t.improved) news.push(`${t.improved} improved`);
  parts.push(
    news.length
      ? `${news.join(', ')} in ${plural(t.accountsChanged, 'account')} since ${sinceLabel}`
      : `No change in ${plural(t.accountsCollected, 'account')} since ${sinceLabel}`,
  );
  const still = t.stillFailing - t.improved - t.worsened;
  if (still > 0) parts.push(`${still} still failing${t.stale ? ` (${t.stale} stale)` : ''}`);
  if (t.accountsWithErrors) parts.push(`collection failed in ${plural(t.accountsWithErrors, 'account')}`);
  if (t.accountsWithGaps) parts.push(`${plural(t.accountsWithGaps, 'account')} missed collection`);
  if (t.accountsNeverCollected) parts.push(`${plural(t.accountsNeverCollected, 'account')} never collected`);
  return parts.join(' · ');
}
