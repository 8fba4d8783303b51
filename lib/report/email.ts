/**
 * The weekly email, rendered from a `ReportModel`, for a security lead reading it on a phone
 * on Monday morning: the verdict in words first, then what changed, grouped by account
 * (account named once), each item headlined by what is wrong, with who/what, age, plan and
 * a link to the fix; then what is still failing, what this deployment cannot verify, failed
 * collections, the requirements and how to fix.
 *
 * Both parts are rendered from ONE list of blocks (`emailBlocks`), so the text part says
 * exactly what the HTML says (a test compares their words). HTML: single column (no table
 * wider than a phone), tables only for layout and the requirement table (with header cells),
 * inline styles, no remote content, light and dark schemes, headings h1–h3.
 *
 * Every list is capped (see `LIMITS`) with an "and N more" line, and the caps tighten when a
 * part would still be over `EMAIL_MAX_BYTES`, so no fleet's email is clipped by Gmail (102 KB).
 * Strings from audited accounts go through escape.ts.
 */
import type { AccountReport, ReportChange, ReportModel, ReportRuleInfo, RequirementStatus } from './model';
import { dayLabel, plural } from './model';
import { APPROPRIATENESS_STATEMENT } from '../frameworks/sources';
import { escapeHtml, plain, subjectLine, untrusted } from './escape';

export interface EmailLimits {
  /** Change items (new, regression, fixed, improved) shown in all. */
  changes: number;
  /** Accounts shown under "Still failing", and items per account. */
  stillFailingAccounts: number;
  stillFailingPerAccount: number;
  gaps: number;
  collectionErrors: number;
  /** Principals/resources named per item before "+N". */
  resources: number;
}

export const LIMITS: Readonly<EmailLimits> = {
  changes: 25,
  stillFailingAccounts: 10,
  stillFailingPerAccount: 5,
  gaps: 20,
  collectionErrors: 20,
  resources: 3,
};

/**
 * Largest part (HTML or text) we send, in bytes. Gmail clips a message body past 102 KB and
 * hides the rest behind "[Message clipped]": the verdict stays visible, but the register's
 * lapsed measures or the integrity lines of the last accounts could be hidden. Kept below it
 * with a margin for what the mail path adds (MIME headers, transfer encoding of the text).
 */
export const EMAIL_MAX_BYTES = 96_000;

/**
 * Tighter caps tried in turn when the email at `LIMITS` is over `EMAIL_MAX_BYTES` (long names
 * from the audited accounts, many plans): the counts and "and N more" lines stay exact, only
 * fewer items are spelled out. The last step is small enough for the longest names IAM and the
 * register accept (the test renders 500 accounts at those lengths).
 */
export const SHRINK_STEPS: readonly Readonly<EmailLimits>[] = [
  { changes: 15, stillFailingAccounts: 6, stillFailingPerAccount: 3, gaps: 10, collectionErrors: 10, resources: 2 },
  { changes: 8, stillFailingAccounts: 3, stillFailingPerAccount: 2, gaps: 5, collectionErrors: 5, resources: 1 },
];

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface RenderOptions {
  /** Shown in the header, e.g. "Production organisation". */
  title?: string;
  /** The model's people were replaced by pseudonyms (lib/report/pseudonym.ts): the footer says how to resolve them. */
  pseudonymised?: boolean;
}

// ------------------------------------------------------------------------------ blocks

type Tone = 'fail' | 'ok' | 'warn' | 'na' | 'muted';

/** A piece of text; objects carry presentation (HTML only), never extra words. */
type Span = string | { text: string; tone?: Tone; strong?: boolean; mono?: boolean; href?: string; untrusted?: boolean; nowrap?: boolean };

type Block =
  | { kind: 'h'; level: 1 | 2 | 3; spans: Span[]; id?: string }
  | { kind: 'p'; spans: Span[]; small?: boolean }
  | { kind: 'item'; lead: Span[]; lines: Span[][] }
  | { kind: 'table'; headers: string[]; rows: Span[][][] }
  | { kind: 'pre'; text: string };

const u = (text: string): Span => ({ text, untrusted: true });
const muted = (text: string): Span => ({ text, tone: 'muted' });
const mono = (text: string): Span => ({ text, mono: true });

