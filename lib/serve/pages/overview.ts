/**
 * Overview: for each account, requirements (rows) × sealed runs (columns) of the period, each
 * cell the worst status among the rules that listed the requirement in that run (as recorded),
 * a "!" where a record no longer matches its hash. Two Queries per account (runs, records).
 */
import { html } from 'hono/html';
import { dateBounds } from '../../evidence/store';
import { FRAMEWORKS } from '../../frameworks';
import type { PageContext } from '../context';
import { qs, u, type Html } from '../html';
import { integrityBadge } from './account';
import { worst } from '../status';

/** Columns shown per account: about a month of daily runs. */
export const MAX_COLUMNS = 31;

export interface OverviewQuery {
  from?: string;
  to?: string;
}

function defaultFrom(latest: string | undefined): string | undefined {
  if (!latest) return undefined;
  return new Date(Date.parse(latest) - 30 * 86_400_000).toISOString().slice(0, 10);
}

export async function overviewPage(ctx: PageContext, query: OverviewQuery): Promise<Html> {
  const accounts = await ctx.store.accounts();
  if (accounts.length === 0) {
    return html`<h1>Evidence overview</h1><p>No evidence in this store yet. Record a run with <code>art32 collect --scenario france-travail</code>, then reload.</p>` as Html;
  }
  const latestRuns = await Promise.all(accounts.map((a) => ctx.store.latestRun(a)));
  const latest = latestRuns.map((r) => r?.collectedAt).filter((x): x is string => !!x).sort().at(-1);
  const range = { from: query.from ?? defaultFrom(latest), to: query.to };
  const bounds = dateBounds({ ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) });
  const requirements = FRAMEWORKS.flatMap((f) => f.requirements.map((r) => ({ ...r, framework: f.title })));

  const sections: Html[] = [];
  for (const accountId of accounts) {
    const runs = (await ctx.store.listRuns({ accountId, ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) })).filter((r) => r.status === 'complete').slice(-MAX_COLUMNS);
    const [records, integrity] = await Promise.all([
      runs.length ? ctx.reader.accountRecords(accountId, { lower: runs[0]?.collectedAt ?? bounds.lower, upper: bounds.upper }) : Promise.resolve([]),
      ctx.view.account(accountId),
    ]);
    const alias = [...records].reverse().find((r) => r.record?.accountAlias)?.record?.accountAlias;
    const byCell = new Map<string, { statuses: string[]; tampered: boolean }>();
    for (const r of records) {
      const runKey = `${String(r.item.collectedAt)}#${String(r.item.runId)}`;
      const reqIds = r.record?.requirementIds ?? (Array.isArray(r.item.requirementIds) ? (r.item.requirementIds as string[]) : []);
      const st = r.record?.status ?? String(r.item.status);
      for (const req of reqIds) {
        const cell = byCell.get(`${req}@${runKey}`) ?? { statuses: [], tampered: false };
        cell.statuses.push(st);
        // Not intact: body altered, or not sealed by a valid (signed, anchored) manifest.
        if (!r.bodyIntact || !integrity.record(r.item.sk).intact) cell.tampered = true;
        byCell.set(`${req}@${runKey}`, cell);
      }
    }
    const head = runs.map((r) => html`<th scope="col" class="col"><a href="/runs/${encodeURIComponent(r.runId)}${qs({ account: accountId })}">${r.collectedAt.slice(0, 16).replace('T', ' ')}</a></th>`);
    const rows = requirements.map((req) => {
      const cells = runs.map((run) => {
        const cell = byCell.get(`${req.id}@${run.collectedAt}#${run.runId}`);
        const st = cell ? worst(cell.statuses) ?? 'NONE' : 'NONE';
        const label = st === 'NONE' ? 'no record' : st === 'NOT_APPLICABLE' ? 'N/A' : st === 'ERROR' ? 'not verified' : st;
        const mark = st === 'NONE' ? '·' : st === 'NOT_APPLICABLE' ? '–' : st[0];
        const title = `${req.id} · ${run.collectedAt} · ${label}${cell?.tampered ? ' · a record is not intact' : ''}`;
        return html`<td class="cell c-${st}${cell?.tampered ? ' tampered' : ''}"><a href="/runs/${encodeURIComponent(run.runId)}${qs({ account: accountId, requirement: req.id })}" title="${title}" aria-label="${title}">${mark}${cell?.tampered ? '!' : ''}</a></td>`;
      });
      return html`<tr><th scope="row"><span class="mono">${req.id}</span> <span class="muted">${req.title}</span></th>${cells}</tr>`;
    });
    sections.push(html`<section aria-labelledby="acct-${accountId}">
<h2 id="acct-${accountId}"><a href="/accounts/${accountId}">${accountId}</a>${alias ? html` · ${u(alias)}` : ''}</h2>
${integrityBadge(ctx, integrity)}
${runs.length === 0 ? html`<p class="bad">No sealed run in this period.</p>` : html`<table class="heat"><caption>Requirements × sealed runs (worst status of the rules listing the requirement)</caption><thead><tr><th scope="col">Requirement</th>${head}</tr></thead><tbody>${rows}</tbody></table>`}
</section>` as Html);
  }
  return html`<h1>Evidence overview</h1>
<form class="inline" method="get" action="/"><label for="from">From<input id="from" name="from" type="date" value="${range.from ?? ''}"></label><label for="to">To<input id="to" name="to" type="date" value="${range.to ?? ''}"></label><button type="submit">Show period</button></form>
<p class="legend" aria-label="Legend"><span class="c-FAIL">F fail</span><span class="c-ERROR">E not verified</span><span class="c-WARN">W warn</span><span class="c-PASS">P pass</span><span class="c-NOT_APPLICABLE">– n/a</span> · no record · ! a record is not intact (altered, or its run's seal does not verify)</p>
${sections}` as Html;
}
