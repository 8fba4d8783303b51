import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../../lib/rules';
import { run } from './capture';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'art32-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('art32 scan', () => {
  it('france-travail: verdict first, grouped by requirement, FAILs with observed values and thresholds', async () => {
    const r = await run('scan', '--scenario', 'france-travail');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toContain('account 111122223333 (employment-agency-prod) · scenario france-travail');
    expect(lines[1]).toMatch(new RegExp(`^FAIL: \\d+ of ${RULES.length} rules fail`));
    expect(r.stdout).toContain('GDPR-32.1.b');
    expect(r.stdout).toContain('CNIL-2022-100');
    for (const id of ['auth.password-strength', 'auth.console-mfa', 'auth.root-mfa', 'logging.cloudtrail-multi-region', 'access.wildcard-data-access']) {
      expect(r.stdout).toMatch(new RegExp(`FAIL\\s+\\w+\\s+${id.replace('.', '\\.')}`));
    }
    expect(r.stdout).toContain('observed:  MinimumPasswordLength=8');
    expect(r.stdout).toContain('entropyBits=47.6');
    expect(r.stdout).toContain('threshold: minimumEntropyBits=80');
    // A requirement has no verdict of its own: the status stands beside "checks mapped to …".
    expect(r.stdout).toMatch(/\n {2}GDPR-32\.1\.a Art\. 32\(1\)\(a\)[^\n]*\n {2}FAIL +checks mapped to Art\. 32\(1\)\(a\): 0 of \d+ passed/);
    expect(r.stdout).toMatch(/\n {2}\(informs\) +checks informed by SAN-2026-003/);
    expect(r.stdout).not.toMatch(/^ {2}(FAIL|WARN|PASS|N\/A|NOT VERIFIED) +(GDPR|CNIL)-/m);
    // Verdicts are facts against parameters: the output says appropriateness is the controller's risk analysis.
    expect(r.stdout).toContain("appropriate under GDPR Art. 32 depends on the controller's own risk analysis");
    expect(r.stdout).toContain('not a finding of infringement');
  });

  it('lists the sections a source did not collect, with the rules left NOT VERIFIED', async () => {
    const r = await run('scan', '--scenario', 'fresh-account');
    expect(r.stdout).toMatch(/Missing sections[^\n]*\n\s+activity\s+not collected by this source \[monitoring\.abnormal-activity\]/);
    expect(r.stdout).toMatch(/NOT VERIFIED\s+\w+\s+monitoring\.abnormal-activity/);
  });

  it('compliant: no rule fails, and a requirement with a not-verified rule is never shown as PASS', async () => {
    const r = await run('scan', '--scenario', 'compliant', '--format', 'json');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { scans: { findings: { ruleId: string; status: string }[]; requirements: { status: string; findings: { status: string }[] }[] }[] };
    const findings = body.scans[0]!.findings;
    expect(findings.filter((f) => f.status === 'FAIL')).toEqual([]);
    // Every rule passes; only evidence continuity has nothing to judge without run history.
    expect(findings.filter((f) => f.status !== 'PASS').map((f) => `${f.ruleId}:${f.status}`)).toEqual(['governance.evidence-continuity:NOT_APPLICABLE']);
    for (const req of body.scans[0]!.requirements) {
      if (req.findings.some((f) => f.status === 'ERROR')) expect(req.status).not.toBe('PASS');
    }
  });

  it('fresh-account: "password policy present" is NOT_APPLICABLE (no IAM user has a console password), password strength still FAILs', async () => {
    const r = await run('scan', '--scenario', 'fresh-account', '--format', 'json');
    const findings = (JSON.parse(r.stdout) as { scans: { findings: { ruleId: string; status: string }[] }[] }).scans[0]!.findings;
    expect(findings.find((f) => f.ruleId === 'auth.password-policy-present')?.status).toBe('NOT_APPLICABLE');
    expect(findings.find((f) => f.ruleId === 'auth.password-strength')?.status).toBe('FAIL');
  });

  it('--framework restricts the grouping; --format csv has one row per requirement and rule', async () => {
    const cnil = await run('scan', '--scenario', 'france-travail', '--framework', 'cnil');
    expect(cnil.stdout).toContain('CNIL-2021-122');
    expect(cnil.stdout).not.toContain('GDPR-32.1.b');
    const csv = await run('scan', '--scenario', 'france-travail', '--format', 'csv');
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('account_id,collected_at,framework,requirement,requirement_status,rule_id,status,severity,message,observed,threshold,resources');
    expect(rows.some((l) => l.startsWith('111122223333,2026-01-22T06:00:00.000Z,cnil,CNIL-2022-100,FAIL,auth.password-strength,FAIL,high,'))).toBe(true);
  });

  it('--fail-on: exit 1 when a FAIL (or not verified) rule is at or above the severity, 0 otherwise', async () => {
    const critical = await run('scan', '--scenario', 'france-travail', '--fail-on', 'critical');
    expect(critical.code).toBe(1);
    expect(critical.stderr).toContain('auth.root-mfa (FAIL, critical)');
    const fresh = await run('scan', '--scenario', 'fresh-account', '--fail-on', 'critical');
    expect(fresh.code).toBe(1); // root without MFA
    const params = path.join(tmp, 'no-history.json');
    await writeFile(params, JSON.stringify({}));
    const compliant = await run('scan', '--scenario', 'compliant', '--fail-on', 'critical', '--params', params);
    expect(compliant.code).toBe(0);
  });

  it('--params overrides a scenario parameter per rule (removing the break-glass allow-list fails admin-principals)', async () => {
    const file = path.join(tmp, 'params.json');
    await writeFile(file, JSON.stringify({ 'access.admin-principals': { breakGlassRoles: [] } }));
    const r = await run('scan', '--scenario', 'compliant', '--params', file, '--format', 'json');
    const f = (JSON.parse(r.stdout) as { scans: { findings: { ruleId: string; status: string }[] }[] }).scans[0]!.findings.find((x) => x.ruleId === 'access.admin-principals');
    expect(f?.status).toBe('FAIL');
  });

  it('scans an export directory and lists its notes', async () => {
    const r = await run('scan', '--source', 'test/fixtures/export-cli', '--collected-at', '2015-06-17T19:11:50Z');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('account 123456789012 (mycompany) · export test/fixtures/export-cli · collected 2015-06-17T19:11:50.000Z');
    expect(r.stdout).toContain('ignored README.txt');
  });

  it('every rule of the catalog appears in a json scan', async () => {
    const r = await run('scan', '--scenario', 'compliant', '--format', 'json');
    const ids = (JSON.parse(r.stdout) as { scans: { findings: { ruleId: string }[] }[] }).scans[0]!.findings.map((f) => f.ruleId);
    expect(ids).toEqual(RULES.map((x) => x.id));
  });
});

