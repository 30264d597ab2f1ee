/**
 * A daily bar of a US stock stands for the regular session of the trading day it is labelled with: its open
 * is that session's open and its prices are known at that session's close. Files stamp such bars at a
 * midnight (a date-only file parses to UTC midnight; Alpaca writes New York midnight in UTC), where a stock
 * can never trade (sim/fill-rules.ts tradesInBar), so the loader moves each bar to its session's open here,
 * once, before the cache: the simulator, the replay venue, explain and optimize/compare all see the same bars.
 * The bar's close needs nothing more: the timeline caps a stock bar that opens in a session at that
 * session's close (sim/timeline.ts), early closes included.
 *
 * The trading day a stamp is labelled with: a stamp at UTC midnight is that UTC date; any other stamp is the
 * New York date it falls on (New York midnight, the session open, the 16:00 close, an evening stamp: that
 * day). A day without a session (weekend, holiday, outside the calendar's years) cannot be placed: the row is
 * a problem like any bad row (refused, or dropped with --repair, and listed with its row), never skipped in
 * silence. Two rows labelled with the same day are one session's bar twice: the later is a problem too.
 */
import type { ExchangeCalendar } from '../core/calendar/index.js';
import { newYorkDay } from '../core/calendar/index.js';
import { MS_PER_DAY, isWeekend, parseDay } from '../core/calendar/civil.js';
import { BAR_ROW_KEYS, type BarRows, type RowProblem } from './row-sink.js';
import { isoUtc } from './timeparse.js';

/**
 * A stock series is daily when its typical spacing of opens (the median, as BarSeries.intervalMs) is at
 * least 20 h (a session is at most 6.5 h; 20 h leaves room for a sparse intraday file) and at most 4 days
 * (a weekly bar spans five sessions: placing it in its first would show the week's high and low on Monday,
 * a look-ahead, so weekly and longer bars are left as they are).
 */
export const DAILY_MIN_SPACING_MS = 20 * 3_600_000;
export const DAILY_MAX_SPACING_MS = 4 * MS_PER_DAY;

export function isDailySpacing(spacingMs: number): boolean {
  return spacingMs >= DAILY_MIN_SPACING_MS && spacingMs <= DAILY_MAX_SPACING_MS;
}

/** The New York trading day ('YYYY-MM-DD') a daily bar stamped `t` (epoch ms UTC) is labelled with. */
export function labelledDay(t: number): string {
  return t % MS_PER_DAY === 0 ? new Date(t).toISOString().slice(0, 10) : newYorkDay(t);
}

function noSession(t: number, day: string, calendar: ExchangeCalendar): string {
  const what = `daily stock bar ${isoUtc(t)} is labelled ${day}`;
  if (day < calendar.firstDay || day > calendar.lastDay) {
    return `${what}, outside the ${calendar.name} calendar (${calendar.firstDay}..${calendar.lastDay}), so its session is unknown`;
  }
  const n = parseDay(day);
  const kind = n !== null && isWeekend(n) ? 'a weekend day' : 'an exchange holiday';
  return `${what}, ${kind} with no ${calendar.name} session`;
}

/**
 * Moves each of the first `n` bars (ascending, unique times) to the open of its labelled day's session, in
 * place, and compacts out the rows that cannot be placed, each recorded in `problems` (kind 'drop') with its
 * file row. Returns the number of bars kept; their times are strictly ascending session opens.
 */
export function placeDailyBars(
  cols: BarRows,
  n: number,
  calendar: ExchangeCalendar,
  problems: RowProblem[],
): number {
  let m = 0;
  let lastDay = '';
  let lastRow = 0;
  for (let i = 0; i < n; i++) {
    const t = cols.time[i] as number;
    const row = cols.row[i] as number;
    const day = labelledDay(t);
    const session = calendar.sessionFor(day);
    if (session === null) {
      problems.push({ row, problem: noSession(t, day, calendar), kind: 'drop' });
      continue;
    }
    // Labels can step back only when UTC-midnight and other stamps are mixed (a UTC midnight labels its UTC
    // date, 03:00Z the New York day before): a second bar for a session already placed is not a new bar.
    if (m > 0 && session.open <= (cols.time[m - 1] as number)) {
      problems.push({
        row,
        problem: `daily stock bar ${isoUtc(t)} is labelled ${day}, the session of row ${lastRow} (labelled ${lastDay}) or earlier: one session has one daily bar`,
        kind: 'drop',
      });
      continue;
    }
    if (m !== i) for (const k of BAR_ROW_KEYS) cols[k][m] = cols[k][i] as number;
    cols.time[m] = session.open;
    lastDay = day;
    lastRow = row;
    m++;
  }
  return m;
}
