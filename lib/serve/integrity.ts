/**
 * What the console says about the integrity of what it shows: the same checks as `art32 verify`
 * (lib/evidence/verify.ts — every hash, every manifest signature against ONE trusted public key,
 * every chain link, the anchors), read-only, and computed once per store generation:
 * - `snapshot`: the store cannot change while it is served (the embedded store is read from a
 *   private copy taken at start), so each account is verified once for the console's life;
 * - `live`: a DynamoDB table (or a test's dynalite) can change between two page loads, so each
 *   request verifies afresh (and reads each account's items once, whatever the page needs).
 *
 * Never writes: it only reads the store (Query/Get through EvidenceStore), the anchor store's
 * listing and the trusted public key given at start.
 */
import type { AnchorListing, Anchor } from '../evidence/anchor';
import { storeRetention, type VerifyRetention } from '../evidence/expiry';
import type { ManifestSignature, SignatureVerifier } from '../evidence/signing';
import { manifestSignatureOf, type AccountItems, type EvidenceStore, type Item } from '../evidence/store';
import { recordIntegrity, verifyAccountItems, verifyStore, type AccountVerification, type RecordIntegrity, type VerificationResult } from '../evidence/verify';

/** The trust roots the console checks against (same as `verify`'s options). */
export interface ConsoleTrust {
  /** The trusted public key; undefined: none found (an embedded store never sealed, or no key given). */
  verifier?: SignatureVerifier;
  /** For people: where the key came from (`local key DIR`, `public key FILE`, `KMS key ARN`). */
  keySource?: string;
  /** Reads the anchor store's listing; undefined: no anchor store configured. */
  anchors?: () => Promise<(AnchorListing & { store: string }) | undefined>;
  /** Chain heads kept elsewhere (`--expect-head`). */
  expectHeads?: readonly string[];
  /** `snapshot`: verify once for the console's life; `live`: once per request. */
  cache: 'snapshot' | 'live';
  /**
   * The instant evidence retention is judged at (tests fix it; default: the real clock when a
   * view first verifies). A record listed by a manifest and gone after the retention period in
   * force at its run's collection is EXPIRED, not deleted — the same judgement as `verify`,
   * `report` and `export` (lib/evidence/expiry.ts).
   */
  now?: () => Date;
}

/** A manifest's signature, checked with the trusted key. */
export type SignatureState =
  | { state: 'verified'; keyId: string }
  | { state: 'invalid'; keyId: string }
  | { state: 'unsigned' }
  /** No trusted key: the signature exists but was not checked. */
  | { state: 'unchecked'; keyId: string };

/** A manifest compared with the anchor store. */
export type AnchorState = { state: 'matched' } | { state: 'missing' } | { state: 'mismatch'; anchoredHash: string } | { state: 'not-compared' };

export interface RunSeal {
  runId: string;
  collectedAt: string;
  manifestHash: string;
  signature: SignatureState;
  anchor: AnchorState;
}

/** One account as the console shows it: the verification, each sealed run's signature and anchor. */
export interface AccountIntegrity {
  verification: AccountVerification;
  /** By `<collectedAt>#<runId>`. */
  seals: ReadonlyMap<string, RunSeal>;
  /** Anchors of this account (undefined: no anchor store). */
  anchors?: readonly Anchor[];
  /** The newest anchor of this account: the chain head the anchor store holds. */
  anchoredHead?: Anchor;
  /** No problem at all (tampering, incomplete, unsigned or unanchored). */
  intact: boolean;
  record(sk: string): RecordIntegrity;
}

export const runKey = (collectedAt: string, runId: string): string => `${collectedAt}#${runId}`;

export function signatureState(item: Item, verifier: SignatureVerifier | undefined): SignatureState {
  const signature: ManifestSignature | undefined = manifestSignatureOf(item);
  if (!signature) return { state: 'unsigned' };
  if (!verifier) return { state: 'unchecked', keyId: signature.keyId };
  let ok = false;
  try {
    ok = typeof item.body === 'string' && verifier.verify(item.body, signature);
  } catch {
    ok = false;
  }
  return { state: ok ? 'verified' : 'invalid', keyId: signature.keyId };
}

function anchorState(item: Item, anchor: Anchor | undefined, compared: boolean): AnchorState {
  if (!compared) return { state: 'not-compared' };
  if (!anchor) return { state: 'missing' };
  return anchor.manifestHash === item.hash ? { state: 'matched' } : { state: 'mismatch', anchoredHash: anchor.manifestHash };
}

/** The console's integrity source: hands each request a view (shared in `snapshot` mode). */
export class ConsoleIntegrity {
  private shared?: IntegrityView;

  public constructor(
    private readonly store: EvidenceStore,
    public readonly trust: ConsoleTrust,
  ) {}

  public forRequest(): IntegrityView {
    if (this.trust.cache === 'live') return new IntegrityView(this.store, this.trust);
    this.shared ??= new IntegrityView(this.store, this.trust);
    return this.shared;
  }
}

