/**
 * Normalisation and the quality verdict: orientation (a descending file is reversed — that is a layout, not a
 * defect), order and duplicates, the dominant interval and gaps. Then the policy: in 'refuse' mode any dropped
 * or repaired row, duplicate or out-of-order row is an error naming file:row; in 'repair' mode each action is
 * recorded in the report. Nothing is fixed silently.
 */
import type { ExchangeCalendar } from '../core/calendar/index.js';
import { newYorkDay } from '../core/calendar/index.js';
import { isDailySpacing, placeDailyBars } from './daily.js';
import { DataError, LIBRARY_REPAIR, repairAdvice } from './errors.js';
import { daylightSavingRepeat, duplicateText, separatorRefusal } from './file-causes.js';
import { adjustedColumnsHint, suspiciousMoves } from './moves.js';
import { BAR_ROW_KEYS, type BarRows, type RawBars, type RowProblem } from './row-sink.js';
import { isoUtc } from './timeparse.js';
import { dropRuns, runRefusal, type RunInfo } from './other-length-rows.js';
import { otherLengthRuns } from './timeframe.js';
import type { BarColumns, QualityReport } from './types.js';

export interface Normalised extends BarColumns {
  n: number;
  intervalMs: number;
  report: QualityReport;
  descending: boolean;
}

const VALUES = ['open', 'high', 'low', 'close', 'volume'] as const;

function reverseAll(c: BarRows, n: number): void {
  for (const k of BAR_ROW_KEYS) c[k].subarray(0, n).reverse();
}

/** Median of positive consecutive differences: the bar spacing that most bars have, robust to gaps. */
export function medianSpacing(time: Float64Array, n: number): number {
  if (n < 2) return 0;
  const diffs = new Float64Array(n - 1);
  let m = 0;
  for (let i = 1; i < n; i++) {
    const d = (time[i] as number) - (time[i - 1] as number);
    if (d > 0) diffs[m++] = d;
  }
  if (m === 0) return 0;
  const sorted = diffs.subarray(0, m).sort();
  return sorted[(m - 1) >> 1] as number;
}

/** Bars missing between two consecutive bars `after` and `before` of a series of bar spacing `intervalMs`. */
export type MissingBars = (after: number, before: number, intervalMs: number) => number;

/** Every bar slot between the two is missing: the market never closes (crypto). */
export const alwaysOpen: MissingBars = (after, before, intervalMs) =>
  Math.round((before - after) / intervalMs) - 1;

/** The gap rule of a series: a stock's by its exchange's sessions, a crypto's around the clock. */
export function missingBarsOf(assetClass: 'crypto' | 'stock', calendar: ExchangeCalendar): MissingBars {
  return assetClass === 'stock' ? sessionGaps(calendar) : alwaysOpen;
}

/** The gaps between consecutive bars of `t[0..n)`, by the series' rule: more than 1.5 bars apart, any missing. */
export function findGaps(
  t: ArrayLike<number>,
  n: number,
  intervalMs: number,
  missingBars: MissingBars,
): QualityReport['gaps'] {
  const gaps: QualityReport['gaps'] = [];
  if (intervalMs <= 0) return gaps;
  const limit = 1.5 * intervalMs;
  for (let i = 1; i < n; i++) {
    const after = t[i - 1] as number;
    const before = t[i] as number;
    if (before - after <= limit) continue;
    const missing = missingBars(after, before, intervalMs);
    if (missing > 0) gaps.push({ after, before, missingBars: missing });
  }
  return gaps;
}

/**
 * Only the bar slots that overlap a session of the calendar are missing: nights, weekends and holidays are a
 * closed market, not a gap. A slot [t, t + interval) counts when any part of it is in a session, so bars
 * stamped on the hour (09:00 covering the 09:30 open) and extended-hours bars are both read correctly.
 * Outside the calendar's years it cannot tell, so every slot counts, as for a market that never closes.
 */
export function sessionGaps(calendar: ExchangeCalendar): MissingBars {
  return (after, before, intervalMs) => {
    if (newYorkDay(after) < calendar.firstDay || newYorkDay(before) > calendar.lastDay)
      return alwaysOpen(after, before, intervalMs);
    let missing = 0;
    let t = after + intervalMs;
    while (t <= before - intervalMs / 2) {
      if (calendar.sessionAt(t) !== null) {
        missing++;
        t += intervalMs;
        continue;
      }
      const open = calendar.nextOpen(t);
      if (open === null || open >= before) break;
      if (open < t + intervalMs) {
        missing++;
        t += intervalMs;
        continue;
      }
      // Closed until `open`: jump to the last slot that starts before it (it may overlap the open).
      const slot = Math.ceil((open - after) / intervalMs) - 1;
      t = Math.max(t + intervalMs, after + slot * intervalMs);
    }
    return missing;
  };
}

