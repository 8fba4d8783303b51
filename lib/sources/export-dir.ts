/**
 * The export-directory source: a folder of AWS CLI JSON outputs → one `AccountSnapshot`
 * (`source.kind = 'export'`). The exact commands are in `EXPORT_FILES` (and docs/exports.md);
 * `lib/sources/export-aws-cli.sh DIR` runs them all.
 *
 * Promises kept here:
 * - A missing file is NEVER read as "nothing there": its section stays absent and a
 *   collection error (`FileMissing`, operation = the file name) says why, so every rule
 *   that needs it reports ERROR. In particular a missing `password-policy.json` is not
 *   "no password policy": only the CLI's own `NoSuchEntity` error text in that file is.
 * - Every problem with one file (malformed JSON, a captured CLI error such as
 *   AccessDenied, an unexpected shape, a truncated listing) becomes a collection error
 *   for that file's section, naming the file and, for JSON, the line and column. The
 *   scan goes on for the other sections; nothing is built on the broken file.
 * - Problems that leave no account to talk about (directory missing or without any export
 *   file, account id nowhere to be found) throw `ExportDirError`.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { TOOL_VERSION } from '../version';
import {
  AccountSnapshot,
  SNAPSHOT_SCHEMA_VERSION,
  parseSnapshot,
  type CollectionError,
  type CredentialReport,
  type SectionName,
  type Trail,
  type TrailBucket,
} from '../snapshot';
import {
  ShapeError,
  authorizationDetailsFromAws,
  eventSelectorsFromAws,
  isoTimestamp,
  logGroupsFromAws,
  metricAlarmsFromAws,
  taggedResourcesFromAws,
  trailStatusFromAws,
} from './aws-shapes';
import { CredentialReportParseError, credentialReportFromCsv, decodeCredentialReportContent } from './parse-credential-report';
import { eventHistorySince, lookupEventsFromAws } from './event-history';
import { detectorFromAws, eventRulesFromAws, regionOfArn, targetsFromAws } from './threat-detection-files';
import { namesSecuritySource } from '../collectors/security-sources';
import { DEFAULT_COLLECT_OPTIONS } from '../collectors/types';
import { buildDataStores } from '../collectors/data-stores';
import { DATA_STORES_DIR, fileDataStoreAnswers } from './data-store-files';
import { arnTail, bucketPolicyFromAws, permissionSetFromAws, samlProvidersFromAws, samlRoleSessionsFromAws } from './federation-files';
import { InputFileError, readInputFile } from '../support/input-files';
import { excerpt, terminalText } from '../support/sanitize';

/** One expected file: what produces it and what it feeds. */
export interface ExportFileSpec {
  file: string;
  /** The AWS CLI command whose stdout is the file (run with `--output json`, the default). */
  command: string;
  /** The snapshot section it feeds, or `account` for identity files. */
  section: SectionName | 'account';
  note?: string;
}

/**
 * The files of an export directory, in collection order. Per trail, two more files live
 * under `trails/` (see `TRAIL_FILES`).
 */
