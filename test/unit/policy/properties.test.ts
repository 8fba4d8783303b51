/**
 * Properties of the one policy engine (issue #15, item 2), on random policies over a small
 * alphabet of real catalog actions, action patterns (wildcards, `?`), ARN patterns (one bucket,
 * every object, every table…), Allow/Deny × Action/NotAction × Resource/NotResource, conditions
 * and permissions boundaries:
 * - **engines agree**: every way art32 asks a policy question gives the same answer — `decide`
 *   on `*`, `decideMany` / `decideManyShared` (per policy set, probe lists at once), `decide` on
 *   a named resource vs `decideMany` on it, and the breadth bitsets (lib/breadth/effective) vs
 *   the per-action evaluation (`decideOnAll` and `decideCovering`, lib/policy/evaluate, through
 *   `decideSomewhere` below);
 * - **Deny never widens**: adding any Deny statement (scoped, NotResource, NotAction,
 *   conditional) never turns an answer more permissive, on any engine;
 * - **NotResource deny confines**: after an unconditional `Deny <actions> NotResource [X]`, an
 *   action it covers is allowed on no resource outside X, and — X naming single resources —
 *   on no "every resource" either (AWS IAM User Guide, "IAM JSON policy elements:
 *   NotResource": with Deny it "denies access to all resources except the ones specified").
 * The hand-checked cases citing the documentation are in evaluation-table.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasBit } from '../../../lib/breadth/bitset';
import { loadCatalog } from '../../../lib/breadth/catalog';
import { BreadthCalculator } from '../../../lib/breadth/effective';
import { DECISION_RANK, decideCovering, decisionRank, decideOnAll, resourceTypesFor, type CoveringStatements, type Decision } from '../../../lib/policy/evaluate';
import { statementCoversAction, type NormalizedStatement } from '../../../lib/policy/document';
import { decide, decideMany, decideManyShared, resolvePrincipals, type Principal } from '../../../lib/policy/principals';
import type { PolicyStatement } from '../../../lib/snapshot';
import { arbStatementFrom } from './arbitraries';
import { details } from '../breadth/helpers';

const catalog = loadCatalog();

/**
 * The "somewhere" decision for one action (allowed on at least one resource) from a principal's
 * statement lists, by the statements that cover the action (lib/policy/evaluate `decideCovering`,
 * which the breadth engine asks for the actions its bitsets do not settle): the per-action oracle
 * the bitsets are compared with below (it was lib/policy/evaluate's `decideSomewhere`, with no
 * caller in lib).
 */
function decideSomewhere(lists: readonly (readonly NormalizedStatement[])[], boundary: readonly NormalizedStatement[] | undefined, action: string): Decision {
  const c: CoveringStatements = { allows: [], denies: [], boundaryAllows: [], hasBoundary: boundary !== undefined };
  for (const list of lists) for (const s of list) if (statementCoversAction(s, action)) (s.effect === 'Allow' ? c.allows : c.denies).push(s);
  if (boundary) for (const s of boundary) if (statementCoversAction(s, action)) (s.effect === 'Allow' ? c.boundaryAllows : c.denies).push(s);
  return decideCovering(c, resourceTypesFor(action)).somewhere;
}
/** One calculator for every run: its caches are per statement object, and each run's statements are new. */
const calculator = new BreadthCalculator(catalog);

/** Real catalog actions: object, bucket, table, account-level (no resource) and IAM. */
const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:ListAllMyBuckets', 'dynamodb:Scan', 'dynamodb:GetItem', 'iam:CreateUser', 'iam:PassRole', 'ec2:RunInstances'];
const ACTION_PATTERNS = [...ACTIONS, 's3:*', 's3:Get*', 's3:?etObject', 'dynamodb:*', 'iam:*', '*:Get*', '*', '**', 'S3:GETOBJECT'];
const ACCOUNT = '111122223333';
const RESOURCE_PATTERNS = [
  '*',
  'arn:aws:s3:::b',
  'arn:aws:s3:::b/*',
  'arn:aws:s3:::*/*',
  'arn:aws:s3:::*',
  'arn:aws:s3:::b?/*',
  'arn:aws:dynamodb:*:*:table/*',
  `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/t`,
  `arn:aws:iam::${ACCOUNT}:user/*`,
  `arn:aws:iam::${ACCOUNT}:role/app-*`,
];
/** Probes with many resource types (coverage is then checked per service, see `coveredTypes`). */
const WIDE_PROBES = ['s3:*', 'dynamodb:*', 'iam:*', '*:*', 's3:Get*', ...ACTIONS];
/** Named resources asked about one by one. */
const RESOURCES = ['arn:aws:s3:::b', 'arn:aws:s3:::b/k', 'arn:aws:s3:::c/k', `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/t`, `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/u`, `arn:aws:iam::${ACCOUNT}:user/u`, `arn:aws:iam::${ACCOUNT}:role/app-1`];
/** The named resources of each action's own resource types (asking s3:GetObject about a table means nothing). */
const RESOURCES_OF: Record<string, string[]> = {
  's3:GetObject': ['arn:aws:s3:::b/k', 'arn:aws:s3:::c/k'],
  's3:PutObject': ['arn:aws:s3:::b/k', 'arn:aws:s3:::c/k'],
  's3:ListBucket': ['arn:aws:s3:::b'],
  'dynamodb:Scan': [`arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/t`, `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/u`],
  'dynamodb:GetItem': [`arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/t`, `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/u`],
  'iam:CreateUser': [`arn:aws:iam::${ACCOUNT}:user/u`],
  'iam:PassRole': [`arn:aws:iam::${ACCOUNT}:role/app-1`],
};

