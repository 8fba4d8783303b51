/**
 * `activity: { source: "s3" }`: the run reads the organisation trail's log files itself —
 * ListActivityLogs, then a Distributed Map over the manifest (ItemReader JSONL, ItemBatcher,
 * Express children), then the account fan-out whose evaluations merge the partials. Grants are
 * exact (the configured bucket, prefix and owner; decrypt through S3 only) and nag stays clean.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Art32App } from '../../infra/app-builder';
import { TEST_CONFIG, cleanup, synthApp } from './app';

const KEY = 'arn:aws:kms:eu-west-3:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab';
let built: Art32App;
let template: Template;
let definition: { States: Record<string, Record<string, unknown>>; StartAt: string };
beforeAll(() => {
  built = synthApp({
    ...TEST_CONFIG,
    accounts: { mode: 'organization', excludeIds: [] },
    activity: { source: 's3', bucket: 'org-trail-logs', prefix: 'org', bucketAccount: '999988887777', kmsKeyArn: KEY, readConcurrency: 60 },
  });
  template = Template.fromStack(built.collector);
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as { Properties: { DefinitionString: unknown } };
  definition = JSON.parse(resolveJoin(machine.Properties.DefinitionString));
});
afterAll(() => cleanup(built.app));

/** A DefinitionString `Fn::Join` with tokens as placeholders. */
function resolveJoin(value: unknown): string {
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(join[0]);
}

function statements(roleLogicalIdPart: string): Record<string, unknown>[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.includes(roleLogicalIdPart))
    .flatMap(([, p]) => (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement);
}

describe('scheduled log-file activity (activity.source s3)', () => {
  it('lists the log files after the accounts, reads them in batches, then fans out the accounts', () => {
    const list = definition.States.ListActivityLogs!;
    expect(definition.States.ListAccounts?.Next).toBe('ListActivityLogs');
    expect(list).toMatchObject({ ResultPath: '$.activityLogs', Next: 'AnyActivityLogs', Catch: [expect.objectContaining({ Next: 'ActivityLogsNotListed' })] });
    expect(definition.States.AnyActivityLogs).toMatchObject({ Choices: [expect.objectContaining({ Variable: '$.activityLogs.files', NumericGreaterThan: 0, Next: 'ReadActivityLogs' })], Default: 'ForEachAccount' });
    const read = definition.States.ReadActivityLogs as Record<string, unknown>;
    expect(read).toMatchObject({
      Type: 'Map',
      MaxConcurrency: 60,
      ToleratedFailurePercentage: 100,
      ResultPath: null,
      Next: 'ForEachAccount',
      ItemReader: { Resource: 'arn:TOKEN:states:::s3:getObject', ReaderConfig: { InputType: 'JSONL' }, Parameters: { Bucket: 'TOKEN', 'Key.$': '$.activityLogs.manifest.key' } },
      ItemBatcher: { MaxItemsPerBatch: 50, MaxInputBytesPerBatch: 131072, BatchInput: { 'runId.$': '$.runId', 'startedAt.$': '$.startedAt' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'ReadActivityLogBatch' },
    });
    const batch = (read.ItemProcessor as { States: Record<string, { Retry: { ErrorEquals: string[] }[] }> }).States.ReadActivityLogBatch!;
    expect(batch.Retry.flatMap((r) => r.ErrorEquals)).toContain('ActivityLogsTransient');
    expect(definition.States.ActivityLogsNotListed?.Next).toBe('ForEachAccount');
    expect(definition.States.ActivityLogsNotRead?.Next).toBe('ForEachAccount');
    expect(definition.States.ForEachAccount?.Next).toBe('FinalizeRun');
  });

  it('the lister may list only the trail prefix of the configured bucket, if its owner is bucketAccount', () => {
    const list = statements('ActivityLogsListRole').filter((s) => s.Action === 's3:ListBucket');
    expect(list).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::org-trail-logs']] },
        Condition: { StringEquals: { 's3:ResourceAccount': '999988887777' }, StringLike: { 's3:prefix': ['org/AWSLogs/*'] } },
      }),
    ]);
    // It reads nothing of the trail bucket: its one GetObject is the run's account list in the work bucket.
    const reads = statements('ActivityLogsListRole').filter((s) => JSON.stringify(s.Action).includes('s3:GetObject'));
    expect(reads).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^WorkBucket/), 'Arn'] }), '/accounts/*']] } })]);
  });

  it('the workers may read objects under the trail prefix only, decrypt only through S3, and write only under activity/ of the work bucket', () => {
    const read = statements('ActivityLogsReadRole');
    expect(read).toContainEqual(
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::org-trail-logs/org/AWSLogs/*']] },
        Condition: { StringEquals: { 's3:ResourceAccount': '999988887777' } },
      }),
    );
    expect(read).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: KEY, Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } } }));
    const puts = read.filter((s) => s.Action === 's3:PutObject');
    expect(JSON.stringify(puts)).toContain('/activity/*');
    expect(read.some((s) => String(s.Action).startsWith('s3:Delete') || s.Action === 's3:*')).toBe(false);
  });

  it('collect-account reads its partials from the work bucket and nothing of the trail bucket', () => {
    const env = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((f) => (f as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }).Properties.Environment?.Variables ?? {})
      .find((v) => v.POWERTOOLS_SERVICE_NAME === 'art32-collect-account');
    expect(env).toMatchObject({ ACTIVITY_SOURCE: 's3', ACTIVITY_TRAIL_URI: 's3://org-trail-logs/org/', ACTIVITY_WINDOW_HOURS: '24' });
    const collect = JSON.stringify(statements('CollectAccountRole'));
    expect(collect).not.toContain('org-trail-logs');
    expect(collect).toContain('activity/*');
  });

  it('the work bucket is private, TLS-only, and expires its objects', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 7, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }] },
    });
    const policy = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
    expect(policy).toContain('"aws:SecureTransport":"false"');
  });

  it('cdk-nag AwsSolutionsChecks: zero unacknowledged findings', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(built.app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});
