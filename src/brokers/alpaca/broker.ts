import type { CancelResult, PlaceLimitRequest, PlaceResult } from '../../coordinator/broker.js';
import {
  limitHours,
  nyseCalendar,
  refusedLimitReason,
  type ExchangeCalendar,
} from '../../core/calendar/index.js';
import type { AssetClass, OpenOrder } from '../../core/types.js';
import type { Logger } from '../../ports/log.js';
import { roleOfClientId } from '../../ports/order-ids.js';
import {
  cancelResultOf,
  openOrderOf,
  type BrokerAccount,
  type LiveBroker,
  type LivePosition,
  type MarketOrderRequest,
  type OrderEvent,
  type VenueOrder,
} from '../../ports/venue.js';
import {
  EVENT_KINDS,
  RESYNC_EVENTS,
  replacement,
  toBrokerAccount,
  toLivePosition,
  toVenueOrder,
  type AlpacaAccount,
  type AlpacaPosition,
} from './wire.js';
import { AssetRulesCache } from './assets.js';
import { CancelWatch, settledBy } from './cancel-watch.js';
import { isFractionalStock, wireOrder, type WireOrder, type WireRequest } from './order-rules.js';
import { orderWithClientId, sendPlace, type PlaceSender } from './place.js';
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
  /**
   * config.extendedHours: stock entries placed in the pre-market or after-hours session go out as `day`
   * limits with `extended_hours` (Alpaca works nothing else there); outside every session none is sent.
   */
  extendedHours?: boolean;
  /** Market time and the trading calendar, to tell the sessions apart (NYSE's by default). */
  now?: () => number;
  calendar?: ExchangeCalendar;
  /** How many times a place whose answer was lost is looked up and sent again before giving up. */
  placeAttempts?: number;
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
  private readonly cancels: CancelWatch;
  private readonly assets: AssetRulesCache;
  private sessions: Pick<ExchangeCalendar, 'sessionFor'>;
  private readonly placer: PlaceSender;

  constructor(private readonly o: AlpacaBrokerOptions) {
    this.sessions = o.calendar ?? nyseCalendar();
    this.cancels = new CancelWatch(o.rest, o.cancelPollMs ?? 2000);
    this.assets = new AssetRulesCache(o.rest, o.log);
    const resync = (): void => this.resync();
    this.placer = { rest: o.rest, log: o.log, attempts: o.placeAttempts ?? 3, resync };
    o.stream.onUpdate((u) => this.onUpdate(u));
    // Updates may have been lost while disconnected: tell the runtime to reconcile before deciding.
    o.stream.onReconnect(() => this.resync());
  }

  /**
   * Tell the sessions by this calendar from now on: the venue's own (Alpaca /v2/calendar, fetched once
   * connected), which the runtime's coordinator decides by too (src/live/launch.ts).
   */
  useCalendar(calendar: Pick<ExchangeCalendar, 'sessionFor'>): void {
    this.sessions = calendar;
  }

  symbolOf(symbol: string, assetClass: AssetClass): string {
    return canonicalSymbol(symbol, assetClass);
  }

  async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
    const wire = await this.wireNumbers(request, request.limitPrice, true);
    if (!wire.ok) return wire;
    // Alpaca works a fractional stock quantity only as a `day` order.
    let timeInForce: Record<string, unknown> = {
      time_in_force: isFractionalStock(request.assetClass, wire.qty.value) ? 'day' : 'gtc',
    };
    // The hours the order works in at Alpaca, by the session it goes out in (limitHours: the simulator and
    // the replay venue fill limits by the same rule). Outside the regular session Alpaca works only `day`
    // limits with `extended_hours`; outside every session nothing could fill.
    const now = (this.o.now ?? Date.now)();
    const hours = limitHours(request.assetClass, now, this.sessions, this.o.extendedHours ?? false);
    if (hours.works === 'refused') return { ok: false, reason: refusedLimitReason(request.symbol, now) };
    if (hours.works === 'day') timeInForce = { time_in_force: 'day', extended_hours: true };
    return sendPlace(this.placer, request.clientOrderId, {
      symbol: canonicalSymbol(request.symbol, request.assetClass),
      qty: wire.qty.text,
      side: request.side,
      type: 'limit',
      ...timeInForce,
      limit_price: wire.limit.text,
      client_order_id: request.clientOrderId,
    });
  }

  /**
   * An order that must trade now (end-of-day trims). Not a `market` order: at or after 16:00 Alpaca queues
   * a stock market order until the next open, which is too late for the overnight requirement. Instead a
   * marketable limit — the last price moved `MARKETABLE_BAND` through (then onto the tick, the safe way),
   * `day`, with `extended_hours` for stocks so it also trades in the after-hours session.
   */
  async placeMarket(request: MarketOrderRequest): Promise<PlaceResult> {
    const band = request.side === 'sell' ? 1 - MARKETABLE_BAND : 1 + MARKETABLE_BAND;
    // Always off the tick before rounding: not logged.
    const wire = await this.wireNumbers(request, request.price * band, false);
    if (!wire.ok) return wire;
    return sendPlace(this.placer, request.clientOrderId, {
      symbol: canonicalSymbol(request.symbol, request.assetClass),
      qty: wire.qty.text,
      side: request.side,
      type: 'limit',
      time_in_force: request.assetClass === 'stock' ? 'day' : 'gtc',
      limit_price: wire.limit.text,
      ...(request.assetClass === 'stock' ? { extended_hours: true } : {}),
      client_order_id: request.clientOrderId,
    });
  }

  /**
   * The order's numbers as Alpaca takes them, under the symbol's asset rules where they matter (every crypto
   * pair; a stock only for a fraction). A rounding is logged when asked (the ledger keeps the request's).
   */
  private async wireNumbers(
    request: WireRequest,
    limitPrice: number,
    logRounding: boolean,
  ): Promise<WireOrder | { ok: false; reason: string }> {
    const needsRules = request.assetClass === 'crypto' || !Number.isInteger(request.qty);
    const rules = needsRules ? await this.assets.rulesFor(request.symbol, request.assetClass) : null;
    const wire = wireOrder(request, limitPrice, rules);
    if (logRounding && wire.ok && wire.rounded) {
      const { symbol, qty } = request;
      const sent = { sentQty: wire.qty.text, limit: limitPrice, sentLimit: wire.limit.text };
      this.o.log.info('order-numbers-rounded', { symbol, qty, ...sent });
    }
    return wire;
  }

  /**
   * The numbers `placeLimit` would send for this order, on the symbol's own steps; null while those steps
   * have not been read (`loadVenueNumbers`: a new process knows none) or when the order could not be sent. An
   * order is never judged on the general rules where the symbol's steps decide: a restart would take a
   * take-profit on the pair's steps for a wrong one and cancel and place it again.
   */
  venueNumbers(order: WireRequest & { limitPrice: number }): { qty: number; limitPrice: number } | null {
    const needsRules = order.assetClass === 'crypto' || !Number.isInteger(order.qty);
    if (needsRules && !this.assets.has(order.symbol, order.assetClass)) return null;
    const wire = wireOrder(order, order.limitPrice, this.assets.known(order.symbol, order.assetClass));
    return wire.ok ? { qty: wire.qty.value, limitPrice: wire.limit.value } : null;
  }

  /** Reads the symbol's steps from its asset entity (once per symbol; a failed read is tried again next time). */
  async loadVenueNumbers(symbol: string, assetClass: AssetClass): Promise<void> {
    await this.assets.rulesFor(symbol, assetClass);
  }

  /**
   * Resolves when the venue says the order is done (canceled, filled) or refused the cancel (a replace of the
   * order while the cancel was out answers as refused: the replacing order holds the margin); after
   * cancelTimeoutMs it reports the cancel unconfirmed — that deadline holds while a request is in flight.
   */
  async cancel(orderId: string): Promise<CancelResult> {
    const timeoutMs = this.o.cancelTimeoutMs ?? 60_000;
    const deadline = AbortSignal.timeout(timeoutMs);
    const unconfirmed: CancelResult = {
      status: 'rejected',
      reason: `the cancel of ${orderId} was not confirmed within ${timeoutMs / 1000} s; its state is unknown until the next reconcile`,
    };
    const settled = this.cancels.waitFor(orderId);
    try {
      try {
        await this.o.rest.request('DELETE', `/v2/orders/${encodeURIComponent(orderId)}`, {
          signal: deadline,
        });
      } catch (error) {
        if (!(error instanceof AlpacaError)) throw error;
        if (deadline.aborted) return unconfirmed;
        if (error.status === 404) {
          return { status: 'rejected', reason: `order ${orderId} is unknown to Alpaca` };
        }
        // 422: not cancelable any more (already canceled or filled, or already pending cancel); no answer:
        // the cancel may have gone through. Either way the order's state says.
        if (error.status !== 422 && !error.mayHaveReached) {
          return { status: 'rejected', reason: error.venueMessage };
        }
      }
      const final = await this.cancels.untilSettled(orderId, settled.promise, deadline);
      if (!final) return unconfirmed;
      if ('refused' in final) return { status: 'rejected', reason: final.refused };
      if ('replaced' in final) {
        // Not cancelled: the replacing order holds the margin. Rejected, so a saga takes the venue's state
        // before it places anything; and a reconcile asked for, as the stream's `replaced` event asks.
        if (final.heard === 'rest') this.resync();
        return { status: 'rejected', reason: final.replaced };
      }
      return cancelResultOf(final.order);
    } finally {
      settled.cancel();
    }
  }

  /** Every open order, page by page (Alpaca answers at most 500 at a time), oldest first. */
  async openOrders(): Promise<OpenOrder[]> {
    return (await this.allOpenOrders()).map((a) =>
      openOrderOf(toVenueOrder(a), null, roleOfClientId(a.client_order_id) === null),
    );
  }

  /**
   * Pages follow submission time upward. `after` is exclusive and a timestamp may be shared, so each page
   * starts a millisecond before the last one seen and repeats are dropped by order id.
   */
  private async allOpenOrders(): Promise<AlpacaOrder[]> {
    const seen = new Map<string, AlpacaOrder>();
    let after: string | undefined;
    for (;;) {
      const { data } = await this.o.rest.request<AlpacaOrder[]>('GET', '/v2/orders', {
        query: { status: 'open', limit: ORDERS_PAGE, direction: 'asc', after, nested: 'false' },
      });
      const before = seen.size;
      for (const a of data) seen.set(a.id, a);
      if (data.length < ORDERS_PAGE) return [...seen.values()];
      if (seen.size === before) {
        throw new AlpacaError(
          0,
          'GET',
          '/v2/orders',
          `more than ${ORDERS_PAGE} open orders share one submission time (${after}); they cannot be paged through`,
        );
      }
      const last = Date.parse(data.at(-1)!.submitted_at ?? data.at(-1)!.created_at ?? '');
      if (!Number.isFinite(last)) return [...seen.values()];
      after = new Date(last - 1).toISOString();
    }
  }

  async positions(): Promise<LivePosition[]> {
    const { data } = await this.o.rest.request<AlpacaPosition[]>('GET', '/v2/positions');
    return data.map(toLivePosition);
  }

  /** Read fresh every time: buying power is never a value cached at start-up. */
  async account(): Promise<BrokerAccount> {
    const { data: a } = await this.o.rest.request<AlpacaAccount>('GET', '/v2/account');
    if (a.trading_blocked || a.account_blocked) {
      this.o.log.error('account-blocked', {
        detail: 'Alpaca reports the account blocked for trading; orders will be refused',
      });
    }
    return toBrokerAccount(a);
  }

  /** The order under a client order id; a replaced one asks for a reconcile (its margin moved: wire.ts). */
  async orderByClientId(clientOrderId: string): Promise<VenueOrder | null> {
    const a = await orderWithClientId(this.o.rest, clientOrderId);
    if (a === null) return null;
    if (replacement(a) !== null) this.resync();
    return toVenueOrder(a);
  }

  /** The venue's clock: its time (to align ours) and whether the US session is open. */
  async clock(): Promise<{ timestamp: number; isOpen: boolean }> {
    const { data } = await this.o.rest.request<{ timestamp: string; is_open: boolean }>('GET', '/v2/clock');
    return { timestamp: Date.parse(data.timestamp), isOpen: data.is_open };
  }

  /** Trading days between two New York dates, as the calendar override format (core/calendar) reads them. */
  async calendar(start: string, end: string): Promise<{ day: string; open: string; close: string }[]> {
    type Day = { date: string; open: string; close: string };
    const { data } = await this.o.rest.request<Day[]>('GET', '/v2/calendar', { query: { start, end } });
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
    if (u.event === 'order_cancel_rejected') {
      this.o.log.warn('cancel-refused', { orderId: order.id, status: u.order.status });
      this.cancels.settle(order.id, {
        refused: `Alpaca refused the cancel of ${order.id} (the order is ${u.order.status})`,
      });
      return;
    }
    const kind = EVENT_KINDS[u.event];
    if (kind) for (const l of this.listeners) l({ kind, order });
    else if (RESYNC_EVENTS.has(u.event)) this.resync();
    const settled = settledBy(u.order, 'stream');
    if (settled) this.cancels.settle(order.id, settled);
  }

  /** The ledger is behind the venue (a stream gap, an order changed behind our back): reconcile. */
  private resync(): void {
    for (const l of this.listeners) l({ kind: 'resync' });
  }
}

/** Alpaca's largest page of orders. */
const ORDERS_PAGE = 500;
