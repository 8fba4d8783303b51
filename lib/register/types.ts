/**
 * The register: what the controller DECLARES, ACCEPTS, PLANS and TRIAGES, kept as evidence
 * (dated, attributed, hashed and chained like records — see ./store.ts). Rules never read the
 * store: the CLI / handler loads the items into `EvaluationContext.register` (rules stay pure).
 *
 * A declaration is a claim, not a fact art32 observed: a rule that relies on one says
 * "PASS (declared, not verified)" and names the declaration (id, hash, declarant, date).
 */
import { z } from 'zod';

const AccountId = z.string().regex(/^(\d{12}|\*)$/, 'an AWS account id is 12 digits (or * for every account)');
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD');
const Text = (what: string) => z.string({ error: `${what} is required` }).trim().min(1, `${what} is required`).max(2000);

/** The compensating controls délib. 2022-100 accepts as a restriction of access to the account. */
export const CONTROL_KINDS = ['lockout', 'captcha', 'time-delay'] as const;

/**
 * A compensating control and its CNIL parameters. IAM offers none of these for IAM users (AWS
 * documents the password policy fields; there is no lockout, captcha or delay), so a
 * declaration must name the MECHANISM that provides it (e.g. the identity provider in front of
 * the console) and an EVIDENCE reference (document, ticket, configuration export).
 */
export const CompensatingControlDeclaration = z.object({
  type: z.literal('compensating-control'),
  control: z.enum(CONTROL_KINDS),
  /** What provides it: IAM cannot, so e.g. "Okta sign-on policy in front of the AWS console". */
  mechanism: Text('mechanism'),
  /** lockout: failures before the account is blocked (CNIL: ≤ 10). */
  maxFailures: z.number().int().positive().optional(),
  /** time-delay: the delay grows exponentially with each failure. */
  exponential: z.boolean().optional(),
  /** time-delay: failures after which the first delay applies (CNIL: 5). */
  delayAfterFailures: z.number().int().positive().optional(),
  /** time-delay: that first delay, in seconds (CNIL: more than 1 minute). */
  delaySeconds: z.number().int().positive().optional(),
  /** time-delay: most failures allowed per 24 hours (CNIL: ≤ 25). */
  maxFailuresPer24h: z.number().int().positive().optional(),
  evidenceRef: Text('evidence reference'),
});

export const RetentionDeclaration = z.object({
  type: z.literal('retention'),
  /** Retention the controller has decided for the trail logs, in days. */
  days: z.number().int().positive(),
  /** internal-control: documented internal control (CNIL 2021-122: up to 3 years); legal-obligation: a text that requires longer. */
  basis: z.enum(['internal-control', 'legal-obligation']),
  /** The text or document that founds it (e.g. "Code monétaire et financier L.561-12", "internal control procedure PR-12"). */
  legalBasis: Text('legal basis'),
  evidenceRef: Text('evidence reference').optional(),
});

export const BreakGlassDeclaration = z.object({
  type: z.literal('break-glass'),
  /** Principals (user/<name>, role/<name> or ARNs) kept as emergency administrators. */
  principals: z.array(Text('principal')).min(1, 'at least one principal is required'),
  justification: Text('justification'),
  evidenceRef: Text('evidence reference').optional(),
});

/**
 * How long the evidence records are kept (lib/evidence/retention.ts). Records hold personal
 * data (names in findings, per-person activity metrics); manifests hold hashes only and are
 * kept, so the chain stays verifiable after records expire. A declared period applies to runs
 * collected after it was recorded: shortening it cannot excuse the deletion of older records.
 */
export const EvidenceRetentionDeclaration = z.object({
  type: z.literal('evidence-retention'),
  /** Days a run's records are kept after its collection. */
  recordDays: z.number({ error: 'the number of days is required' }).int().min(30, 'keep records at least 30 days').max(3660, 'at most 3660 days (10 years)'),
  /** Days the records holding per-person activity metrics are kept (≤ recordDays). */
  activityDays: z.number({ error: 'the number of days is required' }).int().min(30, 'keep activity records at least 30 days').max(3660, 'at most 3660 days (10 years)'),
  justification: Text('justification'),
  evidenceRef: Text('evidence reference').optional(),
}).refine((d) => d.activityDays <= d.recordDays, { path: ['activityDays'], message: 'activity records cannot be kept longer than the other records (--activity-days ≤ --record-days)' });
export type EvidenceRetentionDeclaration = z.infer<typeof EvidenceRetentionDeclaration>;

