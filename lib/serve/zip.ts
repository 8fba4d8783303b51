/**
 * A minimal ZIP writer: Node has zlib (raw DEFLATE, CRC-32) but no ZIP container, so this
 * writes the container around zlib's output — one page of code, no dependency. Entries are
 * DEFLATEd (method 8) when that makes them smaller, else stored (method 0). Any unzip tool
 * reads it (`unzip`, Windows Explorer, macOS Archive Utility, `python -m zipfile`).
 *
 * Format: PKWARE APPNOTE.TXT 6.3.10 — a local file header + data per entry, then the central
 * directory and the end-of-central-directory record. UTF-8 names (general purpose bit 11).
 * No ZIP64: refused above 65,535 entries or 4 GiB, far beyond one account's pack.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated, relative (no leading `/`, no `..`). */
  name: string;
  content: string | Uint8Array;
}

const VERSION = 20; // 2.0: needed for folders / stored entries
const UTF8_NAMES = 1 << 11;
const MAX_U32 = 0xffffffff;

/** DOS date/time of an instant (UTC fields; ZIP has no time zone). */
function dosDateTime(at: Date): { date: number; time: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
  };
}

function assertSafeName(name: string): void {
  if (name.length === 0 || name.startsWith('/') || name.includes('\\') || name.split('/').some((p) => p === '..' || p === '')) {
    throw new Error(`zip entry name "${name}" must be a relative path without empty or ".." segments`);
  }
}

/** Build a ZIP archive of the entries, in order, all dated `at`. */
export function zipArchive(entries: readonly ZipEntry[], at: Date = new Date()): Buffer {
  if (entries.length > 0xffff) throw new Error(`zip: ${entries.length} entries is more than a non-ZIP64 archive holds (65,535)`);
  const { date, time } = dosDateTime(at);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    assertSafeName(entry.name);
    const name = Buffer.from(entry.name, 'utf8');
    const data = typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : Buffer.from(entry.content);
    const crc = crc32(data);
    const deflated = deflateRawSync(data, { level: 9 });
    const method = deflated.length < data.length ? 8 : 0;
    const stored = method === 8 ? deflated : data;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | VERSION, 4); // made by: Unix, 2.0 (so the mode below is read)
    central.writeUInt16LE(VERSION, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((0o100600 << 16) >>> 0, 38); // regular file, rw------- (private by default when unpacked)
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, stored);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
    if (offset > MAX_U32) throw new Error('zip: archive larger than 4 GiB needs ZIP64');
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, ...centrals, end]);
}
