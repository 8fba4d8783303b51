/** Runs of an account (paged), and one run's records with their hashes, signature, anchor and integrity. */
import { html } from 'hono/html';
import { expiredRunNotes } from '../../evidence/retention';
import type { Problem } from '../../evidence/verify';
import { NotFoundError, type PageContext } from '../context';
import { qs, status, u, type Html } from '../html';
import { anchorWords, runKey, signatureWords, type AccountIntegrity, type AnchorState, type RunSeal, type SignatureState } from '../integrity';
import { showRecord } from '../reader';

export async function runsPage(ctx: PageContext, accountId: string | undefined, cursor: string | undefined): Promise<Html> {
  const accounts = await ctx.store.accounts();
  if (accountId === undefined) {
    if (accounts.length !== 1) {
      return html`<h1>Runs</h1><p>Choose an account:</p><ul>${accounts.map((a) => html`<li><a href="/runs${qs({ account: a })}">${a}</a></li>`)}</ul>` as Html;
    }
    accountId = accounts[0] as string;
  }
  if (!accounts.includes(accountId)) throw new NotFoundError(`no evidence for account ${accountId}`);
  const [page, integrity] = await Promise.all([ctx.reader.runItemsPage(accountId, cursor), ctx.view.account(accountId)]);
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
    .map((r) => {
      const seal = integrity.seals.get(runKey(r.collectedAt, r.runId));
      const problems = runProblems(integrity, r.runId, r.collectedAt);
      const bad = problems.length > 0 || (seal !== undefined && !sealTrusted(seal));
      return html`<tr class="${bad ? 'tampered' : ''}"><td>${r.collectedAt}</td><td><a class="mono" href="/runs/${encodeURIComponent(r.runId)}${qs({ account: accountId })}">${u(r.runId)}</a></td><td>${u(r.source ?? '')}</td><td>${r.records}</td><td>${r.sealed ? html`<span class="good">sealed</span>` : html`<span class="bad">incomplete (no manifest)</span>`}</td><td>${seal ? signatureHtml(seal.signature) : '—'}</td><td>${seal ? anchorHtml(seal.anchor) : '—'}</td><td>${integrityHtml(problems, seal, ctx)}</td><td class="hash">${r.sealed ? u(r.sealed) : ''}</td></tr>`;
    });
  return html`<h1>Runs of account ${accountId}</h1>
${trustLine(ctx)}
<table class="wide"><caption>Runs, newest first</caption><thead><tr><th scope="col">Collected (UTC)</th><th scope="col">Run</th><th scope="col">Source</th><th scope="col">Records</th><th scope="col">State</th><th scope="col">Signature</th><th scope="col">Anchor</th><th scope="col">Integrity</th><th scope="col">Manifest SHA-256</th></tr></thead><tbody>${rows}</tbody></table>
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
export async function runPage(ctx: PageContext, runId: string, query: RunQuery): Promise<Html> {
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
  // The account's whole chain, verified once per store generation (lib/serve/integrity.ts).
  const integrity = await ctx.view.account(accountId);
  const seal = integrity.seals.get(runKey(collectedAt, runId));
  const mine = runProblems(integrity, runId, collectedAt);
  let records = items.filter((i) => i.type === 'RECORD').map(showRecord);
  if (query.requirement) records = records.filter((r) => (r.record?.requirementIds ?? (r.item.requirementIds as string[] | undefined) ?? []).includes(query.requirement as string));
  records.sort((a, b) => String(a.item.ruleId).localeCompare(String(b.item.ruleId)));
  const checked = ctx.view.trust.verifier !== undefined;
  const rows = records.map((r) => {
    const verdict = integrity.record(r.item.sk);
    const intact = r.bodyIntact && verdict.intact;
    return html`<tr class="${intact ? '' : 'tampered'}"><th scope="row"><a href="/accounts/${accountId}/rules/${encodeURIComponent(String(r.item.ruleId))}">${u(r.item.ruleId)}</a></th>
<td>${status(r.record?.status ?? String(r.item.status))}</td><td>${r.record ? u(r.record.message) : html`<span class="bad">stored body unreadable</span>`}</td>
<td class="hash">${u(r.item.hash)}</td>
<td>${
      intact
        ? html`<span class="good">intact</span>: hash matches, sealed in the manifest${checked ? ', signature verified' : html` <span class="bad">(signature not checked: no trusted key)</span>`}`
        : html`<span class="bad">NOT INTACT</span>${verdict.intact ? '' : html`<br>${recordReason(r.item.sk, verdict.reason, mine)}`}${!r.bodyIntact ? html`<br>the stored body does not hash to the stored hash` : ''}`
    }</td></tr>`;
  });
  const deleted = mine.filter((p) => p.kind === 'RECORD_DELETED');
  // Gone after the retention period in force at collection (as `verify` judges it): a note, not tampering.
  const expired = expiredRunNotes(integrity.verification.expired.filter((e) => e.runId === runId && e.collectedAt === collectedAt));
  const runLevel = mine.filter((p) => !records.some((r) => r.item.sk === p.sk) && p.kind !== 'RECORD_DELETED');
  const runIntact = mine.length === 0 && (seal === undefined ? false : sealTrusted(seal));
  return html`<h1>Run ${u(runId)} · account ${accountId}</h1>
${trustLine(ctx)}
<dl><dt>Collected (UTC)</dt><dd>${collectedAt}</dd>
<dt>Source</dt><dd>${header && typeof header.source === 'object' && header.source ? u(`${String((header.source as { kind?: unknown }).kind)}: ${String((header.source as { name?: unknown }).name)}`) : 'unknown'}</dd>
<dt>Manifest</dt><dd>${manifest ? html`<span class="hash">${u(manifest.hash)}</span> (previous: <span class="hash">${u(manifest.previousHash)}</span>)` : html`<span class="bad">none: the run is not sealed</span>`}</dd>
<dt>Signature</dt><dd>${seal ? signatureHtml(seal.signature, ctx) : html`<span class="bad">no manifest, nothing signed</span>`}</dd>
<dt>Anchor</dt><dd>${seal ? anchorHtml(seal.anchor) : html`<span class="bad">no manifest, nothing anchored</span>`}</dd>
<dt>Integrity of this run</dt><dd>${
    runIntact
      ? html`<span class="good">INTACT</span>: every record hash matches and is sealed in the manifest, whose signature verifies and which links into the chain`
      : html`<span class="bad">${mine.length === 0 && seal?.signature.state === 'unchecked' ? 'NOT VERIFIED' : 'NOT INTACT'}</span>${mine.length ? html`: ${mine.length} problem(s)` : seal && !sealTrusted(seal) ? html`: ${signatureWords(seal.signature)}, ${anchorWords(seal.anchor)}` : ''}`
  }</dd>
${query.requirement ? html`<dt>Filtered to requirement</dt><dd>${u(query.requirement)} · <a href="/runs/${encodeURIComponent(runId)}${qs({ account: accountId })}">all records</a></dd>` : ''}</dl>
${runLevel.length ? html`<ul>${runLevel.map((p) => html`<li><span class="bad">${p.kind}</span>: ${u(p.message)}</li>`)}</ul>` : ''}
${deleted.length ? html`<h2>Deleted records</h2><ul>${deleted.map((p) => html`<li class="bad">${u(p.message)}</li>`)}</ul>` : ''}
${expired.length ? html`<h2>Expired records</h2><ul>${expired.map((note) => html`<li>${u(note)}</li>`)}</ul>` : ''}
<table class="wide"><caption>Records of the run</caption><thead><tr><th scope="col">Rule</th><th scope="col">Status</th><th scope="col">Finding</th><th scope="col">Record SHA-256</th><th scope="col">Integrity</th></tr></thead><tbody>${rows}</tbody></table>` as Html;
}

/**
 * Why one record is not intact: its own problems in full; a problem of its run's seal (signature,
 * anchor, chain) by kind only, since the run's details above name it once.
 */
function recordReason(sk: string, reason: string, runProblemsFound: readonly Problem[]): Html {
  const own = runProblemsFound.filter((p) => p.sk === sk);
  if (own.length) return html`${own.map((p, i) => html`${i ? html`<br>` : ''}<span class="bad">${p.kind}</span>: ${u(p.message)}`)}` as Html;
  const kinds = [...new Set(runProblemsFound.map((p) => p.kind))];
  if (kinds.length) return html`its run's seal does not hold: <span class="bad">${kinds.join(', ')}</span> (see the run above)` as Html;
  return u(reason);
}

