/**
 * The audit document as printable HTML (A4, Chromium or any browser): compact enough that one
 * run of one account fits in a few pages, in the order an auditor reads it —
 *
 *   synthetic-data banner (scenario runs) → identification → the standing statements (integrity
 *   is not compliance; appropriateness depends on the controller's risk analysis) → contents by
 *   requirement ("checks mapped to Art. 32(1)(a): 0 of 1 passed", never a verdict on an article)
 *   → accountability (who collected, scope and limitations) → verification → checks (each rule
 *   once, with first failed / owner / due date / plan status) → register → parameters → runs →
 *   records (hashes).
 *
 * Wrapping is controlled: ids and hashes are monospace and break only where we allow it
 * (hashes anywhere, ids at their separators), dates never wrap. Pure: same model, same bytes.
 */
import { canonicalJson } from '../evidence/canonical';
import { expiredRunNotes } from '../evidence/retention';
import { hasStatus, requirementLabel, type LabelCounts } from '../frameworks';
import { SOURCES, type Source, type SourceId, type SourceQuote } from '../frameworks/sources';
import type { StoredContext } from '../accountability/context';
import type { RunManifest } from '../evidence/record';
import type { RegisterEntry } from '../register/types';
import type { RuleRegisterStatus } from '../register/view';
import { TOOL_VERSION } from '../version';
import type { AuditCheck, AuditModel, AuditRequirement } from './audit';
import { accountLabel } from './email';
import { escapeHtml, untrusted } from './escape';

const MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace";

const CSS = `
:root{color-scheme:light}
body{font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;max-width:1100px;padding:24px;font-size:13px;line-height:1.4}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:17px;margin:14px 0 4px;break-after:avoid}
h3{font-size:14px;margin:10px 0 3px;break-after:avoid}
p{margin:4px 0}
.muted{color:#555}
.small{font-size:0.88em}
table{border-collapse:collapse;width:100%;margin:4px 0 8px;table-layout:fixed}
th,td{border:1px solid #c8c8c8;padding:2px 4px;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f0f1f3;font-weight:600}
thead{display:table-header-group}
tr{break-inside:avoid}
a{color:inherit}
.toc a{text-decoration:none}
.nowrap{white-space:nowrap}
.mono{font-family:${MONO};font-size:0.85em}
.id{font-family:${MONO};font-size:0.85em;overflow-wrap:normal;word-break:normal}
.hash{font-family:${MONO};font-size:0.78em;word-break:break-all}
.FAIL,.ERROR,.bad{color:#a50e0e;font-weight:700}
.PASS,.good{color:#1b5e20;font-weight:700}
.WARN{color:#7a4100;font-weight:700}
.NOT_APPLICABLE{color:#444}
.box{border:1px solid #888;padding:6px 8px;margin:6px 0}
.banner{border:2px solid #a50e0e;color:#a50e0e;font-weight:700;padding:6px 8px;margin:0 0 8px;text-align:center;letter-spacing:0.02em}
dl.ident{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:1px 10px;margin:6px 0}
dl.ident dt{font-weight:600}
dl.ident dd{margin:0;min-width:0}
ul{margin:2px 0 6px;padding-left:16px}
li{margin:0}
.params{columns:2;column-gap:14px}
.param{break-inside:avoid;margin:0 0 5px}
table.kv{margin:0;border:none;table-layout:auto}table.kv td{border:none;padding:0 6px 0 0}table.kv td:first-child{white-space:nowrap}table.kv td+td{overflow-wrap:anywhere}
@media screen and (max-width:900px){.params{columns:1}}
@page{size:A4;margin:13mm 10mm 12mm;@bottom-right{content:"page " counter(page) " of " counter(pages);font:8px sans-serif;color:#555}}
@media print{body{padding:0;max-width:none;font-size:8.6px;line-height:1.25}h1{font-size:15px}h2{font-size:11.5px;margin:9px 0 3px}h3{font-size:10px;margin:6px 0 2px}.banner{padding:3px 6px}}
`;

