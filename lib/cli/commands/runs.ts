/** `art32 runs`: the recorded runs, per account, with complete (sealed) / incomplete status. */
import { Option, type Command } from 'commander';
import type { RunSummary } from '../../evidence';
import { CliError } from '../errors';
import { pad } from '../render';
import { addStoreOptions, dateOptions, requireAccountId, withStore, type RawStoreOptions } from '../store-options';
import { safeJson } from '../../support/sanitize';

interface RunsOptions extends RawStoreOptions {
  account?: string;
  from?: string;
  to?: string;
  format: 'table' | 'json';
}

export function register(program: Command): void {
  const command = program
    .command('runs')
    .summary('list recorded runs (complete, incomplete = sealed with a gap it names, open = not sealed yet)')
    .description('List the runs recorded in the evidence store, oldest first: account, collection time, run id, records and status.');
  addStoreOptions(command)
    .option('--account <id>', 'only this account (12 digits)')
    .option('--from <date>', 'runs collected on or after (YYYY-MM-DD or ISO-8601)')
    .option('--to <date>', 'runs collected on or before (a date includes the whole day)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: RunsOptions) => {
      const accountId = options.account !== undefined ? requireAccountId(options.account) : undefined;
      const range = dateOptions(options);
      await withStore(options, async (open) => {
        const runs = await open.store.listRuns({ ...(accountId ? { accountId } : {}), ...range });
        if (options.format === 'json') {
          process.stdout.write(`${safeJson(runs, 2)}\n`);
          return;
        }
        if (runs.length === 0) throw new CliError(`no runs in ${open.description}${options.from || options.to ? ' for that date range' : ''} — record one with \`art32 collect\``, 1);
        const lines = [`${pad('account', 13)} ${pad('collected at', 25)} ${pad('run id', 28)} ${pad('records', 8)} status`];
        for (const r of runs) lines.push(`${pad(r.accountId, 13)} ${pad(r.collectedAt, 25)} ${pad(r.runId, 28)} ${pad(String(r.recordCount), 8)} ${statusText(r)}`);
        lines.push(`${runs.length} run(s) · ${open.description}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}

/** A run's status for people: a gap or a failed collection is spelled out, never just a word. */
function statusText(r: RunSummary): string {
  const failed = r.collectionFailed ? ' · collection FAILED' : '';
  if (r.status === 'complete') return `complete${failed}`;
  if (r.status === 'incomplete') return `incomplete${failed} (sealed with a gap: ${r.reason ?? 'see its manifest'})`;
  return 'open (not sealed: in progress, or interrupted — the next `art32 collect` on this account closes it)';
}
