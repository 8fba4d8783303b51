/**
 * One account's permission breadth: effective permissions, metrics and escalation paths
 * for every user and role, ranked broadest first. Used by the breadth rules and by
 * `art32 breadth`.
 */
import type { NormalizedStatement } from '../policy/document';
import type { AccountSnapshot, AuthorizationDetails, CredentialReport, ReportDate } from '../snapshot';
import { ADMINISTRATOR_ACCESS_ARN, assessAdmin } from '../policy/admin';
import { allowListed, listId, principalsOf, type AppliedPolicy, type PolicySet, type Principal } from '../policy/principals';
import { catalogInfo, loadCatalog, type ActionCatalog } from './catalog';
import { BreadthCalculator, SCOPE_NOTE } from './effective';
import { escalationIndex, findHeldEscalations, heldEscalationActions, type EscalationIndex, type EscalationMatch, type HeldActions } from './escalation';
import { breadthCounts, distribution, modifiedZScores, type BreadthCounts, type Distribution } from './metrics';

export type Usage = 'used' | 'never' | 'unknown';

export interface PrincipalBreadth extends BreadthCounts {
  /** `user/<name>` or `role/<name>`: the key of per-principal trend values. */
  key: string;
  type: 'user' | 'role';
  name: string;
  arn: string;
  /**
   * Administrator as `access.admin-principals` sees it (`*` on `*` or AdministratorAccess,
   * not taken away by a Deny or boundary): that rule reports these, the breadth rules only note them.
   */
  admin: boolean;
  /** AWS service-linked role (path /aws-service-role/): defined by AWS, not by the account. */
  serviceLinked: boolean;
  policies: number;
  hasBoundary: boolean;
  /** Attached policies absent from the snapshot: this principal's numbers are a lower bound. */
  unresolvedPolicies: string[];
  /** Last use (password or access key for users, RoleLastUsed for roles); `unknown` when not collected. */
  usage: Usage;
  lastUsed?: string;
  /** Days between last use (or creation when never used) and the snapshot; absent when unknown. */
  idleDays?: number;
  /** Shared by principals with the same policies: read-only. */
  escalations: readonly EscalationMatch[];
}

export interface BreadthAnalysis {
  catalog: ReturnType<typeof catalogInfo>;
  scope: string;
  /** Broadest first (total actions, then name). */
  principals: PrincipalBreadth[];
}

type BreadthInput = Pick<AccountSnapshot, 'collectedAt' | 'credentialReport'> & { authorizationDetails: AuthorizationDetails };

const DAY = 86_400_000;
const isDate = (d: ReportDate | undefined): d is string => d !== undefined && d !== 'N/A' && d !== 'no_information' && d !== 'not_supported';

function latest(dates: (string | undefined)[]): string | undefined {
  let best: string | undefined;
  let bestTime = -Infinity;
  for (const d of dates) {
    if (d === undefined) continue;
    const t = Date.parse(d);
    if (!Number.isNaN(t) && t > bestTime) {
      bestTime = t;
      best = d;
    }
  }
  return best;
}

interface UsageIndex {
  roles: Map<string, AuthorizationDetails['RoleDetailList'][number]>;
  /** Credential-report rows by ARN and by user name; undefined when the report was not collected. */
  rows?: Map<string, CredentialReport['rows'][number]>;
}

function usageIndex(details: AuthorizationDetails, report: CredentialReport | undefined): UsageIndex {
  const roles = new Map(details.RoleDetailList.map((r) => [r.Arn, r]));
  if (!report) return { roles };
  const rows = new Map<string, CredentialReport['rows'][number]>();
  for (const r of report.rows) {
    rows.set(r.arn, r);
    rows.set(`user:${r.user}`, r);
  }
  return { roles, rows };
}

function usageOf(p: Principal, index: UsageIndex, now: number): Pick<PrincipalBreadth, 'usage' | 'lastUsed' | 'idleDays'> {
  const idle = (since: string | undefined): { idleDays?: number } =>
    since && !Number.isNaN(Date.parse(since)) ? { idleDays: Math.max(0, Math.floor((now - Date.parse(since)) / DAY)) } : {};
  if (p.type === 'role') {
    const role = index.roles.get(p.arn);
    const last = role?.RoleLastUsed?.LastUsedDate;
    // GetAccountAuthorizationDetails always returns RoleLastUsed (empty when unused in the tracking window).
    return last ? { usage: 'used', lastUsed: last, ...idle(last) } : { usage: 'never', ...idle(role?.CreateDate) };
  }
  if (!index.rows) return { usage: 'unknown' };
  const row = index.rows.get(p.arn) ?? index.rows.get(`user:${p.name}`);
  if (!row) return { usage: 'unknown' };
  const dates = [row.password_last_used, row.access_key_1_last_used_date, row.access_key_2_last_used_date].filter(isDate);
  const last = latest(dates);
  if (last) return { usage: 'used', lastUsed: last, ...idle(last) };
  return { usage: 'never', ...idle(isDate(row.user_creation_time) ? row.user_creation_time : undefined) };
}

