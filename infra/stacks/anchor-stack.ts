/**
 * The anchor stack: the WORM bucket every seal is copied to (infra/constructs/anchor-bucket.ts),
 * deployed on its own so it can live in a separate log-archive account (`anchors.accountId`
 * in cdk.json): an administrator of the collector account then cannot touch it at all, and
 * one of the log-archive account still cannot delete or shorten a compliance-mode lock.
 */
import { DefaultStackSynthesizer, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { Art32Config } from '../../lib/config';
import { AnchorBucket } from '../constructs/anchor-bucket';
import { acknowledge } from './collector-stack';

export interface AnchorStackProps extends StackProps {
  config: Art32Config;
  /** Account of the collector stack (its sealer role writes the anchors). */
  collectorAccount: string;
  bucketName: string;
}

/** ARN of CloudFormation's execution role in `account`/`region` (CDK bootstrap, default qualifier). */
export function cfnExecRoleArn(partition: string, account: string, region: string): string {
  return `arn:${partition}:iam::${account}:role/cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-cfn-exec-role-${account}-${region}`;
}

export class AnchorStack extends Stack {
  public readonly anchors: AnchorBucket;

  public constructor(scope: Construct, id: string, props: AnchorStackProps) {
    super(scope, id, props);
    const { config } = props;
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(accessLogs, 'AwsSolutions-S1', 'This bucket receives the anchor bucket server access logs; logging it into itself would loop.');
    this.anchors = new AnchorBucket(this, 'Anchors', {
      bucketName: props.bucketName,
      retentionDays: config.anchors.retentionDays,
      sealerRoleArn: `arn:${this.partition}:iam::${props.collectorAccount}:role/${config.sealerRoleName}`,
      breakGlassPrincipalArn: config.breakGlassPrincipalArn,
      deployRoleArn: cfnExecRoleArn(this.partition, this.account, this.region),
      accessLogs,
    });
  }
}
