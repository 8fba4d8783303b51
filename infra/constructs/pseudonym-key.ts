/**
 * The pseudonym key of the weekly email (`report.pseudonymise`): a KMS HMAC key (KeySpec
 * HMAC_256, KeyUsage GENERATE_VERIFY_MAC). A pseudonym is the HMAC of a person's name
 * (lib/report/pseudonym-kms.ts); the key never leaves KMS, so re-identifying someone means
 * calling `kms:GenerateMac` — which this key policy, not IAM, restricts:
 * - the report function's role computes pseudonyms (allowed here, and in its IAM policy);
 * - the configured resolvers (`report.pseudonymResolvers`, e.g. the DPO's role) may too, to run
 *   `art32 pseudonym resolve --kms-key-id` — every call is in CloudTrail;
 * - every other principal is DENIED GenerateMac and VerifyMac, so no IAM policy an account admin
 *   attaches later hands re-identification to someone else (GDPR Art. 4(5): the additional
 *   information is kept separately and under technical measures);
 * - disabling, deleting, granting or re-policying the key is denied to all but break-glass
 *   (PutKeyPolicy: also the deploy role, which KMS's lockout check and stack updates need).
 * No automatic rotation (KMS rotates symmetric encryption keys only; a new HMAC key would also
 * change every pseudonym, so a recurring signal would no longer be recognisable). Retained with
 * the evidence: without it, pseudonyms in past emails cannot be resolved.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { denyAllExcept, PROTECTED_KEY_ACTIONS } from './manifest-signing-key';

/** What computing (or checking) a pseudonym takes. */
export const PSEUDONYM_MAC_ACTIONS = ['kms:GenerateMac', 'kms:VerifyMac'] as const;

export interface PseudonymKeyProps {
  /** The report function's role: the one stack principal that computes pseudonyms. */
  reportRoleArn: string;
  /** Principals who may resolve pseudonyms (the DPO's, the incident responder's role). */
  resolverArns: readonly string[];
  breakGlassPrincipalArn: string | null;
  /** CloudFormation's execution role (see ManifestSigningKeyProps.deployRoleArn). */
  deployRoleArn: string;
}

export class PseudonymKey extends Construct {
  public readonly key: kms.Key;

  public constructor(scope: Construct, id: string, props: PseudonymKeyProps) {
    super(scope, id);
    const computers = [props.reportRoleArn, ...props.resolverArns];
    const policy = new iam.PolicyDocument({
      statements: [
        // Administration stays with the account (else CloudFormation cannot update the key) —
        // minus the MAC operations and the protected actions, denied below.
        new iam.PolicyStatement({
          sid: 'AccountAdministersTheKey',
          principals: [new iam.AccountRootPrincipal()],
          actions: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:TagResource', 'kms:UntagResource', 'kms:EnableKey', 'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:PutKeyPolicy'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'ReportAndResolversComputePseudonyms',
          principals: computers.map((arn) => new iam.ArnPrincipal(arn)),
          actions: ['kms:GenerateMac', 'kms:DescribeKey'],
          resources: ['*'],
        }),
        denyAllExcept('NobodyElseComputesPseudonyms', PSEUDONYM_MAC_ACTIONS, computers),
        denyAllExcept('KeyCannotBeDisabledOrGranted', PROTECTED_KEY_ACTIONS, [props.breakGlassPrincipalArn]),
        denyAllExcept('PolicyOnlyByDeployOrBreakGlass', ['kms:PutKeyPolicy'], [props.breakGlassPrincipalArn, props.deployRoleArn]),
      ],
    });
    this.key = new kms.Key(this, 'Key', {
      description: 'art32 pseudonym key (HMAC-SHA-256) of the weekly email: only the report function and the configured resolvers may compute pseudonyms',
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      policy,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
