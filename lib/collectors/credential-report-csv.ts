/**
 * Parser of the IAM credential report CSV (GetCredentialReport `Content`, base64 on the
 * wire, bytes in SDK v3). Keeps the CSV's own column names; `true`/`false` become booleans,
 * dates and AWS's markers (`N/A`, `no_information`, `not_supported`) stay strings.
 *
 * TODO(reconcile): the sources engineer's `lib/sources/parse-credential-report.ts` parses
 * the same CSV for export directories; once it lands, one of the two must go.
 */
import { CredentialReportRow } from '../snapshot';

const BOOLEAN_COLUMNS = new Set([
  'password_enabled',
  'mfa_active',
  'access_key_1_active',
  'access_key_2_active',
  'cert_1_active',
  'cert_2_active',
]);

export class CredentialReportParseError extends Error {
  public constructor(origin: string, message: string) {
    super(`${origin}: ${message}`);
    this.name = 'CredentialReportParseError';
  }
}

/** Parse the CSV text; throws `CredentialReportParseError` naming the line and column at fault. */
export function parseCredentialReportCsv(csv: string, origin = 'credential report'): CredentialReportRow[] {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const headerLine = lines[0];
  if (headerLine === undefined) throw new CredentialReportParseError(origin, 'empty CSV (no header line)');
  const header = splitLine(headerLine);
  for (const required of ['user', 'arn', 'password_enabled', 'mfa_active']) {
    if (!header.includes(required)) throw new CredentialReportParseError(origin, `header has no "${required}" column`);
  }
  return lines.slice(1).map((line, i) => {
    const cells = splitLine(line);
    if (cells.length !== header.length) {
      throw new CredentialReportParseError(origin, `line ${i + 2}: ${cells.length} fields, header has ${header.length}`);
    }
    const record: Record<string, unknown> = {};
    header.forEach((column, c) => {
      const cell = cells[c] ?? '';
      record[column] = BOOLEAN_COLUMNS.has(column) && (cell === 'true' || cell === 'false') ? cell === 'true' : cell;
    });
    const parsed = CredentialReportRow.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CredentialReportParseError(
        origin,
        `line ${i + 2} (user ${String(record.user)}): ${issue?.path.join('.')}: ${issue?.message}`,
      );
    }
    return parsed.data;
  });
}

/** The report never quotes (user names and ARNs cannot hold commas), but accept RFC 4180 quotes anyway. */
function splitLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
