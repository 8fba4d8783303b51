import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateRule, getRule } from '../../../lib/rules';
import { parseSnapshot } from '../../../lib/snapshot';
import { ACCOUNT, allow, details, type RoleSpec } from './helpers';

/** Real AWS managed policy documents (test/fixtures/aws-managed-policies/README.md says where from). */
function managed(name: string): { Arn: string; VersionId: string; Document: unknown } {
  return JSON.parse(readFileSync(new URL(`../../fixtures/aws-managed-policies/${name}.json`, import.meta.url), 'utf8')) as never;
}

const breadth = getRule('access.permission-breadth');

/** Ten narrow application roles (the audit role's peers) and one role with the managed policy attached. */
function account(policyName: string, personalDataStores?: string[]) {
  const p = managed(policyName);
  const peers: RoleSpec[] = Array.from({ length: 10 }, (_, i) => ({
    name: `app-${i}`,
    inline: [[allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/app-${i}`)]],
  }));
  const d = details({ roles: [...peers, { name: 'auditor', inline: [] }] });
  d.RoleDetailList.at(-1)!.AttachedManagedPolicies = [{ PolicyName: policyName, PolicyArn: p.Arn }];
  d.Policies.push({ PolicyName: policyName, Arn: p.Arn, DefaultVersionId: p.VersionId, Document: p.Document } as never);
  return parseSnapshot({
    schemaVersion: 1,
    account: { id: ACCOUNT },
    collectedAt: '2026-03-10T00:00:00Z',
    source: { kind: 'scenario', name: 'unit-test', toolVersion: '0.0.0' },
    authorizationDetails: d,
    ...(personalDataStores ? { personalDataStores: personalDataStores.map((ResourceARN) => ({ ResourceARN, Tags: [{ Key: 'data-classification', Value: 'personal' }] })) } : {}),
  });
}

const STORES = [`arn:aws:s3:::jobseeker-documents`, `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/jobseekers`];

describe('access.permission-breadth judges risk, not size: read-only AWS audit policies', () => {
  for (const name of ['SecurityAudit', 'AWS_ConfigRole']) {
    it(`PASSes a role with the real ${name} (thousands of configuration reads, no data read on a personal-data store)`, () => {
      const f = evaluateRule(breadth, account(name, STORES));
      expect(f.status, f.message).toBe('PASS');
      const top = (f.observed.top as { principal: string; actions: number; sensitive: number }[]).find((t) => t.principal === 'role/auditor')!;
      expect(top.actions).toBeGreaterThan(2000); // reported...
      expect(top.sensitive).toBeLessThan(100); // ...but what it can read of data or change is small
    });
  }

  it('says which data reads on * an audit policy holds that reach no inventoried store (reported, not failed)', () => {
    const f = evaluateRule(breadth, account('SecurityAudit', STORES));
    expect(f.message).toContain('role/auditor (cognito-idp:ListUsers)');
  });

  it('FAILs it when its data reads reach a personal-data store, and names the action and the store', () => {
    const pool = `arn:aws:cognito-idp:eu-west-3:${ACCOUNT}:userpool/eu-west-3_jobseekers`;
    const f = evaluateRule(breadth, account('SecurityAudit', [...STORES, pool]));
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain(`role/auditor`);
    expect(f.message).toContain(`cognito-idp:ListUsers → ${pool}`);
    const g = evaluateRule(breadth, account('AWS_ConfigRole', [`arn:aws:cassandra:eu-west-3:${ACCOUNT}:/keyspace/jobseekers/`]));
    expect(g.status).toBe('FAIL');
    expect(g.message).toContain('cassandra:Select → arn:aws:cassandra:');
  });

  it('without a personal-data inventory, any data read on * FAILs (missing data is never PASS)', () => {
    const f = evaluateRule(breadth, account('AWS_ConfigRole'));
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('personal-data inventory not collected');
  });

  it('docs/exports.md recommends only managed policies the tool passes', () => {
    const text = readFileSync(new URL('../../../docs/exports.md', import.meta.url), 'utf8');
    const named = [...text.matchAll(/managed polic(?:y|ies) `([A-Za-z_]+)`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(evaluateRule(breadth, account(name, STORES)).status, name).toBe('PASS');
  });
});
