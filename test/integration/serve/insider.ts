/**
 * What an insider holding the record writer's powers does to SIGNED evidence (table write
 * access, the library's own functions, a key of their own — never the sealer's key), for the
 * console's tests: the console must show each of these in red.
 */
import { DeleteItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EvidenceRecord, ephemeralKeyPair, hashManifest, hashRecord, keys, manifestBody, manifestItem, parseManifestItem, parseRecordItem, planOf, recordItem } from '../../../lib/evidence';
import type { DemoStore } from '../../../lib/serve/demo';

export interface Rewritten {
  accountId: string;
  runId: string;
  collectedAt: string;
  ruleId: string;
  /** Sort key of the rewritten record. */
  sk: string;
  /** Key id the forged seal claims. */
  attackerKeyId: string;
}

/**
 * Rewrite a FAIL to PASS in the newest run: new body, its hash recomputed, every attribute
 * rewritten as the store writes it; then the run re-sealed — the manifest rebuilt with the
 * new record hash (previous link, extras and all kept) and signed with the insider's own key —
 * and the run header's plan updated. Hashes, links and attributes all match again: only the
 * signature (and the anchor) can tell.
 */
export async function rewriteFailToPassAndReseal(demo: DemoStore, ruleId: string): Promise<Rewritten> {
  const [accountId = ''] = await demo.store.accounts();
  const latest = await demo.store.latestRun(accountId);
  if (!latest) throw new Error('no run to rewrite');
  const { runId, collectedAt } = latest;
  const doc = DynamoDBDocumentClient.from(demo.client);
  const records = await demo.store.runRecords(runId, accountId);
  const original = records.find((r) => r.ruleId === ruleId);
  if (original?.status !== 'FAIL') throw new Error(`${ruleId} is not a FAIL in run ${runId}`);
  const { hash: _old, ...rest } = original;
  const body = { ...rest, status: 'PASS' as const, message: 'Meets the recommendation.' };
  const forged = EvidenceRecord.parse({ ...body, hash: hashRecord(body) });
  const sk = keys.recordSk(collectedAt, runId, ruleId);
  await doc.send(new PutCommand({ TableName: demo.tableName, Item: recordItem(forged) }));
  if (parseRecordItem(recordItem(forged)).hash !== forged.hash) throw new Error('forged record does not parse back');

  const oldItem = await demo.store.getManifestItem(accountId, collectedAt, runId);
  if (!oldItem) throw new Error('run not sealed');
  const old = parseManifestItem(oldItem);
  const { hash: _h, ...unhashed } = old;
  const rebuilt = { ...unhashed, records: old.records.map((e) => (e.sk === sk ? { ...e, hash: forged.hash } : e)) };
  const manifest = { ...rebuilt, hash: hashManifest(rebuilt) };
  const attacker = ephemeralKeyPair();
  const signature = await attacker.signer.sign(manifestBody(manifest));
  await doc.send(new PutCommand({ TableName: demo.tableName, Item: manifestItem(manifest, signature) }));
  const header = await demo.store.getRunHeader(accountId, collectedAt, runId);
  const newRecords = records.map((r) => (r.ruleId === ruleId ? forged : r));
  await doc.send(new PutCommand({ TableName: demo.tableName, Item: { ...header, plan: planOf(newRecords) } }));
  return { accountId, runId, collectedAt, ruleId, sk, attackerKeyId: attacker.verifier.keyId };
}

/** Delete the newest run whole (records, header, manifest): a shorter chain that still links. */
export async function deleteNewestRun(demo: DemoStore): Promise<{ accountId: string; runId: string; collectedAt: string; deleted: number }> {
  const [accountId = ''] = await demo.store.accounts();
  const latest = await demo.store.latestRun(accountId);
  if (!latest) throw new Error('no run to delete');
  const pk = { S: keys.account(accountId) };
  const doomed: { pk: AttributeValue; sk: AttributeValue }[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await demo.client.send(new QueryCommand({ TableName: demo.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const item of out.Items ?? []) if (item.pk && item.sk?.S?.includes(`#${latest.collectedAt}#`)) doomed.push({ pk: item.pk, sk: item.sk });
    start = out.LastEvaluatedKey;
  } while (start);
  for (const key of doomed) await demo.client.send(new DeleteItemCommand({ TableName: demo.tableName, Key: key }));
  const deleted = doomed.length;
  return { accountId, runId: latest.runId, collectedAt: latest.collectedAt, deleted };
}
