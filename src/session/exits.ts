import type { AssetClass, Side } from '../core/types.js';
import { roundLimit } from './sizing.js';

/**
 * Exits of a position (README "The model: assumptions and limits"), the one rule of the simulator and live
 * trading: a take-profit limit at the signal's price armed after the entry filled, an optional stop
 * `stopLossPct` from the fill (seen on a closed bar, `stopReached`), and a time stop `timeStopHours` after
 * the fill; the two stops leave by an order that trades now. Decided where a watcher is asked (a fresh price
 * of its symbol, asking.ts).
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

/** The side of the orders that close a position on `side` (its take-profit, its market exits). */
export function closingSide(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}

/** The take-profit order for a position: the whole quantity, on the closing side, at a price the venue takes. */
export function takeProfitOrder(
  assetClass: AssetClass,
  positionSide: Side,
  qty: number,
  takeProfit: number,
): { side: Side; qty: number; limitPrice: number } {
  const side = closingSide(positionSide);
  return { side, qty: Math.abs(qty), limitPrice: roundLimit(assetClass, side, takeProfit) };
}

/** Whether a bar reached the stop of a position on `side`. */
export function stopTouched(side: Side, stopPrice: number, high: number, low: number): boolean {
  return side === 'buy' ? low <= stopPrice : high >= stopPrice;
}

/** The symbol's bar that closed last: when it opened (ms) and its range. */
export interface ClosedBar {
  open: number;
  high: number;
  low: number;
}

/**
 * Whether a position on `side` that filled at `filledAt` leaves by its stop now: the symbol's bar that
 * closed last reached the stop. The stop is seen when that bar closes and the position leaves by an order
 * that trades now, at the next price the venue gives (the open of the symbol's next tradable bar), never at
 * the stop inside the bar: a polling bot holds no resting stop order at the venue (the Broker port has none),
 * so a bar that gaps or falls through the stop costs what it cost. A bar that opened before the fill is not
 * the position's (its low may have come first). One rule for the simulator and live (README "Architecture").
 */
export function stopReached(
  side: Side,
  stopPrice: number | null,
  filledAt: number | null,
  bar: ClosedBar | null,
): boolean {
  return (
    stopPrice !== null &&
    bar !== null &&
    filledAt !== null &&
    filledAt <= bar.open &&
    stopTouched(side, stopPrice, bar.high, bar.low)
  );
}
