/**
 * A demo evidence store for the console's browser tests and docs screenshot: an in-memory
 * dynalite with one table holding a bundled scenario recorded on several days, each run
 * evaluated by the real rules with the store's own previous runs as context (as `collect` does).
 */
import { ensureTable, localClient, startDynalite } from '../evidence/embedded';
import { previousContext, recordRun } from '../evidence/run';
import { EvidenceStore } from '../evidence/store';
import { Sealer } from '../evidence/seal';
import { ephemeralKeyPair, type SignatureVerifier } from '../evidence/signing';
import { RULES, evaluateRules } from '../rules';
import { loadScenario } from '../scenarios';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { anchorBytes, anchorName, type Anchor, type AnchorStore } from '../evidence/anchor';
import { ConsoleIntegrity } from './integrity';

/**
 * Anchors kept in memory, append-only like the anchor directory (an existing name is never
 * replaced): the demo's stand-in for the WORM anchor store, outside the table's trust.
 */
export function memoryAnchors(description = 'demo anchors (memory)'): AnchorStore {
  const objects = new Map<string, string>();
  return {
    description,
    async append(anchor: Anchor) {
      const name = anchorName(anchor);
      const bytes = anchorBytes(anchor);
      const existing = objects.get(name);
      if (existing !== undefined) {
        if (existing === bytes) return 'present';
        throw new Error(`anchor ${name} exists with other content: anchors are never replaced`);
      }
      objects.set(name, bytes);
      return 'written';
    },
    async list() {
      return { anchors: [...objects.values()].map((b) => JSON.parse(b) as Anchor), problems: [] };
    },
  };
}

export interface DemoStore {
  store: EvidenceStore;
  client: DynamoDBClient;
  tableName: string;
  /** Checks the demo's manifest signatures (its key lives in memory only). */
  verifier: SignatureVerifier;
  /** Every seal's anchor (in memory). */
  anchors: AnchorStore;
  /** The console's trust for this store: its key and anchors, verified on every request (the table can change). */
  integrity(): ConsoleIntegrity;
  close(): Promise<void>;
}

/** Days are ISO instants; the run id is derived from each. */
export async function demoStore(scenarios: readonly { scenario: string; tableName: string; days: readonly string[] }[]): Promise<{ stores: DemoStore[]; close(): Promise<void> }> {
  const server = await startDynalite();
  const client = localClient(server.endpoint);
  const stores: DemoStore[] = [];
  for (const spec of scenarios) {
    await ensureTable(client, spec.tableName);
    const store = new EvidenceStore({ client, tableName: spec.tableName, region: 'local' });
    // Sealed as collect seals, with a key that lives in memory only (a demo, not evidence).
    const keys = ephemeralKeyPair();
    const anchors = memoryAnchors();
    const sealer = new Sealer({ store, signer: keys.signer, anchors });
    for (const collectedAt of spec.days) {
      const { snapshot, parameters } = loadScenario(spec.scenario, { collectedAt });
      const runId = `run-${collectedAt.slice(0, 10).replace(/-/g, '')}`;
      const context = await previousContext(store, snapshot.account.id, { collectedAt: snapshot.collectedAt, runId });
      const findings = evaluateRules(RULES, snapshot, { parameters, context });
      await recordRun({ store, sealer, snapshot, findings, runId });
    }
    const integrity = () =>
      new ConsoleIntegrity(store, { verifier: keys.verifier, keySource: 'the demo key (memory)', anchors: async () => ({ ...(await anchors.list()), store: anchors.description }), cache: 'live' });
    stores.push({ store, client, tableName: spec.tableName, verifier: keys.verifier, anchors, integrity, close: async () => {} });
  }
  return {
    stores,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}
