/**
 * Pure functions over the register: which entries are in force for an account at a time, and
 * what a declared compensating control is worth against délibération 2022-100. No I/O.
 */
import { Acceptance, CompensatingControlDeclaration, Declaration, Plan, type RegisterEntry, type RegisterItem, type RegisterView } from './types';

/**
 * The register as of `at` for one account: the latest version of each entry id recorded at or
 * before `at`, for this account or `*`, minus revoked entries.
 */
export function registerView(items: readonly RegisterItem[], accountId: string, at: string): RegisterView {
  const latest = new Map<string, RegisterItem>();
  for (const item of [...items].sort((a, b) => a.seq - b.seq)) {
    if (item.recordedAt > at) continue;
    if (item.accountId !== accountId && item.accountId !== '*') continue;
    latest.set(item.id, item);
  }
  const entries: RegisterEntry[] = [];
  for (const item of latest.values()) {
    if (item.kind === 'revocation') continue;
    entries.push({ id: item.id, kind: item.kind, accountId: item.accountId, recordedAt: item.recordedAt, declarant: item.declarant, hash: item.hash, payload: item.payload });
  }
  return { at, entries: entries.sort((a, b) => a.id.localeCompare(b.id)) };
}

/** What a finding records about a register entry it relied on (enough to find and verify it). */
export function entryRef(e: RegisterEntry): { id: string; hash: string; declaredBy: string; recordedAt: string } {
  return { id: e.id, hash: e.hash, declaredBy: e.declarant.identity, recordedAt: e.recordedAt };
}

export function declarations<T extends Declaration['type']>(view: RegisterView | undefined, type: T): { entry: RegisterEntry; declaration: Extract<Declaration, { type: T }> }[] {
  if (!view) return [];
  const out: { entry: RegisterEntry; declaration: Extract<Declaration, { type: T }> }[] = [];
  for (const entry of view.entries) {
    if (entry.kind !== 'declaration') continue;
    const parsed = Declaration.safeParse(entry.payload);
    if (parsed.success && parsed.data.type === type) out.push({ entry, declaration: parsed.data as Extract<Declaration, { type: T }> });
  }
  return out;
}

/** The CNIL 2022-100 parameters of a restriction of access (the recommendation's case 2). */
export const CNIL_RESTRICTION = {
  lockoutMaxFailures: 10,
  timeDelayAfterFailures: 5,
  timeDelayMinSeconds: 60,
  timeDelayMaxFailuresPer24h: 25,
} as const;

export interface ControlJudgement {
  /** True when the declaration states every parameter the CNIL recommends for this control. */
  restricts: boolean;
  /** Why not (each missing or out-of-range parameter), or the parameters that make it count. */
  reasons: string[];
}

/**
 * Judge a declared compensating control against délib. 2022-100's restriction of access: a
 * bare word ("lockout") is never enough — the threshold, the delays, the mechanism (IAM has
 * none of its own) and the evidence reference must be declared.
 */
