import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePick, selectJson, type Pick } from '../../../lib/activity';
import { buildScannerModule, TARGET } from '../../../lib/activity/scanner/build';

/** The reference: what the scanner must give, from `JSON.parse`. */
function project(value: unknown, pick: Pick): unknown {
  if (pick === true) return value;
  if ('items' in pick) return Array.isArray(value) ? value.map((v) => project(v, pick.items)) : value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(pick.fields)) if (Object.hasOwn(value, key)) out[key] = project((value as Record<string, unknown>)[key], sub);
  return out;
}

const PICK: Pick = {
  fields: {
    a: true,
    b: { fields: { c: true, d: { items: { fields: { e: true } } } } },
    f: { items: true },
    '': true,
  },
};
const COMPILED = compilePick(PICK);
const FAILED = Symbol('JSON.parse failed');

function reference(bytes: Buffer): unknown {
  try {
    return project(JSON.parse(bytes.toString('utf8')), PICK);
  } catch {
    return FAILED;
  }
}

/** Whatever the scanner accepts, JSON.parse accepts, with the same (picked) value. */
function agrees(bytes: Buffer): void {
  const expected = reference(bytes);
  const got = selectJson(bytes, COMPILED);
  if (got === undefined) return;
  expect(expected).not.toBe(FAILED);
  expect(got).toEqual(expected);
}

/** Values that often carry the picked keys, at several depths. */
const pickedShapes = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 3 }), tie('object'), fc.array(tie('object'), { maxLength: 3 })),
  object: fc.record(
    { a: fc.jsonValue({ maxDepth: 2 }), b: fc.oneof(fc.record({ c: fc.jsonValue({ maxDepth: 2 }), d: fc.oneof(fc.array(fc.record({ e: fc.string(), x: fc.integer() }, { requiredKeys: [] })), fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 1 })), f: fc.jsonValue({ maxDepth: 2 }), '': fc.string(), z: tie('value') },
    { requiredKeys: [] },
  ),
}));

const layouts = fc.constantFrom(undefined, 0, 1, 2, '\t', ' \r\n');

describe('selective JSON scanner (WebAssembly)', () => {
  it('the committed wasm.ts is exactly what npm run build:scanner makes from assembly/scan.ts', () => {
    expect(readFileSync(TARGET, 'utf8')).toBe(buildScannerModule());
  }, 30_000);

  it('gives JSON.parse cut down to the pick, and takes every valid document without escaped keys', () => {
    fc.assert(
      fc.property(pickedShapes.object, layouts, (doc, space) => {
        const text = JSON.stringify(doc, null, space);
        const bytes = Buffer.from(text, 'utf8');
        const got = selectJson(bytes, COMPILED);
        if (!text.includes('\\')) expect(got).not.toBeUndefined();
        agrees(bytes);
      }),
      { numRuns: 400 },
    );
  });

  it('accepts nothing JSON.parse refuses: truncated, spliced and mangled documents', () => {
    fc.assert(
      fc.property(pickedShapes.object, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('cut', 'insert', 'replace', 'delete'), (doc, at, byte, how) => {
        const whole = Buffer.from(JSON.stringify(doc), 'utf8');
        const i = at % (whole.length + 1);
        const mangled =
          how === 'cut'
            ? whole.subarray(0, i)
            : how === 'insert'
              ? Buffer.concat([whole.subarray(0, i), Buffer.from([byte]), whole.subarray(i)])
              : how === 'replace'
                ? Buffer.concat([whole.subarray(0, i), Buffer.from([byte]), whole.subarray(i + 1)])
                : Buffer.concat([whole.subarray(0, i), whole.subarray(i + 1)]);
        agrees(mangled);
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees with JSON.parse on arbitrary bytes and on JSON-looking fragments', () => {
    const token = fc.constantFrom('{', '}', '[', ']', ':', ',', '"a"', '"b"', '"\\u00e9"', '"\\x"', '"\\', '1', '-0', '01', '1.', '1e', '1e+5', '.5', 'true', 'tru', 'null', 'nul', 'false', ' ', '\n', '"é"', '"\u0001"');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), (tokens) => agrees(Buffer.from(tokens.join(''), 'utf8'))),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => agrees(Buffer.from(raw))),
      { numRuns: 1000 },
    );
  });

  it('keeps strings exactly: escapes, non-ASCII, invalid UTF-8 (as U+FFFD, like toString), lone surrogates', () => {
    for (const a of ['plain', 'é ü 東京 😀', 'quote " backslash \\ tab \t', '\ud800 lone', '', 'a'.repeat(100_000)]) {
      agrees(Buffer.from(JSON.stringify({ a, z: a }), 'utf8'));
    }
    agrees(Buffer.concat([Buffer.from('{"a":"x'), Buffer.from([0xc3]), Buffer.from('","f":["'), Buffer.from([0xff, 0xfe]), Buffer.from('"]}')]));
    expect(selectJson(Buffer.from('{"a":"\\u0041\\n"}'), COMPILED)).toEqual({ a: 'A\n' });
  });

  it('grows its event buffer for documents with many picked values, and starts afresh after a large file', () => {
    const doc = { f: Array.from({ length: 50_000 }, (_, i) => (i % 2 ? i : `s${i}`)) };
    const got = selectJson(Buffer.from(JSON.stringify(doc)), COMPILED);
    expect(got).toEqual(doc);
    // ~20 MB: more memory than an instance keeps; the next document is read by a new one.
    const large = { a: 'x'.repeat(20 * 1024 * 1024) };
    expect(selectJson(Buffer.from(JSON.stringify(large)), COMPILED)).toEqual(large);
    expect(selectJson(Buffer.from('{"a":1,"f":[true]}'), COMPILED)).toEqual({ a: 1, f: [true] });
  });

  it('declines (for JSON.parse to decide) nesting over 512 levels and escaped keys in a picked object', () => {
    const deep = Buffer.from(`{"z":${'['.repeat(600)}${']'.repeat(600)}}`);
    expect(selectJson(deep, COMPILED)).toBeUndefined();
    expect(JSON.parse(deep.toString())).toBeDefined();
    expect(selectJson(Buffer.from('{"\\u0061":1}'), COMPILED)).toBeUndefined();
    expect(selectJson(Buffer.from('{"z":{"\\u0061":1}}'), COMPILED)).toEqual({});
  });
});
