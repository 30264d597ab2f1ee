import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { CRYPTO_FILES, STOCK_FILES, loadReal } from '../support/marketdata.js';
import { honestyViolations } from './support/honesty.js';

/**
 * The honesty checks (support/honesty.ts) over whole runs on the real mixed set (six cryptos, AAPL and MSFT
 * with their pre- and after-market bars, TSLA's half-hour first bar, SPY's 30-minute last bar and missing
 * days), half a year, under configurations that reach each promise: extended hours, slippage and stops,
 * no pattern-day-trader 4x with the distance ranking and the `through` fill rule, flat fees with a high margin
 * rate and a buffer. assertInvariants also holds the capacity at every placement and after every close.
 */
const CONFIGS: [string, Record<string, unknown>][] = [
  ['the defaults', {}],
  ['extended hours, slippage, stops', { extendedHours: true, sim: { slippageBps: 10, stopLossPct: 0.03 } }],
  [
    'no PDT, distance ranking, through fills, whole-equity orders',
    {
      patternDayTrader: false,
      victimRanking: 'distance',
      sim: { fillRule: 'through', fillThroughBps: 20, orderFraction: 1 },
    },
  ],
  [
    'flat fees, 20% margin rate, 10% buffer, no time stop, end-of-day at the close',
    {
      marginRatePerYear: 0.2,
      bufferPct: 0.1,
      deleverageLeadMinutes: 0,
      sim: { feesBps: 7, slippageBps: 5, timeStopHours: 0, stopLossPct: 0.02, orderFraction: 0.7 },
    },
  ],
];

describe('the simulator is honest on the real mixed set (2022-01 to 2022-07)', () => {
  it.each(CONFIGS)('%s', async (_name, values) => {
    const loaded = await loadReal([...CRYPTO_FILES, ...STOCK_FILES]);
    const series = loaded.map((l) => l.series);
    const calendar = nyseCalendar();
    const config = resolveConfig({ layers: [{ source: 'test', values }] }).config;
    const out = simulate({
      series,
      config,
      calendar,
      from: Date.parse('2022-01-01T00:00:00Z'),
      to: Date.parse('2022-07-01T00:00:00Z'),
      assertInvariants: true,
    });
    // The checks mean something only where stocks and cryptos traded, stole and were trimmed.
    expect(
      out.trades.filter((t) => ['AAPL', 'MSFT', 'TSLA', 'SPY'].includes(t.symbol)).length,
    ).toBeGreaterThan(10);
    expect(out.trades.length).toBeGreaterThan(50);
    expect(out.counters.steals).toBeGreaterThan(0);
    expect(out.counters.deleverageTrims).toBeGreaterThan(0);
    expect(honestyViolations({ series, config, calendar, out })).toEqual([]);
  });
});

describe('the simulator is honest on the real crypto set (2021-05 to 2022-05, the crash included)', () => {
  it('a cash account: every fill in its bar, fees once, no interest, margin never over equity', async () => {
    const loaded = await loadReal(CRYPTO_FILES);
    const series = loaded.map((l) => l.series);
    const calendar = nyseCalendar();
    const config = resolveConfig({
      layers: [{ source: 'test', values: { sim: { orderFraction: 0.5 } } }],
    }).config;
    const out = simulate({
      series,
      config,
      calendar,
      from: Date.parse('2021-05-01T00:00:00Z'),
      to: Date.parse('2022-05-01T00:00:00Z'),
      assertInvariants: true,
    });
    expect(out.trades.length).toBeGreaterThan(100);
    expect(out.counters.steals).toBeGreaterThan(0);
    expect(out.interestPaid).toBe(0);
    expect(honestyViolations({ series, config, calendar, out })).toEqual([]);
  });
});
