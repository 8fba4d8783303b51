/**
 * Anchors: a copy of every seal kept OUTSIDE the evidence table's trust, append-only.
 *
 * Each seal appends one small JSON object — account, run id, collection time, manifest hash
 * and signature — to an anchor store that the table's writers cannot rewrite:
 * - deployed: an S3 bucket with Object Lock in COMPLIANCE mode (no one, root included, can
 *   delete or overwrite a locked version before its retention ends), ideally in a separate
 *   log-archive account (infra/stacks/anchor-stack.ts);
 * - embedded store: a directory beside the data directory (`<data dir>-anchors`, or
 *   `--anchors DIR`), files created exclusively and read-only.
 *
 * A hash chain alone cannot show that its newest links were cut off, that a whole account
 * vanished, or that a chain was re-sealed from some point on; the anchors can, because
 * `verify --anchors` compares the table with them (lib/evidence/verify.ts).
 *
 * One object per seal: `<prefix><accountId>/<collectedAt>_<runId>.json`.
 */
import { constants as fsConstants } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { canonicalJson } from './canonical';
import { RunId } from './record';
import { SIGNATURE_ALGORITHM } from './signing';

export const ANCHOR_VERSION = 1;

export const Anchor = z.object({
  anchorVersion: z.literal(ANCHOR_VERSION),
  accountId: z.string().regex(/^\d{12}$/),
  runId: RunId,
  collectedAt: z.string().min(1),
  manifestHash: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.object({ algorithm: z.literal(SIGNATURE_ALGORITHM), keyId: z.string(), value: z.string() }),
});
export type Anchor = z.infer<typeof Anchor>;

/** What a listing found: the anchors, and what is wrong with the store itself (rewritten or unreadable objects). */
export interface AnchorListing {
  anchors: Anchor[];
  /** One line per object that is not a valid anchor, or that has more than one version/content. */
  problems: string[];
}

export interface AnchorStore {
  /** For people: `anchor directory DIR` or `s3://bucket/prefix`. */
  readonly description: string;
  /** Append one anchor; 'present' when the identical anchor is already there (a retried seal). */
  append(anchor: Anchor): Promise<'written' | 'present'>;
  list(): Promise<AnchorListing>;
}

export class AnchorError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'AnchorError';
  }
}

/** Object name of an anchor (relative to the store's prefix). */
export function anchorName(anchor: Pick<Anchor, 'accountId' | 'collectedAt' | 'runId'>): string {
  return `${anchor.accountId}/${anchor.collectedAt}_${anchor.runId}.json`;
}

/** The bytes of an anchor object: canonical JSON (one line, sorted keys) + newline. */
export function anchorBytes(anchor: Anchor): string {
  return `${canonicalJson(anchor)}\n`;
}

function parseAnchor(text: string, where: string): { anchor?: Anchor; problem?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: `${where}: not JSON` };
  }
  const parsed = Anchor.safeParse(json);
  if (!parsed.success) return { problem: `${where}: not an anchor (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})` };
  if (anchorName(parsed.data) !== where.split('/').slice(-2).join('/')) return { problem: `${where}: its content names ${anchorName(parsed.data)} (renamed or copied anchor)` };
  return { anchor: parsed.data };
}

// ------------------------------------------------------------------ local directory

