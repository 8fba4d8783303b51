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
import { recordIntegrity, verifyAccountItems, type AccountVerification } from '../evidence/verify';
import { storeRetention } from '../evidence/expiry';
import type { SignatureVerifier } from '../evidence/signing';
import { canonicalJson } from '../evidence/canonical';
import { keys } from '../evidence/table';
import type { Framework, Requirement } from '../frameworks/types';
import type { Rule } from '../rules/types';
import { loadCollectionContexts, type StoredContext } from '../accountability/context';
import { RegisterStore, verifyRegisterItems, type RegisterVerification } from '../register/store';
import { registerStatusForRule, registerView, type RuleRegisterStatus } from '../register/view';
import type { RegisterEntry, RegisterItem } from '../register/types';

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
  /** The trusted public key: manifest signatures are checked (the document says whether they were). */
  verifier?: SignatureVerifier;
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
  /** Every rule once, judged on its latest record of the period, with its register status. */
  checks: AuditCheck[];
  /** The register in force for the account when the document is made (declarations, acceptances, plans, triage). */
  register: RegisterEntry[];
  /** The register chain verified as a whole (null when the store holds no register). */
  registerVerification: RegisterVerification | null;
  /** Who collected each run and what it could see, as recorded at collect time (absent for runs of older versions). */
  contexts: StoredContext[];
  /** Records of the period that verification does not vouch for, by record hash: why. Shown marked, never as genuine. */
  notIntact: Record<string, string>;
}

/** One rule's standing in the period: what the latest record says, since when it fails, who acts on it. */
export interface AuditCheck {
  id: string;
  title: string;
  severity: string;
  /** The rule's latest record in the period (undefined: no record, so not verified). */
  latest?: EvidenceRecord;
  /**
   * For a failing check: when the current run of FAIL records began. `atPeriodStart` = the
   * first record of the period already failed (it may have failed before the period).
   */
  firstFailed?: { at: string; atPeriodStart: boolean };
  /** Short names of the requirements that list the rule (e.g. "Art. 32(1)(b)"). */
  requirements: string[];
  /** Acceptances and remediation plans of the register for this rule, judged at the end of the period. */
  register: RuleRegisterStatus;
}

export interface AuditInput extends AuditOptions {
  records: readonly EvidenceRecord[];
  manifests: readonly RunManifest[];
  verification: AccountVerification;
  rules: readonly Rule[];
  frameworks: readonly Framework[];
  unreadableItems?: number;
  /** Raw register items of the store (the audit shows those in force for the account at the end of the period). */
  registerItems?: readonly RegisterItem[];
  registerVerification?: RegisterVerification | null;
  contexts?: readonly StoredContext[];
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
  // The register as it stands when the document is made: who acts on each failure now, what
  // was accepted until when (each entry shows when it was recorded).
  const view = registerView(input.registerItems ?? [], input.accountId, input.now);
  return {
    checks: auditChecks(requirements, records, view, new Set(input.manifests.filter((mf) => mf.previous === null).map((mf) => mf.runId))),
    register: view.entries,
    registerVerification: input.registerVerification ?? null,
    contexts: [...(input.contexts ?? [])],
    notIntact: notIntactRecords(records, input.verification),
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

/**
 * Records that verification does not vouch for: a problem names the record's own key, or the
 * run it belongs to (a forged or broken manifest makes every record of the run unproven).
 */
function notIntactRecords(records: readonly EvidenceRecord[], v: AccountVerification): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of records) {
    const integrity = recordIntegrity(v, keys.recordSk(r.collectedAt, r.runId, r.ruleId));
    if (!integrity.intact) out[r.hash] = integrity.reason;
  }
  return out;
}

/** Each rule once, in catalogue order of the requirements, with the start of its current FAIL streak. */
function auditChecks(requirements: readonly AuditRequirement[], records: readonly EvidenceRecord[], view: ReturnType<typeof registerView>, chainStarts: ReadonlySet<string>): AuditCheck[] {
  const checks = new Map<string, AuditCheck>();
  for (const req of requirements) {
    for (const rule of req.rules) {
      const check = checks.get(rule.id) ?? { id: rule.id, title: rule.title, severity: rule.severity, requirements: [], register: registerStatusForRule(view, rule.id) };
      // A sanction informs the check; listed bare beside the articles it would read as one more requirement.
      const name = req.requirement.kind === 'reference-case' ? `informed by ${req.requirement.shortName}` : req.requirement.shortName;
      if (!check.requirements.includes(name)) check.requirements.push(name);
      checks.set(rule.id, check);
    }
  }
  for (const check of checks.values()) {
    const own = records.filter((r) => r.ruleId === check.id); // oldest first
    const latest = own.at(-1);
    if (!latest) continue;
    check.latest = latest;
    if (latest.status !== 'FAIL') continue;
    let start = own.length - 1;
    while (start > 0 && own[start - 1]?.status === 'FAIL') start--;
    const first = own[start] ?? latest;
    // Failing from the period's first record: it may have failed before, unless that record's run started the chain.
    check.firstFailed = { at: first.collectedAt, atPeriodStart: start === 0 && !chainStarts.has(first.runId) };
  }
  return [...checks.values()];
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
  const verification = verifyAccountItems(options.accountId, items, options.from, {
    ...(options.verifier ? { verifier: options.verifier } : {}),
    // Records removed after their retention read as expired, not deleted — judged at the
    // document's own instant, as its register is (`report --audit --now`).
    retention: (await storeRetention(store, options.now))(options.accountId),
  });
  // The register: its entries in force for the account, and its own chain verified (a second
  // Query only when the store holds a register).
  const registerStore = new RegisterStore(store.documentClient, store.tableName);
  const rawRegister = await registerStore.rawItems();
  const registerItems = rawRegister.length ? await registerStore.items() : [];
  const registerVerification = rawRegister.length ? verifyRegisterItems(rawRegister) : null;
  const contexts = await loadCollectionContexts(store.documentClient, store.tableName, options.accountId, lower, upper);
  return buildAuditModel({ ...options, records, manifests, verification, unreadableItems: unreadable, registerItems, registerVerification, contexts });
}

export { renderAuditHtml } from './audit-html';
