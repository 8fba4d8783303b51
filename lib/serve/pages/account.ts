/** An account: every rule's latest recorded status (latest sealed run), and one rule's timeline. */
import { html } from 'hono/html';
import { dateBounds } from '../../evidence/store';
import { RULES } from '../../rules';
import { NotFoundError, type PageContext } from '../context';
import { json, qs, status, u, type Html } from '../html';
import { INCOMPLETE_KINDS } from '../../evidence/verify';
import type { AccountIntegrity } from '../integrity';

/**
 * Whether an account's evidence is intact, for the pages that show the account: the same
 * verdict as `art32 verify --account`, with the first problem named and a link to the details.
 */
export function integrityBadge(ctx: PageContext, integrity: AccountIntegrity): Html {
  const problems = integrity.verification.problems;
  if (integrity.intact) return html`<p class="integrity"><span class="badge good">evidence intact</span> signatures verified${ctx.view.trust.anchors ? ', anchors matched' : ''}, chain complete.</p>` as Html;
  if (problems.length === 0) return html`<p class="integrity tampered"><span class="badge bad">NOT VERIFIED</span> no trusted key: signatures were not checked. <a href="/verify">Verification</a></p>` as Html;
  const word = problems.every((p) => INCOMPLETE_KINDS.includes(p.kind)) ? 'EVIDENCE INCOMPLETE' : 'EVIDENCE NOT INTACT';
  return html`<p class="integrity tampered"><span class="badge bad">${word}</span> ${problems.length} problem(s); first: <span class="bad">${problems[0]?.kind ?? ''}</span> ${u(problems[0]?.message ?? '')} <a href="/verify">Verification</a></p>` as Html;
}

export async function accountPage(ctx: PageContext, accountId: string): Promise<Html> {
  const known = await ctx.store.accounts();
  if (!known.includes(accountId)) throw new NotFoundError(`no evidence for account ${accountId}`);
  const [latest, integrity] = await Promise.all([ctx.store.latestRun(accountId), ctx.view.account(accountId)]);
  const items = latest ? await ctx.reader.runAccountItems(latest.runId, accountId) : [];
  const records = items.filter((i) => i.type === 'RECORD' && i.collectedAt === latest?.collectedAt);
  const byRule = new Map(records.map((i) => [String(i.ruleId), i]));
  const ruleIds = [...new Set([...RULES.map((r) => r.id), ...byRule.keys()])];
  const alias = records.map((i) => bodyField(i.body, 'accountAlias')).find((a) => a !== '');
  const rows = ruleIds.map((id) => {
    const rule = RULES.find((r) => r.id === id);
    const item = byRule.get(id);
    const verdict = item ? integrity.record(item.sk) : undefined;
    return html`<tr class="${verdict && !verdict.intact ? 'tampered' : ''}"><th scope="row"><a href="/accounts/${accountId}/rules/${encodeURIComponent(id)}">${id}</a></th><td>${rule?.title ?? ''}</td><td>${item ? status(String(item.status)) : html`<span class="bad">no record</span>`}</td><td>${item ? u(bodyField(item.body, 'message')) : ''}${verdict && !verdict.intact ? html`<br><span class="badge bad">NOT INTACT</span> ${u(verdict.reason)}` : ''}</td></tr>`;
  });
  return html`<h1>Account ${accountId}${alias ? html` · ${u(alias)}` : ''}</h1>
${integrityBadge(ctx, integrity)}
${latest ? html`<p>Latest sealed run <a href="/runs/${encodeURIComponent(latest.runId)}${qs({ account: accountId })}" class="mono">${latest.runId}</a>, collected ${latest.collectedAt}. Follow a rule for its timeline.</p>` : html`<p class="bad">No sealed run for this account.</p>`}
<table class="wide"><caption>Rules at the latest sealed run</caption><thead><tr><th scope="col">Rule</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Finding</th></tr></thead><tbody>${rows}</tbody></table>
<p><a href="/runs${qs({ account: accountId })}">All runs of this account</a> · <a href="/activity${qs({ account: accountId })}">Activity outliers</a></p>` as Html;
}

