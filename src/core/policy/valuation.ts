import type { EntryRequest, OpenOrder, TimeMs } from '../types.js';

/** Slots of a valuation vector (see Valuator). */
export const VAL_P = 0;
export const VAL_P_NEXT_BAR = 1;
export const VAL_RETURN = 2;
export const VAL_SIGMA = 3;
export const VALUATION_SLOTS = 4;

/**
 * How `decide()` learns what an order is worth under a value ranking (src/core/fill/USAGE.md).
 * The caller (the trading session) owns the fill model and the realised returns; decide() asks only for the
 * orders it still considers, so the distance ranking never pays for it.
 *
 * Each call writes into `out`, by slot: VAL_P (chance to fill within the order's remaining validity),
 * VAL_P_NEXT_BAR (within the next bar), VAL_RETURN (expected net return given a fill, a fraction of
 * notional) and VAL_SIGMA (volatility per √hour, for the record). NaN means unknown: an order with an
 * unknown P or return is never a victim, and a requester with one never steals. Implementations must be
 * pure for a given `now` (same answer twice) and must not keep `out`.
 */
export interface Valuator {
  valueRequest(request: EntryRequest, now: TimeMs, out: Float64Array): void;
  valueOrder(order: OpenOrder, now: TimeMs, out: Float64Array): void;
  /**
   * Optional batch form of `valueOrder`, which decide() prefers: value `orders[rows[k]]` for every
   * `k < count` into row `rows[k]` of each column; the other rows of `out` (up to `orders.length`) may be
   * written with anything, so the caller sets them after the call. The answers must equal
   * `valueOrder`'s; one call per decision lets an implementation share work between orders. `rows` is
   * scratch that the caller reuses: read it during the call only.
   *
   * `stamps`, when given, holds a number per row that changes whenever the row's order, its price or its
   * limit may have changed, and never comes back (OrderColumns.stamp): an implementation may then remember
   * what it computed from a row for as long as the row's stamp stays, without reading the order again.
   *
   * `deferBelow`, when given: a next-bar chance the implementation can show to be below it (so it cannot
   * protect an order whose protection threshold is at least that) may be left for later. Its row then holds
   * a negative number instead (below every threshold, never NaN), and the call returns the completion that
   * writes the chances in place of those numbers: the same numbers the call would have written, whenever it
   * is called (it keeps what it needs). When nothing was left (always without `deferBelow`) it returns
   * nothing.
   */
  valueOrders?(
    orders: readonly OpenOrder[],
    rows: Int32Array,
    count: number,
    now: TimeMs,
    out: OrderValueColumns,
    stamps?: Float64Array | null,
    deferBelow?: number,
  ): NextBarCompletion | void;
}

/**
 * Writes the next-bar chances a batch valuation left for later into `nextBar` (the column it wrote), by the
 * rows of `orders` (the orders it valued): rows holding a chance are left as they are.
 */
export type NextBarCompletion = (nextBar: Float64Array, orders: readonly OpenOrder[]) => void;

/** What a valuator writes per order, by candidate row: the VAL_* slots in column form. */
export interface OrderValueColumns {
  probability: Float64Array;
  nextBarProbability: Float64Array;
  expectedReturn: Float64Array;
  sigma: Float64Array;
}

/** Per-candidate valuation columns of a decision under a value ranking (NaN where not evaluated). */
export interface ValueColumns extends OrderValueColumns {
  expectedValue: Float64Array;
  density: Float64Array;
}

/** The requester's valuation, as the decision saw it. */
export interface RequestValue {
  probability: number;
  nextBarProbability: number;
  expectedReturn: number;
  sigma: number;
  notional: number;
  expectedValue: number;
}

/**
 * The steal inequality with its numbers: steal iff `stealerValue > 0` and
 * `stealerValue − stealerCost ≥ factor · victimsValue + costPerNotional · victimsNotional`, where
 * `factor = 1 + h` (squared for a fight steal) and `victimsValue` counts each victim at no less than
 * MIN_VICTIM_VALUE_PER_NOTIONAL of its notional.
 */
export interface StealTest {
  stealerValue: number;
  stealerCost: number;
  victimsValue: number;
  victimsNotional: number;
  hysteresis: number;
  factor: number;
  costPerNotional: number;
  lhs: number;
  rhs: number;
  passed: boolean;
}

/**
 * A resting order counts as worth at least this share of its notional in the steal test: we chose to rest
 * it, so it is never free to cancel. This is what makes a very large h exactly "stealing off".
 */
export const MIN_VICTIM_VALUE_PER_NOTIONAL = 1e-9;
