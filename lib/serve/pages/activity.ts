/**
 * Activity outliers per principal: the latest `monitoring.abnormal-activity` record of each
 * account (one byRule Query with Limit 1), its per-principal metrics and the signals that
 * flagged them. Principal names are pseudonymised when the console is started so.
 */
import { html } from 'hono/html';
import { dateBounds } from '../../evidence/store';
import type { ConsoleContext } from '../context';
import { qs, status, u, type Html } from '../html';

export const ACTIVITY_RULE = 'monitoring.abnormal-activity';

interface Metric {
  principal?: unknown;
  identityType?: unknown;
  calls?: unknown;
  errorRate?: unknown;
  deniedErrorRate?: unknown;
  dataReadBytesPerDay?: unknown;
  dataReadRecordsPerDay?: unknown;
  offHoursShare?: unknown;
  distinctSourceIps?: unknown;
}

interface Signal {
  principal?: unknown;
  metric?: unknown;
  reasons?: unknown;
  value?: unknown;
}

const pct = (v: unknown): string => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : '–');
const num = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString('en') : '–');
function bytes(v: unknown): string {
  if (typeof v !== 'number') return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = v;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export async function activityPage(ctx: ConsoleContext, onlyAccount: string | undefined): Promise<Html> {
  const accounts = onlyAccount ? [onlyAccount] : await ctx.store.accounts();
  const name = (p: unknown): string => (ctx.pseudonymise ? ctx.pseudonymise(String(p)) : String(p));
  const sections: Html[] = [];
  for (const accountId of accounts) {
    const page = await ctx.reader.rulePage(accountId, ACTIVITY_RULE, dateBounds({}), undefined, 1);
    const shown = page.items[0];
    const record = shown?.record;
    if (!record) {
      sections.push(html`<section><h2>${accountId}</h2><p class="muted">No activity record for this account.</p></section>` as Html);
      continue;
    }
    const observed = record.observed as { metrics?: Metric[]; signals?: Signal[]; flaggedPrincipals?: unknown[]; events?: unknown; principals?: unknown; coverage?: unknown; timeZone?: unknown };
    const flagged = new Set((observed.flaggedPrincipals ?? []).map(String));
    const signals = observed.signals ?? [];
    const metrics = (observed.metrics ?? []).map((m) => {
      const mine = signals.filter((s) => String(s.principal) === String(m.principal));
      return html`<tr class="${flagged.has(String(m.principal)) ? 'tampered' : ''}"><th scope="row" class="mono">${u(name(m.principal))}</th><td>${u(m.identityType ?? '')}</td><td>${num(m.calls)}</td><td>${pct(m.errorRate)}</td><td>${pct(m.deniedErrorRate)}</td><td>${bytes(m.dataReadBytesPerDay)}</td><td>${num(m.dataReadRecordsPerDay)}</td><td>${pct(m.offHoursShare)}</td><td>${flagged.has(String(m.principal)) ? html`<span class="bad">flagged</span>: ${mine.map((s) => html`${u(s.metric)} (${u(Array.isArray(s.reasons) ? s.reasons.join(', ') : '')}) `)}` : html`<span class="muted">–</span>`}</td></tr>`;
    });
    sections.push(html`<section aria-labelledby="act-${accountId}"><h2 id="act-${accountId}">${accountId}</h2>
<p>${status(record.status)} · collected ${record.collectedAt} · run <a class="mono" href="/runs/${encodeURIComponent(record.runId)}${qs({ account: accountId })}">${u(record.runId)}</a> · ${num(observed.events)} events of ${num(observed.principals)} principals · coverage ${pct(observed.coverage)}${shown.bodyIntact ? '' : html` · <span class="badge bad">record does not match its hash</span>`} · <a href="/accounts/${accountId}/rules/${ACTIVITY_RULE}">history</a></p>
${ctx.pseudonymise ? '' : html`<p>${u(record.message)}</p>`}
${metrics.length ? html`<table class="wide"><caption>Principals (flagged first, then by calls)</caption><thead><tr><th scope="col">Principal</th><th scope="col">Identity</th><th scope="col">Calls</th><th scope="col">Error rate</th><th scope="col">Access denied</th><th scope="col">Data read / day</th><th scope="col">Records read / day</th><th scope="col">Off-hours share</th><th scope="col">Signals</th></tr></thead><tbody>${metrics}</tbody></table>` : html`<p class="muted">No per-principal metrics in this record.</p>`}
</section>` as Html);
  }
  return html`<h1>Activity outliers per principal</h1>
<p class="muted">From the latest recorded run of <span class="mono">${ACTIVITY_RULE}</span> per account (CloudTrail covers the AWS layer only, not application logs).${ctx.pseudonymise ? ' Principal names are pseudonymised (keyed hash) for this session; the finding text, which quotes them, is not shown.' : ''}</p>
${sections}` as Html;
}
