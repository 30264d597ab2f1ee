/**
 * Timestamp parsing from bytes, without Date objects or regexes: this runs once per bar. Two families:
 * epoch numbers (unit chosen per file from the magnitude) and ISO-like text `YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]]`
 * with an optional `Z` / `±HH[:MM]` offset; `T` and `Z` may be lower case (`t`, `z`), as RFC 3339 §5.6
 * allows. Text without an offset is "naive": the caller later applies the file's timezone, which is why the
 * wall-clock value and the offset are returned separately.
 */
import { MS_PER_DAY, MS_PER_MINUTE, daysFromCivil, daysInMonth } from '../core/calendar/civil.js';
import { parseNumber } from './csv.js';

export type EpochUnit = 'epoch-s' | 'epoch-ms' | 'epoch-us' | 'epoch-ns';

/** Out-parameters of parseIsoTime, reused across rows so the hot loop allocates nothing. */
export interface IsoResult {
  /** Minutes east of UTC written in the value, or NaN when the value is naive. */
  offsetMin: number;
  /** False for a bare date (a daily bar's session date). */
  hasTime: boolean;
}

/** The unsigned integer in the `count` bytes at `at`, or -1 when any is not a digit or lies past `end`. */
function digits(buf: Uint8Array, at: number, count: number, end: number): number {
  if (at + count > end) return -1;
  let v = 0;
  for (let i = 0; i < count; i++) {
    const d = (buf[at + i] as number) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Parses ISO-like text in [start, end). Returns the wall-clock time as epoch ms (as if it were UTC) and writes
 * the offset into `out`; UTC is wall-clock minus offset. Returns NaN for anything else (including impossible
 * dates like 2023-02-30, which Date.UTC would silently roll over).
 */
export function parseIsoTime(buf: Uint8Array, start: number, end: number, out: IsoResult): number {
  out.offsetMin = NaN;
  out.hasTime = false;
  if (end - start < 10) return NaN;
  const y = digits(buf, start, 4, end);
  const sep = buf[start + 4];
  if (y < 0 || (sep !== 45 && sep !== 47) || buf[start + 7] !== sep) return NaN;
  const mo = digits(buf, start + 5, 2, end);
  const d = digits(buf, start + 8, 2, end);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  let ms = daysFromCivil(y, mo, d) * MS_PER_DAY;
  let i = start + 10;
  // `(b | 32)` folds the case of a letter: 84 'T' and 116 't' (90 'Z' and 122 'z' below), and no other byte.
  if (i < end && (buf[i] === 32 || ((buf[i] as number) | 32) === 116) && i + 6 <= end) {
    if (!readClock(buf, i + 1, 2, end, CLOCK)) return NaN;
    ms += CLOCK.ms;
    i = CLOCK.end;
    out.hasTime = true;
  }
  if (i === end) return ms;
  const c = buf[i];
  if (((c as number) | 32) === 122 && i + 1 === end) {
    out.offsetMin = 0;
    return ms;
  }
  if (c !== 43 && c !== 45) return NaN;
  const oh = digits(buf, i + 1, 2, end);
  if (oh < 0 || oh > 14) return NaN;
  let om = 0;
  const rest = end - (i + 3);
  if (rest === 3 && buf[i + 3] === 58) om = digits(buf, i + 4, 2, end);
  else if (rest === 2) om = digits(buf, i + 3, 2, end);
  else if (rest !== 0) return NaN;
  if (om < 0 || om > 59) return NaN;
  out.offsetMin = (c === 45 ? -1 : 1) * (oh * 60 + om);
  return ms;
}

/**
 * A time of day `H:MM[:SS[.fff]]` in [start, end) as ms after midnight, or NaN: the `Time` column of a file
 * that writes the date and the time in two columns (`Date,Time,Open,…`).
 */
export function parseTimeOfDay(buf: Uint8Array, start: number, end: number): number {
  if (!readClock(buf, start, buf[start + 1] === 58 ? 1 : 2, end, CLOCK)) return NaN;
  return CLOCK.end === end ? CLOCK.ms : NaN;
}

/** readClock's answer, reused across rows so the hot loop allocates nothing. */
const CLOCK = { ms: 0, end: 0 };

/**
 * The clock time `HH:MM[:SS[.fff]]` at `at` (`H:MM…` when `hourDigits` is 1), the one syntax of both time
 * parsers: its ms after midnight into `clock.ms` and where it stops into `clock.end`; false when it is not one.
 * Fractional seconds keep milliseconds and ignore finer digits.
 */
function readClock(
  buf: Uint8Array,
  at: number,
  hourDigits: number,
  end: number,
  clock: { ms: number; end: number },
): boolean {
  const colon = at + hourDigits;
  const h = digits(buf, at, hourDigits, end);
  const mi = digits(buf, colon + 1, 2, end);
  if (h < 0 || h > 23 || buf[colon] !== 58 || mi < 0 || mi > 59) return false;
  let ms = h * 3_600_000 + mi * MS_PER_MINUTE;
  let i = colon + 3;
  if (i < end && buf[i] === 58) {
    const s = digits(buf, i + 1, 2, end);
    if (s < 0 || s > 59) return false;
    ms += s * 1000;
    i += 3;
    if (i < end && buf[i] === 46) {
      let scale = 100;
      for (i++; i < end && (buf[i] as number) >= 48 && (buf[i] as number) <= 57; i++) {
        ms += ((buf[i] as number) - 48) * scale;
        scale /= 10;
      }
      ms = Math.round(ms);
    }
  }
  clock.ms = ms;
  clock.end = i;
  return true;
}

const UNIT_MS: Record<EpochUnit, number> = {
  'epoch-s': 1000,
  'epoch-ms': 1,
  'epoch-us': 1e-3,
  'epoch-ns': 1e-6,
};

/** Epoch number → ms; NaN when not a number. Rounded so float noise in `1.5e9`-style values cannot leak. */
export function parseEpoch(buf: Uint8Array, start: number, end: number, unit: EpochUnit): number {
  const v = parseNumber(buf, start, end);
  return Math.round(v * UNIT_MS[unit]);
}

/**
 * The unit of an epoch column from one value's magnitude: seconds stay below 1e11 until the year 5138 and
 * milliseconds pass 1e11 in 1973, so the ranges do not overlap for any plausible bar time.
 */
export function epochUnitOf(value: number): EpochUnit {
  const a = Math.abs(value);
  if (a < 1e11) return 'epoch-s';
  if (a < 1e14) return 'epoch-ms';
  if (a < 1e17) return 'epoch-us';
  return 'epoch-ns';
}

/**
 * The unit an epoch value of a column read as `unit` has by its own magnitude, or null when that is `unit`.
 * One value in seconds in a milliseconds column reads as January 1970, a time inside the supported years, so
 * only its magnitude tells it apart; a milliseconds value in a seconds column lands past 2100, and the
 * message names both units there too.
 */
export function epochUnitMismatch(ms: number, unit: EpochUnit): EpochUnit | null {
  const own = epochUnitOf(ms / UNIT_MS[unit]);
  return own === unit ? null : own;
}

/** ISO-8601 UTC text of an epoch-ms value, for messages and reports. */
export function isoUtc(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : String(ms);
}
