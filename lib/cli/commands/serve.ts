/** `art32 serve`: the auditor's read-only evidence console in the browser (lib/serve). */
import type { Command } from 'commander';
import { ConsoleIntegrity } from '../../serve/integrity';
import { pseudonymiser } from '../../serve/pseudonym';
import { isLoopback } from '../../serve/security';
import { startConsole } from '../../serve/server';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { addAnchorOption, addKeyOptions, loadAnchors, verifierFor, type RawIntegrityOptions } from '../integrity-options';
import { addStoreOptions, openStoreForCommand, type RawStoreOptions } from '../store-options';
import type { OpenStore } from '../../evidence';

interface ServeOptions extends RawStoreOptions, RawIntegrityOptions {
  expectHead?: string[];
  host: string;
  port: string;
  pseudonymise?: boolean;
}

/**
 * The console's trust roots, as `verify` finds them: the trusted public key (the local key beside
 * the embedded store, `--public-key FILE` or `--kms-key-id ARN`) and the anchors (the directory
 * beside the embedded store, or `--anchors DIR|s3://…`). Read only: nothing is created.
 */
export async function consoleIntegrityFor(open: OpenStore, options: RawIntegrityOptions & { expectHead?: string[] }): Promise<ConsoleIntegrity> {
  const verifier = await verifierFor(open, options);
  const anchorsAtStart = await loadAnchors(open, options);
  const configured = anchorsAtStart !== undefined || options.anchors !== undefined;
  return new ConsoleIntegrity(open.store, {
    ...(verifier ? { verifier, keySource: options.publicKey !== undefined ? `public key ${options.publicKey}` : options.kmsKeyId !== undefined ? `KMS key ${options.kmsKeyId}` : 'local key of the embedded store' } : {}),
    // The embedded store is served from a copy taken at start: its anchors as read then.
    // A table changes while served: each request re-reads them with the items it checks.
    ...(configured ? { anchors: open.mode === 'embedded' ? async () => anchorsAtStart : () => loadAnchors(open, options) } : {}),
    ...(options.expectHead?.length ? { expectHeads: options.expectHead } : {}),
    cache: open.mode === 'embedded' ? 'snapshot' : 'live',
  });
}

export function register(program: Command): void {
  const command = program
    .command('serve')
    .summary('read-only evidence console in the browser (local, token-protected)')
    .description(
      'Start a local, read-only web console over the evidence: requirements × runs heat-map, rule timelines, runs with record hashes ' +
        'and integrity, verification with chain heads, activity outliers, audit pack and audit document downloads. Checks what it shows as ' +
        '`art32 verify` does: every hash, every manifest signature with the trusted public key (the local key, --public-key FILE or ' +
        '--kms-key-id ARN), every chain link, and the anchors (--anchors); records, runs and accounts that are not intact are shown in red. ' +
        'Binds 127.0.0.1 and ' +
        'prints one URL carrying a random access token; every request without it is refused. Never writes to the store ' +
        '(the embedded store is read from a private copy taken at start, when no collect is writing to it: exit 6 otherwise).',
    );
  addKeyOptions(addAnchorOption(addStoreOptions(command)), true)
    .option('--expect-head <sha256>', 'a chain head kept elsewhere (e.g. from the weekly email); the verification page fails if the chain no longer contains it (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--host <address>', 'address to listen on (keep the loopback default unless you know why)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--pseudonymise', 'show principal names on activity views as keyed pseudonyms (key: $ART32_PSEUDONYM_KEY, else random per session)')
    .addHelpText('after', '\nExamples:\n  $ art32 serve                       # the embedded demo store\n  $ art32 serve --table art32-evidence # the deployed table (auditor role credentials)')
    .action(async (options: ServeOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port "${options.port}" is not a port number (0-65535)`);
      for (const head of options.expectHead ?? []) if (!/^[0-9a-f]{64}$/.test(head)) throw new CliError(`--expect-head "${head}" is not a SHA-256 hex digest (64 characters 0-9a-f)`, EXIT.USAGE);
      if (options.publicKey !== undefined && options.kmsKeyId !== undefined) throw new CliError('give --public-key FILE or --kms-key-id ARN, not both', EXIT.USAGE);
      // The store's own read-only open (lib/evidence/embedded.ts): a private copy of the
      // embedded store's files, taken when no collect holds the store (else exit 6, busy).
      const open = await openStoreForCommand(options, 'read');
      let running;
      let integrity: ConsoleIntegrity;
      try {
        integrity = await consoleIntegrityFor(open, options);
      } catch (error) {
        await open.close();
        throw error;
      }
      try {
        running = await startConsole({
          context: {
            store: open.store,
            storeDescription: open.description,
            now: () => new Date(),
            integrity,
            ...(options.pseudonymise ? { pseudonymise: pseudonymiser(process.env.ART32_PSEUDONYM_KEY || undefined) } : {}),
          },
          client: open.client,
          tableName: open.store.tableName,
          host: options.host,
          port,
        });
      } catch (error) {
        await open.close();
        const code = (error as NodeJS.ErrnoException).code;
        throw new CliError(`cannot listen on ${options.host}:${port} (${code ?? (error as Error).message})`, EXIT.USAGE);
      }
      if (!isLoopback(options.host)) process.stderr.write(`art32 serve: listening on ${options.host}, not loopback: anyone who can reach it AND has the token can read the evidence\n`);
      process.stdout.write(`art32 evidence console (read-only) on ${open.description}\n${running.url}\nopen that URL once (it carries the access token); Ctrl-C stops the console\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.close();
      await open.close();
    });
}
