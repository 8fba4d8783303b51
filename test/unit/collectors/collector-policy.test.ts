/**
 * Least privilege, checked: the policy file the member-account role is given must list
 * exactly the operations the collectors send — no fewer (collection would fail with
 * AccessDenied), no more (a grant nobody needs). The operations are recorded from a full
 * collection with every client mocked, including the credential report's polling path.
 */
import { readFileSync } from 'node:fs';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GenerateCredentialReportCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { collectAccount } from '../../../lib/collectors';
import { IAM_ACTION_OF_OPERATION } from '../../../lib/collectors/api-calls';
import { HOME, NOW, mockHealthyAccount, mockedAccount, sentOperations } from './aws-fixtures';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
const policy = JSON.parse(readFileSync(new URL('../../../lib/collectors/collector-policy.json', import.meta.url), 'utf-8')) as {
  Statement: Statement[];
};
const granted = new Set(policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));

async function operationsSentByAFullCollection(): Promise<string[]> {
  const m = mockedAccount();
  mockHealthyAccount(m, 2);
  m.iam.on(GenerateCredentialReportCommand).resolvesOnce({ State: 'STARTED' }).resolves({ State: 'COMPLETE' });
  // The activity mode the collectors read themselves (the collect Lambda's default);
  // S3 log files are read with a separate, opt-in grant in the log-archive account.
  m.cloudTrail[HOME]!.on(LookupEventsCommand).resolves({ Events: [] });
  const snapshot = await collectAccount({
    clients: m.clients,
    region: HOME,
    now: NOW,
    clock: () => NOW,
    sleep: async () => {},
    activity: { source: 'lookup-events' },
  });
  expect(snapshot.collectionErrors).toEqual([]); // every section was reached
  // S3 operations are granted under their IAM action names (ListBuckets → s3:ListAllMyBuckets, …).
  return Object.keys(sentOperations(m.all())).map((op) => IAM_ACTION_OF_OPERATION[op] ?? op);
}

describe('collector-policy.json (least privilege)', () => {
  it('grants only Allow statements of exact, non-wildcard actions', () => {
    for (const s of policy.Statement) expect(s.Effect).toBe('Allow');
    for (const action of granted) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
  });

  it('is read-only apart from iam:GenerateCredentialReport', () => {
    const writes = [...granted].filter((a) => !/:(Get|List|Describe|Lookup)[A-Z]/.test(a));
    expect(writes).toEqual(['iam:GenerateCredentialReport']);
  });

  it('every operation the collectors send is granted, and every grant is used', async () => {
    const sent = await operationsSentByAFullCollection();
    const notGranted = sent.filter((op) => !granted.has(op));
    const neverCalled = [...granted].filter((op) => !sent.includes(op));
    expect(notGranted, 'operations sent but not granted by collector-policy.json').toEqual([]);
    expect(neverCalled, 'operations granted by collector-policy.json but never sent').toEqual([]);
  });
});
