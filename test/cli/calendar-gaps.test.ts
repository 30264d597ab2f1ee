import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { loadMany } from '../../src/marketdata/index.js';
import { alwaysOpen, sessionGaps } from '../../src/marketdata/quality.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const calendar = nyseCalendar();
const missingOf = sessionGaps(calendar);

/** Hourly bars from each session's open to its close, as a regular-hours stock feed writes them. */
function sessionBars(from: number, days: number): number[] {
  const bars: number[] = [];
  for (let d = 0; d < days; d++) {
    const session = calendar.sessionFor(new Date(from + d * DAY).toISOString().slice(0, 10));
    if (!session) continue;
    for (let t = session.open; t < session.close; t += HOUR) bars.push(t);
  }
  return bars;
}

/** Missing bars summed over the spaces wider than 1.5 bars, as the quality report counts them. */
function totalMissing(bars: readonly number[]): number {
  let total = 0;
  for (let i = 1; i < bars.length; i++) {
    if (bars[i]! - bars[i - 1]! > 1.5 * HOUR) total += missingOf(bars[i - 1]!, bars[i]!, HOUR);
  }
  return total;
}

describe('stock gaps against the exchange calendar', () => {
  it('a complete regular-hours series has no gaps, and each bar removed inside it is exactly one missing bar', () => {
    const start = Date.UTC(2001, 0, 1);
    const scenario = fc.record({
      firstDay: fc.integer({ min: 0, max: 365 * 30 }),
      days: fc.integer({ min: 3, max: 60 }),
      removed: fc.uniqueArray(fc.nat(10_000), { maxLength: 12 }),
    });
    fc.assert(
      fc.property(scenario, ({ firstDay, days, removed }) => {
        const bars = sessionBars(start + firstDay * DAY, days);
        fc.pre(bars.length > 2);
        expect(totalMissing(bars)).toBe(0);
        // Interior bars only: a bar missing at either end of a file is not a gap, it is a shorter file.
        const drop = new Set(removed.map((r) => 1 + (r % (bars.length - 2))));
        expect(totalMissing(bars.filter((_, i) => !drop.has(i)))).toBe(drop.size);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('never counts more than a market that never closes, and counts the same where the calendar cannot say', () => {
    const pair = fc.record({
      after: fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2040, 0, 1) }),
      bars: fc.integer({ min: 2, max: 24 * 40 }),
    });
    fc.assert(
      fc.property(pair, ({ after, bars }) => {
        const before = after + bars * HOUR;
        const calendarCount = missingOf(after, before, HOUR);
        expect(calendarCount).toBeGreaterThanOrEqual(0);
        expect(calendarCount).toBeLessThanOrEqual(alwaysOpen(after, before, HOUR));
        if (after > Date.UTC(2036, 1, 1)) expect(calendarCount).toBe(alwaysOpen(after, before, HOUR));
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('a weekend and a holiday are not gaps (Friday close to Tuesday open over Presidents Day 2024)', () => {
    const friday = Date.UTC(2024, 1, 16, 20, 30);
    const tuesday = Date.UTC(2024, 1, 20, 14, 30);
    expect(missingOf(friday, tuesday, HOUR)).toBe(0);
    // The same span for crypto is 89 missing hours.
    expect(alwaysOpen(friday, tuesday, HOUR)).toBe(89);
  });

  it('the real TSLA hourly file: nights, weekends and holidays no longer count (2263 gaps before)', async () => {
    requireMarketData();
    const [tsla] = await loadMany([join(MARKETDATA, 'ibkr-tsla-economiaunmsm/TSLA_1h.csv')], {
      cacheDir: null,
    });
    expect(tsla!.series.assetClass).toBe('stock');
    expect(tsla!.report.gapCount).toBeLessThan(10);
    const [sol] = await loadMany([join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv')], {
      cacheDir: null,
    });
    // Crypto is unchanged: every missing hour of a 24/7 market is a gap.
    const raw = sol!.report.gaps.reduce((a, g) => a + alwaysOpen(g.after, g.before, HOUR), 0);
    expect(sol!.report.gaps.reduce((a, g) => a + g.missingBars, 0)).toBe(raw);
  });
});
