/** `art32 runs`: the recorded runs, per account, with complete (sealed) / incomplete status. */
import { Option, type Command } from 'commander';
import type { RunSummary } from '../../evidence';
import { csvLine, pad } from '../render';
import { addStoreOptions, dateOptions, requireAccountId, withStore, type RawStoreOptions } from '../store-options';
import { safeJson } from '../../support/sanitize';

interface RunsOptions extends RawStoreOptions {
  account?: string;
  from?: string;
  to?: string;
  format: 'table' | 'json' | 'csv';
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
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (options: RunsOptions) => {
      const accountId = options.account !== undefined ? requireAccountId(options.account) : undefined;
      const range = dateOptions(options);
      await withStore(options, async (open) => {
        const runs = await open.store.listRuns({ ...(accountId ? { accountId } : {}), ...range });
        if (options.format === 'json') {
          process.stdout.write(`${safeJson(runs, 2)}\n`);
          return;
        }
        if (options.format === 'csv') {
          process.stdout.write(runsCsv(runs));
          return;
        }
        // An empty listing is an answer, not a failure (exit 0): the message says how to record one.
        if (runs.length === 0) {
          process.stderr.write(`no runs in ${open.description}${options.from || options.to ? ' for that date range' : ''} — record one with \`art32 collect\`\n`);
          return;
        }
        const lines = [`${pad('account', 13)} ${pad('collected at', 25)} ${pad('run id', 28)} ${pad('records', 8)} status`];
        for (const r of runs) lines.push(`${pad(r.accountId, 13)} ${pad(r.collectedAt, 25)} ${pad(r.runId, 28)} ${pad(String(r.recordCount), 8)} ${statusText(r)}`);
        lines.push(`${runs.length} run(s) · ${open.description}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}

export const RUNS_CSV_HEADER = ['account_id', 'collected_at', 'run_id', 'records', 'status', 'collection_failed', 'reason'];

/** The runs as CSV (header always present; every cell through csvField: no formula injection). */
export function runsCsv(runs: readonly RunSummary[]): string {
  const rows = runs.map((r) => csvLine([r.accountId, r.collectedAt, r.runId, r.recordCount, r.status, r.collectionFailed ? 'true' : 'false', r.reason ?? '']));
  return `${[csvLine(RUNS_CSV_HEADER), ...rows].join('\n')}\n`;
}

/** A run's status for people: a gap or a failed collection is spelled out, never just a word. */
function statusText(r: RunSummary): string {
  const failed = r.collectionFailed ? ' · collection FAILED' : '';
  if (r.status === 'complete') return `complete${failed}`;
  if (r.status === 'incomplete') return `incomplete${failed} (sealed with a gap: ${r.reason ?? 'see its manifest'})`;
  return 'open (not sealed: in progress, or interrupted — the next `art32 collect` on this account closes it)';
}