/**
 * The row out of place where the times go backwards between positions i - 1 and i (time order, after a
 * descending file was reversed): the one whose removal makes the order hold around it. A bar that sits too
 * late (an 11:00 bar among 01:00 and 02:00) is i - 1; one that sits too early is i, and so is either of two
 * swapped neighbours. Messages speak of the file's own order: in a descending file i - 1 comes after i.
 */
function outOfOrder(cols: BarRows, n: number, i: number, descending: boolean): RowProblem {
  const t = cols.time;
  const tooLate =
    (i < 2 || (t[i - 2] as number) <= (t[i] as number)) &&
    i + 1 < n &&
    (t[i + 1] as number) < (t[i - 1] as number);
  const [b, o] = tooLate ? [i - 1, i] : [i, i - 1];
  const other = `${isoUtc(t[o] as number)} (row ${cols.row[o] as number})`;
  // In file order the neighbour comes before the blamed row when it is earlier in time order (ascending) or
  // later (descending).
  const neighbourFirst = o < b !== descending;
  const newestFirst = descending ? ' in a file whose times run newest first' : '';
  return {
    row: cols.row[b] as number,
    problem: `out of order: ${isoUtc(t[b] as number)} comes ${neighbourFirst ? 'after' : 'before'} ${other}${newestFirst}`,
    kind: 'repair',
    repair: 'moved to its place in time order',
  };
}

export function normalise(
  file: string,
  raw: RawBars,
  mode: 'refuse' | 'repair',
  missingBars: MissingBars = alwaysOpen,
  splitHint = adjustedColumnsHint([], []),
  dailySessions: ExchangeCalendar | null = null,
): Normalised {
  const cols: BarRows = raw;
  let n = raw.n;
  const t = raw.time;

  // Orientation by majority, so one out-of-order row does not flip a whole file.
  let up = 0;
  let down = 0;
  for (let i = 1; i < n; i++) {
    const d = (t[i] as number) - (t[i - 1] as number);
    if (d > 0) up++;
    else if (d < 0) down++;
  }
  const descending = down > up;
  if (descending) reverseAll(cols, n);

  const duplicates: QualityReport['duplicates'] = [];
  const problems: RowProblem[] = [...raw.problems];
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if ((t[i] as number) <= (t[i - 1] as number)) sorted = false;
  if (!sorted) {
    // Rare path: record rows that go backwards, then stable-sort by (time, file row) and keep the first row of
    // each timestamp (first in the file, whatever the orientation). A row's time is written in it, so repair
    // moves it to its place rather than dropping a good bar; each move is listed. Messages speak of the file's
    // own order: a descending file was reversed above, so its neighbour i - 1 comes after row i in the file.
    for (let i = 1; i < n; i++) {
      if ((t[i] as number) < (t[i - 1] as number)) problems.push(outOfOrder(cols, n, i, descending));
    }
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort(
      (a, b) => (t[a] as number) - (t[b] as number) || (cols.row[a] as number) - (cols.row[b] as number),
    );
    const copy: BarRows = {
      time: t.slice(0, n),
      open: cols.open.slice(0, n),
      high: cols.high.slice(0, n),
      low: cols.low.slice(0, n),
      close: cols.close.slice(0, n),
      volume: cols.volume.slice(0, n),
      row: cols.row.slice(0, n),
    };
    let m = 0;
    for (const j of idx) {
      const tj = copy.time[j] as number;
      if (m > 0 && tj === t[m - 1]) {
        duplicates.push({
          row: copy.row[j] as number,
          time: tj,
          action: 'dropped',
          keptRow: cols.row[m - 1] as number,
          differs: VALUES.flatMap((k) =>
            copy[k][j] === cols[k][m - 1] ? [] : [`${k} ${copy[k][j]} vs ${cols[k][m - 1]}`],
          ).join(', '),
        });
        continue;
      }
      for (const k of BAR_ROW_KEYS) cols[k][m] = copy[k][j] as number;
      m++;
    }
    n = m;
    duplicates.sort((a, b) => a.row - b.row);
  }
  let intervalMs = medianSpacing(t, n);
  // Bars of another length (daily rows in an hourly file) would be read as bars of the file's: bad rows.
  const runs = otherLengthRuns(t, n, intervalMs);
  let described: RunInfo[] = [];
  if (runs.length > 0) {
    ({ n, described } = dropRuns(cols, n, runs, intervalMs, problems));
    intervalMs = medianSpacing(t, n);
  }
  // A daily stock bar stands for its day's session (daily.ts): placed there before gaps are measured.
  if (dailySessions !== null && isDailySpacing(intervalMs)) {
    n = placeDailyBars(cols, n, dailySessions, problems);
    intervalMs = medianSpacing(t, n);
  }
  problems.sort((a, b) => a.row - b.row);

  const gaps = findGaps(t, n, intervalMs, missingBars);

  const moves = suspiciousMoves(cols, n, splitHint);
  const refusing = mode === 'refuse' && (problems.length > 0 || duplicates.length > 0);
  const report: QualityReport = {
    path: file,
    rows: raw.rows,
    bars: n,
    first: n > 0 ? (t[0] as number) : null,
    last: n > 0 ? (t[n - 1] as number) : null,
    gaps,
    gapCount: gaps.length,
    duplicates,
    badRows: problems.map((p) => {
      const action = refusing ? 'refused' : p.kind === 'drop' ? 'dropped' : 'repaired';
      const problem = action === 'repaired' && p.repair ? `${p.problem}; ${p.repair}` : p.problem;
      return { row: p.row, problem, action };
    }),
    reordered: descending,
    warnings: moves.warnings,
    warningCount: moves.count,
  };
  // A cause shared by most rows (decimal commas) or a clock change is said as such: --repair cannot fix it.
  if (refusing || n * 2 < raw.rows) {
    const cause =
      separatorRefusal(file, raw.rows, problems, report) ??
      (refusing && raw.naive && problems.length === 0
        ? daylightSavingRepeat(file, t, n, duplicates, report)
        : null);
    if (cause) throw cause;
  }
  if (refusing) throw described.length > 0 ? runRefusal(file, described, report) : refusal(file, report);
  if (n === 0) {
    throw new DataError(
      file,
      `no usable bars: all ${raw.rows} data rows were dropped (first: ${report.badRows[0]?.problem ?? 'none'}).`,
      'Check the layout or pass layout overrides.',
      { detail: report },
    );
  }
  const view = (a: Float64Array): Float64Array => (a.length === n ? a : a.slice(0, n));
  return {
    n,
    time: view(t),
    open: view(cols.open),
    high: view(cols.high),
    low: view(cols.low),
    close: view(cols.close),
    volume: view(cols.volume),
    intervalMs,
    report,
    descending,
  };
}

