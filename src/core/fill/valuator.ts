import { COPY_BY_VIEW, grownColumn } from '../policy/columns.js';
import type { NextBarCompletion, OrderValueColumns, Valuator } from '../policy/valuation.js';
import { VAL_P, VAL_P_NEXT_BAR, VAL_RETURN, VAL_SIGMA } from '../policy/valuation.js';
import type { EntryRequest, OpenOrder, TimeMs } from '../types.js';
import { FILL_P, FILL_P_NEXT_BAR, FILL_SIGMA_HOUR, FILL_SLOTS, type FillModel } from './model.js';
import { resolveNextBar } from './chances.js';
import { logDistance } from './distance.js';
import type { ReturnShrinker } from './returns.js';

export interface FillValuatorOptions {
  model: FillModel;
  returns: ReturnShrinker;
  /** Symbol → the index the model and the returns use. A symbol not in it is unknown (NaN valuation). */
  symbolIndex: ReadonlyMap<string, number>;
  /** When a resting order stops being valid (the session placed it and knows); NaN when unknown. */
  orderValidUntil(order: OpenOrder): TimeMs;
  /**
   * The session promises that `orderValidUntil` gives an order the same answer for as long as it rests (its
   * validity is fixed when it is placed, as the simulator's signals are): the batch form then asks once per
   * row content (stamp) instead of once per row per decision. Leave it out when a validity can change while
   * the order rests (the live runtime's: a newer signal makes an older order's validity unknown).
   */
  orderValidityFixed?: boolean;
  /** When the requested order would stop being valid if placed at `now`. */
  requestValidUntil(request: EntryRequest, now: TimeMs): TimeMs;
}

/**
 * The policy's Valuator over a FillModel and a ReturnShrinker: P and next-bar P from the model at the
 * order's reference price, e from the symbol's shrunk realised returns.
 *
 * The batch form (`valueOrders`, what decide() calls with the order columns' stamps) remembers, by
 * candidate row, what it computed (see RowValuations): the answers until the model sees a bar, a trade is
 * recorded, `now` changes or the order's validity does; the order's log distance for as long as the row's
 * stamp stays (the same order at the same price and limit); its symbol's index for as long as the row holds
 * the same order. So several decisions at one bar close value each order once, and the first decision after
 * a bar looks up no symbol. The cache changes how fast an answer comes, never the answer.
 */
export function fillValuator(options: FillValuatorOptions): Valuator {
  const { model, returns, symbolIndex } = options;
  const fill = new Float64Array(FILL_SLOTS);
  const indexOf = (symbol: string): number => symbolIndex.get(symbol) ?? -1;
  /** The four VAL_* slots of symbol index `i` (−1: unknown) into `out` from `at`. */
  const write = (
    i: number,
    side: OpenOrder['side'],
    limit: number,
    price: number | null,
    now: TimeMs,
    until: TimeMs,
    out: Float64Array,
    at: number,
  ): void => {
    // An unknown validity (NaN) is an unknown chance, never "no time left": the order is then no victim.
    if (i < 0 || price === null || until !== until) {
      out.fill(Number.NaN, at, at + 4);
      return;
    }
    model.evaluate(i, side, limit, price, now, until, fill);
    out[at + VAL_P] = fill[FILL_P]!;
    out[at + VAL_P_NEXT_BAR] = fill[FILL_P_NEXT_BAR]!;
    out[at + VAL_SIGMA] = fill[FILL_SIGMA_HOUR]!;
    out[at + VAL_RETURN] = returns.expectedReturn(i);
  };
  const single = new Float64Array(4);
  const rows = new RowValuations();
  return {
    valueOrder(o, now, out) {
      write(indexOf(o.symbol), o.side, o.limitPrice, o.price, now, options.orderValidUntil(o), out, 0);
    },
    valueRequest(r, now, out) {
      write(indexOf(r.symbol), r.side, r.limitPrice, r.price, now, options.requestValidUntil(r, now), out, 0);
    },
    valueOrders(orders, list, count, now, out, stamps, deferBelow) {
      if (!stamps) {
        // No stamps: nothing says a row still holds the order it held, so each is valued afresh.
        for (let k = 0; k < count; k++) {
          const i = list[k]!;
          const o = orders[i]!;
          write(indexOf(o.symbol), o.side, o.limitPrice, o.price, now, options.orderValidUntil(o), single, 0);
          out.probability[i] = single[VAL_P]!;
          out.nextBarProbability[i] = single[VAL_P_NEXT_BAR]!;
          out.expectedReturn[i] = single[VAL_RETURN]!;
          out.sigma[i] = single[VAL_SIGMA]!;
        }
        return;
      }
      const fixed = options.orderValidityFixed === true;
      const defer = deferBelow ?? Number.NEGATIVE_INFINITY;
      const left = rows.value(
        orders,
        list,
        count,
        now,
        out,
        stamps,
        fixed,
        options.orderValidUntil,
        model,
        returns,
        indexOf,
        defer,
      );
      // A completion only when a chance was left: most decisions of a small book leave none.
      return left ? completion(model, indexOf) : undefined;
    },
  };
}

