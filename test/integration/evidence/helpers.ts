/**
 * Test helpers: a real dynalite per test file (temp dir), a store on it, and findings built
 * by the real rule engine from the bundled scenarios.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EvidenceStore, Sealer, ensureTable, ephemeralKeyPair, localClient, startDynalite, type AnchorStore, type EmbeddedServer } from '../../../lib/evidence';
import { RULES, evaluateRules, type Finding } from '../../../lib/rules';
import { loadScenario } from '../../../lib/scenarios';
import type { AccountSnapshot } from '../../../lib/snapshot';

export interface TestDb {
  dir: string;
  server: EmbeddedServer;
  client: DynamoDBClient;
  /** A fresh table per call, so tests in one file do not see each other's items. */
  newStore(options?: { tableName?: string }): Promise<EvidenceStore>;
  close(): Promise<void>;
}

let tables = 0;

export async function startTestDb(): Promise<TestDb> {
  const dir = await mkdtemp(join(tmpdir(), 'art32-evidence-'));
  const server = await startDynalite(join(dir, 'db'));
  const client = localClient(server.endpoint);
  return {
    dir,
    server,
    client,
    async newStore(options = {}) {
      const tableName = options.tableName ?? `evidence-${process.pid}-${++tables}`;
      await ensureTable(client, tableName);
      return new EvidenceStore({ client, tableName, sleep: async () => {} });
    },
    async close() {
      client.destroy();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every item of a table, sorted by key (tests only: the store itself never scans). */
export async function scanAll(client: DynamoDBClient, tableName: string): Promise<string[]> {
  const out: string[] = [];
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }));
    for (const item of page.Items ?? []) out.push(JSON.stringify(item, Object.keys(item).sort()) + JSON.stringify(item));
    ExclusiveStartKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (ExclusiveStartKey);
  return out.sort();
}

const evaluated = new Map<string, { snapshot: AccountSnapshot; findings: Finding[] }>();

/** A scenario evaluated by the real rules (memoised: evaluation dominates test time). Returns copies. */
export function scenarioRun(name: string, collectedAt: string): { snapshot: AccountSnapshot; findings: Finding[] } {
  const id = `${name}@${collectedAt}`;
  let run = evaluated.get(id);
  if (!run) {
    const { snapshot, parameters } = loadScenario(name, { collectedAt });
    run = { snapshot, findings: evaluateRules(RULES, snapshot, { parameters }) };
    evaluated.set(id, run);
  }
  return structuredClone(run);
}

/** The test run's signing key (in memory): tests seal with it and verify against it. */
export const TEST_KEYS = ephemeralKeyPair();

/** A sealer over `store` with the test key (and anchors when given). */
export function testSealer(store: EvidenceStore, anchors?: AnchorStore): Sealer {
  return new Sealer({ store, signer: TEST_KEYS.signer, ...(anchors ? { anchors } : {}) });
}