const SHOWN = 5;

function refusal(file: string, report: QualityReport): DataError {
  const items = [
    ...report.badRows.map((b) => ({ row: b.row, text: b.problem })),
    ...report.duplicates.map((d) => ({ row: d.row, text: duplicateText(d) })),
  ].sort((a, b) => a.row - b.row);
  const first = items[0] as { row: number; text: string };
  const more = items.slice(1, SHOWN).map((i) => `row ${i.row}: ${i.text}`);
  const rest = items.length > SHOWN ? `; and ${items.length - SHOWN} more` : '';
  const list = more.length > 0 ? ` Also ${more.join('; ')}${rest}.` : '';
  return new DataError(
    file,
    `${first.text}.${list} (${items.length} problem${items.length === 1 ? '' : 's'} in ${report.rows} rows.)`,
    repairAdvice(LIBRARY_REPAIR),
    { row: first.row, detail: report },
  );
}

export interface ReportedProblem {
  row: number;
  problem: string;
  action: 'refused' | 'dropped' | 'repaired' | 'kept-last' | 'warned';
}

/**
 * Every row a report names, in file order: bad rows, duplicates and suspicious moves (kept as they are,
 * action 'warned'). One list for the store's manifest and simulate's --json.
 */
export function reportedProblems(report: Omit<QualityReport, 'path'>): ReportedProblem[] {
  return [
    ...report.badRows,
    ...report.duplicates.map((d) => ({
      row: d.row,
      problem: duplicateText(d),
      action: d.action,
    })),
    // The bar's time stays in the report (runs read it, see cli/data-summary.ts); the listed row is the file's.
    ...report.warnings.map((w) => ({ row: w.row, problem: w.problem, action: 'warned' as const })),
  ].sort((a, b) => a.row - b.row);
}