/**
 * What resolves the next-bar chances a batch left for later (see Valuator.valueOrders): the tail ceilings
 * of this version, kept, and each row's class from its symbol (fixed).
 */
function completion(model: FillModel, indexOf: (symbol: string) => number): NextBarCompletion {
  const crypto = model.tailCeiling(0);
  const stock = model.tailCeiling(1);
  return (nextBar, orders) => {
    for (let r = 0; r < orders.length; r++) {
      const kept = nextBar[r]!;
      if (kept < 0) {
        const ceiling = model.classOf(indexOf(orders[r]!.symbol)) === 0 ? crypto : stock;
        nextBar[r] = resolveNextBar(kept, ceiling);
      }
    }
  };
}

/**
 * What the batch valuation remembers per candidate row, in columns: the order it last saw there with the
 * model index of its symbol (an order keeps its symbol); the stamp of the row content it last saw, with what
 * depends on that content alone (the symbol index again, −1 when unknown or when the order has no price;
 * its log distance; its validity when fixed); and the answers, with the stamp they were computed for in this
 * generation (model version, returns version, `now`, deferral threshold): 0 when none yet. Across generations of one model
 * version it also keeps the variance each next-bar answer came from (NaN when none; see
 * ChanceColumns), so that a new `now` whose next-bar window has the same variance takes it again.
 */
class RowValuations {
  private stampModel = -1;
  private stampReturns = -1;
  private stampNow = Number.NaN;
  private stampDefer = Number.NEGATIVE_INFINITY;
  /** The model version the rows' next-bar variances were computed at. */
  private nextBarModel = -1;
  private readonly rowOrder: (OpenOrder | undefined)[] = [];
  private orderSymbol = new Int32Array(0);
  private stamp = new Float64Array(0);
  private symbol = new Int32Array(0);
  private distance = new Float64Array(0);
  private current = new Float64Array(0);
  private until = new Float64Array(0);
  private probability = new Float64Array(0);
  private nextBar = new Float64Array(0);
  private nextBarVariance = new Float64Array(0);
  private expectedReturn = new Float64Array(0);
  private sigma = new Float64Array(0);
  /** What a stock row's validity reaches in the model's tradable profile (ChanceColumns.windowTo and after). */
  private windowTo = new Float64Array(0);
  private windowEpoch = new Float64Array(0);
  private windowTradable = new Float64Array(0);
  private windowOpens = new Float64Array(0);
  /** The rows of this batch the model values (scratch). */
  private valued = new Int32Array(0);
  /** The rows of this batch whose content is new to it (scratch). */
  private slow = new Int32Array(0);

