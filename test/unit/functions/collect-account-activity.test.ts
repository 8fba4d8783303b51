/**
 * The collect-account handler reads CloudTrail activity as the stack configured it
 * (ACTIVITY_* environment from lib/config), so the scheduled runs' evidence carries a
 * judged `monitoring.abnormal-activity` instead of a permanent ERROR. Real collection
 * (collectAccount) against mocked clients; LookupEvents answers as the API reference shows.
 */
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/collect-account/handler';
import type { EvidenceSink } from '../../../functions/shared/evidence';
import { collectAccount, type CollectAccountInput } from '../../../lib/collectors';
import { collectAccountEnvironment, parseConfig } from '../../../lib/config';
import type { Finding } from '../../../lib/rules';
import { ACCOUNT_ID, HOME, NOW, mockHealthyAccount, mockedAccount } from '../collectors/aws-fixtures';

beforeAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

/** 150 calls of one IAM user in working hours, 60 of them AccessDenied (40%). */
function deniedDay() {
  return Array.from({ length: 150 }, (_, i) => {
    const eventTime = new Date(Date.parse('2026-02-09T09:00:00Z') + i * 120_000).toISOString();
    const record = {
      eventVersion: '1.09',
      userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT_ID}:user/adviser-41`, accountId: ACCOUNT_ID, userName: 'adviser-41' },
      eventTime,
      eventSource: 'iam.amazonaws.com',
      eventName: 'ListUsers',
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.5',
      userAgent: 'aws-cli/2.15.0',
      ...(i < 60 ? { errorCode: 'AccessDenied', errorMessage: 'not authorized' } : {}),
      eventType: 'AwsApiCall',
      managementEvent: true,
      eventCategory: 'Management',
    };
    return { EventId: `id-${i}`, EventName: 'ListUsers', ReadOnly: 'true', EventTime: new Date(eventTime), EventSource: 'iam.amazonaws.com', Username: 'adviser-41', CloudTrailEvent: JSON.stringify(record) };
  }).reverse();
}

function run(configActivity: unknown) {
  const config = parseConfig({ accounts: { mode: 'list', ids: [ACCOUNT_ID] }, externalId: 'ext-id-1', alarmEmail: 'secops@example.com', ...(configActivity ? { activity: configActivity } : {}) });
  const env: Record<string, string> = { ...collectAccountEnvironment(config, 'art32-evidence', 'aws'), POWERTOOLS_DEV: 'true' };
  const callerSts = new STSClient({ region: HOME });
  mockClient(callerSts).on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S', SessionToken: 'T', Expiration: new Date('2026-02-10T09:00:00Z') } });
  const m = mockedAccount();
  mockHealthyAccount(m, 2);
  const events = deniedDay();
  m.cloudTrail[HOME]!.on(LookupEventsCommand).callsFake((input: { NextToken?: string }) => {
    const start = Number(input.NextToken ?? 0);
    return { Events: events.slice(start, start + 50), ...(start + 50 < events.length ? { NextToken: String(start + 50) } : {}) };
  });
  const inputs: CollectAccountInput[] = [];
  const written: Finding[][] = [];
  const evidence: EvidenceSink = {
    previousContext: async () => ({ previousRunTimes: [] }),
    writeRun: async ({ findings }) => {
      written.push([...findings]);
      return { records: findings.length, manifestHash: 'h', alreadyPresent: 0, incomplete: false, collectionFailed: false };
    },
    finishStarted: async () => undefined,
    outcome: async () => 'SEALED',
    writeContext: async () => 'written',
    latestSuccessfulCollection: async () => undefined,
  };
  const { collectAccount: invoke } = createHandler({
    env,
    sts: callerSts,
    evidence,
    region: HOME,
    collect: (input) => {
      inputs.push(input);
      return collectAccount({ ...input, clients: m.clients, clock: () => NOW, sleep: async () => {} });
    },
  });
  return { env, m, inputs, written, invoke: () => invoke({ accountId: ACCOUNT_ID, runId: 'run-1', startedAt: NOW.toISOString() }) };
}

describe('collect-account handler: activity', () => {
  it('by default reads LookupEvents (24 h, 300 calls) and records a judged abnormal-activity finding', async () => {
    const r = run(undefined);
    expect(r.env).toMatchObject({ ACTIVITY_SOURCE: 'lookup-events', ACTIVITY_WINDOW_HOURS: '24', ACTIVITY_MAX_CALLS: '300', ACTIVITY_TIME_ZONE: 'Europe/Paris' });
    const result = await r.invoke();
    expect(result.outcome).toBe('COLLECTED');
    expect(r.inputs[0]?.activity).toEqual({ source: 'lookup-events', windowHours: 24, maxCalls: 300, timeZone: 'Europe/Paris' });
    expect(r.m.cloudTrail[HOME]!.commandCalls(LookupEventsCommand)).toHaveLength(3);
    const finding = r.written[0]!.find((f) => f.ruleId === 'monitoring.abnormal-activity')!;
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toContain('40.0%');
  });

  it('activity none: no LookupEvents call, and the rule is ERROR (not verified), never PASS', async () => {
    const r = run({ source: 'none' });
    expect(r.env.ACTIVITY_SOURCE).toBe('none');
    await r.invoke();
    expect(r.inputs[0]?.activity).toBeUndefined();
    expect(r.m.cloudTrail[HOME]!.commandCalls(LookupEventsCommand)).toHaveLength(0);
    expect(r.written[0]!.find((f) => f.ruleId === 'monitoring.abnormal-activity')?.status).toBe('ERROR');
  });
});
