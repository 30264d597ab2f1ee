import { orderTerms, type Account, type OpenOrder, type Position } from '../core/types.js';
import {
  isTerminalStatus,
  type Broker,
  type CancelResult,
  type OrderStatus,
  type OrderUpdate,
  type PlaceLimitRequest,
  type PlaceResult,
} from '../coordinator/broker.js';
import { checkOptions, type MemoryBrokerFaults, type MemoryBrokerOptions } from './memory-options.js';

export type { MemoryBrokerFaults, MemoryBrokerOptions } from './memory-options.js';

export interface MemoryBrokerCalls {
  placeLimit: number;
  cancel: number;
  reads: number;
}

/** One order as the venue keeps it: the open view (`qty` still open, cumulative `filledQty`) and its state. */
interface VenueRecord {
  order: OpenOrder;
  clientOrderId: string;
  status: OrderStatus;
  fillPrice: number | null;
}

/**
 * A venue in memory with injectable faults: the truth that ledger tests compare against. It behaves like
 * Alpaca where the coordinator can tell: idempotent client order ids; fills reported as CUMULATIVE quantities
 * (`filled_qty`); a cancel of a closed order reports how it closed; `done_for_day` is not terminal (the
 * order stays open, cannot fill until `nextDay()`, and a cancel sent meanwhile takes effect only then).
 * Every change is also sent to `onOrderUpdate` listeners, as Alpaca's trade stream does.
 */
export class MemoryBroker implements Broker {
  readonly calls: MemoryBrokerCalls = { placeLimit: 0, cancel: 0, reads: 0 };
  faults: MemoryBrokerFaults;
  private readonly records = new Map<string, VenueRecord>();
  private readonly byClientId = new Map<string, string>();
  private readonly positionMap = new Map<string, Position>();
  private readonly listeners = new Set<(update: OrderUpdate) => void>();
  private dayStarted: Promise<void>;
  private startDay: () => void = () => undefined;
  private waiting = 0;
  private acct: Account;
  private nextId = 1;
  private now: () => number;

  constructor(options: MemoryBrokerOptions) {
    checkOptions(options);
    this.acct = { ...options.account };
    this.faults = options.faults ?? {};
    this.now = options.now ?? (() => 0);
    this.dayStarted = this.nextDayPromise();
    for (const o of options.orders ?? []) {
      const order = { ...o, filledQty: o.filledQty ?? 0 };
      this.records.set(o.id, { order, clientOrderId: o.id, status: 'open', fillPrice: null });
      this.byClientId.set(o.id, o.id);
    }
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
    const order: OpenOrder = {
      id,
      ...orderTerms(request),
      filledQty: 0,
      price: null,
      forecastPnl: 0,
      placedAt: this.now(),
      probe: false,
      external: false,
    };
    this.records.set(id, { order, clientOrderId: request.clientOrderId, status: 'open', fillPrice: null });
    await this.answer('place', id);
    return { ok: true, orderId: id };
  }

  async cancel(orderId: string): Promise<CancelResult> {
    this.calls.cancel++;
    await this.faults.delay?.('cancel', orderId);
    const record = this.records.get(orderId);
    if (!record) return { status: 'rejected', reason: `order ${orderId} is not known to the venue` };
    // Already closed: how it closed (as Alpaca answers a cancel of an order that is no longer cancelable).
    if (isTerminalStatus(record.status)) {
      await this.answer('cancel', orderId);
      return closedResult(record);
    }
    const reason = this.faults.rejectCancel?.(orderId);
    if (reason) return { status: 'rejected', reason };
    // Done for the day: the cancel is pending until the venue works the order again, and may lose to a fill.
    while (record.status === 'done_for_day') {
      this.waiting++;
      await this.dayStarted;
      this.waiting--;
    }
    if (isTerminalStatus(record.status)) return closedResult(record);
    const order = record.order;
    const racePrice = this.faults.fillDuringCancel?.(order);
    if (racePrice !== null && racePrice !== undefined) {
      this.fill(record, order.qty, racePrice);
    } else {
      const partial = this.faults.partialFillBeforeCancel?.(order);
      if (partial && partial > 0) this.fill(record, Math.min(partial, order.qty), order.limitPrice);
      if (!isTerminalStatus(record.status)) this.settle(record, 'canceled');
    }
    await this.answer('cancel', orderId);
    return closedResult(record);
  }

  async openOrders(): Promise<OpenOrder[]> {
    this.calls.reads++;
    const open: OpenOrder[] = [];
    for (const r of this.records.values()) if (!isTerminalStatus(r.status)) open.push({ ...r.order });
    return open;
  }

  async positions(): Promise<Position[]> {
    this.calls.reads++;
    return [...this.positionMap.values()].map((p) => ({ ...p }));
  }

  async account(): Promise<Account> {
    this.calls.reads++;
    return { ...this.acct };
  }

  async orderByClientId(clientOrderId: string): Promise<OrderUpdate | null> {
    this.calls.reads++;
    const id = this.byClientId.get(clientOrderId);
    const record = id === undefined ? undefined : this.records.get(id);
    return record ? updateOf(record) : null;
  }

