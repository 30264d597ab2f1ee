import type { ExchangeCalendar } from '../calendar/index.js';
import type { TimeMs } from '../types.js';

/**
 * What a stock can trade in a window `(from, to]`: regular-session milliseconds, and how many session opens
 * fall inside (each brings an overnight gap). The window ends early once `maxTradableMs` of session time is
 * counted (opens after that point are not counted), and at the end of the calendar's range.
 * Written into `out` ([tradableMs, opens]) so that the fill model's hot path allocates nothing.
 */
export function stockWindow(
  calendar: ExchangeCalendar,
  from: TimeMs,
  to: TimeMs,
  maxTradableMs: number,
  out: Float64Array,
): void {
  let tradable = 0;
  let opens = 0;
  let t = from;
  // Each turn of the loop crosses one session (or the closed spell before one); a window of days takes a few.
  while (t < to) {
    const session = calendar.sessionAt(t);
    if (session) {
      let end = session.close < to ? session.close : to;
      if (end - t >= maxTradableMs - tradable) end = t + (maxTradableMs - tradable);
      tradable += end - t;
      if (tradable >= maxTradableMs) break;
      t = session.close;
      continue;
    }
    const open = calendar.nextOpen(t);
    if (open === null || open > to) break;
    if (open > from) opens++;
    if (open === t) break; // cannot happen (sessionAt would have found it); guards the loop
    t = open;
  }
  out[0] = tradable;
  out[1] = opens;
}
