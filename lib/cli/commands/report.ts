/**
 * `art32 report`: preview the weekly compliance email from the evidence store (text on
 * stdout, or `--html` / `--text` files), send it through SES (`--send`), or write the
 * printable audit report of one account and period (`--audit`).
 */
import { parseStrictIsoDate } from '../../support/strict-date';
import { replacePrivateFile } from '../../support/private-files';
import type { Command } from 'commander';
import { FRAMEWORKS } from '../../frameworks';
import { RULES } from '../../rules';
import { loadAuditModel, renderAuditHtml } from '../../report/audit';
import { renderEmail } from '../../report/email';
import { loadReport } from '../../report/load';
import { buildReportModel, ReportInputError } from '../../report/model';
import { previousReport, ReportSendError, sendReportEmail } from '../../report/send';
import { Pseudonymiser, pseudonymiseReport } from '../../report/pseudonym';
import { defaultPseudonymKeyFile, loadPseudonymKey, PseudonymKeyError } from '../../report/pseudonym-key';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { addStoreOptions, requireAccountId, withStore, type RawStoreOptions } from '../store-options';
import { addKeyOptions, verifierFor, type RawIntegrityOptions } from '../integrity-options';

interface ReportOptions extends RawStoreOptions, RawIntegrityOptions {
  since?: string;
  now?: string;
  html?: string;
  text?: string;
  send?: boolean;
  recipients?: string[];
  sender?: string;
  to?: string;
  from?: string;
  audit?: boolean;
  account?: string;
  cadence: string;
  historyDays: string;
  title?: string;
  pseudonymise?: boolean;
  pseudonymKey?: string;
}

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

function isoDate(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const t = parseStrictIsoDate(value);
  if (t === undefined) throw new CliError(`${flag} "${value}" is not a valid date (use YYYY-MM-DD or an ISO-8601 instant; impossible days such as 2026-02-30 are refused)`);
  return new Date(t).toISOString();
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag} "${value}" must be a positive number`);
  return n;
}

async function writeOut(file: string, content: string, what: string): Promise<void> {
  try {
    // 0600, and a symbolic link planted at FILE is replaced, never followed (lib/support/private-files).
    await replacePrivateFile(file, content);
  } catch (error) {
    throw new CliError(`cannot write the ${what} to ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  process.stderr.write(`wrote ${what} ${file} (${Buffer.byteLength(content)} bytes)\n`);
}

