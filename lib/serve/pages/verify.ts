/**
 * Verification of every account, as `art32 verify` does it: hashes, signatures against the
 * trusted key, chain links, and the chain compared with the anchors; chain heads side by side
 * with the anchored heads; each broken link named.
 */
import { html } from 'hono/html';
import { expiredRunNotes } from '../../evidence/retention';
import type { Problem } from '../../evidence/verify';
import type { PageContext } from '../context';
import { qs, u, type Html } from '../html';
import type { AccountIntegrity } from '../integrity';
import { trustLine } from './runs';

function count<T>(values: Iterable<T>, pick: (v: T) => boolean): number {
  let n = 0;
  for (const v of values) if (pick(v)) n++;
  return n;
}

function signatureSummary(a: AccountIntegrity, checked: boolean): Html {
  const seals = [...a.seals.values()];
  if (seals.length === 0) return html`<span class="muted">no manifest</span>` as Html;
  if (!checked) return html`<span class="bad">${seals.length} not checked</span>` as Html;
  const verified = count(seals, (s) => s.signature.state === 'verified');
  const invalid = count(seals, (s) => s.signature.state === 'invalid');
  const unsigned = count(seals, (s) => s.signature.state === 'unsigned');
  return html`${verified ? html`<span class="good">${verified} verified</span>` : ''}${invalid ? html` <span class="bad">${invalid} INVALID</span>` : ''}${unsigned ? html` <span class="bad">${unsigned} not signed</span>` : ''}` as Html;
}

function anchorSummary(a: AccountIntegrity): Html {
  if (!a.anchors) return html`<span class="muted">not compared</span>` as Html;
  const seals = [...a.seals.values()];
  const matched = count(seals, (s) => s.anchor.state === 'matched');
  const mismatch = count(seals, (s) => s.anchor.state === 'mismatch');
  const missing = count(seals, (s) => s.anchor.state === 'missing');
  const gone = count(a.verification.problems, (p) => p.kind === 'CHAIN_TRUNCATED' || p.kind === 'ANCHORED_MANIFEST_MISSING');
  return html`<span class="${mismatch + missing + gone ? 'bad' : 'good'}">${matched} matched</span>${mismatch ? html` <span class="bad">${mismatch} MISMATCH</span>` : ''}${missing ? html` <span class="bad">${missing} missing</span>` : ''}${gone ? html` <span class="bad">${gone} anchored but not in the table</span>` : ''}` as Html;
}

function headComparison(a: AccountIntegrity): Html {
  if (!a.anchors) return html`<span class="muted">no anchor store</span>` as Html;
  const anchored = a.anchoredHead;
  if (!anchored) return html`<span class="bad">no anchor for this account</span>` as Html;
  const same = anchored.manifestHash === a.verification.headHash;
  return html`<span class="hash">${anchored.manifestHash}</span><br>${same ? html`<span class="good">same as the table's head</span>` : html`<span class="bad">DIFFERS from the table's head</span> (run ${u(anchored.runId)}, ${u(anchored.collectedAt)})`}` as Html;
}

function problemRows(problems: readonly Problem[]): Html[] {
  return problems.map(
    (p) =>
      html`<tr class="tampered"><td class="bad">${p.kind}</td><td>${p.accountId}</td><td>${p.runId ? html`<a class="mono" href="/runs/${encodeURIComponent(p.runId)}${qs({ account: p.accountId })}">${u(p.runId)}</a>` : ''}</td><td>${u(p.collectedAt)}</td><td>${u(p.message)}</td></tr>`,
  ) as Html[];
}

