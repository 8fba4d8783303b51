/**
 * The account fan-out at organisation scale: the account list and the fan-out's results live in
 * the stack's run work bucket (present with or without scheduled log reading), each role reaches
 * only the prefix it needs, and the tolerated failure percentage comes from the configuration.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Art32App } from '../../infra/app-builder';
import { TEST_CONFIG, cleanup, synthApp } from './app';

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Condition?: unknown };
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

let built: Art32App;
let template: Template;
let bucketId: string;
beforeAll(() => {
  built = synthApp({ ...TEST_CONFIG, mapToleratedFailurePercentage: 25 });
  template = Template.fromStack(built.collector);
  bucketId = built.collector.getLogicalId(built.collector.work.bucket.node.defaultChild as never);
});
afterAll(() => cleanup(built.app));

/** The S3 statements of the role whose logical id starts with `rolePrefix`, resources rendered as `<bucket>/prefix`. */
function s3Grants(rolePrefix: string): string[] {
  const out: string[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const roles = list(policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref);
    if (!roles.some((r) => r.startsWith(rolePrefix))) continue;
    for (const st of list(policy.Properties.PolicyDocument.Statement as Statement[])) {
      const actions = list(st.Action).filter((a) => a.startsWith('s3:'));
      if (!actions.length) continue;
      for (const resource of list(st.Resource)) {
        const parts = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
        const rendered = parts ? parts.map((p) => (typeof p === 'string' ? p : (p as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0] === bucketId ? '<work>' : '<other>')).join('') : String(resource);
        out.push(`${actions.sort().join(',')} ${rendered}`);
      }
    }
  }
  return out.sort();
}

describe('account fan-out: account list and results in the work bucket', () => {
  it('the work bucket exists without scheduled log reading: private, TLS only, objects expire', () => {
    expect(TEST_CONFIG).not.toHaveProperty('activity');
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 7, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }] },
    });
  });

  it('ListAccounts writes only accounts/*; the sealer reads only accounts/* and results/*; publishing reads only accounts/*', () => {
    expect(s3Grants('ListAccounts')).toEqual(['s3:PutObject <work>/accounts/*']);
    expect(s3Grants('FinalizeRun').filter((g) => g.includes('<work>'))).toEqual(['s3:GetObject <work>/accounts/*', 's3:GetObject <work>/results/*']);
    expect(s3Grants('Publish')).toEqual(['s3:GetObject <work>/accounts/*']);
    // The member accounts' collector never touches the work bucket without scheduled log reading.
    expect(s3Grants('CollectAccount')).toEqual([]);
  });

  it('ListAccounts is told the work bucket; the tolerated failure percentage is the configured one', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'art32-list-accounts');
    expect(fn?.Properties.Environment.Variables.WORK_BUCKET).toEqual({ Ref: bucketId });
    const sm = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    const joined = (sm.Properties.DefinitionString['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
    expect(JSON.parse(joined).States.ForEachAccount.ToleratedFailurePercentage).toBe(25);
  });
});
