/**
 * SendReport: the weekly compliance email (SES v2), computed from stored evidence.
 *
 * Wiring only, owned here: environment (REPORT_SENDER, REPORT_RECIPIENTS, TABLE_NAME,
 * SIGNING_KEY_ID), Powertools middlewares, and the function's permissions (read the evidence
 * table, kms:GetPublicKey on the manifest signing key, ses:SendEmail on the configured identity
 * only — see infra/stacks/collector-stack.ts).
 * Every manifest signature is checked against the signing key's public key (fetched from KMS,
 * checked locally) before an account's evidence is called intact: a run re-sealed by anyone but
 * the sealer shows as an integrity problem in the email, never as genuine. If the public key
 * cannot be read the function errors (retried, alarmed) rather than send an unchecked report.
 * With PSEUDONYM_KEY_ID (`report.pseudonymise`), people are named by pseudonyms computed with
 * kms:GenerateMac on that HMAC key, one call per distinct name per invocation; a KMS failure
 * fails the report (never sent with names in clear).
 * The report itself (load runs → model → render → send) is lib/report/send.ts; any failure
 * (store, SES) throws, so the function errors, the alarm fires and the scheduler retries.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import { SendReportEnv, parseEnv } from '../../lib/config';
import { kmsVerifier, type SignatureVerifier } from '../../lib/evidence/signing';
import { EvidenceStore } from '../../lib/evidence/store';
import { KmsPseudonyms } from '../../lib/report/pseudonym-kms';
import { sendScheduledReport } from '../../lib/report/send';
import { createObservability, traced, withPowertools, type Observability } from '../shared/powertools';

export interface SendReportDeps {
  env: Record<string, string | undefined>;
  obs?: Observability;
  /** Injected in tests (aws-sdk-client-mock); default: SES v2 in the function's region. */
  ses?: SESv2Client;
  /** Injected in tests (dynalite); default: the DynamoDB table named by TABLE_NAME. */
  store?: EvidenceStore;
  /** Injected in tests (aws-sdk-client-mock); default: KMS in the function's region (GetPublicKey; GenerateMac with PSEUDONYM_KEY_ID). */
  kms?: KMSClient;
  /** Injected in tests; default: the invocation time. */
  clock?: () => Date;
}

export interface SendReportResult {
  messageId: string;
  verdict: string;
}

export function createHandler(deps: SendReportDeps) {
  const env = parseEnv(SendReportEnv, deps.env, 'send-report');
  const obs = deps.obs ?? createObservability();
  const ses = deps.ses ?? traced(obs, new SESv2Client({}));
  const store = deps.store ?? new EvidenceStore({ client: traced(obs, new DynamoDBClient({})), tableName: env.TABLE_NAME });
  const clock = deps.clock ?? (() => new Date());
  const kms = deps.kms ?? traced(obs, new KMSClient({}));
  // The public key never changes for a key id: read once per execution environment (a failed
  // read is not kept, so the next invocation tries again).
  let verifier: Promise<SignatureVerifier> | undefined;
  const trustedKey = (): Promise<SignatureVerifier> =>
    (verifier ??= kmsVerifier(kms, env.SIGNING_KEY_ID).catch((error: unknown) => {
      verifier = undefined;
      throw error;
    }));
  const sendReport = async (): Promise<SendReportResult> => {
    const now = clock();
    // A fresh cache per invocation: one GenerateMac per distinct person named in this report.
    const pseudonymiser = env.PSEUDONYM_KEY_ID ? new KmsPseudonyms(kms, env.PSEUDONYM_KEY_ID) : undefined;
    const result = await sendScheduledReport({
      store,
      ses,
      verifier: await trustedKey(),
      from: env.REPORT_SENDER,
      to: env.REPORT_RECIPIENTS,
      // Compared with the last report sent (recorded in the store), else each account's previous run.
      now: now.toISOString(),
      ...(pseudonymiser ? { pseudonymiser } : {}),
    });
    const t = result.model.totals;
    obs.logger.info('report sent', {
      messageId: result.messageId,
      verdict: result.model.verdict,
      recipients: env.REPORT_RECIPIENTS.length,
      htmlBytes: result.htmlBytes,
      ...(pseudonymiser ? { pseudonymMacCalls: pseudonymiser.calls } : {}),
    });
    obs.metrics.addMetric('ReportNewFailures', 'Count', t.newFailures + t.regressions);
    obs.metrics.addMetric('ReportAccountsCollected', 'Count', t.accountsCollected);
    return { messageId: result.messageId, verdict: result.model.verdict };
  };
  return { sendReport, handler: withPowertools(sendReport, obs) };
}

let cached: ReturnType<typeof createHandler> | undefined;
/** Lambda entry point: dependencies built once per execution environment. */
export const handler = (event: unknown, context: Context) => {
  cached ??= createHandler({ env: process.env });
  return cached.handler(event, context);
};
