import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../../lib/rules';
import cloudtrailMultiRegion from '../../../lib/rules/logging/cloudtrail-multi-region';
import logIntegrity from '../../../lib/rules/logging/log-integrity';
import logEncryption from '../../../lib/rules/logging/log-encryption';
import automatedAnalysis from '../../../lib/rules/logging/automated-analysis';
import retention from '../../../lib/rules/logging/retention';
import personalDataEvents from '../../../lib/rules/logging/personal-data-events';
import { declare, registerOf } from './register-builders';
import { ACCOUNT, logGroupArn, snapshot, trail } from './builders';
import type { Trail } from '../../../lib/snapshot';

describe('logging.cloudtrail-multi-region', () => {
  const judge = (...trails: Trail[]) => evaluateRule(cloudtrailMultiRegion, snapshot({ trails }));

  it('PASS for a multi-region trail logging all management events (default selectors too)', () => {
    expect(judge(trail('main')).status).toBe('PASS');
    // DescribeTrails says the trail has no custom selectors: CloudTrail's default (all management events).
    expect(judge(trail('main', { EventSelectors: undefined, HasCustomEventSelectors: false })).status).toBe('PASS');
    expect(
      judge(trail('adv', { EventSelectors: undefined, AdvancedEventSelectors: [{ Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] }))
        .status,
    ).toBe('PASS');
  });
  it('ERROR, never PASS, when the selectors were not collected (GetEventSelectors failed or its file is missing)', () => {
    for (const has of [true, undefined]) {
      const finding = judge(trail('main', { EventSelectors: undefined, HasCustomEventSelectors: has }));
      expect(finding.status).toBe('ERROR');
      expect(finding.message).toContain('event selectors not collected (GetEventSelectors)');
    }
    // Another trail that qualifies still makes the account PASS.
    expect(judge(trail('main', { EventSelectors: undefined }), trail('other')).status).toBe('PASS');
  });
  it('FAIL: no trail, single-region only, stopped, write-only, or management events excluded', () => {
    expect(judge().status).toBe('FAIL');
    expect(judge(trail('r', { IsMultiRegionTrail: false })).status).toBe('FAIL');
    expect(judge(trail('s', { Status: { IsLogging: false } })).status).toBe('FAIL');
    expect(judge(trail('w', { EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] })).status).toBe('FAIL');
    expect(judge(trail('d', { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] })).status).toBe('FAIL');
    expect(
      judge(
        trail('ro', {
          EventSelectors: undefined,
          AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }] }],
        }),
      ).status,
    ).toBe('FAIL');
  });
  it('ReadOnly + WriteOnly selectors together cover both', () => {
    expect(
      judge(
        trail('split', {
          EventSelectors: [
            { ReadWriteType: 'ReadOnly', IncludeManagementEvents: true },
            { ReadWriteType: 'WriteOnly', IncludeManagementEvents: true },
          ],
        }),
      ).status,
    ).toBe('PASS');
  });
  it('unknown status → ERROR unless another trail qualifies; shadow copies are deduplicated', () => {
    expect(judge(trail('u', { Status: undefined })).status).toBe('ERROR');
    expect(judge(trail('u', { Status: undefined }), trail('ok')).status).toBe('PASS');
    const shadow = trail('main', { Status: undefined, HomeRegion: 'eu-west-3' });
    const f = judge(shadow, trail('main'));
    expect(f.status).toBe('PASS');
    expect(f.observed.trailCount).toBe(1);
  });
});

