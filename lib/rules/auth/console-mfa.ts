/**
 * auth.console-mfa — every IAM user who can sign in to the console has an active MFA device,
 * and the rule says what it cannot see: people who sign in through SAML federation or IAM
 * Identity Center authenticate at the identity provider, whose MFA setting is not in the
 * account. Judged from the credential report (one row per user, no per-user API calls) and,
 * when collected, the roles' trust policies.
 */
import { z } from 'zod';
import { ROOT_REPORT_USER, requireSection, type AccountSnapshot, type RoleDetail } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { DECLARED_BASIS, declarations, entryRef } from '../../register/view';
import { agree } from '../../support/plural';
import { objectList } from '../../policy/set-memo';

/** Identity Center (successor of AWS SSO) creates its permission-set roles under this path. */
export const IDENTITY_CENTER_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** How a role is reached by federated sign-in, or undefined: SAML provider trust, or Identity Center path. */
export function federationOf(role: RoleDetail): 'identity-center' | 'saml' | undefined {
  if (role.Path?.startsWith(IDENTITY_CENTER_ROLE_PATH)) return 'identity-center';
  const doc = role.AssumeRolePolicyDocument;
  if (!doc) return undefined;
  const statements = asList(doc.Statement) as { Effect?: string; Principal?: unknown; Action?: unknown }[];
  // Indexed loops over the values as `String` reads them, no mapped copies (5,000 roles per evaluation).
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (s.Effect !== 'Allow') continue;
    const principal = s.Principal as { Federated?: unknown } | undefined;
    if (someText(principal?.Federated, isSamlProvider) || someText(s.Action, isSamlAction)) return 'saml';
  }
  return undefined;
}

const isSamlProvider = (f: string): boolean => f.includes(':saml-provider/');
const isSamlAction = (a: string): boolean => a.toLowerCase() === 'sts:assumerolewithsaml';

/** Does `test` hold for one of the values of `v` (a value or a list, each read with `String`)? */
function someText(v: unknown, test: (text: string) => boolean): boolean {
  if (v === undefined) return false;
  if (!Array.isArray(v)) return test(String(v));
  for (let i = 0; i < v.length; i++) if (test(String(v[i]))) return true;
  return false;
}

type FederatedRole = { arn: string; via: 'identity-center' | 'saml' };

function federatedRoles(snapshot: AccountSnapshot): FederatedRole[] | undefined {
  if (!snapshot.authorizationDetails) return undefined;
  // Object elements from birth (a `[]` changed map at its first push in the loop's optimised code).
  const out = objectList<FederatedRole>();
  federatedInto(snapshot.authorizationDetails.RoleDetailList, out);
  return out;
}

/**
 * The federated roles, in order, into `out`: the loop is the whole function. As a `flatMap` callback made by
 * each call (and an array per role), the callback was compiled three times in measured runs 2-4 of one
 * realistic bench/evaluate trace (10.6 ms, --trace-opt, s17).
 */
function federatedInto(roles: readonly RoleDetail[], out: FederatedRole[]): void {
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i]!;
    const via = federationOf(r);
    if (via) out.push({ arn: r.Arn, via });
  }
}

