/**
 * Fixed-size bitsets over interned action ids. With ~22,000 actions a set is ~700
 * 32-bit words, so the union / intersection / count of a principal's permissions is a
 * few thousand word operations, whatever wildcards its policies use.
 */
export type Bitset = Uint32Array;

export const wordsFor = (size: number): number => (size + 31) >>> 5;

export function newBitset(size: number): Bitset {
  return new Uint32Array(wordsFor(size));
}

export function setBit(b: Bitset, i: number): void {
  b[i >>> 5]! |= 1 << (i & 31);
}

export function hasBit(b: Bitset, i: number): boolean {
  return (b[i >>> 5]! & (1 << (i & 31))) !== 0;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function count(b: Bitset): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) n += popcount32(b[i]!);
  return n;
}

/** Indices of set bits (ascending). */
export function* bitsOf(b: Bitset): Generator<number> {
  for (let w = 0; w < b.length; w++) {
    let word = b[w]!;
    while (word !== 0) {
      const low = word & -word;
      yield (w << 5) + (31 - Math.clz32(low));
      word ^= low;
    }
  }
}

/**
 * A second view of the whole array (same buffer, no copy), for a constructor to store over a
 * field's first array when the field is replaced later as it grows. V8 treats a field stored
 * only once as constant and compiles code that relies on it; the first growth, mid-analysis,
 * then deoptimised every function compiled against the field (a dozen functions of
 * lib/breadth/effective.ts, in the first analysis of a process) and they were compiled again.
 * Stored twice at construction, the field is known to change before any code is compiled.
 */
export function restored<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: T): T {
  return a.subarray(0) as T;
}

/**
 * Sparse bitsets (their non-zero words, ascending, with the words' values) stored back to
 * back in two growing typed arrays: a set is a range [start, end). Thousands of folded
 * statements and policies then cost no object each (nothing for the garbage collector to
 * copy or trace), and a range is read with two array loads.
 */
export class SparseArena {
  /**
   * Small at first: `reserve`'s growth then first runs in the interpreter, early in the first
   * analysis. From 65,536 words the list arena first grew mid-analysis (pessimistic mix), after
   * storeFold was compiled with reserve inlined: deoptimised ("insufficient type feedback") and
   * compiled again. A few more doublings cost little next to that.
   */
  public words = new Uint16Array(1 << 10);
  public values = new Uint32Array(1 << 10);
  /** End of the used part: the next set starts here. */
  public top = 0;

  public constructor() {
    this.words = restored(this.words);
    this.values = restored(this.values);
  }

  /**
   * Make room for `n` more words (may replace `words` / `values`: re-read them after). Grown, the
   * arrays get at least `atLeast` words (a caller's estimate of the final size: each doubling is
   * a copy in fresh memory, see lib/breadth/effective.ts `grownSize`).
   */
  public reserve(n: number, atLeast = 0): void {
    const need = this.top + n;
    if (need > this.words.length) this.grow(need, atLeast);
  }

  /**
   * `reserve` when the arrays are too short: copied into larger ones. Apart, so the callers compiled
   * with `reserve` inlined (unionOfPatterns, storeFold: the growth was 160 of the 192 bytes each
   * inlined) do not carry the copy for the few growths of an analysis.
   */
  private grow(need: number, atLeast: number): void {
    let size = Math.max(this.words.length * 2, atLeast);
    while (size < need) size *= 2;
    const words = new Uint16Array(size);
    words.set(this.words.subarray(0, this.top));
    const values = new Uint32Array(size);
    values.set(this.values.subarray(0, this.top));
    this.words = words;
    this.values = values;
  }

  /**
   * Value of word `w` in the set [start, end) (0 when absent; binary search). A `w` outside the
   * set's first..last word is absent without a search: hardWord asks every statement of a set
   * for each hard word (447,695 asks per pessimistic analysis) and few statements span it.
   */
  public word(start: number, end: number, w: number): number {
    const words = this.words;
    if (start >= end || w < words[start]! || w > words[end - 1]!) return 0;
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = words[mid]!;
      if (v === w) return this.values[mid]!;
      if (v < w) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }
}

