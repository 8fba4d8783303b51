import { Match, Template } from 'aws-cdk-lib/assertions';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Art32App } from '../../infra/app-builder';
import { ConfigError } from '../../lib/config';
import { TEST_CONFIG, cleanup, synthApp } from './app';

let built: Art32App;
let template: Template;
beforeAll(() => {
  built = synthApp();
  template = Template.fromStack(built.collector);
});
afterAll(() => cleanup(built.app));

/** What no role of the stack may hold and the table's resource policy denies (BatchWriteItem can carry deletes). */
const DENIED_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:UpdateItem',
  'dynamodb:PartiQLDelete',
  'dynamodb:PartiQLUpdate',
  'dynamodb:DeleteTable',
];

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: unknown };
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Every identity-policy statement in the stack: AWS::IAM::Policy documents and role inline policies. */
function identityStatements(t: Template): { owner: string; statement: Statement }[] {
  const out: { owner: string; statement: Statement }[] = [];
  for (const [id, r] of Object.entries(t.findResources('AWS::IAM::Policy'))) {
    for (const s of list(r.Properties.PolicyDocument.Statement as Statement[])) out.push({ owner: id, statement: s });
  }
  for (const [id, r] of Object.entries(t.findResources('AWS::IAM::Role'))) {
    for (const p of list(r.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[])) {
      for (const s of list(p.PolicyDocument.Statement)) out.push({ owner: id, statement: s });
    }
  }
  return out;
}

describe('evidence table', () => {
  it('is on-demand, PITR, deletion-protected, CMK-encrypted and retained', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: 'art32-evidence',
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'byRule' }), Match.objectLike({ IndexName: 'byRun' })]),
        Replicas: [
          Match.objectLike({
            Region: 'eu-west-3',
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: Match.anyValue() },
          }),
        ],
      }),
    });
    // TTL exists only for the evidence retention, on the one attribute the writer sets on records and payloads (next test).
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });

  it('expires records by DynamoDB TTL on expiresAt, set in the template (UpdateTimeToLive is denied to the stack roles)', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    const holders = identityStatements(template).filter(({ statement }) => list(statement.Action).some((a) => /UpdateTimeToLive|DeleteItem|dynamodb:\*/.test(a)));
    expect(holders).toEqual([]);
  });

  it('uses a customer-managed key with rotation, itself retained', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
    const keyRef = (table.Properties.Replicas[0].SSESpecification.KMSMasterKeyId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const key = template.toJSON().Resources[keyRef];
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('has a resource policy denying batch writes, deletes and updates to everyone (no break-glass configured)', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
    const statements = table.Properties.Replicas[0].ResourcePolicy.PolicyDocument.Statement as Statement[];
    // The append-only deny, plus the protections deny (#13: test/infra/integrity.test.ts checks it).
    expect(statements.map((s) => (s as { Sid?: string }).Sid)).toEqual(['EvidenceIsAppendOnly', 'ProtectionsOnlyByDeployOrBreakGlass']);
    const deny = statements[0]!;
    expect(deny.Effect).toBe('Deny');
    expect([...list(deny.Action)].sort()).toEqual([...DENIED_ACTIONS].sort());
    expect(deny.Principal).toEqual({ AWS: '*' });
    // No exception at all, not even for the stack's own roles.
    expect(deny.Condition).toBeUndefined();
  });
});

