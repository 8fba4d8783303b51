import { describe, expect, it } from 'vitest';
import { nextRegisterItem } from '../../../lib/register/build';
import type { RegisterItem } from '../../../lib/register/types';
import { reportPlans } from '../../../lib/report/register-plans';

const A1 = '111111111111';
const A2 = '222222222222';
const who = { identity: 'arn:aws:iam::999999999999:user/dpo', via: 'sts' as const };

/** A register chain of the given entries, each recorded on 2026-01-0<n>. */
function chain(entries: { kind: RegisterItem['kind']; accountId: string; payload: Record<string, unknown>; id?: string }[]): RegisterItem[] {
  const items: RegisterItem[] = [];
  entries.forEach((e, i) => items.push(nextRegisterItem(items.at(-1), { ...e, declarant: who, recordedAt: `2026-01-0${i + 1}T10:00:00Z` })));
  return items;
}

describe('register → report plans', () => {
  it('gives each account and rule one owner and date: an open plan over an acceptance, the earliest due first; closed plans are not plans', () => {
    const items = chain([
      { kind: 'acceptance', accountId: A1, payload: { ruleId: 'auth.root-mfa', principals: [], justification: 'RA-1', owner: 'ciso', expires: '2026-06-30' } },
      { kind: 'plan', accountId: A1, payload: { ruleId: 'auth.root-mfa', action: 'hardware key', owner: 'cloud-team', due: '2026-03-01', riskRef: 'DPIA-1', status: 'open' } },
      { kind: 'plan', accountId: A1, payload: { ruleId: 'auth.root-mfa', action: 'second try', owner: 'later-team', due: '2026-05-01', riskRef: 'DPIA-1', status: 'open' } },
      { kind: 'plan', accountId: '*', payload: { ruleId: 'auth.console-mfa', action: 'MFA everywhere', owner: 'iam-team', due: '2026-02-01', riskRef: 'DPIA-2', status: 'open' } },
      { kind: 'plan', accountId: A2, payload: { ruleId: 'access.stale-credentials', action: 'cleanup', owner: 'ops', due: '2026-02-01', riskRef: 'DPIA-3', status: 'done' } },
      { kind: 'acceptance', accountId: A2, payload: { ruleId: 'logging.log-encryption', principals: [], justification: 'SSE-S3', owner: 'ciso', expires: '2026-01-15' } },
    ]);
    const plans = reportPlans(items, [A1, A2], '2026-02-10T00:00:00.000Z');
    expect(plans.map(({ id: _id, ...p }) => p)).toEqual([
      { accountId: A1, ruleId: 'auth.console-mfa', kind: 'plan', owner: 'iam-team', dueDate: '2026-02-01' },
      { accountId: A1, ruleId: 'auth.root-mfa', kind: 'plan', owner: 'cloud-team', dueDate: '2026-03-01' },
      { accountId: A2, ruleId: 'auth.console-mfa', kind: 'plan', owner: 'iam-team', dueDate: '2026-02-01' },
      { accountId: A2, ruleId: 'logging.log-encryption', kind: 'acceptance', owner: 'ciso', dueDate: '2026-01-15' },
    ]);
    for (const p of plans) expect(p.id).toMatch(/^[PA]-[0-9a-f]{12}$/);
    // Entries recorded after the report's time are not in force yet.
    expect(reportPlans(items, [A1], '2026-01-01T12:00:00.000Z').map((p) => p.kind)).toEqual(['acceptance']);
  });
});
