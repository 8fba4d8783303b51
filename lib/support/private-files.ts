/**
 * Files art32 writes hold evidence about an organisation's weaknesses (who has no MFA, which
 * trail is off, credential reports): they are private to the user who ran art32.
 *
 * - Directories are 0700 and files 0600 whatever the umask (the CLI also sets umask 077, so
 *   files made by libraries — the embedded store's LevelDB files — are private too).
 * - An existing data directory readable by others is tightened to 0700 (when it is ours), or
 *   reported once.
 * - An output directory is written as a fresh `mkdtemp` sibling and renamed into place at the
 *   end: a symbolic link planted at the target, or a file planted in it, between art32's
 *   check and its writes makes the rename fail; nothing is ever written through it. Each file
 *   inside is created with O_CREAT|O_EXCL|O_NOFOLLOW.
 */
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export class PrivateDirError extends Error {
  public constructor(
    public readonly dir: string,
    why: string,
  ) {
    super(`${dir} ${why}`);
    this.name = 'PrivateDirError';
  }
}

/**
 * Create `dir` (and missing parents) as 0700, or tighten an existing one: a directory that
 * others may read or enter is chmod-ed to 0700 when the current user owns it. Returns a
 * warning (for one line on stderr) when it could not be made private, undefined otherwise.
 */
export async function ensurePrivateDir(dir: string): Promise<string | undefined> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const info = await stat(dir);
  if ((info.mode & 0o077) === 0) return undefined;
  const mine = typeof process.getuid !== 'function' || info.uid === process.getuid();
  if (mine) {
    try {
      await chmod(dir, PRIVATE_DIR_MODE);
      return undefined;
    } catch {
      // fall through to the warning
    }
  }
  return `warning: ${dir} is accessible to other users (mode ${(info.mode & 0o777).toString(8)}) and could not be made private: run chmod 700 ${dir}`;
}

/** Create a new file with mode 0600; fails if anything (a file, a symbolic link) is already at `path`. */
export async function writePrivateFile(path: string, content: string | Uint8Array): Promise<void> {
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

/**
 * Write a file the user named (`report --html FILE`): the content goes to a new 0600 sibling
 * (O_EXCL|O_NOFOLLOW) that is then renamed over `path`. A symbolic link planted at `path` is
 * replaced, never followed, and an existing file readable by others becomes a private one.
 */
export async function replacePrivateFile(path: string, content: string | Uint8Array): Promise<void> {
  const full = resolve(path);
  const temp = join(dirname(full), `.${basename(full)}.art32-${process.pid}-${Date.now().toString(36)}`);
  await writePrivateFile(temp, content);
  try {
    await rename(temp, full);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A directory being filled before it is published at `target`. */
export interface StagedDir {
  /** Where to write now (a fresh 0700 directory next to the target). */
  path: string;
  target: string;
  /** Rename the staged directory to the target; fails (and removes the staged copy) if the target changed. */
  publish(): Promise<void>;
  /** Remove the staged directory (after a failure). */
  discard(): Promise<void>;
}

/**
 * Stage a new output directory for `target`, which must not exist or be an empty directory
 * (a real one, not a symbolic link). The staged directory is a `mkdtemp` sibling, so the final
 * rename stays on one file system and is atomic.
 */
export async function stageOutputDir(target: string): Promise<StagedDir> {
  const full = resolve(target);
  const existing = await lstat(full).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new PrivateDirError(target, `cannot be checked (${error.code ?? error.message})`);
  });
  if (existing) {
    if (existing.isSymbolicLink()) throw new PrivateDirError(target, 'is a symbolic link: choose a real, new directory');
    if (!existing.isDirectory()) throw new PrivateDirError(target, 'exists and is not a directory');
    const entries = await readdir(full);
    if (entries.length > 0) {
      throw new PrivateDirError(target, `is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose a new one so no file is mixed with an older pack`);
    }
  }
  const parent = dirname(full);
  await mkdir(parent, { recursive: true, mode: PRIVATE_DIR_MODE }).catch((error: NodeJS.ErrnoException) => {
    throw new PrivateDirError(target, `cannot be created (${error.code ?? error.message})`);
  });
  const path = await mkdtemp(join(parent, `.${basename(full)}.art32-`)).catch((error: NodeJS.ErrnoException) => {
    throw new PrivateDirError(target, `cannot be created (${error.code ?? error.message})`);
  });
  await chmod(path, PRIVATE_DIR_MODE);
  const discard = () => rm(path, { recursive: true, force: true });
  return {
    path,
    target: full,
    discard,
    publish: async () => {
      try {
        // Replaces an empty directory; refuses a non-empty one (ENOTEMPTY/EEXIST) and a symbolic link or file (ENOTDIR).
        await rename(path, full);
      } catch (error) {
        await discard();
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new PrivateDirError(target, `changed while art32 was writing (${code}): nothing was written there; choose a new directory`);
      }
    },
  };
}
