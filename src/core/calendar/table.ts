/**
 * The lookup structure behind every calendar: sessions sorted by open, in parallel Float64Arrays, searched by
 * bisection. The simulator steps through time in order, so the last hit is tried first and most calls cost two
 * comparisons; random access still costs only log2(#sessions) ≈ 14 steps for 36 years of NYSE.
 *
 * A calendar is read-only: `nyseCalendar()` hands every caller the same one, so one caller's edit would change
 * every later answer. Its data lives in a closure, out of reach; the object is frozen (its name and days
 * cannot be reassigned, nor its methods replaced) and so are its sessions. The methods do not read `this`, so
 * a calendar still works as a prototype (Object.create) or with its methods passed around on their own.
 */
import type { TimeMs } from '../types.js';
import { parseDay } from './civil.js';
import type { ExchangeCalendar, Session } from './types.js';

/** `sessions` must be sorted by open, non-overlapping, one per day, each with open < close (callers validate). */
export function sessionTable(
  name: string,
  sessionList: readonly Session[],
  firstDay: string,
  lastDay: string,
): ExchangeCalendar {
  const sessions: readonly Session[] = Object.freeze(sessionList.map((s) => Object.freeze({ ...s })));
  const opens = Float64Array.from(sessions, (s) => s.open);
  const closes = Float64Array.from(sessions, (s) => s.close);
  const byDay: ReadonlyMap<string, Session> = new Map(sessions.map((s) => [s.day, s]));
  const n = opens.length;
  /**
   * Index of the last lookup. A cache only: it changes how fast an answer is found, never the answer, so the
   * calendar stays a pure function of its inputs.
   */
  let hint = 0;

  /**
   * NaN compares false with everything, so it would be answered "closed": a bad clock or a misparsed bar time
   * would read as a closed market. Refused instead, naming the value. ±Infinity are ordered and answered as
   * before every session and after every session (the fill model's windows start at -Infinity).
   */
  const notATime = (t: unknown): never => {
    throw new RangeError(
      `${name} calendar: a time must be a number of epoch milliseconds (got ${String(t)}); check the clock or the bar time it came from`,
    );
  };

  /** Index of the last session whose open is ≤ t; -1 when t is before the first open. Throws on NaN. */
  const indexAtOrBefore = (t: TimeMs): number => {
    const h = hint;
    if (h < n && opens[h]! <= t && (h + 1 === n || t < opens[h + 1]!)) return h;
    if (!(t >= opens[0]!)) {
      // NaN fails every comparison, so it lands here, off the hit path above.
      if (Number.isNaN(t)) notATime(t);
      return -1; // also an empty table
    }
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (opens[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    hint = lo;
    return lo;
  };

  return Object.freeze({
    name,
    firstDay,
    lastDay,
    /**
     * The session of a New York date; null on a closed day or outside the calendar's days. A string that is
     * not a real 'YYYY-MM-DD' date is refused: '2025-1-2' would otherwise read as "closed". Checked on a miss.
     */
    sessionFor(day: string): Session | null {
      const session = byDay.get(day);
      if (session !== undefined) return session;
      if (typeof day !== 'string' || parseDay(day) === null) {
        throw new RangeError(
          `${name} calendar: a day must be a real New York date 'YYYY-MM-DD', e.g. '2025-01-02' (got ${JSON.stringify(day) ?? String(day)})`,
        );
      }
      return null;
    },
    sessionAt(t: TimeMs): Session | null {
      const i = indexAtOrBefore(t);
      return i >= 0 && t < closes[i]! ? sessions[i]! : null;
    },
    isRegularSession(t: TimeMs): boolean {
      const i = indexAtOrBefore(t);
      return i >= 0 && t < closes[i]!;
    },
    nextClose(t: TimeMs): TimeMs | null {
      const i = indexAtOrBefore(t);
      if (i >= 0 && t < closes[i]!) return closes[i]!;
      return i + 1 < n ? closes[i + 1]! : null;
    },
    nextOpen(t: TimeMs): TimeMs | null {
      const i = indexAtOrBefore(t);
      if (i >= 0 && opens[i] === t) return t;
      return i + 1 < n ? opens[i + 1]! : null;
    },
  });
}