describe('art32 scan: bad input exits 2 with a clear message', () => {
  it('unknown scenario lists the available ones', async () => {
    const r = await run('scan', '--scenario', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown scenario "nope". Available scenarios: france-travail, compliant, fresh-account');
  });

  it('no source, or two sources', async () => {
    expect((await run('scan')).stderr).toContain('choose a source: --scenario or --source');
    const both = await run('scan', '--scenario', 'compliant', '--source', 'x');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('choose one source, not --scenario and --source');
  });

  it('an empty export directory', async () => {
    const empty = await mkdtemp(path.join(tmp, 'empty-'));
    const r = await run('scan', '--source', empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no AWS CLI export files in');
  });

  it('a malformed parameters file, an unknown rule id in it, a bad value', async () => {
    const bad = path.join(tmp, 'bad.json');
    await writeFile(bad, '{ "access.admin-principals": ');
    expect((await run('scan', '--scenario', 'compliant', '--params', bad)).stderr).toContain(`--params file ${bad} is not valid JSON`);
    const unknown = path.join(tmp, 'unknown.json');
    await writeFile(unknown, JSON.stringify({ 'auth.nope': {} }));
    const u = await run('scan', '--scenario', 'compliant', '--params', unknown);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('unknown rule "auth.nope"');
    const value = path.join(tmp, 'value.json');
    await writeFile(value, JSON.stringify({ 'logging.retention': { minimumDays: 'six months' } }));
    const v = await run('scan', '--scenario', 'compliant', '--params', value);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('invalid parameters for rule "logging.retention"');
  });

  it('an unknown format or framework, a bad --collected-at', async () => {
    expect((await run('scan', '--scenario', 'compliant', '--format', 'xml')).code).toBe(2);
    expect((await run('scan', '--scenario', 'compliant', '--framework', 'hipaa')).code).toBe(2);
    const at = await run('scan', '--scenario', 'compliant', '--collected-at', 'yesterday');
    expect(at.code).toBe(2);
    expect(at.stderr).toContain('--collected-at "yesterday" is not an ISO-8601 date');
  });
});
