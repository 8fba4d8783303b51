/**
 * Errors a later attempt can get past, by name: DynamoDB throttling and server errors once
 * the SDK's own retries are spent, the evidence store's EvidenceWriteError (throttled beyond
 * its bounded backoff), the SDK's request timeout. One list for both sides of a retry: the
 * state machine's Retry matches these names (infra/constructs/orchestration.ts), and a
 * handler lets them through instead of turning them into an outcome.
 */
export const TRANSIENT_ERROR_NAMES = [
  'EvidenceWriteError',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
] as const;

export function isTransientError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && (TRANSIENT_ERROR_NAMES as readonly string[]).includes(name);
}
