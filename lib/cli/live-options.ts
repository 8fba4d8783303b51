/**
 * The `--live` source's flags (shared by every command through source-options.ts):
 * `--live [--profile P] [--region R] [--account-ids a,b | --org --role-name NAME]
 * [--role-arn ARN] [--external-id ID] [--concurrency N] [--max-attempts N]
 * [--activity lookup-events|s3://bucket/prefix [--activity-window 24h] [--activity-max-calls N]]`.
 * Credentials come from the SDK's default chain (AWS_PROFILE, env keys, SSO, instance role…);
 * `--profile` names one explicitly. Endpoints follow AWS_ENDPOINT_URL(_<SERVICE>).
 */
import type { Command } from 'commander';
import type { ActivityCollection } from '../collectors/activity';
import type { SourceOptions } from '../sources';
import { CliError } from './errors';
import { DEFAULT_ACTIVITY_MAX_CALLS } from '../activity/defaults';

export interface RawLiveOptions {
  live?: boolean;
  profile?: string;
  region?: string;
  accountIds?: string;
  org?: boolean;
  roleName?: string;
  roleArn?: string;
  externalId?: string;
  concurrency?: string;
  maxAttempts?: string;
  activity?: string;
  activityWindow?: string;
  activityMaxCalls?: string;
  collectedAt?: string;
}

export function addLiveOptions(command: Command): Command {
  return command
    .option('--live', 'collect from AWS now (default credential chain; see docs/live.md)')
    .option('--profile <name>', 'live: AWS profile to use (default: AWS_PROFILE or the default chain)')
    .option('--region <region>', 'live: region to collect from (default: AWS_REGION or the profile\'s region)')
    .option('--account-ids <ids>', 'live: comma-separated account ids, reached through --role-name')
    .option('--org', 'live: every ACTIVE account of the organisation, reached through --role-name')
    .option('--role-name <name>', 'live: role to assume in each member account (with --org or --account-ids)')
    .option('--role-arn <arn>', 'live: collect the one account of this role (STS AssumeRole)')
    .option('--external-id <id>', 'live: ExternalId for AssumeRole')
    .option('--concurrency <n>', 'live: accounts collected at once (default 4)')
    .option('--max-attempts <n>', 'live: attempts per AWS call, retries included, adaptive mode (default 6)')
    .option(
      '--activity <source>',
      'live: read CloudTrail activity for monitoring.abnormal-activity: "lookup-events" (management events, 2 calls/s) ' +
        'or s3://bucket/prefix of the trail\'s log files (data events too; needs s3:ListBucket/GetObject on that bucket)',
    )
    .option('--activity-window <duration>', 'live: how far back from the collection time --activity reads (e.g. 24h, 90m, 7d; default 24h)')
    .option('--activity-max-calls <n>', `live: LookupEvents call budget of --activity lookup-events (default ${DEFAULT_ACTIVITY_MAX_CALLS}, ≈ 0.5 s each)`);
}

const MAX_WINDOW_HOURS = 90 * 24;

/** `24h`, `90m`, `7d` → hours. */
function windowHours(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(m|h|d)$/.exec(text.trim());
  const hours = m ? Number(m[1]) * { m: 1 / 60, h: 1, d: 24 }[m[2] as 'm' | 'h' | 'd'] : NaN;
  if (!(hours > 0 && hours <= MAX_WINDOW_HOURS)) {
    throw new CliError(`--activity-window "${text}" must be a duration like 24h, 90m or 7d, more than 0 and at most 90d (LookupEvents keeps 90 days)`);
  }
  return hours;
}

/** `--activity` and its companions → collectAccount's `activity` option (undefined: not read). */
export function activityFrom(raw: RawLiveOptions): ActivityCollection | undefined {
  if (raw.activity === undefined) {
    const orphan = raw.activityWindow !== undefined ? '--activity-window' : raw.activityMaxCalls !== undefined ? '--activity-max-calls' : undefined;
    if (orphan) throw new CliError(`${orphan} needs --activity lookup-events or --activity s3://bucket/prefix`);
    return undefined;
  }
  const window = raw.activityWindow !== undefined ? { windowHours: windowHours(raw.activityWindow) } : {};
  if (raw.activity === 'lookup-events') {
    const maxCalls = positiveInt(raw.activityMaxCalls, '--activity-max-calls', 100_000);
    return { source: 'lookup-events', ...window, ...(maxCalls ? { maxCalls } : {}) };
  }
  if (/^s3:\/\/[^/]+/.test(raw.activity)) {
    if (raw.activityMaxCalls !== undefined) throw new CliError('--activity-max-calls applies to --activity lookup-events (S3 log files are listed, not looked up)');
    return { source: 's3', uri: raw.activity, ...window };
  }
  throw new CliError(`--activity "${raw.activity}": expected lookup-events or s3://bucket/prefix of the trail's log files`);
}

function positiveInt(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`${flag} "${value}" must be an integer from 1 to ${max}`);
  return n;
}

/** Live-only flags given without `--live` are a usage error rather than silently ignored. */
export function liveFlagsWithoutLive(raw: RawLiveOptions): string[] {
  const flags: Array<[keyof RawLiveOptions, string]> = [
    ['profile', '--profile'], ['accountIds', '--account-ids'], ['org', '--org'], ['roleName', '--role-name'],
    ['roleArn', '--role-arn'], ['externalId', '--external-id'], ['concurrency', '--concurrency'], ['maxAttempts', '--max-attempts'],
    ['activity', '--activity'], ['activityWindow', '--activity-window'], ['activityMaxCalls', '--activity-max-calls'],
  ];
  return raw.live ? [] : flags.filter(([k]) => raw[k] !== undefined).map(([, f]) => f);
}

export function liveSourceOptionsFrom(raw: RawLiveOptions): Extract<SourceOptions, { kind: 'live' }> {
  if (raw.org && raw.accountIds) throw new CliError('choose --org or --account-ids, not both');
  if ((raw.org || raw.accountIds) && !raw.roleName) throw new CliError(`${raw.org ? '--org' : '--account-ids'} needs --role-name (the role to assume in each account)`);
  if (raw.roleArn && (raw.org || raw.accountIds)) throw new CliError('--role-arn names one account; use --role-name with --org or --account-ids');
  const accountIds = raw.accountIds?.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = accountIds?.filter((id) => !/^\d{12}$/.test(id)) ?? [];
  if (bad.length) throw new CliError(`--account-ids: not 12-digit account ids: ${bad.join(', ')}`);
  const concurrency = positiveInt(raw.concurrency, '--concurrency', 64);
  const maxAttempts = positiveInt(raw.maxAttempts, '--max-attempts', 20);
  const activity = activityFrom(raw);
  const tty = Boolean(process.stderr.isTTY);
  return {
    kind: 'live',
    region: raw.region ?? '',
    ...(raw.profile ? { profile: raw.profile } : {}),
    ...(accountIds ? { accountIds } : {}),
    ...(raw.org ? { org: true } : {}),
    ...(raw.roleName ? { roleName: raw.roleName } : {}),
    ...(raw.roleArn ? { roleArn: raw.roleArn } : {}),
    ...(raw.externalId ? { externalId: raw.externalId } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(maxAttempts ? { maxAttempts } : {}),
    ...(activity ? { activity } : {}),
    ...(raw.collectedAt ? { collectedAt: raw.collectedAt } : {}),
    reporter: {
      // Progress only for someone watching; the summary always (stderr keeps stdout for results).
      ...(tty ? { progress: (line: string) => process.stderr.write(`${line}\n`) } : {}),
      summary: (line: string) => process.stderr.write(`${line}\n`),
    },
  };
}
