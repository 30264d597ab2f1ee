import type { CancelResult, PlaceLimitRequest, PlaceResult } from '../../coordinator/broker.js';
import type { AssetClass, OpenOrder } from '../../core/types.js';
import { wallSleep } from '../../live/clock.js';
import type { Logger } from '../../live/log.js';
import { roleOfClientId } from '../../live/order-ids.js';
import {
  isOpenStatus,
  type BrokerAccount,
  type LiveBroker,
  type LivePosition,
  type MarketOrderRequest,
  type OrderEvent,
  type OrderEventKind,
  type VenueOrder,
  type VenueOrderStatus,
} from '../../live/ports.js';
import { cancelResultOf } from '../../live/replay-broker.js';
import { AlpacaError, type AlpacaRest } from './rest.js';
import type { AlpacaOrder, AlpacaStream, TradeUpdate } from './stream.js';
import { canonicalSymbol } from './symbols.js';

export interface AlpacaBrokerOptions {
  rest: AlpacaRest;
  stream: AlpacaStream;
  log: Logger;
  /** How long a cancel waits for the venue's confirmation before reporting it unconfirmed. */
  cancelTimeoutMs?: number;
  /** How often a pending cancel is also checked over REST, in case a stream message was missed. */
  cancelPollMs?: number;
}

interface AlpacaAccount {
  equity: string;
  cash: string;
  pattern_day_trader: boolean;
  buying_power: string;
  regt_buying_power: string;
  daytrading_buying_power: string;
  non_marginable_buying_power: string;
  trading_blocked?: boolean;
  account_blocked?: boolean;
}

interface AlpacaPosition {
  symbol: string;
  asset_class: string;
  qty: string;
  side?: string;
  current_price: string;
  unrealized_pl?: string;
}

/**
 * How far through the last price a trim's limit goes (1%): far enough to trade at once against the book,
 * bounded so a thin after-hours book cannot fill it at any price.
 */
export const MARKETABLE_BAND = 0.01;

/**
 * The Broker port over Alpaca: orders, account and positions over REST, order events over trade_updates.
 * `cancel` resolves only when the stream (or a REST check) shows the order `canceled` or `filled`: between
 * the two Alpaca holds it in `pending_cancel`, and a fill can still win the race.
 */
export class AlpacaBroker implements LiveBroker {
  readonly name = 'alpaca';
  private readonly listeners = new Set<(e: OrderEvent) => void>();
  private readonly waiters = new Map<string, Set<(o: VenueOrder) => void>>();

  constructor(private readonly o: AlpacaBrokerOptions) {
    o.stream.onUpdate((u) => this.onUpdate(u));
    // Updates may have been lost while disconnected: tell the runtime to reconcile before deciding.
    o.stream.onReconnect(() => {
      for (const l of this.listeners) l({ kind: 'resync' });
    });
  }

