import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { summarize } from '../../src/sim/metrics.js';
import { Portfolio, type TradeRecord } from '../../src/sim/portfolio.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { loadCsvBars, type CsvBar } from './support/csv-bars.js';

/** Three stocks bought at 4x intraday on Monday 2024-06-03, too much to hold overnight at 2x. */
const day = (p: number): CsvBar[] =>
  Array.from({ length: 7 }, (_, k) => {
    const h = 13 + k;
    const v = h >= 16 ? p : 100.2;
    return [`2024-06-03T${h}:30:00`, v, v, h === 14 ? 99.9 : v, v];
  });
const signal = (symbol: string): ExternalSignal => ({
  time: Date.parse('2024-06-03T14:30:00Z'),
  symbol,
  side: 'buy',
  entry: 100,
  takeProfit: 110,
  expectedPnl: 10,
  validUntil: Date.parse('2024-06-10T00:00:00Z'),
});

describe('one exit is one trade row', () => {
  it('end-of-day trims are sized with their own fee and slippage: one row per symbol, margin fits', async () => {
    const series = await loadCsvBars({ AAA: day(99), BBB: day(98), CCC: day(97) });
    const { config } = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            patternDayTrader: true,
            sim: { initialEquity: 30_000, orderFraction: 1, timeStopHours: 0, feesBps: 10, slippageBps: 10 },
          },
        },
      ],
    });
    const out = simulate({
      series,
      config,
      calendar: nyseCalendar(),
      signals: ['AAA', 'BBB', 'CCC'].map(signal),
      assertInvariants: true,
    });
    const trims = out.trades.filter((t) => t.exitReason === 'deleverage');
    expect(trims.length).toBeGreaterThan(1);
    const keys = trims.map((t) => `${t.symbol}@${t.exitTime}`);
    expect(new Set(keys).size).toBe(keys.length);
    // No dust: every trim row closes a real share of its position.
    for (const t of trims) expect(t.qty).toBeGreaterThan(1);
  });

  it('two closes of one position in one step make one row (quantity-weighted price, summed pnl and fees)', () => {
    const p = new Portfolio(10_000);
    const base = { assetClass: 'stock' as const, side: 'buy' as const, entryTime: 0, takeProfit: 0 };
    p.open(
      {
        ...base,
        symbol: 'AAA',
        qty: 10,
        entryPrice: 100,
        entryOrderId: 'e1',
        stopPrice: null,
        timeStopAt: null,
        tpOrderId: null,
      },
      0.001,
    );
    p.close('AAA', 110, 5, 'deleverage', 0.001, 4);
    p.close('AAA', 105, 5, 'deleverage', 0.001, 2);
    p.close('AAA', 90, 6, 'stop', 0.001);
    expect(p.trades).toHaveLength(2);
    const [trim, stop] = p.trades as [TradeRecord, TradeRecord];
    expect(trim.qty).toBe(6);
    expect(trim.exitPrice).toBeCloseTo((4 * 110 + 2 * 105) / 6, 12);
    expect(trim.fees).toBeCloseTo(6 * 100 * 0.001 + (4 * 110 + 2 * 105) * 0.001, 12);
    expect(trim.pnl).toBeCloseTo(4 * 10 + 2 * 5 - trim.fees, 9);
    expect(stop.qty).toBe(4);
    expect(p.feesPaid).toBeCloseTo(trim.fees + stop.fees, 12);
  });

  it('the win rate counts exits, not rows', () => {
    const row = (pnl: number, exitTime: number, entryOrderId: string) =>
      ({ pnl, exitTime, entryOrderId, symbol: 'AAA' }) as TradeRecord;
    // One winning exit recorded as three rows (an earlier format), one losing exit.
    const trades = [row(5, 1, 'a'), row(-0.001, 1, 'a'), row(-0.001, 1, 'a'), row(-3, 2, 'b')];
    const s = summarize({
      equity: [],
      trades,
      counters: { blocks: {} } as never,
      initialEquity: 1,
      finalEquity: 1,
      feesPaid: 0,
      interestPaid: 0,
      tradedNotional: 0,
    });
    expect(s.winRate).toBe(0.5);
    expect(s.trades).toBe(2);
  });
});
