// AssemblyScript (compiled to WebAssembly by `npm run build:scanner`; not part of the tsc build).
//
// A selective JSON reader over UTF-8 bytes: it checks the whole input against the JSON
// grammar and reports, as a stream of events, only the values a pick tree asks for (see
// `../index.ts`, which lays out memory, builds the pick tree and turns events into values).
// On anything it does not accept it returns an error and the caller uses JSON.parse, whose
// verdict stands; so what it accepts must be exactly what JSON.parse accepts.
//
// Memory, laid out by the caller:
//   pick nodes   i32 × 4 each: kind (0 whole, 1 fields, 2 items), first child, child count, items node
//   pick edges   i32 × 4 each: key offset, key length, child node, unused
//   key bytes
//   input        followed by at least 16 zero bytes (a zero is invalid wherever it is read,
//                so the scanner never needs a bounds check; strings are read 16 bytes at a time)
//   events       i32 × 4 each: op, node, start, end (byte offsets in the input)

const WHOLE: i32 = 0;
const FIELDS: i32 = 1;
const ITEMS: i32 = 2;

// Events.
const OP_OBJECT: i32 = 1; // a picked object opens (node = its field node)
const OP_ARRAY: i32 = 2; // a picked array opens
const OP_END: i32 = 3; // the innermost picked container closes
const OP_ASCII: i32 = 4; // string, ASCII without escapes: the bytes between the quotes
const OP_UTF8: i32 = 5; // string with bytes >= 0x80, no escapes: UTF-8 between the quotes
const OP_ESCAPED: i32 = 6; // string with escapes: the quoted JSON (quotes included)
const OP_NUMBER: i32 = 7;
const OP_TRUE: i32 = 8;
const OP_FALSE: i32 = 9;
const OP_NULL: i32 = 10;
const OP_RAW: i32 = 11; // an object or array wanted whole: its JSON text

const MAX_DEPTH: i32 = 512;

export const ERROR_SYNTAX: i32 = -1;
export const ERROR_DEPTH: i32 = -2;
export const ERROR_EVENTS_FULL: i32 = -3;

let pos: usize = 0;
let base: usize = 0;
let end: usize = 0;
let out: usize = 0;
let outEnd: usize = 0;
let nodes: usize = 0;
let edges: usize = 0;
let keys: usize = 0;
let error: i32 = 0;

/** Scan `length` bytes at `input`; returns the number of events, or a negative error. */
export function scan(pickNodes: usize, pickEdges: usize, keyBytes: usize, input: usize, length: i32, events: usize, eventCapacity: i32): i32 {
  nodes = pickNodes;
  edges = pickEdges;
  keys = keyBytes;
  base = input;
  pos = input;
  end = input + <usize>length;
  out = events;
  outEnd = events + <usize>eventCapacity * 16;
  error = 0;
  space();
  value(0, 0);
  if (error != 0) return error;
  space();
  if (pos != end) return ERROR_SYNTAX;
  return <i32>((out - events) / 16);
}

// @ts-ignore: decorator
@inline function fail(code: i32): void {
  if (error == 0) error = code;
}

function emit(op: i32, node: i32, start: usize, stop: usize): void {
  if (out >= outEnd) {
    fail(ERROR_EVENTS_FULL);
    return;
  }
  store<i32>(out, op);
  store<i32>(out, node, 4);
  store<i32>(out, <i32>(start - base), 8);
  store<i32>(out, <i32>(stop - base), 12);
  out += 16;
}

// @ts-ignore: decorator
@inline function nodeKind(node: i32): i32 {
  return load<i32>(nodes + (<usize>node << 4));
}

function space(): void {
  let p = pos;
  while (true) {
    const c = load<u8>(p);
    if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) p++;
    else break;
  }
  pos = p;
}

