/**
 * Organisation mode changes the grants (ListAccounts, member role in every account): nag must
 * stay clean. The same synth configures a break-glass principal, the only exception to the
 * evidence table's deny.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Art32App } from '../../infra/app-builder';
import { TEST_CONFIG, cleanup, synthApp } from './app';

const BREAK_GLASS = 'arn:aws:iam::999999999999:role/incident-response';
let built: Art32App;
beforeAll(() => {
  built = synthApp({
    ...TEST_CONFIG,
    accounts: { mode: 'organization', excludeIds: ['123456789012'] },
    report: undefined,
    alarmEmail: undefined,
    alarms: 'none',
    breakGlassPrincipalArn: BREAK_GLASS,
  });
});
afterAll(() => cleanup(built.app));

describe('organisation mode', () => {
  it('lists accounts with Organizations and assumes the member role by name in any account', () => {
    const json = JSON.stringify(Template.fromStack(built.collector).toJSON());
    expect(json).toContain('"organizations:ListAccounts"');
    expect(json).toContain(':iam::*:role/art32-member-readonly');
    Template.fromStack(built.collector).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { ACCOUNTS_MODE: 'organization', ACCOUNT_IDS: '123456789012' } },
    });
  });

  it('without a report there is no report function and no email subscription', () => {
    const t = Template.fromStack(built.collector);
    t.resourceCountIs('AWS::Lambda::Function', 4);
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    t.resourceCountIs('AWS::Scheduler::Schedule', 1);
  });

  it('the break-glass principal is the only one the table does not deny batch writes, deletes and updates', () => {
    const table = Object.values(Template.fromStack(built.collector).findResources('AWS::DynamoDB::GlobalTable'))[0]!;
    const statements = table.Properties.Replicas[0].ResourcePolicy.PolicyDocument.Statement as { Effect: string; Action: string[]; Condition?: unknown }[];
    // Plus the protections deny (#13), which also exempts the CloudFormation execution role: test/infra/integrity.test.ts.
    expect(statements).toHaveLength(2);
    expect(statements[0]!.Effect).toBe('Deny');
    expect(statements[0]!.Action).toEqual(expect.arrayContaining(['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteTable']));
    expect(statements[0]!.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': BREAK_GLASS } });
  });

  it('cdk-nag AwsSolutionsChecks: zero unacknowledged findings', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(built.app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});
