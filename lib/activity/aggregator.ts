/**
 * Streaming aggregation of CloudTrail records per principal. Memory is bounded: distinct
 * sets turn into HyperLogLog sketches past a cap, error codes are capped, days are the
 * window's days, and at most `maxPrincipals` principals are kept (later ones are counted
 * as overflow, never silently dropped).
 */
import { DistinctCounter } from './distinct';
import {
  DEFAULT_DATA_READ_EVENTS,
  bytesOut,
  isDeniedError,
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

  /** Add one CloudTrail record (as parsed from JSON; anything else counts as malformed). */
  public add(input: unknown): AddResult {
    if (typeof input !== 'object' || input === null) {
      this.malformed += 1;
      return 'malformed';
    }
    const record = input as CloudTrailRecord;
    const time = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : NaN;
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
      const code = state.errorsByCode.has(errorCode) || state.errorsByCode.size < MAX_ERROR_CODES ? errorCode : OTHER;
      state.errorsByCode.set(code, (state.errorsByCode.get(code) ?? 0) + 1);
    } else if (this.isDataRead(record)) {
      const bytes = bytesOut(record);
      const records = recordsRead(record);
      addReads(state.dataReads, bytes, records);
      let day = state.dataReadsByDay.get(slot.date);
      if (!day && state.dataReadsByDay.size < MAX_DAYS) {
        day = { events: 0, bytes: 0, records: 0 };
        state.dataReadsByDay.set(slot.date, day);
      }
      if (day) addReads(day, bytes, records);
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

function addReads(target: DataReads, bytes: number, records: number): void {
  target.events += 1;
  target.bytes += bytes;
  target.records += records;
}
