/**
 * France Travail facts in user-facing text carry their source (lawyer review, issue #16): the
 * rapporteur's figures (8-character passwords, 9 GB on 6 February 2024, 69 % error rate) are known
 * only as quoted in Legal Watch No. 91; other facts come from the public summaries. A figure with
 * no source at all ("~13M records", "nobody noticed") is not evidence text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirementsForRule } from '../../lib/frameworks';
import { THRESHOLD_SOURCES } from '../../lib/frameworks/thresholds';
import { RULES } from '../../lib/rules';

const ROOT = path.resolve(__dirname, '../..');
const MARKDOWN = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

/** Figures of the rapporteur's findings: only as quoted in Legal Watch No. 91. */
const RAPPORTEUR_FIGURE = /\b69 ?%|8-character|6 February 2024/;
/** Statements about the case that no source given by art32 supports. */
const UNSOURCED = /13M records|nobody noticed|no alert fired|nothing raised an alert|nothing read them|another had a 69|another ran at a 69/i;

describe('France Travail facts carry their source', () => {
  it.each(MARKDOWN)('%s: each paragraph with a rapporteur figure cites Legal Watch No. 91; no unsourced claim', (file) => {
    const paragraphs = read(file).split(/\n\s*\n/);
    const unattributed = paragraphs.filter((p) => RAPPORTEUR_FIGURE.test(p) && /France Travail|SAN-2026-003|rapporteur/.test(p) && !/Legal Watch No\. 91/.test(p));
    expect(unattributed).toEqual([]);
    expect(paragraphs.filter((p) => UNSOURCED.test(p))).toEqual([]);
  });

  it('rule rationales and threshold sentences attribute the rapporteur figures and make no unsourced claim', () => {
    const texts = [
      ...RULES.map((r) => [r.id, r.rationale] as const),
      ...Object.entries(THRESHOLD_SOURCES).flatMap(([id, entries]) => entries.map((e) => [`${id}.${e.name}`, e.sentence] as const)),
    ];
    expect(texts.filter(([, t]) => RAPPORTEUR_FIGURE.test(t) && !/Legal Watch No\. 91/.test(t)).map(([id]) => id)).toEqual([]);
    expect(texts.filter(([, t]) => UNSOURCED.test(t)).map(([id]) => id)).toEqual([]);
  });

  it('the README states the standing point: appropriateness under Art. 32 is the controller\'s risk analysis', () => {
    expect(read('README.md')).toMatch(/appropriate under Art\. 32 remains the controller's own risk\s+analysis/);
    expect(read('README.md')).not.toMatch(/rules of the \*\*CNIL\*\*/);
  });

  it('docs/activity.md lists the mapping the framework tables hold (no Art. 32(1)(d) for logging)', () => {
    const line = /^Mapped to: (.*)$/m.exec(read('docs/activity.md'))?.[1] ?? '';
    const listed = [...line.matchAll(/\b(GDPR|CNIL)-[\w.-]+\b/g)].map((m) => m[0].replace(/\.$/, '')).sort();
    expect(listed).toEqual(requirementsForRule('monitoring.abnormal-activity').map((r) => r.id).sort());
    expect(line).not.toContain('GDPR-32.1.d');
  });
});

describe('no wording that reads as an admission of infringement', () => {
  const ADMISSION = /\b(a breach under|in breach of|infringe(s|d|ment of)?|violat(es|ed|ion of)|non-?compliant|unlawful)\b/i;
  it('rule rationales, remediation and threshold sentences state facts and risks, never an infringement', () => {
    const texts = [
      ...RULES.flatMap((r) => [r.rationale, r.remediation.console].map((t) => [r.id, t] as const)),
      ...Object.entries(THRESHOLD_SOURCES).flatMap(([id, entries]) => entries.map((e) => [`${id}.${e.name}`, e.sentence] as const)),
    ];
    expect(texts.filter(([, t]) => ADMISSION.test(t)).map(([id, t]) => `${id}: ${ADMISSION.exec(t)![0]}`)).toEqual([]);
  });
  it('the weekly email is not titled a compliance report by default', () => {
    expect(read('lib/report/email.ts')).not.toContain("'art32 compliance report'");
  });
});

describe('CNIL texts recommend; facts about the case name their source', () => {
  it('rationales and threshold sentences never say a CNIL text "asks", "sets" or "demands" (it recommends)', () => {
    const ASKS = /(CNIL|délib[a-zé]*\.?|security guide|fiche \d+|the recommendation)[^.;]{0,60}\b(asks?|sets|demands?|imposes?)\b/i;
    const texts = [
      ...RULES.map((r) => [r.id, r.rationale] as const),
      ...Object.entries(THRESHOLD_SOURCES).flatMap(([id, entries]) => entries.map((e) => [`${id}.${e.name}`, e.sentence] as const)),
    ];
    // 2022-100 recommends that the controller "set and impose" the policy: the controller's act, not the CNIL's.
    const hits = texts.filter(([, t]) => ASKS.test(t.replace('set and impose the length', 'define the length')));
    expect(hits.map(([id, t]) => `${id}: ${ASKS.exec(t)![0]}`)).toEqual([]);
  });
  it('every France Travail fact in a rationale names SAN-2026-003 and its source', () => {
    const sentences = RULES.flatMap((r) => r.rationale.split(/(?<=\.) (?=[A-Z])/).map((t) => [r.id, t] as const)).filter(([, t]) => /France Travail/.test(t));
    expect(sentences.filter(([, t]) => !/SAN-2026-003/.test(t) || !/public summaries|Legal Watch No\. 91/.test(t)).map(([id, t]) => `${id}: ${t}`)).toEqual([]);
  });
  it.each(MARKDOWN)('%s: a CNIL text "recommends"; it never "asks", "requires" or "sets"', (file) => {
    const ASKS = /(CNIL|délib[a-zé]*|security guide|fiche \d+|2021-122|2022-100)[^.;|]{0,60}\b(asks?|sets|requires?|demands?|mandates?)\b/gi;
    // Text in double quotes is wording being discussed ('Never write "the CNIL requires"'), not a claim.
    const prose = read(file).replace(/\n/g, ' ').replace(/"[^"]{0,80}"/g, '""');
    const hits = [...prose.matchAll(ASKS)].map((m) => m[0]);
    expect(hits).toEqual([]);
  });
  it('délibération 2025-019 is about MFA solutions and the GDPR: no rationale says it targets privileged access first', () => {
    expect(RULES.filter((r) => /2025-019\)? targets/.test(r.rationale)).map((r) => r.id)).toEqual([]);
  });
  it('root: no rationale says no policy can restrict root (SCPs do in member accounts)', () => {
    expect(RULES.filter((r) => /\bno policy (restricts|can limit)\b/i.test(r.rationale)).map((r) => r.id)).toEqual([]);
  });
});
