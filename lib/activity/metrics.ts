/**
 * Per-principal metrics derived from the aggregates: what the rule judges, the CLI
 * prints, and the evidence keeps as history for per-principal baselines.
 */
import type { ActivitySection, PrincipalActivity } from './schema';

export interface WorkingHours {
  /** First working hour (local, inclusive), e.g. 8 for 08:00. */
  startHour: number;
  /** End of the working day (local, exclusive), e.g. 19 for 19:00. */
  endHour: number;
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  days: number[];
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { startHour: 8, endHour: 19, days: [1, 2, 3, 4, 5] };

export interface PrincipalMetrics {
  principal: string;
  identityType: string;
  role?: string;
  calls: number;
  errors: number;
  deniedErrors: number;
  errorRate: number;
  deniedErrorRate: number;
  /** Bytes read in the window when it spans at most a day, else on its busiest local day. */
  dataReadBytesPerDay: number;
  /** Records read, same convention. */
  dataReadRecordsPerDay: number;
  offHoursCalls: number;
  offHoursShare: number;
  distinctResources: number;
  distinctSourceIps: number;
}

/** The metrics the outlier detectors compare (all "higher is more suspicious"). */
export const OUTLIER_METRICS = ['calls', 'errorRate', 'deniedErrorRate', 'dataReadBytesPerDay', 'dataReadRecordsPerDay', 'offHoursShare', 'distinctResources'] as const;
export type OutlierMetric = (typeof OUTLIER_METRICS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;
/** Slack so a window of "24 h" measured a few seconds long still counts as one day. */
const ONE_DAY_SLACK_MS = 5 * 60 * 1000;

export function isWorkingTime(weekdayIndex: number, hour: number, hours: WorkingHours): boolean {
  return hours.days.includes(weekdayIndex + 1) && hour >= hours.startHour && hour < hours.endHour;
}

export function metricsOf(activity: PrincipalActivity, windowMs: number, hours: WorkingHours = DEFAULT_WORKING_HOURS): PrincipalMetrics {
  let working = 0;
  activity.weekHourHistogram.forEach((row, weekday) => {
    row.forEach((count, hour) => {
      if (isWorkingTime(weekday, hour, hours)) working += count;
    });
  });
  const offHoursCalls = activity.calls - working;
  let bytes = activity.dataReads.bytes;
  let records = activity.dataReads.records;
  if (windowMs > DAY_MS + ONE_DAY_SLACK_MS) {
    bytes = 0;
    records = 0;
    for (const day of Object.values(activity.dataReadsByDay)) {
      bytes = Math.max(bytes, day.bytes);
      records = Math.max(records, day.records);
    }
  }
  const rate = (n: number): number => (activity.calls > 0 ? n / activity.calls : 0);
  return {
    principal: activity.principal,
    identityType: activity.identityType,
    ...(activity.role ? { role: activity.role } : {}),
    calls: activity.calls,
    errors: activity.errors,
    deniedErrors: activity.deniedErrors,
    errorRate: rate(activity.errors),
    deniedErrorRate: rate(activity.deniedErrors),
    dataReadBytesPerDay: bytes,
    dataReadRecordsPerDay: records,
    offHoursCalls,
    offHoursShare: rate(offHoursCalls),
    distinctResources: activity.distinctResources.count,
    distinctSourceIps: activity.distinctSourceIps.count,
  };
}

export function sectionMetrics(section: ActivitySection, hours: WorkingHours = DEFAULT_WORKING_HOURS): PrincipalMetrics[] {
  const windowMs = Date.parse(section.window.end) - Date.parse(section.window.start);
  return section.principals.map((p) => metricsOf(p, windowMs, hours));
}
