/**
 * `report --pseudonymise` and `pseudonym resolve` end to end on a real embedded store: the
 * France Travail scenario names advisers, admins and SSO sessions; the pseudonymised email
 * names none of them, the key is created private and apart from the evidence, and the CLI
 * resolves a pseudonym back with the key — never without it.
 */
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GenerateMacCommand, KMSClient, type GenerateMacCommandInput } from '@aws-sdk/client-kms';
import { run } from '../../unit/cli/capture';

let dir: string;
const data = (): string[] => ['--data-dir', join(dir, 'data')];
const keyFile = (): string => join(dir, 'keys', 'pseudonym.key');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-pseudonym-'));
  const r = await run('collect', '--scenario', 'france-travail', ...data());
  expect(r.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

describe('art32 report --pseudonymise / art32 pseudonym resolve', () => {
  it('the email names no person; the key is created 0600; the pseudonym resolves with the key only', async () => {
    const plain = await run('report', ...data());
    expect(plain.stdout).toMatch(/adviser\.dubois|it\.admin/);
    const r = await run('report', '--pseudonymise', '--pseudonym-key', keyFile(), '--html', join(dir, 'p.html'), '--text', join(dir, 'p.txt'), ...data());
    expect(r.code).toBe(0);
    expect(((await stat(keyFile())).mode & 0o777).toString(8)).toBe('600');
    for (const file of ['p.html', 'p.txt']) {
      const body = await readFile(join(dir, file), 'utf8');
      expect(body, file).not.toMatch(/adviser\.|it\.admin|ops\.deploy|legacy\.export|@agency\.example/);
      expect(body).toMatch(/p-[a-z2-7]{12}/);
    }
    const text = await readFile(join(dir, 'p.txt'), 'utf8');
    const pseudonym = /who\/what: (p-[a-z2-7]{12})/.exec(text)?.[1] ?? '';
    const resolved = await run('pseudonym', 'resolve', pseudonym, '--key', keyFile(), ...data());
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toMatch(new RegExp(`^${pseudonym}\\t[\\w.@+=-]+\\n$`));
    // The same key gives the same pseudonyms next time.
    const again = await run('report', '--pseudonymise', '--pseudonym-key', keyFile(), ...data());
    expect(again.stdout).toContain(pseudonym);
  });

  it('without the key, or with a key others can read, nothing resolves (exit 2, one line); an unknown pseudonym exits 1', async () => {
    const none = await run('pseudonym', 'resolve', 'p-aaaaaaaaaaaa', '--key', join(dir, 'absent.key'), ...data());
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^art32: no pseudonym key at .*absent\.key/);
    const bad = await run('pseudonym', 'resolve', 'alice', '--key', keyFile(), ...data());
    expect(bad.code).toBe(2);
    const unknown = await run('pseudonym', 'resolve', 'p-aaaaaaaaaaaa', '--key', keyFile(), ...data());
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('not found among the');
    await chmod(keyFile(), 0o644);
    const open = await run('pseudonym', 'resolve', 'p-aaaaaaaaaaaa', '--key', keyFile(), ...data());
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('is readable by others');
    await chmod(keyFile(), 0o600);
  });

  it('--kms-key-id resolves a pseudonym of the deployed email: one GenerateMac per person in the store; a refusal is one line, exit 2', async () => {
    // The KMS HMAC key is mocked with GenerateMac's documented answer (raw HMAC bytes, KeyId,
    // MacAlgorithm) computed under the local key, so the local pseudonym must resolve identically.
    const keyBytes = Buffer.from((await readFile(keyFile(), 'utf8')).trim(), 'hex');
    const arn = 'arn:aws:kms:eu-west-3:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const kms = mockClient(KMSClient);
    try {
      kms.on(GenerateMacCommand).callsFake((input: GenerateMacCommandInput) => ({ Mac: createHmac('sha256', keyBytes).update(input.Message as Uint8Array).digest(), KeyId: arn, MacAlgorithm: 'HMAC_SHA_256' }));
      const text = (await run('report', '--pseudonymise', '--pseudonym-key', keyFile(), ...data())).stdout;
      const pseudonym = /who\/what: (p-[a-z2-7]{12})/.exec(text)?.[1] ?? '';
      const both = await run('pseudonym', 'resolve', pseudonym, '--key', keyFile(), '--kms-key-id', arn, ...data());
      expect(both.code).toBe(2);
      const local = await run('pseudonym', 'resolve', pseudonym, '--key', keyFile(), '--format', 'json', ...data());
      const viaKms = await run('pseudonym', 'resolve', pseudonym, '--kms-key-id', arn, '--format', 'json', ...data());
      expect(viaKms.code).toBe(0);
      expect(viaKms.stdout).toBe(local.stdout);
      const calls = kms.commandCalls(GenerateMacCommand);
      expect(calls.length).toBeGreaterThan(1);
      expect(new Set(calls.map((c) => Buffer.from(c.args[0].input.Message as Uint8Array).toString('utf8'))).size).toBe(calls.length);
      for (const c of calls) expect(c.args[0].input).toMatchObject({ KeyId: arn, MacAlgorithm: 'HMAC_SHA_256' });
      kms.reset();
      kms.on(GenerateMacCommand).rejects(Object.assign(new Error('User: arn:aws:sts::999999999999:assumed-role/ops/x is not authorized to perform: kms:GenerateMac with an explicit deny in a resource-based policy'), { name: 'AccessDeniedException' }));
      const denied = await run('pseudonym', 'resolve', pseudonym, '--kms-key-id', arn, ...data());
      expect(denied.code).toBe(2);
      expect(denied.stderr).toMatch(/^art32: kms:GenerateMac with .* failed \(AccessDeniedException\)/);
      expect(denied.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      kms.restore();
    }
  });
});
