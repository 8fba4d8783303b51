/**
 * CloudWatch DescribeAlarms (metric alarms, all pages) in the collection region and in
 * every region a trail's log group lives in (alarms on metric filters live there).
 */
import { paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import type { MetricAlarm } from '../snapshot';
import { allPages, call, toJson } from './operation';
import type { SectionContext } from './types';

export async function collectMetricAlarms(ctx: SectionContext, regions: string[]): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = [];
  for (const region of [...new Set([ctx.region, ...regions])]) {
    const client = ctx.clients.cloudWatch(region);
    const found = await call('cloudwatch:DescribeAlarms', region, () =>
      allPages(paginateDescribeAlarms({ client }, { AlarmTypes: ['MetricAlarm'] }), (p) => p.MetricAlarms),
    );
    for (const a of found) {
      alarms.push(
        toJson<MetricAlarm>({
          AlarmName: a.AlarmName ?? '',
          AlarmArn: a.AlarmArn,
          MetricName: a.MetricName,
          Namespace: a.Namespace,
          ActionsEnabled: a.ActionsEnabled,
          AlarmActions: a.AlarmActions ?? [],
          StateValue: a.StateValue,
        }),
      );
    }
  }
  return alarms;
}
