import type { MarginTable } from '../core/config/schema.js';
import { cappedCapacity, notional, requirementFor } from '../core/margin/requirements.js';
import { OrderColumns } from '../core/policy/order-columns.js';
import type { Account, AssetClass, OpenOrder, Position, Side } from '../core/types.js';
import { ValidationError } from '../core/errors.js';
import {
  accountIssues,
  assertNumber,
  assertPositionChange,
  assertValidLedgerOrder,
  assertValidQuote,
  assertValidSnapshot,
  atLeastZero,
  finite,
  positionIssues,
  positive,
} from './book-checks.js';

export interface LedgerSnapshot {
  account: Account;
  orders: OpenOrder[];
  positions: Position[];
}

/** How a fill moves a position: a buy adds, a sell subtracts (signed quantities). */
const signed = (side: Side, qty: number): number => (side === 'buy' ? qty : -qty);

/** Remembered closed orders, so a late or repeated event for them is recognised and ignored. */
const CLOSED_MEMORY = 10_000;

/**
 * The capacity ledger: the coordinator's picture of what holds margin (README "The rules in one table"). Open
 * entry orders hold `limit × qty × requirement`, positions `|qty × price| × requirement`; exit orders hold
 * nothing.
 *
 * Fills are applied by cumulative filled quantity, so a fill reported twice (once by the order stream and
 * once by a cancel that raced it) is counted once.
 */
export class CapacityLedger {
  private readonly orderList: OpenOrder[] = [];
  private readonly orderIndex = new Map<string, number>();
  /**
   * Cumulative filled quantity of each open order and the quantity it was placed with, aligned with
   * `orderList` (plain arrays: a map per field would be written and rehashed at every order).
   */
  private readonly filledQty: number[] = [];
  private readonly placedQty: number[] = [];
  /**
   * The open orders in column form, row for row with `orders`, kept up to date at every change here: what
   * each decision reads (decide()'s `columns`), so no decision reads 1,000 order objects. Do not mutate.
   */
  readonly columns = new OrderColumns();
  /** Closed order ids, bounded: a ring of the last CLOSED_MEMORY ids plus a set for lookups. */
  private readonly closed = new Set<string>();
  private readonly closedRing: (string | undefined)[];
  private closedNext = 0;
  private readonly positionMap = new Map<string, Position>();
  /** `positions` as last built; every decision reads it, and positions change far less often. */
  private positionList: readonly Position[] | null = null;
  private acct: Account;
  private resetCount = 0;

  /** `closedMemory`: how many closed order ids to remember for recognising late events (0: none). */
  constructor(account: Account, closedMemory = CLOSED_MEMORY) {
    this.acct = { ...account };
    this.closedRing = new Array<string | undefined>(Math.max(0, closedMemory));
  }

  get account(): Readonly<Account> {
    return this.acct;
  }

  /** The ledger has taken a broker's whole state (`reset`) at least once: it knows what the account holds. */
  get reconciled(): boolean {
    return this.resetCount > 0;
  }

  /**
   * How many times the ledger has taken a broker's whole state. A saga compares it across a broker call: a
   * reset meanwhile may already hold what that call did (steal-saga.ts, a placement's answer).
   */
  get resets(): number {
    return this.resetCount;
  }

  setAccount(account: Partial<Account>): void {
    const next = { ...this.acct, ...account };
    const issues = accountIssues(next, 'account');
    if (issues.length) throw new ValidationError('Account refused (the ledger is unchanged)', issues);
    this.acct = next;
  }

  /** Equity moves with every mark; updated in place (the simulator calls this at every step). */
  setEquity(equity: number): void {
    assertNumber(finite(equity), 'Equity', 'equity', 'must be a finite number (negative is allowed)', equity);
    this.acct.equity = equity;
  }

  /** Open orders, in a stable order (insertion, with swap-removal). Do not mutate. */
  get orders(): readonly OpenOrder[] {
    return this.orderList;
  }

  /** Open positions. Do not mutate; the list is rebuilt after any position changes. */
  get positions(): readonly Position[] {
    return (this.positionList ??= [...this.positionMap.values()]);
  }

  order(id: string): OpenOrder | undefined {
    const i = this.orderIndex.get(id);
    return i === undefined ? undefined : this.orderList[i];
  }

  position(symbol: string): Position | undefined {
    return this.positionMap.get(symbol);
  }

  hasOrder(id: string): boolean {
    return this.orderIndex.has(id);
  }