/** A CSS string literal's content: anything but plain characters as a CSS escape. */
function cssString(value: string): string {
  return [...value].map((ch) => (/[A-Za-z0-9 ._:()-]/.test(ch) ? ch : `\\${(ch.codePointAt(0) ?? 0).toString(16)} `)).join('');
}

const fmtJson = (v: unknown): string => {
  try {
    return canonicalJson(v);
  } catch {
    return String(v);
  }
};

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A status as printed: N/A, NOT VERIFIED (an ERROR judges nothing), the rest as is. */
function statusCell(status: string | undefined): string {
  if (status === undefined) return '<span class="bad">NOT VERIFIED</span>';
  const label = status === 'NOT_APPLICABLE' ? 'N/A' : status === 'ERROR' ? 'NOT VERIFIED' : status;
  return `<span class="${escapeHtml(status)}">${escapeHtml(label)}</span>`;
}

/** An id (rule, run) that may break only after its separators, never mid-word. */
function idText(value: string): string {
  return escapeHtml(value).replace(/([.\-_:/])/g, '$1<wbr>');
}

/**
 * The source's French key sentences read verbatim in its primary text, next to our English and
 * the address they were read at (lib/frameworks/sources.ts); nothing when none was read there.
 */
function quotationsOf(sourceId: SourceId): string {
  const quotes: readonly SourceQuote[] = (SOURCES[sourceId] as Source).quotes ?? [];
  return quotes
    .map((q) => `<br><span class="small" lang="fr">« ${escapeHtml(q.fr)} »</span> <span class="muted small">(${escapeHtml(q.en)} — read in ${escapeHtml(q.primaryUrl)})</span>`)
    .join('');
}

/** A timestamp that never wraps: date and time each kept whole. */
function instant(iso: string): string {
  return `<span class="nowrap">${escapeHtml(iso.slice(0, 10))}</span> <span class="nowrap">${escapeHtml(iso.slice(11, 19))}Z</span>`;
}

const MESSAGE_CHARS = 260;
/** Long messages are cut in print; the record (hash below) holds the whole text. */
function messageText(message: string): string {
  return message.length > MESSAGE_CHARS ? `${escapeHtml(message.slice(0, MESSAGE_CHARS))}… <span class="muted">(${message.length} characters, whole in the record)</span>` : escapeHtml(message);
}

const PARAMETER_CHARS = 100;

/** Thresholds as a key/value table (nested values as compact JSON), never a raw JSON blob. */
function parameterTable(threshold: Record<string, unknown>): string {
  const rows = Object.keys(threshold)
    .sort()
    .map((k) => {
      const v = threshold[k];
      const full = typeof v === 'string' ? v : fmtJson(v);
      // Long values (lists, tables of weights) are cut here; the stored record holds them whole.
      const text = full.length > PARAMETER_CHARS ? `${full.slice(0, PARAMETER_CHARS)}… (${full.length} characters, whole in each record)` : full;
      return `<tr><td class="id">${idText(k)}</td><td>${escapeHtml(text)}</td></tr>`;
    });
  return rows.length ? `<table class="kv">${rows.join('')}</table>` : '<span class="muted">none</span>';
}

/** Counts behind a requirement's label, from the latest record of each of its rules. */
function requirementCounts(req: AuditRequirement, checks: ReadonlyMap<string, AuditCheck>): LabelCounts & { notPassing: AuditCheck[] } {
  let passed = 0;
  let reserved = 0;
  let evaluated = 0;
  const notPassing: AuditCheck[] = [];
  for (const rule of req.rules) {
    const check = checks.get(rule.id);
    const status = check?.latest?.status;
    if (status === 'NOT_APPLICABLE') continue;
    evaluated++;
    if (status === 'PASS' || status === 'WARN') {
      passed++;
      if (status === 'WARN') reserved++;
    } else if (check) notPassing.push(check);
  }
  return { passed, reserved, evaluated, notPassing };
}

