import type { CredentialReportRow } from './schema';

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
