import type { RuntimeOptions } from './runtime-options.js';
import { nextPollTime } from './runtime-schedule.js';

/**
 * The runtime's poll loop (runtime.ts): one poll at a time, strictly in sequence, at the times
 * runtime-schedule.ts gives, until stopped or, in a replay, until the end of the data. A stop wakes the
 * loop from its sleep and waits for the poll in flight.
 */
export class PollLoop {
  private readonly abort = new AbortController();
  private readonly hasStocks: boolean;
  private stopping = false;
  private inFlight: Promise<void> | null = null;

  /** `poll` settles when the poll is over, failed or not (a failure it cannot handle ends the loop). */
  constructor(
    private readonly o: RuntimeOptions,
    private readonly poll: () => Promise<void>,
  ) {
    this.hasStocks = o.symbols.some((s) => s.assetClass === 'stock');
  }

  get stopped(): boolean {
    return this.stopping;
  }

  /** Poll until stopped or, in a replay, until the end of the data. */
  async run(): Promise<'end' | 'stopped'> {
    const o = this.o;
    const clock = o.time.clock;
    let t = o.start;
    clock.startAt?.(t);
    while (!this.stopping) {
      await clock.sleepUntil(t, this.abort.signal);
      if (this.stopping) break;
      o.time.set(t);
      this.inFlight = this.poll();
      await this.inFlight;
      this.inFlight = null;
      if (o.end !== undefined && t >= o.end) return 'end';
      t = nextPollTime(t, o, this.hasStocks);
      if (o.end !== undefined && t > o.end) t = o.end;
      // Wall-clock trading does not replay polls it slept through; a replay never skips one.
      if (!clock.stepped && t < clock.now()) t = clock.now();
    }
    return 'stopped';
  }

  /**
   * Poll no more, and let the poll in flight finish (up to stopWaitMs; a steal interrupted here is finished by
   * the next start's recovery).
   */
  async stop(): Promise<void> {
    const o = this.o;
    this.stopping = true;
    this.abort.abort();
    if (!this.inFlight) return;
    const waited = await Promise.race([
      this.inFlight.then(
        () => true,
        () => true,
      ),
      new Promise<false>((r) => setTimeout(() => r(false), o.stopWaitMs ?? 15_000).unref()),
    ]);
    if (!waited)
      o.log.warn('stop-without-poll', {
        detail: 'the poll in flight did not finish; recovery completes it at the next start',
      });
  }
}
