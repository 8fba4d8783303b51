/**
 * SendReport: the weekly compliance email (SES v2), computed from stored evidence.
 *
 * Wiring only, owned here: environment (REPORT_SENDER, REPORT_RECIPIENTS, TABLE_NAME),
 * Powertools middlewares, and the function's permissions (read the evidence table,
 * ses:SendEmail on the configured identity only — see infra/stacks/collector-stack.ts).
 * The report itself (load runs → model → render → send) belongs to lib/report; until that
 * module exports its sender, this handler refuses to run rather than send nothing quietly.
 */
import type { Context } from 'aws-lambda';
import { SendReportEnv, parseEnv } from '../../lib/config';
import { createObservability, withPowertools, type Observability } from '../shared/powertools';

export interface SendReportDeps {
  env: Record<string, string | undefined>;
  obs?: Observability;
}

export function createHandler(deps: SendReportDeps) {
  const env = parseEnv(SendReportEnv, deps.env, 'send-report');
  const obs = deps.obs ?? createObservability();
  const sendReport = async (): Promise<never> => {
    obs.logger.error('weekly report not available in this build', { recipients: env.REPORT_RECIPIENTS.length });
    throw new Error('send-report: lib/report does not provide the report sender yet; no email was sent');
  };
  return { sendReport, handler: withPowertools(sendReport, obs) };
}

let cached: ReturnType<typeof createHandler> | undefined;
/** Lambda entry point: dependencies built once per execution environment. */
export const handler = (event: unknown, context: Context) => {
  cached ??= createHandler({ env: process.env });
  return cached.handler(event, context);
};
