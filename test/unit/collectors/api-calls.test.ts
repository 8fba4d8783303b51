/**
 * API-call accounting.
 *
 * Two kinds of tests here:
 * - The counter middleware and the SDK's adaptive retries run INSIDE `client.send`, which
 *   aws-sdk-client-mock replaces; so they are tested with a real client whose HTTP
 *   handler answers with IAM's documented XML (GetAccountSummary, a `Throttling` error).
 * - "Calls grow with pages, not users" is tested with aws-sdk-client-mock, counting what
 *   the collectors sent for a 1-user and a 5,000-user account.
 */
import { Readable } from 'node:stream';
import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { ApiCallCounter, attachApiCallCounter, collectAccount, createCollectorClients, operationName } from '../../../lib/collectors';
import { HOME, NOW, mockHealthyAccount, mockedAccount, sentOperations } from './aws-fixtures';

const SUMMARY_XML = `<GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetAccountSummaryResult>
    <SummaryMap>
      <entry><key>Users</key><value>1</value></entry>
      <entry><key>AccountMFAEnabled</key><value>1</value></entry>
      <entry><key>AccountAccessKeysPresent</key><value>0</value></entry>
    </SummaryMap>
  </GetAccountSummaryResult>
  <ResponseMetadata><RequestId>85cb9b90-ac28-11e4-a88d-97964EXAMPLE</RequestId></ResponseMetadata>
</GetAccountSummaryResponse>`;

const THROTTLING_XML = `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>
  <RequestId>9a6d6b3c-0000-4b3e-8b7e-EXAMPLE</RequestId>
</ErrorResponse>`;

/** An HTTP handler that plays back canned IAM responses (status, XML body) in order. */
function cannedHandler(responses: Array<[number, string]>) {
  let i = 0;
  return {
    requests: 0,
    async handle() {
      this.requests++;
      const [statusCode, body] = responses[Math.min(i++, responses.length - 1)]!;
      return { response: { statusCode, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(body)]) } };
    },
  };
}

function iamWith(handler: ReturnType<typeof cannedHandler>, maxAttempts: number, counter: ApiCallCounter) {
  const client = new IAMClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    retryMode: 'adaptive',
    maxAttempts,
    requestHandler: handler as never,
  });
  return attachApiCallCounter(client, counter);
}

describe('API-call counter middleware', () => {
  it('names operations as IAM actions', () => {
    expect(operationName('IAMClient', 'GetCredentialReportCommand')).toBe('iam:GetCredentialReport');
    expect(operationName('CloudWatchLogsClient', 'DescribeMetricFiltersCommand')).toBe('logs:DescribeMetricFilters');
    expect(operationName('ResourceGroupsTaggingAPIClient', 'GetResourcesCommand')).toBe('tag:GetResources');
  });

  it('throttling then success: one call, two attempts, and the answer arrives', async () => {
    const counter = new ApiCallCounter();
    const handler = cannedHandler([
      [400, THROTTLING_XML],
      [200, SUMMARY_XML],
    ]);
    const out = await iamWith(handler, 4, counter).send(new GetAccountSummaryCommand({}));
    expect(out.SummaryMap?.AccountMFAEnabled).toBe(1);
    expect(counter.calls()).toEqual({ 'iam:GetAccountSummary': 1 });
    expect(counter.attempts()).toEqual({ 'iam:GetAccountSummary': 2 });
    expect(handler.requests).toBe(2);
  });

  it('throttling past the ceiling: the error surfaces after exactly maxAttempts attempts', async () => {
    const counter = new ApiCallCounter();
    const handler = cannedHandler([[400, THROTTLING_XML]]);
    const error = await iamWith(handler, 2, counter)
      .send(new GetAccountSummaryCommand({}))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'Throttling', $metadata: { attempts: 2 } });
    expect(counter.totalCalls()).toBe(1);
    expect(counter.totalAttempts()).toBe(2);
  });

  it('attaching again replaces the counter instead of counting twice', async () => {
    const first = new ApiCallCounter();
    const second = new ApiCallCounter();
    const client = iamWith(cannedHandler([[200, SUMMARY_XML]]), 1, first);
    attachApiCallCounter(client, second);
    await client.send(new GetAccountSummaryCommand({}));
    expect(first.totalCalls()).toBe(0);
    expect(second.calls()).toEqual({ 'iam:GetAccountSummary': 1 });
  });

  it('clients built by createCollectorClients use adaptive retries with the configured ceiling, one client per region', async () => {
    const counter = new ApiCallCounter();
    const clients = createCollectorClients({ region: HOME, maxAttempts: 7, counter, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' } });
    expect(await clients.iam.config.maxAttempts()).toBe(7);
    const mode: unknown = clients.cloudTrail('ap-south-1').config.retryMode;
    expect(typeof mode === 'function' ? await (mode as () => Promise<string>)() : mode).toBe('adaptive');
    expect(await clients.cloudTrail('ap-south-1').config.region()).toBe('ap-south-1');
    expect(clients.cloudTrail('ap-south-1')).toBe(clients.cloudTrail('ap-south-1'));
  });
});

