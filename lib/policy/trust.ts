/**
 * Who can assume a role: a role trust policy (AssumeRolePolicyDocument) read as IAM does — Allow
 * statements on `sts:AssumeRole*` (or `sts:*`, `*`), their `Principal`, and the conditions that
 * narrow them (ExternalId, organisation, MFA, source account/ARN). Part of the one policy engine:
 * action matching is `wildcardMatch` from ./document. Trust policies cannot use NotPrincipal with
 * Allow (IAM rejects it), so it is not read here.
 */
import type { PolicyDocument, PolicyStatement } from '../snapshot';
import { wildcardMatch } from './document';
import { objectList } from './set-memo';

export type TrusteeKind = 'anyone' | 'account-root' | 'account-principal' | 'service' | 'federated';

export interface Trustee {
  kind: TrusteeKind;
  /** As written in the policy (`*`, an account id, an ARN, a service or provider name). */
  principal: string;
  /** The 12-digit account, for AWS principals. */
  account?: string;
  /** The trustee is in the role's own account. */
  sameAccount: boolean;
  /** How the statement narrows it (condition keys found, lower-cased). */
  requiresExternalId: boolean;
  requiresOrganization: boolean;
  requiresMfa: boolean;
  /** Another condition narrows who can assume (aws:SourceAccount, aws:PrincipalArn, an OIDC sub/aud, …). */
  otherConditions: string[];
}

const ASSUME_ACTIONS = ['sts:assumerole', 'sts:assumerolewithsaml', 'sts:assumerolewithwebidentity'];

const listOf = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function actionsAssume(s: PolicyStatement): boolean {
  if (s.Action !== undefined) return listOf(s.Action).some((p) => ASSUME_ACTIONS.some((a) => wildcardMatch(p, a)));
  if (s.NotAction !== undefined) return ASSUME_ACTIONS.some((a) => !listOf(s.NotAction).some((p) => wildcardMatch(p, a)));
  return false;
}

/** Condition keys of a statement, lower-cased, with the operator they appear under. */
function conditionEntries(s: PolicyStatement): { operator: string; key: string; values: string[] }[] {
  const out: { operator: string; key: string; values: string[] }[] = [];
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    if (!block || typeof block !== 'object') continue;
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) out.push({ operator, key: key.toLowerCase(), values: listOf(values) });
  }
  return out;
}

function narrowing(s: PolicyStatement): Pick<Trustee, 'requiresExternalId' | 'requiresOrganization' | 'requiresMfa' | 'otherConditions'> {
  const entries = conditionEntries(s);
  const positive = (e: { operator: string }) => !/^(StringNot|ArnNot|ForAllValues:StringNot|Null)/i.test(e.operator);
  const requiresExternalId = entries.some((e) => e.key === 'sts:externalid' && positive(e) && e.values.some((v) => v !== '*' && v !== ''));
  const requiresOrganization = entries.some((e) => (e.key === 'aws:principalorgid' || e.key === 'aws:principalorgpaths') && positive(e));
  const requiresMfa = entries.some(
    (e) =>
      (e.key === 'aws:multifactorauthpresent' && /^Bool$/i.test(e.operator) && e.values.every((v) => v.toLowerCase() === 'true')) ||
      (e.key === 'aws:multifactorauthage' && /^NumericLess/i.test(e.operator)),
  );
  const otherConditions = entries
    .filter((e) => positive(e) && !['sts:externalid', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:multifactorauthpresent', 'aws:multifactorauthage'].includes(e.key))
    .map((e) => `${e.operator}:${e.key}`);
  return { requiresExternalId, requiresOrganization, requiresMfa, otherConditions };
}

/**
 * Deny statements that refuse assumption without MFA (`BoolIfExists aws:MultiFactorAuthPresent false`,
 * or `Null aws:MultiFactorAuthPresent true`) make every Allow of the policy MFA-only.
 */
function deniesWithoutMfa(statements: readonly PolicyStatement[]): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Deny' &&
      actionsAssume(s) &&
      conditionEntries(s).some(
        (e) =>
          e.key === 'aws:multifactorauthpresent' &&
          ((/^Bool(IfExists)?$/i.test(e.operator) && e.values.every((v) => v.toLowerCase() === 'false')) || (/^Null$/i.test(e.operator) && e.values.every((v) => v.toLowerCase() === 'true'))),
      ),
  );
}

function classifyAws(principal: string, ownAccount: string): Pick<Trustee, 'kind' | 'account' | 'sameAccount'> {
  if (principal === '*') return { kind: 'anyone', sameAccount: false };
  const bare = /^\d{12}$/.exec(principal)?.[0];
  const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(principal)?.[1];
  const account = bare ?? root ?? /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
  return { kind: bare || root ? 'account-root' : 'account-principal', ...(account ? { account } : {}), sameAccount: account === ownAccount };
}

/** Everyone a trust policy lets assume the role, with what narrows each. */
export function trusteesOf(doc: PolicyDocument | undefined, ownAccount: string): Trustee[] {
  // Born with object elements (set-memo.ts `objectList`), empty or not: access.cross-account-trust
  // reads these lists in an optimised loop, where a `[]` literal's other elements kind was
  // another map to check (or, once V8 forgot the literal's site, a deopt).
  const out = objectList<Trustee>();
  if (!doc) return out;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const mfaByDeny = deniesWithoutMfa(statements);
  for (const s of statements) {
    if (s.Effect !== 'Allow' || !actionsAssume(s)) continue;
    const n = narrowing(s);
    if (mfaByDeny) n.requiresMfa = true;
    const principal = s.Principal;
    const push = (t: Pick<Trustee, 'kind' | 'principal' | 'sameAccount'> & { account?: string }) => out.push({ ...t, ...n });
    if (principal === '*') {
      push({ kind: 'anyone', principal: '*', sameAccount: false });
      continue;
    }
    if (!principal || typeof principal !== 'object') continue;
    const p = principal as Record<string, unknown>;
    for (const aws of listOf(p.AWS)) push({ principal: aws, ...classifyAws(aws, ownAccount) });
    for (const service of listOf(p.Service)) push({ kind: 'service', principal: service, sameAccount: true });
    for (const federated of listOf(p.Federated)) {
      const account = /^arn:[^:]+:iam::(\d{12}):/.exec(federated)?.[1];
      push({ kind: 'federated', principal: federated, ...(account ? { account } : {}), sameAccount: account === undefined || account === ownAccount });
    }
  }
  return out;
}
