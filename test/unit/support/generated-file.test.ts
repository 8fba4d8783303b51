import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeOrCheckGenerated } from '../../../lib/support/generated-file';

describe('writeOrCheckGenerated (the build scripts of catalog.json and rule-texts.json)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'art32-generated-'));
  const file = join(dir, 'out.json');
  afterEach(() => vi.restoreAllMocks());

  it('writes the file, then --check says up to date (0) or stale (1, naming the command) without writing', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(writeOrCheckGenerated(file, '{"a":1}\n', [], 'npm run build:x')).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(writeOrCheckGenerated(file, '{"a":1}\n', ['--check'], 'npm run build:x')).toBe(0);
    expect(log).toHaveBeenLastCalledWith(`${file} is up to date`);
    writeFileSync(file, '{"a":2}\n');
    expect(writeOrCheckGenerated(file, '{"a":1}\n', ['--check'], 'npm run build:x')).toBe(1);
    expect(error).toHaveBeenCalledWith(`${file} is stale: run npm run build:x`);
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}\n');
    rmSync(dir, { recursive: true, force: true });
  });
});
