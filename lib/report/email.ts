/**
 * The weekly email, rendered from a `ReportModel`: an HTML part that works in mail clients
 * (tables for layout, inline styles, no remote images, no scripts, light and dark colour
 * schemes with accessible contrast, system fonts) and a plain-text part with the same facts.
 *
 * Both parts show the same capped lists (see `LIMITS`), so a 500-account fleet still gives
 * a message far below SES's size limit and below Gmail's 102 KB clipping threshold.
 * Every string that comes from an audited account goes through lib/report/escape.
 */
import type { AccountReport, ReportChange, ReportModel, ReportRuleInfo, RequirementStatus, TrendPoint } from './model';
import { escapeHtml, plain, subjectLine, untrusted } from './escape';

export const LIMITS = {
  changes: 25,
  stillFailingRules: 20,
  accountsPerRule: 4,
  accounts: 20,
  gaps: 20,
  collectionErrors: 20,
  resources: 3,
} as const;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface RenderOptions {
  /** Shown in the header, e.g. "Production organisation". */
  title?: string;
}

interface Capped<T> {
  shown: T[];
  more: number;
}

function cap<T>(items: readonly T[], n: number): Capped<T> {
  return { shown: items.slice(0, n), more: Math.max(0, items.length - n) };
}

const moreText = (n: number, what: string): string => `and ${n} more ${what}`;

/** `alias (123456789012)` or the id. */
export function accountLabel(a: { accountId: string; accountAlias: string | null }): string {
  return a.accountAlias ? `${a.accountAlias} (${a.accountId})` : a.accountId;
}

/** Short, human name of a resource: the part after the last `/` of an ARN (the user or role name). */
export function resourceName(resource: string): string {
  if (!resource.startsWith('arn:')) return resource;
  const slash = resource.lastIndexOf('/');
  return slash >= 0 && slash < resource.length - 1 ? resource.slice(slash + 1) : resource.slice(resource.lastIndexOf(':') + 1) || resource;
}

const isoDay = (iso: string | null): string => (iso ? iso.slice(0, 10) : '—');
const pct = (n: number | null): string => (n === null ? 'n/a' : `${n}%`);
const age = (c: ReportChange): string => (c.ageDays === null ? '' : `${c.ageIsLowerBound ? '≥ ' : ''}${c.ageDays} d`);
const anchor = (ruleId: string): string => `fix-${ruleId.replace(/[^A-Za-z0-9_.-]/g, '-')}`;

const REQUIREMENT_STATUS_LABEL: Record<RequirementStatus, string> = {
  FAIL: 'FAIL',
  NOT_VERIFIED: 'NOT VERIFIED',
  WARN: 'WARN',
  PASS: 'PASS',
  NOT_APPLICABLE: 'N/A',
};

/** Render both parts and the subject. Pure: same model, same bytes. */
export function renderEmail(model: ReportModel, options: RenderOptions = {}): RenderedEmail {
  return {
    subject: subjectLine(`art32: ${model.verdict}`),
    html: renderHtml(model, options),
    text: renderText(model, options),
  };
}

// ------------------------------------------------------------------------------ HTML

// Light colours are inline (every client); the dark ones come from the media query in
// <head> (Apple Mail, iOS, Outlook.com, Thunderbird). Clients that ignore both invert the
// light palette themselves. Every pair below has a contrast ratio ≥ 7:1 (WCAG AAA) except
// muted text (≥ 4.5:1, AA).
const C = {
  bg: '#ffffff',
  fg: '#1a1a1a',
  muted: '#555555',
  border: '#d0d0d0',
  panel: '#f4f5f7',
  fail: '#a50e0e',
  ok: '#1b5e20',
  warn: '#7a4100',
  na: '#444444',
  link: '#0b57d0',
};
const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace";

