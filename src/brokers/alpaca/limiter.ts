/** The limiter's time: market time that advances on its own (wall time live, accelerated in a replay). */
export interface LimiterClock {
  now(): number;
  sleepUntil(t: number): Promise<void>;
}

/**
 * One request budget shared by every caller (all watchers, the stream's reconciles, recovery): at most
 * `limit` requests in any `windowMs` (Alpaca: 200 per minute). A sliding log of the last `limit` grants
 * makes the bound exact for every window, not only for aligned minutes. Callers are served in arrival order.
 *
 * A 429 from the venue blocks everyone until the reset it names: retrying earlier only burns the budget.
 */
export class RateLimiter {
  private readonly grants: Float64Array;
  private next = 0;
  private filled = 0;
  private blockedUntil = Number.NEGATIVE_INFINITY;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: LimiterClock,
    readonly limit = 200,
    readonly windowMs = 60_000,
  ) {
    if (!(limit >= 1)) throw new Error(`rate limit must be at least 1 request (got ${limit})`);
    this.grants = new Float64Array(limit);
  }

  /** Resolves when this caller may send one request. */
  acquire(): Promise<void> {
    const turn = this.tail.then(() => this.take());
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** The venue said no requests before `until` (epoch ms): every caller waits for it. */
  blockUntil(until: number): void {
    if (until > this.blockedUntil) this.blockedUntil = until;
  }

  /** Requests granted in the window ending now (for status and tests). */
  inWindow(now = this.clock.now()): number {
    let n = 0;
    for (let i = 0; i < this.filled; i++) if (this.grants[i]! > now - this.windowMs) n++;
    return n;
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.blockedUntil) {
        await this.clock.sleepUntil(this.blockedUntil);
        continue;
      }
      // The oldest of the last `limit` grants must have left the window.
      const oldest = this.filled < this.limit ? Number.NEGATIVE_INFINITY : this.grants[this.next]!;
      const freeAt = oldest + this.windowMs;
      if (now < freeAt) {
        await this.clock.sleepUntil(freeAt);
        continue;
      }
      this.grants[this.next] = now;
      this.next = (this.next + 1) % this.limit;
      if (this.filled < this.limit) this.filled++;
      return;
    }
  }
}
