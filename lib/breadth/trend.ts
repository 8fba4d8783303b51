/**
 * Breadth trend against the previous run: per-principal action counts (`user/<name>`,
 * `role/<name>` → total distinct actions) as recorded in the previous
 * `access.permission-breadth` finding (`observed.breadthByPrincipal`).
 */

export interface BreadthChange {
  principal: string;
  previous: number;
  current: number;
  delta: number;
}

export interface BreadthTrend {
  grew: BreadthChange[];
  shrank: BreadthChange[];
  unchanged: number;
  /** Principals absent from the previous run. */
  added: string[];
  /** Principals of the previous run that no longer exist. */
  removed: string[];
}

/**
 * Compare two runs. When `current` was truncated (only the broadest principals kept),
 * a principal missing from it may still exist, so nobody is reported removed.
 */
export function breadthTrend(current: Record<string, number>, previous: Record<string, number>, currentComplete = true): BreadthTrend {
  const grew: BreadthChange[] = [];
  const shrank: BreadthChange[] = [];
  const added: string[] = [];
  let unchanged = 0;
  for (const [principal, now] of Object.entries(current)) {
    const before = previous[principal];
    if (before === undefined) added.push(principal);
    else if (now > before) grew.push({ principal, previous: before, current: now, delta: now - before });
    else if (now < before) shrank.push({ principal, previous: before, current: now, delta: now - before });
    else unchanged += 1;
  }
  const removed = currentComplete ? Object.keys(previous).filter((k) => !(k in current)) : [];
  grew.sort((a, b) => b.delta - a.delta);
  shrank.sort((a, b) => a.delta - b.delta);
  return { grew, shrank, unchanged, added, removed };
}
