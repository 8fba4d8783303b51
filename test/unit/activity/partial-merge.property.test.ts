/**
 * The partials of scheduled log-file activity (one per worker batch and account) merge into
 * the same section whatever the batches were and whatever order or grouping the reducer
 * merges them in: merging is associative and commutative, and equals one aggregator fed
 * every record (below the documented caps: distinct counters exact, < 50 error codes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActivityAggregator, type ActivityPartial } from '../../../lib/activity';
import { WINDOW, iamUserRecord } from './helpers';

const record = fc
  .record({
    user: fc.constantFrom('alice', 'bob', 'carol', 'svc'),
    minute: fc.integer({ min: -120, max: 1500 }), // some outside the window
    error: fc.option(fc.constantFrom('AccessDenied', 'NoSuchKey', 'ThrottlingException'), { nil: undefined }),
    read: fc.boolean(),
    bytes: fc.integer({ min: 0, max: 5_000_000 }),
    resource: fc.integer({ min: 0, max: 30 }),
    ip: fc.integer({ min: 0, max: 5 }),
  })
  .map((r) =>
    iamUserRecord({
      user: r.user,
      time: new Date(WINDOW.start.getTime() + r.minute * 60_000).toISOString(),
      ...(r.error ? { errorCode: r.error } : {}),
      ...(r.read ? { bytesOut: r.bytes } : { eventSource: 'iam.amazonaws.com', eventName: 'ListUsers' }),
      resource: `arn:aws:s3:::b/${r.resource}`,
      ip: `198.51.100.${r.ip}`,
    }),
  );

function partialOf(records: unknown[]): ActivityPartial {
  const aggregator = new ActivityAggregator({ window: WINDOW });
  for (const r of records) aggregator.add(r);
  return aggregator.toPartial();
}

function mergeAll(partials: ActivityPartial[]): ActivityAggregator {
  const aggregator = new ActivityAggregator({ window: WINDOW });
  for (const p of partials) aggregator.mergePartial(p);
  return aggregator;
}

describe('activity partials (scheduled log-file reads)', () => {
  it('merge in any order and any grouping equals one aggregator over all records', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 120 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 120, maxLength: 120 }),
        fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
        (records, batchOf, order) => {
          // Any split of the records into up to five batches (a batch may be empty).
          const batches: unknown[][] = [[], [], [], [], []];
          records.forEach((r, i) => batches[batchOf[i] as number]?.push(r));
          const partials = batches.map(partialOf);
          const expected = mergeAll([partialOf(records)]).finish();

          // Commutative: a permutation of the partials.
          const permuted = partials.map((p, i) => ({ p, key: order[i] as number })).sort((x, y) => x.key - y.key).map((x) => x.p);
          expect(mergeAll(permuted).finish()).toEqual(expected);

          // Associative: ((p0 p1) p2) (p3 p4) — partials of partials, as a tree of reducers would.
          const left = mergeAll(partials.slice(0, 2));
          left.mergePartial(partials[2] as ActivityPartial);
          const right = mergeAll(partials.slice(3));
          left.mergePartial(right.toPartial());
          expect(left.finish()).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a partial survives JSON (the work bucket) unchanged', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), (records) => {
        const partial = partialOf(records);
        const roundTripped = JSON.parse(JSON.stringify(partial)) as ActivityPartial;
        expect(mergeAll([roundTripped]).finish()).toEqual(mergeAll([partial]).finish());
      }),
      { numRuns: 50 },
    );
  });
});
