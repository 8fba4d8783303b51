import { execFile } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExportDir } from '../../../lib/sources/export-dir';

const exec = promisify(execFile);
const FIXTURE = path.resolve('test/fixtures/export-cli');
const SCRIPT = path.resolve('lib/sources/export-aws-cli.sh');

/**
 * A stand-in `aws` on PATH: answers each command with the AWS CLI example output from the
 * fixture, or with the CLI's error text and its documented exit code (253: credentials or
 * configuration missing; 254: the service returned an error), so the script's error handling
 * is exercised without any network. Every call is appended to $FAKE_LOG. Behaviours:
 *   FAKE_NO_CREDENTIALS=1  no credential source (what `aws` prints on a fresh machine)
 *   FAKE_DENY="iam get-account-authorization-details,…"  AccessDenied for those commands
 *   FAKE_TRAILS=FILE       describe-trails answers FILE instead of the fixture
 *   FAKE_REPORT=STARTED    generate-credential-report says STARTED once, then COMPLETE
 */
const FAKE_AWS = `#!/usr/bin/env bash
F=${JSON.stringify(FIXTURE)}
echo "$*" >>"$FAKE_LOG"
if [ "\${FAKE_NO_CREDENTIALS:-}" = 1 ]; then
  printf '\\nUnable to locate credentials. You can configure credentials by running "aws configure".\\n' >&2; exit 253
fi
case ",\${FAKE_DENY:-}," in
  *",$1 $2,"*)
    op=$(printf '%s' "$2" | sed -E 's/(^|-)([a-z])/\\U\\2/g')
    printf '\\nAn error occurred (AccessDenied) when calling the %s operation: User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: %s:%s\\n' "$op" "$1" "$op" >&2; exit 254 ;;
esac
# A fixture file holding the CLI's error text is answered as that error (exit 254).
answer() { if grep -q 'An error occurred' "$1"; then cat "$1" >&2; exit 254; fi; cat "$1"; }
D="$F/data-stores"
last=$(printf '%s\\n' "$@" | grep -A1 -x -- --region | tail -n 1) # the --region value
case "$1 $2" in
  "sts get-caller-identity") cat "$F/caller-identity.json" ;;
  "iam list-account-aliases") cat "$F/account-aliases.json" ;;
  "iam get-account-password-policy") echo "" >&2; echo "An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy with domain name 123456789012 cannot be found." >&2; exit 254 ;;
  "iam get-account-summary") cat "$F/account-summary.json" ;;
  "iam list-virtual-mfa-devices") cat "$F/virtual-mfa-devices.json" ;;
  "iam get-account-authorization-details") cat "$F/authorization-details.json" ;;
  "iam generate-credential-report")
    if [ "\${FAKE_REPORT:-}" = STARTED ] && ! grep -q '^iam generate-credential-report' <(head -n -1 "$FAKE_LOG"); then echo STARTED; else echo COMPLETE; fi ;;
  "iam get-credential-report") sed "s/2015-06-17T19:11:50Z/$(date -u +%Y-%m-%dT%H:%M:%SZ)/" "$F/credential-report.json" ;; # generated now, as IAM would
  "cloudtrail describe-trails") cat "\${FAKE_TRAILS:-$F/trails.json}" ;;
  "cloudtrail get-trail-status") name=\${4##*/}; cat "$F/trails/$name.status.json" ;;
  "cloudtrail get-event-selectors") name=\${4##*/}; cat "$F/trails/$name.event-selectors.json" ;;
  "logs describe-log-groups") cat "$F/log-groups.json" ;;
  "logs describe-metric-filters") cat "$F/metric-filters.json" ;;
  "cloudwatch describe-alarms") cat "$F/alarms.json" ;;
  "resourcegroupstaggingapi get-resources") case "$*" in *resource-type-filters*) answer "$D/$last.tags.json" ;; *) cat "$F/personal-data-resources.json" ;; esac ;;
  "cloudtrail lookup-events") cat "$F/password-policy-changes.json" ;;
  "guardduty list-detectors") cat "$F/guardduty-detectors.json" ;;
  "guardduty get-detector") cat "$F/guardduty/$4.json" ;;
  "securityhub describe-hub") cat "$F/securityhub-hub.json" >&2; exit 254 ;;
  "events list-rules") cat "$F/event-rules.json" ;;
  "events list-targets-by-rule") cat "$F/event-rules/$4.targets.json" ;;
  "s3api list-buckets") cat "$F/s3-buckets.json" ;;
  "s3api get-bucket-policy") answer "$D/bucket.$4.policy.json" ;;
  "s3api get-bucket-location") answer "$D/bucket.$4.location.json" ;;
  "s3api get-public-access-block") answer "$D/bucket.$4.public-access-block.json" ;;
  "s3api get-bucket-policy-status") answer "$D/bucket.$4.policy-status.json" ;;
  "s3api get-bucket-acl") answer "$D/bucket.$4.acl.json" ;;
  "s3api get-bucket-encryption") answer "$D/bucket.$4.encryption.json" ;;
  "s3api get-bucket-versioning") answer "$D/bucket.$4.versioning.json" ;;
  "s3control get-public-access-block") answer "$D/account-public-access-block.json" ;;
  "ec2 describe-regions") answer "$D/regions.json" ;;
  "ec2 get-ebs-encryption-by-default") answer "$D/$last.ebs-encryption-by-default.json" ;;
  "ec2 describe-snapshots") answer "$D/$last.ebs-public-snapshots.json" ;;
  "dynamodb list-tables") answer "$D/$last.tables.json" ;;
  "dynamodb describe-table") answer "$D/$last.table.$4.json" ;;
  "dynamodb describe-continuous-backups") answer "$D/$last.table.$4.continuous-backups.json" ;;
  "rds describe-db-instances") answer "$D/$last.db-instances.json" ;;
  "rds describe-db-clusters") answer "$D/$last.db-clusters.json" ;;
  "rds describe-db-snapshots") answer "$D/$last.db-snapshots.json" ;;
  "rds describe-db-snapshot-attributes") answer "$D/$last.db-snapshot.$4.attributes.json" ;;
  "rds describe-db-cluster-snapshots") answer "$D/$last.db-cluster-snapshots.json" ;;
  "rds describe-db-cluster-snapshot-attributes") answer "$D/$last.db-cluster-snapshot.$4.attributes.json" ;;
  "backup list-protected-resources") answer "$D/$last.backup-protected-resources.json" ;;
  "s3api get-object-lock-configuration") cat "$F/trail-buckets/$4.object-lock.json" >&2; exit 254 ;;
  "s3api get-bucket-lifecycle-configuration") cat "$F/trail-buckets/$4.lifecycle.json" ;;
  "iam list-saml-providers") cat "$F/saml-providers.json" ;;
  "iam list-roles") cat "$F/roles.json" ;;
  "sso-admin list-instances") cat "$F/sso-instances.json" ;;
  "sso-admin list-permission-sets") cat "$F/sso/\${4##*/}.permission-sets.json" ;;
  "sso-admin describe-permission-set") cat "$F/sso/\${6##*/}.json" ;;
  "sso-admin list-managed-policies-in-permission-set") cat "$F/sso/\${6##*/}.managed-policies.json" ;;
  "sso-admin get-inline-policy-for-permission-set") cat "$F/sso/\${6##*/}.inline-policy.json" ;;
  "sso-admin list-customer-managed-policy-references-in-permission-set") cat "$F/sso/\${6##*/}.customer-managed-policies.json" ;;
  *) echo "unexpected: $*" >&2; exit 255 ;;
esac
`;

