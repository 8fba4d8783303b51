import { cp, mkdir, mkdtemp, readFile, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportDirError, loadExportDir } from '../../../lib/sources/export-dir';
import { RULES, evaluateRules } from '../../../lib/rules';

// Fixtures: AWS CLI output shapes copied from the AWS CLI examples (awscli/examples/iam,
// cloudtrail, logs, cloudwatch) for account 123456789012.
const CLI = path.resolve('test/fixtures/export-cli'); // documents as objects, credential report as base64 JSON
const RAW = path.resolve('test/fixtures/export-raw-api'); // URL-encoded documents, CSV report, NoSuchEntity password policy

const temps: string[] = [];
async function copyOf(fixture: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'art32-export-'));
  temps.push(dir);
  await cp(fixture, dir, { recursive: true });
  return dir;
}
/**
 * A copy of a fixture whose caller-identity.json carries the export's time (the fixtures'
 * credential report was generated at 2015-06-17T19:11:50Z; the export ran 2 minutes later).
 */
const EXPORTED_AT = new Date('2015-06-17T19:13:50Z');
async function dated(fixture: string, at = EXPORTED_AT): Promise<string> {
  const dir = await copyOf(fixture);
  await utimes(path.join(dir, 'caller-identity.json'), at, at);
  return dir;
}
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const finding = (snapshot: Parameters<typeof evaluateRules>[1], id: string) => evaluateRules(RULES, snapshot).find((f) => f.ruleId === id)!;