const DARK_CSS = `
:root{color-scheme:light dark;supported-color-schemes:light dark}
@media (prefers-color-scheme: dark){
 body,.bg{background:#121212!important;color:#e6e6e6!important}
 .panel{background:#1e1f22!important}
 .muted{color:#b3b3b3!important}
 .bd{border-color:#3a3a3a!important}
 .fail{color:#ff8a80!important}
 .ok{color:#81c995!important}
 .warn{color:#fdd663!important}
 .na{color:#c4c4c4!important}
 a{color:#8ab4f8!important}
 code,pre{background:#1e1f22!important;color:#e6e6e6!important}
}
@media print{a{color:inherit!important}}`;

// Padding comes from the table's cellpadding and alignment from valign: every byte of a
// cell's style is repeated hundreds of times in a large fleet's mail.
const TD = `border-bottom:1px solid ${C.border}`;
const TH = `${TD};font-weight:600;font-size:13px;color:${C.muted};text-align:left`;

function statusClass(status: string): { cls: string; color: string } {
  switch (status) {
    case 'FAIL':
    case 'ERROR':
    case 'NOT_VERIFIED':
    case 'regression':
    case 'new':
      return { cls: 'fail', color: C.fail };
    case 'PASS':
    case 'fixed':
      return { cls: 'ok', color: C.ok };
    case 'WARN':
    case 'still-failing':
      return { cls: 'warn', color: C.warn };
    default:
      return { cls: 'na', color: C.na };
  }
}

function severityStatus(severity: string): string {
  return severity === 'critical' || severity === 'high' ? 'FAIL' : severity === 'medium' ? 'WARN' : 'NOT_APPLICABLE';
}

/** A status in words and colour (never colour alone). */
function badge(status: string, label = status): string {
  const s = statusClass(status);
  return `<strong class="${s.cls}" style="color:${s.color};white-space:nowrap">${escapeHtml(label)}</strong>`;
}

