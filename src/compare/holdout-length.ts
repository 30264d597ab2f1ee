/**
 * How long a holdout is, measured in the optimiser's own unit: the walk-forward test window each candidate was
 * scored on. The holdout is one window, one path; shorter than a few test windows, its single score is a
 * noisier judge of the choice than the median the choice was made on, and that is said, not left to be
 * found in a table.
 */
import type { OptimizeConfig } from '../core/config/optimize-schema.js';
import { buildFolds, DAY_MS, type Fold, type Window } from '../optimizer/objective/folds.js';
import { boundary } from './windows.js';

/** A holdout shorter than this many walk-forward test windows is warned about. */
export const MIN_HOLDOUT_TEST_WINDOWS = 3;

/** The selection period and the holdout of `range` when its last `fraction` is held out (a UTC-midnight cut). */
export function holdoutCut(range: Window, fraction: number): { selection: Window; holdout: Window } {
  const cut = Math.floor((range.to - fraction * (range.to - range.from)) / DAY_MS) * DAY_MS;
  return { selection: { from: range.from, to: cut }, holdout: { from: cut, to: range.to } };
}

/** The holdout's length in test windows of the selection's folds (the longest test window, to be safe). */
export function holdoutInTestWindows(holdout: Window, folds: readonly Fold[]): number {
  const test = Math.max(...folds.map((f) => f.test.to - f.test.from));
  return (holdout.to - holdout.from) / test;
}

/** The smallest --holdout above `fraction` (in hundredths) that gives `windows` test windows, if one below 1 does. */
function fractionFor(
  range: Window,
  folds: OptimizeConfig['folds'],
  windows: number,
  fraction: number,
): number | null {
  for (let h = Math.floor(fraction * 100) + 1; h < 100; h++) {
    const { selection, holdout } = holdoutCut(range, h / 100);
    try {
      if (holdoutInTestWindows(holdout, buildFolds(selection, folds)) >= windows) return h / 100;
    } catch {
      return null; // the selection left is too short for the folds: a larger share will not fit either
    }
  }
  return null;
}

/**
 * The warning for a holdout shorter than MIN_HOLDOUT_TEST_WINDOWS test windows, naming its dates, its length
 * in days and in test windows, and what would lengthen it; null when it is long enough.
 */
export function shortHoldoutWarning(input: {
  range: Window;
  /** The share held out (--holdout). */
  fraction: number;
  holdout: Window;
  selectionFolds: readonly Fold[];
  folds: OptimizeConfig['folds'];
}): string | null {
  const { range, holdout, selectionFolds } = input;
  const windows = holdoutInTestWindows(holdout, selectionFolds);
  if (windows >= MIN_HOLDOUT_TEST_WINDOWS) return null;
  const days = (holdout.to - holdout.from) / DAY_MS;
  const testDays = Math.max(...selectionFolds.map((f) => f.test.to - f.test.from)) / DAY_MS;
  const share = fractionFor(range, input.folds, MIN_HOLDOUT_TEST_WINDOWS, input.fraction);
  const advice =
    share !== null
      ? `--holdout ${share} makes it ${MIN_HOLDOUT_TEST_WINDOWS}`
      : `no --holdout leaves room for the folds and ${MIN_HOLDOUT_TEST_WINDOWS} test windows after them: widen --from/--to or use fewer folds`;
  return (
    `warning: the holdout ${boundary(holdout.from)} → ${boundary(holdout.to)} (${days.toFixed(0)} days) is ` +
    `${windows.toFixed(1)} walk-forward test windows long (${testDays.toFixed(0)} days each, what every candidate ` +
    `was scored on); one path that short is a noisy judge of the choice. ${advice}, or score the rows on ` +
    `rolling windows with \`worksteal compare\``
  );
}