export function judgeDeclaredControl(input: unknown): ControlJudgement {
  const parsed = CompensatingControlDeclaration.safeParse(input);
  if (!parsed.success) return { restricts: false, reasons: parsed.error.issues.map((i) => `${i.path.join('.') || 'declaration'}: ${i.message}`) };
  const d = parsed.data;
  const reasons: string[] = [];
  if (d.control === 'lockout') {
    if (d.maxFailures === undefined) reasons.push('lockout declared without its threshold (maxFailures)');
    else if (d.maxFailures > CNIL_RESTRICTION.lockoutMaxFailures) reasons.push(`lockout after ${d.maxFailures} failures: the CNIL recommends blocking after ≤ ${CNIL_RESTRICTION.lockoutMaxFailures}`);
  }
  if (d.control === 'time-delay') {
    if (d.exponential !== true) reasons.push('time-delay not declared as growing exponentially');
    if (d.delayAfterFailures === undefined || d.delayAfterFailures > CNIL_RESTRICTION.timeDelayAfterFailures)
      reasons.push(`time-delay counted only when it starts after ≤ ${CNIL_RESTRICTION.timeDelayAfterFailures} failures, as art32 reads the CNIL recommendation (declared: ${d.delayAfterFailures ?? 'none'})`);
    if (d.delaySeconds === undefined || d.delaySeconds <= CNIL_RESTRICTION.timeDelayMinSeconds)
      reasons.push(`time-delay counted only when it exceeds ${CNIL_RESTRICTION.timeDelayMinSeconds} s after those failures (declared: ${d.delaySeconds ?? 'none'})`);
    if (d.maxFailuresPer24h === undefined || d.maxFailuresPer24h > CNIL_RESTRICTION.timeDelayMaxFailuresPer24h)
      reasons.push(`time-delay counted only when it allows ≤ ${CNIL_RESTRICTION.timeDelayMaxFailuresPer24h} failures per 24 h (declared: ${d.maxFailuresPer24h ?? 'none'})`);
  }
  if (reasons.length > 0) return { restricts: false, reasons };
  const params =
    d.control === 'lockout'
      ? `blocking after ${d.maxFailures} failures`
      : d.control === 'time-delay'
        ? `exponential delay, ${d.delaySeconds} s after ${d.delayAfterFailures} failures, ≤ ${d.maxFailuresPer24h} failures/24 h`
        : 'captcha';
  return { restricts: true, reasons: [`${params} provided by ${d.mechanism} (evidence: ${d.evidenceRef})`] };
}

export interface RuleRegisterStatus {
  acceptances: { id: string; hash: string; owner: string; expires: string; expired: boolean; principals: string[]; justification: string }[];
  plans: { id: string; hash: string; owner: string; due: string; overdue: boolean; status: string; riskRef: string; action: string }[];
}

/** Acceptances and plans recorded for a rule, with expiry / overdue judged at `view.at`. */
export function registerStatusForRule(view: RegisterView | undefined, ruleId: string): RuleRegisterStatus {
  const out: RuleRegisterStatus = { acceptances: [], plans: [] };
  if (!view) return out;
  const day = view.at.slice(0, 10);
  for (const e of view.entries) {
    if (e.kind === 'acceptance') {
      const a = Acceptance.safeParse(e.payload);
      if (a.success && a.data.ruleId === ruleId)
        out.acceptances.push({ id: e.id, hash: e.hash, owner: a.data.owner, expires: a.data.expires, expired: a.data.expires < day, principals: a.data.principals, justification: a.data.justification });
    } else if (e.kind === 'plan') {
      const p = Plan.safeParse(e.payload);
      if (p.success && p.data.ruleId === ruleId)
        out.plans.push({ id: e.id, hash: e.hash, owner: p.data.owner, due: p.data.due, overdue: p.data.status === 'open' && p.data.due < day, status: p.data.status, riskRef: p.data.riskRef, action: p.data.action });
    }
  }
  return out;
}

/** One sentence for a finding's message: who accepted or plans what, and what has lapsed. */
export function registerNote(status: RuleRegisterStatus): string {
  const parts: string[] = [];
  for (const a of status.acceptances)
    parts.push(a.expired ? `risk acceptance ${a.id} by ${a.owner} EXPIRED on ${a.expires}` : `risk accepted by ${a.owner} until ${a.expires} (${a.id})`);
  for (const p of status.plans.filter((x) => x.status === 'open'))
    parts.push(p.overdue ? `remediation plan ${p.id} (${p.owner}) OVERDUE since ${p.due}` : `remediation planned by ${p.owner} for ${p.due} (${p.id}, ${p.riskRef})`);
  return parts.join('; ');
}

/** Marker put in `observed.basis` of a PASS that rests on a declaration. */
export const DECLARED_BASIS = 'declared, not verified' as const;

/** True when a finding passed on a declaration rather than on observed facts. */
export const isDeclaredPass = (f: { status: string; observed: Record<string, unknown> }): boolean => f.status === 'PASS' && f.observed.basis === DECLARED_BASIS;
