import { describe, expect, it } from 'vitest';
import { renderEmail, EMAIL_MAX_BYTES, LIMITS, resourceName } from '../../../lib/report/email';
import { escapeHtml, neutralize, untrusted } from '../../../lib/report/escape';
import { buildReportModel, type ReportRun } from '../../../lib/report/model';
import { FRAMEWORKS } from '../../../lib/frameworks';
import { RULES } from '../../../lib/rules';
import type { Status } from '../../../lib/rules/types';
import { A1, A2, day, record, run } from './fixtures';

const NOW = day(20, 8);
const allRules = (status: (ruleId: string, i: number) => Status): Record<string, Status> =>
  Object.fromEntries(RULES.map((r, i) => [r.id, status(r.id, i)]));

/** `n` accounts, two runs each, about a third of the checks failing and some new. */
function fleet(n: number): ReportRun[] {
  const runs: ReportRun[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(100000000000 + i);
    const alias = `team-${i}-${'x'.repeat(20)}`;
    const users = (k: number) => Array.from({ length: k }, (_, j) => `arn:aws:iam::${id}:user/adviser.${'n'.repeat(8)}${j}`);
    const r1 = run(id, day(19), allRules((_, r) => ((i + r) % 3 === 0 ? 'FAIL' : 'PASS')), alias);
    const r2 = run(id, day(20), allRules((_, r) => ((i + r) % 3 === 0 || (i + r) % 7 === 0 ? 'FAIL' : r === 4 && i % 50 === 0 ? 'ERROR' : 'PASS')), alias);
    for (const [k, r] of [[28, r1], [i % 5 === 0 ? 29 : 28, r2]] as const) r.records = r.records.map((x) => (x.status === 'FAIL' ? { ...record(x.ruleId, 'FAIL', users(k)), message: `${k} users: ${'long message '.repeat(6)}` } : x));
    runs.push(r1, r2);
  }
  return runs;
}

function render(runs: ReportRun[], extra: Partial<Parameters<typeof buildReportModel>[0]> = {}) {
  const model = buildReportModel({ runs, now: NOW, rules: RULES, frameworks: FRAMEWORKS, ...extra });
  return { model, ...renderEmail(model) };
}

/** Text of the HTML without tags, entities decoded (enough for assertions on facts). */
function visible(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<\/?(bdi|a|strong|span)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('escaping', () => {
  it('escapes HTML metacharacters and makes bidi controls visible', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
    expect(neutralize('admin\u202Etxt.exe')).toBe('admin[U+202E]txt.exe');
    expect(neutralize('a\u2066b\u2069c\u200fd\u0007')).toBe('a[U+2066]b[U+2069]c[U+200F]d[U+0007]');
    expect(untrusted('مستخدم')).toBe('<bdi>مستخدم</bdi>');
  });

  it('never lets a hostile user, policy or alias name reach the HTML or text raw', () => {
    const hostileUser = `arn:aws:iam::${A1}:user/<script>alert(1)</script>`;
    const hostileAlias = `"><img src=x onerror=alert(1)> & co\u202Egnp.exe`;
    const r = run(A1, day(20), allRules(() => 'PASS'), hostileAlias);
    r.records = r.records.map((x) =>
      x.ruleId === 'auth.console-mfa'
        ? { ...record(x.ruleId, 'FAIL', [hostileUser, `arn:aws:iam::${A1}:user/o'brien`]), message: `1 user without MFA: <b>${hostileUser}</b>` }
        : x,
    );
    const { html, text, subject } = render([r]);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('\u202E');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<bdi>&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; co[U+202E]gnp.exe (111111111111)</bdi>');
    expect(html).toContain('o&#39;brien');
    expect(text).not.toContain('\u202E');
    expect(text).toContain('co[U+202E]gnp.exe');
    expect(subject).not.toMatch(/[\r\n]/);
    // Nothing active at all in the mail.
    expect(html).not.toMatch(/<script|<img|<iframe|<link|<object|javascript:|@import/i);
    expect(html).not.toMatch(/<[^>]*\s(src|on\w+)=/i);
  });
});

