import { describe, expect, it } from 'vitest';
import { rankBreadth, renderCsv, renderTable } from '../../../lib/breadth/ranking';
import { loadScenario } from '../../../lib/scenarios';

const options = { top: 3, allowList: [], zScore: 3.5, minActions: 100 };

describe('breadth ranking (art32 breadth)', () => {
  const { snapshot } = loadScenario('france-travail');
  const ranking = rankBreadth({ ...snapshot, authorizationDetails: snapshot.authorizationDetails! }, options);

  it('ranks non-admin principals broadest first, cut to --top, admins listed apart', () => {
    expect(ranking.principals.map((p) => p.rank)).toEqual([1, 2, 3]);
    expect(ranking.principals[0]).toMatchObject({ principal: 'role/adviser', outlier: true, services: 2 });
    expect(ranking.totalPrincipals).toBeGreaterThan(3);
    expect(ranking.admins.map((a) => a.principal)).toEqual(['user/it.admin', 'user/ops.deploy']);
  });

  it('renders a table with the numbers, the escalation paths and the scope note', () => {
    const text = renderTable(ranking);
    expect(text).toMatch(/1\s+role\/adviser \(outlier\)\s+\d+/);
    expect(text).toMatch(/user\/legacy\.export: create-access-key — iam:CreateAccessKey via rotate-access-key/);
    expect(text).toMatch(/Scope: .*service control policies/);
  });

  it('renders CSV with one header and one line per ranked principal', () => {
    const lines = renderCsv([ranking]).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^111122223333,1,role\/adviser,/);
  });
});
