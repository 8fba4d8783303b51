/**
 * Answers kept per policy set while a rule walks every principal: an array slot by the set's
 * index in its resolution (lib/policy/principals.ts `resolvedRowsOf`), not a Map entry per set —
 * the pessimistic mix has ~14,000 distinct sets for 15,000 principals, and a Map that size
 * was a growing hash table rehashed several times per rule. Sets of another resolution, or built
 * by hand (tests), fall back to a Map. Lives as long as its owner (one rule evaluation).
 */
import { resolvedRowsOf, type PolicySet } from './principals';
import type { ResolutionCounts } from './evaluate';

export class PerPolicySet<T> {
  /** The resolution whose sets have array slots (the first one met). */
  private owner: ResolutionCounts | undefined;
  private dense: (T | undefined)[] = [];
  private other: Map<PolicySet, T> | undefined;

  public get(set: PolicySet): T | undefined {
    const rows = resolvedRowsOf(set);
    if (rows !== undefined && rows.memo === this.owner) return this.dense[rows.index];
    return this.other?.get(set);
  }

  public set(set: PolicySet, value: T): void {
    const rows = resolvedRowsOf(set);
    if (rows !== undefined) {
      if (this.owner === undefined) {
        this.owner = rows.memo;
        this.dense = new Array<T | undefined>(rows.memo.setCount).fill(undefined);
      }
      if (rows.memo === this.owner) {
        this.dense[rows.index] = value;
        return;
      }
    }
    (this.other ??= new Map()).set(set, value);
  }
}
