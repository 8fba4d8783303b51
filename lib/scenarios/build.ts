/**
 * Helpers to write bundled scenarios as AWS-shaped data. A scenario is built for a given
 * "now" (its collection time) and every date in it is relative to that moment, so a
 * scenario collected today, or on a fixed demo date, tells the same story (a key that is
 * 400 days old stays 400 days old).
 */
import { credentialReportRow, type AccountSnapshotInput, type CredentialReportRow, type PolicyDocument, type PolicyStatement } from '../snapshot';
import type { RuleParameters } from '../rules/engine';

export interface Scenario {
  /** Stable name used on the command line (`--scenario NAME`). */
  name: string;
  title: string;
  /** What the account looks like and what a scan should find, in two or three sentences. */
  description: string;
  /**
   * Rule parameters the account declares (e.g. its break-glass role names): what an
   * operator would put in a parameters file for this account. Scan and collect pass them
   * to `evaluateRules`; `--params FILE` overrides them per rule.
   */
  parameters: RuleParameters;
  /** The snapshot as collected at `now`. */
  snapshot(now: Date): AccountSnapshotInput;
}

/** The fixed collection time used when none is given: scans of a scenario are reproducible. */
export const SCENARIO_DEFAULT_TIME = '2026-01-22T06:00:00.000Z';

const DAY_MS = 86_400_000;

/** ISO timestamp `days` (may be fractional) before `now`, without milliseconds like AWS prints. */
export function daysAgo(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export type RowInput = Partial<CredentialReportRow> & Pick<CredentialReportRow, 'user' | 'arn'>;

/** A credential report row with the values AWS writes for "no such credential". */
export function reportRow(now: Date, row: RowInput): CredentialReportRow {
  return credentialReportRow({ user_creation_time: daysAgo(now, 700), ...row });
}

/** The root user's row: its password columns are `not_supported` in every real report. */
export function rootRow(now: Date, account: string, row: Partial<CredentialReportRow> = {}): CredentialReportRow {
  return reportRow(now, {
    user: '<root_account>',
    arn: `arn:aws:iam::${account}:root`,
    user_creation_time: daysAgo(now, 1500),
    password_enabled: 'not_supported',
    password_last_changed: 'not_supported',
    password_next_rotation: 'not_supported',
    password_last_used: daysAgo(now, 200),
    ...row,
  });
}

export const policy = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });

export const allow = (Action: string | string[], Resource: string | string[], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});

/** AWS managed policies as GetAccountAuthorizationDetails lists them (default version document only). */
export const AWS_MANAGED = {
  AdministratorAccess: {
    PolicyName: 'AdministratorAccess',
    PolicyId: 'ANPAIWMBCKSKIEE64ZLYK',
    Arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    Path: '/',
    DefaultVersionId: 'v1',
    IsAttachable: true,
    Document: policy(allow('*', '*')),
  },
} as const;

/** A role trust policy for a service or for federated users of an identity provider account. */
export const trust = (principal: Record<string, unknown>, extra: Record<string, unknown> = {}): PolicyDocument =>
  policy({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra });
