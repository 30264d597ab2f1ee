import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { honestyViolations } from './support/honesty.js';
import { loadCsvBars, type CsvBar } from './support/csv-bars.js';

/**
 * With `extendedHours` a stock trades in the pre-market and after-hours sessions of a trading day (04:00–20:00
 * New York, after-hours ending 4 h after an early close): the session rule the coordinator rests orders by
 * (stockSessionAt). A bar outside them (overnight, a weekend, a holiday, after an early close's after-hours)
 * is no book at all, even where a data file has one. And a limit works only in the bars its kind works in at
 * Alpaca (limitHours): one placed in the regular session is GTC, regular-session bars only. Hand-made bars
 * around Christmas 2024 (EST, UTC−5).
 */
const flat = (t: string, p: number): CsvBar => [t, p, p, p, p];
const BARS: CsvBar[] = [
  flat('2024-12-24T15:00:00', 100.2), // 10:00 New York, regular: closes 16:00 UTC, the buy at 100 rests (GTC)
  flat('2024-12-24T16:00:00', 100.2),
  ['2024-12-24T22:00:00', 100.2, 100.2, 99, 99.5], // 17:00 after a 13:00 close: after-hours are over
  ['2024-12-25T15:00:00', 99.5, 99.6, 99, 99.5], // Christmas: closed
  ['2024-12-26T07:00:00', 99.5, 99.6, 99, 99.5], // 02:00 New York: overnight, closed
  ['2024-12-26T10:00:00', 100.2, 100.3, 99.5, 100.1], // 05:00 pre-market: not the GTC order's hours
  ['2024-12-26T15:00:00', 100.1, 100.3, 99.5, 100.1], // 10:00 regular: the entry fills here, at 100
  flat('2024-12-26T16:00:00', 100.1), // the take-profit at 110 was armed at 11:00 New York: GTC
  ['2024-12-28T15:00:00', 100.1, 112, 100, 111], // Saturday: closed
  ['2024-12-30T01:00:00', 111, 112, 110.5, 111], // Sunday 20:00 New York: closed
  ['2024-12-30T14:00:00', 100.5, 111, 100.4, 110.5], // Monday 09:00 pre-market: not the GTC order's hours
  ['2024-12-30T15:00:00', 109, 111, 108.5, 110.5], // Monday 10:00, regular: the take-profit fills here
  flat('2024-12-30T16:00:00', 110.5),
];

const signal: ExternalSignal = {
  time: Date.parse('2024-12-24T16:00:00Z'),
  symbol: 'AAPL',
  side: 'buy',
  entry: 100,
  takeProfit: 110,
  expectedPnl: 10,
  validUntil: Date.parse('2025-01-10T00:00:00Z'),
};

describe('extended hours are the pre-market and after-hours sessions of a trading day', () => {
  it('a stock never fills overnight, on a weekend, on a holiday or after the after-hours end', async () => {
    const series = await loadCsvBars({ AAPL: BARS });
    const calendar = nyseCalendar();
    const { config } = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            extendedHours: true,
            sim: { initialEquity: 10_000, orderFraction: 0.5, timeStopHours: 0 },
          },
        },
      ],
    });
    const out = simulate({ series, config, calendar, signals: [signal], assertInvariants: true });
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]).toMatchObject({
      entryTime: Date.parse('2024-12-26T16:00:00Z'),
      entryPrice: 100,
      exitTime: Date.parse('2024-12-30T16:00:00Z'),
      exitPrice: 110,
      exitReason: 'take-profit',
    });
    expect(honestyViolations({ series, config, calendar, out })).toEqual([]);
  });
});
