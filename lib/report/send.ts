/**
 * Send the report through SES v2 `SendEmail` (Simple content: subject, HTML and text parts).
 *
 * Failures throw, always: the report Lambda then errors, its alarm fires and the scheduler
 * retries. A report is never skipped quietly, and an empty store still sends a report that
 * says nothing was collected (that is the news a security lead must get).
 */
import { SendEmailCommand, type SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { EvidenceStore } from '../evidence/store';
import { FRAMEWORKS } from '../frameworks';
import { renderEmail, type RenderedEmail } from './email';
import { loadReport } from './load';
import type { SignatureVerifier } from '../evidence/signing';
import { buildReportModel, dayLabel, type ReportModel, type ReportPlan, type ReportRuleInfo } from './model';
// The rules' texts alone (build-rule-texts.ts): importing lib/rules for them bundled every
// rule's evaluation code into this Lambda.
import ruleTexts from './rule-texts.json' with { type: 'json' };
import { pseudonymiseReportWith, type PseudonymSource } from './pseudonym';

export interface Addresses {
  /** The From address (a verified SES identity, or an address of a verified domain). */
  from: string;
  to: readonly string[];
  /** SES configuration set (event publishing, suppression), when the account uses one. */
  configurationSetName?: string | undefined;
}

export class ReportSendError extends Error {
  /** 'input': the request was never sent (bad addresses, too many recipients); 'delivery': SES refused or failed. */
  public readonly kind: 'input' | 'delivery';
  public constructor(message: string, options?: { cause?: unknown; kind?: 'input' | 'delivery' }) {
    super(message, options);
    this.name = 'ReportSendError';
    this.kind = options?.kind ?? 'delivery';
  }
}

/** SES caps one SendEmail at 50 recipients across To, Cc and Bcc. */
export const SES_MAX_RECIPIENTS = 50;

/** The SendEmail request for a rendered report. */
export function buildSendEmailInput(email: RenderedEmail, addresses: Addresses): SendEmailCommandInput {
  const to = [...new Set(addresses.to.map((a) => a.trim()).filter(Boolean))];
  if (!addresses.from.trim()) throw new ReportSendError('no sender address: set the report sender (REPORT_SENDER / --sender)', { kind: 'input' });
  if (to.length === 0) throw new ReportSendError('no recipient: set the report recipients (REPORT_RECIPIENTS / --recipients)', { kind: 'input' });
  if (to.length > SES_MAX_RECIPIENTS) throw new ReportSendError(`${to.length} recipients: SES accepts at most ${SES_MAX_RECIPIENTS} per message (use a distribution list)`, { kind: 'input' });
  return {
    FromEmailAddress: addresses.from.trim(),
    Destination: { ToAddresses: to },
    Content: {
      Simple: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: {
          Html: { Data: email.html, Charset: 'UTF-8' },
          Text: { Data: email.text, Charset: 'UTF-8' },
        },
      },
    },
    ...(addresses.configurationSetName ? { ConfigurationSetName: addresses.configurationSetName } : {}),
  };
}

/** Send one rendered report; returns the SES message id. Throws on any failure. */
export async function sendReportEmail(ses: SESv2Client, email: RenderedEmail, addresses: Addresses): Promise<string> {
  const input = buildSendEmailInput(email, addresses);
  let messageId: string | undefined;
  try {
    messageId = (await ses.send(new SendEmailCommand(input))).MessageId;
  } catch (error) {
    const name = (error as { name?: string } | null)?.name ?? 'Error';
    const message = error instanceof Error ? error.message : String(error);
    throw new ReportSendError(`SES SendEmail from ${input.FromEmailAddress} failed (${name}): ${message}`, { cause: error });
  }
  if (!messageId) throw new ReportSendError('SES SendEmail returned no MessageId: the report may not have been accepted');
  return messageId;
}

export interface ScheduledReportOptions extends Addresses {
  store: EvidenceStore;
  ses: SESv2Client;
  /** The report's "now" (ISO-8601): the invocation time. */
  now: string;
  /**
   * Compare with this time. Default: the "now" of the last report recorded as sent in the
   * store (what its readers last saw); without one, each account's previous sealed run.
   */
  since?: string | undefined;
  plans?: readonly ReportPlan[];
  /** The manifest signing key's public side (KMS GetPublicKey in the deployed function): signatures are checked. */
  verifier?: SignatureVerifier;
  cadenceHours?: number;
  historyDays?: number;
  expectedAccountIds?: readonly string[];
  title?: string;
  /**
   * Name people by keyed pseudonyms in the email (the `report.pseudonymise` option): a local key
   * (`new Pseudonymiser(key)`) or the deployed KMS HMAC key (`new KmsPseudonyms(kms, keyId)`).
   */
  pseudonymiser?: PseudonymSource;
}

export interface ScheduledReportResult {
  messageId: string;
  model: ReportModel;
  subject: string;
  htmlBytes: number;
  textBytes: number;
}

/** The comparison point of the next report: the last report sent before `now`, if any. */
export async function previousReport(store: EvidenceStore, now: string): Promise<{ since: string; label: string } | undefined> {
  const last = await store.lastReportSent(now);
  const at = typeof last?.reportNow === 'string' ? last.reportNow : undefined;
  return at ? { since: at, label: dayLabel(at, now) } : undefined;
}

/** Load → model → render → send → record the send: what the report Lambda runs. */
export async function sendScheduledReport(options: ScheduledReportOptions): Promise<ScheduledReportResult> {
  const previous = options.since === undefined ? await previousReport(options.store, options.now) : undefined;
  const since = options.since ?? previous?.since;
  const loaded = await loadReport(options.store, { now: options.now, since, historyDays: options.historyDays, ...(options.verifier ? { verifier: options.verifier } : {}) });
  const model = buildReportModel({
    runs: loaded.runs,
    integrity: loaded.integrity,
    plans: options.plans ?? loaded.plans,
    now: options.now,
    since,
    ...(previous ? { sinceLabel: previous.label } : {}),
    cadenceHours: options.cadenceHours,
    expectedAccountIds: options.expectedAccountIds,
    rules: ruleTexts as readonly ReportRuleInfo[],
    frameworks: FRAMEWORKS,
  });
  const email = options.pseudonymiser
    ? renderEmail(await pseudonymiseReportWith(model, options.pseudonymiser), { ...(options.title ? { title: options.title } : {}), pseudonymised: true })
    : renderEmail(model, options.title ? { title: options.title } : {});
  const messageId = await sendReportEmail(options.ses, email, options);
  // Recorded after SES accepted it: a report that failed to send is not a comparison point.
  // The chain heads it showed are kept with it: a second copy that detects deletion of newest runs.
  await options.store.recordReportSent(options.now, messageId, {
    reportNow: options.now,
    since: model.since,
    subject: email.subject,
    recipients: options.to.length,
    heads: Object.fromEntries(loaded.integrity.map((i) => [i.accountId, i.headHash])),
  });
  return { messageId, model, subject: email.subject, htmlBytes: Buffer.byteLength(email.html), textBytes: Buffer.byteLength(email.text) };
}
