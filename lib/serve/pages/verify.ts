/** Verification of every account: chain heads, counts, and each broken link named. */
import { html } from 'hono/html';
import { verifyStore } from '../../evidence/verify';
import type { ConsoleContext } from '../context';
import { qs, u, type Html } from '../html';

export async function verifyPage(ctx: ConsoleContext): Promise<Html> {
  const result = await verifyStore(ctx.store);
  if (result.accounts.length === 0) return html`<h1>Verification</h1><p>No evidence in this store yet.</p>` as Html;
  const rows = result.accounts.map(
    (a) =>
      html`<tr class="${a.problems.length ? 'tampered' : ''}"><th scope="row"><a href="/accounts/${a.accountId}">${a.accountId}</a></th><td>${a.runs}</td><td>${a.records}</td><td>${a.manifests}</td><td>${a.problems.length ? html`<span class="bad">${a.problems.length} PROBLEM(S)</span>` : html`<span class="good">INTACT</span>`}</td><td class="hash">${a.headHash ?? 'none'}</td></tr>`,
  );
  const problems = result.accounts.flatMap((a) => a.problems);
  return html`<h1>Verification</h1>
<p>Every record hash and manifest hash recomputed from the stored bytes; each manifest checked to list exactly the records of its run; the manifest chain walked. ${result.ok ? html`<strong class="good">Verified: everything matches.</strong>` : html`<strong class="bad">NOT VERIFIED: ${problems.length} problem(s). First broken link: ${u(result.firstProblem?.message ?? '')}</strong>`}</p>
<table class="wide"><caption>Accounts and chain heads</caption><thead><tr><th scope="col">Account</th><th scope="col">Runs</th><th scope="col">Records</th><th scope="col">Manifests</th><th scope="col">Result</th><th scope="col">Chain head (latest manifest SHA-256)</th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted">Keep the chain heads outside this store (the weekly email, your audit file): deleting the latest run entirely is only detectable against a copy of its head.</p>
${
  problems.length
    ? html`<h2>Problems, earliest first</h2><table class="wide"><thead><tr><th scope="col">Kind</th><th scope="col">Account</th><th scope="col">Run</th><th scope="col">Collected</th><th scope="col">Detail</th></tr></thead><tbody>${problems.map(
        (p) =>
          html`<tr class="tampered"><td class="bad">${p.kind}</td><td>${p.accountId}</td><td><a class="mono" href="/runs/${encodeURIComponent(p.runId)}${qs({ account: p.accountId })}">${u(p.runId)}</a></td><td>${u(p.collectedAt)}</td><td>${u(p.message)}</td></tr>`,
      )}</tbody></table>`
    : ''
}
<p>Repeat it yourself: <code>art32 verify</code> (same store options).</p>` as Html;
}
