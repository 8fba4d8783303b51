/**
 * OCSF output: art32 findings and evidence records as OCSF Compliance Findings (class_uid 2003,
 * category Findings) with the `cloud` profile, the shape Security Hub (since its 2025 redesign),
 * Amazon Security Lake and most SIEMs ingest. Prowler emits the same class for its checks.
 *
 * Mapping, attribute by attribute (OCSF 1.8.0):
 * - `compliance.control` = rule id; `compliance.requirements` = GDPR/CNIL requirement ids;
 *   `compliance.standards` = the frameworks' titles; `compliance.status_id` 1 Pass, 2 Warning,
 *   3 Fail, 0 Unknown for NOT VERIFIED (the fact was not collected), 99 Other for not applicable.
 * - `finding_info.uid` is stable per account + rule (`art32/<account>/<rule>`), so a consumer
 *   updates one finding over time instead of stacking one per day; `first_seen_time` /
 *   `last_seen_time` cover the records the caller saw.
 * - `status_id` (the finding's workflow) 1 New while the check does not pass, 4 Resolved once it
 *   passes or does not apply.
 * - `unmapped.art32` keeps what OCSF has no attribute for: the record hash, run id, chain head,
 *   art32's own status, observed values and thresholds.
 *
 * The schema used by the tests (`compliance-finding.schema.json`) is derived from the OCSF
 * schema repository at tag 1.8.0 (Apache License 2.0); see its `$comment`.
 */
import { createHash } from 'node:crypto';
import { FRAMEWORKS, requirementsForRule } from '../frameworks';
import { RULES } from '../rules';
import type { Severity, Status } from '../rules/types';
import type { EvidenceRecord } from '../evidence/record';
import { TOOL_VERSION } from '../version';

export const OCSF_VERSION = '1.8.0';
export const COMPLIANCE_FINDING_CLASS_UID = 2003;
export const FINDINGS_CATEGORY_UID = 2;

/** What one OCSF finding is built from: a scan finding or a stored evidence record. */
export interface OcsfFindingInput {
  accountId: string;
  accountAlias?: string | undefined;
  region?: string | undefined;
  ruleId: string;
  status: Status;
  severity: Severity;
  message: string;
  observed: Record<string, unknown>;
  threshold: Record<string, unknown>;
  /** Resource identifiers (ARNs where AWS has them), possibly capped. */
  resources: readonly string[];
  /** Full number of resources when `resources` was capped. */
  resourceCount?: number | undefined;
  /** Requirement ids; default: those of the current frameworks. */
  requirementIds?: readonly string[] | undefined;
  /** When the facts were true (the snapshot's collection time). */
  collectedAt: string;
  /** First and last time this account + rule was seen by the caller (default: `collectedAt`). */
  firstSeenAt?: string | undefined;
  lastSeenAt?: string | undefined;
  /** Whether the caller saw an earlier result of this account + rule (activity Update vs Create). */
  seenBefore?: boolean | undefined;
  runId?: string | undefined;
  recordHash?: string | undefined;
  /** The account's chain head (latest manifest hash) when known. */
  chainHead?: string | undefined;
  /** `live`, `export` or `scenario`, and its name. */
  source?: { kind: string; name: string } | undefined;
}

const SEVERITY_ID: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
const SEVERITY_NAME: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Informational' };

const COMPLIANCE_STATUS: Record<Status, { id: number; name: string }> = {
  PASS: { id: 1, name: 'Pass' },
  WARN: { id: 2, name: 'Warning' },
  FAIL: { id: 3, name: 'Fail' },
  // NOT VERIFIED: the fact was not collected, so neither pass nor fail can be said.
  ERROR: { id: 0, name: 'Unknown' },
  NOT_APPLICABLE: { id: 99, name: 'Not applicable' },
};

/** The finding's workflow status: open while the check does not pass. */
function workflowStatus(status: Status): { id: number; name: string } {
  return status === 'PASS' || status === 'NOT_APPLICABLE' ? { id: 4, name: 'Resolved' } : { id: 1, name: 'New' };
}

/** Stable id of the finding "rule R on account A" across runs (what consumers update). */
export function ocsfFindingUid(accountId: string, ruleId: string): string {
  return `art32/${accountId}/${ruleId}`;
}

const toMillis = (iso: string): number => Date.parse(iso);

/** `arn:partition:service:region:account:resource` → an OCSF resource; anything else kept as a name. */
function resourceOf(id: string): Record<string, unknown> {
  const parts = id.split(':');
  if (parts[0] === 'arn' && parts.length >= 6) {
    const [, partition, service, region, , ...rest] = parts;
    const resource = rest.join(':');
    const kind = resource.split(/[/:]/)[0] ?? '';
    return {
      uid: id,
      type: kind && kind !== resource ? `${service}:${kind}` : `${service}`,
      cloud_partition: partition,
      ...(region ? { region } : {}),
    };
  }
  return { name: id, type: 'Other' };
}

const ruleById = new Map(RULES.map((r) => [r.id, r]));
const frameworkTitles = FRAMEWORKS.map((f) => f.title);

/** Threshold values as OCSF key/value pairs (scalars as text, the rest as JSON). */
function controlParameters(threshold: Record<string, unknown>): { name: string; value: string }[] {
  return Object.entries(threshold).map(([name, value]) => ({ name, value: typeof value === 'string' ? value : JSON.stringify(value) ?? 'null' }));
}