export async function verifyPage(ctx: PageContext): Promise<Html> {
  const result = await ctx.view.all();
  if (result.accounts.length === 0 && !result.storeProblems?.length) return html`<h1>Verification</h1><p>No evidence in this store yet.</p>` as Html;
  const checked = ctx.view.trust.verifier !== undefined;
  const details = await Promise.all(result.accounts.map((a) => ctx.view.account(a.accountId)));
  const rows = result.accounts.map((a, i) => {
    const d = details[i] as AccountIntegrity;
    const bad = a.problems.length > 0 || !d.intact;
    return html`<tr class="${bad ? 'tampered' : ''}"><th scope="row"><a href="/accounts/${a.accountId}">${a.accountId}</a></th><td>${a.runs}</td><td>${a.records}</td><td>${a.manifests}</td><td>${signatureSummary(d, checked)}</td><td>${anchorSummary(d)}</td><td>${
      a.problems.length ? html`<span class="bad">${a.problems.length} PROBLEM(S)</span>` : d.intact ? html`<span class="good">INTACT</span>` : html`<span class="bad">NOT VERIFIED</span>`
    }</td><td class="hash">${a.headHash ?? 'none'}</td><td>${headComparison(d)}</td></tr>`;
  });
  const expired = result.accounts.flatMap((a) => expiredRunNotes(a.expired).map((note) => `account ${a.accountId}: ${note}`));
  const problems = [...(result.storeProblems ?? []), ...result.accounts.flatMap((a) => a.problems)].sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : a.collectedAt > b.collectedAt ? 1 : 0));
  const verdict =
    result.verdict === 'intact' && checked
      ? html`<strong class="good">Verified: everything matches.</strong>`
      : result.verdict === 'intact'
        ? html`<strong class="bad">NOT VERIFIED: hashes and links match, but no trusted key was given, so signatures were not checked.</strong>`
        : result.verdict === 'incomplete'
          ? html`<strong class="bad">INCOMPLETE — no tampering found, but: ${u(result.firstProblem?.message ?? '')}</strong>`
          : html`<strong class="bad">NOT VERIFIED: ${problems.length} problem(s). First broken link: ${u(result.firstProblem?.message ?? '')}</strong>`;
  return html`<h1>Verification</h1>
${trustLine(ctx)}
<p>Every record hash and manifest hash recomputed from the stored bytes, every stored attribute compared with the hashed body; each manifest's signature checked with the trusted key and checked to list exactly the records of its run; the manifest chain walked and compared with the anchors (a WORM copy of every seal). ${verdict}</p>
${result.anchors ? html`<p>Anchor store: ${u(result.anchors.store)}, ${result.anchors.count} anchor(s).</p>` : ''}
${ctx.view.trust.expectHeads?.length ? html`<p>Expected chain heads (kept elsewhere): ${ctx.view.trust.expectHeads.map((h) => html`<span class="hash">${h}</span> `)}</p>` : ''}
<table class="wide"><caption>Accounts, chain heads and anchors</caption><thead><tr><th scope="col">Account</th><th scope="col">Runs</th><th scope="col">Records</th><th scope="col">Manifests</th><th scope="col">Signatures</th><th scope="col">Anchors</th><th scope="col">Result</th><th scope="col">Chain head (latest manifest SHA-256)</th><th scope="col">Anchored head (latest anchor)</th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted">Keep the chain heads outside this store too (the weekly email, your audit file): <code>art32 verify --expect-head SHA256</code> checks the chain still contains one.</p>
${expired.length ? html`<h2>Removed after their retention period</h2><p>Records a manifest lists that are gone because the retention period in force when their run was collected has ended: not tampering (the same judgement as <code>art32 verify</code>; see docs/retention.md).</p><ul>${expired.map((note) => html`<li>${u(note)}</li>`)}</ul>` : ''}
${problems.length ? html`<h2>Problems, earliest first</h2><table class="wide"><caption>Every broken link</caption><thead><tr><th scope="col">Kind</th><th scope="col">Account</th><th scope="col">Run</th><th scope="col">Collected</th><th scope="col">Detail</th></tr></thead><tbody>${problemRows(problems)}</tbody></table>` : ''}
<p>Repeat it yourself: <code>art32 verify</code> with the same store, key and anchor options.</p>` as Html;
}
