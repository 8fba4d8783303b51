/**
 * Downloads for a chosen account and period: the audit pack (the files of `art32 export`, as
 * one ZIP) and the printable audit document (`art32 report --audit`). The pack is
 * written by the same `exportPack` into a private temporary directory (mode 0700, removed
 * afterwards), never into the store, and zipped from there (lib/serve/zip.ts: DEFLATE by zlib).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { html } from 'hono/html';
import { dateBounds } from '../../evidence/store';
import { exportPack } from '../../evidence/export';
import { FRAMEWORKS } from '../../frameworks';
import { loadAuditModel, renderAuditHtml } from '../../report/audit';
import { RULES } from '../../rules';
import { BadRequestError, accountParam, type ConsoleContext, type PageContext } from '../context';
import type { Html } from '../html';
import { zipArchive } from '../zip';

export interface PeriodQuery {
  account?: string;
  from?: string;
  to?: string;
}

export async function downloadsPage(ctx: ConsoleContext): Promise<Html> {
  const accounts = await ctx.store.accounts();
  if (accounts.length === 0) return html`<h1>Downloads</h1><p>No evidence in this store yet.</p>` as Html;
  const today = ctx.now().toISOString().slice(0, 10);
  const monthAgo = new Date(ctx.now().getTime() - 90 * 86_400_000).toISOString().slice(0, 10);
  return html`<h1>Downloads</h1>
<p>Choose an account and a period (inclusive, UTC). The <strong>audit pack</strong> is what <code>art32 export</code> writes: every record and manifest as the exact bytes that were hashed (files named by their SHA-256), JSON Lines, the verification result and a per-requirement summary, with a README on checking it with <code>sha256sum</code> and <code>jq</code>; it comes as one ZIP file. The <strong>audit document</strong> is the printable HTML of <code>art32 report --audit</code>.</p>
<form class="inline" method="get" action="/download/audit-pack.zip">
<label for="account">Account<select id="account" name="account">${accounts.map((a) => html`<option value="${a}">${a}</option>`)}</select></label>
<label for="from">From<input id="from" name="from" type="date" required value="${monthAgo}"></label>
<label for="to">To<input id="to" name="to" type="date" required value="${today}"></label>
<button type="submit">Download audit pack (.zip)</button>
<button type="submit" formaction="/download/audit-document.html">Download audit document (.html)</button>
</form>` as Html;
}

export function periodParams(query: PeriodQuery): { accountId: string; from: string; to: string } {
  const accountId = accountParam(query.account);
  if (!query.from || !query.to) throw new BadRequestError('from and to: choose the first and last day of the period');
  try {
    dateBounds({ from: query.from, to: query.to });
  } catch (error) {
    throw new BadRequestError((error as Error).message.replace(/--(from|to)/g, '$1'));
  }
  return { accountId, from: query.from, to: query.to };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

export interface Download {
  filename: string;
  contentType: string;
  body: Buffer | string;
}

export async function auditPack(ctx: PageContext, query: PeriodQuery): Promise<Download> {
  const { accountId, from, to } = periodParams(query);
  const known = await ctx.store.accounts();
  if (!known.includes(accountId)) throw new BadRequestError(`account ${accountId} has no evidence in this store`);
  const work = await mkdtemp(join(tmpdir(), 'art32-pack-')); // mkdtemp creates it 0700
  try {
    const outDir = join(work, 'pack');
    // The console's trust roots: signatures checked, the public key and the anchors shipped, as `art32 export` does.
    const anchors = await ctx.view.anchors();
    const verifier = ctx.view.trust.verifier;
    await exportPack({ store: ctx.store, accountId, from, to, outDir, ...(verifier ? { verifier } : {}), ...(anchors ? { anchors } : {}) });
    const root = `art32-audit-pack-${accountId}-${from}-${to}`;
    const files = await filesUnder(outDir);
    const entries = await Promise.all(files.map(async (f) => ({ name: `${root}/${relative(outDir, f).split('\\').join('/')}`, content: await readFile(f) })));
    return { filename: `${root}.zip`, contentType: 'application/zip', body: zipArchive(entries, ctx.now()) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function auditDocument(ctx: PageContext, query: PeriodQuery): Promise<Download> {
  const { accountId, from, to } = periodParams(query);
  const known = await ctx.store.accounts();
  if (!known.includes(accountId)) throw new BadRequestError(`account ${accountId} has no evidence in this store`);
  const model = await loadAuditModel(ctx.store, { accountId, from, to, now: ctx.now().toISOString(), storeDescription: ctx.storeDescription, rules: RULES, frameworks: FRAMEWORKS, ...(ctx.view.trust.verifier ? { verifier: ctx.view.trust.verifier } : {}) });
  return { filename: `art32-audit-${accountId}-${from}-${to}.html`, contentType: 'text/html; charset=utf-8', body: renderAuditHtml(model) };
}
