/**
 * `art32 scan`: evaluate an account and print the result grouped by requirement. Records
 * nothing (that is `collect`). Exit codes: 0 done, 1 a FAIL or not-verified rule at or
 * above `--fail-on`, 2 bad input.
 */
import { Option, type Command } from 'commander';
import { SEVERITIES, type Finding, type Severity } from '../../rules';
import { FRAMEWORKS } from '../../frameworks';
import { APPROPRIATENESS_STATEMENT } from '../../frameworks/sources';
import { STATUS_LABEL, failingFindings, scanSnapshot, type ScanResult } from '../../scan';
import { mergeParameters, resolveSnapshots, type ResolvedSnapshot } from '../../sources';
import { toOcsfComplianceFinding } from '../../ocsf';
import { TOOL_VERSION } from '../../version';
import { CliError } from '../errors';
import { csvLine, factsLine, pad } from '../render';
import { addSourceOptions, readParametersFile, sourceOptionsFrom, type RawSourceOptions } from '../source-options';
import { safeJson, terminalText } from '../../support/sanitize';

type Format = 'table' | 'json' | 'csv' | 'ocsf';

interface ScanCommandOptions extends RawSourceOptions {
  format: Format;
  framework?: string;
  failOn?: Severity;
  params?: string;
}

export function register(program: Command): void {
  const command = program
    .command('scan')
    .summary('evaluate an account against GDPR Art. 32 and CNIL rules and print the result (records nothing)')
    .description(
      'Evaluate every rule on one account snapshot and print the findings grouped by framework requirement, with a one-line ' +
        'verdict at the top. Each FAIL shows the values it judged and the threshold used; sections that could not be read are ' +
        'listed, and the rules that need them show as NOT VERIFIED (never as passed). Nothing is recorded: use `collect` for evidence.',
    );
  addSourceOptions(command)
    .addOption(new Option('--format <format>', 'output format (ocsf: a JSON array of OCSF 1.8.0 Compliance Findings)').choices(['table', 'json', 'csv', 'ocsf']).default('table'))
    .addOption(new Option('--framework <id>', 'group by one framework only (default: all)').choices(FRAMEWORKS.map((f) => f.id)))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a rule of this severity or worse is FAIL or NOT VERIFIED (for pipelines)').choices([...SEVERITIES]),
    )
    .option('--params <file>', 'JSON file of rule parameters, {"<rule id>": {"<parameter>": value}}; overrides a scenario\'s own')
    .addHelpText(
      'after',
      `
Examples:
  $ art32 scan --scenario france-travail
  $ art32 scan --scenario compliant --framework cnil
  $ art32 scan --source ./exports/prod --format json > scan.json
  $ art32 scan --source ./exports/prod --fail-on high        # CI gate: exit 1 on a high or critical FAIL
  $ art32 scan --source ./exports/prod --params params.json  # e.g. {"access.admin-principals": {"breakGlassRoles": ["BreakGlass"]}}

Exit codes: 0 scanned, 1 failing rules at or above --fail-on, 2 bad input (unknown scenario, unreadable directory, bad parameters).
How to produce an export directory: docs/exports.md (or lib/sources/export-aws-cli.sh DIR).`,
    )
    .action(async (options: ScanCommandOptions) => {
      const source = sourceOptionsFrom(options);
      const fileParameters = options.params ? await readParametersFile(options.params) : undefined;
      const results: { resolved: ResolvedSnapshot; scan: ScanResult }[] = [];
      for await (const resolved of resolveSnapshots(source)) {
        const parameters = mergeParameters(resolved.parameters, fileParameters);
        const scan = scanSnapshot(resolved.snapshot, { parameters, ...(options.framework ? { framework: options.framework } : {}) });
        results.push({ resolved, scan });
        if (options.format === 'table') process.stdout.write(renderTable(resolved, scan));
      }
      if (options.format === 'json') {
        const body = { toolVersion: TOOL_VERSION, scans: results.map(({ resolved, scan }) => ({ label: resolved.label, notes: resolved.notes, ...scan })) };
        process.stdout.write(`${safeJson(body, 2)}\n`);
      } else if (options.format === 'csv') {
        process.stdout.write(renderCsv(results.map((r) => r.scan)));
      } else if (options.format === 'ocsf') {
        const findings = results.flatMap(({ scan }) =>
          scan.findings.map((f) =>
            toOcsfComplianceFinding({ ...f, accountId: scan.account.id, accountAlias: scan.account.alias, collectedAt: scan.collectedAt, source: { kind: scan.source.kind, name: scan.source.name } }),
          ),
        );
        process.stdout.write(`${safeJson(findings, 2)}\n`);
      }
      if (options.failOn) {
        const failing = results.flatMap((r) => failingFindings(r.scan.findings, options.failOn as Severity));
        if (failing.length > 0) {
          const ids = [...new Set(failing.map((f) => `${f.ruleId} (${STATUS_LABEL[f.status]}, ${f.severity})`))];
          throw new CliError(`${failing.length} rule(s) at or above --fail-on ${options.failOn}: ${ids.join(', ')}`, 1);
        }
      }
    });
}

