/**
 * A real in-process dynalite with the evidence table, and a writer of runs described as
 * `{ ruleId: status }` (records hashed and sealed by a manifest, as `collect` does).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EvidenceStore } from '../../../lib/evidence/store';
import { Sealer } from '../../../lib/evidence/seal';
import { ephemeralKeyPair } from '../../../lib/evidence/signing';
import { capList, hashRecord } from '../../../lib/evidence/build';
import { EvidenceRecord, RECORD_VERSION, type UnhashedRecord } from '../../../lib/evidence/record';
import { createTableInput } from '../../../lib/evidence/table';
import { requirementsForRule } from '../../../lib/frameworks';
import { getRule, type Status } from '../../../lib/rules';

export interface TestStore {
  store: EvidenceStore;
  client: DynamoDBClient;
  close(): Promise<void>;
}

export async function startStore(tableName = 'art32-report-test'): Promise<TestStore> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-3',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  const store = new EvidenceStore({ client, tableName, region: 'eu-west-3' });
  return {
    store,
    client,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

export interface RunSpec {
  accountId: string;
  alias?: string;
  runId: string;
  collectedAt: string;
  statuses: Record<string, Status>;
  resources?: Record<string, string[]>;
  /** For ERROR records: the API call failed (collection) — otherwise the source does not collect the section (limit). */
  failedCalls?: readonly string[];
}

export function buildTestRecords(spec: RunSpec): EvidenceRecord[] {
  return Object.entries(spec.statuses)
    .map(([ruleId, status]) => {
      const rule = getRule(ruleId);
      const unhashed: UnhashedRecord = {
        recordVersion: RECORD_VERSION,
        accountId: spec.accountId,
        ...(spec.alias !== undefined ? { accountAlias: spec.alias } : {}),
        runId: spec.runId,
        collectedAt: spec.collectedAt,
        ruleId,
        requirementIds: requirementsForRule(ruleId).map((r) => r.id).sort(),
        status,
        severity: rule.severity,
        message: status === 'ERROR' && spec.failedCalls?.includes(ruleId) ? `Not evaluated: missing ${rule.sections.join(', ')} (sts:AssumeRole: AccessDenied)` : `${rule.title}: ${status}`,
        observed:
          status === 'ERROR' && spec.failedCalls?.includes(ruleId)
            ? { missingSections: rule.sections, collectionErrors: rule.sections.map((section) => ({ section, operation: 'sts:AssumeRole', code: 'AccessDenied' })) }
            : {},
        threshold: { example: 1 },
        caps: [],
        resources: capList(spec.resources?.[ruleId] ?? [], 100),
        source: { kind: 'scenario', name: 'report-test', toolVersion: 'test' },
      };
      return EvidenceRecord.parse({ ...unhashed, hash: hashRecord(unhashed) });
    })
    .sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1));
}

/** The report tests' signing key (in memory). */
export const REPORT_TEST_KEYS = ephemeralKeyPair();

/** Write and seal one run, as the collect command does. */
export async function writeTestRun(store: EvidenceStore, spec: RunSpec): Promise<void> {
  const records = buildTestRecords(spec);
  await store.writeRun(records);
  const first = records[0] as EvidenceRecord;
  await new Sealer({ store, signer: REPORT_TEST_KEYS.signer }).seal({ accountId: first.accountId, runId: first.runId, collectedAt: first.collectedAt });
}
