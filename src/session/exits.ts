import type { AssetClass, Side } from '../core/types.js';
import { roundLimit } from './sizing.js';

/**
 * Exits of a position (DESIGN §6), the one rule of the simulator and live trading: a take-profit limit at the
 * signal's price armed after the entry filled, an optional stop `stopLossPct` from the fill, and a time stop
 * `timeStopHours` after the fill. Decided where a watcher is asked (a fresh price of its symbol, asking.ts).
 */
export interface ExitRule {
  /** Fraction of the fill price; 0: no stop. */
  stopLossPct: number;
  /** Hours after the fill; 0: no time stop. */
  timeStopHours: number;
}

export interface ExitLevels {
  stopPrice: number | null;
  timeStopAt: number | null;
}

/** The stop and the time stop of a position whose entry (on `side`) filled at `price` at `time`. */
export function exitLevels(rule: ExitRule, side: Side, price: number, time: number): ExitLevels {
  const stop = rule.stopLossPct;
  return {
    stopPrice: stop > 0 ? (side === 'buy' ? price * (1 - stop) : price * (1 + stop)) : null,
    timeStopAt: rule.timeStopHours > 0 ? time + rule.timeStopHours * 3_600_000 : null,
  };
}

/** What a position's exit watcher does when it is asked. */
export type ExitStep = 'time-stop' | 'arm-take-profit' | 'hold';

/**
 * A position past its time stop leaves by an order that trades now (and no take-profit is armed for it);
 * otherwise its take-profit is armed when none rests.
 */
export function exitStep(timeStopAt: number | null, now: number, takeProfitResting: boolean): ExitStep {
  if (timeStopAt !== null && now >= timeStopAt) return 'time-stop';
  return takeProfitResting ? 'hold' : 'arm-take-profit';
}

/** The take-profit order for a position: the whole quantity, on the closing side, at a price the venue takes. */
export function takeProfitOrder(
  assetClass: AssetClass,
  positionSide: Side,
  qty: number,
  takeProfit: number,
): { side: Side; qty: number; limitPrice: number } {
  const side: Side = positionSide === 'buy' ? 'sell' : 'buy';
  return { side, qty: Math.abs(qty), limitPrice: roundLimit(assetClass, side, takeProfit) };
}

/** Whether a bar reached the stop of a position on `side` (the simulator's intrabar stop). */
export function stopTouched(side: Side, stopPrice: number, high: number, low: number): boolean {
  return side === 'buy' ? low <= stopPrice : high >= stopPrice;
}
