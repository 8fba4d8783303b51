/**
 * The IAM wildcard matcher: semantics (`*` any run, `?` one character), linear work on the
 * patterns that made the regex-based matcher take minutes (`s3:*********z`, `*:*******z`),
 * pattern inclusion and overlap. Work is counted in comparisons, never timed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, coversByTable, firstWildcard, glob, globCovers, globMatch, globsOverlap, globWork, hasWildcard, MAX_PATTERN_LENGTH, normalizeGlob, PatternTooLongError } from '../../../lib/policy/glob';
import { wildcardMatch } from '../../../lib/policy/document';
import { loadCatalog } from '../../../lib/breadth/catalog';

/** Reference semantics: a plain dynamic program over (pattern, value), no regex. */
function reference(pattern: string, value: string): boolean {
  const m = pattern.length;
  const n = value.length;
  const dp: boolean[][] = Array.from({ length: m + 1 }, () => new Array<boolean>(n + 1).fill(false));
  dp[0]![0] = true;
  for (let i = 1; i <= m; i++) {
    const c = pattern[i - 1];
    for (let j = 0; j <= n; j++) {
      if (c === '*') dp[i]![j] = dp[i - 1]![j]! || (j > 0 && dp[i]![j - 1]!);
      else dp[i]![j] = j > 0 && dp[i - 1]![j - 1]! && (c === '?' || c === value[j - 1]);
    }
  }
  return dp[m]![n]!;
}

const alphabet = fc.constantFrom('a', 'b', ':', '/', '*', '?');
const text = fc.constantFrom('a', 'b', ':', '/');

describe('glob matcher', () => {
  it('matches like the reference dynamic program', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 10 }), fc.array(text, { maxLength: 12 }), (p, v) => {
        const pattern = p.join('');
        const value = v.join('');
        expect(globMatch(glob(pattern), value)).toBe(reference(pattern, value));
      }),
      { numRuns: 3000 },
    );
  });

  it('IAM examples: `?` is exactly one character, `*` any run, `**` the same as `*`', () => {
    expect(wildcardMatch('iam:?etRole', 'iam:GetRole')).toBe(true);
    expect(wildcardMatch('iam:?etRole', 'iam:GetRoles')).toBe(false);
    expect(wildcardMatch('**', 's3:GetObject')).toBe(true);
    expect(wildcardMatch('s3:*********t', 's3:GetObject')).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::b/*', 'arn:aws:s3:::b/x/y')).toBe(true);
    expect(compileGlob('a***b').text).toBe('a*b');
  });

  it('does linear work on the patterns that made the regex matcher take minutes', () => {
    const value = `s3:${'a'.repeat(200)}`;
    for (const pattern of ['s3:*********z', '*:*******z', `${'*a'.repeat(40)}z`, `s3:${'*?'.repeat(30)}z`]) {
      globWork.steps = 0;
      expect(globMatch(glob(pattern), value)).toBe(false);
      // Bounded by |value| × |pattern| comparisons (no backtracking over star splits).
      expect(globWork.steps).toBeLessThanOrEqual(value.length * pattern.length);
    }
  });

  it('expands those patterns over the whole action catalog (22,000 names) without blowing up', () => {
    const catalog = loadCatalog();
    globWork.steps = 0;
    for (let k = 1; k <= 40; k++) {
      catalog.expand(`s3:${'*'.repeat(k)}z`);
      catalog.expand(`*:${'*'.repeat(k)}z`);
      catalog.expand(`*${'*?'.repeat(k)}z`);
    }
    // ~22,000 names × a few comparisons each per distinct pattern; a backtracking matcher needs billions.
    expect(globWork.steps).toBeLessThan(200_000_000);
  });

  it('rejects patterns longer than the bound', () => {
    expect(() => compileGlob('a'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow(PatternTooLongError);
  });

  it('globCovers is sound: when it says outer covers inner, every string inner matches, outer matches', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 6 }), fc.array(alphabet, { maxLength: 6 }), fc.array(text, { maxLength: 8 }), (o, i, v) => {
        const outer = o.join('');
        const inner = i.join('');
        const value = v.join('');
        if (globCovers(outer, inner) && reference(inner, value)) expect(reference(outer, value)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(globCovers('arn:aws:s3:::*', 'arn:aws:s3:::b/*')).toBe(true);
    expect(globCovers('arn:aws:s3:::b/*', 'arn:aws:s3:::*')).toBe(false);
  });

  it('globCovers gives the plain table\'s answer (its shortcuts, the literal-ends filter and the equal-text case, change no answer)', () => {
    // The table alone (coversByTable), after the collapse and the `*` case globCovers also has.
    const table = (outer: string, inner: string): boolean => {
      const o = normalizeGlob(outer);
      return o === '*' || coversByTable(o, normalizeGlob(inner));
    };
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 7 }), fc.array(alphabet, { maxLength: 7 }), (o, i) => {
        const outer = o.join('');
        const inner = i.join('');
        expect(globCovers(outer, inner), `${outer} ⊇ ${inner}`).toBe(table(outer, inner));
        expect(globCovers(outer, outer)).toBe(table(outer, outer));
      }),
      { numRuns: 5000 },
    );
  });

  it('globCovers: every pattern within the bound covers itself and its `**`-collapsed spelling; past the bound, nothing is claimed', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }), (o) => {
        const pattern = o.join('');
        expect(globCovers(pattern, pattern)).toBe(true);
        expect(globCovers(pattern, pattern.replace(/\*+/g, '*'))).toBe(true);
        // The same answer through the table: a copy with one more `*` at the end covers the pattern.
        expect(globCovers(`${pattern}*`, pattern)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    const long = `${'a'.repeat(MAX_PATTERN_LENGTH)}*`;
    expect(globCovers(long, long)).toBe(false);
  });

  it('globsOverlap: a string both match exists exactly when it says so (small alphabet, exhaustive witnesses)', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 5 }), fc.array(alphabet, { maxLength: 5 }), fc.array(text, { maxLength: 8 }), (a, b, v) => {
        const x = a.join('');
        const y = b.join('');
        const value = v.join('');
        if (reference(x, value) && reference(y, value)) expect(globsOverlap(x, y)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(globsOverlap('arn:aws:s3:::a/*', 'arn:aws:s3:::b/*')).toBe(false);
    expect(globsOverlap('arn:aws:s3:::*/*', 'arn:aws:s3:::b/*')).toBe(true);
  });

  it('hasWildcard and firstWildcard agree with a character-by-character reading', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z*?:/]{0,12}$/), (s) => {
        const first = [...s].findIndex((c) => c === '*' || c === '?');
        expect(firstWildcard(s)).toBe(first < 0 ? s.length : first);
        expect(hasWildcard(s)).toBe(first >= 0);
      }),
      { numRuns: 500 },
    );
  });
});
