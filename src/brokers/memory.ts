import type { Account, OpenOrder, Position } from '../core/types.js';
import type { Broker, CancelResult, PlaceLimitRequest, PlaceResult } from '../coordinator/broker.js';

/**
 * Faults the in-memory broker can inject, each decided per call so tests can aim them at one order.
 * `delay` models slow confirmations: it is awaited before a cancel or placement takes effect.
 */
export interface MemoryBrokerFaults {
  rejectCancel?: (orderId: string) => string | null;
  /** The order fills completely while its cancel is in flight; return the fill price, or null for no race. */
  fillDuringCancel?: (order: OpenOrder) => number | null;
  /** Part of the order fills before the cancel takes effect; return the quantity, or null. */
  partialFillBeforeCancel?: (order: OpenOrder) => number | null;
  rejectPlace?: (request: PlaceLimitRequest) => string | null;
  delay?: (call: 'cancel' | 'place', id: string) => Promise<void>;
}

export interface MemoryBrokerCalls {
  placeLimit: number;
  cancel: number;
  reads: number;
}

/**
 * A venue in memory with injectable faults: the truth that ledger tests compare against. Idempotent client
 * order ids; fills move positions; equity is what the test sets.
 */
export class MemoryBroker implements Broker {
  readonly calls: MemoryBrokerCalls = { placeLimit: 0, cancel: 0, reads: 0 };
  faults: MemoryBrokerFaults;
  private readonly orders = new Map<string, OpenOrder>();
  private readonly byClientId = new Map<string, string>();
  private readonly positionMap = new Map<string, Position>();
  private acct: Account;
  private nextId = 1;
  private now: () => number;

  constructor(options: {
    account: Account;
    orders?: OpenOrder[];
    positions?: Position[];
    faults?: MemoryBrokerFaults;
    now?: () => number;
  }) {
    this.acct = { ...options.account };
    this.faults = options.faults ?? {};
    this.now = options.now ?? (() => 0);
    for (const o of options.orders ?? []) this.orders.set(o.id, { ...o });
    for (const p of options.positions ?? []) this.positionMap.set(p.symbol, { ...p });
  }

  async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
    this.calls.placeLimit++;
    await this.faults.delay?.('place', request.clientOrderId);
    const existing = this.byClientId.get(request.clientOrderId);
    if (existing) return { ok: true, orderId: existing };
    const reason = this.faults.rejectPlace?.(request);
    if (reason) return { ok: false, reason };
    const id = `m${this.nextId++}`;
    this.byClientId.set(request.clientOrderId, id);
    this.orders.set(id, {
      id,
      symbol: request.symbol,
      assetClass: request.assetClass,
      side: request.side,
      role: request.role,
      limitPrice: request.limitPrice,
      qty: request.qty,
      price: null,
      forecastPnl: 0,
      placedAt: this.now(),
      probe: false,
      external: false,
    });
    return { ok: true, orderId: id };
  }

  async cancel(orderId: string): Promise<CancelResult> {
    this.calls.cancel++;
    await this.faults.delay?.('cancel', orderId);
    const order = this.orders.get(orderId);
    if (!order) return { status: 'rejected', reason: `order ${orderId} is not open` };
    const reason = this.faults.rejectCancel?.(orderId);
    if (reason) return { status: 'rejected', reason };
    const racePrice = this.faults.fillDuringCancel?.(order);
    if (racePrice !== null && racePrice !== undefined) {
      this.fill(order, order.qty, racePrice);
      return { status: 'filled', filledQty: order.qty, fillPrice: racePrice };
    }
    const partial = this.faults.partialFillBeforeCancel?.(order);
    this.orders.delete(orderId);
    if (partial && partial > 0) {
      const qty = Math.min(partial, order.qty);
      this.fill(order, qty, order.limitPrice);
      return { status: 'cancelled', filledQty: qty, fillPrice: order.limitPrice };
    }
    return { status: 'cancelled', filledQty: 0 };
  }

  async openOrders(): Promise<OpenOrder[]> {
    this.calls.reads++;
    return [...this.orders.values()].map((o) => ({ ...o }));
  }

  async positions(): Promise<Position[]> {
    this.calls.reads++;
    return [...this.positionMap.values()].map((p) => ({ ...p }));
  }

  async account(): Promise<Account> {
    this.calls.reads++;
    return { ...this.acct };
  }

  /** Fill an open order (the market reached it), as a test scenario step. */
  fillOrder(orderId: string, price: number): void {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`order ${orderId} is not open`);
    this.orders.delete(orderId);
    this.fill(order, order.qty, price);
  }

  setAccount(account: Partial<Account>): void {
    this.acct = { ...this.acct, ...account };
  }

  get mutations(): number {
    return this.calls.placeLimit + this.calls.cancel;
  }

  private fill(order: OpenOrder, qty: number, price: number): void {
    this.orders.delete(order.id);
    const p = this.positionMap.get(order.symbol);
    const delta = order.side === 'buy' ? qty : -qty;
    const next = (p?.qty ?? 0) + delta;
    if (Math.abs(next) <= 1e-12) this.positionMap.delete(order.symbol);
    else
      this.positionMap.set(order.symbol, {
        symbol: order.symbol,
        assetClass: order.assetClass,
        qty: next,
        price,
      });
  }
}
