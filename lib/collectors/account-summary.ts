/** GetAccountSummary: root MFA (`AccountMFAEnabled`), root keys (`AccountAccessKeysPresent`), counts. */
import { GetAccountSummaryCommand } from '@aws-sdk/client-iam';
import type { AccountSummary } from '../snapshot';
import { call } from './operation';
import type { SectionContext } from './types';

export async function collectAccountSummary(ctx: SectionContext): Promise<AccountSummary> {
  return call('iam:GetAccountSummary', undefined, async () => {
    const out = await ctx.clients.iam.send(new GetAccountSummaryCommand({}));
    const summary: AccountSummary = {};
    for (const [key, value] of Object.entries(out.SummaryMap ?? {})) if (typeof value === 'number') summary[key] = value;
    return summary;
  });
}
