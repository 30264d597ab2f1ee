/**
 * What a comparison runs on, from the data and the asked-for range: the range (the data's common span,
 * narrowed by from/to), the rolling windows in it and the random symbol subsets. `worksteal compare` and the
 * library's `compare` both build their input here, so the same data and settings give the same windows.
 * Errors name the settings as the caller calls them (the CLI's flags by default).
 */
import type { Window } from '../optimizer/objective/folds.js';
import { studyRange } from '../optimizer/optimize.js';
import type { BarSeries } from '../marketdata/index.js';
import { randomSubsets } from './subsets.js';
import { rollingWindows, type Span } from './windows.js';

/** The names errors give each setting. */
export interface PlanNames {
  data: string;
  range: string;
  window: string;
  subsets: string;
  subsetSize: string;
}

export const CLI_NAMES: PlanNames = {
  data: '--data',
  range: '--from/--to',
  window: '--window',
  subsets: '--subsets',
  subsetSize: '--subset-size',
};

export interface ComparePlan {
  /** The data's common span within from/to: where the windows are laid. */
  range: Window;
  windows: Window[];
  /** Random symbol subsets, when asked for; else every window is run on every symbol. */
  subsets?: string[][];
}

export function comparePlan(input: {
  series: readonly BarSeries[];
  window: Span;
  /** From one window start to the next; default the window length (no overlap). */
  step?: Span;
  requested: Partial<Window>;
  subsets?: { count: number; size: number };
  seed: number;
  names?: PlanNames;
}): ComparePlan {
  const names = input.names ?? CLI_NAMES;
  const range = studyRange(input.series, input.requested, names);
  const windows = rollingWindows(range, input.window, input.step ?? input.window, names);
  if (!input.subsets) return { range, windows };
  const subsets = randomSubsets(
    input.series.map((s) => s.symbol),
    input.subsets.count,
    input.subsets.size,
    input.seed,
    { count: names.subsets, size: names.subsetSize },
  );
  return { range, windows, subsets };
}
