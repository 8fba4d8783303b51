/**
 * Streaming aggregation of CloudTrail records per principal. Memory is bounded: distinct
 * sets turn into HyperLogLog sketches past a cap, error codes are capped, days are the
 * window's days, and at most `maxPrincipals` principals are kept (later ones are counted
 * as overflow, never silently dropped).
 */
import { DistinctCounter, type DistinctPartial } from './distinct';
import {
  DEFAULT_DATA_READ_EVENTS,
  bytesOut,
  isDeniedError,
  parseEventTime,
  principalOf,
  recordsRead,
  resourcesOf,
  type CloudTrailRecord,
} from './events';
import type { ActivityFileError, ActivitySection, ActivitySourceRecord, DataReads, PrincipalActivity } from './schema';
import { LocalCalendar } from './time-zone';

export const DEFAULT_TIME_ZONE = 'Europe/Paris';
const MAX_ERROR_CODES = 50;
const MAX_DAYS = 400;
const MAX_LISTED_FILE_ERRORS = 100;
const OTHER = '(other)';

export interface ActivityWindow {
  start: Date;
  end: Date;
}

export interface AggregatorOptions {
  window: ActivityWindow;
  /** IANA zone for hour histograms and days. Default Europe/Paris. */
  timeZone?: string;
  /** Principals kept in full; events of later ones count as overflow. Default 50,000. */
  maxPrincipals?: number;
  /** Distinct values counted exactly before switching to an estimate. Default 256. */
  exactDistinctLimit?: number;
  dataReadEvents?: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * One principal's aggregate as plain data (see `ActivityPartial`). Key-value lists rather
 * than objects, so that a code or date can never collide with an object property.
 */
export interface PrincipalPartial {
  key: string;
  identityType: string;
  role?: string;
  calls: number;
  errors: number;
  deniedErrors: number;
  errorsByCode: [string, number][];
  resources: DistinctPartial;
  sourceIps: DistinctPartial;
  userAgents: DistinctPartial;
  dataReads: DataReads;
  dataReadsByDay: [string, DataReads][];
  hours: number[];
  weekHours: number[][];
  first: number;
  last: number;
}

/**
 * An aggregator's whole state as plain data that survives `postMessage` (structured
 * clone): what a worker thread sends back after reading its share of the files, merged
 * into the main aggregator with `mergePartial`. The window, zone and exact-distinct limit
 * travel with it so that two incompatible aggregates are refused, not mixed.
 */
export interface ActivityPartial {
  window: { startMs: number; endMs: number };
  timeZone: string;
  exactDistinctLimit: number;
  events: number;
  outsideWindow: number;
  malformed: number;
  overflow: number;
  fileErrorCount: number;
  fileErrors: ActivityFileError[];
  sources: ActivitySourceRecord[];
  principals: PrincipalPartial[];
}

/** Why a record was not counted, or that it was. */
export type AddResult = 'counted' | 'outside-window' | 'malformed' | 'overflow';

class PrincipalState {
  public calls = 0;
  public errors = 0;
  public deniedErrors = 0;
  public readonly errorsByCode = new Map<string, number>();
  public readonly resources: DistinctCounter;
  public readonly sourceIps: DistinctCounter;
  public readonly userAgents: DistinctCounter;
  public readonly dataReads: DataReads = { events: 0, bytes: 0, records: 0 };
  public readonly dataReadsByDay = new Map<string, DataReads>();
  public readonly hours = new Array<number>(24).fill(0);
  public readonly weekHours: number[][] = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  public first = Infinity;
  public last = -Infinity;

  public constructor(
    public readonly key: string,
    public readonly identityType: string,
    public readonly role: string | undefined,
    exactLimit: number,
  ) {
    this.resources = new DistinctCounter(exactLimit);
    this.sourceIps = new DistinctCounter(exactLimit);
    this.userAgents = new DistinctCounter(exactLimit);
  }

  public countError(code: string, n = 1): void {
    // Past the cap, new codes go under "(other)"; a code already listed keeps counting.
    const key = code === OTHER || this.errorsByCode.has(code) || this.errorsByCode.size < MAX_ERROR_CODES ? code : OTHER;
    this.errorsByCode.set(key, (this.errorsByCode.get(key) ?? 0) + n);
  }

