/**
 * Known IAM privilege-escalation paths, as data: the permissions each path needs, what
 * neutralises it, and the public catalog entries that document it. The matcher
 * (lib/breadth/escalation.ts) reads only `steps`, `otherUsersOnly` and `passRoleTo`; the other
 * fields are for the reviewer (they are copied into the findings' observed data).
 *
 * Facts carried over, each with its source (no code or prose copied):
 * - Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation" (2018): the 21
 *   classic methods (numbered as in the article);
 * - pathfinding.cloud (Datadog, Apache-2.0 data, github.com/DataDog/pathfinding.cloud): path ids
 *   such as `ssm-002`, with the required permissions listed per path;
 * - NCC Group PMapper edge checks (cited by URL only; AGPL code, none of it used);
 * - HackTricks Cloud privilege-escalation pages and the AWS documentation of the actions.
 *
 * A path is a list of steps; each step is satisfied by any one of its actions. Every action
 * must be in the action catalog (test/unit/breadth/escalation-paths.test.ts fails the build
 * otherwise).
 */

export interface EscalationSource {
  title: string;
  url: string;
}

export interface EscalationPath {
  id: string;
  title: string;
  steps: string[][];
  /**
   * The path only escalates when the action can target *other* users (creating your own access
   * key or changing your own password is ordinary self-service). Grants whose resources all name
   * the principal itself (exactly `…:user/${aws:username}` or its own ARN) do not count.
   */
  otherUsersOnly?: boolean;
  /**
   * Service principals the path passes a role to (`iam:PassRole` step). A PassRole grant whose
   * `iam:PassedToService` condition names none of them cannot serve the path; one limited to
   * named roles *and* to these services is reported apart (WARN: the named roles decide).
   */
  passRoleTo?: string[];
  /** The resource / condition constraints that close the path (what a reviewer looks for). */
  neutralisedBy: string;
  sources: EscalationSource[];
}

const rhino = (method: number): EscalationSource => ({
  title: `Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation" (2018), method ${method}`,
  url: 'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/',
});
const pathfinding = (id: string): EscalationSource => ({ title: `pathfinding.cloud path ${id} (Datadog)`, url: `https://pathfinding.cloud/paths/${id}` });
const hacktricks = (page: string): EscalationSource => ({
  title: `HackTricks Cloud, "AWS - ${page} Privesc"`,
  url: `https://cloud.hacktricks.wiki/en/pentesting-cloud/aws-security/aws-privilege-escalation/aws-${page.toLowerCase().replace(/ /g, '-')}-privesc/index.html`,
});
const pmapper = (file: string): EscalationSource => ({ title: `NCC Group PMapper, ${file} (edge conditions)`, url: `https://github.com/nccgroup/PMapper/blob/master/principalmapper/graphing/${file}` });
const awsDoc = (title: string, url: string): EscalationSource => ({ title: `AWS documentation, "${title}"`, url });

const PASSROLE_SCOPE = 'iam:PassRole limited to named low-privilege roles with an iam:PassedToService condition for this service (or no such role to pass)';
const POLICY_ARN_SCOPE = 'Condition iam:PolicyARN limited to narrow policies, or Resource limited to entities no more privileged than the holder, or a permissions boundary that denies the action';
const IAM_SCOPE = 'Resource limited to users, groups and roles no more privileged than the holder, or a permissions boundary that denies the action';

