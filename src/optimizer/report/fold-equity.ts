import { nyseCalendar, type ExchangeCalendar } from '../../core/calendar/index.js';
import type { BarSeries } from '../../marketdata/index.js';
import { simulate } from '../../sim/engine.js';
import { candidateConfig, orderSeries, type ObjectiveSpec, type Params } from '../objective/objective.js';
import { warmUpBars, windowView } from '../objective/window.js';

/** One test fold's daily equity under the best parameters and under the base configuration. */
export interface FoldEquity {
  index: number;
  from: number;
  to: number;
  /** Both runs start every fold with this equity. */
  initial: number;
  days: number[];
  best: number[];
  base: number[];
}

/**
 * The best parameters against the configuration the search started from, on every test window, simulated
 * exactly as the objective scores them (same window views, warm-up and calendar). For the report's chart.
 */
export function testFoldEquity(
  spec: ObjectiveSpec,
  series: readonly BarSeries[],
  params: Params,
  calendar: ExchangeCalendar = nyseCalendar(),
): FoldEquity[] {
  const ordered = orderSeries(spec, series);
  const warmUp = warmUpBars(spec.config.sim.forecaster);
  const best = candidateConfig(spec.config, params);
  const base = candidateConfig(spec.config, {});
  return spec.folds.map((f) => {
    const views = ordered.map((s) => windowView(s, f.test, warmUp));
    const run = (config: typeof best) =>
      simulate({ series: views, config, calendar, from: f.test.from, to: f.test.to, records: false }).equity;
    const a = run(best);
    const b = run(base);
    const baseByTime = new Map(b.map((r) => [r.time, r.equity]));
    return {
      index: f.index,
      from: f.test.from,
      to: f.test.to,
      initial: best.sim.initialEquity,
      days: a.map((r) => r.time),
      best: a.map((r) => r.equity),
      base: a.map((r) => baseByTime.get(r.time) ?? Number.NaN),
    };
  });
}

/**
 * The test folds chained into one growth curve per configuration (100 at the first test day): each fold starts
 * where the previous one ended, so the curve reads as trading the test windows one after another.
 */
export function chainFolds(folds: readonly FoldEquity[]): { days: number[]; best: number[]; base: number[] } {
  const days: number[] = [];
  const best: number[] = [];
  const base: number[] = [];
  let a = 100;
  let b = 100;
  for (const f of folds) {
    const a0 = f.initial;
    const b0 = f.initial;
    if (!(f.initial > 0)) continue;
    let lastA = a;
    let lastB = b;
    for (let i = 0; i < f.days.length; i++) {
      if (days.length && f.days[i]! <= days[days.length - 1]!) continue;
      days.push(f.days[i]!);
      lastA = (a * f.best[i]!) / a0;
      lastB = (b * f.base[i]!) / b0;
      best.push(lastA);
      base.push(lastB);
    }
    a = lastA;
    b = lastB;
  }
  return { days, best, base };
}
