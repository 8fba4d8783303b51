/**
 * lib/policy/targets.ts decides several (actions, named resource) targets per policy set in one
 * pass per statement list: it must give, target by target, exactly `decideManyShared`'s answers
 * (the engine every other rule uses), for principals of one resolution (answers kept by local list
 * id and set index), principals built by hand (kept per object), shared lists, boundaries,
 * NotAction / NotResource, conditions and a target on `*` (answered by `decideManyShared`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideManyShared, resolvePrincipals, type Principal } from '../../../lib/policy/principals';
import { TargetDecisions, type DecisionTarget } from '../../../lib/policy/targets';
import { arbStatementFrom } from './arbitraries';
import { details } from '../breadth/helpers';

const ACCOUNT = '111122223333';
const TRAIL = `arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/main`;
const BUCKET = 'arn:aws:s3:::logs';
const OBJECT = `arn:aws:s3:::logs/AWSLogs/${ACCOUNT}/CloudTrail/log.json.gz`;
const GROUP = `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:trail`;

const TARGETS: DecisionTarget[] = [
  { actions: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'], resource: TRAIL },
  { actions: ['s3:PutBucketPolicy', 's3:DeleteBucket', 'S3:PutLifecycleConfiguration'], resource: BUCKET },
  { actions: ['s3:DeleteObject', 's3:PutObject'], resource: OBJECT },
  { actions: ['logs:DeleteLogGroup', 'logs:PutRetentionPolicy'], resource: GROUP },
  // The same actions on a second resource (a log group and its streams), one action listed twice.
  { actions: ['logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteLogGroup'], resource: `${GROUP}:*` },
];

const ACTION_PATTERNS = ['cloudtrail:StopLogging', 'cloudtrail:*', 's3:Delete*', 's3:Put*', 's3:*', 'logs:*', 'logs:Delete?ogGroup', '*', 'iam:PassRole', 'S3:DELETEOBJECT'];
const RESOURCE_PATTERNS = ['*', TRAIL, 'arn:aws:cloudtrail:*', BUCKET, 'arn:aws:s3:::logs/*', 'arn:aws:s3:::other/*', 'arn:aws:s3:::*', `${GROUP}*`, GROUP, 'arn:aws:logs:*:*:*'];

const arbStatement = arbStatementFrom({ actions: ACTION_PATTERNS, resources: RESOURCE_PATTERNS }, { notActionOneIn: 4 });
const arbPolicy = fc.array(arbStatement, { minLength: 1, maxLength: 4 });
const NAMES = ['p0', 'p1', 'p2', 'p3'];
/** An account of a few roles drawing from four managed policies (shared lists), with inline policies and boundaries. */
const arbAccount = fc.record({
  policies: fc.tuple(arbPolicy, arbPolicy, arbPolicy, arbPolicy),
  roles: fc.array(
    fc.record({ managed: fc.subarray(NAMES, { maxLength: 3 }), inline: fc.array(arbPolicy, { maxLength: 1 }), boundary: fc.option(fc.constantFrom(...NAMES), { nil: undefined }) }),
    { minLength: 1, maxLength: 6 },
  ),
});

/** The account's roles, resolved (managed policies shared by name, inline policies, boundaries). */
const principalsOf = (a: typeof arbAccount extends fc.Arbitrary<infer T> ? T : never): Principal[] =>
  resolvePrincipals(
    details({
      roles: a.roles.map((r, i) => ({ name: `r${i}`, managed: r.managed, inline: r.inline, ...(r.boundary ? { boundary: r.boundary } : {}) })),
      policies: Object.fromEntries(NAMES.map((n, i) => [n, a.policies[i]!])),
    }),
  );

const expected = (p: Principal, targets: readonly DecisionTarget[]) => targets.map((t) => [...decideManyShared(p, t.actions, t.resource)]);

