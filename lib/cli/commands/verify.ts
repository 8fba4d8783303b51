/** `art32 verify`: recompute every hash and walk the manifest chain; exit 1 on the first broken link. */
import { Option, type Command } from 'commander';
import { verifyStore, type VerificationResult } from '../../evidence';
import { CliError } from '../errors';
import { addStoreOptions, requireAccountId, withStore, type RawStoreOptions } from '../store-options';
import { safeJson, terminalText } from '../../support/sanitize';

interface VerifyOptions extends RawStoreOptions {
  account?: string;
  from?: string;
  format: 'table' | 'json';
}

export function renderVerification(result: VerificationResult, where: string): string {
  const lines: string[] = [];
  for (const a of result.accounts) {
    lines.push(`account ${a.accountId}: ${a.runs} run(s), ${a.records} record(s), ${a.manifests} manifest(s) — ${a.problems.length ? `${a.problems.length} problem(s)` : 'OK'}${a.headHash ? ` · chain head ${a.headHash}` : ''}`);
    for (const p of a.problems) lines.push(`  ${p.kind}: ${terminalText(p.message)}`);
  }
  lines.push(result.ok ? `verified: every record hash, manifest hash and chain link matches (${where})` : `NOT VERIFIED — first broken link: ${terminalText(result.firstProblem?.message)}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  const command = program
    .command('verify')
    .summary('recompute every record and manifest hash and check the manifest chain (exit 1 on a broken link)')
    .description(
      'Recompute the SHA-256 of every record and manifest, check each manifest lists exactly the records of its run and links to the ' +
        'previous manifest. Names each broken link (record modified, deleted or inserted; manifest deleted or its previous-hash altered; ' +
        'run never sealed). Exit 0 verified, 1 broken link, 2 bad input.',
    );
  addStoreOptions(command)
    .option('--account <id>', 'only this account (default: every account with evidence)')
    .option('--from <date>', 'check records of runs on or after this date (the chain is always walked whole)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: VerifyOptions) => {
      const accountId = options.account !== undefined ? requireAccountId(options.account) : undefined;
      await withStore(options, async (open) => {
        const result = await verifyStore(open.store, { ...(accountId ? { accountId } : {}), ...(options.from !== undefined ? { from: options.from } : {}) });
        if (result.accounts.length === 0) throw new CliError(`no evidence in ${open.description} — record a run with \`art32 collect\``, 1);
        process.stdout.write(options.format === 'json' ? `${safeJson(result, 2)}\n` : renderVerification(result, open.description));
        if (!result.ok) process.exitCode = 1;
      });
    });
}
