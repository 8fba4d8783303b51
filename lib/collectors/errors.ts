/**
 * Turning SDK errors into `CollectionError`s: what failed (operation, region), AWS's
 * error code and message. A section that fails is left absent from the snapshot, and
 * the rules that need it report ERROR with this record as the reason.
 */
import type { CollectionError, SectionName } from '../snapshot';

/** The AWS error code of an SDK v3 error (`name`, or `Code` for some query-protocol errors). */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    if (typeof e.Code === 'string' && e.Code) return e.Code;
    if (typeof e.name === 'string' && e.name && e.name !== 'Error') return e.name;
    if (typeof e.code === 'string' && e.code) return e.code;
  }
  return 'UnknownError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** True when AWS said the thing asked about does not exist. */
export function isErrorCode(error: unknown, ...codes: string[]): boolean {
  const code = errorCode(error);
  return codes.includes(code);
}

export function collectionError(
  section: SectionName,
  operation: string,
  error: unknown,
  region?: string,
): CollectionError {
  const attempts = (error as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;
  const message = errorMessage(error);
  return {
    section,
    operation,
    code: errorCode(error),
    message: attempts && attempts > 1 ? `${message} (after ${attempts} attempts)` : message,
    ...(region ? { region } : {}),
  };
}

/** A failure of ours (not an AWS error), e.g. the credential report never completed. */
export class CollectorError extends Error {
  public constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}
