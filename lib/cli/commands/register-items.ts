/**
 * The register commands: `declare`, `accept`, `plan`, `triage` write one dated, attributed,
 * hashed and chained item each; `register` lists the entries in force (or the whole history)
 * and verifies the chain. Items live in the evidence store (see lib/register/store.ts).
 *
 * The declarant is the caller (STS GetCallerIdentity with --table; user@host for the embedded
 * store), never a name typed on the command line.
 */
import { Option, type Command } from 'commander';
import type { z } from 'zod';
import { RULES } from '../../rules';
import { Acceptance, Declaration, Plan, Triage, type RegisterItem, type RegisterKind } from '../../register/types';
import { RegisterStore, verifyRegister, type RegisterVerification } from '../../register/store';
import { osDeclarant, stsDeclarant } from '../../register/identity';
import { registerView } from '../../register/view';
import { EXIT } from '../exit-codes';
import { CliError } from '../errors';
import { csvLine, pad } from '../render';
import { addStoreOptions, withStore, type RawStoreOptions } from '../store-options';
import { safeJson, terminalText } from '../../support/sanitize';
import { isStrictIsoDate } from '../../support/strict-date';

interface CommonOptions extends RawStoreOptions {
  account?: string;
  supersedes?: string;
  format: 'text' | 'json';
}

/** Payload field → the flag that sets it, so a validation error names what to fix. */
const FLAG: Record<string, string> = {
  control: '--control',
  mechanism: '--mechanism',
  maxFailures: '--max-failures',
  exponential: '--exponential',
  delayAfterFailures: '--delay-after-failures',
  delaySeconds: '--delay-seconds',
  maxFailuresPer24h: '--max-failures-per-24h',
  evidenceRef: '--evidence-ref',
  days: '--days',
  recordDays: '--record-days',
  activityDays: '--activity-days',
  basis: '--basis',
  legalBasis: '--legal-basis',
  principals: '--principal',
  justification: '--justification',
  ruleId: '--rule',
  owner: '--owner',
  expires: '--expires',
  action: '--action',
  due: '--due',
  riskRef: '--risk-ref',
  status: '--status',
  principal: '--principal',
  runId: '--run',
  outcome: '--outcome',
  note: '--note',
  registerRef: '--register-ref',
  notifiedOn: '--notified-on',
};

/** The register's date fields: the schema checks their shape; the calendar is checked here, at input. */
const DAY_FIELDS = ['expires', 'due', 'notifiedOn'] as const;

function validated<S extends z.ZodType>(schema: S, input: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) {
    // `2026-13-01` or `2026-02-30` matches YYYY-MM-DD but names no day: an acceptance "until" it
    // would be compared as text and never lapse as the owner meant. (Stored items are read as
    // stored, so only new input is refused.)
    for (const field of DAY_FIELDS) {
      const value = input[field];
      if (typeof value === 'string' && !isStrictIsoDate(value)) throw new CliError(`${FLAG[field]} "${terminalText(value)}": no such day in the calendar (YYYY-MM-DD)`, EXIT.USAGE);
    }
    return parsed.data;
  }
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  throw new CliError(`${FLAG[field] ?? (field || 'input')}: ${issue.message}`, EXIT.USAGE);
}

function accountOption(value: string | undefined): string {
  if (value === undefined) throw new CliError('--account is required (a 12-digit AWS account id, or * for every account)', EXIT.USAGE);
  if (!/^(\d{12}|\*)$/.test(value)) throw new CliError(`--account "${value}" is not an AWS account id (12 digits) or *`, EXIT.USAGE);
  return value;
}

function ruleOption(value: string | undefined): string {
  if (value === undefined) throw new CliError('--rule is required (a rule id; `art32 rules` lists them)', EXIT.USAGE);
  if (!RULES.some((r) => r.id === value)) throw new CliError(`--rule "${value}" is not a known rule (\`art32 rules\` lists them)`, EXIT.USAGE);
  return value;
}