/** What principals of one PolicySet share. */
interface SetBreadth {
  counts: BreadthCounts;
  held: HeldActions | null;
  allowsStar: boolean;
  namings: Namings;
}

const NO_ESCALATIONS: readonly EscalationMatch[] = Object.freeze([]);

/**
 * Escalation matches depend on the set's permissions, on the names of the principal's policies
 * (in order: they are listed) and, only when a grant names one other principal, on its ARN.
 * Principals of one set with the same named policies (e.g. members of the same groups) share
 * one result. A set has few namings: they are compared policy by policy (no key string per
 * principal); past NAMINGS_SCANNED, by a key string.
 */
interface Naming {
  policies: readonly AppliedPolicy[];
  matches: readonly EscalationMatch[];
  arnSensitive: boolean;
}
interface Namings {
  scanned: Naming[];
  keyed?: Map<string, Naming>;
}
const NAMINGS_SCANNED = 16;

const sameNames = (a: readonly AppliedPolicy[], b: readonly AppliedPolicy[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x.statements !== y.statements || x.name !== y.name || x.via !== y.via)) return false;
  }
  return true;
};

function escalationsOf(p: Principal, namings: Namings, held: HeldActions, index: EscalationIndex, calculator: BreadthCalculator): readonly EscalationMatch[] {
  let known: Naming | undefined;
  let key: string | undefined;
  for (const n of namings.scanned) {
    if (sameNames(n.policies, p.policies)) {
      known = n;
      break;
    }
  }
  if (!known && namings.keyed) {
    key = '';
    for (const pol of p.policies) key += `${listId(pol.statements)}\u0000${pol.name}\u0000${pol.via ?? ''}\u0001`;
    known = namings.keyed.get(key);
  }
  if (known && !known.arnSensitive) return known.matches;
  const arnUse = { arnSensitive: false };
  const matches = Object.freeze(findHeldEscalations(p, held, index, calculator, arnUse));
  if (!known) {
    const naming = { policies: p.policies, matches, arnSensitive: arnUse.arnSensitive };
    if (namings.scanned.length < NAMINGS_SCANNED) namings.scanned.push(naming);
    else {
      if (key === undefined) {
        key = '';
        for (const pol of p.policies) key += `${listId(pol.statements)}\u0000${pol.name}\u0000${pol.via ?? ''}\u0001`;
      }
      (namings.keyed ??= new Map()).set(key, naming);
    }
  }
  return matches;
}

/**
 * `a.localeCompare(b)` is defined as comparing with `new Intl.Collator()` (ECMA-402): the same
 * order, without a collator lookup per comparison (principals of one policy set tie on total).
 */
const byKey = new Intl.Collator();

/** Memo per authorization-details object (the rules build a fresh input object each call). */
const cache = new WeakMap<AuthorizationDetails, { input: BreadthInput; catalog: ActionCatalog; analysis: BreadthAnalysis }>();

/**
 * Analyse every principal of the account. Deterministic; memoised per input object so
 * the breadth and escalation rules share one computation per snapshot.
 */
