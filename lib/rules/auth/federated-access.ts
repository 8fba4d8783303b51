/**
 * auth.federated-access — the people who sign in through IAM Identity Center or a SAML identity
 * provider: which permission sets / federated roles give administrator rights (named through the
 * one policy engine, lib/policy), and how long their sessions last. An administrator session that
 * outlives the AWS default (one hour) keeps a stolen browser session useful for the whole working
 * day. MFA at the provider is not exposed by these APIs: auth.console-mfa says so and takes a
 * declaration. Whatever cannot be read (an organisation instance seen from a member account, a
 * role without its session length) is NOT VERIFIED — never PASS.
 */
import { z } from 'zod';
import { requireSection, type AuthorizationDetails, type PermissionSet, type RoleDetail } from '../../snapshot';
import { assessAdmin } from '../../policy/admin';
import { principalsOf, resolvePrincipals } from '../../policy/principals';
import { incompleteOf } from '../support/incomplete';
import { federationOf } from './console-mfa';
import { defineRule } from '../types';
import { REF } from '../support/references';

export const FederatedAccessParameters = z.object({
  /**
   * Longest session, in hours, for an administrator-equivalent permission set or federated role.
   * Default 1: the session duration AWS gives a permission set unless changed (industry practice).
   */
  maxAdminSessionHours: z.number().positive().max(12).default(1),
});

/** `PT8H`, `PT1H30M`, `PT3600S` → hours; undefined when not an ISO-8601 time duration. */
export function isoDurationHours(duration: string | undefined): number | undefined {
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(duration ?? '');
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return undefined;
  return Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
}

/** `AWSReservedSSO_<PermissionSetName>_<16 hex>` → the permission set's name. */
export function permissionSetNameOfRole(roleName: string): string | undefined {
  return /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(roleName)?.[1];
}

export interface FederatedEntry {
  kind: 'permission-set' | 'identity-center-role' | 'saml-role';
  name: string;
  arn: string;
  admin: boolean;
  /** Session length in hours, or undefined when it could not be read. */
  sessionHours?: number;
  /** Why the rights are only a lower bound (documents not collected). */
  incomplete?: string[];
}

/**
 * Permission sets judged like roles: their managed, inline and customer-managed policies are
 * resolved by lib/policy against this account's policy documents.
 */
function assessPermissionSets(sets: readonly PermissionSet[], details: AuthorizationDetails, account: string): Map<string, { admin: boolean; incomplete?: string[] }> {
  const asRoles: RoleDetail[] = sets.map((ps) => ({
    RoleName: ps.Name,
    Arn: ps.PermissionSetArn,
    AttachedManagedPolicies: [
      ...ps.AttachedManagedPolicies.map((m) => ({ PolicyName: m.Name ?? m.Arn.split('/').pop() ?? m.Arn, PolicyArn: m.Arn })),
      ...ps.CustomerManagedPolicyReferences.map((c) => ({ PolicyName: c.Name, PolicyArn: `arn:aws:iam::${account}:policy${c.Path ?? '/'}${c.Name}` })),
    ],
    RolePolicyList: ps.InlinePolicy ? [{ PolicyName: 'inline', PolicyDocument: ps.InlinePolicy }] : [],
  }));
  const principals = resolvePrincipals({ UserDetailList: [], GroupDetailList: [], RoleDetailList: asRoles, Policies: details.Policies });
  const out = new Map<string, { admin: boolean; incomplete?: string[] }>();
  for (const p of principals) {
    const a = assessAdmin(p);
    const gap = a.admin ? undefined : incompleteOf(p);
    out.set(p.arn, { admin: a.admin, ...(gap ? { incomplete: gap.missing } : {}) });
  }
  return out;
}

const hours = (h: number | undefined) => (h === undefined ? 'unknown' : `${Number(h.toFixed(2))} h`);

