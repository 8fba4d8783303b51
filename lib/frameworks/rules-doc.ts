/**
 * `npm run docs:rules`: regenerate the catalog part of docs/rules.md from the rules themselves
 * (parameters and their defaults, snapshot sections, requirements) and from the threshold
 * sources table (lib/frameworks/thresholds.ts), so the document cannot drift from the code.
 * `--check` exits 1 instead of writing; test/docs/rules-doc.test.ts runs the same comparison.
 *
 * Only the part between the markers is generated; the prose around it is written by hand.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../rules';
import { describeParameters } from '../cli/commands/explain';
import { requirementsForRule } from './index';
import { alphabetSize, entropyBits, judgePasswordStrength, PasswordStrengthParameters, type CharacterClass } from '../rules/auth/password-strength';
import { THRESHOLD_BASIS_LABEL, shortCitation, thresholdQuote, thresholdSourcesFor, type ThresholdBasis } from './thresholds';
import { SOURCE_LIST, type SourceId } from './sources';

const ROOT = join(fileURLToPath(import.meta.url), '../../..');
export const RULES_DOC = join(ROOT, 'docs/rules.md');
const BEGIN = '<!-- generated:rules-catalog (npm run docs:rules; do not edit by hand) -->';
const END = '<!-- /generated:rules-catalog -->';

/** A markdown table cell: pipes escaped, line breaks flattened. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (v: unknown): string => `\`${cell(JSON.stringify(v))}\``;

const BASIS_SHORT: Record<ThresholdBasis, string> = {
  law: 'GDPR (law)',
  'cnil-recommendation': 'CNIL recommendation',
  'industry-practice': 'industry practice',
  'art32-default': 'art32 default',
  'controller-input': 'your input',
};

function parametersTable(): string[] {
  const lines = [
    '| rule | severity | snapshot sections | parameters (defaults) | requirements |',
    '|---|---|---|---|---|',
  ];
  for (const rule of RULES) {
    const params = describeParameters(rule);
    const paramCell = params.length ? params.map((p) => `\`${p.name}\`=${cell(JSON.stringify(p.default))}`).join('<br>') : '—';
    const reqs = requirementsForRule(rule.id).map((r) => r.id).join(', ') || '—';
    const sections = rule.sections.length ? rule.sections.join(', ') : '— (run history)';
    lines.push(`| \`${rule.id}\` | ${rule.severity} | ${sections} | ${paramCell} | ${reqs} |`);
  }
  return lines;
}

function thresholdTables(): string[] {
  const lines: string[] = [];
  for (const rule of RULES) {
    const defaults = new Map(describeParameters(rule).map((p) => [p.name, p.default]));
    lines.push(`### \`${rule.id}\``, '', '| threshold | value | status | source sentence | source | figure checked against |', '|---|---|---|---|---|---|');
    for (const t of thresholdSourcesFor(rule.id)) {
      const value = t.fixed === undefined ? code(defaults.get(t.name)) : `fixed: ${cell(t.fixed)}`;
      const quote = thresholdQuote(t);
      const sentence = [t.sentence, quote, t.derivation ? `art32: ${t.derivation}` : undefined].filter(Boolean).map((s) => cell(String(s))).join('<br>');
      const sources = t.sources.length ? t.sources.map((id) => cell(shortCitation(id))).join('<br>') : '—';
      const checked = t.checkedAgainst ? cell(t.checkedAgainst) : t.sources.length ? 'not checked (cited, not quoted)' : '—';
      lines.push(`| \`${t.name}\` | ${value} | ${BASIS_SHORT[t.basis]} | ${sentence} | ${sources} | ${checked} |`);
    }
    lines.push('');
  }
  return lines;
}

/**
 * Every French sentence quoted anywhere, with the primary text it was read in; then the sentences
 * known only from secondary sources, in English and without quotation marks.
 */
function quotationSection(): string[] {
  const lines = ['## Quotations', '', 'French sentences read verbatim in the primary text, next to our English rendering:', ''];
  for (const s of SOURCE_LIST) {
    for (const q of s.quotes ?? []) lines.push(`- ${cell(shortCitation(s.id as SourceId))}: « ${cell(q.fr)} » (${cell(q.en)}) — ${cell(q.checkedAgainst)}, <${q.primaryUrl}>`);
  }
  lines.push('', 'Known only from secondary sources, so cited in English and not quoted:', '');
  for (const s of SOURCE_LIST) {
    for (const r of s.reported ?? []) lines.push(`- ${cell(shortCitation(s.id as SourceId))}: ${cell(r.en)} (reported by ${cell(r.reportedBy)})`);
  }
  lines.push('');
  return lines;
}

