/**
 * access.stale-credentials — console passwords and access keys that are not used are
 * removed, and keys in use are rotated. Judged from the credential report only.
 */
import { z } from 'zod';
import { ROOT_REPORT_USER, requireSection, type CredentialReportRow, type ReportDate } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { daysSinceTime, reportTime } from '../support/time';
import { objectList } from '../../policy/set-memo';
import { agree, plural } from '../../support/plural';

export const StaleCredentialsParameters = z.object({
  /** A password or key unused for longer than this is stale (CNIL guide: remove unused accounts). */
  maxUnusedDays: z.number().int().positive().default(90),
  /** An active key whose last rotation is older than this must be rotated. */
  maxKeyAgeDays: z.number().int().positive().default(90),
});

export interface StaleCredential {
  user: string;
  arn: string;
  credential: 'password' | 'access_key_1' | 'access_key_2';
  problem: 'unused' | 'never-used' | 'not-rotated';
  days: number;
}

/**
 * When a credential was never used, its age counts from when it was set: the password's
 * last change (a console password may be added long after the user was created), else the
 * user's creation.
 */
function passwordBirth(row: CredentialReportRow): number | undefined {
  return reportTime(row.password_last_changed) ?? reportTime(row.user_creation_time);
}

/** The stale-credential checks of one active access key (epoch ms dates; 10,000 users, no Date objects). */
function checkKey(
  out: StaleCredential[],
  row: CredentialReportRow,
  slot: 'access_key_1' | 'access_key_2',
  rotatedAt: ReportDate,
  usedAt: ReportDate,
  now: number,
  p: z.infer<typeof StaleCredentialsParameters>,
): void {
  const rotated = reportTime(rotatedAt);
  const used = reportTime(usedAt);
  const age = rotated !== undefined ? daysSinceTime(rotated, now) : undefined;
  if (used !== undefined) {
    const days = daysSinceTime(used, now);
    if (days > p.maxUnusedDays) out.push({ user: row.user, arn: row.arn, credential: slot, problem: 'unused', days });
  } else if (age !== undefined && age > p.maxUnusedDays) {
    out.push({ user: row.user, arn: row.arn, credential: slot, problem: 'never-used', days: age });
  }
  if (age !== undefined && age > p.maxKeyAgeDays) out.push({ user: row.user, arn: row.arn, credential: slot, problem: 'not-rotated', days: age });
}

export function findStaleCredentials(
  rows: readonly CredentialReportRow[],
  now: Date,
  p: z.infer<typeof StaleCredentialsParameters>,
): StaleCredential[] {
  // Born with object elements (lib/policy/set-memo.ts `objectList`): pushed by `collectStale`'s optimised loop.
  const out = objectList<StaleCredential>();
  collectStale(rows, now.getTime(), p, out);
  return out;
}

/**
 * `findStaleCredentials`' loop and nothing else (JIT shaping, --trace-opt/--trace-deopt on
 * bench/evaluate.ts): it runs once per evaluation, so it is compiled on-stack; set-up before it,
 * run before the function had type feedback, deoptimised the compiled function at the start of
 * the next evaluation, which compiled it again.
 */
function collectStale(rows: readonly CredentialReportRow[], nowMs: number, p: z.infer<typeof StaleCredentialsParameters>, out: StaleCredential[]): void {
  // Indexed: this loop runs once per evaluation, partly before optimisation, where for...of allocates per element.
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.user === ROOT_REPORT_USER) continue; // root keys: auth.root-access-keys
    if (row.password_enabled === true) {
      const used = reportTime(row.password_last_used);
      if (used !== undefined) {
        const days = daysSinceTime(used, nowMs);
        if (days > p.maxUnusedDays) out.push({ user: row.user, arn: row.arn, credential: 'password', problem: 'unused', days });
      } else {
        const born = passwordBirth(row);
        const days = born !== undefined ? daysSinceTime(born, nowMs) : undefined;
        if (days !== undefined && days > p.maxUnusedDays)
          out.push({ user: row.user, arn: row.arn, credential: 'password', problem: 'never-used', days });
      }
    }
    if (row.access_key_1_active) checkKey(out, row, 'access_key_1', row.access_key_1_last_rotated, row.access_key_1_last_used_date, nowMs, p);
    if (row.access_key_2_active) checkKey(out, row, 'access_key_2', row.access_key_2_last_rotated, row.access_key_2_last_used_date, nowMs, p);
  }
}

/** Users of the report but root (a loop of its own, not one of `evaluate`: see `collectStale`). */
function countUsers(rows: readonly CredentialReportRow[]): number {
  let n = 0;
  for (let i = 0; i < rows.length; i++) if (rows[i]!.user !== ROOT_REPORT_USER) n++;
  return n;
}

/**
 * How many of `stale` have this problem. A module function, not a closure made by each evaluation around its
 * loop: TurboFan compiled each evaluation's closure anew (on-stack, 4 compiles in measured runs 1-4 of one
 * realistic bench/evaluate trace, --trace-opt, s17).
 */
function countProblem(stale: readonly StaleCredential[], problem: StaleCredential['problem']): number {
  let n = 0;
  for (let i = 0; i < stale.length; i++) if (stale[i]!.problem === problem) n++;
  return n;
}

export default defineRule({
  id: 'access.stale-credentials',
  title: 'No stale passwords or access keys',
  area: 'access',
  severity: 'medium',
  rationale:
    'An unused password or key is an open door nobody watches: it belongs to someone who left or no longer needs access. The ' +
    'CNIL security guide (fiche 5) recommends removing unused accounts and reviewing rights at least yearly; the 90-day figures are ' +
    'industry practice (CIS AWS Foundations Benchmark); long-lived keys that are never rotated ' +
    'stay valid after they leak.',
  remediation: {
    console: 'IAM console → Users → <user> → Security credentials: delete the console password or deactivate/delete the access key; rotate keys in use.',
    cli:
      'aws iam delete-login-profile --user-name <user>; aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive; ' +
      'rotate: aws iam create-access-key --user-name <user>, switch the application, then aws iam delete-access-key --user-name <user> --access-key-id <old id>',
  },
  references: [REF.cnilGuide5, REF.gdpr32_1_b, REF.cisAws],
  sections: ['credentialReport'],
  parameters: StaleCredentialsParameters,
  evaluate(snapshot, params) {
    const report = requireSection(snapshot, 'credentialReport');
    const now = new Date(snapshot.collectedAt);
    const stale = findStaleCredentials(report.rows, now, params);
    // Counted in loops, not with a filtered copy per count (10,000 rows, thousands of findings).
    const count = (problem: StaleCredential['problem']): number => countProblem(stale, problem);
    const usersChecked = countUsers(report.rows);
    const observed = {
      usersChecked,
      unused: count('unused'),
      neverUsed: count('never-used'),
      notRotated: count('not-rotated'),
      staleCredentials: stale,
      now: snapshot.collectedAt,
    };
    const resources = [...new Set(stale.map((s) => s.arn))];
    if (stale.length > 0) {
      return {
        status: 'FAIL',
        message: `${plural(resources.length, 'user')} ${agree(resources.length, 'holds', 'hold')} stale credentials: ${observed.unused} unused > ${params.maxUnusedDays} days, ${observed.neverUsed} never used, ${plural(observed.notRotated, 'key')} older than ${params.maxKeyAgeDays} days.`,
        observed,
        threshold: params,
        resources,
      };
    }
    return { status: 'PASS', message: `No password or key unused for more than ${params.maxUnusedDays} days or older than ${params.maxKeyAgeDays} days.`, observed, threshold: params, resources: [] };
  },
});