export default defineRule({
  id: 'auth.federated-access',
  title: 'Federated sign-in (IAM Identity Center, SAML): administrator-equivalent access named, short sessions',
  area: 'auth',
  severity: 'high',
  rationale:
    'People who sign in through IAM Identity Center or a SAML identity provider never appear as IAM users: the user-based rules do not see ' +
    'them. In the France Travail case (SAN-2026-003, public summaries) hijacked accounts of partner organisations\' advisers were the way in; ' +
    'federated sign-ins are such accounts on AWS. Who gets administrator-equivalent ' +
    'rights through a permission set, and for how long a session stays valid, decide what one stolen session is worth. GDPR Art. 32(1)(b) and ' +
    '25(2) ask for access limited to what is necessary; the CNIL security guide recommends strong authentication and a specific policy for ' +
    'administrators (fiches 4 and 9) and reviewing access rights (fiche 5). AWS gives a permission set a one-hour session unless it is changed.',
  remediation: {
    console:
      'IAM Identity Center console → Permission sets → <set> → Edit → Session duration: 1 hour for administrator-equivalent sets; IAM console → Roles → <SAML role> → Maximum session duration. ' +
      'Enforce MFA in Identity Center (Settings → Authentication) or at the identity provider and record it with `art32 declare idp-mfa` (see auth.console-mfa).',
    cli:
      'aws sso-admin update-permission-set --instance-arn <instance> --permission-set-arn <set> --session-duration PT1H && aws sso-admin provision-permission-set --instance-arn <instance> --permission-set-arn <set> --target-type ALL_PROVISIONED_ACCOUNTS; ' +
      'aws iam update-role --role-name <role> --max-session-duration 3600',
  },
  references: [REF.gdpr32_1_b, REF.gdpr25_2, REF.cnilGuide4, REF.cnilGuide9, REF.cnilGuide5, REF.awsPermissionSetSession, REF.cnilSan2026_003],
  sections: ['authorizationDetails', 'samlFederation'],
  parameters: FederatedAccessParameters,
  evaluate(snapshot, params) {
    const details = requireSection(snapshot, 'authorizationDetails');
    const saml = requireSection(snapshot, 'samlFederation');
    const center = snapshot.identityCenter;
    const account = snapshot.account.id;

    const sessionOfRole = new Map(saml.roleSessions.map((r) => [r.Arn, r.MaxSessionDuration]));
    const permissionSets = (center?.instances ?? []).flatMap((i) => i.permissionSets.map((ps) => ({ ...ps, instance: i.InstanceArn })));
    const setByName = new Map(permissionSets.map((ps) => [ps.Name, ps]));
    const setAssessment = assessPermissionSets(permissionSets, details, account);
    const principals = new Map(principalsOf(details).map((p) => [p.arn, p]));

    const entries: FederatedEntry[] = [];
    for (const ps of permissionSets) {
      const a = setAssessment.get(ps.PermissionSetArn);
      entries.push({ kind: 'permission-set', name: ps.Name, arn: ps.PermissionSetArn, admin: a?.admin ?? false, sessionHours: isoDurationHours(ps.SessionDuration), ...(a?.incomplete ? { incomplete: a.incomplete } : {}) });
    }
    // Indexed: this loop runs once per evaluation, partly before optimisation, where for...of allocates per element.
    for (let i = 0; i < details.RoleDetailList.length; i++) {
      const role = details.RoleDetailList[i]!;
      const via = federationOf(role);
      if (!via) continue;
      const p = principals.get(role.Arn);
      const admin = p ? assessAdmin(p).admin : false;
      const gap = p && !admin ? incompleteOf(p) : undefined;
      let sessionHours: number | undefined;
      if (via === 'identity-center') {
        // Identity Center sets the role's session from its permission set (read in the instance when visible).
        const set = setByName.get(permissionSetNameOfRole(role.RoleName) ?? '');
        sessionHours = set ? isoDurationHours(set.SessionDuration) : undefined;
      } else {
        const seconds = sessionOfRole.get(role.Arn);
        sessionHours = seconds === undefined ? undefined : seconds / 3600;
      }
      entries.push({ kind: via === 'identity-center' ? 'identity-center-role' : 'saml-role', name: role.RoleName, arn: role.Arn, admin, ...(sessionHours !== undefined ? { sessionHours } : {}), ...(gap ? { incomplete: gap.missing } : {}) });
    }

    const observed: Record<string, unknown> = {
      samlProviders: saml.providers.map((p) => ({ arn: p.Arn, ...(p.ValidUntil ? { validUntil: p.ValidUntil } : {}) })),
      identityCenter: center
        ? { instances: center.instances.map((i) => ({ arn: i.InstanceArn, permissionSets: i.permissionSets.length })) }
        : 'not collected (see collection errors): permission sets not read',
      adminEquivalent: entries.filter((e) => e.admin).map((e) => ({ kind: e.kind, name: e.name, sessionHours: e.sessionHours ?? 'unknown' })),
      entries,
      notVisible: 'MFA at IAM Identity Center or the SAML provider is not exposed by these APIs: see auth.console-mfa (declared with evidence)',
    };
    const threshold = { maxAdminSessionHours: params.maxAdminSessionHours };

    if (saml.providers.length === 0 && entries.length === 0 && (center?.instances.length ?? 0) === 0) {
      return {
        status: center ? 'NOT_APPLICABLE' : 'ERROR',
        message: center
          ? `No SAML provider, no IAM Identity Center instance (asked in ${center.regions.join(', ')}) and no role reached by federated sign-in: nobody signs in through federation.`
          : 'No SAML provider and no federated role, but IAM Identity Center could not be read (see collection errors): not verified.',
        observed,
        threshold,
        resources: [],
      };
    }

    const tooLong = entries.filter((e) => e.admin && e.sessionHours !== undefined && e.sessionHours > params.maxAdminSessionHours);
    if (tooLong.length > 0) {
      return {
        status: 'FAIL',
        message:
          `${tooLong.length} administrator-equivalent federated access(es) keep sessions longer than ${params.maxAdminSessionHours} h: ` +
          `${tooLong.slice(0, 4).map((e) => `${e.name} (${e.kind}, ${hours(e.sessionHours)})`).join('; ')}${tooLong.length > 4 ? '; …' : ''}.`,
        observed,
        threshold,
        resources: tooLong.map((e) => e.arn),
      };
    }

    // What could not be read, where it decides the verdict: the session of an administrator-equivalent (or
    // possibly administrator-equivalent) access, and the rights of an access whose session exceeds the limit.
    const maybeAdmin = (e: FederatedEntry) => e.admin || e.incomplete !== undefined;
    const unknownSession = entries.filter((e) => e.sessionHours === undefined && maybeAdmin(e));
    const unknownRights = entries.filter((e) => !e.admin && e.incomplete && e.sessionHours !== undefined && e.sessionHours > params.maxAdminSessionHours);
    if (unknownSession.length > 0 || unknownRights.length > 0 || !center) {
      const parts = [
        unknownSession.length
          ? `the session length of ${unknownSession.length} federated role(s) is not visible (${unknownSession.slice(0, 3).map((e) => e.name).join(', ')}${unknownSession.length > 3 ? ', …' : ''}${unknownSession.some((e) => e.kind === 'identity-center-role') ? '; Identity Center permission sets are readable only from the management or delegated administrator account' : ''})`
          : '',
        unknownRights.length
          ? `${unknownRights.length} access(es) with sessions over ${params.maxAdminSessionHours} h may be administrator-equivalent: policy documents not collected (${unknownRights.slice(0, 3).map((e) => `${e.name}: ${e.incomplete?.join(', ')}`).join('; ')})`
          : '',
        !center ? 'IAM Identity Center could not be read (see collection errors)' : '',
      ].filter(Boolean);
      return {
        status: 'ERROR',
        message: `NOT VERIFIED: ${parts.join('; ')}.`,
        observed,
        threshold,
        resources: [...unknownSession, ...unknownRights].map((e) => e.arn),
      };
    }

    const admins = entries.filter((e) => e.admin);
    const sessionsUnknown = entries.filter((e) => e.sessionHours === undefined).length;
    return {
      status: 'PASS',
      message:
        `${entries.length} federated access(es) read (${saml.providers.length} SAML provider(s), ${permissionSets.length} permission set(s)); ` +
        (admins.length
          ? `administrator-equivalent: ${admins.map((e) => `${e.name} (${hours(e.sessionHours)})`).join(', ')}, each within ${params.maxAdminSessionHours} h`
          : 'none is administrator-equivalent') +
        (sessionsUnknown ? ` (session length not visible for ${sessionsUnknown} non-administrator access(es))` : '') +
        '. MFA at the provider is judged by auth.console-mfa.',
      observed,
      threshold,
      resources: admins.map((e) => e.arn),
    };
  },
});
