/**
 * The evidence table, hardened for an audit trail:
 * - on-demand billing, point-in-time recovery, deletion protection;
 * - a customer-managed KMS key with yearly rotation (the key, too, is retained);
 * - `RemovalPolicy.RETAIN`: deleting the stack leaves the evidence and its key behind;
 * - a resource policy that DENIES BatchWriteItem, DeleteItem, UpdateItem, PartiQL
 *   delete/update and DeleteTable to every principal — the stack's own roles included —
 *   except an explicitly configured break-glass principal (none by default);
 * - DynamoDB TTL on `expiresAt`: records and run payloads (personal data) expire under the
 *   evidence retention; nobody is given a delete permission for it (docs/retention.md);
 * - the same policy DENIES the calls that would undo those protections — PutResourcePolicy,
 *   DeleteResourcePolicy (the deny itself), UpdateContinuousBackups (point-in-time recovery),
 *   UpdateTimeToLive (a TTL attribute would let DynamoDB expire evidence), UpdateTable
 *   (deletion protection, encryption key, streams) — to all but break-glass and CloudFormation's
 *   execution role, which applies this very template on a stack update (every such call by
 *   either raises the admin-API alarm, infra/constructs/admin-api-alarm.ts).
 *
 * What a policy can't deny: a PutItem that overwrites an existing item is the same IAM
 * action as a first write. Overwrites are prevented in code (every evidence write is
 * conditional on the key not existing, see lib/evidence/store.ts) and any overwrite
 * made outside that code is detected by the per-account hash chain (`art32 verify`).
 *
 * Key schema and indexes come from lib/evidence/table.ts, the same definition the
 * embedded store creates, so the CLI and the deployed table can't diverge.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EVIDENCE_TABLE } from '../../lib/evidence/table';
import { RUN_LOCK_KEY } from '../../lib/evidence/run-lock';
import { exceptPrincipals } from './manifest-signing-key';
import { EXPIRES_AT_ATTRIBUTE, MANIFEST_ATTRIBUTES } from '../../lib/evidence/store';

/**
 * Actions the table's resource policy denies to everyone but the break-glass principal.
 * BatchWriteItem is among them because it carries DeleteRequest as well as PutRequest and
 * IAM can't tell them apart; the evidence store appends with conditional PutItem only.
 */
export const DENIED_EVIDENCE_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:UpdateItem',
  'dynamodb:PartiQLDelete',
  'dynamodb:PartiQLUpdate',
  'dynamodb:DeleteTable',
] as const;

/**
 * Calls that would undo the table's protections: denied to all but break-glass and the deploy
 * role (CloudFormation needs each of them to apply a changed template: UpdateTable and
 * UpdateContinuousBackups for settings and PITR, Put/DeleteResourcePolicy for this policy,
 * UpdateTimeToLive for a TTL specification).
 */
export const PROTECTED_TABLE_ACTIONS = [
  'dynamodb:PutResourcePolicy',
  'dynamodb:DeleteResourcePolicy',
  'dynamodb:UpdateContinuousBackups',
  'dynamodb:UpdateTimeToLive',
  'dynamodb:UpdateTable',
] as const;

/**
 * Exact actions the evidence writer gets: add items (conditional PutItem, see
 * lib/evidence/store.ts) and read them back — nothing that removes or alters an item.
 */
export const WRITER_ACTIONS = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'] as const;
/** Exact actions a reader of evidence gets. */
export const READER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'] as const;

const attributeType = (type: 'S' | 'N' | 'B'): dynamodb.AttributeType =>
  type === 'S' ? dynamodb.AttributeType.STRING : type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.BINARY;

export interface EvidenceTableProps {
  tableName: string;
  /** The only principal allowed the denied actions (e.g. an incident-response role); null = nobody. */
  breakGlassPrincipalArn: string | null;
  /** CloudFormation's execution role: keeps the PROTECTED_TABLE_ACTIONS so stack updates can apply the template. */
  deployRoleArn: string;
}

export class EvidenceTable extends Construct {
  public readonly table: dynamodb.TableV2;
  public readonly key: kms.Key;

