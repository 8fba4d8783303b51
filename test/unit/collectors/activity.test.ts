/**
 * Live collection of the `activity` section (collectAccount's `activity` option):
 * CloudTrail LookupEvents mocked as the API reference documents it — `Events[]` with the
 * summary fields and the full record as a JSON string in `CloudTrailEvent`, 50 per page,
 * `NextToken` until the last page, ThrottlingException when over 2 calls/s.
 */
import { CloudTrailServiceException, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectAccount, collectAccounts } from '../../../lib/collectors';
import { RULES, evaluateRules } from '../../../lib/rules';
import { AccountSnapshot } from '../../../lib/snapshot';
import { ACCOUNT_ID, HOME, NOW, mockHealthyAccount, mockedAccount, type MockedAccount } from './aws-fixtures';

const noWait = async () => {};
const DAY_MS = 24 * 3_600_000;

/** A CloudTrail management-event record of an IAM user, as in `CloudTrailEvent`. */
function record(user: string, time: Date, errorCode?: string): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: `AIDA${user.toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT_ID}:user/${user}`, accountId: ACCOUNT_ID, userName: user },
    eventTime: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: 'GetUser',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.5',
    userAgent: 'aws-cli/2.15.0',
    ...(errorCode ? { errorCode, errorMessage: `User: arn:aws:iam::${ACCOUNT_ID}:user/${user} is not authorized to perform: iam:GetUser` } : {}),
    requestParameters: { userName: 'someone' },
    responseElements: null,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT_ID,
    eventCategory: 'Management',
  };
}

/** One `Events[]` entry of a LookupEvents answer. */
function lookupEntry(r: Record<string, unknown>, id: number) {
  const identity = r.userIdentity as { userName: string };
  return {
    EventId: `0b6a7a1e-0000-4000-8000-${String(id).padStart(12, '0')}`,
    EventName: r.eventName as string,
    ReadOnly: 'true',
    AccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    EventTime: new Date(r.eventTime as string),
    EventSource: r.eventSource as string,
    Username: identity.userName,
    Resources: [],
    CloudTrailEvent: JSON.stringify(r),
  };
}

/**
 * Monday 9 February 2026, 10:00–17:00 Paris (working hours): adviser-41 makes 120 calls of
 * which 30 are AccessDenied (25%); three colleagues make 40 clean calls each.
 */
function dayOfEvents(): Record<string, unknown>[] {
  const at = (i: number) => new Date(Date.parse('2026-02-09T09:00:00Z') + i * 60_000);
  const events = [
    ...Array.from({ length: 120 }, (_, i) => record('adviser-41', at(i * 3), i < 30 ? 'AccessDenied' : undefined)),
    ...['adviser-01', 'adviser-02', 'adviser-03'].flatMap((u, k) => Array.from({ length: 40 }, (_, i) => record(u, at(i * 9 + k)))),
  ];
  // LookupEvents answers newest first.
  return events.sort((a, b) => String(b.eventTime).localeCompare(String(a.eventTime)));
}

/** LookupEvents over `events`: pages of MaxResults, NextToken = the next offset. */
function lookupPager(events: Record<string, unknown>[]) {
  const entries = events.map(lookupEntry);
  return (input: LookupEventsCommandInput) => {
    const start = input.NextToken ? Number(input.NextToken.replace('page-', '')) : 0;
    const size = input.MaxResults ?? 50;
    const next = start + size;
    return { Events: entries.slice(start, next), ...(next < entries.length ? { NextToken: `page-${next}` } : {}) };
  };
}

function cloudTrailError(name: string, message: string, status: number) {
  return new CloudTrailServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status, requestId: 'c8f2bb1b-0000-4b8e-9d1e-EXAMPLE', attempts: 1 }, message });
}

const collect = (m: MockedAccount, activity: Parameters<typeof collectAccount>[0]['activity']) =>
  collectAccount({ clients: m.clients, region: HOME, now: NOW, clock: () => NOW, sleep: noWait, ...(activity ? { activity } : {}) });

