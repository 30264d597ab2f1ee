import type { Session } from '../core/calendar/index.js';
import type { AssetClass } from '../core/types.js';

/**
 * When a symbol's watchers are asked (README "Architecture"), one rule for the simulator and live trading:
 * when its price is newer than the one they last looked at. A price is made at a time: the close of the bar
 * in the simulator and a replay (prices change only then), the quote's time live. A run starts having seen
 * everything made up to its start (the simulator's `from`: bars closing after it), so the first look is at a
 * new price.
 */
export function freshPrice(priceTime: number, lastSeen: number): boolean {
  return priceTime > lastSeen;
}

/** When a quote's price was made: its own time, or `now` for a feed that gives none. */
export function quoteMadeAt(quote: { time?: number | undefined }, now: number): number {
  return quote.time ?? now;
}

/**
 * End of day (README "The model: assumptions and limits"): from `deleverageLeadMinutes` before the regular
 * close until the close, no new stock entry is asked for. The window's cancels make the overnight requirement
 * fit; an entry placed after them would only undo that (and be trimmed at the close). Crypto is not held to
 * the stock close.
 */
export function stockEntriesClosed(
  assetClass: AssetClass,
  now: number,
  sessionAt: (t: number) => Session | null,
  leadMinutes: number,
): boolean {
  if (assetClass !== 'stock') return false;
  const session = sessionAt(now);
  return session !== null && now >= session.close - leadMinutes * 60_000;
}

/**
 * The times a driver must look at the market besides its own rhythm: the end-of-day window's start and the
 * close of each session. The next one strictly after `t` (null when the calendar has none).
 */
export function nextEndOfDayEvent(
  t: number,
  nextClose: (t: number) => number | null,
  leadMinutes: number,
): number | null {
  const lead = leadMinutes * 60_000;
  // The window of the next close may already have started: its close is then the next event.
  const close = nextClose(t + 1);
  if (close === null) return null;
  return close - lead > t ? close - lead : close;
}
