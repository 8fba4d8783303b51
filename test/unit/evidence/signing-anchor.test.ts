/**
 * The sealing abstraction's building blocks (issue #13): manifest signatures that openssl checks
 * without art32, a local key with private modes, and append-only anchors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANCHOR_VERSION, AnchorError, directoryAnchors, type Anchor } from '../../../lib/evidence/anchor';
import { LOCAL_PRIVATE_KEY_FILE, SigningKeyError, ephemeralKeyPair, localSigner, localVerifier } from '../../../lib/evidence/signing';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-signing-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('manifest signatures', () => {
  it('a local key is created once with private modes, and its signature verifies with openssl alone', async () => {
    const keyDir = join(dir, 'data-keys');
    const signer = await localSigner(keyDir);
    expect((await stat(keyDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(keyDir, LOCAL_PRIVATE_KEY_FILE))).mode & 0o777).toBe(0o600);
    const again = await localSigner(keyDir);
    expect(await again.publicKeyPem()).toBe(await signer.publicKeyPem());
    const body = '{"accountId":"111122223333","records":[]}';
    const signature = await signer.sign(body);
    await writeFile(join(dir, 'm.json'), body);
    await writeFile(join(dir, 'm.sig'), Buffer.from(signature.value, 'base64'));
    await writeFile(join(dir, 'pub.pem'), await signer.publicKeyPem());
    const openssl = spawnSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'm.sig', 'm.json'], { cwd: dir, encoding: 'utf8' });
    expect(openssl.stdout.trim()).toBe('Verified OK');
    const verifier = await localVerifier(keyDir);
    expect(verifier?.verify(body, signature)).toBe(true);
    expect(verifier?.verify(body.replace('[]', '[1]'), signature)).toBe(false);
    expect(ephemeralKeyPair().verifier.verify(body, signature)).toBe(false);
  });

  it('refuses a private key readable by others', async () => {
    const keyDir = join(dir, 'k');
    await localSigner(keyDir);
    await chmod(join(keyDir, LOCAL_PRIVATE_KEY_FILE), 0o644);
    await expect(localSigner(keyDir)).rejects.toThrow(SigningKeyError);
  });
});

describe('directory anchors', () => {
  const anchor: Anchor = { anchorVersion: ANCHOR_VERSION, accountId: '111122223333', runId: 'run-1', collectedAt: '2026-01-20T06:00:00.000Z', manifestHash: 'a'.repeat(64), signature: { algorithm: 'ECDSA_SHA_256' as const, keyId: 'k', value: 'c2ln' } };

  it('appends once (read-only file), accepts the identical retry, refuses a different anchor under the same name', async () => {
    const store = directoryAnchors(join(dir, 'anchors'));
    expect(await store.append(anchor)).toBe('written');
    expect(await store.append(anchor)).toBe('present');
    await expect(store.append({ ...anchor, manifestHash: 'b'.repeat(64) })).rejects.toThrow(AnchorError);
    const listing = await store.list();
    expect(listing).toEqual({ anchors: [anchor], problems: [] });
    const file = join(dir, 'anchors', '111122223333', '2026-01-20T06:00:00.000Z_run-1.json');
    expect((await stat(file)).mode & 0o777).toBe(0o400);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(anchor);
  });
});