/** A string field of a stored record body (as stored; integrity is shown on the run page). */
function bodyField(body: unknown, field: 'message' | 'accountAlias'): string {
  try {
    const value = (JSON.parse(String(body)) as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : '';
  } catch {
    return field === 'message' ? '(body unreadable)' : '';
  }
}

export interface TimelineQuery {
  from?: string;
  to?: string;
  cursor?: string;
}

/** One rule's records for one account, newest first, 50 a page (one byRule Query a page). */
export async function rulePage(ctx: PageContext, accountId: string, ruleId: string, query: TimelineQuery): Promise<Html> {
  const bounds = dateBounds({ ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) });
  const [page, integrity] = await Promise.all([ctx.reader.rulePage(accountId, ruleId, bounds, query.cursor), ctx.view.account(accountId)]);
  const rule = RULES.find((r) => r.id === ruleId);
  if (page.items.length === 0 && !query.cursor && !(await ctx.store.accounts()).includes(accountId)) throw new NotFoundError(`no evidence for account ${accountId}`);
  const rows = page.items.map(({ item, record, bodyIntact }) => {
    const verdict = integrity.record(item.sk);
    const cls = bodyIntact && verdict.intact ? '' : 'tampered';
    return html`<tr class="${cls}"><td>${String(item.collectedAt)}<br><a class="mono" href="/runs/${encodeURIComponent(String(item.runId))}${qs({ account: accountId })}">${u(item.runId)}</a></td>
<td>${record ? status(record.status) : status(String(item.status))}${bodyIntact ? '' : html`<br><span class="badge bad">does not match its hash</span>`}${verdict.intact ? '' : html`<br><span class="badge bad">NOT INTACT</span> ${u(verdict.reason)}`}</td>
<td>${record ? u(record.message) : html`<span class="bad">stored body unreadable</span>`}${record && record.resources.count ? html`<details><summary>${record.resources.count} resource(s)${record.resources.capped ? ` (first ${record.resources.items.length} kept, list SHA-256 ${record.resources.sha256.slice(0, 16)}…)` : ''}</summary><ul>${record.resources.items.map((r) => html`<li class="mono">${u(r)}</li>`)}</ul></details>` : ''}</td>
<td>${record ? json(record.observed) : ''}</td><td>${record ? json(record.threshold) : ''}</td><td class="hash">${u(item.hash)}</td></tr>`;
  });
  const base = { from: query.from, to: query.to };
  return html`<h1>${ruleId} · account ${accountId}</h1>
${rule ? html`<p><strong>${rule.title}</strong> (severity ${rule.severity}). ${rule.rationale}</p><details><summary>References</summary><ul>${rule.references.map((r) => html`<li>${r}</li>`)}</ul></details>` : html`<p class="muted">This rule is not in this version of art32; its records are shown as stored.</p>`}
<form class="inline" method="get"><label for="from">From<input id="from" name="from" type="date" value="${query.from ?? ''}"></label><label for="to">To<input id="to" name="to" type="date" value="${query.to ?? ''}"></label><button type="submit">Show period</button></form>
<table class="wide"><caption>Timeline, newest first: status, observed values, threshold and parameters in force, record SHA-256</caption>
<thead><tr><th scope="col">Collected (UTC) / run</th><th scope="col">Status</th><th scope="col">Finding</th><th scope="col">Observed</th><th scope="col">Threshold / parameters</th><th scope="col">Record SHA-256</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="6">No record of this rule for this account in the period.</td></tr>`}</tbody></table>
<nav class="pager" aria-label="Pages">${query.cursor ? html`<a href="${qs(base) || '?'}">Newest</a>` : ''}${page.next ? html`<a href="${qs({ ...base, cursor: page.next })}" rel="next">Older records</a>` : ''}</nav>` as Html;
}