export default defineRule({
  id: 'auth.console-mfa',
  title: 'Console users have MFA',
  area: 'auth',
  severity: 'high',
  rationale:
    'A password alone is phished, guessed or reused; in SAN-2026-003 (France Travail) the public summaries cite no MFA on the ' +
    'hijacked adviser accounts used to extract 36.8M people\'s data. The CNIL security guide (fiche 4) recommends multi-factor ' +
    'authentication, especially for access from outside. art32 sees MFA for IAM users only: for federated sign-in (SAML, IAM ' +
    'Identity Center) MFA is enforced at the identity provider, so those accounts are NOT VERIFIED unless the controller declares ' +
    'the provider\'s MFA with evidence in the register (then "PASS (declared, not verified)").',
  remediation: {
    console: 'IAM console → Users → <user> → Security credentials → Assign MFA device (or remove the console password if unused). For federated sign-in: enforce MFA in IAM Identity Center (Settings → Authentication → Multi-factor authentication: every time they sign in) or at the SAML identity provider, then record it with `art32 declare idp-mfa`.',
    cli:
      'aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png --bootstrap-method QRCodePNG && ' +
      'aws iam enable-mfa-device --user-name <user> --serial-number arn:aws:iam::<account>:mfa/<user> --authentication-code1 <code1> --authentication-code2 <code2>; ' +
      'or, for users who should not use the console: aws iam delete-login-profile --user-name <user>; ' +
      'federated: art32 declare idp-mfa --account <id> --mechanism "<IdP and policy>" --evidence-ref <doc>',
  },
  references: [REF.gdpr32_1_b, REF.cnilGuide4, REF.cnilSan2026_003],
  sections: ['credentialReport'],
  parameters: z.object({}),
  evaluate(snapshot, _params, context) {
    const report = requireSection(snapshot, 'credentialReport');
    const consoleUsers = report.rows.filter((r) => r.user !== ROOT_REPORT_USER && r.password_enabled === true);
    const withoutMfa = consoleUsers.filter((r) => !r.mfa_active);
    const federated = federatedRoles(snapshot);
    const idpMfa = declarations(context.register, 'idp-mfa')[0];
    const observed: Record<string, unknown> = {
      consoleUsers: consoleUsers.length,
      consoleUsersWithoutMfa: withoutMfa.length,
      usersWithoutMfa: withoutMfa.map((r) => r.user),
      credentialReportGeneratedTime: report.GeneratedTime,
      federatedRoles: federated ?? 'authorization details not collected: federated sign-in not checked',
      notVisible: 'MFA enforced by an identity provider (SAML, IAM Identity Center) is not visible in the account',
      seeAlso: 'auth.federated-access (federated permission sets, administrator-equivalent access, session lengths)',
    };
    const threshold = { consoleUsersWithoutMfa: 0, federatedSignIn: 'MFA at the identity provider, declared with evidence' };
    if (withoutMfa.length > 0) {
      return {
        status: 'FAIL',
        message: `${withoutMfa.length} of ${consoleUsers.length} console users ${agree(withoutMfa.length, 'has', 'have')} no active MFA: ${withoutMfa.slice(0, 5).map((r) => r.user).join(', ')}${withoutMfa.length > 5 ? ', …' : ''}.`,
        observed,
        threshold,
        resources: withoutMfa.map((r) => r.arn),
      };
    }
    const iamPart = consoleUsers.length ? `All ${consoleUsers.length} IAM console users have an active MFA device` : 'No IAM user has a console password';
    if (federated && federated.length > 0) {
      const kinds = [...new Set(federated.map((f) => (f.via === 'saml' ? 'SAML' : 'IAM Identity Center')))].join(' and ');
      if (idpMfa) {
        const ref = entryRef(idpMfa.entry);
        return {
          status: 'PASS',
          message: `PASS (declared, not verified): ${iamPart}; ${federated.length} role(s) are reached by ${kinds} sign-in, whose MFA is declared in ${ref.id} by ${ref.declaredBy} on ${ref.recordedAt.slice(0, 10)} (${idpMfa.declaration.mechanism}; evidence: ${idpMfa.declaration.evidenceRef}).`,
          observed: { ...observed, basis: DECLARED_BASIS, declaration: ref },
          threshold,
          resources: federated.map((f) => f.arn),
        };
      }
      return {
        status: 'ERROR',
        message: `NOT VERIFIED for federated access: ${iamPart}, but ${federated.length} role(s) are reached by ${kinds} sign-in and MFA at the identity provider is not visible in the account. Declare it with evidence (art32 declare idp-mfa) or check it at the provider; auth.federated-access names their administrator-equivalent permission sets and session lengths.`,
        observed,
        threshold,
        resources: federated.map((f) => f.arn),
      };
    }
    if (consoleUsers.length === 0) {
      return {
        status: 'NOT_APPLICABLE',
        message: federated
          ? 'No IAM user has a console password and no role is reached by SAML or IAM Identity Center sign-in: only root signs in to the console (see auth.root-mfa).'
          : 'No IAM user has a console password. Federated sign-in (SAML, IAM Identity Center) was not checked: authorization details were not collected, and MFA at an identity provider is not visible in the account.',
        observed,
        threshold,
        resources: [],
      };
    }
    return {
      status: 'PASS',
      message: `${iamPart}${federated ? '; no role is reached by SAML or IAM Identity Center sign-in' : '; federated sign-in was not checked (authorization details not collected)'}.`,
      observed,
      threshold,
      resources: [],
    };
  },
});
