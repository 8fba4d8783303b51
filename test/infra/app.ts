/** Shared fixture of the infra tests: the app built from a test configuration, bundling skipped. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { buildApp, type Art32App } from '../../infra/app-builder';

export const TEST_CONFIG = {
  region: 'eu-west-3',
  accounts: { mode: 'list', ids: ['123456789012', '223456789012'] },
  collectorAccountId: '999999999999',
  externalId: 'art32-test-external-id',
  schedule: { expression: 'cron(30 5 * * ? *)', timeZone: 'Europe/Paris' },
  mapConcurrency: 7,
  report: { recipients: ['dpo@example.com'], sender: 'art32@example.com', identity: 'example.com' },
  alarmEmail: 'oncall@example.com',
};

/**
 * `aws:cdk:bundling-stacks: []` is CDK's own switch to skip asset bundling: template
 * assertions don't depend on bundle content, and bench/bundle-size.ts builds the real bundles.
 */
export function synthApp(config: unknown = TEST_CONFIG, bundle = false): Art32App {
  const context: Record<string, unknown> = { art32: config };
  if (!bundle) context['aws:cdk:bundling-stacks'] = [];
  const base = path.join(process.cwd(), '.vitest');
  fs.mkdirSync(base, { recursive: true });
  const built = buildApp({ context, outdir: fs.mkdtempSync(path.join(base, 'cdk-')) }, { nag: false });
  built.app.synth();
  return built;
}

export function cleanup(app: App): void {
  fs.rmSync(app.outdir, { recursive: true, force: true });
}