/** A value, as pick node `node` asks. */
function value(node: i32, depth: i32): void {
  const c = load<u8>(pos);
  const kind = nodeKind(node);
  if (c == 0x7b && kind == FIELDS) {
    pickedObject(node, depth);
    return;
  }
  if (c == 0x5b && kind == ITEMS) {
    pickedArray(node, depth);
    return;
  }
  const start = pos;
  if (c == 0x22) {
    const flags = string();
    if (flags < 0) return;
    if (flags & 1) emit(OP_ESCAPED, node, start, pos);
    else if (flags & 2) emit(OP_UTF8, node, start + 1, pos - 1);
    else emit(OP_ASCII, node, start + 1, pos - 1);
    return;
  }
  skip(depth);
  if (error != 0) return;
  if (c == 0x74) emit(OP_TRUE, node, start, pos);
  else if (c == 0x66) emit(OP_FALSE, node, start, pos);
  else if (c == 0x6e) emit(OP_NULL, node, start, pos);
  else if (c == 0x7b || c == 0x5b) emit(OP_RAW, node, start, pos);
  else emit(OP_NUMBER, node, start, pos);
}

function pickedObject(node: i32, depth: i32): void {
  emit(OP_OBJECT, node, pos, pos);
  if (!open(depth)) return;
  if (load<u8>(pos) == 0x7d) {
    pos++;
    emit(OP_END, node, pos, pos);
    return;
  }
  const at = nodes + (<usize>node << 4);
  const firstEdge = load<i32>(at, 4);
  const edgeCount = load<i32>(at, 8);
  while (true) {
    if (load<u8>(pos) != 0x22) {
      fail(ERROR_SYNTAX);
      return;
    }
    const keyStart = pos + 1;
    const flags = string();
    if (flags < 0) return;
    // Keys with escapes never match (the pick's keys are plain ASCII, and an escaped key
    // is left to JSON.parse): refuse, so the caller falls back.
    if (flags & 1) {
      fail(ERROR_SYNTAX);
      return;
    }
    const child = findEdge(firstEdge, edgeCount, keyStart, pos - 1);
    if (!colon()) return;
    if (child >= 0) value(child, depth + 1);
    else skip(depth + 1);
    if (error != 0) return;
    const next = memberEnd(0x7d);
    if (next < 0) return;
    if (next == 1) {
      emit(OP_END, node, pos, pos);
      return;
    }
  }
}

function pickedArray(node: i32, depth: i32): void {
  emit(OP_ARRAY, node, pos, pos);
  if (!open(depth)) return;
  if (load<u8>(pos) == 0x5d) {
    pos++;
    emit(OP_END, node, pos, pos);
    return;
  }
  const items = load<i32>(nodes + (<usize>node << 4), 12);
  while (true) {
    value(items, depth + 1);
    if (error != 0) return;
    const next = memberEnd(0x5d);
    if (next < 0) return;
    if (next == 1) {
      emit(OP_END, node, pos, pos);
      return;
    }
  }
}

/** Past the opening bracket of a container at `depth` (false past MAX_DEPTH). */
function open(depth: i32): bool {
  if (depth >= MAX_DEPTH) {
    fail(ERROR_DEPTH);
    return false;
  }
  pos++;
  space();
  return true;
}

/** Past the colon after a key (false on a syntax error). */
function colon(): bool {
  space();
  if (load<u8>(pos) != 0x3a) {
    fail(ERROR_SYNTAX);
    return false;
  }
  pos++;
  space();
  return true;
}

/** After a member: 0 and past the comma when another follows, 1 and past `close` at the end, -1 on a syntax error. */
function memberEnd(close: u8): i32 {
  space();
  const c = load<u8>(pos);
  if (c == 0x2c) {
    pos++;
    space();
    return 0;
  }
  if (c == close) {
    pos++;
    return 1;
  }
  fail(ERROR_SYNTAX);
  return -1;
}

/** The child node whose key is the bytes [start, stop), or -1. */
function findEdge(first: i32, count: i32, start: usize, stop: usize): i32 {
  const length = <i32>(stop - start);
  for (let e = first; e < first + count; e++) {
    const at = edges + (<usize>e << 4);
    if (load<i32>(at, 4) != length) continue;
    const key = keys + <usize>load<i32>(at);
    let k = 0;
    while (k < length && load<u8>(key + <usize>k) == load<u8>(start + <usize>k)) k++;
    if (k == length) return load<i32>(at, 8);
  }
  return -1;
}

/**
 * Past a string that starts at the opening quote. Returns flags (1: has escapes, 2: has
 * bytes >= 0x80), or -1 after a syntax error. Sixteen bytes at a time (WebAssembly SIMD):
 * a string ends at the first quote, backslash or control character, found with one compare
 * per kind and a bitmask.
 */