describe('least privilege', () => {
  it('the collect role appends with PutItem and reads; nothing more', () => {
    const collect = identityStatements(template).filter(({ owner, statement }) => /^CollectAccountRole/.test(owner) && list(statement.Action).some((a) => a.startsWith('dynamodb:')));
    expect(collect).toHaveLength(1);
    expect([...list(collect[0]!.statement.Action)].sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
  });

  it('no role holds BatchWriteItem, DeleteItem, UpdateItem, PartiQL delete/update, DeleteTable or a DynamoDB wildcard', () => {
    const dynamoActions = identityStatements(template)
      .filter(({ statement }) => statement.Effect === 'Allow')
      .flatMap(({ owner, statement }) => list(statement.Action).filter((a) => a.toLowerCase().startsWith('dynamodb:')).map((a) => ({ owner, action: a })));
    expect(dynamoActions.length).toBeGreaterThan(0);
    for (const { owner, statement } of identityStatements(template).filter(({ statement }) => statement.Effect === 'Allow')) {
      expect(list(statement.Action), `${owner} allows every action`).not.toContain('*');
      expect((statement as { NotAction?: unknown }).NotAction, `${owner} uses NotAction`).toBeUndefined();
    }
    for (const { owner, action } of dynamoActions) {
      expect(DENIED_ACTIONS, `${owner} holds ${action}`).not.toContain(action);
      expect(action, `${owner} holds a wildcard`).not.toMatch(/\*/);
    }
  });

  it('DynamoDB grants name the table and each index, never index/*', () => {
    for (const { statement } of identityStatements(template)) {
      if (!list(statement.Action).some((a) => a.startsWith('dynamodb:'))) continue;
      expect(JSON.stringify(statement.Resource)).not.toContain('/index/*');
      // Readers query the indexes; the report's single "report sent" PutItem needs the table only.
      if (list(statement.Action).includes('dynamodb:Query')) expect(JSON.stringify(statement.Resource)).toContain('/index/byRule');
    }
  });

  it('roles may use the evidence key only through DynamoDB (kms:ViaService)', () => {
    const evidenceKey = Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('EvidenceKey'));
    expect(evidenceKey).toHaveLength(1);
    const keyStatements = identityStatements(template).filter(
      ({ statement }) => statement.Effect === 'Allow' && list(statement.Action).some((a) => a.startsWith('kms:')) && JSON.stringify(statement.Resource).includes(evidenceKey[0]!),
    );
    expect(keyStatements.length).toBeGreaterThan(0);
    for (const { owner, statement } of keyStatements) {
      expect(statement.Condition, `${owner} may use the key directly`).toEqual({ StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-3.amazonaws.com' } });
    }
  });

  it('the collect role may assume only the member role of the configured accounts', () => {
    const assume = identityStatements(template).filter(({ statement }) => list(statement.Action).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    const resources = JSON.stringify(assume[0]!.statement.Resource);
    for (const id of TEST_CONFIG.accounts.ids) expect(resources).toContain(`:iam::${id}:role/art32-member-readonly`);
    expect(resources).not.toContain('iam::*');
  });

  it('the report function may send only from the configured SES identity', () => {
    const ses = identityStatements(template).filter(({ statement }) => list(statement.Action).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(list(ses[0]!.statement.Action)).toEqual(['ses:SendEmail']);
    expect(JSON.stringify(ses[0]!.statement.Resource)).toMatch(/:ses:eu-west-3:.*:identity\/example\.com"/);
  });

  it('the report function writes only "report sent" items (leading key REPORTS), never evidence', () => {
    const puts = identityStatements(template).filter(({ statement }) => list(statement.Action).includes('dynamodb:PutItem') && JSON.stringify(statement.Condition ?? {}).includes('REPORTS'));
    expect(puts).toHaveLength(1);
    expect(list(puts[0]!.statement.Action)).toEqual(['dynamodb:PutItem']);
    expect(puts[0]!.statement.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['REPORTS'] } });
  });

  it('no role uses an AWS managed policy', () => {
    for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });
});

describe('functions', () => {
  it('all run Node.js 24 on ARM64 with X-Ray and source maps', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns)).toHaveLength(5);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('the collect role has the fixed name member accounts trust', () => {
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'art32-collector' });
  });
});

