import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { simCalibration } from '../../src/sim/calibration.js';
import type { ValuedPrediction } from '../../src/sim/sim-types.js';
import { series, type Bar } from '../support/bars.js';

const H = 3_600_000;
const T = Date.parse('2025-01-15T15:00:00Z'); // a Wednesday, 10:00 in New York: the session is open
const calendar = nyseCalendar();

const bar = (t: number, l: number, h: number): Bar => ({ t, o: 100, h, l, c: 100 });

function prediction(p: Partial<ValuedPrediction>): ValuedPrediction {
  return {
    series: 0,
    side: 'buy',
    limit: 95,
    time: T,
    validUntil: T + 3 * H,
    predicted: 0.5,
    source: 'request',
    ...p,
  };
}

/** Realised hit rate of a single prediction (1 or 0), via the report's one decile. */
function hit(
  bars: Bar[],
  p: Partial<ValuedPrediction>,
  assetClass: 'crypto' | 'stock' = 'crypto',
): number | null {
  const c = simCalibration([prediction(p)], [series('X', assetClass, bars)], calendar, T + 100 * H);
  return c.classes[0]?.deciles[0]?.realised ?? null;
}

describe('calibration of a simulation: was the limit reached within the validity?', () => {
  it('counts bars opening at or after the valuation and before the validity ends', () => {
    const bars = [bar(T - H, 90, 100), bar(T, 96, 100), bar(T + H, 96, 100), bar(T + 3 * H, 94, 100)];
    // The bar that closed at the valuation (its low 90) is past; the one reaching 94 opens as validity ends.
    expect(hit(bars, {})).toBe(0);
    expect(hit(bars, { validUntil: T + 3 * H + 1 })).toBe(1);
    expect(hit(bars, { limit: 96 })).toBe(1);
    // A sell is reached by the high.
    expect(hit(bars, { side: 'sell', limit: 100 })).toBe(1);
    expect(hit(bars, { side: 'sell', limit: 100.5 })).toBe(0);
  });

  it('a stock bar outside the regular session never counts (the model says it cannot fill)', () => {
    const pre = Date.parse('2025-01-15T13:00:00Z'); // 08:00 in New York: pre-market
    const bars = [bar(pre, 90, 100), bar(T, 99, 100)];
    expect(hit(bars, { time: pre, validUntil: T + H }, 'stock')).toBe(0);
    expect(hit(bars, { time: pre, validUntil: T + H }, 'crypto')).toBe(1);
  });

  it('a validity that outlasts the run is pending, never scored on part of its window', () => {
    const s = [series('X', 'crypto', [bar(T, 90, 100)])];
    const open = simCalibration([prediction({ validUntil: T + 5 * H })], s, calendar, T + 4 * H);
    expect(open).toMatchObject({ scored: 0, pending: 1, classes: [] });
    expect(simCalibration([prediction({})], s, calendar, null).pending).toBe(1);
  });

  it('agrees with a plain scan of every bar (property)', () => {
    const arb = fc.record({
      lows: fc.array(fc.integer({ min: 80, max: 100 }), { minLength: 1, maxLength: 40 }),
      preds: fc.array(
        fc.record({
          at: fc.integer({ min: -2, max: 45 }),
          hours: fc.integer({ min: 1, max: 30 }),
          limit: fc.integer({ min: 80, max: 101 }),
          predicted: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        { minLength: 1, maxLength: 30 },
      ),
      endHours: fc.integer({ min: 0, max: 60 }),
    });
    fc.assert(
      fc.property(arb, ({ lows, preds, endHours }) => {
        const bars = lows.map((l, i) => bar(T + i * H, l, 100));
        const s = series('X', 'crypto', bars);
        const predictions = preds.map((p) =>
          prediction({
            time: T + p.at * H,
            validUntil: T + (p.at + p.hours) * H,
            limit: p.limit,
            predicted: p.predicted,
          }),
        );
        const end = T + endHours * H;
        const c = simCalibration(predictions, [s], calendar, end);
        const closed = predictions.filter((p) => p.validUntil <= end);
        const hits = closed.filter((p) =>
          bars.some((b) => (b.t as number) >= p.time && (b.t as number) < p.validUntil && b.l <= p.limit),
        ).length;
        expect(c.scored).toBe(closed.length);
        expect(c.pending).toBe(predictions.length - closed.length);
        const report = c.classes[0];
        const realisedHits = report
          ? report.deciles.reduce((a, d) => a + Math.round(d.realised * d.count), 0)
          : 0;
        expect(realisedHits).toBe(hits);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
