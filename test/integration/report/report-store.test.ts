import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { loadReportRuns } from '../../../lib/report/load';
import { buildReportModel } from '../../../lib/report/model';
import { FRAMEWORKS } from '../../../lib/frameworks';
import { RULES, type Status } from '../../../lib/rules';
import { createHandler } from '../../../functions/send-report/handler';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { buildTestRecords, REPORT_TEST_KEYS, startStore, writeTestRun, type TestStore } from './store-fixture';
import { Sealer } from '../../../lib/evidence/seal';
import { ephemeralKeyPair } from '../../../lib/evidence/signing';
import { loadReport } from '../../../lib/report/load';
import { renderEmail } from '../../../lib/report/email';
import { hashRecord } from '../../../lib/evidence/build';
import { EvidenceRecord } from '../../../lib/evidence/record';
import { recordItem } from '../../../lib/evidence/store';
import { keys } from '../../../lib/evidence/table';
import { buildManifest } from '../../../lib/evidence/build';
import { manifestItem, planOf } from '../../../lib/evidence/store';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { createPublicKey } from 'node:crypto';

const A1 = '111111111111';
const A2 = '222222222222';
const at = (d: number, h = 6): string => new Date(Date.UTC(2025, 10, d, h)).toISOString();
const ALL_PASS: Record<string, Status> = Object.fromEntries(RULES.map((r) => [r.id, 'PASS' as Status]));
const withStatus = (over: Record<string, Status>): Record<string, Status> => ({ ...ALL_PASS, ...over });

let t: TestStore;
beforeEach(async () => {
  t = await startStore();
});
afterEach(async () => {
  await t.close();
});

async function model(now: string, since?: string) {
  const runs = await loadReportRuns(t.store, { now, since });
  return buildReportModel({ runs, now, since, rules: RULES, frameworks: FRAMEWORKS });
}

describe('report from stored runs (dynalite)', () => {
  it('finds new, fixed, regressed and still-failing rules, and the gap of an account that stopped', async () => {
    // A1: root-mfa fails on day 10, fixed on 11, fails again on 13 (regression);
    //     console-mfa fails since day 10 (still failing); log-integrity fixed on 13.
    const a1: [number, Record<string, Status>][] = [
      [10, { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'FAIL', 'logging.log-integrity': 'FAIL' }],
      [11, { 'auth.console-mfa': 'FAIL', 'logging.log-integrity': 'FAIL' }],
      [12, { 'auth.console-mfa': 'FAIL', 'logging.log-integrity': 'FAIL' }],
      [13, { 'auth.root-mfa': 'FAIL', 'auth.console-mfa': 'FAIL' }],
    ];
    for (const [d, s] of a1) await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: `r${d}`, collectedAt: at(d), statuses: withStatus(s), resources: { 'auth.console-mfa': ['arn:aws:iam::111111111111:user/alice'] } });
    // A2: new failure on day 11, then no collection for two days.
    await writeTestRun(t.store, { accountId: A2, runId: 'r10', collectedAt: at(10), statuses: ALL_PASS });
    await writeTestRun(t.store, { accountId: A2, runId: 'r11', collectedAt: at(11), statuses: withStatus({ 'access.admin-principals': 'FAIL' }) });

    const m = await model(at(13, 8), at(12, 12));
    const pick = (list: typeof m.newFailures) => list.map((c) => `${c.accountId}:${c.ruleId}`);
    expect(pick(m.regressions)).toEqual([`${A1}:auth.root-mfa`]);
    expect(pick(m.fixed)).toEqual([`${A1}:logging.log-integrity`]);
    expect(m.stillFailing.map((c) => [c.accountId, c.ruleId, c.ageDays, c.ageIsLowerBound])).toEqual([
      [A1, 'auth.console-mfa', 3, false],
      [A2, 'access.admin-principals', 2, false],
    ]);
    expect(m.newFailures).toEqual([]);
    expect(m.stillFailing[0]?.resources).toEqual(['arn:aws:iam::111111111111:user/alice']);
    const a2 = m.accounts.find((a) => a.accountId === A2);
    expect(a2?.gaps).toEqual([{ from: at(11), to: at(13, 8), missedRuns: 2, overdue: true }]);
    expect(m.accounts.find((a) => a.accountId === A1)?.accountAlias).toBe('prod');
    expect(m.verdict).toBe('1 regression, 1 fixed in 1 account since Wed 12 Nov · 2 still failing · 1 account missed collection');
  });

  it('compares with the previous run when no date is given (two demo collections)', async () => {
    await writeTestRun(t.store, { accountId: A1, runId: 'first', collectedAt: at(20, 6), statuses: withStatus({ 'auth.console-mfa': 'FAIL' }) });
    await writeTestRun(t.store, { accountId: A1, runId: 'second', collectedAt: at(20, 7), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) });
    const m = await model(at(20, 8));
    expect(m.newFailures.map((c) => c.ruleId)).toEqual(['auth.root-mfa']);
    expect(m.fixed.map((c) => c.ruleId)).toEqual(['auth.console-mfa']);
    expect(m.sinceLabel).toBe('the previous run (Thu 20 Nov)');
  });

  it('loads the baseline and the latest run even when they are older than the history window', async () => {
    await writeTestRun(t.store, { accountId: A1, runId: 'old', collectedAt: at(1), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) });
    await writeTestRun(t.store, { accountId: A1, runId: 'mid', collectedAt: at(2), statuses: ALL_PASS });
    const runs = await loadReportRuns(t.store, { now: at(28), since: at(1, 12), historyDays: 3 });
    expect(runs.map((r) => r.runId)).toEqual(['old', 'mid']);
    const m = buildReportModel({ runs, now: at(28), since: at(1, 12), rules: RULES, frameworks: FRAMEWORKS });
    expect(m.fixed.map((c) => c.ruleId)).toEqual(['auth.root-mfa']);
    expect(m.accounts[0]?.gaps.at(-1)?.overdue).toBe(true);
  });

  it('ignores runs that were never sealed by a manifest (incomplete collections)', async () => {
    await writeTestRun(t.store, { accountId: A1, runId: 'sealed', collectedAt: at(10), statuses: ALL_PASS });
    await t.store.writeRun(buildTestRecords({ accountId: A1, runId: 'unsealed', collectedAt: at(11), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) }));
    const runs = await loadReportRuns(t.store, { now: at(11, 8) });
    expect(runs.map((r) => r.runId)).toEqual(['sealed']);
  });
});

