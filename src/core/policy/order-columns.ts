import type { OpenOrder } from '../types.js';
import { REASON_CODE } from './decision.js';
import {
  ORDER_CRYPTO,
  ORDER_ENTRY,
  ORDER_EXTERNAL,
  ORDER_PENDING_CANCEL,
  ORDER_PROBE,
  ORDER_SELL,
  oursOf,
  rowDistance,
} from './order-flags.js';
import { notional } from '../margin/requirements.js';
import { OrderColumnStore } from './order-column-store.js';

/**
 * The next row stamp (see `OrderColumns.stamp`). One counter for every OrderColumns in the process, so a
 * stamp names one content of one row of one instance: equal stamps mean the same order at the same price.
 */
let nextStamp = 1;

const ELIGIBLE = REASON_CODE.eligible;
const EXTERNAL = REASON_CODE.external;
const PENDING_CANCEL = REASON_CODE['pending-cancel'];
const NOT_ENTRY = REASON_CODE['not-entry'];
const PROBE = REASON_CODE.probe;
const NO_PRICE = REASON_CODE['no-price'];
const PROTECTED = REASON_CODE['protected-distance'];

/**
 * The open orders in column form, row for row with an order list: what decide() reads of each order on
 * every decision. Reading 1,000 scattered order objects costs more than the whole decision's arithmetic;
 * typed columns read in a few microseconds.
 *
 * Whoever owns the order list keeps its columns up to date as the orders change (the coordinator's ledger:
 * add, swap-removal, fills, quotes, reset), so a decision finds them ready. `OrderColumns.of` builds them
 * from any list, with the same per-row rule (`write`): decide() does that when it is given none.
 *
 * `snapshot()` hands out the order objects by row, `lend()` the distance, margin and notional columns, as
 * they are now; later changes copy them first (copy on write), so a decision's candidate table keeps what
 * it saw without a copy per decision.
 */
export class OrderColumns extends OrderColumnStore {
  /** Entries of ours (neither external nor pending cancel): candidates unless the request's own symbol. */
  ours = 0;
  /** No row was placed later than this (an upper bound: a removal leaves it). */
  latestPlacedAt = Number.NEGATIVE_INFINITY;
  private protection = Number.NaN;
  private stockRequirement = Number.NaN;
  private cryptoRequirement = Number.NaN;
  private rows: OpenOrder[] = [];
  /** `rows` was handed out by snapshot(): copy it before the next change of a row's order. */
  private shared = false;
  private readonly symbolIds = new Map<string, number>();
  /** Bumped by every change to what holds margin (rows, quantities, roles), not by quotes. */
  private version = 0;
  /** The last heldNotional() answer: [version, crypto start, stock start, crypto sum, stock sum]. */
  private readonly held = new Float64Array([-1, 0, 0, 0, 0]);

  /** Columns of an order list, built fresh. */
  static of(orders: readonly OpenOrder[]): OrderColumns {
    const c = new OrderColumns(orders.length);
    for (let i = 0; i < orders.length; i++) c.push(orders[i]!);
    return c;
  }

  /** How many symbols have an index (every symbol ever seen; indices are never reused). */
  get symbolCount(): number {
    return this.symbolIds.size;
  }

  /** The index of a symbol, or -1 when no order ever had it. */
  symbolId(symbol: string): number {
    return this.symbolIds.get(symbol) ?? -1;
  }

  /**
   * Notional held by the entry orders (exits reserve nothing), per asset class, added row by row onto
   * `cryptoStart` and `stockStart` (what the positions hold): into `out` as [crypto, stock]. The same
   * additions in the same order as a loop over the orders, so the same sums to the last bit; remembered
   * until an order changes or the starting sums do (several decisions between two order events sum once).
   */
  heldNotional(cryptoStart: number, stockStart: number, out: Float64Array): void {
    const held = this.held;
    if (held[0] !== this.version || held[1] !== cryptoStart || held[2] !== stockStart) {
      let crypto = cryptoStart;
      let stock = stockStart;
      // Each row adds its notional to its class and +0 to the other (and exits +0 to both): adding +0
      // leaves a sum as it is, so these are the sums of a loop that skips them.
      const cryptoNotional = this.cryptoEntryNotional;
      const stockNotional = this.stockEntryNotional;
      for (let i = 0; i < this.length; i++) {
        crypto += cryptoNotional[i]!;
        stock += stockNotional[i]!;
      }
      held[0] = this.version;
      held[1] = cryptoStart;
      held[2] = stockStart;
      held[3] = crypto;
      held[4] = stock;
    }
    out[0] = held[3]!;
    out[1] = held[4]!;
  }

  /**
   * Bring `margin` and `reason` to these requirements and this protection (a distance at or below it is
   * protected, tolerance included). Rows keep them as they change; only new values recompute every row.
   */
  prepare(protection: number, stockRequirement: number, cryptoRequirement: number): void {
    if (stockRequirement !== this.stockRequirement || cryptoRequirement !== this.cryptoRequirement) {
      this.stockRequirement = stockRequirement;
      this.cryptoRequirement = cryptoRequirement;
      this.keep();
      for (let i = 0; i < this.length; i++) this.margin[i] = this.rowMargin(i);
    }
    if (protection !== this.protection) {
      this.protection = protection;
      for (let i = 0; i < this.length; i++) this.reason[i] = this.rowReason(i);
    }
  }

