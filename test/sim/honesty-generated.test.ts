import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { honestyViolations } from './support/honesty.js';
import {
  generateMarket,
  honestyConfigArb,
  marketSpecArb,
  type MarketSpec,
} from './support/generated-market.js';

const calendar = nyseCalendar();

/**
 * Four regular-session stocks held overnight at the full intraday size: their end-of-day deleveraging trims
 * 7 positions under either seed. Run first (examples count among the runs), so the count of trims below holds
 * whatever the seed draws after them (under one seed the drawn runs alone trimmed only 5).
 */
const overnightStocks = (seed: number): [MarketSpec, Record<string, unknown>] => [
  {
    start: '2024-03-04',
    days: 10,
    symbols: [1, 2, 3, 4].map(() => ({
      assetClass: 'stock' as const,
      layout: 'regular' as const,
      volatility: 0.01,
      gapChance: 0,
    })),
    signalsPerSymbol: 30,
    seed,
  },
  {
    extendedHours: false,
    patternDayTrader: true,
    stealingEnabled: false,
    victimRanking: 'distance',
    marginRatePerYear: 0.065,
    bufferPct: 0,
    deleverageLeadMinutes: 15,
    normalTolerance: 0.05,
    cryptoNormalTolerance: 0.05,
    stealEntryTolerance: 0.05,
    margin: { crypto: { requirement: 1 }, stock: { intradayPdt: 0.25, overnight: 0.5 } },
    sim: {
      initialEquity: 100_000,
      orderFraction: 1,
      fillRule: 'touch',
      fillThroughBps: 0,
      fees: { crypto: { makerBps: 0, takerBps: 0 }, stock: { makerBps: 0, takerBps: 0 } },
      feesBps: null,
      slippageBps: 0,
      stopLossPct: 0,
      timeStopHours: 30,
    },
  },
];

describe('the simulator is honest on generated markets, under random configurations', () => {
  it('every fill, fee, interest charge, equity row and close keeps its promise (support/honesty.ts)', () => {
    /** What the runs exercised: the promises are only tested where something happened. */
    const seen = { trades: 0, steals: 0, trims: 0, interest: 0, stops: 0, timeStops: 0, shorts: 0 };
    fc.assert(
      fc.property(marketSpecArb, honestyConfigArb, (spec, values) => {
        const { series, signals } = generateMarket(spec);
        const config = resolveConfig({ layers: [{ source: 'test', values }] }).config;
        const out = simulate({ series, config, calendar, signals, assertInvariants: true });
        expect(honestyViolations({ series, config, calendar, out })).toEqual([]);
        seen.trades += out.trades.length;
        seen.steals += out.counters.steals;
        seen.trims += out.counters.deleverageTrims;
        seen.interest += out.interestPaid > 0 ? 1 : 0;
        seen.stops += out.trades.filter((t) => t.exitReason === 'stop').length;
        seen.timeStops += out.trades.filter((t) => t.exitReason === 'time-stop').length;
        seen.shorts += out.trades.filter((t) => t.side === 'sell').length;
      }),
      { seed: 20261205, numRuns: 500, examples: [overnightStocks(2), overnightStocks(5)] },
    );
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(5);
  });
});

describe('the honesty checks count the days the run counts', () => {
  it('a stock-only book whose after-hours bars close past midnight UTC pays interest per New York day', () => {
    // Found by the property above at another seed: the checks counted UTC days, and a Wednesday row at the
    // regular close (21:00Z) then a Thursday row at 20:00 New York (01:00Z Friday) looked like two days.
    const { series, signals } = generateMarket({
      start: '2024-03-04',
      days: 4,
      symbols: [
        { assetClass: 'stock', layout: 'extended', volatility: 0.002, gapChance: 0.1 },
        { assetClass: 'stock', layout: 'regular', volatility: 0.002, gapChance: 0 },
        { assetClass: 'stock', layout: 'regular', volatility: 0.002, gapChance: 0.1 },
      ],
      signalsPerSymbol: 7,
      seed: 568477729,
    });
    const config = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            extendedHours: true,
            stealingEnabled: false,
            marginRatePerYear: 0.5,
            deleverageLeadMinutes: 0,
            sim: { initialEquity: 100_000, orderFraction: 0.6, feesBps: 0, stopLossPct: 0, timeStopHours: 0 },
          },
        },
      ],
    }).config;
    const out = simulate({ series, config, calendar, signals, assertInvariants: true });
    expect(out.interestPaid).toBeGreaterThan(0);
    expect(out.equity.some((r) => new Date(r.time).getUTCHours() < 4)).toBe(true);
    expect(honestyViolations({ series, config, calendar, out })).toEqual([]);
  });
});
