/**
 * `art32 pseudonym resolve p-…`: who a pseudonym in a report stands for. With the pseudonym key
 * (never created here) it recomputes the pseudonym of every person named in the evidence store
 * (resources, messages, per-principal activity metrics) and prints the matches. Resolution
 * needs both the key and read access to the evidence: no mapping table exists anywhere.
 * The key is a local file (`--key`, reports made with `report --pseudonymise`) or, for the
 * deployed weekly email, the stack's KMS HMAC key (`--kms-key-id`): then each candidate costs one
 * kms:GenerateMac call, which the key policy allows to the configured resolvers only and
 * CloudTrail records. A read command: the store is never modified.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { Option, type Command } from 'commander';
import { KmsPseudonyms, PseudonymKmsError } from '../../report/pseudonym-kms';
import { personNamesIn, Pseudonymiser, PSEUDONYM_RE, resolvePseudonym } from '../../report/pseudonym';
import { defaultPseudonymKeyFile, loadPseudonymKey, PseudonymKeyError } from '../../report/pseudonym-key';
import { safeJson } from '../../support/sanitize';
import { CliError } from '../errors';
import { addStoreOptions, withStore, type RawStoreOptions } from '../store-options';

interface ResolveOptions extends RawStoreOptions {
  key?: string;
  kmsKeyId?: string;
  format: 'text' | 'json';
}

export function register(program: Command): void {
  const pseudonym = program
    .command('pseudonym')
    .summary('resolve the pseudonyms of a report made with --pseudonymise')
    .description('Pseudonymised reports name people (IAM users, role sessions, federated users) by stable keyed pseudonyms p-…; resolve them here with the key and the evidence store.');
  const resolve = pseudonym
    .command('resolve')
    .description('Print the person(s) behind each pseudonym: the names in the evidence store whose keyed pseudonym matches. Exit 1 when one is not found.')
    .argument('<pseudonym...>', 'one or more pseudonyms as printed in the report, e.g. p-abcdefghijkl')
    .option('--key <file>', 'the pseudonym key file (default: $ART32_PSEUDONYM_KEY_FILE, else ~/.config/art32/pseudonym.key)')
    .option('--kms-key-id <arn>', "the deployed email's KMS HMAC key (stack output PseudonymKeyArn): one kms:GenerateMac per person named in the store, allowed to the configured resolvers only")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ art32 report --pseudonymise --text weekly.txt
  $ art32 pseudonym resolve p-k3v7q2x9m4ab
  $ art32 pseudonym resolve --table art32-evidence --kms-key-id arn:aws:kms:eu-west-3:111122223333:key/… p-k3v7q2x9m4ab`,
    );
  addStoreOptions(resolve).action(async (pseudonyms: string[], options: ResolveOptions) => {
    const bad = pseudonyms.find((p) => !PSEUDONYM_RE.test(p));
    if (bad !== undefined) throw new CliError(`"${bad}" is not a pseudonym (p- and 12 characters a-z, 2-7)`);
    if (options.key !== undefined && options.kmsKeyId !== undefined) throw new CliError('--key and --kms-key-id are two different keys: give one');
    let local: Pseudonymiser | undefined;
    if (options.kmsKeyId === undefined) {
      try {
        local = new Pseudonymiser(await loadPseudonymKey(options.key ?? defaultPseudonymKeyFile(), { create: false }));
      } catch (error) {
        if (error instanceof PseudonymKeyError) throw new CliError(error.message);
        throw error;
      }
    }
    await withStore(options, async (open) => {
      const names = new Set<string>();
      for (const accountId of await open.store.accounts()) for (const n of personNamesIn(await open.store.recordsInRange(accountId))) names.add(n);
      let p: Pseudonymiser;
      if (local) p = local;
      else {
        try {
          p = await new KmsPseudonyms(new KMSClient({}), options.kmsKeyId as string).forNames(names);
        } catch (error) {
          if (error instanceof PseudonymKmsError) throw new CliError(error.message);
          throw error;
        }
      }
      const results = pseudonyms.map((pseudonym) => ({ pseudonym, names: resolvePseudonym(pseudonym, names, p) }));
      if (options.format === 'json') process.stdout.write(`${safeJson(results, 2)}\n`);
      else for (const r of results) process.stdout.write(`${r.pseudonym}\t${r.names.length ? r.names.join(', ') : `not found among the ${names.size} people named in ${open.description} (another key, or evidence since deleted)`}\n`);
      if (results.some((r) => r.names.length === 0)) process.exitCode = 1;
    });
  });
}
