/**
 * The part of a Distributed Map that Step Functions itself runs, for the local harness.
 *
 * aws-local-stepfunctions runs the ASL of one execution: Task, Choice, Pass, inline Map, Retry,
 * Catch. It does not start child executions, read items from S3 (ItemReader), batch them
 * (ItemBatcher) or write results to S3 (ResultWriter). So each `Mode: DISTRIBUTED` Map of the
 * synthesized definition is swapped for a Task state of the same name, ResultPath, Retry, Catch
 * and Next, whose local handler does what the Map Run does, as the Step Functions developer
 * guide describes it:
 *
 * - items: ItemsPath of the effective input, or the S3 object ItemReader names (JSON array or
 *   JSON Lines), read from the harness's work bucket;
 * - ItemSelector on each item (`$` = the Map's input, `$$.Map.Item.Value` / `.Index`);
 * - ItemBatcher: `{ "BatchInput": …, "Items": [ … ] }`, MaxItemsPerBatch / MaxInputBytesPerBatch;
 * - each item (or batch) is a child execution of ItemProcessor's definition, run by
 *   aws-local-stepfunctions like the parent (same local handlers, same retries), at most
 *   MaxConcurrency at a time;
 * - ToleratedFailurePercentage: above it the state fails with States.ExceedToleratedFailureThreshold;
 * - ResultWriter: SUCCEEDED_0.json / FAILED_0.json and manifest.json under `<Prefix>/<map run id>/`,
 *   and the state's result is `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`.
 *
 * What is not modelled: child execution start latency and quotas, the Map Run's own retries of
 * a child that could not start, redrive, and the size limits of result files (one file each).
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import { mapLimit } from '../../lib/support/map-limit';

type Json = Record<string, unknown>;
/** One entry of an execution's event log (the package does not export the type). */
type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** The harness's S3 as the Map Run reads and writes it (ItemReader, ResultWriter). */
export interface ObjectStore {
  get(bucket: string, key: string): string | undefined;
  put(bucket: string, key: string, body: string): void;
}

/** The keys of a Map state that only Step Functions' Map Run reads (they make no sense on a Task). */
const MAP_ONLY_FIELDS = ['ItemProcessor', 'Iterator', 'ItemReader', 'ItemSelector', 'ItemBatcher', 'ItemsPath', 'MaxConcurrency', 'MaxConcurrencyPath', 'ToleratedFailurePercentage', 'ToleratedFailureCount', 'ResultWriter', 'Label', 'Parameters'];

/** Resource of the stand-in Task (never invoked remotely: the harness's local handler answers it). */
const STAND_IN_RESOURCE = 'arn:aws:states:::art32-e2e:distributedMapRun';

export interface DistributedMapState {
  name: string;
  state: Json;
  /** The child executions' definition (ItemProcessor without its ProcessorConfig). */
  child: Json;
}

/**
 * The definition with each top-level Distributed Map replaced by a stand-in Task, and those
 * Maps. Inline Maps (and everything else) stay as they are, for aws-local-stepfunctions to run.
 */
export function extractDistributedMaps(definition: Json): { definition: Json; maps: DistributedMapState[] } {
  const copy = JSON.parse(JSON.stringify(definition)) as Json;
  const states = copy.States as Record<string, Json>;
  const maps: DistributedMapState[] = [];
  for (const [name, state] of Object.entries(states)) {
    const processor = state.ItemProcessor as Json | undefined;
    if (state.Type !== 'Map' || (processor?.ProcessorConfig as Json | undefined)?.Mode !== 'DISTRIBUTED') continue;
    const { ProcessorConfig: _config, ...child } = processor!;
    void _config;
    maps.push({ name, state, child });
    // A Map state has no timeout of its own (the execution's bounds it); a Task's defaults to 60 s
    // in the runner. Bounded by the execution's timeout (6 h here), well within a Node timer.
    const standIn: Json = { Type: 'Task', Resource: STAND_IN_RESOURCE, TimeoutSeconds: Number(copy.TimeoutSeconds ?? 6 * 3_600) };
    for (const [key, value] of Object.entries(state)) if (key !== 'Type' && !MAP_ONLY_FIELDS.includes(key)) standIn[key] = value;
    states[name] = standIn;
  }
  return { definition: copy, maps };
}