  /** Order updates as they happen (cumulative fills, status changes). Returns a function that stops them. */
  onOrderUpdate(listener: (update: OrderUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An open order as the venue holds it now (a copy), or undefined. */
  openOrder(orderId: string): OpenOrder | undefined {
    const record = this.records.get(orderId);
    return record && !isTerminalStatus(record.status) ? { ...record.order } : undefined;
  }

  /** The market reached an open order: `qty` of it fills (all that is open by default), as a test step. */
  fillOrder(orderId: string, price: number, qty?: number): void {
    const record = this.records.get(orderId);
    if (!record || isTerminalStatus(record.status)) throw new Error(`order ${orderId} is not open`);
    if (record.status === 'done_for_day')
      throw new Error(`order ${orderId} is done for the day: it can fill only after nextDay()`);
    this.fill(record, Math.min(qty ?? record.order.qty, record.order.qty), price);
  }

  /**
   * The venue ends an open order on its own, whatever it filled so far stays filled: a `day` order expiring
   * at the close (`expired`), a late refusal after it was accepted (`rejected`), a cancel by the venue.
   */
  endOrder(orderId: string, status: 'expired' | 'rejected' | 'canceled'): void {
    const record = this.records.get(orderId);
    if (!record || isTerminalStatus(record.status)) throw new Error(`order ${orderId} is not open`);
    this.settle(record, status);
  }

  /** The venue stops working an open order until the next trading day (Alpaca's `done_for_day`). */
  markDoneForDay(orderId: string): void {
    const record = this.records.get(orderId);
    if (!record || isTerminalStatus(record.status)) throw new Error(`order ${orderId} is not open`);
    record.status = 'done_for_day';
    this.emit(record);
  }

  /**
   * A new trading day: orders done for the day work again. `fills` (order id → price) fill first, at the
   * open, before any cancel that was pending on them takes effect.
   */
  nextDay(fills: ReadonlyMap<string, number> = new Map()): void {
    for (const r of this.records.values()) {
      if (r.status !== 'done_for_day') continue;
      r.status = 'open';
      this.emit(r);
      const price = fills.get(r.order.id);
      if (price !== undefined) this.fill(r, r.order.qty, price);
    }
    const start = this.startDay;
    this.dayStarted = this.nextDayPromise();
    start();
  }

  /** Cancels waiting for the next day (their orders are done for the day). */
  get waitingForNextDay(): number {
    return this.waiting;
  }

  setAccount(account: Partial<Account>): void {
    this.acct = { ...this.acct, ...account };
  }

  get mutations(): number {
    return this.calls.placeLimit + this.calls.cancel;
  }

  private nextDayPromise(): Promise<void> {
    return new Promise((resolve) => (this.startDay = resolve));
  }

  private async answer(call: 'cancel' | 'place', id: string): Promise<void> {
    await this.faults.beforeAnswer?.(call, id);
    if (this.faults.loseAnswer?.(call, id))
      throw new Error(`connection reset: the answer to ${call} ${id} was lost (it took effect)`);
  }

  private fill(record: VenueRecord, qty: number, price: number): void {
    const order = record.order;
    const filledBefore = order.filledQty ?? 0;
    order.filledQty = filledBefore + qty;
    order.qty -= qty;
    // Alpaca's filled_avg_price: the average over every fill so far.
    record.fillPrice = ((record.fillPrice ?? 0) * filledBefore + price * qty) / order.filledQty;
    const p = this.positionMap.get(order.symbol);
    const next = (p?.qty ?? 0) + (order.side === 'buy' ? qty : -qty);
    if (Math.abs(next) <= 1e-12) this.positionMap.delete(order.symbol);
    else
      this.positionMap.set(order.symbol, {
        symbol: order.symbol,
        assetClass: order.assetClass,
        qty: next,
        price,
      });
    if (order.qty <= 1e-12) this.settle(record, 'filled');
    else this.emit(record);
  }

  private settle(record: VenueRecord, status: 'filled' | 'canceled' | 'expired' | 'rejected'): void {
    record.status = status;
    this.emit(record);
  }

  private emit(record: VenueRecord): void {
    const update = updateOf(record);
    for (const l of this.listeners) l({ ...update });
  }
}

function updateOf(r: VenueRecord): OrderUpdate {
  return {
    id: r.order.id,
    clientOrderId: r.clientOrderId,
    status: r.status,
    filledQty: r.order.filledQty ?? 0,
    fillPrice: r.fillPrice,
  };
}

function closedResult(r: VenueRecord): CancelResult {
  const filledQty = r.order.filledQty ?? 0;
  if (r.status === 'filled')
    return { status: 'filled', filledQty, fillPrice: r.fillPrice ?? r.order.limitPrice };
  return filledQty > 0 && r.fillPrice !== null
    ? { status: 'cancelled', filledQty, fillPrice: r.fillPrice }
    : { status: 'cancelled', filledQty };
}
