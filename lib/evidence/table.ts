/**
 * The evidence table: one definition shared by the embedded store (`CreateTableCommand`)
 * and the deployed stack (CDK `TableV2`), so both create exactly the same table.
 *
 * Item families (all in one table, told apart by `type` and by the sort-key prefix):
 *
 * | item | pk | sk | byRule (gsi1) | byRun (gsi2) |
 * |---|---|---|---|---|
 * | evidence record | `ACCOUNT#<id>` | `RUN#<collectedAt>#<runId>#RULE#<ruleId>` | `ACCOUNT#<id>#RULE#<ruleId>` / `<collectedAt>#<runId>` | `RUN#<runId>` / `ACCOUNT#<id>#RULE#<ruleId>` |
 * | run header (run started) | `ACCOUNT#<id>` | `OPEN#<collectedAt>#<runId>` | – | `RUN#<runId>` / `ACCOUNT#<id>#OPEN` |
 * | run manifest (run sealed) | `ACCOUNT#<id>` | `MANIFEST#<collectedAt>#<runId>` | – | `RUN#<runId>` / `ACCOUNT#<id>#MANIFEST` |
 * | run payload (records to resume) | `ACCOUNT#<id>` | `PAYLOAD#<collectedAt>#<runId>` | – | – |
 * | execution lock (deployed runs) | `LOCK` | `COLLECTION-RUN` | – | – |
 * | account registry entry | `ACCOUNTS` | `ACCOUNT#<id>` | – | – |
 * | report sent (weekly email) | `REPORTS` | `SENT#<report now>#<message id>` | – | – |
 *
 * Access patterns, each ONE Query (never a Scan):
 * - rule history for an account over dates: `byRule`, pk = `ACCOUNT#<id>#RULE#<ruleId>`, sk BETWEEN from/to.
 * - requirement history: base table, pk = `ACCOUNT#<id>`, sk BETWEEN `RUN#<from>` and `RUN#<to>~`,
 *   FilterExpression `contains(requirementIds, :req)`. Why not a GSI: a record serves several
 *   requirements and a GSI key cannot be multi-valued; a per-requirement copy of each record
 *   would triple the writes of every run for a query auditors run rarely.
 * - everything in one run (all accounts, records + header + manifest): `byRun`, pk = `RUN#<runId>`.
 * - one account's run: `byRun`, pk = `RUN#<runId>`, sk begins_with `ACCOUNT#<id>#`.
 * - latest sealed run of an account: base table, sk begins_with `MANIFEST#`, descending, Limit 1.
 * - manifests in chain order: base table, sk begins_with `MANIFEST#`, ascending.
 * - runs with complete/incomplete status: base table, sk BETWEEN `MANIFEST#<from>` and `OPEN#<to>~`
 *   (the `MANIFEST#` and `OPEN#` prefixes sort next to each other, records sort after them as `RUN#`).
 * - known accounts: pk = `ACCOUNTS`.
 *
 * Never TTL: evidence is kept until a person deletes it deliberately.
 */

/** Default table name of the embedded store (dynalite requires at least 3 characters). */
export const DEFAULT_TABLE_NAME = 'art32-evidence';

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

export const BY_RULE_INDEX = 'byRule';
export const BY_RULE_PK = 'gsi1pk';
export const BY_RULE_SK = 'gsi1sk';

export const BY_RUN_INDEX = 'byRun';
export const BY_RUN_PK = 'gsi2pk';
export const BY_RUN_SK = 'gsi2sk';

/** Every key attribute is a string. */
export type KeyAttributeType = 'S';

export interface KeyAttribute {
  name: string;
  type: KeyAttributeType;
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  /** `ALL`: auditors read whole records from the index (history), not just keys. */
  projectionType: 'ALL';
}

export interface EvidenceTableDefinition {
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: readonly IndexDefinition[];
  /** Evidence must never expire. The CDK construct must not set `timeToLiveAttribute`. */
  timeToLiveAttribute: undefined;
}

/**
 * The table definition, usable by the CDK as
 * `new TableV2(this, 'Evidence', { partitionKey: { name: T.partitionKey.name, type: AttributeType.STRING }, ... })`
 * and `T.globalSecondaryIndexes.map(i => ({ indexName: i.indexName, partitionKey: ..., sortKey: ..., projectionType: ProjectionType.ALL }))`.
 */
