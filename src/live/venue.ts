import { refusedLimitReason, type LimitHours } from '../core/calendar/index.js';
import { notional } from '../core/margin/requirements.js';
import { tradingDayOf } from '../core/margin/interest.js';
import type { AssetClass, Position, Side } from '../core/types.js';
import { canFillInBar, limitFillPrice, limitFillRole, marketFillPrice } from '../sim/fill-rules.js';
import { interestDue, lastClosedIndex, venueAccount } from './venue-account.js';
import { VenueBars, type Book } from './venue-bars.js';
import type { BarVenueOptions, VenuePlaceRequest } from './venue-types.js';
import {
  isOpenStatus,
  type BarWindow,
  type BrokerAccount,
  type OrderEvent,
  type OrderEventKind,
  type Quote,
  type VenueOrder,
} from '../ports/venue.js';

export type { BarVenueOptions, VenuePlaceRequest } from './venue-types.js';

/** A symbol's book and the next of its bars not yet processed for fills. */
interface FillCursor {
  book: Book;
  next: number;
}

/**
 * A venue that trades on real bars: the matching engine behind the replay broker and the fake Alpaca
 * server. A bar's prices become known at its close; resting orders fill by the simulator's rules
 * (src/sim/fill-rules.ts): later bars only, a stock limit only in the bars of the kind the session it was
 * placed in gives it (limitHours), at min(limit, open) for a buy (gap rule), sells mirrored, full quantity.
 * Market orders fill at the open of the
 * symbol's next tradable bar (a market-on-close order at the close now when its bar closes now), as the
 * simulator's exits do. Time only moves forward; `advance()` catches up on every bar closed by now.
 */
export class BarVenue {
  private readonly market: VenueBars;
  private readonly cursors: FillCursor[] = [];
  private readonly orders = new Map<string, VenueOrder>();
  private readonly byClientId = new Map<string, string>();
  private readonly positionMap = new Map<string, { assetClass: AssetClass; qty: number; avgPrice: number }>();
  private readonly listeners = new Set<(e: OrderEvent) => void>();
  /** Market orders waiting for their symbol's next tradable bar (they fill at its open). */
  private readonly marketOrders = new Set<string>();
  /** The hours of each open limit order (limitHours): a DAY order expires when its day's sessions end. */
  private readonly limits = new Map<string, LimitHours>();
  private cash: number;
  private nextId = 1;
  private processedUntil = Number.NEGATIVE_INFINITY;
  /** The day interest was last charged for (null before the first look). */
  private interestDay: number | null = null;
  private readonly dayOf: (t: number) => number;

  constructor(private readonly options: BarVenueOptions) {
    this.cash = options.cash;
    this.market = new VenueBars(options);
    this.dayOf = tradingDayOf(this.market.symbols.map((s) => this.market.assetClassOf(s)!));
    for (const book of this.market.all()) this.cursors.push({ book, next: 0 });
  }

  get symbols(): string[] {
    return this.market.symbols;
  }

  assetClassOf(symbol: string): AssetClass | null {
    return this.market.assetClassOf(symbol);
  }

  now(): number {
    return this.options.now();
  }

