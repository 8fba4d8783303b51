/** The declarant comes from the caller: STS GetCallerIdentity (response shape from the STS API reference). */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { osDeclarant, stsDeclarant } from '../../../lib/register/identity';

describe('register declarant', () => {
  it('uses the STS caller ARN (assumed role included) for a real table', async () => {
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ UserId: 'AROAEXAMPLE:dpo', Account: '111122223333', Arn: 'arn:aws:sts::111122223333:assumed-role/DPO/dpo' });
    expect(await stsDeclarant(new STSClient({ region: 'eu-west-3' }))).toEqual({ identity: 'arn:aws:sts::111122223333:assumed-role/DPO/dpo', via: 'sts' });
    sts.restore();
  });
  it('refuses to attribute an item when STS returns no Arn', async () => {
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
    await expect(stsDeclarant(new STSClient({ region: 'eu-west-3' }))).rejects.toThrow(/no Arn/);
    sts.restore();
  });
  it('uses user@host for the embedded store', () => {
    expect(osDeclarant()).toMatchObject({ via: 'os', identity: expect.stringMatching(/^.+@.+$/) });
  });
});
