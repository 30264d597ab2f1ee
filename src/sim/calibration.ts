import type { ExchangeCalendar } from '../core/calendar/index.js';
import { calibrationReport, type CalibrationReport, type ScoredPrediction } from '../core/fill/index.js';
import type { BarSeries } from '../marketdata/types.js';
import { firstAtOrAfter } from '../marketdata/search.js';
import type { ValuedPrediction } from './sim-types.js';

/** Predicted against realised fill rate of the orders a simulation valued (README "Calibration"). */
export interface SimCalibration {
  /** Predictions scored: their validity ended by the last bar of the run. */
  scored: number;
  /** Predictions left out because their validity had not ended when the data did (not yet known). */
  pending: number;
  /** By asset class: deciles of predicted fill chance against the share whose limit was reached. */
  classes: CalibrationReport[];
}

/**
 * Score each valued fill chance against the bars: was the limit reached (a buy's low at or below it, a
 * sell's high at or above it) by a bar opening at or after the valuation and before the validity ended? As
 * the fill model counts it, a stock's bars outside its regular session do not count. Causal: a prediction
 * whose validity outlasts the run (`end`, the last step) is pending, never scored on a partial window.
 */
export function simCalibration(
  predictions: readonly ValuedPrediction[],
  series: readonly BarSeries[],
  calendar: Pick<ExchangeCalendar, 'isRegularSession'>,
  end: number | null,
): SimCalibration {
  const scored: ScoredPrediction[] = [];
  let pending = 0;
  for (const p of predictions) {
    const s = series[p.series];
    if (!s) continue;
    if (end === null || p.validUntil > end) {
      pending++;
      continue;
    }
    scored.push({ assetClass: s.assetClass, predicted: p.predicted, hit: reached(s, p, calendar) });
  }
  return { scored: scored.length, pending, classes: calibrationReport(scored) };
}

function reached(
  s: BarSeries,
  p: ValuedPrediction,
  calendar: Pick<ExchangeCalendar, 'isRegularSession'>,
): boolean {
  const stock = s.assetClass === 'stock';
  const buy = p.side === 'buy';
  for (let i = firstAtOrAfter(s.time, p.time); i < s.time.length; i++) {
    const t = s.time[i]!;
    if (t >= p.validUntil) break;
    if (stock && !calendar.isRegularSession(t)) continue;
    if (buy ? s.low[i]! <= p.limit : s.high[i]! >= p.limit) return true;
  }
  return false;
}