describe('collectAccount with activity (LookupEvents)', () => {
  let m: MockedAccount;
  beforeEach(() => {
    m = mockedAccount();
    mockHealthyAccount(m, 3);
  });

  it('fills the activity section over the 24 h before the collection, following NextToken, and the rule FAILs the 25%-denied principal', async () => {
    m.cloudTrail[HOME]!.on(LookupEventsCommand).callsFake(lookupPager(dayOfEvents()));
    const snapshot = await collect(m, { source: 'lookup-events' });

    expect(() => AccountSnapshot.parse(snapshot)).not.toThrow();
    expect(snapshot.collectionErrors).toEqual([]);
    const calls = m.cloudTrail[HOME]!.commandCalls(LookupEventsCommand);
    expect(calls).toHaveLength(5); // 240 events, 50 a page
    expect(calls[0]!.args[0].input).toMatchObject({ StartTime: new Date(NOW.getTime() - DAY_MS), EndTime: NOW, MaxResults: 50 });
    expect(calls.map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-50', 'page-100', 'page-150', 'page-200']);

    const activity = snapshot.activity!;
    expect(activity.window).toEqual({ start: new Date(NOW.getTime() - DAY_MS).toISOString(), end: NOW.toISOString() });
    expect(activity.timeZone).toBe('Europe/Paris');
    expect(activity.sources).toEqual([{ kind: 'lookup-events', location: `cloudtrail:LookupEvents@${HOME}`, complete: true, eventsRead: 240, apiCalls: 5 }]);
    expect(activity.truncated).toBe(false);
    expect(activity.coverage).toBe(1);
    expect(activity.totals).toMatchObject({ events: 240, principals: 4 });
    const flagged = activity.principals.find((p) => p.principal === `arn:aws:iam::${ACCOUNT_ID}:user/adviser-41`);
    expect(flagged).toMatchObject({ calls: 120, errors: 30, deniedErrors: 30, errorsByCode: { AccessDenied: 30 } });

    const findings = evaluateRules(RULES, snapshot);
    const abnormal = findings.find((f) => f.ruleId === 'monitoring.abnormal-activity')!;
    expect(abnormal.status).toBe('FAIL');
    expect(abnormal.message).toContain('adviser-41');
    expect(abnormal.message).toContain('25.0%');
    expect(abnormal.message).not.toContain('adviser-01');
  });

  it('PASSes a complete read of a day where nobody stands out', async () => {
    const clean = dayOfEvents().filter((r) => !r.errorCode);
    m.cloudTrail[HOME]!.on(LookupEventsCommand).callsFake(lookupPager(clean));
    const snapshot = await collect(m, { source: 'lookup-events' });
    const abnormal = evaluateRules(RULES, snapshot).find((f) => f.ruleId === 'monitoring.abnormal-activity')!;
    expect(abnormal.status).toBe('PASS');
  });

  it('AccessDenied on LookupEvents: activity absent with a collection error, the rule ERRORs, IAM rules are still evaluated', async () => {
    m.cloudTrail[HOME]!.on(LookupEventsCommand).rejects(
      cloudTrailError('AccessDeniedException', `User: arn:aws:sts::${ACCOUNT_ID}:assumed-role/art32-reader/art32 is not authorized to perform: cloudtrail:LookupEvents`, 400),
    );
    const snapshot = await collect(m, { source: 'lookup-events' });

    expect(snapshot.activity).toBeUndefined();
    expect(snapshot.collectionErrors).toEqual([
      expect.objectContaining({ section: 'activity', operation: 'cloudtrail:LookupEvents', code: 'AccessDeniedException', region: HOME }),
    ]);
    expect(snapshot.collectionErrors[0]!.message).toMatch(/not authorized to perform: cloudtrail:LookupEvents/);
    for (const section of ['passwordPolicy', 'credentialReport', 'authorizationDetails', 'trails'] as const) expect(snapshot[section], section).toBeDefined();

    const findings = evaluateRules(RULES, snapshot);
    const abnormal = findings.find((f) => f.ruleId === 'monitoring.abnormal-activity')!;
    expect(abnormal.status).toBe('ERROR');
    expect(abnormal.message).toContain('cloudtrail:LookupEvents: AccessDeniedException');
    for (const id of ['auth.password-policy-present', 'auth.root-mfa', 'access.admin-principals', 'logging.cloudtrail-multi-region']) {
      expect(findings.find((f) => f.ruleId === id)?.status, id).not.toBe('ERROR');
    }
  });

  it('throttled out on the first page: a ThrottlingException collection error after the reader\'s retries, nothing else lost', async () => {
    m.cloudTrail[HOME]!.on(LookupEventsCommand).rejects(cloudTrailError('ThrottlingException', 'Rate exceeded', 400));
    const snapshot = await collect(m, { source: 'lookup-events' });
    expect(snapshot.activity).toBeUndefined();
    expect(snapshot.collectionErrors).toEqual([expect.objectContaining({ section: 'activity', operation: 'cloudtrail:LookupEvents', code: 'ThrottlingException' })]);
    // 1 call + 5 retries with backoff (lib/activity's default), each counted against the budget.
    expect(m.cloudTrail[HOME]!.commandCalls(LookupEventsCommand)).toHaveLength(6);
    expect(snapshot.passwordPolicy).toBeDefined();
  });

  it('a call budget reached records the truncation (how far back it got) and the rule does not PASS', async () => {
    m.cloudTrail[HOME]!.on(LookupEventsCommand).callsFake(lookupPager(dayOfEvents()));
    const snapshot = await collect(m, { source: 'lookup-events', maxCalls: 2 });

    expect(m.cloudTrail[HOME]!.commandCalls(LookupEventsCommand)).toHaveLength(2);
    const activity = snapshot.activity!;
    expect(activity.truncated).toBe(true);
    expect(activity.coverage).toBeLessThan(1);
    const source = activity.sources[0]!;
    expect(source).toMatchObject({ kind: 'lookup-events', complete: false, eventsRead: 100, apiCalls: 2 });
    expect(source.truncation?.reason).toBe('call-budget');
    expect(source.truncation?.coveredFrom).toBeDefined();
    expect(snapshot.collectionErrors).toEqual([]);
    const abnormal = evaluateRules(RULES, snapshot).find((f) => f.ruleId === 'monitoring.abnormal-activity')!;
    expect(abnormal.status).not.toBe('PASS');
  });

  it('reads the window asked for, and refuses a bad request before any call', async () => {
    m.cloudTrail[HOME]!.on(LookupEventsCommand).resolves({ Events: [] });
    const snapshot = await collect(m, { source: 'lookup-events', windowHours: 6, timeZone: 'UTC' });
    expect(m.cloudTrail[HOME]!.commandCalls(LookupEventsCommand)[0]!.args[0].input.StartTime).toEqual(new Date(NOW.getTime() - 6 * 3_600_000));
    expect(snapshot.activity).toMatchObject({ timeZone: 'UTC', totals: { events: 0 }, sources: [{ complete: true }] });

    const fresh = mockedAccount();
    mockHealthyAccount(fresh, 3);
    const bad = await collect(fresh, { source: 'lookup-events', windowHours: 0 });
    expect(fresh.cloudTrail[HOME]!.commandCalls(LookupEventsCommand)).toHaveLength(0);
    expect(bad.activity).toBeUndefined();
    expect(bad.collectionErrors).toEqual([expect.objectContaining({ section: 'activity', operation: 'collect:activity', message: expect.stringMatching(/windowHours/) })]);
  });

  it('without the activity option: no LookupEvents call and no activity section (as before)', async () => {
    const snapshot = await collect(m, undefined);
    expect(m.cloudTrail[HOME]!.commandCalls(LookupEventsCommand)).toHaveLength(0);
    expect(snapshot.activity).toBeUndefined();
    expect(snapshot.collectionErrors).toEqual([]);
  });
});

describe('collectAccount with activity from S3 log files', () => {
  it('uses the clients\' S3 log reader, and says NotConfigured when there is none (the Lambda)', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 1);
    const none = await collect(m, { source: 's3', uri: 's3://log-archive-trails/AWSLogs/111122223333/CloudTrail/' });
    expect(none.activity).toBeUndefined();
    expect(none.collectionErrors).toEqual([expect.objectContaining({ section: 'activity', code: 'NotConfigured' })]);

    const uris: string[] = [];
    const withReader = await collectAccount({
      clients: {
        ...m.clients,
        s3LogReader: async (uri, aggregator) => {
          uris.push(uri);
          for (const r of dayOfEvents()) aggregator.add(r);
          const source = { kind: 's3-prefix' as const, location: uri, complete: true, eventsRead: 240, filesRead: 3, apiCalls: 4 };
          aggregator.addSource(source);
          return source;
        },
      },
      region: HOME,
      now: NOW,
      clock: () => NOW,
      sleep: noWait,
      activity: { source: 's3', uri: 's3://log-archive-trails/AWSLogs/111122223333/CloudTrail/' },
    });
    expect(uris).toEqual(['s3://log-archive-trails/AWSLogs/111122223333/CloudTrail/']);
    expect(withReader.activity?.totals.events).toBe(240);
    expect(evaluateRules(RULES, withReader).find((f) => f.ruleId === 'monitoring.abnormal-activity')?.status).toBe('FAIL');
  });

  it('an S3 listing denied becomes an s3:ListBucket collection error', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 1);
    const snapshot = await collectAccount({
      clients: {
        ...m.clients,
        s3LogReader: async (uri, aggregator) => {
          const source = {
            kind: 's3-prefix' as const,
            location: uri,
            complete: false,
            eventsRead: 0,
            filesRead: 0,
            apiCalls: 1,
            truncation: { reason: 'AccessDenied', message: `ListObjectsV2 on ${uri} failed: Access Denied` },
          };
          aggregator.addSource(source);
          return source;
        },
      },
      region: HOME,
      now: NOW,
      clock: () => NOW,
      sleep: noWait,
      activity: { source: 's3', uri: 's3://log-archive-trails/AWSLogs/' },
    });
    expect(snapshot.activity).toBeUndefined();
    expect(snapshot.collectionErrors).toEqual([expect.objectContaining({ section: 'activity', operation: 's3:ListBucket', code: 'AccessDenied' })]);
  });
});

describe('collectAccounts with activity (the CLI\'s --live path)', () => {
  it('reads activity in the account it collects', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 3);
    m.cloudTrail[HOME]!.on(LookupEventsCommand).callsFake(lookupPager(dayOfEvents()));
    const result = await collectAccounts({
      region: HOME,
      sts: m.clients.sts,
      makeClients: () => m.clients,
      activity: { source: 'lookup-events', maxCalls: 10 },
      now: NOW,
      clock: () => NOW,
      sleep: noWait,
    });
    expect(result.snapshots).toHaveLength(1);
    expect(result.snapshots[0]!.activity?.totals.events).toBe(240);
    expect(result.outcomes[0]!.ok).toBe(true);
  });
});