export const EXPORT_FILES: readonly ExportFileSpec[] = [
  { file: 'caller-identity.json', command: 'aws sts get-caller-identity', section: 'account', note: 'account id (required unless an ARN elsewhere names the account)' },
  { file: 'account-aliases.json', command: 'aws iam list-account-aliases', section: 'account', note: 'optional: the account alias' },
  {
    file: 'password-policy.json',
    command: 'aws iam get-account-password-policy 2>&1',
    section: 'passwordPolicy',
    note: 'when the account has no policy the CLI prints "An error occurred (NoSuchEntity) …" on stderr: keep that text in the file (hence 2>&1)',
  },
  {
    file: 'credential-report.json',
    command: 'aws iam generate-credential-report && aws iam get-credential-report',
    section: 'credentialReport',
    note: 'or credential-report.csv: the decoded CSV (its time is then --collected-at or the file time)',
  },
  { file: 'account-summary.json', command: 'aws iam get-account-summary', section: 'accountSummary' },
  { file: 'virtual-mfa-devices.json', command: 'aws iam list-virtual-mfa-devices', section: 'virtualMfaDevices' },
  { file: 'authorization-details.json', command: 'aws iam get-account-authorization-details', section: 'authorizationDetails' },
  { file: 'trails.json', command: 'aws cloudtrail describe-trails --include-shadow-trails', section: 'trails' },
  { file: 'log-groups.json', command: 'aws logs describe-log-groups', section: 'logGroups', note: 'in the region the trail delivers to' },
  { file: 'metric-filters.json', command: 'aws logs describe-metric-filters', section: 'logGroups', note: 'same region as log-groups.json' },
  { file: 'alarms.json', command: 'aws cloudwatch describe-alarms', section: 'metricAlarms', note: 'same region as log-groups.json' },
  {
    file: 'personal-data-resources.json',
    command: 'aws resourcegroupstaggingapi get-resources --tag-filters Key=data-classification',
    section: 'personalDataStores',
    note: 'every personal-data-resources*.json is merged (one per region or tag filter)',
  },
  // ---- second-wave rules (#17)
  {
    file: 'password-policy-changes.json',
    command: 'aws cloudtrail lookup-events --region us-east-1 --lookup-attributes AttributeKey=EventName,AttributeValue=UpdateAccountPasswordPolicy',
    section: 'passwordPolicyChanges',
    note: 'IAM events are recorded in us-east-1; event history covers the 90 days before the export',
  },
  {
    file: 'guardduty-detectors.json',
    command: 'aws guardduty list-detectors',
    section: 'guardDuty',
    note: 'plus guardduty/<DetectorId>.json from aws guardduty get-detector --detector-id <DetectorId>',
  },
  {
    file: 'securityhub-hub.json',
    command: 'aws securityhub describe-hub 2>&1',
    section: 'securityHub',
    note: 'when Security Hub is not enabled the CLI prints InvalidAccessException: keep that text (hence 2>&1)',
  },
  {
    file: 'event-rules.json',
    command: 'aws events list-rules',
    section: 'eventRules',
    note: 'plus event-rules/<Name>.targets.json (aws events list-targets-by-rule --rule <Name>) for enabled rules on aws.guardduty, aws.securityhub or aws.cloudtrail',
  },
  { file: 'saml-providers.json', command: 'aws iam list-saml-providers', section: 'samlFederation' },
  { file: 'roles.json', command: 'aws iam list-roles', section: 'samlFederation', note: 'MaxSessionDuration of the roles that trust a SAML provider' },
  {
    file: 's3-buckets.json',
    command: 'aws s3api list-buckets',
    section: 'trailBuckets',
    note:
      'which trail buckets this account owns; for each owned trail bucket trail-buckets/<bucket>.policy.json (get-bucket-policy), .object-lock.json (get-object-lock-configuration), ' +
      '.lifecycle.json (get-bucket-lifecycle-configuration), each with 2>&1 so that S3\'s "none" errors are kept',
  },
  {
    file: 'data-stores/regions.json',
    command: 'aws ec2 describe-regions',
    section: 'dataStores',
    note:
      'the data stores of the data.* rules: with s3-buckets.json, the per-bucket and per-Region files of data-stores/ listed in lib/sources/data-store-files.ts ' +
      '(S3 Block Public Access, policy status, policy, ACL, encryption, versioning; tags; DynamoDB; RDS; EBS; AWS Backup), written by lib/sources/export-aws-cli.sh',
  },
  {
    file: 'sso-instances.json',
    command: 'aws sso-admin list-instances',
    section: 'identityCenter',
    note:
      'in the IAM Identity Center region; plus sso/<instance id>.permission-sets.json (list-permission-sets --instance-arn) and, per permission set, ' +
      'sso/<ps id>.json (describe-permission-set), sso/<ps id>.managed-policies.json (list-managed-policies-in-permission-set), ' +
      'sso/<ps id>.inline-policy.json (get-inline-policy-for-permission-set), sso/<ps id>.customer-managed-policies.json (list-customer-managed-policy-references-in-permission-set)',
  },
];

/** Per-trail files, `<Name>` being the trail's `Name` from trails.json. */
export const TRAIL_FILES = {
  insightSelectors: {
    pattern: 'trails/<Name>.insight-selectors.json',
    command: 'aws cloudtrail get-insight-selectors --trail-name <TrailARN> --region <HomeRegion> 2>&1 (only when trails.json says HasInsightSelectors: true)',
  },
  status: { pattern: 'trails/<Name>.status.json', command: 'aws cloudtrail get-trail-status --name <TrailARN> --region <HomeRegion>' },
  eventSelectors: {
    pattern: 'trails/<Name>.event-selectors.json',
    command: 'aws cloudtrail get-event-selectors --trail-name <TrailARN> --region <HomeRegion>',
  },
} as const;

export interface ExportDirOptions {
  /** Explicit collection time (ISO-8601). Wins over the credential report time and file times. */
  collectedAt?: string;
}

export interface ExportDirResult {
  snapshot: AccountSnapshot;
  /** Things the user should know that are not errors (ignored files, assumptions made). */
  notes: string[];
}

/** The directory cannot be read as an export at all. */
export class ExportDirError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ExportDirError';
  }
}

/** A problem with one file, becoming a collection error of its section. */
/**
 * Live collection refuses a credential report older than this when it collects (it asks IAM for
 * a new one: lib/collectors/credential-report.ts); an export is held to the same limit, measured
 * against the export's own time.
 */
const CREDENTIAL_REPORT_MAX_AGE_MS = DEFAULT_COLLECT_OPTIONS.credentialReportMaxAgeMs;

