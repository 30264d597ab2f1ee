/**
 * The objective: one candidate parameter set → its walk-forward evaluation. Pure and deterministic: the same
 * spec, data and parameters give the same numbers in the main thread, in a pool thread or on another
 * machine, which is what lets the three executors stand in for each other.
 */
import { nyseCalendar, type ExchangeCalendar } from '../../core/calendar/index.js';
import { DEFAULT_OPTIMIZE, type ScoreName } from '../../core/config/optimize-schema.js';
import { configSchema, type WorkstealConfig } from '../../core/config/schema.js';
import { ValidationError } from '../../core/errors.js';
import type { AssetClass } from '../../core/types.js';
import type { BarSeries, LayoutOverride } from '../../marketdata/index.js';
import { simulate } from '../../sim/engine.js';
import { ForecastCache } from '../../sim/signals/forecast-cache.js';
import { TimelineCache } from '../../sim/timeline-cache.js';
import { FillTapeCache } from '../../sim/fill-tape-cache.js';
import { summarize } from '../../sim/metrics.js';
import type { Fold, Window } from './folds.js';
import { median, score, windowMetrics, type WindowMetrics } from './scores.js';
import { warmUpBars, windowView } from './window.js';

/** A parameter set: tunable config key → value. */
export type Params = Record<string, number | boolean>;

/** The configuration every candidate starts from: the full config without its `optimize` section. */
export type BaseConfig = Omit<WorkstealConfig, 'optimize'>;

export interface DataRef {
  path: string;
  symbol: string;
  assetClass: AssetClass;
  /** SHA-256 of the file's bytes: a worker that loads a different file refuses to evaluate. */
  sha256: string;
  /**
   * How the file was read when its layout was given rather than detected (--timezone, --time-column,
   * --columns): a worker reads it the same way. Absent when detected.
   */
  layout?: LayoutOverride;
}

/** Everything that decides an evaluation's result except the parameters (hashed into every evaluation id). */
export interface ObjectiveSpec {
  version: 1;
  data: DataRef[];
  onBadData: 'refuse' | 'repair';
  config: BaseConfig;
  folds: Fold[];
  score: ScoreName;
  codeVersion: string;
}

export interface WindowResult extends WindowMetrics, Window {
  score: number;
}

export interface FoldResult {
  index: number;
  train: WindowResult;
  test: WindowResult;
}

export interface Evaluation {
  /** Median test-window score over the folds: what the optimiser maximises. */
  oos: number;
  /** Median train-window score over the folds (reported, never optimised). */
  is: number;
  folds: FoldResult[];
}

export function baseConfigOf(config: WorkstealConfig): BaseConfig {
  const { optimize: _optimize, ...base } = config;
  return base;
}

/** The base config with the candidate's values, validated by the one config schema. */
export function candidateConfig(base: BaseConfig, params: Params): WorkstealConfig {
  const parsed = configSchema.safeParse({ ...base, ...params, optimize: DEFAULT_OPTIMIZE });
  if (!parsed.success) {
    throw new ValidationError(
      'A candidate parameter set is not a valid configuration',
      parsed.error.issues.map((i) => ({
        where: `candidate ${i.path.join('.')}`,
        message: i.message,
        value: params[String(i.path[0])],
      })),
    );
  }
  return parsed.data;
}

export type Objective = (params: Params) => Evaluation;

/** Series in the order of `spec.data`, matched by symbol; throws when one is missing. */
export function orderSeries(spec: ObjectiveSpec, series: readonly BarSeries[]): BarSeries[] {
  return spec.data.map((ref) => {
    const s = series.find((x) => x.symbol === ref.symbol);
    if (!s) throw new Error(`objective: no series for ${ref.symbol} (${ref.path})`);
    return s;
  });
}

export function createObjective(
  spec: ObjectiveSpec,
  series: readonly BarSeries[],
  calendar: ExchangeCalendar = nyseCalendar(),
): Objective {
  const ordered = orderSeries(spec, series);
  const warmUp = warmUpBars(spec.config.sim.forecaster);
  // The views of each window depend only on the data, so they are cut once, not per evaluation.
  const views = new Map<string, BarSeries[]>();
  const viewsOf = (w: Window): BarSeries[] => {
    const key = `${w.from}:${w.to}`;
    let v = views.get(key);
    if (!v) views.set(key, (v = ordered.map((s) => windowView(s, w, warmUp))));
    return v;
  };

  // Unless the forecaster is searched, every candidate trades on the same signals in a window; the
  // timeline of a window is the same for every candidate unless the deleveraging lead is searched.
  const forecasts = new ForecastCache();
  const timelines = new TimelineCache();
  // What the bars do to the fill model (value rankings) is the same for every candidate too.
  const fillTapes = new FillTapeCache();

  return (params) => {
    const config = candidateConfig(spec.config, params);
    // A rolling fold's train window is often the previous fold's test window: simulate it once.
    const done = new Map<string, WindowResult>();
    const run = (w: Window): WindowResult => {
      const key = `${w.from}:${w.to}`;
      let r = done.get(key);
      if (!r) {
        const out = simulate({
          series: viewsOf(w),
          config,
          calendar,
          from: w.from,
          to: w.to,
          forecasts,
          timelines,
          fillTapes,
          // Scores come from the counters and the equity curve: no decision or steal records to keep.
          records: false,
        });
        const m = windowMetrics(summarize(out));
        r = { from: w.from, to: w.to, ...m, score: score(spec.score, m) };
        done.set(key, r);
      }
      return r;
    };
    const folds = spec.folds.map((f) => ({ index: f.index, train: run(f.train), test: run(f.test) }));
    return {
      oos: median(folds.map((f) => f.test.score)),
      is: median(folds.map((f) => f.train.score)),
      folds,
    };
  };
}
