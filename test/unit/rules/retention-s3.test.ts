import { describe, expect, it } from 'vitest';
import { evaluateRule, getRule } from '../../../lib/rules';
import { parseSnapshot, type TrailBucket } from '../../../lib/snapshot';
import type { RegisterView } from '../../../lib/register/types';

const ACCOUNT = '111122223333';
const rule = getRule('logging.retention');
const trail = { Name: 'main', TrailARN: `arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/main`, HomeRegion: 'eu-west-3', S3BucketName: 'trail-logs', IsMultiRegionTrail: true, Status: { IsLogging: true } };
const judge = (bucket: TrailBucket | undefined, register?: RegisterView) =>
  evaluateRule(
    rule,
    parseSnapshot({
      schemaVersion: 1,
      account: { id: ACCOUNT },
      collectedAt: '2026-02-10T08:00:00Z',
      source: { kind: 'scenario', name: 'unit', toolVersion: 'test' },
      trails: [trail],
      logGroups: [],
      ...(bucket ? { trailBuckets: [bucket] } : {}),
    }),
    {},
    register ? { register } : {},
  );
const rules = (days: number, prefix = 'AWSLogs/') => [{ ID: 'expire', Status: 'Enabled', Filter: { Prefix: prefix }, Expiration: { Days: days } }];

describe('logging.retention for S3-delivered trails (#17)', () => {
  it('judges the bucket lifecycle expiration that covers the log files', () => {
    expect(judge({ Name: 'trail-logs', inAccount: true, LifecycleRules: rules(365) }).status).toBe('PASS');
    expect(judge({ Name: 'trail-logs', inAccount: true, LifecycleRules: rules(90) }).status).toBe('FAIL');
    // A rule on another prefix does not expire the logs: kept forever.
    const other = judge({ Name: 'trail-logs', inAccount: true, LifecycleRules: rules(90, 'tmp/') });
    expect(other.status).toBe('WARN');
    expect(other.message).toContain('forever');
    expect(judge({ Name: 'trail-logs', inAccount: true, LifecycleRules: null }).status).toBe('WARN');
    // Object Lock's default retention keeps files at least that long.
    expect(judge({ Name: 'trail-logs', inAccount: true, LifecycleRules: rules(30), ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 200 } } } }).status).toBe('PASS');
  });

  it('NOT VERIFIED when the bucket or its lifecycle was not read; a log-archive bucket rests on the declared retention', () => {
    expect(judge(undefined).status).toBe('ERROR');
    expect(judge({ Name: 'trail-logs', inAccount: true }).status).toBe('ERROR');
    const archive = judge({ Name: 'trail-logs', inAccount: false });
    expect(archive.status).toBe('ERROR');
    expect(archive.message).toContain('art32 declare retention');
    const register: RegisterView = {
      at: '2026-02-10T08:00:00Z',
      entries: [
        {
          id: 'D-0123456789ab',
          kind: 'declaration',
          accountId: ACCOUNT,
          recordedAt: '2026-01-01T00:00:00Z',
          declarant: { identity: 'arn:aws:iam::111122223333:user/dpo', via: 'sts' },
          hash: 'b'.repeat(64),
          payload: { type: 'retention', days: 365, basis: 'internal-control', legalBasis: 'procedure PR-12' },
        },
      ],
    };
    const declared = judge({ Name: 'trail-logs', inAccount: false }, register);
    expect(declared.status).toBe('PASS');
    expect(declared.message).toMatch(/^PASS \(declared, not verified\)/);
  });
});