/** Throw when the report was generated more than the live limit before the export's time. */
function refuseStaleReport(reportTime: string | undefined, exportTime: number | undefined, exportTimeFrom: string): void {
  if (reportTime === undefined || exportTime === undefined) return;
  const age = exportTime - Date.parse(reportTime);
  if (age <= CREDENTIAL_REPORT_MAX_AGE_MS) return;
  const days = Math.floor(age / 86_400_000);
  throw new FileProblem(
    'StaleCredentialReport',
    `credential-report.json was generated at ${reportTime}, ${days ? `${days} days` : `${Math.round(age / 3_600_000)} h`} before the export (${new Date(exportTime).toISOString()}, from ${exportTimeFrom}): ` +
      `older than ${CREDENTIAL_REPORT_MAX_AGE_MS / 3_600_000} h, which live collection refuses too. Export it again (aws iam generate-credential-report, then get-credential-report); ` +
      'if the directory was copied without its file times, pass --collected-at',
  );
}

class FileProblem extends Error {
  public constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `An error occurred (AccessDenied) when calling the GetAccountPasswordPolicy operation: …` as the CLI prints it. */
const CLI_ERROR = /An error occurred \(([A-Za-z0-9_.]+)\)(?: when calling the (\w+) operation)?(?: \(reached max retries: \d+\))?:\s*([^\n]*)/;

/** Line and column of a character offset, for JSON error messages. */
function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const where = position !== undefined ? ` at ${lineColumn(text, Number(position))}` : '';
    // V8's message quotes the text itself: the file's content is shown only as a marked, bounded excerpt.
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*$/s, '').replace(/^(Unexpected token) .*$/s, '$1');
    throw new FileProblem('InvalidJson', `${file} is not valid JSON${where}: ${terminalText(reason, 80)}; it starts with: ${excerpt(text, 120)}`);
  }
}

interface ReadFile {
  file: string;
  text: string;
  mtimeMs: number;
}

