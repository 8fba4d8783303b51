import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { buildSendEmailInput, ReportSendError, sendReportEmail } from '../../../lib/report/send';

const email = { subject: 'art32: No new failures in 1 account since 10 Nov', html: '<p>h</p>', text: 't' };

describe('buildSendEmailInput', () => {
  it('builds a Simple SendEmail with UTF-8 subject, HTML and text', () => {
    expect(buildSendEmailInput(email, { from: 'art32@example.com', to: ['a@example.com', ' a@example.com', 'b@example.com'], configurationSetName: 'ops' })).toEqual({
      FromEmailAddress: 'art32@example.com',
      Destination: { ToAddresses: ['a@example.com', 'b@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Html: { Data: '<p>h</p>', Charset: 'UTF-8' }, Text: { Data: 't', Charset: 'UTF-8' } },
        },
      },
      ConfigurationSetName: 'ops',
    });
  });

  it('refuses to send without sender or recipients, or beyond the 50 recipients SES accepts', () => {
    expect(() => buildSendEmailInput(email, { from: 'x@example.com', to: [] })).toThrow(/no recipient/);
    expect(() => buildSendEmailInput(email, { from: ' ', to: ['a@example.com'] })).toThrow(/no sender/);
    const many = Array.from({ length: 51 }, (_, i) => `u${i}@example.com`);
    expect(() => buildSendEmailInput(email, { from: 'x@example.com', to: many })).toThrow(ReportSendError);
  });
});

describe('sendReportEmail', () => {
  it('returns the SES message id', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'abc' });
    await expect(sendReportEmail(new SESv2Client({ region: 'eu-west-3' }), email, { from: 'x@example.com', to: ['a@example.com'] })).resolves.toBe('abc');
    ses.restore();
  });

  it('throws on throttling and on a response without MessageId, never reporting success', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).rejectsOnce(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' })).resolves({});
    const client = new SESv2Client({ region: 'eu-west-3', maxAttempts: 1 });
    await expect(sendReportEmail(client, email, { from: 'x@example.com', to: ['a@example.com'] })).rejects.toThrow(/TooManyRequestsException/);
    await expect(sendReportEmail(client, email, { from: 'x@example.com', to: ['a@example.com'] })).rejects.toThrow(/no MessageId/);
    ses.restore();
  });
});
