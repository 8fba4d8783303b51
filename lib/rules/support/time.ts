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

/** Whole days elapsed from `from` to `now` (floored; negative if `from` is in the future). */
export function daysSince(from: Date, now: Date): number {
  return Math.floor((now.getTime() - from.getTime()) / DAY_MS);
}

/** Hours elapsed from `from` to `to`, rounded to 0.1. */
export function hoursBetween(from: Date, to: Date): number {
  return Math.round(((to.getTime() - from.getTime()) / 3_600_000) * 10) / 10;
}
