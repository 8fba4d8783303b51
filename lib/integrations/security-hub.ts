/**
 * Security Hub import: art32 findings as AWS Security Finding Format (ASFF) findings, sent with
 * `BatchImportFindings` so that they show where AWS security teams already look.
 *
 * - One finding per audited account + rule, with a stable `Id` (`art32/<account>/<rule>`): each
 *   run updates it instead of adding a new one; `UpdatedAt` moves, `CreatedAt` keeps the first run.
 * - `Compliance.Status` carries the verdict (PASSED, WARNING, FAILED, NOT_AVAILABLE for NOT
 *   VERIFIED / not applicable). A fixed finding is then marked `Workflow.Status = RESOLVED` with
 *   `BatchUpdateFindings` (providers cannot set Workflow through BatchImportFindings once a
 *   finding exists); Security Hub itself resets it to NEW if the compliance status later leaves
 *   PASSED (AWS Security Hub API Reference, `Workflow`).
 * - Findings are imported into the Security Hub of the account that runs art32 (usually the
 *   security tooling account): `BatchImportFindings` accepts only findings whose `AwsAccountId`
 *   is the caller's own account (or an allow-listed partner's), and importing into each member
 *   account would need a write permission there, which the read-only member role must not have.
 *   The audited account is the finding's `AwsAccount` resource and is named in the title.
 */
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  type AwsSecurityFinding,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { Severity, Status } from '../rules/types';
import { RULES } from '../rules';
import { ocsfFindingUid, type OcsfFindingInput } from '../ocsf';

/** BatchImportFindings and BatchUpdateFindings take at most 100 findings a call. */
export const SECURITY_HUB_BATCH = 100;

const LABEL: Record<Severity, 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL'> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

const COMPLIANCE: Record<Status, 'PASSED' | 'WARNING' | 'FAILED' | 'NOT_AVAILABLE'> = {
  PASS: 'PASSED',
  WARN: 'WARNING',
  FAIL: 'FAILED',
  ERROR: 'NOT_AVAILABLE',
  NOT_APPLICABLE: 'NOT_AVAILABLE',
};

/** ASFF limits (API Reference, AwsSecurityFinding): Title 256, Description 1024 characters; Resources 32. */
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const MAX_RESOURCES = 32;

export interface SecurityHubTarget {
  /** The account whose Security Hub receives the findings (the caller's). */
  accountId: string;
  region: string;
  partition?: string;
}

const ruleById = new Map(RULES.map((r) => [r.id, r]));

