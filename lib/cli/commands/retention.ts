/**
 * `art32 retention`: the evidence retention in force per account (the art32 default or the
 * latest `evidence-retention` declaration, with its justification) and the records past it —
 * what the controller should have deleted. Manifests are kept whatever the period (hashes only:
 * the chain stays verifiable). A read command: it deletes nothing and never modifies the store.
 */
import { Option, type Command } from 'commander';
import { expiredEntries, retentionPolicy, type RetentionPolicy } from '../../evidence/retention';
import { RegisterStore } from '../../register/store';
import { registerView } from '../../register/view';
import { safeJson } from '../../support/sanitize';
import { parseStrictIsoDate } from '../../support/strict-date';
import { CliError } from '../errors';
import { addStoreOptions, requireAccountId, withStore, type RawStoreOptions } from '../store-options';

interface RetentionOptions extends RawStoreOptions {
  account?: string;
  now?: string;
  format: 'text' | 'json';
}

interface AccountRetention {
  accountId: string;
  policy: RetentionPolicy;
  runs: number;
  expiredRecords: number;
  expiredRuns: { runId: string; collectedAt: string; expiredRecords: number; ruleIds: string[] }[];
  nextExpiry?: string;
}

const policyLine = (p: RetentionPolicy): string =>
  `records ${p.recordDays} days, records with per-person activity metrics ${Math.min(p.activityDays, p.recordDays)} days — ${p.justification}` +
  (p.declaration ? ` (declared in ${p.declaration.id} by ${p.declaration.declaredBy} on ${p.declaration.recordedAt.slice(0, 10)})` : '');

export function register(program: Command): void {
  const command = program
    .command('retention')
    .summary('the evidence retention in force and the records past it (read-only)')
    .description(
      'Print, per account, how long evidence records are kept (art32 default, or the latest `art32 declare evidence-retention`) and which ' +
        'recorded runs hold records past that period. A run is judged by the period in force when it was collected. Manifests (hashes only) ' +
        'are kept, so the chain stays verifiable after records expire. Nothing is deleted here.',
    )
    .option('--account <id>', 'only this account (12 digits)')
    .option('--now <date>', 'judge as of this time (default: now)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', `\nExamples:\n  $ art32 retention\n  $ art32 declare evidence-retention --account '*' --record-days 730 --activity-days 180 --justification "2-year audit cycle"`);
  addStoreOptions(command).action(async (opts: RetentionOptions) => {
    const only = opts.account !== undefined ? requireAccountId(opts.account) : undefined;
    let now = new Date().toISOString();
    if (opts.now !== undefined) {
      const t = parseStrictIsoDate(opts.now);
      if (t === undefined) throw new CliError(`--now "${opts.now}" is not a valid date (YYYY-MM-DD or an ISO-8601 instant)`);
      now = new Date(t).toISOString();
    }
    await withStore(opts, async (open) => {
      const items = await new RegisterStore(open.client, open.store.tableName).items();
      const accounts = only ? [only] : await open.store.accounts();
      if (only) await open.store.assertKnownAccount(only);
      const out: AccountRetention[] = [];
      for (const accountId of accounts) {
        const manifests = await open.store.manifests(accountId);
        const a: AccountRetention = { accountId, policy: retentionPolicy(registerView(items, accountId, now)), runs: manifests.length, expiredRecords: 0, expiredRuns: [] };
        for (const m of manifests) {
          const { expired, nextExpiry } = expiredEntries(m, retentionPolicy(registerView(items, accountId, m.collectedAt)), now);
          if (expired.length) {
            a.expiredRecords += expired.length;
            a.expiredRuns.push({ runId: m.runId, collectedAt: m.collectedAt, expiredRecords: expired.length, ruleIds: [...new Set(expired.map((e) => e.ruleId))] });
          }
          if (nextExpiry && (!a.nextExpiry || nextExpiry < a.nextExpiry)) a.nextExpiry = nextExpiry;
        }
        out.push(a);
      }
      if (opts.format === 'json') {
        process.stdout.write(`${safeJson({ now, accounts: out }, 2)}\n`);
        return;
      }
      if (out.length === 0) {
        process.stdout.write(`no account in ${open.description}\n`);
        return;
      }
      const lines: string[] = [];
      for (const a of out) {
        lines.push(`${a.accountId}: ${policyLine(a.policy)}`);
        lines.push(
          a.expiredRecords
            ? `  past retention on ${now.slice(0, 10)}: ${a.expiredRecords} record(s) in ${a.expiredRuns.length} of ${a.runs} run(s), oldest ${a.expiredRuns[0]?.collectedAt.slice(0, 10)} — to delete (their manifests stay)`
            : `  nothing past retention in ${a.runs} run(s)${a.nextExpiry ? `; next expiry ${a.nextExpiry.slice(0, 10)}` : ''}`,
        );
      }
      lines.push('art32 does not delete expired records itself yet (docs/retention.md).');
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  });
}
