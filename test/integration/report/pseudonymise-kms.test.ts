/**
 * The deployed weekly email with `report.pseudonymise`: the send-report function names people by
 * pseudonyms computed with kms:GenerateMac on the stack's HMAC key — one call per DISTINCT person,
 * however many rows name them — and never sends names in clear when KMS fails.
 *
 * KMS is mocked with aws-sdk-client-mock; the answer has GenerateMac's documented shape (Mac: the raw
 * RFC 2104 HMAC as bytes, KeyId: the key ARN, MacAlgorithm) and is a real HMAC-SHA-256 under a test
 * key, so the pseudonyms are checked against the local-key computation of lib/report/pseudonym.ts.
 */
import { createHmac, createPublicKey } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GenerateMacCommand, GetPublicKeyCommand, KMSClient, type GenerateMacCommandInput } from '@aws-sdk/client-kms';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { createHandler } from '../../../functions/send-report/handler';
import { RULES, type Status } from '../../../lib/rules';
import { pseudonymOf } from '../../../lib/report/pseudonym';
import { REPORT_TEST_KEYS, startStore, writeTestRun, type TestStore } from './store-fixture';

const A1 = '111111111111';
const A2 = '222222222222';
const KEY_ARN = 'arn:aws:kms:eu-west-3:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SIGNING_KEY_ARN = 'arn:aws:kms:eu-west-3:999999999999:key/5678abcd-12ab-34cd-56ef-1234567890ab';
const TEST_KEY = Buffer.alloc(32, 7);
const at = (d: number, h = 6): string => new Date(Date.UTC(2025, 10, d, h)).toISOString();
const ALL_PASS: Record<string, Status> = Object.fromEntries(RULES.map((r) => [r.id, 'PASS' as Status]));
const user = (account: string, name: string): string => `arn:aws:iam::${account}:user/${name}`;

const env = {
  POWERTOOLS_SERVICE_NAME: 'art32-send-report',
  POWERTOOLS_METRICS_NAMESPACE: 'Art32',
  TABLE_NAME: 'art32-report-test',
  REPORT_SENDER: 'art32@example.com',
  REPORT_RECIPIENTS: 'lead@example.com',
  SIGNING_KEY_ID: SIGNING_KEY_ARN,
  PSEUDONYM_KEY_ID: KEY_ARN,
};

let t: TestStore;
const kms = mockClient(KMSClient);
const ses = mockClient(SESv2Client);
beforeEach(async () => {
  t = await startStore();
  kms.reset();
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  // The same function checks manifest signatures with the sealer's public key (GetPublicKey, as documented).
  kms.on(GetPublicKeyCommand).resolves({
    KeyId: SIGNING_KEY_ARN,
    PublicKey: new Uint8Array(createPublicKey(REPORT_TEST_KEYS.verifier.publicKeyPem).export({ type: 'spki', format: 'der' })),
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: ['ECDSA_SHA_256'],
  });
  // Five rows name people, three distinct: alice (3 rows, 2 accounts), bob, carol.
  const named: [string, Record<string, string[]>][] = [
    [A1, { 'auth.console-mfa': [user(A1, 'alice'), user(A1, 'bob')], 'access.admin-principals': [user(A1, 'alice')] }],
    [A2, { 'auth.console-mfa': [user(A2, 'alice'), user(A2, 'carol')] }],
  ];
  for (const [account, resources] of named) {
    await writeTestRun(t.store, { accountId: account, runId: 'r1', collectedAt: at(10), statuses: ALL_PASS });
    await writeTestRun(t.store, { accountId: account, runId: 'r2', collectedAt: at(16), statuses: { ...ALL_PASS, ...Object.fromEntries(Object.keys(resources).map((r) => [r, 'FAIL' as Status])) }, resources });
  }
});
afterEach(async () => {
  await t.close();
});

const realHmac = (input: GenerateMacCommandInput) => ({
  Mac: createHmac('sha256', TEST_KEY).update(input.Message as Uint8Array).digest(),
  KeyId: KEY_ARN,
  MacAlgorithm: 'HMAC_SHA_256' as const,
});

