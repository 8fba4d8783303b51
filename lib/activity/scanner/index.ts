/**
 * Selective JSON reading for CloudTrail log files: `selectJson(bytes, pick)` is
 * `JSON.parse(bytes.toString('utf8'))` with every object cut down to the picked keys — but
 * the bytes are checked and walked by a small WebAssembly scanner (`assembly/scan.ts`), and
 * only the picked values become JavaScript strings and objects.
 *
 * Why: a trail record is ~1.5 kB of JSON of which the activity aggregation reads a dozen
 * short fields. UTF-8 decoding plus `JSON.parse` cost ~5 µs per record here and build ~60
 * objects and strings per record for the garbage collector; the scanner reads the bytes at
 * WebAssembly speed and builds a dozen values (bench/activity.ts prints both). A scanner
 * written in JavaScript was tried first: its byte loop alone cost as much as `JSON.parse`.
 *
 * It is never the last word on bad input: on anything it does not accept — a syntax error,
 * nesting deeper than 512, an escaped key, a file over `SCANNER_MAX_BYTES` — it answers
 * `undefined` and the caller runs `JSON.parse`, whose result or error then stands. What it
 * does accept, `JSON.parse` accepts with the same values: a property test checks this on
 * generated, mutated and truncated documents.
 */
import { SCANNER_WASM_BASE64 } from './wasm';

/**
 * What to build of a value: `true` the whole value (as `JSON.parse` would); `{ fields }`
 * only these keys of an object; `{ items }` each element of an array, picked. A value that
 * is not of the picked kind (a string where an object was expected) is built whole.
 */
export type Pick = true | { readonly fields: Readonly<Record<string, Pick>> } | { readonly items: Pick };

/** A pick laid out for the scanner: nodes, edges (key → child node) and key bytes. */
export interface CompiledPick {
  /** Per node: kind (0 whole, 1 fields, 2 items), first edge, edge count, items node. */
  readonly nodes: Int32Array;
  /** Per edge: key offset, key length, child node, 0. */
  readonly edges: Int32Array;
  readonly keys: Uint8Array;
  /** The key under which each node's value is stored in its parent object. */
  readonly names: readonly string[];
  /** Node of each path: keys joined by ".", "[]" for an array's items ("Records.[].eventTime"). */
  readonly ids: ReadonlyMap<string, number>;
}

/** Larger files go to `JSON.parse`: the scanner's memory holds the input and its events (~2× the file). */
export const SCANNER_MAX_BYTES = 64 * 1024 * 1024;
/**
 * WebAssembly memory never shrinks: after a file that grew it past this, the instance is
 * dropped (freed once its last events are read) and the next file gets a fresh one, so a
 * single large file does not keep ~2× its size for the rest of the read.
 */
const RETAINED_MEMORY_BYTES = 16 * 1024 * 1024;

/** Scanner events (see `assembly/scan.ts`). */
export const OP_OBJECT = 1;
export const OP_ARRAY = 2;
export const OP_END = 3;
export const OP_ASCII = 4;
export const OP_UTF8 = 5;
export const OP_ESCAPED = 6;
export const OP_NUMBER = 7;
const OP_TRUE = 8;
const OP_FALSE = 9;
const OP_NULL = 10;
const OP_RAW = 11;
const ERROR_EVENTS_FULL = -3;
/** Zero bytes after the input: the scanner reads up to 16 bytes ahead and stops on a zero. */
const SENTINEL_BYTES = 32;
const PAGE = 65_536;

export function compilePick(pick: Pick): CompiledPick {
  const nodes: number[][] = [];
  const edges: number[][] = [];
  const names: string[] = [];
  const ids = new Map<string, number>();
  const keyChunks: Buffer[] = [];
  let keyBytes = 0;
  const add = (p: Pick, name: string, path: string): number => {
    const id = nodes.length;
    const node = [0, 0, 0, 0];
    nodes.push(node);
    names.push(name);
    ids.set(path, id);
    const below = (part: string): string => (path === '' ? part : `${path}.${part}`);
    if (p === true) return id;
    if ('items' in p) {
      node[0] = 2;
      node[3] = add(p.items, '', below('[]'));
      return id;
    }
    node[0] = 1;
    const children = Object.entries(p.fields).map(([key, sub]) => [key, add(sub, key, below(key))] as const);
    node[1] = edges.length;
    node[2] = children.length;
    for (const [key, child] of children) {
      const bytes = Buffer.from(key, 'utf8');
      edges.push([keyBytes, bytes.length, child, 0]);
      keyChunks.push(bytes);
      keyBytes += bytes.length;
    }
    return id;
  };
  add(pick, '', '');
  return { nodes: Int32Array.from(nodes.flat()), edges: Int32Array.from(edges.flat()), keys: new Uint8Array(Buffer.concat(keyChunks)), names, ids };
}

