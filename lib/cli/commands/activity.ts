/**
 * `art32 activity`: read CloudTrail activity (trail log files from a directory or an S3
 * prefix, or live LookupEvents), aggregate it per principal, print the table or JSON, and
 * judge it with `monitoring.abnormal-activity`. Records nothing.
 */
import { parseStrictIsoDate } from '../../support/strict-date';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { ActivityAggregator, DEFAULT_TIME_ZONE, InvalidTimeZoneError, readLogDirectory, readLookupEvents, readS3Prefix, sectionMetrics, type ReadProgress } from '../../activity';
import rule, { judgeActivity } from '../../rules/monitoring/abnormal-activity';
import { stat } from 'node:fs/promises';
import { DEFAULT_ACTIVITY_MAX_CALLS } from '../../activity/defaults';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { csvLine, safeJson, terminalText } from '../../support/sanitize';

interface ActivityOptions {
  logs?: string;
  s3?: string;
  live?: boolean;
  region?: string;
  window: string;
  end?: string;
  tz: string;
  format: string;
  maxCalls: string;
  workers?: string;
}

/** `24h`, `90m`, `7d` → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(m|h|d)$/.exec(text.trim());
  if (!m) throw new CliError(`invalid --window "${text}": expected a duration like 24h, 90m or 7d`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

/** One line on a terminal, rewritten as files complete; a newline once the read is done. */
function showProgress(p: ReadProgress): void {
  const found = p.listingDone ? `${p.filesFound}` : `${p.filesFound}+`;
  const failed = p.filesFailed ? `, ${p.filesFailed} failed` : '';
  process.stderr.write(`\rreading log files: ${p.filesDone}/${found} files, ${p.eventsRead.toLocaleString('en-US')} events${failed}${p.finished ? '\n' : ''}`);
}

