/**
 * Which metric filters really watch a kind of CloudTrail event, and notify someone: the
 * filter's pattern matches at least one sample record of that kind and not an ordinary call
 * (`lib/rules/support/sample-events.ts`), and an alarm with enabled actions watches the metric
 * the filter produces. Filter names and metric names are never trusted.
 */
import type { LogGroup, MetricAlarm } from '../../snapshot';
import { filterPatternMatches, parseFilterPattern } from './filter-pattern';
import { ORDINARY_CALL } from './sample-events';

export interface FilterVerdict {
  logGroup: string;
  filter: string;
  pattern: string;
  /** The pattern matched at least one sample of the kind and not the ordinary call. */
  detects: boolean;
  /** Why the pattern could not be read (it then matches nothing). */
  unparseable?: string;
  /** Alarms with enabled actions on the filter's metric, with their actions. */
  alarms: { name: string; actions: string[] }[];
}

const metricKey = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? ''}\u0000${name ?? ''}`;

/** Alarms that would notify someone (actions enabled — AWS's default — and at least one alarm action), by metric. */
export function alarmsByMetric(alarms: readonly MetricAlarm[]): Map<string, { name: string; actions: string[] }[]> {
  const out = new Map<string, { name: string; actions: string[] }[]>();
  for (const a of alarms) {
    if (a.ActionsEnabled === false || a.AlarmActions.length === 0) continue;
    const key = metricKey(a.Namespace, a.MetricName);
    out.set(key, [...(out.get(key) ?? []), { name: a.AlarmName, actions: a.AlarmActions }]);
  }
  return out;
}

/** Every metric filter of `groups`, judged against `samples`. */
export function judgeFilters(groups: readonly LogGroup[], alarms: readonly MetricAlarm[], samples: readonly Record<string, unknown>[]): FilterVerdict[] {
  const byMetric = alarmsByMetric(alarms);
  return groups.flatMap((g) =>
    g.metricFilters.map((f) => {
      const pattern = f.filterPattern ?? '';
      const compiled = parseFilterPattern(pattern);
      const detects = compiled.ok && samples.some((s) => filterPatternMatches(compiled, s)) && !filterPatternMatches(compiled, ORDINARY_CALL);
      return {
        logGroup: g.logGroupName,
        filter: f.filterName,
        pattern,
        detects,
        ...(compiled.ok ? {} : { unparseable: compiled.error }),
        alarms: f.metricTransformations.flatMap((m) => byMetric.get(metricKey(m.metricNamespace, m.metricName)) ?? []),
      };
    }),
  );
}

/** Filters that detect the kind of event and are watched by an alarm that notifies. */
export const alarmedDetectors = (verdicts: readonly FilterVerdict[]): FilterVerdict[] => verdicts.filter((v) => v.detects && v.alarms.length > 0);
