/**
 * Pseudonyms for the people named in a report (`art32 report --pseudonymise`, the
 * `report.pseudonymise` option): IAM users, role sessions (behind an SSO permission set, the
 * session name is a person) and federated users. Roles, accounts and the root user are
 * functions, not people, and keep their names so that a finding stays actionable.
 *
 * A pseudonym is `p-` and 12 base32 characters of HMAC-SHA-256(key, name): stable from one
 * report to the next (a recurring signal is recognisable), not reversible without the key,
 * and — with the key — resolvable by whoever may read the evidence store, by recomputing the
 * pseudonym of every name the store holds (`art32 pseudonym resolve`; no mapping table is
 * kept anywhere). The key is a local secret (lib/report/pseudonym-key.ts). GDPR Art. 4(5):
 * the data stay personal data (re-identifiable with additional information kept apart), so
 * this reduces exposure in mailboxes; it does not take the report outside the GDPR.
 */
import { createHmac } from 'node:crypto';
import type { ReportChange, ReportModel } from './model';

export const PSEUDONYM_RE = /^p-[a-z2-7]{12}$/;
const DOMAIN = 'art32/pseudonym/v1\0';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/**
 * The bytes whose HMAC is a name's pseudonym: a domain prefix (so the MAC is of no use for
 * anything else) and the name. The same for a local key and a KMS HMAC key (GenerateMac).
 */
export function pseudonymMessage(name: string): Buffer {
  return Buffer.from(DOMAIN + name, 'utf8');
}

/** A pseudonym from an HMAC-SHA-256 of `pseudonymMessage(name)`: its first 60 bits in base32. */
export function pseudonymOfMac(mac: Uint8Array): string {
  return `p-${base32(mac).slice(0, 12)}`;
}

/** The pseudonym of one name under `key` (60 bits: collisions are negligible at fleet scale). */
export function pseudonymOf(key: Uint8Array, name: string): string {
  return pseudonymOfMac(createHmac('sha256', key).update(pseudonymMessage(name)).digest());
}

/** A name asked of a precomputed pseudonymiser that was not computed: refused, never printed as is. */
export class PseudonymMissingError extends Error {
  public constructor() {
    super('a name was not pseudonymised in advance (refused rather than shown in clear)');
    this.name = 'PseudonymMissingError';
  }
}

/**
 * Where pseudonyms come from, for a known set of names: a local key computes any name on the
 * spot; a KMS HMAC key (lib/report/pseudonym-kms.ts) computes the set once, one GenerateMac per
 * distinct name, before the report is rendered.
 */
export interface PseudonymSource {
  /** A pseudonymiser able to name every one of `names`. */
  forNames(names: ReadonlySet<string>): Promise<Pseudonymiser>;
}

/**
 * A principal ARN whose last segment names a person: `user/[path/]name`,
 * `assumed-role/Role/session`, `federated-user/name`. Names are IAM's `[\w+=,.@-]`; a comma is
 * part of a name only when a name character follows it (so "alice, bob" lists stay lists).
 */
const PERSON_ARN = /arn:aws(?:-[a-z-]+)?:(?:iam|sts)::\d{12}:(?:user|assumed-role|federated-user)\/(?:[\w+=.@-]+(?:,[\w+=.@-]+)*\/)*[\w+=.@-]+(?:,[\w+=.@-]+)*/g;

/** The person named by a principal ARN, or undefined (a role, the root, a resource). */
export function personOf(arn: string): { prefix: string; name: string } | undefined {
  PERSON_ARN.lastIndex = 0;
  const m = PERSON_ARN.exec(arn);
  if (!m || m.index !== 0 || m[0].length !== arn.length) return undefined;
  return splitPerson(arn);
}

