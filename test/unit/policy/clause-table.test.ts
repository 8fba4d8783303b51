/**
 * Shared clause arrays of one resolution (lib/policy/document.ts ClauseTable): a statement
 * normalised with the table reads exactly as one normalised alone, equal clauses are one array
 * with one id, and clauses that differ in any text or in kind (Action vs NotAction, Resource vs
 * NotResource) never share. statementActionMask answers kept per array id equal the answers
 * computed from the patterns.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClauseTable, MAX_MASK_ACTIONS, normalizeStatement, statementActionMask, type NormalizedStatement } from '../../../lib/policy/document';
import type { PolicyStatement } from '../../../lib/snapshot';

// Few texts, mixed case, so that equal clauses come up often; '*' and ['*'] as resources too.
const ACTION = fc.constantFrom('s3:GetObject', 's3:getobject', 'S3:*', 'iam:PassRole', 'ec2:*', '*', 'kms:Decrypt', 's3:Get*');
const RESOURCE = fc.constantFrom('*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::c/*', 'arn:aws:s3:::b', 'arn:aws:iam::111122223333:role/r', 'ARN:aws:s3:::b/*');
const clause = <T>(text: fc.Arbitrary<T>) => fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 4 }));

const STATEMENT: fc.Arbitrary<PolicyStatement> = fc
  .record({
    effect: fc.constantFrom('Allow' as const, 'Deny' as const),
    notAction: fc.boolean(),
    action: clause(ACTION),
    notResource: fc.boolean(),
    resource: clause(RESOURCE),
  })
  .map(({ effect, notAction, action, notResource, resource }) => ({
    Effect: effect,
    ...(notAction ? { NotAction: action } : { Action: action }),
    ...(notResource ? { NotResource: resource } : { Resource: resource }),
  }));

/** The statement's content as the evaluation reads it (ids aside). */
const content = (s: NormalizedStatement) => ({ ...s, actionsId: undefined, resourcesId: undefined });

describe('ClauseTable', () => {
  it('normalises each statement as alone, sharing one array and one id per distinct clause and kind', () => {
    fc.assert(
      fc.property(fc.array(STATEMENT, { minLength: 1, maxLength: 30 }), (raw) => {
        const table = new ClauseTable();
        const shared = raw.map((s) => normalizeStatement(s, table));
        const alone = raw.map((s) => normalizeStatement(s));
        for (let i = 0; i < raw.length; i++) expect(content(shared[i]!)).toEqual(content(alone[i]!));
        const actionKey = (s: NormalizedStatement) => `${s.actions ? 'A' : 'N'}${JSON.stringify(s.actions ?? s.notActions)}`;
        const resourceKey = (s: NormalizedStatement) => `${s.resources ? 'R' : 'N'}${JSON.stringify(s.resources ?? s.notResources)}`;
        for (const a of shared) {
          expect(a.actionsId).toBeGreaterThanOrEqual(0);
          expect(a.actionsId).toBeLessThan(table.actionsCount);
          expect(a.resourcesId).toBeGreaterThanOrEqual(0);
          expect(a.resourcesId).toBeLessThan(table.resourcesCount);
          for (const b of shared) {
            // Same id <=> same array <=> same kind and texts (lower-cased for actions, as written for resources).
            expect(a.actionsId === b.actionsId).toBe(actionKey(a) === actionKey(b));
            expect((a.actions ?? a.notActions) === (b.actions ?? b.notActions)).toBe(actionKey(a) === actionKey(b));
            expect(a.resourcesId === b.resourcesId).toBe(resourceKey(a) === resourceKey(b));
            expect((a.resources ?? a.notResources) === (b.resources ?? b.notResources)).toBe(resourceKey(a) === resourceKey(b));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps statementActionMask answers per array id equal to the answers from the patterns', () => {
    const lists = [['s3:getobject', 'iam:passrole', 'kms:decrypt'], ['ec2:runinstances', 's3:putobject']];
    fc.assert(
      fc.property(fc.array(STATEMENT, { minLength: 1, maxLength: 30 }), (raw) => {
        const table = new ClauseTable();
        const statements = raw.map((s) => normalizeStatement(s, table));
        lists.forEach((actions, k) => {
          expect(actions.length).toBeLessThanOrEqual(MAX_MASK_ACTIONS);
          const key = `clause-table-test-${k}`;
          const row = new Int32Array(table.actionsCount);
          // Twice: the second pass reads the row.
          for (let pass = 0; pass < 2; pass++)
            for (const s of statements) expect(statementActionMask(s, actions, key, row)).toBe(statementActionMask({ ...s, actionsId: -1 }, actions, key));
        });
      }),
      { numRuns: 200 },
    );
  });
});