/** One art32 finding or record as an OCSF 1.8.0 Compliance Finding (cloud profile). */
export function toOcsfComplianceFinding(input: OcsfFindingInput): Record<string, unknown> {
  const rule = ruleById.get(input.ruleId);
  const title = rule?.title ?? input.ruleId;
  const activityId = input.seenBefore ? 2 : 1;
  const compliance = COMPLIANCE_STATUS[input.status];
  const workflow = workflowStatus(input.status);
  const requirementIds = input.requirementIds ?? requirementsForRule(input.ruleId).map((r) => r.id);
  const time = toMillis(input.collectedAt);
  const finding: Record<string, unknown> = {
    activity_id: activityId,
    activity_name: activityId === 1 ? 'Create' : 'Update',
    category_uid: FINDINGS_CATEGORY_UID,
    category_name: 'Findings',
    class_uid: COMPLIANCE_FINDING_CLASS_UID,
    class_name: 'Compliance Finding',
    type_uid: COMPLIANCE_FINDING_CLASS_UID * 100 + activityId,
    type_name: `Compliance Finding: ${activityId === 1 ? 'Create' : 'Update'}`,
    time,
    severity_id: SEVERITY_ID[input.severity],
    severity: SEVERITY_NAME[input.severity],
    status_id: workflow.id,
    status: workflow.name,
    message: input.message,
    metadata: {
      version: OCSF_VERSION,
      profiles: ['cloud'],
      product: { name: 'art32', vendor_name: 'art32', version: TOOL_VERSION, uid: 'art32' },
      ...(input.recordHash ? { uid: input.recordHash } : {}),
      log_name: 'art32 evidence',
    },
    cloud: {
      provider: 'AWS',
      account: { uid: input.accountId, type_id: 10, type: 'AWS Account', ...(input.accountAlias ? { name: input.accountAlias } : {}) },
      ...(input.region ? { region: input.region } : {}),
    },
    finding_info: {
      uid: ocsfFindingUid(input.accountId, input.ruleId),
      title,
      desc: input.message,
      first_seen_time: toMillis(input.firstSeenAt ?? input.collectedAt),
      last_seen_time: toMillis(input.lastSeenAt ?? input.collectedAt),
      product_uid: 'art32',
    },
    compliance: {
      control: input.ruleId,
      requirements: [...requirementIds],
      standards: frameworkTitles,
      status: compliance.name,
      status_id: compliance.id,
      ...(rule ? { desc: rule.rationale } : {}),
      control_parameters: controlParameters(input.threshold),
    },
    resources: input.resources.map(resourceOf),
    unmapped: {
      art32: {
        status: input.status,
        observed: input.observed,
        threshold: input.threshold,
        ...(input.resourceCount !== undefined ? { resourceCount: input.resourceCount } : {}),
        ...(input.runId ? { runId: input.runId } : {}),
        ...(input.recordHash ? { recordHash: input.recordHash } : {}),
        ...(input.chainHead ? { chainHead: input.chainHead } : {}),
        ...(input.source ? { source: input.source } : {}),
      },
    },
  };
  if (rule) {
    finding.remediation = { desc: `Console: ${rule.remediation.console}\nCLI: ${rule.remediation.cli}`, references: [...rule.references] };
  }
  // An uid for the event itself: the record hash when there is one, else a digest of what it says.
  if (!input.recordHash) {
    (finding.metadata as Record<string, unknown>).uid = createHash('sha256').update(`${input.accountId}\n${input.ruleId}\n${input.collectedAt}\n${input.status}\n${input.message}`).digest('hex');
  }
  return finding;
}

/** A stored evidence record as OCSF input (record hash and run id kept in `unmapped`). */
export function ocsfInputFromRecord(record: EvidenceRecord, chainHead?: string): OcsfFindingInput {
  return {
    accountId: record.accountId,
    accountAlias: record.accountAlias,
    ruleId: record.ruleId,
    status: record.status,
    severity: record.severity,
    message: record.message,
    observed: record.observed,
    threshold: record.threshold,
    resources: record.resources.items,
    resourceCount: record.resources.count,
    requirementIds: record.requirementIds,
    collectedAt: record.collectedAt,
    runId: record.runId,
    recordHash: record.hash,
    chainHead,
    source: { kind: record.source.kind, name: record.source.name },
  };
}

/**
 * Many inputs (e.g. a history) as OCSF findings: for each account + rule, the first one is a
 * Create and later ones Updates, each carrying the first and latest time seen so far.
 */
export function toOcsfComplianceFindings(inputs: readonly OcsfFindingInput[]): Record<string, unknown>[] {
  const firstSeen = new Map<string, string>();
  const ordered = [...inputs].sort((a, b) => a.collectedAt.localeCompare(b.collectedAt));
  return ordered.map((input) => {
    const key = ocsfFindingUid(input.accountId, input.ruleId);
    const first = firstSeen.get(key);
    if (first === undefined) firstSeen.set(key, input.collectedAt);
    return toOcsfComplianceFinding({ ...input, seenBefore: input.seenBefore ?? first !== undefined, firstSeenAt: input.firstSeenAt ?? first ?? input.collectedAt });
  });
}
