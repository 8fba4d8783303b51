/**
 * `art32 verify`: recompute every hash, check every manifest signature against a trusted
 * public key, walk each manifest chain and compare it with the anchors (WORM copies of every
 * seal). Exit 0 intact, 3 tampering, 4 incomplete (interrupted run, unanchored seal), 6 a run in
 * progress (deployed: its execution holds the collection lock), 2 usage.
 */
import { Option, type Command } from 'commander';
import { verifyStore, type VerificationResult } from '../../evidence';
import { RunLock } from '../../evidence/run-lock';
import { separateRunInProgress, type RunInProgress } from '../../evidence/in-progress';
import { EXIT } from '../exit-codes';
import { CliError } from '../errors';
import { RegisterStore, verifyRegister } from '../../register/store';
import { registerView } from '../../register/view';
import { expiredRunNotes, retentionPolicy } from '../../evidence/retention';
import { renderRegisterVerification } from './register-items';
import { addAnchorOption, addKeyOptions, loadAnchors, verifierFor, type RawIntegrityOptions } from '../integrity-options';
import { addStoreOptions, requireAccountId, withStore, type RawStoreOptions } from '../store-options';
import { safeJson, terminalText } from '../../support/sanitize';

interface VerifyOptions extends RawStoreOptions, RawIntegrityOptions {
  account?: string;
  from?: string;
  expectHead?: string[];
  format: 'table' | 'json';
}

