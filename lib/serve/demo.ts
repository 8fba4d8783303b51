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

export interface DemoStore {
  store: EvidenceStore;
  client: DynamoDBClient;
  tableName: string;
  /** Checks the demo's manifest signatures (its key lives in memory only). */
  verifier: SignatureVerifier;
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
    const sealer = new Sealer({ store, signer: keys.signer });
    for (const collectedAt of spec.days) {
      const { snapshot, parameters } = loadScenario(spec.scenario, { collectedAt });
      const runId = `run-${collectedAt.slice(0, 10).replace(/-/g, '')}`;
      const context = await previousContext(store, snapshot.account.id, { collectedAt: snapshot.collectedAt, runId });
      const findings = evaluateRules(RULES, snapshot, { parameters, context });
      await recordRun({ store, sealer, snapshot, findings, runId });
    }
    stores.push({ store, client, tableName: spec.tableName, verifier: keys.verifier, close: async () => {} });
  }
  return {
    stores,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}
