/**
 * The register's remediation plans and risk acceptances as the weekly report shows them: per
 * account and rule, who acts on a failure and by when. Pure (the items come from one Query on
 * the register, see `loadReport`).
 *
 * One entry per account and rule: an open plan wins over an acceptance (someone is fixing it);
 * among several, the earliest due date (what lapses first). Plans marked done or abandoned are
 * not shown: a check still failing after its plan was closed has no plan.
 */
import { registerStatusForRule, registerView } from '../register/view';
import type { RegisterItem } from '../register/types';
import type { ReportPlan } from './model';

export function reportPlans(items: readonly RegisterItem[], accountIds: readonly string[], now: string): ReportPlan[] {
  if (items.length === 0) return [];
  const out: ReportPlan[] = [];
  for (const accountId of accountIds) {
    const view = registerView(items, accountId, now);
    const ruleIds = new Set(view.entries.flatMap((e) => (typeof e.payload.ruleId === 'string' && (e.kind === 'plan' || e.kind === 'acceptance') ? [e.payload.ruleId] : [])));
    for (const ruleId of [...ruleIds].sort()) {
      const status = registerStatusForRule(view, ruleId);
      const plan = status.plans.filter((p) => p.status === 'open').sort((a, b) => a.due.localeCompare(b.due))[0];
      const acceptance = [...status.acceptances].sort((a, b) => a.expires.localeCompare(b.expires))[0];
      if (plan) out.push({ accountId, ruleId, kind: 'plan', owner: plan.owner, dueDate: plan.due, id: plan.id });
      else if (acceptance) out.push({ accountId, ruleId, kind: 'acceptance', owner: acceptance.owner, dueDate: acceptance.expires, id: acceptance.id });
    }
  }
  return out;
}