const int = (flag: string) => (v: string): number => {
  if (!/^\d+$/.test(v)) throw new CliError(`${flag} "${v}" is not a whole number`, EXIT.USAGE);
  return Number(v);
};
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Write one item, attributed to the caller; prints it (text or JSON). */
async function writeItem(options: CommonOptions, kind: RegisterKind, accountId: string, payload: Record<string, unknown>): Promise<void> {
  if (options.supersedes !== undefined && !/^[DAPTR]-[0-9a-f]{12}$/.test(options.supersedes))
    throw new CliError(`--supersedes "${options.supersedes}" is not a register entry id (like D-0123456789ab)`, EXIT.USAGE);
  await withStore(options, async (open) => {
    const store = new RegisterStore(open.client, open.store.tableName);
    if (options.supersedes !== undefined) {
      const existing = (await store.items()).find((i) => i.id === options.supersedes);
      if (!existing) throw new CliError(`--supersedes ${options.supersedes}: no such entry in the register`, EXIT.USAGE);
      if (existing.kind !== kind && kind !== 'revocation') throw new CliError(`--supersedes ${options.supersedes}: that entry is a ${existing.kind}, not a ${kind}`, EXIT.USAGE);
    }
    const declarant = options.table !== undefined ? await stsDeclarant() : osDeclarant();
    const item = await store.append({ kind, accountId, payload, declarant, recordedAt: new Date().toISOString(), ...(options.supersedes ? { id: options.supersedes } : {}) });
    process.stdout.write(options.format === 'json' ? `${safeJson(item, 2)}\n` : `${describeItem(item)}\nrecorded as register item ${item.seq} (hash ${item.hash}) in ${open.description}\n`);
   }, 'write');
}

export function describeItem(item: RegisterItem): string {
  const p = item.payload;
  const what =
    item.kind === 'declaration'
      ? `declares ${String(p.type)}${p.control ? ` (${String(p.control)})` : ''}${p.days ? ` ${String(p.days)} days, ${String(p.basis)}: ${String(p.legalBasis)}` : ''}${Array.isArray(p.principals) ? `: ${p.principals.join(', ')}` : ''}${p.mechanism ? ` by ${String(p.mechanism)}` : ''}${p.evidenceRef ? ` (evidence ${String(p.evidenceRef)})` : ''}`
      : item.kind === 'acceptance'
        ? `accepts the risk of ${String(p.ruleId)}${Array.isArray(p.principals) && p.principals.length ? ` for ${p.principals.join(', ')}` : ''} until ${String(p.expires)}, owner ${String(p.owner)}: ${String(p.justification)}`
        : item.kind === 'plan'
          ? `plans ${String(p.ruleId)}: ${String(p.action)} — owner ${String(p.owner)}, due ${String(p.due)}, ${String(p.riskRef)} [${String(p.status)}]`
          : item.kind === 'triage'
            ? `triages ${String(p.ruleId)} for ${String(p.principal)} (run ${String(p.runId)}): ${String(p.outcome)}${p.registerRef ? `, register ${String(p.registerRef)}` : ''}${p.notifiedOn ? `, notified ${String(p.notifiedOn)}` : ''} — ${String(p.note)}`
            : `revokes ${item.id}`;
  return terminalText(`${item.id} · account ${item.accountId} · ${item.recordedAt} · ${item.declarant.identity} ${what}`);
}