describe('orchestration', () => {
  it('schedules the run from config (cron + time zone), with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 5 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: Match.objectLike({
        Arn: { Ref: Match.stringLikeRegexp('CollectionRun') },
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 8 ? * MON *)', ScheduleExpressionTimezone: 'Europe/Paris' });
  });

  it('the dead-letter queue is KMS-encrypted and TLS-only', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('the state machine maps accounts with the configured concurrency, retries throttling and catches to an ERROR record', () => {
    const sm = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    const joined = (sm.Properties.DefinitionString['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
    const definition = JSON.parse(joined);
    expect(definition.StartAt).toBe('ListAccounts');
    const map = definition.States.ForEachAccount;
    expect(map.Type).toBe('Map');
    expect(map.MaxConcurrency).toBe(7);
    // Distributed: one child execution per account (the run's own state and history stay small);
    // the items are the account list ListAccounts wrote to the work bucket (the state carries its
    // key), results go to the work bucket (finalize reads outcomes from the store, the results
    // manifest for failed children), and even a fan-out that stops still reaches FinalizeRun.
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.ItemsPath).toBeUndefined();
    expect(map.ItemReader).toMatchObject({ Resource: 'arn:TOKEN:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Key.$': '$.accountList.key' } });
    expect(map.ItemSelector).toEqual({ 'accountId.$': '$$.Map.Item.Value', 'runId.$': '$.runId', 'startedAt.$': '$.startedAt' });
    expect(map.ResultWriter).toMatchObject({ Resource: 'arn:TOKEN:states:::s3:putObject', Parameters: { Prefix: 'results/' } });
    expect(map.ResultPath).toBe('$.accountResults');
    expect(map.ToleratedFailurePercentage).toBe(100);
    expect(map.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.accountsFailure', Next: 'AccountFanOutStopped' }]);
    expect(definition.States.AccountFanOutStopped.Next).toBe('FinalizeRun');
    expect(definition.States.PublishFindings.Parameters).toEqual({ 'runId.$': '$.runId', 'accountList.$': '$.accountList' });
    const collect = map.ItemProcessor.States.CollectAccount;
    expect(collect.Retry[0].ErrorEquals).toEqual(expect.arrayContaining(['Lambda.TooManyRequestsException', 'Lambda.ServiceException']));
    expect(collect.Catch[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'RecordCollectFailure', ResultPath: '$.failure' });
    expect(map.Next).toBe('FinalizeRun');
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(sm.Properties.LoggingConfiguration.Level).toBe('ALL');
  });

  it('alarms on failed runs, each function’s errors and the DLQ, to an encrypted topic with the email subscription', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const metrics = alarms.map((a) => `${a.Properties.Namespace}/${a.Properties.MetricName}`);
    expect(metrics).toEqual(expect.arrayContaining(['AWS/States/ExecutionsFailed', 'AWS/States/ExecutionsTimedOut', 'AWS/SQS/ApproximateNumberOfMessagesVisible']));
    expect(metrics.filter((m) => m === 'AWS/Lambda/Errors')).toHaveLength(5);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('alarms on every run outcome the handlers publish (Art32 namespace, their service dimension), on no sealed run for 26 h and on a failed report', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const byName = (name: string) => alarms.find((a) => a.Namespace === 'Art32' && a.MetricName === name);
    for (const name of ['AccountsCollectionFailed', 'AccountsUnrecorded', 'AccountsSealedIncomplete', 'AccountsWithoutSealedRun']) {
      expect(byName(name), name).toMatchObject({ Dimensions: [{ Name: 'service', Value: 'art32-finalize-run' }], Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
    // A refused seal is alarmed; a failed write attempt the state machine then retries is not (no page for a fixed throttle).
    expect(byName('SealsRefused')).toMatchObject({ Dimensions: [{ Name: 'service', Value: 'art32-finalize-run' }] });
    expect(byName('EvidenceWriteAttemptsFailed')).toBeUndefined();
    expect(byName('SealFailures')).toBeUndefined();
    // Nothing sealed in 26 hourly periods, a missing datapoint (no run at all) counting as breaching.
    expect(byName('AccountsSealed')).toMatchObject({ Period: 3600, EvaluationPeriods: 26, DatapointsToAlarm: 26, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    // The report function, invoked asynchronously by the Scheduler, sends a failed invocation to a queue that alarms.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { DestinationConfig: { OnFailure: { Destination: Match.anyValue() } } });
    expect(alarms.filter((a) => a.Namespace === 'AWS/SQS')).toHaveLength(2);
  });

  it('outputs what docs/deploy.md refers to: state machine, table, alarm topic', () => {
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['StateMachineArn', 'EvidenceTableName', 'AlarmTopicArn', 'ReportFailureQueueUrl']));
  });

  it('every task retries transient handler errors with backoff and has a timeout; an overlapping run waits on the lock, then is refused', () => {
    const sm = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    const definition = JSON.stringify(sm.Properties.DefinitionString);
    for (const name of ['EvidenceWriteError', 'ProvisionedThroughputExceededException', 'InternalServerError', 'Sandbox.Timedout', 'States.Timeout', 'RunLockBusy', 'RunRefusedLockBusy']) expect(definition).toContain(name);
    expect(definition).toContain('TimeoutSeconds');
  });
});

describe('configuration of the alarms', () => {
  it('alarmEmail is required; the error names the key and the explicit opt-out', () => {
    const { alarmEmail: _omitted, ...withoutEmail } = TEST_CONFIG;
    void _omitted;
    expect(() => synthApp(withoutEmail)).toThrow(/art32\.alarmEmail: required.*"alarms": "none"/s);
  });
});

describe('cdk-nag AwsSolutionsChecks', () => {
  it('reports zero unacknowledged errors and warnings', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(built.app);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });

  it('every acknowledgement sits on one resource (never a stack or the app) and gives a reason', () => {
    const acks: { path: string; id: string; reason: string }[] = [];
    const walk = (node: IConstruct): void => {
      for (const entry of node.node.metadata) {
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
          for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acks.push({ path: node.node.path, id, reason });
        }
      }
      node.node.children.forEach(walk);
    };
    walk(built.app);
    expect(acks.length).toBeGreaterThan(0);
    const stackPaths = [built.collector.node.path, built.member.node.path, ''];
    for (const ack of acks) {
      expect(stackPaths, `${ack.id} acknowledged at stack level`).not.toContain(ack.path);
      expect(ack.reason.length, `${ack.id} at ${ack.path} needs a reason`).toBeGreaterThan(40);
    }
  });
});

describe('configuration at synth', () => {
  it('a bad key fails synth with the key’s name', () => {
    expect(() => buildApp({ context: { art32: { ...TEST_CONFIG, mapConcurrency: 'five' } } }, { nag: false })).toThrow(ConfigError);
    expect(() => buildApp({ context: { art32: { ...TEST_CONFIG, mapConcurrency: 'five' } } }, { nag: false })).toThrow(/art32\.mapConcurrency/);
    expect(() => buildApp({ context: { art32: { ...TEST_CONFIG, schedul: {} } } }, { nag: false })).toThrow(/art32\.schedul: unknown key/);
  });

  it('missing configuration names the context key', () => {
    expect(() => buildApp({ context: {} }, { nag: false })).toThrow(/art32/);
  });
});

describe('member-account stack', () => {
  it('trusts only the collector role of the collector account, with the ExternalId', () => {
    const member = Template.fromStack(built.member);
    const roles = Object.values(member.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    const role = roles[0]!.Properties;
    expect(role.RoleName).toBe('art32-member-readonly');
    const trust = role.AssumeRolePolicyDocument.Statement as Statement[];
    expect(trust).toHaveLength(1);
    expect(trust[0]!.Effect).toBe('Allow');
    expect(JSON.stringify(trust[0]!.Principal)).toContain(':iam::999999999999:root');
    expect(trust[0]!.Condition).toEqual({
      StringEquals: { 'sts:ExternalId': 'art32-test-external-id' },
      ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::999999999999:role/art32-collector']] } },
    });
  });

  it('grants exactly the actions of lib/collectors/collector-policy.json, read-only', async () => {
    const { readCollectorPolicy } = await import('../../infra/stacks/member-account-stack');
    const expected = (readCollectorPolicy().toJSON().Statement as Statement[]).flatMap((s) => list(s.Action)).sort();
    const role = Object.values(Template.fromStack(built.member).findResources('AWS::IAM::Role'))[0]!.Properties;
    const granted = (role.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => list(s.Action))).sort();
    expect(granted).toEqual(expected);
    for (const action of granted) expect(action).toMatch(/:(Describe|Get|List|Lookup|Generate)/);
  });

  it('has no parameters and no assets, so it works as a StackSet template', () => {
    const json = Template.fromStack(built.member).toJSON();
    // Not even CDK's BootstrapVersion parameter: member accounts are never bootstrapped.
    expect(json.Parameters).toBeUndefined();
    expect(json.Rules).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain('AssetParameters');
  });
});
