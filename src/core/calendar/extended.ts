import { newYorkDay, newYorkWallToUtc } from './dst.js';
import type { ExchangeCalendar, Session } from './types.js';

export type StockSession = 'regular' | 'extended' | 'closed';

/** US equity extended hours (as Alpaca works them): pre-market from 04:00 New York, after-hours until 20:00 (4 h after an early close). */
const PRE_MARKET_FROM = { hh: 4, mm: 0 };
const AFTER_HOURS_UNTIL = { hh: 20, mm: 0 };
const AFTER_HOURS_MS = 4 * 3_600_000;

/** Which US equity session `t` falls in on a trading day of `calendar`; weekends and holidays are closed. */
export function stockSessionAt(t: number, calendar: Pick<ExchangeCalendar, 'sessionFor'>): StockSession {
  // A time without a New York day would become the day 'NaN-NaN-NaN' below. NaN is refused with its value,
  // as the calendars refuse it; ±Infinity lie before and after every session: closed.
  if (!Number.isFinite(t)) {
    if (Number.isNaN(t))
      throw new RangeError(`stockSessionAt: the time must be a number of epoch milliseconds (got ${t})`);
    return 'closed';
  }
  const day = newYorkDay(t);
  const session = calendar.sessionFor(day);
  if (!session) return 'closed';
  if (t >= session.open && t < session.close) return 'regular';
  const preMarket = newYorkWallToUtc(day, PRE_MARKET_FROM.hh, PRE_MARKET_FROM.mm);
  const afterHoursEnd = afterHoursEndOf(session);
  return (t >= preMarket && t < session.open) || (t >= session.close && t < afterHoursEnd)
    ? 'extended'
    : 'closed';
}

/**
 * When the after-hours session of a trading day ends: 20:00 New York, or 4 h after an early close (17:00).
 * A stock DAY order with extended hours lapses then (order-hours.ts limitHours).
 */
export function afterHoursEndOf(session: Session): number {
  return Math.min(
    session.close + AFTER_HOURS_MS,
    newYorkWallToUtc(session.day, AFTER_HOURS_UNTIL.hh, AFTER_HOURS_UNTIL.mm),
  );
}
