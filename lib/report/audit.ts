/**
 * The audit report: a printable HTML document for one account and one period, laid out per
 * requirement (GDPR, CNIL), listing the rules that give evidence for it, the parameters in
 * force, and every dated evidence record with its SHA-256, plus the result of verifying the
 * hash chain. An auditor prints it (any browser, or `npm run report:pdf`) and files it.
 *
 * Records are attached to a requirement by the `requirementIds` stored in the record (the
 * mapping in force when the run happened), so the document shows evidence as recorded.
 */
import type { EvidenceRecord, RunManifest } from '../evidence/record';
import { dateBounds, parseManifestItem, parseRecordItem, type EvidenceStore } from '../evidence/store';
import { verifyAccountItems, type AccountVerification } from '../evidence/verify';
import { canonicalJson } from '../evidence/canonical';
import type { Framework, Requirement } from '../frameworks/types';
import type { Rule } from '../rules/types';
import { TOOL_VERSION } from '../version';
import { accountLabel } from './email';
import { escapeHtml, untrusted } from './escape';

export interface AuditOptions {
  accountId: string;
  /** `YYYY-MM-DD` or ISO-8601, inclusive. */
  from: string;
  /** `YYYY-MM-DD` (whole day) or ISO-8601, inclusive. */
  to: string;
  /** Shown as "generated at" (ISO-8601). */
  now: string;
  /** Where the evidence lives, for the cover page (e.g. "embedded /home/x/.local/share/art32"). */
  storeDescription?: string;
}

/** A period during which a rule applied the same thresholds. */
export interface ParameterPeriod {
  from: string;
  to: string;
  threshold: Record<string, unknown>;
}

export interface AuditRule {
  id: string;
  title: string;
  severity: string;
  references: string[];
  parameters: ParameterPeriod[];
}

export interface AuditRequirement {
  frameworkId: Framework['id'];
  requirement: Requirement;
  rules: AuditRule[];
  /** Records that listed this requirement when they were written, oldest first. */
  records: EvidenceRecord[];
}

export interface AuditModel {
  accountId: string;
  accountAlias: string | null;
  from: string;
  to: string;
  now: string;
  storeDescription: string | null;
  runs: RunManifest[];
  verification: AccountVerification;
  requirements: AuditRequirement[];
  /** Items of the period that could not be parsed (also reported by verification). */
  unreadableItems: number;
}

export interface AuditInput extends AuditOptions {
  records: readonly EvidenceRecord[];
  manifests: readonly RunManifest[];
  verification: AccountVerification;
  rules: readonly Rule[];
  frameworks: readonly Framework[];
  unreadableItems?: number;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Pure: lay out the evidence per requirement. */
export function buildAuditModel(input: AuditInput): AuditModel {
  const records = [...input.records].sort((a, b) => cmp(a.collectedAt, b.collectedAt) || cmp(a.runId, b.runId) || cmp(a.ruleId, b.ruleId));
  const rulesById = new Map(input.rules.map((r) => [r.id, r]));
  const requirements = input.frameworks.flatMap((f) =>
    f.requirements.map((req): AuditRequirement => {
      const recs = records.filter((r) => r.requirementIds.includes(req.id));
      const ruleIds = [...new Set([...req.ruleIds, ...recs.map((r) => r.ruleId)])];
      return {
        frameworkId: f.id,
        requirement: req,
        records: recs,
        rules: ruleIds.map((id) => {
          const rule = rulesById.get(id);
          return {
            id,
            title: rule?.title ?? id,
            severity: rule?.severity ?? recs.find((r) => r.ruleId === id)?.severity ?? 'unknown',
            references: rule?.references ?? [],
            parameters: parameterPeriods(recs.filter((r) => r.ruleId === id)),
          };
        }),
      };
    }),
  );
  return {
    accountId: input.accountId,
    accountAlias: [...records].reverse().find((r) => r.accountAlias !== undefined)?.accountAlias ?? null,
    from: input.from,
    to: input.to,
    now: input.now,
    storeDescription: input.storeDescription ?? null,
    runs: [...input.manifests].sort((a, b) => cmp(a.collectedAt, b.collectedAt) || cmp(a.runId, b.runId)),
    verification: input.verification,
    requirements,
    unreadableItems: input.unreadableItems ?? 0,
  };
}

/** Consecutive records with the same thresholds form one period. */
function parameterPeriods(records: readonly EvidenceRecord[]): ParameterPeriod[] {
  const periods: (ParameterPeriod & { key: string })[] = [];
  for (const r of records) {
    const key = canonicalJson(r.threshold);
    const last = periods.at(-1);
    if (last && last.key === key) last.to = r.collectedAt;
    else periods.push({ key, from: r.collectedAt, to: r.collectedAt, threshold: r.threshold });
  }
  return periods.map(({ key: _key, ...p }) => p);
}

/** Read the account's records and manifests of the period (Queries only) and verify the chain. */
export async function loadAuditModel(store: EvidenceStore, options: AuditOptions & { rules: readonly Rule[]; frameworks: readonly Framework[] }): Promise<AuditModel> {
  await store.assertKnownAccount(options.accountId);
  const { lower, upper } = dateBounds({ from: options.from, to: options.to });
  const inPeriod = (collectedAt: unknown): boolean => typeof collectedAt === 'string' && collectedAt >= lower && collectedAt <= upper;
  const items = await store.accountItems(options.accountId, options.from);
  let unreadable = 0;
  const parse = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch {
      unreadable++; // verification below names the item and why
      return undefined;
    }
  };
  const records = items.records.filter((i) => inPeriod(i.collectedAt)).flatMap((i) => parse(() => parseRecordItem(i)) ?? []);
  const manifests = items.manifests.filter((i) => inPeriod(i.collectedAt)).flatMap((i) => parse(() => parseManifestItem(i)) ?? []);
  // The items just read: verifying them again from the store would repeat the account's three Queries.
  const verification = verifyAccountItems(options.accountId, items, options.from);
  return buildAuditModel({ ...options, records, manifests, verification, unreadableItems: unreadable });
}

