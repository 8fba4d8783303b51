/**
 * The auditors' door to the deployed evidence: one role that can read the evidence table and
 * its indexes and nothing else.
 * - Allowed: `dynamodb:Query`, `GetItem`, `DescribeTable` on the table and each index by ARN
 *   (what `art32 history`/`verify`/`export`/`serve --table` send); `kms:Decrypt`/`DescribeKey`
 *   on the evidence key only through DynamoDB (`kms:ViaService`); when the stack has them,
 *   read of the anchor bucket and the signing key's public half.
 * - Denied explicitly (so a policy attached later cannot widen it): Scan and every write or
 *   delete action on the table and its indexes.
 * - Trust: `aws:MultiFactorAuthPresent` for everyone; principals of other accounts also need
 *   `sts:ExternalId`. Sessions last at most one hour.
 * - Identity Center: the same policy as a JSON output, to paste into a permission set's inline
 *   policy (Identity Center requires MFA at sign-in; its sessions carry no MFA context key, so
 *   they cannot assume this role with the condition above).
 */
import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { arnAccount, type AuditorsConfig } from '../../lib/config';
import { DENIED_EVIDENCE_ACTIONS, type EvidenceTable } from './evidence-table';

/** What an auditor may do on the table: read items by key or key range, and see the table's shape. */
export const AUDITOR_ACTIONS = ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:DescribeTable'] as const;
/** Denied to the auditor whatever else is attached: reading everything at once and any change. */
export const AUDITOR_DENIED_ACTIONS = ['dynamodb:Scan', 'dynamodb:PutItem', ...DENIED_EVIDENCE_ACTIONS, 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLSelect', 'dynamodb:ImportTable', 'dynamodb:ExportTableToPointInTime', 'dynamodb:RestoreTableToPointInTime', 'dynamodb:UpdateTable'] as const;

export interface AuditorRoleProps {
  evidence: EvidenceTable;
  auditors: AuditorsConfig;
  /** Principals of this account need MFA only; every other account also needs the ExternalId. */
  collectorAccountId: string | undefined;
  /**
   * Where every seal is anchored (read: list the bucket's object versions, get the anchor objects
   * under `prefix`): what `verify`/`serve --anchors s3://bucket/prefix` compare the chain with.
   * The bucket may live in a log-archive account: its bucket policy must then name this role too.
   */
  anchors?: { bucketName: string; prefix: string };
  /** The key manifests are signed with (read: its public half, to verify signatures offline). */
  signingKey?: kms.IKey;
}

export class AuditorRole extends Construct {
  public readonly role?: iam.Role;
  public readonly policy: iam.PolicyDocument;

  public constructor(scope: Construct, id: string, props: AuditorRoleProps) {
    super(scope, id);
    const { auditors } = props;
    this.policy = auditorPolicy(props);

    const trusted = [...auditors.principals.map((arn) => ({ arn, account: arnAccount(arn) })), ...auditors.accounts.map((account) => ({ arn: `arn:${Stack.of(this).partition}:iam::${account}:root`, account }))];
    if (trusted.length > 0) {
      const mfa = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
      const own = trusted.filter((t) => t.account === props.collectorAccountId);
      const foreign = trusted.filter((t) => t.account !== props.collectorAccountId);
      // The config schema refuses foreign principals without an ExternalId; checked again here for direct construct users.
      if (foreign.length > 0 && auditors.externalId === undefined) throw new Error('auditors.externalId is required for principals of other accounts');
      const groups = [
        ...(own.length ? [{ principals: own, conditions: mfa }] : []),
        ...(foreign.length ? [{ principals: foreign, conditions: { ...mfa, StringEquals: { 'sts:ExternalId': auditors.externalId as string } } }] : []),
      ];
      const [first, ...rest] = groups;
      if (!first) throw new Error('unreachable: trusted principals without a group');
      this.role = new iam.Role(this, 'Role', {
        roleName: auditors.roleName,
        description: 'art32 auditor: read-only on the evidence table (Query, GetItem, DescribeTable), MFA required',
        assumedBy: new iam.PrincipalWithConditions(principalsOf(first.principals), first.conditions),
        maxSessionDuration: Duration.hours(1),
        inlinePolicies: { ReadEvidence: this.policy },
      });
      if (props.anchors) {
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${props.anchors.bucketName}/${props.anchors.prefix}*]`,
          reason: 'One anchor object per seal, named by account and run: the auditor reads (never writes) every anchor under the anchors/ prefix of the one anchor bucket to compare the chain with it.',
        });
      }
      for (const g of rest) {
        this.role.assumeRolePolicy?.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: g.principals.map((p) => new iam.ArnPrincipal(p.arn)), conditions: g.conditions }));
      }
      new CfnOutput(this, 'RoleArn', { value: this.role.roleArn, description: 'art32 auditor role: assume it with MFA (and the ExternalId from another account), then run art32 history/verify/export/serve with --table' });
    }
    if (auditors.identityCenterPermissionSet) {
      new CfnOutput(this, 'PermissionSetInlinePolicy', {
        value: Stack.of(this).toJsonString(this.policy.toJSON()),
        description: 'art32 auditor policy for an IAM Identity Center permission set (inline policy), provisioned into this account',
      });
    }
  }
}

function principalsOf(list: readonly { arn: string }[]): iam.IPrincipal {
  const principals = list.map((p) => new iam.ArnPrincipal(p.arn));
  return principals.length === 1 ? (principals[0] as iam.IPrincipal) : new iam.CompositePrincipal(...principals);
}

/** The auditor's identity policy (also the Identity Center permission set's inline policy). */
export function auditorPolicy(props: Omit<AuditorRoleProps, 'auditors' | 'collectorAccountId'>): iam.PolicyDocument {
  const { evidence } = props;
  const region = Stack.of(evidence).region;
  const statements = [
    new iam.PolicyStatement({ sid: 'ReadEvidence', actions: [...AUDITOR_ACTIONS], resources: evidence.resourceArns() }),
    new iam.PolicyStatement({
      sid: 'DecryptEvidenceThroughDynamoDB',
      actions: ['kms:Decrypt', 'kms:DescribeKey'],
      resources: [evidence.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
    }),
    new iam.PolicyStatement({ sid: 'NeverScanOrChangeEvidence', effect: iam.Effect.DENY, actions: [...AUDITOR_DENIED_ACTIONS], resources: evidence.resourceArns() }),
  ];
  if (props.anchors) {
    const bucketArn = `arn:${Stack.of(evidence).partition}:s3:::${props.anchors.bucketName}`;
    statements.push(
      new iam.PolicyStatement({ sid: 'ListAnchors', actions: ['s3:ListBucket', 's3:ListBucketVersions'], resources: [bucketArn] }),
      new iam.PolicyStatement({ sid: 'ReadAnchors', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold'], resources: [`${bucketArn}/${props.anchors.prefix}*`] }),
    );
  }
  if (props.signingKey) {
    statements.push(new iam.PolicyStatement({ sid: 'ReadSigningPublicKey', actions: ['kms:GetPublicKey', 'kms:DescribeKey'], resources: [props.signingKey.keyArn] }));
  }
  return new iam.PolicyDocument({ statements });
}
