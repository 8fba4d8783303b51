/**
 * `report.pseudonymise`: the collector stack creates a KMS HMAC key, gives kms:GenerateMac to the
 * report function's role only (and to the configured resolvers, by the key policy), denies it to
 * everyone else, and hands the key to the function through PSEUDONYM_KEY_ID. Off by default.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Art32App } from '../../infra/app-builder';
import { ConfigError } from '../../lib/config';
import { buildApp } from '../../infra/app-builder';
import { TEST_CONFIG, cleanup, synthApp } from './app';

const RESOLVER = 'arn:aws:iam::999999999999:role/dpo';
let on: Art32App;
let off: Art32App;
let template: Template;
beforeAll(() => {
  on = synthApp({ ...TEST_CONFIG, report: { ...TEST_CONFIG.report, pseudonymise: true, pseudonymResolvers: [RESOLVER] } });
  off = synthApp();
  template = Template.fromStack(on.collector);
});
afterAll(() => {
  cleanup(on.app);
  cleanup(off.app);
});

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

function hmacKey(): { id: string; statements: Statement[] } {
  const keys = Object.entries(template.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'HMAC_256' } }));
  expect(keys).toHaveLength(1);
  const [id, key] = keys[0] as [string, { Properties: { KeyPolicy: { Statement: Statement[] } } }];
  return { id, statements: key.Properties.KeyPolicy.Statement };
}

function reportFunction(): { role: string; env: Record<string, unknown> } {
  const fns = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => (f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME as string) === 'art32-send-report');
  expect(fns).toHaveLength(1);
  const fn = fns[0] as { Properties: { Role: { 'Fn::GetAtt': [string, string] }; Environment: { Variables: Record<string, unknown> } } };
  return { role: fn.Properties.Role['Fn::GetAtt'][0], env: fn.Properties.Environment.Variables };
}

describe('report.pseudonymise: the KMS HMAC key', () => {
  it('is an HMAC_256 GENERATE_VERIFY_MAC key, retained, whose ARN the report function gets as PSEUDONYM_KEY_ID', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }) });
    const { id } = hmacKey();
    expect(reportFunction().env.PSEUDONYM_KEY_ID).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
    template.hasOutput('PseudonymKeyArn', { Value: { 'Fn::GetAtt': [id, 'Arn'] } });
  });

  it('kms:GenerateMac is in the report role’s policy and in no other identity policy of the stack', () => {
    const { id } = hmacKey();
    const { role } = reportFunction();
    const holders: string[] = [];
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const s of list(policy.Properties.PolicyDocument.Statement as Statement[])) {
        if (list(s.Action).some((a) => a === 'kms:GenerateMac' || a === 'kms:*' || a === '*')) {
          holders.push(...list(policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref));
          expect(s.Resource).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
          expect(list(s.Action)).toEqual(['kms:GenerateMac']);
        }
      }
    }
    expect(holders).toEqual([role]);
  });

  it('the key policy allows GenerateMac to the report role and the resolvers, and denies MAC operations to everyone else', () => {
    const { role } = reportFunction();
    const { statements } = hmacKey();
    const allow = statements.find((s) => s.Sid === 'ReportAndResolversComputePseudonyms');
    expect(allow?.Effect).toBe('Allow');
    expect(list((allow?.Principal as { AWS: unknown }).AWS)).toEqual([{ 'Fn::GetAtt': [role, 'Arn'] }, RESOLVER]);
    const deny = statements.find((s) => s.Sid === 'NobodyElseComputesPseudonyms');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: ['kms:GenerateMac', 'kms:VerifyMac'] });
    expect(deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn']).toEqual([{ 'Fn::GetAtt': [role, 'Arn'] }, RESOLVER]);
    // The account's own admin statement holds no MAC operation (a kms:* would hand re-identification to any admin).
    const admin = statements.find((s) => s.Sid === 'AccountAdministersTheKey');
    expect(list(admin?.Action).filter((a) => /Mac|^kms:\*$/.test(a))).toEqual([]);
    expect(statements.find((s) => s.Sid === 'KeyCannotBeDisabledOrGranted')?.Effect).toBe('Deny');
  });

  it('cdk-nag reports nothing unacknowledged with the key', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(on.app);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('off by default: no HMAC key, no PSEUDONYM_KEY_ID, no GenerateMac anywhere', () => {
    const t = Template.fromStack(off.collector);
    expect(Object.keys(t.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'HMAC_256' } }))).toEqual([]);
    expect(JSON.stringify(t.toJSON())).not.toMatch(/PSEUDONYM_KEY_ID|kms:GenerateMac/);
  });

  it('resolvers without pseudonymise are refused at synth, naming the key', () => {
    expect(() => buildApp({ context: { art32: { ...TEST_CONFIG, report: { ...TEST_CONFIG.report, pseudonymResolvers: [RESOLVER] } }, 'aws:cdk:bundling-stacks': [] } }, { nag: false })).toThrow(/report\.pseudonymResolvers/);
    expect(() => buildApp({ context: { art32: { ...TEST_CONFIG, report: { ...TEST_CONFIG.report, pseudonymise: true } }, 'aws:cdk:bundling-stacks': [] } }, { nag: false })).not.toThrow(ConfigError);
  });
});
