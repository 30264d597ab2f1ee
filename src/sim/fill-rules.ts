import { stockSessionAt, type ExchangeCalendar } from '../core/calendar/index.js';
import type { AssetClass, Side } from '../core/types.js';

/**
 * The bar fill rules (README "The model: assumptions and limits"), shared by the simulator and the replay
 * venue so that both fill orders exactly alike. Pure functions over numbers: they run in the simulator's
 * inner loop.
 */

/** An order is placed at a bar's close, so it can fill only in bars that open at or after its placement. */
export function canFillInBar(placedAt: number, barOpen: number): boolean {
  return placedAt <= barOpen;
}

/**
 * The price a limit order fills at in a bar, or NaN when the bar does not reach the limit. A buy fills when
 * the low reaches the limit (less `through`, a fraction of it: fillThrough), at min(limit, open): a bar that
 * gaps through the limit fills at its open, never at the better limit. A sell mirrors it. Take-profit orders
 * follow the same rule for their side.
 */
export function limitFillPrice(
  side: Side,
  limit: number,
  open: number,
  high: number,
  low: number,
  through = 0,
): number {
  if (side === 'buy') return low <= limit * (1 - through) ? Math.min(limit, open) : Number.NaN;
  return high >= limit * (1 + through) ? Math.max(limit, open) : Number.NaN;
}

/**
 * How far beyond its limit a bar must trade to fill a resting order, as a fraction of the limit (config
 * `sim.fillRule`): 0 fills on a touch; `through` asks for `fillThroughBps` more, since a bar that only touches
 * the limit says nothing of whether our order was reached in the queue.
 */
export function fillThrough(sim: { fillRule: 'touch' | 'through'; fillThroughBps: number }): number {
  return sim.fillRule === 'through' ? sim.fillThroughBps / 10_000 : 0;
}

/**
 * The liquidity role of a limit fill: a bar that opens through the limit fills the order at the open, as an
 * order that takes the book would (taker); otherwise the market came to the resting order (maker).
 */
export function limitFillRole(side: Side, limit: number, open: number): 'maker' | 'taker' {
  return (side === 'buy' ? open < limit : open > limit) ? 'taker' : 'maker';
}

/**
 * The price a market order on `side` fills at: `price` (the open of the bar it trades in, or the close an
 * end-of-day trim trades at) moved against the order by `slippage`, a fraction (`sim.slippageBps` / 10,000).
 * Stops, time stops and trims leave by such an order.
 */
export function marketFillPrice(side: Side, price: number, slippage: number): number {
  return side === 'buy' ? price * (1 + slippage) : price * (1 - slippage);
}

/**
 * The price a position still open at the end of the data leaves at: the last close, as a market exit (every
 * exit but a take-profit is one, README "Costs and fill rules") moved against it by `slippage`. The
 * simulator's end of data and the steal regret's replay of a victim both close at it.
 */
export function endOfDataExitPrice(closing: Side, lastClose: number, slippage: number): number {
  return marketFillPrice(closing, lastClose, slippage);
}

/**
 * Whether a symbol's bar can trade at all (README "The model: assumptions and limits"): a stock only in bars
 * that open in its regular session (a pre- or after-market bar's range is not the session's book), or with
 * extended hours also in bars that open in the pre-market or after-hours session of a trading day
 * (stockSessionAt: the session rule the coordinator rests orders by), never overnight, on a weekend or on a
 * holiday; crypto always.
 */
export function tradesInBar(
  assetClass: AssetClass,
  barOpen: number,
  calendar: Pick<ExchangeCalendar, 'isRegularSession' | 'sessionFor'>,
  extendedHours: boolean,
): boolean {
  if (assetClass !== 'stock' || calendar.isRegularSession(barOpen)) return true;
  return extendedHours && stockSessionAt(barOpen, calendar) === 'extended';
}
