import { SECTION_NAMES } from '../../../lib/snapshot';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { assumeRoleProvider, collectAccounts, type AccountTarget } from '../../../lib/collectors';
import { evaluateRules, RULES } from '../../../lib/rules';
import { HOME, NOW, mockHealthyAccount, mockedAccount } from './aws-fixtures';

const MANAGEMENT = '111122223333';
const MEMBER_A = '222233334444';
const MEMBER_B = '333344445555';
const SUSPENDED = '444455556666';
const creds = (id: string) => ({
  AccessKeyId: `ASIA${id}`,
  SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  SessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
  Expiration: new Date(NOW.getTime() + 3600_000),
});

function callerSts() {
  const sts = new STSClient({ region: HOME, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' } });
  const stub = mockClient(sts);
  stub.on(GetCallerIdentityCommand).resolves({ Account: MANAGEMENT, Arn: `arn:aws:iam::${MANAGEMENT}:user/auditor`, UserId: 'AIDAEXAMPLE' });
  return { sts, stub };
}

/** Each account's clients are a mocked healthy account; records which target each was made for. */
function healthyAccounts() {
  const madeFor: Array<AccountTarget | undefined> = [];
  return {
    madeFor,
    makeClients: (_settings: unknown, target: AccountTarget | undefined) => {
      madeFor.push(target);
      const m = mockedAccount();
      mockHealthyAccount(m, 2);
      return m.clients;
    },
  };
}

const assumeDenied = () =>
  new STSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:iam::${MANAGEMENT}:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${MEMBER_B}:role/art32-reader`,
  });

describe('collectAccounts (cross-account)', () => {
  it('AssumeRole denied for one of three accounts: that one gets an error for every section, the others complete', async () => {
    const { sts, stub } = callerSts();
    stub
      .on(AssumeRoleCommand)
      .resolves({ Credentials: creds(MEMBER_A), AssumedRoleUser: { Arn: 'x', AssumedRoleId: 'AROAEXAMPLE:art32' } })
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${MEMBER_B}:role/art32-reader` })
      .rejects(assumeDenied());
    const accounts = healthyAccounts();
    const progress: string[] = [];
    const result = await collectAccounts({
      region: HOME,
      accountIds: [MANAGEMENT, MEMBER_A, MEMBER_B],
      roleName: 'art32-reader',
      externalId: 'art32-ext-0001',
      concurrency: 2,
      sts,
      makeClients: accounts.makeClients,
      now: NOW,
      clock: () => NOW,
      sleep: async () => {},
      onAccountDone: (o, done, total) => progress.push(`${done}/${total} ${o.accountId} ${o.ok ? 'ok' : 'errors'}`),
    });
    expect(result.outcomes.map((o) => [o.accountId, o.ok])).toEqual([
      [MANAGEMENT, true],
      [MEMBER_A, true],
      [MEMBER_B, false],
    ]);
    // own account with its own credentials, members through the role, with ExternalId and a named session
    const assumed = stub.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
    expect(assumed).toEqual(
      expect.arrayContaining([
        { RoleArn: `arn:aws:iam::${MEMBER_A}:role/art32-reader`, RoleSessionName: `art32-${MEMBER_A}`, ExternalId: 'art32-ext-0001', DurationSeconds: 3600 },
        { RoleArn: `arn:aws:iam::${MEMBER_B}:role/art32-reader`, RoleSessionName: `art32-${MEMBER_B}`, ExternalId: 'art32-ext-0001', DurationSeconds: 3600 },
      ]),
    );
    expect(assumed).toHaveLength(2);
    expect(accounts.madeFor.map((t) => t?.accountId)).toEqual(expect.arrayContaining([MANAGEMENT, MEMBER_A]));
    expect(accounts.madeFor).toHaveLength(2);

    const denied = result.outcomes[2]!.snapshot;
    expect(denied.account.id).toBe(MEMBER_B);
    expect(denied.passwordPolicy).toBeUndefined();
    // Every section but activity (not asked here).
    expect(new Set(denied.collectionErrors.map((e) => e.section)).size).toBe(SECTION_NAMES.length - 1);
    expect(denied.collectionErrors.every((e) => e.operation === 'sts:AssumeRole' && e.code === 'AccessDenied')).toBe(true);
    expect(progress).toHaveLength(3);
    expect(progress.at(-1)).toMatch(/^3\/3 /);
    // Every rule that reads a section is ERROR for the unreachable account.
    for (const finding of evaluateRules(RULES, denied)) {
      const rule = RULES.find((r) => r.id === finding.ruleId)!;
      if (rule.sections.length > 0) expect(finding.status, finding.ruleId).toBe('ERROR');
    }
  });

  it('an organisation with a suspended account: ACTIVE ones collected, the suspended one skipped with a reason', async () => {
    const { sts, stub } = callerSts();
    stub.on(AssumeRoleCommand).resolves({ Credentials: creds(MEMBER_A) });
    const organizations = new OrganizationsClient({ region: HOME, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' } });
    const org = mockClient(organizations);
    const account = (Id: string, Name: string, Status: 'ACTIVE' | 'SUSPENDED') => ({
      Id,
      Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-exampleorgid/${Id}`,
      Email: `${Name}@example.com`,
      Name,
      Status,
      JoinedMethod: 'CREATED' as const,
      JoinedTimestamp: new Date('2023-01-01T00:00:00Z'),
    });
    org
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [account(MANAGEMENT, 'management', 'ACTIVE'), account(MEMBER_A, 'prod', 'ACTIVE')], NextToken: 'page-2' })
      .resolvesOnce({ Accounts: [account(SUSPENDED, 'old-sandbox', 'SUSPENDED'), account(MEMBER_B, 'dev', 'ACTIVE')] });
    const accounts = healthyAccounts();
    const result = await collectAccounts({
      region: HOME,
      org: true,
      roleName: 'OrganizationAccountAccessRole',
      sts,
      organizations,
      makeClients: accounts.makeClients,
      now: NOW,
      clock: () => NOW,
      sleep: async () => {},
    });
    expect(org.commandCalls(ListAccountsCommand)).toHaveLength(2);
    expect(result.outcomes.map((o) => o.accountId)).toEqual([MANAGEMENT, MEMBER_A, MEMBER_B]);
    expect(result.outcomes.every((o) => o.ok)).toBe(true);
    expect(result.skipped).toEqual([{ accountId: SUSPENDED, name: 'old-sandbox', reason: 'organisation account is SUSPENDED' }]);
    // the management account is read with the caller's own credentials, not through a role
    expect(accounts.madeFor.find((t) => t?.accountId === MANAGEMENT)?.roleArn).toBeUndefined();
    expect(stub.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual(
      expect.arrayContaining([`arn:aws:iam::${MEMBER_A}:role/OrganizationAccountAccessRole`, `arn:aws:iam::${MEMBER_B}:role/OrganizationAccountAccessRole`]),
    );
  });

  it('rejects --account-ids without --role-name and malformed role ARNs', async () => {
    const { sts } = callerSts();
    await expect(collectAccounts({ region: HOME, accountIds: [MEMBER_A], sts })).rejects.toThrow(/needs --role-name/);
    await expect(collectAccounts({ region: HOME, roleArn: 'arn:aws:iam::123:user/bob', sts })).rejects.toThrow(/not an IAM role ARN/);
    await expect(collectAccounts({ region: HOME, accountIds: ['12345'], roleName: 'r', sts })).rejects.toThrow(/not 12-digit/);
  });
});

describe('assumeRoleProvider', () => {
  it('assumes once, reuses until 5 minutes before expiry, then refreshes', async () => {
    const { sts, stub } = callerSts();
    let t = NOW.getTime();
    stub
      .on(AssumeRoleCommand)
      .resolvesOnce({ Credentials: { ...creds(MEMBER_A), Expiration: new Date(t + 3600_000) } })
      .resolvesOnce({ Credentials: { ...creds(MEMBER_A), AccessKeyId: 'ASIASECOND', Expiration: new Date(t + 7200_000) } });
    const provider = assumeRoleProvider({ sts, roleArn: `arn:aws:iam::${MEMBER_A}:role/r`, sessionName: `art32-${MEMBER_A}`, clock: () => new Date(t) });
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a).toBe(b);
    t += 50 * 60_000;
    expect((await provider()).accessKeyId).toBe(`ASIA${MEMBER_A}`);
    t += 6 * 60_000; // now 4 minutes before expiry
    expect((await provider()).accessKeyId).toBe('ASIASECOND');
    expect(stub.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });
});
