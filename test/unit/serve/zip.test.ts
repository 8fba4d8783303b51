import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zipArchive } from '../../../lib/serve/zip';

/** Read a ZIP back through its central directory, checking every CRC (a reader independent of the writer's layout code). */
function readZip(buf: Buffer): Record<string, string> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(-1);
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const crc = buf.readUInt32LE(at + 16);
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(buf.readUInt32LE(local)).toBe(0x04034b50);
    expect(buf.readUInt16LE(local + 8)).toBe(method);
    expect([0, 8]).toContain(method);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + compressed);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    expect(data.length).toBe(size);
    expect(crc32(data)).toBe(crc);
    out[name] = data.toString('utf8');
    at += 46 + nameLength;
  }
  return out;
}

describe('zipArchive', () => {
  it('round-trips names (UTF-8) and contents, stored or deflated, with correct CRC-32s, sizes and offsets', () => {
    const zip = zipArchive(
      [
        { name: 'pack/README.md', content: '# hello\n' },
        { name: 'pack/records/é.json', content: '{"a":1}' },
        { name: 'pack/empty.txt', content: '' },
        { name: 'pack/records.jsonl', content: '{"status":"PASS"}\n'.repeat(500) },
      ],
      new Date('2026-01-22T08:30:10Z'),
    );
    expect(readZip(zip)).toEqual({ 'pack/README.md': '# hello\n', 'pack/records/é.json': '{"a":1}', 'pack/empty.txt': '', 'pack/records.jsonl': '{"status":"PASS"}\n'.repeat(500) });
    expect(zip.length).toBeLessThan(1000); // the repetitive file went in deflated (9,000 bytes raw)
    // DOS time of the entries: 08:30:10 → (8<<11)|(30<<5)|5
    expect(zip.readUInt16LE(10)).toBe((8 << 11) | (30 << 5) | 5);
  });

  it('refuses entry names that would escape the folder they are unpacked into', () => {
    for (const name of ['../x', '/etc/passwd', 'a/../../b', 'a\\b', 'a//b', '']) expect(() => zipArchive([{ name, content: 'x' }])).toThrow(/relative path/);
  });
});
