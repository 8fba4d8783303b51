/**
 * `IdIndex` (lib/policy/document.ts) against a plain list of (hash, id) pairs: a lookup of a hash
 * gives every id inserted with that hash (callers compare the candidates, so extra ones with other
 * hashes are allowed, but only ids that were inserted), and `free` is a slot where an insert keeps
 * every earlier answer. Hashes are drawn from a small range, many equal and many equal in their low
 * or high bits only, and some ids are far beyond the capacity, so probes run long, the table grows
 * and the id bits widen while ids are in it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../../lib/policy/document';

function candidates(index: IdIndex, h: number): number[] {
  index.first(h);
  const out: number[] = [];
  for (let id = index.next(); id >= 0; id = index.next()) out.push(id);
  return out;
}

const arbHash = fc.oneof(
  fc.integer({ min: -8, max: 8 }),
  fc.integer({ min: 0, max: 15 }).map((k) => k << 20),
  fc.integer({ min: 0, max: 15 }).map((k) => (k << 28) | 5),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
);

describe('IdIndex', () => {
  it('gives every id inserted with a hash, and only inserted ids, through growth and wider ids', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbHash, fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 70_000 }))), { maxLength: 300 }), fc.integer({ min: 0, max: 40 }), (ops, capacity) => {
        const index = new IdIndex(capacity);
        const inserted: [number, number][] = [];
        const ids = new Set<number>();
        let next = 0;
        for (const [h, wanted] of ops) {
          // Mostly dense ids (as callers give them), some large ones.
          let id = wanted < 0 ? next : wanted;
          while (ids.has(id)) id = next++;
          if (id === next) next++;
          candidates(index, h);
          index.insert(index.free, h, id);
          inserted.push([h, id]);
          ids.add(id);
          for (const [g] of inserted.slice(-5).concat(inserted.slice(0, 3))) {
            const got = candidates(index, g);
            for (const [k, kid] of inserted) if (k === g) expect(got).toContain(kid);
            for (const c of got) expect(ids.has(c)).toBe(true);
            expect(new Set(got).size).toBe(got.length);
          }
        }
        for (const [h, id] of inserted) expect(candidates(index, h)).toContain(id);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every id through several doublings of the table (thousands of ids, hashes equal in groups)', () => {
    const index = new IdIndex(10);
    const hashOf = (id: number) => (id % 7 === 0 ? 42 : Math.imul(id >> 1, 0x9e3779b1));
    for (let id = 0; id < 5000; id++) {
      candidates(index, hashOf(id));
      index.insert(index.free, hashOf(id), id);
    }
    for (let id = 0; id < 5000; id++) expect(candidates(index, hashOf(id))).toContain(id);
    expect(candidates(index, 42).filter((id) => id % 7 === 0)).toHaveLength(715);
  });
});
