/**
 * NYSE full closures and 13:00 early closes, as day numbers (see civil.ts), for the years 2000..2035.
 *
 * Sources: NYSE Rule 7.2 (holidays and their observance), NYSE's published holiday and early-close schedules,
 * and the NYSE closings history compiled for pandas_market_calendars (its holidays/nyse.py cites
 * "Stocks.NYSE-Closings.pdf"). Where the years before 2013 differ from today's rules, the difference is written
 * next to the rule below.
 *
 * Deliberately not modelled (the calendar describes the scheduled session, not every disruption):
 *   - 2002-09-11: opened late at 12:00 for the first anniversary of the attacks; treated as a full session.
 *   - Moments of silence that delayed the open by one to three minutes (2001-09-17, 2001-10-08, 2003-03-20,
 *     2004-06-07, 2006-12-27).
 *   - 2005-06-01: unscheduled 15:56 close after a systems communication problem.
 *   - 1999-12-31: an early close in some lists, disputed, and outside the range anyway.
 *   - Future one-off closures (state funerals, storms) cannot be known; users can override the calendar.
 */
import {
  FRIDAY,
  MONDAY,
  SATURDAY,
  SUNDAY,
  THURSDAY,
  WEDNESDAY,
  daysFromCivil,
  lastWeekdayOfMonth,
  nthWeekdayOfMonth,
  parseDay,
  weekday,
} from './civil.js';

/** Day-number → reason. Reasons exist for debugging and tests; the calendar only needs the keys. */
export type DayReasons = Map<number, string>;

/**
 * Unscheduled full-day closures. Each was announced days (or hours) ahead and is part of the historical record.
 */
const ONE_OFF_CLOSURES: readonly (readonly [string, string])[] = [
  ['2001-09-11', 'September 11 attacks'],
  ['2001-09-12', 'September 11 attacks'],
  ['2001-09-13', 'September 11 attacks'],
  ['2001-09-14', 'September 11 attacks'],
  ['2004-06-11', 'National day of mourning, President Reagan'],
  ['2007-01-02', 'National day of mourning, President Ford'],
  ['2012-10-29', 'Hurricane Sandy'],
  ['2012-10-30', 'Hurricane Sandy'],
  ['2018-12-05', 'National day of mourning, President G.H.W. Bush'],
  ['2025-01-09', 'National day of mourning, President Carter'],
];

/** Unscheduled 13:00 closes outside the yearly rules. */
const ONE_OFF_EARLY_CLOSES: readonly (readonly [string, string])[] = [
  // Friday after Christmas 2003: NYSE announced a 13:00 close (listed in the NYSE closings history).
  ['2003-12-26', 'Day after Christmas 2003'],
];

function dayOf(text: string): number {
  const n = parseDay(text);
  if (n === null) throw new Error(`holidays.ts: bad built-in date ${text}`);
  return n;
}

/**
 * Observance for the holidays that move to a weekday: Saturday → the Friday before, Sunday → the Monday after.
 * (New Year's Day is the exception, handled in `newYearsDay`.)
 */
function nearestWeekday(n: number): number {
  const w = weekday(n);
  if (w === SATURDAY) return n - 1;
  if (w === SUNDAY) return n + 1;
  return n;
}

/**
 * New Year's Day: Sunday → Monday; a Saturday New Year's Day is not observed at all (Rule 7.2: the Friday before
 * would be the last trading day of the old year, which NYSE keeps open; e.g. 2021-12-31 and 2010-12-31 traded).
 */
function newYearsDay(year: number): number | null {
  const n = daysFromCivil(year, 1, 1);
  const w = weekday(n);
  if (w === SATURDAY) return null;
  return w === SUNDAY ? n + 1 : n;
}

