/**
 * CloudTrail event history: when the account password policy was last changed
 * (`UpdateAccountPasswordPolicy`). IAM is a global service whose events CloudTrail records in
 * us-east-1; event history keeps 90 days, so `since` says where the search started.
 * One paginated LookupEvents query (50 events a page): calls grow with policy changes, never with users.
 */
import { paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import type { PasswordPolicyChanges } from '../snapshot';
import { allPages, call } from './operation';
import type { SectionContext } from './types';

/** CloudTrail records IAM (global service) events in US East (N. Virginia). */
export const GLOBAL_EVENTS_REGION = 'us-east-1';
/** CloudTrail event history covers the past 90 days. */
export const EVENT_HISTORY_DAYS = 90;

export async function collectPasswordPolicyChanges(ctx: SectionContext, now: Date): Promise<PasswordPolicyChanges> {
  const since = new Date(now.getTime() - EVENT_HISTORY_DAYS * 86_400_000);
  const client = ctx.clients.cloudTrail(GLOBAL_EVENTS_REGION);
  const events = await call('cloudtrail:LookupEvents', GLOBAL_EVENTS_REGION, () =>
    allPages(
      paginateLookupEvents(
        { client },
        { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UpdateAccountPasswordPolicy' }], StartTime: since, EndTime: now },
      ),
      (p) => p.Events,
    ),
  );
  return {
    since: since.toISOString(),
    events: events
      .filter((e) => e.EventName && e.EventTime)
      .map((e) => ({
        EventName: e.EventName!,
        EventTime: e.EventTime!.toISOString(),
        ...(e.Username ? { Username: e.Username } : {}),
        ...(e.EventId ? { EventId: e.EventId } : {}),
      })),
  };
}
