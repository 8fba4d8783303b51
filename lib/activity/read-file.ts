/**
 * One local CloudTrail log file, read the way every input file from an audited party is
 * (lib/support/input-files): no symbolic link followed, only regular files, size bounded
 * before reading. A refusal is a file error naming the file, so it shows in the coverage of
 * the read (`activity` prints file errors; the source is not complete) instead of hanging on a
 * FIFO or filling memory from `/dev/zero`.
 */
import { InputFileError, readInputFile } from '../support/input-files';
import { LogFileError } from './decode';

export async function readLogFile(path: string, name: string, maxBytes?: number): Promise<Uint8Array> {
  try {
    return await readInputFile(path, { label: name, ...(maxBytes !== undefined ? { maxBytes } : {}) });
  } catch (error) {
    if (error instanceof InputFileError) {
      // LogFileError prefixes the file name itself.
      const why = error.message.startsWith(`${name} `) ? error.message.slice(name.length + 1) : error.message;
      throw new LogFileError(name, error.problem === 'TooLarge' ? 'TooLarge' : 'ReadFailed', why);
    }
    throw error;
  }
}
