/**
 * The range a run really covers: its --from/--to (or a benchmark set's range) cut to where the bars are. A
 * range wider than all the data runs only where the data is (the summary's range says so), so warnings
 * that measure each symbol against the wider range ("its data starts partway through 2020-09-22 → …") would
 * contradict the summary (2023-01-01 → …); they are measured against the covered range, and the cut is said.
 */
import { isoUtc } from './timeparse.js';
import type { BarSeries } from './types.js';

const DAY = 86_400_000;

export interface RunRange {
  from?: number;
  to?: number;
}

/** The range cut to the bars (first open to last open + bar length, over every series), and a warning when that cut a day or more. */
export function rangeWithinData(
  range: RunRange,
  series: readonly Pick<BarSeries, 'time' | 'intervalMs'>[],
): { range: RunRange; warnings: string[] } {
  const held = series.filter((s) => s.time.length > 0);
  if (held.length === 0 || (range.from === undefined && range.to === undefined))
    return { range, warnings: [] };
  const first = Math.min(...held.map((s) => s.time[0]!));
  const end = Math.max(...held.map((s) => s.time[s.time.length - 1]! + s.intervalMs));
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
