/** ListAccountAliases: the account's alias (at most one exists), for display. */
import { paginateListAccountAliases } from '@aws-sdk/client-iam';
import { allPages, call } from './operation';
import type { SectionContext } from './types';

export async function collectAccountAlias(ctx: SectionContext): Promise<string | undefined> {
  const aliases = await call('iam:ListAccountAliases', undefined, () =>
    allPages(paginateListAccountAliases({ client: ctx.clients.iam }, {}), (p) => p.AccountAliases),
  );
  return aliases[0];
}
