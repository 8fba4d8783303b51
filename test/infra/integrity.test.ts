/**
 * Separation of duties and the WORM anchor, pinned in the synthesized templates:
 * - one SIGN_VERIFY key; kms:Sign allowed to exactly one role (the sealer, FinalizeRun) and
 *   denied by the key policy to every other principal; no other role of the stack holds it;
 * - the sealer's only write is PutItem of manifest-shaped items outside the registry;
 * - the record writer (collect) cannot sign;
 * - the anchor bucket: Object Lock in COMPLIANCE mode with the configured retention, versioned,
 *   its lock/policy/versioning/deletes denied to all but break-glass.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Art32App } from '../../infra/app-builder';
import { MANIFEST_ATTRIBUTES } from '../../lib/evidence/store';
import { RUN_LOCK_KEY } from '../../lib/evidence/run-lock';
import { PROTECTED_TABLE_ACTIONS } from '../../infra/constructs/evidence-table';
import { WATCHED_BUCKET_CALLS, WATCHED_KEY_CALLS, WATCHED_TABLE_CALLS } from '../../infra/constructs/admin-api-alarm';
import { TEST_CONFIG, cleanup, synthApp } from './app';

let built: Art32App;
let collector: Template;
let anchors: Template;
beforeAll(() => {
  built = synthApp({ ...TEST_CONFIG, breakGlassPrincipalArn: 'arn:aws:iam::999999999999:role/incident-response' });
  collector = Template.fromStack(built.collector);
  anchors = Template.fromStack(built.anchors);
});
afterAll(() => cleanup(built.app));

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: unknown };
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const str = (x: unknown) => JSON.stringify(x);

/** Identity statements per role logical id (policies attached to roles). */
function roleStatements(t: Template): Map<string, Statement[]> {
  const out = new Map<string, Statement[]>();
  for (const r of Object.values(t.findResources('AWS::IAM::Policy'))) {
    for (const role of list(r.Properties.Roles as { Ref: string }[])) {
      out.set(role.Ref, [...(out.get(role.Ref) ?? []), ...list(r.Properties.PolicyDocument.Statement as Statement[])]);
    }
  }
  return out;
}

function roleIdNamed(t: Template, name: string): string {
  const [id] = Object.entries(t.findResources('AWS::IAM::Role')).find(([, r]) => r.Properties.RoleName === name) ?? [];
  expect(id, `role ${name}`).toBeDefined();
  return id as string;
}

function signingKey(): { id: string; statements: Statement[] } {
  const keys = Object.entries(collector.findResources('AWS::KMS::Key', { Properties: { KeyUsage: 'SIGN_VERIFY' } }));
  expect(keys).toHaveLength(1);
  const [id, key] = keys[0]!;
  expect(key.Properties.KeySpec).toBe('ECC_NIST_P256');
  expect(key.DeletionPolicy).toBe('Retain');
  return { id, statements: list(key.Properties.KeyPolicy.Statement as Statement[]) };
}

