import type { ForecasterConfig } from '../../core/config/schema.js';
import type { BarSeries } from '../../marketdata/types.js';
import { forecastSignals, type SignalColumns } from './forecaster.js';

/** Default memory bound of a cache: enough for the windows of a walk-forward study, several times over. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Forecaster signals remembered across simulations of the same bars. The signals depend only on the bars,
 * the forecaster's parameters and the range simulated; an optimizer that does not search the forecaster
 * simulates the same windows with the same signals thousands of times, so it computes them once.
 * Least recently used entries leave first once the cache holds `maxBytes`.
 */
export class ForecastCache {
  private readonly entries = new Map<string, SignalColumns>();
  private readonly seriesIds = new WeakMap<BarSeries, number>();
  private nextSeriesId = 0;
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  /** The signals `forecastSignals` gives for these arguments (shared: callers must not write to them). */
  get(series: BarSeries, cfg: ForecasterConfig, firstNeeded: number, endNeeded: number): SignalColumns {
    let id = this.seriesIds.get(series);
    if (id === undefined) this.seriesIds.set(series, (id = this.nextSeriesId++));
    const key = `${id}|${firstNeeded}|${endNeeded}|${cfg.lookbackBars}|${cfg.horizonBars}|${cfg.entryQuantile}|${cfg.exitQuantile}|${cfg.minEdgePct}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      // Re-insert: a Map iterates in insertion order, so the first key is always the least recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    this.misses++;
    const cols = forecastSignals(series.high, series.low, series.close, cfg, firstNeeded, endNeeded);
    this.entries.set(key, cols);
    this.bytes += sizeOf(cols);
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.entries.delete(oldest);
      this.bytes -= sizeOf(old);
    }
    return cols;
  }
}

const sizeOf = (c: SignalColumns): number => c.entry.byteLength + c.takeProfit.byteLength + c.edge.byteLength;
