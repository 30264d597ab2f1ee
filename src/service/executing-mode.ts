import type { Coordinator } from '../coordinator/coordinator.js';
import type { Outcome } from '../coordinator/saga.js';
import type { AssetClass, EntryRequest } from '../core/types.js';
import type { LiveStore } from '../live/store.js';
import { settleLostEvents } from '../live/recovery.js';
import { TrackedBroker } from '../live/tracked-broker.js';
import type { Logger } from '../ports/log.js';
import type { LiveBroker } from '../ports/venue.js';
import { appliedDetail } from './event-details.js';
import { BadRequest } from './bad-request.js';
import type { OrderEventBody } from './reports.js';
import { QuoteTimes } from '../live/quote-times.js';
import { quoteEventTime } from './quote-times.js';
import { SymbolSpellings } from './symbol-spelling.js';
import { ServiceConflict } from './views.js';

/** When the ledger last took the broker's state, as GET /v1/status shows it (`brokerView`). */
export interface BrokerView {
  /** When the ledger last took the broker's account, orders and positions; null before the first read. */
  readAt: string | null;
  /** Order events (fills, cancels, expiries, a stream resync) the broker sent since: they are not in it yet. */
  eventsSince: number;
}

/**
 * Executing mode's part of the service (service.ts; advisory mode's is advisory-parts.ts): the service carries
 * steals out against the broker itself, every order tracked in the store. The ledger takes the broker's state
 * at start, before the service says it is ready (`start`), and again after every order event (a fill, a
 * cancel, ...): at once when no request is being carried out, else once the requests in flight end, and always
 * before the next decision. A request also reads it first when the last read is older than `maxViewAgeMs`:
 * events are the only other trigger, and a stream that went quiet or gave up reconnecting sends none, while
 * fills and price moves go on at the venue. Between two reads the status says how old its view is (`view`).
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
  /** Each symbol's last quote since this process started, and when it was made. */
  readonly quotes = new QuoteTimes();
  /** The ledger may be behind the venue: true until `start` reads it, and after each order event. */
  private stale = true;
  private readonly stopListening: () => void;
  /** Set by `start`: order events read the broker again at once when no request is in flight. */
  private started = false;
  /** Requests being decided or carried out: a read of the broker between two waits for them. */
  private inFlight = 0;
  /** A read of the broker under way: a request waits for it (and decides on what it read). */
  private reading: Promise<void> | null = null;
  /** The reads after order events while no request is in flight, while they run. */
  private idle: Promise<void> | null = null;
  private readAt: number | null = null;
  private events = 0;
  private eventsAtRead = 0;

  /**
   * @param configured config `symbols`: each configured market's spelling and asset class.
   * @param coordinator the service's coordinator, whose ledger follows the venue.
   */
  constructor(
    private readonly venue: LiveBroker,
    private readonly store: LiveStore,
    private readonly now: () => number,
    configured: Readonly<Record<string, { assetClass: AssetClass }>>,
    private readonly coordinator: () => Coordinator,
    private readonly log: Logger,
    private readonly maxViewAgeMs: number,
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
      if (e.kind === 'pending_cancel') return;
      // Its own placements are in the ledger by their sagas; an order placed elsewhere (by hand at the venue,
      // another program) holds margin the ledger does not know of: it was left out until another event.
      if (e.kind === 'new' && store.orderByClientId(e.order.clientOrderId) !== null) return;
      this.stale = true;
      this.events++;
      // The order's row follows the venue (a fill, an expiry), as in `run`.
      this.tracked.recordEvent(e);
      if (this.started && this.inFlight === 0) void this.refreshWhileIdle();
    });
  }

  /**
   * The first read of the broker, at the end of the start's recovery: the ledger takes its equity, orders and
   * positions before the service says it is ready. Before, it held equity 0 (capacity 0 in the status and
   * /metrics) until the first request read the broker. A broker that cannot be read fails the start.
   */
  async start(): Promise<void> {
    try {
      await this.read();
    } catch (error) {
      throw new Error(
        `reading ${this.venue.name}'s account, open orders and positions failed: ${(error as Error).message}`,
      );
    }
    this.started = true;
    if (this.stale) void this.refreshWhileIdle(); // an event came during the read
  }

  /** How old the ledger's view of the broker is (GET /v1/status `brokerView`). */
  view(): BrokerView {
    return {
      readAt: this.readAt === null ? null : new Date(this.readAt).toISOString(),
      eventsSince: this.events - this.eventsAtRead,
    };
  }

  /**
   * Decide the request and carry it out, after a reconcile if the ledger may be behind the venue. The
   * reconcile also settles the rows of orders whose last event was lost (a stream gap). A request under
   * another spelling of a market than the venue's or the one known is refused (400) before anything.
   */
  async submit(request: EntryRequest): Promise<Outcome> {
    this.inFlight++;
    try {
      // Two requests that find the ledger behind share one read; neither decides before it ends.
      if (this.reading) await this.reading.catch(() => undefined);
      if (this.stale || this.viewTooOld()) await this.read();
      this.takeSymbol(request.symbol, request.assetClass, 'symbol');
      return await this.coordinator().submit(request, this.tracked);
    } finally {
      this.inFlight--;
      // Events that came while requests were carried out: the ledger reads the broker once they all end.
      if (this.inFlight === 0 && this.stale && this.started) void this.refreshWhileIdle();
    }
  }

  /** The last read began `maxViewAgeMs` or more ago (or none has ended yet). */
  private viewTooOld(): boolean {
    return this.readAt === null || this.now() - this.readAt >= this.maxViewAgeMs;
  }

  /** A bot's order event: only quotes are taken, the venue tells orders, fills and the account itself. */
  event(body: OrderEventBody): { applied: boolean; detail: string } {
    if (body.kind !== 'quote')
      throw new ServiceConflict(
        `the service executes against ${this.venue.name} and reads orders, fills and the account from it; send only quotes (kind "quote")`,
      );
    this.refuseOther(body.symbol, null, 'symbol');
    const time = quoteEventTime(body, this.now());
    const older = this.quotes.refusal(body.symbol, time);
    if (older !== null) return { applied: false, detail: older };
    this.coordinator().ledger.markQuote(body.symbol, body.bid, body.ask);
    this.quotes.take(body.symbol, body.bid, body.ask, time);
    return { applied: true, detail: appliedDetail(body, null) };
  }

  /** Stop listening to the venue; settles once a read of the broker under way has ended. */
  async close(): Promise<void> {
    this.started = false;
    this.stopListening();
    await this.idle;
    await this.reading?.catch(() => undefined);
  }

  /**
   * Read the broker until no event came during the read, while no request is in flight (a request reads it
   * itself). A read that fails is logged; the next request reads it again before deciding.
   */
  private refreshWhileIdle(): Promise<void> {
    this.idle ??= this.idleReads().finally(() => (this.idle = null));
    return this.idle;
  }

  private async idleReads(): Promise<void> {
    try {
      // A few rounds at most: events that keep coming stay counted in the status (`eventsSince`), and the
      // next event or request reads again.
      for (let round = 0; round < 5 && this.stale && this.inFlight === 0 && this.started; round++)
        await this.read();
    } catch (error) {
      this.log.warn('broker-read-failed', {
        broker: this.venue.name,
        message: (error as Error).message,
        detail: `the status shows ${this.venue.name} as read at ${this.view().readAt}; the next request reads it again before deciding`,
      });
    }
  }

  /** One read of the broker at a time: a second caller shares the one under way. */
  private read(): Promise<void> {
    this.reading ??= this.refresh().finally(() => (this.reading = null));
    return this.reading;
  }

  /** The ledger takes the broker's state; the rows of orders whose last event was lost are settled. */
  private async refresh(): Promise<void> {
    const at = this.now();
    const events = this.events;
    this.stale = false;
    const coordinator = this.coordinator();
    try {
      await coordinator.reconcile(this.tracked);
      const openIds = new Set(coordinator.ledger.orders.map((o) => o.id));
      await settleLostEvents(this.store, this.venue, openIds, (e) => this.tracked.recordEvent(e), at);
    } catch (error) {
      this.stale = true; // a failed read leaves the ledger behind: the next request reads again
      throw error;
    }
    this.readAt = at;
    this.eventsAtRead = events;
    for (const o of coordinator.ledger.orders) this.spellings.note(o.symbol, 'venue');
    for (const p of coordinator.ledger.positions) this.spellings.note(p.symbol, 'venue');
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
