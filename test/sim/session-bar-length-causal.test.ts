import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { rng } from '../support/arbitraries.js';
import { series, type Bar } from '../support/bars.js';

/**
 * The bar length the `*Bars` keys count in (cooldownBars, fightWindowBars, fightCooldownBars) is the session's
 * as known when it starts: a symbol whose bars begin later, at a shorter length, cannot change it before its
 * first bar (README "The model: assumptions and limits", No look-ahead).
 */
const calendar = nyseCalendar();
const H = 3_600_000;
const T0 = Date.parse('2024-03-04T00:00:00Z');

function walk(symbol: string, start: number, step: number, n: number, random: () => number) {
  let p = 50 + random() * 100;
  const bars: Bar[] = [];
  for (let i = 0; i < n; i++) {
    const o = p;
    const c = o * (1 + (random() - 0.5) * 0.02);
    bars.push({
      t: start + i * step,
      o,
      h: Math.max(o, c) * (1 + random() * 0.01),
      l: Math.min(o, c) * (1 - random() * 0.01),
      c,
    });
    p = c;
  }
  return series(symbol, 'crypto', bars, step);
}

describe('the session bar length is causal', () => {
  it('a 15-minute symbol listed on day 5 changes no decision of days 1 to 4 (cooldownBars 12)', () => {
    let steals = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const random = rng(seed);
        const later = T0 + 5 * 24 * H;
        const hourly = ['AAAUSD', 'CCCUSD', 'DDDUSD'].map((s) => walk(s, T0, H, 8 * 24, random));
        const quarter = walk('BBBUSD', later, H / 4, 3 * 96, random);
        const signals: ExternalSignal[] = [];
        for (const s of hourly)
          for (let i = 1; i < s.time.length; i += 2) {
            const entry = s.close[i - 1]! * (1 - random() * 0.004);
            const pnl = Math.round(random() * 20);
            signals.push({
              time: s.time[i]!,
              symbol: s.symbol,
              side: 'buy',
              entry,
              takeProfit: entry * 1.01,
              expectedPnl: pnl,
              validUntil: s.time[i]! + 6 * H,
            });
          }
        signals.sort((a, b) => a.time - b.time);
        const config = resolveConfig({
          layers: [
            {
              source: 'test',
              values: {
                victimRanking: 'distance',
                cooldownBars: 12,
                protectionPct: 0,
                minOrderAgeSec: 0,
                stealEntryTolerance: 0.05,
                cryptoNormalTolerance: 0.05,
                cryptoOutOfHoursTolerance: 0.05,
                sim: { orderFraction: 0.9 },
              },
            },
          ],
        }).config;
        const without = simulate({ series: hourly, config, calendar, signals });
        const withLater = simulate({ series: [...hourly, quarter], config, calendar, signals });
        const before = (rows: { time: number }[]) => rows.filter((r) => r.time < later);
        expect(before(withLater.decisions)).toEqual(before(without.decisions));
        steals += before(without.steals).length;
      }),
      { seed: 36, numRuns: 20 },
    );
    expect(steals).toBeGreaterThan(0);
  });
});