/** `alias (123456789012)` or the id. */
export function accountLabel(a: { accountId: string; accountAlias: string | null }): string {
  return a.accountAlias ? `${a.accountAlias} (${a.accountId})` : a.accountId;
}

/** Short, human name of a resource: the part after the last `/` of an ARN (the user or role name). */
export function resourceName(resource: string): string {
  if (!resource.startsWith('arn:')) return resource;
  const slash = resource.lastIndexOf('/');
  return slash >= 0 && slash < resource.length - 1 ? resource.slice(slash + 1) : resource.slice(resource.lastIndexOf(':') + 1) || resource;
}

const pct = (n: number | null): string => (n === null ? 'n/a' : `${n}%`);
const anchor = (ruleId: string): string => `fix-${ruleId.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
/** `3 days`, `≥ 30 days`, `today`. */
function age(c: ReportChange): string {
  if (c.ageDays === null) return '';
  if (c.ageDays === 0) return c.ageIsLowerBound ? 'since the first collection (today)' : 'since today';
  return `for ${c.ageIsLowerBound ? '≥ ' : ''}${plural(c.ageDays, 'day')}`;
}
const shortHead = (hash: string | null): string => (hash ? hash.slice(0, 16) : 'none');

const REQUIREMENT_STATUS_LABEL: Record<RequirementStatus, string> = {
  FAIL: 'FAIL',
  NOT_VERIFIED: 'NOT VERIFIED',
  WARN: 'WARN',
  PASS: 'PASS',
  NOT_APPLICABLE: 'N/A',
};
const REQUIREMENT_TONE: Record<RequirementStatus, Tone> = { FAIL: 'fail', NOT_VERIFIED: 'fail', WARN: 'warn', PASS: 'ok', NOT_APPLICABLE: 'na' };

function kindBadge(c: ReportChange): Span {
  if (c.kind === 'fixed') return { text: 'FIXED', tone: 'ok', strong: true };
  if (c.kind === 'improved') return { text: 'IMPROVED', tone: 'ok', strong: true };
  if (c.kind === 'new') return { text: 'NEW', tone: 'fail', strong: true };
  if (c.kind === 'regression' || c.kind === 'worsened') return { text: 'REGRESSION', tone: 'fail', strong: true };
  return { text: 'FAILING', tone: 'warn', strong: true };
}

/** "alice, bob, carol +26" (names from the audited account: untrusted). */
function whoSpans(names: readonly string[], total: number, limits: EmailLimits): Span[] {
  const shown = names.slice(0, limits.resources).map(resourceName);
  const rest = total - shown.length;
  return [u(shown.join(', ')), ...(rest > 0 ? [muted(` +${rest} more`)] : [])];
}

/** An account-level finding (its only resource is the account's root ARN): no who/what line to show. */
const isAccountItself = (c: ReportChange): boolean => c.resourceCount === 1 && c.resources[0] === `arn:aws:iam::${c.accountId}:root`;

/** Who acts on a failure and by when (the register): an overdue plan or an expired acceptance stands out. */
function planSpan(p: NonNullable<ReportChange['plan']>): Span {
  if (p.kind === 'plan') return p.overdue ? { text: `plan: ${p.owner}, OVERDUE since ${p.dueDate}`, tone: 'fail', strong: true } : `plan: ${p.owner}, due ${p.dueDate}`;
  return p.overdue ? { text: `risk acceptance by ${p.owner} EXPIRED ${p.dueDate}`, tone: 'fail', strong: true } : `risk accepted by ${p.owner} until ${p.dueDate}`;
}

/** One line under the verdict when the register has lapsed: overdue plans and expired acceptances, counted over failing checks. */
function lapsedLine(model: ReportModel): Block[] {
  const failing = model.changes.filter((c) => c.kind !== 'fixed' && c.plan?.overdue);
  const overdue = failing.filter((c) => c.plan?.kind === 'plan').length;
  const expired = failing.length - overdue;
  if (failing.length === 0) return [];
  const parts = [overdue ? plural(overdue, 'remediation plan') + ' overdue' : '', expired ? plural(expired, 'risk acceptance') + ' expired' : ''].filter(Boolean);
  return [{ kind: 'p', spans: [{ text: `Register: ${parts.join(', ')}`, tone: 'fail', strong: true }, muted(' (marked below)')] }];
}

/** A still-failing check in one line: what, who, how long, plan; the headline links to the fix. */
function stillItem(c: ReportChange, remediated: ReadonlySet<string>, limits: EmailLimits): Block {
  const title: Span = { text: c.headline, strong: true, ...(remediated.has(c.ruleId) ? { href: `#${anchor(c.ruleId)}` } : {}) };
  const line: Span[] = [];
  if (c.resourceCount > 0 && !isAccountItself(c)) line.push(...whoSpans(c.resources, c.resourceCount, limits), muted(' · '));
  line.push(`failing ${age(c)}`);
  if (c.plan) line.push(muted(' · '), planSpan(c.plan));
  return { kind: 'item', lead: [muted(c.severity.toUpperCase()), ' ', title], lines: [line] };
}

