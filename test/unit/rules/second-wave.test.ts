/**
 * Boundaries of the second-wave rules that judge data art32 already collected: delivery health,
 * unused roles, administrator credentials, root usage, passwords older than the policy.
 */
import { describe, expect, it } from 'vitest';
import { evaluateRule, getRule } from '../../../lib/rules';
import { ACCOUNT, NOW, adminPolicy, ADMIN_ARN, authz, daysAgo, logGroupArn, report, role, row, snapshot, trail, user } from './builders';

const judge = (id: string, sections: Parameters<typeof snapshot>[0], params?: Record<string, unknown>) => evaluateRule(getRule(id), snapshot(sections), params);
const hoursAgo = (h: number) => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();

describe('logging.delivery-health', () => {
  const status = (s: Record<string, unknown>) => [trail('main', { Status: { IsLogging: true, ...s } })];
  it('24 h since the last delivery passes, 24.1 h fails', () => {
    expect(judge('logging.delivery-health', { trails: status({ LatestDeliveryTime: hoursAgo(24) }) }).status).toBe('PASS');
    expect(judge('logging.delivery-health', { trails: status({ LatestDeliveryTime: hoursAgo(24.1) }) }).status).toBe('FAIL');
    expect(judge('logging.delivery-health', { trails: status({ LatestDeliveryTime: hoursAgo(30) }) }, { maxDeliveryAgeHours: 48 }).status).toBe('PASS');
  });
  it('a delivery error fails even with a recent delivery; an empty string is no error', () => {
    const f = judge('logging.delivery-health', { trails: status({ LatestDeliveryTime: hoursAgo(1), LatestDeliveryError: 'AccessDenied' }) });
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('S3 delivery error AccessDenied');
    expect(judge('logging.delivery-health', { trails: status({ LatestDeliveryTime: hoursAgo(1), LatestDeliveryError: '' }) }).status).toBe('PASS');
  });
  it('digest errors count when validation is on; CloudWatch Logs delivery is judged when the trail delivers there', () => {
    expect(judge('logging.delivery-health', { trails: status({ LatestDeliveryTime: hoursAgo(1), LatestDigestDeliveryError: 'NoSuchBucket' }) }).status).toBe('FAIL');
    const cw = [trail('main', { CloudWatchLogsLogGroupArn: logGroupArn('ct'), Status: { IsLogging: true, LatestDeliveryTime: hoursAgo(1) } })];
    expect(judge('logging.delivery-health', { trails: cw }).message).toContain('nothing delivered to CloudWatch Logs');
    const cwError = [trail('main', { CloudWatchLogsLogGroupArn: logGroupArn('ct'), Status: { IsLogging: true, LatestDeliveryTime: hoursAgo(1), LatestCloudWatchLogsDeliveryTime: hoursAgo(1), LatestCloudWatchLogsDeliveryError: 'Access denied for LogGroup' } })];
    expect(judge('logging.delivery-health', { trails: cwError }).status).toBe('FAIL');
  });
  it('never delivered fails; no trail fails; status not collected is ERROR, never PASS', () => {
    expect(judge('logging.delivery-health', { trails: status({}) }).message).toContain('no log file delivered');
    expect(judge('logging.delivery-health', { trails: [] }).status).toBe('FAIL');
    expect(judge('logging.delivery-health', { trails: [trail('main', { Status: undefined })] }).status).toBe('ERROR');
    expect(judge('logging.delivery-health', {}).status).toBe('ERROR');
  });
});

