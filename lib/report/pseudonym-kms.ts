/**
 * Pseudonyms from a KMS HMAC key (KeySpec HMAC_256, KeyUsage GENERATE_VERIFY_MAC): the deployed
 * weekly email (`report.pseudonymise` in the CDK config) and `art32 pseudonym resolve
 * --kms-key-id`. The key never leaves KMS, so nobody can compute a pseudonym offline: every
 * computation is a `kms:GenerateMac` call that the key policy allows to the report function and
 * the configured resolvers only, and that CloudTrail records (who re-identified, and when).
 *
 * GenerateMac returns the raw RFC 2104 HMAC of the message, so a pseudonym is computed exactly as
 * with a local key (lib/report/pseudonym.ts: `p-` + base32 of the first 60 bits of
 * HMAC-SHA-256(key, domain ‖ name)); only where the key lives differs.
 *
 * Calls: one per DISTINCT name of a report (cached for the run), a few at a time; throttling is
 * retried by the SDK's standard retry strategy. Any failure (key disabled, access denied, an
 * unexpected answer) throws: the report is not sent rather than sent with names in clear.
 */
import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { Pseudonymiser, pseudonymMessage, pseudonymOfMac, type PseudonymSource } from './pseudonym';

export const PSEUDONYM_MAC_ALGORITHM = 'HMAC_SHA_256';
/** GenerateMac takes 1 to 4,096 bytes of message. */
const MAX_MESSAGE_BYTES = 4096;
/** GenerateMac calls in flight at once (KMS's shared cryptographic-request quota is per account and Region). */
export const KMS_MAC_CONCURRENCY = 8;

export class PseudonymKmsError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PseudonymKmsError';
  }
}

/** Pseudonyms computed by `kms:GenerateMac`; each name is asked of KMS once per instance. */
export class KmsPseudonyms implements PseudonymSource {
  readonly #client: KMSClient;
  readonly #keyId: string;
  readonly #concurrency: number;
  readonly #cache = new Map<string, Promise<string>>();
  #calls = 0;

  public constructor(client: KMSClient, keyId: string, options: { concurrency?: number } = {}) {
    if (!keyId.trim()) throw new PseudonymKmsError('no KMS key id for pseudonyms');
    this.#client = client;
    this.#keyId = keyId;
    this.#concurrency = Math.max(1, options.concurrency ?? KMS_MAC_CONCURRENCY);
  }

  /** GenerateMac calls made so far (one per distinct name). */
  public get calls(): number {
    return this.#calls;
  }

  public get description(): string {
    return `KMS HMAC key ${this.#keyId}`;
  }

  /** The pseudonym of one name. */
  public pseudonym(name: string): Promise<string> {
    let p = this.#cache.get(name);
    if (!p) {
      p = this.#generate(name);
      // A failed call is not remembered: the next run (or retry) asks again.
      p.catch(() => this.#cache.delete(name));
      this.#cache.set(name, p);
    }
    return p;
  }

  public async forNames(names: ReadonlySet<string>): Promise<Pseudonymiser> {
    return Pseudonymiser.precomputed(await this.pseudonyms(names));
  }

  /** name → pseudonym for every name, at most `concurrency` calls in flight. */
  public async pseudonyms(names: Iterable<string>): Promise<Map<string, string>> {
    const todo = [...new Set(names)];
    const out = new Map<string, string>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length) {
        const name = todo[next++] as string;
        out.set(name, await this.pseudonym(name));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, todo.length) }, worker));
    return out;
  }

  async #generate(name: string): Promise<string> {
    const message = pseudonymMessage(name);
    if (message.length > MAX_MESSAGE_BYTES) throw new PseudonymKmsError(`a name of ${message.length} bytes exceeds GenerateMac's ${MAX_MESSAGE_BYTES}-byte message limit`);
    this.#calls++;
    let out;
    try {
      out = await this.#client.send(new GenerateMacCommand({ KeyId: this.#keyId, Message: message, MacAlgorithm: PSEUDONYM_MAC_ALGORITHM }));
    } catch (error) {
      const code = (error as { name?: string } | null)?.name ?? 'Error';
      throw new PseudonymKmsError(`kms:GenerateMac with ${this.#keyId} failed (${code}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (out.MacAlgorithm !== undefined && out.MacAlgorithm !== PSEUDONYM_MAC_ALGORITHM) {
      throw new PseudonymKmsError(`kms:GenerateMac with ${this.#keyId} answered with ${out.MacAlgorithm}, not ${PSEUDONYM_MAC_ALGORITHM}`);
    }
    // HMAC-SHA-256 is 32 bytes; anything shorter cannot be the MAC asked for.
    if (!out.Mac || out.Mac.length < 32) throw new PseudonymKmsError(`kms:GenerateMac with ${this.#keyId} returned no MAC (or a truncated one)`);
    return pseudonymOfMac(out.Mac);
  }
}