describe('logging.log-integrity and logging.log-encryption', () => {
  it('judge the multi-region logging trails; no trail → FAIL', () => {
    expect(evaluateRule(logIntegrity, snapshot({ trails: [] })).status).toBe('FAIL');
    expect(evaluateRule(logEncryption, snapshot({ trails: [] })).status).toBe('FAIL');
    expect(evaluateRule(logIntegrity, snapshot({ trails: [trail('a')] })).status).toBe('PASS');
    expect(evaluateRule(logEncryption, snapshot({ trails: [trail('a')] })).status).toBe('PASS');
    expect(evaluateRule(logIntegrity, snapshot({ trails: [trail('a', { LogFileValidationEnabled: false })] })).status).toBe('FAIL');
    const sseS3 = evaluateRule(logEncryption, snapshot({ trails: [trail('a', { KmsKeyId: undefined })] }));
    expect(sseS3.status).toBe('FAIL');
    // SSE-S3 is encryption: the gap is the customer-managed key, never "no encryption".
    expect(sseS3.message).toMatch(/default S3-managed keys \(SSE-S3\), not a customer-managed KMS key/);
    expect(sseS3.message).not.toMatch(/unencrypted|not encrypted|no encryption/i);
  });
  it('WARN when some qualifying trails are protected and others not; single-region trails are not judged', () => {
    const f = evaluateRule(logIntegrity, snapshot({ trails: [trail('a'), trail('b', { LogFileValidationEnabled: false })] }));
    expect(f.status).toBe('WARN');
    expect(f.resources).toEqual([`arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/b`]);
    expect(evaluateRule(logIntegrity, snapshot({ trails: [trail('r', { IsMultiRegionTrail: false })] })).status).toBe('FAIL');
  });
  it('ERROR when the only multi-region trail has no status', () => {
    const f = evaluateRule(logEncryption, snapshot({ trails: [trail('u', { Status: undefined })] }));
    expect(f.status).toBe('ERROR');
    expect(f.message).toMatch(/u status not collected/);
  });
});

/** Collected and empty: no GuardDuty, Security Hub, EventBridge rule or Insights (so only metric filters can pass). */
const NOTHING_ELSE = {
  guardDuty: { region: 'eu-west-3', detectors: [] },
  securityHub: { region: 'eu-west-3', enabled: false },
  eventRules: { region: 'eu-west-3', rules: [] },
};

describe('logging.automated-analysis', () => {
  const GROUP = 'CloudTrail/main';
  const filters = (pattern: string) => [
    { filterName: 'unauthorized', filterPattern: pattern, metricTransformations: [{ metricName: 'UnauthorizedCalls', metricNamespace: 'CloudTrailMetrics' }] },
  ];
  const alarm = (actions: string[] = ['arn:aws:sns:eu-west-3:111122223333:security'], extra = {}) => ({
    AlarmName: 'unauthorized-calls',
    MetricName: 'UnauthorizedCalls',
    Namespace: 'CloudTrailMetrics',
    AlarmActions: actions,
    ...extra,
  });
  const judge = (opts: { cw?: boolean; pattern?: string; alarms?: ReturnType<typeof alarm>[]; groups?: boolean }, params = {}) =>
    evaluateRule(
      automatedAnalysis,
      snapshot({
        trails: [trail('main', { InsightSelectors: [], ...(opts.cw === false ? {} : { CloudWatchLogsLogGroupArn: logGroupArn(GROUP) }) })],
        logGroups: opts.groups === false ? [] : [{ logGroupName: GROUP, retentionInDays: 365, metricFilters: opts.pattern === undefined ? [] : filters(opts.pattern) }],
        metricAlarms: opts.alarms ?? [],
        ...NOTHING_ELSE,
      }),
      params,
    );
  const UNAUTH = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }';

  it('PASS: delivered to CloudWatch Logs, filter on AccessDenied, alarm with an action', () => {
    expect(judge({ pattern: UNAUTH, alarms: [alarm()] }).status).toBe('PASS');
  });
  it('FAIL at each missing link: no CloudWatch delivery, no filter, no alarm, alarm without actions or disabled', () => {
    expect(judge({ cw: false, pattern: UNAUTH, alarms: [alarm()] }).status).toBe('FAIL');
    expect(judge({ alarms: [alarm()] }).status).toBe('FAIL');
    expect(judge({ pattern: UNAUTH }).status).toBe('FAIL');
    expect(judge({ pattern: UNAUTH, alarms: [alarm([])] }).status).toBe('FAIL');
    expect(judge({ pattern: UNAUTH, alarms: [alarm(undefined, { ActionsEnabled: false })] }).status).toBe('FAIL');
  });
  it('requireUnauthorizedCallsFilter: a filter on something else fails by default, passes when not required', () => {
    const other = '{ $.eventName = "ConsoleLogin" }';
    expect(judge({ pattern: other, alarms: [alarm()] }).status).toBe('FAIL');
    expect(judge({ pattern: other, alarms: [alarm()] }, { requireUnauthorizedCallsFilter: false }).status).toBe('PASS');
  });
  it('ERROR when the trail log group was not collected; FAIL with no trail', () => {
    expect(judge({ groups: false, alarms: [alarm()] }).status).toBe('ERROR');
    expect(evaluateRule(automatedAnalysis, snapshot({ trails: [], logGroups: [], metricAlarms: [], ...NOTHING_ELSE })).status).toBe('FAIL');
  });
});