describe('access.unused-roles', () => {
  const r = (name: string, extra: Record<string, unknown>) => ({ ...role(name), ...extra });
  it('last used 90 days ago passes, 91 fails', () => {
    expect(judge('access.unused-roles', { authorizationDetails: authz({ roles: [r('a', { CreateDate: daysAgo(500), RoleLastUsed: { LastUsedDate: daysAgo(90) } })] }) }).status).toBe('PASS');
    const f = judge('access.unused-roles', { authorizationDetails: authz({ roles: [r('a', { CreateDate: daysAgo(500), RoleLastUsed: { LastUsedDate: daysAgo(91) } })] }) });
    expect(f.status).toBe('FAIL');
    expect(f.resources).toEqual([`arn:aws:iam::${ACCOUNT}:role/a`]);
  });
  it('never used: counted from creation (a role created 10 days ago is not unused)', () => {
    expect(judge('access.unused-roles', { authorizationDetails: authz({ roles: [r('new', { CreateDate: daysAgo(10) })] }) }).status).toBe('PASS');
    expect(judge('access.unused-roles', { authorizationDetails: authz({ roles: [r('old', { CreateDate: daysAgo(400) })] }) }).message).toContain('never used');
  });
  it('break-glass and service-linked roles are listed apart; unknown dates are ERROR', () => {
    const roles = [r('BreakGlass', { CreateDate: daysAgo(400) }), r('AWSServiceRoleForSupport', { Path: '/aws-service-role/support.amazonaws.com/', CreateDate: daysAgo(400) })];
    const f = judge('access.unused-roles', { authorizationDetails: authz({ roles }) }, { breakGlassRoles: ['BreakGlass'] });
    expect(f.status).toBe('PASS');
    expect(f.observed).toMatchObject({ unusedBreakGlassRoles: [{ arn: `arn:aws:iam::${ACCOUNT}:role/BreakGlass` }] });
    expect(judge('access.unused-roles', { authorizationDetails: authz({ roles }) }, { breakGlassRoles: ['BreakGlass'], includeServiceLinkedRoles: true }).status).toBe('FAIL');
    expect(judge('access.unused-roles', { authorizationDetails: authz({ roles: [role('undated')] }) }).status).toBe('ERROR');
  });
});

describe('access.admin-credentials', () => {
  const details = authz({ users: [user('admin', { managed: [ADMIN_ARN] }), user('reader')], policies: [adminPolicy()] });
  const judgeRows = (...rows: ReturnType<typeof row>[]) => judge('access.admin-credentials', { authorizationDetails: details, credentialReport: report(...rows) });
  it('admin with MFA and no key passes; without MFA fails; a non-admin is not judged', () => {
    expect(judgeRows(row('admin', { password_enabled: true, mfa_active: true }), row('reader', { password_enabled: true })).status).toBe('PASS');
    expect(judgeRows(row('admin', { password_enabled: true, mfa_active: false })).message).toContain('console password without MFA');
  });
  it('one active key fails by default, passes with maxActiveKeys 1; two keys always fail', () => {
    const one = row('admin', { access_key_1_active: true });
    expect(judgeRows(one).status).toBe('FAIL');
    expect(evaluateRule(getRule('access.admin-credentials'), snapshot({ authorizationDetails: details, credentialReport: report(one) }), { maxActiveKeys: 1 }).status).toBe('PASS');
    const two = row('admin', { access_key_1_active: true, access_key_2_active: true });
    expect(evaluateRule(getRule('access.admin-credentials'), snapshot({ authorizationDetails: details, credentialReport: report(two) }), { maxActiveKeys: 2 }).message).toContain('2 active access keys');
  });
  it('an admin missing from the credential report is ERROR; a missing section is ERROR', () => {
    expect(judgeRows(row('reader')).status).toBe('ERROR');
    expect(judge('access.admin-credentials', { authorizationDetails: details }).status).toBe('ERROR');
  });
});

