/**
 * Threat detection and where its alerts go, in the collection region: GuardDuty (ListDetectors,
 * GetDetector — one detector per region), Security Hub (DescribeHub) and EventBridge rules of the
 * default bus (ListRules, then ListTargetsByRule only for enabled rules whose pattern names a
 * security source). Calls grow with pages and security rules, never with users or resources.
 */
import { GetDetectorCommand, paginateListDetectors } from '@aws-sdk/client-guardduty';
import { DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { ListRulesCommand, ListTargetsByRuleCommand, type Rule as SdkRule, type Target } from '@aws-sdk/client-eventbridge';
import type { EventRulesSection, GuardDutySection, SecurityHubSection } from '../snapshot';
import { allPages, call, toJson } from './operation';
import { namesSecuritySource } from './security-sources';
import type { SectionContext } from './types';

export async function collectGuardDuty(ctx: SectionContext): Promise<GuardDutySection> {
  const client = ctx.clients.guardDuty(ctx.region);
  const ids = await call('guardduty:ListDetectors', ctx.region, () => allPages(paginateListDetectors({ client }, {}), (p) => p.DetectorIds));
  const detectors: GuardDutySection['detectors'] = [];
  for (const id of ids) {
    const d = await call('guardduty:GetDetector', ctx.region, () => client.send(new GetDetectorCommand({ DetectorId: id })));
    detectors.push(toJson({ DetectorId: id, Status: d.Status, Features: d.Features, DataSources: d.DataSources ? { S3Logs: d.DataSources.S3Logs } : undefined }));
  }
  return { region: ctx.region, detectors };
}

export async function collectSecurityHub(ctx: SectionContext): Promise<SecurityHubSection> {
  try {
    const hub = await ctx.clients.securityHub(ctx.region).send(new DescribeHubCommand({}));
    return { region: ctx.region, enabled: true, ...(hub.HubArn ? { HubArn: hub.HubArn } : {}) };
  } catch (error) {
    // Security Hub answers InvalidAccessException when the account is not subscribed: a fact, not a failure.
    if ((error as { name?: string }).name === 'InvalidAccessException') return { region: ctx.region, enabled: false };
    return call('securityhub:DescribeHub', ctx.region, () => Promise.reject(error));
  }
}

export async function collectEventRules(ctx: SectionContext): Promise<EventRulesSection> {
  const client = ctx.clients.eventBridge(ctx.region);
  const rules: SdkRule[] = [];
  let token: string | undefined;
  do {
    const page = await call('events:ListRules', ctx.region, () => client.send(new ListRulesCommand({ NextToken: token, Limit: 100 })));
    rules.push(...(page.Rules ?? []));
    token = page.NextToken;
  } while (token);
  const out: EventRulesSection['rules'] = [];
  for (const r of rules) {
    if (!r.Name) continue;
    const entry: EventRulesSection['rules'][number] = toJson({ Name: r.Name, Arn: r.Arn, State: r.State, EventPattern: r.EventPattern });
    if (r.State === 'ENABLED' && namesSecuritySource(r.EventPattern)) {
      const targets: Target[] = [];
      let next: string | undefined;
      do {
        const page = await call('events:ListTargetsByRule', ctx.region, () => client.send(new ListTargetsByRuleCommand({ Rule: r.Name, NextToken: next })));
        targets.push(...(page.Targets ?? []));
        next = page.NextToken;
      } while (next);
      entry.Targets = targets.filter((t) => t.Id && t.Arn).map((t) => ({ Id: t.Id!, Arn: t.Arn! }));
    }
    out.push(entry);
  }
  return { region: ctx.region, rules: out };
}