/** Who acts on a failing check: plans (owner, due date, status) and acceptances (owner, expiry), from the register. */
function actionText(reg: RuleRegisterStatus): string {
  const parts: string[] = [];
  for (const p of reg.plans) {
    const state = p.overdue ? '<span class="bad">OVERDUE</span>' : escapeHtml(p.status);
    parts.push(`plan <span class="id">${escapeHtml(p.id)}</span>: ${untrusted(p.owner)}, due <span class="nowrap">${escapeHtml(p.due)}</span>, ${state}`);
  }
  for (const a of reg.acceptances) {
    parts.push(
      `risk accepted <span class="id">${escapeHtml(a.id)}</span>: ${untrusted(a.owner)}, ${a.expired ? `<span class="bad">EXPIRED ${escapeHtml(a.expires)}</span>` : `until <span class="nowrap">${escapeHtml(a.expires)}</span>`}`,
    );
  }
  return parts.length ? parts.join('<br>') : '<span class="bad">no plan</span>';
}

function firstFailedText(check: AuditCheck): string {
  const f = check.firstFailed;
  if (!f) return '';
  return f.atPeriodStart ? `≤ <span class="nowrap">${escapeHtml(f.at.slice(0, 10))}</span> <span class="muted">(failing at the start of the period)</span>` : `<span class="nowrap">${escapeHtml(f.at.slice(0, 10))}</span>`;
}

/** One line of a register entry: what was declared, accepted, planned or triaged. */
function registerSummary(e: RegisterEntry): string {
  const p = e.payload;
  const str = (k: string): string => (p[k] === undefined ? '' : typeof p[k] === 'string' ? p[k] : fmtJson(p[k]));
  const fields = Object.keys(p)
    .sort()
    .filter((k) => p[k] !== undefined && !(Array.isArray(p[k]) && (p[k] as unknown[]).length === 0))
    .map((k) => `<span class="muted">${escapeHtml(k)}</span> ${untrusted(str(k))}`);
  return fields.join(' · ');
}

function registerStatus(e: RegisterEntry, at: string): string {
  const day = at.slice(0, 10);
  const p = e.payload;
  if (e.kind === 'plan') {
    const status = typeof p.status === 'string' ? p.status : 'open';
    return status === 'open' && typeof p.due === 'string' && p.due < day ? '<span class="bad">OVERDUE</span>' : escapeHtml(status);
  }
  if (e.kind === 'acceptance') return typeof p.expires === 'string' && p.expires < day ? '<span class="bad">EXPIRED</span>' : 'in force';
  if (e.kind === 'triage') return escapeHtml(typeof p.outcome === 'string' ? p.outcome : '');
  return 'declared, not verified';
}

