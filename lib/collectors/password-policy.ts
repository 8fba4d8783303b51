/** GetAccountPasswordPolicy. `NoSuchEntity` means "no custom policy": `null`, not an error. */
import { GetAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import type { PasswordPolicy } from '../snapshot';
import { isErrorCode } from './errors';
import { call, toJson } from './operation';
import type { SectionContext } from './types';

export async function collectPasswordPolicy(ctx: SectionContext): Promise<PasswordPolicy | null> {
  return call('iam:GetAccountPasswordPolicy', undefined, async () => {
    try {
      const out = await ctx.clients.iam.send(new GetAccountPasswordPolicyCommand({}));
      return toJson<PasswordPolicy>(out.PasswordPolicy ?? {});
    } catch (error) {
      if (isErrorCode(error, 'NoSuchEntity', 'NoSuchEntityException')) return null;
      throw error;
    }
  });
}