function table(headers: string[], rows: string[][]): string {
  const head = headers.map((h) => `<th class="bd muted" align="left" valign="bottom" style="${TH}">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((cell) => `<td class="bd" valign="top" style="${TD}">${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table role="table" width="100%" cellpadding="6" cellspacing="0" border="0" style="border-collapse:collapse;font-size:14px;margin:0 0 8px 0"><tr>${head}</tr>\n${body}</table>`;
}

function section(id: string, title: string, body: string): string {
  return `<tr><td style="padding:20px 24px 4px 24px"><h2 id="${escapeHtml(id)}" style="margin:0 0 10px 0;font-size:18px;line-height:1.3">${escapeHtml(title)}</h2>${body}</td></tr>\n`;
}

function moreRow(n: number, what: string): string {
  return n > 0 ? `<p class="muted" style="margin:4px 0 0 0;color:${C.muted};font-size:13px">${escapeHtml(moreText(n, what))}</p>` : '';
}

function resourcesHtml(c: ReportChange): string {
  if (c.resourceCount === 0) return '';
  const names = c.resources.slice(0, LIMITS.resources).map((r) => untrusted(resourceName(r)));
  const rest = c.resourceCount - names.length;
  return `${names.join(', ')}${rest > 0 ? ` <span class="muted" style="color:${C.muted}">+${rest}</span>` : ''}`;
}

function ruleLink(ruleId: string, title: string, hasRemediation: boolean): string {
  const label = escapeHtml(title);
  return hasRemediation ? `<a href="#${escapeHtml(anchor(ruleId))}" style="color:${C.link}">${label}</a>` : label;
}

function changeRows(changes: readonly ReportChange[], remediated: Set<string>, withAge: boolean): string[][] {
  return changes.map((c) => {
    const row = [
      c.kind === 'fixed' ? badge('fixed', 'FIXED') : c.kind === 'regression' ? badge('regression', 'REGRESSION') : badge(severityStatus(c.severity), c.severity.toUpperCase()),
      untrusted(accountLabel(c)),
      `${ruleLink(c.ruleId, c.ruleTitle, remediated.has(c.ruleId))}<div class="muted" style="color:${C.muted};font-size:13px">${escapeHtml(c.message)}</div>`,
      resourcesHtml(c),
    ];
    if (withAge) row.push(escapeHtml(age(c)));
    return row;
  });
}

function trendCell(points: readonly TrendPoint[]): string {
  return escapeHtml(points.map((p) => pct(p.score)).join(' → '));
}

function tile(label: string, value: string, status: string | null): string {
  const s = status ? statusClass(status) : { cls: '', color: C.fg };
  return `<td class="panel bd" style="background:${C.panel};border:1px solid ${C.border};padding:10px 12px;width:25%"><div class="muted" style="color:${C.muted};font-size:12px;text-transform:uppercase;letter-spacing:.03em">${escapeHtml(label)}</div><div class="${s.cls}" style="color:${s.color};font-size:22px;font-weight:700">${escapeHtml(value)}</div></td>`;
}

interface StillFailingGroup {
  ruleId: string;
  ruleTitle: string;
  severity: ReportChange['severity'];
  items: ReportChange[];
  oldest: ReportChange;
}

function groupStillFailing(changes: readonly ReportChange[]): StillFailingGroup[] {
  const groups = new Map<string, StillFailingGroup>();
  for (const c of changes) {
    const g = groups.get(c.ruleId);
    if (g) {
      g.items.push(c);
      if ((c.ageDays ?? 0) > (g.oldest.ageDays ?? 0)) g.oldest = c;
    } else groups.set(c.ruleId, { ruleId: c.ruleId, ruleTitle: c.ruleTitle, severity: c.severity, items: [c], oldest: c });
  }
  // `changes` is already sorted by severity then age, so the first-seen order is kept.
  return [...groups.values()];
}

function accountsNeedingAttention(model: ReportModel): AccountReport[] {
  return model.accounts.filter((a) => !a.collected || a.counts.failed > 0 || a.counts.errors > 0 || a.counts.missing > 0 || a.gaps.length > 0);
}

function renderHtml(model: ReportModel, options: RenderOptions): string {
  const t = model.totals;
  const remediated = new Set(model.remediations.map((r) => r.id));
  const parts: string[] = [];
  const previousScore = model.trend.length > 1 ? (model.trend.at(-2)?.score ?? null) : null;
  const delta = t.score !== null && previousScore !== null ? t.score - previousScore : null;
  const deltaText = delta === null || delta === 0 ? '' : ` (${delta > 0 ? '+' : ''}${delta})`;
  // The verdict's first clause is the headline; the rest (fixed, still failing, gaps) under it.
  const [headline = model.verdict, ...rest] = model.verdict.split(' · ');

  parts.push(
    `<tr><td class="bg" style="padding:24px 24px 8px 24px"><div class="muted" style="color:${C.muted};font-size:13px">${escapeHtml(options.title ?? 'art32 compliance report')} · ${escapeHtml(isoDay(model.now))} · GDPR Art. 32 and CNIL</div>` +
      `<h1 style="margin:6px 0 0 0;font-size:22px;line-height:1.3">${escapeHtml(headline)}</h1>` +
      (rest.length ? `<p style="margin:4px 0 0 0;font-size:15px">${escapeHtml(rest.join(' · '))}</p>` : '') +
      `</td></tr>\n`,
  );
  parts.push(
    `<tr><td style="padding:12px 24px 4px 24px"><table width="100%" cellpadding="0" cellspacing="6" border="0" style="border-collapse:separate"><tr>` +
      tile('Score', `${pct(t.score)}${deltaText}`, t.score === null ? 'NOT_VERIFIED' : t.failed ? 'WARN' : 'PASS') +
      tile('New failures', String(t.newFailures + t.regressions), t.newFailures + t.regressions ? 'FAIL' : 'PASS') +
      tile('Fixed', String(t.fixed), t.fixed ? 'PASS' : null) +
      tile('Still failing', String(t.stillFailing), t.stillFailing ? 'WARN' : null) +
      `</tr></table><p class="muted" style="margin:6px 0 0 0;color:${C.muted};font-size:13px">${escapeHtml(
        `${t.accountsCollected} of ${t.accounts} accounts collected · ${t.passed + t.warned} checks met, ${t.failed} failing, ${t.errors + t.missing} not verified, ${t.notApplicable} not applicable · ` +
          `${t.accountsWithGaps} missed collection · ${t.accountsWithErrors} with collection errors`,
      )}</p></td></tr>\n`,
  );

  if (t.accountsCollected === 0) {
    parts.push(
      section(
        'nothing',
        'Nothing was collected',
        `<p style="margin:0">No evidence run is recorded${t.accounts ? ` for the ${t.accounts} expected accounts` : ''}. Check that the scheduled collection runs (Step Functions executions, the dead-letter queue and the alarm topic) and that the member accounts' read-only role can be assumed.</p>` +
          (t.accounts
            ? table(
                ['Account', 'Last collected'],
                cap(model.accounts, LIMITS.accounts).shown.map((a) => [untrusted(accountLabel(a)), 'never']),
              ) + moreRow(Math.max(0, model.accounts.length - LIMITS.accounts), 'accounts')
            : ''),
      ),
    );
  }

  const newAndRegressed = [...model.regressions, ...model.newFailures];
  if (newAndRegressed.length) {
    const c = cap(newAndRegressed, LIMITS.changes);
    parts.push(
      section(
        'new',
        `New failures since ${model.sinceLabel}`,
        table(['', 'Account', 'Rule and finding', 'Who / what'], changeRows(c.shown, remediated, false)) + moreRow(c.more, 'new failures'),
      ),
    );
  }
  if (model.fixed.length) {
    const c = cap(model.fixed, LIMITS.changes);
    parts.push(section('fixed', `Fixed since ${model.sinceLabel}`, table(['', 'Account', 'Rule and finding', ''], changeRows(c.shown, remediated, false)) + moreRow(c.more, 'fixes')));
  }
  if (model.stillFailing.length) {
    const groups = cap(groupStillFailing(model.stillFailing), LIMITS.stillFailingRules);
    const rows = groups.shown.map((g) => {
      const acc = cap(g.items, LIMITS.accountsPerRule);
      const list = acc.shown.map((c) => `${untrusted(accountLabel(c))} <span class="muted" style="color:${C.muted}">${escapeHtml(age(c))}</span>`).join('<br>');
      return [
        badge(severityStatus(g.severity), g.severity.toUpperCase()),
        ruleLink(g.ruleId, g.ruleTitle, remediated.has(g.ruleId)),
        escapeHtml(String(g.items.length)),
        escapeHtml(age(g.oldest)),
        list + (acc.more ? `<br><span class="muted" style="color:${C.muted}">${escapeHtml(moreText(acc.more, 'accounts'))}</span>` : ''),
      ];
    });
    parts.push(section('still', 'Still failing', table(['', 'Rule', 'Accounts', 'Oldest', 'Accounts (failing for)'], rows) + moreRow(groups.more, 'rules')));
  }

  if (model.trend.length) {
    const max = Math.max(1, ...model.trend.map((p) => p.failed));
    const rows = model.trend.map((p) => [
      escapeHtml(p.at.slice(0, 10)),
      escapeHtml(pct(p.score)),
      `${escapeHtml(String(p.failed))}<div style="height:6px;width:${Math.round((100 * p.failed) / max)}%;background:${C.fail};margin-top:3px" class="fail"></div>`,
      escapeHtml(String(p.accounts)),
    ]);
    parts.push(section('trend', 'Trend', table(['Day', 'Score', 'Failing checks', 'Accounts'], rows)));
  }

  if (t.accountsCollected) {
    const rows = model.requirements.map((r) => [
      `${escapeHtml(r.label)}`,
      r.hasStatus ? badge(r.status, REQUIREMENT_STATUS_LABEL[r.status]) : escapeHtml('no status (informs checks)'),
      escapeHtml(pct(r.score)),
      escapeHtml(`${r.accountsFailing} / ${r.accountsNotVerified} / ${r.accountsMet}`),
    ]);
    parts.push(section('requirements', 'Requirements (all accounts)', table(['Requirement', 'Status', 'Score', 'Accounts failing / not verified / met'], rows)));

    const attention = cap(accountsNeedingAttention(model), LIMITS.accounts);
    if (attention.shown.length) {
      const aRows = attention.shown.map((a) => [
        untrusted(accountLabel(a)),
        escapeHtml(pct(a.score)),
        escapeHtml(String(a.counts.failed)),
        escapeHtml(String(a.counts.errors + a.counts.missing)),
        `<span style="white-space:nowrap">${escapeHtml(a.collected ? isoDay(a.lastCollectedAt) : 'never')}</span>`,
        trendCell(a.trend),
      ]);
      parts.push(section('accounts', 'Accounts to chase', table(['Account', 'Score', 'Failing', 'Not verified', 'Last run', 'Trend'], aRows) + moreRow(attention.more, 'accounts')));
    }
  }

  const gapAccounts = model.accounts.filter((a) => a.gaps.length > 0 || !a.collected);
  if (gapAccounts.length && t.accountsCollected) {
    const g = cap(gapAccounts, LIMITS.gaps);
    const rows = g.shown.map((a) => [
      untrusted(accountLabel(a)),
      escapeHtml(a.collected ? isoDay(a.lastCollectedAt) : 'never'),
      escapeHtml(a.collected ? String(a.gaps.reduce((n, x) => n + x.missedRuns, 0)) : '—'),
      escapeHtml(a.gaps.some((x) => x.overdue) ? 'overdue now' : a.collected ? 'gap in the period' : 'never collected'),
    ]);
    parts.push(section('gaps', `Missed collections (expected every ${model.cadenceHours} h)`, table(['Account', 'Last run', 'Missed runs', ''], rows) + moreRow(g.more, 'accounts')));
  }
  if (model.collectionErrors.length) {
    const e = cap(model.collectionErrors, LIMITS.collectionErrors);
    const rows = e.shown.map((x) => [untrusted(accountLabel(x)), escapeHtml(x.ruleId), escapeHtml(x.message)]);
    parts.push(section('errors', 'Collection errors (not verified)', table(['Account', 'Rule', 'Error'], rows) + moreRow(e.more, 'errors')));
  }

  if (model.remediations.length) {
    parts.push(section('remediation', 'How to fix', model.remediations.map(remediationHtml).join('\n')));
  }

  parts.push(
    `<tr><td class="muted" style="padding:20px 24px 24px 24px;color:${C.muted};font-size:12px;line-height:1.5">${escapeHtml(footerText(model))}</td></tr>`,
  );

  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    '<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">',
    `<title>${escapeHtml(model.verdict)}</title>`,
    `<style>${DARK_CSS}</style></head>`,
    `<body class="bg" style="margin:0;padding:0;background:${C.bg};color:${C.fg};font-family:${FONT};line-height:1.45">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="bg" style="background:${C.bg}"><tr><td align="center">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="bg" style="max-width:860px;background:${C.bg};color:${C.fg}">`,
    parts.join(''),
    '</table></td></tr></table></body></html>',
    '',
  ].join('\n');
}