// ------------------------------------------------------------------------------ HTML

const CSS = `
:root{color-scheme:light}
body{font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;max-width:1100px;padding:24px;font-size:13px;line-height:1.4}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:0 0 4px}
h3{font-size:14px;margin:14px 0 4px}
.muted{color:#555}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid #c8c8c8;padding:3px 5px;text-align:left;vertical-align:top}
table.fixed{table-layout:fixed}
.hash{overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
table.kv{width:100%;margin:0;table-layout:fixed}table.kv td{border:none;padding:0 6px 0 0;font-size:inherit;overflow-wrap:anywhere}table.kv td:first-child{width:42%}
.toc a{color:inherit;text-decoration:none}
th{background:#f0f1f3;font-weight:600}
thead{display:table-header-group}
tr{break-inside:avoid}
.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace;font-size:10px;word-break:break-all}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace;font-size:11px}
.FAIL,.ERROR,.bad{color:#a50e0e;font-weight:700}
.PASS,.good{color:#1b5e20;font-weight:700}
.WARN{color:#7a4100;font-weight:700}
.NOT_APPLICABLE{color:#444}
.requirement{break-inside:auto;padding-top:4px;border-top:1px solid #c8c8c8;margin-top:10px}
h2,h3{break-after:avoid}
.box{border:1px solid #c8c8c8;padding:8px 10px;margin:8px 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
dt{font-weight:600}
dd{margin:0}
@page{size:A4;margin:16mm 11mm 14mm;@bottom-right{content:"page " counter(page) " of " counter(pages);font:9px sans-serif;color:#555}}
@media print{body{padding:0;max-width:none;font-size:9.5px;line-height:1.3}h1{font-size:17px}h2{font-size:13px}h3{font-size:11px;margin:8px 0 3px}.hash{font-size:7.5px}.mono{font-size:8.5px}th,td{padding:2px 4px}}
`;

const fmtJson = (v: unknown): string => {
  try {
    return canonicalJson(v);
  } catch {
    return String(v);
  }
};

function statusCell(status: string): string {
  return `<span class="${escapeHtml(status)}">${escapeHtml(status === 'NOT_APPLICABLE' ? 'N/A' : status)}</span>`;
}

/** A CSS string literal's content: anything but plain characters as a CSS escape. */
function cssString(value: string): string {
  return [...value].map((ch) => (/[A-Za-z0-9 ._:()-]/.test(ch) ? ch : `\\${(ch.codePointAt(0) ?? 0).toString(16)} `)).join('');
}

const PARAMETER_CHARS = 120;

/** Thresholds as a key/value table (nested values as compact JSON), never a raw JSON blob. */
function parameterTable(threshold: Record<string, unknown>): string {
  const rows = Object.keys(threshold)
    .sort()
    .map((k) => {
      const v = threshold[k];
      const full = typeof v === 'string' ? v : fmtJson(v);
      // Long values (lists, tables of weights) are cut here; the stored record holds them whole.
      const text = full.length > PARAMETER_CHARS ? `${full.slice(0, PARAMETER_CHARS)}… (${full.length} characters, whole in each record)` : full;
      return `<tr><td class="mono">${escapeHtml(k)}</td><td>${escapeHtml(text)}</td></tr>`;
    });
  return rows.length ? `<table class="kv">${rows.join('')}</table>` : '<span class="muted">none</span>';
}

