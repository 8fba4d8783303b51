/**
 * logging.automated-analysis beyond metric filters: GuardDuty, CloudTrail Insights and Security Hub
 * count when their alerts are routed (EventBridge rule with a target); the finding says which one
 * satisfied it; a filter whose pattern matches nothing never passes; what was not collected is ERROR.
 */
import { describe, expect, it } from 'vitest';
import automatedAnalysis from '../../../lib/rules/logging/automated-analysis';
import { evaluateRule } from '../../../lib/rules';
import { logGroupArn, snapshot, trail } from './builders';

const REGION = 'eu-west-3';
const TOPIC = 'arn:aws:sns:eu-west-3:111122223333:security';
const rule = (source: string, targets = [{ Id: 't', Arn: TOPIC }], state = 'ENABLED') => ({ Name: `${source}-route`, State: state, EventPattern: JSON.stringify({ source: [source] }), Targets: targets });
const base = (extra: Record<string, unknown> = {}) => ({
  trails: [trail('main', { InsightSelectors: [] })],
  logGroups: [],
  metricAlarms: [],
  guardDuty: { region: REGION, detectors: [] as unknown[] },
  securityHub: { region: REGION, enabled: false },
  eventRules: { region: REGION, rules: [] as unknown[] },
  ...extra,
});
const judge = (extra: Record<string, unknown> = {}, params = {}) => evaluateRule(automatedAnalysis, snapshot(base(extra) as never), params);
const detector = (s3: 'ENABLED' | 'DISABLED') => ({ DetectorId: 'd1', Status: 'ENABLED', Features: [{ Name: 'S3_DATA_EVENTS', Status: s3 }] });

describe('logging.automated-analysis: GuardDuty, Insights, Security Hub', () => {
  it('GuardDuty enabled and routed passes and says so; not routed fails; a disabled or target-less rule is no route', () => {
    const routed = judge({ guardDuty: { region: REGION, detectors: [detector('ENABLED')] }, eventRules: { region: REGION, rules: [rule('aws.guardduty')] } });
    expect(routed.status).toBe('PASS');
    expect(routed.observed).toMatchObject({ satisfiedBy: [{ kind: 'guardduty', routes: [`aws.guardduty-route → ${TOPIC}`] }] });
    expect(routed.message).toContain('GuardDuty detector d1 enabled');
    const unrouted = judge({ guardDuty: { region: REGION, detectors: [detector('ENABLED')] } });
    expect(unrouted.status).toBe('FAIL');
    expect(unrouted.message).toContain('reach nobody');
    expect(judge({ guardDuty: { region: REGION, detectors: [detector('ENABLED')] }, eventRules: { region: REGION, rules: [rule('aws.guardduty', [], 'ENABLED')] } }).status).toBe('FAIL');
    expect(judge({ guardDuty: { region: REGION, detectors: [detector('ENABLED')] }, eventRules: { region: REGION, rules: [rule('aws.guardduty', undefined, 'DISABLED')] } }).status).toBe('FAIL');
    expect(judge({ guardDuty: { region: REGION, detectors: [detector('ENABLED')] }, eventRules: { region: REGION, rules: [rule('aws.securityhub')] } }).status).toBe('FAIL');
  });

  it('GuardDuty without S3 protection does not count when personal-data buckets are tagged (unless not required)', () => {
    const extra = {
      guardDuty: { region: REGION, detectors: [detector('DISABLED')] },
      eventRules: { region: REGION, rules: [rule('aws.guardduty')] },
      personalDataStores: [{ ResourceARN: 'arn:aws:s3:::cases', Tags: [{ Key: 'data-classification', Value: 'personal' }] }],
    };
    const f = judge(extra);
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('without S3 protection');
    expect(judge(extra, { requireGuardDutyS3Protection: false }).status).toBe('PASS');
  });

  it('CloudTrail Insights ApiErrorRateInsight routed by an aws.cloudtrail rule passes; Security Hub routed passes', () => {
    const insights = judge({ trails: [trail('main', { InsightSelectors: [{ InsightType: 'ApiErrorRateInsight' }] })], eventRules: { region: REGION, rules: [rule('aws.cloudtrail')] } });
    expect(insights.status).toBe('PASS');
    expect(insights.message).toContain('CloudTrail Insights ApiErrorRateInsight on trail main');
    expect(judge({ securityHub: { region: REGION, enabled: true }, eventRules: { region: REGION, rules: [rule('aws.securityhub')] } }).status).toBe('PASS');
    expect(judge({ securityHub: { region: REGION, enabled: true } }).status).toBe('FAIL');
  });

  it('a metric filter whose pattern matches no authorization failure never passes, whatever its name', () => {
    const group = { logGroupName: 'ct', metricFilters: [{ filterName: 'UnauthorizedAPICalls', filterPattern: '{ $.errorCode = "AccessDenied-typo" }', metricTransformations: [{ metricName: 'U', metricNamespace: 'N' }] }] };
    const f = judge({
      trails: [trail('main', { InsightSelectors: [], CloudWatchLogsLogGroupArn: logGroupArn('ct') })],
      logGroups: [group],
      metricAlarms: [{ AlarmName: 'u', MetricName: 'U', Namespace: 'N', AlarmActions: [TOPIC] }],
    });
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('no metric filter pattern matches an authorization failure');
  });

  it('nothing found but GuardDuty / Security Hub / EventBridge / Insights not collected: ERROR, never FAIL or PASS', () => {
    const f = evaluateRule(automatedAnalysis, snapshot({ trails: [trail('main')], logGroups: [], metricAlarms: [] }));
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('guardDuty, securityHub, eventRules, trails.InsightSelectors');
  });
});
