/**
 * Scan: evaluate one snapshot with every rule and group the findings by framework
 * requirement, each with a one-line verdict. Pure (no I/O, no clock): the CLI's `scan`
 * prints it, `collect` records the same findings as evidence.
 *
 * Verdict of a requirement: the worst status of its rules, in the order
 * FAIL > ERROR > WARN > PASS > NOT_APPLICABLE. ERROR reads "NOT VERIFIED": a requirement
 * with a rule that could not be evaluated is never shown as met.
 */
import { FRAMEWORKS, getFramework, hasStatus, requirementLabel, type Framework, type Requirement } from './frameworks';
import { RULES, SEVERITIES, evaluateRules, type EvaluationContext, type Finding, type Rule, type RuleParameters, type Severity, type Status } from './rules';
import { SECTION_NAMES, type AccountSnapshot, type CollectionError, type SectionName } from './snapshot';

/** Worst first. */
export const STATUS_ORDER: readonly Status[] = ['FAIL', 'ERROR', 'WARN', 'PASS', 'NOT_APPLICABLE'];

/** How a status reads to a person. */
export const STATUS_LABEL: Record<Status, string> = {
  FAIL: 'FAIL',
  ERROR: 'NOT VERIFIED',
  WARN: 'WARN',
  PASS: 'PASS',
  NOT_APPLICABLE: 'N/A',
};

export function worstStatus(statuses: readonly Status[]): Status {
  if (statuses.length === 0) return 'NOT_APPLICABLE';
  return STATUS_ORDER.find((s) => statuses.includes(s)) ?? 'NOT_APPLICABLE';
}

export interface RequirementResult {
  frameworkId: Framework['id'];
  requirement: Omit<Requirement, 'ruleIds'> & { ruleIds: string[] };
  /** Worst status of its checks (for filtering); shown only when `hasStatus`. */
  status: Status;
  /** False for a sanction decision: it informs checks and has no status of its own. */
  hasStatus: boolean;
  /** One line that counts checks, e.g. "checks mapped to Art. 32(1)(b): 3 of 5 passed — failing: auth.root-mfa". */
  verdict: string;
  findings: Finding[];
}

export interface MissingSection {
  section: SectionName;
  /** Rules that need it (they are ERROR). */
  ruleIds: string[];
  errors: CollectionError[];
}

export interface ScanResult {
  account: AccountSnapshot['account'];
  collectedAt: string;
  source: AccountSnapshot['source'];
  status: Status;
  /** One line for the whole account. */
  verdict: string;
  counts: Record<Status, number>;
  findings: Finding[];
  requirements: RequirementResult[];
  /** Rules that no requirement of the selected frameworks lists (shown apart, never hidden). */
  unmappedFindings: Finding[];
  missingSections: MissingSection[];
  /** Every collection error, including those about part of a section (e.g. one trail's status). */
  collectionErrors: CollectionError[];
}

export interface ScanOptions {
  parameters?: RuleParameters;
  context?: EvaluationContext;
  /** Restrict the grouping to one framework (`gdpr`, `cnil`); default all. */
  framework?: string;
  /** The catalog to run; default `RULES`. */
  rules?: readonly Rule[];
}

const countBy = (findings: readonly Finding[]): Record<Status, number> => {
  const counts = { FAIL: 0, ERROR: 0, WARN: 0, PASS: 0, NOT_APPLICABLE: 0 } as Record<Status, number>;
  for (const f of findings) counts[f.status] += 1;
  return counts;
};

/**
 * The one-line verdict of a requirement. It counts checks instead of judging the text
 * ("checks mapped to Art. 32(1)(a): 0 of 1 passed", never "Art. 32(1)(a): FAIL"), and a
 * sanction decision only informs checks ("checks informed by SAN-2026-003").
 */
function requirementVerdict(req: Requirement, status: Status, findings: readonly Finding[]): string {
  const ids = (s: Status) => findings.filter((f) => f.status === s).map((f) => f.ruleId);
  const evaluated = findings.filter((f) => f.status !== 'NOT_APPLICABLE').length;
  const label = requirementLabel(req, { passed: ids('PASS').length + ids('WARN').length, reserved: ids('WARN').length, evaluated });
  if (findings.length === 0) return `${requirementLabel(req)}: no rule is mapped yet`;
  const parts: string[] = [];
  if (ids('FAIL').length) parts.push(`failing: ${ids('FAIL').join(', ')}`);
  if (ids('ERROR').length) parts.push(`not verified: ${ids('ERROR').join(', ')}`);
  if (ids('WARN').length) parts.push(`with a reservation: ${ids('WARN').join(', ')}`);
  if (ids('NOT_APPLICABLE').length) parts.push(`not applicable: ${ids('NOT_APPLICABLE').join(', ')}`);
  if (req.kind === 'reference-case') return `${label} — ${findings.length} check(s)${parts.length ? `; ${parts.join('; ')}` : ''}`;
  return `${label}${parts.length ? ` — ${parts.join('; ')}` : ''}${status === 'NOT_APPLICABLE' ? ' (none applies to this account)' : ''}`;
}

