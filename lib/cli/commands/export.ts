/** `art32 export`: write an audit pack an auditor can read and check without this tool. */
import type { Command } from 'commander';
import { ExportDirError, exportPack } from '../../evidence/export';
import { CliError } from '../errors';
import { addStoreOptions, requireAccountId, withStore, type RawStoreOptions } from '../store-options';
import { terminalText } from '../../support/sanitize';

interface ExportOptions extends RawStoreOptions {
  account?: string;
  from?: string;
  to?: string;
  out?: string;
}

export function register(program: Command): void {
  const command = program
    .command('export')
    .summary("write an audit pack of one account's evidence over a date range")
    .description(
      'Write records.jsonl, manifests.jsonl, the exact hashed bytes of each record and manifest (files named by their SHA-256), ' +
        'verification.json, SUMMARY.md (per requirement) and a README explaining how to check every hash with sha256sum and jq.',
    );
  addStoreOptions(command)
    .option('--account <id>', 'AWS account id (12 digits), required')
    .option('--from <date>', 'first day (YYYY-MM-DD or ISO-8601), required')
    .option('--to <date>', 'last day (a date includes the whole day), required')
    .option('--out <dir>', 'new or empty directory for the pack, required')
    .addHelpText('after', '\nExample:\n  $ art32 export --account 123456789012 --from 2026-01-01 --to 2026-03-31 --out ./audit-2026-q1')
    .action(async (options: ExportOptions) => {
      const accountId = requireAccountId(options.account);
      const missing = (['from', 'to', 'out'] as const).filter((k) => options[k] === undefined).map((k) => `--${k}`);
      if (missing.length) throw new CliError(`export needs ${missing.join(', ')}`);
      await withStore(options, async (open) => {
        try {
          const result = await exportPack({ store: open.store, accountId, from: options.from as string, to: options.to as string, outDir: options.out as string });
          process.stdout.write(
            `audit pack written to ${result.outDir}: ${result.records} record(s), ${result.manifests} manifest(s), ` +
              `${result.verification.ok ? 'verified' : `NOT VERIFIED (${terminalText(result.verification.firstProblem?.message)})`}\n`,
          );
          if (!result.verification.ok) process.exitCode = 1;
        } catch (error) {
          if (error instanceof ExportDirError) throw new CliError(error.message);
          throw error;
        }
      });
    });
}
