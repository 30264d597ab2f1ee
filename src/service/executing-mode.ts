import type { Coordinator } from '../coordinator/coordinator.js';
import type { Outcome } from '../coordinator/saga.js';
import type { AssetClass, EntryRequest } from '../core/types.js';
import type { LiveStore } from '../live/store.js';
import { settleLostEvents } from '../live/recovery.js';
import { TrackedBroker } from '../live/tracked-broker.js';
import type { LiveBroker } from '../ports/venue.js';
import { appliedDetail } from './event-details.js';
import { BadRequest, type OrderEventBody } from './reports.js';
import { SymbolSpellings } from './symbol-spelling.js';
import { ServiceConflict } from './views.js';

/**
 * Executing mode's part of the service (service.ts; advisory mode's is advisory-parts.ts): the service carries
 * steals out against the broker itself, every order tracked in the store, and reconciles the ledger with the
 * venue before the next decision once an order event (a fill, a cancel, ...) may have changed it.
 */
export class ExecutingMode {
  readonly tracked: TrackedBroker;
  /**
   * One spelling per market, as in advisory mode (symbol-spelling.ts): the configured ones, the venue's (its
   * orders and positions, noted at each reconcile), then the first a request names. A request under another
   * spelling did not see the orders the venue holds under its own: `ETHUSD` stole from the `ETH/USD` order it
   * should have replaced.
   */
  readonly spellings: SymbolSpellings;
  /** The ledger may be behind the venue: true until the first decision reconciles. */
  private stale = true;
  private readonly stopListening: () => void;

  /** @param configured config `symbols`: each configured market's spelling and asset class. */
  constructor(
    private readonly venue: LiveBroker,
    private readonly store: LiveStore,
    now: () => number,
    configured: Readonly<Record<string, { assetClass: AssetClass }>>,
  ) {
    for (const [symbol, { assetClass }] of Object.entries(configured)) {
      const own = venue.symbolOf?.(symbol, assetClass) ?? symbol;
      if (own !== symbol)
        throw new Error(
          `config symbols: "${symbol}" is spelled "${own}" by ${venue.name}, which names its orders and ` +
            `positions so; requests under "${symbol}" would not see them. Rename the key to "${own}"`,
        );
    }
    this.spellings = new SymbolSpellings(Object.keys(configured));
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
   * reconcile also settles the rows of orders whose last event was lost (a stream gap). A request under
   * another spelling of a market than the venue's or the one known is refused (400) before anything.
   */
  async submit(coordinator: Coordinator, request: EntryRequest): Promise<Outcome> {
    if (this.stale) {
      this.stale = false;
      await coordinator.reconcile(this.tracked);
      const openIds = new Set(coordinator.ledger.orders.map((o) => o.id));
      await settleLostEvents(this.store, this.venue, openIds, (e) => this.tracked.recordEvent(e));
      for (const o of coordinator.ledger.orders) this.spellings.note(o.symbol, 'venue');
      for (const p of coordinator.ledger.positions) this.spellings.note(p.symbol, 'venue');
    }
    this.takeSymbol(request.symbol, request.assetClass, 'symbol');
    return coordinator.submit(request, this.tracked);
  }

  /** A bot's order event: only quotes are taken, the venue tells orders, fills and the account itself. */
  event(coordinator: Coordinator, body: OrderEventBody): { applied: boolean; detail: string } {
    if (body.kind !== 'quote')
      throw new ServiceConflict(
        `the service executes against ${this.venue.name} and reads orders, fills and the account from it; send only quotes (kind "quote")`,
      );
    this.refuseOther(body.symbol, null, 'symbol');
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

  private takeSymbol(symbol: string, assetClass: AssetClass, field: string): void {
    this.refuseOther(symbol, assetClass, field);
    this.spellings.note(symbol);
  }

  /** 400 for a spelling the venue would change (when the asset class is known) or another of a known market. */
  private refuseOther(symbol: string, assetClass: AssetClass | null, field: string): void {
    const own = assetClass === null ? symbol : (this.venue.symbolOf?.(symbol, assetClass) ?? symbol);
    if (own !== symbol)
      throw new BadRequest(
        [
          {
            field,
            value: symbol,
            message:
              `${this.venue.name} names this market "${own}" (its orders and positions come back so); one ` +
              `market under two spellings would be two books: send "${own}"`,
          },
        ],
        `symbol ${symbol}, nothing changed`,
      );
    this.spellings.refuseOther(symbol, field);
  }
}
