/**
 * logging.log-tamper-access — who can erase or blind the audit trail: stop, delete or reconfigure
 * a trail, delete or overwrite its log files, change the bucket's lifecycle, policy or Object Lock,
 * delete or shorten its CloudWatch Logs group. Identity policies are read by the one policy engine
 * (lib/policy/targets.ts, the answers of lib/policy `decideManyShared` for all targets at once), the trail bucket's policy (when collected) adds the principals it grants.
 * PASS only when nobody but declared break-glass / log administrators can, AND the log files are
 * out of reach anyway: in another account (a log archive) or under S3 Object Lock.
 */
import { z } from 'zod';
import { requireSection, type PolicyDocument, type RoleDetail, type Trail, type TrailBucket } from '../../snapshot';
import { allowListed, principalsOf, type PolicySet, type Principal } from '../../policy/principals';
import { TargetDecisions, type Answers } from '../../policy/targets';
import { objectList } from '../../policy/set-memo';
import { normalizeStatement, statementCoversAction, statementCoversResource } from '../../policy/document';
import { declarations, entryRef } from '../../register/view';
import { defineRule } from '../types';
import { REF } from '../support/references';

export const LogTamperAccessParameters = z.object({
  /**
   * Log administrators allowed to change the trail and its storage (role/user names or ARN
   * patterns), besides the break-glass principals declared in the register (`art32 declare break-glass`).
   */
  logAdmins: z.array(z.string().min(1)).default([]),
});

export const TRAIL_TAMPER_ACTIONS = ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors'] as const;
export const BUCKET_TAMPER_ACTIONS = [
  's3:PutLifecycleConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketVersioning',
  's3:DeleteBucket',
] as const;
export const OBJECT_TAMPER_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject'] as const;
export const LOG_GROUP_TAMPER_ACTIONS = ['logs:DeleteLogGroup', 'logs:DeleteLogStream', 'logs:PutRetentionPolicy'] as const;

interface Target {
  what: string;
  resource: string;
  actions: readonly string[];
}

/** The resources to protect for one trail, and which actions on them erase or blind it. */
function targetsOf(trail: Trail, bucket: TrailBucket | undefined, account: string): { targets: Target[]; objectsLocked: boolean } {
  const targets: Target[] = [{ what: `trail ${trail.Name}`, resource: trail.TrailARN, actions: TRAIL_TAMPER_ACTIONS }];
  const mode = bucket?.ObjectLockConfiguration?.Rule?.DefaultRetention?.Mode;
  const objectsLocked = mode === 'COMPLIANCE' || mode === 'GOVERNANCE';
  if (trail.S3BucketName && bucket?.inAccount !== false) {
    const prefix = typeof trail.S3KeyPrefix === 'string' && trail.S3KeyPrefix ? `${trail.S3KeyPrefix}/` : '';
    targets.push({ what: `bucket ${trail.S3BucketName}`, resource: `arn:aws:s3:::${trail.S3BucketName}`, actions: BUCKET_TAMPER_ACTIONS });
    // Object Lock: COMPLIANCE protects every version from everyone; GOVERNANCE from all but s3:BypassGovernanceRetention.
    const objectActions = mode === 'COMPLIANCE' ? [] : mode === 'GOVERNANCE' ? ['s3:BypassGovernanceRetention'] : OBJECT_TAMPER_ACTIONS;
    if (objectActions.length)
      targets.push({ what: `log files in ${trail.S3BucketName}`, resource: `arn:aws:s3:::${trail.S3BucketName}/${prefix}AWSLogs/${account}/CloudTrail/log.json.gz`, actions: objectActions });
  }
  if (trail.CloudWatchLogsLogGroupArn) {
    const base = trail.CloudWatchLogsLogGroupArn.replace(/:\*$/, '');
    targets.push({ what: `log group ${base.split(':log-group:')[1] ?? base}`, resource: base, actions: LOG_GROUP_TAMPER_ACTIONS });
    targets.push({ what: `log group ${base.split(':log-group:')[1] ?? base}`, resource: `${base}:*`, actions: LOG_GROUP_TAMPER_ACTIONS });
  }
  return { targets, objectsLocked };
}

