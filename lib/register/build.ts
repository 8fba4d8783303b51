/**
 * Building register items: each item is hashed (SHA-256 of canonicalJson of every other
 * field, like evidence records) and links to the previous item's hash, so the register is a
 * chain: editing an item breaks its hash, deleting one breaks the next link and leaves a hole
 * in `seq`. Pure: the caller supplies time, identity and the previous item.
 */
import { randomBytes } from 'node:crypto';
import { hashCanonical } from '../evidence/canonical';
import { REGISTER_KINDS, RegisterItem, type Declarant, type RegisterKind } from './types';

const PREFIX: Record<RegisterKind, string> = { declaration: 'D', acceptance: 'A', plan: 'P', triage: 'T', revocation: 'R' };

/** A new entry id: kind letter + 12 hex characters (random: ids never collide across hosts). */
export function newEntryId(kind: RegisterKind, random: () => Buffer = () => randomBytes(6)): string {
  return `${PREFIX[kind]}-${random().toString('hex').slice(0, 12)}`;
}

export interface NewItemInput {
  kind: RegisterKind;
  /** Reuse an existing id to supersede that entry (a new version); otherwise a new id. */
  id?: string;
  accountId: string;
  payload: Record<string, unknown>;
  declarant: Declarant;
  recordedAt: string;
}

export function hashRegisterItem(item: Omit<RegisterItem, 'hash'>): string {
  return hashCanonical(item);
}

/** The next item of the chain after `previous` (undefined for the first item). */
export function nextRegisterItem(previous: RegisterItem | undefined, input: NewItemInput, random?: () => Buffer): RegisterItem {
  if (!REGISTER_KINDS.includes(input.kind)) throw new Error(`unknown register kind ${input.kind}`);
  const body: Omit<RegisterItem, 'hash'> = {
    registerVersion: 1,
    seq: (previous?.seq ?? 0) + 1,
    id: input.id ?? newEntryId(input.kind, random),
    kind: input.kind,
    accountId: input.accountId,
    recordedAt: new Date(input.recordedAt).toISOString(),
    declarant: input.declarant,
    payload: input.payload,
    previousHash: previous?.hash ?? null,
  };
  return RegisterItem.parse({ ...body, hash: hashRegisterItem(body) });
}