function splitPerson(arn: string): { prefix: string; name: string } {
  // A sentence may end right after an ARN: its full stop is not part of the name.
  const trimmed = arn.replace(/\.+$/, '');
  const slash = trimmed.lastIndexOf('/');
  return { prefix: trimmed.slice(0, slash + 1), name: trimmed.slice(slash + 1) };
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces the people named in report strings by their pseudonyms, under one key: a local key
 * (`new Pseudonymiser(key)`), or pseudonyms computed in advance by a KMS HMAC key
 * (`Pseudonymiser.precomputed`), which refuses any name it was not given (fail closed).
 */
export class Pseudonymiser implements PseudonymSource {
  /** The local key; undefined when the pseudonyms were computed in advance (KMS). */
  readonly #key: Uint8Array | undefined;
  readonly #cache: Map<string, string>;

  /** `key`: a local key (any name is computed on demand), or name → pseudonym computed in advance. */
  public constructor(key: Uint8Array | ReadonlyMap<string, string>) {
    if (key instanceof Uint8Array) {
      if (key.length < 16) throw new Error('a pseudonym key has at least 16 bytes');
      this.#key = key;
      this.#cache = new Map();
    } else {
      for (const pseudonym of key.values()) if (!PSEUDONYM_RE.test(pseudonym)) throw new Error(`"${pseudonym}" is not a pseudonym`);
      this.#key = undefined;
      this.#cache = new Map(key);
    }
  }

  /** A pseudonymiser of exactly these names (name → pseudonym); any other name throws PseudonymMissingError. */
  public static precomputed(pseudonyms: ReadonlyMap<string, string>): Pseudonymiser {
    return new Pseudonymiser(pseudonyms);
  }

  public forNames(): Promise<Pseudonymiser> {
    return Promise.resolve(this);
  }

  public name(name: string): string {
    let p = this.#cache.get(name);
    if (!p) {
      if (!this.#key) throw new PseudonymMissingError();
      this.#cache.set(name, (p = pseudonymOf(this.#key, name)));
    }
    return p;
  }

  /** The ARN with its person's name replaced; roles, root and resources unchanged. */
  public arn(arn: string): string {
    const person = personOf(arn);
    return person ? `${person.prefix}${this.name(person.name)}${arn.slice(person.prefix.length + person.name.length)}` : arn;
  }

  /**
   * Free text (a finding's message): every person ARN, then every bare occurrence of a name in
   * `knownNames` (messages also list users by name alone, e.g. "console users have no MFA: alice").
   */
  public text(text: string, knownNames: ReadonlySet<string> = new Set()): string {
    let out = text.replace(PERSON_ARN, (arn) => {
      const { prefix, name } = splitPerson(arn);
      return `${prefix}${this.name(name)}${arn.slice(prefix.length + name.length)}`;
    });
    // Longest first, so "alice.smith" is replaced before "alice".
    for (const name of [...knownNames].sort((a, b) => b.length - a.length)) {
      if (!name || PSEUDONYM_RE.test(name)) continue;
      // Also after a slash: messages write principals as "user/alice" (ARNs were replaced above).
      out = out.replace(new RegExp(`(?<![\\w+=.@-])${escapeRe(name)}(?![\\w+=@-]|[.,][\\w+=@-])`, 'g'), this.name(name));
    }
    return out;
  }
}

/** The persons named by a list of resources (their names, for bare-name replacement). */
export function personNames(resources: readonly string[]): string[] {
  return resources.flatMap((r) => {
    const p = personOf(r);
    return p ? [p.name] : [];
  });
}

/**
 * The report model with every person pseudonymised: the resources of each change and the
 * messages (changes, collection errors, limits). Owners of plans and acceptances are kept:
 * the controller names them on purpose (accountability). Pure: returns a copy.
 */
export function pseudonymiseReport(model: ReportModel, p: Pseudonymiser): ReportModel {
  const known = new Set(model.changes.flatMap((c) => personNames([...c.resources, ...c.addedResources, ...c.removedResources])));
  const mapped = new Map<ReportChange, ReportChange>();
  const change = (c: ReportChange): ReportChange => {
    let out = mapped.get(c);
    if (!out) {
      out = {
        ...c,
        resources: c.resources.map((r) => p.arn(r)),
        addedResources: c.addedResources.map((r) => p.arn(r)),
        removedResources: c.removedResources.map((r) => p.arn(r)),
        message: p.text(c.message, known),
      };
      mapped.set(c, out);
    }
    return out;
  };
  return {
    ...model,
    changes: model.changes.map(change),
    newFailures: model.newFailures.map(change),
    regressions: model.regressions.map(change),
    worsened: model.worsened.map(change),
    improved: model.improved.map(change),
    stillFailing: model.stillFailing.map(change),
    fixed: model.fixed.map(change),
    collectionErrors: model.collectionErrors.map((e) => ({ ...e, message: p.text(e.message, known) })),
    notVerifiable: model.notVerifiable.map((n) => ({ ...n, message: p.text(n.message, known) })),
  };
}

/** Every name `pseudonymiseReport` will ask a pseudonym for (what a KMS key computes in advance). */
export function namesToPseudonymise(model: ReportModel): Set<string> {
  const changes = [...model.changes, ...model.newFailures, ...model.regressions, ...model.worsened, ...model.improved, ...model.stillFailing, ...model.fixed];
  return personNamesIn([
    changes.map((c) => [c.resources, c.addedResources, c.removedResources, c.message]),
    model.collectionErrors.map((e) => e.message),
    model.notVerifiable.map((n) => n.message),
  ]);
}

/** `pseudonymiseReport` with pseudonyms from any source (a local key, or KMS: one call per distinct name). */
export async function pseudonymiseReportWith(model: ReportModel, source: PseudonymSource): Promise<ReportModel> {
  return pseudonymiseReport(model, await source.forNames(namesToPseudonymise(model)));
}

/**
 * Every person name found in evidence strings (resources, messages, and any string value of
 * `observed`, where per-principal activity metrics are kept): the candidates a pseudonym is
 * resolved against.
 */
export function personNamesIn(values: readonly unknown[]): Set<string> {
  const names = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (typeof v === 'string') {
      for (const m of v.matchAll(PERSON_ARN)) names.add(splitPerson(m[0]).name);
    } else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x, depth + 1);
  };
  for (const v of values) visit(v, 0);
  return names;
}

/** The names among `candidates` whose pseudonym is `pseudonym` (normally one). */
export function resolvePseudonym(pseudonym: string, candidates: Iterable<string>, p: Pseudonymiser): string[] {
  const out: string[] = [];
  for (const name of candidates) if (p.name(name) === pseudonym) out.push(name);
  return out;
}