/** Verification results for one store generation, each account read and verified at most once. */
export class IntegrityView {
  private readonly items = new Map<string, Promise<AccountItems>>();
  private readonly accounts = new Map<string, Promise<AccountIntegrity>>();
  private anchorListing?: Promise<(AnchorListing & { store: string }) | undefined>;
  private whole?: Promise<VerificationResult>;
  private retentionOf?: Promise<{ now: string; of: (accountId: string) => VerifyRetention }>;
  /** The store as verifyStore sees it: whole-chain account reads come from this view's cache. */
  private readonly cachedStore: EvidenceStore;

  public constructor(
    private readonly store: EvidenceStore,
    public readonly trust: ConsoleTrust,
  ) {
    // verifyStore reads each account with accountItems(id, undefined): served from the same cache.
    this.cachedStore = new Proxy(store, {
      get: (target, property, receiver) => {
        if (property === 'accountItems') return (accountId: string, from?: string) => (from === undefined ? this.accountItems(accountId) : target.accountItems(accountId, from));
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  private accountItems(accountId: string): Promise<AccountItems> {
    let p = this.items.get(accountId);
    if (!p) {
      p = this.store.accountItems(accountId);
      this.items.set(accountId, p);
    }
    return p;
  }

  public anchors(): Promise<(AnchorListing & { store: string }) | undefined> {
    this.anchorListing ??= this.trust.anchors ? this.trust.anchors() : Promise.resolve(undefined);
    return this.anchorListing;
  }

  /**
   * Evidence retention as `verify` judges it: the register read once per view (a declaration
   * made since counts on the next request in `live` mode), the period in force at each run's
   * collection, judged at the view's clock.
   */
  private retention(): Promise<{ now: string; of: (accountId: string) => VerifyRetention }> {
    this.retentionOf ??= (async () => {
      const now = (this.trust.now?.() ?? new Date()).toISOString();
      return { now, of: await storeRetention(this.store, now) };
    })();
    return this.retentionOf;
  }

  /** Every account (registry keys and anchored accounts), as `art32 verify` checks them. */
  public all(): Promise<VerificationResult> {
    this.whole ??= (async () => {
      const [anchors, retention] = await Promise.all([this.anchors(), this.retention()]);
      return verifyStore(this.cachedStore, {
        ...(this.trust.verifier ? { verifier: this.trust.verifier } : {}),
        ...(anchors ? { anchors } : {}),
        retention: { now: retention.now, policyAt: (accountId, collectedAt) => retention.of(accountId).policyAt(collectedAt) },
        ...(this.trust.expectHeads?.length ? { expectHeads: this.trust.expectHeads } : {}),
      });
    })();
    return this.whole;
  }

  /** One account: its whole chain and every record (the same checks as `verify --account`). */
  public account(accountId: string): Promise<AccountIntegrity> {
    let p = this.accounts.get(accountId);
    if (!p) {
      p = this.computeAccount(accountId);
      this.accounts.set(accountId, p);
    }
    return p;
  }

  private async computeAccount(accountId: string): Promise<AccountIntegrity> {
    const [items, listing, retention] = await Promise.all([this.accountItems(accountId), this.anchors(), this.retention()]);
    const anchors = listing ? listing.anchors.filter((a) => a.accountId === accountId).sort((a, b) => runKey(a.collectedAt, a.runId).localeCompare(runKey(b.collectedAt, b.runId))) : undefined;
    const verification = verifyAccountItems(accountId, items, undefined, {
      ...(this.trust.verifier ? { verifier: this.trust.verifier } : {}),
      ...(anchors ? { anchors } : {}),
      retention: retention.of(accountId),
    });
    const anchorByRun = new Map((anchors ?? []).map((a) => [runKey(a.collectedAt, a.runId), a]));
    const seals = new Map<string, RunSeal>();
    for (const item of items.manifests) {
      const [, collectedAt = '', runId = ''] = item.sk.split('#');
      const key = runKey(collectedAt, runId);
      seals.set(key, { runId, collectedAt, manifestHash: String(item.hash), signature: signatureState(item, this.trust.verifier), anchor: anchorState(item, anchorByRun.get(key), anchors !== undefined) });
    }
    // Without a trusted key nothing is "intact": the signatures were not checked.
    const intact = verification.problems.length === 0 && (this.trust.verifier !== undefined || items.manifests.length === 0);
    return {
      verification,
      seals,
      ...(anchors ? { anchors, ...(anchors.length ? { anchoredHead: anchors.at(-1) as Anchor } : {}) } : {}),
      intact,
      record: (sk) => recordIntegrity(verification, sk),
    };
  }
}

/** Short words for a signature state (pages add colour). */
export function signatureWords(s: SignatureState): string {
  switch (s.state) {
    case 'verified':
      return 'signature verified';
    case 'invalid':
      return 'signature INVALID';
    case 'unsigned':
      return 'not signed';
    case 'unchecked':
      return 'signature not checked (no trusted key)';
  }
}

export function anchorWords(a: AnchorState): string {
  switch (a.state) {
    case 'matched':
      return 'anchor matched';
    case 'missing':
      return 'anchor missing';
    case 'mismatch':
      return 'anchor MISMATCH';
    case 'not-compared':
      return 'anchors not compared (no anchor store)';
  }
}
