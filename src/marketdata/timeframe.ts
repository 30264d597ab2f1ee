/**
 * Timeframes as users type them ('1m', '15m', '1h', '4h', '1d', '1w'): the unit is the last letter, so the
 * same string names the store file, the ccxt timeframe and (translated) the Alpaca one.
 */

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Milliseconds of a timeframe, or null when it is not `<n><m|h|d|w>` with n ≥ 1. */
export function timeframeMs(tf: string): number | null {
  const m = /^([1-9]\d*)([mhdw])$/.exec(tf);
  if (!m) return null;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/**
 * The timeframe name of a bar spacing, for imported files: the largest unit that divides it
 * (3_600_000 → '1h', 14_400_000 → '4h', 5_400_000 → '90m'); '0' when there is no spacing (a single bar,
 * which data import names by its file name's bar length instead).
 */
export function timeframeName(intervalMs: number): string {
  if (!(intervalMs > 0)) return '0';
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const ms = UNIT_MS[unit] as number;
    if (intervalMs % ms === 0) return `${intervalMs / ms}${unit}`;
  }
  return `${intervalMs}ms`;
}

/** The standard bar lengths (ccxt's timeframes, 1m to 1w): the lengths another file's bars come in. */
const STANDARD_LENGTHS = [
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
].map((tf) => timeframeMs(tf) as number);

/**
 * How far another standard length must be from the file's bar length to be told from it (a factor), and how
 * many consecutive rows must be spaced exactly that length apart. A gap between bars is one spacing of any
 * length, so it never makes such a run; but sparse early bars (Kraken's, a trade every few hours) come 2 h
 * apart up to 7 times in a row and 4 h apart up to 3 times, hence both bounds: 2 h bars in a 1h file are not
 * told, 4 h or daily bars are from 6 of them on.
 */
export const OTHER_LENGTH_FACTOR = 3;
export const OTHER_LENGTH_MIN_ROWS = 6;

/** Rows `first..last` (indexes of the times) of a run of bars of `lengthMs` in a file of another bar length. */
export interface OtherLengthRun {
  first: number;
  last: number;
  lengthMs: number;
}

/**
 * Runs of bars of another length in the ascending times `t[0..n)` of a file of bar length `intervalMs` (the
 * median spacing). A row's bar lasts until the next row. For each standard length L at least
 * OTHER_LENGTH_FACTOR times longer or shorter than the file's, a run is a maximal stretch of consecutive
 * rows whose spacings are each a whole multiple of L, of which at least OTHER_LENGTH_MIN_ROWS are exactly L;
 * a longer L carries the run over its own gaps (daily stock bars skip weekends and holidays: 3 or 4 days), a
 * shorter L over gaps shorter than the file's bar (hourly stock bars skip nights: 17 h in a daily file). The
 * run's bars are its rows but the last, which is the next bar of the file's own length; the last one too
 * when the run ends the file. Daily rows inside an hourly file, or hourly rows inside a daily file, are such
 * runs; gaps (missing bars, closed markets, outages, sparse bars) are not.
 */
export function otherLengthRuns(t: ArrayLike<number>, n: number, intervalMs: number): OtherLengthRun[] {
  const runs: OtherLengthRun[] = [];
  if (!(intervalMs > 0)) return runs;
  for (const L of STANDARD_LENGTHS) {
    const longer = L >= OTHER_LENGTH_FACTOR * intervalMs;
    if (!longer && L * OTHER_LENGTH_FACTOR > intervalMs) continue;
    let start = 0;
    let exact = 0;
    // Whether the spacing into the run's latest row was exactly L (a gap carried the run there otherwise).
    let enteredExactly = false;
    for (let i = 1; i <= n; i++) {
      const d = i < n ? (t[i] as number) - (t[i - 1] as number) : NaN;
      if (d > 0 && d % L === 0 && (longer || d < intervalMs)) {
        if (d === L) exact++;
        enteredExactly = d === L;
        continue;
      }
      // The run is rows start..i-1: its bars are start..i-2 (a row's bar lasts until the next row). When it
      // ends the file its last row is one of them as well, and counts as one of length L: when the run's bars
      // are longer than the file's, or a shorter bar's spacing led to it (a gap carried a run of shorter bars
      // to a row of the file's own length: the daily row after a day's minute rows).
      const lastIsBar = i === n && (longer || enteredExactly);
      if (exact + (lastIsBar ? 1 : 0) >= OTHER_LENGTH_MIN_ROWS)
        runs.push({ first: start, last: lastIsBar ? i - 1 : i - 2, lengthMs: L });
      start = i;
      exact = 0;
      enteredExactly = false;
    }
  }
  return runs.sort((a, b) => a.first - b.first);
}

/** A bar length in words: '1 day', '4 hours', '15 minutes', '1 week'. */
export function lengthWords(ms: number): string {
  const units: [string, number][] = [
    ['week', UNIT_MS.w as number],
    ['day', UNIT_MS.d as number],
    ['hour', UNIT_MS.h as number],
    ['minute', UNIT_MS.m as number],
  ];
  for (const [word, unit] of units) {
    if (ms % unit === 0) return `${ms / unit} ${word}${ms === unit ? '' : 's'}`;
  }
  return `${ms} ms`;
}
