/**
 * The fast path from a scanned log file to the aggregator: each record's events become a
 * `RecordDigest` — the event time as a number, hashes of the principal ARN, source IP, user
 * agent, resources, event source and name, spans for the error code and bytes read — and
 * `ActivityAggregator.addDigest` counts it without a JavaScript object or string per field.
 *
 * Anything out of the ordinary sends the record down the exact path instead (built as
 * `JSON.parse` would, then `ActivityAggregator.add`): a string with escapes or non-ASCII
 * bytes in a field that is read, a field given twice, an event time not in CloudTrail's
 * form, no `userIdentity.arn`, DynamoDB batch reads (whose record count needs the request),
 * or a principal not seen yet. A test feeds varied records through both paths and compares
 * the sections.
 */
import type { ActivityAggregator } from './aggregator';
import { hash53Ascii } from './distinct';
import { eventTimeOfBytes, RECORD_PICK } from './events';
import { compilePick, OP_ARRAY, OP_ASCII, OP_END, OP_NUMBER, OP_OBJECT, OP_ESCAPED, OP_UTF8, type CompiledPick, type ScannedJson } from './scanner';

/** A log file: its records, and the key that marks a digest file instead. */
export const LOG_DOCUMENT_PICK: CompiledPick = compilePick({ fields: { Records: { items: RECORD_PICK }, digestStartTime: true } });

const id = (path: string): number => {
  const node = LOG_DOCUMENT_PICK.ids.get(path);
  if (node === undefined) throw new Error(`no pick node for ${path}`);
  return node;
};

const RECORDS = id('Records');
const RECORD = id('Records.[]');
const EVENT_TIME = id('Records.[].eventTime');
const EVENT_SOURCE = id('Records.[].eventSource');
const EVENT_NAME = id('Records.[].eventName');
const SOURCE_IP = id('Records.[].sourceIPAddress');
const USER_AGENT = id('Records.[].userAgent');
const ERROR_CODE = id('Records.[].errorCode');
const USER_IDENTITY = id('Records.[].userIdentity');
const ARN = id('Records.[].userIdentity.arn');
const REQUEST = id('Records.[].requestParameters');
const BUCKET = id('Records.[].requestParameters.bucketName');
const KEY = id('Records.[].requestParameters.key');
const TABLE = id('Records.[].requestParameters.tableName');
const REQUEST_ITEMS = id('Records.[].requestParameters.requestItems');
const TRANSACT_ITEMS = id('Records.[].requestParameters.transactItems');
const RESPONSE = id('Records.[].responseElements');
const COUNT = id('Records.[].responseElements.count');
const COUNT_UPPER = id('Records.[].responseElements.Count');
const ADDITIONAL = id('Records.[].additionalEventData');
const BYTES_OUT = id('Records.[].additionalEventData.bytesTransferredOut');
const RESOURCES = id('Records.[].resources');
const RESOURCE = id('Records.[].resources.[]');
const RESOURCE_ARN = id('Records.[].resources.[].ARN');

/** Nodes that may appear once per record (a second one means a duplicate key: exact path). */
const ONCE = [EVENT_TIME, EVENT_SOURCE, EVENT_NAME, SOURCE_IP, USER_AGENT, ERROR_CODE, USER_IDENTITY, ARN, REQUEST, BUCKET, KEY, TABLE, RESPONSE, ADDITIONAL, BYTES_OUT, RESOURCES];
const ONCE_BIT = new Map(ONCE.map((node, bit) => [node, 1 << bit]));
/** Their bits by node id, for a lookup without a Map on the hot path. */
const BIT_OF = new Int32Array(LOG_DOCUMENT_PICK.names.length);
for (const [node, bit] of ONCE_BIT) BIT_OF[node] = bit;

/** One record, digested (a reused scratch object: valid until the next record). */
export interface RecordDigest {
  time: number;
  arnHash: number;
  arnStart: number;
  arnEnd: number;
  /** -1 when absent or not a string. */
  sourceIpHash: number;
  userAgentHash: number;
  eventSourceHash: number;
  eventNameHash: number;
  errorStart: number;
  errorEnd: number;
  /** Hashes of `resources[].ARN` strings. */
  resourceHashes: number[];
  resourceCount: number;
  bucketStart: number;
  bucketEnd: number;
  keyStart: number;
  keyEnd: number;
  tableStart: number;
  tableEnd: number;
  bytesOutStart: number;
  bytesOutEnd: number;
}

function emptyDigest(): RecordDigest {
  const d = { resourceHashes: [] as number[] } as RecordDigest;
  reset(d);
  return d;
}

function reset(d: RecordDigest): void {
  d.time = NaN;
  d.arnHash = -1;
  d.arnStart = d.arnEnd = -1;
  d.sourceIpHash = d.userAgentHash = d.eventSourceHash = d.eventNameHash = -1;
  d.errorStart = d.errorEnd = -1;
  d.resourceCount = 0;
  d.bucketStart = d.bucketEnd = d.keyStart = d.keyEnd = d.tableStart = d.tableEnd = -1;
  d.bytesOutStart = d.bytesOutEnd = -1;
}

/** A string event's hash, -1 for another kind of value, undefined (exact path) for a string that is not plain ASCII. */
function stringHash(doc: ScannedJson, op: number, e: number): number | undefined {
  if (op === OP_ASCII) return hash53Ascii(doc.bytes, doc.start(e), doc.end(e));
  return op === OP_UTF8 || op === OP_ESCAPED ? undefined : -1;
}

