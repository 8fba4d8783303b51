import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escalationGrants, type EscalationMatch } from '../../../lib/breadth/escalation';
import { listedGrants } from '../../../lib/rules/access/privilege-escalation';

// A few names so that grants repeat policies (within a grant and across grants), as `name (via group G)` does.
const name = fc.constantFrom('p1', 'p2', 'p3', 'p1 (via group g)', 'p4');
const grant = fc.record({
  action: fc.constantFrom('iam:PassRole', 'ec2:RunInstances', 'iam:AttachUserPolicy', 'lambda:CreateFunction'),
  policies: fc.array(name, { maxLength: 5 }),
  conditional: fc.boolean(),
  onAllResources: fc.boolean(),
});
const match = fc.record({ path: fc.constant('x'), title: fc.constant('X'), grants: fc.array(grant, { maxLength: 7 }), unconditional: fc.boolean() });

describe('privilege-escalation listedGrants', () => {
  it('lists the actions and the distinct policies as escalationGrants does (same order), in fresh arrays', () => {
    fc.assert(
      fc.property(match, (m: EscalationMatch) => {
        const got = listedGrants(m);
        expect(got).toEqual(escalationGrants(m));
        // Fresh arrays: the finding's lists are not the grants' own.
        for (const g of m.grants) expect(got.policies).not.toBe(g.policies);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps nothing between calls (its scratch list is cleared)', () => {
    const a = listedGrants({ path: 'x', title: 'X', unconditional: true, grants: [{ action: 'a', policies: ['p1', 'p2', 'p3'], conditional: false, onAllResources: true }] });
    const b = listedGrants({ path: 'x', title: 'X', unconditional: true, grants: [{ action: 'a', policies: ['p4'], conditional: false, onAllResources: true }] });
    expect(a.policies).toEqual(['p1', 'p2', 'p3']);
    expect(b.policies).toEqual(['p4']);
  });
});