/** MFA enforced by an identity provider (federated sign-in): art32 cannot see it in the account. */
export const IdpMfaDeclaration = z.object({
  type: z.literal('idp-mfa'),
  mechanism: Text('mechanism'),
  evidenceRef: Text('evidence reference'),
});

export const Declaration = z.discriminatedUnion('type', [CompensatingControlDeclaration, RetentionDeclaration, BreakGlassDeclaration, IdpMfaDeclaration, EvidenceRetentionDeclaration]);
export type Declaration = z.infer<typeof Declaration>;

export const Acceptance = z.object({
  ruleId: Text('rule'),
  principals: z.array(z.string().min(1)).default([]),
  justification: Text('justification'),
  owner: Text('owner'),
  expires: Day,
});
export type Acceptance = z.infer<typeof Acceptance>;

export const Plan = z.object({
  ruleId: Text('rule'),
  action: Text('action'),
  owner: Text('owner'),
  due: Day,
  /** DPIA or risk-register reference (France Travail: DPIA measures identified, never implemented). */
  riskRef: Text('DPIA / risk reference'),
  status: z.enum(['open', 'done', 'abandoned']).default('open'),
});
export type Plan = z.infer<typeof Plan>;

export const TRIAGE_OUTCOMES = ['false-positive', 'incident', 'breach'] as const;
export const Triage = z
  .object({
    ruleId: Text('rule').default('monitoring.abnormal-activity'),
    /** The principal the finding named (user/<name>, role/<name>). */
    principal: Text('principal'),
    /** The run whose finding is triaged. */
    runId: Text('run'),
    outcome: z.enum(TRIAGE_OUTCOMES),
    note: Text('note'),
    /** Incident / breach register reference (Art. 33(5): document every breach). */
    registerRef: z.string().trim().min(1).optional(),
    /** Date the breach was notified to the CNIL (Art. 33: within 72 h), when it was. */
    notifiedOn: Day.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.outcome !== 'false-positive' && !t.registerRef)
      ctx.addIssue({ code: 'custom', path: ['registerRef'], message: `${t.outcome === 'incident' ? 'an' : 'a'} ${t.outcome} needs its incident/breach register reference (--register-ref)` });
  });
export type Triage = z.infer<typeof Triage>;

export const REGISTER_KINDS = ['declaration', 'acceptance', 'plan', 'triage', 'revocation'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];

/** Who wrote an item: the caller identity (STS GetCallerIdentity ARN, or user@host for the embedded store). */
export const Declarant = z.object({
  identity: z.string().min(1),
  /** How the identity was established: `sts` (AWS caller identity) or `os` (local user@host). */
  via: z.enum(['sts', 'os']),
});
export type Declarant = z.infer<typeof Declarant>;

/** One register item as stored: an envelope around its payload, with the chain link. */
export const RegisterItem = z.object({
  registerVersion: z.literal(1),
  /** Position in the register chain, from 1, contiguous (a deleted item leaves a hole). */
  seq: z.number().int().positive(),
  /** Stable id of the entry (`D-…`, `A-…`, `P-…`, `T-…`); a later item with the same id supersedes it. */
  id: z.string().regex(/^[DAPTR]-[0-9a-f]{12}$/),
  kind: z.enum(REGISTER_KINDS),
  accountId: AccountId,
  /** When it was written (ISO-8601 UTC). */
  recordedAt: z.string(),
  declarant: Declarant,
  payload: z.record(z.string(), z.unknown()),
  /** Hash of the previous item in the register chain (null for the first). */
  previousHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  /** SHA-256 of canonicalJson of every other field. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type RegisterItem = z.infer<typeof RegisterItem>;

/**
 * The register as a rule sees it: the current version of every entry for one account (and the
 * `*` ones), already resolved (superseded / revoked entries removed). Built by `registerView`.
 */
export interface RegisterView {
  /** The evaluation time (the snapshot's collectedAt). */
  at: string;
  entries: RegisterEntry[];
}

export interface RegisterEntry {
  id: string;
  kind: Exclude<RegisterKind, 'revocation'>;
  accountId: string;
  recordedAt: string;
  declarant: Declarant;
  hash: string;
  payload: Record<string, unknown>;
}
