import {
  orderTerms,
  type Account,
  type AssetClass,
  type OpenOrder,
  type OrderRole,
  type Position,
  type Side,
} from '../core/types.js';
import type { CancelResult, PlaceLimitRequest, PlaceResult, SyncBroker } from '../coordinator/broker.js';
import { refusedLimitReason, type LimitHours } from '../core/calendar/index.js';

/**
 * An order on the simulated book: what was asked, plus the venue's id, when it was accepted and so the hours
 * it works in (limitHours: the session it was placed in).
 */
export interface SimOrder extends PlaceLimitRequest {
  id: string;
  placedAt: number;
  hours: LimitHours;
}

/**
 * The simulated venue. It answers at once: a cancel at a decision time always succeeds, because fills are
 * only ever applied when a later bar is processed, never between a decision and its cancels.
 */
export class SimBroker implements SyncBroker {
  readonly orders = new Map<string, SimOrder>();
  private readonly byClientId = new Map<string, string>();
  private nextId = 1;
  now = 0;
  placeCount = 0;
  cancelCount = 0;

  constructor(
    private readonly state: {
      account: () => Account;
      positions: () => Position[];
      price: (symbol: string) => number | null;
      /** The hours a limit of this asset class placed at `placedAt` works in (core/calendar/order-hours.ts limitHours). */
      hours: (assetClass: AssetClass, placedAt: number) => LimitHours;
    },
  ) {}

  placeLimit(request: PlaceLimitRequest): PlaceResult {
    const existing = this.byClientId.get(request.clientOrderId);
    if (existing) return { ok: true, orderId: existing };
    const hours = this.state.hours(request.assetClass, this.now);
    if (hours.works === 'refused') return { ok: false, reason: refusedLimitReason(request.symbol, this.now) };
    const id = `s${this.nextId++}`;
    this.byClientId.set(request.clientOrderId, id);
    this.orders.set(id, {
      id,
      clientOrderId: request.clientOrderId,
      ...orderTerms(request),
      placedAt: this.now,
      hours,
    });
    this.placeCount++;
    return { ok: true, orderId: id };
  }

  cancel(orderId: string): CancelResult {
    const order = this.orders.get(orderId);
    if (!order) return { status: 'rejected', reason: `order ${orderId} is not open` };
    this.remove(orderId);
    this.cancelCount++;
    return { status: 'cancelled', filledQty: 0 };
  }

  openOrders(): OpenOrder[] {
    return [...this.orders.values()].map((o) => ({
      id: o.id,
      ...orderTerms(o),
      price: this.state.price(o.symbol),
      forecastPnl: 0,
      placedAt: o.placedAt,
      probe: false,
      external: false,
    }));
  }

  positions(): Position[] {
    return this.state.positions();
  }

  account(): Account {
    return this.state.account();
  }

  /**
   * An exit order placed by the engine directly: exits need no capacity, so they bypass the coordinator.
   * Null when the venue would not take it now (a stock limit outside every session with extended hours), as
   * live's take-profit is refused and armed again at the symbol's next price.
   */
  placeExit(
    symbol: string,
    assetClass: AssetClass,
    side: Side,
    role: OrderRole,
    limitPrice: number,
    qty: number,
  ): SimOrder | null {
    const hours = this.state.hours(assetClass, this.now);
    if (hours.works === 'refused') return null;
    const id = `s${this.nextId++}`;
    const order: SimOrder = {
      id,
      clientOrderId: id,
      symbol,
      assetClass,
      side,
      role,
      limitPrice,
      qty,
      placedAt: this.now,
      hours,
    };
    this.orders.set(id, order);
    this.placeCount++;
    return order;
  }

  /** The order left the book (filled or cancelled): its client id is no longer needed for idempotency. */
  remove(orderId: string): void {
    const order = this.orders.get(orderId);
    if (!order) return;
    this.orders.delete(orderId);
    this.byClientId.delete(order.clientOrderId);
  }
}
