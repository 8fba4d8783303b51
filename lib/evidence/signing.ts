/**
 * Manifest signatures: who may seal a run, and how anyone checks a seal without art32.
 *
 * A manifest's hash proves its body was not changed AFTER someone computed the hash — but
 * whoever can write the table can recompute it. The signature closes that gap: only the
 * holder of the private key (deployed: one KMS key that only the sealing function's role may
 * `kms:Sign` with; embedded store: a local key file readable by its owner only) can produce
 * it, and every verifier checks it against a public key it got from somewhere the table's
 * writers do not control (`--public-key FILE`, `kms:GetPublicKey`, the export pack).
 *
 * What is signed: the manifest's `body` attribute, byte for byte (the canonical JSON the
 * manifest hash is computed over). Algorithm: ECDSA on P-256 with SHA-256, DER-encoded
 * signature — exactly what `openssl dgst -sha256 -verify pub.pem -signature sig.der body`
 * checks, and what KMS returns for `ECDSA_SHA_256` on an `ECC_NIST_P256` key.
 *
 * The key id carried with a signature names the key that claims to have signed; it is NEVER
 * used to pick the verification key (a forger would simply name their own).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, lstat, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';

/** The one signature algorithm (KMS name). */
export const SIGNATURE_ALGORITHM = 'ECDSA_SHA_256';
export type SignatureAlgorithm = typeof SIGNATURE_ALGORITHM;

/** A manifest's signature as stored next to it (item attributes) and in anchors. */
export interface ManifestSignature {
  algorithm: SignatureAlgorithm;
  /** Who claims to have signed: a KMS key ARN, or `local:sha256:<SPKI fingerprint>`. Informative only. */
  keyId: string;
  /** Base64 of the DER-encoded ECDSA signature over the manifest body. */
  value: string;
}

/** Signs manifest bodies. Given only to the sealer (deployed: the sealing function). */
export interface ManifestSigner {
  /** For people: `local key <path>` or `KMS key <arn>`. */
  readonly description: string;
  sign(body: string): Promise<ManifestSignature>;
  /** The public key (SPKI PEM) that checks this signer's signatures. */
  publicKeyPem(): Promise<string>;
}

/** Checks signatures against ONE trusted public key. */
export interface SignatureVerifier {
  /** Key id of the trusted key (same format as `ManifestSignature.keyId` for local keys). */
  readonly keyId: string;
  readonly publicKeyPem: string;
  /** True only when `signature` is a valid ECDSA P-256 / SHA-256 signature of `body` by the trusted key. */
  verify(body: string, signature: ManifestSignature): boolean;
}

export class SigningKeyError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

/** `local:sha256:<hex>` of the DER SubjectPublicKeyInfo: the same key always has the same id. */
export function localKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `local:sha256:${createHash('sha256').update(der).digest('hex')}`;
}

function assertP256(key: KeyObject, where: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new SigningKeyError(`${where} is not an ECDSA P-256 key (found ${key.asymmetricKeyType ?? 'unknown'} ${key.asymmetricKeyDetails?.namedCurve ?? ''})`.trim());
  }
}

/** A verifier for one public key (PEM, SPKI). */
export function verifierFromPem(pem: string, keyId?: string, where = 'public key'): SignatureVerifier {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new SigningKeyError(`${where} is not a PEM public key (${(error as Error).message})`);
  }
  assertP256(key, where);
  const publicKeyPem = key.export({ type: 'spki', format: 'pem' }).toString();
  return {
    keyId: keyId ?? localKeyId(key),
    publicKeyPem,
    verify(body, signature) {
      if (signature.algorithm !== SIGNATURE_ALGORITHM) return false;
      try {
        return cryptoVerify('sha256', Buffer.from(body, 'utf8'), { key, dsaEncoding: 'der' }, Buffer.from(signature.value, 'base64'));
      } catch {
        return false;
      }
    },
  };
}

/** `--public-key FILE`: a verifier from a PEM file (the export pack's `public-key.pem`). */
export async function verifierFromFile(path: string): Promise<SignatureVerifier> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    throw new SigningKeyError(`--public-key ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return verifierFromPem(pem, undefined, `--public-key ${path}`);
}

function signerFromPrivateKey(privateKey: KeyObject, description: string): ManifestSigner {
  assertP256(privateKey, description);
  const publicKey = createPublicKey(privateKey);
  const keyId = localKeyId(publicKey);
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    description,
    async sign(body) {
      const value = cryptoSign('sha256', Buffer.from(body, 'utf8'), { key: privateKey, dsaEncoding: 'der' }).toString('base64');
      return { algorithm: SIGNATURE_ALGORITHM, keyId, value };
    },
    async publicKeyPem() {
      return pem;
    },
  };
}

/** A key pair held in memory only (tests, benchmarks): nothing survives the process. */
export function ephemeralKeyPair(): { signer: ManifestSigner; verifier: SignatureVerifier } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { signer: signerFromPrivateKey(privateKey, 'ephemeral in-memory key'), verifier: verifierFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) };
}

// ------------------------------------------------------------------ local key (embedded store)

/** File name of the private key inside the key directory. */
export const LOCAL_PRIVATE_KEY_FILE = 'manifest-signing-key.pem';
/** File name of the public key (written beside it for auditors and `verify`). */
export const LOCAL_PUBLIC_KEY_FILE = 'manifest-signing-key.pub.pem';

/**
 * Key directory of an embedded store: `<data dir>-keys`, beside (not inside) the data
 * directory, so copying or sharing the evidence directory does not hand over the key.
 */
export function defaultKeyDir(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}-keys`;
}