/** A JSONPath of the dotted form the synthesized definitions use (`$`, `$.a.b`, `$$.Map.Item.Value`). */
export function readPath(path: string, input: unknown, context: Json): unknown {
  const [root, rest] = path.startsWith('$$') ? [context, path.slice(2)] : [input, path.slice(1)];
  if (rest !== '' && !/^(\.[A-Za-z0-9_-]+)+$/.test(rest)) throw new Error(`unsupported JSONPath ${path} (dotted paths only)`);
  let value: unknown = root;
  for (const key of rest.split('.').slice(1)) {
    if (value === null || typeof value !== 'object' || !(key in value)) throw Object.assign(new Error(`JSONPath ${path} matched nothing`), { name: 'States.Runtime' });
    value = (value as Json)[key];
  }
  return value;
}

/** A payload template (`"key.$": path` → the value at path), as Parameters / ItemSelector / BatchInput are. */
export function applyTemplate(template: unknown, input: unknown, context: Json): unknown {
  if (Array.isArray(template)) return template.map((t) => applyTemplate(t, input, context));
  if (template === null || typeof template !== 'object') return template;
  const out: Json = {};
  for (const [key, value] of Object.entries(template as Json)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = readPath(String(value), input, context);
    else out[key] = applyTemplate(value, input, context);
  }
  return out;
}

export interface ChildOutcome {
  name: string;
  input: unknown;
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
}

export interface MapRunOptions {
  map: DistributedMapState;
  /** The stand-in Task's effective input (after InputPath). */
  input: unknown;
  executionName: string;
  region: string;
  account: string;
  objects: ObjectStore;
  /** Run one child execution of `definition`, returning its output or throwing its error. */
  runChild(machine: StateMachine, input: unknown, name: string): Promise<unknown>;
  /** Each child's state machine, built once per Map. */
  machine: StateMachine;
}

/** One Map Run: items, selection, batches, child executions at MaxConcurrency, tolerated failures, results. */
export async function runDistributedMap(options: MapRunOptions): Promise<unknown> {
  const { map, input } = options;
  const state = map.state;
  const context: Json = {};
  let items: unknown[];
  const reader = state.ItemReader as Json | undefined;
  if (reader) {
    if (reader.Resource !== 'arn:aws:states:::s3:getObject') throw new Error(`ItemReader ${String(reader.Resource)} is not modelled`);
    const params = applyTemplate(reader.Parameters, input, context) as { Bucket: string; Key: string };
    const body = options.objects.get(params.Bucket, params.Key);
    if (body === undefined) throw Object.assign(new Error(`The specified key does not exist. (s3://${params.Bucket}/${params.Key})`), { name: 'States.ItemReaderFailed' });
    const type = (reader.ReaderConfig as Json | undefined)?.InputType;
    items = type === 'JSONL' ? body.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown) : (JSON.parse(body) as unknown[]);
  } else {
    items = readPath(String(state.ItemsPath ?? '$'), input, context) as unknown[];
    if (!Array.isArray(items)) throw Object.assign(new Error('ItemsPath does not select an array'), { name: 'States.Runtime' });
  }
  const selected = items.map((value, index) => (state.ItemSelector ? applyTemplate(state.ItemSelector, input, { Map: { Item: { Value: value, Index: index } } }) : value));

  let childInputs: unknown[] = selected;
  const batcher = state.ItemBatcher as Json | undefined;
  if (batcher) {
    const maxItems = Number(batcher.MaxItemsPerBatch ?? Infinity);
    const maxBytes = Number(batcher.MaxInputBytesPerBatch ?? 256 * 1024);
    const batchInput = batcher.BatchInput ? applyTemplate(batcher.BatchInput, input, context) : undefined;
    childInputs = [];
    let batch: unknown[] = [];
    let bytes = 0;
    const flush = () => {
      if (batch.length) childInputs.push({ ...(batchInput === undefined ? {} : { BatchInput: batchInput }), Items: batch });
      batch = [];
      bytes = 0;
    };
    for (const item of selected) {
      const size = Buffer.byteLength(JSON.stringify(item));
      if (batch.length >= maxItems || (batch.length && bytes + size > maxBytes)) flush();
      batch.push(item);
      bytes += size;
    }
    flush();
  }

  const mapRunId = `${options.executionName}-${map.name}`;
  const concurrency = Number(state.MaxConcurrency ?? 0) || 1_000;
  const outcomes = await mapLimit(childInputs, concurrency, async (childInput, index): Promise<ChildOutcome> => {
    const name = `${mapRunId}:${index}`;
    try {
      return { name, input: childInput, status: 'SUCCEEDED', output: await options.runChild(options.machine, childInput, name) };
    } catch (error) {
      const e = error as { name?: string; message?: string; cause?: { name?: string; message?: string; cause?: string } };
      return { name, input: childInput, status: 'FAILED', error: e.cause?.name ?? e.name ?? 'Error', cause: String(e.cause?.cause ?? e.cause?.message ?? e.message) };
    }
  });

  const failed = outcomes.filter((o) => o.status === 'FAILED');
  const tolerated = Number(state.ToleratedFailurePercentage ?? 0);
  if (outcomes.length && (failed.length / outcomes.length) * 100 > tolerated) {
    throw Object.assign(new Error(`The tolerated failure threshold was exceeded: ${failed.length}/${outcomes.length} child executions failed`), { name: 'States.ExceedToleratedFailureThreshold' });
  }

  const writer = state.ResultWriter as Json | undefined;
  if (!writer) return outcomes.map((o) => o.output ?? null);
  return writeResults(options, applyTemplate(writer.Parameters, input, context) as { Bucket: string; Prefix?: string }, mapRunId, outcomes);
}

