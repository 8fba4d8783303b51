import { describe, expect, it } from 'vitest';
import { RULES } from '../../../lib/rules';
import { closeMatches } from '../../../lib/cli/render';
import { run } from './capture';

describe('art32 rules', () => {
  it('lists every rule with its severity and requirements', async () => {
    const r = await run('rules');
    expect(r.code).toBe(0);
    for (const rule of RULES) expect(r.stdout).toContain(rule.id);
    expect(r.stdout).toMatch(/auth\.password-strength\s+high\s+Password policy meets CNIL/);
    expect(r.stdout).toContain('requirements: ');
  });

  it('json and csv formats; --framework keeps only the rules it lists', async () => {
    const json = JSON.parse((await run('rules', '--format', 'json')).stdout) as { id: string; requirements: string[] }[];
    expect(json.map((x) => x.id)).toEqual(RULES.map((x) => x.id));
    expect(json.find((x) => x.id === 'auth.password-strength')?.requirements).toContain('CNIL-2022-100');
    const csv = (await run('rules', '--format', 'csv')).stdout.trim().split('\n');
    expect(csv[0]).toBe('id,area,severity,title,requirements');
    expect(csv).toHaveLength(RULES.length + 1);
    const cnil = JSON.parse((await run('rules', '--framework', 'cnil', '--format', 'json')).stdout) as { requirements: string[] }[];
    expect(cnil.every((x) => x.requirements.every((id) => id.startsWith('CNIL-')))).toBe(true);
  });
});

describe('art32 explain', () => {
  it('prints rationale, parameters with defaults, remediation, references and the requirements that list the rule', async () => {
    const r = await run('explain', 'logging.retention');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('logging.retention — ');
    expect(r.stdout).toContain('Why');
    expect(r.stdout).toContain('minimumDays (integer) = 180');
    expect(r.stdout).toContain('Console: ');
    expect(r.stdout).toContain('CLI:     aws logs put-retention-policy');
    expect(r.stdout).toContain('CNIL délibération n° 2021-122');
    expect(r.stdout).toMatch(/Listed by\n\s+CNIL-2021-122|Listed by\n\s+GDPR-/);
  });

  it('json format carries the same facts', async () => {
    const body = JSON.parse((await run('explain', 'auth.password-strength', '--format', 'json')).stdout) as {
      id: string;
      parameters: { name: string; default: unknown }[];
      requirements: { id: string }[];
    };
    expect(body.id).toBe('auth.password-strength');
    expect(body.parameters.find((p) => p.name === 'minimumEntropyBits')?.default).toBe(80);
    expect(body.requirements.map((q) => q.id)).toContain('CNIL-2022-100');
  });

  it('every rule can be explained', async () => {
    for (const rule of RULES) expect((await run('explain', rule.id)).code, rule.id).toBe(0);
  });

  it('an unknown rule id is a clear error with close matches', async () => {
    const r = await run('explain', 'auth.pasword-strength');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule "auth.pasword-strength". Did you mean: auth.password-strength?');
    const far = await run('explain', 'zzz');
    expect(far.code).toBe(2);
    expect(far.stderr).toContain('List all rules with `art32 rules`');
  });

  it('closeMatches finds ids by typo or by their name without the area', () => {
    const ids = RULES.map((r) => r.id);
    expect(closeMatches('root-mfa', ids)[0]).toBe('auth.root-mfa');
    expect(closeMatches('logging.retension', ids)).toEqual(['logging.retention']);
    expect(closeMatches('auth.pasword', ids)).toEqual(['auth.password-policy-present', 'auth.password-strength', 'auth.passwords-predating-policy']);
  });
});

describe('help texts', () => {
  it('scan --help shows the examples and exit codes', async () => {
    const r = await run('scan', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('$ art32 scan --scenario france-travail');
    expect(r.stdout).toContain('Exit codes: 0 scanned, 1 failing rules at or above --fail-on, 2 bad input');
  });
});

describe('art32 explain: where each threshold comes from', () => {
  it('prints, for every parameter, its status and source sentence — CNIL recommendation, industry practice or art32 default', async () => {
    const r = await run('explain', 'logging.retention');
    expect(r.code).toBe(0);
    const part = r.stdout.slice(r.stdout.indexOf('Thresholds and where they come from'), r.stdout.indexOf('\nRemediation'));
    expect(part).toContain('minimumDays = 180 — CNIL recommendation (non-binding state of the art)');
    // Known only from a press quotation of the JORF text: cited in English, never in « » (test/unit/frameworks/quotations.test.ts).
    expect(part).toContain('Délib. 2021-122 recommends keeping logging data between six months and one year.');
    expect(part).toContain('figure checked against: Next INpact (November 2021), quoting the JORF text');
    expect(part).not.toContain('«');
    expect(part).toContain('source: CNIL délibération n° 2021-122 of 14 October 2021 (recommendation on logging; JORF 30 October 2021)');
    const stale = (await run('explain', 'access.stale-credentials')).stdout;
    expect(stale).toContain('maxUnusedDays = 90 — industry practice (CIS / AWS / published research)');
    const continuity = (await run('explain', 'governance.evidence-continuity')).stdout;
    expect(continuity).toContain('maxGapHours = 36 — art32 default (no text sets this figure; the controller calibrates it)');
  });

  it('a rule without parameters still shows its fixed criteria and their source; json carries the same', async () => {
    const r = await run('explain', 'auth.root-mfa');
    expect(r.stdout).toMatch(/hardwareMfaPreferred \(fixed: a virtual MFA device on the root user is a WARN\) — industry practice/);
    const body = JSON.parse((await run('explain', 'auth.password-strength', '--format', 'json')).stdout) as { thresholds: { name: string; basis: string; default?: unknown; checkedAgainst?: string }[] };
    const lockout = body.thresholds.find((t) => t.name === 'lockoutMaxFailures');
    expect(lockout?.basis).toBe('cnil-recommendation');
    expect(lockout?.checkedAgainst).toBeUndefined();
    expect(body.thresholds.find((t) => t.name === 'minimumEntropyBits')?.default).toBe(80);
  });
});