function changeItem(c: ReportChange, remediated: ReadonlySet<string>, nowIso: string, limits: EmailLimits): Block {
  const lead: Span[] = [kindBadge(c), ' ', muted(c.severity.toUpperCase()), ' ', { text: c.kind === 'fixed' ? c.ruleTitle : c.headline, strong: true }];
  if (c.kind !== 'fixed' && c.previousResourceCount !== null && c.previousResourceCount !== c.resourceCount) lead.push(` (${c.previousResourceCount} → ${c.resourceCount})`);
  const lines: Span[][] = [];
  if (c.unverified) {
    lines.push([{ text: 'Evidence failed verification: not counted; check it with ', tone: 'fail', strong: true }, mono(`art32 verify --account ${c.accountId}`)]);
  }
  if (c.kind === 'fixed') {
    lines.push([`now ${c.status}`, ...(c.resourceCount ? [muted(' · was: '), ...whoSpans(c.resources, c.resourceCount, limits)] : [])]);
    return { kind: 'item', lead, lines };
  }
  if (c.addedResources.length) lines.push([muted('newly failing: '), ...whoSpans(c.addedResources, c.addedResources.length, limits)]);
  if (c.removedResources.length) lines.push([muted('no longer failing: '), ...whoSpans(c.removedResources, c.removedResources.length, limits)]);
  if (c.resourceCount > 0 && !isAccountItself(c)) lines.push([muted('who/what: '), ...whoSpans(c.resources, c.resourceCount, limits)]);
  if (c.kind === 'new' || c.kind === 'regression') lines.push([muted(plain(c.message))]);
  const meta: Span[] = [];
  if (c.ageDays !== null) meta.push(`failing ${age(c)}`);
  if (c.staleSince) meta.push({ text: `stale since ${dayLabel(c.staleSince, nowIso)} (collection failed)`, tone: 'warn', strong: true });
  meta.push(c.plan ? planSpan(c.plan) : muted('no plan'));
  if (remediated.has(c.ruleId)) meta.push({ text: 'how to fix', href: `#${anchor(c.ruleId)}` });
  lines.push(meta.flatMap((m, i) => (i ? [muted(' · '), m] : [m])));
  return { kind: 'item', lead, lines };
}

function integritySpans(a: AccountReport): Span[] {
  const i = a.integrity;
  if (!i) return [muted('integrity not checked')];
  if (i.problems > 0) return [{ text: `evidence: ${plural(i.problems, 'integrity problem')}`, tone: 'fail', strong: true }, ' · ', mono(`art32 verify --account ${a.accountId}`)];
  // Intact says what was checked: with the signing key, a re-sealed rewrite is caught; without it, it is not.
  const signatures: Span[] = i.signaturesChecked === undefined ? [] : i.signaturesChecked ? [muted(' · signatures verified')] : [{ text: ' · signatures not checked', tone: 'warn', strong: true }];
  const incomplete: Span[] = i.incomplete ? [{ text: ` · ${plural(i.incomplete, 'run')} incomplete`, tone: 'warn' }] : [];
  return [{ text: 'evidence intact', tone: 'ok' }, ...signatures, ...incomplete, muted(' · chain head '), mono(shortHead(i.headHash))];
}

function accountHeading(a: AccountReport, nowIso: string, staleItems: number): Block[] {
  const facts: Span[] = [muted(`score ${pct(a.score)} · ${plural(a.counts.failed, 'check')} failing · `), ...integritySpans(a)];
  const blocks: Block[] = [{ kind: 'h', level: 3, spans: [u(accountLabel(a))] }, { kind: 'p', small: true, spans: facts }];
  if (a.collectionFailedAt) {
    blocks.push({
      kind: 'p',
      small: true,
      spans: [
        {
          text: `Collection failed on ${dayLabel(a.collectionFailedAt, nowIso)} (${plural(a.errorRuleIds.length, 'check')} not verified)${staleItems ? `: last known findings shown, marked stale` : ''}.`,
          tone: 'warn',
          strong: true,
        },
      ],
    });
  }
  return blocks;
}