/**
 * ResultWriter's files, in the shape the developer guide documents: one JSON array per status
 * (each entry a child execution: ExecutionArn, Input and Output as JSON strings, Status,
 * Error/Cause when failed), and manifest.json naming them.
 */
function writeResults(options: MapRunOptions, target: { Bucket: string; Prefix?: string }, mapRunId: string, outcomes: ChildOutcome[]): unknown {
  const prefix = `${target.Prefix ? `${target.Prefix.replace(/\/$/, '')}/` : ''}${mapRunId}`;
  const machineArn = `arn:aws:states:${options.region}:${options.account}:stateMachine:CollectionRun/${options.map.name}`;
  const mapRunArn = `arn:aws:states:${options.region}:${options.account}:mapRun:CollectionRun/${options.map.name}:${mapRunId}`;
  const entry = (o: ChildOutcome) => ({
    ExecutionArn: `arn:aws:states:${options.region}:${options.account}:execution:CollectionRun/${o.name}`,
    Input: JSON.stringify(o.input),
    InputDetails: { Included: true },
    Name: o.name.split(':').pop(),
    ...(o.status === 'SUCCEEDED' ? { Output: JSON.stringify(o.output ?? null), OutputDetails: { Included: true } } : { Error: o.error, Cause: o.cause }),
    RedriveCount: 0,
    RedriveStatus: o.status === 'FAILED' ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
    StateMachineArn: machineArn,
    Status: o.status,
  });
  const files: Record<'SUCCEEDED' | 'FAILED' | 'PENDING', { Key: string; Size: number }[]> = { SUCCEEDED: [], FAILED: [], PENDING: [] };
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    const of = outcomes.filter((o) => o.status === status);
    if (!of.length) continue;
    const key = `${prefix}/${status}_0.json`;
    const body = JSON.stringify(of.map(entry));
    options.objects.put(target.Bucket, key, body);
    files[status].push({ Key: key, Size: Buffer.byteLength(body) });
  }
  const manifestKey = `${prefix}/manifest.json`;
  options.objects.put(target.Bucket, manifestKey, JSON.stringify({ DestinationBucket: target.Bucket, MapRunArn: mapRunArn, ResultFiles: files }));
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: target.Bucket, Key: manifestKey } };
}

/** The largest state input or output (JSON bytes) in an execution's event log. */
export async function peakStateBytes(events: AsyncGenerator<EventLog>, seen: { peak: number; state: string }): Promise<void> {
  for await (const event of events) {
    const sizes: [string, unknown][] = [];
    if (event.type === 'StateEntered') sizes.push([`${event.state.name} input`, event.state.input]);
    if (event.type === 'StateExited') sizes.push([`${event.state.name} output`, event.state.output]);
    if (event.type === 'ExecutionStarted') sizes.push(['execution input', event.input]);
    if (event.type === 'ExecutionSucceeded') sizes.push(['execution output', event.output]);
    for (const [where, value] of sizes) {
      const bytes = Buffer.byteLength(JSON.stringify(value ?? null));
      if (bytes > seen.peak) Object.assign(seen, { peak: bytes, state: where });
    }
  }
}
