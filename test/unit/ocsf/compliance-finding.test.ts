/**
 * OCSF output validated against the OCSF 1.8.0 Compliance Finding schema (derived from the
 * OCSF schema repository, vendored in lib/ocsf): every finding of every bundled scenario, and
 * records read back from a store, must validate; the mapping of statuses and ids is pinned.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ocsfFindingUid, toOcsfComplianceFinding, toOcsfComplianceFindings, type OcsfFindingInput } from '../../../lib/ocsf';
import { RULES } from '../../../lib/rules';
import { SCENARIOS, loadScenario } from '../../../lib/scenarios';
import { scanSnapshot } from '../../../lib/scan';
import { run } from '../cli/capture';

// Loose view of a finding for assertions (the schema is what checks its shape).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type OcsfJson = Record<string, any>;

const schema = JSON.parse(readFileSync(path.join(__dirname, '../../../lib/ocsf/compliance-finding.schema.json'), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

function expectValid(finding: unknown): void {
  const ok = validate(finding);
  if (!ok) throw new Error(`OCSF schema: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

const base: OcsfFindingInput = {
  accountId: '111122223333',
  ruleId: 'auth.root-mfa',
  status: 'FAIL',
  severity: 'critical',
  message: 'The root user has no MFA (AccountMFAEnabled = 0).',
  observed: { AccountMFAEnabled: 0 },
  threshold: {},
  resources: ['arn:aws:iam::111122223333:root', 'not-an-arn'],
  collectedAt: '2026-11-23T06:00:00.000Z',
};

describe('OCSF Compliance Finding', () => {
  it('the vendored schema refuses what OCSF refuses (so the other tests mean something)', () => {
    const good = toOcsfComplianceFinding(base);
    expectValid(good);
    const { class_uid: _c, ...withoutClass } = good;
    expect(validate(withoutClass)).toBe(false);
    expect(validate({ ...good, class_uid: 2001 })).toBe(false);
    expect(validate({ ...good, severity_id: 7 })).toBe(false);
    expect(validate({ ...good, art32_extra: true })).toBe(false);
    expect(validate({ ...good, compliance: { ...(good.compliance as object), status_id: 'Fail' } })).toBe(false);
  });

  it.each(SCENARIOS.map((s) => s.name))('every finding of the %s scenario validates', (name) => {
    const { snapshot } = loadScenario(name);
    const scan = scanSnapshot(snapshot);
    expect(scan.findings).toHaveLength(RULES.length);
    for (const f of scan.findings) {
      expectValid(toOcsfComplianceFinding({ ...f, accountId: scan.account.id, accountAlias: scan.account.alias, collectedAt: scan.collectedAt }));
    }
  });

  it('maps art32 statuses and severities to OCSF ids', () => {
    const of = (status: OcsfFindingInput['status']) => toOcsfComplianceFinding({ ...base, status }) as { compliance: { status_id: number }; status_id: number };
    expect(of('PASS').compliance.status_id).toBe(1);
    expect(of('WARN').compliance.status_id).toBe(2);
    expect(of('FAIL').compliance.status_id).toBe(3);
    expect(of('ERROR').compliance.status_id).toBe(0); // not verified: neither pass nor fail
    expect(of('NOT_APPLICABLE').compliance.status_id).toBe(99);
    expect(of('FAIL').status_id).toBe(1); // New
    expect(of('PASS').status_id).toBe(4); // Resolved
    const f = toOcsfComplianceFinding(base) as OcsfJson;
    expect(f.class_uid).toBe(2003);
    expect(f.type_uid).toBe(200301);
    expect(f.severity_id).toBe(5);
    expect(f.cloud.account).toEqual({ uid: '111122223333', type_id: 10, type: 'AWS Account' });
    expect(f.resources[0]).toMatchObject({ uid: 'arn:aws:iam::111122223333:root', type: 'iam', cloud_partition: 'aws' });
    expect(f.resources[1]).toEqual({ name: 'not-an-arn', type: 'Other' });
    expect(f.compliance.requirements).toContain('GDPR-32.1.b');
  });

  it('a history is one finding per account + rule, created once and then updated, with first/last seen', () => {
    const days = ['2026-11-21', '2026-11-23', '2026-11-22'].map((d) => ({ ...base, collectedAt: `${d}T06:00:00.000Z` }));
    const out = toOcsfComplianceFindings(days) as OcsfJson[];
    expect(out.map((f) => f.activity_id)).toEqual([1, 2, 2]);
    expect(new Set(out.map((f) => f.finding_info.uid))).toEqual(new Set([ocsfFindingUid('111122223333', 'auth.root-mfa')]));
    expect(out[2]?.finding_info.first_seen_time).toBe(Date.parse('2026-11-21T06:00:00.000Z'));
    expect(out[2]?.finding_info.last_seen_time).toBe(Date.parse('2026-11-23T06:00:00.000Z'));
    for (const f of out) expectValid(f);
  });

  it('art32 scan --format ocsf prints a JSON array that validates', async () => {
    const r = await run('scan', '--scenario', 'france-travail', '--format', 'ocsf');
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout) as OcsfJson[];
    expect(findings).toHaveLength(RULES.length);
    for (const f of findings) expectValid(f);
    const mfa = findings.find((f) => f.compliance.control === 'auth.root-mfa');
    expect(mfa?.compliance.status).toBe('Fail');
  });
});
