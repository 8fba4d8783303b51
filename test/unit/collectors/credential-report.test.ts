import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectAccount } from '../../../lib/collectors';
import { parseCredentialReportCsv } from '../../../lib/sources/parse-credential-report';
import {
  CREDENTIAL_REPORT_HEADER,
  HOME,
  NOW,
  ROOT_ROW,
  credentialReportContent,
  credentialReportCsv,
  mockHealthyAccount,
  mockedAccount,
  type MockedAccount,
} from './aws-fixtures';

/** A clock that only moves when the collector sleeps: waits are simulated, not spent. */
function simulatedTime(start = NOW) {
  let t = start.getTime();
  const sleeps: number[] = [];
  return {
    clock: () => new Date(t),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

const meta = { $metadata: { httpStatusCode: 410 } };

describe('credential report CSV', () => {
  it('parses the base64 report with the <root_account> row, N/A and not_supported markers', () => {
    const base64 = Buffer.from(credentialReportCsv(1)).toString('base64'); // as the API and the AWS CLI print it
    const rows = parseCredentialReportCsv(Buffer.from(base64, 'base64').toString('utf-8'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      user: '<root_account>',
      password_enabled: 'not_supported',
      password_last_changed: 'not_supported',
      mfa_active: true,
      access_key_1_active: false,
      access_key_1_last_rotated: 'N/A',
    });
    expect(rows[1]).toMatchObject({ user: 'adviser-00000', password_enabled: true, mfa_active: false, access_key_2_last_used_date: 'N/A' });
  });

  it('names the line at fault when a row is malformed', () => {
    expect(() => parseCredentialReportCsv(`${CREDENTIAL_REPORT_HEADER}\n${ROOT_ROW}\nbob,arn:aws:iam::1:user/bob`)).toThrow(/line 3: 2 fields/);
    expect(() => parseCredentialReportCsv(`${CREDENTIAL_REPORT_HEADER}\n${ROOT_ROW.replace(',true,false,N/A', ',yes,false,N/A')}`)).toThrow(/line 2, column "mfa_active"/);
  });
});

describe('credential report lifecycle', () => {
  let m: MockedAccount;
  beforeEach(() => {
    m = mockedAccount();
    mockHealthyAccount(m, 2);
  });

  it('polls GenerateCredentialReport STARTED → INPROGRESS → COMPLETE with a growing delay, then gets it', async () => {
    m.iam
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: 'STARTED', Description: 'No report exists. Starting a new report generation task' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolves({ State: 'COMPLETE' });
    const time = simulatedTime();
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, ...time });
    expect(snapshot.credentialReport?.rows).toHaveLength(3);
    expect(m.iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(3);
    expect(m.iam.commandCalls(GetCredentialReportCommand)).toHaveLength(1);
    expect(time.sleeps).toEqual([1000, 2000]);
  });

  it('a report that never completes becomes a CredentialReportTimeout collection error, never a pass', async () => {
    m.iam.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    const time = simulatedTime();
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, ...time, options: { credentialReportTimeoutMs: 60_000 } });
    expect(snapshot.credentialReport).toBeUndefined();
    expect(snapshot.collectionErrors).toEqual([
      expect.objectContaining({ section: 'credentialReport', operation: 'iam:GenerateCredentialReport', code: 'CredentialReportTimeout' }),
    ]);
    // bounded: 1+2+4+8+10+10+10+10 s = 55 s waited, the next 10 s wait would pass 60 s
    expect(time.sleeps).toEqual([1000, 2000, 4000, 8000, 10000, 10000, 10000, 10000]);
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
    expect(snapshot.authorizationDetails).toBeDefined();
  });

  it.each([
    ['ReportNotPresent', new CredentialReportNotPresentException({ message: 'Credential report not present', ...meta })],
    ['ReportExpired', new CredentialReportExpiredException({ message: 'Credential report expired', ...meta })],
    ['ReportInProgress', new CredentialReportNotReadyException({ message: 'Credential report in progress', $metadata: { httpStatusCode: 404 } })],
  ])('GetCredentialReport %s sends it back to GenerateCredentialReport', async (_code, error) => {
    m.iam
      .on(GetCredentialReportCommand)
      .rejectsOnce(error)
      .resolves({ Content: credentialReportContent(credentialReportCsv(2)), ReportFormat: 'text/csv', GeneratedTime: NOW });
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, ...simulatedTime() });
    expect(snapshot.credentialReport?.rows).toHaveLength(3);
    expect(m.iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(2);
    expect(m.iam.commandCalls(GetCredentialReportCommand)).toHaveLength(2);
    expect(snapshot.collectionErrors).toEqual([]);
  });

  it('a report older than 4 hours is regenerated before use', async () => {
    const stale = new Date(NOW.getTime() - 5 * 3600_000);
    const fresh = new Date(NOW.getTime() + 60_000);
    m.iam
      .on(GetCredentialReportCommand)
      .resolvesOnce({ Content: credentialReportContent(credentialReportCsv(1)), ReportFormat: 'text/csv', GeneratedTime: stale })
      .resolves({ Content: credentialReportContent(credentialReportCsv(2)), ReportFormat: 'text/csv', GeneratedTime: fresh });
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, ...simulatedTime() });
    expect(snapshot.credentialReport?.GeneratedTime).toBe(fresh.toISOString());
    expect(snapshot.credentialReport?.rows).toHaveLength(3);
    expect(m.iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(2);
  });

  it('a malformed report is a collection error naming the line, not a half-read section', async () => {
    m.iam.on(GetCredentialReportCommand).resolves({
      Content: credentialReportContent(`${CREDENTIAL_REPORT_HEADER}\n${ROOT_ROW}\nbob,arn:aws:iam::1:user/bob`),
      ReportFormat: 'text/csv',
      GeneratedTime: NOW,
    });
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, ...simulatedTime() });
    expect(snapshot.credentialReport).toBeUndefined();
    expect(snapshot.collectionErrors).toEqual([
      expect.objectContaining({ section: 'credentialReport', operation: 'iam:GetCredentialReport', code: 'InvalidCredentialReport', message: expect.stringMatching(/line 3/) }),
    ]);
  });

  it('AccessDenied on GetCredentialReport is reported with the operation that failed', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: iam:GetCredentialReport'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    m.iam.on(GetCredentialReportCommand).rejects(denied);
    const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, ...simulatedTime() });
    expect(snapshot.credentialReport).toBeUndefined();
    expect(snapshot.collectionErrors).toEqual([
      { section: 'credentialReport', operation: 'iam:GetCredentialReport', code: 'AccessDenied', message: 'User is not authorized to perform: iam:GetCredentialReport' },
    ]);
  });
});
