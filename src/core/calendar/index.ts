/**
 * Exchange calendars: when the US equity regular session is open, DST-correct, with NYSE holidays, early
 * closes and one-off closures for 2000..2035, or a user-supplied list of sessions. Pure: instants in, answers
 * out; no clock reads, no I/O.
 */
export type { ExchangeCalendar, Session } from './types.js';
export { nyseCalendar } from './nyse.js';
export { calendarFromSessions } from './override.js';
export { newYorkDay, newYorkDayNumber, newYorkOffsetMinutes, newYorkWallToUtc } from './dst.js';
export { afterHoursEndOf, stockSessionAt, type StockSession } from './extended.js';
export { limitHours, limitWorksInBar, refusedLimitReason, type LimitHours } from './order-hours.js';
