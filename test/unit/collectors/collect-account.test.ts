import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { CloudTrailServiceException } from '@aws-sdk/client-cloudtrail';
import {
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  IAMServiceException,
  ListVirtualMFADevicesCommand,
  NoSuchEntityException,
  type GetAccountAuthorizationDetailsCommandInput,
} from '@aws-sdk/client-iam';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectAccount } from '../../../lib/collectors';
import { RULES, evaluateRules } from '../../../lib/rules';
import { AccountSnapshot } from '../../../lib/snapshot';
import { ACCOUNT_ID, ADMIN_DOC, HOME, NOW, OTHER, TRAIL_ARN, TRUST_DOC, authorizationDetailsPager, mockHealthyAccount, mockedAccount, type MockedAccount } from './aws-fixtures';

const noWait = async () => {};

function accessDenied(service: 'iam' | 'cloudtrail', operation: string) {
  const Exception = service === 'iam' ? IAMServiceException : CloudTrailServiceException;
  return new Exception({
    name: service === 'iam' ? 'AccessDenied' : 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 403, requestId: 'c8f2bb1b-0000-4b8e-9d1e-EXAMPLE', attempts: 1 },
    message: `User: arn:aws:sts::${ACCOUNT_ID}:assumed-role/art32-reader/art32-${ACCOUNT_ID} is not authorized to perform: ${operation} because no identity-based policy allows the ${operation} action`,
  });
}

