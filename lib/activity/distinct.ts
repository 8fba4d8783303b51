/**
 * Bounded-memory distinct counting: exact (a table of 53-bit hashes) up to `exactLimit`
 * values, then a HyperLogLog with 2^10 registers (1 KiB, ≈3.25% standard error).
 * A principal touching a million resources costs the same memory as one touching 300.
 */
import type { DistinctCount } from './schema';

const HLL_BITS = 10;
const HLL_REGISTERS = 1 << HLL_BITS;
/** α_m for m = 1024 (Flajolet et al., 2007). */
const HLL_ALPHA = 0.7213 / (1 + 1.079 / HLL_REGISTERS);

/**
 * cyrb53: a fast 53-bit string hash (public domain, bryc). 53 bits keep collisions
 * negligible for the exact phase (≈10⁻¹⁰ at 256 values) and feed the HLL registers.
 */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return finish53(h1, h2);
}

/** cyrb53's final mixing of its two 32-bit lanes into 53 bits. */
function finish53(a: number, b: number): number {
  let h1 = a;
  let h2 = b;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * `hash53` of the text in `bytes[start, end)` when those bytes are ASCII (one byte = one
 * UTF-16 unit, so the same numbers as `hash53` of the decoded string): log files read by the
 * scanner are hashed without making strings.
 */
export function hash53Ascii(bytes: Uint8Array, start: number, end: number): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = start; i < end; i++) {
    const ch = bytes[i] as number;
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return finish53(h1, h2);
}

/**
 * A counter's state as plain data (structured-clone and JSON friendly except the typed
 * array), so a worker thread can hand its counts to the main thread: the exact phase's
 * hashes, or the sketch's registers.
 */
export type DistinctPartial = { hashes: number[] } | { registers: Uint8Array };

/** Smallest exact table (slots); it doubles while at most half full, up to 2 × the cap. */
const MIN_TABLE_SLOTS = 16;

export class DistinctCounter {
  /**
   * Exact phase: an open-addressing table of `hash + 1` (0 = empty slot). Plain doubles in
   * a Float64Array, because a Set of 53-bit numbers allocates a heap number per value and
   * costs ~0.4 µs per add; this is a probe or two.
   */
  private table: Float64Array | undefined = new Float64Array(MIN_TABLE_SLOTS);
  private size = 0;
  private registers: Uint8Array | undefined;

  /**
   * The last two values added, not hashed again: most events of a principal repeat its IP
   * and user agent, and S3 data events alternate an object ARN with its bucket ARN.
   */
  private last: string | undefined;
  private previous: string | undefined;

  public constructor(private readonly exactLimit = 256) {}

  /**
   * Count `value`. This is `addHash(hash53(value))` spelled out in one function on purpose:
   * a 53-bit hash is a double, and a double passed to or returned from a call V8 does not
   * inline is boxed as a heap number — two or three allocations per value, ~40 bytes of
   * garbage per event. Tests check that it matches `hash53`, `insert` and `addToSketch`.
   */
  public add(value: string): void {
    if (value === this.last || value === this.previous) return;
    this.previous = this.last;
    this.last = value;
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < value.length; i++) {
      const ch = value.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    const h = 4294967296 * (2097151 & h2) + (h1 >>> 0);
    const table = this.table;
    if (!table) {
      const registers = this.registers as Uint8Array;
      const index = h % HLL_REGISTERS;
      const low = (h / HLL_REGISTERS) >>> 0;
      const high = Math.floor(h / 2 ** (HLL_BITS + 32));
      const rank = low !== 0 ? 32 - Math.clz32(low & -low) : high !== 0 ? 64 - Math.clz32(high & -high) : 44;
      if (rank > (registers[index] ?? 0)) registers[index] = rank;
      return;
    }
    const key = h + 1;
    const mask = table.length - 1;
    let i = (h >>> 0) & mask;
    for (;;) {
      const slot = table[i];
      if (slot === 0) break;
      if (slot === key) return;
      i = (i + 1) & mask;
    }
    table[i] = key;
    this.size += 1;
    if (this.size > this.exactLimit) this.switchToSketch();
    else if (this.size * 2 > table.length) this.rehash(table.length * 2);
  }

