/**
 * Quotation marks are a claim: the words inside « » are the text's own. A French sentence is
 * quoted only when it was read verbatim in the PRIMARY text (Légifrance or cnil.fr) and the
 * source table records where (lib/frameworks/sources.ts). Everything the tool prints about its
 * rules — rationales, remediation, references, threshold sentences, `explain`, the generated
 * docs/rules.md block — may put in « » only those sentences or the official titles checked on
 * cnil.fr; anything known from press or law-firm summaries is cited in English, unquoted.
 */
import { describe, expect, it } from 'vitest';
import { explainRule } from '../../../lib/cli/commands/explain';
import { renderRulesCatalog } from '../../../lib/frameworks/rules-doc';
import { QUOTED_TITLES, SOURCE_LIST, SOURCES } from '../../../lib/frameworks/sources';
import { THRESHOLD_SOURCES } from '../../../lib/frameworks/thresholds';
import { RULES } from '../../../lib/rules';

const PRIMARY = /^https:\/\/www\.(legifrance\.gouv\.fr|cnil\.fr)\//;
const inGuillemets = (text: string): string[] => [...text.matchAll(/«\s*([^»]*?)\s*»/g)].map((m) => (m[1] as string).replace(/\s+/g, ' '));

describe('quotations', () => {
  const quoted = SOURCE_LIST.flatMap((s) => s.quotes ?? []);
  const allowed = new Set([...quoted.map((q) => q.fr), ...QUOTED_TITLES.map((t) => t.fr)]);

  it('every quoted sentence names the primary text it was read in (Légifrance or cnil.fr) and how', () => {
    expect(quoted.length).toBeGreaterThan(0);
    for (const q of [...quoted, ...QUOTED_TITLES]) {
      expect(q.primaryUrl, q.fr).toMatch(PRIMARY);
      expect(q.checkedAgainst.length, q.fr).toBeGreaterThan(10);
    }
    for (const s of SOURCE_LIST) for (const q of s.quotes ?? []) expect(q.en.length, `${s.id}: an English rendering beside the French`).toBeGreaterThan(20);
  });

  it('the 2022-100 preamble is quoted from Légifrance JORFTEXT000046432885', () => {
    const [preamble] = SOURCES.cnil2022_100.quotes;
    expect(preamble.fr).toMatch(/^L'article 32 du règlement général sur la protection des données \(RGPD\) impose que tout traitement/);
    expect(preamble.primaryUrl).toBe('https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000046432885');
  });

  it('sentences known only from secondary sources are cited in English with who reports them, never in « »', () => {
    for (const s of SOURCE_LIST) {
      for (const r of s.reported ?? []) {
        expect(r.reportedBy, s.id).toMatch(/not read in the JORF text/);
        expect(inGuillemets(`${r.en} ${r.reportedBy}`), s.id).toEqual([]);
      }
    }
  });

  it('nothing the tool prints about its rules puts in « » words not read in a primary text', () => {
    const texts: [string, string][] = [
      ...RULES.flatMap((r) => [r.rationale, r.remediation.console, r.remediation.cli, ...r.references].map((t): [string, string] => [r.id, t])),
      ...Object.entries(THRESHOLD_SOURCES).flatMap(([rule, entries]) => entries.flatMap((e) => [e.sentence, e.derivation ?? '', e.fixed ?? '', e.checkedAgainst ?? ''].map((t): [string, string] => [`${rule}.${e.name}`, t]))),
      ...SOURCE_LIST.map((s): [string, string] => [s.id, `${s.citation} ${s.officialTitle ?? ''}`]),
      ...RULES.map((r): [string, string] => [`explain ${r.id}`, explainRule(r)]),
      ['docs/rules.md (generated)', renderRulesCatalog()],
    ];
    const offenders = texts.flatMap(([where, text]) => inGuillemets(text).filter((q) => !allowed.has(q)).map((q) => `${where}: « ${q.slice(0, 60)} »`));
    expect([...new Set(offenders)]).toEqual([]);
  });

  it('explain shows the French sentence next to the English for a rule citing 2022-100', () => {
    const text = explainRule(RULES.find((r) => r.id === 'auth.password-strength')!);
    expect(text).toContain(`« ${SOURCES.cnil2022_100.quotes[0].fr} » (${SOURCES.cnil2022_100.quotes[0].en}) — read in https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000046432885`);
  });
});
