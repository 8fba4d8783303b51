/**
 * Local calendar facts (hour, ISO weekday, date) of an instant in an IANA time zone,
 * through `Intl.DateTimeFormat`, so daylight-saving changes are handled by the platform's
 * time-zone database rather than by a fixed offset.
 */

export interface LocalSlot {
  /** 0–23, local. */
  hour: number;
  /** 0 = Monday … 6 = Sunday, local. */
  weekday: number;
  /** `YYYY-MM-DD`, local. */
  date: string;
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
/**
 * Offsets of every current IANA zone are multiples of 15 minutes and change on
 * quarter-hour boundaries, so all instants within one UTC quarter hour share their local
 * hour/day. Caching per quarter hour turns ~1 µs of Intl formatting into a map lookup.
 */
const SLOT_MS = 15 * 60 * 1000;
const CACHE_LIMIT = 100_000;

export class InvalidTimeZoneError extends Error {
  public constructor(timeZone: string) {
    super(`unknown time zone "${timeZone}": expected an IANA name such as Europe/Paris or UTC`);
    this.name = 'InvalidTimeZoneError';
  }
}

export class LocalCalendar {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, LocalSlot>();
  /** The last quarter hour asked for: consecutive events mostly share it, and this skips the map. */
  private lastKey = NaN;
  private lastSlot: LocalSlot | undefined;

  public constructor(public readonly timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        weekday: 'short',
      });
    } catch {
      throw new InvalidTimeZoneError(timeZone);
    }
  }

  public at(epochMs: number): LocalSlot {
    const key = Math.floor(epochMs / SLOT_MS);
    if (key === this.lastKey && this.lastSlot) return this.lastSlot;
    let slot = this.cache.get(key);
    if (!slot) {
      slot = this.compute(key * SLOT_MS);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, slot);
    }
    this.lastKey = key;
    this.lastSlot = slot;
    return slot;
  }

  private compute(epochMs: number): LocalSlot {
    const parts: Record<string, string> = {};
    for (const p of this.format.formatToParts(epochMs)) parts[p.type] = p.value;
    return {
      hour: Number(parts.hour) % 24,
      weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
      date: `${parts.year}-${parts.month}-${parts.day}`,
    };
  }
}
