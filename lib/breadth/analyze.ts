/**
 * One account's permission breadth: effective permissions, metrics and escalation paths
 * for every user and role, ranked broadest first. Used by the breadth rules and by
 * `art32 breadth`.
 */
import type { AccountSnapshot, AuthorizationDetails, CredentialReport, ReportDate } from '../snapshot';
import { ADMINISTRATOR_ACCESS_ARN, assessAdmin } from '../policy/admin';
import { allowListed, listId, principalsOf, resolvedWithoutAdminPolicy, type AppliedPolicy, type PolicySet, type Principal } from '../policy/principals';
import { objectList } from '../policy/document';
import { ACCESS_LEVELS, catalogInfo, loadCatalog, type AccessLevel, type ActionCatalog } from './catalog';
import { growInt32 } from './bitset';
import { BreadthCalculator, SCOPE_NOTE, type EffectivePermissions } from './effective';
import { ComparedArns, escalationIndex, heldActionsOf, heldEscalationMasks, heldPaths, materializeEscalations, type EscalationIndex, type EscalationMatch, type HeldActions, type HeldPath } from './escalation';
import { byTotalThenKeyInto } from './key-order';
import {
  breadthCountsRow,
  COUNT_OVER_BASE_AFTER,
  COUNT_ADMIN_EQUIVALENT,
  COUNT_CONDITIONAL,
  COUNT_FIELDS,
  COUNT_LEVELS,
  COUNT_ON_ALL,
  COUNT_PM_ON_ALL,
  COUNT_SENSITIVE,
  COUNT_SERVICES,
  COUNT_UNCONDITIONAL,
  distribution,
  modifiedZScores,
  type BreadthCounts,
  DataReadInterning,
  DataReadSets,
  type Distribution,
} from './metrics';

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
  /**
   * Shared by principals with the same policies: read-only. Built on first read (only the
   * principals a report details need the granting policies' names).
   */
  readonly escalations: readonly EscalationMatch[];
  /**
   * The open paths without their grants (cheap: no match objects). One object for every
   * principal that shares an `escalations` array, so reports can group principals by it.
   */
  readonly escalationPaths: EscalationPaths;
  /**
   * Principals of one analysis with the same number share every count above (one per policy set):
   * reports can key per-set facts by it. Absent on principals built elsewhere.
   */
  readonly countsId?: number;
  /**
   * Principals of one analysis with the same number have equal `dataReadOnAll` arrays (see
   * dataReadOnAllUnkept). Absent on principals built elsewhere.
   */
  readonly dataReadsId?: number;
}

/** The paths open to a principal, as `PrincipalBreadth.escalationPaths` gives them. */
export interface EscalationPaths {
  readonly paths: readonly HeldPath[];
  /** True when no other principal has this object (its paths were found for its ARN alone): reports need not group by it. */
  readonly sole?: boolean;
}

export interface BreadthAnalysis {
  catalog: ReturnType<typeof catalogInfo>;
  scope: string;
  /** Broadest first (total actions, then name). */
  principals: PrincipalBreadth[];
}

type BreadthInput = Pick<AccountSnapshot, 'collectedAt' | 'credentialReport'> & { authorizationDetails: AuthorizationDetails };

const DAY = 86_400_000;
const PERMISSIONS_MANAGEMENT_LEVEL = ACCESS_LEVELS.indexOf('Permissions management');
const isDate = (d: ReportDate | undefined): d is string => d !== undefined && d !== 'N/A' && d !== 'no_information' && d !== 'not_supported';

type ReportRow = CredentialReport['rows'][number];

interface UsageIndex {
  roles: Map<string, AuthorizationDetails['RoleDetailList'][number]>;
  /** Credential-report rows by ARN; undefined when the report was not collected. */
  rows?: Map<string, ReportRow>;
  /** By user name: built only when a user's ARN is not in the report (the later row of a name wins, as before). */
  rowsByUser?: Map<string, ReportRow>;
}

function usageIndex(details: AuthorizationDetails, report: CredentialReport | undefined): UsageIndex {
  const roles = new Map<string, AuthorizationDetails['RoleDetailList'][number]>();
  for (const r of details.RoleDetailList) roles.set(r.Arn, r);
  if (!report) return { roles };
  const rows = new Map<string, ReportRow>();
  for (const r of report.rows) rows.set(r.arn, r);
  return { roles, rows };
}

function rowsByUser(report: CredentialReport): Map<string, ReportRow> {
  const byUser = new Map<string, ReportRow>();
  for (const r of report.rows) byUser.set(r.user, r);
  return byUser;
}

/** Whole days from `time` to `now`, never negative. */
const idleDays = (now: number, time: number): number => Math.max(0, Math.floor((now - time) / DAY));

/** A principal's last use, as PrincipalBreadth lists it. */
interface UsageFacts {
  usage: Usage;
  lastUsed: string | undefined;
  idleDays: number | undefined;
}

/**
 * What the usage of every principal is read from: the credential report and the roles' last
 * use. Indexed on the first principal's read (the rules read the usage of the principals they
 * detail only).
 */
class UsageSource {
  #index: UsageIndex | undefined;
  public constructor(
    private readonly details: AuthorizationDetails,
    private readonly report: CredentialReport | undefined,
    private readonly now: number,
  ) {}