  /**
   * Fold another counter into this one. The result is the counter of the union: exact
   * sets unite (and turn into a sketch past the cap, as `add` would), sketches take the
   * register-wise maximum — which is exactly the sketch of the union, since each hash sets
   * one register deterministically. So merging loses nothing beyond the sketch's own error.
   */
  public merge(other: DistinctCounter | DistinctPartial): void {
    const partial = other instanceof DistinctCounter ? other.toPartial() : other;
    if ('hashes' in partial) {
      for (const h of partial.hashes) this.addHash(h);
      return;
    }
    if (partial.registers.length !== HLL_REGISTERS) throw new Error(`cannot merge a sketch of ${partial.registers.length} registers into one of ${HLL_REGISTERS}`);
    if (this.table) this.switchToSketch();
    const registers = this.registers as Uint8Array;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = partial.registers[i] ?? 0;
      if (r > (registers[i] ?? 0)) registers[i] = r;
    }
  }

  /** This counter's state as plain data (a copy). */
  public toPartial(): DistinctPartial {
    if (this.table) return { hashes: this.hashes() };
    return { registers: Uint8Array.from(this.registers as Uint8Array) };
  }

  /** A counter holding `partial`'s state. */
  public static fromPartial(partial: DistinctPartial, exactLimit = 256): DistinctCounter {
    const counter = new DistinctCounter(exactLimit);
    counter.merge(partial);
    return counter;
  }

  public get isExact(): boolean {
    return this.table !== undefined;
  }

  public result(): DistinctCount {
    if (this.table) return { count: this.size, exact: true };
    return { count: this.estimate(), exact: false };
  }

  /** Count a value by its `hash53` (callers that hash once, or remember hashes). */
  public addHash(h: number): void {
    if (!this.table) {
      this.addToSketch(h);
      return;
    }
    if (!this.insert(this.table, h)) return;
    this.size += 1;
    if (this.size > this.exactLimit) this.switchToSketch();
    else if (this.size * 2 > this.table.length) this.rehash(this.table.length * 2);
  }

  /** Put `h` in the table; false when it was already there. */
  private insert(table: Float64Array, h: number): boolean {
    const key = h + 1;
    const mask = table.length - 1;
    // Low 32 bits of the hash (`>>>` takes the integer modulo 2^32) pick the slot.
    let i = (h >>> 0) & mask;
    for (;;) {
      const slot = table[i];
      if (slot === 0) break;
      if (slot === key) return false;
      i = (i + 1) & mask;
    }
    table[i] = key;
    return true;
  }

  private rehash(slots: number): void {
    const old = this.table as Float64Array;
    const table = new Float64Array(slots);
    for (const key of old) if (key !== 0) this.insert(table, key - 1);
    this.table = table;
  }

  private hashes(): number[] {
    const out: number[] = [];
    for (const key of this.table ?? []) if (key !== 0) out.push(key - 1);
    return out;
  }

  private switchToSketch(): void {
    const hashes = this.hashes();
    this.table = undefined;
    this.size = 0;
    this.registers = new Uint8Array(HLL_REGISTERS);
    for (const h of hashes) this.addToSketch(h);
  }

  private addToSketch(h: number): void {
    const registers = this.registers as Uint8Array;
    // Low 10 bits pick the register; the rank is 1 + the trailing zeros of the next 43
    // bits (44 when all are zero), read as a low 32-bit word and a high 11-bit word.
    const index = h % HLL_REGISTERS;
    const low = (h / HLL_REGISTERS) >>> 0;
    const high = Math.floor(h / 2 ** (HLL_BITS + 32));
    const rank = low !== 0 ? 32 - Math.clz32(low & -low) : high !== 0 ? 64 - Math.clz32(high & -high) : 44;
    if (rank > (registers[index] ?? 0)) registers[index] = rank;
  }

  private estimate(): number {
    const registers = this.registers as Uint8Array;
    let sum = 0;
    let zeros = 0;
    for (const r of registers) {
      sum += 2 ** -r;
      if (r === 0) zeros += 1;
    }
    const raw = (HLL_ALPHA * HLL_REGISTERS * HLL_REGISTERS) / sum;
    // Small-range correction (linear counting) while registers are still empty.
    const estimate = raw <= 2.5 * HLL_REGISTERS && zeros > 0 ? HLL_REGISTERS * Math.log(HLL_REGISTERS / zeros) : raw;
    // Never report fewer than the exact phase had already proven.
    return Math.max(Math.round(estimate), this.exactLimit + 1);
  }
}