describe('renderEmail', () => {
  const before = run(A1, day(19), allRules((id) => (id === 'auth.root-mfa' || id === 'logging.log-integrity' ? 'FAIL' : 'PASS')), 'prod');
  const after = run(
    A1,
    day(20),
    allRules((id) => (id === 'auth.console-mfa' || id === 'logging.log-integrity' ? 'FAIL' : 'PASS')),
    'prod',
  );
  after.records = after.records.map((x) =>
    x.ruleId === 'auth.console-mfa' ? record(x.ruleId, 'FAIL', ['alice', 'bob', 'carol', 'dave'].map((u) => `arn:aws:iam::${A1}:user/${u}`)) : x,
  );
  const other = run(A2, day(20), allRules((id) => (id === 'logging.retention' ? 'ERROR' : 'PASS')));

  it('opens with the verdict, in the subject, the HTML title and h1, and the first text line', () => {
    const { model, html, text, subject } = render([before, after, other]);
    expect(model.verdict).toBe('1 new failure, 1 fixed in 1 account since the previous run (Wed 19 Nov) · 1 still failing · collection failed in 1 account');
    expect(subject).toBe(`art32: ${model.verdict}`);
    expect(text.split('\n')[0]).toBe('1 new failure, 1 fixed in 1 account since the previous run (Wed 19 Nov)');
    expect(text.split('\n')[1]).toBe('1 still failing · collection failed in 1 account');
    const [headline, ...rest] = model.verdict.split(' · ');
    expect(html).toContain(`>${escapeHtml(headline ?? '')}</h1>`);
    expect(visible(html)).toContain(rest.join(' · '));
    expect(html).toContain(`<title>${escapeHtml(model.verdict)}</title>`);
  });

  it('headlines each item by what is wrong, groups by account (named once), with who/what, age and the fix', () => {
    const { html, text } = render([before, after, other]);
    for (const part of [visible(html), text]) {
      expect(part).toContain('Changes since the previous run (Wed 19 Nov)');
      expect(part).toMatch(/NEW HIGH Console users without MFA/);
      expect(part).not.toMatch(/NEW HIGH Console users have MFA/);
      expect(part).toMatch(/who\/what: alice, bob, carol \+1 more/);
      expect(part).toMatch(/FIXED HIGH Root user has MFA \(hardware preferred\)/);
      expect(part).toMatch(/MEDIUM Trail log file validation is off\s+failing for ≥ 1 day/);
      expect(part).toContain('Collection errors (not verified)');
      expect(part).toContain('Art. 32(1)(b)');
      expect(part).toMatch(/checks mapped to CNIL délib\. 2022-100 \(recommendation\): \d+ of \d+ passed/);
      expect(part).toContain('checks informed by SAN-2026-003');
      expect(part).not.toMatch(/SAN-2026-003[^\n]{0,40}(PASS|FAIL)/);
      expect(part).toContain('How to fix');
      expect(part.split('prod (111111111111)').length - 1).toBe(2); // changes, then still failing: once per section
    }
    expect(text).toContain('1 check not verified');
    expect(text).not.toMatch(/\b1 (checks|runs|accounts|days)\b/);
  });

  it('says in text exactly what the HTML says (same words in the same order)', () => {
    const r = render([before, after, other]);
    const words = (s: string) => s.split(/\s+/).filter((w) => w && !/^[-=]+$/.test(w));
    const htmlWords = words(visible(r.html.replace(/<title>[\s\S]*?<\/title>/, '')));
    expect(htmlWords).toEqual(words(r.text));
    const big = render(fleet(500));
    expect(words(visible(big.html.replace(/<title>[\s\S]*?<\/title>/, '')))).toEqual(words(big.text));
  });

  it('says that a failed check is not a finding of infringement: appropriateness is the controller\'s risk analysis', () => {
    const { html, text } = render([before, after, other]);
    expect(text).toContain("appropriate under GDPR Art. 32 depends on the controller's own risk analysis");
    expect(text).toContain('CNIL deliberations and the security guide are recommendations');
    expect(visible(html)).toContain('not a finding of infringement');
  });

  it('links each failure to its remediation, included in the mail', () => {
    const { html, model } = render([before, after, other]);
    const links = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const id of links) expect(html).toContain(`id="${id}"`);
    expect(links).toContain('fix-auth.console-mfa');
    const consoleMfa = RULES.find((r) => r.id === 'auth.console-mfa');
    expect(html).toContain(escapeHtml(consoleMfa?.remediation.console ?? '?'));
    // Only rules that fail get a remediation; the fixed one does not.
    expect(model.remediations.map((r) => r.id)).toEqual(['auth.console-mfa', 'logging.log-integrity']);
  });

  it('declares light and dark colour schemes and uses no remote content', () => {
    const { html } = render([before, after]);
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('is byte-identical for the same data', () => {
    const a = render([before, after, other]);
    const b = render([other, after, before]);
    expect(a.html).toBe(b.html);
    expect(a.text).toBe(b.text);
  });

  it('says plainly that nothing was collected for an empty store', () => {
    const { html, text, subject } = render([]);
    expect(subject).toBe('art32: Nothing was collected: the evidence store has no runs');
    expect(visible(html)).toContain('No evidence run is recorded');
    expect(text).toContain('No evidence run is recorded');
    expect(text).not.toContain('New failures');
  });

  it('makes a sensible first report from a single run', () => {
    const { html, text } = render([after]);
    expect(text.split('\n')[0]).toBe('2 new failures in 1 account since the first collection');
    expect(visible(html)).toContain('Changes since the first collection');
    expect(text).toContain('failing since the first collection (today)');
  });

  it('stays small for 500 accounts: capped lists with counts, under Gmail clipping (102 KB) and far under SES (40 MB)', () => {
    const { model, html, text } = render(fleet(500));
    const htmlBytes = Buffer.byteLength(html);
    const textBytes = Buffer.byteLength(text);
    console.log(`500 accounts: html ${htmlBytes} bytes, text ${textBytes} bytes, ${model.totals.newFailures} new failures, ${model.totals.stillFailing} still failing`);
    expect(model.totals.accounts).toBe(500);
    expect(model.totals.newFailures).toBeGreaterThan(LIMITS.changes);
    expect(htmlBytes).toBeLessThan(102_000);
    expect(textBytes).toBeLessThan(102_000);
    expect(text).toMatch(/and \d+ more changes in \d+ other accounts/);
    expect(text).toMatch(/and \d+ more accounts with \d+ failing checks/);
    expect(text).not.toContain('Shortened');
  });

  it('names who acts on a failure and by when, and makes overdue plans and expired acceptances stand out', () => {
    const failing = run(A1, day(20), allRules((id) => (id === 'auth.root-mfa' || id === 'auth.console-mfa' || id === 'logging.log-encryption' ? 'FAIL' : 'PASS')));
    const { html, text } = render([failing], {
      plans: [
        { accountId: A1, ruleId: 'auth.root-mfa', kind: 'plan', owner: 'cloud-team', dueDate: '2099-03-01' },
        { accountId: A1, ruleId: 'auth.console-mfa', kind: 'plan', owner: 'iam-team', dueDate: day(10).slice(0, 10) },
        { accountId: A1, ruleId: 'logging.log-encryption', kind: 'acceptance', owner: 'ciso', dueDate: day(15).slice(0, 10) },
      ],
    });
    for (const out of [text, visible(html)]) {
      expect(out).toContain('Register: 1 remediation plan overdue, 1 risk acceptance expired');
      expect(out).toContain('plan: cloud-team, due 2099-03-01');
      expect(out).toContain(`plan: iam-team, OVERDUE since ${day(10).slice(0, 10)}`);
      expect(out).toContain(`risk acceptance by ciso EXPIRED ${day(15).slice(0, 10)}`);
    }
    expect(html).toMatch(/<strong[^>]*>plan: iam-team, OVERDUE since/);
    // Nothing lapsed: no register line.
    expect(render([failing], { plans: [{ accountId: A1, ruleId: 'auth.root-mfa', kind: 'plan', owner: 'cloud-team', dueDate: '2099-03-01' }] }).text).not.toContain('Register:');
  });

  it('stays under the clipping limit at 500 accounts with a plan or acceptance on every failing check', () => {
    const runs = fleet(500);
    const plans = runs
      .filter((r) => r.collectedAt === day(20))
      .flatMap((r, i) =>
        r.records
          .filter((x) => x.status === 'FAIL')
          .map((x, j) => ({ accountId: r.accountId, ruleId: x.ruleId, kind: j % 3 === 2 ? ('acceptance' as const) : ('plan' as const), owner: `owner-${i}-${'o'.repeat(12)}`, dueDate: j % 2 ? '2099-12-31' : day(1).slice(0, 10) })),
      );
    const { model, html, text } = render(runs, { plans });
    const htmlBytes = Buffer.byteLength(html);
    const textBytes = Buffer.byteLength(text);
    console.log(`500 accounts, ${plans.length} plans/acceptances: html ${htmlBytes} bytes, text ${textBytes} bytes`);
    expect(model.changes.filter((c) => c.plan).length).toBeGreaterThan(0);
    expect(htmlBytes).toBeLessThan(102_000);
    expect(textBytes).toBeLessThan(102_000);
  });

  it('is never clipped: at the longest names IAM and the register accept, it lists fewer items and says so, counts complete', () => {
    // Account aliases up to 63 characters and user names up to 64 (IAM quotas), register owners up
    // to 2,000 characters (lib/register/types.ts), a plan or an acceptance on every failing check.
    const runs = fleet(500).map((r) => ({
      ...r,
      accountAlias: `${r.accountId}-${'a'.repeat(63)}`.slice(0, 63),
      records: r.records.map((x) => ({ ...x, resources: x.resources.map((arn, j) => `arn:aws:iam::${r.accountId}:user/${String(j).padEnd(64, 'u')}`) })),
    }));
    const plans = runs
      .filter((r) => r.collectedAt === day(20))
      .flatMap((r) =>
        r.records
          .filter((x) => x.status === 'FAIL')
          .map((x, j) => ({ accountId: r.accountId, ruleId: x.ruleId, kind: j % 3 === 2 ? ('acceptance' as const) : ('plan' as const), owner: `owner ${'o'.repeat(1_994)}`, dueDate: j % 2 ? '2099-12-31' : day(1).slice(0, 10) })),
      );
    const { model, html, text } = render(runs, { plans });
    const htmlBytes = Buffer.byteLength(html);
    const textBytes = Buffer.byteLength(text);
    console.log(`500 accounts at the longest names: html ${htmlBytes} bytes, text ${textBytes} bytes`);
    expect(htmlBytes).toBeLessThanOrEqual(EMAIL_MAX_BYTES);
    expect(textBytes).toBeLessThanOrEqual(EMAIL_MAX_BYTES);
    for (const out of [text, visible(html)]) {
      expect(out).toContain('Shortened to stay whole in mail clients');
      // The register's lapsed measures are still counted under the verdict and one is shown first.
      expect(out).toMatch(/Register: [\d,]+ remediation plans? overdue/);
      expect(out).toContain('OVERDUE since');
      expect(out).toMatch(/and [\d,]+ more changes in [\d,]+ other accounts/);
    }
    expect(model.totals.accounts).toBe(500);
  });

  it('shortens ARNs to the principal name', () => {
    expect(resourceName('arn:aws:iam::111111111111:user/team/alice')).toBe('alice');
    expect(resourceName('arn:aws:iam::111111111111:root')).toBe('root');
    expect(resourceName('bucket-name')).toBe('bucket-name');
  });
});
