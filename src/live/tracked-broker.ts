import type { Broker, CancelResult, PlaceLimitRequest, PlaceResult } from '../coordinator/broker.js';
import { orderTerms, type OpenOrder, type Position } from '../core/types.js';
import type {
  BrokerAccount,
  LiveBroker,
  LivePosition,
  MarketOrderRequest,
  OrderEvent,
  OrderEventKind,
  VenueOrder,
} from '../ports/venue.js';
import { roleOfClientId } from '../ports/order-ids.js';
import type { LiveStore } from './store.js';

/**
 * The venue's word on the order placed under a client order id (a look-up after a crash or a lost answer)
 * into its row: its id, status and cumulative fill, all of them, so no row says `filled` with nothing filled
 * (the exit watcher arms a position's take-profit from its entry row's fill: LiveStore.lastEntryFill).
 */
export function settleOrderRow(
  store: LiveStore,
  clientOrderId: string,
  venue: Pick<VenueOrder, 'id' | 'status' | 'filledQty' | 'fillPrice'>,
  at: number,
): void {
  store.setOrderId(clientOrderId, venue.id, venue.status, at);
  store.updateOrderStatus(venue.id, venue.status, venue.filledQty, venue.fillPrice, at);
}

/** What only we know about an entry order: why it was placed and where its exit belongs. */
export interface EntryMeta {
  takeProfit: number | null;
  forecastPnl: number;
  signalKey: string | null;
}

/** The status an order event leaves its order's row in. */
export const rowStatusOf = (kind: OrderEventKind): string =>
  kind === 'fill' ? 'filled' : kind === 'partial_fill' ? 'partially_filled' : kind;

/**
 * The broker as the runtime uses it: every order is written to the store *before* it is sent (so after a
 * crash we know what may have reached the venue) and its outcome after; orders read back from the venue get
 * what only the store knows (forecast PnL, our placement time, the role).
 */
export class TrackedBroker implements Broker {
  /** Metadata of the entry about to be placed for a symbol; set by the watcher before it asks the coordinator. */
  readonly pending = new Map<string, EntryMeta>();
  /**
   * The open orders the venue held at the last `openOrders` under one of our client order ids (`ws-…`) that
   * this store has no row of: another run's on the same account (each run has its own store), or a lost
   * store's. They are handed on as external: they hold margin, and this run never cancels, replaces or steals
   * them (docs/live.md, "How the parts fit": two runs on one account).
   */
  foreign: readonly OpenOrder[] = [];

  constructor(
    readonly inner: LiveBroker,
    private readonly store: LiveStore,
    private readonly now: () => number,
  ) {}

