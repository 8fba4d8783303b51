/**
 * PublishFindings: the step after FinalizeRun that puts each sealed run on EventBridge and, when
 * configured, into the collector account's Security Hub.
 *
 * Its own function and role, so neither the writer (CollectAccount) nor the sealer (FinalizeRun)
 * holds these grants, and this role cannot write evidence: read-only on the table, PutEvents on
 * the default bus only for `source: art32` events, Security Hub import only into this account's
 * own product ARN.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { publishFindingsEnvironment, type IntegrationsConfig } from '../../lib/config';
import { EVENT_SOURCE, securityHubImportStatements } from '../../lib/integrations';
import { Art32Function } from './art32-function';
import type { EvidenceTable } from './evidence-table';

export interface PublishFindingsProps {
  evidence: EvidenceTable;
  integrations: IntegrationsConfig;
  logRetention: logs.RetentionDays;
}

export class PublishFindings extends Construct {
  public readonly fn: Art32Function;

  public constructor(scope: Construct, id: string, props: PublishFindingsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.fn = new Art32Function(this, 'PublishFindings', {
      name: 'publish-findings',
      description: 'art32: put each sealed run on EventBridge and into Security Hub (read-only on evidence)',
      environment: publishFindingsEnvironment(props.integrations, props.evidence.table.tableName, stack.partition),
      timeout: Duration.minutes(5),
      logRetention: props.logRetention,
    });
    props.evidence.grantRead(this.fn.role);
    if (props.integrations.events) {
      this.fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['events:PutEvents'],
          resources: [`arn:${stack.partition}:events:${stack.region}:${stack.account}:event-bus/default`],
          // Only art32's own events: the role cannot impersonate aws.* or another application's source.
          conditions: { StringEquals: { 'events:source': EVENT_SOURCE } },
        }),
      );
    }
    if (props.integrations.securityHub) {
      for (const statement of securityHubImportStatements(stack.partition, stack.region, stack.account)) {
        this.fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: statement.actions, resources: statement.resources }));
      }
    }
  }
}
