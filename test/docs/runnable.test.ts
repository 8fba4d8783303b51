/**
 * Documentation that runs: every ```bash block marked `<!-- runnable -->` (optionally
 * `<!-- runnable exit=0,1 -->`) in README.md and docs/*.md is executed, line by line, in order,
 * against a fresh embedded store in a temp directory, and each `node bin/art32.mjs …` line must
 * end with an allowed exit code (default 0). Lines of other programs are not run (they need AWS or
 * network); `npm ci && ` in front of a command is dropped. So a walkthrough cannot drift from the CLI.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../unit/cli/capture';

const ROOT = join(__dirname, '../..');
const MARKER = /^<!--\s*runnable(?:\s+exit=([\d,]+))?\s*-->$/;

export interface RunnableBlock {
  file: string;
  line: number;
  exits: number[];
  commands: string[][];
}

/** `a "b c" 'd'` → ['a', 'b c', 'd'] (the quoting these docs use; no expansions). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3] ?? ''));
  return words;
}

export function runnableBlocks(file: string, text: string): RunnableBlock[] {
  const lines = text.split('\n');
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec((lines[i] ?? '').trim());
    if (!marker || !/^```(bash|sh)\s*$/.test((lines[i + 1] ?? '').trim())) continue;
    const commands: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && !(lines[j] ?? '').startsWith('```'); j++) {
      // A comment starts at " #" after the command (two spaces or more in these docs) or at the line start.
      const line = (lines[j] ?? '').replace(/\s{2,}#.*$/, '').replace(/^npm ci && /, '').trim();
      if (!line || line.startsWith('#')) continue;
      const words = shellWords(line);
      if (words[0] === 'node' && words[1] === 'bin/art32.mjs') commands.push(words.slice(2));
    }
    blocks.push({ file, line: i + 1, exits: marker[1] ? marker[1].split(',').map(Number) : [0], commands });
    i = j;
  }
  return blocks;
}

const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const blocks = files.flatMap((f) => runnableBlocks(f, readFileSync(join(ROOT, f), 'utf8')));

let work: string;
let cwd: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'art32-docs-'));
  cwd = process.cwd();
  process.chdir(work);
  process.env.ART32_DATA_DIR = join(work, 'data');
});
afterAll(async () => {
  process.chdir(cwd);
  delete process.env.ART32_DATA_DIR;
  await rm(work, { recursive: true, force: true });
});

describe('runnable documentation', () => {
  it('the parser reads markers, quotes, comments and skips other programs', () => {
    const text = ['<!-- runnable exit=0,1 -->', '```bash', 'npm ci && node bin/art32.mjs collect --scenario x   # a comment', "node bin/art32.mjs report --html 'a b.html'", 'aws s3 ls', '```'].join('\n');
    expect(runnableBlocks('t.md', text)).toEqual([{ file: 't.md', line: 1, exits: [0, 1], commands: [['collect', '--scenario', 'x'], ['report', '--html', 'a b.html']] }]);
  });

  it.runIf(blocks.length > 0).each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))('%s', async (_where, block) => {
    for (const args of block.commands) {
      const r = await run(...args);
      process.exitCode = undefined;
      expect(block.exits, `node bin/art32.mjs ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 400)}`).toContain(r.code);
    }
  });
});