  async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
    return this.post(request.clientOrderId, {
      symbol: canonicalSymbol(request.symbol, request.assetClass),
      qty: String(request.qty),
      side: request.side,
      type: 'limit',
      time_in_force: 'gtc',
      limit_price: String(request.limitPrice),
      client_order_id: request.clientOrderId,
    });
  }

  /**
   * An order that must trade now (end-of-day trims). Not a `market` order: at or after 16:00 Alpaca queues
   * a stock market order until the next open, which is too late for the overnight requirement. Instead a
   * marketable limit — the last price moved `MARKETABLE_BAND` through (cents for stocks), `day`, with
   * `extended_hours` for stocks so it also trades in the after-hours session.
   */
  async placeMarket(request: MarketOrderRequest): Promise<PlaceResult> {
    const band = request.side === 'sell' ? 1 - MARKETABLE_BAND : 1 + MARKETABLE_BAND;
    const raw = request.price * band;
    const limit =
      request.assetClass === 'stock'
        ? (request.side === 'sell' ? Math.floor(raw * 100) : Math.ceil(raw * 100)) / 100
        : raw;
    return this.post(request.clientOrderId, {
      symbol: canonicalSymbol(request.symbol, request.assetClass),
      qty: String(request.qty),
      side: request.side,
      type: 'limit',
      time_in_force: request.assetClass === 'stock' ? 'day' : 'gtc',
      limit_price: String(limit),
      ...(request.assetClass === 'stock' ? { extended_hours: true } : {}),
      client_order_id: request.clientOrderId,
    });
  }

  private async post(clientOrderId: string, body: Record<string, unknown>): Promise<PlaceResult> {
    try {
      const { data } = await this.o.rest.request<AlpacaOrder>('POST', '/v2/orders', { body });
      return { ok: true, orderId: data.id };
    } catch (error) {
      if (!(error instanceof AlpacaError) || error.status === 0 || error.status >= 500) throw error;
      // The same client order id twice: the first one reached the venue. That order is the answer.
      if (error.status === 422 && /client_order_id/i.test(error.venueMessage)) {
        const existing = await this.orderByClientId(clientOrderId);
        if (existing) return { ok: true, orderId: existing.id };
      }
      return { ok: false, reason: error.venueMessage };
    }
  }

  async cancel(orderId: string): Promise<CancelResult> {
    const settled = this.waitFor(orderId);
    try {
      await this.o.rest.request('DELETE', `/v2/orders/${encodeURIComponent(orderId)}`);
    } catch (error) {
      if (!(error instanceof AlpacaError)) throw error;
      if (error.status === 404) {
        settled.cancel();
        return { status: 'rejected', reason: `order ${orderId} is unknown to Alpaca` };
      }
      // 422: not cancelable any more (already canceled or filled, or already pending cancel). Its state says.
      if (error.status !== 422) {
        settled.cancel();
        return { status: 'rejected', reason: error.venueMessage };
      }
    }
    const final = await this.untilSettled(orderId, settled);
    if (!final) {
      return {
        status: 'rejected',
        reason: `the cancel of ${orderId} was not confirmed within ${(this.o.cancelTimeoutMs ?? 60_000) / 1000} s; its state is unknown until the next reconcile`,
      };
    }
    return cancelResultOf(final);
  }

  async openOrders(): Promise<OpenOrder[]> {
    const { data } = await this.o.rest.request<AlpacaOrder[]>('GET', '/v2/orders', {
      query: { status: 'open', limit: 500, direction: 'asc' },
    });
    return data.map((a) => {
      const v = toVenueOrder(a);
      return {
        id: v.id,
        symbol: v.symbol,
        assetClass: v.assetClass,
        side: v.side,
        role: v.role,
        limitPrice: v.limitPrice,
        qty: v.qty - v.filledQty,
        price: null,
        forecastPnl: 0,
        placedAt: v.placedAt,
        probe: false,
        external: roleOfClientId(a.client_order_id) === null,
      };
    });
  }

  async positions(): Promise<LivePosition[]> {
    const { data } = await this.o.rest.request<AlpacaPosition[]>('GET', '/v2/positions');
    return data.map((p) => {
      const assetClass = assetClassOf(p.asset_class);
      const qty = Number(p.qty);
      const pnl = p.unrealized_pl === undefined ? Number.NaN : Number(p.unrealized_pl);
      return {
        symbol: canonicalSymbol(p.symbol, assetClass),
        assetClass,
        qty: p.side === 'short' && qty > 0 ? -qty : qty,
        price: Number(p.current_price),
        ...(Number.isFinite(pnl) ? { unrealizedPnl: pnl } : {}),
      };
    });
  }

  /** Read fresh every time: buying power is never a value cached at start-up. */
  async account(): Promise<BrokerAccount> {
    const { data: a } = await this.o.rest.request<AlpacaAccount>('GET', '/v2/account');
    if (a.trading_blocked || a.account_blocked) {
      this.o.log.error('account-blocked', {
        detail: 'Alpaca reports the account blocked for trading; orders will be refused',
      });
    }
    return {
      equity: Number(a.equity),
      patternDayTrader: Boolean(a.pattern_day_trader),
      cash: Number(a.cash),
      buyingPower: {
        nonMarginable: Number(a.non_marginable_buying_power),
        daytrading: Number(a.daytrading_buying_power),
        regt: Number(a.regt_buying_power),
      },
    };
  }

  async orderByClientId(clientOrderId: string): Promise<VenueOrder | null> {
    try {
      const { data } = await this.o.rest.request<AlpacaOrder>('GET', '/v2/orders:by_client_order_id', {
        query: { client_order_id: clientOrderId },
      });
      return toVenueOrder(data);
    } catch (error) {
      if (error instanceof AlpacaError && error.status === 404) return null;
      throw error;
    }
  }

  /** The venue's clock: its time (to align ours) and whether the US session is open. */
  async clock(): Promise<{ timestamp: number; isOpen: boolean }> {
    const { data } = await this.o.rest.request<{ timestamp: string; is_open: boolean }>('GET', '/v2/clock');
    return { timestamp: Date.parse(data.timestamp), isOpen: data.is_open };
  }

  /** Trading days between two New York dates, as the calendar override format (core/calendar) reads them. */
  async calendar(start: string, end: string): Promise<{ day: string; open: string; close: string }[]> {
    const { data } = await this.o.rest.request<{ date: string; open: string; close: string }[]>(
      'GET',
      '/v2/calendar',
      {
        query: { start, end },
      },
    );
    return data.map((d) => ({ day: d.date, open: d.open, close: d.close }));
  }

  onOrderEvent(listener: (event: OrderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.o.stream.close();
  }

  private onUpdate(u: TradeUpdate): void {
    const order = toVenueOrder(u.order);
    const kind = EVENT_KINDS[u.event];
    if (kind) for (const l of this.listeners) l({ kind, order });
    if (!isOpenStatus(order.status)) this.settle(order);
  }

  private settle(order: VenueOrder): void {
    const set = this.waiters.get(order.id);
    if (!set) return;
    this.waiters.delete(order.id);
    for (const resolve of set) resolve(order);
  }

  /** Register before the DELETE is sent, so an event that arrives before its answer is not missed. */
  private waitFor(orderId: string): { promise: Promise<VenueOrder>; cancel: () => void } {
    let resolve!: (o: VenueOrder) => void;
    const promise = new Promise<VenueOrder>((r) => (resolve = r));
    let set = this.waiters.get(orderId);
    if (!set) this.waiters.set(orderId, (set = new Set()));
    set.add(resolve);
    return {
      promise,
      cancel: () => {
        set.delete(resolve);
        if (!set.size) this.waiters.delete(orderId);
      },
    };
  }

  /** The stream's word, or a REST check every cancelPollMs, whichever comes first; null after the timeout. */
  private async untilSettled(
    orderId: string,
    settled: { promise: Promise<VenueOrder>; cancel: () => void },
  ): Promise<VenueOrder | null> {
    const deadline = Date.now() + (this.o.cancelTimeoutMs ?? 60_000);
    const poll = this.o.cancelPollMs ?? 2000;
    const heard: { order: VenueOrder | null } = { order: null };
    void settled.promise.then((o) => (heard.order = o));
    for (;;) {
      const current = await this.fetchOrder(orderId);
      if (heard.order) return heard.order;
      if (current && !isOpenStatus(current.status)) {
        settled.cancel();
        return current;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        settled.cancel();
        return null;
      }
      const stop = new AbortController();
      await Promise.race([
        settled.promise.then(() => stop.abort()),
        wallSleep(Math.min(poll, left), stop.signal),
      ]);
      stop.abort();
      if (heard.order) return heard.order;
    }
  }

  private async fetchOrder(orderId: string): Promise<VenueOrder | null> {
    try {
      const { data } = await this.o.rest.request<AlpacaOrder>(
        'GET',
        `/v2/orders/${encodeURIComponent(orderId)}`,
      );
      return toVenueOrder(data);
    } catch (error) {
      if (error instanceof AlpacaError && error.status === 404) return null;
      throw error;
    }
  }
}

