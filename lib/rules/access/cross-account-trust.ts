/**
 * access.cross-account-trust — who, outside the role's own principals, can assume each role:
 * trust policies that let another account (a partner), any AWS account (`*`) or any identity of a
 * federated provider in without a narrowing condition (sts:ExternalId, aws:PrincipalOrgID, MFA),
 * and roles trusting an account root — the whole account — without MFA (the break-glass case).
 * Trust policies are read by lib/policy/trust.ts (the one policy engine).
 */
import { z } from 'zod';
import { requireSection, type RoleDetail } from '../../snapshot';
import { trusteesOf, type Trustee } from '../../policy/trust';
import { JsonTexts } from '../../policy/json-equal';
import { objectList } from '../../policy/set-memo';
import { defineRule } from '../types';
import { REF } from '../support/references';

export const CrossAccountTrustParameters = z.object({
  /** Accounts of your own organisation (12 digits) trusted without a condition: listed, not failed. */
  trustedAccounts: z.array(z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits')).default([]),
  /** A role trusting its own account's root (every principal the account allows) must require MFA. */
  requireMfaForAccountRoot: z.boolean().default(true),
});

export interface TrustProblem {
  role: string;
  principal: string;
  problem: string;
}

function problemOf(t: Trustee, trusted: ReadonlySet<string>, requireMfaForAccountRoot: boolean): string | undefined {
  const narrowed = t.requiresExternalId || t.requiresOrganization || t.requiresMfa;
  switch (t.kind) {
    case 'anyone':
      return t.requiresOrganization || t.otherConditions.some((c) => /aws:(sourceaccount|principalaccount|principalarn|sourcearn)$/.test(c))
        ? undefined
        : 'any AWS account can assume it (Principal "*")';
    case 'account-root':
    case 'account-principal':
      if (t.sameAccount) return t.kind === 'account-root' && requireMfaForAccountRoot && !t.requiresMfa ? 'trusts its own account root without an MFA condition' : undefined;
      if (t.account && trusted.has(t.account)) return undefined;
      return narrowed ? undefined : `trusts account ${t.account ?? t.principal} without sts:ExternalId, aws:PrincipalOrgID or MFA condition`;
    case 'federated':
      return t.requiresMfa || t.otherConditions.length > 0 ? undefined : `any identity of ${t.principal} can assume it (no condition)`;
    default:
      return undefined;
  }
}

/** One distinct trust document's trustees and their problems (read-only once stored). */
interface DocumentRead {
  trustees: Trustee[];
  problems: (string | undefined)[];
}

/**
 * Every role's trust problems and partner accounts. JIT shaping, measured with --trace-opt/
 * --trace-deopt on bench/evaluate.ts: a rule's `evaluate` runs once per evaluation, so a loop in
 * it was compiled on-stack with the whole function, and code met once per evaluation (the
 * message's callbacks, set-up before the loop that ran before the function had type feedback)
 * deoptimised it, so each later evaluation compiled it again. Here the state is made by the
 * constructor (never optimised) and `run` is the loop and nothing else; the lists it pushes to
 * are born with object elements (lib/policy/set-memo.ts `objectList`).
 */
class TrustScan {
  public readonly problems = objectList<TrustProblem>();
  public readonly partners = new Map<string, { roles: Set<string>; narrowed: boolean; declared: boolean }>();
  public readonly undocumented = objectList<string>();
  // Roles often share one trust policy (every Lambda role trusting lambda.amazonaws.com): the
  // trustees and their problems depend only on the document's contents (and this evaluation's
  // account and parameters), so each distinct document is read once. Read-only once stored.
  // Told apart by `JsonTexts` ids (equal exactly when the JSON texts are) rather than by a JSON
  // text per role: 5,000 roles' texts were megabytes of short-lived strings, hashed again by the Map.
  private readonly texts = new JsonTexts();
  private readonly reads = objectList<DocumentRead>();

  public constructor(
    private readonly trusted: ReadonlySet<string>,
    private readonly requireMfaForAccountRoot: boolean,
    private readonly account: string,
  ) {}

  public run(roles: readonly RoleDetail[]): void {
    // Indexed: this loop runs once per evaluation, partly before optimisation, where for...of allocates per element.
    for (let i = 0; i < roles.length; i++) {
      const r = roles[i]!;
      if (!r.AssumeRolePolicyDocument) {
        this.undocumented.push(r.Arn);
        continue;
      }
      const doc = r.AssumeRolePolicyDocument;
      // Bounds checked here: a new document's id is one past the end, and that out-of-bounds read deoptimised
      // the loop's optimised code in a later evaluation ("out of bounds", --trace-deopt-verbose, s17), which
      // was compiled again (11 + 9 ms of TurboFan in steady pessimistic runs 2-3).
      const id = this.texts.idOf(doc);
      let read = id < this.reads.length ? this.reads[id] : undefined;
      if (!read) {
        const trustees = trusteesOf(doc, this.account);
        // Born with object elements (not `map`'s array, whose elements kind varies with its contents).
        const problems = objectList<string | undefined>();
        for (let k = 0; k < trustees.length; k++) problems.push(problemOf(trustees[k]!, this.trusted, this.requireMfaForAccountRoot));
        read = { trustees, problems };
        // Ids are dense in first-seen order: a new document's id is the next slot.
        this.reads.push(read);
      }
      for (let i = 0; i < read.trustees.length; i++) {
        const t = read.trustees[i]!;
        if ((t.kind === 'account-root' || t.kind === 'account-principal') && !t.sameAccount && t.account) {
          const p = this.partners.get(t.account) ?? { roles: new Set<string>(), narrowed: true, declared: this.trusted.has(t.account) };
          p.roles.add(r.RoleName);
          p.narrowed &&= t.requiresExternalId || t.requiresOrganization || t.requiresMfa;
          this.partners.set(t.account, p);
        }
        const problem = read.problems[i];
        if (problem) this.problems.push({ role: r.Arn, principal: t.principal, problem });
      }
    }
  }
}

export default defineRule({
  id: 'access.cross-account-trust',
  title: 'Roles trust only narrowed principals (partners with ExternalId or organisation, account root with MFA)',
  area: 'access',
  severity: 'high',
  rationale:
    'A role\'s trust policy decides who can become it. Trusting another account lets every administrator of that account in — in the France ' +
    'Travail case (SAN-2026-003, public summaries) the attackers used hijacked accounts of partner organisations\' advisers. Without sts:ExternalId, aws:PrincipalOrgID or an MFA ' +
    'condition, a partner\'s compromise is yours; trusting your own account root without MFA lets any user allowed by an identity ' +
    'policy assume the role with a password alone. GDPR Art. 32(1)(b) and 25(2) ask for access limited to what is necessary; the CNIL ' +
    'security guide recommends managing and reviewing access rights (fiche 5) and strong authentication (fiche 4).',
  remediation: {
    console:
      'IAM console → Roles → <role> → Trust relationships → Edit trust policy: add "Condition": {"StringEquals": {"sts:ExternalId": "<secret agreed with the partner>"}} ' +
      'for a partner, {"StringEquals": {"aws:PrincipalOrgID": "o-…"}} for your organisation, or {"Bool": {"aws:MultiFactorAuthPresent": "true"}} for people; remove trusts nobody needs.',
    cli: 'aws iam get-role --role-name <role> --query Role.AssumeRolePolicyDocument; aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json',
  },
  references: [REF.gdpr32_1_b, REF.gdpr25_2, REF.cnilGuide5, REF.cnilGuide4, REF.cnilSan2026_003],
  sections: ['authorizationDetails'],
  parameters: CrossAccountTrustParameters,
  evaluate(snapshot, params) {
    const roles = requireSection(snapshot, 'authorizationDetails').RoleDetailList;
    const trusted = new Set(params.trustedAccounts);
    const scan = new TrustScan(trusted, params.requireMfaForAccountRoot, snapshot.account.id);
    scan.run(roles);
    const { problems, partners, undocumented } = scan;
    const observed = {
      rolesChecked: roles.length,
      problems,
      partnerAccounts: [...partners.entries()].map(([account, p]) => ({ account, roles: [...p.roles].sort(), narrowed: p.narrowed, declaredTrusted: p.declared })),
      rolesWithoutTrustPolicy: undocumented,
    };
    const resources = [...new Set(problems.map((p) => p.role))];
    if (problems.length > 0) {
      return {
        status: 'FAIL',
        message: `${resources.length} role(s) can be assumed by principals no condition narrows: ${problems.slice(0, 4).map((p) => `${p.role.split('/').pop()} (${p.problem})`).join('; ')}${problems.length > 4 ? '; …' : ''}.`,
        observed,
        threshold: params,
        resources,
      };
    }
    if (undocumented.length > 0) {
      return {
        status: 'ERROR',
        message: `The trust policy of ${undocumented.length} role(s) is not in the snapshot: ${undocumented.slice(0, 3).join(', ')}.`,
        observed,
        threshold: params,
        resources: undocumented,
      };
    }
    return {
      status: 'PASS',
      message: `Every role's trust policy is narrowed (${roles.length} roles; ${partners.size} partner account(s): ${[...partners.keys()].join(', ') || 'none'}).`,
      observed,
      threshold: params,
      resources: [],
    };
  },
});