describe('auth.root-usage', () => {
  const ROOT_PATTERN = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';
  const withAlarm = (pattern: string, actions = ['arn:aws:sns:eu-west-3:111122223333:alerts']) => ({
    trails: [trail('main', { CloudWatchLogsLogGroupArn: logGroupArn('ct') })],
    logGroups: [{ logGroupName: 'ct', metricFilters: [{ filterName: 'root', filterPattern: pattern, metricTransformations: [{ metricName: 'RootUsage', metricNamespace: 'CT' }] }] }],
    metricAlarms: [{ AlarmName: 'root-usage', MetricName: 'RootUsage', Namespace: 'CT', AlarmActions: actions }],
  });
  const rootUsed = (days: number) => report(row('<root_account>', { password_enabled: 'not_supported', password_last_used: daysAgo(days), password_last_changed: 'not_supported', password_next_rotation: 'not_supported' }));
  it('unused for 91 days with a real root alarm passes; used 90 days ago with the alarm warns', () => {
    expect(judge('auth.root-usage', { credentialReport: rootUsed(91), ...withAlarm(ROOT_PATTERN) }).status).toBe('PASS');
    expect(judge('auth.root-usage', { credentialReport: rootUsed(90), ...withAlarm(ROOT_PATTERN) }).status).toBe('WARN');
  });
  it('used recently without an alarm fails; a filter named "root" whose pattern matches no root event is no alarm; an alarm without actions is none', () => {
    expect(judge('auth.root-usage', { credentialReport: rootUsed(5), trails: [], logGroups: [], metricAlarms: [] }).status).toBe('FAIL');
    const wrong = judge('auth.root-usage', { credentialReport: rootUsed(5), ...withAlarm('{ $.userIdentity.type = "root" }') });
    expect(wrong.status).toBe('FAIL');
    expect(wrong.observed).toMatchObject({ filtersNotMatchingRootUsage: [{ filter: 'root' }] });
    expect(judge('auth.root-usage', { credentialReport: rootUsed(5), ...withAlarm('') }).status).toBe('FAIL');
    expect(judge('auth.root-usage', { credentialReport: rootUsed(5), ...withAlarm(ROOT_PATTERN, []) }).status).toBe('FAIL');
    expect(judge('auth.root-usage', { credentialReport: rootUsed(200), trails: [], logGroups: [], metricAlarms: [] }).status).toBe('WARN');
  });
  it('no root row, a log group not collected, a missing section: ERROR, never PASS', () => {
    expect(judge('auth.root-usage', { credentialReport: report(row('alice')), trails: [], logGroups: [], metricAlarms: [] }).message).toContain('no <root_account> row');
    const noGroup = { ...withAlarm(ROOT_PATTERN), logGroups: [] };
    expect(judge('auth.root-usage', { credentialReport: rootUsed(200), ...noGroup }).status).toBe('ERROR');
    expect(judge('auth.root-usage', { credentialReport: rootUsed(200) }).status).toBe('ERROR');
  });
});

describe('auth.passwords-predating-policy', () => {
  const policy = { MinimumPasswordLength: 14 };
  const consoleUser = (name: string, changedDaysAgo: number) => row(name, { password_enabled: true, password_last_changed: daysAgo(changedDaysAgo) });
  const changes = (...updatedDaysAgo: number[]) => ({ since: daysAgo(90), events: updatedDaysAgo.map((d) => ({ EventName: 'UpdateAccountPasswordPolicy', EventTime: daysAgo(d) })) });
  const judgeIt = (rows: ReturnType<typeof row>[], c: ReturnType<typeof changes>, params?: Record<string, unknown>) =>
    judge('auth.passwords-predating-policy', { passwordPolicy: policy, credentialReport: report(...rows), passwordPolicyChanges: c }, params);
  it('a password set before the latest update fails; set after (or at) passes', () => {
    expect(judgeIt([consoleUser('a', 31)], changes(30, 60)).status).toBe('FAIL');
    expect(judgeIt([consoleUser('a', 30)], changes(30, 60)).status).toBe('PASS');
    expect(judgeIt([consoleUser('a', 29), row('keys-only', { access_key_1_active: true })], changes(30)).status).toBe('PASS');
  });
  it('no update in event history: passwords older than the window are not verified unless a date is declared', () => {
    expect(judgeIt([consoleUser('a', 80)], changes()).status).toBe('PASS');
    expect(judgeIt([consoleUser('a', 100)], changes()).status).toBe('ERROR');
    expect(judgeIt([consoleUser('a', 100)], changes(), { policyUpdatedAt: daysAgo(120) }).status).toBe('PASS');
    expect(judgeIt([consoleUser('a', 100)], changes(), { policyUpdatedAt: daysAgo(95) }).status).toBe('FAIL');
  });
  it('no policy: not applicable; section missing: ERROR', () => {
    expect(judge('auth.passwords-predating-policy', { passwordPolicy: null, credentialReport: report(), passwordPolicyChanges: changes() }).status).toBe('NOT_APPLICABLE');
    expect(judge('auth.passwords-predating-policy', { passwordPolicy: policy, credentialReport: report() }).status).toBe('ERROR');
  });
});
