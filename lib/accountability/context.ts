/**
 * Who collected a run, with what, and what it could see: the accountability facts an auditor
 * asks for before reading any finding (GDPR Art. 5(2), 24(1): demonstrate). Recorded at collect
 * time, one item per account and run, beside the run (additive: records, headers and manifests
 * are unchanged, so a retried run still writes byte-identical evidence):
 *
 * | item | pk | sk |
 * |---|---|---|
 * | collection context | `ACCOUNT#<id>` | `CONTEXT#<collectedAt>#<runId>` |
 *
 * First writer wins (conditional put): a retry by someone else never rewrites who first
 * collected the run. The item holds its canonical JSON (`body`) and the SHA-256 of it (`hash`).
 * It is written BEFORE the run is sealed (CLI: `recordRun`'s `beforeSeal`; deployed: the collect
 * function, before FinalizeRun seals), and the sealer seals the SHA-256 of the body it read in the
 * run's signed manifest (version 2, lib/evidence/context-item.ts): an edit after the seal — even
 * one that recomputes the item's own hash — is reported by `verify` (CONTEXT_MODIFIED). Runs
 * sealed by version 1 manifests (before this) keep contexts covered by their own hash only.
 *
 * The `CONTEXT#` prefix sorts before `MANIFEST#`, `OPEN#`, `PAYLOAD#` and `RUN#`, so no existing
 * range Query of the account (runs, records, chain state) ever reads these items.
 */
import { hostname } from 'node:os';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../evidence/canonical';
import { keys } from '../evidence/table';
import { contextItem } from '../evidence/context-item';
import type { EvidenceRecord } from '../evidence/record';
import { FRAMEWORKS } from '../frameworks';
import type { Framework } from '../frameworks/types';
import type { Rule } from '../rules/types';
import { SECTION_NAMES, type AccountSnapshot } from '../snapshot/schema';
import { TOOL_VERSION } from '../version';

export const CONTEXT_PREFIX = 'CONTEXT#';
export const contextSk = keys.contextSk;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const CollectionContext = z.object({
  contextVersion: z.literal(1),
  accountId: z.string().regex(/^\d{12}$/),
  runId: z.string(),
  collectedAt: z.string(),
  collectedBy: z.object({
    /** STS caller ARN (user or assumed role), or user@host for a local run without AWS credentials. */
    identity: z.string().min(1),
    via: z.enum(['sts', 'os']),
    /** The role assumed in the audited account, when the collection went through one. */
    assumedRole: z.string().optional(),
    /** The host or function that ran the collection. */
    host: z.string(),
  }),
  tool: z.object({ name: z.literal('art32'), version: z.string() }),
  /** The command line (after the program name), with secret values replaced by `[redacted]`. */
  arguments: z.array(z.string()),
  /** SHA-256 of `canonicalJson({ ruleId: threshold })` over the run's records: the parameters actually applied. */
  parametersSha256: Sha256,
  /** SHA-256 of the rule catalog: ids, titles, severities, sections read, references and parameter defaults. */
  catalogSha256: Sha256,
  catalogRules: z.number().int().nonnegative(),
  /** SHA-256 of the requirement → rules mapping of every framework. */
  mappingSha256: Sha256,
  scope: z.object({
    sourceKind: z.enum(['live', 'export', 'scenario']),
    sourceName: z.string(),
    /** Regions the collection read (collection region, trail home regions, regions named by errors). */
    regions: z.array(z.string()),
    /** Snapshot sections present. */
    sections: z.array(z.string()),
    /** Sections absent from the snapshot (not collected by this source, or failed). */
    sectionsMissing: z.array(z.string()),
    /** Sections with collection errors (AccessDenied, throttled out, …). */
    sectionsWithErrors: z.array(z.string()),
  }),
});
export type CollectionContext = z.infer<typeof CollectionContext>;

/** A stored context as the audit document reads it: parsed, and whether its hash still matches its body. */
export interface StoredContext {
  context: CollectionContext;
  hash: string;
  hashMatches: boolean;
}

const SECRET_OPTIONS = new Set(['--external-id']);

/** The command line with secret option values redacted (`--external-id X` and `--external-id=X`). */
export function redactArguments(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    if (eq > 0 && SECRET_OPTIONS.has(arg.slice(0, eq))) out.push(`${arg.slice(0, eq)}=[redacted]`);
    else if (SECRET_OPTIONS.has(arg) && i + 1 < argv.length) {
      out.push(arg, '[redacted]');
      i++;
    } else out.push(arg);
  }
  return out;
}

