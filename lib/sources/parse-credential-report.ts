/**
 * The IAM credential report, from the CSV AWS produces to `CredentialReportRow`s.
 * Shared by the export-directory source (`credential-report.csv` / `credential-report.json`)
 * and the live collector (`GetCredentialReport` returns the same CSV, base64-encoded).
 *
 * What AWS writes in the CSV (IAM User Guide, "Getting credential reports"):
 * - booleans are `true` / `false`; the root row's `password_enabled` is `not_supported`;
 * - date columns hold an ISO-8601 timestamp, or `N/A` (no such credential),
 *   `no_information` (never used since IAM started tracking) or `not_supported`;
 * - fields may be quoted (RFC 4180), e.g. when a path-qualified user name contains a comma.
 */
import { CredentialReportRow, ReportMarker, type CredentialReport } from '../snapshot';

/** The columns a row must have; AWS adds others (`*_last_used_region`, …) which are ignored. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'cert_1_active',
  'cert_2_active',
] as const;

type Column = (typeof CREDENTIAL_REPORT_COLUMNS)[number];

const BOOLEAN_COLUMNS = new Set<Column>([
  'mfa_active',
  'access_key_1_active',
  'access_key_2_active',
  'cert_1_active',
  'cert_2_active',
]);
const MARKERS = new Set<string>(ReportMarker.options);

/** A credential report that cannot be read; names the line and column at fault. */
export class CredentialReportParseError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'CredentialReportParseError';
  }
}

/**
 * Split RFC 4180 CSV text into records of fields. Handles quoted fields with commas,
 * doubled quotes and line breaks, CRLF or LF line ends, and a UTF-8 BOM.
 */
export function parseCsv(text: string): string[][] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && input[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      line++;
    } else {
      field += ch;
    }
  }
  if (quoted) throw new CredentialReportParseError(`unterminated quoted field (line ${line})`);
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  // Blank lines (e.g. the trailing newline) are not records.
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

function parseBoolean(value: string, column: string, line: number): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new CredentialReportParseError(`line ${line}, column "${column}": expected true or false, got "${value}"`);
}

function parseDate(value: string, column: string, line: number): string {
  const v = value.trim();
  if (MARKERS.has(v)) return v;
  if (!Number.isNaN(Date.parse(v))) return v;
  throw new CredentialReportParseError(
    `line ${line}, column "${column}": expected an ISO-8601 date, N/A, no_information or not_supported, got "${value}"`,
  );
}

/**
 * Parse the credential report CSV (decoded, as `aws iam get-credential-report` content or
 * the file downloaded from the console) into rows. Throws `CredentialReportParseError`
 * naming the line and column of the first bad value; never guesses a value.
 */
export function parseCredentialReportCsv(csv: string): CredentialReportRow[] {
  const records = parseCsv(csv);
  const header = records[0];
  if (!header) throw new CredentialReportParseError('the credential report is empty (no header line)');
  const index = new Map(header.map((name, i) => [name.trim(), i]));
  const missing = CREDENTIAL_REPORT_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new CredentialReportParseError(`the credential report header lacks column(s): ${missing.join(', ')}`);
  }
  const rows: CredentialReportRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r] ?? [];
    const line = r + 1;
    if (record.length !== header.length) {
      throw new CredentialReportParseError(`line ${line}: ${record.length} fields, the header has ${header.length}`);
    }
    const get = (c: Column): string => record[index.get(c) as number] ?? '';
    const row: Record<string, unknown> = {};
    for (const column of CREDENTIAL_REPORT_COLUMNS) {
      const value = get(column);
      if (column === 'user' || column === 'arn') {
        row[column] = value;
      } else if (column === 'password_enabled') {
        row[column] = value.trim() === 'not_supported' ? 'not_supported' : parseBoolean(value, column, line);
      } else if (BOOLEAN_COLUMNS.has(column)) {
        row[column] = parseBoolean(value, column, line);
      } else {
        row[column] = parseDate(value, column, line);
      }
    }
    const parsed = CredentialReportRow.safeParse(row);
    if (!parsed.success) {
      throw new CredentialReportParseError(`line ${line}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    rows.push(parsed.data);
  }
  return rows;
}

/** Decode `GetCredentialReport`'s base64 `Content` (the CLI prints it base64-encoded). */
export function decodeCredentialReportContent(content: string): string {
  const compact = content.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new CredentialReportParseError('Content is not base64 (expected the CLI output of get-credential-report)');
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** Build the snapshot section from the CSV text and the report's generation time. */
export function credentialReportFromCsv(csv: string, generatedTime: string): CredentialReport {
  return { GeneratedTime: generatedTime, rows: parseCredentialReportCsv(csv) };
}
