/**
 * Export files of the federated sign-in sections (auth.federated-access), as the AWS CLI prints them:
 * - `saml-providers.json`: `aws iam list-saml-providers` → `{ SAMLProviderList: [{ Arn, ValidUntil, CreateDate }] }`;
 * - `roles.json`: `aws iam list-roles` → `{ Roles: [{ RoleName, Arn, AssumeRolePolicyDocument, MaxSessionDuration, … }] }`
 *   (the CLI prints trust documents decoded; a URL-encoded string is read too);
 * - `sso-instances.json`: `aws sso-admin list-instances` → `{ Instances: [{ InstanceArn, IdentityStoreId, OwnerAccountId, Status }] }`;
 *   `sso/<instance id>.permission-sets.json`: `aws sso-admin list-permission-sets --instance-arn <arn>` → `{ PermissionSets: [arn] }`;
 *   per permission set `sso/<ps id>.json` (describe-permission-set → `{ PermissionSet: { Name, SessionDuration, … } }`),
 *   `sso/<ps id>.managed-policies.json` (`{ AttachedManagedPolicies }`), `sso/<ps id>.inline-policy.json`
 *   (`{ InlinePolicy: "<JSON text>" }`, empty or absent when none) and `sso/<ps id>.customer-managed-policies.json`
 *   (`{ CustomerManagedPolicyReferences }`).
 */
import type { PermissionSet, SamlFederationSection } from '../snapshot';
import { ShapeError, isoTimestamp } from './aws-shapes';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The last path segment of an ARN: `…:instance/ssoins-…` → `ssoins-…`, `…/ps-…` → `ps-…` (file names). */
export const arnTail = (arn: string): string => arn.split('/').pop() ?? arn;

export function samlProvidersFromAws(list: unknown[], path: string): SamlFederationSection['providers'] {
  return list.map((p, i) => {
    if (!isObject(p) || typeof p.Arn !== 'string') throw new ShapeError(`${path}.SAMLProviderList[${i}]`, 'expected a provider with Arn');
    const out: SamlFederationSection['providers'][number] = { Arn: p.Arn };
    const validUntil = isoTimestamp(p.ValidUntil, `${path}.SAMLProviderList[${i}].ValidUntil`);
    const created = isoTimestamp(p.CreateDate, `${path}.SAMLProviderList[${i}].CreateDate`);
    if (validUntil) out.ValidUntil = validUntil;
    if (created) out.CreateDate = created;
    return out;
  });
}

function trustText(doc: unknown): string {
  if (typeof doc !== 'string') return JSON.stringify(doc ?? '');
  try {
    return decodeURIComponent(doc);
  } catch {
    return doc;
  }
}

/** Roles whose trust policy names a SAML provider, with their MaxSessionDuration (as the live collector keeps them). */
export function samlRoleSessionsFromAws(roles: unknown[], path: string): SamlFederationSection['roleSessions'] {
  const out: SamlFederationSection['roleSessions'] = [];
  for (const [i, r] of roles.entries()) {
    if (!isObject(r) || typeof r.RoleName !== 'string' || typeof r.Arn !== 'string') throw new ShapeError(`${path}.Roles[${i}]`, 'expected a role with RoleName and Arn');
    if (!trustText(r.AssumeRolePolicyDocument).includes(':saml-provider/')) continue;
    out.push({ RoleName: r.RoleName, Arn: r.Arn, ...(typeof r.MaxSessionDuration === 'number' ? { MaxSessionDuration: r.MaxSessionDuration } : {}) });
  }
  return out.sort((a, b) => a.Arn.localeCompare(b.Arn));
}

export interface PermissionSetFiles {
  describe: unknown;
  managed: unknown;
  inline: unknown;
  customer: unknown;
}

/** One permission set from its four files (paths for messages come with `files`). */
export function permissionSetFromAws(arn: string, v: PermissionSetFiles, files: Record<keyof PermissionSetFiles, string>): PermissionSet {
  if (!isObject(v.describe) || !isObject(v.describe.PermissionSet)) throw new ShapeError(files.describe, 'expected the describe-permission-set response (PermissionSet)');
  const ps = v.describe.PermissionSet;
  if (!isObject(v.managed) || !Array.isArray(v.managed.AttachedManagedPolicies)) throw new ShapeError(files.managed, 'expected AttachedManagedPolicies');
  if (!isObject(v.customer) || !Array.isArray(v.customer.CustomerManagedPolicyReferences)) throw new ShapeError(files.customer, 'expected CustomerManagedPolicyReferences');
  if (!isObject(v.inline)) throw new ShapeError(files.inline, 'expected the get-inline-policy-for-permission-set response');
  const inlineText = v.inline.InlinePolicy;
  let InlinePolicy: unknown;
  if (typeof inlineText === 'string' && inlineText.trim() !== '') {
    try {
      InlinePolicy = JSON.parse(inlineText);
    } catch {
      throw new ShapeError(files.inline, 'InlinePolicy is not a JSON policy document');
    }
  } else if (isObject(inlineText)) InlinePolicy = inlineText;
  return {
    Name: typeof ps.Name === 'string' ? ps.Name : arn,
    PermissionSetArn: arn,
    ...(typeof ps.SessionDuration === 'string' ? { SessionDuration: ps.SessionDuration } : {}),
    AttachedManagedPolicies: v.managed.AttachedManagedPolicies.filter((m): m is { Arn: string; Name?: string } => isObject(m) && typeof m.Arn === 'string').map((m) => ({
      ...(typeof m.Name === 'string' ? { Name: m.Name } : {}),
      Arn: m.Arn,
    })),
    ...(InlinePolicy !== undefined ? { InlinePolicy: InlinePolicy as PermissionSet['InlinePolicy'] } : {}),
    CustomerManagedPolicyReferences: v.customer.CustomerManagedPolicyReferences.filter((c): c is { Name: string; Path?: string } => isObject(c) && typeof c.Name === 'string').map((c) => ({
      Name: c.Name,
      ...(typeof c.Path === 'string' ? { Path: c.Path } : {}),
    })),
  };
}

/** `aws s3api get-bucket-policy` → `{ Policy: "<JSON text>" }`: the decoded document. */
export function bucketPolicyFromAws(text: string, path: string): unknown {
  if (typeof text !== 'string') throw new ShapeError(path, 'expected Policy as JSON text');
  try {
    return JSON.parse(text);
  } catch {
    throw new ShapeError(path, 'Policy is not a JSON policy document');
  }
}