const arbStatement = (effect?: 'Allow' | 'Deny'): fc.Arbitrary<PolicyStatement> =>
  arbStatementFrom({ actions: ACTION_PATTERNS, resources: RESOURCE_PATTERNS }, { effect });

const arbPolicy = fc.array(arbStatement(), { minLength: 1, maxLength: 4 });
const arbAccount = fc.record({ policies: fc.array(arbPolicy, { minLength: 1, maxLength: 3 }), boundary: fc.option(arbPolicy, { nil: undefined }) });
type Account = { policies: PolicyStatement[][]; boundary: PolicyStatement[] | undefined };

function principalOf(a: Account): Principal {
  const d = details({ roles: [{ name: 'r', inline: a.policies, ...(a.boundary ? { boundary: 'b' } : {}) }], policies: a.boundary ? { b: a.boundary } : {} });
  return resolvePrincipals(d)[0]!;
}

type Verdict = 'A' | 'C' | 'N';
const verdict = (d: Decision): Verdict => (d === 'allowed' ? 'A' : d === 'conditional' ? 'C' : 'N');
const RANK: Record<Verdict, number> = { N: 0, C: 1, A: 2 };

/** Both bitset answers of one action. */
function bitsetVerdicts(p: Principal, action: string): { onAll: Verdict; somewhere: Verdict } {
  const id = catalog.idOf(action)!;
  const eff = calculator.compute(p);
  return {
    onAll: hasBit(eff.grantedOnAll, id) ? 'A' : hasBit(eff.conditionalOnAll, id) ? 'C' : 'N',
    somewhere: hasBit(eff.granted, id) ? 'A' : hasBit(eff.conditional, id) ? 'C' : 'N',
  };
}

/** Every answer the engine gives for the principal, as verdicts (the object compared by the properties). */
function answers(p: Principal): Record<string, Verdict> {
  const out: Record<string, Verdict> = {};
  const eff = calculator.compute(p);
  for (const a of ACTIONS) {
    const id = catalog.idOf(a)!;
    out[`${a} on *`] = verdict(decide(p, a, '*'));
    out[`${a} bitset on *`] = hasBit(eff.grantedOnAll, id) ? 'A' : hasBit(eff.conditionalOnAll, id) ? 'C' : 'N';
    out[`${a} bitset somewhere`] = hasBit(eff.granted, id) ? 'A' : hasBit(eff.conditional, id) ? 'C' : 'N';
    for (const r of RESOURCES) out[`${a} on ${r}`] = verdict(decide(p, a, r));
  }
  return out;
}

