/**
 * Reading files an audited party handed over (export directories, CloudTrail log trees).
 * Such a directory can hold a symbolic link to `/dev/zero` or to the auditor's own files, a
 * FIFO that blocks a reader forever, or a file of many gigabytes. So each input file is:
 * - opened with O_NOFOLLOW (a symbolic link is refused, not followed, even one swapped in after
 *   the directory was listed) and O_NONBLOCK (opening a FIFO does not wait for a writer);
 * - checked on the open descriptor (fstat): only a regular file is read;
 * - bounded before reading: a file larger than the cap is refused, and only the size fstat
 *   reported is read (a file that keeps growing cannot push the read past the cap).
 *
 * The cap is `ART32_MAX_INPUT_BYTES` when set (bytes), else 256 MiB — above the largest
 * single AWS CLI output or CloudTrail file this tool expects (an authorization-details export
 * of ~10,000 users and 20,000 policies is about 100 MB).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Default cap on one input file, in bytes (256 MiB). */
export const DEFAULT_MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** The cap in force: `ART32_MAX_INPUT_BYTES` (a positive whole number of bytes) or the default. */
export function maxInputBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ART32_MAX_INPUT_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_MAX_INPUT_BYTES;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new InputFileError(raw, 'BadLimit', `ART32_MAX_INPUT_BYTES must be a positive whole number of bytes, not "${raw}"`);
  return value;
}

export type InputFileProblem = 'SymbolicLink' | 'NotRegularFile' | 'TooLarge' | 'BadLimit';

export class InputFileError extends Error {
  public constructor(
    public readonly file: string,
    public readonly problem: InputFileProblem,
    message: string,
  ) {
    super(message);
    this.name = 'InputFileError';
  }
}

function kindOf(info: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * The bytes of one regular input file, refused (InputFileError) when it is a symbolic link,
 * not a regular file, or larger than `maxBytes`. `label` names the file in messages.
 */
export async function readInputFile(path: string, options: { maxBytes?: number; label?: string } = {}): Promise<Buffer> {
  const label = options.label ?? path;
  const maxBytes = options.maxBytes ?? maxInputBytes();
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new InputFileError(label, 'SymbolicLink', `${label} is a symbolic link: not followed (copy the file itself into the directory)`);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new InputFileError(label, 'NotRegularFile', `${label} is ${kindOf(info)}: not read`);
    if (info.size > maxBytes) {
      throw new InputFileError(label, 'TooLarge', `${label} is ${info.size} bytes, over the ${maxBytes}-byte limit for one input file (ART32_MAX_INPUT_BYTES raises it)`);
    }
    const buffer = Buffer.alloc(info.size);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === buffer.length ? buffer : buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