export async function loadExportDir(dir: string, options: ExportDirOptions = {}): Promise<ExportDirResult> {
  const root = path.resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new ExportDirError(`export directory ${dir} does not exist`);
  if (!info.isDirectory()) throw new ExportDirError(`${dir} is not a directory (--source expects a directory of AWS CLI outputs)`);
  if (options.collectedAt !== undefined && Number.isNaN(Date.parse(options.collectedAt))) {
    throw new ExportDirError(`--collected-at "${options.collectedAt}" is not an ISO-8601 date`);
  }

  const skipped: string[] = [];
  const present = new Set(await listFiles(root, skipped));
  const known = new Set(EXPORT_FILES.map((f) => f.file));
  known.add('credential-report.csv');
  const recognised = [...present].filter((f) => known.has(f) || /^personal-data-resources.*\.json$/.test(f) || /^trails\/.+\.(status|event-selectors|insight-selectors)\.json$/.test(f));
  if (recognised.length === 0) {
    throw new ExportDirError(
      `no AWS CLI export files in ${dir}: expected files such as ${EXPORT_FILES.slice(0, 4).map((f) => f.file).join(', ')} ` +
        '(run lib/sources/export-aws-cli.sh DIR, or see docs/exports.md)',
    );
  }

  const notes: string[] = [];
  if (skipped.length) notes.push(`not read (symbolic link, pipe or device, not a regular file): ${skipped.slice(0, 10).map((f) => terminalText(f, 80)).join(', ')}${skipped.length > 10 ? `, … (${skipped.length} in all)` : ''}`);
  const errors: CollectionError[] = [];
  const mtimes: number[] = [];
  const used = new Set<string>();

  const read = async (file: string): Promise<ReadFile | undefined> => {
    if (!present.has(file)) return undefined;
    used.add(file);
    const full = path.join(root, file);
    // No symbolic link, FIFO or device; size bounded before reading (lib/support/input-files).
    const [bytes, s] = await Promise.all([
      readInputFile(full, { label: file }).catch((error: unknown) => {
        throw error instanceof InputFileError ? new FileProblem(error.problem, error.message) : error;
      }),
      stat(full),
    ]);
    mtimes.push(s.mtimeMs);
    return { file, text: bytes.toString('utf8'), mtimeMs: s.mtimeMs };
  };

  /** Read a JSON file; a captured CLI error or bad JSON becomes a FileProblem. */
  const readJson = async (file: string): Promise<{ value: unknown; raw: ReadFile } | undefined> => {
    const raw = await read(file);
    if (!raw) return undefined;
    const trimmed = raw.text.trim();
    if (trimmed === '') {
      throw new FileProblem('EmptyFile', `${file} is empty: the command wrote nothing (did it fail? keep its error output in the file: \`… > ${file} 2>&1\`)`);
    }
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
      const cli = CLI_ERROR.exec(trimmed);
      if (cli) throw new FileProblem(cli[1] as string, `${file}: the AWS CLI reported ${cli[1]}${cli[2] ? ` on ${cli[2]}` : ''}: ${excerpt(cli[3] ?? '', 300)}`.trim());
    }
    return { value: parseJson(raw.text, file), raw };
  };

  /** Run one section's loader; a missing file or any problem becomes a collection error. */
  const section = async <T>(name: SectionName, files: string[], load: () => Promise<T | undefined>): Promise<T | undefined> => {
    try {
      const value = await load();
      if (value === undefined) {
        const missing = files.filter((f) => !present.has(f));
        errors.push({
          section: name,
          operation: missing.join(' | ') || (files[0] as string),
          code: 'FileMissing',
          message: `${missing.join(' or ') || files.join(', ')} not found in ${dir}: section "${name}" was not collected`,
        });
      }
      return value;
    } catch (error) {
      errors.push(toCollectionError(name, files, error));
      return undefined;
    }
  };

  const expect = <T>(value: unknown, file: string, key: string): T => {
    if (typeof value !== 'object' || value === null || !(key in value)) {
      throw new FileProblem('InvalidShape', `${file}: expected the AWS CLI output with "${key}", found ${describe(value)}`);
    }
    return (value as Record<string, unknown>)[key] as T;
  };

  // --- account identity
  let accountId: string | undefined;
  let alias: string | undefined;
  /**
   * The export's own time: when caller-identity.json was written. The export script runs
   * `aws sts get-caller-identity` first, so its modification time is the start of the export
   * (a copy must keep file times: `cp -a`, `tar`, `rsync -a`; else pass --collected-at).
   */
  let identityTime: number | undefined;
  try {
    const identity = await readJson('caller-identity.json');
    if (identity) identityTime = identity.raw.mtimeMs;
    if (identity) accountId = String(expect<string>(identity.value, 'caller-identity.json', 'Account'));
  } catch (error) {
    notes.push(`caller-identity.json unusable (${(error as Error).message}); the account id is taken from ARNs instead`);
  }
  try {
    const aliases = await readJson('account-aliases.json');
    if (aliases) alias = expect<string[]>(aliases.value, 'account-aliases.json', 'AccountAliases')[0];
  } catch (error) {
    notes.push(`account-aliases.json unusable: ${(error as Error).message}`);
  }

  // --- IAM
  const passwordPolicy = await section('passwordPolicy', ['password-policy.json'], async () => {
    try {
      const result = await readJson('password-policy.json');
      if (!result) return undefined;
      return expect<Record<string, unknown>>(result.value, 'password-policy.json', 'PasswordPolicy');
    } catch (error) {
      // The one answer that means "no custom policy": IAM's NoSuchEntity, as the CLI printed it.
      if (error instanceof FileProblem && error.code === 'NoSuchEntity') {
        notes.push('password-policy.json holds NoSuchEntity: the account has no password policy (the AWS default applies)');
        return null;
      }
      throw error;
    }
  });

  let reportTime: string | undefined;
  const credentialReport = await section('credentialReport', ['credential-report.json', 'credential-report.csv'], async (): Promise<CredentialReport | undefined> => {
    if (present.has('credential-report.json')) {
      if (present.has('credential-report.csv')) notes.push('both credential-report.json and credential-report.csv exist: the .json (with its GeneratedTime) is used');
      const result = await readJson('credential-report.json');
      if (!result) return undefined;
      const content = expect<string>(result.value, 'credential-report.json', 'Content');
      const generated = (result.value as { GeneratedTime?: unknown }).GeneratedTime;
      reportTime = isoTimestamp(generated, 'credential-report.json.GeneratedTime');
      refuseStaleReport(reportTime, options.collectedAt !== undefined ? Date.parse(options.collectedAt) : identityTime, options.collectedAt !== undefined ? '--collected-at' : 'caller-identity.json');
      const csv = decodeCredentialReportContent(content);
      return credentialReportFromCsv(csv, reportTime ?? options.collectedAt ?? new Date(result.raw.mtimeMs).toISOString());
    }
    const raw = await read('credential-report.csv');
    if (!raw) return undefined;
    const generated = options.collectedAt ?? new Date(raw.mtimeMs).toISOString();
    notes.push(`credential-report.csv carries no generation time: ${options.collectedAt ? '--collected-at' : 'the file modification time'} (${generated}) is used`);
    return credentialReportFromCsv(raw.text, generated);
  });

  const accountSummary = await section('accountSummary', ['account-summary.json'], async () => {
    const result = await readJson('account-summary.json');
    return result ? expect<Record<string, number>>(result.value, 'account-summary.json', 'SummaryMap') : undefined;
  });

  const virtualMfaDevices = await section('virtualMfaDevices', ['virtual-mfa-devices.json'], async () => {
    const result = await readJson('virtual-mfa-devices.json');
    if (!result) return undefined;
    rejectTruncated(result.value, 'virtual-mfa-devices.json');
    return expect<Record<string, unknown>[]>(result.value, 'virtual-mfa-devices.json', 'VirtualMFADevices').map((d, i) => {
      const out: Record<string, unknown> = { ...d };
      if (d.EnableDate !== undefined) out.EnableDate = isoTimestamp(d.EnableDate, `virtual-mfa-devices.json VirtualMFADevices[${i}].EnableDate`);
      return out;
    });
  });

  const authorizationDetails = await section('authorizationDetails', ['authorization-details.json'], async () => {
    const result = await readJson('authorization-details.json');
    if (!result) return undefined;
    rejectTruncated(result.value, 'authorization-details.json');
    return authorizationDetailsFromAws(result.value, 'authorization-details.json');
  });

  // --- CloudTrail
  const trails = await section('trails', ['trails.json'], async () => {
    const result = await readJson('trails.json');
    if (!result) return undefined;
    const list = expect<Record<string, unknown>[]>(result.value, 'trails.json', 'trailList');
    const out: Trail[] = [];
    for (const [i, t] of list.entries()) {
      if (typeof t.Name !== 'string' || typeof t.TrailARN !== 'string' || typeof t.HomeRegion !== 'string') {
        throw new FileProblem('InvalidShape', `trails.json: trailList[${i}] lacks Name, TrailARN or HomeRegion`);
      }
      const trail: Record<string, unknown> = { ...t };
      // A trail whose status or selectors file is missing keeps its settings; the part that
      // could not be read stays absent and is reported, so no rule can take it as given.
      const statusFile = `trails/${t.Name}.status.json`;
      const selectorsFile = `trails/${t.Name}.event-selectors.json`;
      await subPart('trails', statusFile, async () => {
        const s = await readJson(statusFile);
        if (s) trail.Status = trailStatusFromAws(s.value, statusFile);
        return s;
      });
      await subPart('trails', selectorsFile, async () => {
        const s = await readJson(selectorsFile);
        if (s) Object.assign(trail, eventSelectorsFromAws(s.value, selectorsFile));
        return s;
      });
      // Insights (#17): none when DescribeTrails says so; otherwise the get-insight-selectors file.
      if (t.HasInsightSelectors === false) trail.InsightSelectors = [];
      else if (t.HasInsightSelectors === true || present.has(`trails/${t.Name}.insight-selectors.json`)) {
        const insightsFile = `trails/${t.Name}.insight-selectors.json`;
        await subPart('trails', insightsFile, async () => {
          try {
            const s = await readJson(insightsFile);
            if (s) trail.InsightSelectors = expect<unknown[]>(s.value, insightsFile, 'InsightSelectors');
            return s;
          } catch (error) {
            if (error instanceof FileProblem && error.code === 'InsightNotEnabledException') {
              trail.InsightSelectors = [];
              return true;
            }
            throw error;
          }
        });
      }
      out.push(trail as Trail);
    }
    return out;
  });

  async function subPart(name: SectionName, file: string, load: () => Promise<unknown>): Promise<void> {
    try {
      const got = await load();
      if (got === undefined) {
        errors.push({ section: name, operation: file, code: 'FileMissing', message: `${file} not found in ${dir}: that part of the section was not collected` });
      }
    } catch (error) {
      errors.push(toCollectionError(name, [file], error));
    }
  }

  // --- CloudWatch Logs and alarms
  const logGroups = await section('logGroups', ['log-groups.json', 'metric-filters.json'], async () => {
    // Both files are needed: without the metric filters, "no analysis" could not be told from "not read".
    const groups = await readJson('log-groups.json');
    const filters = await readJson('metric-filters.json');
    if (!groups || !filters) return undefined;
    rejectTruncated(groups.value, 'log-groups.json');
    rejectTruncated(filters.value, 'metric-filters.json');
    return logGroupsFromAws(
      expect<unknown[]>(groups.value, 'log-groups.json', 'logGroups'),
      expect<unknown[]>(filters.value, 'metric-filters.json', 'metricFilters'),
    );
  });

  const metricAlarms = await section('metricAlarms', ['alarms.json'], async () => {
    const result = await readJson('alarms.json');
    if (!result) return undefined;
    rejectTruncated(result.value, 'alarms.json');
    return metricAlarmsFromAws(expect<unknown[]>(result.value, 'alarms.json', 'MetricAlarms'));
  });

  const personalFiles = [...present].filter((f) => /^personal-data-resources.*\.json$/.test(f)).sort();
  const personalDataStores = await section('personalDataStores', personalFiles.length ? personalFiles : ['personal-data-resources.json'], async () => {
    if (personalFiles.length === 0) return undefined;
    const byArn = new Map<string, ReturnType<typeof taggedResourcesFromAws>[number]>();
    for (const file of personalFiles) {
      const result = await readJson(file);
      if (!result) continue;
      rejectTruncated(result.value, file);
      for (const r of taggedResourcesFromAws(expect<unknown[]>(result.value, file, 'ResourceTagMappingList'))) byArn.set(r.ResourceARN, r);
    }
    return [...byArn.values()];
  });

  // --- second-wave sections (#17)
  const policyChangeEvents = await section('passwordPolicyChanges', ['password-policy-changes.json'], async () => {
    const result = await readJson('password-policy-changes.json');
    if (!result) return undefined;
    rejectTruncated(result.value, 'password-policy-changes.json');
    return lookupEventsFromAws(expect<unknown[]>(result.value, 'password-policy-changes.json', 'Events'), 'password-policy-changes.json');
  });

  const guardDuty = await section('guardDuty', ['guardduty-detectors.json'], async () => {
    const result = await readJson('guardduty-detectors.json');
    if (!result) return undefined;
    rejectTruncated(result.value, 'guardduty-detectors.json');
    const detectors = [];
    for (const id of expect<string[]>(result.value, 'guardduty-detectors.json', 'DetectorIds')) {
      const file = `guardduty/${id}.json`;
      const d = await readJson(file);
      if (!d) throw new FileProblem('FileMissing', `${file} not found: run aws guardduty get-detector --detector-id ${id} > ${file}`);
      detectors.push(detectorFromAws(id, d.value, file));
    }
    return { region: 'unknown (the AWS CLI region of the export)', detectors };
  });

  const securityHub = await section('securityHub', ['securityhub-hub.json'], async () => {
    try {
      const result = await readJson('securityhub-hub.json');
      if (!result) return undefined;
      const arn = expect<string>(result.value, 'securityhub-hub.json', 'HubArn');
      return { region: regionOfArn(arn) ?? 'unknown (the AWS CLI region of the export)', enabled: true, HubArn: arn };
    } catch (error) {
      // Security Hub's answer when the account is not subscribed: not enabled, a fact.
      if (error instanceof FileProblem && error.code === 'InvalidAccessException') return { region: 'unknown (the AWS CLI region of the export)', enabled: false };
      throw error;
    }
  });

  const eventRules = await section('eventRules', ['event-rules.json'], async () => {
    const result = await readJson('event-rules.json');
    if (!result) return undefined;
    rejectTruncated(result.value, 'event-rules.json');
    const rules = eventRulesFromAws(expect<unknown[]>(result.value, 'event-rules.json', 'Rules'), 'event-rules.json');
    for (const r of rules) {
      if (r.State !== 'ENABLED' || !namesSecuritySource(r.EventPattern)) continue;
      const file = `event-rules/${r.Name}.targets.json`;
      await subPart('eventRules', file, async () => {
        const t = await readJson(file);
        if (t) {
          rejectTruncated(t.value, file);
          r.Targets = targetsFromAws(t.value, file);
        }
        return t;
      });
    }
    return { region: regionOfArn(rules.find((r) => r.Arn)?.Arn) ?? 'unknown (the AWS CLI region of the export)', rules };
  });

  // --- trail buckets (#17): owner account, policy, Object Lock, lifecycle
  const trailBuckets = await section('trailBuckets', ['s3-buckets.json'], async () => {
    if (!trails) throw new FileProblem('DependencyNotCollected', 'trails.json was not read: the trail buckets are unknown');
    const names = [...new Set(trails.map((t) => t.S3BucketName).filter((n): n is string => !!n))].sort();
    if (names.length === 0) return [];
    const listed = await readJson('s3-buckets.json');
    if (!listed) return undefined;
    rejectTruncated(listed.value, 's3-buckets.json');
    const owned = new Set(expect<{ Name?: unknown }[]>(listed.value, 's3-buckets.json', 'Buckets').map((b) => b?.Name));
    const out: TrailBucket[] = [];
    for (const Name of names) {
      const bucket: TrailBucket = { Name, inAccount: owned.has(Name) };
      if (bucket.inAccount) {
        /** One file: its value, null for S3's "none" error, absent (and an error) otherwise. */
        const part = async (suffix: string, none: string, pick: (v: unknown, file: string) => unknown, set: (v: unknown) => void) => {
          const file = `trail-buckets/${Name}.${suffix}.json`;
          await subPart('trailBuckets', file, async () => {
            try {
              const r = await readJson(file);
              if (r) set(pick(r.value, file));
              return r;
            } catch (error) {
              if (error instanceof FileProblem && error.code === none) {
                set(null);
                return true;
              }
              throw error;
            }
          });
        };
        await part('policy', 'NoSuchBucketPolicy', (v, f) => bucketPolicyFromAws(expect<string>(v, f, 'Policy'), f), (v) => (bucket.Policy = v as TrailBucket['Policy']));
        await part('object-lock', 'ObjectLockConfigurationNotFoundError', (v, f) => expect<unknown>(v, f, 'ObjectLockConfiguration'), (v) => (bucket.ObjectLockConfiguration = v as TrailBucket['ObjectLockConfiguration']));
        await part('lifecycle', 'NoSuchLifecycleConfiguration', (v, f) => expect<unknown>(v, f, 'Rules'), (v) => (bucket.LifecycleRules = v as TrailBucket['LifecycleRules']));
      }
      out.push(bucket);
    }
    return out;
  });

  // --- data stores (#17 data.* rules): the live collector's builder over the export files
  const dataStores = await section('dataStores', [`${DATA_STORES_DIR}/regions.json`], async () => {
    if (!present.has(`${DATA_STORES_DIR}/regions.json`)) return undefined;
    const listBuckets = async () => {
      const listed = await readJson('s3-buckets.json');
      if (!listed) throw Object.assign(new Error('s3-buckets.json not found: the buckets are unknown'), { name: 'FileMissing' });
      rejectTruncated(listed.value, 's3-buckets.json');
      return expect<{ Name?: string; BucketRegion?: string }[]>(listed.value, 's3-buckets.json', 'Buckets');
    };
    const answers = fileDataStoreAnswers(async (file) => (await readJson(file))?.value, listBuckets, (e) => (e instanceof FileProblem ? e.code : undefined));
    const built = await buildDataStores(answers, { accountId: accountId ?? '000000000000', homeRegion: 'the AWS CLI region' });
    errors.push(...built.errors);
    return built.value;
  });

  // --- federated sign-in (#17)
  const samlFederation = await section('samlFederation', ['saml-providers.json', 'roles.json'], async () => {
    // Both files are needed: without roles.json, federated roles would have no session length.
    const providers = await readJson('saml-providers.json');
    const roles = await readJson('roles.json');
    if (!providers || !roles) return undefined;
    rejectTruncated(providers.value, 'saml-providers.json');
    rejectTruncated(roles.value, 'roles.json');
    return {
      providers: samlProvidersFromAws(expect<unknown[]>(providers.value, 'saml-providers.json', 'SAMLProviderList'), 'saml-providers.json'),
      roleSessions: samlRoleSessionsFromAws(expect<unknown[]>(roles.value, 'roles.json', 'Roles'), 'roles.json'),
    };
  });

  const identityCenter = await section('identityCenter', ['sso-instances.json'], async () => {
    const result = await readJson('sso-instances.json');
    if (!result) return undefined;
    rejectTruncated(result.value, 'sso-instances.json');
    const region = 'unknown (the AWS CLI region of the export)';
    const instances = [];
    for (const [i, instance] of expect<Record<string, unknown>[]>(result.value, 'sso-instances.json', 'Instances').entries()) {
      if (typeof instance?.InstanceArn !== 'string') throw new FileProblem('InvalidShape', `sso-instances.json: Instances[${i}] lacks InstanceArn`);
      const listFile = `sso/${arnTail(instance.InstanceArn)}.permission-sets.json`;
      const listed = await readJson(listFile);
      // A missing part never reads as "no permission sets": the whole section is not collected.
      if (!listed) throw new FileProblem('FileMissing', `${listFile} not found: run aws sso-admin list-permission-sets --instance-arn ${instance.InstanceArn} > ${listFile}`);
      rejectTruncated(listed.value, listFile);
      const permissionSets = [];
      for (const arn of expect<string[]>(listed.value, listFile, 'PermissionSets')) {
        const id = arnTail(arn);
        const files = { describe: `sso/${id}.json`, managed: `sso/${id}.managed-policies.json`, inline: `sso/${id}.inline-policy.json`, customer: `sso/${id}.customer-managed-policies.json` };
        const values: Record<string, unknown> = {};
        for (const [k, file] of Object.entries(files)) {
          const got = await readJson(file);
          if (!got) throw new FileProblem('FileMissing', `${file} not found: the permission set ${arn} was not exported completely (lib/sources/export-aws-cli.sh writes it)`);
          rejectTruncated(got.value, file);
          values[k] = got.value;
        }
        permissionSets.push(permissionSetFromAws(arn, values as never, files));
      }
      instances.push({
        InstanceArn: instance.InstanceArn,
        region,
        ...(typeof instance.IdentityStoreId === 'string' ? { IdentityStoreId: instance.IdentityStoreId } : {}),
        ...(typeof instance.OwnerAccountId === 'string' ? { OwnerAccountId: instance.OwnerAccountId } : {}),
        ...(typeof instance.Status === 'string' ? { Status: instance.Status } : {}),
        permissionSets,
      });
    }
    return { regions: [region], instances };
  });

  for (const file of [...present].sort()) {
    if (!used.has(file)) notes.push(`ignored ${file}: not an export file art32 reads`);
  }

  // --- account id: caller identity, else any ARN we read
  accountId ??= accountFromArns([
    ...(credentialReport?.rows.map((r) => r.arn) ?? []),
    ...(authorizationDetails?.UserDetailList.map((u) => u.Arn) ?? []),
    ...(authorizationDetails?.RoleDetailList.map((r) => r.Arn) ?? []),
    ...(trails?.map((t) => t.TrailARN) ?? []),
  ]);
  if (!accountId) {
    const identityProblem = notes.find((n) => n.startsWith('caller-identity.json unusable'));
    throw new ExportDirError(
      identityProblem
        ? `cannot tell which account ${dir} describes: ${identityProblem.replace('; the account id is taken from ARNs instead', '')}, and no ARN names the account (re-run aws sts get-caller-identity > caller-identity.json with working credentials)`
        : `cannot tell which account ${dir} describes: add caller-identity.json (aws sts get-caller-identity > caller-identity.json)`,
    );
  }

  // --- collected-at: explicit, else the export's own time (caller-identity.json), else the
  // credential report's time, else the newest file.
  const collectedAt =
    options.collectedAt !== undefined
      ? new Date(options.collectedAt).toISOString()
      : identityTime !== undefined
        ? new Date(identityTime).toISOString()
        : (reportTime ?? new Date(Math.max(...mtimes)).toISOString());
  if (options.collectedAt === undefined && identityTime === undefined) {
    notes.push(`collected-at is ${reportTime ? "the credential report's GeneratedTime" : "the newest file's modification time"} (${collectedAt}): caller-identity.json is missing; pass --collected-at to set it`);
  }

  const snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    account: { id: accountId, ...(alias ? { alias } : {}) },
    collectedAt,
    source: { kind: 'export', name: root, toolVersion: TOOL_VERSION },
    ...(passwordPolicy !== undefined ? { passwordPolicy } : {}),
    ...(credentialReport ? { credentialReport } : {}),
    ...(accountSummary ? { accountSummary } : {}),
    ...(virtualMfaDevices ? { virtualMfaDevices } : {}),
    ...(authorizationDetails ? { authorizationDetails } : {}),
    ...(trails ? { trails } : {}),
    ...(logGroups ? { logGroups } : {}),
    ...(metricAlarms ? { metricAlarms } : {}),
    ...(personalDataStores ? { personalDataStores } : {}),
    ...(policyChangeEvents ? { passwordPolicyChanges: { since: eventHistorySince(collectedAt), events: policyChangeEvents } } : {}),
    ...(guardDuty ? { guardDuty } : {}),
    ...(securityHub ? { securityHub } : {}),
    ...(eventRules ? { eventRules } : {}),
    ...(trailBuckets ? { trailBuckets } : {}),
    ...(samlFederation ? { samlFederation } : {}),
    ...(identityCenter ? { identityCenter } : {}),
    ...(dataStores ? { dataStores } : {}),
    collectionErrors: errors,
  };
  return { snapshot: validateSections(snapshot, dir), notes };
}

