import { wallSleep } from '../../ports/clock.js';
import { isOpenStatus, type VenueOrder } from '../../ports/venue.js';
import { AlpacaError, type AlpacaRest } from './rest.js';
import type { AlpacaOrder } from './stream.js';
import { replacedDuringCancel, toVenueOrder } from './wire.js';

/**
 * What settles a pending cancel: the order's final state, the venue's refusal of the cancel, or the order
 * replaced by another while the cancel was out (`replaced`: why; `heard`: the stream said it, and with it
 * asked for a reconcile, or only a REST check showed it).
 */
export type Settled =
  { order: VenueOrder } | { refused: string } | { replaced: string; heard: 'stream' | 'rest' };

/** What an order as Alpaca shows it settles for a cancel waiting on it; null while it still works. */
export function settledBy(a: AlpacaOrder, heard: 'stream' | 'rest'): Settled | null {
  const replaced = replacedDuringCancel(a);
  if (replaced !== null) return { replaced, heard };
  const order = toVenueOrder(a);
  return isOpenStatus(order.status) ? null : { order };
}

/**
 * Pending cancels: each waits for the stream's word (an end of the order, or order_cancel_rejected) or a
 * REST check that shows the order closed, whichever comes first, until its deadline.
 */
export class CancelWatch {
  private readonly waiters = new Map<string, Set<(s: Settled) => void>>();

  constructor(
    private readonly rest: AlpacaRest,
    private readonly pollMs: number,
  ) {}

  settle(orderId: string, result: Settled): void {
    const set = this.waiters.get(orderId);
    if (!set) return;
    this.waiters.delete(orderId);
    for (const resolve of set) resolve(result);
  }

  /** Register before the DELETE is sent, so an event that arrives before its answer is not missed. */
  waitFor(orderId: string): { promise: Promise<Settled>; cancel: () => void } {
    let resolve!: (s: Settled) => void;
    const promise = new Promise<Settled>((r) => (resolve = r));
    let set = this.waiters.get(orderId);
    if (!set) this.waiters.set(orderId, (set = new Set()));
    set.add(resolve);
    return {
      promise,
      cancel: () => {
        set.delete(resolve);
        if (!set.size && this.waiters.get(orderId) === set) this.waiters.delete(orderId);
      },
    };
  }

  /** The stream's word, or a REST check every cancelPollMs, whichever comes first; null at the deadline. */
  async untilSettled(
    orderId: string,
    settled: Promise<Settled>,
    deadline: AbortSignal,
  ): Promise<Settled | null> {
    const poll = this.pollMs;
    const heard: { result: Settled | null } = { result: null };
    void settled.then((r) => (heard.result = r));
    for (;;) {
      const current = await this.fetchOrder(orderId, deadline);
      if (heard.result) return heard.result;
      const closed = current && settledBy(current, 'rest');
      if (closed) return closed;
      if (deadline.aborted) return null;
      const wake = new AbortController();
      const stop = (): void => wake.abort();
      deadline.addEventListener('abort', stop, { once: true });
      await Promise.race([settled.then(stop), wallSleep(poll, wake.signal)]);
      deadline.removeEventListener('abort', stop);
      stop();
      if (heard.result) return heard.result;
      if (deadline.aborted) return null;
    }
  }

  /** The order now; null when the venue does not know it or did not answer (the next check may). */
  private async fetchOrder(orderId: string, signal: AbortSignal): Promise<AlpacaOrder | null> {
    try {
      const { data } = await this.rest.request<AlpacaOrder>(
        'GET',
        `/v2/orders/${encodeURIComponent(orderId)}`,
        { signal },
      );
      return data;
    } catch (error) {
      if (error instanceof AlpacaError && (error.status === 404 || error.mayHaveReached)) return null;
      throw error;
    }
  }
}