describe('logging.automated-analysis: trail status not collected', () => {
  const group = { logGroupName: 'CloudTrail/main', metricFilters: [{ filterName: 'unauth', filterPattern: 'AccessDenied', metricTransformations: [{ metricName: 'U', metricNamespace: 'N' }] }] };
  const alarms = [{ AlarmName: 'u', MetricName: 'U', Namespace: 'N', AlarmActions: ['arn:aws:sns:eu-west-3:111122223333:t'] }];
  const judge = (...trails: Trail[]) => evaluateRule(automatedAnalysis, snapshot({ trails, logGroups: [group], metricAlarms: alarms, ...NOTHING_ELSE }));
  const cw = { CloudWatchLogsLogGroupArn: logGroupArn('CloudTrail/main'), InsightSelectors: [] };

  it('ERROR naming the trail when no logging trail is analysed and an analysed-looking trail has no status', () => {
    const f = judge(trail('u', { Status: undefined, ...cw }));
    expect(f.status).toBe('ERROR');
    expect(f.message).toMatch(/u status not collected/);
    expect(f.resources).toEqual([`arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/u`]);
    // A known stopped trail alongside does not turn it into a FAIL.
    expect(judge(trail('s', { Status: { IsLogging: false }, ...cw }), trail('u', { Status: undefined, ...cw })).status).toBe('ERROR');
  });
  it('still PASS when another logging trail is analysed; still FAIL when the unknown trail could not be analysed anyway', () => {
    expect(judge(trail('u', { Status: undefined }), trail('ok', cw)).status).toBe('PASS');
    expect(judge(trail('u', { Status: undefined, InsightSelectors: [] })).status).toBe('FAIL');
  });
});

describe('logging.retention: trail status and log groups not collected', () => {
  const judge = (trails: Trail[], logGroups: { logGroupName: string; retentionInDays?: number }[]) =>
    evaluateRule(retention, snapshot({ trails, logGroups }));

  it('ERROR, not FAIL, when no trail is known to be logging and some status was not collected', () => {
    const f = judge([trail('u', { Status: undefined, CloudWatchLogsLogGroupArn: logGroupArn('ct') })], [{ logGroupName: 'ct', retentionInDays: 365 }]);
    expect(f.status).toBe('ERROR');
    expect(f.message).toMatch(/u status not collected/);
    expect(judge([trail('s', { Status: { IsLogging: false } })], []).status).toBe('FAIL');
  });
  it('a qualifying trail whose log group was not collected prevents a PASS', () => {
    const trails = [trail('a', { CloudWatchLogsLogGroupArn: logGroupArn('ct-a') }), trail('b', { CloudWatchLogsLogGroupArn: logGroupArn('ct-b') })];
    const f = judge(trails, [{ logGroupName: 'ct-a', retentionInDays: 365 }]);
    expect(f.status).toBe('ERROR');
    expect(f.message).toMatch(/ct-b/);
    expect(f.resources).toEqual([logGroupArn('ct-b')]);
    // Whatever the missing group keeps, a collected group kept forever is already too long.
    expect(judge(trails, [{ logGroupName: 'ct-a' }]).status).toBe('WARN');
    // And a too-short collected group does not FAIL: the missing one may keep the logs 6 months.
    expect(judge(trails, [{ logGroupName: 'ct-a', retentionInDays: 30 }]).status).toBe('ERROR');
  });
});