/**
 * The first sentence of a rule's rationale: the email says why in one line (the audit
 * report and `art32 explain` carry the whole text), which keeps a large fleet's mail small.
 */
export function firstSentence(text: string): string {
  const m = /^(.{20,}?\.)\s+(?=[A-Z])/.exec(text);
  return m?.[1] ?? text;
}

function remediationHtml(r: ReportRuleInfo): string {
  const code = `font-family:${MONO};font-size:12px;background:${C.panel};padding:8px;white-space:pre-wrap;word-break:break-word;margin:4px 0 0 0;border-radius:4px`;
  return (
    `<div id="${escapeHtml(anchor(r.id))}" style="margin:0 0 16px 0"><h3 style="margin:0 0 4px 0;font-size:16px">${escapeHtml(r.title)} <span class="muted" style="color:${C.muted};font-weight:400;font-size:13px">${escapeHtml(`${r.id} · ${r.severity}`)}</span></h3>` +
    `<p style="margin:0 0 6px 0;font-size:14px">${escapeHtml(firstSentence(r.rationale))}</p>` +
    `<div style="font-size:13px;font-weight:600">Console</div><p style="margin:0 0 6px 0;font-size:14px">${escapeHtml(r.remediation.console)}</p>` +
    `<div style="font-size:13px;font-weight:600">CLI</div><pre class="panel" style="${code}">${escapeHtml(r.remediation.cli)}</pre></div>`
  );
}

