import { describe, expect, it } from 'vitest';
import {
  CredentialReportParseError,
  decodeCredentialReportContent,
  parseCredentialReportCsv,
  parseCsv,
} from '../../../lib/sources/parse-credential-report';

// Header exactly as IAM writes it (IAM User Guide, "Getting credential reports").
const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
  'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
  'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const ROOT =
  '<root_account>,arn:aws:iam::123456789012:root,2013-10-14T18:32:24+00:00,not_supported,no_information,not_supported,not_supported,true,' +
  'false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const ALICE =
  'Alice,arn:aws:iam::123456789012:user/Alice,2013-10-14T18:32:24+00:00,true,2015-06-16T12:00:00+00:00,2015-01-10T10:00:00+00:00,N/A,false,' +
  'true,2014-01-01T00:00:00+00:00,2015-06-15T10:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';

describe('parseCsv', () => {
  it('handles quoted commas, doubled quotes, embedded line breaks, CRLF and a BOM', () => {
    const text = '\ufeffa,b,c\r\n"x,1","say ""hi""","two\nlines"\r\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['x,1', 'say "hi"', 'two\nlines'],
    ]);
  });

  it('keeps empty fields and ignores blank lines', () => {
    expect(parseCsv('a,,c\n\n1,2,\n')).toEqual([
      ['a', '', 'c'],
      ['1', '2', ''],
    ]);
  });

  it('rejects an unterminated quote', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/unterminated quoted field/);
  });
});

describe('parseCredentialReportCsv', () => {
  it('parses the root row: not_supported password columns, no_information last use, N/A keys', () => {
    const [root] = parseCredentialReportCsv(`${HEADER}\n${ROOT}\n`);
    expect(root).toMatchObject({
      user: '<root_account>',
      password_enabled: 'not_supported',
      password_last_used: 'no_information',
      password_last_changed: 'not_supported',
      mfa_active: true,
      access_key_1_active: false,
      access_key_1_last_rotated: 'N/A',
    });
  });

  it('parses booleans and dates of a user row and drops the columns rules do not use', () => {
    const [, alice] = parseCredentialReportCsv(`${HEADER}\n${ROOT}\n${ALICE}`);
    expect(alice).toMatchObject({ user: 'Alice', password_enabled: true, mfa_active: false, access_key_1_active: true, access_key_1_last_used_date: '2015-06-15T10:00:00+00:00' });
    expect(alice).not.toHaveProperty('access_key_1_last_used_region');
  });

  it('accepts columns in another order and a quoted user name with a comma', () => {
    const cols = HEADER.split(',');
    const values = ALICE.split(',');
    values[0] = '"Alice, contractor"';
    const reversedHeader = [...cols].reverse().join(',');
    const reversedRow = [...values].reverse().join(',');
    const [row] = parseCredentialReportCsv(`${reversedHeader}\n${reversedRow}\n`);
    expect(row?.user).toBe('Alice, contractor');
    expect(row?.password_enabled).toBe(true);
  });

  it('names the line and column of a bad boolean', () => {
    const bad = ALICE.replace(',true,2015-06-16', ',yes,2015-06-16');
    expect(() => parseCredentialReportCsv(`${HEADER}\n${bad}`)).toThrow(/line 2, column "password_enabled": expected true or false, got "yes"/);
  });

  it('names a bad date instead of guessing', () => {
    const bad = ALICE.replace('2015-06-16T12:00:00+00:00', 'last tuesday');
    expect(() => parseCredentialReportCsv(`${HEADER}\n${bad}`)).toThrow(/column "password_last_used": expected an ISO-8601 date/);
  });

  it('rejects a header without a required column and a row with the wrong number of fields', () => {
    expect(() => parseCredentialReportCsv('user,arn\nbob,arn:aws:iam::1:user/bob')).toThrow(/lacks column\(s\): user_creation_time/);
    expect(() => parseCredentialReportCsv(`${HEADER}\nAlice,arn`)).toThrow(/line 2: 2 fields, the header has 22/);
    expect(() => parseCredentialReportCsv('')).toThrow(CredentialReportParseError);
  });

  it('a header-only report has no rows', () => {
    expect(parseCredentialReportCsv(`${HEADER}\n`)).toEqual([]);
  });
});

describe('decodeCredentialReportContent', () => {
  it('decodes the base64 Content the CLI prints, and refuses text that is not base64', () => {
    const csv = `${HEADER}\n${ROOT}\n`;
    expect(decodeCredentialReportContent(Buffer.from(csv).toString('base64'))).toBe(csv);
    expect(() => decodeCredentialReportContent(csv)).toThrow(/not base64/);
  });
});
