/**
 * Legal accuracy, pinned (issue #16). Every rule cites only sources from the one table in
 * lib/frameworks/sources.ts, whose status (law / CNIL recommendation / industry practice /
 * reference case) decides the verbs: a CNIL recommendation "recommends", never "requires".
 * The mapping fixes of the review are pinned by name so that a regression is a named failure.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../lib/rules';
import { CNIL, FRAMEWORKS, GDPR, requirementLabel, requirementsForRule, SOURCES, sourceOfCitation, type SourceId } from '../../../lib/frameworks';

/** Each rule's sources, by id: the reviewed mapping. A rule added later must add its row. */
const RULE_SOURCES: Record<string, SourceId[]> = {
  'auth.password-policy-present': ['cnil2022_100', 'gdpr32_1_b', 'gdpr5_2'],
  'auth.password-strength': ['cnil2022_100', 'gdpr32_1_b', 'awsIamNoLockout', 'cnilSan2026_003', 'cnilSan2026_003Rapporteur'],
  'auth.root-mfa': ['gdpr32_1_b', 'cnilGuide4'],
  'auth.console-mfa': ['gdpr32_1_b', 'cnilGuide4', 'cnilSan2026_003'],
  'auth.root-access-keys': ['gdpr32_1_b', 'cnilGuide4', 'cnilGuide9', 'awsScpRoot'],
  'access.stale-credentials': ['cnilGuide5', 'gdpr32_1_b', 'cisAws'],
  'access.admin-principals': ['gdpr32_1_b', 'gdpr25_2', 'cnilGuide5', 'cnilGuide9'],
  'access.wildcard-data-access': ['gdpr25_2', 'gdpr32_1_b', 'gdpr32_2', 'cnilGuide5', 'cnilSan2026_003'],
  'access.permission-breadth': ['gdpr25_2', 'gdpr32_1_b', 'cnilGuide5', 'cnilSan2026_003'],
  'access.privilege-escalation': ['gdpr32_1_b', 'cnilGuide5', 'rhinoEscalation'],
  'logging.cloudtrail-multi-region': ['cnil2021_122', 'gdpr32_1_b', 'cnilGuide16', 'cnilGuide22'],
  'logging.log-integrity': ['cnil2021_122', 'gdpr32_1_b', 'gdpr5_1_f', 'cnilGuide16'],
  'logging.log-encryption': ['gdpr32_1_a', 'gdpr5_1_f', 'cnilGuide22', 'cnil2021_122', 'awsS3DefaultEncryption'],
  'logging.automated-analysis': ['cnil2021_122', 'cnilGuide16', 'gdpr32_1_b', 'cnilSan2026_003', 'cnilSan2026_003Rapporteur'],
  'logging.retention': ['cnil2021_122', 'cnilGuide16', 'gdpr5_1_e'],
  'logging.personal-data-events': ['cnil2021_122', 'cnilGuide16', 'gdpr32_2', 'cnilSan2026_003'],
  'monitoring.abnormal-activity': ['cnil2021_122', 'gdpr32_1_b', 'cnilGuide16', 'cnilSan2026_003', 'cnilSan2026_003Rapporteur'],
  'governance.evidence-continuity': ['gdpr32_1_d', 'gdpr5_2', 'gdpr24_1', 'cnilGuide1'],
  // second wave (#17)
  'auth.root-usage': ['gdpr32_1_b', 'cnilGuide9', 'cnilGuide16', 'awsRootUsage'],
  'auth.passwords-predating-policy': ['cnil2022_100', 'gdpr32_1_b', 'awsPasswordPolicy'],
  'access.admin-credentials': ['gdpr32_1_b', 'cnilGuide4', 'cnilGuide9', 'cnil2025_019', 'awsAdminCredentials'],
  'access.unused-roles': ['cnilGuide5', 'cnilGuide22', 'gdpr32_1_b', 'awsUnusedAccess90'],
  'access.cross-account-trust': ['gdpr32_1_b', 'gdpr25_2', 'cnilGuide5', 'cnilGuide4', 'cnilSan2026_003'],
  'logging.delivery-health': ['cnilGuide16', 'cnil2021_122', 'gdpr32_1_b', 'awsTrailStatus'],
  'logging.log-tamper-access': ['cnilGuide16', 'cnil2021_122', 'gdpr5_1_f', 'gdpr32_1_b'],
  'auth.federated-access': ['gdpr32_1_b', 'gdpr25_2', 'cnilGuide4', 'cnilGuide9', 'cnilGuide5', 'awsPermissionSetSession', 'cnilSan2026_003'],
  'data.public-exposure': ['gdpr25_2', 'gdpr32_1_b', 'cnilGuide22'],
  'data.encryption-at-rest': ['gdpr32_1_a', 'cnilGuide22', 'awsS3DefaultEncryption'],
  'data.backups': ['gdpr32_1_c', 'cnilGuide17'],
  'data.location': ['gdprChapterV', 'cnilGuide22'],
};

/** A sentence that attributes an obligation to the CNIL or one of its texts. */
const CNIL_OBLIGATION = /(CNIL|délib[ée]ration|recommendation|security guide|guide)[^.;]{0,80}\b(requires?|required|mandates?|demands?|obliges?)\b/i;

