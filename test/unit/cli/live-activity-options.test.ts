/** `--activity`, `--activity-window`, `--activity-max-calls`: live only, validated before any AWS call. */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../lib/cli/errors';
import { activityFrom } from '../../../lib/cli/live-options';
import { sourceOptionsFrom } from '../../../lib/cli/source-options';

describe('--activity options', () => {
  it('lookup-events with a window and a budget; s3 with a window; none when absent', () => {
    expect(activityFrom({ live: true, activity: 'lookup-events', activityWindow: '6h', activityMaxCalls: '120' })).toEqual({
      source: 'lookup-events',
      windowHours: 6,
      maxCalls: 120,
    });
    expect(activityFrom({ live: true, activity: 'lookup-events' })).toEqual({ source: 'lookup-events' });
    expect(activityFrom({ live: true, activity: 's3://trails/AWSLogs/111122223333/CloudTrail/', activityWindow: '2d' })).toEqual({
      source: 's3',
      uri: 's3://trails/AWSLogs/111122223333/CloudTrail/',
      windowHours: 48,
    });
    expect(activityFrom({ live: true, activity: 'lookup-events', activityWindow: '90m' })).toMatchObject({ windowHours: 1.5 });
    expect(activityFrom({ live: true })).toBeUndefined();
  });

  it('reaches the live source options', () => {
    const options = sourceOptionsFrom({ live: true, region: 'eu-west-3', activity: 'lookup-events', activityMaxCalls: '50' });
    expect(options).toMatchObject({ kind: 'live', activity: { source: 'lookup-events', maxCalls: 50 } });
  });

  it('refuses bad values and orphans with a usage error naming the flag', () => {
    const usage = (raw: Parameters<typeof activityFrom>[0], pattern: RegExp) => {
      expect(() => activityFrom(raw)).toThrow(CliError);
      expect(() => activityFrom(raw)).toThrow(pattern);
    };
    usage({ live: true, activity: 'cloudtrail' }, /--activity "cloudtrail": expected lookup-events or s3:\/\//);
    usage({ live: true, activity: 'lookup-events', activityWindow: '24' }, /--activity-window "24"/);
    usage({ live: true, activity: 'lookup-events', activityWindow: '91d' }, /at most 90d/);
    usage({ live: true, activity: 'lookup-events', activityMaxCalls: '0' }, /--activity-max-calls "0"/);
    usage({ live: true, activity: 's3://trails/', activityMaxCalls: '10' }, /applies to --activity lookup-events/);
    usage({ live: true, activityWindow: '24h' }, /--activity-window needs --activity/);
  });

  it('are live only: a usage error with --scenario', () => {
    expect(() => sourceOptionsFrom({ scenario: 'france-travail', activity: 'lookup-events' })).toThrow(/--activity only apply to --live/);
    expect(() => sourceOptionsFrom({ scenario: 'france-travail', activityMaxCalls: '5' })).toThrow(/--activity-max-calls only apply to --live/);
  });
});