/** Principals a bucket policy lets tamper with the bucket or its log files (AWS service principals excluded). */
function bucketPolicyGrants(policy: PolicyDocument, targets: readonly Target[]): { principal: string; actions: string[] }[] {
  const out = new Map<string, Set<string>>();
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  for (const raw of statements) {
    if (raw.Effect !== 'Allow') continue;
    const principal = raw.Principal;
    const aws: string[] =
      principal === '*' ? ['*'] : typeof principal === 'object' && principal && 'AWS' in principal ? ([] as string[]).concat((principal as { AWS: string | string[] }).AWS) : [];
    if (aws.length === 0) continue;
    const s = normalizeStatement(raw);
    for (const t of targets.filter((x) => x.resource.startsWith('arn:aws:s3:::')))
      for (const action of t.actions)
        if (statementCoversAction(s, action) && statementCoversResource(s, t.resource)) for (const a of aws) out.set(a, (out.get(a) ?? new Set()).add(action));
  }
  return [...out.entries()].map(([p, a]) => ({ principal: p, actions: [...a].sort() }));
}

/**
 * The order `a.localeCompare(b)` gives, which ECMA-402 defines as comparing with
 * `new Intl.Collator()`: one collator for every comparison instead of one looked up per call
 * (thousands of principals can tamper in a large account).
 */
const byPrincipal = new Intl.Collator();

/**
 * What the identity policies of a policy set let it do to one trail's targets: the `can`
 * labels, in target then action order without repeats, and whether every grant is conditional.
 * One object per distinct combination of answers, shared by every set that gives it (answers
 * are shared per distinct combination: lib/policy/targets.ts).
 */
interface Grants {
  can: readonly string[];
  conditional: boolean;
}

/** The grants of one combination of per-target decisions, in target then action order. */
function grantsOf(answers: Answers, labels: readonly (readonly string[])[]): Grants {
  const can: string[] = [];
  let conditional = true;
  for (let ti = 0; ti < answers.length; ti++) {
    const decisions = answers[ti]!;
    for (let i = 0; i < decisions.length; i++) {
      const d = decisions[i];
      if (d !== 'allowed' && d !== 'conditional') continue;
      // Labels repeat across targets (a log group and its streams): kept once, as `add` would.
      if (!can.includes(labels[ti]![i]!)) can.push(labels[ti]![i]!);
      conditional &&= d === 'conditional';
    }
  }
  return { can, conditional };
}

export interface TamperCapability {
  principal: string;
  /** What it can do, e.g. `trail main: cloudtrail:StopLogging`. */
  can: string[];
  /** Every grant found carries a condition (MFA, source IP…): still able, under that condition. */
  conditional: boolean;
  via: 'identity policy' | 'bucket policy';
}

/** Is the principal one the rule allows to tamper (`allowed`: logAdmins and break-glass patterns)? */
function isAllowed(allowed: readonly string[], type: string, name: string, arn: string): boolean {
  // Nothing declared (the default): nobody is allowed, without a `type/name` string per able principal.
  return allowed.length > 0 && (allowListed(allowed, name, arn) || allowed.includes(`${type}/${name}`));
}

/** What the rule finds over the trails: who can tamper (by principal ARN, in order found), who is allowed and able, who is unknown. */
class Found {
  public readonly capabilities = new Map<string, TamperCapability>();
  /** `can` arrays shared with a `Grants` (thousands of principals get one of a few): copied before a change. */
  private readonly sharedCan = new Set<readonly string[]>();
  public readonly allowedFound = new Set<string>();
  // Pushed by `TrailScan.run`: born with object elements (lib/policy/set-memo.ts `objectList`).
  public readonly incomplete = objectList<string>();
  private readonly incompleteSeen = new Set<string>();

  public add(principal: string, can: string, conditional: boolean, via: TamperCapability['via']): void {
    let c = this.capabilities.get(principal);
    if (!c) {
      c = { principal, can: [], conditional: true, via };
      this.capabilities.set(principal, c);
    }
    if (!c.can.includes(can)) {
      if (this.sharedCan.has(c.can)) c.can = c.can.slice();
      c.can.push(can);
    }
    c.conditional &&= conditional;
  }