  onEvent(listener: (e: OrderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Process every bar that has closed by now: fills of resting orders, in bar order per symbol. */
  advance(): void {
    const now = this.now();
    if (now <= this.processedUntil) return;
    this.processedUntil = now;
    this.chargeInterest(now);
    for (const cursor of this.cursors) {
      const { book } = cursor;
      const last = lastClosedIndex(book.closeTimes, now);
      if (!this.hasOpenOrders(book.series.symbol)) {
        // Nothing can fill: skip straight to the present.
        cursor.next = Math.max(cursor.next, last + 1);
        continue;
      }
      for (; cursor.next <= last; cursor.next++) this.fillInBar(book, cursor.next);
    }
    this.lapse(now);
  }

  /** DAY orders whose day's sessions have ended by now expire (`expired`, freeing margin as a cancel). */
  private lapse(now: number): void {
    for (const [id, hours] of this.limits) {
      const order = this.orders.get(id)!;
      if (isOpenStatus(order.status) && hours.lapsesAt > now) continue;
      this.limits.delete(id);
      if (!isOpenStatus(order.status)) continue;
      order.status = 'expired';
      this.emit('expired', order);
    }
  }

  /** A new order: a limit works in the hours of the session it is placed in (limitHours), a market order always. */
  place(
    request: VenuePlaceRequest,
    kind: 'limit' | 'market' = 'limit',
  ): { ok: true; order: VenueOrder } | { ok: false; reason: string } {
    this.advance();
    const existing = this.byClientId.get(request.clientOrderId);
    if (existing) return { ok: true, order: { ...this.orders.get(existing)! } };
    const assetClass = this.market.assetClassOf(request.symbol);
    if (!assetClass) return { ok: false, reason: `symbol ${request.symbol} is not traded here` };
    const hours = kind === 'limit' ? this.market.limitHours(assetClass, this.now()) : null;
    if (hours?.works === 'refused')
      return { ok: false, reason: refusedLimitReason(request.symbol, this.now()) };
    if (!(request.qty > 0) || !(request.limitPrice > 0)) {
      return {
        ok: false,
        reason: `qty and limit price must be > 0 (got ${request.qty} @ ${request.limitPrice})`,
      };
    }
    const order: VenueOrder = {
      id: `${this.options.idPrefix ?? 'r'}${this.nextId++}`,
      clientOrderId: request.clientOrderId,
      symbol: request.symbol,
      assetClass,
      side: request.side,
      role: request.role,
      limitPrice: request.limitPrice,
      qty: request.qty,
      filledQty: 0,
      fillPrice: null,
      status: 'open',
      placedAt: this.now(),
    };
    this.orders.set(order.id, order);
    this.byClientId.set(order.clientOrderId, order.id);
    if (hours) this.limits.set(order.id, hours);
    this.emit('new', order);
    return { ok: true, order: { ...order } };
  }

  /**
   * A market order, by the same fill path as a limit (cash, fees, position, events), moved against the order
   * by `slippage`. With `atClose` (end-of-day trims) it fills at once at the close of the symbol's bar that
   * closes now, if that bar is tradable; otherwise, like any market order, at the open of its next tradable
   * bar (no bar now: no price is invented). The order's limit is the price it was sent at.
   */
  placeMarket(
    request: Omit<VenuePlaceRequest, 'limitPrice'> & { atClose?: boolean },
  ): { ok: true; order: VenueOrder } | { ok: false; reason: string } {
    this.advance();
    const existing = this.byClientId.get(request.clientOrderId);
    if (existing) return { ok: true, order: { ...this.orders.get(existing)! } };
    const quote = this.quote(request.symbol);
    if (!quote) return { ok: false, reason: `no price for ${request.symbol} yet` };
    const { atClose, ...rest } = request;
    const placed = this.place({ ...rest, limitPrice: quote.bid }, 'market');
    if (!placed.ok) return placed;
    const order = this.orders.get(placed.order.id)!;
    if (atClose && this.market.tradableBarClosesAt(request.symbol, this.now()))
      this.fill(order, this.slipped(order.side, quote.bid), 'taker');
    else this.marketOrders.add(order.id);
    return { ok: true, order: { ...order } };
  }

  private slipped(side: Side, price: number): number {
    return marketFillPrice(side, price, this.options.slippage ?? 0);
  }

  /** The cancel has been asked for; the order can still fill until `completeCancel` (a fill racing a cancel). */
  markPendingCancel(id: string): VenueOrder | null {
    this.advance();
    const order = this.orders.get(id);
    if (!order || order.status !== 'open') return order ? { ...order } : null;
    order.status = 'pending_cancel';
    this.emit('pending_cancel', order);
    return { ...order };
  }

  /** Take the order off the book, if it is still open. Returns its final state. */
  completeCancel(id: string): VenueOrder | null {
    this.advance();
    const order = this.orders.get(id);
    if (!order) return null;
    if (isOpenStatus(order.status)) {
      this.marketOrders.delete(id);
      order.status = 'canceled';
      this.emit('canceled', order);
    }
    return { ...order };
  }

  /** Fill an open order now at a price (a fill racing a cancel, as a test scenario). */
  fillNow(id: string, price: number): VenueOrder | null {
    const order = this.orders.get(id);
    if (!order || !isOpenStatus(order.status)) return order ? { ...order } : null;
    this.fill(order, price);
    return { ...order };
  }

  order(id: string): VenueOrder | null {
    this.advance();
    const o = this.orders.get(id);
    return o ? { ...o } : null;
  }

  orderByClientId(clientOrderId: string): VenueOrder | null {
    const id = this.byClientId.get(clientOrderId);
    return id === undefined ? null : this.order(id);
  }

  openOrders(): VenueOrder[] {
    this.advance();
    return [...this.orders.values()].filter((o) => isOpenStatus(o.status)).map((o) => ({ ...o }));
  }

  allOrders(): VenueOrder[] {
    return [...this.orders.values()].map((o) => ({ ...o }));
  }

  /** The last close known now (bid = ask: bars carry no spread). */
  quote(symbol: string): Quote | null {
    return this.market.quote(symbol, this.now());
  }

  /** The last `count` bars closed by now (views into the series, not copies). */
  bars(symbol: string, count: number, until = this.now()): BarWindow | null {
    return this.market.bars(symbol, count, until);
  }

  positions(): Position[] {
    this.advance();
    const out: Position[] = [];
    for (const [symbol, p] of this.positionMap) {
      out.push({ symbol, assetClass: p.assetClass, qty: p.qty, price: this.mark(symbol) });
    }
    return out;
  }

  /** Unrealised PnL of a position at the last price against its average entry price; 0 without one. */
  unrealizedPnl(symbol: string): number {
    const p = this.positionMap.get(symbol);
    return p ? p.qty * (this.mark(symbol) - p.avgPrice) : 0;
  }

  /**
   * Equity (cash + marked positions) and buying power. Every open order that adds exposure (a buy, or a sell
   * without a long to close) holds margin and so reduces buying power, as at a real broker.
   */
  account(): BrokerAccount {
    this.advance();
    const { margin, patternDayTrader, calendar } = this.options;
    return venueAccount({
      cash: this.cash,
      positions: this.positionMap,
      orders: this.orders.values(),
      mark: (symbol) => this.mark(symbol),
      margin,
      patternDayTrader,
      sessionOpen: calendar.isRegularSession(this.now()),
    });
  }

  /**
   * Margin interest as the simulator charges it (README "The model: assumptions and limits"): at the first
   * look of a new day (tradingDayOf), the overnight debit at the prices known before now, for each calendar
   * day since the last charge.
   */
  private chargeInterest(now: number): void {
    const day = this.dayOf(now);
    const last = this.interestDay;
    this.interestDay = day;
    const rate = this.options.marginRatePerYear ?? 0;
    if (last === null || day <= last || !(rate > 0)) return;
    const markBefore = (symbol: string): number => this.market.quote(symbol, now - 1)?.bid ?? 0;
    this.cash -= interestDue(this.cash, this.positionMap, markBefore, rate, day - last);
  }

  private mark(symbol: string): number {
    return this.quote(symbol)?.bid ?? 0;
  }

  private hasOpenOrders(symbol: string): boolean {
    for (const o of this.orders.values()) if (o.symbol === symbol && isOpenStatus(o.status)) return true;
    return false;
  }

  private fillInBar(book: Book, i: number): void {
    const s = book.series;
    const barOpen = s.time[i]!;
    if (!this.market.tradable(book, i)) return;
    for (const order of this.orders.values()) {
      if (order.symbol !== s.symbol || !isOpenStatus(order.status)) continue;
      if (!canFillInBar(order.placedAt, barOpen)) continue;
      if (this.marketOrders.delete(order.id)) {
        this.fill(order, this.slipped(order.side, s.open[i]!), 'taker');
        continue;
      }
      const hours = this.limits.get(order.id);
      if (hours && !this.market.limitWorks(hours, book, i)) continue;
      const px = limitFillPrice(
        order.side,
        order.limitPrice,
        s.open[i]!,
        s.high[i]!,
        s.low[i]!,
        this.options.through ?? 0,
      );
      if (!Number.isNaN(px)) this.fill(order, px, limitFillRole(order.side, order.limitPrice, s.open[i]!));
    }
  }

  /** A fill pays the fee of its asset class and liquidity role (`fees`), or the flat `feeRate`. */
  private fill(order: VenueOrder, price: number, role: 'maker' | 'taker' = 'maker'): void {
    const qty = order.qty - order.filledQty;
    const signed = order.side === 'buy' ? qty : -qty;
    const rate = this.options.fees?.[order.assetClass][role] ?? this.options.feeRate;
    this.cash -= signed * price + notional(qty, price) * rate;
    const p = this.positionMap.get(order.symbol);
    const before = p?.qty ?? 0;
    const next = before + signed;
    // Average entry price: adding moves it, reducing keeps it, flipping starts afresh at this price.
    const avgPrice =
      p && Math.sign(before) === Math.sign(next)
        ? Math.abs(next) > Math.abs(before)
          ? (Math.abs(before) * p.avgPrice + qty * price) / Math.abs(next)
          : p.avgPrice
        : price;
    if (Math.abs(next) <= 1e-12) this.positionMap.delete(order.symbol);
    else this.positionMap.set(order.symbol, { assetClass: order.assetClass, qty: next, avgPrice });
    order.filledQty = order.qty;
    order.fillPrice = price;
    order.status = 'filled';
    this.emit('fill', order);
  }

  private emit(kind: OrderEventKind, order: VenueOrder): void {
    const event = { kind, order: { ...order } };
    for (const listener of this.listeners) listener(event);
  }
}