describe('calls grow with pages, never with users', () => {
  async function sentFor(users: number) {
    const m = mockedAccount();
    mockHealthyAccount(m, users);
    // AWS's maximum page size for GetAccountAuthorizationDetails (the collectors' default)
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, clock: () => NOW, sleep: async () => {} });
    expect(snapshot.credentialReport?.rows).toHaveLength(users + 1);
    expect(snapshot.authorizationDetails?.UserDetailList).toHaveLength(users);
    return sentOperations(m.all());
  }

  it('1 user and 5,000 users differ only by GetAccountAuthorizationDetails pages', async () => {
    const one = await sentFor(1);
    const many = await sentFor(5000);
    const { 'iam:GetAccountAuthorizationDetails': onePages, ...oneRest } = one;
    const { 'iam:GetAccountAuthorizationDetails': manyPages, ...manyRest } = many;
    expect(manyRest).toEqual(oneRest);
    expect(onePages).toBe(1);
    // 5,000 users + 1 group + 1 role + 2 policies at 1,000 items a page
    expect(manyPages).toBe(Math.ceil(5004 / 1000));
    const total = Object.values(many).reduce((a, b) => a + b, 0);
    // The second-wave operations are in both runs, the same number of times.
    for (const op of [
      'guardduty:ListDetectors',
      'guardduty:GetDetector',
      'securityhub:DescribeHub',
      'events:ListRules',
      'events:ListTargetsByRule',
      'cloudtrail:GetInsightSelectors',
      'cloudtrail:LookupEvents',
      // federated sign-in: grows with ListRoles pages and permission sets, not with users
      'iam:ListSAMLProviders',
      'iam:ListRoles',
      'sso:ListInstances',
      'sso:ListPermissionSets',
      'sso:DescribePermissionSet',
      'sso:ListManagedPoliciesInPermissionSet',
      'sso:GetInlinePolicyForPermissionSet',
      'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
      // trail buckets: ListBuckets pages, then 3 per owned trail bucket
      's3:ListBuckets',
      's3:GetBucketPolicy',
      's3:GetObjectLockConfiguration',
      's3:GetBucketLifecycleConfiguration',
      // data stores (#17 data.* rules): per Region read, per bucket / table / manual snapshot — never per user
      'ec2:DescribeRegions',
      's3control:GetPublicAccessBlock',
      's3:GetPublicAccessBlock',
      's3:GetBucketPolicyStatus',
      's3:GetBucketAcl',
      's3:GetBucketEncryption',
      's3:GetBucketVersioning',
      's3:GetBucketLocation',
      'tag:GetResources',
      'dynamodb:ListTables',
      'dynamodb:DescribeTable',
      'dynamodb:DescribeContinuousBackups',
      'rds:DescribeDBInstances',
      'rds:DescribeDBClusters',
      'rds:DescribeDBSnapshots',
      'rds:DescribeDBSnapshotAttributes',
      'rds:DescribeDBClusterSnapshots',
      'rds:DescribeDBClusterSnapshotAttributes',
      'ec2:GetEbsEncryptionByDefault',
      'ec2:DescribeSnapshots',
      'backup:ListProtectedResources',
    ]) {
      expect(many[op], op).toBeGreaterThan(0);
      expect(many[op], op).toBe(one[op]);
    }
    // A fixed number of calls besides those pages: IAM, CloudTrail, Logs, alarms, tagging, and the
    // second-wave threat-detection calls (GuardDuty, Security Hub, EventBridge rules + targets of the security rule),
    // and federated sign-in (1 SAML listing, 2 ListRoles pages, 1 instance listing, 2 permission-set pages, 4 calls
    // for each of the 2 permission sets), and the trail bucket (2 ListBuckets pages + 3 reads).
    // The data stores (#17) are counted apart: 1 DescribeRegions + 1 account Block Public Access + 2 tagging pages
    // in HOME + 1 in OTHER, per bucket 5 reads here (its 6th, s3:GetBucketPolicy, is counted with the trail bucket's)
    // (+1 GetBucketLocation for the bucket listed without BucketRegion), 2 ListTables pages in HOME + 1 in OTHER,
    // 2 reads per table, 4 RDS lists + 2 EC2 + 1 Backup per Region, 1 attribute read per manual snapshot (one DB,
    // one cluster snapshot): 1 + 1 + 3 + 2×5 + 1 + 3 + 2×2 + 2×7 + 2 = 39.
    const dataStoreOps = /^(ec2|s3control|dynamodb|rds|backup):|^s3:(GetPublicAccessBlock|GetBucketPolicyStatus|GetBucketAcl|GetBucketEncryption|GetBucketVersioning|GetBucketLocation)$/;
    const dataCalls = Object.entries(many).filter(([op]) => dataStoreOps.test(op)).reduce((a, [, n]) => a + n, 0);
    const dataTagPages = 3; // tag:GetResources for the data stores, the rest of tag:GetResources is the personal-data query
    expect(dataCalls + dataTagPages).toBe(39);
    expect(total - dataCalls - dataTagPages).toBeLessThan(60);
  }, 30_000);
});
