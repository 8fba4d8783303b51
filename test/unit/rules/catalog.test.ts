/**
 * Catalog integrity: ids unique and well-formed, every rule fully described, every rule
 * listed by at least one requirement, and every framework mapping resolving to a
 * registered rule (no tolerance: a mapped id that is not registered fails).
 */
import { describe, expect, it } from 'vitest';
import { RULES, getRule, evaluateRules, SEVERITIES } from '../../../lib/rules';
import { FRAMEWORKS, getFramework, requirementsForRule } from '../../../lib/frameworks';
import { SECTION_NAMES } from '../../../lib/snapshot';
import { snapshot } from './builders';

const ruleIds = RULES.map((r) => r.id);

describe('rule catalog', () => {
  it('has unique, well-formed ids whose prefix is the area', () => {
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.id.split('.')[0]).toBe(r.area);
    }
  });
  it.each(RULES.map((r) => [r.id, r] as const))('%s is fully described', (_id, r) => {
    expect(r.title.length).toBeGreaterThan(5);
    expect(r.rationale.length).toBeGreaterThan(40);
    expect(SEVERITIES).toContain(r.severity);
    expect(r.remediation.console.length).toBeGreaterThan(10);
    expect(r.remediation.cli).toMatch(/\baws [a-z0-9-]+ [a-z0-9-]+|node bin\/art32\.mjs/);
    expect(r.references.length).toBeGreaterThan(0);
    for (const s of r.sections) expect(SECTION_NAMES).toContain(s);
    // every parameter has a default: an empty override parses
    expect(r.parameters.safeParse({}).success).toBe(true);
  });
  it('the rules of this issue are all registered', () => {
    for (const id of [
      'auth.password-policy-present',
      'auth.password-strength',
      'auth.root-mfa',
      'auth.console-mfa',
      'auth.root-access-keys',
      'access.stale-credentials',
      'access.admin-principals',
      'access.wildcard-data-access',
      'logging.cloudtrail-multi-region',
      'logging.log-integrity',
      'logging.log-encryption',
      'logging.automated-analysis',
      'logging.retention',
      'logging.personal-data-events',
      'governance.evidence-continuity',
    ])
      expect(getRule(id).id).toBe(id);
  });
  it('an empty snapshot gives ERROR (or NOT_APPLICABLE), never PASS; the rule judging the evidence history FAILs an account never collected', () => {
    for (const f of evaluateRules(RULES, snapshot())) {
      // A rule that reads no snapshot section judges the recorded runs: with none and nothing read now,
      // the account is an expected account without evidence (governance.evidence-continuity), a FAIL.
      if (getRule(f.ruleId).sections.length === 0) expect(f.status, f.ruleId).toBe('FAIL');
      else expect(['ERROR', 'NOT_APPLICABLE'], f.ruleId).toContain(f.status);
    }
  });
  it('unknown rule ids are errors that list the known ones', () => {
    expect(() => getRule('auth.nope')).toThrow(/unknown rule "auth.nope".*auth.password-strength/);
    expect(() => evaluateRules(RULES, snapshot(), { parameters: { 'auth.nope': {} } })).toThrow(/unknown rule/);
  });
});

describe('frameworks', () => {
  it('requirement ids are unique across frameworks and carry citation and summary', () => {
    const ids = FRAMEWORKS.flatMap((f) => f.requirements.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of FRAMEWORKS)
      for (const r of f.requirements) {
        expect(r.citation.length).toBeGreaterThan(10);
        expect(r.summary.length).toBeGreaterThan(20);
      }
  });
  it('has the requirement ids decided for GDPR and CNIL', () => {
    expect(getFramework('gdpr').requirements.map((r) => r.id)).toEqual(
      expect.arrayContaining(['GDPR-32.1.a', 'GDPR-32.1.b', 'GDPR-32.1.d', 'GDPR-32.2', 'GDPR-25.2', 'GDPR-5.1.e', 'GDPR-5.1.f', 'GDPR-5.2', 'GDPR-24.1']),
    );
    expect(getFramework('CNIL').requirements.map((r) => r.id)).toEqual(
      expect.arrayContaining(['CNIL-2022-100', 'CNIL-2021-122', 'CNIL-GUIDE-1', 'CNIL-GUIDE-4', 'CNIL-GUIDE-5', 'CNIL-GUIDE-9', 'CNIL-GUIDE-16', 'CNIL-GUIDE-22', 'CNIL-SAN-2026-003']),
    );
    expect(() => getFramework('sox')).toThrow(/unknown framework "sox".*gdpr, cnil/);
  });
  it('every mapped rule id is a registered rule', () => {
    const unresolved = FRAMEWORKS.flatMap((f) => f.requirements.flatMap((r) => r.ruleIds.filter((id) => !ruleIds.includes(id)).map((id) => `${r.id} → ${id}`)));
    expect(unresolved).toEqual([]);
  });
  it('every registered rule is listed by at least one requirement', () => {
    const unmapped = ruleIds.filter((id) => requirementsForRule(id).length === 0);
    expect(unmapped).toEqual([]);
  });
  it('requirementsForRule finds the password rule under CNIL 2022-100', () => {
    expect(requirementsForRule('auth.password-strength', 'cnil').map((r) => r.id)).toContain('CNIL-2022-100');
  });
});
