/**
 * `--data-dir` / `--table`: where the evidence lives, shared by every evidence command
 * (collect, runs, history, verify, export, and report). Opens the store, runs the command,
 * always closes it, and turns the store's input errors into one-line CLI errors (exit 2).
 */
import type { Command } from 'commander';
import {
  DamagedStoreError,
  DataDirError,
  RunCloseError,
  StoreBusyError,
  EvidenceConflictError,
  EvidenceOrderError,
  EvidenceTableMissingError,
  InvalidDateRangeError,
  InvalidRunError,
  UnknownAccountError,
  UnknownRunError,
  dateBounds,
  openStore,
  type OpenStore,
  type StoreAccess,
} from '../evidence';
import { CliError } from './errors';
import { EXIT } from './exit-codes';

export interface RawStoreOptions {
  dataDir?: string;
  table?: string;
}

export function addStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'embedded evidence store directory (default: $ART32_DATA_DIR, else $XDG_DATA_HOME/art32, else ~/.local/share/art32)')
    .option('--table <name>', 'use this DynamoDB table instead (default AWS credential chain; AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL are honoured; never creates the table)');
}

const INPUT_ERRORS = [DataDirError, EvidenceTableMissingError, InvalidDateRangeError, UnknownAccountError, UnknownRunError, InvalidRunError, EvidenceConflictError, EvidenceOrderError];

/**
 * Open the store named by the options, run `fn`, close the store. Only `collect` asks for
 * `write`; every other command reads, and a read never writes, creates or deletes a store file.
 */
export async function withStore<T>(raw: RawStoreOptions, fn: (open: OpenStore) => Promise<T>, access: StoreAccess = 'read'): Promise<T> {
  const open = await openStoreForCommand(raw, access);
  try {
    return await fn(open);
  } catch (error) {
    throw asCliError(error);
  } finally {
    await open.close();
  }
}

/**
 * Open the store named by the options, with the CLI's exit codes for what can go wrong (2 bad
 * input, 3 damaged store, 6 busy): for a command that keeps the store open itself (`serve`).
 * The caller closes it.
 */
export async function openStoreForCommand(raw: RawStoreOptions, access: StoreAccess = 'read'): Promise<OpenStore> {
  if (raw.table !== undefined && raw.dataDir !== undefined) throw new CliError('choose --table (DynamoDB) or --data-dir (embedded store), not both');
  if (raw.table !== undefined && raw.table.length < 3) throw new CliError(`--table "${raw.table}": DynamoDB table names are 3 to 255 characters`);
  try {
    const waitMs = Number(process.env.ART32_LOCK_WAIT_MS ?? '');
    return await openStore({
      ...(raw.table !== undefined ? { table: raw.table } : {}),
      ...(raw.dataDir !== undefined ? { dataDir: raw.dataDir } : {}),
      access,
      ...(Number.isFinite(waitMs) && waitMs > 0 ? { lock: { waitMs } } : {}),
    });
  } catch (error) {
    throw asCliError(error);
  }
}

function asCliError(error: unknown): unknown {
  if (INPUT_ERRORS.some((E) => error instanceof E)) return new CliError((error as Error).message, EXIT.USAGE);
  if (error instanceof StoreBusyError) return new CliError(error.message, EXIT.BUSY);
  if (error instanceof DamagedStoreError || error instanceof RunCloseError) return new CliError(error.message, EXIT.INTEGRITY);
  return error;
}

/** `--from`/`--to` as given, validated early so a typo is a usage error before the store is opened. */
export function dateOptions(raw: { from?: string; to?: string }): { from?: string; to?: string } {
  const range = { ...(raw.from !== undefined ? { from: raw.from } : {}), ...(raw.to !== undefined ? { to: raw.to } : {}) };
  try {
    dateBounds(range);
  } catch (error) {
    throw asCliError(error);
  }
  return range;
}

export function requireAccountId(value: string | undefined, flag = '--account'): string {
  if (value === undefined) throw new CliError(`${flag} is required (a 12-digit AWS account id; \`art32 runs\` lists the accounts with evidence)`);
  if (!/^\d{12}$/.test(value)) throw new CliError(`${flag} "${value}" is not an AWS account id (12 digits)`);
  return value;
}