const EVENT_KINDS: Record<string, OrderEventKind> = {
  new: 'new',
  fill: 'fill',
  partial_fill: 'partial_fill',
  pending_cancel: 'pending_cancel',
  canceled: 'canceled',
  rejected: 'rejected',
  expired: 'expired',
  done_for_day: 'expired',
};

const STATUS: Record<string, VenueOrderStatus> = {
  pending_cancel: 'pending_cancel',
  filled: 'filled',
  canceled: 'canceled',
  expired: 'expired',
  done_for_day: 'expired',
  replaced: 'canceled',
  rejected: 'rejected',
  suspended: 'rejected',
};

const assetClassOf = (c: string | undefined): AssetClass => (c === 'crypto' ? 'crypto' : 'stock');

export function toVenueOrder(a: AlpacaOrder): VenueOrder {
  const assetClass = assetClassOf(a.asset_class);
  return {
    id: a.id,
    clientOrderId: a.client_order_id,
    symbol: canonicalSymbol(a.symbol, assetClass),
    assetClass,
    side: a.side,
    role: roleOfClientId(a.client_order_id) ?? 'entry',
    limitPrice: Number(a.limit_price ?? 0),
    qty: Number(a.qty ?? 0),
    filledQty: Number(a.filled_qty ?? 0),
    fillPrice:
      a.filled_avg_price === null || a.filled_avg_price === undefined ? null : Number(a.filled_avg_price),
    // new, accepted, pending_new, partially_filled, held … are all still working.
    status: STATUS[a.status] ?? 'open',
    placedAt: Date.parse(a.submitted_at ?? a.created_at ?? '') || 0,
  };
}
