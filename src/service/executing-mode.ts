import type { Coordinator } from '../coordinator/coordinator.js';
import type { Outcome } from '../coordinator/saga.js';
import type { EntryRequest } from '../core/types.js';
import type { LiveStore } from '../live/store.js';
import { settleLostEvents } from '../live/recovery.js';
import { TrackedBroker } from '../live/tracked-broker.js';
import type { LiveBroker } from '../ports/venue.js';
import { appliedDetail } from './event-details.js';
import type { OrderEventBody } from './reports.js';
import { ServiceConflict } from './views.js';

/**
 * Executing mode's part of the service (service.ts; advisory mode's is advisory-parts.ts): the service carries
 * steals out against the broker itself, every order tracked in the store, and reconciles the ledger with the
 * venue before the next decision once an order event (a fill, a cancel, ...) may have changed it.
 */
export class ExecutingMode {
  readonly tracked: TrackedBroker;
  /** The ledger may be behind the venue: true until the first decision reconciles. */
  private stale = true;
  private readonly stopListening: () => void;

  constructor(
    private readonly venue: LiveBroker,
    private readonly store: LiveStore,
    now: () => number,
  ) {
    this.tracked = new TrackedBroker(venue, store, now);
    this.stopListening = venue.onOrderEvent((e) => {
      if (e.kind === 'new' || e.kind === 'pending_cancel') return;
      this.stale = true;
      // The order's row follows the venue (a fill, an expiry), as in `run`.
      this.tracked.recordEvent(e);
    });
  }

  /**
   * Decide the request and carry it out, after a reconcile if the ledger may be behind the venue. The
   * reconcile also settles the rows of orders whose last event was lost (a stream gap).
   */
  async submit(coordinator: Coordinator, request: EntryRequest): Promise<Outcome> {
    if (this.stale) {
      this.stale = false;
      await coordinator.reconcile(this.tracked);
      const openIds = new Set(coordinator.ledger.orders.map((o) => o.id));
      await settleLostEvents(this.store, this.venue, openIds, (e) => this.tracked.recordEvent(e));
    }
    return coordinator.submit(request, this.tracked);
  }

  /** A bot's order event: only quotes are taken, the venue tells orders, fills and the account itself. */
  event(coordinator: Coordinator, body: OrderEventBody): { applied: boolean; detail: string } {
    if (body.kind !== 'quote')
      throw new ServiceConflict(
        `the service executes against ${this.venue.name} and reads orders, fills and the account from it; send only quotes (kind "quote")`,
      );
    coordinator.ledger.markQuote(body.symbol, body.bid, body.ask);
    return { applied: true, detail: appliedDetail(body, null) };
  }

  /** The venue changed behind the ledger's back (a crash recovery finished sagas): reconcile before deciding. */
  markStale(): void {
    this.stale = true;
  }

  close(): void {
    this.stopListening();
  }
}
