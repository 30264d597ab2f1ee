import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { AssetClass, Side } from '../core/types.js';

/**
 * The bar fill rules (DESIGN §6), shared by the simulator and the replay venue so that both fill orders
 * exactly alike. Pure functions over numbers: they run in the simulator's inner loop.
 */

/** An order is placed at a bar's close, so it can fill only in bars that open at or after its placement. */
export function canFillInBar(placedAt: number, barOpen: number): boolean {
  return placedAt <= barOpen;
}

/**
 * The price a limit order fills at in a bar, or NaN when the bar does not reach the limit. A buy fills when
 * the low reaches the limit, at min(limit, open): a bar that gaps through the limit fills at its open, never
 * at the better limit. A sell mirrors it. Take-profit orders follow the same rule for their side.
 */
export function limitFillPrice(side: Side, limit: number, open: number, high: number, low: number): number {
  if (side === 'buy') return low <= limit ? Math.min(limit, open) : Number.NaN;
  return high >= limit ? Math.max(limit, open) : Number.NaN;
}

/**
 * Whether a symbol's bar can trade at all (DESIGN §6): a stock only in bars that open in its regular session
 * unless extended hours are on (a pre- or after-market bar's range is not the session's book); crypto always.
 */
export function tradesInBar(
  assetClass: AssetClass,
  barOpen: number,
  calendar: Pick<ExchangeCalendar, 'isRegularSession'>,
  extendedHours: boolean,
): boolean {
  return assetClass !== 'stock' || extendedHours || calendar.isRegularSession(barOpen);
}