export function analyzeBreadth(input: BreadthInput, catalog: ActionCatalog = loadCatalog()): BreadthAnalysis {
  const details = input.authorizationDetails;
  const cached = cache.get(details);
  if (cached && cached.catalog === catalog && cached.input.credentialReport === input.credentialReport && cached.input.collectedAt === input.collectedAt) {
    return cached.analysis;
  }
  const usage = usageIndex(details, input.credentialReport);
  const now = Date.parse(input.collectedAt);
  const calculator = new BreadthCalculator(catalog);
  const index = escalationIndex(catalog);
  // Principals with the same policies and boundary (same PolicySet) have the same effective
  // permissions: compute them, their counts and the escalation actions they hold once per set.
  // The counts' objects (byLevel, dataReadOnAll) are shared by the set's principals: read-only.
  const perSet = new Map<PolicySet, SetBreadth>();
  const principals: PrincipalBreadth[] = principalsOf(details).map((p) => {
    let shared = perSet.get(p.policySet);
    if (!shared) {
      const eff = calculator.computeLists(p.policySet.lists, p.policySet.boundary);
      const counts = breadthCounts(catalog, eff);
      // Shared by the set's principals: frozen, so no caller can change another principal's numbers.
      Object.freeze(counts.byLevel);
      Object.freeze(counts.dataReadOnAll);
      shared = {
        counts,
        held: heldEscalationActions(eff.granted, eff.conditional, index),
        allowsStar: p.policySet.lists.some((list) => calculator.policyMasks(list as NormalizedStatement[]).allowsStar),
        namings: { scanned: [] },
      };
      perSet.set(p.policySet, shared);
    }
    const { counts, held } = shared;
    // assessAdmin only finds admins through `*` grants or AdministratorAccess: skip it for everyone else.
    const admin = shared.allowsStar || p.policies.some((x) => x.id === ADMINISTRATOR_ACCESS_ARN) || p.unresolvedPolicies.includes(ADMINISTRATOR_ACCESS_ARN) ? assessAdmin(p).admin : false;
    return {
      key: `${p.type}/${p.name}`,
      type: p.type,
      name: p.name,
      arn: p.arn,
      admin,
      serviceLinked: p.type === 'role' && p.arn.includes(':role/aws-service-role/'),
      // Named one by one (no spread of the shared counts: cheaper for 15,000 principals).
      unconditional: counts.unconditional,
      conditional: counts.conditional,
      total: counts.total,
      sensitive: counts.sensitive,
      services: counts.services,
      share: counts.share,
      byLevel: counts.byLevel,
      onAllResources: counts.onAllResources,
      permissionsManagement: counts.permissionsManagement,
      permissionsManagementOnAll: counts.permissionsManagementOnAll,
      dataReadOnAll: counts.dataReadOnAll,
      adminEquivalent: counts.adminEquivalent,
      policies: p.policies.length,
      hasBoundary: p.boundary !== undefined,
      unresolvedPolicies: p.unresolvedPolicies,
      ...usageOf(p, usage, now),
      escalations: admin || !held ? NO_ESCALATIONS : escalationsOf(p, shared.namings, held, index, calculator),
    };
  });
  principals.sort((a, b) => b.total - a.total || byKey.compare(a.key, b.key));
  const analysis = { catalog: catalogInfo(catalog), scope: SCOPE_NOTE, principals };
  cache.set(details, { input, catalog, analysis });
  return analysis;
}

/** The principals the breadth rules judge, and the ones they only note. */
export interface JudgedPrincipals {
  /** Neither service-linked, administrator nor allow-listed; in analysis order (broadest first). */
  judged: PrincipalBreadth[];
  /** Keys of administrators: access.admin-principals judges them. */
  admins: string[];
  /** Keys of allow-listed (break-glass) principals. */
  allowListed: string[];
  /** AWS service-linked roles: defined by AWS, not by the account. */
  serviceLinked: number;
}

/** Split analysed principals into judged and noted ones (service-linked, then admin, then allow-listed). */
export function judgedPrincipals(principals: readonly PrincipalBreadth[], allowList: readonly string[]): JudgedPrincipals {
  const out: JudgedPrincipals = { judged: [], admins: [], allowListed: [], serviceLinked: 0 };
  for (const p of principals) {
    if (p.serviceLinked) out.serviceLinked += 1;
    else if (p.admin) out.admins.push(p.key);
    else if (allowListed(allowList, p.name, p.arn)) out.allowListed.push(p.key);
    else out.judged.push(p);
  }
  return out;
}

export interface OutlierOptions {
  /** Modified z-score above which a principal is an outlier (Iglewicz & Hoaglin: 3.5). */
  zScore: number;
  /** Below this many sensitive actions nobody is an outlier, however narrow the peers are. */
  minActions: number;
}

export interface Outlier {
  key: string;
  total: number;
  /** Data reads, writes and permission changes: what the z-score is computed on. */
  sensitive: number;
  zScore: number;
}

/**
 * Distribution of breadth over the account's principals and the principals whose breadth
 * is an outlier against their peers. Peers exclude service-linked roles (AWS defines them)
 * and administrators (everything by design; they would drown the spread of the others).
 * The distribution is of total actions (what is reported); outliers are judged on the
 * sensitive actions (data reads, writes, permission changes): a read-only audit role is far
 * wider than application roles by design, and that is not what a breach exploits.
 */
export function accountOutliers(principals: PrincipalBreadth[], options: OutlierOptions): { distribution: Distribution; outliers: Outlier[] } {
  const peers = principals.filter((p) => !p.serviceLinked && !p.admin);
  const totals = peers.map((p) => p.total);
  const scores = modifiedZScores(peers.map((p) => p.sensitive));
  // Objects only for the outliers (the peers are thousands).
  const outliers: Outlier[] = [];
  for (let i = 0; i < peers.length; i++) {
    const p = peers[i]!;
    const zScore = Math.round(scores[i]! * 100) / 100;
    if (zScore > options.zScore && p.sensitive >= options.minActions) outliers.push({ key: p.key, total: p.total, sensitive: p.sensitive, zScore });
  }
  return { distribution: distribution(totals), outliers };
}
