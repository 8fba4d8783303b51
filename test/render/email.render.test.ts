/**
 * The weekly email as a security lead sees it: rendered by headless Chromium at phone width
 * (375 px) and desktop width, for a small report that uses every kind of item (new,
 * regression inside a failing rule, fixed, improved, stale, not verifiable, integrity
 * problem, plan) with long unbroken names, and for a 500-account fleet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { renderEmail } from '../../lib/report/email';
import { buildReportModel, type ReportRun } from '../../lib/report/model';
import { FRAMEWORKS } from '../../lib/frameworks';
import { RULES } from '../../lib/rules';
import type { Status } from '../../lib/rules/types';
import { A1, A2, A3, day, record, run } from '../unit/report/fixtures';
import { chromiumPath, launchChromium, MEASURE_LAYOUT, SKIP_REASON, type LayoutIssues } from './chromium';

const executable = chromiumPath();
if (!executable) console.warn(SKIP_REASON);

const all = (f: (id: string, i: number) => Status): Record<string, Status> => Object.fromEntries(RULES.map((r, i) => [r.id, f(r.id, i)]));
const users = (account: string, names: string[]) => names.map((n) => `arn:aws:iam::${account}:user/${n}`);

/** A report with every kind of item, and names as long as AWS allows. */
export function richReport(): ReturnType<typeof renderEmail> {
  const longAlias = `customer-data-platform-production-${'eu'.repeat(12)}`;
  const longUser = `adviser.${'a'.repeat(56)}`;
  const a1 = [run(A1, day(9), all((id) => (['auth.console-mfa', 'access.admin-principals', 'logging.log-integrity'].includes(id) ? 'FAIL' : 'PASS')), longAlias), run(A1, day(16), all((id) => (['auth.root-mfa', 'auth.console-mfa', 'access.admin-principals'].includes(id) ? 'FAIL' : 'PASS')), longAlias)];
  a1[0]!.records = a1[0]!.records.map((x) => (x.ruleId === 'auth.console-mfa' ? record(x.ruleId, 'FAIL', users(A1, ['alice', 'bob', 'carol', longUser])) : x.ruleId === 'access.admin-principals' ? record(x.ruleId, 'FAIL', users(A1, ['ops'])) : x));
  a1[1]!.records = a1[1]!.records.map((x) =>
    x.ruleId === 'auth.console-mfa' ? record(x.ruleId, 'FAIL', users(A1, ['alice', 'bob', longUser])) : x.ruleId === 'access.admin-principals' ? record(x.ruleId, 'FAIL', users(A1, ['ops', 'dave'])) : x.ruleId === 'auth.root-mfa' ? record(x.ruleId, 'FAIL', [`arn:aws:iam::${A1}:root`]) : x,
  );
  const a2: ReportRun[] = [run(A2, day(9), all((id) => (id === 'auth.password-strength' ? 'FAIL' : 'PASS')), 'hr'), run(A2, day(16), all(() => 'ERROR'), 'hr')];
  const a3: ReportRun[] = [run(A3, day(16), all((id) => (id === 'logging.retention' ? 'ERROR' : id === 'logging.log-encryption' ? 'FAIL' : 'PASS')))];
  a3[0]!.records = a3[0]!.records.map((x) => (x.status === 'ERROR' ? { ...x, errorKind: 'limit' as const, message: 'Trail(s) management-events deliver only to S3: the bucket lifecycle (the retention) is not collected.' } : x));
  const model = buildReportModel({
    runs: [...a1, ...a2, ...a3],
    now: day(16, 8),
    since: day(9, 8),
    sinceLabel: 'Sun 9 Nov',
    cadenceHours: 24 * 7,
    rules: RULES,
    frameworks: FRAMEWORKS,
    integrity: [
      { accountId: A1, problems: 0, headHash: 'f'.repeat(64), problemRunIds: [] },
      { accountId: A2, problems: 2, headHash: 'e'.repeat(64), problemRunIds: [] },
      { accountId: A3, problems: 0, headHash: 'd'.repeat(64), problemRunIds: [] },
    ],
    plans: [{ accountId: A1, ruleId: 'auth.root-mfa', kind: 'plan', owner: 'security-lead@example.com', dueDate: '2025-11-30' }],
  });
  return renderEmail(model);
}

function fleet(n: number): ReturnType<typeof renderEmail> {
  const runs: ReportRun[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(100000000000 + i);
    runs.push(run(id, day(19), all((_, r) => ((i + r) % 3 === 0 ? 'FAIL' : 'PASS')), `team-${i}`), run(id, day(20), all((_, r) => ((i + r) % 3 === 0 || (i + r) % 7 === 0 ? 'FAIL' : 'PASS')), `team-${i}`));
  }
  return renderEmail(buildReportModel({ runs, now: day(20, 8), rules: RULES, frameworks: FRAMEWORKS }));
}

describe.skipIf(!executable)('weekly email rendered in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(executable as string);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function measure(html: string, width: number): Promise<LayoutIssues> {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    try {
      await page.setContent(html, { waitUntil: 'load' });
      return (await page.evaluate(MEASURE_LAYOUT)) as LayoutIssues;
    } finally {
      await page.close();
    }
  }

  for (const width of [375, 1280]) {
    it(`has no horizontal overflow, no overlapping text, readable contrast and real headings at ${width} px`, async () => {
      const m = await measure(richReport().html, width);
      expect(m.scrollWidth).toBeLessThanOrEqual(m.clientWidth);
      expect(m.overlaps).toEqual([]);
      expect(m.brokenWords).toEqual([]);
      expect(m.lowContrast).toEqual([]);
      expect(m.headings.H1).toBe(1);
      expect(m.headings.H2).toBeGreaterThanOrEqual(4);
      expect(m.headings.H3).toBeGreaterThanOrEqual(3);
      expect(m.tableHeaders).toBeGreaterThanOrEqual(3);
    });
  }

  it('stays within a phone screen for a 500-account fleet', async () => {
    const m = await measure(fleet(500).html, 375);
    expect(m.scrollWidth).toBeLessThanOrEqual(m.clientWidth);
    expect(m.overlaps).toEqual([]);
  });
});
