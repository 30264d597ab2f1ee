import { carveColumns, grownColumn as grown } from './columns.js';

const INITIAL_CAPACITY = 16;

/**
 * How OrderColumns (order-columns.ts) keeps its typed columns: their allocation and growth, a row moved into
 * another's place, and distance, margin and notional lent to a decision's candidate table without a copy
 * (copy on write). What a row holds and the rules that fill it are OrderColumns'.
 */
export class OrderColumnStore {
  length = 0;
  /** Reference price; NaN when unknown (null). */
  price: Float64Array;
  /** Limit price; NaN when not a positive price (such an order has no distance). */
  limit: Float64Array;
  /**
   * Side-aware distance from the reference price to the limit (README "The rules in one table"), as a
   * fraction of the limit; NaN when either is unknown. Kept with the price, so a decision copies it instead
   * of dividing per order.
   */
  distance: Float64Array;
  /** `|qty × limit|`: margin before the requirement. */
  notional: Float64Array;
  placedAt: Float64Array;
  forecastPnl: Float64Array;
  /** Index into the symbol table (see `OrderColumns.symbolId`). */
  symbol: Int32Array;
  /** ORDER_* bits (order-flags.ts). */
  flags: Uint8Array;
  /**
   * A number that changes whenever the row's order, its price or its limit may have changed (any write of
   * the row), unique across all instances and never reused; a row moved by a removal keeps its stamp, since
   * its content moves with it. Whoever remembers something computed from a row (the valuator's answers)
   * knows it still holds while the row's stamp is the one it saw, without reading the order again.
   */
  stamp: Float64Array;
  /** `notional` of the crypto entry orders, 0 in the other rows: held margin sums without a branch. */
  cryptoEntryNotional: Float64Array;
  /** `notional` of the stock entry orders, 0 in the other rows. */
  stockEntryNotional: Float64Array;
  /** Margin held at the requirements of the last `prepare` (exits hold none). */
  margin: Float64Array;
  /**
   * What makes the order no victim whatever the request, at the protection of the last `prepare`: external,
   * pending cancel, not an entry, probe, no price, protected by distance, in that order (candidate reasons:
   * README "The rules in one table"); eligible otherwise. decide() adds what depends on the request, the time
   * and the history.
   */
  reason: Uint8Array;
  /** distance, margin and notional were handed out by lend(): copy them before their next change. */
  private lent = false;

  constructor(capacity = INITIAL_CAPACITY) {
    const n = Math.max(1, capacity);
    this.price = new Float64Array(n);
    this.limit = new Float64Array(n);
    this.distance = new Float64Array(n);
    this.notional = new Float64Array(n);
    this.placedAt = new Float64Array(n);
    this.forecastPnl = new Float64Array(n);
    this.symbol = new Int32Array(n);
    this.flags = new Uint8Array(n);
    this.stamp = new Float64Array(n);
    this.cryptoEntryNotional = new Float64Array(n);
    this.stockEntryNotional = new Float64Array(n);
    this.margin = new Float64Array(n);
    this.reason = new Uint8Array(n);
  }

  /**
   * The first `n` rows of distance, margin and notional as they are now, without a copy: a decision's
   * candidate table reads them in place. They are lent: the next change to a lent column copies it first
   * (copy on write), so the table keeps what the decision saw while the columns go on.
   */
  lend(n: number): Pick<OrderColumnStore, 'distance' | 'margin' | 'notional'> {
    this.lent = true;
    return {
      distance: this.distance.subarray(0, n),
      margin: this.margin.subarray(0, n),
      notional: this.notional.subarray(0, n),
    };
  }

  /** Row `from`'s values into row `to` (a removal moves the last row into the removed one's place). */
  protected moveRow(from: number, to: number): void {
    this.keep();
    this.price[to] = this.price[from]!;
    this.limit[to] = this.limit[from]!;
    this.distance[to] = this.distance[from]!;
    this.notional[to] = this.notional[from]!;
    this.placedAt[to] = this.placedAt[from]!;
    this.forecastPnl[to] = this.forecastPnl[from]!;
    this.symbol[to] = this.symbol[from]!;
    this.flags[to] = this.flags[from]!;
    this.stamp[to] = this.stamp[from]!;
    this.cryptoEntryNotional[to] = this.cryptoEntryNotional[from]!;
    this.stockEntryNotional[to] = this.stockEntryNotional[from]!;
    this.margin[to] = this.margin[from]!;
    this.reason[to] = this.reason[from]!;
  }

  /**
   * Before writing distance, margin or notional: copy them if lent, so their borrowers keep what they read.
   * The copies are carved from the decision slabs (one region, not three buffers of their own).
   */
  protected keep(): void {
    if (!this.lent) return;
    const capacity = this.distance.length;
    const { buffer, offset } = carveColumns(capacity * 24);
    const copy = (from: Float64Array, k: number): Float64Array => {
      const to = new Float64Array(buffer, offset + k * capacity * 8, capacity);
      to.set(from);
      return to;
    };
    this.distance = copy(this.distance, 0);
    this.margin = copy(this.margin, 1);
    this.notional = copy(this.notional, 2);
    this.lent = false;
  }

  /** Room for `capacity` rows, the rows kept. */
  protected grow(capacity: number): void {
    // Fresh arrays: what was lent stays with its borrowers, unchanged.
    this.lent = false;
    this.price = grown(this.price, capacity);
    this.limit = grown(this.limit, capacity);
    this.distance = grown(this.distance, capacity);
    this.notional = grown(this.notional, capacity);
    this.placedAt = grown(this.placedAt, capacity);
    this.forecastPnl = grown(this.forecastPnl, capacity);
    this.symbol = grown(this.symbol, capacity);
    this.cryptoEntryNotional = grown(this.cryptoEntryNotional, capacity);
    this.stockEntryNotional = grown(this.stockEntryNotional, capacity);
    this.margin = grown(this.margin, capacity);
    this.flags = grown(this.flags, capacity);
    this.stamp = grown(this.stamp, capacity);
    this.reason = grown(this.reason, capacity);
  }
}