/** Render the printable document. Pure: same model, same bytes. */
export function renderAuditHtml(m: AuditModel): string {
  const v = m.verification;
  const intact = v.problems.length === 0 && m.unreadableItems === 0;
  const account = accountLabel(m);
  const checks = new Map(m.checks.map((c) => [c.id, c]));
  const recordCount = new Set(m.requirements.flatMap((r) => r.records.map((x) => x.hash))).size;
  const synthetic = m.runs.filter((r) => r.source.kind === 'scenario');
  const registerAt = m.now;
  const out: string[] = [];
  out.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light">',
    `<title>${escapeHtml(`art32 audit report — ${account} — ${m.from} to ${m.to}`)}</title>`,
    `<style>${CSS}@page{@top-left{content:"${cssString(`art32 audit report · account ${m.accountId} · ${m.from} to ${m.to}`)}";font:8px sans-serif;color:#555}}</style></head><body>`,
  );
  if (synthetic.length) {
    const names = [...new Set(synthetic.map((r) => r.source.name))].join(', ');
    out.push(
      `<p class="banner" role="note">SYNTHETIC DATA — ${synthetic.length === m.runs.length ? 'every run' : `${plural(synthetic.length, 'run')} of ${m.runs.length}`} of this period was collected from the bundled scenario ${untrusted(names)}, not from a real AWS account</p>`,
    );
  }
  out.push(
    '<h1>Audit report: security of processing evidence</h1>',
    `<p class="muted">GDPR (Regulation (EU) 2016/679) Art. 32, 25(2), 5 and CNIL recommendations — evidence recorded by art32; document generated by art32 ${escapeHtml(TOOL_VERSION)}</p>`,
    '<dl class="ident">',
    `<dt>Account</dt><dd>${untrusted(account)}</dd>`,
    `<dt>Period</dt><dd>${escapeHtml(m.from)} to ${escapeHtml(m.to)} (inclusive, UTC)</dd>`,
    `<dt>Runs</dt><dd>${m.runs.length}</dd>`,
    `<dt>Records</dt><dd>${recordCount}</dd>`,
    `<dt>Generated</dt><dd>${escapeHtml(m.now)}</dd>`,
    `<dt>Evidence store</dt><dd>${m.storeDescription ? escapeHtml(m.storeDescription) : '<span class="muted">not stated</span>'}</dd>`,
    `<dt>Chain head</dt><dd class="hash" style="grid-column:2/5">${escapeHtml(v.headHash ?? 'none')}</dd>`,
    '</dl>',
  );
  // The standing statements: what this document is, and what it is not.
  out.push(
    '<div class="box">',
    `<p><strong>Integrity of recorded evidence: ${intact ? '<span class="good">intact</span>' : `<span class="bad">${plural(v.problems.length + m.unreadableItems, 'problem')}</span> (see Verification)`} — this is not a statement of compliance.</strong> It says the records below are the ones art32 wrote; it says nothing on whether the measures they describe are sufficient.</p>`,
    '<p>Whether the measures are appropriate under Art. 32 GDPR depends on the controller’s own risk analysis: Art. 32(1) and (2) weigh the state of the art, the costs of implementation, the nature, scope, context and purposes of the processing and the risks for the rights and freedoms of natural persons. art32 records facts about one AWS account and checks them against stated parameters; a check that did not pass is a point to examine, not a finding of infringement. CNIL deliberations and the security guide are recommendations; other measures are acceptable when their equivalence is demonstrated.</p>',
    '</div>',
  );

  // Contents by requirement: the label never gives an article a verdict.
  out.push(
    '<h2 id="contents">Contents by requirement</h2>',
    '<table class="toc"><colgroup><col style="width:47%"><col style="width:25%"><col></colgroup><thead><tr><th scope="col">Requirement (citation)</th><th scope="col">Checks in the period</th><th scope="col">Checks not passing (latest record)</th></tr></thead><tbody>',
  );
  for (const req of m.requirements) {
    const r = req.requirement;
    const counts = requirementCounts(req, checks);
    const label = !hasStatus(r) ? `${requirementLabel(r)} (no status)` : counts.evaluated === 0 ? `${requirementLabel(r)}: none applicable` : requirementLabel(r, counts);
    const failing = counts.notPassing.map((c) => `<a class="id" href="#rule-${escapeHtml(c.id)}">${idText(c.id)}</a> ${statusCell(c.latest?.status)}`).join(', ');
    out.push(
      `<tr><td><strong>${escapeHtml(r.title)}</strong><br><span class="muted small">${escapeHtml(r.citation)}</span>${quotationsOf(r.sourceId)}</td><td>${escapeHtml(label)}</td><td>${failing || '<span class="muted">none</span>'}</td></tr>`,
    );
  }
  out.push(
    '</tbody></table>',
    '<p class="muted small">Also in this document: <a href="#accountability">accountability</a> · <a href="#verification">verification</a> · <a href="#checks">checks, owners and due dates</a> · <a href="#register">register</a> · <a href="#parameters">parameters</a> · <a href="#runs">runs</a> · <a href="#records">records</a>.</p>',
  );

  out.push(...accountabilitySection(m));

  out.push(
    `<h2 id="verification">Verification: <span class="${intact ? 'good' : 'bad'}">${intact ? 'INTACT' : `${v.problems.length} PROBLEM${v.problems.length === 1 ? '' : 'S'}`}</span></h2>`,
    `<p>Every record hash and manifest hash was recomputed from the stored bytes, each manifest was checked to list exactly the records stored under its run, and the manifest chain was walked (${plural(v.manifests, 'manifest')}, ${plural(v.records, 'record')} checked from ${escapeHtml(m.from)}). ${v.signaturesChecked ? 'Every manifest signature was checked against the trusted public key.' : '<strong class="bad">Manifest signatures were not checked (no trusted key given): a writer who re-sealed a rewritten chain would not be detected.</strong>'} Keep the chain head above with this document: deleting the latest run entirely is only detectable against a copy of it. To repeat: <code>art32 verify --account ${escapeHtml(m.accountId)} --from ${escapeHtml(m.from)}</code>; each record's hash is the SHA-256 of its canonical JSON (sorted keys, no whitespace), stored byte for byte in the item's <code>body</code>.</p>`,
    m.unreadableItems ? `<p class="bad">${plural(m.unreadableItems, 'stored item')} of the period could not be read as evidence; see the problems below.</p>` : '',
  );
  if (v.problems.length) {
    out.push(
      '<table><colgroup><col style="width:14%"><col style="width:14%"><col style="width:14%"><col style="width:22%"><col></colgroup><thead><tr><th scope="col">Problem</th><th scope="col">Run</th><th scope="col">Collected</th><th scope="col">Item</th><th scope="col">Detail</th></tr></thead><tbody>',
    );
    for (const p of v.problems) {
      out.push(`<tr><td class="bad id">${idText(p.kind)}</td><td class="id">${idText(p.runId)}</td><td>${instant(p.collectedAt)}</td><td class="hash">${escapeHtml(`${p.pk} ${p.sk}`)}</td><td>${escapeHtml(p.message)}</td></tr>`);
    }
    out.push('</tbody></table>');
  }

  // Records gone after their retention period: said, so a reader does not take the gap for deletion.
  const expired = expiredRunNotes(v.expired);
  if (expired.length) {
    out.push(
      `<p>Removed after their retention period (not tampering; judged at ${instant(m.now)} by the period in force when each run was collected, docs/retention.md):</p><ul>${expired.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`,
    );
  }

  // Each rule once: latest status and finding, and for a failing check since when and who acts on it.
  out.push(
    '<h2 id="checks">Checks: latest result, first failed, owner and due date</h2>',
    '<table><colgroup><col style="width:22%"><col style="width:8%"><col><col style="width:22%"></colgroup><thead><tr><th scope="col">Check (requirements)</th><th scope="col">Latest</th><th scope="col">Finding (latest record)</th><th scope="col">First failed · plan or acceptance</th></tr></thead><tbody>',
  );
  for (const c of m.checks) {
    const latest = c.latest;
    const more = latest && latest.resources.count > latest.resources.items.length ? ` <span class="muted">(+${latest.resources.count - latest.resources.items.length} more, list hash ${escapeHtml(latest.resources.sha256.slice(0, 16))}…)</span>` : '';
    const action = latest?.status === 'FAIL' ? `first failed ${firstFailedText(c)}<br>${actionText(c.register)}` : c.register.plans.length || c.register.acceptances.length ? actionText(c.register) : '';
    // A latest record that verification does not vouch for is shown, marked, never as genuine.
    const broken = latest ? m.notIntact[latest.hash] : undefined;
    const status = broken ? `<span class="bad">NOT INTACT</span><br><span class="muted">recorded ${escapeHtml(latest?.status ?? '')}</span>` : statusCell(latest?.status);
    out.push(
      `<tr id="rule-${escapeHtml(c.id)}"><td>${escapeHtml(c.title)}<br><span class="id muted">${idText(c.id)}</span> <span class="muted small">· ${escapeHtml(c.severity)} · ${escapeHtml(c.requirements.join(', '))}</span></td><td>${status}</td><td>${latest ? `${messageText(latest.message)}${more}` : '<span class="bad">no record in the period</span>'}</td><td>${action}</td></tr>`,
    );
  }
  out.push('</tbody></table>');

  out.push(...registerSection(m, registerAt));

  // Each rule once, with the parameters it applied in the period (a rule serves several requirements).
  const rules = [...new Map(m.requirements.flatMap((r) => r.rules).map((r) => [r.id, r])).values()].filter((r) => r.parameters.length > 0);
  out.push('<h2 id="parameters">Parameters in force</h2><p class="muted small">Per rule, the thresholds its records applied (one block per period with the same thresholds).</p><div class="params">');
  for (const rule of rules) {
    const periods = rule.parameters
      .map((p) => `${rule.parameters.length > 1 ? `<div class="muted nowrap">${escapeHtml(p.from.slice(0, 10))} → ${escapeHtml(p.to.slice(0, 10))}</div>` : ''}${parameterTable(p.threshold)}`)
      .join('');
    out.push(`<div class="param"><strong class="id">${idText(rule.id)}</strong>${periods}</div>`);
  }
  out.push('</div>');

  out.push('<h2 id="runs">Runs in the period</h2>');
  if (m.runs.length === 0) out.push('<p class="bad">No sealed run in this period: no evidence was collected.</p>');
  else {
    out.push(
      '<table><colgroup><col style="width:12%"><col style="width:12%"><col style="width:14%"><col style="width:7%"><col><col></colgroup><thead><tr><th scope="col">Collected (UTC)</th><th scope="col">Run</th><th scope="col">Source</th><th scope="col">Records</th><th scope="col">Manifest SHA-256</th><th scope="col">Previous manifest</th></tr></thead><tbody>',
    );
    for (const r of m.runs) {
      const state = r.collectionFailed ? '<br><span class="bad">collection failed</span>' : r.incomplete ? '<br><span class="bad">sealed incomplete</span>' : '';
      out.push(
        `<tr><td>${instant(r.collectedAt)}</td><td class="id">${idText(r.runId)}</td><td>${escapeHtml(r.source.kind)}: ${untrusted(r.source.name)}</td><td>${r.recordCount}${state}</td><td class="hash">${escapeHtml(r.hash)}</td><td class="hash">${escapeHtml(r.previous ? r.previous.hash : 'first run of the chain')}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }

  out.push(...recordsSection(m));
  out.push('</body></html>', '');
  return out.join('\n');
}

/** Whether a run's recorded context is the one its signed manifest sealed (version 2), said in words. */
function contextCoverage(run: RunManifest, stored: StoredContext): string {
  if (!stored.hashMatches) return `<span class="bad">this context was edited after it was written: its body no longer matches its hash ${escapeHtml(stored.hash)}</span>`;
  if (run.manifestVersion === 1 || run.context === undefined) return '<span class="muted">not covered by the run\'s manifest (sealed before manifests covered contexts): its own SHA-256 only</span>';
  if (run.context === null) return '<span class="bad">added after the run was sealed: its manifest sealed the run without a context</span>';
  if (run.context.sha256 !== stored.hash) return `<span class="bad">edited after the seal: the signed manifest sealed SHA-256 ${escapeHtml(run.context.sha256)}</span>`;
  return '<span class="muted">sealed in the run\'s signed manifest</span>';
}

/** Who collected, with what, and what the collection could and could not see. */
function accountabilitySection(m: AuditModel): string[] {
  const out: string[] = ['<h2 id="accountability">Accountability: who collected, scope and limitations</h2>'];
  const byRun = new Map(m.contexts.map((c) => [`${c.context.collectedAt}#${c.context.runId}`, c]));
  out.push(
    '<table><colgroup><col style="width:15%"><col style="width:30%"><col></colgroup><thead><tr><th scope="col">Run</th><th scope="col">Collected by</th><th scope="col">Tool, arguments and fingerprints (SHA-256)</th></tr></thead><tbody>',
  );
  for (const r of m.runs) {
    const stored = byRun.get(`${r.collectedAt}#${r.runId}`);
    const run = `<td class="id">${idText(r.runId)}<br>${instant(r.collectedAt)}</td>`;
    if (!stored) {
      out.push(
        `<tr>${run}<td><span class="bad">not recorded</span> <span class="muted">(run collected by an art32 version that did not record its collector)</span></td><td>${escapeHtml(r.source.kind)}: ${untrusted(r.source.name)} · art32 ${escapeHtml(r.source.toolVersion)}</td></tr>`,
      );
      continue;
    }
    const c = stored.context;
    const by = [
      `<span class="id">${idText(c.collectedBy.identity)}</span> <span class="muted">(${c.collectedBy.via === 'sts' ? 'AWS caller identity' : 'local user@host, no AWS identity'})</span>`,
      c.collectedBy.assumedRole ? `assumed <span class="id">${idText(c.collectedBy.assumedRole)}</span>` : '',
      `on <span class="id">${idText(c.collectedBy.host)}</span>`,
    ].filter(Boolean);
    const fp = [
      `art32 ${escapeHtml(c.tool.version)} · ${escapeHtml(c.scope.sourceKind)}: ${untrusted(c.scope.sourceName)}`,
      `<span class="muted">arguments</span> <span class="mono">${untrusted(c.arguments.join(' ') || '(none)')}</span>`,
      `<span class="muted">parameters</span> <span class="hash">${escapeHtml(c.parametersSha256)}</span>`,
      `<span class="muted">rule catalog (${c.catalogRules} rules)</span> <span class="hash">${escapeHtml(c.catalogSha256)}</span>`,
      `<span class="muted">requirement mapping</span> <span class="hash">${escapeHtml(c.mappingSha256)}</span>`,
      contextCoverage(r, stored),
    ].filter(Boolean);
    out.push(`<tr>${run}<td>${by.join('<br>')}</td><td>${fp.join('<br>')}</td></tr>`);
  }
  if (m.runs.length === 0) out.push('<tr><td colspan="3" class="bad">No sealed run in this period.</td></tr>');
  out.push('</tbody></table>');
  if (m.contexts.length) {
    out.push(
      '<p class="muted small">Recorded at collect time beside each run, before it is sealed, first writer wins, with its own SHA-256. Runs sealed by a version 2 manifest carry that SHA-256 in their signed manifest, so an edit after the seal is detected (<span class="mono">art32 verify</span>: CONTEXT_MODIFIED); runs sealed before (version 1 manifests) are covered by the context\'s own hash only, which whoever can write the table could recompute.</p>',
    );
  }
  // Scope from the latest recorded context of the period: regions and sections actually read.
  const latest = [...m.contexts].sort((a, b) => a.context.collectedAt.localeCompare(b.context.collectedAt)).at(-1)?.context;
  out.push('<p><strong>Scope and limitations</strong> for account ' + `${untrusted(accountLabel(m))}:</p><ul class="small">`);
  if (latest) {
    const s = latest.scope;
    out.push(
      `<li>Regions read: ${s.regions.length ? s.regions.map((x) => `<span class="id">${escapeHtml(x)}</span>`).join(', ') : '<span class="muted">none named by the source</span>'}; trails are read wherever they are defined, regional services (GuardDuty, Security Hub, EventBridge) in the collection region only.</li>`,
      `<li>Sections read in the latest run: ${s.sections.map((x) => `<span class="id">${escapeHtml(x)}</span>`).join(', ') || 'none'}${s.sectionsMissing.length ? `; not collected: ${s.sectionsMissing.map((x) => `<span class="id">${escapeHtml(x)}</span>`).join(', ')}` : ''}${s.sectionsWithErrors.length ? `; with collection errors: ${s.sectionsWithErrors.map((x) => `<span class="id bad">${escapeHtml(x)}</span>`).join(', ')}` : ''}.</li>`,
    );
  }
  out.push(
    '<li>AWS control plane of this one account only: IAM, CloudTrail and its delivery, CloudWatch alarms, GuardDuty, Security Hub, EventBridge.</li>',
    '<li>Permissions are judged on identity-based policies (users, groups, roles); resource policies, permission boundaries, session policies and SCPs can narrow them and are not evaluated, so breadth is an upper bound.</li>',
    '<li>No application-level logging: délibération 2021-122 is aimed at application logs (author, time, operation, data reference); CloudTrail records the AWS layer only. Applications on this account need their own evidence.</li>',
    '<li>Sign-in through an identity provider (SAML, IAM Identity Center) happens outside the account: MFA enforced there is shown as declared, not verified.</li>',
    '<li>A check that could not be evaluated is NOT VERIFIED, never PASS.</li>',
    '</ul>',
  );
  return out;
}

function registerSection(m: AuditModel, at: string): string[] {
  const out: string[] = ['<h2 id="register">Register: declarations, acceptances, plans and triage</h2>'];
  const rv = m.registerVerification;
  if (rv) {
    out.push(
      `<p>Register chain: ${rv.ok ? `<span class="good">intact</span> (${plural(rv.items, 'item')}, head <span class="hash">${escapeHtml(rv.headHash ?? 'none')}</span>)` : `<span class="bad">${plural(rv.problems.length, 'problem')}</span>: ${rv.problems.map((p) => escapeHtml(p.message)).join('; ')}`}. Entries are as stated by their declarant (taken from the caller identity); art32 does not verify them.</p>`,
    );
  }
  if (m.register.length === 0) {
    out.push(`<p class="muted">No register entry in force for this account on ${escapeHtml(at.slice(0, 10))} (art32 declare · accept · plan · triage).</p>`);
    return out;
  }
  out.push(
    `<p>Entries in force for this account when this document was made (${escapeHtml(at)}); status judged on that date.</p>`,
    '<table><colgroup><col style="width:13%"><col style="width:18%"><col style="width:11%"><col></colgroup><thead><tr><th scope="col">Entry</th><th scope="col">Recorded · by</th><th scope="col">Status</th><th scope="col">Content</th></tr></thead><tbody>',
  );
  const order = ['plan', 'acceptance', 'declaration', 'triage'];
  for (const e of [...m.register].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.recordedAt.localeCompare(b.recordedAt))) {
    out.push(
      `<tr><td>${escapeHtml(e.kind)}<br><span class="id">${escapeHtml(e.id)}</span></td><td><span class="nowrap">${escapeHtml(e.recordedAt.slice(0, 10))}</span><br><span class="id small">${idText(e.declarant.identity)}</span></td><td>${registerStatus(e, at)}</td><td>${registerSummary(e)}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  return out;
}

/** Every record once (a record serves several requirements), grouped by run; hashes in full. */
function recordsSection(m: AuditModel): string[] {
  const records = [...new Map(m.requirements.flatMap((r) => r.records).map((r) => [r.hash, r])).values()].sort(
    (a, b) => (a.collectedAt < b.collectedAt ? -1 : a.collectedAt > b.collectedAt ? 1 : a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
  const shownAsLatest = new Set(m.checks.flatMap((c) => (c.latest ? [c.latest.hash] : [])));
  const out: string[] = [
    `<h2 id="records">Evidence records (${records.length})</h2>`,
    '<p class="muted small">The latest record of each check is quoted under Checks; earlier records are quoted here.</p>',
    '<table><colgroup><col style="width:27%"><col style="width:10%"><col></colgroup><thead><tr><th scope="col">Rule</th><th scope="col">Status</th><th scope="col">Record SHA-256</th></tr></thead><tbody>',
  ];
  let run = '';
  for (const rec of records) {
    const key = `${rec.collectedAt}#${rec.runId}`;
    if (key !== run) {
      run = key;
      out.push(`<tr><th scope="colgroup" colspan="3">run <span class="id">${idText(rec.runId)}</span> · collected ${instant(rec.collectedAt)}</th></tr>`);
    }
    const quote = shownAsLatest.has(rec.hash) ? '' : `<br><span class="small">${messageText(rec.message)}</span>`;
    const broken = m.notIntact[rec.hash];
    const integrity = broken ? `<br><span class="bad">NOT INTACT — ${escapeHtml(broken)}</span>` : '';
    out.push(`<tr><td class="id">${idText(rec.ruleId)}</td><td>${broken ? '<span class="bad">NOT INTACT</span><br>' : ''}${statusCell(rec.status)}</td><td class="hash">${escapeHtml(rec.hash)}${quote}${integrity}</td></tr>`);
  }
  out.push('</tbody></table>');
  return out;
}
