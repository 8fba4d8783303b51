/**
 * Defaults shared by the CLI (`activity --max-calls`, `collect --activity-max-calls`) and the
 * collectors, in a module that loads no SDK so offline commands stay light.
 */

/** LookupEvents call budget: 300 calls ≈ 15,000 events, ≈ 2.5 min at CloudTrail's 2 calls/s. */
export const DEFAULT_ACTIVITY_MAX_CALLS = 300;
