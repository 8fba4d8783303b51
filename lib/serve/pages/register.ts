/**
 * The register (declarations, acceptances, plans, triage — lib/register): every entry as it
 * stands now, with its full history (every version of its id, in chain order), and the
 * register chain verified (an edited or deleted item named in red). One Query on the register
 * partition (lib/register/store.ts), no Scan.
 */
import { html } from 'hono/html';
import { RegisterStore, verifyRegisterItems } from '../../register/store';
import { RegisterItem, type RegisterKind } from '../../register/types';
import type { ConsoleContext } from '../context';
import { u, type Html } from '../html';

type EntryKind = Exclude<RegisterKind, 'revocation'>;

interface EntryHistory {
  id: string;
  kind: EntryKind;
  accountId: string;
  /** Every version of the entry (and its revocation), in chain order. */
  versions: RegisterItem[];
  current: RegisterItem;
  revoked?: RegisterItem;
}

const SECTIONS: { kind: EntryKind; title: string; lead: string }[] = [
  { kind: 'declaration', title: 'Declarations', lead: 'Claims the controller made (compensating controls, retention, break-glass, MFA at the identity provider). art32 did not observe them: a rule relying on one says "declared, not verified".' },
  { kind: 'acceptance', title: 'Risk acceptances', lead: 'A FAIL the controller accepted, with its owner and expiry date; an expired acceptance no longer covers the rule.' },
  { kind: 'plan', title: 'Remediation plans', lead: 'What will be done about a FAIL, by whom and by when, with its DPIA or risk-register reference.' },
  { kind: 'triage', title: 'Triage of activity findings', lead: 'What an activity finding turned out to be; an incident or a breach names its register reference (GDPR Art. 33(5)).' },
];

