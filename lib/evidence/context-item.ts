/**
 * The collection context item (who collected a run, with what, what it could see:
 * lib/accountability/context.ts) as the SEALER and VERIFY see it: an item beside the run,
 * `ACCOUNT#<id>` / `CONTEXT#<collectedAt>#<runId>`, whose `body` is canonical JSON and whose
 * `hash` is the SHA-256 of that body. A version 2 manifest seals the SHA-256 of the body the
 * sealer read (`context: { sk, sha256 }`), so an edit made after the seal — even one that
 * recomputes the item's own hash — no longer matches the signed manifest.
 *
 * Only the identity fields are read here (account, run, time): the evidence layer vouches for
 * the bytes, the accountability layer for their meaning.
 */
import { sha256Hex } from './canonical';
import type { ManifestContext } from './record';
import type { Item } from './store';
import { keys } from './table';

export interface ContextRun {
  accountId: string;
  runId: string;
  collectedAt: string;
}

/** The item that stores a run's context body (`body` canonical JSON; `hash` its SHA-256). */
export function contextItem(run: ContextRun, body: string): Item {
  return {
    pk: keys.account(run.accountId),
    sk: keys.contextSk(run.collectedAt, run.runId),
    type: 'CONTEXT',
    accountId: run.accountId,
    runId: run.runId,
    collectedAt: run.collectedAt,
    body,
    hash: sha256Hex(body),
  };
}

/**
 * Check a stored context item against the run it sits beside: body present, its own hash
 * matching, identity fields of body and attributes those of the run. Returns what a manifest
 * seals, or why the item cannot be vouched for.
 */
export function checkContextItem(item: Item, run: ContextRun): { sealed: ManifestContext } | { problem: string } {
  const sk = keys.contextSk(run.collectedAt, run.runId);
  if (typeof item.body !== 'string' || typeof item.hash !== 'string') return { problem: `collection context ${sk}: body or hash attribute missing` };
  const sha256 = sha256Hex(item.body);
  if (sha256 !== item.hash) return { problem: `collection context ${sk} modified: SHA-256 of its body is ${sha256}, its hash attribute says ${item.hash}` };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(item.body) as Record<string, unknown>;
  } catch {
    return { problem: `collection context ${sk}: its body is not JSON` };
  }
  for (const field of ['accountId', 'runId', 'collectedAt'] as const) {
    if (body[field] !== run[field]) return { problem: `collection context ${sk}: its body names ${field} ${JSON.stringify(body[field])}, not the run's ${JSON.stringify(run[field])}` };
    if (item[field] !== run[field]) return { problem: `collection context ${sk}: its ${field} attribute is ${JSON.stringify(item[field])}, not the run's ${JSON.stringify(run[field])}` };
  }
  if (item.type !== 'CONTEXT') return { problem: `collection context ${sk}: its type attribute is ${JSON.stringify(item.type)}, not "CONTEXT"` };
  return { sealed: { sk, sha256 } };
}