function footerText(model: ReportModel): string {
  return (
    `Generated ${model.now} from the art32 evidence store. Score = checks met (PASS or WARN) / checks evaluated; ` +
    `collection errors and unrecorded rules count as not verified, never as met; not-applicable checks are left out. ` +
    `Changes compare each account's latest run with its run at ${model.since ? model.since : 'the previous collection'}. ` +
    `Ages count whole days since the first run of the current failing streak ("≥" when the streak is older than the loaded history). ` +
    `Verify the evidence chain with: art32 verify.`
  );
}

// ------------------------------------------------------------------------------ text

function textTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length))).join('  ').trimEnd());
}

function changeLines(changes: readonly ReportChange[], withAge: boolean): string[] {
  return changes.flatMap((c) => {
    const head = `- [${c.kind === 'regression' ? 'REGRESSION' : c.kind === 'fixed' ? 'FIXED' : c.severity.toUpperCase()}] ${plain(accountLabel(c))}: ${plain(c.ruleTitle)} (${plain(c.ruleId)})${withAge && c.ageDays !== null ? `, failing for ${age(c)}` : ''}`;
    const names = c.resources.slice(0, LIMITS.resources).map((r) => plain(resourceName(r)));
    const rest = c.resourceCount - names.length;
    const lines = [head, `    ${plain(c.message)}`];
    if (names.length) lines.push(`    who/what: ${names.join(', ')}${rest > 0 ? ` +${rest}` : ''}`);
    return lines;
  });
}

