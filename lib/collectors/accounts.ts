/**
 * Many accounts in one run: which accounts (the caller's, a role ARN, a list, or every
 * ACTIVE account of the organisation), how to reach them (STS AssumeRole with a named
 * session `art32-<account>`, ExternalId, refreshed credentials), and bounded concurrency.
 *
 * Isolation: an account that cannot be reached (AssumeRole AccessDenied, missing role,
 * disabled region) still yields a snapshot — with a collection error for every section,
 * so every rule says ERROR for it — and the other accounts complete.
 */
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SECTION_NAMES, type AccountSnapshot, type CollectionError } from '../snapshot';
import { TOOL_VERSION } from '../version';
import { ApiCallCounter, attachApiCallCounter, mergeCounts, type CallCounts } from './api-calls';
import { accountOfRoleArn, assumeRoleProvider, partitionOf } from './assume-role';
import { baseClientConfig, createCollectorClients, type ClientSettings } from './clients';
import type { ActivityCollection } from './activity';
import { collectAccount } from './collect-account';
import { collectionError } from './errors';
import { createS3LogReader } from './s3-log-reader';
import type { CollectOptions, CollectorClients } from './types';

export interface AccountTarget {
  accountId: string;
  /** Role to assume; absent = the caller's own credentials (its own account). */
  roleArn?: string;
  name?: string;
}

export interface LiveSelection {
  region: string;
  profile?: string;
  maxAttempts?: number;
  /** Collect these accounts through `roleName` (the caller's own account uses its own credentials). */
  accountIds?: string[];
  /** Collect every ACTIVE account of the organisation through `roleName`. */
  org?: boolean;
  roleName?: string;
  /** Collect the one account of this role. */
  roleArn?: string;
  externalId?: string;
}

export interface LiveRunOptions extends LiveSelection {
  concurrency?: number;
  options?: Partial<CollectOptions>;
  /** CloudTrail activity to read in every account (see collectAccount's `activity`). */
  activity?: ActivityCollection;
  now?: Date;
  /** Called as each account completes (the CLI prints progress from it). */
  onAccountDone?: (outcome: AccountOutcome, done: number, total: number) => void;
  /** Injection points (tests, the Lambda): clients for one account, the caller's STS and Organizations clients. */
  makeClients?: (settings: ClientSettings, target: AccountTarget | undefined) => CollectorClients;
  sts?: STSClient;
  organizations?: OrganizationsClient;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => Date;
}

export interface AccountOutcome {
  accountId: string;
  snapshot: AccountSnapshot;
  ok: boolean;
  calls: CallCounts;
  attempts: number;
  durationMs: number;
}

export interface SkippedAccount {
  accountId: string;
  name?: string;
  reason: string;
}

export interface LiveRunResult {
  outcomes: AccountOutcome[];
  snapshots: AccountSnapshot[];
  skipped: SkippedAccount[];
  /** Calls per operation over all accounts, including the run's own (ListAccounts, AssumeRole…). */
  apiCalls: CallCounts;
  totalCalls: number;
  totalAttempts: number;
  durationMs: number;
}

export const DEFAULT_CONCURRENCY = 4;

export class LiveSelectionError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'LiveSelectionError';
  }
}