describe('policy engine properties (fast-check)', () => {
  // Each run resolves a principal and evaluates every engine: seconds on a loaded machine.
  const SLOW = 240_000;
  it('engines agree: decide, decideMany (shared or copied, on * and on named resources) and the breadth bitsets give one answer', () => {
    fc.assert(
      fc.property(arbAccount, (account) => {
        const p = principalOf(account);
        const { lists, boundary } = p.policySet;
        const onAll = ACTIONS.map((a) => decide(p, a, '*'));
        // Probe lists at once, per policy set: the same answers as one action at a time.
        expect(decideMany(p, ACTIONS, '*')).toEqual(onAll);
        expect([...decideManyShared(p, ACTIONS, '*')]).toEqual(onAll);
        expect(onAll).toEqual(ACTIONS.map((a) => decideOnAll(lists, boundary, a)));
        // Service-wide and "every action" probes (dozens to thousands of resource types; a resolved
        // set reads coverage per pattern, `decideOnAll` per statement): the same answers.
        expect([...decideManyShared(p, WIDE_PROBES, '*')]).toEqual(WIDE_PROBES.map((a) => decideOnAll(lists, boundary, a)));
        for (const r of RESOURCES) expect(decideMany(p, ACTIONS, r)).toEqual(ACTIONS.map((a) => decide(p, a, r)));
        const eff = calculator.compute(p);
        ACTIONS.forEach((a, i) => {
          const id = catalog.idOf(a)!;
          const bitOnAll: Verdict = hasBit(eff.grantedOnAll, id) ? 'A' : hasBit(eff.conditionalOnAll, id) ? 'C' : 'N';
          const bitSomewhere: Verdict = hasBit(eff.granted, id) ? 'A' : hasBit(eff.conditional, id) ? 'C' : 'N';
          // "On every resource": the bitsets and the per-action evaluation.
          expect({ action: a, bitset: bitOnAll }).toEqual({ action: a, bitset: verdict(onAll[i]!) });
          // "Somewhere": at least as permissive as "on every resource", else the per-action answer.
          const somewhere = verdict(decideSomewhere(lists, boundary, a));
          const expected = RANK[verdict(onAll[i]!)] > RANK[somewhere] ? verdict(onAll[i]!) : somewhere;
          expect({ action: a, bitset: bitSomewhere }).toEqual({ action: a, bitset: expected });
          // Allowed on a named resource ⇒ allowed somewhere (an Allow there is an Allow somewhere).
          for (const r of RESOURCES_OF[a] ?? []) if (decide(p, a, r) === 'allowed') expect({ action: a, resource: r, somewhere: bitSomewhere }).not.toEqual({ action: a, resource: r, somewhere: 'N' });
        });
      }),
      { numRuns: 100 },
    );
  }, SLOW);

  it('decideOnAll (uniform lists as one value, mixed arrays type by type) agrees with the per-type evaluation (decideCovering)', () => {
    // The simple version: every covering statement's coverage OR-ed type by type, then combined
    // (lib/policy/evaluate `onAllOf`). Service-wide and "every action" probes have dozens to
    // thousands of types, so scoped statements give per-type flags that are not one value.
    const onAllByTypes = (lists: readonly (readonly NormalizedStatement[])[], boundary: readonly NormalizedStatement[] | undefined, action: string): Decision => {
      const c: CoveringStatements = { allows: [], denies: [], boundaryAllows: [], hasBoundary: boundary !== undefined };
      for (const list of lists) for (const s of list) if (statementCoversAction(s, action)) (s.effect === 'Allow' ? c.allows : c.denies).push(s);
      if (boundary) for (const s of boundary) if (statementCoversAction(s, action)) (s.effect === 'Allow' ? c.boundaryAllows : c.denies).push(s);
      return decideCovering(c, resourceTypesFor(action)).onAll;
    };
    const arbWide = fc.record({ policies: fc.array(fc.array(arbStatement(), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), boundary: fc.option(arbPolicy, { nil: undefined }) });
    fc.assert(
      fc.property(arbWide, (account) => {
        const p = principalOf(account);
        const { lists, boundary } = p.policySet;
        for (const a of WIDE_PROBES) expect({ action: a, onAll: decideOnAll(lists, boundary, a) }).toEqual({ action: a, onAll: onAllByTypes(lists, boundary, a) });
      }),
      { numRuns: 300 },
    );
  }, SLOW);

  it('decideCovering gives one-type actions the answers of the general per-type path (the type listed twice)', () => {
    // lib/policy/evaluate `removalByDenies` has a two-flag path for one type; a list naming the
    // same type twice takes the scratch-buffer path, whose answer must be the same (every per-type
    // step sees the same type).
    const ONE_TYPE = ACTIONS.filter((a) => resourceTypesFor(a).length === 1);
    expect(ONE_TYPE.length).toBeGreaterThan(2);
    fc.assert(
      fc.property(arbAccount, (account) => {
        const { lists, boundary } = principalOf(account).policySet;
        for (const a of ONE_TYPE) {
          const c: CoveringStatements = { allows: [], denies: [], boundaryAllows: [], hasBoundary: boundary !== undefined };
          for (const list of lists) for (const s of list) if (statementCoversAction(s, a)) (s.effect === 'Allow' ? c.allows : c.denies).push(s);
          if (boundary) for (const s of boundary) if (statementCoversAction(s, a)) (s.effect === 'Allow' ? c.boundaryAllows : c.denies).push(s);
          const [type] = resourceTypesFor(a);
          expect({ action: a, ...decideCovering(c, [type!]) }).toEqual({ action: a, ...decideCovering(c, [type!, type!]) });
        }
      }),
      { numRuns: 300 },
    );
  }, SLOW);

  it('Deny never widens: adding any Deny statement makes no answer more permissive, on any engine', () => {
    fc.assert(
      fc.property(arbAccount, arbStatement('Deny'), fc.nat(2), (account, extra, where) => {
        const before = answers(principalOf(account));
        const policies = account.policies.map((pol, i) => (i === where % account.policies.length ? [...pol, extra] : pol));
        const after = answers(principalOf({ policies, boundary: account.boundary }));
        for (const [question, v] of Object.entries(after)) expect({ question, widened: RANK[v] > RANK[before[question]!] }).toEqual({ question, widened: false });
      }),
      { numRuns: 60 },
    );
  }, SLOW);

  it('Deny never widens when the Deny sits in the permissions boundary', () => {
    fc.assert(
      fc.property(arbAccount, arbStatement('Deny'), (account, extra) => {
        if (!account.boundary) return;
        const before = answers(principalOf(account));
        const after = answers(principalOf({ policies: account.policies, boundary: [...account.boundary, extra] }));
        for (const [question, v] of Object.entries(after)) expect({ question, widened: RANK[v] > RANK[before[question]!] }).toEqual({ question, widened: false });
      }),
      { numRuns: 40 },
    );
  }, SLOW);

  it('NotResource deny confines: an action it covers is allowed on no resource outside the listed ones, nor on every resource', () => {
    const named = RESOURCES; // single resources, no wildcard
    fc.assert(
      fc.property(arbAccount, fc.subarray(ACTION_PATTERNS, { minLength: 1, maxLength: 2 }), fc.subarray(named, { minLength: 1, maxLength: 2 }), (account, actions, kept) => {
        const guard: PolicyStatement = { Effect: 'Deny', Action: actions, NotResource: kept };
        const p = principalOf({ policies: [...account.policies, [guard]], boundary: account.boundary });
        const covered = ACTIONS.filter((a) => actions.some((pat) => globLike(pat, a)));
        for (const a of covered) {
          for (const r of RESOURCES.filter((x) => !kept.includes(x))) expect({ action: a, resource: r, decision: decide(p, a, r) }).toEqual({ action: a, resource: r, decision: 'denied' });
          expect({ action: a, onAll: verdict(decide(p, a, '*')) }).toEqual({ action: a, onAll: 'N' });
          expect({ action: a, bitsetOnAll: bitsetVerdicts(p, a).onAll }).toEqual({ action: a, bitsetOnAll: 'N' });
        }
      }),
      { numRuns: 60 },
    );
  }, SLOW);

  it('a NotResource deny on the allowed bucket keeps the action there (the usual "only this bucket" guard)', () => {
    const p = principalOf({ policies: [[{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] }]], boundary: undefined });
    expect(decide(p, 's3:GetObject', 'arn:aws:s3:::b/k')).toBe('allowed');
    expect(decide(p, 's3:GetObject', 'arn:aws:s3:::c/k')).toBe('denied');
    expect(decide(p, 's3:GetObject', '*')).not.toBe('allowed');
    expect(bitsetVerdicts(p, 's3:GetObject')).toEqual({ onAll: 'N', somewhere: 'A' });
    expect(DECISION_RANK.denied).toBeLessThan(DECISION_RANK.allowed);
  });

  it('decisionRank (comparisons, no load by string key) ranks every decision as DECISION_RANK does', () => {
    for (const d of ['allowed', 'conditional', 'denied', 'not-allowed'] as const) expect(decisionRank(d)).toBe(DECISION_RANK[d]);
  });
});

/** Case-insensitive IAM action wildcard match written independently of lib/policy (test oracle, tiny alphabet). */
function globLike(pattern: string, action: string): boolean {
  const p = pattern.toLowerCase();
  const a = action.toLowerCase();
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let out: boolean;
    if (i === p.length) out = j === a.length;
    else if (p[i] === '*') out = go(i + 1, j) || (j < a.length && go(i, j + 1));
    else out = j < a.length && (p[i] === '?' || p[i] === a[j]) && go(i + 1, j + 1);
    memo.set(key, out);
    return out;
  };
  return go(0, 0);
}
