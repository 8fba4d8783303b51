/** `art32 verify`: recompute every hash and walk the manifest chain; exit 1 on the first broken link. */
import { Option, type Command } from 'commander';
import { verdictOf, verifyStore, type VerificationResult } from '../../evidence';
import { EXIT } from '../exit-codes';
import { CliError } from '../errors';
import { RegisterStore, verifyRegister } from '../../register/store';
import { renderRegisterVerification } from './register-items';
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
    for (const g of a.gaps) lines.push(`  gap (sealed incomplete, intact): run ${g.runId} (${g.collectedAt}) holds ${g.recordCount} of ${g.expectedRecords} record(s): ${terminalText(g.reason)}`);
  }
  const verdict = verdictOf(result);
  lines.push(
    verdict === 'ok'
      ? `verified: every record hash, manifest hash and chain link matches (${where})`
      : verdict === 'incomplete'
        ? `INCOMPLETE — no tampering found, but a run is not sealed: ${terminalText(result.firstProblem?.message)}`
        : `NOT VERIFIED — first broken link: ${terminalText(result.firstProblem?.message)}`,
  );
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  const command = program
    .command('verify')
    .summary('recompute every record and manifest hash and check the manifest chain (exit 3 tampering, 4 unsealed run)')
    .description(
      'Recompute the SHA-256 of every record and manifest, check each manifest lists exactly the records of its run and links to the ' +
        'previous manifest. Names each broken link (record modified, deleted or inserted; manifest deleted or its previous-hash altered; ' +
        'run never sealed). Exit 0 verified, 3 tampering (a broken link), 4 incomplete (a run not sealed, no tampering), 6 a run in progress, 2 bad input.',
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
        // The register (declarations, acceptances, plans, triage) has its own chain in the same table (#16).
        const register = await verifyRegister(new RegisterStore(open.client, open.store.tableName));
        process.stdout.write(
          options.format === 'json' ? `${safeJson({ ...result, register }, 2)}\n` : `${renderVerification(result, open.description)}${register.items ? renderRegisterVerification(register) : ''}`,
        );
        const verdict = verdictOf(result);
        if (verdict !== 'ok') process.exitCode = verdict === 'incomplete' ? EXIT.INCOMPLETE : EXIT.INTEGRITY;
        else if (!register.ok) process.exitCode = EXIT.INTEGRITY;
      });
    });
}