const moreLine = (n: number, what: string): Block[] => (n > 0 ? [{ kind: 'p', small: true, spans: [muted(`and ${n} more ${what}`)] }] : []);

function byAccount(changes: readonly ReportChange[]): Map<string, ReportChange[]> {
  const groups = new Map<string, ReportChange[]>();
  for (const c of changes) groups.set(c.accountId, [...(groups.get(c.accountId) ?? []), c]);
  return groups;
}

const CHANGE_KINDS = new Set(['new', 'regression', 'worsened', 'improved', 'fixed']);

/** The email as blocks: the single source of both parts. */
function emailBlocks(model: ReportModel, options: RenderOptions, limits: EmailLimits, shortened: boolean): Block[] {
  const t = model.totals;
  const now = model.now;
  const remediated = new Set(model.remediations.map((r) => r.id));
  const accountsById = new Map(model.accounts.map((a) => [a.accountId, a]));
  const out: Block[] = [];
  const [headline = model.verdict, ...rest] = model.verdict.split(' · ');
  out.push({ kind: 'h', level: 1, spans: [headline] });
  if (rest.length) out.push({ kind: 'p', spans: [rest.join(' · ')] });
  out.push({ kind: 'p', small: true, spans: [muted(`${options.title ?? 'art32 security evidence report'} · ${dayLabel(now, now)} ${now.slice(0, 4)} · GDPR Art. 32 and CNIL recommendations`)] });
  out.push(...lapsedLine(model));
  if (shortened) {
    out.push({ kind: 'p', small: true, spans: [muted('Shortened to stay whole in mail clients: fewer items are spelled out, every count is complete. The full list: art32 report.')] });
  }
  if (t.accountsCollected > 0) {
    const trend = model.trend.length > 1 ? ` · fleet score by day ${model.trend.map((p) => pct(p.score)).join(' → ')}` : '';
    out.push({
      kind: 'p',
      small: true,
      spans: [
        muted(
          `${t.accountsCollected} of ${plural(t.accounts, 'account')} collected · ${plural(t.passed + t.warned, 'check')} met, ${t.failed} failing, ${t.errors + t.missing} not verified, ${t.notApplicable} not applicable · score ${pct(t.score)}${trend}`,
        ),
      ],
    });
  }

  if (t.accountsCollected === 0) {
    out.push({ kind: 'h', level: 2, spans: ['Nothing was collected'], id: 'nothing' });
    out.push({
      kind: 'p',
      spans: [
        `No evidence run is recorded${t.accounts ? ` for the ${plural(t.accounts, 'expected account')}` : ''}. Check that the scheduled collection runs (Step Functions executions, the dead-letter queue and the alarm topic) and that the member accounts' read-only role can be assumed.`,
      ],
    });
    const shown = model.accounts.slice(0, limits.gaps);
    for (const a of shown) out.push({ kind: 'item', lead: [u(accountLabel(a))], lines: [[muted('never collected')]] });
    out.push(...moreLine(model.accounts.length - shown.length, 'accounts'));
    return out;
  }

  // ---- what changed, by account (accounts with integrity problems or a failed collection too)
  const changed = model.changes.filter((c) => CHANGE_KINDS.has(c.kind) || c.unverified || c.staleSince !== null);
  const groups = byAccount(changed);
  for (const a of model.accounts) if (!groups.has(a.accountId) && ((a.integrity?.problems ?? 0) > 0 || a.collectionFailedAt)) groups.set(a.accountId, []);
  const order = [...groups.keys()].sort((x, y) => {
    const ax = accountsById.get(x);
    const ay = accountsById.get(y);
    const px = (ax?.integrity?.problems ?? 0) > 0 ? 0 : 1;
    const py = (ay?.integrity?.problems ?? 0) > 0 ? 0 : 1;
    return px - py || changed.findIndex((c) => c.accountId === x) - changed.findIndex((c) => c.accountId === y);
  });
  if (order.length) {
    out.push({ kind: 'h', level: 2, spans: [`Changes since ${model.sinceLabel}`], id: 'changes' });
    let budget: number = limits.changes;
    let hiddenItems = 0;
    let hiddenAccounts = 0;
    for (const id of order) {
      const a = accountsById.get(id);
      const items = groups.get(id) ?? [];
      if (!a || (budget <= 0 && items.length > 0)) {
        hiddenAccounts++;
        hiddenItems += items.length;
        continue;
      }
      out.push(...accountHeading(a, now, items.filter((c) => c.staleSince !== null).length));
      // An overdue plan or an expired acceptance is shown before the account's other items: it is
      // what the register exists to surface (a lapsed measure is the France Travail pattern). The
      // size cap still holds (the register line under the verdict counts every lapsed one).
      const lapsedFirst = [...items.filter((c) => c.plan?.overdue), ...items.filter((c) => !c.plan?.overdue)];
      const shown = lapsedFirst.slice(0, Math.max(0, budget));
      budget -= shown.length;
      hiddenItems += items.length - shown.length;
      for (const c of shown) out.push(changeItem(c, remediated, now, limits));
    }
    out.push(...moreLine(hiddenItems, `changes${hiddenAccounts ? ` in ${plural(hiddenAccounts, 'other account')}` : ''}`));
  }

  // ---- still failing, by account (worse/better ones are above)
  const still = byAccount(model.changes.filter((c) => c.kind === 'still-failing' && c.staleSince === null));
  if (still.size) {
    out.push({ kind: 'h', level: 2, spans: ['Still failing'], id: 'still' });
    const accounts = model.accounts.filter((a) => still.has(a.accountId));
    const shown = accounts.slice(0, limits.stillFailingAccounts);
    for (const a of shown) {
      const items = still.get(a.accountId) ?? [];
      if (!groups.has(a.accountId)) out.push(...accountHeading(a, now, 0));
      else out.push({ kind: 'h', level: 3, spans: [u(accountLabel(a))] });
      const lapsed = items.filter((c) => c.plan?.overdue);
      const cap = [...lapsed, ...items.filter((c) => !c.plan?.overdue)].slice(0, limits.stillFailingPerAccount);
      for (const c of cap) out.push(stillItem(c, remediated, limits));
      out.push(...moreLine(items.length - cap.length, 'failing checks in this account'));
    }
    const hidden = accounts.slice(shown.length);
    out.push(...moreLine(hidden.length, `accounts with ${plural(hidden.reduce((n, a) => n + (still.get(a.accountId)?.length ?? 0), 0), 'failing check')}`));
  }

  // ---- by-design limits, once
  if (model.notVerifiable.length) {
    out.push({ kind: 'h', level: 2, spans: ['Not verifiable by this deployment'], id: 'limits' });
    out.push({ kind: 'p', small: true, spans: [muted('By design, not a failed collection: this source does not collect the data. Check these by other means.')] });
    for (const n of model.notVerifiable) {
      out.push({ kind: 'item', lead: [{ text: n.ruleTitle, strong: true }, muted(` · ${plural(n.accounts, 'account')}`)], lines: [[muted(plain(n.message))]] });
    }
  }

  // ---- failed collections
  if (model.collectionErrors.length) {
    out.push({ kind: 'h', level: 2, spans: ['Collection errors (not verified)'], id: 'errors' });
    const shown = model.collectionErrors.slice(0, limits.collectionErrors);
    for (const e of shown) out.push({ kind: 'item', lead: [u(accountLabel(e)), ': ', { text: e.ruleId, mono: true }], lines: [[muted(plain(e.message))]] });
    out.push(...moreLine(model.collectionErrors.length - shown.length, 'errors'));
  }

  const gapAccounts = model.accounts.filter((a) => a.gaps.length > 0 || !a.collected);
  if (gapAccounts.length) {
    out.push({ kind: 'h', level: 2, spans: [`Missed collections (expected every ${plural(model.cadenceHours, 'hour')})`], id: 'gaps' });
    const shown = gapAccounts.slice(0, limits.gaps);
    for (const a of shown) {
      const missed = a.gaps.reduce((n, x) => n + x.missedRuns, 0);
      const what = a.collected
        ? `last run ${a.lastCollectedAt ? dayLabel(a.lastCollectedAt, now) : '—'} · ${plural(missed, 'missed run')}${a.gaps.some((x) => x.overdue) ? ' · overdue now' : ''}`
        : 'never collected';
      out.push({ kind: 'item', lead: [u(accountLabel(a))], lines: [[muted(what)]] });
    }
    out.push(...moreLine(gapAccounts.length - shown.length, 'accounts'));
  }

  out.push({ kind: 'h', level: 2, spans: ['Requirements (all accounts)'], id: 'requirements' });
  out.push({
    kind: 'table',
    headers: ['Requirement', 'Status', 'Accounts failing / unverified / met'],
    rows: model.requirements.map((r) => [
      [r.label],
      // A reference case (a sanction) informs checks and has no status of its own.
      r.hasStatus ? [{ text: REQUIREMENT_STATUS_LABEL[r.status], tone: REQUIREMENT_TONE[r.status], strong: true, nowrap: true }] : [muted('no status (informs checks)')],
      [`${r.accountsFailing} / ${r.accountsNotVerified} / ${r.accountsMet}`],
    ]),
  });

  if (model.remediations.length) {
    out.push({ kind: 'h', level: 2, spans: ['How to fix'], id: 'remediation' });
    for (const r of model.remediations) out.push(...remediationBlocks(r));
  }
  out.push({ kind: 'p', small: true, spans: [muted(footerText(model))] });
  // A failed check is a point to examine, not an admission: appropriateness is the controller's risk analysis.
  out.push({ kind: 'p', small: true, spans: [muted(APPROPRIATENESS_STATEMENT)] });
  out.push({ kind: 'p', small: true, spans: [muted(purposeText(options))] });
  return out;
}

