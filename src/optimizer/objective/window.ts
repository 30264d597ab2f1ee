/**
 * Zero-copy views of bar series cut to what one simulated window can read.
 *
 * Why: `simulate` runs the forecaster from the window's warm-up to the end of each series and builds its
 * timeline over every bar, so a three-month window of a five-year file would pay for five years. A window
 * only reads its own bars, the warm-up before them (the forecaster's lookback + horizon bars, or the fill
 * model's VALUATION_WARMUP_BARS when that is longer) and the next bar's open after its last bar (a bar's
 * close time is cut short by the next bar's open). Views (`subarray`) of the columns keep that and nothing
 * else, without copying: the pool's shared memory stays shared. The simulator has no look-ahead (tested:
 * test/optimizer/window-causality.test.ts), and the warm-up is all it reads before the window, so a view
 * gives the same result as the whole series; the optimizer tests check this.
 */
import type { ForecasterConfig } from '../../core/config/schema.js';
import type { BarSeries } from '../../marketdata/index.js';
import { firstAfter } from '../../marketdata/search.js';
import { VALUATION_WARMUP_BARS } from '../../session/valuation.js';
import type { Window } from './folds.js';

/** Extra bars kept on each side beyond the strict need: cheap, and robust to irregular spacing. */
const SLACK_BARS = 4;

/**
 * Bars a window reads before its first: the forecaster's warm-up or the fill model's (the value rankings feed
 * it VALUATION_WARMUP_BARS bars before the range, as `simulate --from` does), whichever is longer.
 */
export function warmUpBars(forecaster: ForecasterConfig): number {
  return Math.max(forecaster.lookbackBars + forecaster.horizonBars, VALUATION_WARMUP_BARS) + SLACK_BARS;
}

/** The bars of `s` that a simulation of `(w.from, w.to]` can read, as views into the same memory. */
export function windowView(s: BarSeries, w: Window, warmUp: number): BarSeries {
  // A bar is in the window when it closes after `from`; it closes at most one interval after it opens, so
  // bars opening at or before `from − interval` are warm-up (two intervals of margin for uneven spacing).
  const firstInWindow = firstAfter(s.time, w.from - 2 * Math.max(s.intervalMs, 1));
  const start = Math.max(0, firstInWindow - warmUp);
  // Bars opening after `to` close after it; keep the first of them, whose open ends the bar before.
  const end = Math.min(s.time.length, firstAfter(s.time, w.to) + SLACK_BARS);
  const cut = (a: Float64Array): Float64Array => a.subarray(start, end);
  return {
    ...s,
    time: cut(s.time),
    open: cut(s.open),
    high: cut(s.high),
    low: cut(s.low),
    close: cut(s.close),
    volume: cut(s.volume),
  };
}
