import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escalationGrants, type EscalationMatch } from '../../../lib/breadth/escalation';

/** Reference model: the actions in order and the distinct policies in first-seen order, grown by push. */
function referenceGrants(match: EscalationMatch): { actions: string[]; policies: string[] } {
  const actions: string[] = [];
  const policies: string[] = [];
  for (const g of match.grants) {
    actions.push(g.action);
    for (const name of g.policies) if (!policies.includes(name)) policies.push(name);
  }
  return { actions, policies };
}

// A few names so that grants repeat policies (within a grant and across grants), as `name (via group G)` does.
const name = fc.constantFrom('p1', 'p2', 'p3', 'p1 (via group g)', 'p4');
const grant = fc.record({
  action: fc.constantFrom('iam:PassRole', 'ec2:RunInstances', 'iam:AttachUserPolicy', 'lambda:CreateFunction'),
  policies: fc.array(name, { maxLength: 5 }),
  conditional: fc.boolean(),
  onAllResources: fc.boolean(),
});
const match = fc.record({ path: fc.constant('x'), title: fc.constant('X'), grants: fc.array(grant, { maxLength: 7 }), unconditional: fc.boolean() });

describe('escalationGrants', () => {
  it('lists the actions and the distinct policies as the reference model does (same order), in fresh arrays', () => {
    fc.assert(
      fc.property(match, (m: EscalationMatch) => {
        const got = escalationGrants(m);
        expect(got).toEqual(referenceGrants(m));
        // Fresh arrays: the finding's lists are not the grants' own.
        for (const g of m.grants) expect(got.policies).not.toBe(g.policies);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps nothing between calls (its scratch list is cleared)', () => {
    const a = escalationGrants({ path: 'x', title: 'X', unconditional: true, grants: [{ action: 'a', policies: ['p1', 'p2', 'p3'], conditional: false, onAllResources: true }] });
    const b = escalationGrants({ path: 'x', title: 'X', unconditional: true, grants: [{ action: 'a', policies: ['p4'], conditional: false, onAllResources: true }] });
    expect(a.policies).toEqual(['p1', 'p2', 'p3']);
    expect(b.policies).toEqual(['p4']);
  });
});
