import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bounded, DETAILED_PRINCIPALS, type Entries, type ListedIds, type Shared } from '../../../lib/rules/access/privilege-escalation';
import { analyzeBreadth, type PrincipalBreadth } from '../../../lib/breadth/analyze';
import { allow, details, userArn } from './helpers';

/** The grouping as it was first written: principals by shared object, then shared objects by the text of their ids. */
function reference(entries: readonly { key: string; shared: object; ids: string[] }[]): unknown {
  const byShared = new Map<object, { ids: string[]; keys: string[] }>();
  for (let i = DETAILED_PRINCIPALS; i < entries.length; i++) {
    const e = entries[i]!;
    const known = byShared.get(e.shared);
    if (known) known.keys.push(e.key);
    else byShared.set(e.shared, { ids: e.ids, keys: [e.key] });
  }
  const byIds = new Map<string, { paths: string[]; principals: string[] }>();
  for (const { ids, keys } of byShared.values()) {
    const text = ids.join(' ');
    const group = byIds.get(text);
    if (group) group.principals.push(...keys);
    else byIds.set(text, { paths: ids, principals: keys });
  }
  return { count: entries.length - DETAILED_PRINCIPALS, byPaths: [...byIds.values()] };
}

/**
 * Principals drawn from a few shared objects or with paths of their own (undefined shared), over a
 * few ids texts with one ListedIds each (as the rule interns them).
 */
const arbitraryEntries = fc
  .record({
    texts: fc.array(fc.subarray(['a', 'b', 'c', 'd'], { minLength: 1 }), { minLength: 1, maxLength: 5 }),
    shareds: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
    picks: fc.array(fc.record({ shared: fc.option(fc.nat(), { nil: undefined }), text: fc.nat() }), { minLength: DETAILED_PRINCIPALS - 5, maxLength: DETAILED_PRINCIPALS + 60 }),
  })
  .map(({ texts, shareds, picks }) => {
    const listed = new Map<string, ListedIds>();
    const listedOf = (ids: string[]): ListedIds => {
      let l = listed.get(ids.join(' '));
      if (!l) listed.set(ids.join(' '), (l = { ids }));
      return l;
    };
    const sharedObjects: Shared[] = shareds.map((t) => ({ listed: listedOf(texts[t % texts.length]!) }));
    const entries: Entries = { principals: [], listed: [], shared: [] };
    const plain: { key: string; shared: object; ids: string[] }[] = [];
    picks.forEach((x, i) => {
      const key = `role/r${i}`;
      const shared = x.shared === undefined ? undefined : sharedObjects[x.shared % sharedObjects.length]!;
      const l = shared ? shared.listed : listedOf(texts[x.text % texts.length]!);
      entries.principals.push({ key } as PrincipalBreadth);
      entries.listed.push(l);
      entries.shared.push(shared);
      plain.push({ key, shared: shared ?? {}, ids: l.ids });
    });
    return { entries, plain };
  });

describe('privilege-escalation bounded principals', () => {
  it('groups the principals not detailed as grouping by shared object, then by ids text, does', () => {
    fc.assert(
      fc.property(arbitraryEntries, ({ entries, plain }) => {
        const out = bounded('offenders', entries, []);
        if (plain.length <= DETAILED_PRINCIPALS) expect(out).toEqual({ offenders: [] });
        else expect(JSON.stringify(out.offendersNotDetailed)).toBe(JSON.stringify(reference(plain)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('escalationPaths.sole', () => {
  it('marks paths objects that no other principal has, and only those', () => {
    // Users of one group granted CreateAccessKey on one user's ARN: their paths depend on their ARN.
    const group = { name: 'keys', inline: [[allow('iam:CreateAccessKey', userArn('u0')), allow('iam:AttachUserPolicy', '*')]] };
    const users = Array.from({ length: 6 }, (_, i) => ({ name: `u${i}`, groups: ['keys'] }));
    // And a set whose paths do not (a grant on two resources compares no ARN): shared by its principals.
    const roles = Array.from({ length: 3 }, (_, i) => ({ name: `r${i}`, inline: [[allow('iam:CreatePolicyVersion', ['arn:aws:iam::111122223333:policy/a', 'arn:aws:iam::111122223333:policy/b'])]] }));
    const analysis = analyzeBreadth({ authorizationDetails: details({ users, groups: [group], roles }), credentialReport: undefined, collectedAt: '2026-02-01T00:00:00Z' });
    const holders = new Map<object, number>();
    for (const p of analysis.principals) if (p.escalationPaths.paths.length) holders.set(p.escalationPaths, (holders.get(p.escalationPaths) ?? 0) + 1);
    expect(analysis.principals.filter((p) => p.escalationPaths.sole)).not.toHaveLength(0);
    expect(analysis.principals.filter((p) => p.escalationPaths.paths.length && !p.escalationPaths.sole)).not.toHaveLength(0);
    for (const [paths, count] of holders) if ((paths as { sole?: boolean }).sole) expect(count).toBe(1);
  });
});