describe('manifest signing key', () => {
  it('kms:Sign is allowed to exactly one principal, the sealer role, and denied to every other', () => {
    const { statements } = signingKey();
    const allowsSign = statements.filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => a === 'kms:Sign' || a === 'kms:*' || a === 'kms:Sign*'));
    expect(allowsSign).toHaveLength(1);
    expect(str(allowsSign[0]!.Principal)).toContain(':role/art32-sealer');
    const deny = statements.find((s) => s.Sid === 'NobodyElseSigns')!;
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Sign' });
    expect(str(deny.Condition)).toMatch(/^\{"ArnNotEquals":\{"aws:PrincipalArn":.*:role\/art32-sealer"\]\]\}\}\}$/);
    // No statement grants the account (hence IAM) kms:* on this key.
    expect(statements.some((s) => list(s.Action).includes('kms:*'))).toBe(false);
  });

  it('no role of the stack but the sealer holds kms:Sign in its identity policy; the sealer is FinalizeRun', () => {
    const sealer = roleIdNamed(collector, 'art32-sealer');
    const holders = [...roleStatements(collector)].filter(([, st]) => st.some((s) => s.Effect === 'Allow' && list(s.Action).some((a) => /^kms:(Sign|\*)/.test(a)))).map(([id]) => id);
    expect(holders).toEqual([sealer]);
    const finalize = Object.values(collector.findResources('AWS::Lambda::Function')).find((f) => str(f.Properties.Environment).includes('SIGNING_KEY_ID'));
    expect(str(finalize?.Properties.Role)).toContain(sealer);
    expect(str(finalize?.Properties.Environment)).toContain('s3://art32-anchors-999999999999-eu-west-3/anchors/');
  });

  it('the record writer (collect role) can write records but cannot sign', () => {
    const collect = roleStatements(collector).get(roleIdNamed(collector, 'art32-collector')) ?? [];
    expect(collect.some((s) => list(s.Action).includes('dynamodb:PutItem'))).toBe(true);
    expect(collect.some((s) => list(s.Action).some((a) => a.startsWith('kms:Sign') || a === 'kms:*'))).toBe(false);
  });

  it('the report function reads the public key only: kms:GetPublicKey on the signing key, never Sign; its environment names the key', () => {
    const { id } = signingKey();
    const report = Object.entries(collector.findResources('AWS::Lambda::Function')).find(([, f]) => str(f.Properties.Environment).includes('REPORT_SENDER'));
    expect(report, 'send-report function').toBeDefined();
    const fn = report![1];
    expect(fn.Properties.Environment.Variables.SIGNING_KEY_ID).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const kmsOnSigningKey = (roleStatements(collector).get(roleId) ?? []).filter((s) => s.Effect === 'Allow' && str(s.Resource).includes(id));
    expect(kmsOnSigningKey).toHaveLength(1);
    expect(kmsOnSigningKey[0]!.Action).toBe('kms:GetPublicKey');
    expect(kmsOnSigningKey[0]!.Resource).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
    expect((roleStatements(collector).get(roleId) ?? []).some((s) => list(s.Action).some((a) => /^kms:(Sign|\*)/.test(a)))).toBe(false);
  });

  it('disabling, deleting or granting the key is denied to all but break-glass; PutKeyPolicy to all but break-glass and the deploy role', () => {
    const { statements } = signingKey();
    const protectedDeny = statements.find((s) => s.Sid === 'KeyCannotBeDisabledOrGranted')!;
    expect(protectedDeny.Effect).toBe('Deny');
    expect(list(protectedDeny.Action)).toEqual(expect.arrayContaining(['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:CreateGrant', 'kms:RevokeGrant', 'kms:RetireGrant']));
    expect(protectedDeny.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::999999999999:role/incident-response' } });
    const policyDeny = statements.find((s) => s.Sid === 'PolicyOnlyByDeployOrBreakGlass')!;
    expect(policyDeny.Action).toBe('kms:PutKeyPolicy');
    expect(str(policyDeny.Condition)).toContain('incident-response');
    expect(str(policyDeny.Condition)).toContain('cdk-hnb659fds-cfn-exec-role-');
  });
});

describe('the sealer writes manifests and nothing else', () => {
  it("its only PutItem is on the base table, outside the ACCOUNTS registry, limited to a manifest's attributes", () => {
    const sealer = roleStatements(collector).get(roleIdNamed(collector, 'art32-sealer')) ?? [];
    // Besides the run lock (#14: its own `LOCK` partition, never an evidence item), one write grant.
    const lockOnly = (s: { Condition?: unknown }) => JSON.stringify(s.Condition) === JSON.stringify({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [RUN_LOCK_KEY.pk] } });
    const writes = sealer.filter((s) => list(s.Action).some((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|PartiQL)/.test(a)) && !lockOnly(s));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.Action).toBe('dynamodb:PutItem');
    expect(writes[0]!.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACCOUNT#*'] },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...MANIFEST_ATTRIBUTES] },
    });
    // A record item cannot be written with those attributes: it needs its rule index key and status.
    for (const recordOnly of ['gsi1pk', 'gsi1sk', 'ruleId', 'status', 'fieldHashes', 'requirementIds']) expect(MANIFEST_ATTRIBUTES).not.toContain(recordOnly);
  });
});

