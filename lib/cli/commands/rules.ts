/**
 * `art32 rules`: the rule catalog — id, severity, title and the requirements that list
 * each rule — as a table, JSON or CSV.
 */
import { Option, type Command } from 'commander';
import { RULES } from '../../rules';
import { FRAMEWORKS, requirementsForRule } from '../../frameworks';
import { csvLine, pad } from '../render';
import { safeJson } from '../../support/sanitize';

type Format = 'table' | 'json' | 'csv';

export function register(program: Command): void {
  program
    .command('rules')
    .summary('list the rule catalog')
    .description('List every rule: id, area, severity, title, and the GDPR / CNIL requirements that list it. `art32 explain <rule id>` gives the details.')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .addOption(new Option('--framework <id>', 'only rules listed by this framework').choices(FRAMEWORKS.map((f) => f.id)))
    .addHelpText(
      'after',
      `
Examples:
  $ art32 rules
  $ art32 rules --framework cnil
  $ art32 rules --format json | jq '.[].id'`,
    )
    .action((options: { format: Format; framework?: string }) => {
      const rows = RULES.map((r) => ({
        id: r.id,
        area: r.area,
        severity: r.severity,
        title: r.title,
        requirements: requirementsForRule(r.id, options.framework).map((q) => q.id),
      })).filter((r) => !options.framework || r.requirements.length > 0);
      if (options.format === 'json') {
        process.stdout.write(`${safeJson(rows, 2)}\n`);
        return;
      }
      if (options.format === 'csv') {
        const lines = [csvLine(['id', 'area', 'severity', 'title', 'requirements']), ...rows.map((r) => csvLine([r.id, r.area, r.severity, r.title, r.requirements.join(' ')]))];
        process.stdout.write(`${lines.join('\n')}\n`);
        return;
      }
      const width = Math.max(...rows.map((r) => r.id.length), 2) + 2;
      const lines = [`${pad('ID', width)}${pad('SEVERITY', 10)}TITLE`];
      for (const r of rows) {
        lines.push(`${pad(r.id, width)}${pad(r.severity, 10)}${r.title}`);
        lines.push(`${' '.repeat(width + 10)}requirements: ${r.requirements.join(', ') || '(none)'}`);
      }
      lines.push('', `${rows.length} rules. Details: art32 explain <rule id>`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
