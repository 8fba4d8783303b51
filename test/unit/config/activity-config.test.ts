/** `activity` in the cdk.json configuration: default, budget against the Lambda timeout, environment. */
import { describe, expect, it } from 'vitest';
import {
  COLLECT_ACCOUNT_TIMEOUT_SECONDS,
  CollectAccountEnv,
  ListActivityLogsEnv,
  MAX_ACTIVITY_CALLS,
  ReadActivityLogsEnv,
  activityLogsEnvironment,
  collectAccountEnvironment,
  parseConfig,
  parseEnv,
} from '../../../lib/config';

const minimal = { accounts: { mode: 'list', ids: ['123456789012'] }, externalId: 'ext-id-1', alarmEmail: 'secops@example.com' };

describe('config activity', () => {
  it('defaults to LookupEvents over 24 h within 300 calls (150 s at 2 calls/s, a quarter of the timeout)', () => {
    const config = parseConfig(minimal);
    expect(config.activity).toEqual({ source: 'lookup-events', windowHours: 24, maxCalls: 300, timeZone: 'Europe/Paris' });
    expect(config.activity.source === 'lookup-events' && config.activity.maxCalls * 0.5).toBeLessThanOrEqual(COLLECT_ACCOUNT_TIMEOUT_SECONDS / 4);
  });

  it('refuses a call budget over half the function timeout, and names the key', () => {
    expect(MAX_ACTIVITY_CALLS * 0.5).toBe(COLLECT_ACCOUNT_TIMEOUT_SECONDS / 2);
    expect(() => parseConfig({ ...minimal, activity: { source: 'lookup-events', maxCalls: MAX_ACTIVITY_CALLS + 1 } })).toThrow(/art32\.activity\.maxCalls: at most 600 calls/);
    expect(() => parseConfig({ ...minimal, activity: { source: 'lookup-events', windowHours: 24 * 91 } })).toThrow(/art32\.activity\.windowHours/);
    expect(() => parseConfig({ ...minimal, activity: { source: 's3', uri: 's3://b/' } })).toThrow(/art32\.activity/);
    expect(() => parseConfig({ ...minimal, activity: { source: 's3', bucket: 'org-trail', bucketAccount: '999988887777', uri: 's3://b/' } })).toThrow(/uri: unknown key/);
    expect(() => parseConfig({ ...minimal, activity: { source: 's3', bucket: 'Org_Trail', bucketAccount: '999988887777' } })).toThrow(/art32\.activity\.bucket: an S3 bucket name/);
    expect(() => parseConfig({ ...minimal, activity: { source: 's3', bucket: 'org-trail', bucketAccount: '9999' } })).toThrow(/art32\.activity\.bucketAccount/);
    expect(() => parseConfig({ ...minimal, activity: { source: 's3', bucket: 'org-trail', bucketAccount: '999988887777', prefix: '/logs' } })).toThrow(/art32\.activity\.prefix/);
    expect(() => parseConfig({ ...minimal, activity: { source: 'none', maxCalls: 3 } })).toThrow(/maxCalls: unknown key/);
  });

  it('reaches the collect-account environment and parses back', () => {
    const on = parseConfig({ ...minimal, activity: { source: 'lookup-events', maxCalls: 120, windowHours: 12, timeZone: 'UTC' } });
    expect(parseEnv(CollectAccountEnv, collectAccountEnvironment(on, 'art32-evidence', 'aws'), 'collect-account')).toMatchObject({
      ACTIVITY_SOURCE: 'lookup-events',
      ACTIVITY_MAX_CALLS: 120,
      ACTIVITY_WINDOW_HOURS: 12,
      ACTIVITY_TIME_ZONE: 'UTC',
    });
    const off = parseConfig({ ...minimal, activity: { source: 'none' } });
    expect(collectAccountEnvironment(off, 'art32-evidence', 'aws')).toMatchObject({ ACTIVITY_SOURCE: 'none' });
    expect(collectAccountEnvironment(off, 'art32-evidence', 'aws').ACTIVITY_MAX_CALLS).toBeUndefined();
  });

  it('a handler environment with a bad budget names the variable', () => {
    const env = { ...collectAccountEnvironment(parseConfig(minimal), 'art32-evidence', 'aws'), ACTIVITY_MAX_CALLS: '5000' };
    expect(() => parseEnv(CollectAccountEnv, env, 'collect-account')).toThrow(/ACTIVITY_MAX_CALLS/);
  });

  it('an organisation trail bucket (source s3) reaches the lister, the workers and collect-account, and parses back', () => {
    const config = parseConfig({ ...minimal, activity: { source: 's3', bucket: 'org-trail', prefix: 'logs/org', bucketAccount: '999988887777', organizationId: 'o-abcd123456' } });
    expect(config.activity).toEqual({ source: 's3', bucket: 'org-trail', prefix: 'logs/org', bucketAccount: '999988887777', organizationId: 'o-abcd123456', windowHours: 24, timeZone: 'Europe/Paris', readConcurrency: 40, listerRoleName: 'art32-activity-log-lister', readerRoleName: 'art32-activity-log-reader' });
    const activity = config.activity as Extract<typeof config.activity, { source: 's3' }>;
    expect(parseEnv(ListActivityLogsEnv, activityLogsEnvironment('list-activity-logs', activity, 'art32-work'), 'list-activity-logs')).toMatchObject({
      WORK_BUCKET: 'art32-work',
      TRAIL_BUCKET: 'org-trail',
      TRAIL_PREFIX: 'logs/org/',
      TRAIL_BUCKET_ACCOUNT: '999988887777',
      TRAIL_ORGANIZATION_ID: 'o-abcd123456',
      ACTIVITY_WINDOW_HOURS: 24,
    });
    expect(parseEnv(ReadActivityLogsEnv, activityLogsEnvironment('read-activity-logs', activity, 'art32-work'), 'read-activity-logs')).toMatchObject({ TRAIL_PREFIX: 'logs/org/', ACTIVITY_TIME_ZONE: 'Europe/Paris' });
    expect(parseEnv(CollectAccountEnv, collectAccountEnvironment(config, 'art32-evidence', 'aws', 'art32-work'), 'collect-account')).toMatchObject({
      ACTIVITY_SOURCE: 's3',
      ACTIVITY_WORK_BUCKET: 'art32-work',
      ACTIVITY_TRAIL_URI: 's3://org-trail/logs/org/',
    });
    expect(() => collectAccountEnvironment(config, 'art32-evidence', 'aws')).toThrow(/work bucket/);
  });
});