describe('anchor bucket (Art32Anchors stack)', () => {
  it('Object Lock in COMPLIANCE mode with the configured retention, versioned, public access blocked, retained', () => {
    const buckets = anchors.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } });
    const entries = Object.values(buckets);
    expect(entries).toHaveLength(1);
    const bucket = entries[0]!;
    expect(bucket.Properties).toMatchObject({
      BucketName: 'art32-anchors-999999999999-eu-west-3',
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1096 } } },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('retention comes from cdk.json', () => {
    const other = synthApp({ ...TEST_CONFIG, anchors: { retentionDays: 400, accountId: '888888888888' } });
    const t = Template.fromStack(other.anchors);
    t.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'art32-anchors-888888888888-eu-west-3', ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } } } });
    expect(other.anchors.account).toBe('888888888888');
    cleanup(other.app);
  });

  it('the sealer may add and read anchors; lock, versioning, lifecycle and deletes are denied to all but break-glass', () => {
    const policy = Object.values(anchors.findResources('AWS::S3::BucketPolicy')).find((p) => str(p.Properties.PolicyDocument).includes('SealerAppendsAnchors'))!;
    const statements = list(policy.Properties.PolicyDocument.Statement as Statement[]);
    const append = statements.find((s) => s.Sid === 'SealerAppendsAnchors')!;
    expect(list(append.Action).sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject']);
    expect(str(append.Principal)).toContain(':iam::999999999999:role/art32-sealer');
    const deny = statements.find((s) => s.Sid === 'AnchorsCannotBeUnlocked')!;
    expect(deny.Effect).toBe('Deny');
    expect(list(deny.Action)).toEqual(expect.arrayContaining(['s3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention']));
    expect(deny.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::999999999999:role/incident-response' } });
    // Nobody is allowed to delete an object version.
    expect(statements.some((s) => s.Effect === 'Allow' && list(s.Action).some((a) => a.startsWith('s3:Delete')))).toBe(false);
  });
});