/**
 * The first sentence of a rule's rationale: the email says why in one line (the audit
 * report and `art32 explain` carry the whole text), which keeps a large fleet's mail small.
 */
export function firstSentence(text: string): string {
  const m = /^(.{20,}?\.)\s+(?=[A-Z])/.exec(text);
  return m?.[1] ?? text;
}

function remediationBlocks(r: ReportRuleInfo): Block[] {
  return [
    { kind: 'h', level: 3, spans: [r.title, muted(` · ${r.id} · ${r.severity}`)], id: anchor(r.id) },
    { kind: 'p', spans: [firstSentence(r.rationale)] },
    { kind: 'p', spans: [{ text: 'Console: ', strong: true }, r.remediation.console] },
    { kind: 'p', spans: [{ text: 'CLI:', strong: true }] },
    { kind: 'pre', text: r.remediation.cli },
  ];
}

/**
 * The purpose, on every email: activity data about people serve the security of the processing
 * only (CNIL délib. 2021-122: reuse for another purpose may be a misuse of purpose).
 */
export function purposeText(options: RenderOptions): string {
  return (
    'Purpose: the security of the processing (GDPR Art. 32) only. The people named here are named to secure accounts, ' +
    'never to evaluate staff or count working hours (see docs/activity.md).' +
    (options.pseudonymised ? ' People are shown as pseudonyms (p-…): those entitled resolve them with art32 pseudonym resolve.' : '')
  );
}