function string(): i32 {
  let p = pos + 1;
  let flags = 0;
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  while (true) {
    const chunk = v128.load(p);
    const special = v128.or(v128.or(i8x16.eq(chunk, quote), i8x16.eq(chunk, backslash)), i8x16.lt_u(chunk, space));
    const mask = i8x16.bitmask(special);
    const high = i8x16.bitmask(chunk);
    if (mask == 0) {
      if (high != 0) flags |= 2;
      p += 16;
      continue;
    }
    const at = ctz(mask);
    if ((high & ((1 << at) - 1)) != 0) flags |= 2;
    p += <usize>at;
    const c = load<u8>(p);
    if (c == 0x22) break;
    if (c < 0x20) {
      // A control character, or the zero after the input: an unterminated string.
      fail(ERROR_SYNTAX);
      return -1;
    }
    // A backslash.
    flags |= 1;
    const e = load<u8>(p + 1);
    if (e == 0x75) {
      if (!(isHex(load<u8>(p + 2)) && isHex(load<u8>(p + 3)) && isHex(load<u8>(p + 4)) && isHex(load<u8>(p + 5)))) {
        fail(ERROR_SYNTAX);
        return -1;
      }
      p += 6;
      continue;
    }
    if (e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) {
      p += 2;
      continue;
    }
    fail(ERROR_SYNTAX);
    return -1;
  }
  pos = p + 1;
  return flags;
}

// @ts-ignore: decorator
@inline function isHex(c: u8): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

// @ts-ignore: decorator
@inline function isDigit(c: u8): bool {
  return c >= 0x30 && c <= 0x39;
}

/** Past any value, checking its grammar, reporting nothing. */
function skip(depth: i32): void {
  const c = load<u8>(pos);
  if (c == 0x22) {
    string();
    return;
  }
  if (c == 0x7b || c == 0x5b) {
    container(depth);
    return;
  }
  if (c == 0x74) {
    literal(0x65757274, 4); // "true", little-endian
    return;
  }
  if (c == 0x6e) {
    literal(0x6c6c756e, 4); // "null"
    return;
  }
  if (c == 0x66) {
    // "false": "fals" then "e"
    literal(0x736c6166, 4);
    if (error == 0) {
      if (load<u8>(pos) != 0x65) fail(ERROR_SYNTAX);
      else pos++;
    }
    return;
  }
  number();
}

function literal(word: u32, length: usize): void {
  if (load<u32>(pos) != word) {
    fail(ERROR_SYNTAX);
    return;
  }
  pos += length;
}

function container(depth: i32): void {
  const object = load<u8>(pos) == 0x7b;
  const close: u8 = object ? 0x7d : 0x5d;
  if (!open(depth)) return;
  if (load<u8>(pos) == close) {
    pos++;
    return;
  }
  while (true) {
    if (object) {
      if (load<u8>(pos) != 0x22) {
        fail(ERROR_SYNTAX);
        return;
      }
      if (string() < 0 || !colon()) return;
    }
    skip(depth + 1);
    if (error != 0) return;
    const next = memberEnd(close);
    if (next != 0) return;
  }
}

/** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
function number(): void {
  let p = pos;
  if (load<u8>(p) == 0x2d) p++;
  const first = load<u8>(p);
  if (first == 0x30) p++;
  else if (first >= 0x31 && first <= 0x39) {
    while (isDigit(load<u8>(p))) p++;
  } else {
    fail(ERROR_SYNTAX);
    return;
  }
  if (load<u8>(p) == 0x2e) {
    p++;
    if (!isDigit(load<u8>(p))) {
      fail(ERROR_SYNTAX);
      return;
    }
    while (isDigit(load<u8>(p))) p++;
  }
  const e = load<u8>(p);
  if (e == 0x65 || e == 0x45) {
    p++;
    const sign = load<u8>(p);
    if (sign == 0x2b || sign == 0x2d) p++;
    if (!isDigit(load<u8>(p))) {
      fail(ERROR_SYNTAX);
      return;
    }
    while (isDigit(load<u8>(p))) p++;
  }
  pos = p;
}