let work: string;
let fakeBin: string;
/** PATH entries holding everything /usr/bin has except jq (for the "jq missing" cases). */
let noJqBin: string;
let runs = 0;
const hasJq = await exec('jq', ['--version']).then(() => true, () => false);

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'art32-export-script-'));
  fakeBin = path.join(work, 'fake-bin');
  noJqBin = path.join(work, 'no-jq-bin');
  await mkdir(fakeBin);
  await mkdir(noJqBin);
  await writeFile(path.join(fakeBin, 'aws'), FAKE_AWS);
  await chmod(path.join(fakeBin, 'aws'), 0o755);
  for (const name of await readdir('/usr/bin')) {
    if (name !== 'jq') await symlink(path.join('/usr/bin', name), path.join(noJqBin, name));
  }
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The aws commands the script ran, in order ("iam get-account-summary --output json"…). */
  calls: string[];
  out: string;
}

/** Run the script (under umask 022, as a user's shell would) with the fake aws first on PATH. */
async function runScript(args: string[], env: Record<string, string> = {}, opts: { jq?: boolean; out?: string } = {}): Promise<ScriptRun> {
  runs += 1;
  const out = opts.out ?? path.join(work, `out-${runs}`);
  const log = path.join(work, `calls-${runs}.log`);
  await writeFile(log, '');
  const pathVar = opts.jq === false ? `${fakeBin}:${noJqBin}` : `${fakeBin}:${process.env.PATH ?? ''}`;
  const result = await exec('/bin/bash', ['-c', 'umask 022; exec /bin/bash "$0" "$@"', SCRIPT, ...args.map((a) => (a === 'OUT' ? out : a))], {
    env: { ...process.env, PATH: pathVar, FAKE_LOG: log, ...env },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  const calls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return { ...result, calls, out };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map((e) => path.join(dir, e));
}

describe('lib/sources/export-aws-cli.sh', () => {
  it.skipIf(!hasJq)('exports every file art32 reads; the directory is 0700 and its files 0600 under umask 022, no temporary file left', async () => {
    const r = await runScript(['OUT']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('every command succeeded');
    expect(r.stdout).toContain('ok      password-policy.json (NoSuchEntity');
    expect(r.stdout).toContain('ok      securityhub-hub.json (InvalidAccessException');
    expect(r.stdout).toContain('ok      event-rules/GuardDutyFindings.targets.json');
    expect(r.stdout).not.toContain('DailyLambdaFunction.targets.json');
    expect((await stat(r.out)).mode & 0o777).toBe(0o700);
    for (const f of await filesUnder(r.out)) {
      const info = await lstat(f);
      expect({ f, mode: info.mode & 0o777 }).toEqual({ f, mode: info.isDirectory() ? 0o700 : 0o600 });
      expect(path.basename(f)).not.toMatch(/^\.export\./);
    }
    const { snapshot } = await loadExportDir(r.out);
    expect(snapshot.collectionErrors).toEqual([]);
    expect(snapshot.authorizationDetails).toBeDefined();
  });

  it.skipIf(!hasJq)('stops at the first failed command with exit 5, naming it; nothing after it runs', async () => {
    const r = await runScript(['OUT'], { FAKE_DENY: 'iam get-account-authorization-details' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('FAILED  authorization-details.json: An error occurred (AccessDenied) when calling the GetAccountAuthorizationDetails operation');
    expect(r.stderr).toContain('--allow-partial');
    expect(r.calls.at(-1)).toMatch(/^iam get-account-authorization-details/);
    expect(r.calls.some((c) => c.startsWith('cloudtrail'))).toBe(false);
    expect(await readFile(path.join(r.out, 'authorization-details.json'), 'utf8')).toContain('(AccessDenied)');
  });

  it.skipIf(!hasJq)('--allow-partial keeps going, lists what failed and produces a directory art32 reads', async () => {
    const r = await runScript(['--allow-partial', 'OUT'], { FAKE_DENY: 'iam get-account-authorization-details' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('FAILED  authorization-details.json');
    expect(r.stderr).toMatch(/PARTIAL export in .*: 1 failed[^\n]*\n {2}authorization-details\.json\n/);
    expect((await readdir(path.join(r.out, 'trails'))).sort()).toEqual([
      'Trail1.event-selectors.json',
      'Trail1.status.json',
      'Trail2.event-selectors.json',
      'Trail2.status.json',
    ]);
    const { snapshot } = await loadExportDir(r.out);
    expect(snapshot.passwordPolicy).toBeNull();
    expect(snapshot.authorizationDetails).toBeUndefined();
    expect(snapshot.collectionErrors).toEqual([
      expect.objectContaining({ section: 'authorizationDetails', operation: 'authorization-details.json', code: 'AccessDenied' }),
    ]);
    expect(snapshot.trails?.every((t) => t.Status !== undefined && (t.EventSelectors ?? t.AdvancedEventSelectors) !== undefined)).toBe(true);
    expect(snapshot.credentialReport?.rows).toHaveLength(4);
    expect(snapshot.guardDuty?.detectors).toEqual([expect.objectContaining({ DetectorId: '12abc34d567e8fa901bc2d34EXAMPLE', Status: 'ENABLED' })]);
    expect(snapshot.securityHub).toMatchObject({ enabled: false });
    expect(snapshot.eventRules?.rules.find((r) => r.Name === 'GuardDutyFindings')?.Targets).toEqual([{ Id: 'SecurityTopic', Arn: 'arn:aws:sns:us-west-2:123456789012:security-alerts' }]);
    // Trail buckets (#17): amzn-s3-demo-bucket is this account's (policy, no Object Lock, lifecycle); bucket2 is not listed (another account).
    expect(snapshot.trailBuckets).toEqual([
      expect.objectContaining({ Name: 'amzn-s3-demo-bucket', inAccount: true, ObjectLockConfiguration: null, Policy: expect.objectContaining({ Version: '2012-10-17' }) }),
      { Name: 'amzn-s3-demo-bucket2', inAccount: false },
    ]);
    // Data stores (#17): every fixture answer read back, S3's "none" errors and the empty versioning answer as facts.
    expect(snapshot.dataStores?.unread).toEqual([]);
    expect(snapshot.dataStores?.buckets.map((b) => [b.Name, b.Region, b.PublicAccessBlock === null, b.Policy === null, b.Versioning?.Status ?? 'never'])).toEqual([
      ['amzn-s3-demo-bucket', 'us-west-2', false, false, 'Enabled'],
      ['amzn-s3-demo-bucket1', 'us-west-2', true, true, 'never'],
    ]);
    expect(snapshot.dataStores?.publicSnapshots).toEqual([{ kind: 'rds', Id: 'mydbsnapshot', Region: 'us-west-2', Source: 'mydbinstancecf', Tags: [] }]);
    expect(snapshot.dataStores?.backupProtected[0]?.LastBackupTime).toBe('2026-01-20T04:00:00.000Z');
    // Federated sign-in (#17): the SAML role's session length and the permission set with its policies.
    expect(snapshot.samlFederation?.roleSessions).toEqual([{ RoleName: 'ADFS-Production', Arn: 'arn:aws:iam::123456789012:role/ADFS-Production', MaxSessionDuration: 28800 }]);
    expect(snapshot.identityCenter?.instances[0]?.permissionSets).toEqual([
      expect.objectContaining({ Name: 'ExamplePermissionSet', SessionDuration: 'PT1H', InlinePolicy: expect.objectContaining({ Version: '2012-10-17' }) }),
    ]);
  });

  it('--allow-partial still exits 5 when nothing but the caller identity could be exported', async () => {
    const everything = FAKE_AWS.match(/^ {2}"[a-z0-9-]+ [a-z0-9-]+"\)/gm)!.map((c) => c.trim().slice(1, -2)).filter((c) => c !== 'sts get-caller-identity');
    const r = await runScript(['--allow-partial', 'OUT'], { FAKE_DENY: everything.join(',') });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('nothing but the caller identity was exported');
  });

  it('without credentials: one call (sts get-caller-identity), exit 5, no credential-report polling', async () => {
    for (const args of [['OUT'], ['--allow-partial', 'OUT']]) {
      const r = await runScript(args, { FAKE_NO_CREDENTIALS: '1' });
      expect(r.code).toBe(5);
      expect(r.calls).toEqual(['sts get-caller-identity --output json']);
      expect(r.stderr).toContain('Unable to locate credentials');
      expect(r.stderr).toContain('no usable AWS credentials');
      expect(r.stdout).not.toContain('export written');
    }
  });

  it.skipIf(!hasJq)('the credential report: waits while IAM says STARTED (and says so); a refused request is not polled', async () => {
    const started = await runScript(['OUT'], { FAKE_REPORT: 'STARTED' });
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('wait    credential report STARTED (attempt 1 of 10)');
    expect(started.calls.filter((c) => c.startsWith('iam generate-credential-report'))).toHaveLength(2);

    const denied = await runScript(['--allow-partial', 'OUT'], { FAKE_DENY: 'iam generate-credential-report,iam get-credential-report' });
    expect(denied.calls.filter((c) => c.startsWith('iam generate-credential-report'))).toHaveLength(1);
    expect(denied.stderr).toContain('note    credential report not generated: An error occurred (AccessDenied)');
    expect(denied.stderr).toContain('FAILED  credential-report.json');
    expect(denied.code).toBe(0);
  });

  it.skipIf(!hasJq)('jq installed and trails.json holding an error: says so, never "jq is needed"', async () => {
    const r = await runScript(['--allow-partial', 'OUT'], { FAKE_DENY: 'cloudtrail describe-trails' });
    expect(r.stderr).toContain('FAILED  trails.json');
    expect(r.stderr).toContain('skipped trails/*.status.json, trails/*.event-selectors.json: trails.json holds an error, not data');
    expect(r.stderr).not.toMatch(/jq is (needed|not installed)/);
    expect(r.calls.some((c) => c.startsWith('cloudtrail get-trail-status'))).toBe(false);
  });

  it('jq missing: refused before any aws call unless --allow-partial, which lists the files it could not derive', async () => {
    const refused = await runScript(['OUT'], {}, { jq: false });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('jq is not installed');
    expect(refused.calls).toEqual([]);

    const partial = await runScript(['--allow-partial', 'OUT'], {}, { jq: false });
    expect(partial.code).toBe(0);
    expect(partial.stderr).toContain('FAILED  trails/*.status.json, trails/*.event-selectors.json: not exported: jq is not installed (it reads trails.json)');
    expect(partial.stderr).toContain('FAILED  guardduty/*.json: not exported: jq is not installed');
    expect(partial.stdout).toContain('ok      authorization-details.json');
  });

  it('DIR must be new or empty and a real directory: planted links are refused, nothing is written through them', async () => {
    const victim = path.join(work, 'victim');
    await mkdir(victim);
    const linked = path.join(work, 'linked-out');
    await symlink(victim, linked);
    const viaLink = await runScript(['OUT'], {}, { out: linked });
    expect(viaLink.code).toBe(2);
    expect(viaLink.stderr).toContain('is a symbolic link');
    expect(viaLink.calls).toEqual([]);
    expect(await readdir(victim)).toEqual([]);

    const planted = path.join(work, 'planted-out');
    await mkdir(planted);
    const target = path.join(work, 'victim-file');
    await writeFile(target, 'unchanged');
    await symlink(target, path.join(planted, 'authorization-details.json'));
    await symlink(target, path.join(planted, '.authorization-details.json.tmp'));
    const intoPlanted = await runScript(['OUT'], {}, { out: planted });
    expect(intoPlanted.code).toBe(2);
    expect(intoPlanted.stderr).toContain('is not empty');
    expect(intoPlanted.calls).toEqual([]);
    expect(await readFile(target, 'utf8')).toBe('unchanged');
  });

  it.skipIf(!hasJq)('a trail name from the account cannot leave DIR or write escape sequences to the terminal', async () => {
    const trails = path.join(work, 'hostile-trails.json');
    await writeFile(trails, JSON.stringify({ trailList: [{ Name: '../../escaped\u001b[2J\u202Egpj.exe', TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/x', HomeRegion: 'us-east-1' }] }));
    const r = await runScript(['--allow-partial', 'OUT'], { FAKE_TRAILS: trails });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('trail name not usable as a file name');
    expect(r.stdout + r.stderr).not.toContain('\u001b');
    // A right-to-left override would make the terminal show the name reversed: shown as a marker instead.
    expect(r.stdout + r.stderr).not.toContain('\u202E');
    expect(r.stderr).toContain('[U+202E]gpj.exe');
    expect(r.calls.some((c) => c.startsWith('cloudtrail get-trail-status'))).toBe(false);
    expect(await readdir(path.dirname(r.out))).not.toContain('escaped\u001b[2J.status.json');
  });

  it('prints its usage and exits 2 without a directory or with an unknown option', async () => {
    await expect(exec('bash', [SCRIPT])).rejects.toMatchObject({ code: 2 });
    await expect(exec('bash', [SCRIPT, '--keep-going', '/tmp/x'])).rejects.toMatchObject({ code: 2 });
  });
});