/** The rule catalog as hashed: what a reader needs to know two runs applied the same rules. */
export function catalogSha256(rules: readonly Rule[]): string {
  return sha256Hex(
    canonicalJson(
      rules.map((r) => {
        let defaults: unknown = null;
        try {
          defaults = r.parameters.parse({});
        } catch {
          defaults = 'no defaults';
        }
        return { id: r.id, title: r.title, severity: r.severity, sections: r.sections, references: r.references, defaults };
      }),
    ),
  );
}

export function mappingSha256(frameworks: readonly Framework[] = FRAMEWORKS): string {
  return sha256Hex(canonicalJson(frameworks.map((f) => ({ id: f.id, requirements: f.requirements.map((q) => ({ id: q.id, ruleIds: [...q.ruleIds].sort() })) }))));
}

export function parametersSha256(records: readonly EvidenceRecord[]): string {
  return sha256Hex(canonicalJson(Object.fromEntries(records.map((r) => [r.ruleId, r.threshold]))));
}

/** Regions, sections present and missing, sections with errors: read from the snapshot itself. */
export function snapshotScope(snapshot: AccountSnapshot): CollectionContext['scope'] {
  const regions = new Set<string>();
  const live = /@([a-z]{2}(?:-[a-z]+)+-\d)$/.exec(snapshot.source.name);
  if (live?.[1]) regions.add(live[1]);
  for (const t of snapshot.trails ?? []) regions.add(t.HomeRegion);
  for (const s of [snapshot.guardDuty, snapshot.securityHub, snapshot.eventRules]) if (s?.region) regions.add(s.region);
  for (const e of snapshot.collectionErrors) if (e.region) regions.add(e.region);
  const present = SECTION_NAMES.filter((s) => snapshot[s] !== undefined && snapshot[s] !== null);
  return {
    sourceKind: snapshot.source.kind,
    sourceName: snapshot.source.name,
    regions: [...regions].sort(),
    sections: present,
    sectionsMissing: SECTION_NAMES.filter((s) => !present.includes(s)),
    sectionsWithErrors: [...new Set(snapshot.collectionErrors.map((e) => e.section))].sort(),
  };
}

export interface ContextInput {
  snapshot: AccountSnapshot;
  /** The run's records as stored (a retry's adopted records included). */
  records: readonly EvidenceRecord[];
  collectedBy: CollectionContext['collectedBy'];
  argv: readonly string[];
  rules: readonly Rule[];
  frameworks?: readonly Framework[];
}

/** Pure: the context of one account's run. */
export function buildCollectionContext(input: ContextInput): CollectionContext {
  const first = input.records[0];
  return CollectionContext.parse({
    contextVersion: 1,
    accountId: input.snapshot.account.id,
    runId: first?.runId ?? '',
    collectedAt: first?.collectedAt ?? input.snapshot.collectedAt,
    collectedBy: input.collectedBy,
    tool: { name: 'art32', version: TOOL_VERSION },
    arguments: redactArguments(input.argv),
    parametersSha256: parametersSha256(input.records),
    catalogSha256: catalogSha256(input.rules),
    catalogRules: input.rules.length,
    mappingSha256: mappingSha256(input.frameworks),
    scope: snapshotScope(input.snapshot),
  });
}

/** The host part of `collectedBy`: the Lambda function when there is one, else the host name. */
export function runningHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_LAMBDA_FUNCTION_NAME ? `lambda:${env.AWS_LAMBDA_FUNCTION_NAME}` : hostname();
}

const isConditionalFailure = (error: unknown): boolean => (error as { name?: string })?.name === 'ConditionalCheckFailedException';

/** Store a run's context unless one is already stored (first writer wins). Returns whether this call wrote it. */
export async function putCollectionContext(doc: DynamoDBDocumentClient, tableName: string, context: CollectionContext): Promise<'written' | 'present'> {
  try {
    await doc.send(new PutCommand({ TableName: tableName, Item: contextItem(context, canonicalJson(context)), ConditionExpression: 'attribute_not_exists(pk)' }));
    return 'written';
  } catch (error) {
    if (isConditionalFailure(error)) return 'present';
    throw error;
  }
}

/** Contexts of one account's runs collected in [lower, upper] (one Query). Unreadable items are skipped. */
export async function loadCollectionContexts(doc: DynamoDBDocumentClient, tableName: string, accountId: string, lower: string, upper: string): Promise<StoredContext[]> {
  const out: StoredContext[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}`, ':lo': `${CONTEXT_PREFIX}${lower}`, ':hi': `${CONTEXT_PREFIX}${upper}~` },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      if (typeof item.body !== 'string') continue;
      try {
        const parsed = CollectionContext.safeParse(JSON.parse(item.body));
        if (parsed.success) out.push({ context: parsed.data, hash: String(item.hash), hashMatches: sha256Hex(item.body) === item.hash });
      } catch {
        // not a context item we can read: the audit shows the run as "not recorded"
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}
