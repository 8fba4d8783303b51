/**
 * Inline documents share one statement list exactly when their statements normalise to the same
 * statement objects in the same order (lib/policy/principals.ts `inlineEntry`,
 * lib/policy/document.ts `ClauseTable.sequenceId`): the same JSON text, or texts differing only
 * where normalisation does not look (Sid, Version, the letter case of actions, a lone statement
 * without its list). Order, length and any clause difference give another list; a statement with
 * an `iam:PassedToService` condition (never shared) gives the document a list of its own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeStatement, type NormalizedStatement } from '../../../lib/policy/document';
import { resolvePrincipals } from '../../../lib/policy/principals';
import type { AuthorizationDetails, PolicyDocument, PolicyStatement } from '../../../lib/snapshot';
import { allow, deny, doc } from '../breadth/helpers';

const roles = (docs: PolicyDocument[]): AuthorizationDetails => ({
  Policies: [],
  GroupDetailList: [],
  UserDetailList: [],
  RoleDetailList: docs.map((d, i) => ({ RoleName: `r${i}`, Arn: `arn:aws:iam::111122223333:role/r${i}`, RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: d }], AttachedManagedPolicies: [] })),
});
const listsOf = (docs: PolicyDocument[]) => resolvePrincipals(roles(docs)).map((p) => p.policies[0]!.statements);
/** What a list reads: its statements as plain objects, without the resolution-local ids. */
const content = (list: readonly NormalizedStatement[]) => list.map(({ actionsId: _a, resourcesId: _r, ...rest }) => rest);

const PASS_TO_LAMBDA = { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } };

describe('inline statement lists', () => {
  it('share a list for the same text and for texts differing only in Sid, Version, action case or a lone statement', () => {
    const a = allow(['s3:GetObject', 'ec2:RunInstances'], 'arn:aws:s3:::b/*');
    const b = deny('iam:*');
    const lists = listsOf([
      doc([a, b]),
      doc([a, b]),
      { Version: '2008-10-17', Statement: [{ ...a, Sid: 'One' }, b] },
      doc([allow(['S3:getobject', 'EC2:RunInstances'], 'arn:aws:s3:::b/*'), b]),
      { Statement: a },
      doc([a]),
    ]);
    expect(lists[1]).toBe(lists[0]);
    expect(lists[2]).toBe(lists[0]);
    expect(lists[3]).toBe(lists[0]);
    expect(lists[5]).toBe(lists[4]);
    expect(lists[4]).not.toBe(lists[0]);
  });

  it('keep lists apart for another order, a prefix, or another resource text', () => {
    const a = allow('s3:GetObject');
    const b = deny('iam:*');
    const lists = listsOf([doc([a, b]), doc([b, a]), doc([a]), doc([a, b, b]), doc([allow('s3:GetObject', 'arn:aws:s3:::B/*'), b]), doc([allow('s3:GetObject', 'arn:aws:s3:::b/*'), b])]);
    expect(new Set(lists).size).toBe(lists.length);
  });

  it('gives a document with a PassedToService statement a list of its own, read as written', () => {
    const pass = allow('iam:PassRole', '*', { Condition: PASS_TO_LAMBDA });
    const lists = listsOf([doc([pass]), doc([pass]), doc([allow('s3:GetObject'), pass])]);
    expect(lists[1]).not.toBe(lists[0]);
    expect(lists[1]).toEqual(lists[0]);
    expect(lists[0]![0]!.passedToService).toEqual(['lambda.amazonaws.com']);
    expect(lists[2]!.length).toBe(2);
  });

  it('share a list exactly when the normalised statements are equal, in order (random documents)', () => {
    const pool: PolicyStatement[] = [
      allow('s3:GetObject'),
      allow('S3:GETOBJECT'),
      { ...allow('s3:GetObject'), Sid: 'x' },
      allow(['s3:GetObject', 'kms:Decrypt']),
      allow(['kms:Decrypt', 's3:GetObject']),
      allow('s3:GetObject', 'arn:aws:s3:::b/*'),
      allow('s3:GetObject', ['arn:aws:s3:::b/*']),
      deny('s3:GetObject'),
      allow('s3:GetObject', '*', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
      { Effect: 'Allow', NotAction: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::b/*' },
      allow('iam:PassRole', '*', { Condition: PASS_TO_LAMBDA }),
    ];
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 12 }), (docs) => {
        const lists = listsOf(docs.map((d) => doc(d)));
        const plain = docs.map((d) => d.map((s) => normalizeStatement(s)));
        const passes = (d: PolicyStatement[]) => d.some((s) => s.Condition !== undefined && 'StringEquals' in s.Condition);
        for (let i = 0; i < docs.length; i++) {
          expect(content(lists[i]!)).toEqual(content(plain[i]!));
          for (let j = 0; j < i; j++) {
            const equal = JSON.stringify(content(plain[i]!)) === JSON.stringify(content(plain[j]!));
            expect(lists[i] === lists[j]).toBe(equal && !passes(docs[i]!));
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