  public addReads(date: string, events: number, bytes: number, records: number): void {
    sumReads(this.dataReads, events, bytes, records);
    this.addDayReads(date, events, bytes, records);
  }

  /** Per-day reads (at most MAX_DAYS days; the total keeps counting past them). */
  private addDayReads(date: string, events: number, bytes: number, records: number): void {
    let day = this.dataReadsByDay.get(date);
    if (!day && this.dataReadsByDay.size < MAX_DAYS) {
      day = { events: 0, bytes: 0, records: 0 };
      this.dataReadsByDay.set(date, day);
    }
    if (day) sumReads(day, events, bytes, records);
  }

  public merge(p: PrincipalPartial): void {
    this.calls += p.calls;
    this.errors += p.errors;
    this.deniedErrors += p.deniedErrors;
    for (const [code, n] of p.errorsByCode) this.countError(code, n);
    this.resources.merge(p.resources);
    this.sourceIps.merge(p.sourceIps);
    this.userAgents.merge(p.userAgents);
    sumReads(this.dataReads, p.dataReads.events, p.dataReads.bytes, p.dataReads.records);
    for (const [date, r] of p.dataReadsByDay) this.addDayReads(date, r.events, r.bytes, r.records);
    for (let h = 0; h < 24; h++) this.hours[h] = (this.hours[h] ?? 0) + (p.hours[h] ?? 0);
    for (let d = 0; d < 7; d++) {
      const row = this.weekHours[d] as number[];
      const other = p.weekHours[d] ?? [];
      for (let h = 0; h < 24; h++) row[h] = (row[h] ?? 0) + (other[h] ?? 0);
    }
    if (p.first < this.first) this.first = p.first;
    if (p.last > this.last) this.last = p.last;
  }

  public toPartial(): PrincipalPartial {
    return {
      key: this.key,
      identityType: this.identityType,
      ...(this.role ? { role: this.role } : {}),
      calls: this.calls,
      errors: this.errors,
      deniedErrors: this.deniedErrors,
      errorsByCode: [...this.errorsByCode.entries()],
      resources: this.resources.toPartial(),
      sourceIps: this.sourceIps.toPartial(),
      userAgents: this.userAgents.toPartial(),
      dataReads: { ...this.dataReads },
      dataReadsByDay: [...this.dataReadsByDay.entries()].map(([d, r]) => [d, { ...r }]),
      hours: [...this.hours],
      weekHours: this.weekHours.map((row) => [...row]),
      first: this.first,
      last: this.last,
    };
  }
}

export class ActivityAggregator {
  public readonly timeZone: string;
  private readonly calendar: LocalCalendar;
  private readonly startMs: number;
  private readonly endMs: number;
  private readonly maxPrincipals: number;
  private readonly exactLimit: number;
  private readonly dataReadEvents: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly principals = new Map<string, PrincipalState>();
  private readonly sources: ActivitySourceRecord[] = [];
  private readonly fileErrors: ActivityFileError[] = [];
  private fileErrorCount = 0;
  private events = 0;
  private outsideWindow = 0;
  private malformed = 0;
  private overflow = 0;

  public constructor(options: AggregatorOptions) {
    const { start, end } = options.window;
    if (!(start.getTime() < end.getTime())) {
      throw new Error(`invalid activity window: start ${start.toISOString()} must be before end ${end.toISOString()}`);
    }
    this.startMs = start.getTime();
    this.endMs = end.getTime();
    this.timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    this.calendar = new LocalCalendar(this.timeZone);
    this.maxPrincipals = options.maxPrincipals ?? 50_000;
    this.exactLimit = options.exactDistinctLimit ?? 256;
    this.dataReadEvents = options.dataReadEvents ?? DEFAULT_DATA_READ_EVENTS;
  }

  public get window(): ActivityWindow {
    return { start: new Date(this.startMs), end: new Date(this.endMs) };
  }

  /** The options of this aggregator, to build another whose partials merge into it. */
  public get options(): Required<AggregatorOptions> {
    return {
      window: this.window,
      timeZone: this.timeZone,
      maxPrincipals: this.maxPrincipals,
      exactDistinctLimit: this.exactLimit,
      dataReadEvents: this.dataReadEvents,
    };
  }

