import { EventEmitter } from 'node:events';
import type { VenueOrder } from '../../src/ports/venue.js';
import { alpacaOrder } from './fake-alpaca-wire.js';
import type { FakeAlpacaOptions } from './fake-alpaca-options.js';

/**
 * The fake Alpaca's (fake-alpaca.ts) own order states, beside the BarVenue's book: orders done for the day,
 * being replaced or replaced, cancels held; and each order as Alpaca shows it with them.
 */
export class FakeAlpacaState extends EventEmitter {
  protected readonly dayDone = new Set<string>();
  /** Orders being replaced (Alpaca's `pending_replace`), and replaced ones with the order that took their place. */
  protected readonly replacing = new Set<string>();
  protected readonly replacedBy = new Map<string, { by: string; announce: boolean }>();
  protected readonly held: string[] = [];

  constructor(readonly o: FakeAlpacaOptions) {
    super();
  }

  /** The order as Alpaca shows it: `done_for_day` while an order rests past its day; a replace's states. */
  protected alpacaOrder(o: VenueOrder): Record<string, unknown> {
    const a = alpacaOrder(o);
    const replaced = this.replacedBy.get(o.id);
    if (replaced) return { ...a, status: 'replaced', replaced_by: replaced.by };
    if (this.replacing.has(o.id)) return { ...a, status: 'pending_replace' };
    return this.dayDone.has(o.id) && o.status === 'open' ? { ...a, status: 'done_for_day' } : a;
  }
}