/** Render the printable document. Pure: same model, same bytes. */
export function renderAuditHtml(m: AuditModel): string {
  const v = m.verification;
  const verified = v.problems.length === 0;
  const account = accountLabel(m);
  const out: string[] = [];
  out.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light">',
    `<title>${escapeHtml(`art32 audit report — ${account} — ${m.from} to ${m.to}`)}</title>`,
    `<style>${CSS}@page{@top-left{content:"${cssString(`art32 audit report · account ${m.accountId} · ${m.from} to ${m.to}`)}";font:9px sans-serif;color:#555}}</style></head><body>`,
    `<h1>Audit report: security of processing evidence</h1>`,
    `<p class="muted">GDPR (Regulation (EU) 2016/679) Art. 32, 25(2), 5 and CNIL recommendations — evidence recorded by art32 ${escapeHtml(TOOL_VERSION)}</p>`,
    '<dl>',
    `<dt>Account</dt><dd>${untrusted(account)}</dd>`,
    `<dt>Period</dt><dd>${escapeHtml(m.from)} to ${escapeHtml(m.to)} (inclusive, UTC)</dd>`,
    `<dt>Generated</dt><dd>${escapeHtml(m.now)}</dd>`,
    m.storeDescription ? `<dt>Evidence store</dt><dd>${escapeHtml(m.storeDescription)}</dd>` : '',
    `<dt>Runs in period</dt><dd>${m.runs.length}</dd>`,
    `<dt>Records in period</dt><dd>${new Set(m.requirements.flatMap((r) => r.records.map((x) => x.hash))).size}</dd>`,
    '</dl>',
  );
  // Requirement summary first: the auditor's table of contents, status from the latest record of each rule.
  out.push('<h2>Requirements</h2><table class="toc"><thead><tr><th>Requirement</th><th>Citation</th><th>Latest status</th><th>Rules</th><th>Records</th></tr></thead><tbody>');
  for (const req of m.requirements) {
    const latest = new Map<string, string>();
    for (const rec of req.records) latest.set(rec.ruleId, rec.status);
    const statuses = req.rules.map((r) => latest.get(r.id));
    const worst = statuses.includes('FAIL') ? 'FAIL' : statuses.some((x) => x === undefined || x === 'ERROR') ? 'NOT VERIFIED' : statuses.includes('WARN') ? 'WARN' : statuses.includes('PASS') ? 'PASS' : 'NOT_APPLICABLE';
    out.push(
      `<tr><td><a href="#${escapeHtml(req.requirement.id)}">${escapeHtml(req.requirement.title)}</a></td><td>${escapeHtml(req.requirement.citation)}</td><td class="nowrap">${worst === 'NOT VERIFIED' ? '<span class="bad">NOT VERIFIED</span>' : statusCell(worst)}</td><td>${req.rules.length}</td><td>${req.records.length}</td></tr>`,
    );
  }
  out.push('</tbody></table>');

  out.push(
    `<div class="box"><h2>Verification: <span class="${verified ? 'good' : 'bad'}">${verified ? 'INTACT' : `${v.problems.length} PROBLEM${v.problems.length === 1 ? '' : 'S'}`}</span></h2>`,
    `<p>Every record hash and manifest hash was recomputed from the stored bytes, each manifest was checked to list exactly the records stored under its run, and the manifest chain was walked (${v.manifests} manifests, ${v.records} records checked from ${escapeHtml(m.from)}).`,
    ` Head of the chain (latest manifest hash): <span class="hash">${escapeHtml(v.headHash ?? 'none')}</span>. Keep it with this document: deleting the latest run entirely is only detectable against a copy of this value.</p>`,
    m.unreadableItems ? `<p class="bad">${m.unreadableItems} stored item(s) of the period could not be read as evidence; see the problems below.</p>` : '',
  );
  if (!verified) {
    out.push('<table><thead><tr><th>Problem</th><th>Run</th><th>Collected</th><th>Item</th><th>Detail</th></tr></thead><tbody>');
    for (const p of v.problems) {
      out.push(`<tr><td class="bad">${escapeHtml(p.kind)}</td><td class="mono">${escapeHtml(p.runId)}</td><td>${escapeHtml(p.collectedAt)}</td><td class="hash">${escapeHtml(`${p.pk} ${p.sk}`)}</td><td>${escapeHtml(p.message)}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push(
    `<p class="muted">How to check independently: each record's hash is the SHA-256 of its canonical JSON (sorted keys, no whitespace), stored byte for byte in the item's <code>body</code> attribute; run <code>art32 verify --account ${escapeHtml(m.accountId)} --from ${escapeHtml(m.from)}</code> to repeat this verification.</p></div>`,
  );

  out.push('<h2>Runs in the period</h2>');
  if (m.runs.length === 0) out.push('<p class="bad">No sealed run in this period: no evidence was collected.</p>');
  else {
    out.push('<table><thead><tr><th>Collected (UTC)</th><th>Run</th><th>Source</th><th>Records</th><th>Manifest SHA-256</th><th>Previous manifest</th></tr></thead><tbody>');
    for (const r of m.runs) {
      out.push(
        `<tr><td>${escapeHtml(r.collectedAt)}</td><td class="mono">${escapeHtml(r.runId)}</td><td>${escapeHtml(`${r.source.kind}: ${r.source.name}`)}</td><td>${r.recordCount}</td><td class="hash">${escapeHtml(r.hash)}</td><td class="hash">${escapeHtml(r.previous ? r.previous.hash : 'first run of the chain')}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }

  for (const req of m.requirements) {
    const r = req.requirement;
    out.push(`<section class="requirement"><h2 id="${escapeHtml(r.id)}">${escapeHtml(r.title)}</h2>`);
    out.push(`<p><strong>${escapeHtml(r.citation)}</strong><br>${escapeHtml(r.summary)}</p>`);
    const latestByRule = new Map<string, EvidenceRecord>();
    for (const rec of req.records) latestByRule.set(rec.ruleId, rec);
    out.push('<table class="fixed"><colgroup><col><col style="width:12%"><col style="width:16%"></colgroup><thead><tr><th>Rule (parameters: see "Rules and parameters in force")</th><th>Severity</th><th>Latest status in period</th></tr></thead><tbody>');
    for (const rule of req.rules) {
      const latest = latestByRule.get(rule.id);
      out.push(
        `<tr><td><a href="#rule-${escapeHtml(rule.id)}">${escapeHtml(rule.title)}</a> <span class="mono muted">${escapeHtml(rule.id)}</span></td><td>${escapeHtml(rule.severity)}</td><td class="nowrap">${latest ? statusCell(latest.status) : '<span class="bad">NOT VERIFIED</span>'}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
    out.push(
      req.records.length === 0
        ? '<p class="bad">No evidence recorded for this requirement in the period.</p>'
        : `<p class="muted">${req.records.length} evidence record(s) of these rules in the period: listed once, by run, under "Evidence records" below.</p>`,
    );
    out.push('</section>');
  }
  // Each rule once, with the parameters it applied in the period (a rule serves several requirements).
  const rules = [...new Map(m.requirements.flatMap((r) => r.rules).map((r) => [r.id, r])).values()];
  out.push('<section class="requirement"><h2 id="parameters">Rules and parameters in force</h2><table class="fixed"><colgroup><col style="width:34%"><col></colgroup><thead><tr><th>Rule</th><th>Parameters (periods with the same thresholds)</th></tr></thead><tbody>');
  for (const rule of rules) {
    const params = rule.parameters.length
      ? rule.parameters.map((p) => `<div><span class="muted nowrap">${escapeHtml(p.from.slice(0, 10))} → ${escapeHtml(p.to.slice(0, 10))}</span>${parameterTable(p.threshold)}</div>`).join('')
      : '<span class="muted">no record in period</span>';
    out.push(`<tr id="rule-${escapeHtml(rule.id)}"><td><strong>${escapeHtml(rule.title)}</strong><br><span class="mono">${escapeHtml(rule.id)}</span></td><td>${params}</td></tr>`);
  }
  out.push('</tbody></table></section>');
  // Every record once (a record serves several requirements), by run then rule.
  const records = [...new Map(m.requirements.flatMap((r) => r.records).map((r) => [r.hash, r])).values()].sort(
    (a, b) => (a.collectedAt < b.collectedAt ? -1 : a.collectedAt > b.collectedAt ? 1 : a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
  out.push(`<section class="requirement"><h2 id="records">Evidence records (${records.length})</h2>`);
  out.push(
    '<table class="fixed"><colgroup><col style="width:15%"><col style="width:19%"><col style="width:8%"><col><col style="width:22%"></colgroup>' +
      '<thead><tr><th>Collected (UTC)</th><th>Rule</th><th>Status</th><th>Finding</th><th>Record SHA-256</th></tr></thead><tbody>',
  );
  for (const rec of records) {
    const more = rec.resources.count > rec.resources.items.length ? ` (+${rec.resources.count - rec.resources.items.length} more, list hash ${rec.resources.sha256.slice(0, 16)}…)` : '';
    out.push(
      `<tr><td><span class="nowrap">${escapeHtml(rec.collectedAt.slice(0, 10))}</span> <span class="nowrap">${escapeHtml(rec.collectedAt.slice(11))}</span><br><span class="mono muted">${escapeHtml(rec.runId)}</span></td><td class="mono">${escapeHtml(rec.ruleId)}</td><td>${statusCell(rec.status)}</td><td>${escapeHtml(rec.message)}${more ? `<span class="muted">${escapeHtml(more)}</span>` : ''}</td><td class="hash">${escapeHtml(rec.hash)}</td></tr>`,
    );
  }
  out.push('</tbody></table></section>');
  out.push('</body></html>', '');
  return out.join('\n');
}
