/**
 * access.wildcard-data-access — no non-admin principal may read data stores in bulk
 * without a resource scope: `s3:*`, `dynamodb:*`, or a bulk read action on Resource `*`
 * (a `NotResource` counts as unscoped). Administrators are judged by access.admin-principals.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { assessAdmin } from '../../policy/admin';
import { decideManyShared, principalsOf, type AppliedPolicy, type Decision, type Principal } from '../../policy/principals';
import { OnAllProbes } from '../../policy/evaluate';
import { grantingPoliciesOnAll } from '../../policy/granting';
import { PerPolicySet, objectList } from '../../policy/set-memo';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { describeIncomplete, incompleteOf, type IncompletePrincipal } from '../support/incomplete';
import { agree, plural } from '../../support/plural';

/**
 * Read actions that return stored data (not metadata). `kms:Decrypt` is left out on
 * purpose: it is a key-usage permission, usually scoped with kms:ViaService conditions, and
 * alone it reads no store; `secretsmanager:GetSecretValue` is in because on `*` it hands
 * out the database credentials that lead to the data.
 */
export const DEFAULT_DATA_ACTIONS = [
  's3:GetObject',
  'dynamodb:Scan',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:GetItem',
  'dynamodb:PartiQLSelect',
  'rds-data:ExecuteStatement',
  'rds-data:BatchExecuteStatement',
  'athena:GetQueryResults',
  'redshift-data:GetStatementResult',
  'es:ESHttpGet',
  'secretsmanager:GetSecretValue',
];

export const WildcardDataAccessParameters = z.object({
  /** Service-wide grants that are flagged on their own (probed literally: `s3:*` is matched by `s3:*`, `*` or a NotAction). */
  serviceWildcards: z.array(z.string()).default(['s3:*', 'dynamodb:*']),
  /** Bulk data-read actions that must not be granted on every resource. */
  dataActions: z.array(z.string()).default(DEFAULT_DATA_ACTIONS),
});

interface Offender {
  arn: string;
  type: 'user' | 'role';
  actions: string[];
  conditionalOnly: boolean;
  via: string[];
}

/** The probes a policy set is allowed (perhaps conditionally), whether all only under conditions, and which. */
interface Granted {
  actions: string[];
  conditionalOnly: boolean;
  mask: boolean[];
}

/** The probes allowed (perhaps conditionally), whether all only under conditions, and which: `null` when none. */
function grantedProbes(decisions: readonly Decision[], probes: readonly string[]): Granted | null {
  const actions: string[] = [];
  let unconditional = false;
  for (let i = 0; i < probes.length; i += 1) {
    const d = decisions[i];
    if (d === 'allowed') unconditional = true;
    if (d === 'allowed' || d === 'conditional') actions.push(probes[i]!);
  }
  if (actions.length === 0) return null;
  return { actions, conditionalOnly: !unconditional, mask: decisions.map((d) => d === 'allowed' || d === 'conditional') };
}

/**
 * The non-admin principals granted a probe on every resource, with the policies that grant it.
 * JIT shaping, measured with --trace-opt/--trace-deopt on bench/evaluate.ts: a rule's
 * `evaluate` runs once per evaluation, so a loop in it was compiled on-stack with the whole
 * function; code met once per evaluation (the message's callbacks, a memo's first-use branch,
 * set-up before the loop that ran before the function had type feedback) then deoptimised it
 * and each later evaluation compiled it again (70–200 ms of compile per evaluation). Here the
 * state is made by the constructor (never optimised) and `run` is the loop and nothing else.
 */
class Scan {
  // Pushed by `run`: born with object elements (lib/policy/set-memo.ts `objectList`).
  public readonly offenders = objectList<Offender>();
  public readonly incomplete = objectList<IncompletePrincipal>();
  public adminsSkipped = 0;
  // The probed actions a principal is granted depend only on its policy set, the policies
  // named for them on its policy list and set: each is worked out once and shared (read-only).
  // Per set: an array slot by the set's index (lib/policy/set-memo.ts), not Maps of ~14,000
  // entries (pessimistic mix) by set and by policy list; its slots made here, not on first use.
  // Three memos, not one object per set (13,000 per pessimistic evaluation): the grants
  // (`null`: none; one object per distinct decisions, below), and for sets with grants the
  // last policy list met with the set and the policies named for it.
  private readonly grantedBySet: PerPolicySet<Granted | null>;
  private readonly policiesBySet: PerPolicySet<readonly AppliedPolicy[]>;
  private readonly viaBySet: PerPolicySet<string[]>;
  // Sets with the same answers share one decisions array (decideManyShared): read each once.
  private readonly byDecisions = new Map<readonly Decision[], Granted | null>();
  private readonly onAll: OnAllProbes;
  private readonly labels = new Map<AppliedPolicy, string>();

  /** `first`: the first principal `run` will meet, if any (its resolution's rows are made here). */
  public constructor(
    private readonly probes: readonly string[],
    first: Principal | undefined,
  ) {
    this.grantedBySet = new PerPolicySet<Granted | null>(first?.policySet);
    this.policiesBySet = new PerPolicySet<readonly AppliedPolicy[]>(first?.policySet);
    this.viaBySet = new PerPolicySet<string[]>(first?.policySet);
    this.onAll = new OnAllProbes(probes);
    // The policy layer makes its per-resolution rows for an action list on first use
    // (lib/policy/principals.ts): asked here first, in code never optimised, so that branch is
    // not met by `run`'s optimised code ("wrong map" deopt at the start of each evaluation).
    if (first !== undefined) decideManyShared(first, probes, '*');
  }