/**
 * Sort `a[0 .. n)` ascending in place. Most word lists sorted here are short (a statement's or
 * a policy's few words): insertion sort, with no view object and no copy, is cheaper for them
 * than `subarray(0, n).sort()`, which the long ones still use.
 */
export function sortPrefix(a: Int32Array, n: number): void {
  if (n > 32) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j -= 1;
    }
    a[j + 1] = v;
  }
}

/**
 * `sortPrefix` for distinct values below `32 * bits.length` (word indices): more than a few are
 * sorted by setting their bits in `bits` (all zero, left so) and reading it back in order, in
 * O(n + bits.length) with no comparison sort and no view object.
 */
export function sortDistinct(a: Int32Array, n: number, bits: Uint32Array): void {
  if (n <= 16) {
    sortPrefix(a, n);
    return;
  }
  for (let k = 0; k < n; k++) {
    const v = a[k]!;
    bits[v >>> 5]! |= 1 << (v & 31);
  }
  let k = 0;
  for (let b = 0; b < bits.length; b++) {
    let x = bits[b]!;
    if (x === 0) continue;
    bits[b] = 0;
    while (x !== 0) {
      const low = x & -x;
      a[k++] = (b << 5) + (31 - Math.clz32(low));
      x ^= low;
    }
  }
}

/** `a`, or a copy twice as long when `a` has fewer than `n` entries (for per-slot tables). */
export function growInt32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** Ints per chunk of `IntTupleMap` keys (positions are chunk × KEY_CHUNK + offset). */
const KEY_CHUNK_BITS = 13;
const KEY_CHUNK = 1 << KEY_CHUNK_BITS;

/**
 * A map from short int tuples to small ints (open addressing, linear probing): a memo keyed by
 * a few numbers without building a string key per lookup (no allocation, no string hashing).
 * A key is `head` followed by `codes[0 .. n)`; keys are compared whole.
 */
export class IntTupleMap {
  /**
   * Entry number + 1 at each table position, 0 when free (size: a power of two, at most half full;
   * 0 for free, so a new table needs no fill pass).
   * The tables start small, so `rehash` and the growth in `add` first run in the interpreter: from
   * 4,096 positions the first rehash came mid-analysis (pessimistic mix), after `add` was
   * compiled, which deoptimised it ("insufficient type feedback for construct").
   */
  private index = new Int32Array(1 << 6);
  /** Per entry: where its key (`[n, head, codes…]`) starts (chunk × KEY_CHUNK + offset), and its value. */
  private keyStart = new Int32Array(1 << 5);
  private values = new Int32Array(1 << 5);
  /**
   * The keys, back to back in chunks of KEY_CHUNK ints (a key longer than that gets a chunk of its
   * own), never copied: one array grown by doubling was a chain of 13 copies per pessimistic analysis
   * (1.08 MB of typed arrays allocated for 74,074 ints used, each first write to a fresh page a page
   * fault). The first chunk is small, so the first new chunk is made early, in the interpreter (see
   * `index`).
   */
  private readonly chunks: Int32Array[] = [new Int32Array(1 << 8)];
  /** The chunk keys are appended to (the last of `chunks`) and its used part. */
  private chunk: Int32Array;
  private chunkTop = 0;
  public size = 0;

  public constructor() {
    this.index = restored(this.index);
    this.keyStart = restored(this.keyStart);
    this.values = restored(this.values);
    this.chunk = this.chunks[0]!;
    this.chunk = restored(this.chunk);
  }

  /** The hash of the key `head`, `codes[from .. from + n)`. */
  private static hash(head: number, codes: Int32Array, from: number, n: number): number {
    let h = Math.imul(head ^ n, 0x9e3779b1);
    for (let k = 0; k < n; k++) h = Math.imul(h ^ codes[from + k]!, 0x85ebca6b) ^ (h >>> 13);
    return h ^ (h >>> 16);
  }