  /**
   * Add an open order. `qty` is what is still open; an order read back from the venue brings its cumulative
   * `filledQty`, which the ledger keeps beside it (so a later report of that fill adds nothing) rather than in
   * the order, where it would go stale.
   */
  addOrder(order: OpenOrder): void {
    assertValidLedgerOrder(order);
    if (this.orderIndex.has(order.id))
      throw new ValidationError('Order not added to the ledger (the ledger is unchanged)', [
        {
          where: 'order.id',
          message: `order ${order.id} is already in the ledger; an id names one order: add each order once, or reconcile`,
          value: order.id,
        },
      ]);
    const filled = order.filledQty ?? 0;
    this.orderIndex.set(order.id, this.orderList.length);
    let open: OpenOrder;
    if (order.filledQty === undefined) open = { ...order };
    else {
      const { filledQty: _, ...rest } = order;
      open = rest;
    }
    this.orderList.push(open);
    this.columns.push(open);
    this.filledQty.push(filled);
    this.placedQty.push(order.qty + filled);
  }

  /** Cumulative filled quantity of an open order (0 when unknown). */
  filled(id: string): number {
    const i = this.orderIndex.get(id);
    return i === undefined ? 0 : this.filledQty[i]!;
  }

  /** The quantity an open order was placed with: open plus filled (0 when unknown). */
  placed(id: string): number {
    const i = this.orderIndex.get(id);
    return i === undefined ? 0 : this.placedQty[i]!;
  }

  /** Remove an order that the venue confirmed cancelled (or that is otherwise gone). Returns it, if known. */
  removeOrder(id: string): OpenOrder | undefined {
    const i = this.orderIndex.get(id);
    if (i === undefined) return undefined;
    const order = this.orderList[i]!;
    const last = this.orderList.pop()!;
    const lastFilled = this.filledQty.pop()!;
    const lastPlaced = this.placedQty.pop()!;
    if (last !== order) {
      this.orderList[i] = last;
      this.filledQty[i] = lastFilled;
      this.placedQty[i] = lastPlaced;
      this.orderIndex.set(last.id, i);
    }
    this.columns.removeAt(i);
    this.orderIndex.delete(id);
    this.remember(id);
    return order;
  }

  /**
   * Apply a fill reported as the order's cumulative filled quantity. Entry fills open or grow a position;
   * exit fills shrink it. The order leaves the ledger when nothing remains open. Idempotent.
   */
  applyFill(id: string, cumulativeQty: number, price: number): number {
    assertNumber(
      atLeastZero(cumulativeQty),
      `Fill of ${id}`,
      'cumulativeQty',
      'must be a finite number ≥ 0 (all that filled since the order was placed)',
      cumulativeQty,
    );
    assertNumber(positive(price), `Fill of ${id}`, 'price', 'must be a finite number > 0', price);
    const i = this.orderIndex.get(id);
    if (i === undefined) return 0;
    const order = this.orderList[i]!;
    const before = this.filledQty[i]!;
    const delta = Math.min(order.qty, cumulativeQty - before);
    if (!(delta > 0)) return 0;
    this.filledQty[i] = before + delta;
    this.adjustPosition(order.symbol, order.assetClass, signed(order.side, delta), price);
    order.qty -= delta;
    this.columns.update(i);
    if (order.qty <= 1e-12) this.removeOrder(id);
    return delta;
  }

  /** Move a position by a signed quantity at a price (the mark becomes that price). */
  adjustPosition(symbol: string, assetClass: AssetClass, deltaQty: number, price: number): void {
    const p = this.positionMap.get(symbol);
    const qty = (p?.qty ?? 0) + deltaQty;
    assertPositionChange(symbol, assetClass, deltaQty, qty, price);
    this.positionList = null;
    if (Math.abs(qty) <= 1e-12) this.positionMap.delete(symbol);
    else this.positionMap.set(symbol, { symbol, assetClass, qty, price });
  }

  setPosition(position: Position): void {
    const issues = positionIssues(position, 'position');
    if (issues.length) throw new ValidationError('Position refused (the ledger is unchanged)', issues);
    this.positionList = null;
    if (position.qty === 0) this.positionMap.delete(position.symbol);
    else this.positionMap.set(position.symbol, { ...position });
  }

  /** New reference prices for a symbol: orders measure distance from them, positions are marked to them. */
  markQuote(symbol: string, bid: number, ask: number): void {
    assertValidQuote(symbol, bid, ask);
    // By symbol index: the ledger's columns know which rows hold this symbol without reading every order.
    const k = this.columns.symbolId(symbol);
    const rows = this.columns.symbol;
    for (let i = 0; i < this.orderList.length; i++) {
      if (rows[i] !== k) continue;
      const o = this.orderList[i]!;
      o.price = o.side === 'buy' ? ask : bid;
      this.columns.setPrice(i, o.price);
    }
    const p = this.positionMap.get(symbol);
    if (p) p.price = (bid + ask) / 2;
  }