describe('every rule cites only sources of the table, with their status', () => {
  it.each(RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    for (const ref of rule.references) expect(sourceOfCitation(ref), `free-form citation in ${rule.id}: ${ref}`).toBeDefined();
    if (RULE_SOURCES[rule.id]) expect(rule.references).toEqual(RULE_SOURCES[rule.id]!.map((id) => SOURCES[id].citation));
  });
  it('never says the CNIL "requires" (rationale, remediation, citations)', () => {
    const offenders = RULES.flatMap((r) =>
      [r.rationale, r.remediation.console, r.remediation.cli, ...r.references].filter((t) => CNIL_OBLIGATION.test(t)).map((t) => `${r.id}: ${t.match(CNIL_OBLIGATION)![0]}`),
    );
    expect(offenders).toEqual([]);
  });
  it('every CNIL recommendation cited says "recommends" in its citation or names itself a recommendation', () => {
    for (const s of Object.values(SOURCES)) {
      if (s.status !== 'cnil-recommendation') continue;
      expect(s.citation, s.id).toMatch(/recommend|fiche/i);
      expect(s.citation, s.id).not.toMatch(/\brequires?\b/i);
    }
  });
  it('quotes only checked sentences, each with where it was checked', () => {
    for (const s of Object.values(SOURCES) as { quotes?: { fr: string; en: string; checkedAgainst: string }[] }[])
      for (const q of s.quotes ?? []) {
        expect(q.fr.length).toBeGreaterThan(20);
        expect(q.en.length).toBeGreaterThan(20);
        expect(q.checkedAgainst.length).toBeGreaterThan(10);
      }
  });
  it('official titles carry the délibération number, date and JORF date', () => {
    expect(SOURCES.cnil2022_100.officialTitle).toMatch(/n° 2022-100 du 21 juillet 2022.*JORF du 16 octobre 2022/);
    expect(SOURCES.cnil2021_122.officialTitle).toMatch(/n° 2021-122 du 14 octobre 2021.*JORF du 30 octobre 2021/);
    expect(SOURCES.cnilSan2026_003.citation).toMatch(/22 January 2026 \(published 29 January 2026\)/);
    expect(SOURCES.cnil2025_019.officialTitle).toMatch(/n° 2025-019 du 20 mars 2025.*authentification multifacteur.*JORF du 2 avril 2025/);
    expect(SOURCES.cnil2025_019.citation).toMatch(/JORF 2 April 2025/);
  });
});

describe('the mapping fixes of the legal review', () => {
  const ids = (ruleId: string) => requirementsForRule(ruleId).map((r) => r.id);
  it('retention: upper bound is Art. 5(1)(e) storage limitation, not 5(1)(f)', () => {
    expect(ids('logging.retention')).toContain('GDPR-5.1.e');
    expect(ids('logging.retention')).not.toContain('GDPR-5.1.f');
  });
  it('Art. 32(1)(d) lists only evidence continuity', () => {
    expect(GDPR.requirements.find((r) => r.id === 'GDPR-32.1.d')!.ruleIds).toEqual(['governance.evidence-continuity']);
  });
  it('Art. 32(4) is never a basis: least privilege rests on 32(1)(b), 25(2) and fiches 5 / 9', () => {
    expect(FRAMEWORKS.flatMap((f) => f.requirements).map((r) => r.id)).not.toContain('GDPR-32.4');
    expect(RULES.flatMap((r) => r.references).join('\n')).not.toMatch(/32\(4\)/);
    expect(ids('access.admin-principals')).toEqual(expect.arrayContaining(['GDPR-32.1.b', 'GDPR-25.2', 'CNIL-GUIDE-5', 'CNIL-GUIDE-9']));
  });
  it('evidence continuity cites fiche 1 and Art. 24(1), not fiche 22', () => {
    expect(ids('governance.evidence-continuity')).toEqual(expect.arrayContaining(['GDPR-24.1', 'CNIL-GUIDE-1', 'GDPR-32.1.d', 'GDPR-5.2']));
    expect(ids('governance.evidence-continuity')).not.toContain('CNIL-GUIDE-22');
  });
  it('the sanction is a reference case: "checks informed by SAN-2026-003", no status', () => {
    const san = CNIL.requirements.find((r) => r.id === 'CNIL-SAN-2026-003')!;
    expect(san.kind).toBe('reference-case');
    expect(requirementLabel(san, { passed: 0, evaluated: 6 })).toBe('checks informed by SAN-2026-003');
  });
  it('requirement labels count checks instead of judging the article', () => {
    const a = GDPR.requirements.find((r) => r.id === 'GDPR-32.1.a')!;
    expect(requirementLabel(a, { passed: 0, evaluated: 1 })).toBe('checks mapped to Art. 32(1)(a): 0 of 1 passed');
    expect(requirementLabel(CNIL.requirements[0]!, { passed: 1, reserved: 1, evaluated: 2 })).toBe('checks mapped to CNIL délib. 2022-100 (recommendation): 1 of 2 passed, 1 with a reservation');
  });
  it('every requirement names its kind and source consistently', () => {
    for (const r of FRAMEWORKS.flatMap((f) => f.requirements)) {
      expect(SOURCES[r.sourceId].status, r.id).toBe(r.kind);
      expect(r.citation).toBe(SOURCES[r.sourceId].citation);
      if (r.kind !== 'law') expect(r.summary, r.id).not.toMatch(/\brequires?\b/i);
    }
  });
});