export function register(program: Command): void {
  program
    .command('activity')
    .description(
      'Aggregate CloudTrail activity per principal (calls, error/denied rate, data read, off-hours, distinct resources) from trail ' +
        'log files (--logs DIR or --s3 s3://bucket/prefix, which include data events) or live LookupEvents (--live, management events ' +
        'only), and judge it with monitoring.abnormal-activity. Prints; records nothing. See docs/activity.md.',
    )
    .option('--logs <dir>', 'directory of CloudTrail log files (.json.gz / .json, recursive)')
    .option('--s3 <url>', 'S3 prefix of a trail, e.g. s3://trail-bucket/AWSLogs/111122223333/CloudTrail/')
    .option('--live', 'read CloudTrail LookupEvents now (default credential chain)')
    .option('--region <region>', 'AWS region for --live / --s3 (default: AWS_REGION)')
    .option('--window <duration>', 'how far back from --end to read (e.g. 24h, 7d)', '24h')
    .option('--end <iso-date>', 'end of the window (default: now)')
    .option('--tz <zone>', 'IANA time zone for hours and days', DEFAULT_TIME_ZONE)
    .option('--format <format>', 'table, json or csv (one row per principal)', 'table')
    .option('--max-calls <n>', `--live: LookupEvents call budget (2 calls/s; the same default as collect --activity-max-calls)`, String(DEFAULT_ACTIVITY_MAX_CALLS))
    .option('--workers <n>', '--logs / --s3: worker threads reading files (default: available cores; 1 = in-process)')
    .action(async (options: ActivityOptions) => {
      const chosen = [options.logs, options.s3, options.live].filter(Boolean).length;
      if (chosen !== 1) throw new CliError('give exactly one of --logs DIR, --s3 s3://bucket/prefix or --live');
      if (!['table', 'json', 'csv'].includes(options.format)) throw new CliError(`invalid --format "${options.format}": expected table, json or csv`);
      if (options.end !== undefined && parseStrictIsoDate(options.end) === undefined) throw new CliError(`--end "${options.end}" is not a valid ISO-8601 date (impossible days such as 2026-02-30 are refused)`);
      const end = options.end ? new Date(options.end) : new Date();
      if (Number.isNaN(end.getTime())) throw new CliError(`invalid --end "${options.end}": expected an ISO-8601 date`);
      const start = new Date(end.getTime() - parseDuration(options.window));
      let aggregator: ActivityAggregator;
      try {
        aggregator = new ActivityAggregator({ window: { start, end }, timeZone: options.tz });
      } catch (error) {
        if (error instanceof InvalidTimeZoneError) throw new CliError(`invalid --tz: ${error.message}`);
        throw error;
      }
      const region = options.region ?? process.env.AWS_REGION;
      const workers = options.workers === undefined ? undefined : Number(options.workers);
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new CliError(`invalid --workers "${options.workers}": expected a whole number ≥ 1`);
      const reading = { ...(workers === undefined ? {} : { workers }), ...(process.stderr.isTTY ? { progress: showProgress } : {}) };
      if (options.logs) {
        // A missing or mistyped directory is bad input, not an empty (and "fully covered") day.
        const info = await stat(options.logs).catch(() => undefined);
        if (!info?.isDirectory()) throw new CliError(`--logs ${options.logs}: ${info ? 'not a directory' : 'no such directory'}`, EXIT.USAGE);
        await readLogDirectory(options.logs, aggregator, reading);
      }
      else if (options.s3) await readS3Prefix(new S3Client(region ? { region } : {}), options.s3, aggregator, reading);
      else {
        // maxAttempts 1: our own limiter and retries account for every call.
        const client = new CloudTrailClient({ ...(region ? { region } : {}), maxAttempts: 1 });
        await readLookupEvents(client, aggregator, { maxCalls: Number(options.maxCalls), location: `cloudtrail:LookupEvents@${region ?? 'default'}` });
      }
      const section = aggregator.finish();
      const finding = judgeActivity(section, rule.parameters.parse({}));
      if (options.format === 'json') {
        process.stdout.write(`${safeJson({ activity: section, finding: { ruleId: rule.id, ...finding } }, 2)}\n`);
        return;
      }
      const flagged = new Set(finding.resources);
      const rows = sectionMetrics(section).sort((a, b) => b.calls - a.calls);
      if (options.format === 'csv') {
        const header = ['principal', 'calls', 'error_rate', 'denied_error_rate', 'data_read_bytes_per_day', 'data_read_records_per_day', 'off_hours_share', 'distinct_resources', 'flagged'];
        const flaggedNow = (principal: string) => flagged.has(principal) && finding.status !== 'PASS';
        const body = rows.map((m) => csvLine([m.principal, m.calls, m.errorRate, m.deniedErrorRate, m.dataReadBytesPerDay, m.dataReadRecordsPerDay, m.offHoursShare, m.distinctResources, flaggedNow(m.principal) ? 'true' : 'false']));
        process.stdout.write(`${[csvLine(header), ...body].join('\n')}\n`);
        if (finding.status === 'FAIL') process.exitCode = EXIT.FINDINGS;
        return;
      }
      const lines = [
        `window ${section.window.start} – ${section.window.end} (${section.timeZone}); ${section.totals.events} events, ${section.totals.principals} principals; coverage ${pct(section.coverage)}${section.fileErrorCount ? `; ${section.fileErrorCount} file error(s)` : ''}`,
        ...section.fileErrors.slice(0, 5).map((e) => `  file error ${terminalText(e.code)}: ${terminalText(e.message, 300)}`),
        '',
        ['calls', 'errors', 'denied', 'read/day', 'records/day', 'off-hours', 'resources', 'principal'].map((h, i) => (i < 7 ? h.padStart(12) : `  ${h}`)).join(''),
        ...rows.map((m) =>
          [String(m.calls), pct(m.errorRate), pct(m.deniedErrorRate), mb(m.dataReadBytesPerDay), String(m.dataReadRecordsPerDay), pct(m.offHoursShare), String(m.distinctResources)]
            .map((v) => v.padStart(12))
            .join('') + `  ${flagged.has(m.principal) && finding.status !== 'PASS' ? '! ' : ''}${terminalText(m.principal)}`,
        ),
        '',
        `${finding.status} ${rule.id}: ${terminalText(finding.message)}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (finding.status === 'FAIL') process.exitCode = EXIT.FINDINGS;
    });
}