describe('logging.personal-data-events: trail status not collected', () => {
  const BUCKET = 'arn:aws:s3:::case-files';
  const stores = [{ ResourceARN: BUCKET, Tags: [{ Key: 'data-classification', Value: 'personal' }] }];
  const dataEvents = { EventSelectors: [{ ReadWriteType: 'All' as const, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::case-files/'] }] }] };
  const judge = (...trails: Trail[]) => evaluateRule(personalDataEvents, snapshot({ trails, personalDataStores: stores }));

  it('ERROR, not FAIL, when only a trail whose status was not collected would cover the store', () => {
    const f = judge(trail('u', { Status: undefined, ...dataEvents }));
    expect(f.status).toBe('ERROR');
    expect(f.message).toMatch(/u status not collected/);
    expect(judge(trail('u', { Status: undefined, ...dataEvents }), trail('ok', dataEvents)).status).toBe('PASS');
    // An unknown trail that would not cover the store anyway leaves a certain FAIL.
    expect(judge(trail('u', { Status: undefined, InsightSelectors: [] })).status).toBe('FAIL');
  });
});

describe('logging.retention', () => {
  const judge = (retentionInDays: number | undefined, params = {}, cw = true) =>
    evaluateRule(
      retention,
      snapshot({
        trails: [trail('main', cw ? { CloudWatchLogsLogGroupArn: logGroupArn('ct') } : {})],
        logGroups: [{ logGroupName: 'ct', ...(retentionInDays ? { retentionInDays } : {}) }],
      }),
      params,
    );
  it('179 days FAIL, 180 (the CloudWatch "6 months") and 365 PASS, 366 WARN, never-expire WARN', () => {
    expect(judge(179).status).toBe('FAIL');
    expect(judge(180).status).toBe('PASS');
    expect(judge(366).status).toBe('WARN');
    expect(judge(182).status).toBe('PASS');
    expect(judge(183).status).toBe('PASS');
    expect(judge(365).status).toBe('PASS');
    expect(judge(400).status).toBe('WARN');
    const never = judge(undefined);
    expect(never.status).toBe('WARN');
    expect(never.observed.logGroups).toEqual([expect.objectContaining({ retentionInDays: 'never expire' })]);
  });
  it('a longer period counts only when declared in the register with its basis; > 3 years only for a legal obligation', () => {
    const internal = (days: number) => registerOf(declare({ type: 'retention', days, basis: 'internal-control', legalBasis: 'internal control procedure PR-12' }));
    const legal = (days: number) => registerOf(declare({ type: 'retention', days, basis: 'legal-obligation', legalBasis: 'Code monétaire et financier, art. L.561-12' }));
    const withRegister = (days: number | undefined, register: ReturnType<typeof registerOf>) =>
      evaluateRule(retention, snapshot({ trails: [trail('a', { CloudWatchLogsLogGroupArn: logGroupArn('ct') })], logGroups: [{ logGroupName: 'ct', ...(days ? { retentionInDays: days } : {}) }] }), {}, { register });
    expect(withRegister(731, internal(1095)).status).toBe('PASS');
    expect(withRegister(1096, internal(1095)).status).toBe('WARN');
    // Internal control alone never covers more than 3 years, whatever is declared.
    const tooLong = withRegister(1827, internal(1827));
    expect(tooLong.status).toBe('WARN');
    expect(tooLong.message).toMatch(/only 1095 days \(3 years\) are covered without a legal obligation/);
    // A legal obligation does.
    const law = withRegister(1827, legal(3650));
    expect(law.status).toBe('PASS');
    expect(law.message).toMatch(/legal-obligation: Code monétaire et financier/);
    expect(withRegister(undefined, legal(3650)).status).toBe('WARN');
    // A declaration is a register entry, not a parameter: the old parameter is refused, not ignored.
    expect(() => judge(365, { declaredRetentionDays: 1095 })).toThrow(/declaredRetentionDays/);
  });
  it('S3-only delivery → ERROR explaining that the bucket lifecycle is not collected', () => {
    const f = judge(365, {}, false);
    expect(f.status).toBe('ERROR');
    expect(f.message).toMatch(/lifecycle/);
  });
  it('no logging trail → FAIL', () => {
    expect(evaluateRule(retention, snapshot({ trails: [], logGroups: [] })).status).toBe('FAIL');
  });
});

describe('logging.personal-data-events', () => {
  const BUCKET = 'arn:aws:s3:::case-files';
  const TABLE = `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/jobseekers`;
  const stores = [
    { ResourceARN: BUCKET, Tags: [{ Key: 'Data-Classification', Value: 'PII' }] },
    { ResourceARN: TABLE, Tags: [{ Key: 'data-classification', Value: 'personal' }] },
    { ResourceARN: 'arn:aws:s3:::public-site', Tags: [{ Key: 'data-classification', Value: 'public' }] },
  ];
  const judge = (t: Trail[], s = stores) => evaluateRule(personalDataEvents, snapshot({ trails: t, personalDataStores: s }));

  it('NOT_APPLICABLE with tagging instructions when no store is tagged', () => {
    const f = judge([trail('main')], [stores[2]!]);
    expect(f.status).toBe('NOT_APPLICABLE');
    expect(f.message).toMatch(/tag-resources .*data-classification=personal/);
  });
  it('FAIL when tagged stores have no data events (management events only)', () => {
    const f = judge([trail('main')]);
    expect(f.status).toBe('FAIL');
    expect(f.resources).toEqual([BUCKET, TABLE]);
  });
  it('PASS with basic DataResources (bucket prefix, all tables)', () => {
    const t = trail('main', {
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [
            { Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::case-files/'] },
            { Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb'] },
          ],
        },
      ],
    });
    expect(judge([t]).status).toBe('PASS');
  });
  it('write-only data events do not count (extraction is reads); a stopped trail does not count', () => {
    const dr = [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }, { Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb'] }];
    expect(judge([trail('w', { EventSelectors: [{ ReadWriteType: 'WriteOnly', DataResources: dr }] })]).status).toBe('FAIL');
    expect(judge([trail('s', { Status: { IsLogging: false }, EventSelectors: [{ ReadWriteType: 'All', DataResources: dr }] })]).status).toBe('FAIL');
  });
  it('advanced selectors: type + ARN StartsWith/Equals; a selector on another bucket leaves the store uncovered', () => {
    const sel = (type: string, arn?: Record<string, string[]>) => ({
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: [type] },
        ...(arn ? [{ Field: 'resources.ARN', ...arn }] : []),
      ],
    });
    const covered = trail('adv', {
      EventSelectors: undefined,
      AdvancedEventSelectors: [sel('AWS::S3::Object', { StartsWith: ['arn:aws:s3:::case-files/'] }), sel('AWS::DynamoDB::Table', { Equals: [TABLE] })],
    });
    expect(judge([covered]).status).toBe('PASS');
    const other = trail('adv', {
      EventSelectors: undefined,
      AdvancedEventSelectors: [sel('AWS::S3::Object', { StartsWith: ['arn:aws:s3:::other/'] }), sel('AWS::DynamoDB::Table')],
    });
    const f = judge([other]);
    expect(f.status).toBe('FAIL');
    expect(f.resources).toEqual([BUCKET]);
  });
  it('WARN for tagged stores of a type the rule cannot judge', () => {
    const f = judge([trail('main')], [{ ResourceARN: `arn:aws:rds:eu-west-3:${ACCOUNT}:db:crm`, Tags: [{ Key: 'data-classification', Value: 'personal' }] }]);
    expect(f.status).toBe('WARN');
  });
});
