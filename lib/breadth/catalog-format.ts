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
  resourceTypes: Record<string, [string[], string[]]>;
}
