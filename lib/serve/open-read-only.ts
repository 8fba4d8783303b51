/**
 * Open the evidence for reading only. `art32 serve` is a read command: it must never write,
 * create or delete a file of the store. DynamoDB (`--table`) is read through Query/GetItem
 * only. The embedded store is LevelDB under dynalite, and opening LevelDB writes (LOG, a new
 * MANIFEST, a compacted log), so the console opens a private copy of the store's files
 * (temporary directory, mode 0700, removed on close) and never touches the original: the
 * console shows the store as it was when it started.
 */
import { constants as fsConstants } from 'node:fs';
import { access, cp, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DataDirError, defaultDataDir, localClient, openAwsStore, startDynalite, type OpenStore } from '../evidence/embedded';
import { EvidenceStore } from '../evidence/store';
import { DEFAULT_TABLE_NAME } from '../evidence/table';

export async function openEmbeddedReadOnly(dataDir: string): Promise<OpenStore> {
  const dir = resolve(dataDir);
  const dbDir = join(dir, 'dynamodb');
  try {
    if (!(await stat(dbDir)).isDirectory()) throw new Error('not a directory');
    await access(dbDir, fsConstants.R_OK | fsConstants.X_OK);
  } catch {
    throw new DataDirError(dir, 'holds no evidence store (record a run first: art32 collect --scenario france-travail)');
  }
  const copy = await mkdtemp(join(tmpdir(), 'art32-serve-'));
  const cleanup = () => rm(copy, { recursive: true, force: true });
  try {
    await cp(dbDir, join(copy, 'dynamodb'), { recursive: true });
  } catch (error) {
    await cleanup();
    throw new DataDirError(dir, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const server = await startDynalite(join(copy, 'dynamodb'));
  const client = localClient(server.endpoint);
  try {
    await client.send(new DescribeTableCommand({ TableName: DEFAULT_TABLE_NAME }));
  } catch (error) {
    client.destroy();
    await server.close();
    await cleanup();
    if (error instanceof ResourceNotFoundException) throw new DataDirError(dir, 'holds no evidence table (record a run first: art32 collect)');
    throw new DataDirError(dir, `cannot be opened (${(error as Error).message})`);
  }
  return {
    store: new EvidenceStore({ client, tableName: DEFAULT_TABLE_NAME, region: 'embedded' }),
    description: `embedded store in ${dir} (read-only copy taken ${new Date().toISOString().slice(0, 19)}Z)`,
    mode: 'embedded',
    dataDir: dir,
    client,
    close: async () => {
      client.destroy();
      await server.close();
      await cleanup();
    },
  };
}

/** `--table` (DynamoDB, never created) or the embedded store, read-only. */
export async function openReadOnly(location: { table?: string; dataDir?: string; env?: NodeJS.ProcessEnv }): Promise<OpenStore> {
  if (location.table !== undefined) return openAwsStore(location.table);
  return openEmbeddedReadOnly(location.dataDir ?? defaultDataDir(location.env));
}
