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
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../rules';
import type { ReportRuleInfo } from './model';

export const RULE_TEXTS_PATH = join(dirname(fileURLToPath(import.meta.url)), 'rule-texts.json');

/** The report's view of each rule, in catalog order (the report's rule order). */
export function buildRuleTexts(): ReportRuleInfo[] {
  return RULES.map((r) => ({ id: r.id, title: r.title, severity: r.severity, rationale: r.rationale, remediation: { console: r.remediation.console, cli: r.remediation.cli } }));
}

/** Serialise exactly as committed (two-space JSON, final newline). */
export function serializeRuleTexts(texts: readonly ReportRuleInfo[]): string {
  return `${JSON.stringify(texts, null, 2)}\n`;
}

function main(argv: string[]): number {
  const text = serializeRuleTexts(buildRuleTexts());
  if (argv.includes('--check')) {
    if (readFileSync(RULE_TEXTS_PATH, 'utf8') !== text) {
      console.error(`${RULE_TEXTS_PATH} is stale: run npm run build:rule-texts`);
      return 1;
    }
    console.log(`${RULE_TEXTS_PATH} is up to date`);
    return 0;
  }
  writeFileSync(RULE_TEXTS_PATH, text);
  console.log(`wrote ${RULE_TEXTS_PATH} (${Buffer.byteLength(text)} bytes)`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
