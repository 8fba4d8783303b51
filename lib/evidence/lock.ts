/**
 * One writer at a time on the embedded store: `<data dir>/art32.lock`, created with O_EXCL
 * (`wx`, mode 0600) and holding who took it (pid, host, start time, command). LevelDB's own
 * lock only makes a second process crash half-way ("Database is closed"); this one is taken
 * BEFORE the store is opened, so a second writer waits briefly, then stops with one line
 * naming the holder (exit 6).
 *
 * A lock left by a process that died (same host, pid no longer alive) is stale and taken
 * over. A lock from another host (a data dir on a network share) cannot be checked: it is
 * reported, never broken.
 */
import { hostname } from 'node:os';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const LOCK_FILE = 'art32.lock';

export interface LockHolder {
  pid: number;
  host: string;
  started: string;
  command: string;
}

/** The store is held by another process (or a run is in progress): try again later. */
export class StoreBusyError extends Error {
  public constructor(
    dir: string,
    public readonly holder: LockHolder | undefined,
    what = 'another art32 process is writing to it',
  ) {
    super(
      `evidence store ${dir} is busy: ${what}${holder ? ` (pid ${holder.pid} on ${holder.host}, ${holder.command || 'art32'}, since ${holder.started})` : ''}; try again when it has finished`,
    );
    this.name = 'StoreBusyError';
  }
}

export interface LockOptions {
  /** How long to wait for the holder to finish before giving up (default 3 s). */
  waitMs?: number;
  /** Poll interval while waiting. */
  pollMs?: number;
  /** Written into the lock for whoever finds it (default: the process arguments). */
  command?: string;
}

export interface HeldLock {
  path: string;
  holder: LockHolder;
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The lock's holder, or undefined when there is no lock file (or it is unreadable garbage). */
export async function readLock(dir: string): Promise<{ holder?: LockHolder; raw: string } | undefined> {
  let raw: string;
  try {
    raw = await readFile(join(dir, LOCK_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { raw, holder: { pid: parsed.pid, host: parsed.host, started: String(parsed.started ?? '?'), command: String(parsed.command ?? '') } };
    }
  } catch {
    // A lock file cut short by a crash while it was being written: treated as stale below.
  }
  return { raw };
}

/** Alive = the holder's process still exists on this host; another host's lock is assumed alive. */
export function holderAlive(holder: LockHolder | undefined): boolean {
  if (!holder) return false;
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A live writer holds the store (readers use this: they never create or remove the lock). */
export async function liveHolder(dir: string): Promise<LockHolder | undefined> {
  const lock = await readLock(dir);
  return lock && holderAlive(lock.holder) ? lock.holder : undefined;
}

/** Wait (briefly) until no live writer holds `dir`; `StoreBusyError` naming the holder otherwise. */
export async function waitForNoWriter(dir: string, options: LockOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.waitMs ?? 3_000);
  for (;;) {
    const holder = await liveHolder(dir);
    if (!holder) return;
    if (Date.now() >= deadline) throw new StoreBusyError(dir, holder, 'a collect is writing to it (a run is in progress)');
    await sleep(options.pollMs ?? 100);
  }
}

/** Take the writer lock of `dir`, waiting briefly for a live holder; a stale lock is taken over. */
export async function acquireLock(dir: string, options: LockOptions = {}): Promise<HeldLock> {
  const path = join(dir, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: options.command ?? process.argv.slice(2, 4).join(' ') };
  const content = `${JSON.stringify(holder)}\n`;
  const deadline = Date.now() + (options.waitMs ?? 3_000);
  for (;;) {
    // The lock appears whole or not at all: written to a private temporary file, then hard-linked
    // into place (link fails with EEXIST like O_EXCL). Created empty and written after, a second
    // process could read it half-written, judge it stale and take it over: two writers, and one
    // crashes with "Database is closed".
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
    let linked = false;
    try {
      await writeFile(temporary, content, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
      await link(temporary, path);
      linked = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    if (linked) {
      return {
        path,
        holder,
        release: async () => {
          // Only our own lock: never remove one another process took over.
          const now = await readLock(dir).catch(() => undefined);
          if (now?.raw === content) await unlink(path).catch(() => undefined);
        },
      };
    }
    const existing = await readLock(dir);
    if (existing && !holderAlive(existing.holder)) {
      // Stale: remove it only if it is still the very lock we judged (another process may have replaced it).
      const again = await readLock(dir);
      if (again?.raw === existing.raw) await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) throw new StoreBusyError(dir, existing?.holder);
    await sleep(options.pollMs ?? 100);
  }
}
