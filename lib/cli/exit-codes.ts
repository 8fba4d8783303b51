/**
 * One exit-code scheme for every `art32` command, so that a pipeline or a monitor can tell a
 * failing control from a tampered store from a typo. Listed in `art32 --help` and the README.
 */
export const EXIT = {
  /** Everything asked for was done; nothing at or above `--fail-on`; evidence intact. */
  OK: 0,
  /** Findings at or above `--fail-on` (scan, collect, activity). */
  FINDINGS: 1,
  /** Usage or input error: unknown flag, bad date, unreadable or malformed file (one line names it). */
  USAGE: 2,
  /** Evidence integrity problem: a record, manifest, signature or anchor does not match (tampering). */
  INTEGRITY: 3,
  /** Incomplete evidence: a run was interrupted and is not yet sealed (no tampering found). */
  INCOMPLETE: 4,
  /** Collection failed: an account could not be collected (role not assumable, API errors). */
  COLLECTION_FAILED: 5,
  /** The store is busy: another art32 process holds it, or a run is in progress. Try again later. */
  BUSY: 6,
  /** The report was built but could not be delivered (SES refused it or could not be reached). */
  DELIVERY_FAILED: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The scheme as printed at the end of `art32 --help`. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  ok (nothing at or above --fail-on; evidence intact)',
  '  1  findings at or above --fail-on',
  '  2  usage or input error (the line names the flag, file or field)',
  '  3  evidence integrity problem (tampering detected)',
  '  4  incomplete evidence (an interrupted run not yet sealed)',
  '  5  collection failed for an account',
  '  6  store busy (another art32 process holds it; a run is in progress)',
  '  7  report delivery failed (report --send: SES refused or unreachable)',
].join('\n');
