/**
 * Strict ISO-8601 date parsing. `Date.parse('2026-02-30')` silently rolls over to 2 March;
 * evidence dates, `--collected-at`, `--now` and snapshot timestamps must instead be refused
 * (exit 2 at the CLI) when the calendar has no such day or time.
 *
 * Accepted: `YYYY-MM-DD`, optionally `THH:MM`, `:SS`, fractional seconds, and `Z` or `±HH:MM`
 * (or `±HHMM`) — what AWS APIs, the AWS CLI and `Date.toISOString` produce.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Epoch milliseconds of a valid ISO-8601 date, or `undefined` when the text is not one (or names an impossible day or time). */
export function parseStrictIsoDate(value: string): number | undefined {
  const m = ISO.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59))) return undefined;
  if (zone && zone !== 'Z') {
    const digits = zone.replace(':', '');
    if (Number(digits.slice(1, 3)) > 23 || Number(digits.slice(3, 5)) > 59) return undefined;
  }
  const t = Date.parse(h === undefined ? `${y}-${mo}-${d}T00:00:00Z` : value.replace(' ', 'T'));
  return Number.isNaN(t) ? undefined : t;
}

export const isStrictIsoDate = (value: string): boolean => parseStrictIsoDate(value) !== undefined;
