/**
 * The retention policy a run's records expire under, read from the register as it stood when the
 * run was collected (`retentionPolicy(registerView(items, accountId, collectedAt))`): what the
 * deployed record writer stamps as DynamoDB TTL (`expiresAt`, lib/evidence/store.ts) and what
 * `art32 retention --purge` and verify judge expiry by. A later, shorter declaration therefore
 * never reaches back to a run collected before it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RegisterStore } from '../register/store';
import type { RegisterItem } from '../register/types';
import { registerView } from '../register/view';
import { retentionPolicy, type RetentionPolicy } from './retention';
import type { EvidenceStore, RecordExpiry } from './store';

/** What `verifyAccountItems` takes as `retention` (VerifyOptions). */
export interface VerifyRetention {
  now: string;
  policyAt(collectedAt: string): RetentionPolicy;
}

/**
 * A `RecordExpiry` over the register kept in `tableName`: one register read per run (the store
 * asks once per account and collection time), so a declaration made since the last run counts.
 */
export function registerExpiry(client: DynamoDBClient | DynamoDBDocumentClient, tableName: string): RecordExpiry {
  const register = new RegisterStore(client, tableName);
  return {
    async policyAt(accountId, collectedAt) {
      return retentionPolicy(registerView(await register.items(), accountId, collectedAt));
    },
  };
}

/**
 * What verification needs to tell a record removed after its retention from a deleted one, for
 * one account: the policy in force at each run's collection, judged at `now`.
 */
export function retentionCheck(registerItems: readonly RegisterItem[], accountId: string, now: string = new Date().toISOString()): VerifyRetention {
  const policies = new Map<string, RetentionPolicy>();
  return {
    now,
    policyAt(collectedAt) {
      let p = policies.get(collectedAt);
      if (!p) policies.set(collectedAt, (p = retentionPolicy(registerView(registerItems, accountId, collectedAt))));
      return p;
    },
  };
}

/** `retentionCheck` for every account of a store, its register read once (readers: verify, report, export). */
export async function storeRetention(store: EvidenceStore, now: string = new Date().toISOString()): Promise<(accountId: string) => VerifyRetention> {
  const items = await new RegisterStore(store.documentClient, store.tableName).items();
  return (accountId) => retentionCheck(items, accountId, now);
}

