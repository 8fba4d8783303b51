/** Small builders for report tests: runs described as `{ ruleId: status }`. */
import type { ReportRecord, ReportRun } from '../../../lib/report/model';
import type { Status } from '../../../lib/rules/types';

export const A1 = '111111111111';
export const A2 = '222222222222';
export const A3 = '333333333333';

export function day(n: number, hour = 6): string {
  return new Date(Date.UTC(2025, 10, n, hour)).toISOString();
}

export function record(ruleId: string, status: Status, resources: string[] = []): ReportRecord {
  return {
    ruleId,
    status,
    severity: ruleId.startsWith('auth') ? 'high' : 'medium',
    message: `${ruleId} is ${status}`,
    resources,
    resourceCount: resources.length,
  };
}

export function run(accountId: string, at: string, statuses: Record<string, Status>, alias?: string): ReportRun {
  return {
    accountId,
    accountAlias: alias,
    runId: `run-${at.slice(0, 13).replace(/[^0-9]/g, '')}-${accountId.slice(0, 3)}`,
    collectedAt: at,
    records: Object.entries(statuses).map(([ruleId, status]) => record(ruleId, status)),
  };
}