export const ESCALATION_PATHS: readonly EscalationPath[] = [
  // IAM policy and membership changes (Rhino 1-2, 7-13; pathfinding iam-001, iam-005, iam-007..iam-011, iam-013).
  { id: 'create-policy-version', title: 'create a new default version of a managed policy it is attached to', steps: [['iam:CreatePolicyVersion']], neutralisedBy: 'Resource limited to managed policies attached to no one more privileged than the holder, or a permissions boundary that denies the action', sources: [rhino(1), pathfinding('iam-001')] },
  { id: 'set-default-policy-version', title: 'switch a managed policy to a more permissive older version', steps: [['iam:SetDefaultPolicyVersion']], neutralisedBy: 'Resource limited to managed policies whose older versions are no broader, or a permissions boundary that denies the action', sources: [rhino(2)] },
  { id: 'attach-user-policy', title: 'attach any managed policy (e.g. AdministratorAccess) to a user', steps: [['iam:AttachUserPolicy']], neutralisedBy: POLICY_ARN_SCOPE, sources: [rhino(7), pathfinding('iam-008')] },
  { id: 'attach-group-policy', title: 'attach any managed policy to a group', steps: [['iam:AttachGroupPolicy']], neutralisedBy: POLICY_ARN_SCOPE, sources: [rhino(8), pathfinding('iam-010')] },
  { id: 'attach-role-policy', title: 'attach any managed policy to a role', steps: [['iam:AttachRolePolicy']], neutralisedBy: POLICY_ARN_SCOPE, sources: [rhino(9), pathfinding('iam-009')] },
  { id: 'put-user-policy', title: 'write an inline policy on a user', steps: [['iam:PutUserPolicy']], neutralisedBy: IAM_SCOPE, sources: [rhino(10), pathfinding('iam-007')] },
  { id: 'put-group-policy', title: 'write an inline policy on a group', steps: [['iam:PutGroupPolicy']], neutralisedBy: IAM_SCOPE, sources: [rhino(11), pathfinding('iam-011')] },
  { id: 'put-role-policy', title: 'write an inline policy on a role', steps: [['iam:PutRolePolicy']], neutralisedBy: IAM_SCOPE, sources: [rhino(12), pathfinding('iam-005')] },
  { id: 'add-user-to-group', title: 'add a user to a more privileged group', steps: [['iam:AddUserToGroup']], neutralisedBy: 'Resource limited to groups no more privileged than the holder', sources: [rhino(13), pathfinding('iam-013')] },
  { id: 'update-assume-role-policy', title: 'rewrite a role trust policy and assume the role', steps: [['iam:UpdateAssumeRolePolicy'], ['sts:AssumeRole']], neutralisedBy: 'Resource limited to roles no more privileged than the holder', sources: [rhino(14), pathfinding('iam-012')] },
  {
    id: 'delete-permissions-boundary',
    title: 'remove or replace the permissions boundary that limits a user or role (its own included)',
    steps: [['iam:DeleteUserPermissionsBoundary', 'iam:DeleteRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary', 'iam:PutRolePermissionsBoundary']],
    neutralisedBy: 'an explicit Deny of these actions on the holder itself (as the AWS delegated-administrator example does), or Put* limited by an iam:PermissionsBoundary condition to the same boundary',
    sources: [awsDoc('Permissions boundaries for IAM entities', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html'), hacktricks('IAM')],
  },
  // Credentials of other users (Rhino 4-6; pathfinding iam-002, iam-004, iam-006).
  { id: 'create-access-key', title: 'create an access key for another user', steps: [['iam:CreateAccessKey']], otherUsersOnly: true, neutralisedBy: 'Resource exactly arn:aws:iam::<account>:user/${aws:username} (self-service)', sources: [rhino(4), pathfinding('iam-002')] },
  { id: 'create-login-profile', title: 'set a console password for another user', steps: [['iam:CreateLoginProfile']], otherUsersOnly: true, neutralisedBy: 'Resource exactly arn:aws:iam::<account>:user/${aws:username} (self-service)', sources: [rhino(5), pathfinding('iam-004')] },
  { id: 'update-login-profile', title: "change another user's console password", steps: [['iam:UpdateLoginProfile']], otherUsersOnly: true, neutralisedBy: 'Resource exactly arn:aws:iam::<account>:user/${aws:username} (self-service)', sources: [rhino(6), pathfinding('iam-006')] },
  // Pass a role to new compute (Rhino 3, 15-16, 18, 20-21; pathfinding *-passrole paths).
  {
    id: 'passrole-lambda',
    title: 'pass a privileged role to a new Lambda function and run it',
    steps: [['iam:PassRole'], ['lambda:CreateFunction'], ['lambda:InvokeFunction', 'lambda:CreateEventSourceMapping', 'lambda:CreateFunctionUrlConfig', 'lambda:AddPermission']],
    passRoleTo: ['lambda.amazonaws.com'],
    neutralisedBy: PASSROLE_SCOPE,
    sources: [rhino(15), rhino(16), pathfinding('lambda-001'), pathfinding('lambda-002'), pathfinding('lambda-006')],
  },
  { id: 'update-function-code', title: 'replace the code of a Lambda function that runs with a privileged role', steps: [['lambda:UpdateFunctionCode']], neutralisedBy: 'Resource limited to functions whose roles are no more privileged than the holder', sources: [rhino(17), pathfinding('lambda-003')] },
  {
    id: 'update-function-configuration',
    title: "run its own code in an existing Lambda function's role (add a layer or change the runtime environment)",
    steps: [['lambda:UpdateFunctionConfiguration']],
    neutralisedBy: 'Resource limited to functions whose roles are no more privileged than the holder; lambda:Layer condition limited to trusted layers',
    sources: [hacktricks('Lambda'), awsDoc('Actions, resources, and condition keys for AWS Lambda (lambda:Layer)', 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html')],
  },
  { id: 'passrole-ec2', title: 'pass a privileged role to a new EC2 instance', steps: [['iam:PassRole'], ['ec2:RunInstances', 'ec2:RequestSpotInstances']], passRoleTo: ['ec2.amazonaws.com'], neutralisedBy: PASSROLE_SCOPE, sources: [rhino(3), pathfinding('ec2-001'), pathfinding('ec2-003')] },
  {
    id: 'associate-instance-profile',
    title: 'attach a privileged instance profile to an instance it can reach',
    steps: [['iam:PassRole'], ['ec2:AssociateIamInstanceProfile', 'ec2:ReplaceIamInstanceProfileAssociation']],
    passRoleTo: ['ec2.amazonaws.com'],
    neutralisedBy: PASSROLE_SCOPE,
    sources: [hacktricks('EC2'), awsDoc('IAM roles for Amazon EC2 (iam:PassRole to attach a role to an instance)', 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html')],
  },
  {
    id: 'ec2-user-data',
    title: "rewrite an instance's user data and restart it: its code then runs with the instance's role",
    steps: [['ec2:ModifyInstanceAttribute'], ['ec2:StopInstances'], ['ec2:StartInstances']],
    neutralisedBy: 'Resource or aws:ResourceTag condition limited to instances without a privileged instance profile',
    sources: [pathfinding('ec2-002'), hacktricks('EC2')],
  },
  {
    id: 'launch-template-version',
    title: 'add user data to a new default version of a launch template that carries a privileged instance profile',
    steps: [['ec2:CreateLaunchTemplateVersion'], ['ec2:ModifyLaunchTemplate']],
    neutralisedBy: 'Resource limited to launch templates without a privileged instance profile',
    sources: [pathfinding('ec2-004'), pathfinding('ec2-005')],
  },
  {
    id: 'passrole-autoscaling',
    title: 'pass a privileged role to instances an Auto Scaling group launches from its own launch configuration or template',
    steps: [['iam:PassRole'], ['autoscaling:CreateLaunchConfiguration', 'ec2:CreateLaunchTemplate'], ['autoscaling:CreateAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup']],
    passRoleTo: ['ec2.amazonaws.com', 'autoscaling.amazonaws.com'],
    neutralisedBy: PASSROLE_SCOPE,
    sources: [hacktricks('EC2'), awsDoc('Launch template permissions for Amazon EC2 Auto Scaling', 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-launch-template-permissions.html')],
  },
  {
    id: 'ec2-instance-connect',
    title: 'push an SSH key to an instance and use its role from inside',
    steps: [['ec2-instance-connect:SendSSHPublicKey', 'ec2-instance-connect:SendSerialConsoleSSHPublicKey']],
    neutralisedBy: 'Resource or aws:ResourceTag condition limited to instances without a privileged instance profile; ec2:osuser condition',
    sources: [pathfinding('ec2instanceconnect-003'), hacktricks('EC2')],
  },
  { id: 'ssm-send-command', title: 'run commands on a managed instance and use its role', steps: [['ssm:SendCommand']], neutralisedBy: 'Resource or ssm:resourceTag condition limited to instances without a privileged instance profile, and documents limited to read-only ones', sources: [pathfinding('ssm-002'), pmapper('ssm_edges.py'), hacktricks('SSM')] },
  { id: 'ssm-start-session', title: 'open a shell on a managed instance and use its role', steps: [['ssm:StartSession']], neutralisedBy: 'Resource or ssm:resourceTag condition limited to instances without a privileged instance profile', sources: [pathfinding('ssm-001'), pmapper('ssm_edges.py'), hacktricks('SSM')] },
  {
    id: 'passrole-cloudformation',
    title: 'pass a privileged role to a CloudFormation stack or stack set',
    steps: [['iam:PassRole'], ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:CreateStackSet', 'cloudformation:UpdateStackSet']],
    passRoleTo: ['cloudformation.amazonaws.com'],
    neutralisedBy: PASSROLE_SCOPE,
    sources: [rhino(20), pathfinding('cloudformation-001'), pathfinding('cloudformation-003'), pathfinding('cloudformation-004')],
  },
  {
    id: 'cloudformation-update-stack',
    title: 'update a stack that already runs with a privileged service role',
    steps: [['cloudformation:UpdateStack']],
    neutralisedBy: 'Resource limited to stacks whose service role is no more privileged than the holder',
    sources: [pathfinding('cloudformation-002'), pmapper('cloudformation_edges.py')],
  },
  {
    id: 'cloudformation-change-set',
    title: 'create and execute a change set on a stack that runs with a privileged service role',
    steps: [['cloudformation:CreateChangeSet'], ['cloudformation:ExecuteChangeSet']],
    neutralisedBy: 'Resource limited to stacks whose service role is no more privileged than the holder',
    sources: [pathfinding('cloudformation-005')],
  },
  { id: 'passrole-glue', title: 'pass a privileged role to a Glue development endpoint or job', steps: [['iam:PassRole'], ['glue:CreateDevEndpoint', 'glue:CreateJob', 'glue:UpdateJob']], passRoleTo: ['glue.amazonaws.com'], neutralisedBy: PASSROLE_SCOPE, sources: [rhino(18), pathfinding('glue-001'), pathfinding('glue-003'), pathfinding('glue-005')] },
  { id: 'update-glue-dev-endpoint', title: 'add an SSH key to an existing Glue development endpoint', steps: [['glue:UpdateDevEndpoint']], neutralisedBy: 'Resource limited to endpoints whose roles are no more privileged than the holder', sources: [rhino(19), pathfinding('glue-002')] },
  {
    id: 'passrole-ecs',
    title: 'pass a privileged role to an ECS task or service',
    steps: [['iam:PassRole'], ['ecs:RunTask', 'ecs:StartTask', 'ecs:CreateService', 'ecs:UpdateService']],
    passRoleTo: ['ecs-tasks.amazonaws.com', 'ecs.amazonaws.com'],
    neutralisedBy: PASSROLE_SCOPE,
    sources: [pathfinding('ecs-001'), pathfinding('ecs-002'), pathfinding('ecs-003'), pathfinding('ecs-004'), pathfinding('ecs-005'), hacktricks('ECS')],
  },
  { id: 'ecs-execute-command', title: 'open a shell in a running ECS task and use its task role', steps: [['ecs:ExecuteCommand']], neutralisedBy: 'Resource or aws:ResourceTag condition limited to tasks whose roles are no more privileged than the holder (ECS Exec disabled elsewhere)', sources: [pathfinding('ecs-006'), hacktricks('ECS')] },
  { id: 'passrole-datapipeline', title: 'pass a privileged role to a Data Pipeline', steps: [['iam:PassRole'], ['datapipeline:CreatePipeline'], ['datapipeline:PutPipelineDefinition']], passRoleTo: ['datapipeline.amazonaws.com', 'elasticmapreduce.amazonaws.com', 'ec2.amazonaws.com'], neutralisedBy: PASSROLE_SCOPE, sources: [rhino(21), pathfinding('datapipeline-001')] },
  { id: 'passrole-sagemaker', title: 'pass a privileged role to a SageMaker notebook and open it', steps: [['iam:PassRole'], ['sagemaker:CreateNotebookInstance'], ['sagemaker:CreatePresignedNotebookInstanceUrl']], passRoleTo: ['sagemaker.amazonaws.com'], neutralisedBy: PASSROLE_SCOPE, sources: [pathfinding('sagemaker-001')] },
  {
    id: 'passrole-sagemaker-job',
    title: 'pass a privileged role to a SageMaker training or processing job running its own container',
    steps: [['iam:PassRole'], ['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob']],
    passRoleTo: ['sagemaker.amazonaws.com'],
    neutralisedBy: PASSROLE_SCOPE,
    sources: [pathfinding('sagemaker-002'), pathfinding('sagemaker-003')],
  },
  { id: 'sagemaker-notebook-url', title: 'open an existing SageMaker notebook and use its role', steps: [['sagemaker:CreatePresignedNotebookInstanceUrl']], neutralisedBy: 'Resource limited to notebooks whose roles are no more privileged than the holder', sources: [pathfinding('sagemaker-004')] },
  { id: 'passrole-codebuild', title: 'pass a privileged role to a CodeBuild project and start it', steps: [['iam:PassRole'], ['codebuild:CreateProject', 'codebuild:UpdateProject'], ['codebuild:StartBuild', 'codebuild:StartBuildBatch']], passRoleTo: ['codebuild.amazonaws.com'], neutralisedBy: PASSROLE_SCOPE, sources: [pathfinding('codebuild-001'), pathfinding('codebuild-004')] },
  {
    id: 'codebuild-existing-role',
    title: 'start a build of an existing project with an overridden buildspec (or rewrite the project): it runs with the project role',
    steps: [['codebuild:StartBuild', 'codebuild:StartBuildBatch', 'codebuild:UpdateProject']],
    neutralisedBy: 'Resource limited to projects whose service roles are no more privileged than the holder',
    sources: [pathfinding('codebuild-002'), pathfinding('codebuild-003'), hacktricks('Codebuild')],
  },
  { id: 'passrole-apprunner', title: 'pass a privileged role to a new App Runner service', steps: [['iam:PassRole'], ['apprunner:CreateService']], passRoleTo: ['tasks.apprunner.amazonaws.com', 'build.apprunner.amazonaws.com'], neutralisedBy: PASSROLE_SCOPE, sources: [pathfinding('apprunner-001')] },
  { id: 'apprunner-update-service', title: 'change the code or image of an App Runner service that runs with a privileged role', steps: [['apprunner:UpdateService']], neutralisedBy: 'Resource limited to services whose instance roles are no more privileged than the holder', sources: [pathfinding('apprunner-002')] },
  {
    id: 'passrole-step-functions',
    title: 'pass a privileged role to a Step Functions state machine and run it',
    steps: [['iam:PassRole'], ['states:CreateStateMachine', 'states:UpdateStateMachine'], ['states:StartExecution', 'states:StartSyncExecution']],
    passRoleTo: ['states.amazonaws.com'],
    neutralisedBy: PASSROLE_SCOPE,
    sources: [hacktricks('Stepfunctions'), awsDoc('IAM policies for Step Functions (iam:PassRole)', 'https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html')],
  },
  {
    id: 'step-functions-existing-role',
    title: 'rewrite a state machine that runs with a privileged role and start it',
    steps: [['states:UpdateStateMachine'], ['states:StartExecution', 'states:StartSyncExecution']],
    neutralisedBy: 'Resource limited to state machines whose roles are no more privileged than the holder',
    sources: [hacktricks('Stepfunctions')],
  },
  {
    id: 'passrole-emr',
    title: 'pass a privileged role to a new EMR cluster or EMR Serverless job',
    steps: [['iam:PassRole'], ['elasticmapreduce:RunJobFlow', 'emr-serverless:StartJobRun']],
    passRoleTo: ['elasticmapreduce.amazonaws.com', 'ec2.amazonaws.com', 'emr-serverless.amazonaws.com'],
    neutralisedBy: PASSROLE_SCOPE,
    sources: [pathfinding('emr-001'), pathfinding('emrserverless-001')],
  },
  {
    id: 'passrole-bedrock-code-interpreter',
    title: 'pass a privileged role to a Bedrock AgentCore code interpreter and run code in it',
    steps: [['iam:PassRole'], ['bedrock-agentcore:CreateCodeInterpreter'], ['bedrock-agentcore:StartCodeInterpreterSession'], ['bedrock-agentcore:InvokeCodeInterpreter']],
    passRoleTo: ['bedrock-agentcore.amazonaws.com'],
    neutralisedBy: PASSROLE_SCOPE,
    sources: [pathfinding('bedrock-001')],
  },
];
