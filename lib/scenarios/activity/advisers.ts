/**
 * The normal population shared by the scenarios: advisers signing in through an SSO
 * permission set, each reading a few hundred job-seeker files and records in office hours,
 * with the odd access denial.
 */
import { adviserDay, type SessionPrincipal, type SyntheticRecord } from './synthetic';

export const ADVISER_ROLE = 'AWSReservedSSO_Adviser_5f2b9c0d1e3a4b67';
export const CASE_TABLE = 'jobseekers';

export function adviser(account: string, index: number): SessionPrincipal {
  const n = String(index).padStart(2, '0');
  return {
    account,
    roleName: ADVISER_ROLE,
    sessionName: `adviser-${n}@agency.example`,
    sourceIp: `198.51.100.${10 + index}`,
    userAgent: '[Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36]',
  };
}

/**
 * `count` normal advisers' days: 150–300 calls each, about 1% denied, on `bucket` — the
 * scenario's own personal-data bucket, so the activity and the configuration tell one story.
 */
export function normalAdvisers(account: string, count: number, bucket: string, quarters: number[], random: () => number): SyntheticRecord[] {
  const records: SyntheticRecord[] = [];
  for (let i = 1; i <= count; i++) {
    const calls = 150 + Math.floor(random() * 150);
    records.push(...adviserDay({ principal: adviser(account, i), quarters, calls, deniedShare: 0.01, bucket, table: CASE_TABLE, random }));
  }
  return records;
}