  public constructor(scope: Construct, id: string, props: EvidenceTableProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'art32 evidence table encryption (customer managed)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The default key policy lets any account admin disable the key or schedule its deletion —
    // which makes every evidence item unreadable. Denied to all but break-glass (PutKeyPolicy:
    // also the deploy role, which KMS's lockout check requires and stack updates use). DynamoDB
    // itself creates the table's grants: grant calls are denied unless made through DynamoDB.
    const except = (arns: (string | null)[]) => exceptPrincipals(arns) ?? {};
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EvidenceKeyCannotBeDisabledOrDeleted',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:UpdateAlias', 'kms:DeleteAlias'],
        resources: ['*'],
        conditions: except([props.breakGlassPrincipalArn]),
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EvidenceKeyPolicyOnlyByDeployOrBreakGlass',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:PutKeyPolicy'],
        resources: ['*'],
        conditions: except([props.breakGlassPrincipalArn, props.deployRoleArn]),
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EvidenceKeyGrantsOnlyThroughDynamoDB',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:RevokeGrant'],
        resources: ['*'],
        conditions: { StringNotEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` }, ...except([props.breakGlassPrincipalArn]) },
      }),
    );

    const deny = new iam.PolicyStatement({
      sid: 'EvidenceIsAppendOnly',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...DENIED_EVIDENCE_ACTIONS],
      // In a table's resource policy `*` means this table and its indexes; naming the
      // table's own ARN here would make the table depend on itself.
      resources: ['*'],
    });
    if (props.breakGlassPrincipalArn) {
      deny.addCondition('ArnNotEquals', { 'aws:PrincipalArn': props.breakGlassPrincipalArn });
    }
    const protections = new iam.PolicyStatement({
      sid: 'ProtectionsOnlyByDeployOrBreakGlass',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...PROTECTED_TABLE_ACTIONS],
      resources: ['*'],
      conditions: exceptPrincipals([props.breakGlassPrincipalArn, props.deployRoleArn]),
    });

    const def = EVIDENCE_TABLE;
    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: def.partitionKey.name, type: attributeType(def.partitionKey.type) },
      sortKey: { name: def.sortKey.name, type: attributeType(def.sortKey.type) },
      globalSecondaryIndexes: def.globalSecondaryIndexes.map((gsi) => ({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey.name, type: attributeType(gsi.partitionKey.type) },
        ...(gsi.sortKey ? { sortKey: { name: gsi.sortKey.name, type: attributeType(gsi.sortKey.type) } } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      removalPolicy: RemovalPolicy.RETAIN,
      resourcePolicy: new iam.PolicyDocument({ statements: [deny, protections] }),
      // Evidence retention (docs/retention.md): DynamoDB deletes an item once its `expiresAt`
      // (epoch seconds) has passed — only record and payload items carry it (the writer sets it
      // from the retention in force at collection); manifests, run headers, collection contexts
      // and the register never do, so the chain stays verifiable. Set here in the template: the
      // resource policy denies UpdateTimeToLive to everyone but break-glass and the deploy role.
      timeToLiveAttribute: EXPIRES_AT_ATTRIBUTE,
    });
  }

  /** ARNs of the table and of each index by name — no `index/*` wildcard. */
  public resourceArns(): string[] {
    return [this.table.tableArn, ...EVIDENCE_TABLE.globalSecondaryIndexes.map((gsi) => `${this.table.tableArn}/index/${gsi.indexName}`)];
  }

  /** Lets `grantee` append evidence (conditional PutItem) and read it back. */
  public grantAppend(grantee: iam.IGrantable): void {
    // The key actions CDK's own TableV2 write grant uses; scoped to DynamoDB below.
    this.grant(grantee, WRITER_ACTIONS, ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo']);
  }

  /**
   * Lets `grantee` take and release the run lock (lib/evidence/run-lock.ts): PutItem and
   * GetItem on the `LOCK` partition only (`dynamodb:LeadingKeys`), never an evidence item.
   */
  public grantRunLock(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [RUN_LOCK_KEY.pk] } },
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }

  /**
   * Lets the sealer write manifests — and nothing else. The sealer's PutItem is limited by
   * conditions DynamoDB evaluates on the request itself:
   * - `dynamodb:LeadingKeys` like `ACCOUNT#*`: never the `ACCOUNTS` registry partition;
   * - `dynamodb:Attributes` ⊆ the manifest item's attribute names (MANIFEST_ATTRIBUTES): a
   *   record item needs `gsi1pk`, `ruleId`, `status`, `fieldHashes`…, which the sealer may not
   *   send, so any record-shaped item it could write lacks the attributes `verify` recomputes
   *   from the body and is reported. (IAM cannot condition on the sort key, so a per-prefix
   *   grant is impossible in one table; this is the closest exact bound.)
   */
  public grantSeal(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [this.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACCOUNT#*'] },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...MANIFEST_ATTRIBUTES] },
        },
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }

  /** Lets `grantee` read evidence. */
  public grantRead(grantee: iam.IGrantable): void {
    this.grant(grantee, READER_ACTIONS, ['kms:Decrypt', 'kms:DescribeKey']);
  }

  private grant(grantee: iam.IGrantable, actions: readonly string[], keyActions: string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: this.resourceArns() }));
    // Same-account key: the key policy delegates to IAM, so an identity statement is enough.
    // kms:ViaService keeps the key usable only through DynamoDB: a function role cannot
    // decrypt or encrypt with the evidence key directly.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: keyActions,
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }
}
