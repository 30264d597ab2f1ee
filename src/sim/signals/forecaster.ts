import type { ForecasterConfig } from '../../core/config/schema.js';
import { RollingQuantile } from './rolling-quantile.js';

/**
 * Per-bar signals in column form: the value at bar i is what a trader knows at bar i's close. NaN = no
 * signal (warm-up, or too little edge).
 */
export interface SignalColumns {
  entry: Float64Array;
  takeProfit: Float64Array;
  /** Expected return of the trade, `takeProfit / entry − 1`. */
  edge: Float64Array;
}

/** Excursions the forecaster's quantiles hold before it gives a signal: half its window, at least 10. */
function warmUpExcursions(cfg: ForecasterConfig): number {
  return Math.max(10, Math.floor(cfg.lookbackBars / 2));
}

/**
 * The first bar (0-based, counted from the first bar of history) at whose close the forecaster can give a
 * signal: the first excursion completes after `horizonBars` bars, and the quantiles wait for the warm-up's
 * worth of them. Whether it gives one there depends on the edge it finds (`minEdgePct`).
 */
export function firstSignalBar(cfg: ForecasterConfig): number {
  return cfg.horizonBars + warmUpExcursions(cfg) - 1;
}

/**
 * The built-in causal forecaster: rolling quantiles of past excursions. For every past bar j whose next
 * `horizonBars` bars have all closed by now, it measures how far the low fell and the high rose from j's
 * close; the buy limit is today's close moved by the `entryQuantile` of the low excursions, the take-profit
 * by the `exitQuantile` of the high excursions. Only bars up to i are read at bar i: no look-ahead.
 *
 * It is a pluggable part and a baseline, not a claim of predictive power.
 */
export function forecastSignals(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  cfg: ForecasterConfig,
  /** First bar that needs a signal; earlier bars are skipped except the ones its window reads. */
  firstNeeded = 0,
  /** One past the last bar that needs a signal (bars after a simulation's end are never read). */
  endNeeded = close.length,
): SignalColumns {
  const n = close.length;
  const h = cfg.horizonBars;
  const entry = new Float64Array(n).fill(Number.NaN);
  const takeProfit = new Float64Array(n).fill(Number.NaN);
  const edge = new Float64Array(n).fill(Number.NaN);
  const lows = new RollingQuantile(cfg.lookbackBars, cfg.entryQuantile);
  const highs = new RollingQuantile(cfg.lookbackBars, cfg.exitQuantile);
  const minLow = new MonotoneWindow(h, true);
  const maxHigh = new MonotoneWindow(h, false);
  const warmUp = warmUpExcursions(cfg);

  // The window at bar i holds the excursions of bars i−h−lookback+1 … i−h: nothing earlier can matter.
  const start = Math.max(0, firstNeeded - h - cfg.lookbackBars);
  const end = Math.min(n, Math.max(endNeeded, start));
  for (let i = start; i < end; i++) {
    minLow.push(i, low[i]!);
    maxHigh.push(i, high[i]!);
    const j = i - h; // the bar whose forward window (j, i] has just completed
    if (j >= start) {
      const base = close[j]!;
      lows.push(minLow.value() / base - 1);
      highs.push(maxHigh.value() / base - 1);
    }
    if (lows.size < warmUp) continue;
    const c = close[i]!;
    const e = c * (1 + Math.min(0, lows.quantile()));
    const tp = c * (1 + Math.max(0, highs.quantile()));
    const g = tp / e - 1;
    if (!(g >= cfg.minEdgePct) || !(e > 0)) continue;
    entry[i] = e;
    takeProfit[i] = tp;
    edge[i] = g;
  }
  return { entry, takeProfit, edge };
}

/** Sliding min (or max) over the last `width` indices with a monotone deque: O(1) amortised per bar. */
class MonotoneWindow {
  private readonly idx: Int32Array;
  private readonly val: Float64Array;
  private head = 0;
  private tail = 0;

  constructor(
    private readonly width: number,
    private readonly isMin: boolean,
  ) {
    // The deque never holds more than width + 1 entries; a ring of that size avoids reallocation.
    this.idx = new Int32Array(width + 2);
    this.val = new Float64Array(width + 2);
  }

  push(i: number, v: number): void {
    const cap = this.idx.length;
    const { idx, val } = this;
    // Drop from the back what the new value dominates, then from the front what slid out of the window.
    while (this.tail !== this.head) {
      const last = this.tail === 0 ? cap - 1 : this.tail - 1;
      const lv = val[last]!;
      if (this.isMin ? lv >= v : lv <= v) this.tail = last;
      else break;
    }
    idx[this.tail] = i;
    val[this.tail] = v;
    this.tail = this.tail + 1 === cap ? 0 : this.tail + 1;
    while (idx[this.head]! <= i - this.width) this.head = this.head + 1 === cap ? 0 : this.head + 1;
  }

  value(): number {
    return this.val[this.head]!;
  }
}