  public run(principals: readonly Principal[]): void {
    // Indexed: this loop runs once per evaluation, partly before optimisation, where for...of allocates per element.
    for (let i = 0; i < principals.length; i++) {
      const p = principals[i]!;
      if (assessAdmin(p).admin) {
        this.adminsSkipped += 1;
        continue;
      }
      // What the missing policies or groups grant is unknown: the decisions below are a lower bound.
      const gap = incompleteOf(p);
      if (gap) this.incomplete.push(gap);
      const set = p.policySet;
      let granted = this.grantedBySet.get(set);
      if (granted === undefined) {
        const decisions = decideManyShared(p, this.probes, '*');
        granted = this.byDecisions.get(decisions);
        if (granted === undefined) {
          granted = grantedProbes(decisions, this.probes);
          this.byDecisions.set(decisions, granted);
        }
        this.grantedBySet.set(set, granted);
      }
      if (granted === null) continue;
      // Principals of one set mostly share their policy list too (the last one's labels are kept).
      let via = this.viaBySet.get(set);
      if (via === undefined || this.policiesBySet.get(set) !== p.policies) {
        via = grantingPoliciesOnAll(p, this.onAll, granted.mask, this.labels);
        this.policiesBySet.set(set, p.policies);
        this.viaBySet.set(set, via);
      }
      this.offenders.push({ arn: p.arn, type: p.type, actions: granted.actions, conditionalOnly: granted.conditionalOnly, via });
    }
  }
}

export default defineRule({
  id: 'access.wildcard-data-access',
  title: 'No unscoped wildcard access to data stores',
  area: 'access',
  severity: 'high',
  rationale:
    'In the France Travail case (SAN-2026-003, public summaries) the advisers\' habilitations reached far more records than ' +
    'their tasks needed; hijacked accounts extracted 25 GB of personal data. GDPR Art. 25(2) limits accessibility to what is necessary: grants like `s3:*`, `dynamodb:*` or ' +
    '`s3:GetObject` on `*` let one stolen credential read every store in the account.',
  remediation: {
    console: 'IAM console → Roles/Users → <principal> → Permissions: replace `*` resources with the ARNs of the buckets/tables the job needs, and list the actions it uses.',
    cli:
      'aws iam put-role-policy --role-name <role> --policy-name scoped-data-access --policy-document file://scoped.json ' +
      '(Resource: arn:aws:s3:::<bucket>/<prefix>/*, arn:aws:dynamodb:<region>:<account>:table/<table>); then ' +
      'aws iam delete-role-policy --role-name <role> --policy-name <wildcard policy> or aws iam detach-role-policy --role-name <role> --policy-arn <arn>',
  },
  references: [REF.gdpr25_2, REF.gdpr32_1_b, REF.gdpr32_2, REF.cnilGuide5, REF.cnilSan2026_003],
  sections: ['authorizationDetails'],
  parameters: WildcardDataAccessParameters,
  evaluate(snapshot, params) {
    const details = requireSection(snapshot, 'authorizationDetails');
    // One array for every principal: the policy layer memoises decisions per action list.
    const probes = [...params.serviceWildcards, ...params.dataActions];
    const principals = principalsOf(details);
    const scan = new Scan(probes, principals[0]);
    scan.run(principals);
    const { offenders, incomplete, adminsSkipped } = scan;
    const firm = offenders.filter((o) => !o.conditionalOnly);
    const observed = {
      principalsWithUnscopedDataAccess: offenders.length,
      conditionalOnly: offenders.filter((o) => o.conditionalOnly).map((o) => o.arn),
      offenders,
      adminsNotJudgedHere: adminsSkipped,
      incomplete,
      note: 'Administrators are reported by access.admin-principals.',
    };
    const gapText = incomplete.length
      ? ` ${plural(incomplete.length, 'principal')} ${agree(incomplete.length, 'has', 'have')} policies or groups missing from the snapshot, which may grant more: ${describeIncomplete(incomplete)}.`
      : '';
    if (offenders.length === 0) {
      if (incomplete.length > 0) {
        return {
          status: 'WARN',
          message: `No non-admin principal is shown to read data stores on Resource "*", but the check is incomplete:${gapText}`,
          observed,
          threshold: params,
          resources: incomplete.map((i) => i.arn),
        };
      }
      return { status: 'PASS', message: 'No non-admin principal can read data stores on Resource "*".', observed, threshold: params, resources: [] };
    }
    const summary = offenders
      .slice(0, 3)
      .map((o) => `${o.arn.split('/').pop()} (${o.actions.slice(0, 3).join(', ')}${o.actions.length > 3 ? ', …' : ''})`)
      .join('; ');
    return {
      status: firm.length > 0 ? 'FAIL' : 'WARN',
      message:
        firm.length > 0
          ? `${plural(offenders.length, 'non-admin principal')} can read data stores on Resource "*": ${summary}.`
          : `${plural(offenders.length, 'non-admin principal')} can read data stores on Resource "*" under conditions only (check the conditions scope them): ${summary}.${gapText}`,
      observed,
      threshold: params,
      resources: firm.length > 0 ? offenders.map((o) => o.arn) : [...new Set([...offenders.map((o) => o.arn), ...incomplete.map((i) => i.arn)])],
    };
  },
});