function footerText(model: ReportModel): string {
  return (
    `Generated ${model.now} from the art32 evidence store. Changes compare each account's latest sealed run with its state at ${model.sinceLabel}. ` +
    `Score = checks met (PASS or WARN) / checks evaluated; failed collections and unrecorded rules count as not verified, never as met. ` +
    `Ages count whole days since the first run of the current failing streak ("≥" when it is older than the loaded history). ` +
    `Chain heads are the first 16 hex digits of each account's newest manifest hash; the full heads are kept with the record of this send. Verify with: art32 verify.`
  );
}

/**
 * Render both parts and the subject. Pure: same model, same bytes. If a part is over
 * `EMAIL_MAX_BYTES` at the usual caps, the caps of `SHRINK_STEPS` are tried in turn (and the
 * email says it was shortened), so a large fleet's email is never clipped by the mail client.
 */
export function renderEmail(model: ReportModel, options: RenderOptions = {}): RenderedEmail {
  let rendered = renderWith(model, options, LIMITS, false);
  for (const limits of SHRINK_STEPS) {
    if (Math.max(Buffer.byteLength(rendered.html), Buffer.byteLength(rendered.text)) <= EMAIL_MAX_BYTES) break;
    rendered = renderWith(model, options, limits, true);
  }
  return rendered;
}

