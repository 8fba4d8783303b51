/**
 * A client-side rate limiter with an injectable clock, so tests can check the spacing of
 * calls without waiting (CloudTrail LookupEvents allows about 2 calls/s per account and
 * region; exceeding it costs ThrottlingException retries).
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class RateLimiter {
  private readonly intervalMs: number;
  private next = -Infinity;

  public constructor(
    callsPerSecond: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(callsPerSecond > 0)) throw new Error(`rate limit must be positive, got ${callsPerSecond}`);
    this.intervalMs = 1000 / callsPerSecond;
  }

  /** Wait until one more call is allowed, then reserve it. */
  public async acquire(): Promise<void> {
    const now = this.clock.now();
    if (now < this.next) await this.clock.sleep(this.next - now);
    this.next = Math.max(now, this.next) + this.intervalMs;
  }
}