export function register(program: Command): void {
  const command = program
    .command('report')
    .description(
      'Compliance report from stored evidence: verdict, new failures, fixes, still failing (with age), gaps, trend, per requirement. ' +
        'Prints the text version; --html/--text write files; --send mails it through SES v2; --audit writes the printable audit report of one account.',
    )
    .option('--since <date>', 'compare with the state at this date (default: the last report sent, else each account\'s previous run)')
    .option('--now <date>', 'report as of this time (default: now); runs after it are ignored')
    .option('--html <file>', 'write the HTML email (or, with --audit, the audit report) to this file')
    .option('--text <file>', 'write the plain-text email to this file')
    .option('--send', 'send the email through SES v2 (default AWS credential chain) with --recipients and --sender')
    .option('--recipients <addresses>', 'with --send: recipient addresses (repeat or comma-separate; SES takes at most 50)', collect)
    .option('--sender <address>', 'with --send: sender address (an address of a verified SES identity)')
    .option('--from <date>', 'with --audit: start of the period (YYYY-MM-DD), as for history and export')
    .option('--to <date>', 'with --audit: end of the period, inclusive (YYYY-MM-DD), as for history and export')
    .option('--audit', 'write the printable audit report (requires --account, --from, --to, --html)')
    .option('--account <id>', 'with --audit: the 12-digit account id')
    .option('--cadence <hours>', 'expected hours between scheduled collections (gaps are intervals over 1.5 x this)', '24')
    .option('--history-days <days>', 'days of runs loaded for trend and failing ages', '30')
    .option('--title <text>', 'title shown above the verdict')
    .option('--pseudonymise', 'name people (IAM users, role sessions, federated users) by stable keyed pseudonyms in the email; resolve them with `art32 pseudonym resolve`')
    .option('--pseudonym-key <file>', 'with --pseudonymise: the key file (default: $ART32_PSEUDONYM_KEY_FILE, else ~/.config/art32/pseudonym.key; created on first use)');
  addKeyOptions(addStoreOptions(command), true).action(async (opts: ReportOptions) => {
    const now = isoDate(opts.now, '--now') ?? new Date().toISOString();
    if (opts.audit) return audit(opts, now);
    if (opts.account !== undefined) throw new CliError('--account is for --audit; the email covers every account with evidence');
    if (opts.to !== undefined || opts.from !== undefined) {
      const hint = [opts.to, opts.from].some((v) => v !== undefined && v.includes('@')) ? ' (addresses go in --recipients and --sender)' : '';
      throw new CliError(`--from and --to are the dates of --audit${hint}`);
    }
    if (!opts.send && (opts.recipients !== undefined || opts.sender !== undefined)) throw new CliError('--recipients and --sender go with --send');
    if (opts.pseudonymKey !== undefined && !opts.pseudonymise) throw new CliError('--pseudonym-key goes with --pseudonymise');
    let pseudonymiser: Pseudonymiser | undefined;
    if (opts.pseudonymise) {
      try {
        pseudonymiser = new Pseudonymiser(await loadPseudonymKey(opts.pseudonymKey ?? defaultPseudonymKeyFile(), { create: true }));
      } catch (error) {
        if (error instanceof PseudonymKeyError) throw new CliError(error.message);
        throw error;
      }
    }
    const since = isoDate(opts.since, '--since');
    const cadenceHours = positive(opts.cadence, '--cadence');
    const historyDays = positive(opts.historyDays, '--history-days');
    let to: string[] = [];
    if (opts.send) {
      to = opts.recipients ?? [];
      if (to.length === 0) throw new CliError('--send needs --recipients <address> (repeat or comma-separate for several)');
      if (!opts.sender) throw new CliError('--send needs --sender <address> (an address of a verified SES identity)');
      for (const a of [...to, opts.sender]) if (!EMAIL.test(a)) throw new CliError(`"${a}" is not an email address`);
    }

    await withStore(opts, async (open) => {
      // Without --since: compare with the last report sent (as the weekly function does), else the previous run.
      const previous = since === undefined ? await previousReport(open.store, now) : undefined;
      const baseline = since ?? previous?.since;
      // Signatures checked with the trusted key (the embedded store's own, --public-key or --kms-key-id); a table
      // without a key is still reported, its integrity line saying the signatures were not checked.
      const verifier = opts.publicKey !== undefined || opts.kmsKeyId !== undefined || open.mode === 'embedded' ? await verifierFor(open, opts) : undefined;
      const loaded = await loadReport(open.store, { now, since: baseline, historyDays, ...(verifier ? { verifier } : {}) });
      let model;
      try {
        model = buildReportModel({
          runs: loaded.runs,
          integrity: loaded.integrity,
          plans: loaded.plans,
          now,
          since: baseline,
          ...(previous ? { sinceLabel: previous.label } : {}),
          cadenceHours,
          rules: RULES,
          frameworks: FRAMEWORKS,
        });
      } catch (error) {
        if (error instanceof ReportInputError) throw new CliError(error.message);
        throw error;
      }
      const email = pseudonymiser
        ? renderEmail(pseudonymiseReport(model, pseudonymiser), { ...(opts.title ? { title: opts.title } : {}), pseudonymised: true })
        : renderEmail(model, opts.title ? { title: opts.title } : {});
      if (opts.html) await writeOut(opts.html, email.html, 'HTML email');
      if (opts.text) await writeOut(opts.text, email.text, 'text email');
      if (!opts.html && !opts.text && !opts.send) process.stdout.write(email.text);
      else process.stdout.write(`${model.verdict}\n`);
      if (opts.send) {
        const { SESv2Client } = await import('@aws-sdk/client-sesv2');
        const ses = new SESv2Client({});
        try {
          const messageId = await sendReportEmail(ses, email, { from: opts.sender ?? '', to });
          process.stderr.write(`sent to ${to.join(', ')} (SES message id ${messageId})\n`);
        } catch (error) {
          if (error instanceof ReportSendError) throw new CliError(error.message, error.kind === 'input' ? EXIT.USAGE : EXIT.DELIVERY_FAILED);
          throw error;
        } finally {
          ses.destroy();
        }
      }
    });
  });
}

async function audit(opts: ReportOptions, now: string): Promise<void> {
  const accountId = requireAccountId(opts.account);
  if (opts.send || opts.text || opts.since || opts.recipients || opts.sender) throw new CliError('--audit writes one HTML document: --send, --recipients, --sender, --text and --since do not apply');
  if (opts.pseudonymise || opts.pseudonymKey) throw new CliError('--pseudonymise is for the email; the audit report names people (it is the controller\'s own record)');
  if (!opts.from) throw new CliError('--audit needs --from <date> (start of the period, YYYY-MM-DD)');
  if (!opts.to) throw new CliError('--audit needs --to <date> (end of the period, inclusive, YYYY-MM-DD)');
  const to = opts.to;
  isoDate(opts.from, '--from');
  isoDate(to, '--to');
  if (!opts.html) throw new CliError('--audit needs --html <file> (print it from a browser, or: npm run report:pdf -- <file>)');
  const html = opts.html;
  await withStore(opts, async (open) => {
    const verifier = opts.publicKey !== undefined || opts.kmsKeyId !== undefined || open.mode === 'embedded' ? await verifierFor(open, opts) : undefined;
    const model = await loadAuditModel(open.store, { accountId, from: opts.from as string, to, now, storeDescription: open.description, rules: RULES, frameworks: FRAMEWORKS, ...(verifier ? { verifier } : {}) });
    await writeOut(html, renderAuditHtml(model), 'audit report');
    const v = model.verification;
    process.stdout.write(
      `${model.runs.length} run${model.runs.length === 1 ? '' : 's'} of account ${accountId} from ${opts.from} to ${to}; verification ${v.problems.length === 0 ? 'intact' : `found ${v.problems.length} problem(s)`}\n`,
    );
    if (v.problems.length) process.exitCode = EXIT.INTEGRITY;
  });
}
