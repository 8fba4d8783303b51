/**
 * Opening a store: the embedded one (dynalite in-process, persisted on disk; the default, so
 * a new user gets history and verify without an AWS account) or a real DynamoDB table
 * (`--table NAME`, default credential chain). Both serve the same `EvidenceStore`.
 *
 * Data directory of the embedded store, first that is set:
 *   1. `--data-dir DIR` (option `dataDir`)
 *   2. `$ART32_DATA_DIR`
 *   3. `$XDG_DATA_HOME/art32`
 *   4. `~/.local/share/art32`
 * The LevelDB files live in `<dir>/dynamodb/`.
 */
import { constants as fsConstants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { EvidenceStore, type EvidenceStoreOptions } from './store';
import { DEFAULT_TABLE_NAME, createTableInput } from './table';

export class DataDirError extends Error {
  public constructor(dir: string, why: string) {
    super(`evidence data directory ${dir} ${why} (choose another with --data-dir or ART32_DATA_DIR)`);
    this.name = 'DataDirError';
  }
}

export interface StoreLocation {
  /** Real DynamoDB table name (AWS mode). When set, `dataDir` is ignored. */
  table?: string;
  /** Embedded store directory. */
  dataDir?: string;
  /** Environment to read defaults from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

export interface OpenStore {
  store: EvidenceStore;
  /** `embedded <dir>` or `dynamodb table <name> (<region>)`: where the evidence lives, for people. */
  description: string;
  mode: 'embedded' | 'aws';
  dataDir?: string;
  /** The raw client (for tools that inspect the table by hand). */
  client: DynamoDBClient;
  close(): Promise<void>;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ART32_DATA_DIR) return resolve(env.ART32_DATA_DIR);
  if (env.XDG_DATA_HOME) return resolve(env.XDG_DATA_HOME, 'art32');
  return join(homedir(), '.local', 'share', 'art32');
}

async function prepareDataDir(dir: string): Promise<string> {
  const dbDir = join(dir, 'dynamodb');
  try {
    await mkdir(dbDir, { recursive: true });
  } catch (error) {
    throw new DataDirError(dir, `cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    await access(dbDir, fsConstants.R_OK | fsConstants.W_OK | fsConstants.X_OK);
  } catch (error) {
    throw new DataDirError(dir, `is not readable and writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return dbDir;
}

/** Create the evidence table if it does not exist, and wait until it is ACTIVE (embedded store, tests). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  for (let i = 0; i < 200; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`embedded table ${tableName} did not become ACTIVE`);
}

export interface EmbeddedServer {
  endpoint: string;
  close(): Promise<void>;
}

/** Start dynalite on 127.0.0.1 (random port); `path` undefined = in memory. */
export async function startDynalite(path?: string): Promise<EmbeddedServer> {
  const server = dynalite({ ...(path !== undefined ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r, reject) => server.close((err) => (err ? reject(err) : r()))),
  };
}

/** A DynamoDB client for a local endpoint (dummy credentials: dynalite checks none). */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 });
}

export async function openEmbeddedStore(dataDir: string, options: Partial<EvidenceStoreOptions> = {}): Promise<OpenStore> {
  const dir = resolve(dataDir);
  const dbDir = await prepareDataDir(dir);
  let server: EmbeddedServer;
  try {
    server = await startDynalite(dbDir);
  } catch (error) {
    throw new DataDirError(dir, `cannot be opened: ${(error as Error).message}`);
  }
  const client = localClient(server.endpoint);
  try {
    await ensureTable(client, DEFAULT_TABLE_NAME);
  } catch (error) {
    client.destroy();
    await server.close();
    // LevelDB holds a lock: a second process on the same directory fails here.
    throw new DataDirError(dir, `cannot be opened (${(error as Error).message}); is another art32 process using it?`);
  }
  const store = new EvidenceStore({ ...options, client, tableName: DEFAULT_TABLE_NAME, region: 'embedded' });
  return {
    store,
    description: `embedded store in ${dir}`,
    mode: 'embedded',
    dataDir: dir,
    client,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** Real DynamoDB through the default credential chain (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL). Never creates the table. */
export async function openAwsStore(tableName: string, options: Partial<EvidenceStoreOptions> = {}): Promise<OpenStore> {
  const client = new DynamoDBClient({});
  let region: string | undefined;
  try {
    region = await client.config.region();
  } catch {
    region = undefined;
  }
  const store = new EvidenceStore({ ...options, client, tableName, ...(region !== undefined ? { region } : {}) });
  return {
    store,
    description: `DynamoDB table ${tableName} (${region ?? 'region from the AWS configuration'})`,
    mode: 'aws',
    client,
    close: async () => client.destroy(),
  };
}

/** Open the store a CLI invocation names (`--table` wins over `--data-dir`). */
export async function openStore(location: StoreLocation): Promise<OpenStore> {
  if (location.table !== undefined) return openAwsStore(location.table);
  return openEmbeddedStore(location.dataDir ?? defaultDataDir(location.env));
}
