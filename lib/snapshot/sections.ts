import type { AccountSnapshot, CollectionError, SectionName } from './schema';

/**
 * Thrown by a rule that needs a section the snapshot does not hold. The evaluator turns
 * it into an `ERROR` finding that carries the section's collection errors, so a missing
 * fact can never read as a pass.
 */
export class MissingSectionError extends Error {
  public constructor(
    public readonly section: SectionName,
    public readonly causes: CollectionError[],
  ) {
    const why = causes.length
      ? causes.map((c) => `${c.operation}: ${c.code}: ${c.message}`).join('; ')
      : 'not collected by this source';
    super(`section "${section}" is missing (${why})`);
    this.name = 'MissingSectionError';
  }
}

/**
 * Return a section's value, or throw `MissingSectionError` when it was not collected.
 * `passwordPolicy: null` (no custom policy) is a collected value and is returned as is.
 */
export function requireSection<K extends SectionName>(
  snapshot: AccountSnapshot,
  section: K,
): Exclude<AccountSnapshot[K], undefined> {
  const value = snapshot[section];
  if (value === undefined) {
    throw new MissingSectionError(
      section,
      snapshot.collectionErrors.filter((e) => e.section === section),
    );
  }
  return value as Exclude<AccountSnapshot[K], undefined>;
}