describe('protections an admin cannot quietly undo (evidence table and its key)', () => {
  function tablePolicy(): Statement[] {
    const tables = Object.values(collector.findResources('AWS::DynamoDB::GlobalTable'));
    expect(tables).toHaveLength(1);
    const replicas = tables[0]!.Properties.Replicas as { ResourcePolicy?: { PolicyDocument: { Statement: Statement[] } } }[];
    return list(replicas[0]?.ResourcePolicy?.PolicyDocument.Statement);
  }

  it('the table policy denies PutResourcePolicy, DeleteResourcePolicy, UpdateContinuousBackups, UpdateTimeToLive and UpdateTable to all but break-glass and the CloudFormation execution role', () => {
    const deny = tablePolicy().find((s) => s.Sid === 'ProtectionsOnlyByDeployOrBreakGlass');
    expect(deny).toBeDefined();
    expect(deny!.Effect).toBe('Deny');
    expect(deny!.Principal).toEqual({ AWS: '*' });
    expect(list(deny!.Action).sort()).toEqual([...PROTECTED_TABLE_ACTIONS].sort());
    const exempt = (deny!.Condition as { ArnNotEquals: { 'aws:PrincipalArn': unknown[] } }).ArnNotEquals['aws:PrincipalArn'];
    expect(exempt).toHaveLength(2);
    expect(exempt[0]).toBe('arn:aws:iam::999999999999:role/incident-response');
    expect(str(exempt[1])).toContain('cdk-hnb659fds-cfn-exec-role-');
    // The append-only deny is still there, break-glass only.
    expect(tablePolicy().find((s) => s.Sid === 'EvidenceIsAppendOnly')?.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::999999999999:role/incident-response' } });
  });

  it("the table's encryption key cannot be disabled, deleted or re-policied by an admin; grants only through DynamoDB", () => {
    const tables = Object.values(collector.findResources('AWS::DynamoDB::GlobalTable'));
    const [keyId, key] = Object.entries(collector.findResources('AWS::KMS::Key')).find(([, k]) => str(k.Properties.KeyPolicy).includes('EvidenceKeyCannotBeDisabledOrDeleted'))!;
    // It is the table's encryption key.
    expect(str(tables[0]!.Properties)).toContain(`"KMSMasterKeyId":{"Fn::GetAtt":["${keyId}","Arn"]}`);
    const statements = list(key.Properties.KeyPolicy.Statement as Statement[]);
    const off = statements.find((s) => s.Sid === 'EvidenceKeyCannotBeDisabledOrDeleted')!;
    expect(off.Effect).toBe('Deny');
    expect(list(off.Action)).toEqual(expect.arrayContaining(['kms:DisableKey', 'kms:ScheduleKeyDeletion']));
    expect(off.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::999999999999:role/incident-response' } });
    const policy = statements.find((s) => s.Sid === 'EvidenceKeyPolicyOnlyByDeployOrBreakGlass')!;
    expect(policy.Action).toBe('kms:PutKeyPolicy');
    expect(str(policy.Condition)).toContain('cdk-hnb659fds-cfn-exec-role-');
    const grants = statements.find((s) => s.Sid === 'EvidenceKeyGrantsOnlyThroughDynamoDB')!;
    expect(list(grants.Action).sort()).toEqual(['kms:CreateGrant', 'kms:RetireGrant', 'kms:RevokeGrant']);
    expect(str(grants.Condition)).toContain('"StringNotEquals":{"kms:ViaService"');
  });
});

describe('admin-API alarm (EventBridge on CloudTrail → the ops topic)', () => {
  function rules(): { pattern: Record<string, unknown>; targets: string }[] {
    return Object.values(collector.findResources('AWS::Events::Rule', { Properties: { EventPattern: { 'detail-type': ['AWS API Call via CloudTrail'] } } })).map((r) => ({
      pattern: r.Properties.EventPattern as Record<string, unknown>,
      targets: str(r.Properties.Targets),
    }));
  }
  const alarmTopicId = () => Object.keys(collector.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'art32 alarms' } }))[0]!;

  it('one rule per protected resource, each on exactly the calls that would undo a protection, each to the alarm topic', () => {
    const found = rules();
    const byService = new Map(found.map((r) => [list(r.pattern.source as string[])[0], r]));
    expect([...byService.keys()].sort()).toEqual(['aws.dynamodb', 'aws.kms', 'aws.s3']);
    for (const r of found) expect(r.targets).toContain(alarmTopicId());
    const detail = (service: string) => byService.get(service)!.pattern.detail as Record<string, unknown>;
    expect(detail('aws.dynamodb').eventName).toEqual([...WATCHED_TABLE_CALLS]);
    for (const a of PROTECTED_TABLE_ACTIONS) expect(WATCHED_TABLE_CALLS).toContain(a.replace('dynamodb:', ''));
    const tableId = Object.keys(collector.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
    expect(detail('aws.dynamodb').$or).toEqual([{ requestParameters: { tableName: [{ Ref: tableId }] } }, { requestParameters: { resourceArn: [{ prefix: { 'Fn::GetAtt': [tableId, 'Arn'] } }] } }]);
    expect(detail('aws.kms').eventName).toEqual([...WATCHED_KEY_CALLS]);
    for (const a of ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'CreateGrant']) expect(WATCHED_KEY_CALLS).toContain(a);
    // Both keys: the manifest signing key and the table's encryption key.
    expect(list((detail('aws.kms').resources as { ARN: unknown[] }).ARN)).toHaveLength(2);
    expect(detail('aws.s3').eventName).toEqual([...WATCHED_BUCKET_CALLS]);
    for (const a of ['PutBucketPolicy', 'PutBucketObjectLockConfiguration', 'PutBucketVersioning', 'PutBucketLifecycle']) expect(WATCHED_BUCKET_CALLS).toContain(a);
    expect(detail('aws.s3').requestParameters).toEqual({ bucketName: ['art32-anchors-999999999999-eu-west-3'] });
  });

  it('EventBridge may use the ops key to publish, for this account\'s rules only', () => {
    const key = Object.values(collector.findResources('AWS::KMS::Key')).find((k) => str(k.Properties.KeyPolicy).includes('EventBridgeAdminApiRulesPublishToEncryptedTopic'))!;
    const st = list(key.Properties.KeyPolicy.Statement as Statement[]).find((s) => s.Sid === 'EventBridgeAdminApiRulesPublishToEncryptedTopic')!;
    expect(st.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(str(st.Condition)).toContain('aws:SourceAccount');
    expect(str(st.Condition)).toContain(':rule/*');
  });
});

