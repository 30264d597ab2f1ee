import type { CancelResult, PlaceLimitRequest, PlaceResult } from '../coordinator/broker.js';
import type { OpenOrder } from '../core/types.js';
import type {
  BarWindow,
  BrokerAccount,
  LiveBroker,
  LivePosition,
  MarketOrderRequest,
  MarketData,
  OrderEvent,
  Quote,
  VenueOrder,
} from '../ports/venue.js';
import type { BarVenue } from './venue.js';
import { cancelResultOf, openOrderOf } from '../ports/venue.js';

/**
 * The replay broker: the Broker port over a BarVenue, in process. Cancels are confirmed at once (nothing can
 * fill between two bars' closes), so a replay exercises the whole live path without a network.
 */
export class ReplayBroker implements LiveBroker {
  readonly name = 'replay';

  constructor(private readonly venue: BarVenue) {}

  async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
    const placed = this.venue.place(request);
    return placed.ok ? { ok: true, orderId: placed.order.id } : placed;
  }

  /** A sell (or buy) at the last price now, through the venue's fill path (see `BarVenue.placeMarket`). */
  async placeMarket(request: MarketOrderRequest): Promise<PlaceResult> {
    const placed = this.venue.placeMarket(request);
    return placed.ok ? { ok: true, orderId: placed.order.id } : placed;
  }

  async cancel(orderId: string): Promise<CancelResult> {
    const before = this.venue.order(orderId);
    if (!before) return { status: 'rejected', reason: `order ${orderId} is not known to the replay venue` };
    const after = this.venue.completeCancel(orderId)!;
    return cancelResultOf(after);
  }

  async openOrders(): Promise<OpenOrder[]> {
    return this.venue.openOrders().map((o) => {
      const quote = this.venue.quote(o.symbol);
      return openOrderOf(o, quote ? (o.side === 'buy' ? quote.ask : quote.bid) : null, false);
    });
  }

  async positions(): Promise<LivePosition[]> {
    return this.venue.positions().map((p) => ({ ...p, unrealizedPnl: this.venue.unrealizedPnl(p.symbol) }));
  }

  async account(): Promise<BrokerAccount> {
    return this.venue.account();
  }

  async orderByClientId(clientOrderId: string): Promise<VenueOrder | null> {
    return this.venue.orderByClientId(clientOrderId);
  }

  onOrderEvent(listener: (event: OrderEvent) => void): () => void {
    return this.venue.onEvent(listener);
  }

  async close(): Promise<void> {}
}

/** Bars and quotes of the replay, as the venue knows them now. */
export class ReplayMarketData implements MarketData {
  constructor(private readonly venue: BarVenue) {}

  async bars(symbol: string, count: number): Promise<BarWindow | null> {
    return this.venue.bars(symbol, count);
  }

  async quotes(symbols: readonly string[]): Promise<Map<string, Quote>> {
    const out = new Map<string, Quote>();
    for (const s of symbols) {
      const q = this.venue.quote(s);
      if (q) out.set(s, q);
    }
    return out;
  }
}