/** The few WebAssembly APIs used (the project's `lib` settings carry no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

type ScanFunction = (nodes: number, edges: number, keys: number, input: number, length: number, events: number, capacity: number) => number;

/** One WebAssembly instance per thread, and the layout of its memory. */
class Scanner {
  private readonly run: ScanFunction;
  private readonly memory: WasmMemory;

  public constructor() {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const instance = new wasm.Instance(new wasm.Module(Buffer.from(SCANNER_WASM_BASE64, 'base64')), {});
    this.run = instance.exports.scan as ScanFunction;
    this.memory = instance.exports.memory as WasmMemory;
  }

  /** The scanner's events for `bytes` (a view into its memory, valid until the next scan), or undefined. */
  public scan(bytes: Buffer, pick: CompiledPick): Int32Array | undefined {
    const nodesAt = 0;
    const edgesAt = nodesAt + pick.nodes.byteLength;
    const keysAt = edgesAt + pick.edges.byteLength;
    const inputAt = align(keysAt + pick.keys.byteLength, 16);
    const eventsAt = align(inputAt + bytes.length + SENTINEL_BYTES, 16);
    let capacity = Math.max(1024, bytes.length >> 4);
    for (;;) {
      this.reserve(eventsAt + capacity * 16);
      const memory = new Uint8Array(this.memory.buffer);
      memory.set(new Uint8Array(pick.nodes.buffer, pick.nodes.byteOffset, pick.nodes.byteLength), nodesAt);
      memory.set(new Uint8Array(pick.edges.buffer, pick.edges.byteOffset, pick.edges.byteLength), edgesAt);
      memory.set(pick.keys, keysAt);
      memory.set(bytes, inputAt);
      memory.fill(0, inputAt + bytes.length, inputAt + bytes.length + SENTINEL_BYTES);
      const count = this.run(nodesAt, edgesAt, keysAt, inputAt, bytes.length, eventsAt, capacity);
      if (count === ERROR_EVENTS_FULL) {
        capacity *= 4;
        continue;
      }
      if (count < 0) return undefined;
      return new Int32Array(this.memory.buffer, eventsAt, count * 4);
    }
  }

  public get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  private reserve(bytes: number): void {
    const missing = bytes - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE));
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

interface Latin1Slicing {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/**
 * The input as Latin-1 text in pieces, so that an ASCII string is a `substring` (JIT code)
 * rather than a call into Node per value (~0.1 µs each, a dozen per record). Pieces stay
 * under the size above which Node makes external strings (kept outside the V8 heap, and
 * slower for the garbage collector to account for). Latin-1 maps each byte to one
 * character, so a byte offset is a character offset; UTF-8 strings are decoded apart.
 *
 * A substring of 13 characters or more refers to its piece rather than copying it: callers
 * that keep a value (the aggregator's principal keys, …) keep a copy (`detachString`).
 */
const PIECE_BYTES = 64 * 1024;

class Text {
  /** Decoded on first use: a reader that needs a few strings decodes a few pieces. */
  private readonly pieces: (string | undefined)[] = [];

  public constructor(private readonly bytes: Buffer) {}

  public ascii(start: number, end: number): string {
    const piece = Math.floor(start / PIECE_BYTES);
    const offset = piece * PIECE_BYTES;
    if (end - offset > PIECE_BYTES) return (this.bytes as unknown as Latin1Slicing).latin1Slice(start, end);
    let text = this.pieces[piece];
    if (text === undefined) {
      text = (this.bytes as unknown as Latin1Slicing).latin1Slice(offset, Math.min(this.bytes.length, offset + PIECE_BYTES));
      this.pieces[piece] = text;
    }
    return text.substring(start - offset, end - offset);
  }

  public utf8(start: number, end: number): string {
    return (this.bytes as unknown as Latin1Slicing).utf8Slice(start, end);
  }
}

/** A copy of `value` that refers to no larger string (see `Text`). */
export function detachString(value: string): string {
  return value.length < 13 ? value : Buffer.from(value, 'utf8').toString('utf8');
}

/**
 * A document as the scanner saw it: its events (four numbers each: op, pick node, start,
 * end) over its bytes. `value(i)` builds the value whose first event is at `i` — what
 * `JSON.parse` would give there, cut down to the pick — and `next(i)` is the event after it,
 * so a caller can walk the document and build only some of it.
 */
export class ScannedJson {
  private text: Text | undefined;