describe('collectAccount (healthy account)', () => {
  let m: MockedAccount;
  beforeEach(() => {
    m = mockedAccount();
    mockHealthyAccount(m, 3);
  });

  it('fills every section, schema-valid, with source kind live and no collection errors', async () => {
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, sleep: noWait, clock: () => NOW });
    expect(() => AccountSnapshot.parse(snapshot)).not.toThrow();
    expect(snapshot.collectionErrors).toEqual([]);
    expect(snapshot.account).toEqual({ id: ACCOUNT_ID, alias: 'example-corp-prod' });
    expect(snapshot.source.kind).toBe('live');
    expect(snapshot.collectedAt).toBe(NOW.toISOString());
    for (const section of ['passwordPolicy', 'credentialReport', 'accountSummary', 'virtualMfaDevices', 'authorizationDetails', 'trails', 'logGroups', 'metricAlarms', 'personalDataStores'] as const) {
      expect(snapshot[section], section).toBeDefined();
    }
    expect(snapshot.passwordPolicy?.MinimumPasswordLength).toBe(8);
    expect(snapshot.accountSummary?.AccountMFAEnabled).toBe(1);
    expect(snapshot.credentialReport?.rows.map((r) => r.user)).toEqual(['<root_account>', 'adviser-00000', 'adviser-00001', 'adviser-00002']);
  });

  it('asks STS whose account it is when no account id is given, and uses the given one otherwise', async () => {
    await collectAccount({ clients: m.clients, region: HOME, now: NOW, sleep: noWait, clock: () => NOW });
    expect(m.sts.calls()).toHaveLength(1);
    const m2 = mockedAccount();
    mockHealthyAccount(m2, 1);
    const snapshot = await collectAccount({ accountId: '444455556666', clients: m2.clients, region: HOME, now: NOW, sleep: noWait, clock: () => NOW });
    expect(snapshot.account.id).toBe('444455556666');
    expect(m2.sts.calls()).toHaveLength(0);
  });

  it('follows IsTruncated/Marker pages and decodes URL-encoded policy documents, keeping the default version', async () => {
    // The paginator reuses its input object, so record what each request carried when sent.
    const seen: Array<{ Marker?: string; MaxItems?: number }> = [];
    const pager = authorizationDetailsPager(3);
    m.iam.on(GetAccountAuthorizationDetailsCommand).callsFake((input: GetAccountAuthorizationDetailsCommandInput) => {
      seen.push({ ...input });
      return pager(input);
    });
    const snapshot = await collectAccount({
      clients: m.clients,
      region: HOME,
      now: NOW,
      sleep: noWait,
      clock: () => NOW,
      options: { authorizationDetailsPageSize: 2 },
    });
    // 3 users + group + role + 2 policies = 7 entries at 2 per page = 4 pages
    expect(seen.map((i) => i.Marker === undefined)).toEqual([true, false, false, false]);
    expect(seen.every((i) => i.MaxItems === 2)).toBe(true);
    const details = snapshot.authorizationDetails!;
    expect(details.UserDetailList).toHaveLength(3);
    expect(details.UserDetailList[0]?.UserPolicyList[0]?.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::cases/*' }],
    });
    expect(details.RoleDetailList[0]?.AssumeRolePolicyDocument).toEqual(TRUST_DOC);
    expect(details.Policies.find((p) => p.PolicyName === 'AdministratorAccess')?.Document).toEqual(ADMIN_DOC);
    expect(details.Policies.find((p) => p.PolicyName === 'CaseReader')?.Document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    });
    expect(details.UserDetailList[0]?.CreateDate).toBe('2024-06-01T08:00:00.000Z');
    // ListVirtualMFADevices: two pages, second one with the Marker of the first
    expect(m.iam.commandCalls(ListVirtualMFADevicesCommand)).toHaveLength(2);
    expect(snapshot.virtualMfaDevices?.map((d) => d.SerialNumber)).toEqual([
      `arn:aws:iam::${ACCOUNT_ID}:mfa/root-account-mfa-device`,
      `arn:aws:iam::${ACCOUNT_ID}:mfa/unassigned`,
    ]);
  });

  it('follows NextToken / nextToken / PaginationToken pages (Logs, CloudWatch, Tagging)', async () => {
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, sleep: noWait, clock: () => NOW });
    expect(snapshot.logGroups).toEqual([
      {
        logGroupName: 'CloudTrail/management-events',
        arn: `arn:aws:logs:${OTHER}:${ACCOUNT_ID}:log-group:CloudTrail/management-events:*`,
        retentionInDays: 365,
        metricFilters: [
          {
            filterName: 'UnauthorizedAPICalls',
            filterPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
            metricTransformations: [{ metricName: 'UnauthorizedAPICalls', metricNamespace: 'CloudTrailMetrics', metricValue: '1' }],
          },
        ],
      },
    ]);
    expect(snapshot.metricAlarms?.map((a) => a.AlarmName)).toEqual(['unauthorized-api-calls', 'root-usage']);
    expect(snapshot.personalDataStores?.map((r) => r.ResourceARN)).toEqual([
      'arn:aws:dynamodb:eu-west-3:111122223333:table/jobseekers',
      'arn:aws:s3:::cases',
    ]);
    expect(m.tagging[HOME]!.commandCalls(GetResourcesCommand, { TagFilters: [{ Key: 'data-classification', Values: ['personal', 'personal-data', 'pii'] }] })).toHaveLength(2);
  });

  it('reads each trail in its HOME region: DescribeTrails with shadow trails here, status and selectors there', async () => {
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, sleep: noWait, clock: () => NOW });
    expect(m.cloudTrail[HOME]!.commandCalls(DescribeTrailsCommand)[0]?.args[0].input).toEqual({ includeShadowTrails: true });
    expect(m.cloudTrail[HOME]!.commandCalls(GetTrailStatusCommand)).toHaveLength(0);
    expect(m.cloudTrail[OTHER]!.commandCalls(GetTrailStatusCommand)[0]?.args[0].input).toEqual({ Name: TRAIL_ARN });
    expect(m.cloudTrail[OTHER]!.commandCalls(GetEventSelectorsCommand)[0]?.args[0].input).toEqual({ TrailName: TRAIL_ARN });
    const trail = snapshot.trails?.[0];
    expect(trail?.HomeRegion).toBe(OTHER);
    expect(trail?.Status?.IsLogging).toBe(true);
    expect(trail?.AdvancedEventSelectors).toHaveLength(2);
    expect(trail?.EventSelectors).toBeUndefined();
  });

  it('records NoSuchEntity on the password policy as null (AWS default applies), not as an error', async () => {
    m.iam.on(GetAccountPasswordPolicyCommand).rejects(
      new NoSuchEntityException({ message: `The Password Policy with domain name ${ACCOUNT_ID} cannot be found.`, $metadata: { httpStatusCode: 404 } }),
    );
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, sleep: noWait, clock: () => NOW });
    expect(snapshot.passwordPolicy).toBeNull();
    expect(snapshot.collectionErrors).toEqual([]);
  });
});

describe('collectAccount (failures are per section)', () => {
  it('AccessDenied on CloudTrail only: IAM sections present, trails absent with the reason, log groups and alarms not collected', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 2);
    m.cloudTrail[HOME]!.on(DescribeTrailsCommand).rejects(accessDenied('cloudtrail', 'cloudtrail:DescribeTrails'));
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, sleep: noWait, clock: () => NOW });
    expect(snapshot.passwordPolicy).toBeDefined();
    expect(snapshot.credentialReport).toBeDefined();
    expect(snapshot.authorizationDetails).toBeDefined();
    expect(snapshot.personalDataStores).toBeDefined();
    expect(snapshot.trails).toBeUndefined();
    expect(snapshot.logGroups).toBeUndefined();
    expect(snapshot.metricAlarms).toBeUndefined();
    expect(snapshot.collectionErrors).toEqual([
      expect.objectContaining({ section: 'trails', operation: 'cloudtrail:DescribeTrails', code: 'AccessDeniedException', region: HOME }),
      expect.objectContaining({ section: 'logGroups', code: 'DependencyNotCollected' }),
      expect.objectContaining({ section: 'metricAlarms', code: 'DependencyNotCollected' }),
      expect.objectContaining({ section: 'trailBuckets', code: 'DependencyNotCollected' }),
    ]);
    expect(snapshot.collectionErrors[0]?.message).toMatch(/not authorized to perform: cloudtrail:DescribeTrails/);

    // Rules: those on trails say ERROR (with the reason); the IAM ones are still judged.
    const findings = evaluateRules(RULES, snapshot);
    const byId = new Map(findings.map((f) => [f.ruleId, f]));
    const trailRules = RULES.filter((r) => r.sections.some((s) => s === 'trails' || s === 'logGroups' || s === 'metricAlarms'));
    const iamRules = RULES.filter((r) => r.sections.length > 0 && r.sections.every((s) => ['passwordPolicy', 'credentialReport', 'accountSummary', 'virtualMfaDevices', 'authorizationDetails'].includes(s)));
    expect(trailRules.length).toBeGreaterThan(0);
    expect(iamRules.length).toBeGreaterThan(0);
    for (const rule of trailRules) {
      expect(byId.get(rule.id)?.status, rule.id).toBe('ERROR');
      expect(byId.get(rule.id)?.message, rule.id).toMatch(/cloudtrail:DescribeTrails: AccessDeniedException|DependencyNotCollected/);
    }
    for (const rule of iamRules) expect(byId.get(rule.id)?.status, rule.id).not.toBe('ERROR');
  });

  it('a trail whose status cannot be read is kept without Status, and the error says which region', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 1);
    m.cloudTrail[OTHER]!.on(GetTrailStatusCommand).rejects(accessDenied('cloudtrail', 'cloudtrail:GetTrailStatus'));
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, sleep: noWait, clock: () => NOW });
    expect(snapshot.trails?.[0]?.Status).toBeUndefined();
    expect(snapshot.trails?.[0]?.AdvancedEventSelectors).toBeDefined();
    expect(snapshot.collectionErrors).toEqual([
      expect.objectContaining({ section: 'trails', operation: 'cloudtrail:GetTrailStatus', region: OTHER }),
    ]);
  });

  it('throttling that outlasts the SDK retries lands in collectionErrors; the other sections are still collected', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 1);
    m.iam.on(GetAccountAuthorizationDetailsCommand).rejects(
      new IAMServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400, attempts: 6, totalRetryDelay: 14_000 },
        message: 'Rate exceeded',
      }),
    );
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, sleep: noWait, clock: () => NOW });
    expect(snapshot.authorizationDetails).toBeUndefined();
    expect(snapshot.credentialReport).toBeDefined();
    expect(snapshot.trails).toBeDefined();
    expect(snapshot.collectionErrors).toEqual([
      { section: 'authorizationDetails', operation: 'iam:GetAccountAuthorizationDetails', code: 'Throttling', message: 'Rate exceeded (after 6 attempts)' },
    ]);
  });

  it('a response that does not fit the schema drops that section with an UnexpectedResponseShape error', async () => {
    const m = mockedAccount();
    mockHealthyAccount(m, 1);
    m.tagging[HOME]!.on(GetResourcesCommand, { TagFilters: [{ Key: 'data-classification', Values: ['personal', 'personal-data', 'pii'] }] }).resolves({
      ResourceTagMappingList: [{ ResourceARN: 'arn:aws:s3:::odd', Tags: [{ Key: 'data-classification' } as never] }],
    });
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, sleep: noWait, clock: () => NOW });
    expect(snapshot.personalDataStores).toBeUndefined();
    expect(snapshot.collectionErrors).toEqual([expect.objectContaining({ section: 'personalDataStores', code: 'UnexpectedResponseShape' })]);
  });
});
