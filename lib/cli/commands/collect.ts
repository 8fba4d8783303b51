/**
 * `art32 collect`: the main job. Resolve the snapshot(s) of a source, evaluate every rule
 * (with the account's previous runs from the store as context), write the evidence records,
 * then the manifest that seals the run. Retrying with the same `--run-id` writes nothing new.
 */
import { Option, type Command } from 'commander';
import { buildRunRecords, planRun, previousContext, recordRun, type ClosedRun, type EvidenceRecord, type EvidenceStore, type RecordRunResult } from '../../evidence';
import { RULES, SEVERITIES, evaluateRules, type Severity, type Status } from '../../rules';
import { mergeParameters, resolveSnapshots } from '../../sources';
import { ocsfInputFromRecord, toOcsfComplianceFindings } from '../../ocsf';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { importToSecurityHub } from '../../integrations/security-hub';
import { pad } from '../render';
import { historyCsv } from './history';
import { addSourceOptions, readParametersFile, sourceOptionsFrom, type RawSourceOptions } from '../source-options';
import { addStoreOptions, withStore, type RawStoreOptions } from '../store-options';
import { terminalText } from '../../support/sanitize';
import { collectorIdentity, recordCollectionContext } from '../collection-context';
import { addAnchorOption, addKeyOptions, sealerFor, type RawIntegrityOptions } from '../integrity-options';

interface CollectOptions extends RawSourceOptions, RawStoreOptions, RawIntegrityOptions {
  runId?: string;
  params?: string;
  format: 'table' | 'json' | 'csv' | 'ocsf';
  securityHub?: boolean;
  failOn?: Severity;
  region?: string;
}

/** Import what was just recorded into the caller account's Security Hub; one summary line (a refusal is exit 5, the evidence stays recorded). */
async function importRecorded(results: readonly RecordRunResult[], region: string | undefined): Promise<string> {
  const [{ SecurityHubClient }, { STSClient, GetCallerIdentityCommand }] = await Promise.all([import('@aws-sdk/client-securityhub'), import('@aws-sdk/client-sts')]);
  const sts = new STSClient(region ? { region } : {});
  const hub = new SecurityHubClient(region ? { region } : {});
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const hubRegion = region ?? (await hub.config.region());
    const target = { accountId: identity.Account ?? '', region: hubRegion, partition: identity.Arn?.split(':')[1] ?? 'aws' };
    const inputs = results.flatMap((result) => result.records.map((r) => ocsfInputFromRecord(r, result.manifest.hash)));
    const imported = await importToSecurityHub(hub, inputs, target);
    const failed = imported.failed.length ? `; ${imported.failed.length} refused (first: ${imported.failed[0]?.id} ${imported.failed[0]?.code})` : '';
    return `security hub ${target.accountId}/${target.region}: ${imported.imported} finding(s) imported, ${imported.resolved} marked RESOLVED${failed}`;
  } catch (error) {
    throw new CliError(`the evidence is recorded, but the Security Hub import failed: ${(error as Error).message}`, EXIT.COLLECTION_FAILED);
  } finally {
    sts.destroy();
    hub.destroy();
  }
}

/** Default run id: the start time, e.g. `run-20260122T060000Z` (sortable, no `#`). */
export function defaultRunId(now: Date): string {
  return `run-${now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')}`;
}

const STATUS_ORDER: Status[] = ['FAIL', 'ERROR', 'WARN', 'PASS', 'NOT_APPLICABLE'];

