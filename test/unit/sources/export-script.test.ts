import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
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
 * fixture, or with the CLI's error text and exit code 254 — so the script's per-command
 * error capture is exercised without any network.
 */
const FAKE_AWS = `#!/usr/bin/env bash
F=${JSON.stringify(FIXTURE)}
case "$1 $2" in
  "sts get-caller-identity") cat "$F/caller-identity.json" ;;
  "iam list-account-aliases") cat "$F/account-aliases.json" ;;
  "iam get-account-password-policy") echo "" >&2; echo "An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy with domain name 123456789012 cannot be found." >&2; exit 254 ;;
  "iam get-account-summary") cat "$F/account-summary.json" ;;
  "iam list-virtual-mfa-devices") cat "$F/virtual-mfa-devices.json" ;;
  "iam get-account-authorization-details") echo "An error occurred (AccessDenied) when calling the GetAccountAuthorizationDetails operation: not authorized" >&2; exit 254 ;;
  "iam generate-credential-report") echo COMPLETE ;;
  "iam get-credential-report") cat "$F/credential-report.json" ;;
  "cloudtrail describe-trails") cat "$F/trails.json" ;;
  "cloudtrail get-trail-status") name=\${4##*/}; cat "$F/trails/$name.status.json" ;;
  "cloudtrail get-event-selectors") name=\${4##*/}; cat "$F/trails/$name.event-selectors.json" ;;
  "logs describe-log-groups") cat "$F/log-groups.json" ;;
  "logs describe-metric-filters") cat "$F/metric-filters.json" ;;
  "cloudwatch describe-alarms") cat "$F/alarms.json" ;;
  "resourcegroupstaggingapi get-resources") cat "$F/personal-data-resources.json" ;;
  "cloudtrail lookup-events") cat "$F/password-policy-changes.json" ;;
  "guardduty list-detectors") cat "$F/guardduty-detectors.json" ;;
  "guardduty get-detector") cat "$F/guardduty/$4.json" ;;
  "securityhub describe-hub") cat "$F/securityhub-hub.json" >&2; exit 254 ;;
  "events list-rules") cat "$F/event-rules.json" ;;
  "events list-targets-by-rule") cat "$F/event-rules/$4.targets.json" ;;
  *) echo "unexpected: $*" >&2; exit 255 ;;
esac
`;

let bin: string;
let out: string;
// The per-trail files need jq (documented in docs/exports.md); without it that test is skipped, visibly.
const hasJq = await exec('jq', ['--version']).then(() => true, () => false);

beforeAll(async () => {
  bin = await mkdtemp(path.join(tmpdir(), 'art32-fakeaws-'));
  out = await mkdtemp(path.join(tmpdir(), 'art32-export-out-'));
  await writeFile(path.join(bin, 'aws'), FAKE_AWS);
  await chmod(path.join(bin, 'aws'), 0o755);
});
afterAll(async () => {
  await rm(bin, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

describe('lib/sources/export-aws-cli.sh', () => {
  it.skipIf(!hasJq)('runs every command, keeps going after a failure, and produces a directory art32 reads', async () => {
    const { stdout, stderr } = await exec('bash', [SCRIPT, out], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(stdout).toContain('ok      password-policy.json (NoSuchEntity');
    expect(stderr).toContain('FAILED  authorization-details.json');
    expect(stdout).toContain('ok      personal-data-resources.json');
    expect(stdout).toContain('ok      securityhub-hub.json (InvalidAccessException');
    expect(stdout).toContain('ok      event-rules/GuardDutyFindings.targets.json');
    expect(stdout).not.toContain('DailyLambdaFunction.targets.json');
    expect((await readdir(path.join(out, 'trails'))).sort()).toEqual([
      'Trail1.event-selectors.json',
      'Trail1.status.json',
      'Trail2.event-selectors.json',
      'Trail2.status.json',
    ]);

    const { snapshot } = await loadExportDir(out);
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
  });

  it('prints its usage and exits 2 without a directory', async () => {
    await expect(exec('bash', [SCRIPT])).rejects.toMatchObject({ code: 2 });
  });
});
