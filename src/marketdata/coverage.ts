/**
 * The range a run really covers: its --from/--to (or a benchmark set's range) cut to where the bars are. A
 * range wider than all the data runs only where the data is (the summary's range says so), so warnings
 * that measure each symbol against the wider range ("its data starts partway through 2020-09-22 → …") would
 * contradict the summary (2023-01-01 → …); they are measured against the covered range, and the cut is said.
 * A range that meets no bar at all is refused (rangeMissIssue), by `simulate` on the command line and in the
 * library alike.
 */
import type { Issue } from '../core/errors.js';
import { firstAtOrAfter } from './search.js';
import { isoUtc } from './timeparse.js';
import type { BarSeries } from './types.js';

const DAY = 86_400_000;

export interface RunRange {
  from?: number;
  to?: number;
}

type Bars = Pick<BarSeries, 'time' | 'intervalMs'>;

/** The series that have bars, and their span: the first bar's open to the last bar's open + its length. */
function dataSpan(series: readonly Bars[]): { held: Bars[]; first: number; end: number } | null {
  const held = series.filter((s) => s.time.length > 0);
  if (held.length === 0) return null;
  const first = Math.min(...held.map((s) => s.time[0]!));
  const end = Math.max(...held.map((s) => s.time[s.time.length - 1]! + s.intervalMs));
  return { held, first, end };
}

/** The range cut to the bars (first open to last open + bar length, over every series), and a warning when that cut a day or more. */
export function rangeWithinData(
  range: RunRange,
  series: readonly Bars[],
): { range: RunRange; warnings: string[] } {
  const span = dataSpan(series);
  if (span === null || (range.from === undefined && range.to === undefined)) return { range, warnings: [] };
  const { first, end } = span;
  const from = range.from === undefined ? undefined : Math.max(range.from, first);
  const to = range.to === undefined ? undefined : Math.min(range.to, end);
  const cut =
    (from !== undefined && from - range.from! >= DAY) || (to !== undefined && range.to! - to >= DAY);
  const show = (a: number | undefined, b: number | undefined): string =>
    `${a === undefined ? 'the start of the data' : isoUtc(a)} → ${b === undefined ? 'the end of the data' : isoUtc(b)}`;
  return {
    range: { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
    warnings: cut
      ? [
          `warning: the run's range ${show(range.from, range.to)} reaches beyond the data, which covers ${isoUtc(first)} → ${isoUtc(end)}: the run covers only ${show(from, to)}.`,
        ]
      : [],
  };
}

/** What a caller calls the range's bounds in its messages: the CLI's flags, or the library's arguments. */
export interface BoundNames {
  from: string;
  to: string;
}

/**
 * The range must meet the bars: a window wholly before or after the data, or one that falls between two bars
 * (inside a gap, or within one bar), simulates nothing, and a summary of nothing (0 trades, 0% return, exit
 * 0) reads like a result. A bar is in the range when it opens in `[from, to)`. Null when one is; else the
 * issue, at the bound to move, whose message names the range (as `names` call its bounds) and the data's span.
 */
export function rangeMissIssue(
  from: number | undefined,
  to: number | undefined,
  series: readonly Bars[],
  names: BoundNames,
): Issue | null {
  const span = dataSpan(series);
  if (span === null) return null;
  const { held, first, end } = span;
  const value = {
    ...(from !== undefined ? { from: isoUtc(from) } : {}),
    ...(to !== undefined ? { to: isoUtc(to) } : {}),
  };
  const runs = `the data runs ${isoUtc(first)} → ${isoUtc(end)}`;
  if (from !== undefined && from >= end)
    return {
      where: names.from,
      message: `${names.from} ${isoUtc(from)} is at or after the data's end (${runs}); choose a start inside it`,
      value,
    };
  if (to !== undefined && to <= first)
    return {
      where: names.to,
      message: `${names.to} ${isoUtc(to)} is at or before the data's start (${runs}); choose an end inside it`,
      value,
    };
  const lo = from ?? Number.NEGATIVE_INFINITY;
  const hi = to ?? Number.POSITIVE_INFINITY;
  // The first bar of each series that opens at or after the start: the range holds a bar when one opens before its end.
  const next = held.map((s) => s.time[firstAtOrAfter(s.time, lo)] ?? Number.POSITIVE_INFINITY);
  if (next.some((t) => t < hi)) return null;
  const before = Math.max(
    ...held.map((s) => s.time[firstAtOrAfter(s.time, lo) - 1] ?? Number.NEGATIVE_INFINITY),
  );
  const after = Math.min(...next);
  const range = `${names.from} ${isoUtc(lo)} → ${to === undefined ? "the data's end" : `${names.to} ${isoUtc(to)}`}`;
  return {
    where: to === undefined ? names.from : `${names.from}/${names.to}`,
    message:
      `${range} holds no bar: no bar of the data opens in it (the last one before it opens ${isoUtc(before)}, ` +
      `the next ${Number.isFinite(after) ? `opens ${isoUtc(after)}` : 'does not exist'}); widen the range`,
    value,
  };
}
