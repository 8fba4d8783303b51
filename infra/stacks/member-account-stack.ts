/**
 * The member-account stack: the read-only role the collector assumes in every collected
 * account. Deploy it per account, or synthesise it once and roll it out with a
 * CloudFormation StackSet (it has no parameters, no assets and no lookups).
 *
 * Trust: only the collector role (by ARN, via `aws:PrincipalArn`) in the collector
 * account, and only with the configured ExternalId. The trust principal is the collector
 * ACCOUNT plus that ARN condition rather than the role ARN itself, because IAM pins a
 * role-ARN principal to the role's unique id: a recreated collector role would silently
 * lose access everywhere. The condition keeps the same "only that role" guarantee.
 *
 * Permissions: exactly lib/collectors/collector-policy.json, the least-privilege policy
 * the live collectors were written against (read at synth, never copied).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { Art32Config } from '../../lib/config';
import { ConfigError } from '../../lib/config';
import { PROJECT_ROOT } from '../constructs/art32-function';
import { acknowledge } from './collector-stack';
import { memberRoleWildcardReason } from './member-role-reasons';

export const COLLECTOR_POLICY_PATH = path.join(PROJECT_ROOT, 'lib', 'collectors', 'collector-policy.json');

export interface MemberAccountStackProps extends StackProps {
  config: Art32Config;
  /** The role's policy; default: lib/collectors/collector-policy.json read at synth. */
  policy?: iam.PolicyDocument;
}

/** Read the collectors' policy document; a missing or malformed file fails synth with its path. */
export function readCollectorPolicy(file = COLLECTOR_POLICY_PATH): iam.PolicyDocument {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the member-role policy ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return iam.PolicyDocument.fromJson(json);
}

export class MemberAccountStack extends Stack {
  public readonly role: iam.Role;

  public constructor(scope: Construct, id: string, props: MemberAccountStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (!config.collectorAccountId) {
      throw new ConfigError('cdk.json context "art32"', ['art32.collectorAccountId: required to synthesise the member-account stack (the account the collector runs in)']);
    }
    const collectorRoleArn = `arn:${this.partition}:iam::${config.collectorAccountId}:role/${config.collectorRoleName}`;
    const policy = props.policy ?? readCollectorPolicy();

    this.role = new iam.Role(this, 'CollectorReadOnlyRole', {
      roleName: config.memberRoleName,
      description: 'art32: read-only access for the compliance-evidence collector',
      assumedBy: new iam.AccountPrincipal(config.collectorAccountId).withConditions({
        StringEquals: { 'sts:ExternalId': config.externalId },
        ArnEquals: { 'aws:PrincipalArn': collectorRoleArn },
      }),
      inlinePolicies: { CollectorReadOnly: policy },
    });
    // The acknowledgement names every action on `Resource: *` with its own reason (member-role-reasons.ts).
    const wildcardActions = ((policy.toJSON()?.Statement ?? []) as { Resource?: string | string[]; Action?: string | string[] }[])
      .filter((s) => [s.Resource].flat().includes('*'))
      .flatMap((s) => [s.Action ?? []].flat());
    if (wildcardActions.length > 0) {
      acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]', memberRoleWildcardReason(wildcardActions));
    }
  }
}
