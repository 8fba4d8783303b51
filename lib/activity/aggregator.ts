/**
 * Streaming aggregation of CloudTrail records per principal. Memory is bounded: distinct
 * sets turn into HyperLogLog sketches past a cap, error codes are capped, days are the
 * window's days, and at most `maxPrincipals` principals are kept (later ones are counted
 * as overflow, never silently dropped).
 */
import { DistinctCounter, hash53, type DistinctPartial } from './distinct';
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
import type { RecordDigest } from './record-digest';
import { detachString, type ScannedJson } from './scanner';
import { LocalCalendar, type LocalSlot } from './time-zone';

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

/**
 * Per-principal state in flat typed arrays, indexed by a principal number.
 *
 * Why not one object per principal: a busy trail interleaves thousands of principals, so
 * each event lands on a cold principal, and what an event costs is mostly the memory it
 * touches. The flat layout touches the principal's 128-byte counter block, one histogram
 * cell and, only when a value is new to the principal, a distinct counter; it took the
 * 1M-event bench from 149k to 157k–168k events/s with two workers (bench/activity.ts).
 */
const STRIDE = 16;
const CALLS = 0;
const ERRORS = 1;
const DENIED = 2;
const FIRST = 3;
const LAST = 4;
const READ_EVENTS = 5;
const READ_BYTES = 6;
const READ_RECORDS = 7;
/** Hashes of the last two values each counter saw: a repeat skips the counter entirely. */
const LAST_IP = 8;
const LAST_UA = 10;
const LAST_RESOURCE = 12;
/** Local weekday × hour cells; the hour-of-day histogram is their column sums. */
const WEEK_CELLS = 7 * 24;
/** Source IPs and user agents repeat across events: their hashes are remembered, up to this many values. */
const HASH_MEMO_LIMIT = 65_536;

class PrincipalTable {
  public size = 0;
  public stats = new Float64Array(0);
  public week = new Float64Array(0);
  public readonly keys: string[] = [];
  public readonly identityTypes: string[] = [];
  public readonly roles: (string | undefined)[] = [];
  public readonly sourceIps: DistinctCounter[] = [];
  public readonly userAgents: DistinctCounter[] = [];
  public readonly resources: DistinctCounter[] = [];
  public readonly errorsByCode: (Map<string, number> | undefined)[] = [];
  public readonly dataReadsByDay: (Map<string, DataReads> | undefined)[] = [];
  private readonly index = new Map<string, number>();
  /** `hash53` of each key → its principal (the first, should two keys share a hash). */
  private readonly byKeyHash = new Map<number, number>();

  public constructor(private readonly exactLimit: number) {}

  public find(key: string): number | undefined {
    return this.index.get(key);
  }

