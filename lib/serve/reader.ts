/**
 * The console's reads that need pages: one DynamoDB Query per page (`Limit` + the previous
 * page's `LastEvaluatedKey` as an opaque cursor), never a Scan, so a year of daily runs is
 * shown 50 at a time instead of being read whole. Everything else goes through
 * `EvidenceStore` (lib/evidence). This reader only ever sends Query.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../evidence/canonical';
import type { EvidenceRecord } from '../evidence/record';
import { parseRecordItem, type Item } from '../evidence/store';
import { BY_RULE_INDEX, BY_RUN_INDEX, KEY_HIGH, keys } from '../evidence/table';

export class BadCursorError extends Error {
  public constructor() {
    super('this page link is not valid any more (bad cursor): go back to the first page');
    this.name = 'BadCursorError';
  }
}

const CURSOR_KEYS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']);

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

/** Decode a cursor and check it continues the same partition (a cursor is never trusted to pick another one). */
export function decodeCursor(cursor: string | undefined, partition: { name: string; value: string }): Record<string, string> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError();
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadCursorError();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0 || entries.some(([k, v]) => !CURSOR_KEYS.has(k) || typeof v !== 'string')) throw new BadCursorError();
  const key = Object.fromEntries(entries) as Record<string, string>;
  if (key[partition.name] !== partition.value) throw new BadCursorError();
  return key;
}

/** A stored record item as shown: parsed when its body parses, and whether its body still hashes to its hash. */
export interface ShownRecord {
  item: Item;
  record?: EvidenceRecord;
  /** SHA-256 of the stored body equals the stored hash attribute. */
  bodyIntact: boolean;
}

export function showRecord(item: Item): ShownRecord {
  const bodyIntact = typeof item.body === 'string' && typeof item.hash === 'string' && sha256Hex(item.body) === item.hash;
  try {
    return { item, record: parseRecordItem(item), bodyIntact };
  } catch {
    return { item, bodyIntact: false };
  }
}

export interface Page<T> {
  items: T[];
  next?: string;
}

export const PAGE_SIZE = 50;

export class ConsoleReader {
  private readonly doc: DynamoDBDocumentClient;
  /** Query calls made (tests read it). */
  public queries = 0;

  public constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  private async page(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>, start: Record<string, string> | undefined, limit: number): Promise<Page<Item>> {
    // A filtered or short page may come back with fewer items than asked and a key: keep reading until full or done.
    const items: Item[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined = start;
    do {
      this.queries++;
      const out = await this.doc.send(new QueryCommand({ TableName: this.tableName, ...input, Limit: limit - items.length, ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}) }));
      items.push(...((out.Items ?? []) as Item[]));
      exclusiveStartKey = out.LastEvaluatedKey;
    } while (exclusiveStartKey && items.length < limit);
    const next = encodeCursor(exclusiveStartKey);
    return { items, ...(next ? { next } : {}) };
  }

  /** One rule's records for an account, newest first, one page (byRule index). */
  public async rulePage(accountId: string, ruleId: string, range: { lower: string; upper: string }, cursor?: string, limit = PAGE_SIZE): Promise<Page<ShownRecord>> {
    const pk = keys.byRulePk(accountId, ruleId);
    const page = await this.page(
      {
        IndexName: BY_RULE_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': pk, ':lo': range.lower, ':hi': range.upper },
        ScanIndexForward: false,
      },
      decodeCursor(cursor, { name: 'gsi1pk', value: pk }),
      limit,
    );
    return { items: page.items.map(showRecord), ...(page.next ? { next: page.next } : {}) };
  }

  /** Every record item of an account collected in a range (base table), oldest first, all pages. */
  public async accountRecords(accountId: string, range: { lower: string; upper: string }): Promise<ShownRecord[]> {
    const pk = keys.account(accountId);
    const items: Item[] = [];
    let next: string | undefined;
    do {
      const page = await this.page(
        { KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi', ExpressionAttributeValues: { ':pk': pk, ':lo': `RUN#${range.lower}`, ':hi': `RUN#${range.upper}` } },
        decodeCursor(next, { name: 'pk', value: pk }),
        1000,
      );
      items.push(...page.items);
      next = page.next;
    } while (next);
    return items.map(showRecord);
  }

  /** Run headers and manifests of an account, newest first, one page (base table). */
  public async runItemsPage(accountId: string, cursor?: string, limit = PAGE_SIZE * 2): Promise<Page<Item>> {
    const pk = keys.account(accountId);
    return this.page(
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': pk, ':lo': 'MANIFEST#', ':hi': `OPEN#${KEY_HIGH}` },
        ScanIndexForward: false,
      },
      decodeCursor(cursor, { name: 'pk', value: pk }),
      limit,
    );
  }

  /** Every item one run wrote for one account (records, header, manifest): byRun index, all pages. */
  public async runAccountItems(runId: string, accountId: string): Promise<Item[]> {
    const items: Item[] = [];
    let next: string | undefined;
    do {
      const page = await this.page(
        {
          IndexName: BY_RUN_INDEX,
          KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.byRunPk(runId), ':prefix': `ACCOUNT#${accountId}#` },
        },
        decodeCursor(next, { name: 'gsi2pk', value: keys.byRunPk(runId) }),
        500,
      );
      items.push(...page.items);
      next = page.next;
    } while (next);
    return items;
  }

  /** Accounts that took part in a run (byRun index, keys only would do; the items are small). */
  public async runAccounts(runId: string): Promise<string[]> {
    const items: Item[] = [];
    let next: string | undefined;
    do {
      const page = await this.page(
        {
          IndexName: BY_RUN_INDEX,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.byRunPk(runId) },
          ProjectionExpression: 'accountId, gsi2pk, gsi2sk, pk, sk',
        },
        decodeCursor(next, { name: 'gsi2pk', value: keys.byRunPk(runId) }),
        500,
      );
      items.push(...page.items);
      next = page.next;
    } while (next);
    return [...new Set(items.map((i) => String(i.accountId)))].sort();
  }
}
