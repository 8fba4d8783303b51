/**
 * CloudWatch Logs: for each log group a trail delivers to, its retention and KMS key
 * (DescribeLogGroups) and its metric filters (DescribeMetricFilters), asked in the log
 * group's own region (read from its ARN).
 */
import { paginateDescribeLogGroups, paginateDescribeMetricFilters } from '@aws-sdk/client-cloudwatch-logs';
import type { LogGroup, Trail } from '../snapshot';
import { allPages, call, toJson } from './operation';
import type { SectionContext } from './types';

/** `arn:aws:logs:eu-west-3:111122223333:log-group:CloudTrail/org:*` → region and name. */
export function parseLogGroupArn(arn: string): { region: string; name: string } | undefined {
  const match = /^arn:[^:]+:logs:([^:]+):\d{12}:log-group:(.+?)(?::\*)?$/.exec(arn);
  if (!match?.[1] || !match[2]) return undefined;
  return { region: match[1], name: match[2] };
}

export async function collectLogGroups(ctx: SectionContext, trails: Trail[]): Promise<LogGroup[]> {
  const targets = new Map<string, { region: string; name: string }>();
  for (const t of trails) {
    const parsed = t.CloudWatchLogsLogGroupArn ? parseLogGroupArn(t.CloudWatchLogsLogGroupArn) : undefined;
    if (parsed) targets.set(`${parsed.region}/${parsed.name}`, parsed);
  }
  const groups: LogGroup[] = [];
  for (const { region, name } of targets.values()) {
    const client = ctx.clients.cloudWatchLogs(region);
    const found = await call('logs:DescribeLogGroups', region, () =>
      allPages(paginateDescribeLogGroups({ client }, { logGroupNamePrefix: name }), (p) => p.logGroups),
    );
    const group = found.find((g) => g.logGroupName === name);
    if (!group) continue; // the trail points at a deleted log group: nothing delivered, nothing analysed
    const filters = await call('logs:DescribeMetricFilters', region, () =>
      allPages(paginateDescribeMetricFilters({ client }, { logGroupName: name }), (p) => p.metricFilters),
    );
    groups.push(
      toJson<LogGroup>({
        logGroupName: name,
        arn: group.arn,
        retentionInDays: group.retentionInDays,
        kmsKeyId: group.kmsKeyId,
        metricFilters: filters.map((f) => ({
          filterName: f.filterName,
          filterPattern: f.filterPattern,
          metricTransformations: (f.metricTransformations ?? []).map((m) => ({
            metricName: m.metricName,
            metricNamespace: m.metricNamespace,
            metricValue: m.metricValue,
          })),
        })),
      }),
    );
  }
  return groups;
}