describe('report history that matters (dynalite)', () => {
  it('keeps the last known failures of an account whose latest collection failed, stale since then; by-design limits once', async () => {
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r10', collectedAt: at(10), statuses: withStatus({ 'auth.root-mfa': 'FAIL', 'logging.retention': 'ERROR' }) });
    const failedCalls = RULES.filter((r) => r.id !== 'governance.evidence-continuity').map((r) => r.id);
    const allError = Object.fromEntries(failedCalls.map((id) => [id, 'ERROR' as Status]));
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r11', collectedAt: at(11), statuses: { ...ALL_PASS, ...allError }, failedCalls });
    await writeTestRun(t.store, { accountId: A2, runId: 'r11', collectedAt: at(11), statuses: withStatus({ 'logging.retention': 'ERROR' }) });
    const m = await model(at(11, 8));
    expect(m.stillFailing.map((c) => [c.accountId, c.ruleId, c.staleSince])).toEqual([[A1, 'auth.root-mfa', at(11)]]);
    expect(m.accounts.find((a) => a.accountId === A1)?.collectionFailedAt).toBe(at(11));
    expect(m.collectionErrors.every((e) => e.accountId === A1)).toBe(true);
    expect(m.notVerifiable.map((n) => [n.ruleId, n.accounts])).toEqual([['logging.retention', 1]]);
    expect(m.verdict).toBe('No change in 2 accounts since the previous run (Mon 10 Nov) · 1 still failing (1 stale) · collection failed in 1 account');
    const { text } = renderEmail(m);
    expect(text).toMatch(/Root user has no MFA\n.*stale since Tue 11 Nov \(collection failed\)/);
    expect(text).toContain('Not verifiable by this deployment');
  });

  it('does not show a forged PASS as a fix: the account shows its integrity problems instead (insider rewrites a record)', async () => {
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r10', collectedAt: at(10), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) });
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r11', collectedAt: at(11), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) });
    // The insider rewrites the latest FAIL as a self-consistent PASS (record hash recomputed).
    const doc = DynamoDBDocumentClient.from(t.client);
    const sk = keys.recordSk(at(11), 'r11', 'auth.root-mfa');
    const { Item } = await doc.send(new GetCommand({ TableName: 'art32-report-test', Key: { pk: keys.account(A1), sk } }));
    const { hash: _hash, ...unhashed } = JSON.parse(String(Item?.body)) as EvidenceRecord;
    const forged = { ...unhashed, status: 'PASS' as const, message: 'The root user has a non-virtual (hardware or FIDO) MFA device.' };
    await doc.send(new PutCommand({ TableName: 'art32-report-test', Item: recordItem(EvidenceRecord.parse({ ...forged, hash: hashRecord(forged) })) }));
    const loaded = await loadReport(t.store, { now: at(11, 8) });
    const m = buildReportModel({ runs: loaded.runs, integrity: loaded.integrity, now: at(11, 8), rules: RULES, frameworks: FRAMEWORKS });
    expect(m.totals.fixed).toBe(0);
    expect(m.fixed.map((c) => [c.ruleId, c.unverified])).toEqual([['auth.root-mfa', true]]);
    expect(m.verdict.startsWith('Evidence of 1 account failed verification · No change')).toBe(true);
    const { text } = renderEmail(m);
    expect(text).toMatch(/evidence: \d+ integrity problems? · art32 verify --account 111111111111/);
    expect(text).toContain('Evidence failed verification: not counted');
  });

  it('checks signatures with the trusted key: a run the insider sealed with their own key is an integrity problem, not intact', async () => {
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r10', collectedAt: at(10), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) });
    // The insider writes a whole new run that "fixes" root MFA and seals it with a key of their own.
    const records = buildTestRecords({ accountId: A1, alias: 'prod', runId: 'r11', collectedAt: at(11), statuses: ALL_PASS });
    await t.store.writeRun(records);
    await new Sealer({ store: t.store, signer: ephemeralKeyPair().signer }).seal({ accountId: A1, runId: 'r11', collectedAt: at(11) });
    const trusted = await loadReport(t.store, { now: at(11, 8), verifier: REPORT_TEST_KEYS.verifier });
    expect(trusted.integrity[0]?.problems).toBeGreaterThan(0);
    const m = buildReportModel({ runs: trusted.runs, integrity: trusted.integrity, now: at(11, 8), rules: RULES, frameworks: FRAMEWORKS });
    expect(m.totals.fixed).toBe(0);
    expect(renderEmail(m).text).toMatch(/evidence: \d+ integrity problems? · art32 verify --account 111111111111/);
    // Without the key (the email before signatures were checked) the forged fix looked genuine.
    const unchecked = await loadReport(t.store, { now: at(11, 8) });
    expect(unchecked.integrity[0]).toMatchObject({ problems: 0, signaturesChecked: false });
    expect(renderEmail(buildReportModel({ runs: unchecked.runs, integrity: unchecked.integrity, now: at(11, 8), rules: RULES, frameworks: FRAMEWORKS })).text).toContain(
      'evidence intact · signatures not checked · chain head',
    );
    // With the key and honest runs: verified.
    await t.close();
    t = await startStore();
    await writeTestRun(t.store, { accountId: A1, runId: 'r10', collectedAt: at(10), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) });
    const honest = await loadReport(t.store, { now: at(10, 8), verifier: REPORT_TEST_KEYS.verifier });
    expect(honest.integrity[0]).toMatchObject({ problems: 0, signaturesChecked: true });
    expect(renderEmail(buildReportModel({ runs: honest.runs, integrity: honest.integrity, now: at(10, 8), rules: RULES, frameworks: FRAMEWORKS })).text).toContain(
      'evidence intact · signatures verified · chain head',
    );
  });

  it('shows an intact chain with its head per account', async () => {
    await writeTestRun(t.store, { accountId: A1, runId: 'r10', collectedAt: at(10), statuses: ALL_PASS });
    const loaded = await loadReport(t.store, { now: at(10, 8) });
    const head = (await t.store.latestManifest(A1))?.hash ?? '';
    expect(loaded.integrity).toEqual([{ accountId: A1, problems: 0, headHash: head, problemRunIds: [], signaturesChecked: false, incomplete: 0 }]);
    const m = buildReportModel({ runs: loaded.runs, integrity: loaded.integrity, now: at(10, 8), rules: RULES, frameworks: FRAMEWORKS });
    expect(m.accounts[0]?.integrity?.headHash).toBe(head);
  });
});

