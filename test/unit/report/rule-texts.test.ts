import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_TEXTS_PATH, buildRuleTexts, serializeRuleTexts } from '../../../lib/report/build-rule-texts';
import { RULES } from '../../../lib/rules';

describe('rule texts of the scheduled report (lib/report/rule-texts.json)', () => {
  it('are exactly what the rules say, in catalog order: a rule text changed without `npm run build:rule-texts` fails here', () => {
    expect(readFileSync(RULE_TEXTS_PATH, 'utf8')).toBe(serializeRuleTexts(buildRuleTexts()));
  });

  it('hold every rule once, with its title, severity, rationale and both remediations', () => {
    const texts = JSON.parse(readFileSync(RULE_TEXTS_PATH, 'utf8')) as ReturnType<typeof buildRuleTexts>;
    expect(texts.map((t) => t.id)).toEqual(RULES.map((r) => r.id));
    for (const [i, rule] of RULES.entries()) {
      expect(texts[i]).toEqual({ id: rule.id, title: rule.title, severity: rule.severity, rationale: rule.rationale, remediation: rule.remediation });
    }
  });
});