/** Easter Sunday (Gregorian), by the anonymous "Meeus/Jones/Butcher" algorithm. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return daysFromCivil(year, month, day);
}

/** NYSE full holidays of a year (rule-based, observed dates), without one-off closures. */
export function nyseHolidays(year: number): DayReasons {
  const out: DayReasons = new Map();
  const add = (n: number | null, reason: string): void => {
    if (n !== null) out.set(n, reason);
  };
  add(newYearsDay(year), "New Year's Day");
  // MLK Day has been an NYSE holiday since 1998.
  if (year >= 1998) add(nthWeekdayOfMonth(year, 1, MONDAY, 3), 'Martin Luther King Jr. Day');
  add(nthWeekdayOfMonth(year, 2, MONDAY, 3), "Washington's Birthday (Presidents' Day)");
  add(easterSunday(year) - 2, 'Good Friday');
  add(lastWeekdayOfMonth(year, 5, MONDAY), 'Memorial Day');
  // Juneteenth became an NYSE holiday in 2022 (first observed Monday 2022-06-20; 2021 was a trading day).
  if (year >= 2022) add(nearestWeekday(daysFromCivil(year, 6, 19)), 'Juneteenth National Independence Day');
  add(nearestWeekday(daysFromCivil(year, 7, 4)), 'Independence Day');
  add(nthWeekdayOfMonth(year, 9, MONDAY, 1), 'Labor Day');
  add(nthWeekdayOfMonth(year, 11, THURSDAY, 4), 'Thanksgiving Day');
  add(nearestWeekday(daysFromCivil(year, 12, 25)), 'Christmas Day');
  return out;
}

/** Every full closure of a year on a weekday: rule-based holidays plus one-off closures. */
export function nyseClosedDays(year: number): DayReasons {
  const out = nyseHolidays(year);
  for (const [text, reason] of ONE_OFF_CLOSURES) {
    const n = dayOf(text);
    if (Number(text.slice(0, 4)) === year) out.set(n, reason);
  }
  return out;
}

/**
 * The early close around Independence Day, or null.
 *
 * Since 2013: July 3 when it is a weekday that is not itself the observed holiday (Monday..Thursday; a Friday
 * July 3 is the observed holiday for a Saturday July 4).
 * Before 2013: July 3 only on a Monday, Tuesday or Thursday. When July 4 fell on a Thursday, July 3 (Wednesday)
 * was a full day and the early close was on Friday July 5 instead: in range, that is 2002-07-05 (2002-07-03
 * traded a full session). NYSE moved that early close to the Wednesday from 2013 (2013-07-03 closed at 13:00 and
 * 2013-07-05 was a full day).
 */
function independenceEarlyClose(year: number): number | null {
  const july3 = daysFromCivil(year, 7, 3);
  const w = weekday(july3);
  if (w === SATURDAY || w === SUNDAY || w === FRIDAY) return null;
  if (year < 2013 && w === WEDNESDAY) return july3 + 2;
  return july3;
}

/**
 * NYSE 13:00 early closes of a year, excluding any day that is a full closure.
 *
 * - Independence Day: see `independenceEarlyClose`.
 * - Day after Thanksgiving: 13:00 every year since 1993.
 * - Christmas Eve: 13:00 when Dec 24 is Monday..Thursday, every year since 1999 (a Friday Dec 24 is the observed
 *   Christmas holiday; a weekend Dec 24 has nothing to shorten, and the Friday before is a full day).
 * - One-off: 2003-12-26.
 */
export function nyseEarlyCloseDays(year: number): DayReasons {
  const out: DayReasons = new Map();
  const july = independenceEarlyClose(year);
  if (july !== null) out.set(july, 'Independence Day early close');
  out.set(nthWeekdayOfMonth(year, 11, THURSDAY, 4) + 1, 'Day after Thanksgiving');
  const dec24 = daysFromCivil(year, 12, 24);
  const w = weekday(dec24);
  if (w >= MONDAY && w <= THURSDAY) out.set(dec24, 'Christmas Eve');
  for (const [text, reason] of ONE_OFF_EARLY_CLOSES) {
    if (Number(text.slice(0, 4)) === year) out.set(dayOf(text), reason);
  }
  const closed = nyseClosedDays(year);
  for (const n of out.keys()) if (closed.has(n)) out.delete(n);
  return out;
}
