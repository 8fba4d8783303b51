/** What every console page reads from: the store, the paged reader, and display options. */
import type { EvidenceStore } from '../evidence/store';
import type { ConsoleIntegrity, IntegrityView } from './integrity';
import type { ConsoleReader } from './reader';

export interface ConsoleContext {
  store: EvidenceStore;
  reader: ConsoleReader;
  /** Where the evidence lives, for people ("embedded store in …", "DynamoDB table …"). */
  storeDescription: string;
  /** Replaces principal names on activity views when pseudonymisation is configured. */
  pseudonymise?: (principal: string) => string;
  /** Clock (tests fix it). */
  now: () => Date;
  /**
   * The trusted key and anchors pages verify against (`serve --public-key/--kms-key-id/--anchors`).
   * Absent: signatures are not checked, and every page says so.
   */
  integrity?: ConsoleIntegrity;
}

/** What a page renders from: the console's context and this request's integrity view. */
export interface PageContext extends ConsoleContext {
  view: IntegrityView;
}

export class NotFoundError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class BadRequestError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const RULE_ID = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

export function accountParam(value: string | undefined): string {
  if (value === undefined || !ACCOUNT_ID.test(value)) throw new BadRequestError('account: expected a 12-digit AWS account id');
  return value;
}

export function runParam(value: string | undefined): string {
  if (value === undefined || !RUN_ID.test(value)) throw new BadRequestError('run: expected a run id (A-Z a-z 0-9 . _ : -)');
  return value;
}

export function ruleParam(value: string | undefined): string {
  if (value === undefined || !RULE_ID.test(value)) throw new BadRequestError('rule: expected a rule id such as auth.password-strength');
  return value;
}
