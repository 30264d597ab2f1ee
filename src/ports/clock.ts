/**
 * Clocks of the live runtime. Core and coordinator never read a clock (README "Architecture"); the runtime
 * owns one and hands its time to them as a value.
 */
export interface LiveClock {
  /** Market time now, epoch milliseconds UTC. */
  now(): number;
  /** Resolves once market time has reached `t`, or at once when `signal` aborts. */
  sleepUntil(t: number, signal?: AbortSignal): Promise<void>;
  /**
   * True when market time is simulated (replay): decisions then take the scheduled poll time rather than
   * the clock reading, so a replay decides the same way whatever the machine's speed.
   */
  readonly stepped: boolean;
  /** A simulated clock starts (again) at market time `t` now; the replay calls it as its first poll begins. */
  startAt?(t: number): void;
}

/** Wait `ms` of wall time; an aborted signal ends the wait early instead of throwing. */
export function wallSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Wall time, optionally corrected by an offset to the venue's clock (Alpaca's /v2/clock). */
export class RealClock implements LiveClock {
  readonly stepped = false;
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Align with the venue: its timestamp minus ours. Skew between machines then cannot shift a cooldown. */
  syncTo(venueNow: number): void {
    this.offsetMs = venueNow - Date.now();
  }

  get offset(): number {
    return this.offsetMs;
  }

  sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    return wallSleep(t - this.now(), signal);
  }
}

/**
 * Market time running `speed` times faster than wall time from `start` (3600 = one market hour per wall
 * second), for replaying real bars offline.
 */
export class AcceleratedClock implements LiveClock {
  readonly stepped = true;
  private wall0: number;

  constructor(
    private start: number,
    private readonly speed: number,
    private readonly wallNow: () => number = () => performance.now(),
  ) {
    if (!(speed > 0)) throw new Error(`replay speed must be > 0 (got ${speed})`);
    this.wall0 = wallNow();
  }

  startAt(t: number): void {
    this.start = t;
    this.wall0 = this.wallNow();
  }

  now(): number {
    return this.start + (this.wallNow() - this.wall0) * this.speed;
  }

  sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    return wallSleep((t - this.now()) / this.speed, signal);
  }
}

/**
 * The time decisions are made at. With a stepped clock it is the scheduled poll time (set by the poll loop);
 * otherwise it is the clock itself. The venue of a replay reads the same value, so fills and decisions see
 * one consistent instant.
 */
export class DecisionTime {
  private pollTime: number;

  /** `start`: the first poll's time, for a stepped clock (default: the clock's reading now). */
  constructor(
    readonly clock: LiveClock,
    start = clock.now(),
  ) {
    this.pollTime = start;
  }

  now(): number {
    return this.clock.stepped ? this.pollTime : this.clock.now();
  }

  /** The poll loop moves time forward; never backwards. */
  set(t: number): void {
    if (t > this.pollTime) this.pollTime = t;
  }
}
