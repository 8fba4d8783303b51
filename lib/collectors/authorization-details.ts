/**
 * GetAccountAuthorizationDetails, every page: all users (with groups, inline and attached
 * policies, boundaries), groups, roles and managed policies in a handful of calls, instead
 * of several calls per user. IAM returns policy documents URL-encoded; they are decoded
 * here, and each managed policy keeps only its default version's document.
 */
import {
  paginateGetAccountAuthorizationDetails,
  type GetAccountAuthorizationDetailsCommandOutput,
  type ManagedPolicyDetail as SdkManagedPolicy,
  type PolicyDetail,
} from '@aws-sdk/client-iam';
import type { AuthorizationDetails, ManagedPolicyDetail } from '../snapshot';
import { call, decodePolicyDocument, toJson } from './operation';
import type { SectionContext } from './types';

type Page = GetAccountAuthorizationDetailsCommandOutput;

export async function collectAuthorizationDetails(ctx: SectionContext): Promise<AuthorizationDetails> {
  const pages: Page[] = await call('iam:GetAccountAuthorizationDetails', undefined, async () => {
    const out: Page[] = [];
    const paginator = paginateGetAccountAuthorizationDetails(
      { client: ctx.clients.iam, pageSize: ctx.options.authorizationDetailsPageSize },
      {},
    );
    for await (const page of paginator) out.push(page);
    return out;
  });
  return decodeAuthorizationDetails(pages);
}

/** Merge pages and decode every policy document (exported for the export reader's reuse). */
export function decodeAuthorizationDetails(pages: Page[]): AuthorizationDetails {
  const details: AuthorizationDetails = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  for (const page of pages) {
    for (const user of page.UserDetailList ?? []) {
      details.UserDetailList.push(
        toJson({
          ...user,
          UserPolicyList: inline(user.UserPolicyList, `user ${user.UserName}`),
        }),
      );
    }
    for (const group of page.GroupDetailList ?? []) {
      details.GroupDetailList.push(
        toJson({ ...group, GroupPolicyList: inline(group.GroupPolicyList, `group ${group.GroupName}`) }),
      );
    }
    for (const role of page.RoleDetailList ?? []) {
      const { InstanceProfileList: _profiles, ...rest } = role; // large and judged by no rule
      details.RoleDetailList.push(
        toJson({
          ...rest,
          AssumeRolePolicyDocument: decodePolicyDocument(role.AssumeRolePolicyDocument, `role ${role.RoleName} trust policy`),
          RolePolicyList: inline(role.RolePolicyList, `role ${role.RoleName}`),
        }),
      );
    }
    for (const policy of page.Policies ?? []) details.Policies.push(managedPolicy(policy));
  }
  return details;
}

function inline(list: PolicyDetail[] | undefined, owner: string): Array<{ PolicyName: string; PolicyDocument: unknown }> {
  return (list ?? []).map((p) => ({
    PolicyName: p.PolicyName ?? '',
    PolicyDocument: decodePolicyDocument(p.PolicyDocument, `${owner} inline policy ${p.PolicyName}`),
  }));
}

function managedPolicy(policy: SdkManagedPolicy): ManagedPolicyDetail {
  const versions = policy.PolicyVersionList ?? [];
  const defaultVersion =
    versions.find((v) => v.IsDefaultVersion) ?? versions.find((v) => v.VersionId === policy.DefaultVersionId);
  const where = `managed policy ${policy.Arn ?? policy.PolicyName}`;
  if (!defaultVersion?.Document) {
    throw new Error(`${where}: no default version document in GetAccountAuthorizationDetails output`);
  }
  const { PolicyVersionList: _versions, ...rest } = policy;
  return toJson<ManagedPolicyDetail>({ ...rest, Document: decodePolicyDocument(defaultVersion.Document, where) });
}