function parse(raw: Record<string, unknown>): RegisterItem | undefined {
  if (typeof raw.body !== 'string') return undefined;
  try {
    const parsed = RegisterItem.safeParse({ ...(JSON.parse(raw.body) as Record<string, unknown>), hash: raw.hash });
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function histories(items: RegisterItem[]): EntryHistory[] {
  const byId = new Map<string, RegisterItem[]>();
  for (const item of [...items].sort((a, b) => a.seq - b.seq)) byId.set(item.id, [...(byId.get(item.id) ?? []), item]);
  const out: EntryHistory[] = [];
  for (const [id, versions] of byId) {
    const content = versions.filter((v) => v.kind !== 'revocation');
    const current = content.at(-1);
    if (!current) continue; // a revocation of an id with no content: shown by the chain check only
    const last = versions.at(-1)!;
    out.push({ id, kind: current.kind as EntryKind, accountId: current.accountId, versions, current, ...(last.kind === 'revocation' ? { revoked: last } : {}) });
  }
  return out;
}

const text = (p: Record<string, unknown>, key: string): string => (p[key] === undefined ? '' : typeof p[key] === 'string' ? (p[key] as string) : JSON.stringify(p[key]));

/** The entry's own state: plan status with overdue, acceptance expiry, declaration type, triage outcome. */
function stateOf(h: EntryHistory, today: string): Html {
  if (h.revoked) return html`<span class="bad">REVOKED</span> <span class="muted">${u(h.revoked.recordedAt.slice(0, 10))}</span>` as Html;
  const p = h.current.payload;
  if (h.kind === 'plan') {
    const status = text(p, 'status') || 'open';
    const overdue = status === 'open' && text(p, 'due') < today;
    return html`<span class="${status === 'done' ? 'good' : overdue ? 'bad' : ''}">${u(status.toUpperCase())}</span>${overdue ? html` <span class="bad">OVERDUE</span>` : ''}` as Html;
  }
  if (h.kind === 'acceptance') return text(p, 'expires') < today ? (html`<span class="bad">EXPIRED</span>` as Html) : (html`<span class="good">IN FORCE</span>` as Html);
  if (h.kind === 'triage') return html`<span class="${text(p, 'outcome') === 'false-positive' ? '' : 'bad'}">${u(text(p, 'outcome'))}</span>` as Html;
  return html`<span>IN FORCE</span>` as Html;
}

/** The fields worth a column, per kind (payload keys from lib/register/types.ts). */
function summary(h: EntryHistory): Html {
  const p = h.current.payload;
  const fields: [string, string][] =
    h.kind === 'declaration'
      ? [['type', text(p, 'type')], ['control', text(p, 'control')], ['mechanism', text(p, 'mechanism')], ['days', text(p, 'days')], ['principals', text(p, 'principals')], ['evidence', text(p, 'evidenceRef')]]
      : h.kind === 'acceptance'
        ? [['rule', text(p, 'ruleId')], ['owner', text(p, 'owner')], ['expires', text(p, 'expires')], ['justification', text(p, 'justification')]]
        : h.kind === 'plan'
          ? [['rule', text(p, 'ruleId')], ['action', text(p, 'action')], ['owner', text(p, 'owner')], ['due', text(p, 'due')], ['risk ref.', text(p, 'riskRef')]]
          : [['principal', text(p, 'principal')], ['run', text(p, 'runId')], ['note', text(p, 'note')], ['register ref.', text(p, 'registerRef')], ['notified', text(p, 'notifiedOn')]];
  return html`<dl>${fields.filter(([, v]) => v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${u(v)}</dd>`)}</dl>` as Html;
}

function historyTable(h: EntryHistory, tampered: Set<number>): Html {
  return html`<details><summary>History: ${h.versions.length} version(s)</summary><table><thead><tr><th scope="col">Seq</th><th scope="col">Recorded</th><th scope="col">By</th><th scope="col">Kind</th><th scope="col">Content</th><th scope="col">SHA-256</th></tr></thead><tbody>${h.versions.map(
    (v) =>
      html`<tr class="${tampered.has(v.seq) ? 'tampered' : ''}"><td>${v.seq}</td><td>${u(v.recordedAt)}</td><td>${u(v.declarant.identity)}</td><td>${v.kind}</td><td><pre>${u(JSON.stringify(v.payload, null, 1))}</pre></td><td class="hash">${v.hash}</td></tr>`,
  )}</tbody></table></details>` as Html;
}

export async function registerPage(ctx: ConsoleContext): Promise<Html> {
  const raw = await new RegisterStore(ctx.store.documentClient, ctx.store.tableName).rawItems();
  const check = verifyRegisterItems(raw);
  if (raw.length === 0) {
    return html`<h1>Register</h1><p>The register of this store is empty: no declaration, risk acceptance, remediation plan or triage has been recorded (<code>art32 declare</code>, <code>accept</code>, <code>plan</code>, <code>triage</code>).</p>` as Html;
  }
  const items = raw.flatMap((r) => parse(r) ?? []);
  const tampered = new Set(check.problems.flatMap((p) => (p.seq === null ? [] : [p.seq])));
  const today = ctx.now().toISOString().slice(0, 10);
  const entries = histories(items);
  const section = (s: (typeof SECTIONS)[number]): Html => {
    const rows = entries.filter((e) => e.kind === s.kind).sort((a, b) => a.current.recordedAt.localeCompare(b.current.recordedAt));
    return html`<h2>${s.title} (${rows.length})</h2><p class="muted">${s.lead}</p>${
      rows.length === 0
        ? html`<p>None recorded.</p>`
        : html`<table class="wide"><thead><tr><th scope="col">Entry</th><th scope="col">Account</th><th scope="col">State</th><th scope="col">Details (current version)</th><th scope="col">Last recorded</th><th scope="col">History</th></tr></thead><tbody>${rows.map(
            (h) =>
              html`<tr class="${h.versions.some((v) => tampered.has(v.seq)) ? 'tampered' : ''}"><th scope="row" class="mono">${h.id}</th><td>${h.accountId === '*' ? 'every account' : html`<a href="/accounts/${h.accountId}">${h.accountId}</a>`}</td><td>${stateOf(h, today)}</td><td>${summary(h)}</td><td>${u(h.current.recordedAt)}<br><span class="muted">${u(h.current.declarant.identity)} (${h.current.declarant.via})</span></td><td>${historyTable(h, tampered)}</td></tr>`,
          )}</tbody></table>`
    }` as Html;
  };
  return html`<h1>Register</h1>
<p>${check.items} item(s) in the register chain. ${
    check.ok
      ? html`<strong class="good">Register chain verified</strong>: every item hashes to its hash and links to the one before it; head <span class="hash">${check.headHash ?? 'none'}</span>.`
      : html`<strong class="bad">REGISTER NOT VERIFIED: ${check.problems.length} problem(s).</strong>`
  }</p>
${check.problems.length ? html`<ul>${check.problems.map((p) => html`<li class="bad">${u(p.message)}</li>`)}</ul>` : ''}
${SECTIONS.map(section)}
<p>Repeat the check yourself: <code>art32 register --verify</code> (same store options).</p>` as Html;
}