function common(command: Command): Command {
  return addStoreOptions(command)
    .option('--account <id>', 'the AWS account (12 digits), or * for every account')
    .option('--supersedes <entry-id>', 'record a new version of this entry (the old one stays in the history)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
}

export function register(program: Command): void {
  const declare = common(
    program
      .command('declare')
      .summary('declare a compensating control, a log retention period, break-glass principals, IdP MFA or the evidence retention (recorded as evidence)')
      .description(
        'Record what the controller declares, dated, attributed to the caller and hashed into the register chain. Rules read it: a finding ' +
          'that relies on it says "PASS (declared, not verified)". IAM has no lockout, captcha or delay of its own (AWS documents it), so ' +
          'a compensating control must name its mechanism, its CNIL parameters and an evidence reference.',
      )
      .argument('<type>', 'compensating-control | retention | break-glass | idp-mfa | evidence-retention'),
  )
    .addOption(new Option('--control <kind>', 'compensating-control: the control').choices(['lockout', 'captcha', 'time-delay']))
    .option('--mechanism <text>', 'what provides it (IAM cannot), e.g. "Okta sign-on policy in front of the console"')
    .option('--max-failures <n>', 'lockout: failures before blocking (CNIL: ≤ 10)', int('--max-failures'))
    .option('--exponential', 'time-delay: the delay grows exponentially')
    .option('--delay-after-failures <n>', 'time-delay: failures before the first delay (CNIL: ≤ 5)', int('--delay-after-failures'))
    .option('--delay-seconds <n>', 'time-delay: that first delay in seconds (CNIL: > 60)', int('--delay-seconds'))
    .option('--max-failures-per-24h <n>', 'time-delay: most failures per 24 h (CNIL: ≤ 25)', int('--max-failures-per-24h'))
    .option('--days <n>', 'retention: the declared retention of trail logs, in days', int('--days'))
    .addOption(new Option('--basis <basis>', 'retention: why longer than 1 year').choices(['internal-control', 'legal-obligation']))
    .option('--legal-basis <text>', 'retention: the text or procedure that founds it')
    .option('--record-days <n>', 'evidence-retention: days the evidence records of a run are kept (default 1095)', int('--record-days'))
    .option('--activity-days <n>', 'evidence-retention: days records with per-person activity metrics are kept (default 365)', int('--activity-days'))
    .option('--principal <name>', 'break-glass: a principal (user/<name>, role/<name> or ARN); repeat for several', collect)
    .option('--justification <text>', 'break-glass: why these principals keep administrator rights; evidence-retention: why this period')
    .option('--evidence-ref <ref>', 'the document, ticket or configuration export that shows it')
    .addHelpText(
      'after',
      `
Examples:
  $ art32 declare compensating-control --account 111122223333 --control time-delay --exponential \\
      --delay-after-failures 5 --delay-seconds 90 --max-failures-per-24h 25 \\
      --mechanism "Okta sign-on policy in front of the AWS console" --evidence-ref SEC-DOC-42
  $ art32 declare retention --account 111122223333 --days 1095 --basis internal-control \\
      --legal-basis "internal control procedure PR-12" --evidence-ref PR-12-v3
  $ art32 declare idp-mfa --account '*' --mechanism "IAM Identity Center: MFA at every sign-in" --evidence-ref IDC-2026-01
  $ art32 declare evidence-retention --account '*' --record-days 1095 --activity-days 365 \\
      --justification "3-year internal control cycle; activity metrics 1 year (CNIL 2021-122)"`,
    )
    .action(async (type: string, o: CommonOptions & Record<string, unknown>) => {
      const accountId = accountOption(o.account);
      const payload = validated(Declaration, {
        type,
        ...pick(o, ['control', 'mechanism', 'maxFailures', 'exponential', 'delayAfterFailures', 'delaySeconds', 'maxFailuresPer24h', 'days', 'basis', 'legalBasis', 'justification', 'evidenceRef', 'recordDays', 'activityDays']),
        ...(o.principal !== undefined ? { principals: o.principal } : {}),
      });
      await writeItem(o, 'declaration', accountId, payload);
    });
  // `type` is validated by the discriminated union; name it as the argument when wrong.
  declare.hook('preAction', (_cmd, action) => {
    const [type] = action.args;
    if (!['compensating-control', 'retention', 'break-glass', 'idp-mfa', 'evidence-retention'].includes(String(type)))
      throw new CliError(`<type> "${String(type)}" must be compensating-control, retention, break-glass, idp-mfa or evidence-retention`, EXIT.USAGE);
  });

  common(program.command('accept').summary('accept a risk: rule, principals, justification, owner, expiry (recorded as evidence)').description('Record a risk acceptance. The finding keeps its status (an accepted FAIL is still a FAIL) and shows who accepted it until when; once expired, it says so.'))
    .option('--rule <id>', 'the rule whose finding is accepted')
    .option('--principal <name>', 'a principal the acceptance covers; repeat for several', collect)
    .option('--justification <text>', 'why the risk is accepted (risk analysis reference)')
    .option('--owner <name>', 'who owns the risk')
    .option('--expires <date>', 'YYYY-MM-DD after which the acceptance lapses')
    .addHelpText('after', `\nExample:\n  $ art32 accept --account 111122223333 --rule access.admin-principals --principal user/ops --justification "RISK-7: migration until March" --owner "CISO" --expires 2026-03-31`)
    .action(async (o: CommonOptions & Record<string, unknown>) => {
      const accountId = accountOption(o.account);
      const payload = validated(Acceptance, { ruleId: ruleOption(o.rule as string | undefined), principals: (o.principal as string[] | undefined) ?? [], ...pick(o, ['justification', 'owner', 'expires']) });
      await writeItem(o, 'acceptance', accountId, payload);
    });

  common(program.command('plan').summary('record a remediation plan: rule, action, owner, due date, DPIA / risk reference').description('Record a remediation action. An open plan past its due date shows as OVERDUE on the finding, in the email and in the audit document. Close it with --supersedes <id> --status done.'))
    .option('--rule <id>', 'the rule to remediate')
    .option('--action <text>', 'what will be done')
    .option('--owner <name>', 'who does it')
    .option('--due <date>', 'YYYY-MM-DD')
    .option('--risk-ref <ref>', 'the DPIA or risk-register reference the measure comes from')
    .addOption(new Option('--status <status>', 'open, done or abandoned').choices(['open', 'done', 'abandoned']).default('open'))
    .addHelpText('after', `\nExample:\n  $ art32 plan --account 111122223333 --rule auth.console-mfa --action "enforce MFA for advisers" --owner "IT ops" --due 2026-02-15 --risk-ref DPIA-2025-04#M3`)
    .action(async (o: CommonOptions & Record<string, unknown>) => {
      const accountId = accountOption(o.account);
      const payload = validated(Plan, { ruleId: ruleOption(o.rule as string | undefined), ...pick(o, ['action', 'owner', 'due', 'riskRef', 'status']) });
      await writeItem(o, 'plan', accountId, payload);
    });

  common(program.command('triage').summary('record the triage of an activity finding: false positive, incident or breach').description('Record how an abnormal-activity finding was handled. An incident or a breach needs its register reference (GDPR Art. 33(5): every breach is documented); a breach notified to the CNIL carries the notification date (Art. 33: within 72 h).'))
    .option('--rule <id>', 'the rule whose finding is triaged', 'monitoring.abnormal-activity')
    .option('--principal <name>', 'the principal the finding named (user/<name>, role/<name>)')
    .option('--run <run-id>', 'the run whose finding is triaged')
    .addOption(new Option('--outcome <outcome>', 'the outcome').choices(['false-positive', 'incident', 'breach']))
    .option('--note <text>', 'what was found')
    .option('--register-ref <ref>', 'incident / breach register reference (required for incident and breach)')
    .option('--notified-on <date>', 'YYYY-MM-DD the breach was notified to the CNIL')
    .addHelpText('after', `\nExample:\n  $ art32 triage --account 111122223333 --principal user/adviser.martin --run run-20260206 --outcome breach --register-ref BR-2026-002 --notified-on 2026-02-08 --note "hijacked account, 9 GB read"`)
    .action(async (o: CommonOptions & Record<string, unknown>) => {
      const accountId = accountOption(o.account);
      const payload = validated(Triage, { ruleId: ruleOption(o.rule as string | undefined), ...pick(o, ['principal', 'note', 'outcome', 'registerRef', 'notifiedOn']), ...(o.run !== undefined ? { runId: o.run } : {}) });
      await writeItem(o, 'triage', accountId, payload);
    });

  addStoreOptions(
    program
      .command('register')
      .summary('list the register (declarations, acceptances, plans, triage) in force, or its history; verify its chain')
      .description('List the register entries in force for an account (latest version of each, expired acceptances and overdue plans marked), or every item with --history. --verify recomputes every hash and walks the chain (exit 3 when an item was edited or deleted).'),
  )
    .option('--account <id>', 'only entries for this account (and those for every account)')
    .option('--history', 'every item, oldest first, superseded versions included')
    .option('--verify', 'recompute hashes and walk the chain; exit 3 on tampering')
    .addOption(new Option('--format <format>', 'output format (text is an alias of table)').choices(['table', 'text', 'json', 'csv']).default('table'))
    .action(async (o: RawStoreOptions & { account?: string; history?: boolean; verify?: boolean; format: 'table' | 'text' | 'json' | 'csv' }) => {
      const accountId = o.account === undefined ? undefined : accountOption(o.account);
      await withStore(o, async (open) => {
        const store = new RegisterStore(open.client, open.store.tableName);
        if (o.verify) {
          const result = await verifyRegister(store);
          process.stdout.write(o.format === 'json' ? `${safeJson(result, 2)}\n` : renderRegisterVerification(result));
          if (!result.ok) process.exitCode = EXIT.INTEGRITY;
          return;
        }
        const items = (await store.items()).filter((i) => accountId === undefined || i.accountId === accountId || i.accountId === '*');
        const now = new Date().toISOString();
        const shown = o.history ? items : currentItems(items, now, accountId);
        if (o.format === 'json') {
          process.stdout.write(`${safeJson(shown.map((i) => ({ ...i, ...lapse(i, now) })), 2)}\n`);
          return;
        }
        if (o.format === 'csv') {
          process.stdout.write(registerCsv(shown, now));
          return;
        }
        if (shown.length === 0) {
          process.stdout.write(`register is empty${accountId ? ` for account ${accountId}` : ''} (${open.description})\n`);
          return;
        }
        const lines = shown.map((i) => `${pad(String(i.seq), 4)} ${describeItem(i)}${lapseText(lapse(i, now))}`);
        lines.push(`${shown.length} item(s)${o.history ? ' (history)' : ' in force'} · ${open.description}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}

export const REGISTER_CSV_HEADER = ['seq', 'id', 'kind', 'account_id', 'recorded_at', 'declarant', 'entry', 'expired', 'overdue', 'hash'];

/** Register items as CSV (every cell through csvField: a justification cannot become a formula). */
export function registerCsv(items: readonly RegisterItem[], now: string): string {
  const rows = items.map((i) => {
    const l = lapse(i, now);
    return csvLine([i.seq, i.id, i.kind, i.accountId, i.recordedAt, i.declarant.identity, describeItem(i), l.expired ? 'true' : 'false', l.overdue ? 'true' : 'false', i.hash]);
  });
  return `${[csvLine(REGISTER_CSV_HEADER), ...rows].join('\n')}\n`;
}

function currentItems(items: readonly RegisterItem[], now: string, accountId?: string): RegisterItem[] {
  const accounts = accountId ? [accountId] : [...new Set(items.map((i) => i.accountId))];
  const ids = new Set(accounts.flatMap((a) => registerView(items, a === '*' ? '000000000000' : a, now).entries.map((e) => e.hash)));
  return items.filter((i) => ids.has(i.hash));
}

function lapse(item: RegisterItem, now: string): { expired?: boolean; overdue?: boolean } {
  const day = now.slice(0, 10);
  if (item.kind === 'acceptance' && typeof item.payload.expires === 'string') return { expired: item.payload.expires < day };
  if (item.kind === 'plan' && typeof item.payload.due === 'string') return { overdue: item.payload.status === 'open' && item.payload.due < day };
  return {};
}
const lapseText = (l: { expired?: boolean; overdue?: boolean }): string => (l.expired ? '  [EXPIRED]' : l.overdue ? '  [OVERDUE]' : '');

export function renderRegisterVerification(result: RegisterVerification): string {
  const lines = result.problems.map((p) => `  ${p.kind}: ${p.message}`);
  lines.unshift(result.ok ? `register verified: ${result.items} item(s), every hash and link matches${result.headHash ? ` · head ${result.headHash}` : ''}` : `REGISTER NOT VERIFIED — ${result.problems.length} problem(s):`);
  return `${lines.join('\n')}\n`;
}

function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}
