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

  /**
   * `sample`: a set of the resolution whose sets will be met, when known: its slots are made at
   * once, not on the first `set`. A branch taken once per evaluation, inside a loop that is
   * optimised, had no type feedback when compiled and deoptimised the loop's function at the
   * start of each later evaluation (--trace-deopt on bench/evaluate.ts), costing a recompile.
   */
  public constructor(sample?: PolicySet) {
    const rows = sample === undefined ? undefined : resolvedRowsOf(sample);
    if (rows !== undefined) this.own(rows.memo);
  }

  private own(memo: ResolutionCounts): void {
    this.owner = memo;
    this.dense = new Array<T | undefined>(memo.setCount).fill(undefined);
  }

  public get(set: PolicySet): T | undefined {
    const rows = resolvedRowsOf(set);
    if (rows !== undefined && rows.memo === this.owner) return this.dense[rows.index];
    return this.other?.get(set);
  }

  public set(set: PolicySet, value: T): void {
    const rows = resolvedRowsOf(set);
    if (rows !== undefined) {
      if (this.owner === undefined) this.own(rows.memo);
      if (rows.memo === this.owner) {
        this.dense[rows.index] = value;
        return;
      }
    }
    (this.other ??= new Map()).set(set, value);
  }
}

/**
 * An empty array born with object elements (V8's PACKED_ELEMENTS), whatever the allocation site
 * learnt: for a list filled by an optimised loop but made by code that runs once per evaluation.
 * A `[]` literal starts with small-integer elements until the site has seen an object pushed, and
 * the site is lost when V8 flushes the bytecode of code run once per evaluation: the loop's
 * optimised `push` then met another map and deoptimised at the start of each later evaluation
 * (--trace-deopt on bench/evaluate.ts: "wrong map" / "not a Smi" in access.wildcard-data-access).
 */
export function objectList<T>(): T[] {
  const list: (T | null)[] = [null];
  list.pop();
  return list as T[];
}
