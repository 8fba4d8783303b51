/** The README's sample output is what the demo command prints (regenerate with `npm run docs:sample`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeWithSample, renderCollectSample } from '../../lib/support/docs-sample';

describe('README sample output', () => {
  it('matches a first run of the demo command (npm run docs:sample regenerates it)', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    expect(readmeWithSample(readme, renderCollectSample()), 'README.md sample output is out of date: run npm run docs:sample').toBe(readme);
  });
});
