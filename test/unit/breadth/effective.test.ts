import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeBreadth } from '../../../lib/breadth/analyze';
import { hasBit, wordsFor } from '../../../lib/breadth/bitset';
import { loadCatalog } from '../../../lib/breadth/catalog';
import { BreadthCalculator, combineSettled, settledOf, sparseWord } from '../../../lib/breadth/effective';
import { normalizeStatement, type NormalizedStatement } from '../../../lib/policy/document';
import { resourceTypesFor } from '../../../lib/policy/evaluate';
import { resolvePrincipals, type PolicySet } from '../../../lib/policy/principals';
import { allow, deny, details, input, type Stmt } from './helpers';
import { arbStatementFrom } from '../policy/arbitraries';

const catalog = loadCatalog();
const size = (pattern: string): number => {
  let n = 0;
  const bits = catalog.expand(pattern);
  for (let i = 0; i < catalog.size; i++) if (hasBit(bits, i)) n += 1;
  return n;
};

/** Breadth of a single role with these inline policies (and optional boundary). */
function breadthOf(policies: Stmt[][], boundary?: Stmt[]) {
  const d = details({
    roles: [{ name: 'r', inline: policies, ...(boundary ? { boundary: 'b' } : {}) }],
    policies: boundary ? { b: boundary } : {},
  });
  const [p] = analyzeBreadth(input(d), catalog).principals;
  return p!;
}

// A pool mixing broad and narrow patterns, services and verbs, so random policies overlap.
const patterns = ['*', 's3:*', 's3:Get*', 's3:GetObject', 'dynamodb:*', 'dynamodb:Scan', 'ec2:Describe*', 'iam:PassRole', 'iam:*', 'iam:*User*', 'lambda:*', 'kms:Decrypt', 'sts:AssumeRole', 'logs:Get*', '*:List*'];
const arbStatement = (effect: 'Allow' | 'Deny'): fc.Arbitrary<Stmt> =>
  fc.record({
    actions: fc.subarray(patterns, { minLength: 1, maxLength: 3 }),
    not: fc.boolean(),
    resource: fc.constantFrom('*', 'arn:aws:s3:::bucket/*'),
    notResource: fc.boolean(),
    conditional: fc.boolean(),
  }).map(({ actions, not, resource, notResource, conditional }) => ({
    Effect: effect,
    ...(not && effect === 'Allow' ? { NotAction: actions } : { Action: actions }),
    ...(notResource ? { NotResource: resource } : { Resource: resource }),
    ...(conditional ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}),
  }));
const arbPolicy = fc.array(fc.oneof(arbStatement('Allow'), arbStatement('Allow'), arbStatement('Deny')), { minLength: 1, maxLength: 4 });
const arbPolicies = fc.array(arbPolicy, { minLength: 1, maxLength: 3 });