const SEVERITY_RANK = (s: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(s);

/** Findings that make a pipeline fail at `threshold`: FAIL, or ERROR (not verified), of that severity or worse. */
export function failingFindings(findings: readonly Finding[], threshold: Severity): Finding[] {
  return findings.filter((f) => (f.status === 'FAIL' || f.status === 'ERROR') && SEVERITY_RANK(f.severity) >= SEVERITY_RANK(threshold));
}

export function scanSnapshot(snapshot: AccountSnapshot, options: ScanOptions = {}): ScanResult {
  const rules = options.rules ?? RULES;
  const findings = evaluateRules(rules, snapshot, {
    ...(options.parameters ? { parameters: options.parameters } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  const byRule = new Map(findings.map((f) => [f.ruleId, f]));
  const frameworks = options.framework ? [getFramework(options.framework)] : FRAMEWORKS;

  const requirements: RequirementResult[] = frameworks.flatMap((fw) =>
    fw.requirements.map((req) => {
      const reqFindings = req.ruleIds.map((id) => byRule.get(id)).filter((f): f is Finding => f !== undefined);
      const status = worstStatus(reqFindings.map((f) => f.status));
      return { frameworkId: fw.id, requirement: { ...req, ruleIds: [...req.ruleIds] }, status, hasStatus: hasStatus(req), verdict: requirementVerdict(req, status, reqFindings), findings: reqFindings };
    }),
  );
  const mapped = new Set(requirements.flatMap((r) => r.findings.map((f) => f.ruleId)));
  const unmappedFindings = findings.filter((f) => !mapped.has(f.ruleId));

  const missingSections: MissingSection[] = SECTION_NAMES.filter((s) => snapshot[s] === undefined)
    .map((section) => ({
      section,
      ruleIds: rules.filter((r) => r.sections.includes(section)).map((r) => r.id),
      errors: snapshot.collectionErrors.filter((e) => e.section === section),
    }))
    .filter((m) => m.ruleIds.length > 0 || m.errors.length > 0);

  const counts = countBy(findings);
  const status = worstStatus(findings.map((f) => f.status));
  return {
    account: snapshot.account,
    collectedAt: snapshot.collectedAt,
    source: snapshot.source,
    status,
    verdict: accountVerdict(status, findings, counts, requirements),
    counts,
    findings,
    requirements,
    unmappedFindings,
    missingSections,
    collectionErrors: snapshot.collectionErrors,
  };
}

function accountVerdict(status: Status, findings: readonly Finding[], counts: Record<Status, number>, requirements: readonly RequirementResult[]): string {
  const n = findings.length;
  const failing = findings.filter((f) => f.status === 'FAIL');
  const bySeverity = SEVERITIES.map((s) => [s, failing.filter((f) => f.severity === s).length] as const)
    .filter(([, c]) => c > 0)
    .map(([s, c]) => `${c} ${s}`)
    .join(', ');
  const parts: string[] = [];
  if (counts.FAIL) parts.push(`${counts.FAIL} of ${n} rules fail (${bySeverity})`);
  if (counts.ERROR) parts.push(`${counts.ERROR} not verified`);
  if (counts.WARN) parts.push(`${counts.WARN} warn`);
  if (!counts.FAIL && !counts.ERROR && !counts.WARN) parts.push(`all ${counts.PASS} applicable rules pass${counts.NOT_APPLICABLE ? ` (${counts.NOT_APPLICABLE} not applicable)` : ''}`);
  else parts.push(`${counts.PASS} pass`);
  const fwIds = [...new Set(requirements.map((r) => r.frameworkId))];
  const perFramework = fwIds.map((id) => {
    const reqs = requirements.filter((r) => r.frameworkId === id && r.hasStatus);
    const notMet = reqs.filter((r) => r.status === 'FAIL' || r.status === 'ERROR').length;
    return `${id.toUpperCase()}: failing or unverified checks under ${notMet} of ${reqs.length} mapped ${id === 'gdpr' ? 'articles' : 'recommendations'}`;
  });
  return `${STATUS_LABEL[status]}: ${parts.join(', ')}${perFramework.length ? `; ${perFramework.join(', ')}` : ''}`;
}
