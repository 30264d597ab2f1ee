/**
 * One side of one window: a fresh simulation from the initial equity over `(from, to]`, the forecaster warmed
 * up on the bars before `from` exactly as `simulate --from` does (the window view keeps those bars), and the
 * numbers a paired comparison needs, steal regret included. Pure: the same series, config and window give
 * the same numbers in this thread or in a pool thread.
 */
import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import type { Window } from '../optimizer/objective/folds.js';
import { windowMetrics, type WindowMetrics } from '../optimizer/objective/scores.js';
import { warmUpBars, windowView } from '../optimizer/objective/window.js';
import type { BarSeries } from '../marketdata/index.js';
import { simulate } from '../sim/engine.js';
import { summarize } from '../sim/metrics.js';
import type { ClassPairRegret } from '../sim/regret.js';
import { simulationRegret } from '../sim/run.js';
import type { ExternalSignal } from '../sim/signals/csv-signals.js';
import type { ForecastCache } from '../sim/signals/forecast-cache.js';
import type { FillTapeCache } from '../sim/fill-tape-cache.js';
import type { TimelineCache } from '../sim/timeline-cache.js';

/** The optimizer's window metrics (Sharpe and Sortino from daily returns, annualised as summarize does), and more. */
export interface SideMetrics extends WindowMetrics {
  finalEquity: number;
  /** Distinct victim opportunities (a victim re-placed and stolen again counts once). */
  distinctVictims: number;
  victimsThatWouldHaveFilled: number;
  /** What the distinct victims would have made had they been left alone. */
  victimWouldHaveMade: number;
  /** What the orders placed with the stolen capacity made. */
  stealersMade: number;
  /** victimWouldHaveMade − stealersMade: above 0, stealing cost money in this window. */
  netRegret: number;
  /** Its standard error (StealRegret.netRegretStandardError). */
  netRegretStandardError: number;
  /** The same regret by stealer and victim asset class (StealRegret.byClass); absent from metrics built by hand. */
  regretByClass?: ClassPairRegret[];
}

/** The cached views of one window: the same array each time, so the timeline cache recognises it. */
export class WindowViews {
  private readonly views = new Map<string, BarSeries[]>();

  constructor(private readonly series: readonly BarSeries[]) {}

  get(symbols: readonly string[], w: Window, warmUp: number): BarSeries[] {
    const key = `${symbols.join(',')}|${w.from}|${w.to}|${warmUp}`;
    let v = this.views.get(key);
    if (!v) {
      v = symbols.map((sym) => {
        const s = this.series.find((x) => x.symbol === sym);
        if (!s) throw new Error(`compare: no series for ${sym}`);
        return windowView(s, w, warmUp);
      });
      this.views.set(key, v);
    }
    return v;
  }
}

export function runWindow(input: {
  views: WindowViews;
  symbols: readonly string[];
  config: WorkstealConfig;
  window: Window;
  calendar: ExchangeCalendar;
  /** External signals (a signals CSV) instead of the built-in forecaster. */
  signals?: readonly ExternalSignal[];
  forecasts?: ForecastCache;
  timelines?: TimelineCache;
  fillTapes?: FillTapeCache;
}): SideMetrics {
  const { config, window: w } = input;
  const series = input.views.get(input.symbols, w, warmUpBars(config.sim.forecaster));
  const out = simulate({
    series,
    config,
    calendar: input.calendar,
    ...(input.signals ? { signals: input.signals } : {}),
    from: w.from,
    to: w.to,
    ...(input.forecasts ? { forecasts: input.forecasts } : {}),
    ...(input.timelines ? { timelines: input.timelines } : {}),
    ...(input.fillTapes ? { fillTapes: input.fillTapes } : {}),
  });
  const s = summarize(out);
  const regret = simulationRegret(config, series, out);
  return {
    ...windowMetrics(s),
    finalEquity: s.finalEquity,
    distinctVictims: regret.victimsEvaluated,
    victimsThatWouldHaveFilled: regret.victimsThatWouldHaveFilled,
    victimWouldHaveMade: regret.victimWouldHaveMade,
    stealersMade: regret.stealersMade,
    netRegret: regret.netRegret,
    netRegretStandardError: regret.netRegretStandardError,
    regretByClass: regret.byClass,
  };
}
