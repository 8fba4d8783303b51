import { describe, expect, it } from 'vitest';
import { analyzeBreadth } from '../../../lib/breadth/analyze';
import { evaluateRule, getRule } from '../../../lib/rules';
import { loadScenario } from '../../../lib/scenarios';

const run = (name: string, id: string) => {
  const { snapshot, parameters } = loadScenario(name);
  return evaluateRule(getRule(id), snapshot, parameters[id]);
};

describe('breadth on the bundled scenarios', () => {
  it('france-travail: the adviser role is the broadest non-admin principal and fails with its numbers', () => {
    const { snapshot } = loadScenario('france-travail');
    const ranked = analyzeBreadth({ ...snapshot, authorizationDetails: snapshot.authorizationDetails! }).principals.filter((p) => !p.admin);
    expect(ranked[0]).toMatchObject({ key: 'role/adviser', services: 2 });
    expect(ranked[0]!.dataReadOnAll).toEqual(expect.arrayContaining(['s3:GetObject', 'dynamodb:Scan']));
    const f = run('france-travail', 'access.permission-breadth');
    expect(f.status).toBe('FAIL');
    expect(f.resources).toContain(ranked[0]!.arn);
    expect(f.message).toMatch(/role\/adviser \d+ actions .*data-read actions on \*.*outlier vs peers/);
  });

  it('france-travail: escalation paths are named with the granting policy', () => {
    const f = run('france-travail', 'access.privilege-escalation');
    expect(f.status).toBe('FAIL');
    expect(f.message).toMatch(/user\/legacy\.export: create-access-key \(iam:CreateAccessKey via rotate-access-key\)/);
  });

  it('compliant: no breadth offender, no outlier, no escalation', () => {
    const breadth = run('compliant', 'access.permission-breadth');
    expect(breadth.status).toBe('PASS');
    expect(breadth.observed.outliers).toEqual([]);
    expect(run('compliant', 'access.privilege-escalation').status).toBe('PASS');
  });
});
