/** docs/rules.md's catalog part is generated from the rules and the threshold sources (regenerate with `npm run docs:rules`). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES_DOC, rulesDocWithCatalog } from '../../lib/frameworks/rules-doc';
import { RULES } from '../../lib/rules';

describe('docs/rules.md', () => {
  it('its catalog part is what the code generates (npm run docs:rules)', () => {
    const doc = readFileSync(RULES_DOC, 'utf8');
    expect(rulesDocWithCatalog(doc), 'docs/rules.md is out of date: run npm run docs:rules').toBe(doc);
  });

  it('names every registered rule with its threshold table', () => {
    const doc = readFileSync(RULES_DOC, 'utf8');
    for (const rule of RULES) expect(doc).toContain(`### \`${rule.id}\``);
  });
});
