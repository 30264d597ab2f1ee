import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { Side } from '../../src/core/types.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, type Bar } from '../support/bars.js';

/**
 * An entry rests only while its signal holds. Live, the watcher cancels it when the signal expires (at its
 * next look, a poll later at most); the simulator asks the watcher only at its symbol's bar closes, so across a
 * gap in the bars (or a closed market) an order whose signal expired in the gap must not fill in the first bar
 * after it. On hourly crypto paths with random gaps: every entry fills in a bar that opened before its
 * signal's validity ended.
 */

const H = 3_600_000;
const START = Date.parse('2024-06-01T00:00:00Z');
const calendar = nyseCalendar();
const { config } = resolveConfig({
  layers: [{ source: 'test', values: { victimRanking: 'distance', sim: { timeStopHours: 4 } } }],
});

/** A path around 100 with some hours missing: `skip` hours are left out after each bar that draws one. */
const pathArb = fc
  .array(
    fc.record({
      gap: fc.integer({ min: -15, max: 15 }),
      up: fc.integer({ min: 0, max: 30 }),
      down: fc.integer({ min: 0, max: 30 }),
      at: fc.integer({ min: 0, max: 10 }),
      skip: fc.constantFrom(0, 0, 0, 2, 5, 9),
    }),
    { minLength: 30, maxLength: 50 },
  )
  .map((steps) => {
    let last = 100;
    let t = START;
    const bars: Bar[] = [];
    for (const p of steps) {
      const o = last * (1 + p.gap / 1000);
      const h = o * (1 + p.up / 1000);
      const l = o * (1 - p.down / 1000);
      const c = l + ((h - l) * p.at) / 10;
      bars.push({ t, o, h, l, c });
      last = c;
      t += (1 + p.skip) * H;
    }
    return bars;
  });

const signalsArb = fc.array(
  fc.record({
    bar: fc.integer({ min: 0, max: 25 }),
    side: fc.constantFrom<Side>('buy', 'sell'),
    /** The limit's distance from 100 in tenths of a percent, toward the side's better price. */
    offset: fc.integer({ min: -5, max: 20 }),
    validHours: fc.integer({ min: 1, max: 6 }),
  }),
  { minLength: 1, maxLength: 6 },
);

describe('an entry whose signal expired does not fill', () => {
  it('in the first bar after a gap that began before its validity ended (seed 2626)', () => {
    let filledNearExpiry = 0;
    fc.assert(
      fc.property(pathArb, signalsArb, (bars, drawn) => {
        const s = series('AAAUSD', 'crypto', bars);
        const signals: ExternalSignal[] = drawn
          .map((d) => {
            const time = s.time[Math.min(d.bar, s.time.length - 1)]! + H;
            const sign = d.side === 'buy' ? 1 : -1;
            const entry = 100 * (1 - (sign * d.offset) / 1000);
            return {
              time,
              symbol: s.symbol,
              side: d.side,
              entry,
              takeProfit: entry * (1 + sign * 0.02),
              expectedPnl: 1,
              validUntil: time + d.validHours * H,
            };
          })
          .sort((a, b) => a.time - b.time);
        const out = simulate({ series: [s], config, calendar, signals });
        for (const trade of out.trades) {
          // The bar the entry filled in closed at its entryTime: it must have opened while some signal taken
          // up at or before it still held.
          const k = out.closeTimes[0]!.indexOf(trade.entryTime);
          expect(k).toBeGreaterThanOrEqual(0);
          const opened = s.time[k]!;
          const holding = signals.filter((g) => g.time <= opened && g.validUntil > opened);
          expect(
            holding.length,
            `entry filled in the bar opening ${new Date(opened).toISOString()}`,
          ).toBeGreaterThan(0);
          if (holding.every((g) => g.validUntil < opened + 2 * H)) filledNearExpiry++;
        }
      }),
      { seed: 2626, numRuns: 300 },
    );
    // The property saw entries fill in the last bar before their signal expired, not only far from it.
    expect(filledNearExpiry).toBeGreaterThan(5);
  });
});
