import { describe, expect, it } from 'vitest';
import { newYorkDayNumber, nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { tradingDayOf } from '../../src/core/margin/interest.js';
import { simulate } from '../../src/sim/engine.js';
import { loadReal, requireMarketData } from '../support/marketdata.js';

/**
 * A stock-only portfolio's Sharpe is annualised with √252: one equity row per trading day. Hourly stock data
 * with after-hours bars has a bar that closes at 20:00 New York time, past midnight UTC on Fridays: counted by
 * UTC days that made a Saturday row every week (about 304 rows a year). The rows follow New York days.
 */
describe('a stock-only run with after-hours bars', () => {
  it('has one equity row per New York trading day, and none on a weekend', async () => {
    requireMarketData();
    const [aapl] = await loadReal(['databento-nasdaq-tejasraj15/AAPL_1h.csv']);
    const from = Date.parse('2024-01-02T00:00:00Z');
    const to = Date.parse('2024-07-01T00:00:00Z');
    const lastHour = Array.from(aapl!.series.time).some((t) => new Date(t + 3_600_000).getUTCHours() === 0);
    expect(lastHour, 'the file has bars closing at 00:00 UTC').toBe(true);
    const { config } = resolveConfig();
    const out = simulate({ series: [aapl!.series], config, calendar: nyseCalendar(), from, to });
    expect(out.annualisationDays).toBe(252);
    const days = out.equity.map((r) => newYorkDayNumber(r.time - 1));
    expect(new Set(days).size).toBe(days.length);
    const weekend = days.filter((d) => {
      const w = new Date(d * 86_400_000).getUTCDay();
      return w === 0 || w === 6;
    });
    expect(weekend).toEqual([]);
    // 2024-01-02 to 2024-06-28: 124 NYSE sessions; a row each (the first day's row included).
    expect(days.length).toBeGreaterThanOrEqual(123);
    expect(days.length).toBeLessThanOrEqual(125);
  });
});

describe('tradingDayOf (interest and equity rows, simulator and replay venue alike)', () => {
  it('a stock-only book counts New York days, anything with crypto UTC days', () => {
    const fridayAfterHoursClose = Date.parse('2024-03-09T01:00:00Z'); // Friday 20:00 EST
    const stocks = tradingDayOf(['stock']);
    const mixed = tradingDayOf(['stock', 'crypto']);
    expect(stocks(fridayAfterHoursClose)).toBe(Date.parse('2024-03-08T00:00:00Z') / 86_400_000);
    expect(mixed(fridayAfterHoursClose)).toBe(Date.parse('2024-03-09T00:00:00Z') / 86_400_000);
  });
});