  /** Add one CloudTrail record (as parsed from JSON; anything else counts as malformed). */
  public add(input: unknown): AddResult {
    if (typeof input !== 'object' || input === null) {
      this.malformed += 1;
      return 'malformed';
    }
    const record = input as CloudTrailRecord;
    const time = typeof record.eventTime === 'string' ? parseEventTime(record.eventTime) : NaN;
    if (Number.isNaN(time)) {
      this.malformed += 1;
      return 'malformed';
    }
    if (time < this.startMs || time >= this.endMs) {
      this.outsideWindow += 1;
      return 'outside-window';
    }
    // Fast path: users and role sessions are keyed by their ARN, so a known ARN needs no
    // key computation (this is most events).
    const arn = record.userIdentity?.arn;
    let state = arn !== undefined ? this.principals.get(arn) : undefined;
    if (!state) {
      const identity = principalOf(record.userIdentity);
      state = this.principals.get(identity.key);
      if (!state) {
        if (this.principals.size >= this.maxPrincipals) {
          this.overflow += 1;
          return 'overflow';
        }
        state = new PrincipalState(identity.key, identity.identityType, identity.role, this.exactLimit);
        this.principals.set(identity.key, state);
      }
    }
    this.events += 1;
    state.calls += 1;
    if (time < state.first) state.first = time;
    if (time > state.last) state.last = time;

    const slot = this.calendar.at(time);
    state.hours[slot.hour] = (state.hours[slot.hour] ?? 0) + 1;
    const week = state.weekHours[slot.weekday] as number[];
    week[slot.hour] = (week[slot.hour] ?? 0) + 1;

    if (typeof record.sourceIPAddress === 'string') state.sourceIps.add(record.sourceIPAddress);
    if (typeof record.userAgent === 'string') state.userAgents.add(record.userAgent);
    resourcesOf(record, state.resources);

    const errorCode = typeof record.errorCode === 'string' && record.errorCode !== '' ? record.errorCode : undefined;
    if (errorCode) {
      state.errors += 1;
      if (isDeniedError(errorCode)) state.deniedErrors += 1;
      state.countError(errorCode);
    } else if (this.isDataRead(record)) {
      state.addReads(slot.date, 1, bytesOut(record), recordsRead(record));
    }
    return 'counted';
  }

  public addSource(source: ActivitySourceRecord): void {
    this.sources.push(source);
  }

  public addFileError(error: ActivityFileError): void {
    this.fileErrorCount += 1;
    if (this.fileErrors.length < MAX_LISTED_FILE_ERRORS) this.fileErrors.push(error);
  }

  /**
   * Fold another aggregate (of other files, read elsewhere) into this one, so that
   * merge(a, b) equals one aggregator fed a ∪ b: counts and histograms add, first/last take
   * min/max, distinct counters unite (exactly below the cap; above it the sketch of the
   * union, see `DistinctCounter.merge`), file errors and sources append.
   *
   * Two orders can differ only where a cap applies: which 50 error codes are listed by name,
   * which days past 400, and which principals are kept when more than `maxPrincipals`
   * exist — a principal that no longer fits is counted as overflow (its calls move from
   * events to `overflowEvents`), so events + overflow stay equal to the union's.
   */
  public merge(other: ActivityAggregator): void {
    this.mergePartial(other.toPartial());
  }

