/** `art32 history`: one rule's or one requirement's recorded results for an account, over dates. */
import { Option, type Command } from 'commander';
import { keys, recordIntegrity, verifyAccountItems, type EvidenceRecord, type RecordIntegrity } from '../../evidence';
import { storeRetention } from '../../evidence/expiry';
import { ocsfInputFromRecord, toOcsfComplianceFindings } from '../../ocsf';
import { CliError } from '../errors';
import { FRAMEWORKS } from '../../frameworks';
import { RULES } from '../../rules';
import { EXIT } from '../exit-codes';
import { closeMatches, csvLine, factsLine, pad } from '../render';
import { addAnchorOption, addKeyOptions, anchorStoreFor, verifierFor, type RawIntegrityOptions } from '../integrity-options';
import { addStoreOptions, dateOptions, requireAccountId, withStore, type RawStoreOptions } from '../store-options';
import { safeJson, terminalText } from '../../support/sanitize';

interface HistoryOptions extends RawStoreOptions, RawIntegrityOptions {
  account?: string;
  rule?: string;
  requirement?: string;
  from?: string;
  to?: string;
  format: 'table' | 'json' | 'csv' | 'ocsf';
}

export const HISTORY_CSV_HEADER = ['collectedAt', 'runId', 'accountId', 'ruleId', 'requirementIds', 'status', 'severity', 'message', 'resourceCount', 'hash', 'intact'];

/** A record as history shows it: with the verdict of `verify` on it (never shown as plain evidence when not intact). */
export type ShownRecord = EvidenceRecord & { integrity: RecordIntegrity };

export function historyCsv(records: readonly ShownRecord[]): string {
  const rows = records.map((r) =>
    csvLine([r.collectedAt, r.runId, r.accountId, r.ruleId, r.requirementIds.join(' '), r.status, r.severity, r.message, r.resources.count, r.hash, r.integrity.intact ? 'yes' : 'NO']),
  );
  return `${[csvLine(HISTORY_CSV_HEADER), ...rows].join('\n')}\n`;
}

export function register(program: Command): void {
  const command = program
    .command('history')
    .summary("an account's recorded results for one rule or one requirement over a date range")
    .description(
      'Show every recorded result of one rule (--rule) or of the rules of one requirement (--requirement) for an account, oldest first. ' +
        "The account's evidence is verified first (hashes, attributes, signatures, anchors): a record that is not intact is marked NOT INTACT with the reason, and the exit code is 3.",
    );
  addKeyOptions(addAnchorOption(addStoreOptions(command)), true)
    .option('--account <id>', 'AWS account id (12 digits), required')
    .option('--rule <id>', 'rule id, e.g. auth.password-strength')
    .option('--requirement <id>', 'requirement id, e.g. CNIL-2022-100 or GDPR-32.1.b')
    .option('--from <date>', 'on or after (YYYY-MM-DD or ISO-8601)')
    .option('--to <date>', 'on or before (a date includes the whole day)')
    .addOption(new Option('--format <format>', 'output format (ocsf: a JSON array of OCSF 1.8.0 Compliance Findings)').choices(['table', 'json', 'csv', 'ocsf']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ art32 history --account 123456789012 --rule auth.password-strength\n  $ art32 history --account 123456789012 --requirement CNIL-2022-100 --from 2026-01-01 --format csv')
    .action(async (options: HistoryOptions) => {
      const accountId = requireAccountId(options.account);
      if ((options.rule === undefined) === (options.requirement === undefined)) throw new CliError('give exactly one of --rule ID or --requirement ID');
      const range = dateOptions(options);
      await withStore(options, async (open) => {
        const found = await open.store.history(
          options.rule !== undefined ? { accountId, ruleId: options.rule, ...range } : { accountId, requirementId: options.requirement as string, ...range },
        );
        // Verify what is shown: the account's items from the same date on, with the trusted key and the anchors.
        const verifier = found.length ? await verifierFor(open, options) : undefined;
        const anchorStore = found.length ? anchorStoreFor(open, options) : undefined;
        const anchors = anchorStore ? await anchorStore.list().catch(() => undefined) : undefined;
        const verification = verifyAccountItems(accountId, await open.store.accountItems(accountId, range.from), range.from, {
          ...(verifier ? { verifier } : {}),
          retention: (await storeRetention(open.store))(accountId),
          ...(anchors ? { anchors: anchors.anchors.filter((a) => a.accountId === accountId) } : {}),
        });
        const records: ShownRecord[] = found.map((r) => ({ ...r, integrity: recordIntegrity(verification, keys.recordSk(r.collectedAt, r.runId, r.ruleId)) }));
        const notIntact = records.filter((r) => !r.integrity.intact).length;
        if (notIntact) {
          process.stderr.write(`art32: ${notIntact} record(s) shown are NOT INTACT (forged, modified or unsealed): they are not evidence — run \`art32 verify\`\n`);
          process.exitCode = EXIT.INTEGRITY;
        }
        const what = options.rule !== undefined ? `rule ${options.rule}` : `requirement ${options.requirement}`;
        if (options.format === 'json') process.stdout.write(`${safeJson(records, 2)}\n`);
        else if (options.format === 'csv') process.stdout.write(historyCsv(records));
        else if (options.format === 'ocsf') process.stdout.write(`${safeJson(toOcsfComplianceFindings(records.map((r) => ocsfInputFromRecord(r))), 2)}\n`);
        else {
          if (records.length === 0) {
            // An id the catalog does not know is a typo (exit 2); a known one with nothing recorded is an empty answer (exit 0).
            const known = options.rule !== undefined ? RULES.some((r) => r.id === options.rule) : FRAMEWORKS.some((f) => f.requirements.some((q) => q.id === options.requirement));
            if (!known) {
              const candidates = options.rule !== undefined ? RULES.map((r) => r.id) : FRAMEWORKS.flatMap((f) => f.requirements.map((q) => q.id));
              const close = closeMatches(options.rule ?? (options.requirement as string), candidates);
              throw new CliError(`no records of ${what} for account ${accountId}, and no such id in the catalog${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}; list them with \`art32 rules\``, EXIT.USAGE);
            }
            process.stderr.write(`art32: no records of ${what} for account ${accountId}${options.from || options.to ? ' in that date range' : ''}\n`);
            return;
          }
          const lines = [`history of ${what} · account ${accountId} · ${records.length} record(s)`];
          for (const r of records) {
            lines.push(`${pad(r.collectedAt, 25)} ${pad(r.integrity.intact ? r.status : `NOT INTACT (${r.status})`, 15)} ${pad(r.ruleId, 32)} ${terminalText(r.message)}`);
            if (!r.integrity.intact) lines.push(`${' '.repeat(26)}NOT INTACT: ${terminalText(r.integrity.reason)}`);
            if (r.status === 'FAIL' || r.status === 'ERROR' || r.status === 'WARN') {
              const facts = factsLine(r.observed);
              if (facts) lines.push(`${' '.repeat(26)}observed: ${facts}`);
            }
            lines.push(`${' '.repeat(26)}run ${terminalText(r.runId)} · hash ${terminalText(r.hash.slice(0, 16))}…${r.resources.count ? ` · ${r.resources.count} resource(s)` : ''}`);
          }
          process.stdout.write(`${lines.join('\n')}\n`);
        }
      });
    });
}
