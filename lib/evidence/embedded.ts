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
 * The LevelDB files live in `<dir>/dynamodb/`. The directory is 0700 (an existing one is
 * tightened) and the CLI runs with umask 077, so the store's files are 0600.
 */
import { constants as fsConstants } from 'node:fs';
import { access, copyFile, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ensurePrivateDir } from '../support/private-files';
import { acquireLock, liveHolder, StoreBusyError, waitForNoWriter, type LockOptions } from './lock';
import { EvidenceStore, type EvidenceStoreOptions } from './store';
import { DEFAULT_TABLE_NAME, createTableInput } from './table';

export class DataDirError extends Error {
  public constructor(dir: string, why: string) {
    super(`evidence data directory ${dir} ${why} (choose another with --data-dir or ART32_DATA_DIR)`);
    this.name = 'DataDirError';
  }
}

/** The embedded store's files are not a usable LevelDB database: reported, never repaired or recreated. */
export class DamagedStoreError extends Error {
  public constructor(dir: string, why: string) {
    super(`evidence store ${dir} is damaged: ${why}. It was left untouched; restore the directory from a backup (art32 never repairs or recreates a store that holds files)`);
    this.name = 'DamagedStoreError';
  }
}

/** `write`: collect (creates the store, takes the writer lock). `read`: every other command — never writes, creates or deletes a file of the store. */
export type StoreAccess = 'write' | 'read';

export interface StoreLocation {
  /** Real DynamoDB table name (AWS mode). When set, `dataDir` is ignored. */
  table?: string;
  /** Embedded store directory. */
  dataDir?: string;
  /** Environment to read defaults from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** Default `read`: only `collect` writes. */
  access?: StoreAccess;
  lock?: LockOptions;
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

/** Data directories already reported as not private (one warning per directory and process). */
const warnedDirs = new Set<string>();

async function prepareDataDir(dir: string): Promise<string> {
  const dbDir = join(dir, 'dynamodb');
  try {
    // Evidence is private (0700, tightened when it was not; lib/support/private-files).
    for (const d of [dir, dbDir]) {
      const warning = await ensurePrivateDir(d);
      if (warning && !warnedDirs.has(d)) {
        warnedDirs.add(d);
        process.stderr.write(`art32: ${warning}\n`);
      }
    }
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

/**
 * A LevelDB directory whose CURRENT file (the pointer to its MANIFEST) is missing or points
 * nowhere: opening it would make LevelDB start an empty database and delete the existing
 * table files as obsolete. An empty or absent directory is a new store, not a damaged one.
 */
async function assertNotDamaged(dir: string, dbDir: string): Promise<'empty' | 'ok'> {
  let files: string[];
  try {
    files = await readdir(dbDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'empty';
    throw new DataDirError(dir, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const data = files.filter((f) => !['LOCK', 'LOG', 'LOG.old'].includes(f));
  if (data.length === 0) return 'empty';
  if (!files.includes('CURRENT')) throw new DamagedStoreError(dir, `${join(dbDir, 'CURRENT')} is missing (the store holds ${data.length} other file(s))`);
  const manifest = (await readFile(join(dbDir, 'CURRENT'), 'utf8')).trim();
  if (!/^MANIFEST-\d+$/.test(manifest) || !files.includes(manifest)) {
    throw new DamagedStoreError(dir, `${join(dbDir, 'CURRENT')} names ${JSON.stringify(manifest.slice(0, 40))}, which is not a file of the store`);
  }
  return 'ok';
}

export interface EmbeddedOpenOptions extends Partial<EvidenceStoreOptions> {
  access?: StoreAccess;
  lock?: LockOptions;
}

/**
 * Open the embedded store. `write` (collect): creates the directory if needed and takes the
 * writer lock first (`lib/evidence/lock.ts`). `read` (everything else): the directory must
 * hold a store; it waits briefly for a writer to finish, then opens a private COPY of the
 * files, so nothing in the data directory is ever written, created or deleted — LevelDB
 * writes on open even when only read.
 */
export async function openEmbeddedStore(dataDir: string, options: EmbeddedOpenOptions = {}): Promise<OpenStore> {
  const { access: mode = 'write', lock: lockOptions, ...storeOptions } = options;
  const dir = resolve(dataDir);
  if (mode === 'read') return openReadOnly(dir, storeOptions, lockOptions);
  const dbDir = await prepareDataDir(dir);
  const lock = await acquireLock(dir, lockOptions);
  try {
    await assertNotDamaged(dir, dbDir);
    return await openOn(dir, dbDir, storeOptions, async () => lock.release());
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function openReadOnly(dir: string, storeOptions: Partial<EvidenceStoreOptions>, lockOptions: LockOptions | undefined): Promise<OpenStore> {
  const dbDir = join(dir, 'dynamodb');
  try {
    if (!(await stat(dir)).isDirectory()) throw new DataDirError(dir, 'is not a directory');
  } catch (error) {
    if (error instanceof DataDirError) throw error;
    throw new DataDirError(dir, `does not exist (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): nothing to read — a mistyped --data-dir? \`art32 collect\` creates a store`);
  }
  if ((await assertNotDamaged(dir, dbDir)) === 'empty') throw new DataDirError(dir, 'holds no evidence store (no dynamodb/ files): record a run with `art32 collect` first');
  await waitForNoWriter(dir, lockOptions);
  const copy = await mkdtemp(join(tmpdir(), 'art32-read-'));
  try {
    for (const f of await readdir(dbDir)) {
      if (['LOCK', 'LOG', 'LOG.old'].includes(f)) continue;
      await copyFile(join(dbDir, f), join(copy, f));
    }
    // A writer that started while the files were copied may have left them half-written.
    const holder = await liveHolder(dir);
    if (holder) throw new StoreBusyError(dir, holder, 'a collect started writing to it while it was being read');
    const open = await openOn(dir, copy, storeOptions, () => rm(copy, { recursive: true, force: true }));
    return { ...open, description: `embedded store in ${dir}` };
  } catch (error) {
    await rm(copy, { recursive: true, force: true });
    throw error;
  }
}

async function openOn(dir: string, dbDir: string, options: Partial<EvidenceStoreOptions>, onClose: () => Promise<void>): Promise<OpenStore> {
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
    throw new DamagedStoreError(dir, `its table cannot be read (${(error as Error).message})`);
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
      await onClose();
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
  return openEmbeddedStore(location.dataDir ?? defaultDataDir(location.env), { access: location.access ?? 'read', ...(location.lock ? { lock: location.lock } : {}) });
}
