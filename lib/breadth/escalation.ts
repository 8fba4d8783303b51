/**
 * Known IAM privilege-escalation paths: combinations of permissions that let a
 * principal give itself (or a principal it controls) more permissions than it has.
 * Sources: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
 * (2018, the 21 methods) and the AWS IAM documentation of each action.
 *
 * A path is a list of steps; each step is satisfied by any one of its actions.
 */
import type { NormalizedStatement } from '../policy/document';
import { policyLabel, type Principal } from '../policy/principals';
import { hasBit, type Bitset } from './bitset';
import type { ActionCatalog } from './catalog';
import { sparseHas, type BreadthCalculator } from './effective';

export interface EscalationPath {
  id: string;
  title: string;
  steps: string[][];
  /**
   * The path only escalates when the action can target *other* users (creating your
   * own access key or changing your own password is ordinary self-service). Grants
   * whose resources all name the principal itself (`${aws:username}` or its own ARN)
   * do not count.
   */
  otherUsersOnly?: boolean;
}

export const ESCALATION_PATHS: readonly EscalationPath[] = [
  { id: 'create-policy-version', title: 'create a new default version of a managed policy it is attached to', steps: [['iam:CreatePolicyVersion']] },
  { id: 'set-default-policy-version', title: 'switch a managed policy to a more permissive older version', steps: [['iam:SetDefaultPolicyVersion']] },
  { id: 'attach-user-policy', title: 'attach any managed policy (e.g. AdministratorAccess) to a user', steps: [['iam:AttachUserPolicy']] },
  { id: 'attach-group-policy', title: 'attach any managed policy to a group', steps: [['iam:AttachGroupPolicy']] },
  { id: 'attach-role-policy', title: 'attach any managed policy to a role', steps: [['iam:AttachRolePolicy']] },
  { id: 'put-user-policy', title: 'write an inline policy on a user', steps: [['iam:PutUserPolicy']] },
  { id: 'put-group-policy', title: 'write an inline policy on a group', steps: [['iam:PutGroupPolicy']] },
  { id: 'put-role-policy', title: 'write an inline policy on a role', steps: [['iam:PutRolePolicy']] },
  { id: 'add-user-to-group', title: 'add a user to a more privileged group', steps: [['iam:AddUserToGroup']] },
  { id: 'update-assume-role-policy', title: 'rewrite a role trust policy and assume the role', steps: [['iam:UpdateAssumeRolePolicy'], ['sts:AssumeRole']] },
  { id: 'create-access-key', title: "create an access key for another user", steps: [['iam:CreateAccessKey']], otherUsersOnly: true },
  { id: 'create-login-profile', title: 'set a console password for another user', steps: [['iam:CreateLoginProfile']], otherUsersOnly: true },
  { id: 'update-login-profile', title: "change another user's console password", steps: [['iam:UpdateLoginProfile']], otherUsersOnly: true },
  {
    id: 'passrole-lambda',
    title: 'pass a privileged role to a new Lambda function and run it',
    steps: [['iam:PassRole'], ['lambda:CreateFunction'], ['lambda:InvokeFunction', 'lambda:CreateEventSourceMapping', 'lambda:CreateFunctionUrlConfig']],
  },
  { id: 'update-function-code', title: 'replace the code of a Lambda function that runs with a privileged role', steps: [['lambda:UpdateFunctionCode']] },
  { id: 'passrole-ec2', title: 'pass a privileged role to a new EC2 instance', steps: [['iam:PassRole'], ['ec2:RunInstances']] },
  { id: 'passrole-cloudformation', title: 'pass a privileged role to a CloudFormation stack', steps: [['iam:PassRole'], ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:CreateStackSet']] },
  { id: 'passrole-glue', title: 'pass a privileged role to a Glue development endpoint or job', steps: [['iam:PassRole'], ['glue:CreateDevEndpoint', 'glue:CreateJob']] },
  { id: 'update-glue-dev-endpoint', title: "add an SSH key to an existing Glue development endpoint", steps: [['glue:UpdateDevEndpoint']] },
  { id: 'passrole-ecs', title: 'pass a privileged role to an ECS task', steps: [['iam:PassRole'], ['ecs:RunTask', 'ecs:StartTask', 'ecs:CreateService']] },
  { id: 'passrole-datapipeline', title: 'pass a privileged role to a Data Pipeline', steps: [['iam:PassRole'], ['datapipeline:CreatePipeline'], ['datapipeline:PutPipelineDefinition']] },
  { id: 'passrole-sagemaker', title: 'pass a privileged role to a SageMaker notebook and open it', steps: [['iam:PassRole'], ['sagemaker:CreateNotebookInstance'], ['sagemaker:CreatePresignedNotebookInstanceUrl']] },
  { id: 'passrole-codebuild', title: 'pass a privileged role to a CodeBuild project and start it', steps: [['iam:PassRole'], ['codebuild:CreateProject'], ['codebuild:StartBuild', 'codebuild:StartBuildBatch']] },
];

export interface EscalationGrant {
  action: string;
  /** Granting policies (`name` or `name (via group G)`). */
  policies: string[];
  conditional: boolean;
  onAllResources: boolean;
}

export interface EscalationMatch {
  path: string;
  title: string;
  grants: EscalationGrant[];
  /** True when every step is granted unconditionally. */
  unconditional: boolean;
}

/** A path's granted actions and the distinct policies granting them, as reports list them. */
export function escalationGrants(match: EscalationMatch): { actions: string[]; policies: string[] } {
  return { actions: match.grants.map((g) => g.action), policies: [...new Set(match.grants.flatMap((g) => g.policies))] };
}

/**
 * What one statement list grants of action `id`, independent of the principal: whether it
 * covers it, on every resource, and the facts that decide "beyond self" once the
 * principal's ARN is known.
 */
interface ListGrant {
  covers: boolean;
  onAll: boolean;
  /** A covering statement reaches other principals whoever holds it (NotResource, or several non-self resources). */
  beyondSelfAlways: boolean;
  /** Covering statements whose only non-`${aws:username}` resource is this ARN: self-service for that principal alone. */
  selfOnlyFor: string[];
}

const listGrants = new WeakMap<BreadthCalculator, WeakMap<readonly NormalizedStatement[], Map<number, ListGrant>>>();

function listGrant(statements: readonly NormalizedStatement[], id: number, calc: BreadthCalculator): ListGrant {
  let byList = listGrants.get(calc);
  if (!byList) {
    byList = new WeakMap();
    listGrants.set(calc, byList);
  }
  let byId = byList.get(statements);
  if (!byId) {
    byId = new Map();
    byList.set(statements, byId);
  }
  let g = byId.get(id);
  if (!g) {
    g = { covers: false, onAll: false, beyondSelfAlways: false, selfOnlyFor: [] };
    for (const s of statements) {
      if (s.effect !== 'Allow' || !sparseHas(calc.statementActions(s), id)) continue;
      g.covers = true;
      if (s.resources ? s.resources.includes('*') : s.notResources !== undefined) g.onAll = true;
      // isSelfOnly(principal, s) = every resource names `${aws:username}` or the principal's ARN.
      if (!s.resources) {
        g.beyondSelfAlways = true;
        continue;
      }
      const named = new Set(s.resources.filter((r) => !r.includes('${aws:username}')));
      if (named.size > 1) g.beyondSelfAlways = true;
      else if (named.size === 1) g.selfOnlyFor.push([...named][0]!);
      // named.size === 0: `${aws:username}` only, self-service for everyone.
    }
    byId.set(id, g);
  }
  return g;
}

/** The policies whose Allow statements cover action `id`, and whether any does so beyond the principal itself. */
function grantDetails(principal: Principal, id: number, calc: BreadthCalculator): { policies: string[]; beyondSelf: boolean; onAll: boolean } {
  const policies: string[] = [];
  let beyondSelf = false;
  let onAll = false;
  for (const pol of principal.policies) {
    const g = listGrant(pol.statements, id, calc);
    if (!g.covers) continue;
    if (!beyondSelf && (g.beyondSelfAlways || g.selfOnlyFor.some((arn) => arn !== principal.arn))) beyondSelf = true;
    if (g.onAll) onAll = true;
    policies.push(policyLabel(pol));
  }
  return { policies, beyondSelf, onAll };
}

/** Catalog ids of every action the paths use, resolved once (unknown names fail loudly). */
export function escalationActionIds(catalog: ActionCatalog): Map<string, number> {
  const ids = new Map<string, number>();
  for (const path of ESCALATION_PATHS) {
    for (const step of path.steps) {
      for (const action of step) {
        const id = catalog.idOf(action);
        if (id === undefined) throw new Error(`escalation path ${path.id}: ${action} is not in the action catalog ${catalog.version}`);
        ids.set(action, id);
      }
    }
  }
  return ids;
}

/** Escalation actions a principal holds: action name → granted unconditionally (else conditionally). */
export type HeldActions = ReadonlyMap<string, boolean>;

/**
 * The escalation actions in the granted or conditional sets, or `null` when none (most
 * principals): this depends only on the effective permissions, so principals with the same
 * policies share it.
 */
export function heldEscalationActions(granted: Bitset, conditional: Bitset, ids: Map<string, number>): HeldActions | null {
  let held: Map<string, boolean> | null = null;
  for (const [action, id] of ids) {
    const g = hasBit(granted, id);
    if (g || hasBit(conditional, id)) (held ??= new Map()).set(action, g);
  }
  return held;
}

/**
 * Escalation paths open to a principal that holds `held` (from heldEscalationActions). The
 * granting policies and the self-service exception depend on the principal itself (its
 * policy names, groups and ARN), so this part is per principal.
 */
export function findHeldEscalations(principal: Principal, held: HeldActions, ids: Map<string, number>, calc: BreadthCalculator): EscalationMatch[] {
  const matches: EscalationMatch[] = [];
  // iam:PassRole alone is in nine paths: look its granting statements up once.
  const detailsCache = new Map<number, ReturnType<typeof grantDetails>>();
  const detailsOf = (id: number) => {
    let d = detailsCache.get(id);
    if (!d) {
      d = grantDetails(principal, id, calc);
      detailsCache.set(id, d);
    }
    return d;
  };
  for (const path of ESCALATION_PATHS) {
    if (!path.steps.every((step) => step.some((a) => held.has(a)))) continue;
    const grants: EscalationGrant[] = [];
    let open = true;
    for (const step of path.steps) {
      let stepHeld = false;
      for (const action of step) {
        if (!held.has(action)) continue;
        const id = ids.get(action)!;
        const details = detailsOf(id);
        if (path.otherUsersOnly && !details.beyondSelf) continue;
        grants.push({ action, policies: details.policies, conditional: !held.get(action), onAllResources: details.onAll });
        stepHeld = true;
      }
      if (!stepHeld) {
        open = false;
        break;
      }
    }
    if (!open) continue;
    const unconditional = path.steps.every((step) => grants.some((g) => step.includes(g.action) && !g.conditional));
    matches.push({ path: path.id, title: path.title, grants, unconditional });
  }
  return matches;
}
