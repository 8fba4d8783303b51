/**
 * EventBridge event sources whose events count as automated analysis of activity
 * (lib/rules/logging/automated-analysis.ts). Pure: shared by the live collector and the
 * export-directory source without pulling in an SDK client.
 */
export const SECURITY_EVENT_SOURCES = ['aws.guardduty', 'aws.securityhub', 'aws.cloudtrail'] as const;

/** Does an EventBridge pattern name one of the security sources (an exact `source` value)? */
export function namesSecuritySource(pattern: string | undefined): boolean {
  if (!pattern) return false;
  try {
    const source = (JSON.parse(pattern) as { source?: unknown }).source;
    const values = Array.isArray(source) ? source : [];
    return values.some((v) => typeof v === 'string' && (SECURITY_EVENT_SOURCES as readonly string[]).includes(v));
  } catch {
    return false;
  }
}