/** Problems verification found in one run (by its collection time and run id). */
export function runProblems(integrity: AccountIntegrity, runId: string, collectedAt: string): Problem[] {
  return integrity.verification.problems.filter((p) => p.runId === runId && p.collectedAt === collectedAt);
}

/** A seal the console can vouch for: signature verified and, when anchors are compared, anchored with the same hash. */
export function sealTrusted(seal: RunSeal): boolean {
  return seal.signature.state === 'verified' && (seal.anchor.state === 'matched' || seal.anchor.state === 'not-compared');
}

/** Which key and anchors the console checks against, said on every page that states integrity. */
export function trustLine(ctx: PageContext): Html {
  const t = ctx.view.trust;
  return html`<p class="muted">Checked against: ${t.verifier ? html`trusted key ${u(t.verifier.keyId)}${t.keySource ? html` (${u(t.keySource)})` : ''}` : html`<span class="bad">no trusted key — signatures NOT checked</span>`} · ${t.anchors ? 'anchors compared' : html`<span class="bad">no anchor store — anchors NOT compared</span>`}. The same checks as <code>art32 verify</code>.</p>` as Html;
}

export function signatureHtml(s: SignatureState, ctx?: PageContext): Html {
  const words = signatureWords(s);
  if (s.state === 'verified') return html`<span class="good">${words}</span>` as Html;
  if (s.state === 'invalid') {
    const trusted = ctx?.view.trust.verifier?.keyId;
    return html`<span class="bad">${words}</span>: it claims key ${u(s.keyId)}${trusted && trusted !== s.keyId ? html`; the trusted key is ${u(trusted)}` : ''}. The manifest was rewritten or re-sealed without the signing key.` as Html;
  }
  if (s.state === 'unchecked') return html`<span class="bad">${words}</span>: signed by key ${u(s.keyId)}` as Html;
  return html`<span class="bad">${words}</span>: not sealed by art32's sealer` as Html;
}

export function anchorHtml(a: AnchorState): Html {
  const words = anchorWords(a);
  if (a.state === 'matched') return html`<span class="good">${words}</span>` as Html;
  if (a.state === 'mismatch') return html`<span class="bad">${words}</span>: anchored hash <span class="hash">${u(a.anchoredHash)}</span>` as Html;
  if (a.state === 'missing') return html`<span class="bad">${words}</span>: no WORM copy of this seal` as Html;
  return html`<span class="muted">${words}</span>` as Html;
}

function integrityHtml(problems: readonly Problem[], seal: RunSeal | undefined, ctx: PageContext): Html {
  if (problems.length) return html`<span class="bad">NOT INTACT</span>: ${problems.length} problem(s), first ${problems[0]?.kind ?? ''}` as Html;
  if (!seal) return html`<span class="bad">not sealed</span>` as Html;
  if (!ctx.view.trust.verifier) return html`<span class="bad">NOT VERIFIED</span> (signatures not checked)` as Html;
  return sealTrusted(seal) ? (html`<span class="good">intact</span>` as Html) : (html`<span class="bad">NOT INTACT</span>` as Html);
}
