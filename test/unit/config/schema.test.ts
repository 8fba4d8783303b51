import { describe, expect, it } from 'vitest';
import {
  CollectAccountEnv,
  ConfigError,
  ListAccountsEnv,
  SendReportEnv,
  collectAccountEnvironment,
  listAccountsEnvironment,
  parseConfig,
  parseEnv,
  sendReportEnvironment,
} from '../../../lib/config';

const minimal = { accounts: { mode: 'list', ids: ['123456789012'] }, externalId: 'ext-id-1', collectorAccountId: '210987654321', alarmEmail: 'secops@example.com' };

describe('parseConfig', () => {
  it('requires alarmEmail, or the explicit "alarms": "none" opt-out, never both', () => {
    const { alarmEmail: _email, ...noEmail } = minimal;
    void _email;
    expect(() => parseConfig(noEmail)).toThrow(/art32\.alarmEmail: required/);
    expect(parseConfig({ ...noEmail, alarms: 'none' }).alarmEmail).toBeUndefined();
    expect(() => parseConfig({ ...minimal, alarms: 'none' })).toThrow(/art32\.alarms: "none" contradicts alarmEmail/);
  });

  it('applies the documented defaults (daily at 06:00 Europe/Paris, concurrency 5, no break-glass)', () => {
    const config = parseConfig(minimal);
    expect(config.schedule).toEqual({ expression: 'cron(0 6 * * ? *)', timeZone: 'Europe/Paris' });
    expect(config.mapConcurrency).toBe(5);
    expect(config.breakGlassPrincipalArn).toBeNull();
    expect(config.tableName).toBe('art32-evidence');
    expect(config.report).toBeUndefined();
  });

  it('names every bad key with its full path', () => {
    let error: unknown;
    try {
      parseConfig({
        accounts: { mode: 'list', ids: ['1234'] },
        externalId: 'x',
        mapConcurency: 3,
        schedule: { expression: 'every day', timeZone: 'Europe/Pari' },
        report: { recipients: ['not-an-email'], sender: 'a@example.com' },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    expect(issues).toContain('art32.accounts.ids.0');
    expect(issues).toContain('art32.externalId');
    expect(issues).toContain('art32.mapConcurency: unknown key');
    expect(issues).toContain('art32.schedule.expression');
    expect(issues).toContain('art32.schedule.timeZone');
    expect(issues).toContain('art32.report.recipients.0');
  });

  it('rejects an out-of-range Map concurrency and a malformed break-glass ARN', () => {
    expect(() => parseConfig({ ...minimal, mapConcurrency: 0 })).toThrow(/art32\.mapConcurrency/);
    expect(parseConfig({ ...minimal, mapConcurrency: 200 }).mapConcurrency).toBe(200);
    expect(() => parseConfig({ ...minimal, mapConcurrency: 501 })).toThrow(/art32\.mapConcurrency/);
    expect(() => parseConfig({ ...minimal, breakGlassPrincipalArn: 'admin' })).toThrow(/art32\.breakGlassPrincipalArn/);
  });

  it('accepts organisation mode with exclusions', () => {
    const config = parseConfig({ ...minimal, accounts: { mode: 'organization', excludeIds: ['111111111111'] } });
    expect(config.accounts).toEqual({ mode: 'organization', excludeIds: ['111111111111'] });
  });
});

describe('Lambda environments derived from the config', () => {
  it('round-trip through the handlers’ own schemas', () => {
    const config = parseConfig({ ...minimal, accounts: { mode: 'list', ids: ['123456789012', '223456789012'] }, report: { recipients: ['a@example.com', 'b@example.com'], sender: 'art32@example.com' } });
    expect(parseEnv(ListAccountsEnv, listAccountsEnvironment(config, 'art32-evidence'), 'list-accounts').ACCOUNT_IDS).toEqual(['123456789012', '223456789012']);
    const collect = parseEnv(CollectAccountEnv, collectAccountEnvironment(config, 'art32-evidence', 'aws'), 'collect-account');
    expect(collect).toMatchObject({ TABLE_NAME: 'art32-evidence', MEMBER_ROLE_NAME: 'art32-member-readonly', EXTERNAL_ID: 'ext-id-1', AWS_PARTITION_NAME: 'aws' });
    expect(parseEnv(SendReportEnv, sendReportEnvironment(config.report!, 'art32-evidence', 'arn:aws:kms:eu-west-3:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'), 'send-report').REPORT_RECIPIENTS).toEqual(['a@example.com', 'b@example.com']);
  });

  it('a missing variable names itself and the function', () => {
    expect(() => parseEnv(CollectAccountEnv, { POWERTOOLS_SERVICE_NAME: 's', POWERTOOLS_METRICS_NAMESPACE: 'n' }, 'collect-account')).toThrow(
      /environment of the collect-account function[\s\S]*TABLE_NAME/,
    );
  });
});