  /**
   * The principal whose key is the ASCII text `bytes[start, end)` of hash `hash`, checked
   * character by character (a shared hash finds nothing, and the caller takes the exact path).
   */
  public findAscii(hash: number, bytes: Uint8Array, start: number, end: number): number | undefined {
    const p = this.byKeyHash.get(hash);
    if (p === undefined) return undefined;
    const key = this.keys[p] as string;
    if (key.length !== end - start) return undefined;
    for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== bytes[start + i]) return undefined;
    return p;
  }

  public create(rawKey: string, rawIdentityType: string, rawRole: string | undefined): number {
    // Kept for the whole read: copies, not views into a log file's text (see `detachString`).
    const key = detachString(rawKey);
    const identityType = detachString(rawIdentityType);
    const role = rawRole === undefined ? undefined : detachString(rawRole);
    const p = this.size;
    if (p * STRIDE >= this.stats.length) this.grow(Math.max(64, p * 2));
    this.size += 1;
    this.index.set(key, p);
    const hash = hash53(key);
    if (!this.byKeyHash.has(hash)) this.byKeyHash.set(hash, p);
    this.keys.push(key);
    this.identityTypes.push(identityType);
    this.roles.push(role);
    this.sourceIps.push(new DistinctCounter(this.exactLimit));
    this.userAgents.push(new DistinctCounter(this.exactLimit));
    this.resources.push(new DistinctCounter(this.exactLimit));
    this.errorsByCode.push(undefined);
    this.dataReadsByDay.push(undefined);
    const base = p * STRIDE;
    this.stats[base + FIRST] = Infinity;
    this.stats[base + LAST] = -Infinity;
    for (const slot of [LAST_IP, LAST_UA, LAST_RESOURCE]) {
      this.stats[base + slot] = -1;
      this.stats[base + slot + 1] = -1;
    }
    return p;
  }

  private grow(capacity: number): void {
    const stats = new Float64Array(capacity * STRIDE);
    stats.set(this.stats);
    this.stats = stats;
    const week = new Float64Array(capacity * WEEK_CELLS);
    week.set(this.week);
    this.week = week;
  }

  /** A call that failed with `code`: errors, denied errors, and the code's count. */
  public countFailedCall(p: number, code: string): void {
    const base = p * STRIDE;
    this.stats[base + ERRORS] = (this.stats[base + ERRORS] as number) + 1;
    if (isDeniedError(code)) this.stats[base + DENIED] = (this.stats[base + DENIED] as number) + 1;
    this.countError(p, code);
  }

  public countError(p: number, code: string, n = 1): void {
    let codes = this.errorsByCode[p];
    if (!codes) this.errorsByCode[p] = codes = new Map();
    const listed = codes.get(code);
    if (listed !== undefined) {
      codes.set(code, listed + n);
      return;
    }
    // Past the cap, new codes go under "(other)". A new code is kept as a copy (`detachString`).
    const key = code === OTHER || codes.size < MAX_ERROR_CODES ? detachString(code) : OTHER;
    codes.set(key, (codes.get(key) ?? 0) + n);
  }

  public addReads(p: number, date: string, events: number, bytes: number, records: number): void {
    const base = p * STRIDE;
    this.stats[base + READ_EVENTS] = (this.stats[base + READ_EVENTS] as number) + events;
    this.stats[base + READ_BYTES] = (this.stats[base + READ_BYTES] as number) + bytes;
    this.stats[base + READ_RECORDS] = (this.stats[base + READ_RECORDS] as number) + records;
    this.addDayReads(p, date, events, bytes, records);
  }

  /** Per-day reads (at most MAX_DAYS days; the total keeps counting past them). */
  private addDayReads(p: number, date: string, events: number, bytes: number, records: number): void {
    let days = this.dataReadsByDay[p];
    if (!days) this.dataReadsByDay[p] = days = new Map();
    let day = days.get(date);
    if (!day && days.size < MAX_DAYS) {
      day = { events: 0, bytes: 0, records: 0 };
      days.set(date, day);
    }
    if (day) sumReads(day, events, bytes, records);
  }

  /** Count a value's hash in counter `counters[p]`, unless it is one of the last two it saw. */
  public addDistinct(counters: DistinctCounter[], p: number, slot: number, hash: number): void {
    const at = p * STRIDE + slot;
    const stats = this.stats;
    const last = stats[at] as number;
    if (hash === last || hash === stats[at + 1]) return;
    stats[at + 1] = last;
    stats[at] = hash;
    (counters[p] as DistinctCounter).addHash(hash);
  }

  public hours(p: number): number[] {
    const hours = new Array<number>(24).fill(0);
    for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) hours[h] = (hours[h] as number) + (this.week[p * WEEK_CELLS + d * 24 + h] as number);
    return hours;
  }

  public weekHours(p: number): number[][] {
    return Array.from({ length: 7 }, (_, d) => Array.from(this.week.subarray(p * WEEK_CELLS + d * 24, p * WEEK_CELLS + d * 24 + 24)));
  }

  public dataReads(p: number): DataReads {
    const base = p * STRIDE;
    return { events: this.stats[base + READ_EVENTS] as number, bytes: this.stats[base + READ_BYTES] as number, records: this.stats[base + READ_RECORDS] as number };
  }

  public merge(p: number, other: PrincipalPartial): void {
    const base = p * STRIDE;
    const stats = this.stats;
    stats[base + CALLS] = (stats[base + CALLS] as number) + other.calls;
    stats[base + ERRORS] = (stats[base + ERRORS] as number) + other.errors;
    stats[base + DENIED] = (stats[base + DENIED] as number) + other.deniedErrors;
    if (other.first < (stats[base + FIRST] as number)) stats[base + FIRST] = other.first;
    if (other.last > (stats[base + LAST] as number)) stats[base + LAST] = other.last;
    for (const [code, n] of other.errorsByCode) this.countError(p, code, n);
    (this.resources[p] as DistinctCounter).merge(other.resources);
    (this.sourceIps[p] as DistinctCounter).merge(other.sourceIps);
    (this.userAgents[p] as DistinctCounter).merge(other.userAgents);
    stats[base + READ_EVENTS] = (stats[base + READ_EVENTS] as number) + other.dataReads.events;
    stats[base + READ_BYTES] = (stats[base + READ_BYTES] as number) + other.dataReads.bytes;
    stats[base + READ_RECORDS] = (stats[base + READ_RECORDS] as number) + other.dataReads.records;
    for (const [date, r] of other.dataReadsByDay) this.addDayReads(p, date, r.events, r.bytes, r.records);
    for (let d = 0; d < 7; d++) {
      const row = other.weekHours[d] ?? [];
      for (let h = 0; h < 24; h++) this.week[p * WEEK_CELLS + d * 24 + h] = (this.week[p * WEEK_CELLS + d * 24 + h] as number) + (row[h] ?? 0);
    }
  }

  public toPartial(p: number): PrincipalPartial {
    const base = p * STRIDE;
    const role = this.roles[p];
    return {
      key: this.keys[p] as string,
      identityType: this.identityTypes[p] as string,
      ...(role ? { role } : {}),
      calls: this.stats[base + CALLS] as number,
      errors: this.stats[base + ERRORS] as number,
      deniedErrors: this.stats[base + DENIED] as number,
      errorsByCode: [...(this.errorsByCode[p]?.entries() ?? [])],
      resources: (this.resources[p] as DistinctCounter).toPartial(),
      sourceIps: (this.sourceIps[p] as DistinctCounter).toPartial(),
      userAgents: (this.userAgents[p] as DistinctCounter).toPartial(),
      dataReads: this.dataReads(p),
      dataReadsByDay: [...(this.dataReadsByDay[p]?.entries() ?? [])].map(([d, r]) => [d, { ...r }]),
      hours: this.hours(p),
      weekHours: this.weekHours(p),
      first: this.stats[base + FIRST] as number,
      last: this.stats[base + LAST] as number,
    };
  }
}