  /** `add` of every grant of a set, in order: a new principal takes the shared labels as they are. */
  public addGrants(principal: string, grants: Grants): void {
    if (!this.capabilities.has(principal)) {
      this.sharedCan.add(grants.can);
      this.capabilities.set(principal, { principal, can: grants.can as string[], conditional: grants.conditional, via: 'identity policy' });
      return;
    }
    for (let gi = 0; gi < grants.can.length; gi++) this.add(principal, grants.can[gi]!, grants.conditional, 'identity policy');
  }

  public addIncomplete(arn: string): void {
    if (this.incompleteSeen.has(arn)) return;
    this.incompleteSeen.add(arn);
    this.incomplete.push(arn);
  }
}

/**
 * What the identity policies of each principal let it do to one trail's targets, into `found`.
 * JIT shaping, measured with --trace-opt/--trace-deopt on bench/evaluate.ts: a rule's
 * `evaluate` runs once per evaluation, so a loop in it was compiled on-stack with the whole
 * function; code met once per evaluation (the message's callbacks, closures made anew by each
 * call, a memo's first-use branch, set-up before the loop that ran before the function had type
 * feedback) then deoptimised it and each later evaluation compiled it again. Here the state is
 * made by the constructor (never optimised) and `run` is the loop and nothing else.
 */
class TrailScan {
  // What a principal can do depends only on its policy set: decided once per set for every
  // target together (lib/policy/targets.ts: one pass per statement list, one `Answers` per
  // distinct combination), with the `can` labels built once per target and action (not once
  // per principal) and one `Grants` per distinct combination of answers.
  private readonly labels: readonly (readonly string[])[];
  private readonly decider: TargetDecisions;
  private readonly byAnswers = new Map<Answers, Grants>();

  public constructor(
    targets: readonly Target[],
    sample: PolicySet | undefined,
    private readonly allowed: readonly string[],
    private readonly found: Found,
  ) {
    this.labels = targets.map((t) => t.actions.map((action) => `${t.what}: ${action}`));
    // Its memo rows made at once (the principals' resolution), not on first use.
    this.decider = new TargetDecisions(targets, sample);
  }

  public run(principals: readonly Principal[]): void {
    for (let pi = 0; pi < principals.length; pi++) {
      const p = principals[pi]!;
      const answers = this.decider.decide(p);
      let grants = this.byAnswers.get(answers);
      if (grants === undefined) {
        grants = grantsOf(answers, this.labels);
        this.byAnswers.set(answers, grants);
      }
      if (grants.can.length > 0) {
        if (isAllowed(this.allowed, p.type, p.name, p.arn)) this.found.allowedFound.add(p.arn);
        else this.found.addGrants(p.arn, grants);
      } else if (p.unresolvedPolicies.length > 0) this.found.addIncomplete(p.arn);
    }
  }
}

/**
 * Service-linked roles (AWS defines them) by ARN, looked up once: a scan per principal was
 * quadratic. A function of its own, not a loop of `evaluate` (see `TrailScan`). The first role of
 * an ARN decides, as a `find` would; only the ARNs of roles on the service-linked path can be in
 * the answer, so the roles are read again, for those ARNs only, when there are some (a set of
 * every role's ARN, 5,000 in the bench mixes, was most of this function's time).
 */
export function serviceLinkedRoles(roles: readonly RoleDetail[]): Set<string> {
  const serviceLinked = new Set<string>();
  const candidates = new Set<string>();
  // Indexed: this loop runs once per evaluation, partly before optimisation, where for...of allocates per element.
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i]!;
    if (r.Path?.startsWith('/aws-service-role/')) candidates.add(r.Arn);
  }
  if (candidates.size === 0) return serviceLinked;
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i]!;
    if (!candidates.has(r.Arn)) continue;
    // This role is the first of its ARN: it decides.
    candidates.delete(r.Arn);
    if (r.Path?.startsWith('/aws-service-role/')) serviceLinked.add(r.Arn);
  }
  return serviceLinked;
}

