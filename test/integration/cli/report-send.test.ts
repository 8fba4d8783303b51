/**
 * `report --send` exit codes follow the one scheme: a request that was never sent (too many
 * recipients) is input (2), a refusal or failure by SES is "delivery failed" (7) — not 1, which
 * means failing findings. SES is mocked with the SESv2 error shapes of the SendEmail API reference.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../unit/cli/capture';

let dir: string;
const ses = mockClient(SESv2Client);
const saved = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-report-send-'));
  Object.assign(process.env, { AWS_REGION: 'eu-west-3', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  const c = await run('collect', '--scenario', 'compliant', '--collected-at', '2026-01-20T06:00:00.000Z', '--data-dir', join(dir, 'data'));
  expect(c.code).toBe(0);
});
afterAll(async () => {
  ses.restore();
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  ses.reset();
  process.exitCode = undefined;
});

const send = (...recipients: string[]) =>
  run('report', '--send', '--sender', 'art32@example.com', ...recipients.flatMap((r) => ['--recipients', r]), '--data-dir', join(dir, 'data'));

describe('report --send exit codes', () => {
  it('delivered: exit 0 and the SES message id on stderr', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: '0100018d-example-000000' });
    const r = await send('lead@example.com');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('SES message id 0100018d-example-000000');
  });

  it('SES refuses (MessageRejected, unverified sender): exit 7 with one line naming the cause', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified. The following identities failed the check in region EU-WEST-3: art32@example.com'), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } }));
    const r = await send('lead@example.com');
    expect(r.code).toBe(7);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('failed (MessageRejected)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('more recipients than SES takes in one message: exit 2, nothing sent', async () => {
    const many = Array.from({ length: 51 }, (_, i) => `person${i}@example.com`);
    const r = await send(...many);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SES accepts at most 50');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