describe('TargetDecisions', () => {
  it("gives decideManyShared's answers target by target, for resolved and hand-built principals (property)", () => {
    fc.assert(
      fc.property(arbAccount, (a) => {
        const principals = principalsOf(a);
        const decider = new TargetDecisions(TARGETS);
        // Twice: the second pass reads the memos.
        for (let round = 0; round < 2; round++) for (const p of principals) expect(decider.decide(p).map((x) => [...x])).toEqual(expected(p, TARGETS));
        // Memo rows made by the constructor (a sample set of the resolution): the same answers.
        const presized = new TargetDecisions(TARGETS, principals[principals.length - 1]!.policySet);
        for (let round = 0; round < 2; round++) for (const p of principals) expect(presized.decide(p).map((x) => [...x])).toEqual(expected(p, TARGETS));
        // Hand-built principals (no resolution rows): the same answers from per-object memos.
        const byHand = new TargetDecisions(TARGETS);
        for (const p of principals) {
          const copy: Principal = { ...p, policySet: { key: 'hand', lists: p.policySet.lists, ...(p.policySet.boundary ? { boundary: p.policySet.boundary } : {}) } };
          expect(byHand.decide(copy).map((x) => [...x])).toEqual(expected(copy, TARGETS));
        }
      }),
      { numRuns: 150 },
    );
  }, 240_000);

  it('gives the same answers with more (action, resource) pairs than one integer key codes (lists interned by two keys, or by text)', () => {
    // 12 pairs (one key), 24 (two keys), 36 (a text key): the flags of every list are interned by
    // content. The added targets name other resources (a pair repeating an earlier one would hide a
    // pair left out of a key).
    const OTHER: DecisionTarget[] = [
      { actions: ['s3:DeleteObject', 's3:PutObject', 's3:PutBucketPolicy'], resource: 'arn:aws:s3:::other/k' },
      { actions: ['logs:PutRetentionPolicy', 'cloudtrail:StopLogging'], resource: `${GROUP}2` },
      { actions: ['cloudtrail:DeleteTrail', 'cloudtrail:StopLogging'], resource: `arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/second` },
      { actions: ['s3:DeleteBucket', 's3:PutBucketPolicy', 'iam:PassRole'], resource: 'arn:aws:s3:::other' },
      { actions: ['logs:DeleteLogGroup', 'logs:DeleteLogStream'], resource: 'arn:aws:logs:us-east-1:999:log-group:x' },
    ];
    const LONG = [...OTHER, ...TARGETS];
    const LONGER = [...LONG, ...TARGETS];
    fc.assert(
      fc.property(arbAccount, (a) => {
        const principals = principalsOf(a);
        for (const targets of [LONG, LONGER]) {
          const decider = new TargetDecisions(targets, principals[0]!.policySet);
          for (const p of principals) expect(decider.decide(p).map((x) => [...x])).toEqual(expected(p, targets));
        }
      }),
      { numRuns: 100 },
    );
    // Lists whose flags differ in one pair only, for every pair: `{pair, anchor}` and `{anchor}`,
    // with two anchors (the first and the last pair), each statement naming one pair exactly.
    for (const targets of [TARGETS, LONG, LONGER]) {
      const pairs = targets.flatMap((t) => t.actions.map((action) => ({ action, resource: t.resource })));
      const allow = (k: number) => ({ Effect: 'Allow' as const, Action: pairs[k]!.action, Resource: pairs[k]!.resource });
      const anchors = [0, pairs.length - 1];
      const roles = anchors.flatMap((anchor) => [{ name: `base${anchor}`, inline: [[allow(anchor)]] }, ...pairs.map((_, k) => ({ name: `r${anchor}-${k}`, inline: [[allow(k), allow(anchor)]] }))]);
      const principals = resolvePrincipals(details({ roles, policies: {} }));
      const decider = new TargetDecisions(targets, principals[0]!.policySet);
      for (const p of principals) expect({ role: p.name, answers: decider.decide(p).map((x) => [...x]) }).toEqual({ role: p.name, answers: expected(p, targets) });
    }
  }, 240_000);

  it('shares one answers object per distinct combination', () => {
    const d = details({ roles: [{ name: 'a', inline: [[{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]] }, { name: 'b', inline: [[{ Effect: 'Allow', Action: 's3:Delete*', Resource: '*' }, { Effect: 'Allow', Action: 's3:Put*', Resource: '*' }]] }], policies: {} });
    const [a, b] = resolvePrincipals(d);
    const decider = new TargetDecisions(TARGETS);
    expect(decider.decide(a!)).toBe(decider.decide(b!));
  });

  it('answers a target on * through decideManyShared', () => {
    const d = details({ roles: [{ name: 'a', inline: [[{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::*' }]] }], policies: {} });
    const [p] = resolvePrincipals(d);
    const targets = [...TARGETS, { actions: ['s3:GetObject'], resource: '*' }];
    expect(new TargetDecisions(targets).decide(p!).map((x) => [...x])).toEqual(expected(p!, targets));
  });
});