  /** The order objects by row, as they are now; later changes leave the returned list as it is. */
  snapshot(): readonly OpenOrder[] {
    this.shared = true;
    return this.rows;
  }

  /** The order at row `i` (undefined beyond the end). */
  order(i: number): OpenOrder | undefined {
    return i < this.length ? this.rows[i] : undefined;
  }

  /** Append a row. */
  push(order: OpenOrder): void {
    if (this.length === this.flags.length) this.grow(this.length * 2);
    this.own().push(order);
    this.write(this.length++, order, true);
    this.version++;
  }

  /** Put another order in row `i`. */
  set(i: number, order: OpenOrder): void {
    this.own()[i] = order;
    this.write(i, order);
    this.version++;
  }

  /** Row `i`'s order changed (quantity, price, limit): read it again. */
  update(i: number): void {
    this.write(i, this.rows[i]!);
    this.version++;
  }

  /** Only row `i`'s reference price changed (a quote). */
  setPrice(i: number, price: number | null): void {
    const p = price ?? Number.NaN;
    this.keep();
    this.price[i] = p;
    this.distance[i] = rowDistance(this.flags[i]!, p, this.limit[i]!);
    this.reason[i] = this.rowReason(i);
    this.stamp[i] = nextStamp++;
  }

  /** Remove row `i` by moving the last row into its place (as the ledger removes orders). */
  removeAt(i: number): void {
    const rows = this.own();
    this.ours -= oursOf(this.flags[i]!);
    const last = --this.length;
    this.version++;
    rows[i] = rows[last]!;
    rows.length = last;
    if (i === last) return;
    this.moveRow(last, i);
  }

  /** No rows (the symbol table stays). */
  clear(): void {
    if (this.shared) {
      this.rows = [];
      this.shared = false;
    } else this.rows.length = 0;
    this.length = 0;
    this.ours = 0;
    this.latestPlacedAt = Number.NEGATIVE_INFINITY;
    this.version++;
  }

  /** The one rule from an order to its row; `fresh`: the row held no order before. */
  private write(i: number, o: OpenOrder, fresh = false): void {
    if (!fresh) this.ours -= oursOf(this.flags[i]!);
    this.keep();
    this.price[i] = o.price ?? Number.NaN;
    this.limit[i] = o.limitPrice > 0 ? o.limitPrice : Number.NaN;
    this.notional[i] = notional(o.qty, o.limitPrice);
    this.placedAt[i] = o.placedAt;
    if (o.placedAt > this.latestPlacedAt) this.latestPlacedAt = o.placedAt;
    this.forecastPnl[i] = o.forecastPnl;
    let id = this.symbolIds.get(o.symbol);
    if (id === undefined) this.symbolIds.set(o.symbol, (id = this.symbolIds.size));
    this.symbol[i] = id;
    const flags =
      (o.side === 'buy' ? 0 : ORDER_SELL) |
      (o.role === 'entry' ? ORDER_ENTRY : 0) |
      (o.assetClass === 'crypto' ? ORDER_CRYPTO : 0) |
      (o.probe ? ORDER_PROBE : 0) |
      (o.external ? ORDER_EXTERNAL : 0) |
      (o.pendingCancelBy !== undefined ? ORDER_PENDING_CANCEL : 0);
    this.flags[i] = flags;
    this.ours += oursOf(flags);
    const entry = (flags & ORDER_ENTRY) !== 0;
    const crypto = (flags & ORDER_CRYPTO) !== 0;
    this.cryptoEntryNotional[i] = entry && crypto ? this.notional[i]! : 0;
    this.stockEntryNotional[i] = entry && !crypto ? this.notional[i]! : 0;
    this.distance[i] = rowDistance(flags, this.price[i]!, this.limit[i]!);
    this.margin[i] = this.rowMargin(i);
    this.reason[i] = this.rowReason(i);
    this.stamp[i] = nextStamp++;
  }

  /** Row i's margin: its notional at its class's requirement when it is an entry (exits reserve nothing). */
  private rowMargin(i: number): number {
    const f = this.flags[i]!;
    if ((f & ORDER_ENTRY) === 0) return 0;
    return this.notional[i]! * ((f & ORDER_CRYPTO) !== 0 ? this.cryptoRequirement : this.stockRequirement);
  }

  /** Row i's reason from its own facts (see `reason`). */
  private rowReason(i: number): number {
    const f = this.flags[i]!;
    const d = this.distance[i]!;
    if ((f & ORDER_EXTERNAL) !== 0) return EXTERNAL;
    if ((f & ORDER_PENDING_CANCEL) !== 0) return PENDING_CANCEL;
    if ((f & ORDER_ENTRY) === 0) return NOT_ENTRY;
    if ((f & ORDER_PROBE) !== 0) return PROBE;
    if (d !== d) return NO_PRICE; // NaN: no price, no distance
    if (d <= this.protection) return PROTECTED;
    return ELIGIBLE;
  }

  /** The row list, copied first if a snapshot holds it. */
  private own(): OpenOrder[] {
    if (this.shared) {
      this.rows = this.rows.slice();
      this.shared = false;
    }
    return this.rows;
  }
}
