/**
 * America/New_York UTC offset, computed from the US daylight-saving rules instead of Intl: the simulator asks
 * about hundreds of thousands of instants, and Intl formatting is both slow and allocation-heavy.
 *
 * Rules (Energy Policy Act of 2005 and the Uniform Time Act as amended in 1986):
 *   - 2007 onwards: EDT from the second Sunday of March 02:00 EST to the first Sunday of November 02:00 EDT.
 *   - 1987..2006:   EDT from the first Sunday of April 02:00 EST to the last Sunday of October 02:00 EDT.
 * Years before 1987 are not modelled (the 1987 rule is applied); the exchange calendar starts in 2000.
 */
import type { TimeMs } from '../types.js';
import {
  MS_PER_DAY,
  MS_PER_MINUTE,
  SUNDAY,
  daysFromCivil,
  formatDay,
  lastWeekdayOfMonth,
  nthWeekdayOfMonth,
  parseDay,
  utcDayOf,
} from './civil.js';

export const EST_OFFSET_MINUTES = -300;
export const EDT_OFFSET_MINUTES = -240;

const MS_PER_HOUR = 3_600_000;

/** First year of the cache; earlier or later years are computed on each call (still correct, just slower). */
const CACHE_FIRST_YEAR = 1900;
const CACHE_YEARS = 300;
const dstStartCache = new Float64Array(CACHE_YEARS).fill(Number.NaN);
const dstEndCache = new Float64Array(CACHE_YEARS).fill(Number.NaN);

/** The UTC instant daylight time starts in `year`: 02:00 EST is 07:00Z. */
function computeDstStart(year: number): TimeMs {
  const day = year >= 2007 ? nthWeekdayOfMonth(year, 3, SUNDAY, 2) : nthWeekdayOfMonth(year, 4, SUNDAY, 1);
  return day * MS_PER_DAY + 7 * MS_PER_HOUR;
}

/** The UTC instant daylight time ends in `year`: 02:00 EDT is 06:00Z. */
function computeDstEnd(year: number): TimeMs {
  const day = year >= 2007 ? nthWeekdayOfMonth(year, 11, SUNDAY, 1) : lastWeekdayOfMonth(year, 10, SUNDAY);
  return day * MS_PER_DAY + 6 * MS_PER_HOUR;
}

function dstStart(year: number): TimeMs {
  const i = year - CACHE_FIRST_YEAR;
  if (i < 0 || i >= CACHE_YEARS) return computeDstStart(year);
  let v = dstStartCache[i]!;
  if (Number.isNaN(v)) dstStartCache[i] = v = computeDstStart(year);
  return v;
}

function dstEnd(year: number): TimeMs {
  const i = year - CACHE_FIRST_YEAR;
  if (i < 0 || i >= CACHE_YEARS) return computeDstEnd(year);
  let v = dstEndCache[i]!;
  if (Number.isNaN(v)) dstEndCache[i] = v = computeDstEnd(year);
  return v;
}

/** Gregorian year of a UTC day number without allocating (an estimate, corrected by at most one year). */
function yearOfDay(n: number): number {
  let y = 1970 + Math.floor(n / 365.2425);
  if (daysFromCivil(y, 1, 1) > n) y -= 1;
  else if (daysFromCivil(y + 1, 1, 1) <= n) y += 1;
  return y;
}

/**
 * New York's offset from UTC at instant `t`, in minutes: -240 (EDT) or -300 (EST). The UTC year is the New York
 * year for this purpose, because both transitions are months away from New Year.
 */
export function newYorkOffsetMinutes(t: TimeMs): number {
  const year = yearOfDay(utcDayOf(t));
  return t >= dstStart(year) && t < dstEnd(year) ? EDT_OFFSET_MINUTES : EST_OFFSET_MINUTES;
}

/** New York day number (days since 1970-01-01 on New York's wall calendar) of instant `t`. */
export function newYorkDayNumber(t: TimeMs): number {
  return utcDayOf(t + newYorkOffsetMinutes(t) * MS_PER_MINUTE);
}

/** 'YYYY-MM-DD' of instant `t` in New York. */
export function newYorkDay(t: TimeMs): string {
  return formatDay(newYorkDayNumber(t));
}

/**
 * The instant of a New York wall-clock time on a day number. Wall times that do not exist (02:30 on the
 * spring-forward Sunday) resolve forward, as if the clock had not yet changed (02:30 EST = 03:30 EDT); wall times
 * that occur twice (01:30 on the fall-back Sunday) resolve to the earlier, EDT, instant. This is the
 * "compatible" disambiguation of Temporal and of most date libraries. Exchange hours never hit either case.
 */
export function wallToUtcOnDay(dayNumber: number, hh: number, mm: number): TimeMs {
  const wallAsUtc = dayNumber * MS_PER_DAY + hh * MS_PER_HOUR + mm * MS_PER_MINUTE;
  const asEdt = wallAsUtc - EDT_OFFSET_MINUTES * MS_PER_MINUTE;
  if (newYorkOffsetMinutes(asEdt) === EDT_OFFSET_MINUTES) return asEdt;
  return wallAsUtc - EST_OFFSET_MINUTES * MS_PER_MINUTE;
}

/** The instant of New York wall time hh:mm on `day` ('YYYY-MM-DD'). Throws RangeError on a malformed argument. */
export function newYorkWallToUtc(day: string, hh: number, mm: number): TimeMs {
  const n = parseDay(day);
  if (n === null)
    throw new RangeError(
      `newYorkWallToUtc: day must be a real date 'YYYY-MM-DD' (got ${JSON.stringify(day)})`,
    );
  if (!Number.isInteger(hh) || hh < 0 || hh > 23) {
    throw new RangeError(`newYorkWallToUtc: hh must be an integer 0..23 (got ${hh})`);
  }
  if (!Number.isInteger(mm) || mm < 0 || mm > 59) {
    throw new RangeError(`newYorkWallToUtc: mm must be an integer 0..59 (got ${mm})`);
  }
  return wallToUtcOnDay(n, hh, mm);
}

/**
 * Whether a New York wall time occurs once on a day, not at all (skipped when clocks spring forward: 02:30 on
 * 2025-03-09), or twice (repeated when they fall back: 01:30 on 2025-11-02). wallToUtcOnDay picks an instant
 * for the last two; a sessions file must not leave that choice to it (override.ts).
 */
export function wallTimeOccurrences(dayNumber: number, hh: number, mm: number): 'once' | 'skipped' | 'twice' {
  const wallAsUtc = dayNumber * MS_PER_DAY + hh * MS_PER_HOUR + mm * MS_PER_MINUTE;
  const asEdt = newYorkOffsetMinutes(wallAsUtc - EDT_OFFSET_MINUTES * MS_PER_MINUTE) === EDT_OFFSET_MINUTES;
  const asEst = newYorkOffsetMinutes(wallAsUtc - EST_OFFSET_MINUTES * MS_PER_MINUTE) === EST_OFFSET_MINUTES;
  if (asEdt && asEst) return 'twice';
  return asEdt || asEst ? 'once' : 'skipped';
}
