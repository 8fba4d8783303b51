/**
 * GetAccountAuthorizationDetails, every page: all users (with groups, inline and attached
 * policies, boundaries), groups, roles and managed policies in a handful of calls, instead
 * of several calls per user. IAM returns policy documents URL-encoded; the shared shape
 * reader (lib/sources/aws-shapes, also used for AWS CLI exports) decodes them and keeps
 * each managed policy's default version only, so both sources give the same section.
 */
import { paginateGetAccountAuthorizationDetails, type GetAccountAuthorizationDetailsCommandOutput } from '@aws-sdk/client-iam';
import type { AuthorizationDetails } from '../snapshot';
import { authorizationDetailsFromAws } from '../sources/aws-shapes';
import { call } from './operation';
import type { SectionContext } from './types';

export async function collectAuthorizationDetails(ctx: SectionContext): Promise<AuthorizationDetails> {
  const pages = await call('iam:GetAccountAuthorizationDetails', undefined, async () => {
    const out: GetAccountAuthorizationDetailsCommandOutput[] = [];
    const paginator = paginateGetAccountAuthorizationDetails(
      { client: ctx.clients.iam, pageSize: ctx.options.authorizationDetailsPageSize },
      {},
    );
    for await (const page of paginator) {
      const { $metadata: _metadata, ...body } = page;
      out.push(body as GetAccountAuthorizationDetailsCommandOutput);
    }
    return out;
  });
  return authorizationDetailsFromAws(pages, 'GetAccountAuthorizationDetails');
}