describe('loadExportDir: the AWS CLI shapes', () => {
  it('reads every section of a complete export, with no collection error', async () => {
    const { snapshot, notes } = await loadExportDir(await dated(CLI));
    expect(snapshot.source.kind).toBe('export');
    expect(snapshot.account).toEqual({ id: '123456789012', alias: 'mycompany' });
    expect(snapshot.collectionErrors).toEqual([]);
    expect(snapshot.passwordPolicy).toMatchObject({ MinimumPasswordLength: 8, RequireSymbols: true });
    expect(snapshot.credentialReport?.rows.map((r) => r.user)).toEqual(['<root_account>', 'Alice', 'Bob', 'Charlie']);
    expect(snapshot.accountSummary?.AccountMFAEnabled).toBe(0);
    expect(snapshot.virtualMfaDevices?.[0]?.User?.Arn).toBe('arn:aws:iam::123456789012:user/Alice');
    expect(snapshot.trails?.map((t) => t.Name)).toEqual(['Trail1', 'Trail2']);
    expect(snapshot.logGroups?.[0]?.metricFilters.map((f) => f.filterName)).toEqual(['DemoFilter']);
    expect(snapshot.metricAlarms?.[0]?.AlarmActions).toEqual(['arn:aws:sns:us-east-1:123456789012:myHighCpuAlarm']);
    expect(snapshot.personalDataStores).toHaveLength(2);
    // The unknown README.txt is ignored, with a note.
    expect(notes).toContain('ignored README.txt: not an export file art32 reads');
  });

  it("uses the export's own time (caller-identity.json, written first) as collected-at; an explicit --collected-at wins", async () => {
    expect((await loadExportDir(await dated(CLI))).snapshot.collectedAt).toBe('2015-06-17T19:13:50.000Z');
    expect((await loadExportDir(CLI, { collectedAt: '2015-06-17T20:00:00Z' })).snapshot.collectedAt).toBe('2015-06-17T20:00:00.000Z');
  });

  it('refuses a credential report generated long before the export, as live collection does (not used as the collection time)', async () => {
    const dir = await dated(CLI, new Date('2026-11-30T08:00:00Z'));
    const { snapshot } = await loadExportDir(dir);
    expect(snapshot.collectedAt).toBe('2026-11-30T08:00:00.000Z');
    expect(snapshot.credentialReport).toBeUndefined();
    expect(snapshot.collectionErrors).toContainEqual(
      expect.objectContaining({ section: 'credentialReport', code: 'StaleCredentialReport', message: expect.stringContaining('generated at 2015-06-17T19:11:50.000Z, 4183 days before the export') }),
    );
    // Within the live limit (4 h) it is used.
    expect((await loadExportDir(await dated(CLI, new Date('2015-06-17T23:00:00Z')))).snapshot.credentialReport).toBeDefined();
    // --collected-at is the export time when given.
    expect((await loadExportDir(CLI, { collectedAt: '2015-07-01T00:00:00Z' })).snapshot.credentialReport).toBeUndefined();
  });

  it('tolerates get-trail-status fields the API types as String and sends as ""', async () => {
    const dir = await dated(CLI);
    const file = path.join(dir, 'trails', 'Trail1.status.json');
    const status = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    for (const k of ['LatestDeliveryAttemptTime', 'LatestNotificationAttemptTime', 'LatestDeliveryAttemptSucceeded', 'LatestNotificationAttemptSucceeded', 'TimeLoggingStarted', 'TimeLoggingStopped', 'LatestDeliveryError']) status[k] = '';
    await writeFile(file, JSON.stringify(status));
    const { snapshot } = await loadExportDir(dir);
    const t1 = snapshot.trails?.find((t) => t.Name === 'Trail1');
    expect(t1?.Status).toMatchObject({ IsLogging: true, LatestDeliveryTime: '2016-01-28T23:02:24.869Z' });
    expect(t1?.Status).not.toHaveProperty('LatestDeliveryAttemptTime');
    expect(snapshot.collectionErrors).toEqual([]);
  });

  it('falls back to the newest file time when nothing else dates the export, and says so', async () => {
    const dir = await copyOf(RAW);
    const when = new Date('2024-03-05T10:00:00Z');
    await utimes(path.join(dir, 'alarms.json'), when, when);
    // Without caller-identity.json (the export's own time) the account id comes from ARNs.
    await unlink(path.join(dir, 'caller-identity.json'));
    for (const f of ['password-policy.json', 'credential-report.csv', 'account-summary.json', 'virtual-mfa-devices.json', 'authorization-details.json', 'trails.json', 'log-groups.json', 'metric-filters.json', 'personal-data-resources.json', 'trails/Trail1.status.json', 'trails/Trail2.status.json', 'trails/Trail1.event-selectors.json', 'trails/Trail2.event-selectors.json']) {
      const older = new Date('2024-03-05T09:00:00Z');
      await utimes(path.join(dir, f), older, older);
    }
    const { snapshot, notes } = await loadExportDir(dir);
    expect(snapshot.collectedAt).toBe('2024-03-05T10:00:00.000Z');
    expect(notes.some((n) => n.includes("newest file's modification time"))).toBe(true);
  });

  it('decodes the managed policy default version, not the first one', async () => {
    const { snapshot } = await loadExportDir(await dated(CLI));
    const p = snapshot.authorizationDetails?.Policies.find((x) => x.PolicyName === 'S3-read-only-specific-bucket');
    expect(p?.Document.Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: ['arn:aws:s3:::example-bucket', 'arn:aws:s3:::example-bucket/*'] },
    ]);
    expect(p).not.toHaveProperty('PolicyVersionList');
  });

  it('accepts AttachedManagedPolicies printed as one object (as in the AWS example) as a list of one', async () => {
    const { snapshot } = await loadExportDir(await dated(CLI));
    expect(snapshot.authorizationDetails?.GroupDetailList[0]?.AttachedManagedPolicies).toEqual([
      { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    ]);
  });

  it('URL-encoded documents (raw API) decode to the same authorization details as CLI objects', async () => {
    const cli = (await loadExportDir(await dated(CLI))).snapshot.authorizationDetails;
    const raw = (await loadExportDir(await dated(RAW))).snapshot.authorizationDetails;
    expect(raw).toEqual(cli);
    expect(raw?.RoleDetailList[0]?.AssumeRolePolicyDocument?.Statement).toEqual([
      { Sid: '', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  it('the base64 JSON credential report and the decoded CSV give the same rows', async () => {
    const fromJson = (await loadExportDir(await dated(CLI))).snapshot.credentialReport?.rows;
    const fromCsv = (await loadExportDir(await dated(RAW))).snapshot.credentialReport?.rows;
    expect(fromCsv).toEqual(fromJson);
  });

  it('normalises CLI v1 epoch-second timestamps of get-trail-status to ISO', async () => {
    const { snapshot } = await loadExportDir(await dated(CLI));
    const t1 = snapshot.trails?.find((t) => t.Name === 'Trail1');
    expect(t1?.Status?.LatestDeliveryTime).toBe('2016-01-28T23:02:24.869Z');
    expect(t1?.EventSelectors).toEqual([{ IncludeManagementEvents: true, DataResources: [], ReadWriteType: 'All' }]);
    expect(snapshot.trails?.find((t) => t.Name === 'Trail2')?.AdvancedEventSelectors).toHaveLength(2);
  });
});

describe('loadExportDir: the password policy', () => {
  it('the CLI NoSuchEntity error text means "no policy" (null), and the rule fails for that fact', async () => {
    const { snapshot, notes } = await loadExportDir(await dated(RAW));
    expect(snapshot.passwordPolicy).toBeNull();
    expect(notes.some((n) => n.includes('NoSuchEntity'))).toBe(true);
    expect(finding(snapshot, 'auth.password-policy-present').status).toBe('FAIL');
  });

  it('a missing password-policy.json is NOT "no policy": the section is absent and the rules are ERROR', async () => {
    const dir = await copyOf(RAW);
    await unlink(path.join(dir, 'password-policy.json'));
    const { snapshot } = await loadExportDir(dir);
    expect(snapshot.passwordPolicy).toBeUndefined();
    expect(snapshot.collectionErrors).toContainEqual(expect.objectContaining({ section: 'passwordPolicy', operation: 'password-policy.json', code: 'FileMissing' }));
    const f = finding(snapshot, 'auth.password-policy-present');
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('password-policy.json: FileMissing');
    expect(finding(snapshot, 'auth.password-strength').status).toBe('ERROR');
  });

  it('an empty password-policy.json (stderr not captured) is an error, not "no policy"', async () => {
    const dir = await copyOf(RAW);
    await writeFile(path.join(dir, 'password-policy.json'), '');
    const { snapshot } = await loadExportDir(dir);
    expect(snapshot.passwordPolicy).toBeUndefined();
    expect(snapshot.collectionErrors).toContainEqual(expect.objectContaining({ section: 'passwordPolicy', code: 'EmptyFile' }));
  });

  it('another captured CLI error (AccessDenied) becomes a collection error with its AWS code', async () => {
    const dir = await copyOf(CLI);
    await writeFile(
      path.join(dir, 'password-policy.json'),
      '\nAn error occurred (AccessDenied) when calling the GetAccountPasswordPolicy operation: User: arn:aws:iam::123456789012:user/audit is not authorized to perform: iam:GetAccountPasswordPolicy\n',
    );
    const { snapshot } = await loadExportDir(dir);
    expect(snapshot.passwordPolicy).toBeUndefined();
    const e = snapshot.collectionErrors.find((x) => x.section === 'passwordPolicy');
    expect(e).toMatchObject({ code: 'AccessDenied', operation: 'password-policy.json' });
    expect(e?.message).toContain('GetAccountPasswordPolicy');
  });
});

describe('loadExportDir: broken and missing files', () => {
  it('malformed JSON names the file, line and column; only that section is dropped', async () => {
    const dir = await copyOf(CLI);
    const file = path.join(dir, 'trails.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"Name": "Trail1",', '"Name": "Trail1"'));
    const { snapshot } = await loadExportDir(dir);
    expect(snapshot.trails).toBeUndefined();
    const e = snapshot.collectionErrors.find((x) => x.section === 'trails');
    expect(e?.code).toBe('InvalidJson');
    expect(e?.operation).toBe('trails.json');
    expect(e?.message).toMatch(/^trails\.json is not valid JSON at line \d+, column \d+/);
    for (const id of ['logging.cloudtrail-multi-region', 'logging.log-integrity', 'logging.personal-data-events']) {
      expect(finding(snapshot, id).status).toBe('ERROR');
    }
    // The other sections are still read.
    expect(snapshot.passwordPolicy).toBeDefined();
    expect(finding(snapshot, 'auth.password-strength').status).toBe('FAIL');
  });

  it('every missing file becomes a FileMissing collection error; no rule passes on a missing section', async () => {
    const dir = await copyOf(CLI);
    for (const f of ['credential-report.json', 'authorization-details.json', 'metric-filters.json', 'alarms.json']) await unlink(path.join(dir, f));
    const { snapshot } = await loadExportDir(dir);
    const missing = snapshot.collectionErrors.filter((e) => e.code === 'FileMissing').map((e) => `${e.section}:${e.operation}`);
    expect(missing).toEqual(
      expect.arrayContaining([
        'credentialReport:credential-report.json | credential-report.csv',
        'authorizationDetails:authorization-details.json',
        'logGroups:metric-filters.json',
        'metricAlarms:alarms.json',
      ]),
    );
    // Without metric filters, log groups are not kept as "no filters".
    expect(snapshot.logGroups).toBeUndefined();
    for (const f of evaluateRules(RULES, snapshot)) {
      const rule = RULES.find((r) => r.id === f.ruleId)!;
      if (rule.sections.some((s) => snapshot[s] === undefined)) expect(f.status, f.ruleId).toBe('ERROR');
    }
  });

  it('a missing per-trail status file leaves that trail without Status and records the file', async () => {
    const dir = await copyOf(CLI);
    await unlink(path.join(dir, 'trails', 'Trail1.status.json'));
    const { snapshot } = await loadExportDir(dir);
    expect(snapshot.trails?.find((t) => t.Name === 'Trail1')?.Status).toBeUndefined();
    expect(snapshot.collectionErrors).toContainEqual(expect.objectContaining({ section: 'trails', operation: 'trails/Trail1.status.json', code: 'FileMissing' }));
  });

  it('a listing the CLI did not finish (NextToken / IsTruncated) is refused, not read as complete', async () => {
    const dir = await copyOf(CLI);
    const file = path.join(dir, 'authorization-details.json');
    const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...doc, IsTruncated: true, Marker: 'EXAMPLEkakv9BCuUNFDtxWSyfzetYwEx2ADc8dnzfvERF5S6YMvXKx41t6gCl' }));
    await writeFile(path.join(dir, 'alarms.json'), JSON.stringify({ MetricAlarms: [], NextToken: 'abc' }));
    const { snapshot } = await loadExportDir(dir);
    expect(snapshot.authorizationDetails).toBeUndefined();
    expect(snapshot.metricAlarms).toBeUndefined();
    expect(snapshot.collectionErrors.filter((e) => e.section === 'authorizationDetails' || e.section === 'metricAlarms').map((e) => e.code)).toEqual(['Truncated', 'Truncated']);
  });

  it('a file with the wrong shape is reported against its file', async () => {
    const dir = await copyOf(CLI);
    await writeFile(path.join(dir, 'account-summary.json'), JSON.stringify({ Summary: {} }));
    const { snapshot } = await loadExportDir(dir);
    expect(snapshot.accountSummary).toBeUndefined();
    expect(snapshot.collectionErrors).toContainEqual(
      expect.objectContaining({ section: 'accountSummary', code: 'InvalidShape', message: expect.stringContaining('expected the AWS CLI output with "SummaryMap"') }),
    );
  });

  it('takes the account id from ARNs when caller-identity.json is absent', async () => {
    const dir = await copyOf(RAW);
    await unlink(path.join(dir, 'caller-identity.json'));
    expect((await loadExportDir(dir)).snapshot.account.id).toBe('123456789012');
  });

  it('an empty directory, a missing directory and a file are errors for the whole scan', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'art32-empty-'));
    temps.push(empty);
    await expect(loadExportDir(empty)).rejects.toThrow(ExportDirError);
    await expect(loadExportDir(empty)).rejects.toThrow(/no AWS CLI export files in .*caller-identity\.json/);
    await expect(loadExportDir(path.join(empty, 'nope'))).rejects.toThrow(/does not exist/);
    await mkdir(path.join(empty, 'x'));
    await writeFile(path.join(empty, 'x', 'notes.txt'), 'hello');
    await expect(loadExportDir(path.join(empty, 'x', 'notes.txt'))).rejects.toThrow(/is not a directory/);
  });

  it('refuses a --collected-at that is not a date', async () => {
    await expect(loadExportDir(CLI, { collectedAt: 'yesterday' })).rejects.toThrow(/not an ISO-8601 date/);
  });
});
