import type { AssetClass, OrderRole, Side } from '../core/types.js';
import type { VenueOrder } from '../ports/venue.js';
import type { SessionValuation } from '../session/valuation.js';
import type { FeeRates } from '../sim/costs.js';
import { limitFillRole } from '../sim/fill-rules.js';

/** A position as our own fills opened it: what its exits earned is measured against this. */
interface OpenTrade {
  side: Side;
  qty: number;
  entryPrice: number;
  /** The entry fees not yet charged to an exit (a partial exit takes its share). */
  entryFees: number;
}

/** What one exit order closed since the valuation last learned. */
export interface ClosedTrade {
  symbol: string;
  pnl: number;
  entryNotional: number;
}

/** One fill of one of our orders, as the order events report it (cumulative quantity, average price). */
export type FilledOrder = Pick<
  VenueOrder,
  'id' | 'symbol' | 'assetClass' | 'side' | 'limitPrice' | 'filledQty' | 'fillPrice'
>;

/**
 * The live side of the realised per-fill returns (src/core/fill/USAGE.md): the simulator's
 * portfolio records a trade for each exit (net PnL after the entry's and the exit's fees, over the entry
 * notional) and teaches it to the session valuation; here the order events give the same trades. An entry
 * fill opens the symbol's position; an exit fill (take-profit, time stop, stop, end-of-day trim) closes part
 * or all of it. Fees follow the simulator's rates: a limit filled at a better price than its limit took the
 * book (the bar opened through it, src/sim/fill-rules.ts limitFillRole), every other exit is a market order.
 *
 * A position this process did not see open (opened before a restart, or not ours) teaches nothing: its
 * entry's fee and price are not known here. The trades that did close are kept in the store
 * (LiveValuation), so a restart forgets only the positions open across it.
 */
export class LiveTrades {
  private readonly positions = new Map<string, OpenTrade>();
  /** Per order id: the quantity and average price already counted (events report cumulative fills). */
  private readonly counted = new Map<string, { qty: number; price: number }>();
  /** Per exit order id, in the order they closed, until the next `teach`. */
  private readonly closed = new Map<string, ClosedTrade>();

  constructor(private readonly fees: FeeRates) {}

  /** A fill or partial fill of one of our orders; `role` as we placed it. */
  onFill(order: FilledOrder, role: OrderRole): void {
    const part = this.newPart(order);
    if (!part) return;
    if (role === 'entry') this.open(order, part.qty, part.price);
    else this.close(order, role, part.qty, part.price);
  }

  /**
   * The trades closed since the last call reach the valuation, each exit once, in the order they closed, and
   * `taught` hears of each one it learned (the runtime stores them, so that a restart learns them again).
   * Called where the simulator feeds its closed trades: after the fills of the bars that closed now, before
   * end of day and before any decision.
   */
  teach(valuation: SessionValuation, taught: (trade: ClosedTrade) => void = () => {}): void {
    for (const t of this.closed.values()) {
      const i = valuation.symbolIndex.get(t.symbol);
      if (i === undefined) continue;
      if (valuation.tradeClosed(i, t.pnl, t.entryNotional)) taught(t);
    }
    this.closed.clear();
  }

  /** The part of an order's cumulative fill not counted yet: its quantity and price. */
  private newPart(order: FilledOrder): { qty: number; price: number } | null {
    const price = order.fillPrice;
    if (price === null || !(order.filledQty > 0)) return null;
    const before = this.counted.get(order.id) ?? { qty: 0, price: 0 };
    const qty = order.filledQty - before.qty;
    if (!(qty > 1e-12)) return null;
    this.counted.set(order.id, { qty: order.filledQty, price });
    // A first (or only) fill is taken as reported; a later part is what moved the average.
    const partPrice = before.qty === 0 ? price : (price * order.filledQty - before.price * before.qty) / qty;
    return { qty, price: partPrice };
  }

  private open(order: FilledOrder, qty: number, price: number): void {
    const fee = Math.abs(qty * price) * this.rate(order.assetClass, order.side, order.limitPrice, price);
    const p = this.positions.get(order.symbol);
    if (!p || p.side !== order.side) {
      this.positions.set(order.symbol, { side: order.side, qty, entryPrice: price, entryFees: fee });
      return;
    }
    p.entryPrice = (p.entryPrice * p.qty + price * qty) / (p.qty + qty);
    p.qty += qty;
    p.entryFees += fee;
  }

  /** The simulator's Portfolio.close: the exit's fee and the entry fees' share come off the PnL. */
  private close(order: FilledOrder, role: OrderRole, qty: number, price: number): void {
    const p = this.positions.get(order.symbol);
    if (!p || p.side === order.side) return;
    const q = Math.min(p.qty, qty);
    const sign = p.side === 'buy' ? 1 : -1;
    const rate =
      role === 'take-profit'
        ? this.rate(order.assetClass, order.side, order.limitPrice, price)
        : this.fees[order.assetClass].taker;
    const fee = Math.abs(q * price) * rate;
    const entryFeeShare = p.entryFees * (q / p.qty);
    const pnl = sign * q * (price - p.entryPrice) - fee - entryFeeShare;
    const done = this.closed.get(order.id);
    if (done) {
      done.pnl += pnl;
      done.entryNotional += q * p.entryPrice;
    } else this.closed.set(order.id, { symbol: order.symbol, pnl, entryNotional: q * p.entryPrice });
    if (q >= p.qty - 1e-12) this.positions.delete(order.symbol);
    else {
      p.qty -= q;
      p.entryFees -= entryFeeShare;
    }
  }

  /** A limit's fee rate: the fill price says whether the book came to it or it took the book. */
  private rate(assetClass: AssetClass, side: Side, limit: number, price: number): number {
    return this.fees[assetClass][limitFillRole(side, limit, price)];
  }
}
