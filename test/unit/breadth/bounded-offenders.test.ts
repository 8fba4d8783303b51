import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boundedOffenders, DETAILED_OFFENDERS, type Offenders, type ReasonText, type SetFacts } from '../../../lib/rules/access/permission-breadth';
import type { PrincipalBreadth } from '../../../lib/breadth/analyze';

/**
 * The grouping as it was first written: offenders by reasons array, then arrays by joined text. A
 * set's array was its own then (an outlier's too): by set (an outlier apart), then by text.
 */
function reference(offenders: readonly { key: string; reasons: readonly string[]; set: number; outlier: boolean }[]): unknown {
  const byArray = new Map<number | object, { reasons: readonly string[]; keys: string[] }>();
  for (let i = DETAILED_OFFENDERS; i < offenders.length; i++) {
    const o = offenders[i]!;
    const id = o.outlier ? o.reasons : o.set;
    const entry = byArray.get(id);
    if (entry) entry.keys.push(o.key);
    else byArray.set(id, { reasons: o.reasons, keys: [o.key] });
  }
  const byText = new Map<string, { reasons: readonly string[]; principals: string[] }>();
  for (const { reasons, keys: principals } of byArray.values()) {
    const text = reasons.join('\n');
    const group = byText.get(text);
    if (group) group.principals.push(...principals);
    else byText.set(text, { reasons, principals });
  }
  return { count: offenders.length - DETAILED_OFFENDERS, byReasons: [...byText.values()] };
}

const OUTLIER = (z: number): string => `outlier vs peers (modified z-score ${z} > 3.5, median 10)`;

/**
 * Offenders drawn from a few sets (reasons from a small pool, so several sets share a text; sets
 * numbered sparsely, negative numbers too, and several sharing one SetFacts as the rule shares them
 * between sets equal in what decides their reasons) and a few z-scores. ReasonTexts are one per text, as the rule builds them when no reason holds a newline;
 * with `newlines`, reasons may hold one (and may end like an outlier's text), and the ReasonTexts are one per
 * reasons content, as the rule builds them then.
 */
const arbitraryOffenders = (newlines: boolean) =>
  fc
    .record({
      sets: fc.array(fc.array(fc.constantFrom('1 a', '2 b', '3 c', ...(newlines ? ['1 a\n2 b', `3 c\n${OUTLIER(4)}`, ''] : [])), { maxLength: 3 }), { minLength: 1, maxLength: 8 }),
      numbers: fc.uniqueArray(fc.tuple(fc.integer({ min: -5, max: 40 }), fc.nat()), { minLength: 1, maxLength: 12, selector: ([n]) => n }),
      picks: fc.array(fc.record({ set: fc.nat(), z: fc.option(fc.constantFrom(4, 5, 6.25), { nil: undefined }) }), { minLength: DETAILED_OFFENDERS + 1, maxLength: DETAILED_OFFENDERS + 60 }),
    })
    .map(({ sets, numbers, picks }) => {
      const holders = new Map<string, ReasonText>();
      const facts: SetFacts[] = sets.map((reasons) => {
        const id = newlines ? JSON.stringify(reasons) : reasons.join('\n');
        let text = holders.get(id);
        if (!text) holders.set(id, (text = { group: undefined, outlierGroups: undefined }));
        return { reasons, text, dataReads: undefined };
      });
      // An offender has reasons or is an outlier. Set number → its facts (several numbers may share them).
      const chosen = picks
        .map((x, i) => {
          const [set, fact] = numbers[x.set % numbers.length]!;
          return { key: `role/r${i}`, set, f: facts[fact % facts.length]!, z: x.z };
        })
        .filter((x) => x.f.reasons.length || x.z !== undefined);
      const withReasons = chosen.map((x) => ({ key: x.key, set: x.set, outlier: x.z !== undefined, reasons: x.z === undefined ? x.f.reasons : [...x.f.reasons, OUTLIER(x.z)] }));
      const offenders: Offenders = {
        principals: chosen.map((x) => ({ key: x.key }) as PrincipalBreadth),
        facts: chosen.map((x) => x.f),
        sets: chosen.map((x) => x.set),
        zScores: chosen.map((x) => x.z ?? NaN),
        textsExact: !newlines,
        reasonsOf(i) {
          return withReasons[i]!.reasons as string[];
        },
      };
      return { offenders, withReasons };
    });

describe('permission-breadth bounded offenders', () => {
  for (const newlines of [false, true]) {
    it(`groups the offenders not detailed as grouping by reasons array, then by text, does${newlines ? ' (reasons with newlines: by text)' : ''}`, () => {
      fc.assert(
        fc.property(arbitraryOffenders(newlines), ({ offenders, withReasons }) => {
          const out = boundedOffenders(offenders, (p, reasons) => ({ principal: p.key, reasons }));
          const detailed = Math.min(withReasons.length, DETAILED_OFFENDERS);
          expect(out.offenders).toEqual(withReasons.slice(0, detailed).map((o) => ({ principal: o.key, reasons: o.reasons })));
          if (withReasons.length <= DETAILED_OFFENDERS) expect(out).not.toHaveProperty('offendersNotDetailed');
          else expect(JSON.stringify(out.offendersNotDetailed)).toBe(JSON.stringify(reference(withReasons)));
        }),
        { numRuns: 300 },
      );
    });
  }
});