  /** The value stored for the key, or −1. */
  public get(head: number, codes: Int32Array, n: number): number {
    const mask = this.index.length - 1;
    for (let pos = IntTupleMap.hash(head, codes, 0, n) & mask; ; pos = (pos + 1) & mask) {
      const e = this.index[pos]! - 1;
      if (e < 0) return -1;
      if (this.matches(e, head, codes, n)) return this.values[e]!;
    }
  }

  private matches(e: number, head: number, codes: Int32Array, n: number): boolean {
    const start = this.keyStart[e]!;
    const keys = this.chunks[start >>> KEY_CHUNK_BITS]!;
    let at = start & (KEY_CHUNK - 1);
    if (keys[at] !== n || keys[at + 1] !== head) return false;
    at += 2;
    for (let k = 0; k < n; k++) if (keys[at + k] !== codes[k]) return false;
    return true;
  }

  /** Replace the value of a key in the map (`add` it when absent). */
  public set(head: number, codes: Int32Array, n: number, value: number): void {
    const mask = this.index.length - 1;
    for (let pos = IntTupleMap.hash(head, codes, 0, n) & mask; ; pos = (pos + 1) & mask) {
      const e = this.index[pos]! - 1;
      if (e < 0) break;
      if (this.matches(e, head, codes, n)) {
        this.values[e] = value;
        return;
      }
    }
    this.add(head, codes, n, value);
  }

  /** Store `value` (≥ 0) for a key not in the map. */
  public add(head: number, codes: Int32Array, n: number, value: number): void {
    const e = this.size;
    if (2 * (e + 1) > this.index.length) this.rehash(this.index.length * 2);
    // Length checks here, the calls only to grow (a few times per analysis): unconditional, the
    // four growInt32 calls were inlined into this function's compiled code (cold realistic,
    // --log-code: 4.2 KB); a rarely taken call is not.
    if (this.values.length <= e) this.growEntries(e + 1);
    if (this.chunk.length < this.chunkTop + n + 2) this.newChunk(n + 2);
    const keys = this.chunk;
    const at = this.chunkTop;
    keys[at] = n;
    keys[at + 1] = head;
    for (let k = 0; k < n; k++) keys[at + 2 + k] = codes[k]!;
    this.chunkTop = at + n + 2;
    this.keyStart[e] = ((this.chunks.length - 1) << KEY_CHUNK_BITS) + at;
    this.values[e] = value;
    this.size = e + 1;
    this.place(e, IntTupleMap.hash(head, codes, 0, n));
  }

  /** Start a chunk with room for a key of `need` ints. */
  private newChunk(need: number): void {
    this.chunk = new Int32Array(Math.max(KEY_CHUNK, need));
    this.chunks.push(this.chunk);
    this.chunkTop = 0;
  }

  /** Room for `n` entries in the per-entry tables (always of equal lengths: grown together). */
  private growEntries(n: number): void {
    this.keyStart = growInt32(this.keyStart, n);
    this.values = growInt32(this.values, n);
  }

  private place(e: number, h: number): void {
    const mask = this.index.length - 1;
    let pos = h & mask;
    while (this.index[pos] !== 0) pos = (pos + 1) & mask;
    this.index[pos] = e + 1;
  }

  /** The hash of entry `e`'s key, from its stored key (no table of hashes to keep: rehashes are rare). */
  private hashOf(e: number): number {
    const start = this.keyStart[e]!;
    const keys = this.chunks[start >>> KEY_CHUNK_BITS]!;
    const at = start & (KEY_CHUNK - 1);
    return IntTupleMap.hash(keys[at + 1]!, keys, at + 2, keys[at]!);
  }

  private rehash(capacity: number): void {
    this.index = new Int32Array(capacity);
    for (let e = 0; e < this.size; e++) this.place(e, this.hashOf(e));
  }

  public clear(): void {
    this.index.fill(0);
    this.chunks.length = 1;
    this.chunk = this.chunks[0]!;
    this.chunkTop = 0;
    this.size = 0;
  }
}
