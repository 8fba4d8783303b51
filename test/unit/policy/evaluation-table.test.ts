/**
 * Hand-checked IAM evaluation cases, each citing the rule of the AWS documentation it
 * encodes, asked of both engines: `decide` (lib/policy) for "on every resource", and the
 * breadth bitsets (lib/breadth/effective) for "on every resource" and "somewhere". They must
 * give the same answer for every case (issue #15: they used to disagree on `Deny …
 * NotResource`, `Action: "**"`, scoped Denies and ARN patterns that mean "everything").
 *
 * Sources (AWS IAM User Guide):
 * - EVAL: "Policy evaluation logic" — requests are implicitly denied; an identity-policy Allow
 *   allows; an explicit Deny in any policy overrides any Allow.
 * - BOUNDARY: "Permissions boundaries for IAM entities" — effective permissions are the
 *   intersection of the identity-based policies and the boundary; a Deny in either wins.
 * - ACTION: "IAM JSON policy elements: Action" — action names are case-insensitive; `*` and
 *   `?` wildcards ("*" matches any combination of characters).
 * - NOTACTION: "IAM JSON policy elements: NotAction" — matches every action except those listed.
 * - RESOURCE: "IAM JSON policy elements: Resource" — ARN wildcards `*` (any combination of
 *   characters) and `?` (any single character); a Resource of `*` means every resource.
 * - NOTRESOURCE: "IAM JSON policy elements: NotResource" — matches every resource except those
 *   listed; with Deny it "denies access to all resources except the ones specified".
 * - CONDITION: "IAM JSON policy elements: Condition" — the statement applies only when its
 *   conditions are met (statically: may or may not apply).
 * - TYPES: Service Authorization Reference — the resource types (ARN formats) of each action;
 *   a pattern that names every resource of a type reaches the same resources as `*`.
 */
import { describe, expect, it } from 'vitest';
import { hasBit } from '../../../lib/breadth/bitset';
import { loadCatalog } from '../../../lib/breadth/catalog';
import { BreadthCalculator } from '../../../lib/breadth/effective';
import { decide, resolvePrincipals } from '../../../lib/policy/principals';
import type { PolicyStatement } from '../../../lib/snapshot';
import { allow, deny, details } from '../breadth/helpers';

type Verdict = 'A' | 'C' | 'N'; // allowed, conditional, not allowed (implicit or explicit deny)
interface Case {
  rule: string;
  statements: PolicyStatement[];
  boundary?: PolicyStatement[];
  action: string;
  onAll: Verdict;
  /** Omitted where art32 knowingly reads wider than AWS (documented in lib/policy/evaluate.ts). */
  somewhere?: Verdict;
}

const MFA = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
const notResource = (effect: 'Allow' | 'Deny', Action: string | string[], NotResource: string | string[], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: effect,
  Action,
  NotResource,
  ...extra,
});
const notAction = (effect: 'Allow' | 'Deny', NotAction: string | string[], Resource: string | string[] = '*'): PolicyStatement => ({ Effect: effect, NotAction, Resource });
const OBJ = 'arn:aws:s3:::b/*';
const ACCT = '111122223333';