export const EVIDENCE_TABLE: EvidenceTableDefinition = {
  partitionKey: { name: PARTITION_KEY, type: 'S' },
  sortKey: { name: SORT_KEY, type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: BY_RULE_INDEX,
      partitionKey: { name: BY_RULE_PK, type: 'S' },
      sortKey: { name: BY_RULE_SK, type: 'S' },
      projectionType: 'ALL',
    },
    {
      indexName: BY_RUN_INDEX,
      partitionKey: { name: BY_RUN_PK, type: 'S' },
      sortKey: { name: BY_RUN_SK, type: 'S' },
      projectionType: 'ALL',
    },
  ],
  timeToLiveAttribute: undefined,
} as const;

/** Shape of `CreateTableCommandInput` (kept structural so this file needs no SDK import). */
export interface CreateTableInputShape {
  TableName: string;
  BillingMode: 'PAY_PER_REQUEST';
  AttributeDefinitions: { AttributeName: string; AttributeType: KeyAttributeType }[];
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  GlobalSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType: 'ALL' };
  }[];
}

/** Input for `CreateTableCommand` (embedded store, tests). The deployed table comes from the CDK. */
export function createTableInput(tableName: string = DEFAULT_TABLE_NAME): CreateTableInputShape {
  const t = EVIDENCE_TABLE;
  const keys = [t.partitionKey, t.sortKey, ...t.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: [
      { AttributeName: t.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: t.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: t.globalSecondaryIndexes.map((i) => ({
      IndexName: i.indexName,
      KeySchema: [
        { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: i.projectionType },
    })),
  };
}

// ---------------------------------------------------------------- key builders

/** The registry partition listing every account that has evidence. */
export const ACCOUNTS_PK = 'ACCOUNTS';
/** Reports sent (the weekly email): `pk = REPORTS`, `sk = SENT#<report now>#<message id>`. Not evidence. */
export const REPORTS_PK = 'REPORTS';

export const keys = {
  account: (accountId: string) => `ACCOUNT#${accountId}`,
  recordSk: (collectedAt: string, runId: string, ruleId: string) => `RUN#${collectedAt}#${runId}#RULE#${ruleId}`,
  runPrefix: (collectedAt: string, runId: string) => `RUN#${collectedAt}#${runId}#`,
  openSk: (collectedAt: string, runId: string) => `OPEN#${collectedAt}#${runId}`,
  manifestSk: (collectedAt: string, runId: string) => `MANIFEST#${collectedAt}#${runId}`,
  /** The facts a run was opened with (its records, compressed): lets the next run finish it. Not evidence. */
  payloadSk: (collectedAt: string, runId: string) => `PAYLOAD#${collectedAt}#${runId}`,
  /** Who collected the run, with what and what it could see (lib/accountability/context.ts); sealed by hash in version 2 manifests. */
  contextSk: (collectedAt: string, runId: string) => `CONTEXT#${collectedAt}#${runId}`,
  byRulePk: (accountId: string, ruleId: string) => `ACCOUNT#${accountId}#RULE#${ruleId}`,
  byRuleSk: (collectedAt: string, runId: string) => `${collectedAt}#${runId}`,
  byRunPk: (runId: string) => `RUN#${runId}`,
  byRunRecordSk: (accountId: string, ruleId: string) => `ACCOUNT#${accountId}#RULE#${ruleId}`,
  byRunOpenSk: (accountId: string) => `ACCOUNT#${accountId}#OPEN`,
  byRunManifestSk: (accountId: string) => `ACCOUNT#${accountId}#MANIFEST`,
  registrySk: (accountId: string) => `ACCOUNT#${accountId}`,
} as const;

/** Sorts after every character used in keys: the upper bound of a `BETWEEN` on a prefix. */
export const KEY_HIGH = '\uffff';

/** Item `type` attribute values. */
export const ITEM_TYPES = ['RECORD', 'RUN', 'MANIFEST', 'ACCOUNT', 'PAYLOAD', 'LOCK'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];