export function register(program: Command): void {
  const command = program
    .command('collect')
    .summary('evaluate an account and record a dated, hashed run of evidence (the main job)')
    .description(
      'Evaluate every rule on the account(s) of a source and record the findings as evidence: one hashed record per rule, ' +
        'then a manifest that seals the run and links to the previous run (a chain `art32 verify` checks). ' +
        'Without --table the evidence goes to the embedded store on disk. A scenario without --collected-at is collected "now", ' +
        'so each demo run is a new dated run. Re-running with the same --run-id is safe: identical evidence is not written twice.',
    );
  addKeyOptions(addAnchorOption(addStoreOptions(addSourceOptions(command))), false)
    .option('--run-id <id>', 'run id (A-Z a-z 0-9 . _ : -); default run-<start time>. Reuse it to finish an interrupted run')
    .option('--params <file>', 'JSON file of rule parameters, {"<rule id>": {"<parameter>": value}}')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a recorded rule of this severity or worse is FAIL or NOT VERIFIED (for pipelines; the evidence is recorded either way)').choices([...SEVERITIES]))
    .option(
      '--security-hub',
      "also import the recorded findings into the Security Hub of the account running art32 (ASFF, one finding per account + rule, updated each run; passing ones RESOLVED). Needs securityhub:BatchImportFindings and BatchUpdateFindings; see docs/integrations.md",
    )
    .addOption(
      new Option('--format <format>', 'output: table (a summary per account), json (the recorded runs), csv (the recorded records, the columns of history --format csv), ocsf (the recorded findings as OCSF 1.8.0 Compliance Findings)')
        .choices(['table', 'json', 'csv', 'ocsf'])
        .default('table'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ art32 collect --scenario france-travail
  $ art32 collect --source ./exports/prod --data-dir ./evidence
  $ art32 collect --scenario compliant --table art32-evidence     # real DynamoDB table (deployed stack)
  $ art32 collect --scenario compliant --run-id run-42             # retry-safe: same id = same run

Then: art32 runs · art32 history --account ID --rule auth.password-strength · art32 verify · art32 export`,
    )
    .action(async (options: CollectOptions, cmd: Command) => {
      const now = new Date();
      const runId = options.runId ?? defaultRunId(now);
      const fileParameters = options.params ? await readParametersFile(options.params) : undefined;
      await withStore(options, async (open) => {
        // A run id names one collection. Reusing it (to finish an interrupted run) must reuse
        // that collection's time, or the same id would seal two different dated runs.
        const earlier = options.runId !== undefined ? await recordedCollectionTimes(open.store, runId) : new Map<string, string>();
        const raw: RawSourceOptions = { ...options };
        // A scenario is "collected" now unless told otherwise, so two demo runs are two dated runs.
        if (raw.scenario !== undefined && raw.collectedAt === undefined) {
          raw.collectedAt = [...earlier.values()][0] ?? new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
        }
        const source = sourceOptionsFrom(raw);
        const out: string[] = [];
        // Evaluate every account first, then check each account's chain order: a collect that
        // is refused (older than a sealed run) writes nothing at all, for any account.
        const prepared = [];
        for await (const resolved of resolveSnapshots(source)) {
          const { snapshot } = resolved;
          const recordedAt = earlier.get(snapshot.account.id);
          if (recordedAt !== undefined && Date.parse(recordedAt) !== Date.parse(snapshot.collectedAt)) {
            throw new CliError(
              `run ${runId} already holds account ${snapshot.account.id} collected at ${recordedAt}; this collection is dated ${snapshot.collectedAt}. ` +
                `Finish that run with --collected-at ${recordedAt}, or record a new run (omit --run-id).`,
            );
          }
          const context = await previousContext(open.store, snapshot.account.id, { collectedAt: snapshot.collectedAt, runId });
          const findings = evaluateRules(RULES, snapshot, { parameters: mergeParameters(resolved.parameters, fileParameters), context });
          const [first] = buildRunRecords({ snapshot, findings, runId });
          prepared.push({ resolved, snapshot, findings, key: { collectedAt: first?.collectedAt ?? snapshot.collectedAt, runId } });
        }
        const accounts = prepared.length;
        const plans = [];
        for (const p of prepared) plans.push(await planRun(open.store, p.snapshot.account.id, p.key));
        // The sealer's key (the local key pair is created on first use) only once nothing refused the run.
        const sealer = await sealerFor(open, options);
        const recorded: { label: string; result: RecordRunResult }[] = [];
        // Who collects (STS caller with AWS credentials, else user@host): recorded beside each run for the audit document.
        const collectedBy = await collectorIdentity(options, open.mode === 'aws');
        for (const [i, { resolved, snapshot, findings }] of prepared.entries()) {
          const plan = plans[i];
          // The collection context is written before the seal, so the signed manifest covers it (version 2).
          const beforeSeal = (records: readonly EvidenceRecord[]) =>
            recordCollectionContext(open.store, { snapshot, records, collectedBy: { ...collectedBy, ...assumedRoleOf(options, snapshot.account.id) }, argv: commandLine(cmd), rules: RULES });
          const result = await recordRun({ store: open.store, sealer, snapshot, findings, runId, beforeSeal, ...(plan ? { plan } : {}) });
          recorded.push({ label: resolved.label, result });
          for (const closed of result.closed) out.push(closedLine(closed));
          out.push(summaryLine(resolved.label, snapshot.account.id, snapshot.account.alias, result));
          for (const n of resolved.notes) out.push(`    note: ${terminalText(n)}`);
        }
        if (accounts === 0) throw new CliError('the source yielded no account to collect');
        if (options.securityHub) out.push(await importRecorded(recorded.map((r) => r.result), options.region));
        // The evidence is recorded whatever the verdict: the exit code only tells a pipeline what it holds.
        const verdict = collectVerdict(recorded.map((r) => r.result), options.failOn);
        if (verdict) {
          process.stderr.write(`${terminalText(verdict.message, 2000)}\n`);
          process.exitCode = verdict.code;
        }
        if (options.format === 'json') {
          const runs = recorded.map(({ label, result }) => ({ label, manifest: result.manifest, written: result.written, alreadyPresent: result.alreadyPresent, resumed: result.resumed, closed: result.closed, records: result.records }));
          process.stdout.write(`${JSON.stringify({ runId, store: open.description, runs }, null, 2)}\n`);
          return;
        }
        if (options.format === 'csv') {
          // Intact: the sealer of this very collect read each record back, checked it and signed the manifest listing it.
          const sealed = recorded.flatMap(({ result }) => result.records.filter((r) => result.manifest.records.some((e) => e.hash === r.hash)).map((r) => ({ ...r, integrity: { intact: true as const } })));
          process.stdout.write(historyCsv(sealed));
          return;
        }
        if (options.format === 'ocsf') {
          const inputs = recorded.flatMap(({ result }) => result.records.map((r) => ocsfInputFromRecord(r, result.manifest.hash)));
          process.stdout.write(`${JSON.stringify(toOcsfComplianceFindings(inputs), null, 2)}\n`);
          return;
        }
        out.push(`run ${runId} · evidence in ${open.description}`);
        out.push(`next: art32 runs${open.mode === 'aws' ? ` --table ${open.store.tableName}` : ''} · art32 verify · art32 history --account ID --rule RULE_ID`);
        process.stdout.write(`${out.join('\n')}\n`);
      }, 'write');
    });
}

/** The command line as given (after node and the script): commander keeps it on the program as rawArgs (untyped). */
function commandLine(cmd: Command): string[] {
  const raw = (cmd.parent as unknown as { rawArgs?: unknown } | null)?.rawArgs;
  return Array.isArray(raw) ? raw.slice(2).map(String) : [];
}

/** The role a live collection assumed in the audited account (--role-arn, or --role-name in each account). */
function assumedRoleOf(options: CollectOptions, accountId: string): { assumedRole?: string } {
  if (!options.live) return {};
  if (options.roleArn) return { assumedRole: options.roleArn };
  if (options.roleName) return { assumedRole: `arn:aws:iam::${accountId}:role/${options.roleName}` };
  return {};
}

/**
 * Exit 5 when an account's collection failed (its run records the failure: nothing was read),
 * else exit 1 when a recorded rule at or above `--fail-on` is FAIL or NOT VERIFIED, like scan.
 */
export function collectVerdict(results: readonly RecordRunResult[], failOn: Severity | undefined): { code: number; message: string } | undefined {
  const failed = results.filter((r) => r.manifest.collectionFailed);
  if (failed.length > 0) {
    const which = failed.map((r) => `${r.manifest.accountId} (${r.manifest.collectionFailed?.operation}: ${r.manifest.collectionFailed?.code})`);
    return { code: EXIT.COLLECTION_FAILED, message: `collection failed for ${failed.length} account(s), recorded as evidence of the failure: ${which.join(', ')}` };
  }
  if (!failOn) return undefined;
  const rank = (s: string) => SEVERITIES.length - SEVERITIES.indexOf(s as Severity);
  const failing = results.flatMap((r) => r.records).filter((rec) => (rec.status === 'FAIL' || rec.status === 'ERROR') && rank(rec.severity) >= rank(failOn));
  if (failing.length === 0) return undefined;
  const ids = [...new Set(failing.map((f) => `${f.ruleId} (${f.status === 'ERROR' ? 'NOT VERIFIED' : f.status}, ${f.severity})`))];
  return { code: EXIT.FINDINGS, message: `${failing.length} recorded finding(s) at or above --fail-on ${failOn}: ${ids.join(', ')}` };
}

/** An interrupted earlier run this collect closed before its own. */
function closedLine(c: ClosedRun): string {
  return terminalText(closedText(c));
}

function closedText(c: ClosedRun): string {
  return c.status === 'complete'
    ? `account ${c.accountId} · interrupted run ${c.runId} (${c.collectedAt}) resumed and sealed: ${c.recordCount} record(s), ${c.written} item(s) written`
    : `account ${c.accountId} · interrupted run ${c.runId} (${c.collectedAt}) sealed INCOMPLETE: ${c.recordCount} of ${c.expectedRecords} record(s) — ${c.reason ?? ''}`;
}

function summaryLine(label: string, accountId: string, alias: string | undefined, result: RecordRunResult): string {
  const counts = new Map<Status, number>();
  for (const r of result.records) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const statuses = STATUS_ORDER.filter((s) => counts.has(s)).map((s) => `${s} ${counts.get(s)}`);
  const written = result.resumed
    ? `resumed: finished with the records it was opened with; ${result.written} item(s) written`
    : result.alreadyPresent > 0 && result.written === 0
      ? 'already recorded (retry: nothing written)'
      : `${result.written} item(s) written${result.alreadyPresent ? `, ${result.alreadyPresent} already present` : ''}`;
  return [
    terminalText(`account ${accountId}${alias ? ` (${alias})` : ''} · ${label} · collected ${result.manifest.collectedAt}`),
    `    ${pad(`${result.records.length} records:`, 12)} ${statuses.join(' · ')}`,
    ...notableRecords(result),
    `    ${written}; sealed by manifest ${result.manifest.hash.slice(0, 16)}… (chain ${result.manifest.previous ? `→ ${result.manifest.previous.runId}` : 'start'})`,
  ].join('\n');
}

/** Account id → collection time of what a run id already recorded (run headers, one Query on byRun). */
async function recordedCollectionTimes(store: EvidenceStore, runId: string): Promise<Map<string, string>> {
  const times = new Map<string, string>();
  for (const item of await store.runItems(runId)) {
    if (item.type === 'RUN' && typeof item.accountId === 'string' && typeof item.collectedAt === 'string') times.set(item.accountId, item.collectedAt);
  }
  return times;
}

const NOTABLE: Status[] = ['FAIL', 'ERROR', 'WARN'];
const MAX_NOTABLE_LINES = 25;

/** One line per rule that did not pass (worst first), so the run's outcome is readable without a second command. */
function notableRecords(result: RecordRunResult): string[] {
  const notable = result.records
    .filter((r) => NOTABLE.includes(r.status))
    .sort((a, b) => NOTABLE.indexOf(a.status) - NOTABLE.indexOf(b.status) || a.ruleId.localeCompare(b.ruleId));
  const lines = notable.slice(0, MAX_NOTABLE_LINES).map((r) => {
    const message = terminalText(r.message, 110);
    return `      ${pad(r.status === 'ERROR' ? 'NOT VERIFIED' : r.status, 13)}${pad(r.ruleId, 34)}${message}`;
  });
  if (notable.length > MAX_NOTABLE_LINES) lines.push(`      … and ${notable.length - MAX_NOTABLE_LINES} more (art32 history / art32 report)`);
  return lines;
}
