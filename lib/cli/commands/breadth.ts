/**
 * `art32 breadth` — rank an account's principals by permission breadth (distinct actions
 * after wildcard expansion), with data reads and permissions management on `*`, outliers
 * against peers and privilege-escalation paths. Reads a source, records nothing.
 */
import { Option, type Command } from 'commander';
import { PermissionBreadthParameters } from '../../rules/access/permission-breadth';
import { mergeParameters, resolveSnapshots } from '../../sources';
import { rankBreadth, renderCsv, renderTable, type BreadthRanking } from '../../breadth/ranking';
import { CliError } from '../errors';
import { addSourceOptions, readParametersFile, sourceOptionsFrom, type RawSourceOptions } from '../source-options';
import { safeJson } from '../../support/sanitize';

interface BreadthOptions extends RawSourceOptions {
  top: string;
  format: 'table' | 'json' | 'csv';
  params?: string;
}

export function register(program: Command): void {
  const command = program
    .command('breadth')
    .description(
      'Rank principals by permission breadth: distinct actions granted (wildcards expanded over the AWS action catalog), ' +
        'services, data reads and permissions management on *, outliers vs peers, privilege-escalation paths. ' +
        'Identity policies only (no SCPs, resource or session policies).',
    );
  addSourceOptions(command)
    .option('--top <n>', 'show the N broadest non-admin principals', '20')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('--params <file>', 'JSON rule parameters; uses access.permission-breadth (allowList, outlierZScore, outlierMinActions)')
    .action(async (raw: BreadthOptions) => {
      const top = Number(raw.top);
      if (!Number.isInteger(top) || top < 1) throw new CliError(`--top must be a positive integer, got "${raw.top}"`);
      const source = sourceOptionsFrom(raw);
      const fileParams = raw.params ? await readParametersFile(raw.params) : {};
      const rankings: BreadthRanking[] = [];
      for await (const resolved of resolveSnapshots(source)) {
        const { snapshot } = resolved;
        const authorizationDetails = snapshot.authorizationDetails;
        if (!authorizationDetails) {
          const why = snapshot.collectionErrors.filter((e) => e.section === 'authorizationDetails').map((e) => `${e.operation}: ${e.code}`);
          throw new CliError(`${resolved.label}: no authorization details (GetAccountAuthorizationDetails) to measure${why.length ? ` (${why.join('; ')})` : ''}`);
        }
        const parsed = PermissionBreadthParameters.safeParse(mergeParameters(resolved.parameters, fileParams)['access.permission-breadth'] ?? {});
        if (!parsed.success) throw new CliError(`invalid access.permission-breadth parameters: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        const params = parsed.data;
        rankings.push(
          rankBreadth({ ...snapshot, authorizationDetails }, { top, allowList: params.allowList, zScore: params.outlierZScore, minActions: params.outlierMinActions }),
        );
      }
      if (raw.format === 'json') process.stdout.write(`${safeJson({ accounts: rankings }, 2)}\n`);
      else if (raw.format === 'csv') process.stdout.write(renderCsv(rankings));
      else process.stdout.write(rankings.map(renderTable).join('\n'));
    });
}
