/**
 * Optional guardrails stack (`guardrails` in cdk.json): an AWS Organizations service control
 * policy, deployed in the organization's management account and attached to the given targets
 * (the collector account, or its OU), that denies the same protection-undoing calls as the
 * resource policies — so even an administrator who rewrites a resource policy is still refused,
 * by a policy the collector account cannot change:
 * - on the evidence table: deleting or altering items, deleting the table, and the calls that
 *   change its resource policy, backups, TTL or settings;
 * - on the two KMS keys (tagged `art32:protects=evidence`): disabling, scheduling deletion,
 *   re-policying, grants, aliases — and removing or changing that tag (else an admin would untag
 *   the key first);
 * - on the anchor bucket: its lock, versioning, lifecycle, policy and any object deletion.
 * Exempt: the break-glass principal, and CloudFormation's execution role (CDK bootstrap) for the
 * calls a stack update makes. SCPs never restrict the management account or service-linked
 * roles (AWS Organizations); DynamoDB's own grant use goes through the key policy's ViaService.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import type { Construct } from 'constructs';
import type { Art32Config } from '../../lib/config';
import { PROTECTED_BUCKET_ACTIONS } from '../constructs/anchor-bucket';
import { DENIED_EVIDENCE_ACTIONS, PROTECTED_TABLE_ACTIONS } from '../constructs/evidence-table';
import { PROTECTED_KEY_ACTIONS } from '../constructs/manifest-signing-key';

/** Tag on both evidence keys: the SCP's key statements apply to keys carrying it. */
export const PROTECTION_TAG = { key: 'art32:protects', value: 'evidence' } as const;

export interface GuardrailsStackProps extends StackProps {
  config: Art32Config;
  /** The collector account (the table and keys live there). */
  collectorAccount: string;
  anchorAccount: string;
  anchorBucketName: string;
  /** Organization roots, OUs or accounts the SCP is attached to. */
  targetIds: string[];
}

/** The SCP document (exported for tests and for organisations that manage SCPs elsewhere). */
export function guardrailsPolicy(props: Omit<GuardrailsStackProps, 'targetIds'> & { partition: string }): Record<string, unknown> {
  const { config, partition } = props;
  // Any region of the collector account (a stack redeployed elsewhere keeps the same role names).
  const deployRole = `arn:${partition}:iam::*:role/cdk-hnb659fds-cfn-exec-role-*`;
  const exempt = (withDeploy: boolean) => {
    const arns = [...(config.breakGlassPrincipalArn ? [config.breakGlassPrincipalArn] : []), ...(withDeploy ? [deployRole] : [])];
    return arns.length ? { ArnNotLike: { 'aws:PrincipalArn': arns } } : {};
  };
  const table = `arn:${partition}:dynamodb:${config.region}:${props.collectorAccount}:table/${config.tableName}`;
  const keys = `arn:${partition}:kms:*:${props.collectorAccount}:key/*`;
  const bucket = `arn:${partition}:s3:::${props.anchorBucketName}`;
  const tagged = { StringEquals: { [`aws:ResourceTag/${PROTECTION_TAG.key}`]: PROTECTION_TAG.value } };
  const statement = (Sid: string, Action: readonly string[], Resource: string[], Condition: Record<string, unknown>) => ({
    Sid,
    Effect: 'Deny',
    Action: [...Action],
    Resource,
    ...(Object.keys(Condition).length ? { Condition } : {}),
  });
  return {
    Version: '2012-10-17',
    Statement: [
      statement('Art32EvidenceIsAppendOnly', DENIED_EVIDENCE_ACTIONS, [table, `${table}/*`], exempt(false)),
      statement('Art32TableProtections', PROTECTED_TABLE_ACTIONS, [table, `${table}/*`], exempt(true)),
      statement('Art32KeysStayEnabled', PROTECTED_KEY_ACTIONS.filter((a) => a !== 'kms:UpdateKeyDescription'), [keys], { ...tagged, ...exempt(false) }),
      statement('Art32KeyPolicies', ['kms:PutKeyPolicy'], [keys], { ...tagged, ...exempt(true) }),
      statement('Art32KeyTagStays', ['kms:UntagResource', 'kms:TagResource'], [keys], { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [PROTECTION_TAG.key] }, ...exempt(true) }),
      statement('Art32AnchorsStayLocked', PROTECTED_BUCKET_ACTIONS, [bucket, `${bucket}/*`], exempt(false)),
      statement('Art32AnchorPolicy', ['s3:PutBucketPolicy'], [bucket], exempt(true)),
    ],
  };
}

export class GuardrailsStack extends Stack {
  public readonly policy: organizations.CfnPolicy;

  public constructor(scope: Construct, id: string, props: GuardrailsStackProps) {
    super(scope, id, props);
    this.policy = new organizations.CfnPolicy(this, 'EvidenceGuardrails', {
      name: 'art32-evidence-guardrails',
      description: 'art32: nobody but break-glass (and the CDK deploy role for stack updates) may undo the evidence protections',
      type: 'SERVICE_CONTROL_POLICY',
      content: guardrailsPolicy({ ...props, partition: this.partition }),
      targetIds: props.targetIds,
    });
  }
}
