/** Status order for "worst of" summaries: something failing or unchecked outranks a pass. */
export const STATUS_RANK: Record<string, number> = { FAIL: 5, ERROR: 4, WARN: 3, PASS: 2, NOT_APPLICABLE: 1 };

export function worst(statuses: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const s of statuses) if (best === undefined || (STATUS_RANK[s] ?? 6) > (STATUS_RANK[best] ?? 6)) best = s;
  return best;
}
