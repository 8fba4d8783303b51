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
import { registerView } from '../register/view';
import { retentionPolicy } from './retention';
import type { RecordExpiry } from './store';

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