export function renderVerification(result: VerificationResult, where: string, inProgress?: RunInProgress): string {
  const lines: string[] = [];
  if (inProgress) {
    lines.push(
      `run ${terminalText(inProgress.runId)} is in progress (collection lock held since ${inProgress.acquiredAt}, lease until ${inProgress.leaseUntil}): ` +
        `${inProgress.accounts.length} account(s) not sealed yet — ${inProgress.accounts.join(', ')}`,
    );
  }
  for (const a of result.accounts) {
    lines.push(`account ${a.accountId}: ${a.runs} run(s), ${a.records} record(s), ${a.manifests} manifest(s) — ${a.problems.length ? `${a.problems.length} problem(s)` : 'OK'}${a.headHash ? ` · chain head ${a.headHash}` : ''}`);
    for (const p of a.problems) lines.push(`  ${p.kind}: ${terminalText(p.message)}`);
    for (const g of a.gaps) lines.push(`  gap (sealed incomplete, intact): run ${g.runId} (${g.collectedAt}) holds ${g.recordCount} of ${g.expectedRecords} record(s): ${terminalText(g.reason)}`);
    for (const note of expiredRunNotes(a.expired, terminalText)) lines.push(`  note: ${note}`);
  }
  for (const p of result.storeProblems ?? []) lines.push(`${p.kind}: ${terminalText(p.message)}`);
  const checked = [`signatures ${result.accounts.every((a) => a.signaturesChecked) ? 'checked' : 'NOT checked'}`, result.anchors ? `${result.anchors.count} anchor(s) in ${terminalText(result.anchors.store)}` : 'no anchors compared'];
  if (result.verdict === 'intact' && inProgress) {
    lines.push(`IN PROGRESS — no tampering found; the open runs of run ${terminalText(inProgress.runId)} are checked against their plan and sealed when it ends: run verify again then (${where}; ${checked.join('; ')})`);
  } else if (result.verdict === 'intact') lines.push(`verified: every record hash, manifest hash, signature and chain link matches (${where}; ${checked.join('; ')})`);
  else if (result.verdict === 'incomplete') lines.push(`INCOMPLETE — no tampering found, but: ${terminalText(result.firstProblem?.message)} (${checked.join('; ')})`);
  else lines.push(`NOT VERIFIED — first broken link: ${terminalText(result.firstProblem?.message)} (${checked.join('; ')})`);
  return `${lines.join('\n')}\n`;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(program: Command): void {
  const command = program
    .command('verify')
    .summary('check every hash, signature, chain link and anchor of the evidence (exit 3 tampering, 4 incomplete)')
    .description(
      'Recompute the SHA-256 of every record and manifest and compare every stored attribute with the hashed body; check each manifest ' +
        'signature with the trusted public key (the local key, --public-key FILE or --kms-key-id ARN); check each manifest lists exactly ' +
        'the records of its run and links to the previous manifest; compare the chains with the anchors (--anchors) and with --expect-head. ' +
        'Names each broken link. Exit 0 intact, 3 integrity problem (tampering), 4 incomplete (an interrupted run or an unanchored seal), 6 a run in progress, 2 usage.',
    );
  addKeyOptions(addAnchorOption(addStoreOptions(command)), true)
    .option('--account <id>', 'only this account (default: every account of the registry and of the anchors)')
    .option('--from <date>', 'check records of runs on or after this date (the chain is always walked whole)')
    .option('--expect-head <sha256>', 'a chain head kept elsewhere (e.g. from the weekly email); fails if the chain no longer contains it (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: VerifyOptions) => {
      const accountId = options.account !== undefined ? requireAccountId(options.account) : undefined;
      for (const head of options.expectHead ?? []) if (!/^[0-9a-f]{64}$/.test(head)) throw new CliError(`--expect-head "${head}" is not a SHA-256 hex digest (64 characters 0-9a-f)`, EXIT.USAGE);
      if (options.publicKey !== undefined && options.kmsKeyId !== undefined) throw new CliError('give --public-key FILE or --kms-key-id ARN, not both', EXIT.USAGE);
      await withStore(options, async (open) => {
        const verifier = await verifierFor(open, options);
        const anchors = await loadAnchors(open, options);
        // Evidence retention (#16): a record gone after the period in force when its run was
        // collected is expired, not deleted. The period comes from the register (its own chain, below).
        const registerItems = await new RegisterStore(open.client, open.store.tableName).items();
        const now = new Date().toISOString();
        const retention = { now, policyAt: (id: string, collectedAt: string) => retentionPolicy(registerView(registerItems, id, collectedAt)) };
        const checked = await verifyStore(open.store, {
          retention,
          ...(accountId ? { accountId } : {}),
          ...(options.from !== undefined ? { from: options.from } : {}),
          ...(verifier ? { verifier } : {}),
          ...(anchors ? { anchors } : {}),
          ...(options.expectHead ? { expectHeads: options.expectHead } : {}),
        });
        // Deployed: an open run of the execution that holds the collection lock is in progress,
        // not interrupted (lib/evidence/in-progress.ts). A Get of the lock item: still a read.
        const lock = await new RunLock({ doc: open.store.documentClient, tableName: open.store.tableName }).current();
        const { result, inProgress } = separateRunInProgress(checked, lock, new Date());
        if (result.accounts.length === 0) throw new CliError(`no evidence in ${open.description} — record a run with \`art32 collect\``, EXIT.USAGE);
        if (!verifier && result.accounts.some((a) => a.manifests > 0)) {
          throw new CliError(`${open.description} holds sealed runs but no signing key was found to check them (${open.mode === 'embedded' ? 'the local key directory is missing: ' : ''}give --public-key FILE)`, EXIT.INTEGRITY);
        }
        // The register (declarations, acceptances, plans, triage) has its own chain in the same table (#16).
        const register = await verifyRegister(new RegisterStore(open.client, open.store.tableName));
        process.stdout.write(
          options.format === 'json'
            ? `${safeJson({ ...result, ...(inProgress ? { inProgress } : {}), register }, 2)}\n`
            : `${renderVerification(result, open.description, inProgress)}${register.items ? renderRegisterVerification(register) : ''}`,
        );
        if (result.verdict !== 'intact') process.exitCode = result.verdict === 'incomplete' ? EXIT.INCOMPLETE : EXIT.INTEGRITY;
        else if (!register.ok) process.exitCode = EXIT.INTEGRITY;
        else if (inProgress) process.exitCode = EXIT.BUSY;
      });
    });
}
