/**
 * Every threshold has a source: each parameter of each registered rule (and at least one fixed
 * criterion for a rule without parameters) has an entry in lib/frameworks/thresholds.ts saying
 * where the figure comes from and what its status is. A new rule or parameter fails here until
 * its entry is written.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../lib/rules';
import { describeParameters } from '../../../lib/cli/commands/explain';
import { OBLIGATION_WORDS, SOURCES } from '../../../lib/frameworks/sources';
import { THRESHOLD_SOURCES, thresholdQuote } from '../../../lib/frameworks/thresholds';
import { CNIL_RESTRICTION } from '../../../lib/register/view';

const entries = Object.entries(THRESHOLD_SOURCES).flatMap(([ruleId, list]) => list.map((t) => ({ ruleId, ...t })));

describe('threshold sources', () => {
  it('every parameter of every rule has a source entry, and every rule has at least one entry', () => {
    const missing: string[] = [];
    for (const rule of RULES) {
      const list = THRESHOLD_SOURCES[rule.id] ?? [];
      if (list.length === 0) missing.push(`${rule.id} (no entry at all)`);
      for (const p of describeParameters(rule)) if (!list.some((t) => t.name === p.name && t.fixed === undefined)) missing.push(`${rule.id}.${p.name}`);
    }
    expect(missing, 'add these to lib/frameworks/thresholds.ts').toEqual([]);
  });

  it('names no parameter a rule does not have, and no rule that is not registered', () => {
    const ids = new Set(RULES.map((r) => r.id));
    expect(Object.keys(THRESHOLD_SOURCES).filter((id) => !ids.has(id))).toEqual([]);
    for (const e of entries.filter((t) => t.fixed === undefined)) {
      const rule = RULES.find((r) => r.id === e.ruleId)!;
      expect(describeParameters(rule).map((p) => p.name), `${e.ruleId}.${e.name}`).toContain(e.name);
    }
  });

  it('a figure said to be law, a CNIL recommendation or industry practice rests first on a source of that status', () => {
    for (const e of entries) {
      for (const id of e.sources) expect(SOURCES[id], `${e.ruleId}.${e.name}: ${id}`).toBeDefined();
      if (e.basis === 'law' || e.basis === 'cnil-recommendation' || e.basis === 'industry-practice') {
        expect(e.sources.length, `${e.ruleId}.${e.name}`).toBeGreaterThan(0);
        expect(SOURCES[e.sources[0]!].status, `${e.ruleId}.${e.name}`).toBe(e.basis);
      }
    }
  });

  it('quotations are only checked sentences of the cited source; no sentence says a recommendation "requires"', () => {
    for (const e of entries) {
      if (e.quote) {
        expect(e.sources, `${e.ruleId}.${e.name}`).toContain(e.quote.source);
        expect(thresholdQuote(e), `${e.ruleId}.${e.name}`).toMatch(/^« .+ » \(.+\)$/);
        const q = (SOURCES[e.quote.source] as { quotes?: readonly { checkedAgainst: string }[] }).quotes?.[e.quote.index];
        expect(q?.checkedAgainst, `${e.ruleId}.${e.name}: a quotation says where it was checked`).toBeTruthy();
      }
      expect(e.sentence, `${e.ruleId}.${e.name}`).not.toMatch(OBLIGATION_WORDS);
      expect(e.sentence, `${e.ruleId}.${e.name}: our words are never in quotation marks`).not.toMatch(/[«»"]/);
    }
  });

  it('fixed criteria state the figures the code applies', () => {
    const fixed = (rule: string, name: string): string => THRESHOLD_SOURCES[rule]!.find((t) => t.name === name)!.fixed!;
    expect(fixed('auth.password-strength', 'lockoutMaxFailures')).toContain(`≤ ${CNIL_RESTRICTION.lockoutMaxFailures} failures`);
    const delay = fixed('auth.password-strength', 'timeDelay');
    expect(delay).toContain(`> ${CNIL_RESTRICTION.timeDelayMinSeconds} s`);
    expect(delay).toContain(`≤ ${CNIL_RESTRICTION.timeDelayAfterFailures} failures`);
    expect(delay).toContain(`≤ ${CNIL_RESTRICTION.timeDelayMaxFailuresPer24h} failures per 24 h`);
  });

  it('the CIS figure for unused credentials is dated: 90 days in v1.2.0, 45 from v1.4.0', () => {
    const stale = THRESHOLD_SOURCES['access.stale-credentials']!.find((t) => t.name === 'maxUnusedDays')!;
    expect(stale.sentence).toContain('45 days');
    expect(SOURCES.cisAws.citation).toContain('45 days from v1.4.0');
  });
});

describe('wording of what a declared control lacks', () => {
  it('says what art32 counts and what the CNIL recommends, never that something "must" be done', async () => {
    const { judgeDeclaredControl } = await import('../../../lib/register/view');
    const j = judgeDeclaredControl({ type: 'compensating-control', control: 'time-delay', mechanism: 'IdP', exponential: false, delayAfterFailures: 9, delaySeconds: 10, maxFailuresPer24h: 100, evidenceRef: 'X' });
    expect(j.restricts).toBe(false);
    expect(j.reasons.length).toBeGreaterThanOrEqual(3);
    for (const r of j.reasons) expect(r).not.toMatch(OBLIGATION_WORDS);
    const lockout = judgeDeclaredControl({ type: 'compensating-control', control: 'lockout', mechanism: 'IdP', maxFailures: 50, evidenceRef: 'X' });
    expect(lockout.reasons.join(' ')).toContain('the CNIL recommends blocking after ≤ 10');
  });
});
