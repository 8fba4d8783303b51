/**
 * lib/policy/document.ts ClauseTable sizes its tables from the counts a resolution passes (managed
 * statements, inline documents) and grows them beyond. A table sized far too small (growing every
 * table many times) and one sized with room to spare give the same ids, arrays, statements and
 * sequence ids for the same documents in the same order.
 */
import { describe, expect, it } from 'vitest';
import { ClauseTable, type NormalizedStatement } from '../../../lib/policy/document';
import type { PolicyDocument } from '../../../lib/snapshot';

/** Documents with thousands of distinct action lists, resource lists and statements, some repeated. */
function documents(): PolicyDocument[] {
  const docs: PolicyDocument[] = [];
  for (let i = 0; i < 3000; i++) {
    const statements = [];
    for (let j = 0; j < 1 + (i % 4); j++) {
      const k = (i * 4 + j) % 9000;
      statements.push({
        Effect: (k % 5 === 0 ? 'Deny' : 'Allow') as 'Allow' | 'Deny',
        ...(k % 9 === 0 ? { NotAction: [`svc${k}:Get*`, `svc${k + 1}:List*`] } : { Action: [`svc${k}:Act${j}`, `svc${k % 300}:Put*`, 'iam:PassRole'] }),
        ...(k % 11 === 0 ? { NotResource: [`arn:aws:s3:::b${k}/*`, `arn:aws:s3:::c${k}`] } : { Resource: k % 3 === 0 ? '*' : [`arn:aws:s3:::b${k % 1200}/*`, `arn:aws:s3:::d${k % 700}`] }),
        ...(k % 7 === 0 ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}),
      });
    }
    docs.push({ Version: '2012-10-17', Statement: statements });
    // Every fifth document again: a sequence met before.
    if (i % 5 === 0) docs.push({ Version: '2012-10-17', Statement: statements });
  }
  return docs;
}

interface Seen {
  sequences: number[];
  statements: NormalizedStatement[][];
  actionsCount: number;
  resourcesCount: number;
  statementCount: number;
}

function normaliseAll(table: ClauseTable, docs: readonly PolicyDocument[]): Seen {
  const sequences: number[] = [];
  const statements: NormalizedStatement[][] = [];
  for (const doc of docs) {
    const n = table.normalizeInto(doc);
    sequences.push(table.sequenceId(n));
    statements.push(table.statementBuffer.slice(0, n));
  }
  return { sequences, statements, actionsCount: table.actionsCount, resourcesCount: table.resourcesCount, statementCount: table.statementCount };
}

describe('ClauseTable sizes', () => {
  it('give the same ids, arrays and statements whether the tables grow or not', () => {
    const docs = documents();
    const small = normaliseAll(new ClauseTable(1, 1), docs);
    const roomy = normaliseAll(new ClauseTable(100_000, 10_000), docs);
    // Enough distinct lists that the small table grew each of its tables.
    expect(small.actionsCount).toBeGreaterThan(1100);
    expect(small.resourcesCount).toBeGreaterThan(1100);
    expect(small.statementCount).toBeGreaterThan(1100);
    expect(new Set(small.sequences).size).toBeGreaterThan(600);
    expect(small.sequences).toEqual(roomy.sequences);
    expect([small.actionsCount, small.resourcesCount, small.statementCount]).toEqual([roomy.actionsCount, roomy.resourcesCount, roomy.statementCount]);
    for (let d = 0; d < docs.length; d++) {
      expect(small.statements[d]!.map((s) => [s.actionsId, s.resourcesId])).toEqual(roomy.statements[d]!.map((s) => [s.actionsId, s.resourcesId]));
      expect(small.statements[d]).toEqual(roomy.statements[d]);
    }
  });
});
