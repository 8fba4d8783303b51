/**
 * Federated sign-in (auth.federated-access): SAML identity providers and IAM Identity Center.
 *
 * - `samlFederation`: IAM ListSAMLProviders (one call, not paginated), and ListRoles pages for
 *   `MaxSessionDuration`, which GetAccountAuthorizationDetails does not return — kept only for
 *   roles whose trust policy names a SAML provider (Identity Center's `AWSReservedSSO_*` roles
 *   trust one too).
 * - `identityCenter`: sso-admin ListInstances in the collection region and in every region an
 *   `AWSReservedSSO_*` role path names (`/aws-reserved/sso.amazonaws.com/<region>/`), then per
 *   instance ListPermissionSets pages and, per permission set, DescribePermissionSet,
 *   ListManagedPoliciesInPermissionSet, GetInlinePolicyForPermissionSet and
 *   ListCustomerManagedPolicyReferencesInPermissionSet. Calls grow with permission sets (an
 *   administrator's catalogue, typically tens), never with users, roles or accounts.
 */
import { ListSAMLProvidersCommand, paginateListRoles } from '@aws-sdk/client-iam';
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  paginateListCustomerManagedPolicyReferencesInPermissionSet,
  paginateListInstances,
  paginateListManagedPoliciesInPermissionSet,
  paginateListPermissionSets,
} from '@aws-sdk/client-sso-admin';
import type { IdentityCenterSection, PermissionSet, RoleDetail, SamlFederationSection } from '../snapshot';
import { allPages, call, toJson } from './operation';
import type { SectionContext } from './types';

const IAM_REGION = 'us-east-1';

/** `/aws-reserved/sso.amazonaws.com/eu-west-3/` → `eu-west-3`; the region-less path means us-east-1. */
export function identityCenterRegionOfPath(path: string | undefined): string | undefined {
  const m = /^\/aws-reserved\/sso\.amazonaws\.com\/(?:([a-z0-9-]+)\/)?$/.exec(path ?? '');
  if (!m) return undefined;
  return m[1] ?? 'us-east-1';
}

/** A trust policy text (URL-encoded as IAM returns it, or decoded) that names a SAML provider. */
function trustsSamlProvider(document: string | undefined): boolean {
  if (!document) return false;
  let text = document;
  try {
    text = decodeURIComponent(document);
  } catch {
    // Not URL-encoded: read as is.
  }
  return text.includes(':saml-provider/');
}

export async function collectSamlFederation(ctx: SectionContext): Promise<SamlFederationSection> {
  const iam = ctx.clients.iam;
  const listed = await call('iam:ListSAMLProviders', IAM_REGION, () => iam.send(new ListSAMLProvidersCommand({})));
  const providers = (listed.SAMLProviderList ?? []).filter((p) => p.Arn).map((p) => toJson<SamlFederationSection['providers'][number]>({ Arn: p.Arn, ValidUntil: p.ValidUntil, CreateDate: p.CreateDate }));
  const roles = await call('iam:ListRoles', IAM_REGION, () => allPages(paginateListRoles({ client: iam }, { MaxItems: 1000 }), (p) => p.Roles));
  const roleSessions = roles
    .filter((r) => r.RoleName && r.Arn && trustsSamlProvider(r.AssumeRolePolicyDocument))
    .map((r) => toJson<SamlFederationSection['roleSessions'][number]>({ RoleName: r.RoleName, Arn: r.Arn, MaxSessionDuration: r.MaxSessionDuration }))
    .sort((a, b) => a.Arn.localeCompare(b.Arn));
  return { providers: providers.sort((a, b) => a.Arn.localeCompare(b.Arn)), roleSessions };
}

/** Regions to ask for Identity Center instances: the collection region and those reserved roles name. */
export function identityCenterRegions(region: string, roles: readonly Pick<RoleDetail, 'Path'>[] | undefined): string[] {
  const regions = new Set([region]);
  for (const r of roles ?? []) {
    const found = identityCenterRegionOfPath(r.Path);
    if (found) regions.add(found);
  }
  return [...regions].sort();
}

export async function collectIdentityCenter(ctx: SectionContext, regions: readonly string[]): Promise<IdentityCenterSection> {
  const instances: IdentityCenterSection['instances'] = [];
  for (const region of regions) {
    const client = ctx.clients.ssoAdmin(region);
    const found = await call('sso:ListInstances', region, () => allPages(paginateListInstances({ client }, {}), (p) => p.Instances));
    for (const instance of found) {
      const InstanceArn = instance.InstanceArn;
      if (!InstanceArn) continue;
      const arns = await call('sso:ListPermissionSets', region, () => allPages(paginateListPermissionSets({ client }, { InstanceArn }), (p) => p.PermissionSets));
      const permissionSets: PermissionSet[] = [];
      for (const PermissionSetArn of arns) {
        const described = await call('sso:DescribePermissionSet', region, () => client.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn })));
        const managed = await call('sso:ListManagedPoliciesInPermissionSet', region, () =>
          allPages(paginateListManagedPoliciesInPermissionSet({ client }, { InstanceArn, PermissionSetArn }), (p) => p.AttachedManagedPolicies),
        );
        const inline = await call('sso:GetInlinePolicyForPermissionSet', region, () => client.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn, PermissionSetArn })));
        const customer = await call('sso:ListCustomerManagedPolicyReferencesInPermissionSet', region, () =>
          allPages(paginateListCustomerManagedPolicyReferencesInPermissionSet({ client }, { InstanceArn, PermissionSetArn }), (p) => p.CustomerManagedPolicyReferences),
        );
        permissionSets.push(
          toJson<PermissionSet>({
            Name: described.PermissionSet?.Name ?? PermissionSetArn,
            PermissionSetArn,
            SessionDuration: described.PermissionSet?.SessionDuration,
            AttachedManagedPolicies: managed.filter((m) => m.Arn).map((m) => ({ Name: m.Name, Arn: m.Arn })),
            // Absent or empty: the permission set has no inline policy.
            ...(inline.InlinePolicy ? { InlinePolicy: JSON.parse(inline.InlinePolicy) as unknown } : {}),
            CustomerManagedPolicyReferences: customer.filter((c) => c.Name).map((c) => ({ Name: c.Name, Path: c.Path })),
          }),
        );
      }
      instances.push(
        toJson({ InstanceArn, region, IdentityStoreId: instance.IdentityStoreId, OwnerAccountId: instance.OwnerAccountId, Status: instance.Status, permissionSets }),
      );
    }
  }
  return { regions: [...regions], instances };
}
