/**
 * Writes `lib/report/rule-texts.json`: each rule's id, title, severity, rationale and
 * remediation, in catalog order, as `lib/rules` defines them. The scheduled report (the
 * send-report Lambda) renders the email from these texts alone; importing the rule modules
 * for them bundled every rule's evaluation code with it (the IAM policy engine, the breadth
 * analysis, zod schemas: 982 KiB minified on 7 Dec 2026, over its 960 KiB budget; 709 KiB
 * from this file).
 *
 * Run: `npm run build:rule-texts` (writes the file) or `… -- --check` (exit 1 when the
 * committed file differs from what the rules say). A unit test runs the same comparison, so
 * a rule text changed without the file fails the tests.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../rules';
import type { ReportRuleInfo } from './model';
import { writeOrCheckGenerated } from '../support/generated-file';

export const RULE_TEXTS_PATH = join(dirname(fileURLToPath(import.meta.url)), 'rule-texts.json');

/** The report's view of each rule, in catalog order (the report's rule order). */
export function buildRuleTexts(): ReportRuleInfo[] {
  return RULES.map((r) => ({ id: r.id, title: r.title, severity: r.severity, rationale: r.rationale, remediation: { console: r.remediation.console, cli: r.remediation.cli } }));
}

/** Serialise exactly as committed (two-space JSON, final newline). */
export function serializeRuleTexts(texts: readonly ReportRuleInfo[]): string {
  return `${JSON.stringify(texts, null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = writeOrCheckGenerated(RULE_TEXTS_PATH, serializeRuleTexts(buildRuleTexts()), process.argv.slice(2), 'npm run build:rule-texts');
}