/** Anchor directory of an embedded store: `<data dir>-anchors`, beside the data directory. */
export function defaultAnchorDir(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}-anchors`;
}

export function directoryAnchors(dir: string): AnchorStore {
  return {
    description: `anchor directory ${dir}`,
    async append(anchor) {
      const accountDir = join(dir, anchor.accountId);
      await mkdir(accountDir, { recursive: true, mode: 0o700 });
      const path = join(dir, anchorName(anchor));
      const bytes = anchorBytes(anchor);
      try {
        // Exclusive create, read-only file: an anchor is never replaced by art32.
        const handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o400);
        try {
          await handle.writeFile(bytes, 'utf8');
        } finally {
          await handle.close();
        }
        return 'written';
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const existing = await readFile(path, 'utf8');
        if (existing !== bytes) throw new AnchorError(`anchor ${path} already exists with different content: a run is never anchored twice`);
        return 'present';
      }
    },
    async list() {
      const out: AnchorListing = { anchors: [], problems: [] };
      let accounts: string[];
      try {
        accounts = (await readdir(dir)).sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AnchorError(`--anchors ${dir}: no such directory`);
        throw error;
      }
      for (const account of accounts) {
        const accountDir = join(dir, account);
        if (!(await lstat(accountDir)).isDirectory()) {
          out.problems.push(`${accountDir}: not an account directory`);
          continue;
        }
        for (const name of (await readdir(accountDir)).sort()) {
          const path = join(accountDir, name);
          const info = await lstat(path);
          if (!info.isFile()) {
            out.problems.push(`${path}: not a regular file`);
            continue;
          }
          const parsed = parseAnchor(await readFile(path, 'utf8'), `${account}/${name}`);
          if (parsed.anchor) out.anchors.push(parsed.anchor);
          else out.problems.push(`${path}: ${parsed.problem}`);
        }
      }
      return out;
    },
  };
}

// ------------------------------------------------------------------ S3 (Object Lock)

/** `s3://bucket/prefix` → parts (the prefix ends with `/` or is empty). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new AnchorError(`--anchors ${url}: expected s3://bucket[/prefix]`);
  const raw = m[2] ?? '';
  return { bucket: m[1] as string, prefix: raw === '' || raw.endsWith('/') ? raw : `${raw}/` };
}

function isPreconditionFailed(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
}

/**
 * Anchors in an S3 bucket with Object Lock (compliance mode, default retention on the bucket:
 * each new version is locked on arrival). `If-None-Match: *` makes a second write of the same
 * name fail instead of adding a version. Listing reads EVERY version (ListObjectVersions): a
 * delete marker or a newer version can hide a locked one from a plain listing, never remove it,
 * and a name with two different contents is reported.
 */
export function s3Anchors(client: S3Client, url: string): AnchorStore {
  const { bucket, prefix } = parseS3Url(url);
  const read = async (key: string, versionId?: string): Promise<string> => {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
    return (await out.Body?.transformToString('utf-8')) ?? '';
  };
  return {
    description: `s3://${bucket}/${prefix}`,
    async append(anchor) {
      const key = `${prefix}${anchorName(anchor)}`;
      const bytes = anchorBytes(anchor);
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'application/json', IfNoneMatch: '*', ChecksumAlgorithm: 'SHA256' }));
        return 'written';
      } catch (error) {
        if (!isPreconditionFailed(error)) throw error;
        const existing = await read(key);
        if (existing !== bytes) throw new AnchorError(`anchor s3://${bucket}/${key} already exists with different content: a run is never anchored twice`);
        return 'present';
      }
    },
    async list() {
      const out: AnchorListing = { anchors: [], problems: [] };
      const versions = new Map<string, { versionId?: string }[]>();
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      do {
        const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, ...(KeyMarker ? { KeyMarker } : {}), ...(VersionIdMarker ? { VersionIdMarker } : {}) }));
        for (const v of page.Versions ?? []) {
          if (!v.Key) continue;
          const list = versions.get(v.Key) ?? [];
          list.push(v.VersionId ? { versionId: v.VersionId } : {});
          versions.set(v.Key, list);
        }
        KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (KeyMarker);
      for (const [key, list] of [...versions.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const contents = new Set<string>();
        for (const v of list) contents.add(await read(key, v.versionId));
        if (contents.size > 1) out.problems.push(`s3://${bucket}/${key}: ${contents.size} different contents under one anchor name (a version was added after the first)`);
        // The oldest version is the one locked first: that is the anchor.
        const oldest = list.at(-1);
        const parsed = parseAnchor(await read(key, oldest?.versionId), key);
        if (parsed.anchor) out.anchors.push(parsed.anchor);
        else out.problems.push(`s3://${bucket}/${key}: ${parsed.problem}`);
      }
      return out;
    },
  };
}
