/**
 * lib/policy/json-equal.ts: `JsonTexts` (principal resolution shares inline statement lists by
 * it, access.cross-account-trust reads each distinct trust policy once by it) must give equal
 * ids exactly to values whose `JSON.stringify` texts are equal, in a fresh table and in one table
 * across many values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonTexts } from '../../../lib/policy/json-equal';

const text = (v: unknown): string | undefined => JSON.stringify(v);

/** JSON values plus what JSON.stringify treats specially: undefined, NaN/±Infinity, -0, Dates, boxed primitives, functions. */
const leaf = fc.oneof(
  fc.constantFrom('', 'a', 'A', 's3:GetObject', 's3:getobject', '*', '1', 'null', 'true', 'é', '\u0000', 'a"b'),
  fc.constantFrom(0, -0, 1, -1, 1.5, 1e21, 2 ** 31, 2 ** 32 + 0.25, NaN, Infinity, -Infinity),
  fc.constantFrom(true, false, null, undefined),
  fc.constantFrom(new Date(0), new Date(86_400_000), new Number(1), new String('a'), new Boolean(false), () => 1, Symbol('x')),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('a', 'b', 'Effect', 'Action', '1', '0', 'toJSONx'), tie('v'), { maxKeys: 4 })),
})).v;

/** A copy that keeps the text (key order, values) but not the objects' identity, or changes one small thing. */
function near(v: unknown, change: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => near(x, i === 0 ? change : 0));
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(v);
    if (change === 2) keys.reverse();
    keys.forEach((k, i) => (out[k] = near((v as Record<string, unknown>)[k], i === 0 ? change : 0)));
    if (change === 3) out.extra = undefined;
    if (change === 4) out.extra = 1;
    return out;
  }
  // What serialises like null (in an array) or like nothing (in an object) becomes null.
  if (change === 5 && (v === undefined || typeof v === 'function' || typeof v === 'symbol' || (typeof v === 'number' && !Number.isFinite(v)))) return null;
  if (change === 1 && typeof v === 'string') return `${v}x`;
  if (change === 1 && typeof v === 'number') return v + 1;
  return v;
}

describe('JsonTexts', () => {
  it('in a fresh table, gives one id to near copies and unrelated values exactly when their texts are equal', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 5 }), value, (a, change, other) => {
        for (const b of [near(a, change), other]) {
          const t = new JsonTexts();
          expect(t.idOf(a) === t.idOf(b)).toBe(text(a) === text(b));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('gives equal ids exactly to equal JSON texts, in one table across many values', () => {
    // One table for every run: an id must keep meaning one text however many values came before.
    const table = new JsonTexts();
    const idByText = new Map<string | undefined, number>();
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 5 }), value, (a, change, other) => {
        for (const v of [a, near(a, change), other]) {
          const id = table.idOf(v);
          const t = text(v);
          const known = idByText.get(t);
          if (known === undefined) {
            // A new text gets the next id.
            expect(id).toBe(idByText.size);
            idByText.set(t, id);
          } else expect(id).toBe(known);
        }
        expect(table.idOf(a) === table.idOf(other)).toBe(text(a) === text(other));
        expect(table.size).toBe(idByText.size);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads structure, keys, numbers and what serialises to nothing as the text does', () => {
    const t = new JsonTexts();
    const same = (a: unknown, b: unknown) => t.idOf(a) === t.idOf(b);
    // Where an object ends is part of the text.
    expect(same({ a: { b: 1 }, c: 2 }, { a: { b: 1, c: 2 } })).toBe(false);
    expect(same([[1], 2], [[1, 2]])).toBe(false);
    expect(same({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(same({ a: 'b' }, { b: 'a' })).toBe(false);
    expect(same({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(same([undefined, () => 1], [null, null])).toBe(true);
    expect(same({ n: 0 }, { n: -0 })).toBe(true);
    expect(same({ n: NaN }, { n: null })).toBe(true);
    expect(same(1, '1')).toBe(false);
    expect(same({ d: new Date(0) }, { d: '1970-01-01T00:00:00.000Z' })).toBe(true);
    expect(same({ s: new String('x') }, { s: 'x' })).toBe(true);
    expect(() => t.idOf({ a: 1n })).toThrow(TypeError);
  });

  it('tells inline policy documents apart as their texts do, also past its first buffer sizes', () => {
    const t = new JsonTexts();
    const doc = (i: number) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: Array.from({ length: 1 + (i % 40) }, (_, k) => `s3:Get${k}`), Resource: `arn:aws:s3:::b-${i}/*` }] });
    const ids = Array.from({ length: 3000 }, (_, i) => t.idOf(doc(i)));
    expect(ids).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    for (let i = 0; i < 3000; i += 7) expect(t.idOf(doc(i))).toBe(i);
    expect(t.size).toBe(3000);
  });
});
