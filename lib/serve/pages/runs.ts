/** Runs of an account (paged), and one run's records with their hashes and integrity status. */
import { html } from 'hono/html';
import { manifestSignatureOf } from '../../evidence/store';
import { verifyAccount, type Problem } from '../../evidence/verify';
import { NotFoundError, type ConsoleContext } from '../context';
import { qs, status, u, type Html } from '../html';
import { showRecord } from '../reader';

export async function runsPage(ctx: ConsoleContext, accountId: string | undefined, cursor: string | undefined): Promise<Html> {
  const accounts = await ctx.store.accounts();
  if (accountId === undefined) {
    if (accounts.length !== 1) {
      return html`<h1>Runs</h1><p>Choose an account:</p><ul>${accounts.map((a) => html`<li><a href="/runs${qs({ account: a })}">${a}</a></li>`)}</ul>` as Html;
    }
    accountId = accounts[0] as string;
  }
  if (!accounts.includes(accountId)) throw new NotFoundError(`no evidence for account ${accountId}`);
  const page = await ctx.reader.runItemsPage(accountId, cursor);
  const runs = new Map<string, { runId: string; collectedAt: string; sealed?: string; records: number; source?: string }>();
  for (const item of page.items) {
    const key = `${String(item.collectedAt)}#${String(item.runId)}`;
    const run = runs.get(key) ?? { runId: String(item.runId), collectedAt: String(item.collectedAt), records: Number(item.recordCount ?? 0) };
    if (item.type === 'MANIFEST') run.sealed = String(item.hash);
    if (item.type === 'RUN' && item.source && typeof item.source === 'object') {
      const s = item.source as { kind?: unknown; name?: unknown };
      run.source = `${String(s.kind)}: ${String(s.name)}`;
    }
    runs.set(key, run);
  }
  const rows = [...runs.values()]
    .sort((a, b) => (a.collectedAt < b.collectedAt ? 1 : a.collectedAt > b.collectedAt ? -1 : b.runId.localeCompare(a.runId)))
    .map(
      (r) =>
        html`<tr><td>${r.collectedAt}</td><td><a class="mono" href="/runs/${encodeURIComponent(r.runId)}${qs({ account: accountId })}">${u(r.runId)}</a></td><td>${u(r.source ?? '')}</td><td>${r.records}</td><td>${r.sealed ? html`<span class="good">sealed</span>` : html`<span class="bad">incomplete (no manifest)</span>`}</td><td class="hash">${r.sealed ? u(r.sealed) : ''}</td></tr>`,
    );
  return html`<h1>Runs of account ${accountId}</h1>
<table class="wide"><caption>Runs, newest first</caption><thead><tr><th scope="col">Collected (UTC)</th><th scope="col">Run</th><th scope="col">Source</th><th scope="col">Records</th><th scope="col">State</th><th scope="col">Manifest SHA-256</th></tr></thead><tbody>${rows}</tbody></table>
<nav class="pager" aria-label="Pages">${cursor ? html`<a href="/runs${qs({ account: accountId })}">Newest</a>` : ''}${page.next ? html`<a rel="next" href="/runs${qs({ account: accountId, cursor: page.next })}">Older runs</a>` : ''}</nav>` as Html;
}

export interface RunQuery {
  account?: string;
  requirement?: string;
}

/**
 * One account's run: every record with its stored hash, whether its body still hashes to it,
 * and what verification found about it (modified, forged, deleted, not in the manifest).
 */
