import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/list-accounts/handler';
import { lambdaContext } from './context';

const common = { POWERTOOLS_SERVICE_NAME: 'art32-list-accounts', POWERTOOLS_METRICS_NAMESPACE: 'Art32', POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'true', TABLE_NAME: 'art32-evidence' };
/** The run lock stands aside here (test/integration/evidence/run-lock.test.ts tests it on dynalite). */
const lock = { acquire: async (holder: string) => ({ holder, acquiredAt: '2026-01-29T05:00:01.000Z', leaseUntil: '2026-01-29T11:15:01.000Z' }) };
const event = { executionName: 'run-2026-01-29', startedAt: '2026-01-29T05:00:00.000Z' };
const orgs = mockClient(OrganizationsClient);
afterEach(() => orgs.reset());

describe('list-accounts handler', () => {
  it('list mode: returns the configured accounts, no AWS call', async () => {
    const { handler } = createHandler({ env: { ...common, ACCOUNTS_MODE: 'list', ACCOUNT_IDS: '123456789012,223456789012,123456789012' }, organizations: new OrganizationsClient({}), lock });
    const result = await handler(event, lambdaContext('list-accounts'));
    expect(result).toEqual({ runId: 'run-2026-01-29', startedAt: '2026-01-29T05:00:00.000Z', accounts: ['123456789012', '223456789012'], lease: expect.objectContaining({ holder: 'run-2026-01-29' }) });
    expect(orgs.calls()).toHaveLength(0);
  });

  it('organisation mode: pages ListAccounts, keeps ACTIVE accounts minus exclusions', async () => {
    // Response shape from the Organizations API reference (Accounts[], NextToken).
    const account = (Id: string, Status: 'ACTIVE' | 'SUSPENDED') => ({ Id, Arn: `arn:aws:organizations::999999999999:account/o-abc/${Id}`, Email: `${Id}@example.com`, Name: `acct-${Id}`, Status, JoinedMethod: 'CREATED' as const, JoinedTimestamp: new Date('2024-01-01') });
    orgs
      .on(ListAccountsCommand, { NextToken: undefined })
      .resolves({ Accounts: [account('333333333333', 'ACTIVE'), account('111111111111', 'SUSPENDED')], NextToken: 'page-2' })
      .on(ListAccountsCommand, { NextToken: 'page-2' })
      .resolves({ Accounts: [account('222222222222', 'ACTIVE'), account('444444444444', 'ACTIVE')] });
    const { listAccounts } = createHandler({ env: { ...common, ACCOUNTS_MODE: 'organization', ACCOUNT_IDS: '444444444444' }, organizations: new OrganizationsClient({ region: 'us-east-1' }), lock });
    const result = await listAccounts(event);
    expect(result.accounts).toEqual(['222222222222', '333333333333']);
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(2);
  });

  it('a bad environment fails at cold start naming the variable', () => {
    expect(() => createHandler({ env: { ...common, ACCOUNTS_MODE: 'list', ACCOUNT_IDS: '12' } })).toThrow(/ACCOUNT_IDS/);
  });
});
