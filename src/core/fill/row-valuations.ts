import { COPY_BY_VIEW, grownColumn } from '../policy/columns.js';
import type { OrderValueColumns } from '../policy/valuation.js';
import type { OpenOrder, TimeMs } from '../types.js';
import type { ChanceColumns } from './chances.js';
import { logDistance } from './distance.js';
import type { FillModel } from './model.js';
import type { ReturnShrinker } from './returns.js';

/**
 * What the batch valuation remembers per candidate row, in columns: the order it last saw there with the
 * model index of its symbol (an order keeps its symbol); the stamp of the row content it last saw, with what
 * depends on that content alone (the symbol index again, −1 when unknown or when the order has no price;
 * its log distance; its validity when fixed); and the answers, with the stamp they were computed for in this
 * generation (model version, returns version, `now`, deferral threshold): 0 when none yet. Across generations of one model
 * version it also keeps the variance each next-bar answer came from (NaN when none; see
 * ChanceColumns), so that a new `now` whose next-bar window has the same variance takes it again.
 */
export class RowValuations {
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
  /**
   * The returns version each row's expected return was asked at: NaN when never, or when the row's content
   * or its being unknown changed since. The estimate is its symbol's and changes with the version alone, so
   * most decisions ask for none.
   */
  private returnsAt = new Float64Array(0);
  private sigma = new Float64Array(0);
  /** What a stock row's validity reaches in the model's tradable profile (ChanceColumns.windowTo and after). */
  private windowTo = new Float64Array(0);
  private windowEpoch = new Float64Array(0);
  private windowTradable = new Float64Array(0);
  private windowOpens = new Float64Array(0);
  /** The columns above as the model reads and writes them (ChanceColumns): made again when they grow. */
  private columns: ChanceColumns = this.chanceColumns();
  /** The rows of this batch the model values (scratch). */
  private valued = new Int32Array(0);
  /** The rows of this batch whose content is new to it (scratch). */
  private slow = new Int32Array(0);
  /** The rows of this batch whose expected return is to be asked (scratch). */
  private pending = new Int32Array(0);
  /** The first `copied` rows of the four answer columns, as the views value() copies into `out` (kept while n stays). */
  private copied = -1;
  private copyViews: OrderValueColumns | null = null;

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
    const { expectedReturn, sigma, valued, returnsAt, pending } = this;
    const returnsVersion = returns.version;
    let valuedCount = 0;
    let pendingCount = 0;
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
          if (returnsAt[i] !== returnsVersion) pending[pendingCount++] = i;
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
        returnsAt[i] = Number.NaN; // perhaps another symbol
      }
      current[i] = seen;
      until[i] = u;
      const s = symbol[i]!;
      if (s < 0 || u !== u) this.unknown(i);
      else {
        valued[valuedCount++] = i;
        if (returnsAt[i] !== returnsVersion) pending[pendingCount++] = i;
      }
    }
    for (let k = 0; k < pendingCount; k++) {
      const i = pending[k]!;
      expectedReturn[i] = returns.expectedReturn(symbol[i]!);
      returnsAt[i] = returnsVersion;
    }
    // The chances and σ of the rows listed, by the model in one pass (the columns hold the answers).
    model.evaluateRows(valued, valuedCount, now, this.columns, deferBelow);
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
    const from = this.answerViews(n);
    out.probability.set(from.probability);
    out.nextBarProbability.set(from.nextBarProbability);
    out.expectedReturn.set(from.expectedReturn);
    out.sigma.set(from.sigma);
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
    this.returnsAt = grown(this.returnsAt).fill(Number.NaN, known); // none asked yet
    this.sigma = grown(this.sigma);
    this.windowTo = grown(this.windowTo);
    this.windowEpoch = grown(this.windowEpoch);
    this.windowTradable = grown(this.windowTradable);
    this.windowOpens = grown(this.windowOpens);
    this.columns = this.chanceColumns();
    this.valued = new Int32Array(capacity);
    this.slow = new Int32Array(capacity);
    this.pending = new Int32Array(capacity);
    this.copied = -1; // the views were of the old columns
  }

  /** Views of the first `n` rows of the answer columns (made when `n` or the columns change, not per call). */
  private answerViews(n: number): OrderValueColumns {
    if (n !== this.copied || this.copyViews === null) {
      this.copyViews = {
        probability: this.probability.subarray(0, n),
        nextBarProbability: this.nextBar.subarray(0, n),
        expectedReturn: this.expectedReturn.subarray(0, n),
        sigma: this.sigma.subarray(0, n),
      };
      this.copied = n;
    }
    return this.copyViews;
  }

  private chanceColumns(): ChanceColumns {
    const { symbol, distance, until, probability, nextBar, nextBarVariance, sigma } = this;
    const { windowTo, windowEpoch, windowTradable, windowOpens } = this;
    return {
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
  }

  /** As valueOrder: an unknown symbol, price or validity leaves every slot of row i unknown. */
  private unknown(i: number): void {
    this.probability[i] = Number.NaN;
    this.nextBar[i] = Number.NaN;
    this.nextBarVariance[i] = Number.NaN;
    this.expectedReturn[i] = Number.NaN;
    this.returnsAt[i] = Number.NaN;
    this.sigma[i] = Number.NaN;
  }
}