const CASES: Case[] = [
  // EVAL
  { rule: 'EVAL explicit allow', statements: [allow('s3:GetObject')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'EVAL implicit deny', statements: [allow('dynamodb:Query')], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'EVAL implicit deny (no policy)', statements: [], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'EVAL explicit deny overrides allow', statements: [allow('s3:*'), deny('s3:GetObject')], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'EVAL explicit deny overrides allow (wildcard deny)', statements: [allow('s3:GetObject'), deny('s3:*')], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'EVAL deny of another action leaves the allow', statements: [allow('s3:*'), deny('s3:PutObject')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'EVAL two allows, one conditional', statements: [allow('s3:GetObject', '*', MFA), allow('s3:GetObject')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'EVAL allow * on *', statements: [allow('*')], action: 'iam:CreateUser', onAll: 'A', somewhere: 'A' },
  { rule: 'EVAL deny * wins over allow *', statements: [allow('*'), deny('*')], action: 'ec2:RunInstances', onAll: 'N', somewhere: 'N' },
  // ACTION
  { rule: 'ACTION case-insensitive', statements: [allow('S3:GETOBJECT')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'ACTION * wildcard in the name', statements: [allow('s3:Get*Object')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'ACTION ? matches one character', statements: [allow('s3:Get?bject')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'ACTION ? matches exactly one character', statements: [allow('s3:Get??Object')], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'ACTION "**" is any combination of characters', statements: [allow('**')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'ACTION "**" covers every service', statements: [allow('**')], action: 'iam:CreateUser', onAll: 'A', somewhere: 'A' },
  { rule: 'ACTION *:* covers every action', statements: [allow('*:*')], action: 'ec2:RunInstances', onAll: 'A', somewhere: 'A' },
  { rule: 'ACTION repeated stars collapse', statements: [allow('s3:*********t')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'ACTION repeated stars, no match', statements: [allow('*:*******zq')], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'ACTION service wildcard', statements: [allow('s?:GetObject')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'EVAL + ACTION deny by wildcard', statements: [allow('s3:GetObject'), deny('s3:Get*')], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'EVAL + ACTION deny by ? wildcard', statements: [allow('s3:GetObject'), deny('?3:GetObject')], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  // NOTACTION
  { rule: 'NOTACTION allow everything but iam', statements: [notAction('Allow', 'iam:*')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'NOTACTION allow excludes what it lists', statements: [notAction('Allow', 'iam:*')], action: 'iam:CreateUser', onAll: 'N', somewhere: 'N' },
  { rule: 'NOTACTION deny everything but s3', statements: [allow('*'), notAction('Deny', 's3:*')], action: 'ec2:RunInstances', onAll: 'N', somewhere: 'N' },
  { rule: 'NOTACTION deny leaves what it lists', statements: [allow('*'), notAction('Deny', 's3:*')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  // CONDITION
  { rule: 'CONDITION conditional allow', statements: [allow('s3:GetObject', '*', MFA)], action: 's3:GetObject', onAll: 'C', somewhere: 'C' },
  { rule: 'CONDITION conditional deny makes the allow conditional', statements: [allow('s3:GetObject'), deny('s3:GetObject', '*', MFA)], action: 's3:GetObject', onAll: 'C', somewhere: 'C' },
  { rule: 'CONDITION unconditional deny beats a conditional allow', statements: [allow('s3:GetObject', '*', MFA), deny('s3:GetObject')], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'CONDITION conditional allow on *, unconditional on one bucket', statements: [allow('s3:GetObject', '*', MFA), allow('s3:GetObject', OBJ)], action: 's3:GetObject', onAll: 'C', somewhere: 'A' },
  // RESOURCE + TYPES
  { rule: 'RESOURCE one bucket is not every resource', statements: [allow('s3:GetObject', OBJ)], action: 's3:GetObject', onAll: 'N', somewhere: 'A' },
  { rule: 'RESOURCE bucket-name prefix is not every resource', statements: [allow('s3:GetObject', 'arn:aws:s3:::b*')], action: 's3:GetObject', onAll: 'N', somewhere: 'A' },
  { rule: 'TYPES arn:aws:s3:::*/* names every object', statements: [allow('s3:GetObject', 'arn:aws:s3:::*/*')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'TYPES arn:aws:s3:::* names every bucket and object', statements: [allow('s3:GetObject', 'arn:aws:s3:::*')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'TYPES table/* in every region and account names every table', statements: [allow('dynamodb:Scan', 'arn:aws:dynamodb:*:*:table/*')], action: 'dynamodb:Scan', onAll: 'A', somewhere: 'A' },
  { rule: 'TYPES table/* in the account region names every table there', statements: [allow('dynamodb:Scan', `arn:aws:dynamodb:eu-west-3:${ACCT}:table/*`)], action: 'dynamodb:Scan', onAll: 'A', somewhere: 'A' },
  { rule: 'TYPES one table is not every table', statements: [allow('dynamodb:Scan', `arn:aws:dynamodb:*:*:table/orders`)], action: 'dynamodb:Scan', onAll: 'N', somewhere: 'A' },
  { rule: 'TYPES every user of the account', statements: [allow('iam:CreateAccessKey', `arn:aws:iam::${ACCT}:user/*`)], action: 'iam:CreateAccessKey', onAll: 'A', somewhere: 'A' },
  { rule: 'TYPES ${aws:username} is one user', statements: [allow('iam:CreateAccessKey', `arn:aws:iam::${ACCT}:user/\${aws:username}`)], action: 'iam:CreateAccessKey', onAll: 'N', somewhere: 'A' },
  { rule: 'TYPES every role (PassRole)', statements: [allow('iam:PassRole', `arn:aws:iam::${ACCT}:role/*`)], action: 'iam:PassRole', onAll: 'A', somewhere: 'A' },
  { rule: 'TYPES one role (PassRole)', statements: [allow('iam:PassRole', `arn:aws:iam::${ACCT}:role/app`)], action: 'iam:PassRole', onAll: 'N', somewhere: 'A' },
  { rule: 'RESOURCE "**" is every resource', statements: [allow('s3:*'), deny('s3:GetObject', '**')], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'RESOURCE a list holding * is every resource', statements: [allow('s3:GetObject', [OBJ, '*'])], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'RESOURCE action without resource types: only * grants it on all', statements: [allow('s3:ListAllMyBuckets')], action: 's3:ListAllMyBuckets', onAll: 'A', somewhere: 'A' },
  // EVAL: scoped Deny against scoped / unscoped Allow
  { rule: 'EVAL deny naming the allowed resources removes the allow', statements: [allow('s3:GetObject', OBJ), deny('s3:GetObject', OBJ)], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'EVAL deny covering the allowed prefix removes it', statements: [allow('s3:GetObject', 'arn:aws:s3:::b/reports/*'), deny('s3:*', OBJ)], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'EVAL deny of a sub-prefix leaves the rest', statements: [allow('s3:GetObject', OBJ), deny('s3:GetObject', 'arn:aws:s3:::b/secret/*')], action: 's3:GetObject', onAll: 'N', somewhere: 'A' },
  { rule: 'EVAL deny of one bucket leaves every other (on all)', statements: [allow('s3:GetObject'), deny('s3:GetObject', OBJ)], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'EVAL + TYPES deny of every object removes the allow on every object', statements: [allow('s3:GetObject', 'arn:aws:s3:::*/*'), deny('s3:GetObject', 'arn:aws:s3:::*/*')], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  {
    rule: 'EVAL + TYPES denies covering every type of the action together remove it',
    statements: [allow('s3:GetObject'), deny('s3:GetObject', 'arn:aws:s3:::*/*'), deny('s3:GetObject', 'arn:aws:s3:*:*:accesspoint/*/object/*')],
    action: 's3:GetObject',
    onAll: 'N',
    somewhere: 'N',
  },
  { rule: 'CONDITION conditional deny naming the allowed resources', statements: [allow('s3:GetObject', OBJ), deny('s3:GetObject', OBJ, MFA)], action: 's3:GetObject', onAll: 'N', somewhere: 'C' },
  // NOTRESOURCE
  { rule: 'NOTRESOURCE allow: everything but the listed', statements: [notResource('Allow', 's3:GetObject', 'arn:aws:s3:::secret/*')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'NOTRESOURCE allow listing every table leaves none on all', statements: [notResource('Allow', 'dynamodb:Scan', 'arn:aws:dynamodb:*:*:table/*')], action: 'dynamodb:Scan', onAll: 'N' },
  { rule: 'NOTRESOURCE + NOTACTION allow', statements: [{ Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::secret/*' }], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'NOTRESOURCE deny confines s3:* to one bucket (not on all)', statements: [allow('s3:*'), notResource('Deny', 's3:*', ['arn:aws:s3:::b', OBJ])], action: 's3:GetObject', onAll: 'N', somewhere: 'A' },
  { rule: 'NOTRESOURCE deny confines: bucket-level action kept on the bucket', statements: [allow('s3:*'), notResource('Deny', 's3:*', ['arn:aws:s3:::b', OBJ])], action: 's3:ListBucket', onAll: 'N', somewhere: 'A' },
  { rule: 'NOTRESOURCE deny * confines * to one prefix', statements: [allow('*'), notResource('Deny', '*', OBJ)], action: 's3:GetObject', onAll: 'N', somewhere: 'A' },
  { rule: 'NOTRESOURCE deny * removes actions of other services', statements: [allow('*'), notResource('Deny', '*', OBJ)], action: 'iam:CreateUser', onAll: 'N', somewhere: 'N' },
  { rule: 'NOTRESOURCE deny * removes actions of other services (ec2)', statements: [allow('*'), notResource('Deny', '*', OBJ)], action: 'ec2:RunInstances', onAll: 'N', somewhere: 'N' },
  { rule: 'NOTRESOURCE deny * removes actions that take no resource', statements: [allow('*'), notResource('Deny', '*', OBJ)], action: 's3:ListAllMyBuckets', onAll: 'N', somewhere: 'N' },
  { rule: 'NOTRESOURCE deny outside the allowed bucket leaves nothing', statements: [allow('s3:GetObject', 'arn:aws:s3:::a/*'), notResource('Deny', 's3:*', OBJ)], action: 's3:GetObject', onAll: 'N', somewhere: 'N' },
  { rule: 'NOTRESOURCE deny meets the allowed objects', statements: [allow('s3:GetObject', 'arn:aws:s3:::*/*'), notResource('Deny', 's3:*', OBJ)], action: 's3:GetObject', onAll: 'N', somewhere: 'A' },
  { rule: 'NOTRESOURCE + CONDITION conditional confinement', statements: [allow('s3:*'), notResource('Deny', 's3:*', OBJ, MFA)], action: 's3:GetObject', onAll: 'C', somewhere: 'A' },
  // BOUNDARY
  { rule: 'BOUNDARY intersection keeps what both allow', statements: [allow('s3:*')], boundary: [allow('s3:GetObject')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'BOUNDARY intersection drops what the boundary does not allow', statements: [allow('s3:*')], boundary: [allow('s3:GetObject')], action: 's3:PutObject', onAll: 'N', somewhere: 'N' },
  { rule: 'BOUNDARY does not grant by itself', statements: [allow('s3:GetObject')], boundary: [allow('*')], action: 'iam:CreateUser', onAll: 'N', somewhere: 'N' },
  { rule: 'BOUNDARY deny wins', statements: [allow('*')], boundary: [allow('*'), deny('iam:*')], action: 'iam:CreateUser', onAll: 'N', somewhere: 'N' },
  { rule: 'BOUNDARY + CONDITION conditional boundary', statements: [allow('s3:GetObject')], boundary: [allow('s3:GetObject', '*', MFA)], action: 's3:GetObject', onAll: 'C', somewhere: 'C' },
  { rule: 'BOUNDARY scoped boundary: not on all, somewhere', statements: [allow('s3:GetObject')], boundary: [allow('s3:GetObject', OBJ)], action: 's3:GetObject', onAll: 'N', somewhere: 'A' },
  { rule: 'BOUNDARY + TYPES both name every object', statements: [allow('s3:GetObject', 'arn:aws:s3:::*/*')], boundary: [allow('s3:GetObject')], action: 's3:GetObject', onAll: 'A', somewhere: 'A' },
  { rule: 'BOUNDARY + NOTRESOURCE boundary deny confines', statements: [allow('*')], boundary: [allow('*'), notResource('Deny', '*', OBJ)], action: 's3:GetObject', onAll: 'N', somewhere: 'A' },
  { rule: 'BOUNDARY + NOTRESOURCE boundary deny removes other services', statements: [allow('*')], boundary: [allow('*'), notResource('Deny', '*', OBJ)], action: 'iam:CreateUser', onAll: 'N', somewhere: 'N' },
];

const catalog = loadCatalog();

function principalOf(c: Case) {
  const d = details({ roles: [{ name: 'r', inline: [c.statements], ...(c.boundary ? { boundary: 'b' } : {}) }], policies: c.boundary ? { b: c.boundary } : {} });
  return resolvePrincipals(d)[0]!;
}

const fromDecision = (d: string): Verdict => (d === 'allowed' ? 'A' : d === 'conditional' ? 'C' : 'N');

describe('IAM evaluation: hand-checked cases, both engines', () => {
  it(`has at least 60 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });
  it.each(CASES.map((c, i) => [`${i + 1}. ${c.rule} — ${c.action}`, c] as const))('%s', (_name, c) => {
    const p = principalOf(c);
    const id = catalog.idOf(c.action);
    expect(id, `${c.action} in the catalog`).toBeDefined();
    const calc = new BreadthCalculator(catalog);
    const eff = calc.compute(p);
    const breadthOnAll: Verdict = hasBit(eff.grantedOnAll, id!) ? 'A' : hasBit(eff.conditionalOnAll, id!) ? 'C' : 'N';
    const breadthSomewhere: Verdict = hasBit(eff.granted, id!) ? 'A' : hasBit(eff.conditional, id!) ? 'C' : 'N';
    expect({ policy: fromDecision(decide(p, c.action, '*')), breadth: breadthOnAll }).toEqual({ policy: c.onAll, breadth: c.onAll });
    if (c.somewhere) expect(breadthSomewhere).toBe(c.somewhere);
  });
});
