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

/**
 * The value `JSON.stringify` serialises for `v` found under `key` (an array index as a number,
 * turned into its text only for a `toJSON` call), after `toJSON` and unwrapping. Primitives,
 * arrays and plain objects (everything in a parsed document) return early: the boxed-primitive
 * checks walk the prototype chain four times per object.
 */
function jsonValue(v: unknown, key: string | number): unknown {
  if ((typeof v !== 'object' && typeof v !== 'bigint') || v === null) return v;
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') v = (toJSON as (k: string) => unknown).call(v, typeof key === 'number' ? String(key) : key);
  if (typeof v === 'object' && v !== null) {
    if (Array.isArray(v)) return v;
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return v;
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

function hashValue(h: number, raw: unknown, key: string | number, inArray: boolean): number {
  const v = jsonValue(raw, key);
  return hashOf(h, v, inArray ? elementKind(v) : kindOf(v));
}

/**
 * The hash of a converted value `v` of kind `kind`. An object's values are converted once: the
 * conversion that tells whether a key is written is the one hashed.
 */
function hashOf(h: number, v: unknown, kind: Kind): number {
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
      for (let i = 0; i < a.length; i++) h = hashValue(h, a[i], i, true);
      return h;
    }
    case Kind.Object: {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
        const e = jsonValue(o[k], k);
        const ek = kindOf(e);
        // Left out of the text when it serialises to nothing (checked on the converted value).
        if (ek === Kind.Absent) continue;
        h = hashOf(hashString(h, k), e, ek);
      }
      return mix(h, 0x7d);
    }
    default:
      return h;
  }
}

/** A 32-bit hash of `JSON.stringify(v)`'s text (equal texts, equal hashes) without building it. */
export function jsonHash(v: unknown): number {
  return hashValue(0x811c9dc5, v, '', false) >>> 0;
}

/** Is the own enumerable key `k` of `o` written by `JSON.stringify` (its value does not serialise to nothing)? */
const written = (o: Record<string, unknown>, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k) && kindOf(jsonValue(o[k], k)) !== Kind.Absent;

/**
 * The written keys of the objects being compared, one object's after the other's (a stack: nested
 * objects push above): `sameValue` compares key orders without a key array per object and without
 * walking an object's keys once per key.
 */
const keyStack: string[] = [];
let keyTop = 0;

function sameValue(rawA: unknown, rawB: unknown, key: string | number, inArray: boolean): boolean {
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
      for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i], i, true)) return false;
      return true;
    }
    case Kind.Object:
      return sameObject(a as Record<string, unknown>, b as Record<string, unknown>);
    default:
      // Absent, null, true, false: the kind is the text.
      return true;
  }
}

/** Same written keys in the same order (`Object.keys` order, as `for…in` visits own keys), then same values. */
function sameObject(x: Record<string, unknown>, y: Record<string, unknown>): boolean {
  const base = keyTop;
  for (const k in x) if (written(x, k)) keyStack[keyTop++] = k;
  let i = base;
  let same = true;
  for (const k in y) {
    if (!written(y, k)) continue;
    if (i === keyTop || keyStack[i] !== k) {
      same = false;
      break;
    }
    i++;
  }
  if (i !== keyTop) same = false;
  for (let j = base; j < keyTop && same; j++) {
    const k = keyStack[j]!;
    same = sameValue(x[k], y[k], k, false);
  }
  keyTop = base;
  return same;
}

/** `JSON.stringify(a) === JSON.stringify(b)`, without building either text. */
export function sameJson(a: unknown, b: unknown): boolean {
  // A comparison that threw (a BigInt) may have left keys on the stack.
  keyTop = 0;
  return a === b || sameValue(a, b, '', false);
}
