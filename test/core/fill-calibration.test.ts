import { describe, expect, it } from 'vitest';
import { calibrationReport, type CalibrationReport } from '../../src/core/fill/report.js';
import { BENCHMARK_SETS } from '../../src/marketdata/benchmark-sets.js';
import { holdoutPredictions } from '../support/fill-eval.js';
import { CRYPTO_FILES, loadReal, STOCK_FILES } from '../support/marketdata.js';

/**
 * Calibration on real bars (README "Calibration"): fitted on the first half of each set, frozen, then
 * predicted against realised fill rate by decile on the second half must agree within 5 percentage points.
 * Limits at 0.25%–5% from the close, both sides, 24 h validity.
 */
const DISTANCES = [0.0025, 0.005, 0.01, 0.02, 0.03, 0.05] as const;
const DAY = 24 * 3_600_000;
const TOLERANCE = 0.05;

function check(report: CalibrationReport[], assetClass: 'crypto' | 'stock'): CalibrationReport {
  const r = report.find((x) => x.assetClass === assetClass);
  expect(r, `no ${assetClass} predictions`).toBeDefined();
  expect(r!.deciles).toHaveLength(10);
  for (const d of r!.deciles) {
    const where = `${assetClass} decile ${d.decile}: predicted ${d.meanPredicted.toFixed(4)}, realised ${d.realised.toFixed(4)} over ${d.count}`;
    expect(Math.abs(d.error), where).toBeLessThanOrEqual(TOLERANCE);
  }
  return r!;
}

describe('fill model calibration on real bars (fit on the first half, scored on the second)', () => {
  it('crypto benchmark set: every decile within 5 percentage points', async () => {
    const loaded = await loadReal(CRYPTO_FILES);
    const set = BENCHMARK_SETS.crypto;
    const predictions = holdoutPredictions(
      loaded.map((l) => l.series),
      { from: Date.parse(set.from), to: Date.parse(set.to), distances: DISTANCES, horizonMs: DAY, every: 3 },
    );
    const r = check(calibrationReport(predictions), 'crypto');
    expect(r.predictions).toBeGreaterThan(100_000);
  });

  it('the mixed set’s stocks (AAPL, MSFT, TSLA, SPY): every decile within 5 percentage points', async () => {
    const loaded = await loadReal(STOCK_FILES);
    const set = BENCHMARK_SETS.mixed;
    const predictions = holdoutPredictions(
      loaded.map((l) => l.series),
      { from: Date.parse(set.from), to: Date.parse(set.to), distances: DISTANCES, horizonMs: DAY, every: 1 },
    );
    const r = check(calibrationReport(predictions), 'stock');
    expect(r.predictions).toBeGreaterThan(50_000);
  });

  it('SPY over its whole history (2003–2025): every decile within 5 percentage points', async () => {
    const loaded = await loadReal(['polygon-spy-peachy88/SPY_hourly.csv']);
    const predictions = holdoutPredictions(
      loaded.map((l) => l.series),
      {
        from: Date.parse('2003-09-10T00:00:00Z'),
        to: Date.parse('2025-03-15T00:00:00Z'),
        distances: DISTANCES,
        horizonMs: DAY,
        every: 1,
      },
    );
    const r = check(calibrationReport(predictions), 'stock');
    expect(r.predictions).toBeGreaterThan(50_000);
  });
});
