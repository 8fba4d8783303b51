/**
 * The credential report lifecycle. One report carries, for every user and root, the
 * password / MFA / access-key state and last use, so no per-user call is needed.
 *
 * 1. GenerateCredentialReport until it answers `COMPLETE` (AWS reuses a report younger
 *    than 4 hours and starts a new one otherwise), waiting with a doubling, capped delay.
 * 2. GetCredentialReport. `ReportInProgress`, `ReportNotPresent` and `ReportExpired` send
 *    us back to step 1; so does a report older than `credentialReportMaxAgeMs`.
 * 3. All of it within `credentialReportTimeoutMs`: past it, the section fails with a
 *    `CredentialReportTimeout` collection error, and the rules that need it say ERROR.
 */
import { GenerateCredentialReportCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam';
import type { CredentialReport } from '../snapshot';
import { parseCredentialReportCsv } from '../sources/parse-credential-report';
import { CollectorError, isErrorCode } from './errors';
import { OperationFailed, call } from './operation';
import type { SectionContext } from './types';

const RETRY_GET_CODES = [
  'ReportInProgress',
  'CredentialReportNotReadyException',
  'ReportNotPresent',
  'CredentialReportNotPresentException',
  'ReportExpired',
  'CredentialReportExpiredException',
];

export async function collectCredentialReport(ctx: SectionContext): Promise<CredentialReport> {
  const { options } = ctx;
  const deadline = ctx.clock().getTime() + options.credentialReportTimeoutMs;
  let delay = options.credentialReportInitialDelayMs;
  let lastState = 'not requested';

  const wait = async (why: string): Promise<void> => {
    if (ctx.clock().getTime() + delay > deadline) {
      throw new OperationFailed(
        'iam:GenerateCredentialReport',
        new CollectorError(
          'CredentialReportTimeout',
          `credential report not ready after ${Math.round(options.credentialReportTimeoutMs / 1000)} s (${why})`,
        ),
      );
    }
    await ctx.sleep(delay);
    delay = Math.min(delay * 2, options.credentialReportMaxDelayMs);
  };

  for (;;) {
    // Step 1: ask for a report until AWS says one is complete.
    for (;;) {
      const generated = await call('iam:GenerateCredentialReport', undefined, () =>
        ctx.clients.iam.send(new GenerateCredentialReportCommand({})),
      );
      lastState = generated.State ?? 'unknown';
      if (lastState === 'COMPLETE') break;
      await wait(`last state ${lastState}`);
    }
    // Step 2: fetch it.
    let report;
    try {
      report = await ctx.clients.iam.send(new GetCredentialReportCommand({}));
    } catch (error) {
      if (isErrorCode(error, ...RETRY_GET_CODES)) {
        await wait(`GetCredentialReport answered ${(error as Error).name}`);
        continue;
      }
      throw new OperationFailed('iam:GetCredentialReport', error);
    }
    const generatedTime = report.GeneratedTime ?? new Date(0);
    const age = ctx.clock().getTime() - generatedTime.getTime();
    if (age > options.credentialReportMaxAgeMs) {
      await wait(`report generated ${generatedTime.toISOString()} is older than ${options.credentialReportMaxAgeMs / 3_600_000} h`);
      continue;
    }
    if (!report.Content) {
      throw new OperationFailed('iam:GetCredentialReport', new CollectorError('EmptyCredentialReport', 'GetCredentialReport returned no Content'));
    }
    const csv = new TextDecoder('utf-8').decode(report.Content);
    let rows;
    try {
      rows = parseCredentialReportCsv(csv);
    } catch (error) {
      throw new OperationFailed('iam:GetCredentialReport', new CollectorError('InvalidCredentialReport', `GetCredentialReport Content: ${(error as Error).message}`));
    }
    return { GeneratedTime: generatedTime.toISOString(), rows };
  }
}