  /** `merge` from plain data (e.g. a worker thread's `toPartial()`). */
  public mergePartial(partial: ActivityPartial): void {
    if (partial.window.startMs !== this.startMs || partial.window.endMs !== this.endMs) {
      throw new Error(
        `cannot merge activity of window ${new Date(partial.window.startMs).toISOString()}–${new Date(partial.window.endMs).toISOString()} into ${new Date(this.startMs).toISOString()}–${new Date(this.endMs).toISOString()}`,
      );
    }
    if (partial.timeZone !== this.timeZone) throw new Error(`cannot merge activity in time zone ${partial.timeZone} into ${this.timeZone}`);
    if (partial.exactDistinctLimit !== this.exactLimit) {
      throw new Error(`cannot merge activity counted exactly up to ${partial.exactDistinctLimit} distinct values into one counting up to ${this.exactLimit}`);
    }
    this.outsideWindow += partial.outsideWindow;
    this.malformed += partial.malformed;
    this.overflow += partial.overflow;
    for (const p of partial.principals) {
      let state = this.principals.get(p.key);
      if (!state) {
        if (this.principals.size >= this.maxPrincipals) {
          this.overflow += p.calls;
          continue;
        }
        state = new PrincipalState(p.key, p.identityType, p.role, this.exactLimit);
        this.principals.set(p.key, state);
      }
      state.merge(p);
      this.events += p.calls;
    }
    this.fileErrorCount += partial.fileErrorCount - partial.fileErrors.length;
    for (const error of partial.fileErrors) this.addFileError(error);
    for (const source of partial.sources) this.addSource({ ...source });
  }

  /** This aggregator's state as plain data (a copy; the aggregator can keep going). */
  public toPartial(): ActivityPartial {
    return {
      window: { startMs: this.startMs, endMs: this.endMs },
      timeZone: this.timeZone,
      exactDistinctLimit: this.exactLimit,
      events: this.events,
      outsideWindow: this.outsideWindow,
      malformed: this.malformed,
      overflow: this.overflow,
      fileErrorCount: this.fileErrorCount,
      fileErrors: this.fileErrors.map((e) => ({ ...e })),
      sources: this.sources.map((s) => ({ ...s })),
      principals: [...this.principals.values()].map((s) => s.toPartial()),
    };
  }

  /** The section for the snapshot. Principals are sorted by key for stable output. */
  public finish(): ActivitySection {
    const principals: PrincipalActivity[] = [...this.principals.values()]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((s) => ({
        principal: s.key,
        identityType: s.identityType,
        ...(s.role ? { role: s.role } : {}),
        calls: s.calls,
        errors: s.errors,
        deniedErrors: s.deniedErrors,
        errorsByCode: Object.fromEntries([...s.errorsByCode.entries()].sort((a, b) => b[1] - a[1])),
        distinctResources: s.resources.result(),
        distinctSourceIps: s.sourceIps.result(),
        distinctUserAgents: s.userAgents.result(),
        dataReads: { ...s.dataReads },
        dataReadsByDay: Object.fromEntries([...s.dataReadsByDay.entries()].sort().map(([d, r]) => [d, { ...r }])),
        hourHistogram: [...s.hours],
        weekHourHistogram: s.weekHours.map((row) => [...row]),
        firstEventTime: new Date(s.first).toISOString(),
        lastEventTime: new Date(s.last).toISOString(),
      }));
    const windowMs = this.endMs - this.startMs;
    let coveredMs = windowMs;
    for (const source of this.sources) {
      const from = source.truncation?.coveredFrom ? Date.parse(source.truncation.coveredFrom) : undefined;
      if (source.truncation) {
        const covered = from === undefined ? 0 : Math.max(0, this.endMs - Math.max(from, this.startMs));
        coveredMs = Math.min(coveredMs, covered);
      }
    }
    return {
      window: { start: new Date(this.startMs).toISOString(), end: new Date(this.endMs).toISOString() },
      timeZone: this.timeZone,
      sources: this.sources.map((s) => ({ ...s })),
      truncated: this.sources.some((s) => s.truncation !== undefined),
      coverage: Math.min(1, Math.max(0, coveredMs / windowMs)),
      fileErrors: [...this.fileErrors],
      fileErrorCount: this.fileErrorCount,
      totals: {
        events: this.events,
        outsideWindow: this.outsideWindow,
        malformedRecords: this.malformed,
        principals: this.principals.size,
        overflowEvents: this.overflow,
        principalLimit: this.maxPrincipals,
      },
      principals,
    };
  }

  private isDataRead(record: CloudTrailRecord): boolean {
    const names = record.eventSource ? this.dataReadEvents.get(record.eventSource) : undefined;
    return names !== undefined && record.eventName !== undefined && names.has(record.eventName);
  }
}

function sumReads(target: DataReads, events: number, bytes: number, records: number): void {
  target.events += events;
  target.bytes += bytes;
  target.records += records;
}
