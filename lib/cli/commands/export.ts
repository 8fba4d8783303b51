/** `art32 export`: write an audit pack an auditor can read and check without this tool. */
import { Option, type Command } from 'commander';
import { ExportDirError, exportOcsf, exportPack } from '../../evidence/export';
import type { VerificationResult } from '../../evidence';
import { replacePrivateFile } from '../../support/private-files';
import { safeJson } from '../../support/sanitize';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { addAnchorOption, addKeyOptions, loadAnchors, verifierFor, type RawIntegrityOptions } from '../integrity-options';
import { addStoreOptions, requireAccountId, withStore, type RawStoreOptions } from '../store-options';
import { terminalText } from '../../support/sanitize';

interface ExportOptions extends RawStoreOptions, RawIntegrityOptions {
  account?: string;
  from?: string;
  to?: string;
  out?: string;
  format: 'pack' | 'ocsf';
}

const exitFor = (v: VerificationResult) => (v.verdict === 'intact' ? EXIT.OK : v.verdict === 'incomplete' ? EXIT.INCOMPLETE : EXIT.INTEGRITY);

export function register(program: Command): void {
  const command = program
    .command('export')
    .summary("write an audit pack of one account's evidence over a date range")
    .description(
      'Write records.jsonl, manifests.jsonl, the stored bytes of each record and manifest (files named by their SHA-256), each manifest signature, ' +
        'the public key, the anchors, verification.json, SUMMARY.md (per requirement; records not intact marked) and a README explaining how to check ' +
        'every hash with sha256sum, every signature with openssl and the chain and anchors with jq. Exit 0 verified, 3 tampering, 4 incomplete.',
    );
  addKeyOptions(addAnchorOption(addStoreOptions(command)), true)
    .option('--account <id>', 'AWS account id (12 digits), required')
    .option('--from <date>', 'first day (YYYY-MM-DD or ISO-8601), required')
    .option('--to <date>', 'last day (a date includes the whole day), required')
    .option('--out <path>', 'pack: new or empty directory, required; ocsf: file to write (default: standard output)')
    .addOption(
      new Option('--format <format>', 'pack: the audit pack directory; ocsf: only the intact records of the period as a JSON array of OCSF 1.8.0 Compliance Findings (for a SIEM; the pack is the evidence of record)')
        .choices(['pack', 'ocsf'])
        .default('pack'),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ art32 export --account 123456789012 --from 2026-01-01 --to 2026-03-31 --out ./audit-2026-q1\n  $ art32 export --account 123456789012 --from 2026-01-01 --to 2026-03-31 --format ocsf > findings.ocsf.json',
    )
    .action(async (options: ExportOptions) => {
      const accountId = requireAccountId(options.account);
      const needed = options.format === 'ocsf' ? (['from', 'to'] as const) : (['from', 'to', 'out'] as const);
      const missing = needed.filter((k) => options[k] === undefined).map((k) => `--${k}`);
      if (missing.length) throw new CliError(`export needs ${missing.join(', ')}`);
      if (options.format === 'ocsf') {
        await withStore(options, async (open) => {
          const verifier = await verifierFor(open, options);
          const anchors = await loadAnchors(open, options);
          const result = await exportOcsf({ store: open.store, accountId, from: options.from as string, to: options.to as string, ...(verifier ? { verifier } : {}), ...(anchors ? { anchors } : {}) });
          const json = `${safeJson(result.findings, 2)}\n`;
          if (options.out !== undefined) await replacePrivateFile(options.out, json);
          else process.stdout.write(json);
          const v = result.verification;
          const what = `${result.findings.length} OCSF finding(s)${options.out !== undefined ? ` written to ${terminalText(options.out)}` : ''}`;
          if (v.ok) process.stderr.write(`${what}; evidence verified${verifier ? ' (signatures checked)' : ' (signatures NOT checked)'}\n`);
          else process.stderr.write(`${what}; NOT VERIFIED (${terminalText(v.firstProblem?.message)}): ${result.notIntact.length} record(s) not intact left out — run \`art32 export\` (pack) or \`art32 verify\` for details\n`);
          process.exitCode = exitFor(v);
        });
        return;
      }
      await withStore(options, async (open) => {
        try {
          const verifier = await verifierFor(open, options);
          const anchors = await loadAnchors(open, options);
          const result = await exportPack({
            store: open.store,
            accountId,
            from: options.from as string,
            to: options.to as string,
            outDir: options.out as string,
            ...(verifier ? { verifier } : {}),
            ...(anchors ? { anchors } : {}),
          });
          const v = result.verification;
          process.stdout.write(
            `audit pack written to ${result.outDir}: ${result.records} record(s), ${result.manifests} manifest(s), ` +
              `${v.ok ? `verified${verifier ? ' (signatures checked)' : ' (signatures NOT checked)'}` : `NOT VERIFIED (${terminalText(v.firstProblem?.message)}); ${result.notIntact} record(s) not intact, see NOT-INTACT.jsonl`}\n`,
          );
          process.exitCode = exitFor(v);
        } catch (error) {
          if (error instanceof ExportDirError) throw new CliError(error.message);
          throw error;
        }
      });
    });
}