  /** Values the listed rows into `out`; true when one of them holds a next-bar chance left for later. */
  value(
    orders: readonly OpenOrder[],
    rows: Int32Array,
    count: number,
    now: TimeMs,
    out: OrderValueColumns,
    stamps: Float64Array,
    validityFixed: boolean,
    validUntil: (order: OpenOrder) => TimeMs,
    model: FillModel,
    returns: ReturnShrinker,
    indexOf: (symbol: string) => number,
    deferBelow: number,
  ): boolean {
    if (this.stamp.length < orders.length) this.grow(orders.length * 2);
    if (model.version !== this.nextBarModel) {
      this.nextBarModel = model.version;
      this.nextBarVariance.fill(Number.NaN); // another calibration: no next-bar answer carries over
    }
    if (
      model.version !== this.stampModel ||
      returns.version !== this.stampReturns ||
      now !== this.stampNow ||
      deferBelow !== this.stampDefer
    ) {
      this.stampModel = model.version;
      this.stampReturns = returns.version;
      this.stampNow = now;
      // Another threshold: a kept deferred chance may have to be resolved (evaluateRows does it).
      this.stampDefer = deferBelow;
      this.current.fill(0); // stamps start at 1: no row has answers for the new generation yet
    }
    // Locals for the loop: the validity callback is opaque to the compiler, which would otherwise read
    // every field again after each call.
    const { stamp, symbol, distance, current, until, probability, nextBar, nextBarVariance } = this;
    const { expectedReturn, sigma, valued } = this;
    let valuedCount = 0;
    // A fixed validity: a row whose content was seen (most) keeps all but its answers, and is listed here
    // at once; the rest go to the loop below. That loop asks for validities, which this one need not: the
    // compiler keeps its columns in registers across no call.
    let list = rows;
    let listed = count;
    if (validityFixed) {
      const slow = this.slow;
      listed = 0;
      for (let k = 0; k < count; k++) {
        const i = rows[k]!;
        const seen = stamps[i]!;
        if (current[i] === seen) continue;
        if (stamp[i] !== seen) {
          slow[listed++] = i;
          continue;
        }
        current[i] = seen;
        const s = symbol[i]!;
        const u = until[i]!;
        if (s < 0 || u !== u) this.unknown(i);
        else {
          valued[valuedCount++] = i;
          expectedReturn[i] = returns.expectedReturn(s);
        }
      }
      list = slow;
    }
    for (let k = 0; k < listed; k++) {
      const i = list[k]!;
      const seen = stamps[i]!;
      let u: TimeMs;
      if (validityFixed) {
        // A row needs work only when it has no answers for this content and generation (most rows at a
        // bar's later decisions); a fixed validity was asked when the row's content was first seen.
        if (current[i] === seen) continue;
        u = stamp[i] === seen ? until[i]! : validUntil(orders[i]!);
      } else {
        u = validUntil(orders[i]!);
        if (current[i] === seen && until[i] === u) continue;
      }
      if (stamp[i] !== seen) {
        // Another order, price or limit in this row: what depends on them alone, once. No price makes the
        // valuation unknown as an unknown symbol does.
        const o = orders[i]!;
        stamp[i] = seen;
        if (this.rowOrder[i] !== o) {
          this.rowOrder[i] = o;
          this.orderSymbol[i] = indexOf(o.symbol);
        }
        const s = o.price === null ? -1 : this.orderSymbol[i]!;
        symbol[i] = s;
        distance[i] = s < 0 ? Number.NaN : logDistance(o.side, o.limitPrice, o.price!);
        nextBarVariance[i] = Number.NaN; // another distance: the last next-bar answer is not this one's
      }
      current[i] = seen;
      until[i] = u;
      const s = symbol[i]!;
      if (s < 0 || u !== u) this.unknown(i);
      else {
        valued[valuedCount++] = i;
        expectedReturn[i] = returns.expectedReturn(s);
      }
    }
    // The chances and σ of the rows listed, by the model in one pass (the columns hold the answers).
    const { windowTo, windowEpoch, windowTradable, windowOpens } = this;
    const columns = {
      symbol,
      distance,
      until,
      probability,
      nextBar,
      nextBarVariance,
      sigma,
      windowTo,
      windowEpoch,
      windowTradable,
      windowOpens,
    };
    model.evaluateRows(valued, valuedCount, now, columns, deferBelow);
    const n = orders.length;
    let left = false;
    if (n < COPY_BY_VIEW) {
      for (let k = 0; k < count; k++) {
        const i = rows[k]!;
        out.probability[i] = probability[i]!;
        out.nextBarProbability[i] = nextBar[i]!;
        out.expectedReturn[i] = expectedReturn[i]!;
        out.sigma[i] = sigma[i]!;
        left ||= nextBar[i]! < 0;
      }
      return left;
    }
    // Every row's answers at once, listed or not (the contract lets the rows not listed be anything): one
    // copy per column costs less than four stores per row.
    out.probability.set(probability.subarray(0, n));
    out.nextBarProbability.set(nextBar.subarray(0, n));
    out.expectedReturn.set(expectedReturn.subarray(0, n));
    out.sigma.set(sigma.subarray(0, n));
    if (deferBelow === Number.NEGATIVE_INFINITY) return false;
    for (let k = 0; k < count && !left; k++) left = nextBar[rows[k]!]! < 0;
    return left;
  }

  private grow(capacity: number): void {
    const grown = <T extends Float64Array | Int32Array>(a: T): T => grownColumn(a, capacity);
    this.stamp = grown(this.stamp);
    this.orderSymbol = grown(this.orderSymbol);
    this.symbol = grown(this.symbol);
    this.distance = grown(this.distance);
    this.current = grown(this.current);
    this.until = grown(this.until);
    this.probability = grown(this.probability);
    this.nextBar = grown(this.nextBar);
    const known = this.nextBarVariance.length;
    this.nextBarVariance = grown(this.nextBarVariance).fill(Number.NaN, known); // no answer to take yet
    this.expectedReturn = grown(this.expectedReturn);
    this.sigma = grown(this.sigma);
    this.windowTo = grown(this.windowTo);
    this.windowEpoch = grown(this.windowEpoch);
    this.windowTradable = grown(this.windowTradable);
    this.windowOpens = grown(this.windowOpens);
    this.valued = new Int32Array(capacity);
    this.slow = new Int32Array(capacity);
  }

  /** As valueOrder: an unknown symbol, price or validity leaves every slot of row i unknown. */
  private unknown(i: number): void {
    this.probability[i] = Number.NaN;
    this.nextBar[i] = Number.NaN;
    this.nextBarVariance[i] = Number.NaN;
    this.expectedReturn[i] = Number.NaN;
    this.sigma[i] = Number.NaN;
  }
}