/** Which accounts to collect, and through which role. */
export async function resolveTargets(
  selection: LiveSelection,
  sts: STSClient,
  organizations: () => OrganizationsClient,
): Promise<{ targets: Array<AccountTarget | undefined>; skipped: SkippedAccount[] }> {
  const { roleArn, roleName } = selection;
  if (roleArn) {
    const accountId = accountOfRoleArn(roleArn);
    if (!accountId) throw new LiveSelectionError(`--role-arn "${roleArn}" is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)`);
    if (selection.org || selection.accountIds?.length) throw new LiveSelectionError('--role-arn names one account; use --role-name with --org or --account-ids');
    return { targets: [{ accountId, roleArn }], skipped: [] };
  }
  if (!selection.org && !selection.accountIds?.length) return { targets: [undefined], skipped: [] }; // the caller's account
  if (!roleName) throw new LiveSelectionError(`${selection.org ? '--org' : '--account-ids'} needs --role-name (the role art32 assumes in each account)`);
  const caller = await sts.send(new GetCallerIdentityCommand({}));
  const partition = partitionOf(caller.Arn ?? 'arn:aws:');
  const through = (accountId: string, name?: string): AccountTarget =>
    accountId === caller.Account
      ? { accountId, ...(name ? { name } : {}) }
      : { accountId, roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`, ...(name ? { name } : {}) };

  if (selection.org) {
    const targets: AccountTarget[] = [];
    const skipped: SkippedAccount[] = [];
    for await (const page of paginateListAccounts({ client: organizations() }, {})) {
      for (const account of page.Accounts ?? []) {
        if (!account.Id) continue;
        const state = (account as { State?: string }).State ?? account.Status;
        if (state === 'ACTIVE') targets.push(through(account.Id, account.Name));
        else skipped.push({ accountId: account.Id, ...(account.Name ? { name: account.Name } : {}), reason: `organisation account is ${state}` });
      }
    }
    return { targets, skipped };
  }
  const ids = [...new Set(selection.accountIds ?? [])];
  const bad = ids.filter((id) => !/^\d{12}$/.test(id));
  if (bad.length) throw new LiveSelectionError(`--account-ids: not 12-digit account ids: ${bad.join(', ')}`);
  return { targets: ids.map((id) => through(id)), skipped: [] };
}

/** Collect every selected account, at most `concurrency` at a time. */
export async function collectAccounts(run: LiveRunOptions): Promise<LiveRunResult> {
  const started = Date.now();
  const runCounter = new ApiCallCounter();
  const base: ClientSettings = { region: run.region, profile: run.profile, maxAttempts: run.maxAttempts };
  const sts = attachApiCallCounter(run.sts ?? new STSClient(baseClientConfig(base)), runCounter);
  const organizations = () => attachApiCallCounter(run.organizations ?? new OrganizationsClient(baseClientConfig(base)), runCounter);
  const { targets, skipped } = await resolveTargets(run, sts, organizations);
  const makeClients =
    run.makeClients ??
    ((settings: ClientSettings) => ({
      ...createCollectorClients(settings),
      ...(run.activity?.source === 's3' ? { s3LogReader: createS3LogReader(settings) } : {}),
    }));

  const outcomes: AccountOutcome[] = new Array(targets.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index];
      const outcome = await collectTarget(run, base, sts, target, makeClients);
      outcomes[index] = outcome;
      done++;
      run.onAccountDone?.(outcome, done, targets.length);
    }
  };
  const concurrency = Math.max(1, Math.min(run.concurrency ?? DEFAULT_CONCURRENCY, targets.length));
  await Promise.all(Array.from({ length: concurrency }, worker));

  const apiCalls = mergeCounts(runCounter.calls(), ...outcomes.map((o) => o.calls));
  return {
    outcomes,
    snapshots: outcomes.map((o) => o.snapshot),
    skipped,
    apiCalls,
    totalCalls: Object.values(apiCalls).reduce((a, b) => a + b, 0),
    totalAttempts: runCounter.totalAttempts() + outcomes.reduce((a, o) => a + o.attempts, 0),
    durationMs: Date.now() - started,
  };
}

async function collectTarget(
  run: LiveRunOptions,
  base: ClientSettings,
  sts: STSClient,
  target: AccountTarget | undefined,
  makeClients: NonNullable<LiveRunOptions['makeClients']>,
): Promise<AccountOutcome> {
  const started = Date.now();
  const counter = new ApiCallCounter();
  const sourceName = `${run.profile ?? 'live'}@${run.region}${target?.roleArn ? ` via ${target.roleArn}` : ''}`;
  let snapshot: AccountSnapshot;
  try {
    let credentials: ClientSettings['credentials'];
    if (target?.roleArn) {
      const provider = assumeRoleProvider({
        sts,
        roleArn: target.roleArn,
        sessionName: `art32-${target.accountId}`,
        ...(run.externalId ? { externalId: run.externalId } : {}),
      });
      // Assume now, so that an unreachable account fails once, clearly, as sts:AssumeRole.
      try {
        await provider();
      } catch (error) {
        throw new UnreachableAccount(collectionError('passwordPolicy', 'sts:AssumeRole', error, run.region));
      }
      credentials = provider;
    }
    const settings: ClientSettings = { ...base, ...(credentials ? { credentials } : {}), counter };
    snapshot = await collectAccount({
      ...(target ? { accountId: target.accountId } : {}),
      clients: makeClients(settings, target),
      region: run.region,
      counter,
      sourceName,
      ...(run.options ? { options: run.options } : {}),
      ...(run.activity ? { activity: run.activity } : {}),
      ...(run.now ? { now: run.now } : {}),
      ...(run.sleep ? { sleep: run.sleep } : {}),
      ...(run.clock ? { clock: run.clock } : {}),
    });
  } catch (error) {
    if (!target) throw error; // the caller's own account: nothing else to isolate it from
    const cause = error instanceof UnreachableAccount ? error.cause : collectionError('passwordPolicy', 'collect', error, run.region);
    snapshot = unreachableSnapshot(target.accountId, cause, run, sourceName);
  }
  return {
    accountId: snapshot.account.id,
    snapshot,
    ok: snapshot.collectionErrors.length === 0,
    calls: counter.calls(),
    attempts: counter.totalAttempts(),
    durationMs: Date.now() - started,
  };
}

class UnreachableAccount extends Error {
  public constructor(public override readonly cause: CollectionError) {
    super(cause.message);
  }
}

/** A snapshot with no section and one collection error per section: every rule says ERROR. */
function unreachableSnapshot(accountId: string, cause: CollectionError, run: LiveRunOptions, sourceName: string): AccountSnapshot {
  return {
    schemaVersion: 1,
    account: { id: accountId },
    collectedAt: (run.now ?? run.clock?.() ?? new Date()).toISOString(),
    source: { kind: 'live', name: sourceName, toolVersion: TOOL_VERSION },
    collectionErrors: SECTION_NAMES.filter((s) => s !== 'activity').map((section) => ({ ...cause, section })),
    apiCalls: {},
  };
}