/**
 * 53-bit hashes of recently seen strings (source IPs, user agents): a few hundred values
 * recur across a million events, and `Map.get` on V8's own string hash is cheaper than
 * hashing a 100-character user agent again. Cleared when full, so memory stays bounded.
 */
class HashMemo {
  private readonly memo = new Map<string, number>();

  public hash(value: string): number {
    let h = this.memo.get(value);
    if (h === undefined) {
      h = hash53(value);
      if (this.memo.size >= HASH_MEMO_LIMIT) this.memo.clear();
      this.memo.set(detachString(value), h);
    }
    return h;
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
  /** `dataReadEvents` by `hash53` of source and name, for digested records. */
  private readonly dataReadHashes: ReadonlyMap<number, ReadonlySet<number>>;
  private readonly principals: PrincipalTable;
  private readonly sourceIpHashes = new HashMemo();
  private readonly userAgentHashes = new HashMemo();
  /** Where `resourcesOf` puts an event's resources (one object, not a closure per event). */
  private readonly resourceSink: { principal: number; add(resource: string): void };
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
    this.dataReadHashes = new Map([...this.dataReadEvents].map(([source, names]) => [hash53(source), new Set([...names].map((name) => hash53(name)))]));
    const table = (this.principals = new PrincipalTable(this.exactLimit));
    this.resourceSink = {
      principal: 0,
      add(resource: string): void {
        table.addDistinct(table.resources, this.principal, LAST_RESOURCE, hash53(resource));
      },
    };
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
    const table = this.principals;
    const arn = record.userIdentity?.arn;
    let p = arn !== undefined ? table.find(arn) : undefined;
    if (p === undefined) {
      const identity = principalOf(record.userIdentity);
      p = table.find(identity.key);
      if (p === undefined) {
        if (table.size >= this.maxPrincipals) {
          this.overflow += 1;
          return 'overflow';
        }
        p = table.create(identity.key, identity.identityType, identity.role);
      }
    }
    const slot = this.countCall(p, time);

    if (typeof record.sourceIPAddress === 'string') table.addDistinct(table.sourceIps, p, LAST_IP, this.sourceIpHashes.hash(record.sourceIPAddress));
    if (typeof record.userAgent === 'string') table.addDistinct(table.userAgents, p, LAST_UA, this.userAgentHashes.hash(record.userAgent));
    this.resourceSink.principal = p;
    resourcesOf(record, this.resourceSink);

    const errorCode = typeof record.errorCode === 'string' && record.errorCode !== '' ? record.errorCode : undefined;
    if (errorCode) table.countFailedCall(p, errorCode);
    else if (this.isDataRead(record)) {
      table.addReads(p, slot.date, 1, bytesOut(record), recordsRead(record));
    }
    return 'counted';
  }

