/**
 * Proleptic Gregorian date arithmetic on "day numbers" (days since 1970-01-01). Integers are cheap to compare,
 * index and step through, so the calendar builds its tables on them and only formats 'YYYY-MM-DD' strings at
 * the edges. Algorithms after Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

export const SUNDAY = 0;
export const MONDAY = 1;
export const WEDNESDAY = 3;
export const THURSDAY = 4;
export const FRIDAY = 5;
export const SATURDAY = 6;

export interface CivilDate {
  y: number;
  /** 1..12 */
  m: number;
  /** 1..31 */
  d: number;
}

/** Day number of a civil date. Month and day must already be in range. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12; // March = 0, so the leap day is the last day of the "year"
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function civilFromDays(n: number): CivilDate {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

/** 0 = Sunday .. 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekday(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

export function isWeekend(n: number): boolean {
  const w = weekday(n);
  return w === SATURDAY || w === SUNDAY;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function pad2(v: number): string {
  return v < 10 ? `0${v}` : String(v);
}

/** 'YYYY-MM-DD' of a day number (years 0..9999). */
export function formatDay(n: number): string {
  const { y, m, d } = civilFromDays(n);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a strict 'YYYY-MM-DD' string naming a real date, else null (2025-02-30 is null, not March 2). */
export function parseDay(text: string): number | null {
  const match = DAY_RE.exec(text);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return daysFromCivil(y, m, d);
}

/** The `nth` (1-based) given weekday of a month, e.g. the 3rd Monday of January. */
export function nthWeekdayOfMonth(y: number, m: number, wd: number, nth: number): number {
  const first = daysFromCivil(y, m, 1);
  const offset = (wd - weekday(first) + 7) % 7;
  return first + offset + (nth - 1) * 7;
}

/** The last given weekday of a month, e.g. the last Monday of May. */
export function lastWeekdayOfMonth(y: number, m: number, wd: number): number {
  const last = daysFromCivil(y, m, daysInMonth(y, m));
  return last - ((weekday(last) - wd + 7) % 7);
}

/** UTC day number containing an instant. */
export function utcDayOf(t: number): number {
  return Math.floor(t / MS_PER_DAY);
}
