/**
 * The account list of a run, in the stack's work bucket.
 *
 * ListAccounts writes it once (`accounts/<run id>.json`, a JSON array of account ids); the
 * state carries only where it is and how many, `{ bucket, key, count }`: ≈ 100 B whatever the
 * organisation, where the ids themselves (≈ 15 B each) reach Step Functions' 256 KB state limit
 * near 15,000 accounts. The account fan-out reads it with its ItemReader; FinalizeRun,
 * PublishFindings and ListActivityLogs read it here. The objects expire with the bucket's
 * lifecycle rule (infra/constructs/work-bucket.ts); the run's evidence never depends on them
 * (each account's sealed manifest is the record).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Key prefix of the account lists in the work bucket (the grants are scoped to it). */
export const ACCOUNT_LIST_PREFIX = 'accounts/';
/** Far above any organisation (≈ 15 B per account: 1,000,000 accounts); a larger object is refused, never read whole. */
const MAX_ACCOUNT_LIST_BYTES = 16 * 1024 * 1024;
const ACCOUNT_ID = /^\d{12}$/;

export interface AccountListRef {
  bucket: string;
  key: string;
  count: number;
}

export function accountListKey(runId: string): string {
  return `${ACCOUNT_LIST_PREFIX}${runId}.json`;
}

/** Write the run's account list (idempotent: a retried ListAccounts writes the same object). */
export async function writeAccountList(s3: S3Client, bucket: string, runId: string, accounts: readonly string[]): Promise<AccountListRef> {
  const key = accountListKey(runId);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(accounts), ContentType: 'application/json' }));
  return { bucket, key, count: accounts.length };
}

/** Read a run's account list back; anything but an array of `count` account ids is an error naming the object. */
export async function readAccountList(s3: S3Client, ref: AccountListRef): Promise<string[]> {
  const where = `s3://${ref.bucket}/${ref.key}`;
  const response = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
  if (!response.Body) throw new Error(`GetObject ${where} returned no body`);
  const bytes = await readBounded(response.Body as AsyncIterable<Uint8Array>, where, MAX_ACCOUNT_LIST_BYTES);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new Error(`${where} is not JSON: not an account list written by ListAccounts`);
  }
  if (!Array.isArray(parsed) || !parsed.every((id) => typeof id === 'string' && ACCOUNT_ID.test(id))) throw new Error(`${where} is not an array of 12-digit account ids`);
  if (parsed.length !== ref.count) throw new Error(`${where} holds ${parsed.length} accounts, the run listed ${ref.count}`);
  return parsed as string[];
}

/** A step's input names the run's accounts inline (`accounts`, a direct invocation) or by reference (`accountList`, the state machine). */
export async function accountsOfRun(event: { accounts?: unknown; accountList?: AccountListRef }, s3: () => S3Client): Promise<string[] | undefined> {
  if (Array.isArray(event.accounts)) return event.accounts as string[];
  if (event.accountList && typeof event.accountList.key === 'string') return readAccountList(s3(), event.accountList);
  return undefined;
}

/** An S3 object body or JSON results file, refused as soon as it passes `max` bytes. */
export async function readBounded(stream: AsyncIterable<Uint8Array>, where: string, max: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > max) throw new Error(`${where} is larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