  /** The principal's usage (each date parsed once). */
  public of(p: Principal): UsageFacts {
    const index = (this.#index ??= usageIndex(this.details, this.report));
    if (p.type === 'role') return this.roleFacts(index.roles.get(p.arn));
    return this.rowFacts(index.rows ? (index.rows.get(p.arn) ?? (index.rowsByUser ??= rowsByUser(this.report!)).get(p.name)) : undefined);
  }

  /**
   * The usage of a few principals, as `of` gives it, in one pass over the roles and the report rows
   * (asking a small map of the wanted ARNs) instead of indexing every role and row by ARN: reports
   * detail a hundred principals out of thousands. Once the index exists, read from it.
   */
  public ofFew(principals: readonly Principal[]): UsageFacts[] {
    if (this.#index) return principals.map((p) => this.of(p));
    // The positions of the wanted principals by ARN.
    const wanted = new Map<string, number[]>();
    for (let i = 0; i < principals.length; i++) {
      const arn = principals[i]!.arn;
      const at = wanted.get(arn);
      if (at) at.push(i);
      else wanted.set(arn, [i]);
    }
    // As the index by ARN would have it: the last role or row with an ARN wins.
    const roles: (AuthorizationDetails['RoleDetailList'][number] | undefined)[] = new Array(principals.length).fill(undefined);
    wantedRoles(this.details.RoleDetailList, wanted, principals, roles);
    const rows: (ReportRow | undefined)[] = new Array(principals.length).fill(undefined);
    if (this.report) wantedRows(this.report.rows, wanted, principals, rows);
    return principals.map((p, i) => {
      if (p.type === 'role') return this.roleFacts(roles[i]);
      if (!this.report) return this.rowFacts(undefined);
      return this.rowFacts(rows[i] ?? (this.#byUser ??= rowsByUser(this.report)).get(p.name));
    });
  }

  #byUser: Map<string, ReportRow> | undefined;

  private roleFacts(role: AuthorizationDetails['RoleDetailList'][number] | undefined): UsageFacts {
    const last = role?.RoleLastUsed?.LastUsedDate;
    // GetAccountAuthorizationDetails always returns RoleLastUsed (empty when unused in the tracking window).
    const since = last || role?.CreateDate;
    const t = since ? Date.parse(since) : NaN;
    return { usage: last ? 'used' : 'never', lastUsed: last || undefined, idleDays: Number.isNaN(t) ? undefined : idleDays(this.now, t) };
  }

  private rowFacts(row: ReportRow | undefined): UsageFacts {
    if (!row) return { usage: 'unknown', lastUsed: undefined, idleDays: undefined };
    // The latest of the three dates (the first of equal ones).
    let last: string | undefined;
    let lastTime = -Infinity;
    for (const d of [row.password_last_used, row.access_key_1_last_used_date, row.access_key_2_last_used_date]) {
      if (!isDate(d)) continue;
      const t = Date.parse(d);
      if (!Number.isNaN(t) && t > lastTime) {
        lastTime = t;
        last = d;
      }
    }
    if (last) return { usage: 'used', lastUsed: last, idleDays: idleDays(this.now, lastTime) };
    const created = isDate(row.user_creation_time) ? row.user_creation_time : undefined;
    const t = created ? Date.parse(created) : NaN;
    return { usage: 'never', lastUsed: undefined, idleDays: Number.isNaN(t) ? undefined : idleDays(this.now, t) };
  }
}

/**
 * `length` undefined entries, in the elements kind objects need (holey, generic) from birth. An
 * array made empty (`[]`, `new Array(n)`) starts with small-integer elements in every analysis and
 * changed map at its first object or `undefined`, inside code optimised for the changed map: it
 * deoptimised in each later analysis (measured, bench/evaluate --pessimistic --trace-deopt-verbose,
 * runs 2-4: "not a Smi" at SetRows.add's pushes, then recompiles).
 */
function undefinedSlots<T>(length: number): (T | undefined)[] {
  return new Array<T | undefined>(length).fill(undefined);
}

// ofFew's long loops (thousands of roles and rows, once per run), each a function of its own with the
// loop first: in ofFew, the loop's on-stack replacement in run 2 compiled all of ofFew (38-68 ms of
// TurboFan time traced, bench/evaluate --pessimistic, run 2). Indexed: no iterator results before
// optimisation.

function wantedRoles(roleList: AuthorizationDetails['RoleDetailList'], wanted: Map<string, number[]>, principals: readonly Principal[], roles: (AuthorizationDetails['RoleDetailList'][number] | undefined)[]): void {
  for (let k = 0; k < roleList.length; k++) {
    const r = roleList[k]!;
    const at = wanted.get(r.Arn);
    if (at) for (const i of at) if (principals[i]!.type === 'role') roles[i] = r;
  }
}

function wantedRows(reportRows: readonly ReportRow[], wanted: Map<string, number[]>, principals: readonly Principal[], rows: (ReportRow | undefined)[]): void {
  for (let k = 0; k < reportRows.length; k++) {
    const r = reportRows[k]!;
    const at = wanted.get(r.arn);
    if (at) for (const i of at) if (principals[i]!.type !== 'role') rows[i] = r;
  }
}

/**
 * What the principals of one analysis share, kept side by side per policy set (a row per distinct
 * set, in first-seen order): the counts as numbers (lib/breadth/metrics COUNT_* fields), the
 * interned data reads, the held escalation actions. No object per set: an analysis keeps
 * thousands of sets as long as its snapshot, and every young-generation collection copied the
 * per-set objects until promoted.
 */
class SetRows {
  /**
   * Grows: assigned in the constructor, so V8 tracks the field as mutable from the start (an
   * initialiser here made it constant, and its first regrowth deoptimised its compiled readers);
   * small at first, so the growing code runs before `add` is optimised.
   */
  public numbers: Int32Array;
  /** Per row, the held path actions (lib/breadth/escalation heldEscalationMasks: two masks, heldStride words); grows with numbers. */
  public heldMasks: Int32Array;
  /** Per row: 1 when it holds a path action; grows with numbers. */
  public holds: Uint8Array;
  public readonly heldStride: number;
  /** Per row, its data reads on every resource as a list id of dataReadSets; grows with numbers. */
  public dataReadIds: Int32Array;
  /** The distinct data-read lists, as bits (their names arrays built on read: see dataReadsOf). */
  public readonly dataReadSets: DataReadSets;
  /** Per list id, its dataReadOnAll array once read through a principal (sized like numbers, see undefinedSlots). */
  public readonly dataReads: (readonly string[] | undefined)[];
  /** byLevel objects, built on first read (reports show a few hundred): one per set, shared by its principals. */
  public readonly byLevels: (Readonly<Record<AccessLevel, number>> | undefined)[];
  /** The matches of principals whose paths are their own (SoleNaming's before), built on first read. */
  public readonly soleMatches = new Map<AnalysedPrincipal, readonly EscalationMatch[]>();
  public count = 0;
  /** Sets computed over a base so far (breadthCountsRow counts them over it past COUNT_OVER_BASE_AFTER). */
  private overBase = 0;
  public constructor(
    public readonly catalogSize: number,
    public readonly usage: UsageSource,
    public readonly calculator: BreadthCalculator,
    public readonly index: EscalationIndex,
    /** Rows to make room for: the principal count (a row per distinct set) leaves `grow` unused. */
    capacity: number,
  ) {
    const rows = Math.max(16, capacity);
    this.numbers = new Int32Array(COUNT_FIELDS * rows);
    this.heldStride = 2 * index.maskWords;
    this.heldMasks = new Int32Array(this.heldStride * rows);
    this.holds = new Uint8Array(rows);
    this.dataReadIds = new Int32Array(rows);
    // Distinct lists are a few per hundred sets (pessimistic mix: 2,749 for 14,020 sets): room for a quarter of the rows.
    this.dataReadSets = new DataReadSets(calculator.catalog, rows >>> 2);
    this.dataReads = undefinedSlots(rows);
    this.byLevels = undefinedSlots(rows);
  }

  /** A new row for the set with these effective permissions (its data reads interned by `interning`, the adding loop's). */
  public add(eff: EffectivePermissions, interning: DataReadInterning): number {
    const row = this.count++;
    if (row >= this.holds.length) this.grow();
    const overBase = eff.base !== undefined && ++this.overBase > COUNT_OVER_BASE_AFTER;
    this.dataReadIds[row] = breadthCountsRow(this.calculator.catalog, eff, this.dataReadSets, interning, this.numbers, row * COUNT_FIELDS, overBase);
    this.holds[row] = heldEscalationMasks(eff.granted, eff.conditional, this.index, this.heldMasks, row * this.heldStride) ? 1 : 0;
    return row;
  }

  /** Twice the rows. */
  private grow(): void {
    const rows = this.holds.length * 2;
    const numbers = new Int32Array(rows * COUNT_FIELDS);
    numbers.set(this.numbers);
    this.numbers = numbers;
    const heldMasks = new Int32Array(rows * this.heldStride);
    heldMasks.set(this.heldMasks);
    this.heldMasks = heldMasks;
    const holds = new Uint8Array(rows);
    holds.set(this.holds);
    this.holds = holds;
    const dataReadIds = new Int32Array(rows);
    dataReadIds.set(this.dataReadIds);
    this.dataReadIds = dataReadIds;
    // Holes read as undefined (the arrays' elements kind is holey from birth).
    this.dataReads.length = rows;
    this.byLevels.length = rows;
  }

  /** The row's dataReadOnAll array: one per list id, built on first read and shared (frozen) by the sets with that list. */
  public dataReadsOf(row: number): readonly string[] {
    const id = this.dataReadIds[row]!;
    return (this.dataReads[id] ??= this.dataReadsUnkept(row));
  }

  /** The row's dataReadOnAll array as dataReadsOf gives it, not kept when not built yet (see dataReadOnAllUnkept). */
  public dataReadsUnkept(row: number): readonly string[] {
    const id = this.dataReadIds[row]!;
    return this.dataReads[id] ?? Object.freeze(this.dataReadSets.names(this.calculator.catalog, id));
  }

  /** The row's held path actions as bytes (for the matches of the few principals a report details). */
  public heldActions(row: number): HeldActions {
    return heldActionsOf(this.heldMasks, row * this.heldStride, this.index);
  }

  public byLevel(row: number): Readonly<Record<AccessLevel, number>> {
    let byLevel = this.byLevels[row];
    if (!byLevel) {
      const n = this.numbers;
      const at = row * COUNT_FIELDS + COUNT_LEVELS;
      // ACCESS_LEVELS order; shared by the set's principals: frozen.
      byLevel = Object.freeze({ List: n[at]!, Read: n[at + 1]!, Write: n[at + 2]!, 'Permissions management': n[at + 3]!, Tagging: n[at + 4]! });
      this.byLevels[row] = byLevel;
    }
    return byLevel;
  }
}

const NO_ESCALATIONS: readonly EscalationMatch[] = Object.freeze([]);
const NO_PATHS: EscalationPaths = Object.freeze({ paths: Object.freeze([]) });

/**
 * Escalation matches depend on the set's permissions, on the names of the principal's policies
 * (in order: they are listed) and, only when a grant names one other principal, on its ARN.
 * Principals of one set with the same named policies (e.g. members of the same groups) share
 * one naming, and so one matches array, built on first read. A set has few namings: they are
 * compared policy by policy (no key string per principal); past NAMINGS_SCANNED, by a key string.
 * A principal whose paths were found for its ARN alone has no naming: its paths are its own.
 */
class Naming implements EscalationPaths {
  #matches: readonly EscalationMatch[] | undefined;
  public constructor(
    /** The first principal with this naming: its policies name the grants. */
    readonly principal: Principal,
    readonly paths: readonly HeldPath[],
    /** The set's row (its held path actions). */
    readonly sets: SetRows,
    readonly row: number,
  ) {}

  public get matches(): readonly EscalationMatch[] {
    return (this.#matches ??= this.built());
  }

  /** The matches as `matches` gives them, not kept when not built yet (see `escalationsUnkept`). */
  public unkept(): readonly EscalationMatch[] {
    return this.#matches ?? this.built();
  }

  private built(): readonly EscalationMatch[] {
    const sets = this.sets;
    return Object.freeze(materializeEscalations(this.principal, this.paths, sets.heldActions(this.row), sets.index, sets.calculator));
  }
}

/**
 * A set's namings: the first, up to NAMINGS_SCANNED - 1 more compared one by one, then by key. A
 * class, the first naming a field (most sets have one: no array): literals here were allocated per
 * set and their allocation sites switched to old-space allocation during the cold run, which
 * deoptimised namingOf.
 */
class Namings {
  public more: Naming[] | undefined = undefined;
  public keyed: Map<string, Naming> | undefined = undefined;
  public constructor(public readonly first: Naming) {}
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

const namingKey = (p: Principal): string => {
  let key = '';
  for (const pol of p.policies) key += `${listId(pol.statements)}\u0000${pol.name}\u0000${pol.via ?? ''}\u0001`;
  return key;
};

/** Per set row, while the analysis runs: the open paths (found with the ARN of the first principal asking) and the namings. */
interface SetPaths {
  paths: (readonly HeldPath[] | undefined)[];
  pathsArn: (string | undefined)[];
  /** The ARNs the row's answer compared: [comparedStart, comparedEnd) in `compared` (empty: it holds for every principal of the set). */
  comparedStart: Int32Array;
  comparedEnd: Int32Array;
  /**
   * Is pathsArn among the row's compared ARNs (0 not yet asked, 1 no, 2 yes)? Asked once per row, not
   * for each principal of the set (realistic mix: 7,245 principals in sets whose answer compared ARNs).
   */
  firstCompared: Uint8Array;
  compared: ComparedArns;
  namings: (Namings | undefined)[];
}

function firstCompared(sets: SetPaths, row: number, start: number, end: number, first: string): boolean {
  if (sets.firstCompared[row] === 0) sets.firstCompared[row] = sets.compared.includes(start, end, first) ? 2 : 1;
  return sets.firstCompared[row] === 2;
}

/**
 * The principal's naming in its set, or its own paths when they depend on its ARN (no naming
 * object: nothing shares them); null when no path is open.
 */
function namingOf(p: Principal, row: number, sets: SetPaths, rows: SetRows, index: EscalationIndex, calculator: BreadthCalculator): Naming | readonly HeldPath[] | null {
  const compared = sets.compared;
  let setPaths = sets.paths[row];
  if (!setPaths) {
    sets.comparedStart[row] = compared.top;
    setPaths = heldPaths(p.policySet.lists, p.arn, rows.heldMasks, row * rows.heldStride, index, calculator, compared);
    sets.comparedEnd[row] = compared.top;
    sets.paths[row] = setPaths;
    sets.pathsArn[row] = p.arn;
  }
  const start = sets.comparedStart[row]!;
  const end = sets.comparedEnd[row]!;
  if (end !== start) {
    // Found with another principal's ARN: the same paths unless a grant names either ARN.
    const first = sets.pathsArn[row]!;
    const same = first === p.arn || (!compared.includes(start, end, p.arn) && !firstCompared(sets, row, start, end, first));
    let own = setPaths;
    if (!same) {
      // This principal's own answer: its compared ARNs are not kept (nothing asks them).
      const top = compared.top;
      own = heldPaths(p.policySet.lists, p.arn, rows.heldMasks, row * rows.heldStride, index, calculator, compared);
      compared.top = top;
    }
    return own.length ? own : null;
  }
  if (!setPaths.length) return null;
  const namings = sets.namings[row];
  if (!namings) {
    const naming = new Naming(p, setPaths, rows, row);
    sets.namings[row] = new Namings(naming);
    return naming;
  }
  if (sameNames(namings.first.principal.policies, p.policies)) return namings.first;
  const more = namings.more;
  if (more) for (const n of more) if (sameNames(n.principal.policies, p.policies)) return n;
  if (1 + (more ? more.length : 0) < NAMINGS_SCANNED) {
    const naming = new Naming(p, setPaths, rows, row);
    (namings.more ??= []).push(naming);
    return naming;
  }
  const key = namingKey(p);
  let naming = namings.keyed?.get(key);
  if (!naming) {
    naming = new Naming(p, setPaths, rows, row);
    (namings.keyed ??= new Map()).set(key, naming);
  }
  return naming;
}

const ADMIN = 1;
const SERVICE_LINKED = 2;
/** The principal has unresolved policies (most have none: their reads need not touch the principal). */
const UNRESOLVED = 4;
/** What unresolvedPolicies reads for a principal without any: never mutated (principals' lists are shared, lib/policy/principals). */
const NO_UNRESOLVED = Object.freeze([]) as readonly string[] as string[];

/**
 * One analysed principal, kept lean (the analysis lives as long as its snapshot: 15,000 of these
 * are copied by every young-generation collection until promoted). Its numbers are read from its
 * policy set's row, its identity from the resolved principal; `escalations` is built on first
 * read from the principal's naming (or its own paths). toJSON lists the fields in the order JSON
 * has always had them.
 */
class AnalysedPrincipal implements PrincipalBreadth {
  public readonly key: string;
  readonly #principal: Principal;
  readonly #sets: SetRows;
  /** The set's row in #sets. */
  readonly #row: number;
  /** ADMIN | SERVICE_LINKED | UNRESOLVED. */
  readonly #flags: number;
  /** A shared naming, the principal's own paths, or null (no path). */
  readonly #naming: Naming | readonly HeldPath[] | null;
  #usage: UsageFacts | undefined;

  public constructor(p: Principal, sets: SetRows, row: number, admin: boolean, naming: Naming | readonly HeldPath[] | null) {
    this.key = `${p.type}/${p.name}`;
    this.#principal = p;
    this.#sets = sets;
    this.#row = row;
    // The ARN is read for users too: code reached by roles alone (they come after the users) was
    // without type feedback when the constructor was optimised, a deoptimisation at the first role.
    const awsRoleArn = p.arn.includes(':role/aws-service-role/');
    this.#flags = (admin ? ADMIN : 0) | (p.type === 'role' && awsRoleArn ? SERVICE_LINKED : 0) | (p.unresolvedPolicies.length ? UNRESOLVED : 0);
    this.#naming = naming;
  }

  #count(field: number): number {
    return this.#sets.numbers[this.#row * COUNT_FIELDS + field]!;
  }

  public get type(): 'user' | 'role' {
    return this.#principal.type;
  }
  public get name(): string {
    return this.#principal.name;
  }
  public get arn(): string {
    return this.#principal.arn;
  }
  public get admin(): boolean {
    return (this.#flags & ADMIN) !== 0;
  }
  public get serviceLinked(): boolean {
    return (this.#flags & SERVICE_LINKED) !== 0;
  }
  /** Principals with the same number share every count (one per policy set of the analysis). */
  public get countsId(): number {
    return this.#row;
  }
  public get unconditional(): number {
    return this.#count(COUNT_UNCONDITIONAL);
  }
  public get conditional(): number {
    return this.#count(COUNT_CONDITIONAL);
  }
  public get total(): number {
    return this.#count(COUNT_UNCONDITIONAL) + this.#count(COUNT_CONDITIONAL);
  }
  public get sensitive(): number {
    return this.#count(COUNT_SENSITIVE);
  }
  public get services(): number {
    return this.#count(COUNT_SERVICES);
  }
  public get share(): number {
    const size = this.#sets.catalogSize;
    return size === 0 ? 0 : this.total / size;
  }
  public get byLevel(): BreadthCounts['byLevel'] {
    return this.#sets.byLevel(this.#row);
  }
  public get onAllResources(): number {
    return this.#count(COUNT_ON_ALL);
  }
  public get permissionsManagement(): number {
    return this.#count(COUNT_LEVELS + PERMISSIONS_MANAGEMENT_LEVEL);
  }
  public get permissionsManagementOnAll(): number {
    return this.#count(COUNT_PM_ON_ALL);
  }
  public get dataReadOnAll(): readonly string[] {
    return this.#sets.dataReadsOf(this.#row);
  }
  /** Principals of one analysis with the same number have equal dataReadOnAll arrays (the same array once read). */
  public get dataReadsId(): number {
    return this.#sets.dataReadIds[this.#row]!;
  }
  public get adminEquivalent(): boolean {
    return this.#count(COUNT_ADMIN_EQUIVALENT) === 1;
  }
  public get policies(): number {
    return this.#principal.policies.length;
  }
  public get hasBoundary(): boolean {
    return this.#principal.boundary !== undefined;
  }
  /** The rules read this for every judged principal: without a read of the principal (cold in memory by then) when empty. */
  public get unresolvedPolicies(): string[] {
    return this.#flags & UNRESOLVED ? this.#principal.unresolvedPolicies : NO_UNRESOLVED;
  }

  /** See `readUsage`. */
  public static readUsage(principals: readonly PrincipalBreadth[]): void {
    const bySource = new Map<UsageSource, AnalysedPrincipal[]>();
    for (const p of principals) {
      if (!(p instanceof AnalysedPrincipal) || p.#usage) continue;
      const source = p.#sets.usage;
      const few = bySource.get(source);
      if (few) few.push(p);
      else bySource.set(source, [p]);
    }
    bySource.forEach((few, source) => {
      const facts = source.ofFew(few.map((p) => p.#principal));
      for (let i = 0; i < few.length; i++) few[i]!.#usage ??= facts[i]!;
    });
  }

  /** Read on first use: reports show the usage of the principals they detail. */
  get #usageFacts(): UsageFacts {
    return (this.#usage ??= this.#sets.usage.of(this.#principal));
  }

  public get usage(): Usage {
    return this.#usageFacts.usage;
  }

  public get lastUsed(): string | undefined {
    return this.#usageFacts.lastUsed;
  }

  public get idleDays(): number | undefined {
    return this.#usageFacts.idleDays;
  }

  public get escalations(): readonly EscalationMatch[] {
    const naming = this.#naming;
    if (naming === null) return NO_ESCALATIONS;
    if (naming instanceof Naming) return naming.matches;
    const sets = this.#sets;
    let matches = sets.soleMatches.get(this);
    if (!matches) {
      matches = this.#soleMatches(naming);
      sets.soleMatches.set(this, matches);
    }
    return matches;
  }

  #soleMatches(paths: readonly HeldPath[]): readonly EscalationMatch[] {
    const sets = this.#sets;
    return Object.freeze(materializeEscalations(this.#principal, paths, sets.heldActions(this.#row), sets.index, sets.calculator));
  }

  /** See `dataReadOnAllUnkept`. */
  public static dataReadsUnkept(p: PrincipalBreadth): readonly string[] {
    return p instanceof AnalysedPrincipal ? p.#sets.dataReadsUnkept(p.#row) : p.dataReadOnAll;
  }

  /** See `escalationsUnkept`. */
  public static unkept(p: PrincipalBreadth): readonly EscalationMatch[] {
    if (!(p instanceof AnalysedPrincipal)) return p.escalations;
    const naming = p.#naming;
    if (naming === null) return NO_ESCALATIONS;
    if (naming instanceof Naming) return naming.unkept();
    return p.#sets.soleMatches.get(p) ?? p.#soleMatches(naming);
  }

  /** A shared naming; for paths of this principal alone, a new object each read (nothing shares it: `sole`). */
  public get escalationPaths(): EscalationPaths {
    const naming = this.#naming;
    if (naming === null) return NO_PATHS;
    if (naming instanceof Naming) return naming;
    return { paths: naming, sole: true };
  }

  /** The fields in their order: identity, the counts, the policies, then usage, last use and idle days (when known), then `escalations`. */
  public toJSON(): object {
    const out: Record<string, unknown> = {
      key: this.key,
      type: this.type,
      name: this.name,
      arn: this.arn,
      admin: this.admin,
      serviceLinked: this.serviceLinked,
      unconditional: this.unconditional,
      conditional: this.conditional,
      total: this.total,
      sensitive: this.sensitive,
      services: this.services,
      share: this.share,
      byLevel: this.byLevel,
      onAllResources: this.onAllResources,
      permissionsManagement: this.permissionsManagement,
      permissionsManagementOnAll: this.permissionsManagementOnAll,
      dataReadOnAll: this.dataReadOnAll,
      adminEquivalent: this.adminEquivalent,
      policies: this.policies,
      hasBoundary: this.hasBoundary,
      unresolvedPolicies: this.unresolvedPolicies,
    };
    const { usage, lastUsed, idleDays } = this.#usageFacts;
    out.usage = usage;
    if (lastUsed !== undefined) out.lastUsed = lastUsed;
    if (idleDays !== undefined) out.idleDays = idleDays;
    out.escalations = this.escalations;
    return out;
  }
}

/**
 * `a.localeCompare(b)` is defined as comparing with `new Intl.Collator()` (ECMA-402): the same
 * order, without a collator lookup per comparison (principals of one policy set tie on total).
 */
const byKey = new Intl.Collator();

/** Memo per authorization-details object (the rules build a fresh input object each call). */
const cache = new WeakMap<AuthorizationDetails, { input: BreadthInput; catalog: ActionCatalog; analysis: BreadthAnalysis }>();

/** A policy set as resolution builds it (lib/policy/principals ResolvedSet): a dense index among the resolution's sets; absent on sets built by hand. */
type IndexedSet = PolicySet & { readonly index?: number };

const hasAdministratorAccess = (p: Principal): boolean => {
  for (const x of p.policies) if (x.id === ADMINISTRATOR_ACCESS_ARN) return true;
  return p.unresolvedPolicies.includes(ADMINISTRATOR_ACCESS_ARN);
};

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
  const calculator = new BreadthCalculator(catalog);
  const analysed = analysedPrincipals(details, new UsageSource(details, input.credentialReport, Date.parse(input.collectedAt)), calculator);
  const analysis = { catalog: catalogInfo(catalog), scope: SCOPE_NOTE, principals: ranked(analysed) };
  cache.set(details, { input, catalog, analysis });
  return analysis;
}

/**
 * Every principal of the account analysed, in resolution order: what the loop needs, built here,
 * then the loop (analyseEach: see there why it is a function of its own).
 */
function analysedPrincipals(details: AuthorizationDetails, usage: UsageSource, calculator: BreadthCalculator): Analysed {
  const catalog = calculator.catalog;
  const index = escalationIndex(catalog);
  // Principals with the same policies and boundary (same PolicySet) have the same effective
  // permissions: compute them, their counts and the escalation actions they hold once per set,
  // in a row of `sets`. The row of a set: by its dense index in its resolution when it has one
  // (rowByIndex[index] = row + 1), else by the set object.
  const resolved = principalsOf(details);
  const n = resolved.length;
  // Rows are at most one per principal (and a resolution's dense set indexes fewer than its
  // principals): SetRows' arrays and the per-row lists below are sized for that many (measured,
  // pessimistic steady run, tree.mts: SetRows.grow 5 ms per run doubling to 16,384 rows for 14,020
  // sets; the row lists grew by doubling too). Object lists are born holey-generic (undefinedSlots).
  const setPaths: SetPaths = {
    paths: undefinedSlots(n),
    pathsArn: undefinedSlots(n),
    comparedStart: new Int32Array(n),
    comparedEnd: new Int32Array(n),
    firstCompared: new Uint8Array(n),
    compared: new ComparedArns(index, calculator),
    namings: undefinedSlots(n),
  };
  const analysed: Analysed = { principals: undefinedSlots(n) as PrincipalBreadth[], totals: new Int32Array(n), keys: undefinedSlots(n) as string[] };
  const sets = new SetRows(catalog.size, usage, calculator, index, n);
  // The data-read lists' interning lives with the loop (no list is added after): its numbers need
  // not live as long as the analysis. Room for as many lists as SetRows makes.
  const loop = new PrincipalLoop(resolved, sets, new DataReadInterning(sets.holds.length >>> 2), setPaths, calculator, index, analysed);
  analyseEach(loop, new Int32Array(Math.max(16, n)), new Uint8Array(Math.max(16, n)));
  return analysed;
}

/** What analyseEach reads: one object, built by its caller (analyseEach's code starts with its loop). */
class PrincipalLoop {
  public readonly rowBySet = new Map<PolicySet, number>();
  public constructor(
    public readonly resolved: readonly Principal[],
    public readonly sets: SetRows,
    public readonly interning: DataReadInterning,
    public readonly setPaths: SetPaths,
    public readonly calculator: BreadthCalculator,
    public readonly index: EscalationIndex,
    public readonly out: Analysed,
  ) {}
}

/**
 * Every principal analysed into loop.out. The loop is this function's first code: it is compiled
 * while it runs (on-stack replacement) in the first analysis, and V8 then compiles the whole function
 * for the next call with the feedback it has; code before the loop ran in that first call before the
 * function had a feedback vector, and deoptimised the compiled code at entry in the next analysis
 * (measured, bench/evaluate --pessimistic --trace-deopt: "Insufficient type feedback" at bytecode
 * offset 13 of analysedPrincipals in run 2, a recompile in runs 2-3). Code after a loop ran with
 * feedback (see ranked for the opposite case, the first run's OSR code).
 *
 * rowByIndex (by dense set index: row + 1) and allowsStar (per row: an Allow of `*` in one of the
 * set's lists, 0 not yet asked, 1 no, 2 yes; asked only for principals that may be admins) are
 * sized for every principal: they grow only for hand-made inputs.
 */
function analyseEach(loop: PrincipalLoop, rowByIndex: Int32Array<ArrayBuffer>, allowsStar: Uint8Array): void {
  for (let i = 0; i < loop.resolved.length; i++) {
    const { sets, calculator } = loop;
    const p = loop.resolved[i]!;
    const set = p.policySet as IndexedSet;
    const setIndex = set.index;
    let row = setIndex !== undefined ? (setIndex < rowByIndex.length ? rowByIndex[setIndex]! - 1 : -1) : (loop.rowBySet.get(set) ?? -1);
    if (row < 0) {
      row = sets.add(calculator.computeSet(set), loop.interning);
      if (setIndex !== undefined) {
        if (setIndex >= rowByIndex.length) rowByIndex = growInt32(rowByIndex, setIndex + 1);
        rowByIndex[setIndex] = row + 1;
      } else loop.rowBySet.set(set, row);
      if (row >= allowsStar.length) {
        const grown = new Uint8Array(allowsStar.length * 2);
        grown.set(allowsStar);
        allowsStar = grown;
      }
    }
    const holds = sets.holds[row] !== 0;
    // assessAdmin only finds admins through `*` grants or AdministratorAccess: skip it for everyone
    // else, first for those resolution already knows name no admin policy at all.
    let admin = false;
    if (!resolvedWithoutAdminPolicy(p)) {
      if (allowsStar[row] === 0) {
        // By set position: the set's lists need not be in the calculator's by-object map (listSlotOfSet).
        const lists = p.policySet.lists;
        let star = false;
        for (let q = 0; q < lists.length && !star; q++) star = calculator.listAllowsStarAt(calculator.listSlotOfSet(p.policySet, q));
        allowsStar[row] = star ? 2 : 1;
      }
      admin = allowsStar[row] === 2 || hasAdministratorAccess(p) ? assessAdmin(p).admin : false;
    }
    const principal = new AnalysedPrincipal(p, sets, row, admin, admin || !holds ? null : namingOf(p, row, loop.setPaths, sets, loop.index, calculator));
    const out = loop.out;
    out.principals[i] = principal;
    out.keys[i] = principal.key;
    out.totals[i] = sets.numbers[row * COUNT_FIELDS + COUNT_UNCONDITIONAL]! + sets.numbers[row * COUNT_FIELDS + COUNT_CONDITIONAL]!;
  }
}

/**
 * The analysed principals in resolution order, with their totals and keys side by side: ranking reads
 * these, not the 15,000 principal objects again (measured, pessimistic steady run: ranked 12.3 ms, of
 * which 8 in reading each principal's total and key back through its getters).
 */
interface Analysed {
  principals: PrincipalBreadth[];
  totals: Int32Array;
  keys: string[];
}

/**
 * Broadest first, then by key (byKey's order; most pairs decided without the collator). Functions
 * of their own, each loop last in its function: a long loop is compiled while it runs (on-stack
 * replacement), and code after it, not yet run then, deoptimised that code when reached
 * (analyzeBreadth's loop over the principals, then this one's).
 */
function ranked({ principals, totals, keys }: Analysed): PrincipalBreadth[] {
  const out = undefinedSlots(principals.length) as PrincipalBreadth[];
  byTotalThenKeyInto(totals, keys, byKey, principals, out);
  return out;
}

/**
 * Read the usage (last use, idle days) of these principals of analyses together: one pass over
 * the account's roles and credential report rows, where reading them one by one indexes every role
 * and row by ARN. For a report about to read the usage of a few principals; the others still read
 * theirs on first use, and so does any principal not from `analyzeBreadth`.
 */
export const readUsage = (principals: readonly PrincipalBreadth[]): void => AnalysedPrincipal.readUsage(principals);

/**
 * The principal's escalations, equal to `escalations`, but not kept in the analysis when not built
 * yet: for a reader that keeps what it needs itself and reads each at most once (privilege-escalation
 * details 200 principals, one read per shared paths object). Kept, the matches lived as long as the
 * snapshot: measured, pessimistic steady run, /work/notes/tools/lead-ret-rule.mts, privilege-escalation
 * kept +3.2 MB of JS heap per snapshot (12,500 match, grant and details objects and their arrays),
 * promoted to old space through two scavenges, then on fresh pages.
 */
export const escalationsUnkept = (p: PrincipalBreadth): readonly EscalationMatch[] => AnalysedPrincipal.unkept(p);

/**
 * The principal's dataReadOnAll, equal to it (the same array once read), but not kept in the
 * analysis when not built yet: for a reader that reads each distinct list once (by `dataReadsId`)
 * and keeps what it needs itself (permission-breadth: every judged set's list, 2,749 distinct
 * lists in the pessimistic mix, ~1.5 MB of names arrays had the analysis kept them).
 */
export const dataReadOnAllUnkept = (p: PrincipalBreadth): readonly string[] => AnalysedPrincipal.dataReadsUnkept(p);

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
  // Lists born with object elements (objectList): see undefinedSlots.
  const out: JudgedPrincipals = { judged: objectList(), admins: objectList(), allowListed: objectList(), serviceLinked: 0 };
  judgeInto(out, principals, allowList);
  return out;
}

/** The loop first (see analyseEach). */
function judgeInto(out: JudgedPrincipals, principals: readonly PrincipalBreadth[], allowList: readonly string[]): void {
  for (let i = 0; i < principals.length; i++) {
    const p = principals[i]!;
    if (p.serviceLinked) out.serviceLinked += 1;
    else if (p.admin) out.admins.push(p.key);
    else if (allowList.length !== 0 && allowListed(allowList, p.name, p.arn)) out.allowListed.push(p.key);
    else out.judged.push(p);
  }
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
export function accountOutliers(
  principals: PrincipalBreadth[],
  options: OutlierOptions,
): { distribution: Distribution; outliers: Outlier[]; /** The outliers' z-scores by principal (no key string hashed per lookup). */ zScoreOf: Map<PrincipalBreadth, number> } {
  // The peers' positions, totals and sensitive counts side by side in typed arrays (measured, pessimistic
  // steady run: the filtered and mapped arrays of 14,000 peers were 1.6 MB allocated per run).
  const n = principals.length;
  const peerAt = new Int32Array(n);
  const totals = new Int32Array(n);
  const sensitive = new Int32Array(n);
  const count = peersInto(principals, peerAt, totals, sensitive);
  const scores = modifiedZScores(sensitive.subarray(0, count));
  // Objects only for the outliers (the peers are thousands), in a list born with object elements (see undefinedSlots).
  const found: Outliers = { principals, peerAt, totals, sensitive, scores, count, options, outliers: objectList(), zScoreOf: new Map() };
  outliersInto(found);
  return { distribution: distribution(totals.subarray(0, count)), outliers: found.outliers, zScoreOf: found.zScoreOf };
}

/** accountOutliers' peers and what outliersInto finds. */
interface Outliers {
  principals: readonly PrincipalBreadth[];
  peerAt: Int32Array;
  totals: Int32Array;
  sensitive: Int32Array;
  scores: ArrayLike<number>;
  count: number;
  options: OutlierOptions;
  outliers: Outlier[];
  zScoreOf: Map<PrincipalBreadth, number>;
}

/** The loop first (see analyseEach; measured: "Insufficient type feedback" at accountOutliers' bytecode 68 in run 2 when the loop was there). */
function outliersInto(o: Outliers): void {
  for (let k = 0; k < o.count; k++) {
    const zScore = Math.round(o.scores[k]! * 100) / 100;
    if (zScore > o.options.zScore && o.sensitive[k]! >= o.options.minActions) {
      const p = o.principals[o.peerAt[k]!]!;
      o.outliers.push({ key: p.key, total: o.totals[k]!, sensitive: o.sensitive[k]!, zScore });
      o.zScoreOf.set(p, zScore);
    }
  }
}

/** The peers (neither service-linked nor administrators) in order: their positions, totals and sensitive counts; returns their count. */
function peersInto(principals: readonly PrincipalBreadth[], peerAt: Int32Array, totals: Int32Array, sensitive: Int32Array): number {
  let count = 0;
  for (let i = 0; i < principals.length; i++) {
    const p = principals[i]!;
    if (p.serviceLinked || p.admin) continue;
    peerAt[count] = i;
    totals[count] = p.total;
    sensitive[count] = p.sensitive;
    count += 1;
  }
  return count;
}
