/**
 * "Same JSON text" without building the text: `sameJson(a, b)` is `JSON.stringify(a) ===
 * JSON.stringify(b)` and `jsonHash` agrees with it (equal texts, equal hashes), for values
 * `JSON.stringify` accepts. Principal resolution shares one statement list per distinct inline
 * document: stringifying thousands of inline documents to use the text as a Map key allocated
 * megabytes of strings, kept alive (and copied by the young-generation collector) until the
 * resolution ended.
 *
 * Follows SerializeJSONProperty (ECMA-262 25.5.2.2) without replacer or indentation: `toJSON`
 * is called with the property key, boxed primitives are unwrapped, non-finite numbers are
 * `null`, `undefined` / functions / symbols are left out of objects and are `null` in arrays,
 * object keys are compared in `Object.keys` order. A BigInt throws as `JSON.stringify` does.
 */

const enum Kind {
  /** Serialises to nothing (`undefined`, a function, a symbol). */
  Absent,
  Null,
  True,
  False,
  Number,
  String,
  Array,
  Object,
}

/** The value `JSON.stringify` serialises for `v` found under `key`, after `toJSON` and unwrapping. */
function jsonValue(v: unknown, key: string): unknown {
  if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') v = (toJSON as (k: string) => unknown).call(v, key);
  }
  if (typeof v === 'object' && v !== null) {
    if (v instanceof Number) return Number(v);
    if (v instanceof String) return String(v);
    if (v instanceof Boolean) return v.valueOf();
    if (typeof BigInt === 'function' && v instanceof BigInt) return v.valueOf();
  }
  return v;
}

function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'string':
      return Kind.String;
    case 'number':
      return Number.isFinite(v) ? Kind.Number : Kind.Null;
    case 'boolean':
      return v ? Kind.True : Kind.False;
    case 'object':
      return v === null ? Kind.Null : Array.isArray(v) ? Kind.Array : Kind.Object;
    case 'bigint':
      // JSON.stringify's own TypeError.
      return JSON.stringify(v) as never;
    default:
      // undefined, function, symbol.
      return Kind.Absent;
  }
}

const mix = (h: number, x: number): number => Math.imul(h ^ x, 0x01000193);

function hashString(h: number, s: string): number {
  h = mix(h, s.length);
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

/** The kind written for `v` as an array element: what serialises to nothing is written `null` there. */
const elementKind = (v: unknown): Kind => {
  const kind = kindOf(v);
  return kind === Kind.Absent ? Kind.Null : kind;
};

function hashValue(h: number, raw: unknown, key: string, inArray = false): number {
  const v = jsonValue(raw, key);
  const kind = inArray ? elementKind(v) : kindOf(v);
  h = mix(h, kind);
  switch (kind) {
    case Kind.Number: {
      const n = v as number;
      return mix(mix(h, n | 0), ((n - (n | 0)) * 0x40000000) | 0);
    }
    case Kind.String:
      return hashString(h, v as string);
    case Kind.Array: {
      const a = v as readonly unknown[];
      h = mix(h, a.length);
      for (let i = 0; i < a.length; i++) h = hashValue(h, a[i], String(i), true);
      return h;
    }
    case Kind.Object: {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        // Left out of the text when it serialises to nothing (checked on the converted value).
        if (!written(o, k)) continue;
        h = hashValue(hashString(h, k), o[k], k);
      }
      return mix(h, 0x7d);
    }
    default:
      return h;
  }
}

/** A 32-bit hash of `JSON.stringify(v)`'s text (equal texts, equal hashes) without building it. */
export function jsonHash(v: unknown): number {
  return hashValue(0x811c9dc5, v, '') >>> 0;
}

/** Is the own enumerable key `k` of `o` written by `JSON.stringify` (its value does not serialise to nothing)? */
const written = (o: Record<string, unknown>, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k) && kindOf(jsonValue(o[k], k)) !== Kind.Absent;

/**
 * The `n`-th key `JSON.stringify` writes for the object (`for…in` visits own keys in
 * `Object.keys` order), or undefined. Quadratic when walking every key, but policy objects
 * have a handful, and no key array is allocated.
 */
function writtenKey(o: Record<string, unknown>, n: number): string | undefined {
  let i = 0;
  for (const k in o) {
    if (!written(o, k)) continue;
    if (i === n) return k;
    i++;
  }
  return undefined;
}

function sameValue(rawA: unknown, rawB: unknown, key: string, inArray = false): boolean {
  const a = jsonValue(rawA, key);
  const b = jsonValue(rawB, key);
  const kind = inArray ? elementKind(a) : kindOf(a);
  if (kind !== (inArray ? elementKind(b) : kindOf(b))) return false;
  switch (kind) {
    case Kind.Number:
    case Kind.String:
      return a === b;
    case Kind.Array: {
      const x = a as readonly unknown[];
      const y = b as readonly unknown[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i], String(i), true)) return false;
      return true;
    }
    case Kind.Object: {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      let i = 0;
      for (const k in x) {
        if (!written(x, k)) continue;
        if (writtenKey(y, i) !== k || !sameValue(x[k], y[k], k)) return false;
        i++;
      }
      return writtenKey(y, i) === undefined;
    }
    default:
      // Absent, null, true, false: the kind is the text.
      return true;
  }
}

/** `JSON.stringify(a) === JSON.stringify(b)`, without building either text. */
export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || sameValue(a, b, '');
}
