/**
 * The on-disk shape of `lib/breadth/catalog.json` (written by build-catalog.ts, read by
 * catalog.ts). Kept in its own module so the runtime never imports the build script.
 */

/** The AWS access levels, in the order the catalog stores them. */
export const ACCESS_LEVELS = ['List', 'Read', 'Write', 'Permissions management', 'Tagging'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export interface CatalogFile {
  /** npm package the data was compiled from. */
  source: string;
  /** Its version; `major.minor.YYYYMMDDX` where the last part is the data date. */
  version: string;
  updatedAt?: string;
  actionCount: number;
  levels: string[];
  /** Service prefix → one comma-joined, sorted list of action names per access level (same order as `levels`). */
  services: Record<string, string[]>;
  /** `service:Action` names that read stored data (see data-read.ts). */
  dataRead: string[];
  /**
   * Resource types per service, for ARN-pattern coverage (does an object pattern name every
   * object?): `[arnTemplates, perLevel]` where `arnTemplates` are the service's resource-type
   * ARNs as AWS documents them (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`) and
   * `perLevel[l]` lists, aligned with `services[prefix][l]`, each action's type indices
   * joined by `.` (empty: the action takes no resource, only `*`).
   */
  resourceTypes: Record<string, ResourceTypesEntry>;
}

/**
 * One service's `resourceTypes` entry: `[arnTemplates, perLevel, union?]`. `union` (written by
 * build-catalog.ts since Dec 2026; `typeUnionOf` of the other two) lists the service's type
 * indices in first use over its actions, `.`-joined, an empty token where an action takes no
 * resource: what `*:*` and `service:*` work on, read without scanning every action's entry.
 * A file without it (older, or written by hand in a test) is read through `typeUnionOf`.
 */
export type ResourceTypesEntry = [arnTemplates: string[], perLevel: string[], union?: string];

/**
 * The `union` of a service's entry, from `perLevel` and the number of actions at each level:
 * each action's entry in level and action order (the first `counts[level]` comma-separated
 * entries of the level; a missing or empty one: no resource type), then its type indices in
 * their order; each index once, at its first use, and the empty token once, at the first action
 * that takes no resource.
 */
export function typeUnionOf(perLevel: readonly (string | undefined)[], counts: readonly number[]): string {
  // Joined, split and deduplicated by native calls: a loop per action or per entry (22,719 in
  // all) made the reader hot enough for an optimising compile on the first `*:*`.
  let entries: string[] = [];
  for (let level = 0; level < counts.length; level++) {
    const count = counts[level]!;
    if (count === 0) continue;
    const listed = (perLevel[level] ?? '').split(',');
    entries = entries.concat(listed.length > count ? listed.slice(0, count) : listed);
    if (listed.length < count) entries.push('');
  }
  return [...new Set(entries.join('.').split('.'))].join('.');
}