const SIGNING_KEY_ARN = 'arn:aws:kms:eu-west-3:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab';
/** KMS GetPublicKey as documented for an ECC_NIST_P256 SIGN_VERIFY key: DER SubjectPublicKeyInfo of the sealer's key. */
function mockSigningKey(publicKeyPem = REPORT_TEST_KEYS.verifier.publicKeyPem) {
  const kms = mockClient(KMSClient);
  kms.on(GetPublicKeyCommand).resolves({
    KeyId: SIGNING_KEY_ARN,
    PublicKey: new Uint8Array(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' })),
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: ['ECDSA_SHA_256'],
  });
  return kms;
}

describe('send-report function (dynalite + mocked SES v2)', () => {
  const env = {
    POWERTOOLS_SERVICE_NAME: 'art32-send-report',
    POWERTOOLS_METRICS_NAMESPACE: 'Art32',
    TABLE_NAME: 'art32-report-test',
    REPORT_SENDER: 'art32@example.com',
    REPORT_RECIPIENTS: 'lead@example.com, ciso@example.com',
    SIGNING_KEY_ID: SIGNING_KEY_ARN,
  };
  let kms: ReturnType<typeof mockSigningKey>;
  beforeEach(() => {
    kms = mockSigningKey();
  });
  afterEach(() => kms.restore());

  it('deployed, checks every signature with the sealer key (kms:GetPublicKey): an honest chain reads "signatures verified"', async () => {
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r10', collectedAt: at(10), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) });
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const { sendReport } = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), store: t.store, kms: new KMSClient({ region: 'eu-west-3' }), clock: () => new Date(at(10, 8)) });
    await sendReport();
    expect(kms.commandCalls(GetPublicKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual([SIGNING_KEY_ARN]);
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Body?.Text?.Data).toContain('evidence intact · signatures verified · chain head');
    ses.restore();
  });

  it('attack: the writer rewrites a FAIL to PASS and re-seals the run with a key of their own — the deployed email says the account is NOT intact', async () => {
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r10', collectedAt: at(10), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) });
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r11', collectedAt: at(11), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) });
    // The insider (table write access, the library's own functions, no access to the sealer's key):
    // the latest FAIL becomes a self-consistent PASS, the run's manifest and header are rebuilt over it
    // and the manifest is signed with the insider's own key. Hashes and chain links all match again.
    const doc = DynamoDBDocumentClient.from(t.client);
    const { Item } = await doc.send(new GetCommand({ TableName: 'art32-report-test', Key: { pk: keys.account(A1), sk: keys.recordSk(at(11), 'r11', 'auth.root-mfa') } }));
    const { hash: _hash, ...unhashed } = JSON.parse(String(Item?.body)) as EvidenceRecord;
    const forgedBody = { ...unhashed, status: 'PASS' as const, message: 'The root user has a non-virtual (hardware or FIDO) MFA device.' };
    await doc.send(new PutCommand({ TableName: 'art32-report-test', Item: recordItem(EvidenceRecord.parse({ ...forgedBody, hash: hashRecord(forgedBody) })) }));
    const records = await t.store.runRecords('r11', A1);
    const previous = (await t.store.manifests(A1)).find((m) => m.runId === 'r10')!;
    const manifest = buildManifest(records, { runId: previous.runId, collectedAt: previous.collectedAt, hash: previous.hash });
    await doc.send(new PutCommand({ TableName: 'art32-report-test', Item: manifestItem(manifest, await ephemeralKeyPair().signer.sign(JSON.stringify(manifest))) }));
    const header = await t.store.getRunHeader(A1, at(11), 'r11');
    await doc.send(new PutCommand({ TableName: 'art32-report-test', Item: { ...header, plan: planOf(records) } }));

    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const { sendReport } = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), store: t.store, kms: new KMSClient({ region: 'eu-west-3' }), clock: () => new Date(at(11, 8)) });
    await sendReport();
    const text = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Body?.Text?.Data ?? '';
    expect(text).not.toContain('evidence intact');
    expect(text).toMatch(/evidence: \d+ integrity problems? · art32 verify --account 111111111111/);
    expect(text).toContain('Evidence failed verification: not counted');
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Subject?.Data).toContain('failed verification');
    ses.restore();
  });

  it('errors (retried, alarmed) rather than send an unchecked report when the public key cannot be read', async () => {
    kms.on(GetPublicKeyCommand).rejects(Object.assign(new Error('User: arn:aws:sts::999999999999:assumed-role/art32-send-report/fn is not authorized to perform: kms:GetPublicKey'), { name: 'AccessDeniedException' }));
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const { sendReport } = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), store: t.store, kms: new KMSClient({ region: 'eu-west-3' }), clock: () => new Date(at(17, 8)) });
    await expect(sendReport()).rejects.toThrow(/not authorized to perform: kms:GetPublicKey/);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    ses.restore();
  });

  it('sends one SendEmail with subject, HTML and text parts from the configured addresses', async () => {
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r1', collectedAt: at(10), statuses: ALL_PASS });
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r2', collectedAt: at(16), statuses: withStatus({ 'auth.console-mfa': 'FAIL' }) });
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: '0100018c-test-message-id' });
    const { sendReport } = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), store: t.store, clock: () => new Date(at(17, 8)) });
    const result = await sendReport();
    expect(result.messageId).toBe('0100018c-test-message-id');
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('art32@example.com');
    expect(input?.Destination).toEqual({ ToAddresses: ['lead@example.com', 'ciso@example.com'] });
    const simple = input?.Content?.Simple;
    expect(simple?.Subject?.Data).toBe('art32: 1 new failure in 1 account since the previous run (Mon 10 Nov) · 1 account missed collection');
    expect(simple?.Body?.Html?.Charset).toBe('UTF-8');
    expect(simple?.Body?.Html?.Data).toContain('Console users without MFA');
    expect(simple?.Body?.Text?.Data?.split('\n')[0]).toBe('1 new failure in 1 account since the previous run (Mon 10 Nov)');
    ses.restore();
  });

  it('records each send, and the next report compares with the report actually sent (falling back to the previous run)', async () => {
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r1', collectedAt: at(9), statuses: ALL_PASS });
    await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: 'r2', collectedAt: at(10), statuses: withStatus({ 'auth.root-mfa': 'FAIL' }) });
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' }).resolvesOnce({ MessageId: 'm-1' }).resolvesOnce({ MessageId: 'm-2' });
    const first = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), store: t.store, clock: () => new Date(at(10, 8)) });
    await first.sendReport();
    // Nothing sent before: compared with the previous sealed run.
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Subject?.Data).toBe('art32: 1 new failure in 1 account since the previous run (Sun 9 Nov)');
    const sent = await t.store.lastReportSent(at(11));
    expect(sent).toMatchObject({ reportNow: at(10, 8), recipients: 2, heads: { [A1]: (await t.store.latestManifest(A1))?.hash } });
    // Three more daily runs: console MFA breaks on day 11 and is still failing on 13; root MFA fixed on 12.
    for (const d of [11, 12, 13]) {
      await writeTestRun(t.store, { accountId: A1, alias: 'prod', runId: `r${d}`, collectedAt: at(d), statuses: withStatus({ 'auth.console-mfa': 'FAIL', ...(d === 11 ? { 'auth.root-mfa': 'FAIL' as Status } : {}) }) });
    }
    const second = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), store: t.store, clock: () => new Date(at(13, 8)) });
    await second.sendReport();
    // Compared with what the readers last saw (the report of Mon 10 Nov), not with yesterday's run.
    expect(ses.commandCalls(SendEmailCommand)[1]?.args[0].input.Content?.Simple?.Subject?.Data).toBe('art32: 1 new failure, 1 fixed in 1 account since Mon 10 Nov');
    expect(await t.store.lastReportSent(at(14))).toMatchObject({ reportNow: at(13, 8), since: at(10, 8) });
    ses.restore();
  });

  it('still sends a report that says nothing was collected when the store is empty', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const { sendReport } = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), store: t.store, clock: () => new Date(at(17, 8)) });
    await sendReport();
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Subject?.Data).toBe('art32: Nothing was collected: the evidence store has no runs');
    ses.restore();
  });

  it('throws when SES refuses, so the function errors and the alarm fires', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified. The following identities failed the check in region EU-WEST-3: art32@example.com'), { name: 'MessageRejected' }));
    const { sendReport } = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), store: t.store, clock: () => new Date(at(17, 8)) });
    await expect(sendReport()).rejects.toThrow(/SES SendEmail from art32@example.com failed \(MessageRejected\): Email address is not verified/);
    ses.restore();
  });
});
