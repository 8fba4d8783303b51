import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeleteCommand, PutCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadAuditModel, renderAuditHtml } from '../../../lib/report/audit';
import { FRAMEWORKS } from '../../../lib/frameworks';
import { RULES, type Status } from '../../../lib/rules';
import { keys } from '../../../lib/evidence/table';
import { buildTestRecords, REPORT_TEST_KEYS, startStore, writeTestRun, type TestStore } from './store-fixture';

const A1 = '111111111111';
const at = (d: number): string => new Date(Date.UTC(2025, 10, d, 6)).toISOString();
const ALL_PASS: Record<string, Status> = Object.fromEntries(RULES.map((r) => [r.id, 'PASS' as Status]));

let t: TestStore;
beforeEach(async () => {
  t = await startStore();
});
afterEach(async () => {
  await t.close();
});

describe('audit report (dynalite)', () => {
  it('lists per requirement the rules, dated records with hashes, parameters and an intact verification', async () => {
    const alias = '<script>x</script>\u202Eevil';
    for (const d of [9, 10, 11]) await writeTestRun(t.store, { accountId: A1, alias, runId: `r${d}`, collectedAt: at(d), statuses: { ...ALL_PASS, 'auth.root-mfa': d === 11 ? 'FAIL' : 'PASS' } });
    const model = await loadAuditModel(t.store, { accountId: A1, from: '2025-11-10', to: '2025-11-11', now: at(12), rules: RULES, frameworks: FRAMEWORKS, verifier: REPORT_TEST_KEYS.verifier });
    expect(model.runs.map((r) => r.runId)).toEqual(['r10', 'r11']);
    expect(model.verification.problems).toEqual([]);
    const html = renderAuditHtml(model);
    expect(html).toContain('Verification: <span class="good">INTACT</span>');
    expect(html).toContain('Every manifest signature was checked against the trusted public key.');
    // The CNIL recommendation's French key sentence beside the English, with where it was read (Légifrance).
    const row = html.slice(html.indexOf('Délibération n° 2022-100'), html.indexOf('</tr>', html.indexOf('Délibération n° 2022-100')));
    expect(row).toContain('<span class="small" lang="fr">« L&#39;article 32 du règlement général sur la protection des données (RGPD) impose que tout traitement');
    expect(row).toContain('read in https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000046432885');
    expect(html).toContain('Integrity of recorded evidence: <span class="good">intact</span> — this is not a statement of compliance.');
    expect(html).toContain('depends on the controller’s own risk analysis');
    // Contents by requirement: one row per requirement of every framework, labelled as checks, never a verdict on an article.
    const contents = html.slice(html.indexOf('id="contents"'), html.indexOf('id="accountability"'));
    expect(contents.match(/<tr><td><strong>/g) ?? []).toHaveLength(FRAMEWORKS.reduce((n, f) => n + f.requirements.length, 0));
    // Every rule PASSes but auth.root-mfa (FAIL in the latest run): n - 1 of the n rules mapped to 32(1)(b).
    const mapped = FRAMEWORKS.flatMap((f) => f.requirements).find((r) => r.id === 'GDPR-32.1.b')?.ruleIds.length ?? 0;
    expect(contents).toContain(`checks mapped to Art. 32(1)(b): ${mapped - 1} of ${mapped} passed`);
    expect(contents).toContain('checks informed by SAN-2026-003 (no status)');
    expect(contents).not.toMatch(/Art\. 32\(1\)\([a-d]\): (PASS|FAIL)/);
    expect(html).not.toContain('break-before:page');
    // Each rule once under Checks; the failing one with when it first failed and that nobody plans its fix.
    expect(model.checks.map((c) => c.id).sort()).toEqual([...new Set(FRAMEWORKS.flatMap((f) => f.requirements.flatMap((r) => r.ruleIds)))].sort());
    expect(model.checks.find((c) => c.id === 'auth.root-mfa')?.firstFailed).toEqual({ at: at(11), atPeriodStart: false });
    // A check lists the sanction as what informs it, never beside the articles as if it were one more requirement.
    expect(model.checks.find((c) => c.id === 'auth.password-strength')?.requirements).toContain('informed by SAN-2026-003');
    expect(model.checks.flatMap((c) => c.requirements)).not.toContain('SAN-2026-003');
    expect(html).toMatch(/first failed <span class="nowrap">2025-11-11<\/span><br><span class="bad">no plan<\/span>/);
    // The fixture's runs come from a scenario: the document says so before anything else.
    expect(html).toMatch(/<body>\n<p class="banner" role="note">SYNTHETIC DATA — every run of this period was collected from the bundled scenario <bdi>report-test<\/bdi>/);
    const guide4 = model.requirements.find((r) => r.requirement.id === 'CNIL-GUIDE-4');
    expect(guide4?.records.filter((r) => r.ruleId === 'auth.root-mfa').map((r) => [r.collectedAt, r.status])).toEqual([
      [at(10), 'PASS'],
      [at(11), 'FAIL'],
    ]);
    for (const r of guide4?.records ?? []) expect(html).toContain(r.hash);
    expect(html).toContain('<tr><td class="id">example</td><td>1</td></tr>');
    expect(html).not.toContain('<script>x');
    expect(html).not.toContain('\u202E');
  });

  it('judges evidence retention at the document\'s instant: a record gone after 1,095 days is expired and said so, the same gone earlier is deleted', async () => {
    await writeTestRun(t.store, { accountId: A1, runId: 'r9', collectedAt: at(9), statuses: ALL_PASS });
    await writeTestRun(t.store, { accountId: A1, runId: 'r10', collectedAt: at(10), statuses: ALL_PASS });
    const sk = keys.recordSk(at(9), 'r9', 'auth.root-mfa');
    // Removed as DynamoDB TTL (or `retention --purge`) removes it: the manifest stays.
    await DynamoDBDocumentClient.from(t.client).send(new DeleteCommand({ TableName: 'art32-report-test', Key: { pk: keys.account(A1), sk } }));
    const options = { accountId: A1, from: '2025-11-01', to: '2025-11-30', rules: RULES, frameworks: FRAMEWORKS, verifier: REPORT_TEST_KEYS.verifier };
    // 2025-11-09 + 1,095 days = 2028-11-08: a document made as of 2028-12-01 reads it as expired.
    const later = await loadAuditModel(t.store, { ...options, now: '2028-12-01T00:00:00.000Z' });
    expect(later.verification.problems).toEqual([]);
    expect(later.verification.expired.map((e) => e.sk)).toEqual([sk]);
    const html = renderAuditHtml(later);
    expect(html).toContain('Verification: <span class="good">INTACT</span>');
    expect(html).toContain('Removed after their retention period (not tampering; judged at <span class="nowrap">2028-12-01</span>');
    expect(html).toContain('1 record(s) of run r9 (2025-11-09T06:00:00.000Z) expired under the retention policy (the art32 default: records 1095 days');
    // As of three days after collection, whatever the real clock says: deleted.
    const soon = await loadAuditModel(t.store, { ...options, now: at(12) });
    expect(soon.verification.problems.map((p) => [p.kind, p.sk])).toEqual([['RECORD_DELETED', sk]]);
    expect(renderAuditHtml(soon)).not.toContain('Removed after their retention period');
  });

  it('shows a tampered record as a verification problem', async () => {
    await writeTestRun(t.store, { accountId: A1, runId: 'r10', collectedAt: at(10), statuses: ALL_PASS });
    const [first] = buildTestRecords({ accountId: A1, runId: 'r10', collectedAt: at(10), statuses: ALL_PASS });
    const doc = DynamoDBDocumentClient.from(t.client);
    const sk = keys.recordSk(at(10), 'r10', first?.ruleId ?? '');
    const { Item } = await doc.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: 'art32-report-test', Key: { pk: keys.account(A1), sk } }));
    await doc.send(new PutCommand({ TableName: 'art32-report-test', Item: { ...Item, body: String(Item?.body).replace('"PASS"', '"FAIL"') } }));
    const model = await loadAuditModel(t.store, { accountId: A1, from: '2025-11-01', to: '2025-11-30', now: at(12), rules: RULES, frameworks: FRAMEWORKS });
    expect(model.verification.problems.length).toBeGreaterThan(0);
    const html = renderAuditHtml(model);
    expect(html).toMatch(/Verification: <span class="bad">\d+ PROBLEMS?<\/span>/);
    expect(html).toMatch(/Integrity of recorded evidence: <span class="bad">\d+ problems?<\/span>/);
    expect(html).not.toContain('<span class="good">intact</span>');
    // The tampered record is marked where it is listed, with the verifier's reason, never shown as genuine.
    const tampered = first as NonNullable<typeof first>;
    const row = html.slice(html.indexOf(`<tr id="rule-${tampered.ruleId}">`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('<span class="bad">NOT INTACT</span><br><span class="muted">recorded FAIL</span>');
    expect(Object.values(model.notIntact).join('\n')).toContain('RECORD_MODIFIED');
    expect(html).toMatch(/NOT INTACT — RECORD_MODIFIED: /);
  });
});