/** ASFF resource types for the ARNs art32 names (ASFF `Resources[].Type`); anything else is `Other`. */
const ASFF_TYPES: [RegExp, string][] = [
  [/^arn:[^:]+:iam::\d{12}:user\//, 'AwsIamUser'],
  [/^arn:[^:]+:iam::\d{12}:role\//, 'AwsIamRole'],
  [/^arn:[^:]+:iam::\d{12}:group\//, 'AwsIamGroup'],
  [/^arn:[^:]+:iam::(\d{12}|aws):policy\//, 'AwsIamPolicy'],
  [/^arn:[^:]+:cloudtrail:/, 'AwsCloudTrailTrail'],
  [/^arn:[^:]+:s3:::[^/]+$/, 'AwsS3Bucket'],
  [/^arn:[^:]+:dynamodb:[^:]*:\d{12}:table\/[^/]+$/, 'AwsDynamoDbTable'],
  [/^arn:[^:]+:kms:/, 'AwsKmsKey'],
];
export function asffResourceType(id: string): string {
  return ASFF_TYPES.find(([pattern]) => pattern.test(id))?.[1] ?? 'Other';
}

/** One art32 finding as an ASFF finding for `target`'s Security Hub (default product). */
export function toAsffFinding(input: OcsfFindingInput, target: SecurityHubTarget, createdAt?: string): AwsSecurityFinding {
  const partition = target.partition ?? 'aws';
  const rule = ruleById.get(input.ruleId);
  const title = `${rule?.title ?? input.ruleId} — account ${input.accountId}${input.accountAlias ? ` (${input.accountAlias})` : ''}`;
  const types = ['Software and Configuration Checks/Industry and Regulatory Standards/GDPR Art. 32 and CNIL recommendations'];
  const resources = [
    { Type: 'AwsAccount', Id: `AWS::::Account:${input.accountId}`, Partition: partition as 'aws', Region: target.region },
    ...input.resources.slice(0, MAX_RESOURCES - 1).map((id) => ({ Type: asffResourceType(id), Id: id, Partition: partition as 'aws', Region: target.region })),
  ];
  return {
    SchemaVersion: '2018-10-08',
    Id: ocsfFindingUid(input.accountId, input.ruleId),
    ProductArn: `arn:${partition}:securityhub:${target.region}:${target.accountId}:product/${target.accountId}/default`,
    GeneratorId: `art32/${input.ruleId}`,
    AwsAccountId: target.accountId,
    Types: types,
    CreatedAt: createdAt ?? input.firstSeenAt ?? input.collectedAt,
    UpdatedAt: input.collectedAt,
    Severity: { Label: LABEL[input.severity] },
    FindingProviderFields: { Severity: { Label: LABEL[input.severity], Original: input.severity }, Types: types },
    Title: clip(title, 256),
    Description: clip(input.message || title, 1024),
    ...(rule ? { Remediation: { Recommendation: { Text: clip(`Console: ${rule.remediation.console} CLI: ${rule.remediation.cli}`, 512) } } } : {}),
    Resources: resources,
    Compliance: {
      Status: COMPLIANCE[input.status],
      RelatedRequirements: [...(input.requirementIds ?? [])].slice(0, 32),
      ...(input.status === 'ERROR' ? { StatusReasons: [{ ReasonCode: 'NOT_VERIFIED', Description: 'The facts this check needs were not collected; art32 never reports them as passed.' }] } : {}),
    },
    RecordState: 'ACTIVE',
    ProductFields: {
      'art32/ruleId': input.ruleId,
      'art32/status': input.status,
      'art32/auditedAccountId': input.accountId,
      ...(input.runId ? { 'art32/runId': input.runId } : {}),
      ...(input.recordHash ? { 'art32/recordHash': input.recordHash } : {}),
      ...(input.chainHead ? { 'art32/chainHead': input.chainHead } : {}),
    },
  };
}

export interface SecurityHubImportResult {
  imported: number;
  failed: { id: string; code: string; message: string }[];
  resolved: number;
  calls: number;
}

/**
 * Import `inputs` into Security Hub, 100 a call, then mark those that pass (or no longer apply)
 * RESOLVED. Failures of single findings are returned, never thrown; a call that fails as a
 * whole (after the SDK's own retries) throws.
 */
export async function importToSecurityHub(client: SecurityHubClient, inputs: readonly OcsfFindingInput[], target: SecurityHubTarget): Promise<SecurityHubImportResult> {
  const findings = inputs.map((input) => toAsffFinding(input, target));
  const result: SecurityHubImportResult = { imported: 0, failed: [], resolved: 0, calls: 0 };
  for (let i = 0; i < findings.length; i += SECURITY_HUB_BATCH) {
    const batch = findings.slice(i, i + SECURITY_HUB_BATCH);
    const out = await client.send(new BatchImportFindingsCommand({ Findings: batch }));
    result.calls++;
    result.imported += out.SuccessCount ?? 0;
    for (const f of out.FailedFindings ?? []) result.failed.push({ id: f.Id ?? '?', code: f.ErrorCode ?? 'Unknown', message: f.ErrorMessage ?? '' });
  }
  const failedIds = new Set(result.failed.map((f) => f.id));
  const fixed = findings.filter((f) => f.Compliance?.Status === 'PASSED' && !failedIds.has(f.Id as string));
  for (let i = 0; i < fixed.length; i += SECURITY_HUB_BATCH) {
    const batch = fixed.slice(i, i + SECURITY_HUB_BATCH);
    const out = await client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: batch.map((f) => ({ Id: f.Id as string, ProductArn: f.ProductArn as string })),
        Workflow: { Status: 'RESOLVED' },
        Note: { Text: 'art32: the check passes in the latest sealed run.', UpdatedBy: 'art32' },
      }),
    );
    result.calls++;
    result.resolved += out.ProcessedFindings?.length ?? 0;
    for (const f of out.UnprocessedFindings ?? []) result.failed.push({ id: f.FindingIdentifier?.Id ?? '?', code: f.ErrorCode ?? 'Unknown', message: f.ErrorMessage ?? '' });
  }
  return result;
}

/** IAM statements the importing role needs (pinned by the infra test; least privilege). */
export function securityHubImportStatements(partition: string, region: string, accountId: string): { actions: string[]; resources: string[] }[] {
  return [
    { actions: ['securityhub:BatchImportFindings'], resources: [`arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`] },
    { actions: ['securityhub:BatchUpdateFindings'], resources: [`arn:${partition}:securityhub:${region}:${accountId}:hub/default`] },
  ];
}