  public constructor(
    public readonly events: Int32Array,
    public readonly bytes: Buffer,
    private readonly names: readonly string[],
  ) {}

  public get length(): number {
    return this.events.length >> 2;
  }

  public op(i: number): number {
    return this.events[i * 4] as number;
  }

  public node(i: number): number {
    return this.events[i * 4 + 1] as number;
  }

  public start(i: number): number {
    return this.events[i * 4 + 2] as number;
  }

  public end(i: number): number {
    return this.events[i * 4 + 3] as number;
  }

  /** The text of ASCII bytes [start, end). */
  public ascii(start: number, end: number): string {
    this.text ??= new Text(this.bytes);
    return this.text.ascii(start, end);
  }

  /** The event after the value that starts at event `i`. */
  public next(i: number): number {
    const op = this.op(i);
    if (op !== OP_OBJECT && op !== OP_ARRAY) return i + 1;
    let depth = 0;
    for (let k = i; k < this.length; k++) {
      const o = this.op(k);
      if (o === OP_OBJECT || o === OP_ARRAY) depth++;
      else if (o === OP_END && --depth === 0) return k + 1;
    }
    return this.length;
  }

  /** The value whose first event is `i`. */
  public value(i: number): unknown {
    this.text ??= new Text(this.bytes);
    const text = this.text;
    const events = this.events;
    const names = this.names;
    const open: (Record<string, unknown> | unknown[])[] = [];
    const isArray: boolean[] = [];
    let root: unknown;
    for (let e = i * 4; e < events.length; e += 4) {
      const op = events[e] as number;
      if (op === OP_END) {
        open.pop();
        isArray.pop();
        if (open.length === 0) return root;
        continue;
      }
      const node = events[e + 1] as number;
      const start = events[e + 2] as number;
      const end = events[e + 3] as number;
      let value: unknown;
      switch (op) {
        case OP_OBJECT:
          value = {};
          break;
        case OP_ARRAY:
          value = [];
          break;
        case OP_ASCII:
          value = text.ascii(start, end);
          break;
        case OP_UTF8:
          value = text.utf8(start, end);
          break;
        case OP_NUMBER:
          value = Number(text.ascii(start, end));
          break;
        case OP_TRUE:
          value = true;
          break;
        case OP_FALSE:
          value = false;
          break;
        case OP_NULL:
          value = null;
          break;
        case OP_ESCAPED:
        case OP_RAW:
          value = JSON.parse(text.utf8(start, end));
          break;
        default:
          throw new Error(`scanner event ${op} is unknown`);
      }
      const depth = open.length;
      if (depth === 0) root = value;
      else if (isArray[depth - 1]) (open[depth - 1] as unknown[]).push(value);
      else (open[depth - 1] as Record<string, unknown>)[names[node] as string] = value;
      if (op === OP_OBJECT || op === OP_ARRAY) {
        open.push(value as Record<string, unknown> | unknown[]);
        isArray.push(op === OP_ARRAY);
      } else if (depth === 0) return root;
    }
    return root;
  }
}

let scanner: Scanner | null | undefined;

function threadScanner(): Scanner | undefined {
  if (scanner === undefined) {
    try {
      scanner = typeof (Buffer.prototype as unknown as Partial<Latin1Slicing>).latin1Slice === 'function' ? new Scanner() : null;
    } catch {
      scanner = null;
    }
  }
  return scanner ?? undefined;
}

/**
 * The scanner's view of `bytes` under `pick`, or `undefined` when it does not take this
 * input (then ask `JSON.parse`, whose verdict stands). Valid until the next scan in this thread.
 */
export function scanJson(bytes: Buffer, pick: CompiledPick): ScannedJson | undefined {
  if (bytes.length > SCANNER_MAX_BYTES) return undefined;
  const current = threadScanner();
  const events = current?.scan(bytes, pick);
  if (current && current.memoryBytes > RETAINED_MEMORY_BYTES) scanner = undefined;
  return events && new ScannedJson(events, bytes, pick.names);
}

/**
 * `JSON.parse(bytes.toString('utf8'))` cut down to `pick`, or `undefined` when the scanner
 * does not take this input (then ask `JSON.parse`, whose verdict stands).
 */
export function selectJson(bytes: Buffer, pick: CompiledPick): unknown {
  const scanned = scanJson(bytes, pick);
  return scanned && scanned.length > 0 ? scanned.value(0) : undefined;
}
