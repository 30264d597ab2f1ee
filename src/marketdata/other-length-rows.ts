/**
 * Rows of bars of another length (timeframe.ts otherLengthRuns: daily rows in an hourly file): described as
 * runs, dropped as bad rows by repair, and refused as runs rather than row by row.
 */
import { DataError, LIBRARY_REPAIR, repairAdvice } from './errors.js';
import { BAR_ROW_KEYS, type BarRows, type RowProblem } from './row-sink.js';
import { isoUtc } from './timeparse.js';
import { lengthWords, timeframeName, type OtherLengthRun } from './timeframe.js';
import type { QualityReport } from './types.js';

/** Runs named in one refusal: the first, and up to four more. */
const SHOWN_RUNS = 5;

/** A run of bars of another length as the messages say it: file rows, times, and `28 rows spaced …`. */
export interface RunInfo {
  /** First and last file row (in the file's order of rows, also for a descending file). */
  a: number;
  b: number;
  from: string;
  to: string;
  text: string;
  rows: number;
  /** The file's own bar length: '1h'. */
  fileBars: string;
}

function describeRun(cols: BarRows, run: OtherLengthRun, intervalMs: number): RunInfo {
  const r1 = cols.row[run.first] as number;
  const r2 = cols.row[run.last] as number;
  const rows = run.last - run.first + 1;
  return {
    a: Math.min(r1, r2),
    b: Math.max(r1, r2),
    from: isoUtc(cols.time[run.first] as number),
    to: isoUtc(cols.time[run.last] as number),
    text: `${rows} rows spaced ${lengthWords(run.lengthMs)} apart in a file of ${timeframeName(intervalMs)} bars`,
    rows,
    fileBars: timeframeName(intervalMs),
  };
}

/**
 * Drops the rows of runs of bars of another length (timeframe.ts otherLengthRuns), each recorded as a bad row
 * naming its run; returns the new count and the runs as described before the rows were dropped.
 */
export function dropRuns(
  cols: BarRows,
  n: number,
  runs: OtherLengthRun[],
  intervalMs: number,
  problems: RowProblem[],
): { n: number; described: RunInfo[] } {
  const drop = new Uint8Array(n);
  const described: RunInfo[] = [];
  for (const run of runs) {
    const info = describeRun(cols, run, intervalMs);
    described.push(info);
    const what = `a ${timeframeName(run.lengthMs)} bar: one of ${info.text} (rows ${info.a}–${info.b}), bars of another length`;
    for (let i = run.first; i <= run.last; i++) {
      if (drop[i]) continue;
      drop[i] = 1;
      problems.push({ row: cols.row[i] as number, problem: what, kind: 'drop' });
    }
  }
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (drop[i]) continue;
    if (m !== i) for (const k of BAR_ROW_KEYS) cols[k][m] = cols[k][i] as number;
    m++;
  }
  return { n: m, described };
}

/**
 * A file holding bars of another length: said as runs (their rows, spacing, first and last times), not row
 * by row. The fix: one file per bar length, or repair, which drops them as bad rows.
 */
export function runRefusal(file: string, runs: RunInfo[], report: QualityReport): DataError {
  const [first, ...others] = runs as [RunInfo, ...RunInfo[]];
  const shown = others.slice(0, SHOWN_RUNS - 1).map((o) => `rows ${o.a}–${o.b}: ${o.text}`);
  const more = others.length > shown.length ? `; and ${others.length - shown.length} more runs` : '';
  const also = shown.length > 0 ? ` Also ${shown.join('; ')}${more}.` : '';
  const inRuns = runs.reduce((sum, r) => sum + r.rows, 0);
  const other = report.badRows.length + report.duplicates.length - inRuns;
  const rest = other > 0 ? ` (${other} other problem${other === 1 ? '' : 's'} in ${report.rows} rows.)` : '';
  return new DataError(
    file,
    `${first.text} (${first.from} to ${first.to}): bars of another length, which would be read as ${first.fileBars} bars.${also}${rest}`,
    `Put them in a file of their own (one file per bar length). ${repairAdvice(LIBRARY_REPAIR)}`,
    { row: first.a, lastRow: first.b, detail: report },
  );
}