export async function runPage(ctx: ConsoleContext, runId: string, query: RunQuery): Promise<Html> {
  let accountId = query.account;
  if (accountId === undefined) {
    const accounts = await ctx.reader.runAccounts(runId);
    if (accounts.length === 0) throw new NotFoundError(`no run ${runId} in this store`);
    if (accounts.length > 1) {
      return html`<h1>Run ${u(runId)}</h1><p>This run covered several accounts:</p><ul>${accounts.map((a) => html`<li><a href="/runs/${encodeURIComponent(runId)}${qs({ account: a })}">${a}</a></li>`)}</ul>` as Html;
    }
    accountId = accounts[0] as string;
  }
  const items = await ctx.reader.runAccountItems(runId, accountId);
  if (items.length === 0) throw new NotFoundError(`no run ${runId} for account ${accountId} in this store`);
  const manifest = items.find((i) => i.type === 'MANIFEST');
  const header = items.find((i) => i.type === 'RUN');
  const collectedAt = String((manifest ?? header ?? items[0])?.collectedAt ?? '');
  // Verify from the run's own day: every manifest of the chain, the records from then on.
  const verification = await verifyAccount(ctx.store, accountId, collectedAt.slice(0, 10) || undefined);
  const mine = verification.problems.filter((p) => p.runId === runId && p.collectedAt === collectedAt);
  const problemsBySk = new Map<string, Problem[]>();
  for (const p of mine) problemsBySk.set(p.sk, [...(problemsBySk.get(p.sk) ?? []), p]);
  let records = items.filter((i) => i.type === 'RECORD').map(showRecord);
  if (query.requirement) records = records.filter((r) => (r.record?.requirementIds ?? (r.item.requirementIds as string[] | undefined) ?? []).includes(query.requirement as string));
  records.sort((a, b) => String(a.item.ruleId).localeCompare(String(b.item.ruleId)));
  const rows = records.map((r) => {
    const problems = problemsBySk.get(r.item.sk) ?? [];
    const intact = r.bodyIntact && problems.length === 0;
    return html`<tr class="${intact ? '' : 'tampered'}"><th scope="row"><a href="/accounts/${accountId}/rules/${encodeURIComponent(String(r.item.ruleId))}">${u(r.item.ruleId)}</a></th>
<td>${status(r.record?.status ?? String(r.item.status))}</td><td>${r.record ? u(r.record.message) : html`<span class="bad">stored body unreadable</span>`}</td>
<td class="hash">${u(r.item.hash)}</td>
<td>${intact ? html`<span class="good">hash matches, sealed in the manifest</span>` : html`<span class="bad">TAMPERED</span>${problems.map((p) => html`<br><span class="bad">${p.kind}</span>: ${u(p.message)}`)}${!r.bodyIntact && problems.length === 0 ? html`<br>the stored body does not hash to the stored hash` : ''}`}</td>
<td>${signatureCell(manifest)}</td></tr>`;
  });
  const deleted = mine.filter((p) => p.kind === 'RECORD_DELETED');
  const runLevel = mine.filter((p) => !records.some((r) => r.item.sk === p.sk) && p.kind !== 'RECORD_DELETED');
  return html`<h1>Run ${u(runId)} · account ${accountId}</h1>
<dl><dt>Collected (UTC)</dt><dd>${collectedAt}</dd>
<dt>Source</dt><dd>${header && typeof header.source === 'object' && header.source ? u(`${String((header.source as { kind?: unknown }).kind)}: ${String((header.source as { name?: unknown }).name)}`) : 'unknown'}</dd>
<dt>Manifest</dt><dd>${manifest ? html`<span class="hash">${u(manifest.hash)}</span> (previous: <span class="hash">${u(manifest.previousHash)}</span>)` : html`<span class="bad">none: the run is not sealed</span>`}</dd>
<dt>Integrity of this run</dt><dd>${mine.length === 0 ? html`<span class="good">INTACT</span>: every record hash matches and is sealed in the manifest, which links into the chain` : html`<span class="bad">${mine.length} PROBLEM(S)</span>`}</dd>
${query.requirement ? html`<dt>Filtered to requirement</dt><dd>${u(query.requirement)} · <a href="/runs/${encodeURIComponent(runId)}${qs({ account: accountId })}">all records</a></dd>` : ''}</dl>
${runLevel.length ? html`<ul>${runLevel.map((p) => html`<li><span class="bad">${p.kind}</span>: ${u(p.message)}</li>`)}</ul>` : ''}
${deleted.length ? html`<h2>Deleted records</h2><ul>${deleted.map((p) => html`<li class="bad">${u(p.message)}</li>`)}</ul>` : ''}
<table class="wide"><caption>Records of the run</caption><thead><tr><th scope="col">Rule</th><th scope="col">Status</th><th scope="col">Finding</th><th scope="col">Record SHA-256</th><th scope="col">Integrity</th><th scope="col">Signature / anchor</th></tr></thead><tbody>${rows}</tbody></table>` as Html;
}

/**
 * Whether the run's manifest carries a signature, and by which key. The console does not check
 * signatures or anchors itself yet: it says so, and points to `art32 verify` (which does).
 */
function signatureCell(manifest: Record<string, unknown> | undefined): Html {
  if (!manifest) return html`<span class="bad">unsealed</span>` as Html;
  const signature = manifestSignatureOf(manifest);
  if (!signature) return html`<span class="bad">not signed</span>` as Html;
  return html`<span class="muted">signed by key ${u(signature.keyId)} (not checked here: run art32 verify)</span>` as Html;
}
