import type { AssetClass } from '../types.js';

/** One scored prediction: the model's probability at the time, and whether the limit was touched. */
export interface ScoredPrediction {
  assetClass: AssetClass;
  predicted: number;
  hit: boolean;
}

export interface CalibrationDecile {
  decile: number;
  count: number;
  predictedLow: number;
  predictedHigh: number;
  meanPredicted: number;
  realised: number;
  /** realised − meanPredicted, in probability units (0.05 = 5 percentage points). */
  error: number;
}

export interface CalibrationReport {
  assetClass: AssetClass;
  predictions: number;
  deciles: CalibrationDecile[];
  /** Largest |error| over the deciles. */
  maxAbsError: number;
  /** Brier score (mean squared error of the predictions). */
  brier: number;
}

/**
 * Predicted against realised fill rate by decile of prediction, per asset class (README "Calibration"): sort
 * the predictions, cut them into ten groups of equal count (ties broken by input order, so the cut is
 * deterministic), and compare each group's mean prediction with its hit rate. Plain JSON.
 */
export function calibrationReport(predictions: readonly ScoredPrediction[]): CalibrationReport[] {
  const out: CalibrationReport[] = [];
  for (const assetClass of ['crypto', 'stock'] as const) {
    const own = predictions.filter((p) => p.assetClass === assetClass && Number.isFinite(p.predicted));
    if (own.length === 0) continue;
    const order = own.map((_, i) => i).sort((a, b) => own[a]!.predicted - own[b]!.predicted || a - b);
    const deciles: CalibrationDecile[] = [];
    let brier = 0;
    for (const p of own) brier += (p.predicted - (p.hit ? 1 : 0)) ** 2;
    for (let k = 0; k < 10; k++) {
      const lo = Math.floor((k * order.length) / 10);
      const hi = Math.floor(((k + 1) * order.length) / 10);
      if (hi <= lo) continue;
      let sumP = 0;
      let hits = 0;
      for (let j = lo; j < hi; j++) {
        const p = own[order[j]!]!;
        sumP += p.predicted;
        if (p.hit) hits++;
      }
      const count = hi - lo;
      const meanPredicted = sumP / count;
      const realised = hits / count;
      deciles.push({
        decile: k + 1,
        count,
        predictedLow: own[order[lo]!]!.predicted,
        predictedHigh: own[order[hi - 1]!]!.predicted,
        meanPredicted,
        realised,
        error: realised - meanPredicted,
      });
    }
    out.push({
      assetClass,
      predictions: own.length,
      deciles,
      maxAbsError: Math.max(...deciles.map((d) => Math.abs(d.error))),
      brier: brier / own.length,
    });
  }
  return out;
}