/** The generated block (markers included). */
export function renderRulesCatalog(): string {
  return [
    BEGIN,
    '## Parameters, inputs and references',
    '',
    'Override a parameter with the rule parameter overrides of `scan`/`collect`; unknown rule',
    'ids and invalid values are errors, not ignored. Declarations (compensating controls, declared',
    'retention, identity-provider MFA) are register entries (`art32 declare`, docs/register.md), never parameters.',
    '',
    ...parametersTable(),
    '',
    '## Where each threshold comes from',
    '',
    'For every parameter, and for the fixed criteria of rules without parameters, the sentence of the',
    'source it rests on and the status of the figure itself (`art32 explain <rule>` prints the same):',
    '',
    ...Object.entries(THRESHOLD_BASIS_LABEL).map(([k, label]) => `- **${BASIS_SHORT[k as ThresholdBasis]}** — ${label}.`),
    '',
    'No figure below comes from the GDPR itself: the articles set the obligation (appropriate measures,',
    'storage limitation, regular testing). The figures come from a CNIL recommendation (non-binding: the',
    'CNIL recommends, and an equivalent measure is acceptable when its equivalence is demonstrated), from',
    'industry practice, or are art32 defaults for the controller to calibrate to its risk analysis.',
    'No sentence of a source is put in French quotation marks unless it was read verbatim in the primary text (Légifrance or',
    'cnil.fr): those are listed under "Quotations" below with the address they were read at. A figure',
    'marked "not checked" is cited without quotation; one checked against secondary sources says which.',
    '',
    ...thresholdTables(),
    ...quotationSection(),
    END,
  ].join('\n');
}

const PW_BEGIN = '<!-- generated:password-examples (npm run docs:rules; do not edit by hand) -->';
const PW_END = '<!-- /generated:password-examples -->';

const PASSWORD_EXAMPLES: { length: number; classes: CharacterClass[]; note?: string }[] = [
  { length: 8, classes: ['uppercase', 'lowercase', 'digits'], note: 'France Travail, per the rapporteur' },
  { length: 8, classes: ['uppercase', 'lowercase', 'digits', 'symbols'] },
  { length: 9, classes: ['uppercase', 'lowercase', 'digits'] },
  { length: 11, classes: ['uppercase', 'lowercase', 'digits', 'symbols'] },
  { length: 12, classes: ['uppercase', 'lowercase', 'digits', 'symbols'], note: 'CNIL example' },
  { length: 13, classes: ['uppercase', 'lowercase', 'digits'] },
  { length: 14, classes: ['uppercase', 'lowercase', 'digits'], note: 'CNIL example' },
];
const CLASS_SHORT: Record<CharacterClass, string> = { uppercase: 'upper', lowercase: 'lower', digits: 'digits', symbols: 'symbols' };

/** The worked password table, computed by the rule's own functions with its default parameters. */
export function renderPasswordExamples(): string {
  const p = PasswordStrengthParameters.parse({});
  const restriction = { control: 'lockout', summary: 'declared lockout after ≤ 10 failures, mechanism and evidence stated' };
  const lines = [
    PW_BEGIN,
    '| policy | entropy | without a declared control | with a declared lockout ≤ 10 / captcha / CNIL time-delay |',
    '|---|---|---|---|',
  ];
  for (const ex of PASSWORD_EXAMPLES) {
    const bits = entropyBits(ex.length, alphabetSize(ex.classes));
    const alone = judgePasswordStrength(ex.length, ex.classes, p);
    const restricted = judgePasswordStrength(ex.length, ex.classes, p, restriction);
    const verdict = (v: typeof alone): string => (v.pass ? (v.declared ? 'PASS (declared, not verified)' : 'PASS') : 'FAIL') + ` — ${cell(v.basis)}`;
    const policy = `${ex.length} chars, ${ex.classes.map((c) => CLASS_SHORT[c]).join('+')}${ex.note ? ` (${ex.note})` : ''}`;
    lines.push(`| ${policy} | ${bits} bits | ${verdict(alone)} | ${verdict(restricted)} |`);
  }
  lines.push(PW_END);
  return lines.join('\n');
}

function replaceBlock(doc: string, begin: string, end: string, block: string): string {
  const b = doc.indexOf(begin);
  const e = doc.indexOf(end);
  if (b < 0 || e < b) throw new Error(`docs/rules.md has no ${begin} … ${end} section`);
  return `${doc.slice(0, b)}${block}${doc.slice(e + end.length)}`;
}

/** docs/rules.md with its generated blocks replaced. */
export function rulesDocWithCatalog(doc: string, catalog = renderRulesCatalog()): string {
  return replaceBlock(replaceBlock(doc, BEGIN, END, catalog), PW_BEGIN, PW_END, renderPasswordExamples());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = readFileSync(RULES_DOC, 'utf8');
  const next = rulesDocWithCatalog(doc);
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      process.stderr.write('docs/rules.md is out of date: run npm run docs:rules\n');
      process.exitCode = 1;
    }
  } else if (next !== doc) {
    writeFileSync(RULES_DOC, next);
    process.stdout.write('docs/rules.md regenerated\n');
  } else process.stdout.write('docs/rules.md already up to date\n');
}
