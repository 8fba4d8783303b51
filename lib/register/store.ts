/**
 * The register in the evidence table, beside the records (same table, its own key prefix and
 * its own hash chain; nothing of the record / manifest path changes):
 *
 * | item | pk | sk |
 * |---|---|---|
 * | register item | `REGISTER` | `ITEM#<seq, 10 digits>` |
 *
 * Reading the register is one Query (pk = `REGISTER`). Appending reads the last item (Query,
 * descending, Limit 1), builds the next one (seq + 1, previousHash = last hash) and writes it
 * with a conditional PutItem (`attribute_not_exists(pk)`): an item is never overwritten, and two
 * writers racing for the same seq cannot both win (the loser re-reads and retries).
 *
 * The item's `body` attribute holds exactly the canonical JSON that was hashed, so anyone can
 * recompute it; `verifyRegister` names an edited item (hash mismatch), a deleted one (hole in
 * seq, broken previousHash link) and an inserted or reordered one.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '../evidence/canonical';
import { hashRegisterItem, nextRegisterItem, type NewItemInput } from './build';
import { RegisterItem } from './types';

export const REGISTER_PK = 'REGISTER';
export const registerSk = (seq: number): string => `ITEM#${String(seq).padStart(10, '0')}`;

export interface RegisterProblem {
  kind: 'item-modified' | 'item-missing' | 'link-broken' | 'item-unreadable';
  seq: number | null;
  message: string;
}

export interface RegisterVerification {
  ok: boolean;
  items: number;
  headHash: string | null;
  problems: RegisterProblem[];
}

export class RegisterStore {
  private readonly doc: DynamoDBDocumentClient;

  public constructor(
    client: DynamoDBClient | DynamoDBDocumentClient,
    public readonly tableName: string,
  ) {
    this.doc = client instanceof DynamoDBDocumentClient ? client : DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Raw stored items in seq order (one Query, paginated). */
  public async rawItems(): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': REGISTER_PK }, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      out.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Parsed items in seq order. Unreadable items are skipped here (verifyRegister reports them). */
  public async items(): Promise<RegisterItem[]> {
    return (await this.rawItems()).flatMap((raw) => {
      const parsed = parseStored(raw);
      return parsed ? [parsed] : [];
    });
  }

  private async last(): Promise<RegisterItem | undefined> {
    const page = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': REGISTER_PK }, ScanIndexForward: false, Limit: 1, ConsistentRead: true }),
    );
    const raw = page.Items?.[0];
    return raw ? (parseStored(raw) ?? undefined) : undefined;
  }

  /** Append one item to the chain; returns it as stored. */
  public async append(input: NewItemInput, attempts = 5): Promise<RegisterItem> {
    for (let attempt = 1; ; attempt += 1) {
      const item = nextRegisterItem(await this.last(), input);
      const { hash: _hash, ...body } = item;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: REGISTER_PK, sk: registerSk(item.seq), type: 'register', kind: item.kind, entryId: item.id, accountId: item.accountId, body: canonicalJson(body), hash: item.hash },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return item;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException && attempt < attempts) continue; // another writer took this seq
        throw error;
      }
    }
  }
}

function parseStored(raw: Record<string, unknown>): RegisterItem | null {
  if (typeof raw.body !== 'string') return null;
  try {
    const parsed = RegisterItem.safeParse({ ...(JSON.parse(raw.body) as Record<string, unknown>), hash: raw.hash });
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Recompute every item's hash and walk the chain. Detects an edited item (its body no longer
 * hashes to its hash, or hash and body were both rewritten so the next link breaks), a deleted
 * item (a hole in seq and a broken link), an inserted or reordered one. Deleting the newest
 * item leaves no hole: the records of runs that relied on it still name its hash
 * (`observed.declaredRestriction`, `observed.declaration`), and anchors (#13) cover the tail.
 */
export function verifyRegisterItems(raw: readonly Record<string, unknown>[]): RegisterVerification {
  const problems: RegisterProblem[] = [];
  let previous: RegisterItem | undefined;
  let count = 0;
  for (const r of [...raw].sort((a, b) => String(a.sk).localeCompare(String(b.sk)))) {
    count += 1;
    const item = parseStored(r);
    if (!item) {
      problems.push({ kind: 'item-unreadable', seq: null, message: `register item ${String(r.sk)} is unreadable (body missing or not a register item)` });
      continue;
    }
    const { hash, ...body } = item;
    if (hashRegisterItem(body) !== hash || r.sk !== registerSk(item.seq))
      problems.push({ kind: 'item-modified', seq: item.seq, message: `register item ${item.seq} (${item.id}, ${item.kind}) was modified: its content no longer matches its hash ${hash}` });
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (item.seq !== expectedSeq)
      problems.push({ kind: 'item-missing', seq: expectedSeq, message: `register item(s) ${expectedSeq}${item.seq - 1 > expectedSeq ? `–${item.seq - 1}` : ''} missing before ${item.seq} (${item.id}): deleted` });
    if (item.previousHash !== (previous?.hash ?? null))
      problems.push({ kind: 'link-broken', seq: item.seq, message: `register item ${item.seq} (${item.id}) links to ${item.previousHash ?? 'nothing'}, but the item before it hashes to ${previous?.hash ?? 'nothing'}` });
    previous = item;
  }
  return { ok: problems.length === 0, items: count, headHash: previous?.hash ?? null, problems };
}

export async function verifyRegister(store: RegisterStore): Promise<RegisterVerification> {
  return verifyRegisterItems(await store.rawItems());
}
