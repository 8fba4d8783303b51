/**
 * Scan: evaluate one snapshot with every rule and group the findings by framework
 * requirement, each with a one-line verdict. Pure (no I/O, no clock): the CLI's `scan`
 * prints it, `collect` records the same findings as evidence.
 *
 * Verdict of a requirement: the worst status of its rules, in the order
 * FAIL > ERROR > WARN > PASS > NOT_APPLICABLE. ERROR reads "NOT VERIFIED": a requirement
 * with a rule that could not be evaluated is never shown as met.
 */
import { FRAMEWORKS, getFramework, type Framework, type Requirement } from './frameworks';
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
  status: Status;
  /** One line: the status and why, e.g. "FAIL — 2 of 5 rules fail: auth.root-mfa, auth.console-mfa". */
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

function requirementVerdict(status: Status, findings: readonly Finding[]): string {
  const ids = (s: Status) => findings.filter((f) => f.status === s).map((f) => f.ruleId);
  const n = findings.length;
  const notVerified = ids('ERROR');
  const tail = notVerified.length && status !== 'ERROR' ? `; ${notVerified.length} not verified (${notVerified.join(', ')})` : '';
  switch (status) {
    case 'FAIL':
      return `FAIL — ${ids('FAIL').length} of ${n} rules fail: ${ids('FAIL').join(', ')}${tail}`;
    case 'ERROR':
      return `NOT VERIFIED — ${notVerified.length} of ${n} rules could not be evaluated: ${notVerified.join(', ')}`;
    case 'WARN':
      return `WARN — ${ids('WARN').length} of ${n} rules warn: ${ids('WARN').join(', ')}`;
    case 'PASS': {
      const na = ids('NOT_APPLICABLE').length;
      return `PASS — ${ids('PASS').length} of ${n} rules pass${na ? ` (${na} not applicable)` : ''}`;
    }
    case 'NOT_APPLICABLE':
      return n === 0 ? 'N/A — no rule is mapped to this requirement yet' : `N/A — none of its ${n} rules applies to this account`;
  }
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
      return { frameworkId: fw.id, requirement: { ...req, ruleIds: [...req.ruleIds] }, status, verdict: requirementVerdict(status, reqFindings), findings: reqFindings };
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
    const reqs = requirements.filter((r) => r.frameworkId === id);
    const notMet = reqs.filter((r) => r.status === 'FAIL' || r.status === 'ERROR').length;
    return `${id.toUpperCase()} ${notMet}/${reqs.length} requirements not met or not verified`;
  });
  return `${STATUS_LABEL[status]}: ${parts.join(', ')}${perFramework.length ? `; ${perFramework.join(', ')}` : ''}`;
}
