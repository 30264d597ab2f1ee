import type { MarginTable } from '../config/schema.js';
import { marginCapacity, notional, overnightStockRequirement } from './requirements.js';

/**
 * The end-of-day check (README "The model: assumptions and limits"): at the overnight requirement, does stock
 * margin (plus crypto, which is unchanged overnight) still fit under the capacity E allows? Returns how much
 * margin must be shed.
 */
export interface OvernightCheckInput {
  equity: number;
  bufferPct: number;
  cryptoMargin: number;
  stockOrderNotional: number;
  stockPositionNotional: number;
  table: MarginTable;
  /**
   * What the resting entry orders would pay in fees if they filled, held back from the capacity (never from
   * the equity that picks the requirement), as each entry decision holds it back: an entry that fills after
   * the close then pays its fee without leaving margin over capacity. 0 by default.
   */
  heldBack?: number;
}

export interface OvernightCheck {
  requirement: number;
  capacity: number;
  marginAtClose: number;
  /** Margin to free before the close; 0 when it already fits. */
  excess: number;
}

export function overnightCheck(input: OvernightCheckInput): OvernightCheck {
  const requirement = overnightStockRequirement(input.equity, input.table);
  const capacity = marginCapacity(input.equity - (input.heldBack ?? 0), input.bufferPct);
  const marginAtClose =
    input.cryptoMargin + (input.stockOrderNotional + input.stockPositionNotional) * requirement;
  return { requirement, capacity, marginAtClose, excess: Math.max(0, marginAtClose - capacity) };
}

/** Quantity of a position to sell so that its margin falls by `excess` (fractional, capped at the position). */
export function trimQtyFor(excess: number, price: number, requirement: number, positionQty: number): number {
  if (excess <= 0) return 0;
  const perShare = notional(1, price) * requirement;
  if (perShare <= 0) return 0;
  return Math.min(Math.abs(positionQty), excess / perShare);
}
