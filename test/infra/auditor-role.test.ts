/**
 * The auditor role pinned: read-only on the evidence table and its indexes (Query, GetItem,
 * DescribeTable; Scan and every change explicitly denied), the evidence key through DynamoDB
 * only, MFA for everyone, ExternalId for other accounts, the Identity Center policy output,
 * and cdk-nag clean.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Art32App } from '../../infra/app-builder';
import { AUDITOR_ACTIONS } from '../../infra/constructs/auditor-role';
import { ConfigError, parseConfig } from '../../lib/config';
import { TEST_CONFIG, cleanup, synthApp } from './app';

const OWN = 'arn:aws:iam::999999999999:role/InternalAudit';
const FIRM = 'arn:aws:iam::444455556666:role/AuditFirm';
const AUDITORS = { principals: [OWN, FIRM], accounts: ['555566667777'], externalId: 'audit-firm-2026', identityCenterPermissionSet: true };

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: unknown; Principal?: { AWS?: unknown }; Condition?: Record<string, Record<string, string>> };
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

let built: Art32App;
let template: Template;
let role: { Properties: { RoleName: string; MaxSessionDuration: number; AssumeRolePolicyDocument: { Statement: Statement[] }; Policies: { PolicyDocument: { Statement: Statement[] } }[]; ManagedPolicyArns?: unknown } };
beforeAll(() => {
  built = synthApp({ ...TEST_CONFIG, auditors: AUDITORS });
  template = Template.fromStack(built.collector);
  const roles = Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'art32-auditor' } }));
  expect(roles).toHaveLength(1);
  role = roles[0] as typeof role;
});
afterAll(() => cleanup(built.app));

const principalsOf = (s: Statement): string[] => list(s.Principal?.AWS).map((p) => JSON.stringify(p));

describe('auditor role', () => {
  it('is trusted only with MFA, and from other accounts only with the ExternalId; sessions last at most an hour', () => {
    const trust = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust.every((s) => s.Effect === 'Allow' && list(s.Action).join() === 'sts:AssumeRole')).toBe(true);
    for (const s of trust) expect(s.Condition?.Bool).toEqual({ 'aws:MultiFactorAuthPresent': 'true' });
    const own = trust.filter((s) => principalsOf(s).some((p) => p.includes('InternalAudit')));
    expect(own).toHaveLength(1);
    expect(own[0]?.Condition?.StringEquals).toBeUndefined();
    const foreign = trust.filter((s) => principalsOf(s).some((p) => p.includes('AuditFirm') || p.includes('555566667777')));
    expect(foreign).toHaveLength(1);
    expect(foreign[0]?.Condition?.StringEquals).toEqual({ 'sts:ExternalId': 'audit-firm-2026' });
    expect(principalsOf(foreign[0] as Statement).join()).toContain('555566667777:root');
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('may Query, GetItem and DescribeTable on the table and each index by ARN, nothing else on DynamoDB', () => {
    const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const allowDynamo = statements.filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(allowDynamo).toHaveLength(1);
    expect(list(allowDynamo[0]?.Action).sort()).toEqual([...AUDITOR_ACTIONS].sort());
    const resources = JSON.stringify(allowDynamo[0]?.Resource);
    expect(resources).toContain('/index/byRule');
    expect(resources).toContain('/index/byRun');
    expect(resources).not.toContain('index/*');
    expect(resources).not.toMatch(/"\*"/);
    const allowed = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action));
    // Besides the table: the evidence key through DynamoDB, the signing key's public half, the anchors (below).
    for (const a of allowed) expect(a, a).toMatch(/^(dynamodb:(Query|GetItem|DescribeTable)|kms:(Decrypt|DescribeKey|GetPublicKey)|s3:(ListBucket|ListBucketVersions|GetObject|GetObjectVersion|GetObjectRetention|GetObjectLegalHold))$/);
  });

  it('is explicitly denied Scan and every write or delete on the evidence, whatever else is attached', () => {
    const deny = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement).filter((s) => s.Effect === 'Deny');
    const denied = deny.flatMap((s) => list(s.Action));
    for (const a of ['dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteTable', 'dynamodb:PartiQLSelect']) expect(denied).toContain(a);
  });

  it('decrypts with the evidence key only through DynamoDB', () => {
    const kms = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement).filter((s) => list(s.Action).includes('kms:Decrypt'));
    expect(kms).toHaveLength(1);
    expect(list(kms[0]?.Action).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(kms[0]?.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-3.amazonaws.com' } });
  });

  it('reads the trust roots verify and serve check against: the signing key\'s public half (never Sign) and the anchors under their prefix (never write)', () => {
    const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const publicKey = statements.filter((s) => s.Effect === 'Allow' && list(s.Action).includes('kms:GetPublicKey'));
    expect(publicKey).toHaveLength(1);
    expect(list(publicKey[0]?.Action).sort()).toEqual(['kms:DescribeKey', 'kms:GetPublicKey']);
    const signingKeyId = Object.keys(template.findResources('AWS::KMS::Key')).find((id) => id.startsWith('ManifestSigning'));
    expect(signingKeyId).toBeDefined();
    expect(JSON.stringify(publicKey[0]?.Resource)).toContain(signingKeyId as string);
    const allowed = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action));
    expect(allowed.filter((a) => /^kms:(Sign|Verify|GenerateMac|Encrypt)|^s3:(Put|Delete)/.test(a))).toEqual([]);
    const objects = statements.filter((s) => s.Effect === 'Allow' && list(s.Action).includes('s3:GetObject'));
    expect(objects).toHaveLength(1);
    expect(JSON.stringify(objects[0]?.Resource)).toMatch(/:s3:::art32-anchors-[^/"]+\/anchors\/\*"/);
    const listing = statements.filter((s) => s.Effect === 'Allow' && list(s.Action).includes('s3:ListBucketVersions'));
    expect(JSON.stringify(listing[0]?.Resource)).toMatch(/:s3:::art32-anchors-[^/"]+"/);
  });

  it('the stack outputs the trust roots an auditor passes to verify and serve: the signing key ARN and the anchors URL', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const signingKeyId = Object.keys(template.findResources('AWS::KMS::Key')).find((id) => id.startsWith('ManifestSigning'));
    expect(JSON.stringify(outputs.ManifestSigningKeyArn?.Value)).toContain(signingKeyId as string);
    expect(JSON.stringify(outputs.AnchorsUrl?.Value)).toMatch(/s3:\/\/art32-anchors-[^/"]+\/anchors\//);
  });

  it('the anchor bucket\'s own policy lets the auditor role read (never write) the anchors, so a log-archive bucket works too', () => {
    const policies = Object.values(Template.fromStack(built.anchors).findResources('AWS::S3::BucketPolicy')) as { Properties: { PolicyDocument: { Statement: Statement[] } } }[];
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const read = statements.find((s) => s.Sid === 'AuditorsReadAnchors');
    const listing = statements.find((s) => s.Sid === 'AuditorsListAnchors');
    for (const s of [read, listing]) {
      expect(s?.Effect).toBe('Allow');
      expect(JSON.stringify(s?.Principal)).toContain(':role/art32-auditor');
    }
    expect(list(read?.Action).sort()).toEqual(['s3:GetObject', 's3:GetObjectLegalHold', 's3:GetObjectRetention', 's3:GetObjectVersion']);
    expect(JSON.stringify(read?.Resource)).toContain('/anchors/*');
    expect(list(listing?.Action).sort()).toEqual(['s3:ListBucket', 's3:ListBucketVersions']);
    const auditorAllows = statements.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('art32-auditor')).flatMap((s) => list(s.Action));
    expect(auditorAllows.filter((a) => !/^s3:(Get|List)/.test(a))).toEqual([]);
  });

  it('outputs the role ARN and the same policy for an Identity Center permission set', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const ids = Object.keys(outputs);
    expect(ids.some((id) => id.startsWith('AuditorRoleArn'))).toBe(true);
    const policy = Object.entries(outputs).find(([id]) => id.startsWith('AuditorPermissionSetInlinePolicy'))?.[1];
    expect(JSON.stringify(policy?.Value)).toContain('dynamodb:Query');
    expect(JSON.stringify(policy?.Value)).toContain('kms:ViaService');
    expect(JSON.stringify(policy?.Value)).not.toContain('sts:AssumeRole');
  });

  it('keeps the stack cdk-nag clean', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(built.app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('auditors configuration', () => {
  it('is optional: no auditor role without it', () => {
    const plain = synthApp(TEST_CONFIG);
    try {
      expect(Template.fromStack(plain.collector).findResources('AWS::IAM::Role', { Properties: { RoleName: 'art32-auditor' } })).toEqual({});
      expect(JSON.stringify(Template.fromStack(plain.anchors).toJSON())).not.toContain('art32-auditor');
    } finally {
      cleanup(plain.app);
    }
  });

  it('refuses a principal of another account without an ExternalId, naming the key', () => {
    const bad = { ...TEST_CONFIG, auditors: { principals: [FIRM] } };
    expect(() => buildApp({ context: { art32: bad } }, { nag: false })).toThrow(ConfigError);
    expect(() => buildApp({ context: { art32: bad } }, { nag: false })).toThrow(/art32\.auditors\.externalId: required: 444455556666 is not the collector account 999999999999/);
    // Same-account principals need MFA only.
    // (The shared schema decides; building a whole app for it took ~60 s on a loaded machine.)
    expect(() => parseConfig({ ...TEST_CONFIG, auditors: { principals: [OWN] } })).not.toThrow();
  });

  it('refuses an empty auditors block and unknown keys', () => {
    expect(() => buildApp({ context: { art32: { ...TEST_CONFIG, auditors: {} } } }, { nag: false })).toThrow(/art32\.auditors: list at least one trusted principal/);
    expect(() => buildApp({ context: { art32: { ...TEST_CONFIG, auditors: { principals: [OWN], mfa: false } } } }, { nag: false })).toThrow(/art32\.auditors\.mfa: unknown key/);
  });
});
