/**
 * `art32 explain RULE_ID`: everything about one rule — rationale, parameters with their
 * defaults, remediation (console and CLI), references, and the requirements that list it.
 */
import { z } from 'zod';
import type { Command } from 'commander';
import { RULES, type Rule } from '../../rules';
import { requirementsForRule } from '../../frameworks';
import { SOURCES, sourceOfCitation, type SourceQuote } from '../../frameworks/sources';
import { THRESHOLD_BASIS_LABEL, shortCitation, thresholdQuote, thresholdSourcesFor, type ThresholdSource } from '../../frameworks/thresholds';
import { CliError } from '../errors';
import { closeMatches } from '../render';
import { safeJson } from '../../support/sanitize';

interface ParameterDoc {
  name: string;
  type: string;
  default: unknown;
  description?: string;
}

/** Parameters of a rule with their defaults (from the rule's zod schema). */
export function describeParameters(rule: Rule): ParameterDoc[] {
  const defaults = (rule.parameters.safeParse({}).data ?? {}) as Record<string, unknown>;
  let properties: Record<string, { type?: unknown; anyOf?: { type?: unknown }[]; enum?: unknown[]; description?: string }> = {};
  try {
    const schema = z.toJSONSchema(rule.parameters, { io: 'input', unrepresentable: 'any' }) as { properties?: typeof properties };
    properties = schema.properties ?? {};
  } catch {
    // A schema JSON Schema cannot express: fall back to the defaults alone.
  }
  const names = new Set([...Object.keys(properties), ...Object.keys(defaults)]);
  return [...names].map((name) => {
    const p = properties[name] ?? {};
    const type = p.enum
      ? p.enum.map((v) => JSON.stringify(v)).join(' | ')
      : p.anyOf
        ? p.anyOf.map((a) => String(a.type ?? '?')).join(' | ')
        : String(p.type ?? typeof defaults[name]);
    return { name, type, default: defaults[name], ...(p.description ? { description: p.description } : {}) };
  });
}

/** Where each threshold of a rule comes from, for text and JSON output. */
export function describeThresholds(rule: Rule): (ThresholdSource & { default?: unknown; basisLabel: string; citations: string[]; quotation?: string })[] {
  const defaults = new Map(describeParameters(rule).map((p) => [p.name, p.default]));
  return thresholdSourcesFor(rule.id).map((t) => ({
    ...t,
    ...(t.fixed === undefined ? { default: defaults.get(t.name) } : {}),
    basisLabel: THRESHOLD_BASIS_LABEL[t.basis],
    citations: t.sources.map((id) => SOURCES[id].citation),
    ...(thresholdQuote(t) ? { quotation: thresholdQuote(t) } : {}),
  }));
}

/** The French sentences of a reference's source read verbatim in its primary text (none for most). */
function referenceQuotations(citation: string): SourceQuote[] {
  return sourceOfCitation(citation)?.quotes ?? [];
}

function thresholdLines(rule: Rule): string[] {
  const out: string[] = [];
  for (const t of describeThresholds(rule)) {
    out.push(`  ${t.name}${t.fixed === undefined ? ` = ${JSON.stringify(t.default)}` : ` (fixed: ${t.fixed})`} — ${t.basisLabel}`);
    out.push(`    ${t.sentence}`);
    if (t.quotation) out.push(`    ${t.quotation}`);
    if (t.derivation) out.push(`    how art32 applies it: ${t.derivation}`);
    if (t.sources.length) out.push(`    source: ${t.sources.map(shortCitation).join('; ')}`);
    out.push(t.checkedAgainst ? `    figure checked against: ${t.checkedAgainst}` : t.sources.length ? '    figure not checked against the text (cited, not quoted)' : '    no source: a choice of art32');
  }
  return out.length ? out : ['  (none)'];
}

export function explainRule(rule: Rule): string {
  const params = describeParameters(rule);
  const requirements = requirementsForRule(rule.id);
  const lines = [
    `${rule.id} — ${rule.title}`,
    `area: ${rule.area} · severity: ${rule.severity} · reads: ${rule.sections.join(', ') || '(no snapshot section: run history)'}`,
    '',
    'Why',
    `  ${rule.rationale}`,
    '',
    'Parameters (defaults; override with scan/collect --params FILE)',
    ...(params.length
      ? params.map((p) => `  ${p.name} (${p.type}) = ${JSON.stringify(p.default)}${p.description ? ` — ${p.description}` : ''}`)
      : ['  (none)']),
    '',
    'Thresholds and where they come from (CNIL recommendation, GDPR article, industry practice, art32 default or your input)',
    ...thresholdLines(rule),
    '',
    'Remediation',
    `  Console: ${rule.remediation.console}`,
    `  CLI:     ${rule.remediation.cli}`,
    '',
    'References',
    ...rule.references.flatMap((r) => [`  - ${r}`, ...referenceQuotations(r).map((q) => `      « ${q.fr} » (${q.en}) — read in ${q.primaryUrl}`)]),
    '',
    'Listed by',
    ...(requirements.length ? requirements.map((r) => `  ${r.id} (${r.frameworkId.toUpperCase()}) — ${r.title}`) : ['  (no requirement lists this rule)']),
  ];
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('explain')
    .summary('explain one rule: rationale, thresholds, remediation, references')
    .description('Print what a rule checks and why, its parameters with their defaults, how to fix a failure (console and AWS CLI), its references, and the requirements that list it.')
    .argument('<rule-id>', 'a rule id, e.g. auth.password-strength (list them with `art32 rules`)')
    .option('--format <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Examples:
  $ art32 explain auth.password-strength
  $ art32 explain logging.retention --format json`,
    )
    .action((ruleId: string, options: { format: string }) => {
      const rule = RULES.find((r) => r.id === ruleId) ?? RULES.find((r) => r.id.toLowerCase() === ruleId.toLowerCase());
      if (!rule) {
        const ids = RULES.map((r) => r.id);
        const close = closeMatches(ruleId, ids);
        throw new CliError(
          `unknown rule "${ruleId}". ${close.length ? `Did you mean: ${close.join(', ')}? ` : ''}List all rules with \`art32 rules\` (${ids.length} rules).`,
        );
      }
      if (options.format === 'json') {
        const { evaluate: _evaluate, parameters: _schema, ...meta } = rule;
        const quotations = rule.references.flatMap((citation) => referenceQuotations(citation).map((q) => ({ citation, ...q })));
        const body = { ...meta, parameters: describeParameters(rule), thresholds: describeThresholds(rule), quotations, requirements: requirementsForRule(rule.id).map((r) => ({ id: r.id, framework: r.frameworkId, title: r.title })) };
        process.stdout.write(`${safeJson(body, 2)}\n`);
        return;
      }
      if (options.format !== 'text') throw new CliError(`--format must be text or json, not "${options.format}"`);
      process.stdout.write(explainRule(rule));
    });
}
