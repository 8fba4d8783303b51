import { ROOT_REPORT_USER, type CredentialReportRow } from './schema';

/** A row's required identity columns plus whatever the caller knows. */
export type CredentialReportRowInput = Partial<CredentialReportRow> &
  Pick<CredentialReportRow, 'user' | 'arn' | 'user_creation_time'>;

/**
 * A credential report row with the values AWS writes for a credential the user does not have
 * (`false` / `N/A`), overridden by what is known. Scenarios, test builders and the bench generator
 * share it so that "nothing enabled" means the same thing everywhere.
 */
export function credentialReportRow(row: CredentialReportRowInput): CredentialReportRow {
  return {
    password_enabled: false,
    password_last_used: 'N/A',
    password_last_changed: 'N/A',
    password_next_rotation: 'N/A',
    mfa_active: false,
    access_key_1_active: false,
    access_key_1_last_rotated: 'N/A',
    access_key_1_last_used_date: 'N/A',
    access_key_2_active: false,
    access_key_2_last_rotated: 'N/A',
    access_key_2_last_used_date: 'N/A',
    cert_1_active: false,
    cert_2_active: false,
    ...row,
  };
}

/**
 * The credential-report rows of a few principals, in one pass over the report: entry `i` is the
 * last row whose `by` column (`arn` or `user`) equals `keys[i]` — the row a Map built from every
 * row would return — or `undefined`. Rules ask about a handful of administrators among tens of
 * thousands of rows: a map of every row (an entry per row, built for a few look-ups) is not needed.
 * `skipRoot`: the root account's row (`<root_account>`) never matches.
 */
export function rowsForKeys(
  rows: readonly CredentialReportRow[],
  keys: readonly string[],
  by: 'arn' | 'user',
  skipRoot = false,
): (CredentialReportRow | undefined)[] {
  const out = new Array<CredentialReportRow | undefined>(keys.length).fill(undefined);
  if (keys.length === 0) return out;
  // Positions of each key (a key may be asked twice).
  const at = new Map<string, number | number[]>();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const seen = at.get(k);
    if (seen === undefined) at.set(k, i);
    else if (typeof seen === 'number') at.set(k, [seen, i]);
    else seen.push(i);
  }
  rowsInto(rows, at, by === 'arn', skipRoot, out);
  return out;
}

/**
 * `rowsForKeys`' pass over every row, in its own function: with the loop in `rowsForKeys` (called once per
 * evaluation), its code before the loop (`new Array(…).fill`) had no type feedback when the loop made it hot,
 * and the compiled function deoptimised there in the next evaluation ("Insufficient type feedback for
 * construct", "wrong map" at `fill`) and was compiled twice more in steady runs 3-5 (2-7 ms each,
 * --trace-opt/--trace-deopt on bench/evaluate, both mixes, s17). Here the loop is the whole function.
 */
function rowsInto(rows: readonly CredentialReportRow[], at: ReadonlyMap<string, number | number[]>, byArn: boolean, skipRoot: boolean, out: (CredentialReportRow | undefined)[]): void {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const hit = at.get(byArn ? row.arn : row.user);
    if (hit === undefined || (skipRoot && row.user === ROOT_REPORT_USER)) continue;
    if (typeof hit === 'number') out[hit] = row;
    else for (let k = 0; k < hit.length; k++) out[hit[k]!] = row;
  }
}