  /** Margin held now, at the requirements of the moment. */
  usedMargin(sessionOpen: boolean, table: MarginTable): number {
    const ctx = { equity: this.acct.equity, patternDayTrader: this.acct.patternDayTrader, sessionOpen };
    const crypto = requirementFor('crypto', ctx, table);
    const stock = requirementFor('stock', ctx, table);
    let used = 0;
    for (const p of this.positionMap.values())
      used += notional(p.qty, p.price) * (p.assetClass === 'crypto' ? crypto : stock);
    for (const o of this.orderList) {
      if (o.role === 'entry')
        used += notional(o.qty, o.limitPrice) * (o.assetClass === 'crypto' ? crypto : stock);
    }
    return used;
  }

  /** Capacity: `equity × (1 − bufferPct)`, capped by the broker's buying power when one is set. */
  capacity(bufferPct: number): number {
    return cappedCapacity(this.acct.equity, bufferPct, this.acct.capacityCap);
  }

  /**
   * The broker leaves `freeMargin` free now (its buying power, in margin dollars): capacity may not exceed
   * what is held now plus that. A cap, not a new equity: the next reconcile (`reset`) clears it.
   */
  capToBrokerFree(freeMargin: number, sessionOpen: boolean, table: MarginTable): void {
    // Negative is meaningful: the broker leaves less than nothing free (it holds more than the ledger counts).
    const why = 'must be a finite number (the margin the broker leaves free; ≤ 0: none)';
    assertNumber(finite(freeMargin), 'Broker free margin', 'freeMargin', why, freeMargin);
    this.acct.capacityCap = this.usedMargin(sessionOpen, table) + Math.max(0, freeMargin);
  }

  /**
   * Replace everything with the broker's truth (reconciliation). What only we know of an order the broker
   * still has (forecast PnL, reference price, probe flag, when we placed it) is kept.
   */
  reset(snapshot: LedgerSnapshot): void {
    // All of it is checked before any of it is taken: a bad snapshot leaves the ledger as it was.
    assertValidSnapshot(snapshot);
    this.resetCount++;
    const known = new Map(this.orderList.map((o) => [o.id, o] as const));
    const placed = new Map(this.orderList.map((o, i) => [o.id, this.placedQty[i]!] as const));
    const stillOpen = new Set(snapshot.orders.map((o) => o.id));
    // Orders the broker no longer has are closed; the ones it still has stay open (never marked closed).
    for (const id of known.keys()) if (!stillOpen.has(id)) this.remember(id);
    this.orderList.length = 0;
    this.orderIndex.clear();
    this.filledQty.length = 0;
    this.placedQty.length = 0;
    this.columns.clear();
    this.positionMap.clear();
    this.positionList = null;
    this.acct = { ...snapshot.account };
    for (const o of snapshot.orders) {
      const mine = known.get(o.id);
      this.addOrder(
        mine
          ? Object.assign({}, o, {
              price: o.price ?? mine.price,
              forecastPnl: mine.forecastPnl,
              probe: mine.probe,
              placedAt: mine.placedAt,
            })
          : o,
      );
      // The venue's cumulative fill when it reports one (addOrder took it); otherwise, for an order we
      // placed, filled so far = placed − still open. Either way a fill reported again after the reconcile
      // (as a cumulative quantity) is counted once, not twice.
      const original = placed.get(o.id);
      if (original !== undefined && o.filledQty === undefined) {
        const i = this.orderList.length - 1;
        this.placedQty[i] = original;
        this.filledQty[i] = Math.max(0, original - o.qty);
      }
    }
    for (const p of snapshot.positions) this.setPosition(p);
  }

  snapshot(): LedgerSnapshot {
    return {
      account: { ...this.acct },
      orders: this.orderList.map((o) => ({ ...o })).sort((a, b) => (a.id < b.id ? -1 : 1)),
      positions: this.positions.map((p) => ({ ...p })).sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
    };
  }

  /** Was this order open once and is now closed? (Late events for it are ignored.) */
  wasClosed(id: string): boolean {
    return this.closed.has(id);
  }

  private remember(id: string): void {
    if (this.closedRing.length === 0) return; // no memory asked for (a replay has no late events)
    const evicted = this.closedRing[this.closedNext];
    if (evicted !== undefined) this.closed.delete(evicted);
    this.closedRing[this.closedNext] = id;
    this.closedNext = (this.closedNext + 1) % this.closedRing.length;
    this.closed.add(id);
  }
}
