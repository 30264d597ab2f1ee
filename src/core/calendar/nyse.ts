/**
 * The NYSE regular-session calendar, 2000-01-01 .. 2035-12-31: 09:30–16:00 New York, 13:00 on early-close days,
 * no session on weekends, holidays and one-off closures (holidays.ts). Built once, on first use, into a table of
 * about 9,000 sessions.
 */
import { daysFromCivil, formatDay, isWeekend } from './civil.js';
import { wallToUtcOnDay } from './dst.js';
import { nyseClosedDays, nyseEarlyCloseDays } from './holidays.js';
import { sessionTable } from './table.js';
import type { ExchangeCalendar, Session } from './types.js';

export const NYSE_FIRST_YEAR = 2000;
export const NYSE_LAST_YEAR = 2035;

const OPEN = [9, 30] as const;
const CLOSE = [16, 0] as const;
const EARLY_CLOSE = [13, 0] as const;

function yearSessions(year: number): Session[] {
  const closed = nyseClosedDays(year);
  const early = nyseEarlyCloseDays(year);
  const out: Session[] = [];
  for (let n = daysFromCivil(year, 1, 1); n < daysFromCivil(year + 1, 1, 1); n++) {
    if (isWeekend(n) || closed.has(n)) continue;
    const isEarly = early.has(n);
    const [ch, cm] = isEarly ? EARLY_CLOSE : CLOSE;
    out.push({
      day: formatDay(n),
      open: wallToUtcOnDay(n, OPEN[0], OPEN[1]),
      close: wallToUtcOnDay(n, ch, cm),
      early: isEarly,
    });
  }
  return out;
}

function buildNyse(): ExchangeCalendar {
  const sessions: Session[] = [];
  for (let year = NYSE_FIRST_YEAR; year <= NYSE_LAST_YEAR; year++) sessions.push(...yearSessions(year));
  return sessionTable('NYSE', sessions, `${NYSE_FIRST_YEAR}-01-01`, `${NYSE_LAST_YEAR}-12-31`);
}

let nyse: ExchangeCalendar | undefined;

/** The NYSE calendar (memoised: every caller shares one table). */
export function nyseCalendar(): ExchangeCalendar {
  nyse ??= buildNyse();
  return nyse;
}
