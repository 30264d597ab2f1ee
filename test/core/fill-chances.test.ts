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

/**
 * The model keeps a symbol's σ and next-bar variance across decisions at other times for as long as its
 * version and the hourly next bar's window stay; a symbol whose last bar was not an hour long has a window
 * of its own. Whatever was kept, each answer must be what the rule's parts give at that time.
 */
describe('FillChances.evaluateRows across times', () => {
  // Symbols 0 and 1 end on hourly bars, 2 and 3 on a 30-minute bar, 4 and 5 on a two-hour one.
  const classes = ['crypto', 'stock', 'crypto', 'stock', 'crypto', 'stock'] as const;
  const lastBar = [HOUR, HOUR, HOUR / 2, HOUR / 2, 2 * HOUR, 2 * HOUR];

  function modelWithBarLengths(): FillModel {
    const model = new FillModel({ calendar, assetClasses: classes });
    const r = rng(4411);
    const price = classes.map(() => 100);
    for (let t = START; t < END; t += HOUR) {
      classes.forEach((c, i) => {
        if (c === 'stock' && !calendar.isRegularSession(t)) return;
        const o = price[i]!;
        const close = o * Math.exp((r() - 0.5) * 0.03);
        const high = Math.max(o, close) * (1 + r() * 0.004);
        const low = Math.min(o, close) * (1 - r() * 0.004);
        model.onBar(i, t, o, high, low, close, HOUR);
        price[i] = close;
      });
    }
    // The last bar of each symbol at its own length (stocks: the last session's last hour).
    const lastSession = calendar.sessionAt(Date.parse('2024-02-14T20:00:00Z'))!;
    classes.forEach((c, i) => {
      const t = c === 'stock' ? lastSession.close - HOUR : END;
      const o = price[i]!;
      model.onBar(i, t, o, o * 1.004, o * 0.996, o * 1.001, lastBar[i]!);
    });
    return model;
  }

  it('equals variance() and the calibration at every time, whatever was kept from an earlier one', () => {
    const model = modelWithBarLengths();
    fc.assert(
      fc.property(
        // Times from a Friday afternoon to the Tuesday after, in the order drawn (back and forth).
        fc.array(fc.integer({ min: 0, max: 4 * 24 * 60 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 12_000 }),
        (minutes, distance) => {
          for (const m of minutes) {
            const now = Date.parse('2024-02-16T14:00:00Z') + m * 60_000;
            const n = classes.length;
            const d = distance / 100_000;
            const columns = {
              symbol: Int32Array.from(classes, (_, i) => i),
              distance: new Float64Array(n).fill(d),
              until: new Float64Array(n).fill(now + 3 * HOUR),
              probability: new Float64Array(n),
              nextBar: new Float64Array(n),
              nextBarVariance: new Float64Array(n).fill(Number.NaN),
              sigma: new Float64Array(n),
            };
            model.evaluateRows(
              Int32Array.from(classes, (_, i) => i),
              n,
              now,
              columns,
            );
            for (let i = 0; i < n; i++) {
              expect(columns.sigma[i]).toBe(model.sigmaPerHour(i));
              const end = now + lastBar[i]!;
              expect(columns.probability[i]).toBe(chanceOf(model, classes[i]!, i, d, now, now + 3 * HOUR));
              expect(columns.nextBar[i]).toBe(chanceOf(model, classes[i]!, i, d, now, end));
            }
          }
        },
      ),
      { seed: 4412, numRuns: 200 },
    );
  });
});

function chanceOf(model: FillModel, c: 'crypto' | 'stock', i: number, d: number, from: number, to: number) {
  const v = model.variance(i, from, to);
  if (v !== v) return Number.NaN;
  if (v <= 0) return 0;
  return model.calibration(c).probability(d / Math.sqrt(v));
}
