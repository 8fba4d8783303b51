/**
 * Canonical JSON and hashing: the exact bytes every evidence hash is computed over.
 *
 * Canonical form: object keys sorted by UTF-16 code unit order (JavaScript's default sort),
 * no whitespace, strings and numbers as `JSON.stringify` prints them, `undefined` object
 * members dropped. Anything JSON cannot represent faithfully (NaN, Infinity, bigint,
 * functions, class instances such as Date or Map) is refused, so a hash never silently
 * covers a different value than the one stored.
 */
import { createHash } from 'node:crypto';

export class CanonicalJsonError extends Error {
  public constructor(path: string, what: string) {
    super(`cannot serialise ${path} canonically: ${what}`);
    this.name = 'CanonicalJsonError';
  }
}

export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not a finite number`);
      // -0 prints as 0 in JSON.stringify, which is what JSON readers give back.
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => (v === undefined ? 'null' : write(v, `${path}[${i}]`))).join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new CanonicalJsonError(path, `a ${(value as object).constructor?.name ?? 'non-plain'} object is not plain JSON`);
      }
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${write(record[k], `${path}.${k}`)}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new CanonicalJsonError(path, `a ${typeof value} is not JSON`);
  }
}

/** SHA-256 hex digest of a UTF-8 string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** SHA-256 hex of the canonical JSON of `value`. */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