function renderText(model: ReportModel, options: RenderOptions): string {
  const t = model.totals;
  const out: string[] = [];
  const heading = (title: string): void => {
    out.push('', title, '-'.repeat([...title].length));
  };
  out.push(plain(model.verdict));
  out.push('', `${plain(options.title ?? 'art32 compliance report')} · ${isoDay(model.now)} · GDPR Art. 32 and CNIL`);
  out.push(
    `Score ${pct(t.score)} · new failures ${t.newFailures + t.regressions} · fixed ${t.fixed} · still failing ${t.stillFailing}`,
    `${t.accountsCollected} of ${t.accounts} accounts collected · ${t.passed + t.warned} checks met, ${t.failed} failing, ${t.errors + t.missing} not verified, ${t.notApplicable} not applicable · ${t.accountsWithGaps} missed collection · ${t.accountsWithErrors} with collection errors`,
  );

  if (t.accountsCollected === 0) {
    heading('Nothing was collected');
    out.push(`No evidence run is recorded${t.accounts ? ` for the ${t.accounts} expected accounts` : ''}. Check that the scheduled collection runs (Step Functions executions, the dead-letter queue and the alarm topic) and that the member accounts' read-only role can be assumed.`);
    const c = cap(model.accounts, LIMITS.accounts);
    for (const a of c.shown) out.push(`- ${plain(accountLabel(a))}: never collected`);
    if (c.more) out.push(moreText(c.more, 'accounts'));
  }

  const newAndRegressed = [...model.regressions, ...model.newFailures];
  if (newAndRegressed.length) {
    heading(`New failures since ${model.sinceLabel}`);
    const c = cap(newAndRegressed, LIMITS.changes);
    out.push(...changeLines(c.shown, false));
    if (c.more) out.push(moreText(c.more, 'new failures'));
  }
  if (model.fixed.length) {
    heading(`Fixed since ${model.sinceLabel}`);
    const c = cap(model.fixed, LIMITS.changes);
    out.push(...changeLines(c.shown, false));
    if (c.more) out.push(moreText(c.more, 'fixes'));
  }
  if (model.stillFailing.length) {
    heading('Still failing');
    const groups = cap(groupStillFailing(model.stillFailing), LIMITS.stillFailingRules);
    for (const g of groups.shown) {
      out.push(`- [${g.severity.toUpperCase()}] ${g.ruleTitle} (${g.ruleId}): ${g.items.length} account(s), oldest ${age(g.oldest)}`);
      const acc = cap(g.items, LIMITS.accountsPerRule);
      for (const c of acc.shown) out.push(`    ${plain(accountLabel(c))}: ${age(c)}`);
      if (acc.more) out.push(`    ${moreText(acc.more, 'accounts')}`);
    }
    if (groups.more) out.push(moreText(groups.more, 'rules'));
  }
  if (model.trend.length) {
    heading('Trend');
    out.push(...textTable([['Day', 'Score', 'Failing', 'Accounts'], ...model.trend.map((p) => [p.at.slice(0, 10), pct(p.score), String(p.failed), String(p.accounts)])]));
  }
  if (t.accountsCollected) {
    heading('Requirements (all accounts)');
    out.push(
      ...textTable([
        ['Requirement', 'Status', 'Score', 'Failing/not verified/met'],
        ...model.requirements.map((r) => [r.label, r.hasStatus ? REQUIREMENT_STATUS_LABEL[r.status] : 'no status', pct(r.score), `${r.accountsFailing}/${r.accountsNotVerified}/${r.accountsMet}`]),
      ]),
    );
    const attention = cap(accountsNeedingAttention(model), LIMITS.accounts);
    if (attention.shown.length) {
      heading('Accounts to chase');
      out.push(
        ...textTable([
          ['Account', 'Score', 'Failing', 'Not verified', 'Last run', 'Trend'],
          ...attention.shown.map((a) => [
            plain(accountLabel(a)),
            pct(a.score),
            String(a.counts.failed),
            String(a.counts.errors + a.counts.missing),
            a.collected ? isoDay(a.lastCollectedAt) : 'never',
            a.trend.map((p) => pct(p.score)).join(' -> '),
          ]),
        ]),
      );
      if (attention.more) out.push(moreText(attention.more, 'accounts'));
    }
    const gapAccounts = cap(model.accounts.filter((a) => a.gaps.length > 0 || !a.collected), LIMITS.gaps);
    if (gapAccounts.shown.length) {
      heading(`Missed collections (expected every ${model.cadenceHours} h)`);
      for (const a of gapAccounts.shown) {
        const missed = a.gaps.reduce((n, x) => n + x.missedRuns, 0);
        out.push(`- ${plain(accountLabel(a))}: ${a.collected ? `last run ${isoDay(a.lastCollectedAt)}, ${missed} missed run(s)${a.gaps.some((x) => x.overdue) ? ', overdue now' : ''}` : 'never collected'}`);
      }
      if (gapAccounts.more) out.push(moreText(gapAccounts.more, 'accounts'));
    }
  }
  if (model.collectionErrors.length) {
    heading('Collection errors (not verified)');
    const e = cap(model.collectionErrors, LIMITS.collectionErrors);
    for (const x of e.shown) out.push(`- ${plain(accountLabel(x))}: ${x.ruleId}: ${plain(x.message)}`);
    if (e.more) out.push(moreText(e.more, 'errors'));
  }
  if (model.remediations.length) {
    heading('How to fix');
    for (const r of model.remediations) {
      out.push('', `* ${r.title} (${r.id}, ${r.severity})`, `  ${plain(firstSentence(r.rationale))}`, `  Console: ${plain(r.remediation.console)}`, `  CLI: ${plain(r.remediation.cli)}`);
    }
  }
  out.push('', '--', footerText(model), '');
  return out.join('\n');
}

