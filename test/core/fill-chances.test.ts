/**
 * The batch of a decision's chances (FillChances.evaluateRows, which one order's evaluate also runs) writes
 * the variance and the calibrated curve out for its loop. Each answer must be, bit for bit, what the rule's
 * own parts give: `variance()` over the order's window, `Calibration.probability` of d/√V, and for the next
 * bar the same over min(validity, now + bar). Random rows over a trained model: crypto and stock, inside
 * and outside the session, marketable, unknown price, unknown or past validity, a symbol not ready yet.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { FillModel } from '../../src/core/fill/model.js';
import { rng } from '../support/arbitraries.js';

const HOUR = 3_600_000;
const calendar = nyseCalendar();
// Crypto 0 and 2, stocks 1 and 3; symbols 2 and 3 get too few bars to be ready.
const CLASSES = ['crypto', 'stock', 'crypto', 'stock'] as const;
const START = Date.parse('2024-01-02T00:00:00Z');
const END = Date.parse('2024-02-15T00:00:00Z');

function trainedModel(): FillModel {
  const model = new FillModel({ calendar, assetClasses: CLASSES });
  const r = rng(4401);
  const price = [100, 50, 20, 80];
  for (let t = START; t < END; t += HOUR) {
    for (let i = 0; i < 4; i++) {
      if (i >= 2 && t > START + 10 * HOUR) continue; // not ready: fewer bars than minBars
      if (i % 2 === 1 && !calendar.isRegularSession(t)) continue;
      const o = price[i]!;
      const c = o * Math.exp((r() - 0.5) * 0.03);
      model.onBar(i, t, o, Math.max(o, c) * (1 + r() * 0.004), Math.min(o, c) * (1 - r() * 0.004), c, HOUR);
      price[i] = c;
    }
  }
  return model;
}

/** The rule from its parts: the calibrated chance of distance d over variance v. */
function chance(model: FillModel, i: number, d: number, v: number): number {
  if (v !== v) return Number.NaN;
  if (v <= 0) return 0;
  return model.calibration(CLASSES[i]!).probability(d / Math.sqrt(v));
}

describe('FillChances.evaluateRows', () => {
  it('equals variance() and the calibration, bit for bit, row by row', () => {
    const model = trainedModel();
    const row = fc.record({
      symbol: fc.integer({ min: 0, max: 3 }),
      // −1% to 12% in steps of 0.1 bp (fc.double would mostly draw values near 0), marketable, or unknown.
      distance: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: -1_000, max: 12_000 }).map((x) => x / 100_000) },
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.constant(Number.NaN) },
      ),
      // Validity from 2 hours before now to 4 days after, or unknown.
      untilMinutes: fc.oneof(fc.integer({ min: -120, max: 4 * 24 * 60 }), fc.constant(Number.NaN)),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        fc.array(row, { minLength: 1, maxLength: 30 }),
        (nowMinutes, batch) => {
          const now = END + nowMinutes * 60_000;
          const n = batch.length;
          const columns = {
            symbol: Int32Array.from(batch, (b) => b.symbol),
            distance: Float64Array.from(batch, (b) => b.distance),
            until: Float64Array.from(batch, (b) => now + b.untilMinutes * 60_000),
            probability: new Float64Array(n),
            nextBar: new Float64Array(n),
            nextBarVariance: new Float64Array(n).fill(Number.NaN),
            sigma: new Float64Array(n),
          };
          const rows = Int32Array.from(batch, (_, k) => k);
          model.evaluateRows(rows, n, now, columns);
          batch.forEach((b, r) => {
            const i = b.symbol;
            const d = b.distance;
            const u = columns.until[r]!;
            expect(columns.sigma[r]).toBe(model.sigmaPerHour(i));
            if (d !== d || d <= 0) {
              expect(columns.probability[r]).toBe(d !== d ? Number.NaN : 1);
              expect(columns.nextBar[r]).toBe(columns.probability[r]);
              return;
            }
            const p = chance(model, i, d, model.variance(i, now, u));
            expect(columns.probability[r]).toBe(p);
            const end = now + HOUR;
            const next = u >= end ? chance(model, i, d, model.variance(i, now, end)) : p;
            expect(columns.nextBar[r]).toBe(next);
          });
        },
      ),
      { seed: 4402, numRuns: 300 },
    );
  });
});