/**
 * Validate each section against the schema on its own, so a shape error is charged to
 * its file (section dropped + collection error) instead of failing the whole snapshot.
 */
function validateSections(input: Record<string, unknown>, dir: string): AccountSnapshot {
  const errors = input.collectionErrors as CollectionError[];
  const shape = AccountSnapshot.shape;
  for (const name of Object.keys(input) as (keyof typeof shape)[]) {
    if (!SECTION_FILES[name as SectionName]) continue;
    const result = shape[name].safeParse(input[name]);
    if (!result.success) {
      const issue = result.error.issues[0];
      errors.push({
        section: name as SectionName,
        operation: SECTION_FILES[name as SectionName] as string,
        code: 'InvalidShape',
        message: `${SECTION_FILES[name as SectionName]}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      });
      delete input[name];
    }
  }
  return parseSnapshot(input, `export directory ${dir}`);
}

/** The file a section's shape errors are charged to: the first export file that feeds it. */
const SECTION_FILES: Partial<Record<SectionName, string>> = {};
for (const f of EXPORT_FILES) if (f.section !== 'account') SECTION_FILES[f.section] ??= f.file;

function toCollectionError(section: SectionName, files: string[], error: unknown): CollectionError {
  if (error instanceof FileProblem) {
    const file = /^([\w./-]+\.(?:json|csv))/.exec(error.message)?.[1] ?? files[0] ?? section;
    return { section, operation: file, code: error.code, message: error.message };
  }
  if (error instanceof ShapeError) {
    const file = files.find((f) => error.path.startsWith(f)) ?? files[0] ?? section;
    return { section, operation: file, code: 'InvalidShape', message: error.path.startsWith(file) ? error.message : `${file}: ${error.message}` };
  }
  if (error instanceof CredentialReportParseError) {
    return { section, operation: files.join(' | '), code: 'InvalidCredentialReport', message: `credential report: ${error.message}` };
  }
  return { section, operation: files[0] ?? section, code: 'ReadError', message: error instanceof Error ? error.message : String(error) };
}

/** A listing the CLI did not finish (NextToken / IsTruncated) would be read as complete: refuse it. */
function rejectTruncated(value: unknown, file: string): void {
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (v.IsTruncated === true || typeof v.NextToken === 'string' || typeof v.nextToken === 'string' || (typeof v.PaginationToken === 'string' && v.PaginationToken !== '')) {
      throw new FileProblem('Truncated', `${file} is one page of a longer listing (a next-page token is present): re-run the command without --max-items / --no-paginate`);
    }
  }
}

function accountFromArns(arns: string[]): string | undefined {
  for (const arn of arns) {
    const id = /^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/.exec(arn)?.[1];
    if (id) return id;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return `an object with keys ${Object.keys(value).slice(0, 5).join(', ') || '(none)'}`;
  return JSON.stringify(value);
}

/**
 * The regular files of an export directory (and its trails/ subdirectory). Symbolic links,
 * FIFOs, sockets and devices are never read: their names go to `skipped`, so the scan says so.
 */
async function listFiles(root: string, skipped: string[] = []): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isFile()) out.push(entry.name);
    else if (entry.isDirectory() && (entry.name === 'trails' || entry.name === 'guardduty' || entry.name === 'event-rules' || entry.name === 'sso' || entry.name === 'trail-buckets' || entry.name === DATA_STORES_DIR)) {
      for (const sub of await readdir(path.join(root, entry.name), { withFileTypes: true })) {
        if (sub.isFile() && !sub.name.startsWith('.')) out.push(`${entry.name}/${sub.name}`);
        else if (!sub.isDirectory() && !sub.name.startsWith('.')) skipped.push(`${entry.name}/${sub.name}`);
      }
    } else if (!entry.isDirectory()) skipped.push(entry.name);
  }
  return out;
}
