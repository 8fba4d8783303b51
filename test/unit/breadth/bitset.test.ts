import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntTupleMap, SparseArena, sortDistinct, sortPrefix } from '../../../lib/breadth/bitset';

describe('IntTupleMap', () => {
  it('answers like a Map keyed by the tuple text, across growth and clear', () => {
    const tuple = fc.record({ head: fc.integer({ min: -5, max: 40 }), codes: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 5 }) });
    fc.assert(
      // Clears rare (1 op in 200): the map grows past several rehashes and key chunks between them.
      fc.property(fc.array(fc.oneof({ arbitrary: tuple, weight: 199 }, { arbitrary: fc.constant('clear' as const), weight: 1 }), { maxLength: 3000, size: 'max' }), (ops) => {
        const map = new IntTupleMap();
        const model = new Map<string, number>();
        for (const op of ops) {
          if (op === 'clear') {
            map.clear();
            model.clear();
            continue;
          }
          const codes = Int32Array.from(op.codes);
          const text = `${op.head}|${op.codes.join(',')}`;
          expect(map.get(op.head, codes, codes.length)).toBe(model.get(text) ?? -1);
          if (!model.has(text)) {
            map.add(op.head, codes, codes.length, model.size);
            model.set(text, model.size);
          }
          expect(map.size).toBe(model.size);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('tells apart thousands of keys that differ only in the head or the last code (crowded probe chains)', () => {
    const map = new IntTupleMap();
    const codes = Int32Array.of(5, 0);
    for (let h = 0; h < 3000; h++) {
      codes[1] = h % 7;
      map.add(h, codes, 2, h);
    }
    for (let h = 0; h < 3000; h++) {
      codes[1] = h % 7;
      expect(map.get(h, codes, 2)).toBe(h);
      codes[1] = (h % 7) + 1;
      expect(map.get(h, codes, 2)).toBe(-1);
    }
  });

  it('keeps keys longer than a key chunk (8,192 ints) and the keys stored after them', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 12 }), (lengths) => {
        const map = new IntTupleMap();
        const keys = lengths.map((n, k) => Int32Array.from({ length: n }, (_, i) => (i * 7 + k) % 1000));
        keys.forEach((codes, k) => {
          if (map.get(k, codes, codes.length) < 0) map.add(k, codes, codes.length, k);
        });
        keys.forEach((codes, k) => {
          expect(map.get(k, codes, codes.length)).toBe(k);
          if (codes.length > 0) {
            const changed = codes.slice();
            changed[codes.length - 1] = -1;
            expect(map.get(k, changed, codes.length)).toBe(-1);
          }
        });
      }),
      { numRuns: 30 },
    );
  });

  it('compares keys whole: a prefix or a longer tuple is another key', () => {
    const map = new IntTupleMap();
    map.add(1, Int32Array.of(2, 3), 2, 7);
    expect(map.get(1, Int32Array.of(2, 3), 2)).toBe(7);
    expect(map.get(1, Int32Array.of(2, 3, 4), 2)).toBe(7);
    expect(map.get(1, Int32Array.of(2), 1)).toBe(-1);
    expect(map.get(1, Int32Array.of(2, 3, 4), 3)).toBe(-1);
    expect(map.get(2, Int32Array.of(2, 3), 2)).toBe(-1);
  });
});

describe('sortPrefix', () => {
  it('sorts the first n entries ascending and leaves the rest', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 80 }), fc.nat(), (values, cut) => {
        const n = values.length === 0 ? 0 : cut % (values.length + 1);
        const a = Int32Array.from(values);
        sortPrefix(a, n);
        expect([...a.subarray(0, n)]).toEqual(values.slice(0, n).sort((x, y) => x - y));
        expect([...a.subarray(n)]).toEqual(values.slice(n));
      }),
    );
  });
});

describe('sortDistinct', () => {
  it('sorts distinct word indices like a comparison sort and leaves its bitmap all zero', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 703 }), { maxLength: 704 }), (values) => {
        const a = Int32Array.from(values);
        const bits = new Uint32Array(22);
        sortDistinct(a, a.length, bits);
        expect([...a]).toEqual([...values].sort((x, y) => x - y));
        expect(bits.every((x) => x === 0)).toBe(true);
      }),
    );
  });
});

describe('SparseArena.word', () => {
  it('answers like a scan of the set, for words below, inside, between and above its words (sets back to back, some empty)', () => {
    // Sets of distinct ascending words with non-zero values, stored one after another as the
    // calculator stores them; `word` (bound check, then binary search) against a linear scan.
    const arbSet = fc.uniqueArray(fc.integer({ min: 0, max: 80 }), { maxLength: 12 }).map((ws) => ws.sort((x, y) => x - y));
    fc.assert(
      fc.property(fc.array(arbSet, { minLength: 1, maxLength: 8 }), (sets) => {
        const arena = new SparseArena();
        const ranges: [number, number][] = [];
        for (const ws of sets) {
          arena.reserve(ws.length);
          const start = arena.top;
          ws.forEach((w, k) => {
            arena.words[start + k] = w;
            arena.values[start + k] = ((w * 2654435761) >>> 0) | 1;
          });
          arena.top = start + ws.length;
          ranges.push([start, arena.top]);
        }
        const wrong: string[] = [];
        ranges.forEach(([start, end]) => {
          for (let w = 0; w <= 82; w++) {
            let expected = 0;
            for (let k = start; k < end; k++) if (arena.words[k] === w) expected = arena.values[k]!;
            const value = arena.word(start, end, w);
            if (value !== expected) wrong.push(`word ${w} of [${start}, ${end}): ${value}, expected ${expected}`);
          }
        });
        expect(wrong).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('SparseArena.reserve', () => {
  it('grows to at least the size asked, keeping the stored words', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 3000 }), fc.nat(5000), (ws, atLeast) => {
        const arena = new SparseArena();
        for (let k = 0; k < ws.length; k++) {
          arena.reserve(1, k === ws.length >> 1 ? atLeast : 0);
          arena.words[arena.top] = ws[k]!;
          arena.values[arena.top] = ws[k]! * 3;
          arena.top += 1;
        }
        expect(arena.words.length).toBeGreaterThanOrEqual(ws.length);
        expect(arena.values.length).toBe(arena.words.length);
        expect(Array.from(arena.words.subarray(0, arena.top))).toEqual(ws);
        expect(Array.from(arena.values.subarray(0, arena.top))).toEqual(ws.map((w) => w * 3));
      }),
      { numRuns: 100 },
    );
  });
});
