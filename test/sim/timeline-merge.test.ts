import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { STEP_BAR, buildTimeline } from '../../src/sim/timeline.js';

const HOUR = 3_600_000;

/** A crypto series from strictly ascending open times (prices do not matter to the timeline). */
function series(symbol: string, opens: number[]): BarSeries {
  const time = Float64Array.from(opens);
  const zeros = new Float64Array(opens.length);
  return {
    symbol,
    assetClass: 'crypto',
    intervalMs: HOUR,
    time,
    open: zeros,
    high: zeros,
    low: zeros,
    close: zeros,
    volume: zeros,
    source: { path: `${symbol}.csv`, sha256: '', layout: 'test', timezone: 'UTC' },
  };
}

/** Strictly ascending open times on whole hours, with gaps. */
const opens = fc
  .uniqueArray(fc.integer({ min: 0, max: 400 }), { minLength: 0, maxLength: 80 })
  .map((hours) => hours.sort((a, b) => a - b).map((h) => h * HOUR));

describe('buildTimeline: the union of bar closes', () => {
  it('steps are every in-range close of every series, ascending, each once', () => {
    fc.assert(
      fc.property(
        fc.array(opens, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: -10, max: 200 }),
        fc.integer({ min: 0, max: 400 }),
        (all, fromHour, span) => {
          const list = all.map((o, k) => series(`S${k}`, o));
          const from = fromHour * HOUR;
          const to = from + span * HOUR;
          const t = buildTimeline(list, nyseCalendar(), { from, to, deleverageLeadMinutes: 15 });
          const expected = new Set<number>();
          t.closeTimes.forEach((ct, k) => {
            for (let i = t.firstBar[k]!; i < t.lastBar[k]!; i++) expected.add(ct[i]!);
            // The range is what firstBar/lastBar say it is: closes after `from`, up to `to`, known.
            for (let i = t.firstBar[k]!; i < t.lastBar[k]!; i++) {
              expect(ct[i]!).toBeGreaterThan(from);
              expect(ct[i]!).toBeLessThanOrEqual(to);
            }
          });
          expect(Array.from(t.steps)).toEqual([...expected].sort((a, b) => a - b));
          expect(Array.from(t.kinds).every((k) => k === STEP_BAR)).toBe(true);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});