function renderWith(model: ReportModel, options: RenderOptions, limits: EmailLimits, shortened: boolean): RenderedEmail {
  const blocks = emailBlocks(model, options, limits, shortened);
  return {
    subject: subjectLine(`art32: ${model.verdict}`),
    html: renderHtml(model, blocks),
    text: renderText(blocks),
  };
}

// ------------------------------------------------------------------------------ HTML

// Light colours inline (every client); dark ones from the media query (Apple Mail, iOS,
// Outlook.com, Thunderbird). Text/background pairs are ≥ 7:1 (WCAG AAA) except muted (≥ 4.5:1, AA);
// a test computes them.
export const COLOURS = {
  bg: '#ffffff',
  fg: '#1a1a1a',
  muted: '#555555',
  border: '#d0d0d0',
  panel: '#f4f5f7',
  fail: '#a50e0e',
  ok: '#1b5e20',
  warn: '#7a4100',
  na: '#444444',
  link: '#0b57d0',
} as const;
const C = COLOURS;
const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace";

const HEAD_CSS = `
:root{color-scheme:light dark;supported-color-schemes:light dark}
.m{color:${C.muted}}.fail{color:${C.fail}}.ok{color:${C.ok}}.warn{color:${C.warn}}.na{color:${C.na}}
.mono{font-family:${MONO};font-size:12px}
.cmd{font-family:${MONO};background:${C.panel};padding:8px;border-radius:4px}
li{margin:0 0 10px 0}
@media (prefers-color-scheme: dark){
 body,.bg{background:#121212!important;color:#e6e6e6!important}
 .m{color:#b3b3b3!important}
 .bd{border-color:#3a3a3a!important}
 .fail{color:#ff8a80!important}
 .ok{color:#81c995!important}
 .warn{color:#fdd663!important}
 .na{color:#c4c4c4!important}
 a{color:#8ab4f8!important}
 pre{background:#1e1f22!important;color:#e6e6e6!important}
}`;

const TONE_COLOUR: Record<Tone, string> = { fail: C.fail, ok: C.ok, warn: C.warn, na: C.na, muted: C.muted };
const TONE_CLASS: Record<Tone, string> = { fail: 'fail', ok: 'ok', warn: 'warn', na: 'na', muted: 'm' };

function spanHtml(s: Span): string {
  if (typeof s === 'string') return escapeHtml(s);
  let h = s.untrusted ? untrusted(s.text) : escapeHtml(s.text);
  if (s.mono) h = `<span class="mono" style="font-family:${MONO};font-size:12px;white-space:nowrap">${h}</span>`;
  if (s.strong) h = `<strong>${h}</strong>`;
  if (s.nowrap) h = `<span style="white-space:nowrap">${h}</span>`;
  // Muted grey is decoration: its colour comes from the head CSS only (one rule, not ~40 bytes on every
  // separator). Meaningful colours (fail, ok, warn) stay inline for clients that drop <style>.
  if (s.tone) h = s.tone === 'muted' ? `<span class="m">${h}</span>` : `<span class="${TONE_CLASS[s.tone]}" style="color:${TONE_COLOUR[s.tone]}">${h}</span>`;
  if (s.href) h = `<a href="${escapeHtml(s.href)}" style="color:${C.link}">${h}</a>`;
  return h;
}
/**
 * Adjacent spans with the same presentation are rendered as one element (" +25 more" then
 * " · " in muted grey): the same words, one inline style instead of two — bytes count at 500
 * accounts (Gmail clips at 102 KB).
 */
function coalesce(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  const key = (s: Span): string | null => (typeof s === 'string' ? null : s.untrusted || s.href ? null : `${s.tone ?? ''}|${s.strong ? 1 : 0}|${s.mono ? 1 : 0}|${s.nowrap ? 1 : 0}`);
  for (const s of spans) {
    const last = out.at(-1);
    const k = key(s);
    if (last !== undefined && typeof last === 'string' && typeof s === 'string') out[out.length - 1] = last + s;
    else if (last !== undefined && typeof last !== 'string' && typeof s !== 'string' && k !== null && key(last) === k) out[out.length - 1] = { ...last, text: last.text + s.text };
    else out.push(s);
  }
  return out;
}
const spansHtml = (spans: readonly Span[]): string => coalesce(spans).map(spanHtml).join('');