  async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
    this.recordSending(request);
    return this.recordResult(request.clientOrderId, await this.sent(request, this.inner.placeLimit(request)));
  }

  /** An order that trades now (end-of-day trims); recorded like any other, its limit the reference price. */
  async placeMarket(request: MarketOrderRequest): Promise<PlaceResult> {
    this.recordSending({ ...request, limitPrice: request.price });
    const placed = await this.sent(request, this.inner.placeMarket(request));
    const result = this.recordResult(request.clientOrderId, placed);
    // It may have filled before its id was known here (the replay fills at once): store its state now.
    const venue = result.ok ? await this.inner.orderByClientId(request.clientOrderId) : null;
    if (venue && venue.status !== 'open')
      this.store.updateOrderStatus(venue.id, venue.status, venue.filledQty, venue.fillPrice, this.now());
    return result;
  }

  /**
   * A placement's answer. One that was lost (the call failed) may have reached the venue: its row, left
   * `sending` with no order id, would miss the order's fills and status for the rest of the run, so the venue
   * is asked (by client order id) and the row settled, then the failure goes on to the caller.
   */
  private async sent(request: { clientOrderId: string }, answer: Promise<PlaceResult>): Promise<PlaceResult> {
    try {
      return await answer;
    } catch (error) {
      // Unanswered too: the row stays `sending` and the next start settles it (settleOrderRows).
      await this.orderByClientId(request.clientOrderId).catch(() => null);
      throw error;
    }
  }

  private recordSending(request: PlaceLimitRequest): void {
    const meta = request.role === 'entry' ? this.pending.get(request.symbol) : undefined;
    const at = this.now();
    this.store.recordOrder(
      {
        clientOrderId: request.clientOrderId,
        orderId: null,
        ...orderTerms(request),
        takeProfit: meta?.takeProfit ?? null,
        forecastPnl: meta?.forecastPnl ?? 0,
        signalKey: meta?.signalKey ?? null,
        placedAt: at,
        status: 'sending',
      },
      at,
    );
  }

  private recordResult(clientOrderId: string, result: PlaceResult): PlaceResult {
    if (result.ok) this.store.setOrderId(clientOrderId, result.orderId, 'open', this.now());
    else this.store.setOrderId(clientOrderId, null, 'rejected', this.now());
    return result;
  }

  /**
   * The venue's order by client order id (the coordinator asks after a place whose answer was lost). What it
   * finds settles the order's row, which was left `sending`: its order id once it reached the venue,
   * `rejected` when it never did.
   */
  async orderByClientId(clientOrderId: string): Promise<VenueOrder | null> {
    const venue = await this.inner.orderByClientId(clientOrderId);
    const at = this.now();
    if (!venue) this.store.setOrderId(clientOrderId, null, 'rejected', at);
    // With its fill: a part that filled before this look-up was reported while the row had no order id.
    else settleOrderRow(this.store, clientOrderId, venue, at);
    return venue;
  }

  /** A venue's order event into its order's row (a fill, a cancel, an expiry): the row follows the venue. */
  recordEvent(e: OrderEvent): void {
    if (e.kind === 'new' || e.kind === 'pending_cancel' || e.kind === 'resync') return;
    const status = rowStatusOf(e.kind);
    this.store.updateOrderStatus(e.order.id, status, e.order.filledQty, e.order.fillPrice, this.now());
  }

  async cancel(orderId: string): Promise<CancelResult> {
    const result = await this.inner.cancel(orderId);
    if (result.status !== 'rejected') {
      this.store.updateOrderStatus(
        orderId,
        result.status === 'filled' ? 'filled' : 'canceled',
        result.filledQty,
        result.fillPrice ?? null,
        this.now(),
      );
    }
    return result;
  }

  async openOrders(): Promise<OpenOrder[]> {
    const orders = await this.inner.openOrders();
    const foreign: OpenOrder[] = [];
    const mapped = orders.map((o) => {
      const row = this.store.orderByOrderId(o.id);
      if (row)
        return {
          ...o,
          role: row.role,
          forecastPnl: row.forecastPnl,
          placedAt: row.placedAt,
          external: false,
        };
      if (!this.isForeign(o)) return o;
      const held = { ...o, external: true };
      foreign.push(held);
      return held;
    });
    this.foreign = foreign;
    return mapped;
  }

  /**
   * Ours by its client order id, but not placed through this store. A row found by client order id alone is
   * ours: a placement whose answer was lost, its row not settled with the order's id yet.
   */
  private isForeign(o: OpenOrder): boolean {
    const id = o.clientOrderId;
    if (o.external || id === undefined || roleOfClientId(id) === null) return false;
    return this.store.orderByClientId(id) === null;
  }

  /** Unrealised PnL per symbol from the venue's last positions report (for the status page). */
  readonly unrealized = new Map<string, number>();

  async positions(): Promise<Position[]> {
    const positions: LivePosition[] = await this.inner.positions();
    this.unrealized.clear();
    for (const p of positions)
      if (p.unrealizedPnl !== undefined) this.unrealized.set(p.symbol, p.unrealizedPnl);
    return positions;
  }

  account(): Promise<BrokerAccount> {
    return this.inner.account();
  }
}
