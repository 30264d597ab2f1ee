import type { TimeMs } from '../types.js';

/** One trading session. `open` and `close` are UTC instants; the session is the half-open interval [open, close). */
export interface Session {
  /** 'YYYY-MM-DD', the New York date of the session. */
  day: string;
  open: TimeMs;
  close: TimeMs;
  /** True on a scheduled early close (13:00 New York for NYSE). */
  early: boolean;
}

/**
 * A trading calendar. The built-in and file calendars (nyseCalendar, calendarFromSessions) are read-only and
 * throw a RangeError for a day that is not a real 'YYYY-MM-DD' date or a time that is NaN: either would
 * otherwise be answered "closed", and a typo would read as a closed market. ±Infinity are before every
 * session and after every session.
 */
export interface ExchangeCalendar {
  readonly name: string;
  /** The session on a New York date; null when the exchange is closed that day or the day is out of range. */
  sessionFor(day: string): Session | null;
  /** The session whose [open, close) contains t, else null. */
  sessionAt(t: TimeMs): Session | null;
  /** Whether t is inside a session: 09:30:00.000 is open, 16:00:00.000 is closed. */
  isRegularSession(t: TimeMs): boolean;
  /** Close of the session containing t, else the close of the next session after t; null past the range. */
  nextClose(t: TimeMs): TimeMs | null;
  /** Open of the next session starting at or after t (t itself when t is exactly an open); null past the range. */
  nextOpen(t: TimeMs): TimeMs | null;
  /** First and last New York dates the calendar describes ('YYYY-MM-DD'). */
  readonly firstDay: string;
  readonly lastDay: string;
}