describe('effective permissions: properties', () => {
  it('adding an Allow never decreases breadth', () => {
    fc.assert(
      fc.property(arbPolicies, arbStatement('Allow'), (policies, extra) => {
        const before = breadthOf(policies);
        const after = breadthOf([...policies, [extra]]);
        expect(after.total).toBeGreaterThanOrEqual(before.total);
        expect(after.unconditional).toBeGreaterThanOrEqual(before.unconditional);
        expect(after.onAllResources).toBeGreaterThanOrEqual(before.onAllResources);
      }),
      { numRuns: 120 },
    );
  });

  it('adding a Deny never increases breadth', () => {
    fc.assert(
      fc.property(arbPolicies, arbStatement('Deny'), (policies, extra) => {
        const before = breadthOf(policies);
        const after = breadthOf([...policies, [extra]]);
        expect(after.total).toBeLessThanOrEqual(before.total);
        expect(after.unconditional).toBeLessThanOrEqual(before.unconditional);
        expect(after.onAllResources).toBeLessThanOrEqual(before.onAllResources);
      }),
      { numRuns: 120 },
    );
  });

  it('a permissions boundary never increases breadth', () => {
    fc.assert(
      fc.property(arbPolicies, arbPolicy, (policies, boundary) => {
        const without = breadthOf(policies);
        const withBoundary = breadthOf(policies, boundary);
        expect(withBoundary.total).toBeLessThanOrEqual(without.total);
        expect(withBoundary.unconditional).toBeLessThanOrEqual(without.unconditional);
        expect(withBoundary.onAllResources).toBeLessThanOrEqual(without.onAllResources);
      }),
      { numRuns: 120 },
    );
  });

  it('a boundary allowing everything changes nothing, with a NotAction grant (a shared base) in the set', () => {
    /** The four result masks of one role's policies (copied: the calculator's result is scratch). */
    const masksOf = (policies: Stmt[][], boundary?: Stmt[]): string => {
      const d = details({ roles: [{ name: 'r', inline: policies, ...(boundary ? { boundary: 'b' } : {}) }], policies: boundary ? { b: boundary } : {} });
      const set = resolvePrincipals(d)[0]!.policySet;
      const e = new BreadthCalculator(catalog).computeLists(set.lists, set.boundary);
      return [e.granted, e.conditional, e.grantedOnAll, e.conditionalOnAll].map((m) => m.join(',')).join('|');
    };
    const arbNotAction = fc.record({ resource: fc.constantFrom('*', 'arn:aws:s3:::b/*'), conditional: fc.boolean() }).map(
      ({ resource, conditional }): Stmt => ({
        Effect: 'Allow',
        NotAction: ['iam:*'],
        Resource: resource,
        ...(conditional ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}),
      }),
    );
    fc.assert(
      fc.property(arbNotAction, arbPolicies, (notAction, policies) => {
        const withNotAction = [[notAction], ...policies];
        expect(masksOf(withNotAction)).toBe(masksOf(withNotAction, [allow('*')]));
      }),
      { numRuns: 120 },
    );
  });

  it('sets sharing a NotAction grant (and boundary) computed one after another equal each computed alone', () => {
    // From the second set with the same bases and boundary on, the calculator reuses their result;
    // a set over the same bases as the one before it only restores that one's words. Every third
    // role lacks the shared policy (a sparse set between sets over a base).
    const masks = (e: ReturnType<BreadthCalculator['computeLists']>): string =>
      [e.granted, e.conditional, e.grantedOnAll, e.conditionalOnAll].map((m) => m.join(',')).join('|') + `#${e.nonZeroWords.subarray(0, e.nonZeroCount).join(',')}`;
    const arbShared = fc.array(
      fc.constantFrom<Stmt>(
        { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' },
        { Effect: 'Allow', NotAction: ['iam:*'], Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
        { Effect: 'Allow', NotAction: ['s3:*', 'ec2:*'], NotResource: 'arn:aws:s3:::b/*' },
        { Effect: 'Deny', NotAction: ['s3:*', 'iam:*'], Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        allow('*'),
      ),
      { minLength: 1, maxLength: 2 },
    );
    fc.assert(
      // 3 to 6 roles still give sets over the shared base with and without the boundary (roles 0 and 4
      // get it) and a sparse set between them (role 2); 50 runs still draw each shared statement
      // many times. Cheaper than 3 to 7 roles and 80 runs (10-26 s alone, over its 60 s timeout
      // under load).
      fc.property(arbShared, fc.array(arbPolicies, { minLength: 3, maxLength: 6 }), fc.option(arbPolicy, { nil: undefined }), (shared, others, boundary) => {
        const d = details({
          roles: others.map((inline, k) => ({ name: `r${k}`, managed: k % 3 === 2 ? [] : ['S'], inline, ...(boundary && k % 4 === 0 ? { boundary: 'b' } : {}) })),
          policies: { S: shared, ...(boundary ? { b: boundary } : {}) },
        });
        const sets = resolvePrincipals(d).map((p) => p.policySet);
        // Each set computed alone once (a fresh calculator's answer does not change on a second
        // computation), compared with the shared calculator's answer in both passes: the second
        // pass is where it reuses its bases' results. Computing the alone answers twice was half
        // the test's time (10-26 s alone, over its 60 s timeout under load) and proved nothing more.
        const alone = sets.map((set) => masks(new BreadthCalculator(catalog).computeLists(set.lists, set.boundary)));
        const calc = new BreadthCalculator(catalog);
        for (const pass of [1, 2]) {
          sets.forEach((set, i) => expect({ pass, i, masks: masks(calc.computeLists(set.lists, set.boundary)) }).toEqual({ pass, i, masks: alone[i] }));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('sets over the same NotAction base, in any order and between sparse sets, equal each computed alone', () => {
    // A set over the same base as the set over a base before it restores only that set's words and
    // keeps its base's list of non-zero words when that set left it so: orders mixing sets that add
    // a word the base lacks (iam), change none, empty a base word (a Deny), decide hard words (a
    // scoped Deny) or have no base at all (sparse) exercise every transition.
    const masks = (e: ReturnType<BreadthCalculator['computeSet']>): string =>
      [e.granted, e.conditional, e.grantedOnAll, e.conditionalOnAll].map((m) => m.join(',')).join('|') + `#${e.nonZeroWords.subarray(0, e.nonZeroCount).join(',')}`;
    const variants: Stmt[][] = [
      [allow('iam:PassRole')],
      [allow('s3:GetObject')],
      [deny('s3:*')],
      [{ Effect: 'Deny', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/*' }],
      [allow('ec2:Describe*'), allow('iam:*User*')],
      [{ Effect: 'Allow', Action: ['dynamodb:*'], Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
      [deny('ec2:*'), allow('iam:GetRole')],
    ];
    const roles = [
      ...variants.map((inline, k) => ({ name: `base${k}`, managed: ['S'], inline: [inline] })),
      ...variants.map((inline, k) => ({ name: `sparse${k}`, inline: [inline] })),
      ...variants.map((inline, k) => ({ name: `bounded${k}`, managed: ['S'], inline: [inline], boundary: 'B' })),
    ];
    const d = details({ roles, policies: { S: [{ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }], B: [allow('*')] } });
    const sets = resolvePrincipals(d).map((p) => p.policySet);
    const alone = sets.map((set) => masks(new BreadthCalculator(catalog).computeSet(set)));
    fc.assert(
      fc.property(fc.array(fc.nat(sets.length - 1), { minLength: 2, maxLength: 24 }), (order) => {
        const calc = new BreadthCalculator(catalog);
        for (const i of order) expect({ i, masks: masks(calc.computeSet(sets[i]!)) }).toEqual({ i, masks: alone[i] });
      }),
      { numRuns: 150 },
    );
  });

  it('computeSet (lists found by their resolution-local ids) equals computeLists by list object, across resolutions and hand-built sets', () => {
    const masks = (e: ReturnType<BreadthCalculator['computeLists']>): string =>
      [e.granted, e.conditional, e.grantedOnAll, e.conditionalOnAll].map((m) => m.join(',')).join('|') + `#${e.nonZeroWords.subarray(0, e.nonZeroCount).join(',')}`;
    fc.assert(
      fc.property(fc.array(arbPolicies, { minLength: 2, maxLength: 4 }), arbPolicy, arbPolicy, fc.option(arbPolicy, { nil: undefined }), (inlines, p, q, boundary) => {
        // Roles attach the shared managed policies in different orders (local ids differ from list positions).
        const spec = {
          roles: inlines.map((inline, k) => ({ name: `r${k}`, managed: k % 2 ? ['Q', 'P'] : ['P'], inline, ...(boundary && k % 2 === 0 ? { boundary: 'b' } : {}) })),
          policies: { P: p, Q: q, ...(boundary ? { b: boundary } : {}) },
        };
        // Two resolutions (P and Q swapped in the second): the same local ids name other lists there.
        const first = resolvePrincipals(details(spec)).map((x) => x.policySet);
        const second = resolvePrincipals(details({ ...spec, policies: { ...spec.policies, P: q, Q: p } })).map((x) => x.policySet);
        const byHand = first.map((set) => ({ key: set.key, lists: [...set.lists].reverse(), ...(set.boundary ? { boundary: set.boundary } : {}) }));
        const calc = new BreadthCalculator(catalog);
        const listMasks = (c: BreadthCalculator, list: readonly NormalizedStatement[]): string => {
          const m = c.policyMasks(list as NormalizedStatement[]);
          return [m.allow, m.conditionalAllow, m.allowOnAll, m.deny, m.hard].map((x) => (x ? `${x.words.join(',')}/${x.values.join(',')}` : '-')).join('|') + String(m.allowsStar);
        };
        for (const set of [...first, ...byHand, ...second, ...first]) {
          const alone = new BreadthCalculator(catalog);
          expect(masks(calc.computeSet(set))).toBe(masks(alone.computeLists(set.lists, set.boundary)));
          // Right after its set, a list is found among the set's slots: the same list as by object.
          for (const list of set.lists) expect(listMasks(calc, list)).toBe(listMasks(alone, list));
        }
        // Asked by object after other sets (a list of a resolved set may get a second slot then): the same masks and action sets.
        for (const set of [...second, ...first]) {
          const alone = new BreadthCalculator(catalog);
          for (const list of set.lists) {
            expect(listMasks(calc, list)).toBe(listMasks(alone, list));
            const views = alone.listStatementActions(list);
            const l = calc.listSlotOf(list);
            expect(calc.statementCountAt(l)).toBe(views.length);
            views.forEach((view, j) => {
              for (let w = 0; w < wordsFor(catalog.size); w += 5) expect(calc.statementBitsOfWord(l, j, w)).toBe(sparseWord(view, w));
            });
          }
        }
        // Asked by set position after other sets (listSlotOfSet: the resolution row, or by object for a
        // set built by hand): the same actions and `*` Allows as the list alone.
        for (const set of [...second, ...byHand, ...first]) {
          const alone = new BreadthCalculator(catalog);
          set.lists.forEach((list, q) => {
            const l = calc.listSlotOfSet(set, q);
            const views = alone.listStatementActions(list);
            expect(calc.statementCountAt(l)).toBe(views.length);
            views.forEach((view, j) => {
              for (let w = 0; w < wordsFor(catalog.size); w += 5) expect(calc.statementBitsOfWord(l, j, w)).toBe(sparseWord(view, w));
            });
            expect(calc.listAllowsStarAt(l)).toBe(alone.listAllowsStar(list));
          });
        }
        // The slots computeSet gave are the ones listSlotOf answers right after it, and listSlotOfSet
        // after another resolution's set (no second fold of a list).
        const known = new BreadthCalculator(catalog);
        known.computeSet(first[0]!);
        const distinct = new Set(first[0]!.lists).size;
        const slots = first[0]!.lists.map((list) => known.listSlotOf(list));
        for (const l of slots) expect(l).toBeLessThan(distinct);
        known.computeSet(second[0]!);
        first[0]!.lists.forEach((_, q) => expect(known.listSlotOfSet(first[0]!, q)).toBe(slots[q]));
      }),
      { numRuns: 20 },
    );
  });

  it('an Allow on several ARN patterns gives on every resource what the same Allow on each pattern alone gives', () => {
    // A resolved Allow's resource list is one coverage entry (by its resolution id), its patterns'
    // coverage sets unioned once; split into one statement per pattern (a list built by hand), each
    // pattern's coverage is read alone. Patterns covering whole types of several services, or none.
    const masks = (e: ReturnType<BreadthCalculator['computeLists']>): string =>
      [e.granted, e.conditional, e.grantedOnAll, e.conditionalOnAll].map((m) => m.join(',')).join('|') + `#${e.nonZeroWords.subarray(0, e.nonZeroCount).join(',')}`;
    const arns = ['arn:aws:s3:::*', 'arn:aws:s3:::*/*', 'arn:aws:s3:::bucket/*', 'arn:aws:dynamodb:*:*:table/*', 'arn:aws:iam::*:role/*', 'arn:aws:ec2:*:*:instance/*', 'arn:aws:kms:*:*:key/*'];
    const arbAllow = fc.record({
      actions: fc.subarray(['s3:*', 'dynamodb:*', 'iam:*', 'ec2:*', 'kms:*', 's3:GetObject', '*'], { minLength: 1, maxLength: 3 }),
      resources: fc.subarray(arns, { minLength: 2, maxLength: 4 }),
      conditional: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbAllow, { minLength: 1, maxLength: 3 }), (allows) => {
        const condition = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
        const whole = allows.map((a) => allow(a.actions, a.resources, a.conditional ? condition : {}));
        const [set] = resolvePrincipals(details({ roles: [{ name: 'r', inline: [whole] }] })).map((p) => p.policySet);
        const split = allows.flatMap((a) => a.resources.map((r) => normalizeStatement(allow(a.actions, r, a.conditional ? condition : {}))));
        expect(masks(new BreadthCalculator(catalog).computeSet(set!))).toBe(masks(new BreadthCalculator(catalog).computeLists([split], undefined)));
      }),
      { numRuns: 60 },
    );
  });

  it('statements sharing clause arrays and ids (as resolution normalises them) give what unshared copies give', () => {
    // A resolution's clause table, simulated: identical lists are one array with one id (`actions ?? notActions`,
    // `resources ?? notResources`; an Action list and a NotAction list never share one). Two resolutions give
    // the same ids to other lists: the calculator must keep their facts apart.
    type Shared = NormalizedStatement & { actionsId: number; resourcesId: number };
    const resolution = () => {
      const ids = new Map<string, { id: number; list: string[] }>();
      const counts = { a: 0, r: 0 };
      const one = (kind: string, a: string[] | undefined): { id: number; list: string[] } | undefined => {
        if (a === undefined) return undefined;
        const key = `${kind}\n${a.join('\n')}`;
        let e = ids.get(key);
        if (!e) ids.set(key, (e = { id: kind < 'r' ? counts.a++ : counts.r++, list: a }));
        return e;
      };
      const copies = new Map<readonly NormalizedStatement[], Shared[]>();
      const listIds = new Map<readonly NormalizedStatement[], number>();
      const memo = {};
      const share = (list: readonly NormalizedStatement[]): Shared[] => {
        let c = copies.get(list);
        if (!c) {
          c = list.map((st) => {
            const a = one('a', st.actions) ?? one('n', st.notActions);
            const r = one('r', st.resources) ?? one('s', st.notResources);
            return { ...st, actions: st.actions && a!.list, notActions: st.actions ? undefined : st.notActions && a!.list, resources: st.resources && r!.list, notResources: st.resources ? undefined : st.notResources && r!.list, actionsId: a?.id ?? -1, resourcesId: r?.id ?? -1 };
          });
          copies.set(list, c);
          listIds.set(c, listIds.size);
        }
        return c;
      };
      return (set: PolicySet): PolicySet => {
        const lists = set.lists.map(share);
        return Object.assign({ key: set.key, lists, ...(set.boundary ? { boundary: share(set.boundary) } : {}) }, { memo, listIdAt: (q: number) => listIds.get(lists[q]!)! });
      };
    };
    const masks = (e: ReturnType<BreadthCalculator['computeLists']>): string =>
      [e.granted, e.conditional, e.grantedOnAll, e.conditionalOnAll].map((m) => m.join(',')).join('|') + `#${e.nonZeroWords.subarray(0, e.nonZeroCount).join(',')}`;
    // Few distinct clauses, so that lists repeat them: `*`, resource lists covering whole types (or not), NotAction.
    const arbStmt = fc
      .record({
        effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
        actions: fc.constantFrom<string[]>(['*'], ['s3:*'], ['s3:GetObject', 'dynamodb:*'], ['ec2:Describe*', '*:List*']),
        not: fc.boolean(),
        resources: fc.constantFrom<string[]>(['*'], ['arn:aws:s3:::*/*'], ['arn:aws:s3:::bucket/*', 'arn:aws:dynamodb:*:*:table/*'], ['arn:aws:s3:::bucket/*']),
        notResource: fc.boolean(),
        conditional: fc.boolean(),
      })
      .map(({ effect, actions, not, resources, notResource, conditional }): Stmt => ({
        Effect: effect,
        ...(not && effect === 'Allow' ? { NotAction: actions } : { Action: actions }),
        ...(notResource ? { NotResource: resources } : { Resource: resources }),
        ...(conditional ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}),
      }));
    const arbSets = fc.array(fc.array(arbStmt, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(arbSets, arbSets, fc.option(arbPolicy, { nil: undefined }), (first, second, boundary) => {
        const setsOf = (policies: Stmt[][]) =>
          resolvePrincipals(
            details({
              roles: policies.map((inline, k) => ({ name: `r${k}`, inline: k === 0 ? [inline] : [inline, policies[0]!], ...(boundary && k % 2 === 0 ? { boundary: 'b' } : {}) })),
              policies: boundary ? { b: boundary } : {},
            }),
          ).map((x) => x.policySet);
        const calc = new BreadthCalculator(catalog);
        for (const sets of [setsOf(first), setsOf(second)]) {
          const shared = resolution();
          for (const set of sets) {
            const s = shared(set);
            const alone = new BreadthCalculator(catalog);
            expect(masks(calc.computeSet(s))).toBe(masks(alone.computeLists(set.lists, set.boundary)));
            set.lists.forEach((list, q) => {
              expect(calc.listAllowsStar(s.lists[q]!)).toBe(alone.listAllowsStar(list));
              const x = calc.listStatementActions(s.lists[q]!);
              const y = alone.listStatementActions(list);
              expect(x.map((v) => `${v.words.join(',')}/${v.values.join(',')}`)).toEqual(y.map((v) => `${v.words.join(',')}/${v.values.join(',')}`));
            });
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a wildcard Allow grants exactly what the explicit list of its actions grants', () => {
    fc.assert(
      fc.property(fc.constantFrom('s3:Get*', 'ec2:Describe*', 'iam:*User*', '*:List*', 'lambda:*', 'dynamodb:?can'), (pattern) => {
        const names = catalog.names.filter((_, id) => hasBit(catalog.expand(pattern), id));
        const wild = breadthOf([[allow(pattern)]]);
        const explicit = breadthOf([[allow(names)]]);
        expect(explicit.total).toBe(wild.total);
        expect(explicit.byLevel).toEqual(wild.byLevel);
        expect(explicit.services).toBe(wild.services);
      }),
      { numRuns: 6 },
    );
  });
});

describe('action pattern expansion into sparse sets', () => {
  // statementActions reads a pattern's expansion only within its service's words when the service
  // part is a literal: the sparse set must hold every non-zero word of the catalog's dense expansion.
  const sparseOf = (bits: ReturnType<typeof catalog.expand>): string => {
    const out: string[] = [];
    for (let w = 0; w < bits.length; w++) if (bits[w] !== 0) out.push(`${w}:${bits[w]}`);
    return out.join(',');
  };
  const viewOf = (v: { words: Uint16Array; values: Uint32Array }): string => Array.from(v.words, (w, k) => `${w}:${v.values[k]}`).join(',');

  it('every service, whole or by a prefix of its first and last action, as the catalog expands it (and wildcard or unknown services)', () => {
    const calc = new BreadthCalculator(catalog);
    const asked: string[] = ['*', '*:*', '*:list*', 's3*:get*', '?3:get*', 'nosuchservice:get*', 'Nosuchservice:*', 'S3:Get*', '*s3*'];
    for (const { prefix, start, end } of catalog.services) {
      asked.push(`${prefix}:*`, `${prefix.toUpperCase()}:*`);
      const first = catalog.names[start]!.split(':')[1]!;
      const last = catalog.names[end - 1]!.split(':')[1]!;
      asked.push(`${prefix}:${first.slice(0, 2)}*`, `${prefix}:${last.slice(0, 3)}*`, `${prefix}:*${last.slice(-2)}`);
    }
    for (const pattern of asked) {
      const st = normalizeStatement({ Effect: 'Allow', Action: pattern, Resource: '*' });
      expect(viewOf(calc.statementActions(st)), pattern).toBe(sparseOf(catalog.expand(pattern)));
    }
  });
});

describe('hard decisions combined from one Allow at a time', () => {
  // Actions of several resource types (object / bucket, table, user / role…) and patterns that
  // cover some of them, all of them or none: the shapes the hard decisions see.
  const ACTIONS = ['s3:GetObject', 's3:ListBucket', 's3:PutObjectAcl', 'dynamodb:GetItem', 'iam:PassRole', 'iam:CreateUser', 's3:ListAllMyBuckets', 'ec2:RunInstances'];
  const pools = {
    actions: ['s3:GetObject', 's3:*'],
    resources: ['*', 'arn:aws:s3:::b', 'arn:aws:s3:::b/*', 'arn:aws:s3:::*/*', 'arn:aws:s3:::*', 'arn:aws:dynamodb:*:*:table/*', 'arn:aws:dynamodb:eu-west-3:111122223333:table/t', 'arn:aws:iam::111122223333:role/app-*', 'arn:aws:iam::*:user/*', 'arn:aws:ec2:*:*:instance/*'],
  };
  const normalized = (effect: 'Allow' | 'Deny') => arbStatementFrom(pools, { effect }).map((s) => normalizeStatement(s));
  it('decideCovering of a whole covering set equals combineSettled of each identity Allow decided alone (same Denies, boundary)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ACTIONS),
        fc.array(normalized('Allow'), { minLength: 1, maxLength: 5 }),
        fc.array(normalized('Deny'), { maxLength: 3 }),
        fc.option(fc.array(normalized('Allow'), { maxLength: 3 }), { nil: undefined }),
        (action, allows, denies, boundaryAllows) => {
          const types = resourceTypesFor(action);
          const hasBoundary = boundaryAllows !== undefined;
          const whole = settledOf({ allows, denies, boundaryAllows: boundaryAllows ?? [], hasBoundary }, types);
          let x = 0;
          for (const a of allows) x |= settledOf({ allows: [a], denies, boundaryAllows: boundaryAllows ?? [], hasBoundary }, types);
          expect({ action, combined: combineSettled(x) }).toEqual({ action, combined: whole });
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('effective permissions: examples', () => {
  it('counts s3:* as every S3 action, one service, on all resources', () => {
    const p = breadthOf([[allow('s3:*')]]);
    expect(p.total).toBe(size('s3:*'));
    expect(p.services).toBe(1);
    expect(p.onAllResources).toBe(p.total);
    expect(p.dataReadOnAll).toContain('s3:GetObject');
    expect(p.adminEquivalent).toBe(false);
  });

  it('NotAction grants the whole catalog minus what it lists', () => {
    const p = breadthOf([[{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }]]);
    expect(p.total).toBe(catalog.size - size('iam:*') - size('organizations:*'));
    expect(p.byLevel['Permissions management']).toBeGreaterThan(0);
  });

  it('NotResource counts as all resources', () => {
    const p = breadthOf([[{ Effect: 'Allow', Action: 'dynamodb:Scan', NotResource: 'arn:aws:dynamodb:*:*:table/secret' }]]);
    expect(p.onAllResources).toBe(1);
    expect(p.dataReadOnAll).toEqual(['dynamodb:Scan']);
  });

  it('resource-scoped grants count as breadth but not as "on all resources"', () => {
    const p = breadthOf([[allow('s3:GetObject', 'arn:aws:s3:::reports/*')]]);
    expect(p.total).toBe(1);
    expect(p.onAllResources).toBe(0);
    expect(p.dataReadOnAll).toEqual([]);
  });

  it('reports conditional allows separately from unconditional ones', () => {
    const mfa = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
    const p = breadthOf([[allow('s3:Get*'), allow('dynamodb:*', '*', mfa)]]);
    expect(p.unconditional).toBe(size('s3:Get*'));
    expect(p.conditional).toBe(size('dynamodb:*'));
    expect(p.total).toBe(p.unconditional + p.conditional);
  });

  it('an unconditional Deny on * removes actions; a scoped Deny does not; a conditional Deny makes them conditional', () => {
    expect(breadthOf([[allow('s3:*'), deny('s3:Delete*')]]).total).toBe(size('s3:*') - size('s3:Delete*'));
    expect(breadthOf([[allow('s3:*'), deny('s3:Delete*', 'arn:aws:s3:::logs/*')]]).total).toBe(size('s3:*'));
    const cond = breadthOf([[allow('s3:*'), deny('s3:Delete*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]]);
    expect(cond.total).toBe(size('s3:*'));
    expect(cond.conditional).toBe(size('s3:Delete*'));
  });

  it('a permissions boundary intersects: only actions both allow remain', () => {
    const p = breadthOf([[allow(['s3:*', 'iam:*'])]], [allow('s3:*')]);
    expect(p.total).toBe(size('s3:*'));
    const s3PermissionsManagement = catalog.names.filter((n, id) => n.startsWith('s3:') && catalog.levelName(id) === 'Permissions management').length;
    expect(p.permissionsManagement).toBe(s3PermissionsManagement);
    const scopedBoundary = breadthOf([[allow('s3:*')]], [allow('s3:*', 'arn:aws:s3:::one/*')]);
    expect(scopedBoundary.total).toBe(size('s3:*'));
    expect(scopedBoundary.onAllResources).toBe(0);
  });

  it('users inherit their groups\' inline and managed policies, and the granting policies are named via the group', () => {
    const d = details({
      users: [{ name: 'alice', groups: ['advisers'], inline: [[allow('s3:ListAllMyBuckets')]] }],
      groups: [{ name: 'advisers', managed: ['AdviserData'], inline: [[allow('dynamodb:Query')]] }],
      policies: { AdviserData: [allow(['s3:GetObject', 'iam:PassRole', 'ec2:RunInstances'])] },
    });
    const [alice] = analyzeBreadth(input(d), catalog).principals;
    expect(alice!.total).toBe(5);
    expect(alice!.policies).toBe(3);
    expect(alice!.escalations.map((e) => e.path)).toEqual(['passrole-ec2']);
    expect(alice!.escalations[0]!.grants[0]!.policies).toEqual(['AdviserData (via group advisers)']);
  });

  it('`*` on `*` is admin-equivalent; a Deny of a few actions keeps it so; s3:* is not', () => {
    expect(breadthOf([[allow('*')]]).adminEquivalent).toBe(true);
    expect(breadthOf([[allow('*'), deny('organizations:LeaveOrganization')]]).adminEquivalent).toBe(true);
    expect(breadthOf([[allow('*', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })]]).adminEquivalent).toBe(false);
  });

  it('caches expansion per managed policy: principals sharing a policy share its masks', () => {
    const d = details({ roles: [{ name: 'a', managed: ['P'] }, { name: 'b', managed: ['P'] }], policies: { P: [allow('s3:*')] } });
    const calc = new BreadthCalculator(catalog);
    const [a, b] = resolvePrincipals(d);
    expect(calc.policyMasks(a!.policies[0]!.statements)).toBe(calc.policyMasks(b!.policies[0]!.statements));
  });

  it('listStatementActions gives each statement of a list the set statementActions gives it (NotAction included)', () => {
    const d = details({
      roles: [{ name: 'r', managed: ['P'] }],
      policies: { P: [allow('s3:Get*'), { Effect: 'Allow', NotAction: ['iam:*'], Resource: 'arn:aws:s3:::b/*' }, deny('s3:GetObject', 'arn:aws:s3:::b/x')] },
    });
    const statements = resolvePrincipals(d)[0]!.policies[0]!.statements;
    const calc = new BreadthCalculator(catalog);
    const sets = calc.listStatementActions(statements);
    expect(sets).toHaveLength(3);
    expect(sets[1]!.words.length).toBeGreaterThan(600);
    const other = new BreadthCalculator(catalog);
    statements.forEach((s, j) => {
      expect([...sets[j]!.words]).toEqual([...other.statementActions(s).words]);
      expect([...sets[j]!.values]).toEqual([...other.statementActions(s).values]);
    });
    expect(calc.listStatementActions(statements)).toBe(sets);
  });

  it('list slots: numbered in first-seen order, stable, and the …At methods answer what the by-list ones do', () => {
    const d = details({
      roles: [{ name: 'r', managed: ['P', 'Q'] }],
      policies: { P: [allow('s3:GetObject'), { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }], Q: [allow('ec2:DescribeInstances')] },
    });
    const [p, q] = resolvePrincipals(d)[0]!.policies.map((x) => x.statements);
    const calc = new BreadthCalculator(catalog);
    expect(calc.listSlotOf(q!)).toBe(0);
    expect(calc.listSlotOf(p!)).toBe(1);
    expect(calc.listSlotOf(q!)).toBe(0);
    expect(calc.listStatementActionsAt(1)).toBe(calc.listStatementActions(p!));
    const s3 = catalog.idOf('s3:getobject')! >>> 5;
    const ec2 = catalog.idOf('ec2:describeinstances')! >>> 5;
    for (const w of [s3, ec2]) {
      const mark = new Int32Array(wordsFor(catalog.size)).fill(-1);
      mark[w] = 0;
      expect(calc.listAllowTouchesAt(0, mark)).toBe(calc.listAllowTouches(q!, mark));
      expect(calc.listAllowTouchesAt(1, mark)).toBe(calc.listAllowTouches(p!, mark));
    }
    const none = new Int32Array(wordsFor(catalog.size)).fill(-1);
    expect(calc.listAllowTouchesAt(0, none)).toBe(false);
  });

  it('the allocation-free statement readers answer what the listStatementActionsAt views hold', () => {
    const d = details({
      roles: [{ name: 'r', managed: ['P'] }],
      policies: { P: [allow(['s3:Get*', 'ec2:DescribeInstances']), { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }, deny('s3:GetObject', 'arn:aws:s3:::b/x'), allow('nosuch:Action')] },
    });
    const statements = resolvePrincipals(d)[0]!.policies[0]!.statements;
    const calc = new BreadthCalculator(catalog);
    const l = calc.listSlotOf(statements);
    const views = new BreadthCalculator(catalog).listStatementActions(statements);
    expect(calc.statementCountAt(l)).toBe(views.length);
    views.forEach((view, j) => {
      expect(calc.statementWordCountAt(l, j)).toBe(view.words.length);
      for (let v = 0; v < view.words.length; v++) {
        expect(calc.statementWordAt(l, j, v)).toBe(view.words[v]);
        expect(calc.statementBitsAt(l, j, v)).toBe(view.values[v]);
      }
      for (let w = 0; w < wordsFor(catalog.size); w += 7) expect(calc.statementBitsOfWord(l, j, w)).toBe(sparseWord(view, w));
    });
    expect(calc.statementWordCountAt(l, 3)).toBe(0);
  });

  it('an attached managed policy missing from the snapshot is reported, not silently ignored', () => {
    const d = details({ roles: [{ name: 'r', managed: ['Gone'] }] });
    const [p] = analyzeBreadth(input(d), catalog).principals;
    expect(p!.unresolvedPolicies).toEqual(['arn:aws:iam::111122223333:policy/Gone']);
  });

  it('reports role last use and idle days; never-used roles count from creation', () => {
    const d = details({ roles: [{ name: 'used', lastUsed: '2026-01-21T00:00:00Z' }, { name: 'idle' }] });
    const ps = analyzeBreadth(input(d), catalog).principals;
    expect(ps.find((p) => p.name === 'used')).toMatchObject({ usage: 'used', idleDays: 10 });
    expect(ps.find((p) => p.name === 'idle')).toMatchObject({ usage: 'never' });
  });

  it('reads user last use from the credential report (latest of password and keys), unknown without it', () => {
    const d = details({ users: [{ name: 'bob' }] });
    const row = {
      user: 'bob', arn: 'arn:aws:iam::111122223333:user/bob', user_creation_time: '2025-01-01T00:00:00Z',
      password_enabled: true, password_last_used: '2026-01-01T00:00:00Z', password_last_changed: 'N/A', password_next_rotation: 'N/A',
      mfa_active: false, access_key_1_active: true, access_key_1_last_rotated: 'N/A', access_key_1_last_used_date: '2026-01-30T00:00:00Z',
      access_key_2_active: false, access_key_2_last_rotated: 'N/A', access_key_2_last_used_date: 'N/A', cert_1_active: false, cert_2_active: false,
    } as const;
    const withReport = { ...input(d), credentialReport: { GeneratedTime: '2026-01-31T00:00:00Z', rows: [row] } };
    expect(analyzeBreadth(withReport, catalog).principals[0]).toMatchObject({ usage: 'used', lastUsed: '2026-01-30T00:00:00Z', idleDays: 1 });
    expect(analyzeBreadth(input(d), catalog).principals[0]).toMatchObject({ usage: 'unknown' });
  });
});
