/**
 * `aws cloudtrail lookup-events` output (CloudTrail API Reference, LookupEvents: `Events[]` with
 * EventId, EventName, ReadOnly, AccessKeyId, EventTime, EventSource, Username, Resources,
 * CloudTrailEvent) → the snapshot's event lists. The AWS CLI prints EventTime as ISO-8601
 * (v2) or epoch seconds (v1): both are read.
 */
import type { PasswordPolicyChanges } from '../snapshot';
import { ShapeError, isoTimestamp } from './aws-shapes';

/** CloudTrail event history covers the past 90 days. */
export const EVENT_HISTORY_DAYS = 90;

export function lookupEventsFromAws(events: unknown[], path: string): PasswordPolicyChanges['events'] {
  return events.map((e, i) => {
    if (typeof e !== 'object' || e === null) throw new ShapeError(`${path}.Events[${i}]`, 'expected an event object');
    const ev = e as Record<string, unknown>;
    if (typeof ev.EventName !== 'string') throw new ShapeError(`${path}.Events[${i}].EventName`, 'expected a string');
    const time = isoTimestamp(ev.EventTime, `${path}.Events[${i}].EventTime`);
    if (!time) throw new ShapeError(`${path}.Events[${i}].EventTime`, 'missing');
    return {
      EventName: ev.EventName,
      EventTime: time,
      ...(typeof ev.Username === 'string' && ev.Username !== '' ? { Username: ev.Username } : {}),
      ...(typeof ev.EventId === 'string' ? { EventId: ev.EventId } : {}),
    };
  });
}

/** Start of the event-history window that ends at `collectedAt`. */
export const eventHistorySince = (collectedAt: string): string => new Date(Date.parse(collectedAt) - EVENT_HISTORY_DAYS * 86_400_000).toISOString();
