/**
 * Helpers shared by the section collectors: name each AWS call so a failure can be
 * reported as `iam:GetCredentialReport` in region X, and turn SDK output (Dates,
 * `$metadata`) into the plain JSON the snapshot holds.
 */

/** An AWS call that failed, with the operation and region it was sent to. */
export class OperationFailed extends Error {
  public constructor(
    public readonly operation: string,
    public override readonly cause: unknown,
    public readonly region?: string,
  ) {
    super(`${operation}${region ? ` (${region})` : ''} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'OperationFailed';
  }
}

/** Run one AWS call (or a paginated series of them); failures carry the operation name. */
export async function call<T>(operation: string, region: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OperationFailed) throw error;
    throw new OperationFailed(operation, error, region);
  }
}

/** Collect every item of every page of an SDK paginator. */
export async function allPages<P, I>(pages: AsyncIterable<P>, items: (page: P) => I[] | undefined): Promise<I[]> {
  const out: I[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

/**
 * SDK output → snapshot JSON: Dates become ISO strings, `undefined` fields and the SDK's
 * `$metadata` disappear. Field names are kept (they are AWS's).
 */
export function toJson<T = unknown>(value: unknown): T {
  return convert(value) as T;
}

function convert(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(convert);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || k === '$metadata') continue;
      out[k] = convert(v);
    }
    return out;
  }
  return value;
}