async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new SigningKeyError(`key directory ${dir} is not a directory`);
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) throw new SigningKeyError(`key directory ${dir} belongs to another user`);
  // mkdir's mode is masked by the umask, and an existing directory keeps its mode.
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/** Write a new file, never following a link and never replacing one (O_EXCL | O_NOFOLLOW). */
async function writeNewFile(path: string, content: string, mode: number): Promise<void> {
  const handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

async function readPrivateKey(path: string): Promise<KeyObject | undefined> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!info.isFile()) throw new SigningKeyError(`signing key ${path} is not a regular file (a link or device is refused)`);
  if ((info.mode & 0o077) !== 0) throw new SigningKeyError(`signing key ${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}): run chmod 600 on it`);
  try {
    return createPrivateKey(await readFile(path, 'utf8'));
  } catch (error) {
    throw new SigningKeyError(`signing key ${path} is not a PEM private key (${(error as Error).message})`);
  }
}

/**
 * The embedded store's signer: an ECDSA P-256 key pair in `keyDir`, created on first use
 * (directory 0700, private key 0600, written exclusively so two processes cannot both create
 * one). Weaker than KMS by nature: whoever runs as this user can read the key — see
 * docs/evidence.md for the local threat model.
 */
export async function localSigner(keyDir: string): Promise<ManifestSigner> {
  await ensurePrivateDir(keyDir);
  const privatePath = join(keyDir, LOCAL_PRIVATE_KEY_FILE);
  let key = await readPrivateKey(privatePath);
  if (!key) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    try {
      await writeNewFile(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
      key = privateKey;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      key = await readPrivateKey(privatePath); // another process created it first: use theirs
    }
    if (!key) throw new SigningKeyError(`signing key ${privatePath} vanished while being created`);
  }
  const signer = signerFromPrivateKey(key, `local key ${privatePath}`);
  const publicPath = join(keyDir, LOCAL_PUBLIC_KEY_FILE);
  try {
    await writeNewFile(publicPath, await signer.publicKeyPem(), 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return signer;
}

/**
 * The embedded store's verifier: the public key derived from the local private key's
 * directory, WITHOUT creating anything (read commands never modify). Undefined when no key
 * exists yet (nothing was ever sealed with it).
 */
export async function localVerifier(keyDir: string): Promise<SignatureVerifier | undefined> {
  const key = await readPrivateKey(join(keyDir, LOCAL_PRIVATE_KEY_FILE)).catch((error: unknown) => {
    if (error instanceof SigningKeyError) throw error;
    return undefined;
  });
  if (!key) return undefined;
  const publicKey = createPublicKey(key);
  return verifierFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString(), localKeyId(publicKey), `local key ${keyDir}`);
}

// ------------------------------------------------------------------ KMS (deployed)

/** DER SubjectPublicKeyInfo → PEM. */
export function spkiDerToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END PUBLIC KEY-----\n`;
}

/**
 * Signs with an asymmetric KMS key (KeySpec ECC_NIST_P256, KeyUsage SIGN_VERIFY). The body is
 * hashed here and sent as a DIGEST (manifests can exceed KMS's 4 KB RAW message limit); the
 * signature is the same ECDSA-SHA-256 signature of the body that openssl verifies.
 */
export function kmsSigner(client: KMSClient, keyId: string): ManifestSigner {
  let publicKey: Promise<{ pem: string; arn: string }> | undefined;
  const describe = () => (publicKey ??= kmsPublicKey(client, keyId));
  return {
    description: `KMS key ${keyId}`,
    async sign(body) {
      const digest = createHash('sha256').update(body, 'utf8').digest();
      const out = await client.send(new SignCommand({ KeyId: keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: SIGNATURE_ALGORITHM }));
      if (!out.Signature || out.Signature.length === 0) throw new SigningKeyError(`kms:Sign with ${keyId} returned no signature`);
      return { algorithm: SIGNATURE_ALGORITHM, keyId: out.KeyId ?? (await describe()).arn, value: Buffer.from(out.Signature).toString('base64') };
    },
    async publicKeyPem() {
      return (await describe()).pem;
    },
  };
}

async function kmsPublicKey(client: KMSClient, keyId: string): Promise<{ pem: string; arn: string }> {
  const out = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (out.KeyUsage !== 'SIGN_VERIFY' || out.KeySpec !== 'ECC_NIST_P256') {
    throw new SigningKeyError(`KMS key ${keyId} is ${out.KeySpec ?? 'unknown spec'} / ${out.KeyUsage ?? 'unknown usage'}; manifests need an ECC_NIST_P256 SIGN_VERIFY key`);
  }
  if (!out.SigningAlgorithms?.includes(SIGNATURE_ALGORITHM)) throw new SigningKeyError(`KMS key ${keyId} does not offer ${SIGNATURE_ALGORITHM}`);
  if (!out.PublicKey || out.PublicKey.length === 0) throw new SigningKeyError(`kms:GetPublicKey for ${keyId} returned no public key`);
  return { pem: spkiDerToPem(out.PublicKey), arn: out.KeyId ?? keyId };
}

/** `verify --kms-key-id`: a verifier from kms:GetPublicKey (the check itself runs locally). */
export async function kmsVerifier(client: KMSClient, keyId: string): Promise<SignatureVerifier> {
  const { pem, arn } = await kmsPublicKey(client, keyId);
  return verifierFromPem(pem, arn, `KMS key ${keyId}`);
}