/** The principals the rule judges: all but the service-linked roles (the resolution's own array when there are none). */
function judgedPrincipals(all: Principal[], serviceLinked: ReadonlySet<string>): Principal[] {
  return serviceLinked.size === 0 ? all : all.filter((p) => !(p.type === 'role' && serviceLinked.has(p.arn)));
}

export default defineRule({
  id: 'logging.log-tamper-access',
  title: 'Only break-glass / log administrators can erase the audit trail, and its files are out of reach',
  area: 'logging',
  severity: 'high',
  rationale:
    'Logs protect people only if those whose activity they record cannot erase them. Whoever can stop or reconfigure the trail, delete or ' +
    'overwrite its log files, change the bucket lifecycle or policy, or delete or shorten its log group can hide an intrusion after the fact. ' +
    'The CNIL security guide recommends protecting traces and keeping them out of reach of those whose activity is traced (fiche 16); ' +
    'délibération 2021-122 recommends protecting logs against alteration. GDPR Art. 5(1)(f) and 32(1)(b) ask for integrity of processing. ' +
    'A log archive in another account, or S3 Object Lock, keeps the files even from an administrator of this account.',
  remediation: {
    console:
      'IAM: remove cloudtrail:StopLogging/DeleteTrail/UpdateTrail/PutEventSelectors, s3:Delete*/PutLifecycleConfiguration/PutBucketPolicy on the trail bucket and logs:DeleteLogGroup/PutRetentionPolicy from every role and user but the log administrators (or deny them with an SCP). ' +
      'Deliver the trail to a bucket in a dedicated log-archive account (organisation trail), or enable S3 Object Lock (COMPLIANCE mode, default retention) on the trail bucket. Declare the remaining administrators: art32 declare break-glass.',
    cli:
      'aws iam simulate-principal-policy --policy-source-arn <principal> --action-names cloudtrail:StopLogging s3:DeleteObject logs:DeleteLogGroup --resource-arns <trail> <bucket>/* <log group>; ' +
      'aws s3api put-object-lock-configuration --bucket <bucket> --object-lock-configuration \'{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":365}}}\'',
  },
  references: [REF.cnilGuide16, REF.cnil2021_122, REF.gdpr5_1_f, REF.gdpr32_1_b],
  sections: ['authorizationDetails', 'trails'],
  parameters: LogTamperAccessParameters,
  evaluate(snapshot, params, context) {
    const details = requireSection(snapshot, 'authorizationDetails');
    const trails = requireSection(snapshot, 'trails');
    const account = snapshot.account.id;
    const threshold = { logAdmins: params.logAdmins, allowed: 'declared break-glass principals and logAdmins only', storage: 'another account or S3 Object Lock' };
    if (trails.length === 0) {
      return { status: 'NOT_APPLICABLE', message: 'No trail: there is no audit trail to protect (logging.cloudtrail-multi-region fails for that).', observed: { trails: 0 }, threshold, resources: [] };
    }

    const declared = declarations(context.register, 'break-glass');
    const allowed = [...params.logAdmins, ...declared.flatMap((d) => d.declaration.principals)];

    const buckets = new Map((snapshot.trailBuckets ?? []).map((b) => [b.Name, b]));
    const found = new Found();
    const storage: { trail: string; bucket?: string; where: string; protected: boolean | undefined }[] = [];
    const serviceLinked = serviceLinkedRoles(details.RoleDetailList);
    const principals: Principal[] = judgedPrincipals(principalsOf(details), serviceLinked);

    for (const trail of trails) {
      const bucket = trail.S3BucketName ? buckets.get(trail.S3BucketName) : undefined;
      const { targets, objectsLocked } = targetsOf(trail, bucket, account);
      storage.push({
        trail: trail.Name,
        ...(trail.S3BucketName ? { bucket: trail.S3BucketName } : {}),
        where: !bucket ? 'not collected' : !bucket.inAccount ? 'another account' : objectsLocked ? `this account, Object Lock ${bucket.ObjectLockConfiguration?.Rule?.DefaultRetention?.Mode}` : bucket.ObjectLockConfiguration === undefined ? 'this account, Object Lock not read' : 'this account, no Object Lock',
        protected: !bucket ? undefined : !bucket.inAccount || objectsLocked ? true : bucket.ObjectLockConfiguration === undefined ? undefined : false,
      });
      new TrailScan(targets, principals.length > 0 ? principals[0]!.policySet : undefined, allowed, found).run(principals);
      if (bucket?.inAccount && bucket.Policy) {
        for (const g of bucketPolicyGrants(bucket.Policy, targets)) {
          const name = g.principal.split('/').pop() ?? g.principal;
          if (g.principal !== '*' && (allowListed(allowed, name, g.principal) || allowed.includes(g.principal))) continue;
          for (const a of g.actions) found.add(g.principal, `bucket ${bucket.Name} (bucket policy): ${a}`, false, 'bucket policy');
        }
      }
    }

    const { allowedFound, incomplete } = found;
    const offenders = [...found.capabilities.values()].sort((a, b) => byPrincipal.compare(a.principal, b.principal));
    const observed: Record<string, unknown> = {
      principalsChecked: principals.length,
      // The first 12 labels (most principals have fewer: their array is used as it is, read-only). A
      // literal with the spread's keys in its order (a spread copy was ~350 bytes per offender).
      canTamper: offenders.map((o) => ({ principal: o.principal, can: o.can.length <= 12 ? o.can : o.can.slice(0, 12), conditional: o.conditional, via: o.via, more: Math.max(0, o.can.length - 12) })),
      allowedAndAble: [...allowedFound].sort(),
      declaredBreakGlass: declared.map((d) => ({ ...entryRef(d.entry), principals: d.declaration.principals })),
      storage,
      notEvaluated: 'SCPs, session policies and Deny statements of the bucket policy are not applied (they can only narrow who is able)',
    };
    const name = (arn: string) => arn.split('/').pop() ?? arn;
    if (offenders.length > 0) {
      return {
        status: 'FAIL',
        message:
          `${offenders.length} principal(s) besides declared log administrators can erase or blind the audit trail: ` +
          `${offenders.slice(0, 4).map((o) => `${name(o.principal)} (${o.can.slice(0, 2).join(', ')}${o.can.length > 2 ? ', …' : ''})`).join('; ')}${offenders.length > 4 ? '; …' : ''}.`,
        observed,
        threshold,
        resources: offenders.map((o) => o.principal),
      };
    }
    const unknownStorage = storage.filter((s) => s.bucket && s.protected === undefined);
    if (incomplete.length > 0 || unknownStorage.length > 0) {
      return {
        status: 'ERROR',
        message:
          'NOT VERIFIED: ' +
          [
            incomplete.length ? `${incomplete.length} principal(s) have policies not collected (${incomplete.slice(0, 3).map(name).join(', ')})` : '',
            unknownStorage.length ? `the trail bucket(s) ${unknownStorage.map((s) => s.bucket).join(', ')} were not read (owner account, Object Lock)` : '',
          ]
            .filter(Boolean)
            .join('; ') +
          '.',
        observed,
        threshold,
        resources: [...incomplete, ...unknownStorage.map((s) => `arn:aws:s3:::${s.bucket}`)],
      };
    }
    const exposed = storage.filter((s) => s.protected === false);
    if (exposed.length > 0) {
      return {
        status: 'FAIL',
        message: `Only declared log administrators can change the trail, but its log files live in this account without Object Lock (${exposed.map((s) => s.bucket).join(', ')}): one of them, or whoever takes over one, can erase them.`,
        observed,
        threshold,
        resources: exposed.map((s) => `arn:aws:s3:::${s.bucket}`),
      };
    }
    return {
      status: 'PASS',
      message:
        `Only ${allowedFound.size ? `declared log administrators (${[...allowedFound].map(name).join(', ')})` : 'nobody in this account'} can change the trail or its storage, ` +
        `and the log files are out of reach (${storage.map((s) => `${s.trail}: ${s.where}`).join('; ')}).`,
      observed,
      threshold,
      resources: [...allowedFound],
    };
  },
});