describe('anchor bucket in a separate log-archive account: its own stack watches it', () => {
  it('an EventBridge rule on the calls that could end or bypass the lock, to its own encrypted topic with an email; the collector no longer claims to watch it; cdk-nag clean', () => {
    const other = synthApp({ ...TEST_CONFIG, anchors: { accountId: '888888888888', alarmEmail: 'log-archive@example.com' } });
    const t = Template.fromStack(other.anchors);
    const rules = Object.values(t.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    const pattern = rules[0]!.Properties.EventPattern as { source: string[]; 'detail-type': string[]; detail: Record<string, unknown> };
    expect(pattern.source).toEqual(['aws.s3']);
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect(pattern.detail.eventName).toEqual([...WATCHED_BUCKET_CALLS]);
    for (const a of ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketObjectLockConfiguration', 'PutBucketVersioning', 'PutBucketLifecycle', 'DeleteBucketLifecycle']) expect(WATCHED_BUCKET_CALLS).toContain(a);
    expect(pattern.detail.requestParameters).toEqual({ bucketName: ['art32-anchors-888888888888-eu-west-3'] });
    const [topicId, topic] = Object.entries(t.findResources('AWS::SNS::Topic'))[0]!;
    expect(str(rules[0]!.Properties.Targets)).toContain(topicId);
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'log-archive@example.com', TopicArn: { Ref: topicId } });
    // The collector account's EventBridge never sees calls made in the log-archive account: no rule there pretends to.
    const collectorSources = Object.values(Template.fromStack(other.collector).findResources('AWS::Events::Rule', { Properties: { EventPattern: { 'detail-type': ['AWS API Call via CloudTrail'] } } })).map(
      (r) => (r.Properties.EventPattern as { source: string[] }).source[0],
    );
    expect(collectorSources.sort()).toEqual(['aws.dynamodb', 'aws.kms']);
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(other.anchors);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    cleanup(other.app);
  });

  it('in the collector account, the collector alarm watches the bucket and the anchor stack adds none', () => {
    expect(Object.keys(anchors.findResources('AWS::Events::Rule'))).toHaveLength(0);
  });
});

describe('optional Organizations guardrails (Art32Guardrails stack)', () => {
  it('absent unless configured', () => {
    expect(built.guardrails).toBeUndefined();
  });

  it('one SCP, attached to the configured targets, denying the protection-undoing calls on the table, the tagged keys and the anchor bucket to all but break-glass', () => {
    const other = synthApp({ ...TEST_CONFIG, breakGlassPrincipalArn: 'arn:aws:iam::999999999999:role/incident-response', guardrails: { managementAccountId: '111111111111', targetIds: ['ou-ab12-cdefgh34'] } });
    const t = Template.fromStack(other.guardrails!);
    const policies = Object.values(t.findResources('AWS::Organizations::Policy'));
    expect(policies).toHaveLength(1);
    const p = policies[0]!.Properties;
    expect(p).toMatchObject({ Type: 'SERVICE_CONTROL_POLICY', TargetIds: ['ou-ab12-cdefgh34'] });
    expect(other.guardrails!.account).toBe('111111111111');
    const statements = list(p.Content.Statement as Statement[]);
    expect(statements.every((s) => s.Effect === 'Deny')).toBe(true);
    const sid = (id: string) => statements.find((s) => s.Sid === id)!;
    expect(list(sid('Art32TableProtections').Action).sort()).toEqual([...PROTECTED_TABLE_ACTIONS].sort());
    expect(str(sid('Art32TableProtections').Resource)).toContain(':dynamodb:eu-west-3:999999999999:table/art32-evidence');
    expect(list(sid('Art32KeysStayEnabled').Action)).toEqual(expect.arrayContaining(['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:CreateGrant']));
    expect(str(sid('Art32KeysStayEnabled').Condition)).toContain('"aws:ResourceTag/art32:protects":"evidence"');
    expect(list(sid('Art32KeyTagStays').Action).sort()).toEqual(['kms:TagResource', 'kms:UntagResource']);
    expect(list(sid('Art32AnchorsStayLocked').Action)).toEqual(expect.arrayContaining(['s3:PutBucketObjectLockConfiguration', 's3:DeleteObjectVersion']));
    expect(str(sid('Art32AnchorsStayLocked').Resource)).toContain(':s3:::art32-anchors-999999999999-eu-west-3');
    // Break-glass is exempt everywhere; the deploy role only where a stack update needs it.
    for (const s of statements) expect(str(s.Condition)).toContain('incident-response');
    expect(str(sid('Art32EvidenceIsAppendOnly').Condition)).not.toContain('cfn-exec-role');
    expect(str(sid('Art32TableProtections').Condition)).toContain('cfn-exec-role');
    // An SCP holds at most 5,120 characters (AWS Organizations quota).
    expect(JSON.stringify(p.Content).length).toBeLessThanOrEqual(5120);
    cleanup(other.app);
  });

  it('both evidence keys carry the tag the SCP matches', () => {
    const tagged = Object.values(collector.findResources('AWS::KMS::Key')).filter((k) => String(str(k.Properties.Tags)).includes('"Key":"art32:protects","Value":"evidence"'));
    expect(tagged).toHaveLength(2);
  });
});
