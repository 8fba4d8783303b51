/**
 * Rule parameters: strict per rule (unknown key → exit 2 naming it and the valid keys),
 * values with no effect refused, CNIL-weakening values reported as a declared deviation
 * (never "meets"), stricter values honoured; strict dates everywhere.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, getRule } from '../../../lib/rules';
import { evaluateRule, resolveParameters, UnknownParameterError } from '../../../lib/rules/engine';
import { parseStrictIsoDate } from '../../../lib/support/strict-date';
import { parseSnapshot } from '../../../lib/snapshot';
import { dateBounds } from '../../../lib/evidence/store';
import { loadScenario } from '../../../lib/scenarios';
import { run } from '../cli/capture';

const paramsFile = (content: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'art32-params-'));
  const file = join(dir, 'params.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
};

describe('rule parameters are strict', () => {
  it('an unknown key is refused, naming it and listing the valid keys — for every rule', () => {
    for (const rule of RULES) {
      let error: unknown;
      try {
        resolveParameters(rule, { notAParameter: 1 });
      } catch (e) {
        error = e;
      }
      expect(error, rule.id).toBeInstanceOf(UnknownParameterError);
      expect((error as Error).message).toContain('"notAParameter"');
      expect((error as Error).message).toContain('Valid parameters:');
    }
  });

  it('art32 scan --params with a misspelt key exits 2 and names it', async () => {
    const file = paramsFile({ 'auth.password-strength': { minimumEntropyBit: 90 } });
    const r = await run('scan', '--scenario', 'compliant', '--params', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('minimumEntropyBit');
    expect(r.stderr).toContain('minimumEntropyBits');
  });

  it('a compensating control is not a parameter (it is a register declaration): refused, naming it', () => {
    expect(() => resolveParameters(getRule('auth.password-strength'), { lockoutThreshold: 5 })).toThrow(/unknown parameter "lockoutThreshold"/);
  });
});

describe('auth.password-strength under parameters weaker or stronger than CNIL 2022-100', () => {
  const snapshot = loadScenario('france-travail').snapshot; // 8 characters, 3 classes
  const compliant = loadScenario('compliant').snapshot; // 14 characters, 4 classes
  const rule = getRule('auth.password-strength');

  it('a weaker entropy figure passes only as "deviation from CNIL 2022-100, declared", never "meets"', () => {
    const f = evaluateRule(rule, snapshot, { minimumEntropyBits: 40 });
    expect(f.status).toBe('PASS');
    expect(f.message).toContain('deviation from CNIL 2022-100, declared');
    expect(f.message).not.toContain('meets');
  });

  it('a stricter entropy figure takes effect (200 bits no longer passes a 14-character policy)', () => {
    const f = evaluateRule(rule, compliant, { minimumEntropyBits: 200 });
    expect(f.status).not.toBe('PASS');
    expect(f.message).toContain('200 bits');
  });

  it('the defaults still say "meets CNIL 2022-100" on a compliant policy', () => {
    expect(evaluateRule(rule, compliant).message).toContain('meets CNIL 2022-100');
  });
});

describe('strict dates', () => {
  it('impossible days and times are refused, never rolled over', () => {
    for (const bad of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:60:00Z', 'yesterday']) {
      expect(parseStrictIsoDate(bad), bad).toBeUndefined();
    }
    expect(parseStrictIsoDate('2024-02-29')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(parseStrictIsoDate('2026-01-22T06:00:00+01:00')).toBe(Date.parse('2026-01-22T05:00:00Z'));
  });

  it('art32 scan --collected-at 2026-02-30 exits 2', async () => {
    const r = await run('scan', '--scenario', 'compliant', '--collected-at', '2026-02-30');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('2026-02-30');
  });

  it('a snapshot timestamp on an impossible day is refused by the schema', () => {
    const s = structuredClone(loadScenario('compliant').snapshot) as unknown as Record<string, unknown>;
    s.collectedAt = '2026-02-30T00:00:00Z';
    expect(() => parseSnapshot(s, 'test')).toThrow();
  });

  it('history --from/--to bounds refuse impossible days', () => {
    expect(() => dateBounds({ from: '2026-02-30' })).toThrow(/is not a date/);
    expect(dateBounds({ from: '2026-02-28' }).lower).toBe('2026-02-28');
  });
});
