/**
 * Who writes a register item: the caller, never a name typed on the command line. With a real
 * table that is the AWS caller identity (STS GetCallerIdentity: the user or assumed-role ARN);
 * with the embedded store it is the operating-system user at this host.
 */
import { hostname, userInfo } from 'node:os';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Declarant } from './types';

export function osDeclarant(): Declarant {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.LOGNAME ?? 'unknown-user';
  }
  return { identity: `${user}@${hostname()}`, via: 'os' };
}

export async function stsDeclarant(client: Pick<STSClient, 'send'> = new STSClient({})): Promise<Declarant> {
  const out = await client.send(new GetCallerIdentityCommand({}));
  if (!out.Arn) throw new Error('STS GetCallerIdentity returned no Arn: cannot attribute the register item');
  return { identity: out.Arn, via: 'sts' };
}
