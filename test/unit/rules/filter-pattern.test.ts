/**
 * CloudWatch Logs filter patterns against sample CloudTrail records: what a metric filter
 * really catches, so a filter counts for the events its pattern matches, never for its name.
 */
import { describe, expect, it } from 'vitest';
import { filterPatternMatches, globMatches, parseFilterPattern } from '../../../lib/rules/support/filter-pattern';
import { ORDINARY_CALL, ROOT_USAGE, UNAUTHORIZED_CALLS } from '../../../lib/rules/support/sample-events';

const CIS_UNAUTHORIZED = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }';
const CIS_ROOT = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';

describe('filter patterns', () => {
  it('the CIS unauthorized-calls pattern matches both AccessDenied and Client.UnauthorizedOperation, not an ordinary call', () => {
    for (const e of UNAUTHORIZED_CALLS) expect(filterPatternMatches(CIS_UNAUTHORIZED, e)).toBe(true);
    expect(filterPatternMatches(CIS_UNAUTHORIZED, ORDINARY_CALL)).toBe(false);
  });

  it('the CIS root-usage pattern matches a root sign-in and a root API call, not a role', () => {
    for (const e of ROOT_USAGE) expect(filterPatternMatches(CIS_ROOT, e)).toBe(true);
    expect(filterPatternMatches(CIS_ROOT, ORDINARY_CALL)).toBe(false);
    expect(filterPatternMatches(CIS_ROOT, { ...ROOT_USAGE[0]!, userIdentity: { type: 'Root', invokedBy: 'support.amazonaws.com' } })).toBe(false);
  });

  it('a pattern that only looks right matches nothing: wrong case, wrong field, exact value without wildcard', () => {
    expect(filterPatternMatches('{ $.errorcode = "AccessDenied" }', UNAUTHORIZED_CALLS[0]!)).toBe(false);
    expect(filterPatternMatches('{ $.errorCode = "accessdenied" }', UNAUTHORIZED_CALLS[0]!)).toBe(false);
    expect(filterPatternMatches('{ $.errorCode = "UnauthorizedOperation" }', UNAUTHORIZED_CALLS[1]!)).toBe(false);
    expect(filterPatternMatches('{ $.errorCode = "*UnauthorizedOperation" }', UNAUTHORIZED_CALLS[1]!)).toBe(true);
  });

  it('numbers, IS NULL, IS TRUE/FALSE, array selectors', () => {
    const e = { a: { n: 5, flag: true, nil: null, list: ['x', 'y'] } };
    expect(filterPatternMatches('{ $.a.n > 4 }', e)).toBe(true);
    expect(filterPatternMatches('{ $.a.n >= 5 && $.a.n <= 5 }', e)).toBe(true);
    expect(filterPatternMatches('{ $.a.n < 5 }', e)).toBe(false);
    expect(filterPatternMatches('{ $.a.nil IS NULL }', e)).toBe(true);
    expect(filterPatternMatches('{ $.a.flag IS TRUE }', e)).toBe(true);
    expect(filterPatternMatches('{ $.a.flag IS FALSE }', e)).toBe(false);
    expect(filterPatternMatches('{ $.a.list[1] = "y" }', e)).toBe(true);
    expect(filterPatternMatches('{ $.a.missing NOT EXISTS }', e)).toBe(true);
    expect(filterPatternMatches('{ $.a.n NOT EXISTS }', e)).toBe(false);
  });

  it('term patterns: all terms, -excluded, ?any-of; the empty pattern matches everything', () => {
    const e = UNAUTHORIZED_CALLS[0]!;
    expect(filterPatternMatches('AccessDenied', e)).toBe(true);
    expect(filterPatternMatches('AccessDenied -GetObject', e)).toBe(false);
    expect(filterPatternMatches('?Throttling ?AccessDenied', e)).toBe(true);
    expect(filterPatternMatches('"Access Denied"', e)).toBe(true);
    expect(filterPatternMatches('', ORDINARY_CALL)).toBe(true);
  });

  it('unparseable patterns match nothing and say why', () => {
    for (const p of ['{ $.errorCode = "AccessDenied"', '{ errorCode = "x" }', '{ $.a.n > "x" }', '[ip, user]', '{ $.a = "x" && }']) {
      const parsed = parseFilterPattern(p);
      expect(parsed.ok, p).toBe(false);
      expect(filterPatternMatches(p, UNAUTHORIZED_CALLS[0]!)).toBe(false);
    }
  });

  it('globs are literal apart from * (no regex built from the pattern)', () => {
    expect(globMatches('a.*', 'a.b')).toBe(true);
    expect(globMatches('a.*', 'axb')).toBe(false);
    expect(globMatches('*x*y*', 'aaxbby')).toBe(true);
    expect(globMatches('ab*ba', 'aba')).toBe(false);
    expect(globMatches('*'.repeat(40) + 'z', 'a'.repeat(5000))).toBe(false);
  });
});