  /**
   * `add` for a record digested from a scanned log file (`record-digest.ts`): the same
   * counts, from hashes and byte spans. False, with nothing counted, when the record needs
   * `add` instead (its principal is new here).
   */
  public addDigest(d: RecordDigest, doc: ScannedJson): boolean {
    const time = d.time;
    if (time < this.startMs || time >= this.endMs) {
      this.outsideWindow += 1;
      return true;
    }
    const table = this.principals;
    const p = table.findAscii(d.arnHash, doc.bytes, d.arnStart, d.arnEnd);
    if (p === undefined) return false;
    const slot = this.countCall(p, time);

    if (d.sourceIpHash >= 0) table.addDistinct(table.sourceIps, p, LAST_IP, d.sourceIpHash);
    if (d.userAgentHash >= 0) table.addDistinct(table.userAgents, p, LAST_UA, d.userAgentHash);
    if (d.resourceCount > 0) {
      for (let r = 0; r < d.resourceCount; r++) table.addDistinct(table.resources, p, LAST_RESOURCE, d.resourceHashes[r] as number);
    } else if (d.bucketStart >= 0) {
      // As `resourcesOf`: the bucket and key of the request.
      const bucket = doc.ascii(d.bucketStart, d.bucketEnd);
      const resource = d.keyStart >= 0 ? `arn:aws:s3:::${bucket}/${doc.ascii(d.keyStart, d.keyEnd)}` : `arn:aws:s3:::${bucket}`;
      table.addDistinct(table.resources, p, LAST_RESOURCE, hash53(resource));
    } else if (d.tableStart >= 0) {
      table.addDistinct(table.resources, p, LAST_RESOURCE, hash53(`dynamodb:${doc.ascii(d.tableStart, d.tableEnd)}`));
    }

    if (d.errorStart >= 0) {
      table.countFailedCall(p, doc.ascii(d.errorStart, d.errorEnd));
    } else if (this.dataReadHashes.get(d.eventSourceHash)?.has(d.eventNameHash) === true) {
      const value = d.bytesOutStart >= 0 ? Number(doc.ascii(d.bytesOutStart, d.bytesOutEnd)) : 0;
      table.addReads(p, slot.date, 1, Number.isFinite(value) && value > 0 ? value : 0, 1);
    }
    return true;
  }

  /** One call of principal `p` at `time`: counts, first/last, the hour cell. Its local slot. */
  private countCall(p: number, time: number): LocalSlot {
    const table = this.principals;
    this.events += 1;
    const stats = table.stats;
    const base = p * STRIDE;
    stats[base + CALLS] = (stats[base + CALLS] as number) + 1;
    if (time < (stats[base + FIRST] as number)) stats[base + FIRST] = time;
    if (time > (stats[base + LAST] as number)) stats[base + LAST] = time;
    const slot = this.calendar.at(time);
    const cell = p * WEEK_CELLS + slot.weekday * 24 + slot.hour;
    table.week[cell] = (table.week[cell] as number) + 1;
    return slot;
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
    const table = this.principals;
    for (const other of partial.principals) {
      let p = table.find(other.key);
      if (p === undefined) {
        if (table.size >= this.maxPrincipals) {
          this.overflow += other.calls;
          continue;
        }
        p = table.create(other.key, other.identityType, other.role);
      }
      table.merge(p, other);
      this.events += other.calls;
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
      principals: Array.from({ length: this.principals.size }, (_, p) => this.principals.toPartial(p)),
    };
  }

  /** The section for the snapshot. Principals are sorted by key for stable output. */
  public finish(): ActivitySection {
    const principals: PrincipalActivity[] = Array.from({ length: this.principals.size }, (_, p) => this.principals.toPartial(p))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((s) => ({
        principal: s.key,
        identityType: s.identityType,
        ...(s.role ? { role: s.role } : {}),
        calls: s.calls,
        errors: s.errors,
        deniedErrors: s.deniedErrors,
        errorsByCode: Object.fromEntries([...s.errorsByCode].sort((a, b) => b[1] - a[1])),
        distinctResources: DistinctCounter.fromPartial(s.resources, this.exactLimit).result(),
        distinctSourceIps: DistinctCounter.fromPartial(s.sourceIps, this.exactLimit).result(),
        distinctUserAgents: DistinctCounter.fromPartial(s.userAgents, this.exactLimit).result(),
        dataReads: s.dataReads,
        dataReadsByDay: Object.fromEntries([...s.dataReadsByDay].sort()),
        hourHistogram: s.hours,
        weekHourHistogram: s.weekHours,
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
