/**
 * The pseudonym key: 32 random bytes (hex) in a private file, kept APART from the evidence
 * (GDPR Art. 4(5): the additional information that re-identifies is kept separately). Default
 * `$ART32_PSEUDONYM_KEY_FILE`, else `$XDG_CONFIG_HOME/art32/pseudonym.key`, else
 * `~/.config/art32/pseudonym.key`. Created on first use by `report --pseudonymise` (directory
 * 0700, file 0600, O_EXCL|O_NOFOLLOW); never created by `pseudonym resolve`. A key readable by
 * others, a link or a malformed file is refused. Losing the key makes old pseudonyms
 * unresolvable (and new reports use new ones); copying it lets the holder re-identify.
 */
import { randomBytes } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from '../support/private-files';

export class PseudonymKeyError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PseudonymKeyError';
  }
}

export function defaultPseudonymKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ART32_PSEUDONYM_KEY_FILE) return env.ART32_PSEUDONYM_KEY_FILE;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'art32', 'pseudonym.key');
}

async function readKey(path: string): Promise<Uint8Array | undefined> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PseudonymKeyError(`pseudonym key ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!info.isFile()) throw new PseudonymKeyError(`pseudonym key ${path} is not a regular file (a link or device is refused)`);
  if ((info.mode & 0o077) !== 0) throw new PseudonymKeyError(`pseudonym key ${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}): run chmod 600 on it`);
  const hex = (await readFile(path, 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new PseudonymKeyError(`pseudonym key ${path} is not 64 hex digits (32 bytes)`);
  return Buffer.from(hex, 'hex');
}

/** Read the key; create it when `create` and absent. Throws PseudonymKeyError with one line naming the file. */
export async function loadPseudonymKey(path: string, options: { create: boolean }): Promise<Uint8Array> {
  const existing = await readKey(path);
  if (existing) return existing;
  if (!options.create) throw new PseudonymKeyError(`no pseudonym key at ${path} (reports made with --pseudonymise create it; pass --key FILE for another one)`);
  await ensurePrivateDir(dirname(path));
  const key = randomBytes(32);
  try {
    await writePrivateFile(path, `${key.toString('hex')}\n`);
  } catch (error) {
    // Another process created it between our read and our write: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const theirs = await readKey(path);
      if (theirs) return theirs;
    }
    throw new PseudonymKeyError(`cannot create the pseudonym key ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return key;
}
