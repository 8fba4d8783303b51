/**
 * Signing keys and anchors for the CLI: who seals (`collect`), which public key and which
 * anchors a check trusts (`verify`, `export`, `history`).
 *
 * Embedded store (default): the local key pair in `<data dir>-keys` (created by the first
 * seal) and anchors in `<data dir>-anchors`. A DynamoDB table (`--table`): the KMS signing
 * key (`--kms-key-id`, its public key via kms:GetPublicKey) or `--public-key FILE`, and
 * `--anchors s3://bucket/prefix`.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import {
  AnchorError,
  SigningKeyError,
  Sealer,
  defaultAnchorDir,
  defaultKeyDir,
  directoryAnchors,
  kmsSigner,
  kmsVerifier,
  localSigner,
  localVerifier,
  s3Anchors,
  verifierFromFile,
  type AnchorListing,
  type AnchorStore,
  type OpenStore,
  type SignatureVerifier,
} from '../evidence';
import { CliError } from './errors';
import { EXIT } from './exit-codes';

export interface RawIntegrityOptions {
  anchors?: string;
  publicKey?: string;
  kmsKeyId?: string;
}

export function addAnchorOption(command: Command): Command {
  return command.option('--anchors <dir|s3-url>', 'anchor store: a directory (default for the embedded store: <data dir>-anchors) or s3://bucket/prefix (the deployed Object Lock bucket)');
}

export function addKeyOptions(command: Command, forVerify: boolean): Command {
  if (forVerify) command.option('--public-key <file>', 'trusted public key (PEM) that checks manifest signatures, e.g. public-key.pem of an export pack');
  return command.option('--kms-key-id <arn>', forVerify ? 'the KMS signing key: its public key is read with kms:GetPublicKey' : 'seal with this KMS signing key (needs kms:Sign: normally only the sealing function has it)');
}

function usage(error: unknown): never {
  if (error instanceof SigningKeyError || error instanceof AnchorError) throw new CliError(error.message, EXIT.USAGE);
  throw error;
}

/** The anchor store named by `--anchors`, or the embedded store's default; undefined for a table without `--anchors`. */
export function anchorStoreFor(open: Pick<OpenStore, 'mode' | 'dataDir'>, raw: RawIntegrityOptions): AnchorStore | undefined {
  try {
    if (raw.anchors !== undefined) return raw.anchors.startsWith('s3://') ? s3Anchors(new S3Client({}), raw.anchors) : directoryAnchors(raw.anchors);
    if (open.mode === 'embedded' && open.dataDir) return directoryAnchors(defaultAnchorDir(open.dataDir));
    return undefined;
  } catch (error) {
    return usage(error);
  }
}

/**
 * The anchors to compare the chain with, read once: undefined when there are none. The default
 * anchor directory of an embedded store that never sealed anything does not exist yet (not an
 * error); an anchor store named with --anchors that cannot be read is bad input (exit 2).
 */
export async function loadAnchors(open: Pick<OpenStore, 'mode' | 'dataDir'>, raw: RawIntegrityOptions): Promise<(AnchorListing & { store: string }) | undefined> {
  const anchorStore = anchorStoreFor(open, raw);
  if (!anchorStore) return undefined;
  try {
    return { ...(await anchorStore.list()), store: anchorStore.description };
  } catch (error) {
    if (raw.anchors !== undefined || (error as Error).name !== 'AnchorError') throw new CliError((error as Error).message, EXIT.USAGE);
    return undefined;
  }
}

/** The sealer `collect` uses: local key for the embedded store; KMS for a table (required there). */
export async function sealerFor(open: OpenStore, raw: RawIntegrityOptions): Promise<Sealer> {
  try {
    const anchors = anchorStoreFor(open, raw);
    if (raw.kmsKeyId !== undefined) return new Sealer({ store: open.store, signer: kmsSigner(new KMSClient({}), raw.kmsKeyId), ...(anchors ? { anchors } : {}) });
    if (open.mode !== 'embedded' || !open.dataDir) {
      throw new CliError('collect --table needs --kms-key-id ARN (the manifest signing key) and --anchors s3://bucket/prefix: a deployed run is sealed by the FinalizeRun function', EXIT.USAGE);
    }
    return new Sealer({ store: open.store, signer: await localSigner(defaultKeyDir(open.dataDir)), ...(anchors ? { anchors } : {}) });
  } catch (error) {
    return usage(error);
  }
}

/**
 * The trusted public key for a check: `--public-key FILE`, else `--kms-key-id` (GetPublicKey),
 * else the embedded store's local key. Never created here (read commands never modify).
 * Undefined only for an embedded store that was never sealed.
 */
export async function verifierFor(open: Pick<OpenStore, 'mode' | 'dataDir'>, raw: RawIntegrityOptions): Promise<SignatureVerifier | undefined> {
  try {
    if (raw.publicKey !== undefined) return await verifierFromFile(raw.publicKey);
    if (raw.kmsKeyId !== undefined) return await kmsVerifier(new KMSClient({}), raw.kmsKeyId);
    if (open.mode === 'embedded' && open.dataDir) return await localVerifier(defaultKeyDir(open.dataDir));
    throw new CliError('checking a DynamoDB table needs the trusted signing key: --public-key FILE or --kms-key-id ARN', EXIT.USAGE);
  } catch (error) {
    return usage(error);
  }
}
