/**
 * Date helpers for rules. Rules never read the clock: "now" is always the snapshot's
 * `collectedAt`, so a re-evaluation of an old snapshot gives the same verdict.
 */
import type { ReportDate } from '../../snapshot';

const DAY_MS = 86_400_000;

/** A credential-report date column as a Date, or `undefined` for `N/A` / `no_information` / `not_supported`. */
export function reportDate(value: ReportDate): Date | undefined {
  if (value === 'N/A' || value === 'no_information' || value === 'not_supported') return undefined;
  return new Date(value);
}

/** The two-digit number at `i`, or -1 when either character is not a digit. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `reportDate(value)?.getTime()` without a Date object (a credential report has tens of
 * thousands of dates): `isoTime` of every text but the report's placeholders.
 */
export function reportTime(value: ReportDate): number | undefined {
  if (value === 'N/A' || value === 'no_information' || value === 'not_supported') return undefined;
  return isoTime(value);
}

/**
 * `new Date(value).getTime()` without a Date object: the shape of the credential report and of
 * IAM dates, `YYYY-MM-DDTHH:MM:SS+00:00` (or `Z`), is read digit by digit when it is plainly
 * valid (day ≤ 28, so nothing can roll over); any other text goes through `new Date` exactly as
 * before (NaN when unparsable). Rules read thousands of dates per snapshot (credential report,
 * roles' last use).
 */
export function isoTime(value: string): number {
  const utc = (value.length === 25 && value.endsWith('+00:00')) || (value.length === 20 && value.charCodeAt(19) === 90); /* Z */
  if (utc && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45 && value.charCodeAt(10) === 84 && value.charCodeAt(13) === 58 && value.charCodeAt(16) === 58) {
    const century = twoDigits(value, 0);
    const yy = twoDigits(value, 2);
    const month = twoDigits(value, 5);
    const day = twoDigits(value, 8);
    const hour = twoDigits(value, 11);
    const minute = twoDigits(value, 14);
    const second = twoDigits(value, 17);
    // Year ≥ 100: Date.UTC reads 0–99 as 1900–1999.
    if (century >= 1 && yy >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
      return Date.UTC(century * 100 + yy, month - 1, day, hour, minute, second);
    }
  }
  return new Date(value).getTime();
}

/** `daysSince` on epoch milliseconds. */
export function daysSinceTime(from: number, now: number): number {
  return Math.floor((now - from) / DAY_MS);
}

/** Whole days elapsed from `from` to `now` (floored; negative if `from` is in the future). */
export function daysSince(from: Date, now: Date): number {
  return Math.floor((now.getTime() - from.getTime()) / DAY_MS);
}

/** Hours elapsed from `from` to `to`, rounded to 0.1. */
export function hoursBetween(from: Date, to: Date): number {
  return Math.round(((to.getTime() - from.getTime()) / 3_600_000) * 10) / 10;
}
