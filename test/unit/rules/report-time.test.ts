/**
 * `reportTime` reads credential-report dates digit by digit instead of through `new Date`
 * (stale-credentials reads tens of thousands of them). It must give exactly what
 * `reportDate(value)?.getTime()` gives, for every text: the report's own shape, dates that
 * roll over (day 29–31 of a short month), other offsets and shapes, and garbage. Checked by
 * mutation: widening the month or hour bound, dropping the year ≥ 100 guard or accepting another
 * offset fails it. Widening the day bound to 31 does not: V8's `new Date` rolls an ISO date's day
 * 29–31 over exactly as `Date.UTC` does, so that bound is conservative, not load-bearing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime, reportDate, reportTime } from '../../../lib/rules/support/time';
import type { ReportDate } from '../../../lib/snapshot';

const viaDate = (v: ReportDate): number | undefined => reportDate(v)?.getTime();
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const shaped = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 60 }),
    zone: fc.constantFrom('+00:00', 'Z', '+01:00', '-05:30', ''),
  })
  .map((d) => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}T${pad(d.hour)}:${pad(d.minute)}:${pad(d.second)}${d.zone}`);

describe('reportTime', () => {
  it('equals reportDate(...).getTime() on report-shaped dates, including days that roll over', () => {
    fc.assert(fc.property(shaped, (v) => Object.is(reportTime(v), viaDate(v))), { numRuns: 20_000 });
  });

  it('equals reportDate(...).getTime() on the report placeholders and on arbitrary text', () => {
    for (const v of ['N/A', 'no_information', 'not_supported', '', '2026-02-30T10:00:00+00:00', '2026-1-05T10:00:00+00:00', '20x6-01-05T10:00:00+00:00', '2026-01-05T10:00:00.000Z', '0099-01-05T10:00:00+00:00'])
      expect(Object.is(reportTime(v), viaDate(v)), v).toBe(true);
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (v) => Object.is(reportTime(v), viaDate(v))), { numRuns: 5_000 });
  });
});

/**
 * `isoTime` (unused-roles reads every role's last use or creation date with it) must give exactly
 * `new Date(value).getTime()`, placeholders included (they are not dates to it: NaN). Checked by
 * mutation: answering the placeholders as `reportTime` does (undefined) or accepting another
 * offset fails it.
 */
describe('isoTime', () => {
  const viaNewDate = (v: string): number => new Date(v).getTime();
  it('equals new Date(...).getTime() on IAM- and report-shaped dates, placeholders and arbitrary text', () => {
    fc.assert(fc.property(shaped, (v) => Object.is(isoTime(v), viaNewDate(v))), { numRuns: 20_000 });
    for (const v of ['N/A', 'no_information', 'not_supported', '', '2026-02-30T10:00:00+00:00', '2026-01-05T10:00:00.000Z', '2026-01-05T10:00:00Z'])
      expect(Object.is(isoTime(v), viaNewDate(v)), v).toBe(true);
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (v) => Object.is(isoTime(v), viaNewDate(v))), { numRuns: 5_000 });
  });
});
