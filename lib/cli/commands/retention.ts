/**
 * `art32 retention`: the evidence retention in force per account (the art32 default or the
 * latest `evidence-retention` declaration, with its justification) and the records past it.
 * Manifests are kept whatever the period (hashes only: the chain stays verifiable). Without
 * `--purge` a read command: it deletes nothing and never modifies the store.
 *
 * `--purge --yes` (embedded store) deletes those records, and the payload of each run whose
 * records are all past it, under the store's writer lock (lib/evidence/purge.ts: only records
 * exactly as their manifest sealed them; a tampered one is left in place, exit 3). The deployed
 * table needs no purge: DynamoDB TTL deletes records at their `expiresAt`, and its resource
 * policy denies DeleteItem to everyone but break-glass — so `--purge --table` is refused.
 */
import { Option, type Command } from 'commander';
import { purgeExpired, type PurgeResult } from '../../evidence/purge';
import { expiredEntries, retentionPolicy, type RetentionPolicy } from '../../evidence/retention';
import { RegisterStore } from '../../register/store';
import { registerView } from '../../register/view';
import { safeJson } from '../../support/sanitize';
import { parseStrictIsoDate } from '../../support/strict-date';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { addStoreOptions, requireAccountId, withStore, type RawStoreOptions } from '../store-options';

interface RetentionOptions extends RawStoreOptions {
  account?: string;
  now?: string;
  purge?: boolean;
  yes?: boolean;
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
    .summary('the evidence retention in force and the records past it; --purge --yes deletes them')
    .description(
      'Print, per account, how long evidence records are kept (art32 default, or the latest `art32 declare evidence-retention`) and which ' +
        'recorded runs hold records past that period. A run is judged by the period in force when it was collected. Manifests (hashes only) ' +
        'are kept, so the chain stays verifiable after records expire (verify reports such records as expired, not deleted). ' +
        'Nothing is deleted without --purge --yes (embedded store only: the deployed table expires records by DynamoDB TTL).',
    )
    .option('--account <id>', 'only this account (12 digits)')
    .option('--now <date>', 'judge as of this time (default: now; with --purge, not in the future)')
    .option('--purge', 'delete the records past retention (and the payload of runs wholly past it); manifests, headers and the register are kept')
    .option('--yes', 'with --purge: confirm the deletion (it cannot be undone)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `\nExamples:\n  $ art32 retention\n  $ art32 retention --purge --yes\n  $ art32 declare evidence-retention --account '*' --record-days 730 --activity-days 180 --justification "2-year audit cycle"`,
    );
  addStoreOptions(command).action(async (opts: RetentionOptions) => {
    const only = opts.account !== undefined ? requireAccountId(opts.account) : undefined;
    let now = new Date().toISOString();
    if (opts.now !== undefined) {
      const t = parseStrictIsoDate(opts.now);
      if (t === undefined) throw new CliError(`--now "${opts.now}" is not a valid date (YYYY-MM-DD or an ISO-8601 instant)`);
      if (opts.purge && t > Date.now()) throw new CliError(`--now "${opts.now}" is in the future: a purge deletes only what is past retention today`);
      now = new Date(t).toISOString();
    }
    if (opts.yes && !opts.purge) throw new CliError('--yes goes with --purge');
    if (opts.purge) {
      if (opts.table !== undefined) {
        throw new CliError(
          '--purge is for the embedded store: the deployed table deletes records past retention itself (DynamoDB TTL on expiresAt) and its resource policy denies DeleteItem to all but break-glass',
        );
      }
      if (!opts.yes) throw new CliError('--purge deletes records for good: add --yes to confirm (`art32 retention` alone lists what it would delete)');
      await purge(opts, only, now);
      return;
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
      if (out.some((a) => a.expiredRecords > 0)) lines.push('Delete them with `art32 retention --purge --yes` (the deployed table expires them itself by DynamoDB TTL).');
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  });
}

/** `--purge --yes`: delete what is past retention, under the writer lock; exit 3 if a record past it was not what its manifest sealed. */
async function purge(opts: RetentionOptions, only: string | undefined, now: string): Promise<void> {
  await withStore(
    opts,
    async (open) => {
      const items = await new RegisterStore(open.client, open.store.tableName).items();
      if (only) await open.store.assertKnownAccount(only);
      const results: PurgeResult[] = [];
      for (const accountId of only ? [only] : await open.store.accounts()) results.push(await purgeExpired(open.store, items, accountId, now));
      if (opts.format === 'json') process.stdout.write(`${safeJson({ now, purged: results }, 2)}\n`);
      else {
        const lines = results.map(
          (r) =>
            `${r.accountId}: deleted ${r.deletedRecords} record(s) past retention in ${r.runs.length} run(s)` +
            (r.deletedPayloads ? ` and ${r.deletedPayloads} run payload(s)` : '') +
            (r.alreadyGone ? `; ${r.alreadyGone} already gone` : '') +
            (r.refused.length ? `; ${r.refused.length} NOT deleted (not what its manifest sealed: run art32 verify): ${r.refused.map((x) => `${x.sk} (${x.reason})`).join('; ')}` : ''),
        );
        lines.push('Manifests, run headers and the register are kept: `art32 verify` reports the deleted records as expired under the retention policy.');
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (results.some((r) => r.refused.length > 0)) process.exitCode = EXIT.INTEGRITY;
    },
    'write',
  );
}