/**
 * Digest the record whose events are [from, to) (its OP_OBJECT … OP_END). False when it
 * needs the exact path.
 */
function digest(doc: ScannedJson, from: number, to: number, d: RecordDigest): boolean {
  reset(d);
  const bytes = doc.bytes;
  let seen = 0;
  // Whether the current resource already gave its ARN (a repeated key: the last one counts).
  let resourceArn = false;
  for (let e = from + 1; e < to - 1; e++) {
    const op = doc.op(e);
    if (op === OP_END) continue;
    const node = doc.node(e);
    const bit = BIT_OF[node] as number;
    if (bit !== 0) {
      if ((seen & bit) !== 0) return false;
      seen |= bit;
    }
    switch (node) {
      case EVENT_TIME:
        if (op !== OP_ASCII) return false;
        d.time = eventTimeOfBytes(bytes, doc.start(e), doc.end(e));
        if (Number.isNaN(d.time)) return false;
        break;
      case USER_IDENTITY:
        if (op !== OP_OBJECT) return false;
        break;
      case ARN:
        if (op !== OP_ASCII) return false;
        d.arnStart = doc.start(e);
        d.arnEnd = doc.end(e);
        d.arnHash = hash53Ascii(bytes, d.arnStart, d.arnEnd);
        break;
      // Four cases of the same shape, on purpose: folded into one case that picks the field
      // with an if-chain, the workers' peak RSS on the 1M-event bench rose from ~258 to
      // ~297 MB (three runs each), V8 compiling this loop differently.
      case SOURCE_IP: {
        const h = stringHash(doc, op, e);
        if (h === undefined) return false;
        d.sourceIpHash = h;
        break;
      }
      case USER_AGENT: {
        const h = stringHash(doc, op, e);
        if (h === undefined) return false;
        d.userAgentHash = h;
        break;
      }
      case EVENT_SOURCE: {
        const h = stringHash(doc, op, e);
        if (h === undefined) return false;
        d.eventSourceHash = h;
        break;
      }
      case EVENT_NAME: {
        const h = stringHash(doc, op, e);
        if (h === undefined) return false;
        d.eventNameHash = h;
        break;
      }
      case ERROR_CODE:
        if (op === OP_UTF8 || op === OP_ESCAPED) return false;
        if (op === OP_ASCII && doc.end(e) > doc.start(e)) {
          d.errorStart = doc.start(e);
          d.errorEnd = doc.end(e);
        }
        break;
      case RESOURCE:
        resourceArn = false;
        break;
      case RESOURCE_ARN: {
        if (resourceArn) return false;
        resourceArn = true;
        const h = stringHash(doc, op, e);
        if (h === undefined) return false;
        if (h >= 0) d.resourceHashes[d.resourceCount++] = h;
        break;
      }
      case BUCKET:
      case KEY:
      case TABLE: {
        if (op === OP_UTF8 || op === OP_ESCAPED) return false;
        if (op !== OP_ASCII) break;
        if (node === BUCKET) [d.bucketStart, d.bucketEnd] = [doc.start(e), doc.end(e)];
        else if (node === KEY) [d.keyStart, d.keyEnd] = [doc.start(e), doc.end(e)];
        else [d.tableStart, d.tableEnd] = [doc.start(e), doc.end(e)];
        break;
      }
      case REQUEST_ITEMS:
      case TRANSACT_ITEMS:
      case COUNT:
      case COUNT_UPPER:
        // They change how many records a read counts (`recordsRead`): exact path.
        return false;
      case BYTES_OUT:
        if (op === OP_UTF8 || op === OP_ESCAPED) return false;
        if (op === OP_NUMBER || op === OP_ASCII) {
          d.bytesOutStart = doc.start(e);
          d.bytesOutEnd = doc.end(e);
        }
        break;
      default:
      // Containers (requestParameters, …) and what only a new principal needs (its type,
      // session issuer, …), which the exact path reads.
    }
  }
  return d.arnStart >= 0 && !Number.isNaN(d.time);
}

/**
 * Count a scanned log document's records into the aggregator: digested where possible,
 * exactly otherwise. Undefined when the document is not a `{"Records":[…]}` object as
 * expected (the caller then builds it whole and judges it).
 */
export function ingestScanned(doc: ScannedJson, aggregator: ActivityAggregator): number | undefined {
  if (doc.length === 0 || doc.op(0) !== OP_OBJECT) return undefined;
  let records = -1;
  let end = -1;
  for (let e = 1; e < doc.length - 1; ) {
    const next = doc.next(e);
    if (doc.node(e) === RECORDS) {
      if (records >= 0 || doc.op(e) !== OP_ARRAY) return undefined; // twice, or not an array
      records = e;
      end = next - 1;
    }
    e = next;
  }
  if (records < 0) return undefined;
  const d = emptyDigest();
  let count = 0;
  for (let e = records + 1; e < end; ) {
    const next = doc.next(e);
    count += 1;
    const fast = doc.op(e) === OP_OBJECT && doc.node(e) === RECORD && digest(doc, e, next, d) && aggregator.addDigest(d, doc);
    if (!fast) aggregator.add(doc.value(e));
    e = next;
  }
  return count;
}