function findingDetails(f: Finding, indent: string): string[] {
  const lines: string[] = [];
  if (f.status === 'PASS' || f.status === 'NOT_APPLICABLE') return lines;
  const observed = factsLine(f.observed);
  if (observed) lines.push(`${indent}observed:  ${observed}`);
  const threshold = factsLine(f.threshold);
  if (threshold) lines.push(`${indent}threshold: ${threshold}`);
  if (f.resources.length > 0) {
    lines.push(`${indent}resources: ${f.resources.slice(0, 5).map((r) => terminalText(r)).join(', ')}${f.resources.length > 5 ? `, … (${f.resources.length} in all)` : ''}`);
  }
  return lines;
}

/** The table format: header, verdict line, requirements with their rules, then gaps and notes. */
export function renderTable(resolved: ResolvedSnapshot, scan: ScanResult): string {
  const out: string[] = [];
  const account = terminalText(`${scan.account.id}${scan.account.alias ? ` (${scan.account.alias})` : ''}`);
  out.push(`art32 scan — account ${account} · ${terminalText(resolved.label)} · collected ${terminalText(scan.collectedAt)}`);
  out.push(terminalText(scan.verdict));
  const detailed = new Set<string>();
  const ruleLine = (f: Finding): string[] => {
    const head = `    ${pad(STATUS_LABEL[f.status], 12)} ${pad(f.severity, 8)} ${pad(f.ruleId, 34)} ${terminalText(f.message)}`;
    if (detailed.has(f.ruleId)) return f.status === 'PASS' || f.status === 'NOT_APPLICABLE' ? [head] : [`${head} (details above)`];
    detailed.add(f.ruleId);
    return [head, ...findingDetails(f, ' '.repeat(61))];
  };
  let framework: string | undefined;
  for (const r of scan.requirements) {
    if (r.frameworkId !== framework) {
      framework = r.frameworkId;
      out.push('', FRAMEWORKS.find((f) => f.id === framework)?.title ?? framework.toUpperCase());
    }
    // The status belongs to the checks mapped to the requirement, never to the article or
    // recommendation itself ("Art. 32(1)(a): FAIL" would read as an admission of infringement):
    // it stands beside "checks mapped to …", not beside the requirement's title (docs/report.md).
    out.push(`  ${r.requirement.id} ${r.requirement.title}`, `  ${pad(r.hasStatus ? STATUS_LABEL[r.status] : '(informs)', 12)} ${r.verdict}`);
    for (const f of r.findings) out.push(...ruleLine(f));
  }
  if (scan.unmappedFindings.length > 0) {
    out.push('', 'Rules not listed by the selected framework(s)');
    for (const f of scan.unmappedFindings) out.push(...ruleLine(f));
  }
  if (scan.missingSections.length > 0) {
    out.push('', 'Missing sections (the rules that need them are NOT VERIFIED)');
    for (const m of scan.missingSections) {
      const why = m.errors.length ? m.errors.map((e) => terminalText(`${e.operation}: ${e.code}: ${e.message}`)).join('; ') : 'not collected by this source';
      out.push(`  ${pad(m.section, 22)} ${why}${m.ruleIds.length ? ` [${m.ruleIds.join(', ')}]` : ''}`);
    }
  }
  const partial = scan.collectionErrors.filter((e) => !scan.missingSections.some((m) => m.section === e.section));
  if (partial.length > 0) {
    out.push('', 'Collection errors in collected sections');
    for (const e of partial) out.push(`  ${pad(e.section, 22)} ${terminalText(`${e.operation}: ${e.code}: ${e.message}`)}`);
  }
  if (resolved.notes.length > 0) {
    out.push('', 'Notes');
    for (const n of resolved.notes) out.push(`  - ${terminalText(n)}`);
  }
  // The verdicts above are facts against parameters; appropriateness is the controller's call.
  out.push('', APPROPRIATENESS_STATEMENT, '');
  return `${out.join('\n')}\n`;
}

/** The CSV format: one row per (requirement, rule), plus unmapped rules with an empty requirement. */
export function renderCsv(scans: readonly ScanResult[]): string {
  const lines = [
    csvLine(['account_id', 'collected_at', 'framework', 'requirement', 'requirement_status', 'rule_id', 'status', 'severity', 'message', 'observed', 'threshold', 'resources']),
  ];
  for (const scan of scans) {
    const row = (fw: string, req: string, reqStatus: string, f: Finding) =>
      csvLine([scan.account.id, scan.collectedAt, fw, req, reqStatus, f.ruleId, f.status, f.severity, f.message, f.observed, f.threshold, f.resources.join(' ')]);
    for (const r of scan.requirements) for (const f of r.findings) lines.push(row(r.frameworkId, r.requirement.id, r.status, f));
    for (const f of scan.unmappedFindings) lines.push(row('', '', '', f));
  }
  return `${lines.join('\n')}\n`;
}
