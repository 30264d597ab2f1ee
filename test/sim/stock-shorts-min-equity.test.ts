/**
 * FINRA and Alpaca: "In order to trade on margin or sell short, you must have $2,000 or more account equity."
 * Below `margin.stock.marginMinEquity` (2,000 by default) a stock sell signal asks for no entry, in the
 * simulator and live (one rule: core/margin/requirements.ts marginAccount, applied by session/entry.ts
 * entryAllowed to the equity the entry is sized from). A short already open stays and its covering exit is
 * never blocked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapacityLedger } from '../../src/coordinator/ledger.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/core/config/index.js';
import type { MarginTable } from '../../src/core/config/schema.js';
import { marginAccount, stockRequirement } from '../../src/core/margin/requirements.js';
import type { AssetClass, Side } from '../../src/core/types.js';
import { entryAllowed } from '../../src/core/margin/requirements.js';
import { blankRequest, fillEntryRequest } from '../../src/session/entry.js';
import { DEFAULT_SIZING } from '../../src/session/sizing.js';
import { EntryWatcher, ExitWatcher, type WatchedSignal } from '../../src/session/watchers.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { hourly, loadCsvBars } from './support/csv-bars.js';

const H = 3_600_000;
const tableWith = (marginMinEquity: number): MarginTable => ({
  ...DEFAULT_CONFIG.margin,
  stock: { ...DEFAULT_CONFIG.margin.stock, marginMinEquity },
});

describe('no stock shorts below the margin minimum equity: the rule', () => {
  it('fillEntryRequest asks exactly when entryAllowed says so; a stock sell from marginMinEquity up only', () => {
    const equity = fc.oneof(
      fc.double({ min: 2, max: 1e6, noNaN: true }),
      fc.constantFrom(2, 499.99, 500, 1_999.99, 2_000, 2_000.01, 24_999, 25_000),
    );
    fc.assert(
      fc.property(
        equity,
        fc.constantFrom<AssetClass>('crypto', 'stock'),
        fc.constantFrom<Side>('buy', 'sell'),
        fc.constantFrom(0, 500, 2_000, 25_000),
        (eq, assetClass, side, minEquity) => {
          const table = tableWith(minEquity);
          // An entry of 1 at half the equity: at least one whole share from an equity of 2, so only the rule
          // can refuse the request.
          const req = blankRequest('X', assetClass);
          const signal = { side, entry: 1, edge: 0.01, expectedPnl: null };
          const asked = fillEntryRequest(req, signal, eq, table, 0.5, 1, DEFAULT_SIZING);
          expect(asked).toBe(entryAllowed(assetClass, side, marginAccount(eq, table)));
          if (side === 'buy') expect(asked).toBe(true);
          else if (assetClass === 'crypto') expect(asked).toBe(false);
          else expect(asked).toBe(eq >= minEquity);
          if (asked) expect(req.side).toBe(side);
        },
      ),
      { seed: 20261208, numRuns: 500 },
    );
  });

  it('the default table: a stock sell at 1,999.99 asks nothing, at 2,000 and 10,000 it asks a short', () => {
    const ask = (equity: number) =>
      fillEntryRequest(
        blankRequest('AAPL', 'stock'),
        { side: 'sell', entry: 100, edge: 0.01, expectedPnl: null },
        equity,
        DEFAULT_CONFIG.margin,
        0.5,
        100,
        DEFAULT_SIZING,
      );
    expect(DEFAULT_CONFIG.margin.stock.marginMinEquity).toBe(2_000);
    expect([1_999.99, 2_000, 10_000].map(ask)).toEqual([false, true, true]);
  });

  it('NaN or negative equity is never a margin account; one test picks the 100% tier and refuses shorts', () => {
    const table = tableWith(0);
    for (const eq of [Number.NaN, -1, -1e6]) expect(marginAccount(eq, table)).toBe(false);
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ noDefaultInfinity: true }), fc.constantFrom(1_999.99, 2_000)),
        fc.boolean(),
        fc.boolean(),
        (equity, patternDayTrader, sessionOpen) => {
          const small = stockRequirement({ equity, patternDayTrader, sessionOpen }, DEFAULT_CONFIG.margin);
          const margin = marginAccount(equity, DEFAULT_CONFIG.margin);
          expect(small === DEFAULT_CONFIG.margin.stock.smallAccount).toBe(!margin);
          expect(entryAllowed('stock', 'sell', margin)).toBe(margin);
        },
      ),
      { seed: 20261209, numRuns: 500 },
    );
  });
});

// Hand-made AAPL bars on Tuesday 4 June 2024 (EDT: the regular session is 13:30–20:00 UTC), from 14:00 UTC.
const T0 = '2024-06-04T14:00:00';
const shortAt100 = (over: Partial<ExternalSignal> = {}): ExternalSignal => ({
  time: Date.parse('2024-06-04T14:00:00Z'),
  symbol: 'AAPL',
  side: 'sell',
  entry: 100,
  takeProfit: 90,
  expectedPnl: 10,
  validUntil: Date.parse('2024-06-06T00:00:00Z'),
  ...over,
});

async function simulateWith(initialEquity: number, bars: ReturnType<typeof hourly>) {
  const { config } = resolveConfig({
    layers: [{ source: 'test', values: { sim: { initialEquity, orderFraction: 0.5, timeStopHours: 0 } } }],
  });
  return simulate({
    series: await loadCsvBars({ AAPL: bars }),
    config,
    calendar: nyseCalendar(),
    signals: [shortAt100()],
    assertInvariants: true,
  });
}

describe('no stock shorts below the margin minimum equity: the simulator', () => {
  // Bar 2 trades up through 100: a sell limit at 100 resting from below fills there.
  const bars = hourly(T0, 6, 99.8, { 2: [99.8, 100.5, 99.5, 100.2] });

  it('a stock sell signal places nothing from 1,500 of equity, and shorts from 10,000', async () => {
    const small = await simulateWith(1_500, bars);
    expect(small.trades).toEqual([]);
    expect(small.decisions.filter((d) => d.action === 'place')).toEqual([]);
    expect(small.finalEquity).toBe(1_500);
    const large = await simulateWith(10_000, bars);
    expect(large.decisions.filter((d) => d.action === 'place')).toHaveLength(1);
    expect(large.trades).toHaveLength(1);
    expect(large.trades[0]).toMatchObject({ symbol: 'AAPL', side: 'sell', qty: 50, entryPrice: 100 });
  });

  it('a short opened at 2,100 stays when equity dips below 2,000, and its covering take-profit fills', async () => {
    // 10 shares short at 100; the day closes at 115: equity 2,100 − 150 = 1,950. The next day's bar to 89
    // fills the take-profit at 90.
    const dip = [
      ...hourly(T0, 6, 115, {
        0: [99.8, 99.8, 99.8, 99.8],
        1: [99.8, 99.8, 99.8, 99.8],
        2: [99.8, 100.5, 99.5, 100.2],
      }),
      ...hourly('2024-06-05T14:00:00', 3, 90, { 0: [115, 115, 89, 90] }),
    ];
    const out = await simulateWith(2_100, dip);
    expect(out.equity.map((r) => r.equity)).toEqual([1_950, 2_200]);
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]).toMatchObject({ side: 'sell', qty: 10, exitPrice: 90, exitReason: 'take-profit' });
    expect(new Date(out.trades[0]!.exitTime).toISOString()).toBe('2024-06-05T15:00:00.000Z');
  });
});

describe('no stock shorts below the margin minimum equity: the live watchers', () => {
  const T = Date.parse('2024-06-04T15:00:00Z');
  const ledger = (equity: number, positionQty = 0) => {
    const account = { equity, patternDayTrader: false };
    const l = new CapacityLedger(account);
    l.reset({
      account,
      positions: positionQty ? [{ symbol: 'AAPL', assetClass: 'stock', qty: positionQty, price: 100 }] : [],
      orders: [],
    });
    return l;
  };
  const signal = (side: Side): WatchedSignal => ({
    key: `k-${side}`,
    side,
    entry: 100,
    takeProfit: side === 'sell' ? 90 : 110,
    edge: 0.05,
    expectedPnl: null,
    validUntil: T + 48 * H,
  });
  const plan = (equity: number, side: Side) =>
    new EntryWatcher('AAPL', 'stock', 0, T - H).plan({
      ledger: ledger(equity),
      now: T,
      quotes: new Map([['AAPL', { bid: 100, ask: 100, time: T }]]),
      orderFraction: 0.5,
      sizing: DEFAULT_SIZING,
      margin: DEFAULT_CONFIG.margin,
      signal: () => signal(side),
      signalKeyOf: () => null,
      stockEntriesClosed: false,
    });

  it('a stock sell signal at a ledger equity of 1,500 requests nothing; at 10,000 it requests a short', () => {
    expect(plan(1_500, 'sell')).toEqual({ cancel: null, request: null });
    expect(plan(10_000, 'sell').request?.request).toMatchObject({ side: 'sell', qty: 50, limitPrice: 100 });
    // A buy is not a short: 1x still buys (7 whole shares of 750).
    expect(plan(1_500, 'buy').request?.request).toMatchObject({ side: 'buy', qty: 7 });
  });

  it('a short already open at 1,500 of equity still gets its covering take-profit', () => {
    const exits = new ExitWatcher('AAPL', 'stock').plan(
      ledger(1_500, -10),
      { takeProfit: 90, filledAt: T - H, stopPrice: null, timeStopAt: null },
      T,
      true,
      null,
    );
    expect(exits.place).toEqual({ side: 'buy', qty: 10, limitPrice: 90 });
  });
});