function sentEmail(): { html: string; text: string } {
  const simple = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple;
  return { html: simple?.Body?.Html?.Data ?? '', text: simple?.Body?.Text?.Data ?? '' };
}

describe('send-report with PSEUDONYM_KEY_ID (dynalite + mocked KMS and SES v2)', () => {
  it('names nobody in clear; each person gets the HMAC pseudonym of the KMS key; one GenerateMac per distinct person', async () => {
    kms.on(GenerateMacCommand).callsFake(realHmac);
    const { sendReport } = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), kms: new KMSClient({ region: 'eu-west-3' }), store: t.store, clock: () => new Date(at(17, 8)) });
    await sendReport();
    const { html, text } = sentEmail();
    for (const body of [html, text]) {
      expect(body).not.toMatch(/alice|bob|carol/);
      for (const name of ['alice', 'bob', 'carol']) expect(body).toContain(pseudonymOf(TEST_KEY, name));
    }
    expect(text).toContain('People are shown as pseudonyms');
    expect(text).toContain('evidence intact · signatures verified');
    const calls = kms.commandCalls(GenerateMacCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(3);
    for (const input of calls) expect(input).toMatchObject({ KeyId: KEY_ARN, MacAlgorithm: 'HMAC_SHA_256' });
    expect(calls.map((c) => Buffer.from(c.Message as Uint8Array).toString('utf8').split('\0')[1]).sort()).toEqual(['alice', 'bob', 'carol']);
  });

  it('a fresh cache per invocation: the next report asks again (pseudonyms stay the same)', async () => {
    kms.on(GenerateMacCommand).callsFake(realHmac);
    const h = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), kms: new KMSClient({ region: 'eu-west-3' }), store: t.store, clock: () => new Date(at(17, 8)) });
    await h.sendReport();
    await h.sendReport();
    expect(kms.commandCalls(GenerateMacCommand)).toHaveLength(6);
    const texts = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Content?.Simple?.Body?.Text?.Data ?? '');
    expect(texts[1]).toContain(pseudonymOf(TEST_KEY, 'alice'));
  });

  it('KMS refuses (key disabled): the function errors and nothing is sent or recorded as sent', async () => {
    kms.on(GenerateMacCommand).rejects(Object.assign(new Error(`${KEY_ARN} is disabled.`), { name: 'DisabledException' }));
    const { sendReport } = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), kms: new KMSClient({ region: 'eu-west-3' }), store: t.store, clock: () => new Date(at(17, 8)) });
    await expect(sendReport()).rejects.toThrow(/kms:GenerateMac with .* failed \(DisabledException\)/);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(await t.store.lastReportSent(at(18))).toBeUndefined();
  });

  it('an answer without a MAC, or with another algorithm, is refused rather than used', async () => {
    kms.on(GenerateMacCommand).resolves({ KeyId: KEY_ARN, MacAlgorithm: 'HMAC_SHA_256' });
    const { sendReport } = createHandler({ env, ses: new SESv2Client({ region: 'eu-west-3' }), kms: new KMSClient({ region: 'eu-west-3' }), store: t.store, clock: () => new Date(at(17, 8)) });
    await expect(sendReport()).rejects.toThrow(/returned no MAC/);
    kms.on(GenerateMacCommand).callsFake((input: GenerateMacCommandInput) => ({ ...realHmac(input), MacAlgorithm: 'HMAC_SHA_512' }));
    await expect(sendReport()).rejects.toThrow(/answered with HMAC_SHA_512/);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('without PSEUDONYM_KEY_ID the email names people and KMS is never called', async () => {
    const { PSEUDONYM_KEY_ID: _, ...plain } = env;
    const { sendReport } = createHandler({ env: plain, ses: new SESv2Client({ region: 'eu-west-3' }), kms: new KMSClient({ region: 'eu-west-3' }), store: t.store, clock: () => new Date(at(17, 8)) });
    await sendReport();
    expect(sentEmail().text).toContain('alice');
    expect(kms.commandCalls(GenerateMacCommand)).toHaveLength(0);
  });
});