const H_STYLE = { 1: 'margin:6px 0 4px 0;font-size:21px;line-height:1.3', 2: 'margin:22px 0 8px 0;font-size:18px;line-height:1.3', 3: 'margin:14px 0 4px 0;font-size:15px;line-height:1.35' };

function blocksHtml(blocks: readonly Block[]): string {
  const out: string[] = [];
  let inList = false;
  for (const b of blocks) {
    if (b.kind !== 'item' && inList) {
      out.push('</ul>');
      inList = false;
    }
    switch (b.kind) {
      case 'h':
        out.push(`<h${b.level}${b.id ? ` id="${escapeHtml(b.id)}"` : ''} style="${H_STYLE[b.level]}">${spansHtml(b.spans)}</h${b.level}>`);
        break;
      case 'p':
        out.push(`<p style="margin:0 0 8px 0${b.small ? ';font-size:13px' : ''}">${spansHtml(b.spans)}</p>`);
        break;
      case 'item':
        if (!inList) {
          out.push('<ul style="margin:4px 0 8px 0;padding:0 0 0 18px">');
          inList = true;
        }
        out.push(`<li>${spansHtml(b.lead)}${b.lines.map((l) => `<br><span style="font-size:13px">${spansHtml(l)}</span>`).join('')}</li>`);
        break;
      case 'table': {
        const head = b.headers.map((h) => `<th scope="col" class="bd m" align="left" valign="bottom" style="border-bottom:1px solid ${C.border};font-size:13px;color:${C.muted};text-align:left">${escapeHtml(h)}</th>`).join('');
        const rows = b.rows.map((r) => `<tr>${r.map((cell) => `<td class="bd" valign="top" style="border-bottom:1px solid ${C.border}">${spansHtml(cell)}</td>`).join('')}</tr>`).join('\n');
        out.push(`<table width="100%" cellpadding="5" cellspacing="0" border="0" style="border-collapse:collapse;font-size:14px;margin:0 0 8px 0"><thead><tr>${head}</tr></thead><tbody>\n${rows}</tbody></table>`);
        break;
      }
      case 'pre':
        // Wrapping inline (a phone must never scroll sideways); the panel look from the head CSS (one copy, not one per command).
        out.push(`<pre class="cmd" style="font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere;margin:0 0 12px 0">${escapeHtml(b.text)}</pre>`);
        break;
    }
  }
  if (inList) out.push('</ul>');
  return out.join('\n');
}

function renderHtml(model: ReportModel, blocks: readonly Block[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    '<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">',
    `<title>${escapeHtml(model.verdict)}</title>`,
    `<style>${HEAD_CSS}</style></head>`,
    `<body class="bg" style="margin:0;padding:0;background:${C.bg};color:${C.fg};font-family:${FONT};line-height:1.45">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="bg" style="background:${C.bg};table-layout:fixed"><tr><td align="center">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="bg" style="max-width:720px;background:${C.bg};color:${C.fg};table-layout:fixed"><tr><td style="padding:16px 16px 24px 16px;font-size:15px;text-align:left;overflow-wrap:break-word">`,
    blocksHtml(blocks),
    '</td></tr></table></td></tr></table></body></html>',
    '',
  ].join('\n');
}

// ------------------------------------------------------------------------------ text

const spanText = (s: Span): string => plain(typeof s === 'string' ? s : s.text);
const spansText = (spans: readonly Span[]): string => spans.map(spanText).join('');

function textTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length))).join('  ').trimEnd());
}

function renderText(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'h': {
        const text = spansText(b.spans);
        if (b.level === 1) out.push(text);
        else out.push('', text, ...(b.level === 2 ? ['-'.repeat([...text].length)] : []));
        break;
      }
      case 'p':
        out.push(spansText(b.spans));
        break;
      case 'item':
        out.push(`- ${spansText(b.lead)}`, ...b.lines.map((l) => `    ${spansText(l)}`));
        break;
      case 'table':
        out.push(...textTable([b.headers, ...b.rows.map((r) => r.map(spansText))]));
        break;
      case 'pre':
        out.push(...b.text.split(/\r\n|\r|\n/).map((l) => `    ${plain(l)}`));
        break;
    }
  }
  return `${out.join('\n')}\n`;
}
