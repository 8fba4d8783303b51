/**
 * The manifest signing key: an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) that ONE role
 * may sign with — the sealing function's (FinalizeRun). The key policy, not IAM, decides:
 * - `kms:Sign` is allowed to the sealer role and DENIED to every other principal, so no IAM
 *   policy an account admin attaches later can hand signing to the record writer or to
 *   themselves;
 * - `kms:GetPublicKey`/`DescribeKey` are open to the account's principals through IAM (auditors
 *   and `art32 verify --kms-key-id` need the public key; it is public by nature);
 * - disabling, deleting, re-policying or granting the key is denied to all but the break-glass
 *   principal (a disabled signing key stops all sealing; a new key policy could re-open Sign).
 * The key is retained with the evidence: its public key checks every manifest ever sealed.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * Key administration actions nobody but break-glass may call: each one can silently stop or
 * re-open signing (a grant or a new policy can give kms:Sign to anyone).
 */
export const PROTECTED_KEY_ACTIONS = [
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:CreateGrant',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:UpdateKeyDescription',
  'kms:DeleteAlias',
  'kms:UpdateAlias',
] as const;

export interface ManifestSigningKeyProps {
  /** ARN of the sealing function's role (built from its fixed name: no circular reference). */
  sealerRoleArn: string;
  breakGlassPrincipalArn: string | null;
  /**
   * CloudFormation's execution role (the CDK bootstrap `cfn-exec-role`). It alone, besides
   * break-glass, keeps `kms:PutKeyPolicy`: KMS refuses to create a key whose policy would stop
   * its creator from putting a policy again (the lockout safety check), and stack updates of
   * this very policy go through it. Any use of it raises the admin-API alarm.
   */
  deployRoleArn: string;
}

/** `ArnNotEquals aws:PrincipalArn` over the principals exempt from a deny (none when the list is empty). */
export function exceptPrincipals(arns: readonly (string | null | undefined)[]): Record<string, unknown> | undefined {
  const kept = arns.filter((a): a is string => typeof a === 'string' && a.length > 0);
  return kept.length ? { ArnNotEquals: { 'aws:PrincipalArn': kept.length === 1 ? kept[0] : kept } } : undefined;
}

/**
 * A resource-policy Deny of `actions` to every principal but `except` (break-glass, the deploy
 * role, the one role an action is meant for): the shape every protected key and bucket uses.
 */
export function denyAllExcept(sid: string, actions: readonly string[], except: readonly (string | null | undefined)[], resources: readonly string[] = ['*']): iam.PolicyStatement {
  const condition = exceptPrincipals(except);
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: [...actions],
    resources: [...resources],
    ...(condition ? { conditions: condition } : {}),
  });
}

export class ManifestSigningKey extends Construct {
  public readonly key: kms.Key;

  public constructor(scope: Construct, id: string, props: ManifestSigningKeyProps) {
    super(scope, id);
    const accountRoot = new iam.AccountRootPrincipal();
    const policy = new iam.PolicyDocument({
      statements: [
        // Key administration stays with the account (else the key is unmanageable and CloudFormation
        // cannot update it) — minus the protected actions below and minus Sign.
        new iam.PolicyStatement({
          sid: 'AccountAdministersTheKey',
          principals: [accountRoot],
          actions: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:TagResource', 'kms:UntagResource', 'kms:EnableKey', 'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:PutKeyPolicy'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'OnlyTheSealerSigns',
          principals: [new iam.ArnPrincipal(props.sealerRoleArn)],
          actions: ['kms:Sign', 'kms:GetPublicKey', 'kms:DescribeKey'],
          resources: ['*'],
        }),
        denyAllExcept('NobodyElseSigns', ['kms:Sign'], [props.sealerRoleArn]),
        denyAllExcept('KeyCannotBeDisabledOrGranted', PROTECTED_KEY_ACTIONS, [props.breakGlassPrincipalArn]),
        denyAllExcept('PolicyOnlyByDeployOrBreakGlass', ['kms:PutKeyPolicy'], [props.breakGlassPrincipalArn, props.deployRoleArn]),
      ],
    });
    this.key = new kms.Key(this, 'Key', {
      description: `art32 manifest signing key (ECDSA P-256): only ${props.sealerRoleArn} may sign`,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      policy,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
