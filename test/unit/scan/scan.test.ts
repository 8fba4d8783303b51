import { describe, expect, it } from 'vitest';
import { failingFindings, scanSnapshot, worstStatus } from '../../../lib/scan';
import { loadScenario } from '../../../lib/scenarios';
import type { Finding } from '../../../lib/rules';

const f = (ruleId: string, status: Finding['status'], severity: Finding['severity']): Finding => ({ ruleId, status, severity, message: '', observed: {}, threshold: {}, resources: [] });

describe('worstStatus', () => {
  it('orders FAIL > ERROR > WARN > PASS > NOT_APPLICABLE', () => {
    expect(worstStatus(['PASS', 'ERROR', 'FAIL'])).toBe('FAIL');
    expect(worstStatus(['PASS', 'WARN', 'ERROR'])).toBe('ERROR');
    expect(worstStatus(['PASS', 'WARN'])).toBe('WARN');
    expect(worstStatus(['NOT_APPLICABLE', 'PASS'])).toBe('PASS');
    expect(worstStatus([])).toBe('NOT_APPLICABLE');
  });
});

describe('failingFindings', () => {
  it('keeps FAIL and ERROR at or above the severity, never WARN or PASS', () => {
    const all = [f('a', 'FAIL', 'critical'), f('b', 'FAIL', 'medium'), f('c', 'ERROR', 'high'), f('d', 'WARN', 'critical'), f('e', 'PASS', 'critical')];
    expect(failingFindings(all, 'high').map((x) => x.ruleId)).toEqual(['a', 'c']);
    expect(failingFindings(all, 'info').map((x) => x.ruleId)).toEqual(['a', 'b', 'c']);
  });
});

describe('scanSnapshot', () => {
  it('groups by requirement, a requirement never reads PASS when one of its rules was not verified', () => {
    const { snapshot, parameters } = loadScenario('fresh-account');
    const scan = scanSnapshot(snapshot, { parameters });
    const withError = scan.requirements.filter((r) => r.findings.some((x) => x.status === 'ERROR'));
    expect(withError.length).toBeGreaterThan(0);
    for (const r of withError) expect(['FAIL', 'ERROR']).toContain(r.status);
    expect(scan.missingSections.map((m) => m.section)).toEqual(['activity']);
    const passwords = scan.requirements.find((r) => r.requirement.id === 'CNIL-2022-100');
    expect(passwords?.verdict).toMatch(/^checks mapped to CNIL délib\. 2022-100 \(recommendation\): 0 of 1 passed — failing: auth\.password-strength; not applicable: auth\.password-policy-present/);
    expect(scan.verdict).toMatch(/^FAIL: \d+ of \d+ rules fail/);
  });

  it('--framework keeps one framework; rules it does not list are kept apart, not dropped', () => {
    const { snapshot, parameters } = loadScenario('france-travail');
    const scan = scanSnapshot(snapshot, { parameters, framework: 'cnil' });
    expect(new Set(scan.requirements.map((r) => r.frameworkId))).toEqual(new Set(['cnil']));
    const shown = new Set([...scan.requirements.flatMap((r) => r.findings.map((x) => x.ruleId)), ...scan.unmappedFindings.map((x) => x.ruleId)]);
    expect(shown.size).toBe(scan.findings.length);
  });
});
